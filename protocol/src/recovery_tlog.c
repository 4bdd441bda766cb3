// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The recovery against the cosigned checkpoint (docs/protocol.md §10.3, issue 14). Once a
 * platform restored from a backup has re-imported its own events from the peer's copy, its log
 * must reach the last checkpoint of it the peer cosigned, with the same root: the peer holds
 * that checkpoint, signed by us and cosigned by itself, and serves it. Events it cosigned but
 * did not return cannot be signed again without forking what it vouched for, so emitting stays
 * held; the checkpoint is stored as our own latest so that no smaller one is ever signed (a
 * rollback to every witness). Also the test, from any process, that a restore is still waiting
 * for the peer ("tlog checkpoint" refuses to sign meanwhile).
 */
#include "common/db.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "federation_internal.h"
#include "protocol/b64.h"
#include "protocol/db_tlog.h"
#include "protocol/tlog.h"
#include "protocol/tlog_service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char reason_short[] =
	"the own log is shorter than the last checkpoint of it the peer cosigned, and the peer "
	"did not return the missing events: signing their seq numbers again would fork the log "
	"(see the alarm recovery_short_of_cosigned)";

/* An alarm about the own log at size, with the cosigned checkpoint (and what we have) as
 * evidence. */
static void
alarm_cosigned(long long size, const char *kind, const char *detail, const char *note,
	       const char *ours)
{
	json_t *ev = json_pack("{s:s, s:s?}", "cosigned", note, "here", ours);
	char *evidence = json_dumps(ev, JSON_COMPACT);
	log_error("ALARM: %s at the own checkpoint of size %lld: %s", kind, size, detail);
	if (db_fed_alarm_add(fed.self, size, kind, detail, evidence) < 0)
		log_error("could not record the %s alarm", kind);
	free(evidence);
	json_decref(ev);
}

/* Store the peer's copy of our checkpoint (body and our signature line) and its cosignature
 * line as ours: the own latest checkpoint is never smaller than one cosigned. */
static int
keep_checkpoint(const struct tlog_checkpoint *cp, const char *note, size_t len, size_t body_len,
		const char *witness)
{
	struct strbuf own = STRBUF_INIT, cos = STRBUF_INIT;
	int rc = -1;
	strbuf_add(&own, note, body_len + 1);
	if (fed_note_line_by(note, len, cp->origin, &own) &&
	    fed_note_line_by(note, len, witness, &cos) && db_begin() == 0) {
		if (db_tlog_checkpoint_put(fed.self, cp->size, cp->root, own.buf) == 0 &&
		    db_tlog_cosignature_put(fed.self, cp->size, witness, cos.buf) >= 0 &&
		    db_commit() == 0)
			rc = 0;
		else
			db_rollback();
	}
	strbuf_release(&own);
	strbuf_release(&cos);
	return rc;
}

int
fed_recovery_check_cosigned(void *curl, const struct fed_peer *peer)
{
	struct strbuf got = STRBUF_INIT, own = STRBUF_INIT, witness = STRBUF_INIT,
		      mine = STRBUF_INIT;
	struct tlog_checkpoint cp;
	size_t body_len, sigs_len;
	const char *sigs;
	long status = 0;
	int rc = 1;
	char *url = xasprintf("%s/federation/v1/checkpoint?origin=%s", peer->url, fed.self);
	int got_rc = fed_http(curl, url, NULL, 0, NULL, TLOG_NOTE_MAX, &status, &got);
	free(url);
	if (got_rc < 0 || (status != 200 && status != 404)) {
		rc = 0;
		fed_recovery_unreachable("could not fetch the peer's checkpoint of the own log");
		goto out;
	}
	if (status == 404 || tlog_origin_line(fed.public_url, fed.self, &own) < 0 ||
	    fed_peer_origin_line(peer, &witness) < 0)
		goto out; /* the peer cosigned nothing of ours yet: nothing to compare with */
	uint64_t t;
	if (tlog_note_split(got.buf, got.len, &body_len, &sigs, &sigs_len) < 0 ||
	    tlog_checkpoint_parse(got.buf, body_len, &cp) < 0 || strcmp(cp.origin, own.buf) != 0 ||
	    !fed_note_signed_by(got.buf, got.len, own.buf, fed.self, false, NULL) ||
	    !fed_note_signed_by(got.buf, got.len, witness.buf, peer->name, true, &t)) {
		/* not a statement of both of us: it proves nothing about the own log */
		log_warn("the peer's checkpoint of the own log is not one signed here and cosigned "
			 "by the peer: the restored log is not compared with it");
		goto out;
	}
	long long last = db_fed_counter_last(fed.self);
	long long size = tlog_catch_up(fed.self);
	tlog_hash root;
	if (last < 0 || size < 0) {
		rc = 0;
		fed_recovery_unreachable("the database failed");
		goto out;
	}
	if (last < cp.size) {
		char *detail = xasprintf("the own log ends at #%lld but the peer cosigned a "
					 "checkpoint of it at size %lld and did not return the "
					 "events after #%lld",
					 last, cp.size, last);
		alarm_cosigned(cp.size, "recovery_short_of_cosigned", detail, got.buf, NULL);
		free(detail);
		if (keep_checkpoint(&cp, got.buf, got.len, body_len, witness.buf) < 0)
			log_warn("could not store the cosigned checkpoint of the own log");
		fed_recovery_hold(reason_short);
		rc = 0;
		goto out;
	}
	if (size < cp.size ||
	    tlog_tree_hash(cp.size, db_tlog_read, db_tlog_ctx(fed.self), root) < 0) {
		rc = 0;
		fed_recovery_unreachable("the own tree could not be read");
		goto out;
	}
	if (memcmp(root, cp.root, TLOG_HASH_LEN) != 0) {
		/* the events chain (recovery.c checked every one), yet the root differs: holding
		 * would not undo it, as for recovery_diverged; the operators compare the logs */
		strbuf_addstr(&mine, "root of the own events stored here: ");
		b64_encode(&mine, root, TLOG_HASH_LEN);
		alarm_cosigned(cp.size, "recovery_root_mismatch",
			       "the restored own log does not have the root of the checkpoint the "
			       "peer cosigned",
			       got.buf, mine.buf);
		goto out;
	}
	if (keep_checkpoint(&cp, got.buf, got.len, body_len, witness.buf) < 0) {
		rc = 0;
		fed_recovery_unreachable("the database failed");
		goto out;
	}
	log_info("the own log agrees with the checkpoint of size %lld the peer cosigned", cp.size);
out:
	strbuf_release(&got);
	strbuf_release(&own);
	strbuf_release(&witness);
	strbuf_release(&mine);
	return rc;
}

int
fed_restore_unanswered(struct app *app, long long *last, long long *marker)
{
	char *path = xasprintf("%s/fed-last-seq", app->cfg.data_dir ? app->cfg.data_dir : ".");
	FILE *f = fopen(path, "r");
	free(path);
	*marker = -1;
	if (f) {
		if (fscanf(f, "%lld", marker) != 1)
			*marker = -1;
		fclose(f);
	}
	*last = db_fed_counter_last(app->side);
	if (*last < 0)
		return -1;
	return *marker > *last;
}
