// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The witness (docs/protocol.md, "Cosigning"): each platform checks its peer's latest checkpoint
 * (the signature by a pinned key, consistency with the last one it cosigned, the root over its
 * own copy of the peer's events), cosigns it (C2SP tlog-cosignature), records that in its own
 * log (checkpoint.cosigned) and sends the cosignature to the peer, which stores it beside its
 * checkpoint (POST /federation/v1/cosignature). A checkpoint inconsistent with an earlier one,
 * or smaller than one already cosigned, raises an alarm with both signed notes as evidence and
 * is never cosigned.
 */
#include "protocol/federation.h"

#include "common/check.h"
#include "common/db.h"
#include "common/http.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/xalloc.h"
#include "federation_internal.h"
#include "protocol/b64.h"
#include "protocol/db_tlog.h"
#include "protocol/tlog.h"
#include "protocol/tlog_service.h"
#include "strict_json.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SIG_DASH "\xe2\x80\x94 "
#define PROOF_MAX (64 * 1024)

/*
 * The origin line the peer's checkpoints must carry, exactly: the one its public URL gives
 * (BALADIYA_PEER_URL, which the operator sets to the address residents use), else the one of the
 * URL it was paired with — never just any "<host>/baladiya/<peer>" (docs/protocol.md §21.2).
 * 0, or -1 when neither is an http(s) URL.
 */
int
fed_peer_origin_line(const struct fed_peer *peer, struct strbuf *out)
{
	const char *url = fed.app && fed.app->cfg.peer_url ? fed.app->cfg.peer_url : peer->url;
	return tlog_origin_line(url, peer->name, out);
}

bool
fed_note_signed_by(const char *note, size_t len, const char *name, const char *origin, bool cosig,
		   uint64_t *t)
{
	struct peer_key *keys = NULL;
	size_t n = fed_peer_keys(origin, &keys, false);
	bool ok = false;
	for (int pass = 0; pass < 2 && !ok; pass++) {
		for (size_t i = 0; i < n && !ok; i++)
			ok = keys[i].revoked_after_seq < 0 &&
			     (cosig ? tlog_cosignature_verify(note, len, name, keys[i].key, t)
				    : tlog_note_verify(note, len, name, keys[i].key));
		if (!ok && pass == 0) { /* a key pinned since the cache was filled */
			fed_peer_keys_free(keys, n);
			keys = NULL;
			n = fed_peer_keys(origin, &keys, true);
		}
	}
	fed_peer_keys_free(keys, n);
	return ok;
}

int
fed_note_line_by(const char *note, size_t len, const char *name, struct strbuf *out)
{
	size_t body_len, sigs_len, nl = strlen(name);
	const char *sigs;
	if (tlog_note_split(note, len, &body_len, &sigs, &sigs_len) < 0)
		return 0;
	for (const char *p = sigs, *end = sigs + sigs_len; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *nm = p + strlen(SIG_DASH);
		if ((size_t)(eol - nm) > nl && memcmp(nm, name, nl) == 0 && nm[nl] == ' ') {
			strbuf_add(out, p, (size_t)(eol + 1 - p));
			return 1;
		}
		p = eol + 1;
	}
	return 0;
}

/* An alarm about origin's checkpoint of size, with the notes as evidence (JSON). */
static void
alarm(const char *origin, long long size, const char *kind, const char *detail, const char *earlier,
      const char *later)
{
	json_t *ev = json_pack("{s:s?, s:s?}", "earlier", earlier, "later", later);
	char *evidence = json_dumps(ev, JSON_COMPACT);
	log_error("ALARM: %s by %s at checkpoint size %lld: %s", kind, origin, size, detail);
	if (db_fed_alarm_add(origin, size, kind, detail, evidence) < 0)
		log_error("could not record the %s alarm", kind);
	free(evidence);
	json_decref(ev);
}

/* The consistency proof of origin's tree from size from to size to, fetched from the peer. */
static int
fetch_consistency(void *curl, const struct fed_peer *peer, long long from, long long to,
		  tlog_hash **proof, size_t *n)
{
	struct strbuf body = STRBUF_INIT;
	long status = 0;
	char *url = xasprintf("%s/federation/v1/proof/consistency?origin=%s&from=%lld&to=%lld",
			      peer->url, peer->name, from, to);
	int rc = fed_http(curl, url, NULL, 0, NULL, PROOF_MAX, &status, &body);
	free(url);
	json_t *root = NULL, *list;
	const char *reason = NULL;
	*proof = NULL;
	*n = 0;
	if (rc < 0 || status != 200 ||
	    strict_json_load(body.buf, body.len, PROOF_MAX, &root, &reason) != STATUS_OK ||
	    !json_is_array(list = json_object_get(root, "proof")) || json_array_size(list) > 128) {
		rc = -1;
		goto out;
	}
	*proof = xcalloc(json_array_size(list) + 1, sizeof(tlog_hash));
	for (size_t i = 0; i < json_array_size(list); i++) {
		const char *h = json_string_value(json_array_get(list, i));
		if (!h || b64_decode_exact(h, strlen(h), (*proof)[i], TLOG_HASH_LEN) < 0) {
			rc = -1;
			goto out;
		}
	}
	*n = json_array_size(list);
	rc = 0;
out:
	if (rc < 0) {
		free(*proof);
		*proof = NULL;
		log_warn("could not fetch a consistency proof %lld..%lld from peer \"%s\"", from,
			 to, peer->name);
	}
	json_decref(root);
	strbuf_release(&body);
	return rc;
}

/* POST our cosignature line of the peer's checkpoint of size to the peer. */
static void
send_cosignature(void *curl, const struct fed_peer *peer, long long size, const char *line)
{
	json_t *j = json_pack("{s:s, s:I, s:s}", "origin", peer->name, "size", (json_int_t)size,
			      "cosignature", line);
	char *body = json_dumps(j, JSON_COMPACT);
	char *url = xasprintf("%s/federation/v1/cosignature", peer->url);
	struct strbuf answer = STRBUF_INIT;
	long status = 0;
	if (fed_http(curl, url, body, strlen(body), "application/json", 4096, &status, &answer) ==
		    0 &&
	    status != 200 && status != 201)
		log_warn("peer \"%s\" refused our cosignature of its checkpoint %lld: %ld %s",
			 peer->name, size, status, answer.buf);
	strbuf_release(&answer);
	free(url);
	free(body);
	json_decref(j);
}

/*
 * The checks that come before cosigning cp (signed note sn) given the last checkpoint of the
 * peer we stored (prev, of psize and proot; psize -1 when none): 1 go on, 0 stop quietly (try
 * again later), -1 stop with an alarm raised.
 */
static int
check_against_previous(void *curl, const struct fed_peer *peer, const struct tlog_checkpoint *cp,
		       const char *sn, const char *prev, long long psize, const tlog_hash proot)
{
	if (psize < 0)
		return 1;
	if (cp->size < psize) {
		/* an older checkpoint served again (a platform restored from a backup serves its
		 * last one until it has its events back) is stale, not a statement against the
		 * newer one when it is a prefix of it: the root of our own copy at that size */
		tlog_hash mine;
		if (db_tlog_size(peer->name) >= cp->size &&
		    tlog_tree_hash(cp->size, db_tlog_read, db_tlog_ctx(peer->name), mine) == 0 &&
		    memcmp(mine, cp->root, TLOG_HASH_LEN) == 0) {
			log_info(
				"peer \"%s\" serves an older checkpoint (%lld, cosigned here up to "
				"%lld) consistent with our copy: waiting for a newer one",
				peer->name, cp->size, psize);
			return 0;
		}
		alarm(peer->name, cp->size, "rollback",
		      "the peer's checkpoint is smaller than one already cosigned", prev, sn);
		return -1;
	}
	if (cp->size == psize) {
		if (memcmp(cp->root, proot, TLOG_HASH_LEN) == 0)
			return 1;
		alarm(peer->name, cp->size, "fork",
		      "two checkpoints of the same size with different roots", prev, sn);
		return -1;
	}
	if (psize == 0)
		return 1;
	tlog_hash *proof;
	size_t n;
	if (fetch_consistency(curl, peer, psize, cp->size, &proof, &n) < 0)
		return 0;
	bool ok = tlog_check_consistency((const tlog_hash *)proof, n, psize, proot, cp->size,
					 cp->root);
	free(proof);
	if (ok)
		return 1;
	alarm(peer->name, cp->size, "fork",
	      "the peer's checkpoint is not consistent with the last one cosigned", prev, sn);
	return -1;
}

/* Our copy of the peer's log holds cp's events with cp's root: 1, 0 wait, -1 alarm raised. */
static int
check_our_copy(const struct fed_peer *peer, const struct tlog_checkpoint *cp, const char *sn)
{
	long long have = tlog_catch_up(peer->name);
	if (have < 0)
		return 0;
	if (have < cp->size) {
		fed_request_pull(); /* catch up first; the round after checks again */
		return 0;
	}
	tlog_hash root;
	if (tlog_tree_hash(cp->size, db_tlog_read, db_tlog_ctx(peer->name), root) < 0)
		return 0;
	if (memcmp(root, cp->root, TLOG_HASH_LEN) == 0)
		return 1;
	struct strbuf mine = STRBUF_INIT;
	strbuf_addstr(&mine, "root of the events stored here: ");
	b64_encode(&mine, root, TLOG_HASH_LEN);
	alarm(peer->name, cp->size, "fork",
	      "the peer's checkpoint does not match the events it delivered here", mine.buf, sn);
	strbuf_release(&mine);
	return -1;
}

/*
 * Store cp (note sn) and our cosignature line, and emit checkpoint.cosigned, in one transaction.
 * Not emitted when everything the peer's log gained since the last checkpoint we cosigned (of
 * psize, -1 none) is its own checkpoint.cosigned records: else two idle platforms would record
 * each other's records forever, one checkpoint interval apart (docs/protocol.md §21.2).
 */
static int
record_cosigned(const struct fed_peer *peer, const struct tlog_checkpoint *cp, long long psize,
		const char *sn, const char *name, const char *line, uint64_t t)
{
	long long news = psize < 0 ? 1
				   : db_fed_events_not_of_type(peer->name, psize, cp->size,
							       "checkpoint.cosigned");
	if (news < 0)
		return -1;
	if (db_begin() < 0)
		return -1;
	if (db_tlog_checkpoint_put(peer->name, cp->size, cp->root, sn) < 0 ||
	    db_tlog_cosignature_put(peer->name, cp->size, name, line) < 0)
		goto rollback;
	if (news > 0) {
		struct strbuf root = STRBUF_INIT;
		b64_encode(&root, cp->root, TLOG_HASH_LEN);
		json_t *data =
			json_pack("{s:s, s:I, s:s, s:I}", "origin", peer->name, "size",
				  (json_int_t)cp->size, "root", root.buf, "time", (json_int_t)t);
		strbuf_release(&root);
		if (outbox_emit("checkpoint.cosigned", NULL, data, NULL) != 0)
			goto rollback;
	}
	if (db_commit() == 0)
		return 0;
rollback:
	db_rollback();
	return -1;
}

/*
 * What this witness vouched for, when its own log says more than its stored checkpoints: after a
 * database restore the checkpoints it cosigned during the lost days are gone, but its
 * checkpoint.cosigned records come back with the own log (section 10.3), and a peer must not be
 * able to roll back under them. Raises *psize (root, and prev: the record as evidence) to the
 * newest record's; 0, or -1 when the database failed.
 */
static int
recorded_floor(const struct fed_peer *peer, struct strbuf *prev, long long *psize, tlog_hash proot)
{
	struct strbuf root = STRBUF_INIT, envelope = STRBUF_INIT;
	long long size = -1;
	tlog_hash h;
	int got = db_tlog_cosigned_recorded(fed.self, peer->name, &size, &root, &envelope);
	if (got == 1 && size > *psize && b64_decode_exact(root.buf, root.len, h, sizeof(h)) == 0) {
		log_info("the own log records a cosignature of peer \"%s\"'s checkpoint %lld, "
			 "beyond the checkpoints stored here (%lld): the witness holds it to that",
			 peer->name, size, *psize);
		*psize = size;
		memcpy(proot, h, sizeof(h));
		strbuf_reset(prev);
		strbuf_addstr(prev, "this platform's own record of its cosignature: ");
		strbuf_addbuf(prev, &envelope);
	}
	strbuf_release(&root);
	strbuf_release(&envelope);
	return got < 0 ? -1 : 0;
}

void
fed_witness_round(void *curl)
{
	struct fed_peer peer;
	struct strbuf own = STRBUF_INIT, theirs = STRBUF_INIT, got = STRBUF_INIT, sn = STRBUF_INIT,
		      prev = STRBUF_INIT, line = STRBUF_INIT;
	struct tlog_checkpoint cp;
	tlog_hash proot;
	long long psize = -1;
	long status = 0;
	size_t body_len, sigs_len;
	const char *sigs;

	if (!fed.key || db_fed_peer_get(&peer, false) <= 0)
		return;
	/* our own name as a witness: the origin line of our own checkpoints */
	if (tlog_origin_line(fed.public_url, fed.self, &own) < 0 ||
	    fed_peer_origin_line(&peer, &theirs) < 0)
		goto out;
	char *url = xasprintf("%s/federation/v1/checkpoint?origin=%s", peer.url, peer.name);
	int rc = fed_http(curl, url, NULL, 0, NULL, TLOG_NOTE_MAX, &status, &got);
	free(url);
	if (rc < 0 || status != 200)
		goto out;
	if (tlog_note_split(got.buf, got.len, &body_len, &sigs, &sigs_len) < 0 ||
	    tlog_checkpoint_parse(got.buf, body_len, &cp) < 0 ||
	    !fed_note_signed_by(got.buf, got.len, cp.origin, peer.name, false, NULL)) {
		log_warn("the checkpoint of peer \"%s\" is not a checkpoint signed by its keys",
			 peer.name);
		goto out;
	}
	if (strcmp(cp.origin, theirs.buf) != 0) {
		/* signed by the peer's key under another log's name: whatever log that is, it is
		 * not the one this witness holds a copy of, and cosigning it would vouch for it */
		strbuf_addf(&prev, "the origin line expected: %s", theirs.buf);
		alarm(peer.name, cp.size, "checkpoint_origin_mismatch",
		      "the peer's checkpoint names another log than the one paired", prev.buf,
		      got.buf);
		goto out;
	}
	/* what we keep: the body and the origin's own signature (cosignatures are kept apart) */
	strbuf_add(&sn, got.buf, body_len + 1);
	if (!fed_note_line_by(got.buf, got.len, cp.origin, &sn))
		goto out;
	int have = db_tlog_checkpoint_latest(peer.name, false, &prev, &psize, proot);
	if (have < 0)
		goto out;
	if (have == 0)
		psize = -1;
	if (recorded_floor(&peer, &prev, &psize, proot) < 0 ||
	    check_against_previous(curl, &peer, &cp, sn.buf, prev.buf, psize, proot) <= 0)
		goto out;
	if (cp.size == psize) {
		/* already cosigned: send it again only when the peer does not show it */
		uint64_t t;
		if (tlog_cosignature_verify(got.buf, got.len, own.buf, signing_key_public(fed.key),
					    &t))
			goto out;
		strbuf_reset(&prev);
		if (db_tlog_checkpoint_at(peer.name, cp.size, true, &prev, proot) == 1 &&
		    fed_note_line_by(prev.buf, prev.len, own.buf, &line))
			send_cosignature(curl, &peer, cp.size, line.buf);
		goto out;
	}
	if (check_our_copy(&peer, &cp, sn.buf) <= 0)
		goto out;
	uint64_t t = (uint64_t)time(NULL);
	if (tlog_cosign(got.buf, body_len, own.buf, fed.key, t, &line) < 0 ||
	    record_cosigned(&peer, &cp, psize, sn.buf, own.buf, line.buf, t) < 0) {
		log_warn("could not cosign the checkpoint %lld of peer \"%s\"", cp.size, peer.name);
		goto out;
	}
	log_info("cosigned the checkpoint %lld of peer \"%s\"", cp.size, peer.name);
	send_cosignature(curl, &peer, cp.size, line.buf);
out:
	strbuf_release(&own);
	strbuf_release(&theirs);
	strbuf_release(&got);
	strbuf_release(&sn);
	strbuf_release(&prev);
	strbuf_release(&line);
}

/* ---- the peer's cosignatures of our checkpoints ---- */

/* One cosignature line: "— <name> <base64>\n" and nothing else; *name_len set. */
static bool
one_line(const char *line, size_t len, size_t *name_len)
{
	size_t d = strlen(SIG_DASH);
	if (len < d + 3 || line[len - 1] != '\n' || memchr(line, '\n', len - 1) ||
	    memcmp(line, SIG_DASH, d) != 0)
		return false;
	const char *sp = memchr(line + d, ' ', len - d);
	if (!sp)
		return false;
	*name_len = (size_t)(sp - line - (ptrdiff_t)d);
	return *name_len > 0 && *name_len <= TLOG_NAME_MAX;
}

void
api_federation_cosignature(struct request *req)
{
	static const char *const members[] = {"origin", "size", "cosignature"};
	json_t *root = NULL;
	const char *reason = NULL;
	struct strbuf note = STRBUF_INIT;
	struct fed_peer peer;
	tlog_hash hash;
	size_t name_len;
	char name[TLOG_NAME_MAX + 1];
	enum status st = strict_json_load(req->body.buf, req->body.len, COSIGNATURE_BODY_MAX, &root,
					  &reason);
	if (st != STATUS_OK) {
		fed_reply_code(req, st,
			       st == STATUS_TOO_LARGE ? "payload_too_large"
						      : "malformed_cosignature",
			       "the body is {\"origin\", \"size\", \"cosignature\"} as JSON");
		goto out;
	}
	const char *origin = json_string_value(json_object_get(root, "origin"));
	json_t *size = json_object_get(root, "size");
	const char *line = json_string_value(json_object_get(root, "cosignature"));
	if (!strict_json_has_members(root, members, 3) || !origin || !line ||
	    !json_is_integer(size) || json_integer_value(size) < 0 ||
	    !one_line(line, strlen(line), &name_len)) {
		fed_reply_code(
			req, STATUS_INVALID, "malformed_cosignature",
			"the body is {\"origin\", \"size\", \"cosignature\"}: a name, a tree size "
			"and "
			"one cosignature line");
		goto out;
	}
	memcpy(name, line + strlen(SIG_DASH), name_len);
	name[name_len] = '\0';
	int have = db_fed_peer_get(&peer, false);
	if (have < 0)
		goto unavailable;
	if (have) {
		strbuf_reset(&note);
		if (fed_peer_origin_line(&peer, &note) < 0)
			have = 0;
	}
	if (!have || strcmp(name, note.buf) != 0) {
		fed_reply_code(req, STATUS_FORBIDDEN, "unknown_witness",
			       "the cosigner is not this platform's paired peer");
		goto out;
	}
	strbuf_reset(&note);
	have = strcmp(origin, fed.self) == 0
		       ? db_tlog_checkpoint_at(fed.self, json_integer_value(size), false, &note,
					       hash)
		       : 0;
	if (have < 0)
		goto unavailable;
	if (!have) {
		fed_reply_code(req, STATUS_NOT_FOUND, "unknown_checkpoint",
			       "this platform made no checkpoint of that origin and size");
		goto out;
	}
	strbuf_addstr(&note, line);
	uint64_t t;
	if (!fed_note_signed_by(note.buf, note.len, name, peer.name, true, &t)) {
		fed_reply_code(req, STATUS_INVALID, "bad_cosignature",
			       "the cosignature does not verify with the peer's keys over that "
			       "checkpoint");
		goto out;
	}
	int put = db_tlog_cosignature_put(fed.self, json_integer_value(size), name, line);
	if (put < 0)
		goto unavailable;
	if (put)
		log_info("peer \"%s\" cosigned our checkpoint %lld", peer.name,
			 (long long)json_integer_value(size));
	http_json(req, put ? 201 : 200, json_pack("{s:b}", "stored", put == 1));
	goto out;
unavailable:
	fed_reply_code(req, STATUS_UNAVAILABLE, "database_unavailable", "try again later");
out:
	json_decref(root);
	strbuf_release(&note);
}

/* checkpoint.cosigned: a protocol record, checked for shape, nothing to apply. Also the restorer
 * of the own ones (a restore brings them back with the own log, and the witness reads them
 * there: recorded_floor). */
enum status
fed_hook_cosigned(const struct hook_event *ev)
{
	static const char *const members[] = {"origin", "size", "root", "time"};
	json_t *d = ev->data;
	const char *origin = json_string_value(json_object_get(d, "origin"));
	const char *root = json_string_value(json_object_get(d, "root"));
	json_t *size = json_object_get(d, "size"), *t = json_object_get(d, "time");
	tlog_hash h;
	if (!strict_json_has_members(d, members, 4) || !origin || !root || !json_is_integer(size) ||
	    json_integer_value(size) < 0 || !json_is_integer(t) || json_integer_value(t) < 0 ||
	    b64_decode_exact(root, strlen(root), h, sizeof(h)) < 0)
		return STATUS_INVALID;
	/* the peer's log says it cosigned more of our log than we hold: after a restore, events
	 * it vouched for and did not return, although the checkpoint it served the recovery did
	 * not show it (protocol.md §10.3) */
	long long last =
		ev->origin && strcmp(ev->origin, fed.self) != 0 && strcmp(origin, fed.self) == 0
			? db_fed_counter_last(fed.self)
			: -1;
	if (last >= 0 && json_integer_value(size) > last) {
		char *detail =
			xasprintf("the peer's log records its cosignature of this platform's "
				  "checkpoint of size %lld, beyond the own log's end at #%lld",
				  (long long)json_integer_value(size), last);
		char *evidence = json_dumps(d, JSON_COMPACT);
		log_error("ALARM: %s", detail);
		int rc = db_fed_alarm_add(fed.self, json_integer_value(size), "cosigned_beyond_log",
					  detail, evidence);
		free(evidence);
		free(detail);
		if (rc < 0)
			return STATUS_UNAVAILABLE;
	}
	return STATUS_OK;
}
