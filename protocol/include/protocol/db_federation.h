// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PROTOCOL_DB_FEDERATION_H
#define PROTOCOL_DB_FEDERATION_H

#include "common/strbuf.h"

#include <jansson.h>
#include <stdbool.h>

/*
 * All SQL of the federation protocol (the logic is in protocol/src/federation.c). Functions run
 * on the calling thread's connection, inside the caller's transaction when there is one, and
 * return 0 / -1 (logged) unless said otherwise.
 */

/* One stored event of the log. */
struct fed_row {
	long long seq;
	struct strbuf envelope; /* the record as it travels: the envelope, or for an event with
				   committed fields the record with its content (content.h) */
};

/* Make sure origin has its counter row. */
int db_fed_counter_init(const char *origin);
/* Take origin's next seq and the hash of its last payload, locking the counter row until the
 * transaction ends. prev_hash receives 64 hex digits. */
int db_fed_counter_next(const char *origin, long long *seq, char prev_hash[65]);
int db_fed_counter_set_hash(const char *origin, const char *hash);
/* Read origin's last seq and the hash of its last payload, locking the counter row until the
 * transaction ends (recovery, docs/decisions/0010). */
int db_fed_counter_get(const char *origin, long long *seq, char hash[65]);
/* Move origin's counter to seq with the hash of that event's payload (recovery). */
int db_fed_counter_set(const char *origin, long long seq, const char *hash);
long long db_fed_counter_last(const char *origin);
/* The head of origin's own log (its last seq and hash; 0 and 64 zeros when empty): 1, 0 when
 * there is no counter row, -1. */
int db_fed_counter_head(const char *origin, long long *seq, char hash[65]);

int db_fed_event_insert(const char *origin, long long seq, const char *type, const char *payload,
			size_t payload_len, const char *envelope, size_t envelope_len,
			const char *hash, const char *flag);
/* 1 and hash filled when origin's seq is stored, 0 when not, -1 on failure. */
int db_fed_event_hash(const char *origin, long long seq, char hash[65]);
/* How many stored events of origin with after < seq <= upto are not of type, or -1. */
long long db_fed_events_not_of_type(const char *origin, long long after, long long upto,
				    const char *type);
/* Up to limit events of origin with seq > after, in order, appended to *rows (grown with
 * ALLOC_GROW); returns how many, or -1. Free with db_fed_rows_free. */
int db_fed_events_after(const char *origin, long long after, int limit, struct fed_row **rows,
			size_t *nr, size_t *alloc);
void db_fed_rows_free(struct fed_row *rows, size_t nr);

/* Store the committed content (field -> {salt, json}) and the withheld fields (field ->
 * reason) of the stored event (origin, seq), whose refs (JSON array) say what it is about. */
int db_fed_content_put(const char *origin, long long seq, json_t *refs, json_t *content,
		       json_t *withheld);
/* Erase the content of every event whose refs name {origin, type, id}; returns how many
 * fields, or -1. */
int db_fed_content_erase(const char *origin, const char *type, const char *id, const char *reason);
/*
 * Own events re-imported after a restore whose restorer waits for the peer's objects
 * (fed_restore_pending, docs/decisions/0010): record one (refs: its refs array; missing: what
 * it names of the peer's, for the alarm), list them in seq order (*seqs, a new array of *n
 * seqs; free it), read what is missing of one (malloc'd, or NULL), drop one. 1 / 0 from
 * db_fed_restore_names when an own event waiting names {origin, type, id} or not, -1.
 */
int db_fed_restore_pending_put(const char *origin, long long seq, const char *type, json_t *refs,
			       const char *missing);
int db_fed_restore_pending_list(const char *origin, long long **seqs, size_t *n);
char *db_fed_restore_pending_missing(const char *origin, long long seq);
int db_fed_restore_pending_drop(const char *origin, long long seq);
int db_fed_restore_names(const char *origin, const char *type, const char *id);
/* NOTIFY fed_outbox (delivered at commit). Waiting for it: db_listen / db_wait_notify. */
int db_fed_notify(void);
/* NOTIFY fed_pull: whichever replica holds the puller's role pulls now (delivery.c). */
int db_fed_pull_notify(void);

struct fed_peer {
	char name[33];
	char url[512];
	long long acked_seq, applied_seq;
	char applied_hash[65];
	bool blocked;
	long long pending; /* rows in fed_pending (read only with lock) */
	bool dirty;        /* applied_seq/hash changed in memory: write with set_applied */
	/* what the database said of one signing key of the peer while this row is locked (no
	 * revocation can commit meanwhile; applying keys.* clears it): kid ("" none) is trusted on
	 * the peer's events up to trust_upto */
	char trust_kid[48];
	long long trust_upto;
};
/* The peer row (there is at most one): 1 found, 0 none, -1 failure. lock: FOR UPDATE. */
int db_fed_peer_get(struct fed_peer *peer, bool lock);
int db_fed_peer_upsert(const char *name, const char *url);
int db_fed_peer_set_applied(const char *name, long long seq, const char *hash);
int db_fed_peer_set_acked(const char *name, long long seq);
/* Let the sender try again after an operator looked at a refusal. */
int db_fed_peer_unblock(void);
int db_fed_peer_set_error(const char *name, const char *error, bool blocked);

/* Buffer an envelope ahead of a gap: 1 stored, 0 already there (same hash), 2 another envelope
 * with a different hash is buffered for that seq (equivocation), -1 failure. */
int db_fed_pending_put(const char *origin, long long seq, const char *envelope, const char *hash);
/* 1 with the envelope appended to out when origin's seq is pending (and deletes it), 0, -1. */
int db_fed_pending_take(const char *origin, long long seq, struct strbuf *out);

int db_fed_alarm_add(const char *origin, long long seq, const char *kind, const char *detail,
		     const char *evidence);
/* 1 when id was already seen (a replay), 0 when recorded now, -1 on failure. */
int db_fed_webhook_id_seen(const char *id);
/* Forget webhook ids older than the replay window. */
int db_fed_webhook_ids_prune(void);

int db_fed_key_add(const char *owner, const char *kid, const char *x, const char *pinned_by);
int db_fed_key_retire(const char *kid);
/* [{kid, x, created_at, retired_at, pinned_by, revoked_after_seq (null when not revoked)}] of
 * owner, oldest first; NULL on failure. */
json_t *db_fed_keys(const char *owner);
/* Revoke owner's key kid after last_seq (a lower seq already recorded stays): 1 done, 0 no such
 * key of owner, -1 failure. */
int db_fed_key_revoke(const char *owner, const char *kid, long long last_seq);
/* 1 with *upto the last seq of owner's events key kid is trusted on (LLONG_MAX when not
 * revoked), 0 when kid is not a key of owner, -1 on failure. */
int db_fed_key_trusted_upto(const char *owner, const char *kid, long long *upto);
/* 1 when key kid is revoked, 0 when not (or unknown), -1 on failure. */
int db_fed_key_is_revoked(const char *kid);
/* Lock origin's counter row until the transaction ends and read its last seq (no event can be
 * emitted meanwhile). */
int db_fed_counter_lock(const char *origin, long long *last_seq);

/* The stored profile of origin (a new reference), or NULL when none / failure. */
json_t *db_fed_profile_get(const char *origin);
int db_fed_profile_put(const char *origin, const json_t *data);
/* In the caller's transaction: wait for the other replicas' comparison of the own profile. */
int db_fed_profile_lock(void);

/* The checkpoint alarms (kinds fork and rollback) with their evidence, newest first, at most 20:
 * [{origin, size, kind, detail, earlier, later, created_at}] where earlier and later are the two
 * signed notes (public statements of the peer); NULL on failure. */
json_t *db_fed_checkpoint_alarms(void);

/* The last audit's summary (an object), replacing the one before: 0 or -1. */
int db_fed_audit_summary_put(json_t *summary);
/* The last audit's summary into *out (new reference; NULL when none yet): 0, or -1 on failure. */
int db_fed_audit_summary_get(json_t **out);
/* What the periodic audit verified of each origin's log: *out a new object {origin: state}
 * (empty when none): 0, or -1. */
int db_fed_audit_verified_get(json_t **out);
/* Replace origin's state (audit.h's audit_base), or forget it when state is NULL: 0 or -1. */
int db_fed_audit_verified_put(const char *origin, json_t *state);
/* Numbers for the status page: {own_last_seq, peer, alarms: [...], pending, flagged}. */
json_t *db_fed_status(const char *self);

#endif
