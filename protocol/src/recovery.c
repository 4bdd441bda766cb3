// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Recovery without forking (docs/decisions/0010). An operator who restores the database from an
 * older backup would sign new events with seq numbers the peer already holds with other content.
 * The peer holds a verified copy of every event this platform signed: before anything is
 * emitted, the own log is compared with that copy, the events the database lost are re-imported
 * (each verified with the own keys, its seq and prev chain, its committed content) and the
 * state they describe is rebuilt by the modules' restorers (common/module.h). A marker of the
 * own last seq, kept outside the database in BALADIYA_DATA_DIR, tells a restore apart from a
 * peer that is merely down: only after a restore does an unreachable peer hold emitting.
 */
#include "common/db.h"
#include "common/http.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/xalloc.h"
#include "federation_internal.h"
#include "protocol/content.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* The marker's file name in BALADIYA_DATA_DIR. */
#define MARKER_FILE "fed-last-seq"

static const char reason_checking[] =
	"the platform is comparing its event log with its peer's copy; try again in a moment";
static const char reason_restored[] =
	"the database was restored from a backup: the platform waits for its peer to return the "
	"events it signed since, before it signs new ones";

static pthread_mutex_t marker_lock = PTHREAD_MUTEX_INITIALIZER;
static long long marker_written = -1;
static _Atomic(const char *) recovery_reason;
static bool restore_suspected;

static char *
marker_path(void)
{
	const char *dir = fed.app && fed.app->cfg.data_dir ? fed.app->cfg.data_dir : ".";
	return xasprintf("%s/%s", dir, MARKER_FILE);
}

/* The seq in the marker, or -1 when there is none (a first start, or an older version). */
static long long
marker_read(void)
{
	char *path = marker_path();
	FILE *f = fopen(path, "r");
	long long seq = -1;
	if (f) {
		if (fscanf(f, "%lld", &seq) != 1 || seq < 0)
			seq = -1;
		fclose(f);
	}
	free(path);
	return seq;
}

/*
 * Write seq to the marker (a temporary file renamed over it); with marker_lock held. The
 * replicas of a daemon share BALADIYA_DATA_DIR and each writes the marker: under an exclusive
 * flock of "fed-last-seq.lock" the file is read again and only ever raised, so a replica that
 * read the counter earlier cannot move it back below what another one wrote (protocol.md
 * section 10.3). follow_db: the recovery's answer, which may lower it — then the value is the
 * database's counter read under the flock, so it is never below an event committed before.
 */
static void
marker_write(long long seq, bool follow_db)
{
	char *path = marker_path();
	char *lock = xasprintf("%s.lock", path);
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX) != 0)
		log_warn("could not lock %s: %s", lock, strerror(errno));
	long long on_disk = marker_read();
	if (follow_db)
		seq = db_fed_counter_last(fed.self);
	if (seq < 0 || (!follow_db && on_disk >= seq)) {
		if (on_disk > marker_written)
			marker_written = on_disk;
		goto out;
	}
	FILE *f = fopen(tmp, "w");
	bool ok = f && fprintf(f, "%lld\n", seq) > 0;
	if (f && (fflush(f) != 0 || fsync(fileno(f)) != 0))
		ok = false;
	if (f && fclose(f) != 0)
		ok = false;
	if (ok && rename(tmp, path) == 0)
		marker_written = seq;
	else
		log_warn("could not write the marker %s: %s", path, strerror(errno));
out:
	if (fd >= 0)
		close(fd); /* releases the flock */
	free(tmp);
	free(lock);
	free(path);
}

void
fed_marker_note(long long seq)
{
	pthread_mutex_lock(&marker_lock);
	if (seq > marker_written)
		marker_write(seq, false);
	pthread_mutex_unlock(&marker_lock);
}

bool
fed_recovery_pending(void)
{
	return atomic_load(&recovery_reason) != NULL;
}

const char *
fed_recovery_reason(void)
{
	return atomic_load(&recovery_reason);
}

static void
hold(const char *reason)
{
	atomic_store(&recovery_reason, reason);
	outbox_hold(reason);
}

void
fed_recovery_hold(const char *reason)
{
	hold(reason);
}

int
fed_recovery_start(struct app *app)
{
	(void)app;
	long long marker = marker_read();
	long long last = db_fed_counter_last(fed.self);
	if (last < 0)
		return -1;
	restore_suspected = marker > last;
	pthread_mutex_lock(&marker_lock);
	marker_written = marker;
	pthread_mutex_unlock(&marker_lock);
	if (restore_suspected)
		log_warn("the own log ends at #%lld but this platform had signed up to #%lld (%s): "
			 "the database was restored from a backup",
			 last, marker, MARKER_FILE);
	hold(restore_suspected ? reason_restored : reason_checking);
	int rc = fed_recover_now();
	if (rc == 0 && fed_recovery_pending())
		log_warn("emitting is held until the peer returns the own events after #%lld",
			 db_fed_counter_last(fed.self));
	return 0;
}

void
fed_recovery_answered(void)
{
	bool was_pending = fed_recovery_pending();
	long long last = db_fed_counter_last(fed.self);
	pthread_mutex_lock(&marker_lock);
	if (marker_written > last)
		log_warn("events #%lld..#%lld were signed here but neither the database nor the "
			 "peer "
			 "holds them: they are lost, and their seq numbers are signed again",
			 last + 1, marker_written);
	/* the peer's answer is the truth now: the marker follows the log, even down */
	if (last >= 0)
		marker_write(last, true);
	pthread_mutex_unlock(&marker_lock);
	restore_suspected = false;
	atomic_store(&recovery_reason, NULL);
	outbox_hold(NULL);
	if (was_pending)
		log_info("the own log (up to #%lld) agrees with the peer's copy: emitting", last);
}

void
fed_recovery_unreachable(const char *why)
{
	if (restore_suspected) {
		hold(reason_restored);
		return;
	}
	log_warn("could not compare the own log with the peer's copy (%s); no sign of a restored "
		 "database: emitting",
		 why);
	atomic_store(&recovery_reason, NULL);
	outbox_hold(NULL);
}

/* What v names of the peer's (its refs of another origin), for the alarm of an event that
 * waited for them in vain: "citizen report 12" (malloc'd). */
static char *
peer_objects(const struct event *ev)
{
	struct strbuf sb = STRBUF_INIT;
	for (size_t i = 0; i < ev->nr_refs; i++) {
		const struct event_ref *r = &ev->refs[i];
		if (strcmp(r->origin, fed.self) != 0)
			strbuf_addf(&sb, "%s%s %s %s", sb.len ? ", " : "", r->origin, r->type,
				    r->id);
	}
	if (!sb.len)
		strbuf_addstr(&sb, "an object of the peer");
	return strbuf_detach(&sb, NULL);
}

/* The alarm not_restored of an own event whose state could not be rebuilt, with why. */
static int
not_restored(const struct event *ev, const char *why)
{
	char *detail = xasprintf("re-imported own event %s #%lld: its state could not be rebuilt "
				 "(%s)",
				 ev->type, (long long)ev->seq, why);
	log_error("%s", detail);
	int rc = db_fed_alarm_add(ev->origin, ev->seq, "not_restored", detail, NULL);
	free(detail);
	return rc;
}

/*
 * Rebuild what v (an own event, stored) describes with the restorers. On import (pending
 * false) a restorer answering CONFLICT (it names an object of the peer the mirror does not hold
 * yet) puts the event in fed_restore_pending; on a retry (pending true) success takes it out,
 * and CONFLICT leaves it there unless caught_up (the peer's log is all pulled): then the alarm
 * says what never came. Any other refusal raises the alarm at once. 0 or -1 (database).
 */
static int
restore_state(const struct verified *v, bool pending, bool caught_up)
{
	const struct event *ev = v->ev;
	json_t *data = fed_event_data(v);
	enum status st = fed_apply_keys_event(ev->origin, ev->seq, ev->type, data);
	if (st == STATUS_NOT_FOUND)
		st = restorer_apply(
			&(struct hook_event){fed.app, ev->origin, ev->type, ev->occurred_at, data,
					     json_object_size(v->withheld) ? v->withheld : NULL});
	json_decref(data);
	if (st == STATUS_CONFLICT && !caught_up) {
		if (pending)
			return 0;
		char *missing = peer_objects(ev);
		log_info("re-imported own event %s #%lld waits for %s from the peer's log",
			 ev->type, (long long)ev->seq, missing);
		int rc = db_fed_restore_pending_put(ev->origin, ev->seq, ev->type,
						    json_object_get(ev->owner_root, "refs"),
						    missing);
		free(missing);
		return rc;
	}
	if (st == STATUS_UNAVAILABLE || st == STATUS_INTERNAL)
		return -1;
	if (pending && db_fed_restore_pending_drop(ev->origin, ev->seq) < 0)
		return -1;
	if (st == STATUS_OK) {
		if (pending)
			log_info("re-imported own event %s #%lld restored once the peer's log "
				 "brought what it names",
				 ev->type, (long long)ev->seq);
		return 0;
	}
	if (st == STATUS_CONFLICT) {
		char *missing = db_fed_restore_pending_missing(ev->origin, ev->seq);
		char *why = xasprintf("it names %s, which the peer's log never brought",
				      missing ? missing : "an object of the peer");
		int rc = not_restored(ev, why);
		free(why);
		free(missing);
		return rc;
	}
	return not_restored(ev, st == STATUS_NOT_FOUND ? "no restorer for this type"
						       : "its data did not fit");
}

/* Import one verified own event that must follow (*last, hash). 1 imported, 0 does not chain
 * (alarm raised), -1 database failure. */
static int
import_one(struct verified *v, long long *last, char hash[EVENT_HASH_HEX_LEN + 1])
{
	struct event *ev = v->ev;
	char h[EVENT_HASH_HEX_LEN + 1];
	if (ev->seq != *last + 1 || strcmp(ev->prev, hash) != 0) {
		log_error(
			"ALARM: the peer's copy of the own log diverges at #%lld (own log ends at "
			"#%lld with hash %s)",
			(long long)ev->seq, *last, hash);
		return db_fed_alarm_add(fed.self, ev->seq, "recovery_diverged",
					"the peer's copy of this platform's log does not chain to "
					"the restored log",
					v->envelope) < 0
			       ? -1
			       : 0;
	}
	event_hash(v->payload, v->payload_len, h);
	if (db_fed_event_insert(fed.self, ev->seq, ev->type, v->payload, v->payload_len,
				v->envelope, v->envelope_len, h, NULL) < 0 ||
	    db_fed_content_put(fed.self, ev->seq, json_object_get(ev->owner_root, "refs"),
			       v->content, v->withheld) < 0 ||
	    restore_state(v, false, false) < 0)
		return -1;
	*last = ev->seq;
	memcpy(hash, h, sizeof(h));
	return 1;
}

/* One page of the own log being imported: the own last seq and hash it has reached. */
struct recovery_page {
	long long last;
	char hash[EVENT_HASH_HEX_LEN + 1];
	int n;
	bool diverged, refused;
};

/* Verify and import one line (fed_each_line's callback): 0 go on, 1 stop, -1 failure. */
static int
recover_line(const char *line, size_t len, void *arg)
{
	struct recovery_page *pg = arg;
	const char *code = NULL;
	struct verified v;
	if (fed_verify_record(line, len, fed.self, &v, &code) != STATUS_OK) {
		log_warn("recovery from the peer stopped: a line of the own log does not verify "
			 "(%s)",
			 code);
		pg->refused = true;
		return 1;
	}
	int got = import_one(&v, &pg->last, pg->hash);
	fed_verified_release(&v);
	if (got < 0)
		return -1;
	if (got == 0) {
		pg->diverged = pg->refused = true;
		return 1;
	}
	pg->n++;
	return 0;
}

int
fed_recover_batch(const struct strbuf *body, bool *diverged)
{
	struct recovery_page pg = {0};
	*diverged = false;
	if (db_begin() < 0)
		return -1;
	/* the counter row is locked: nothing is emitted meanwhile, by any process */
	if (db_fed_counter_get(fed.self, &pg.last, pg.hash) < 0 ||
	    fed_each_line(body, recover_line, &pg) < 0 ||
	    (pg.n && db_fed_counter_set(fed.self, pg.last, pg.hash) < 0)) {
		db_rollback();
		return -1;
	}
	if (db_commit() < 0)
		return -1;
	if (pg.n) {
		log_info("recovered %d own events from the peer's copy (own log now ends at #%lld)",
			 pg.n, pg.last);
		http_cache_bump();
	}
	*diverged = pg.diverged;
	return pg.refused ? -2 : pg.n;
}

/* Retry the own event seq waiting in fed_restore_pending, in a transaction of its own: its
 * record read back from the log and verified again (its content with it). 0 or -1. */
static int
retry_one(long long seq, bool caught_up)
{
	struct fed_row *rows = NULL;
	size_t nr = 0, alloc = 0;
	int rc = -1;
	if (db_begin() < 0)
		return -1;
	if (db_fed_events_after(fed.self, seq - 1, 1, &rows, &nr, &alloc) < 0)
		goto out;
	if (nr != 1 || rows[0].seq != seq) {
		/* the log lost it again (a second restore): nothing left to rebuild */
		rc = db_fed_restore_pending_drop(fed.self, seq);
		goto out;
	}
	const char *code = NULL;
	struct verified v;
	if (fed_verify_record(rows[0].envelope.buf, rows[0].envelope.len, fed.self, &v, &code) !=
	    STATUS_OK) {
		log_error("own event #%lld does not verify any more (%s): it is not restored", seq,
			  code);
		rc = db_fed_restore_pending_drop(fed.self, seq) < 0 ||
				     db_fed_alarm_add(fed.self, seq, "not_restored",
						      "a re-imported own event waiting to be "
						      "restored does not verify any more",
						      NULL) < 0
			     ? -1
			     : 0;
		goto out;
	}
	rc = restore_state(&v, true, caught_up);
	fed_verified_release(&v);
out:
	db_fed_rows_free(rows, nr);
	if (rc < 0 || db_commit() < 0) {
		db_rollback();
		return -1;
	}
	return 0;
}

int
fed_restore_retry(bool caught_up)
{
	long long *seqs;
	size_t n;
	if (db_fed_restore_pending_list(fed.self, &seqs, &n) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = retry_one(seqs[i], caught_up);
	free(seqs);
	if (n)
		http_cache_bump();
	return rc;
}
