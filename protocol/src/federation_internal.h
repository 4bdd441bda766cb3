// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PROTOCOL_FEDERATION_INTERNAL_H
#define PROTOCOL_FEDERATION_INTERNAL_H

/*
 * State shared by federation.c (emitting, verifying, accepting, life), page_federation.c (the
 * HTTP endpoints), delivery.c (sender and puller threads) and federation_cli.c (subcommands).
 * One federation per process.
 */
#include "common/app.h"
#include "protocol/db_federation.h"
#include "common/module.h"
#include "protocol/dsse.h"
#include "protocol/event.h"
#include "protocol/keys.h"
#include "protocol/webhook.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct federation {
	struct app *app;
	const char *self;
	struct signing_key *key;
	struct signing_key *previous_key; /* the last rotated-out key, or NULL: deliveries carry its
					   * transport signature too, for a peer that has not yet
					   * applied the keys.rotated event */
	char *public_url;
	/* threads */
	pthread_t sender, puller;
	bool threads_started;
	atomic_bool stopping;
	int wake_fd[2]; /* a byte written here wakes both threads (stop) */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool pull_requested;
};

extern struct federation fed;

/* Outcome of offering one verified event to the log. */
enum accept_result {
	ACCEPT_STORED,       /* stored and applied (200) */
	ACCEPT_DUPLICATE,    /* already stored with the same hash (200) */
	ACCEPT_BUFFERED,     /* ahead of a gap: kept in fed_pending (202) */
	ACCEPT_EQUIVOCATION, /* same seq, other content, or a broken prev chain (409) */
	ACCEPT_REVOKED,      /* signed only by keys revoked for its seq, as the database says
			      * under the peer row's lock (401 revoked_key): nothing stored */
	ACCEPT_FAILED,       /* database failure (503): roll back */
};

/* A verified record: its parsed event, the exact bytes, and its committed content checked. */
struct verified {
	struct event *ev;
	const char *record; /* as received: an envelope, or a record with content (content.h) */
	size_t record_len;
	/* the pinned keys whose signatures verified (section 12.1: re-checked against
	 * revocations when the event is stored) */
	char kids[DSSE_MAX_SIGNATURES][KEY_ID_LEN + 1];
	size_t nkids;
	const char *envelope; /* the envelope's bytes (into record, or owned by rec) */
	size_t envelope_len;
	char *payload;
	size_t payload_len;
	json_t *content;  /* the record's content (field -> {salt, json}), or NULL */
	json_t *withheld; /* field -> reason, or NULL */
	json_t *values;   /* field -> the value of each committed field present, or NULL */
	char *envelope_owned;
};

/* Parse and verify a record of the peer (strict): its envelope, signature, payload and the
 * content against the payload's commitments, filling *out; on failure returns the status and
 * sets *code to a stable error code. */
enum status fed_verify_record(const char *bytes, size_t len, const char *expected_origin,
			      struct verified *out, const char **code);
void fed_verified_release(struct verified *v);

/*
 * Verify a delivery's webhook signature headers (id, ts, sig; may be NULL) over body[0..len)
 * under the keys pinned for origin, reloading them once from the database when none verifies.
 */
enum webhook_result fed_verify_transport(const char *origin, const char *id, const char *ts,
					 const char *sig, const void *body, size_t len);

/*
 * Append to header the webhook-signature value over id.timestamp.body: a v1a entry by the
 * current key, then one by the previous key when a retired key file was loaded (section 7 of
 * protocol.md). Deliveries and the inbox's signed answers use it. Returns 0, or -1 (logged).
 */
int fed_sign_transport(struct strbuf *header, const char *id, int64_t timestamp, const void *body,
		       size_t len);

/* Inside a transaction holding the peer row (db_fed_peer_get(.., true)): offer one event. */
enum accept_result fed_accept(struct fed_peer *peer, struct verified *v);

/* Ask the puller to fetch from the peer now. */
void fed_request_pull(void);

/* One key pinned for the peer, and how far it is trusted (section 12.1 of protocol.md). */
struct peer_key {
	struct verify_key *key;
	long long revoked_after_seq; /* -1: not revoked */
};
/* All the keys pinned for origin, as a new array in *keys of new verify keys (free both with
 * fed_peer_keys_free), from a cache that reload refreshes from the database; returns how many.
 * There is no cap. */
size_t fed_peer_keys(const char *origin, struct peer_key **keys, bool reload);
void fed_peer_keys_free(struct peer_key *keys, size_t n);

/* fed_verify_record under the keys keys[0..nkeys) (record_verify.c: pure, no database; the
 * receiver passes its pinned keys, the auditor those it follows through the log). */
enum status fed_verify_record_keys(const char *bytes, size_t len, const char *expected_origin,
				   const struct peer_key *keys, size_t nkeys, struct verified *out,
				   const char **code);
/* A keys.rotated event's data (13.3): the announced key's raw bytes and kid (borrowed from
 * data), checked against each other. 0, or -1 when malformed. */
int fed_rotation_parse(json_t *data, unsigned char raw[ED25519_PUBLIC_KEY_LEN], const char **kid);
/* A keys.revoked event's data at seq (13.10): the kid (borrowed) and last_seq < seq. 0, or -1. */
int fed_revocation_parse(long long seq, json_t *data, const char **kid, long long *last_seq);
/* Write the peer's applied seq/hash when fed_accept changed them (before commit). */
int fed_peer_save(struct fed_peer *peer);

/* One HTTP exchange for the witness (delivery.c): a GET, or a POST of body[0..len) as type
 * when body is not NULL, with the curl handle c; *status and at most max bytes of the answer
 * appended to answer. 0 when an HTTP answer came back (any status), -1 (logged) when not. */
int fed_http(void *c, const char *url, const char *body, size_t len, const char *type, size_t max,
	     long *status, struct strbuf *answer);

/* The witness's round (witness.c), on the puller's thread with its curl handle: fetch the
 * peer's latest checkpoint, check it (signature, consistency, our copy's root), store it,
 * cosign it, record that in our log and send the cosignature; raise an alarm on a fork or a
 * rollback (docs/protocol.md, "Cosigning"). */
void fed_witness_round(void *curl);
/* The origin line the peer's checkpoints and cosignatures must carry, exactly (witness.c): that
 * of BALADIYA_PEER_URL when set (the peer's public URL), else of the URL it was paired with,
 * appended to out. 0, or -1 when that is not an http(s) URL. */
int fed_peer_origin_line(const struct fed_peer *peer, struct strbuf *out);
/* Whether note carries a valid signature (cosig false) or cosignature (cosig true, *t its time)
 * by name under one of origin's pinned keys that is not revoked (key rotation: any of them). */
bool fed_note_signed_by(const char *note, size_t len, const char *name, const char *origin,
			bool cosig, uint64_t *t);
/* The signature line of note by name (the first), appended to out: 1, or 0 when none. */
int fed_note_line_by(const char *note, size_t len, const char *name, struct strbuf *out);
/*
 * The recovery against the last checkpoint of the own log the peer cosigned (recovery_tlog.c,
 * docs/protocol.md §10.3), once the peer's copy of the own log is re-imported: fetch the peer's
 * latest checkpoint of the own log with curl, check its signature by an own key and the peer's
 * cosignature, and compare it with the own log. A log shorter than it raises the alarm
 * recovery_short_of_cosigned and keeps emitting held (its seq numbers, signed again, would fork
 * what the peer cosigned); a root that differs raises recovery_root_mismatch. The checkpoint and
 * its cosignature are stored as the own latest, so that no smaller one is ever signed. Returns 1
 * when the recovery may end (fed_recovery_answered), 0 when it has set the hold itself (short of
 * the checkpoint, or the peer could not be asked: fed_recovery_unreachable).
 */
int fed_recovery_check_cosigned(void *curl, const struct fed_peer *peer);
/* Hold emitting for reason (recovery.c): the recovery is not over. */
void fed_recovery_hold(const char *reason);
/* In any process: the recovery marker (BALADIYA_DATA_DIR/fed-last-seq) is above the own log's
 * last seq, i.e. a restore that the peer has not answered yet (*last, *marker set). 1 yes, 0 no,
 * -1 the database failed. */
int fed_restore_unanswered(struct app *app, long long *last, long long *marker);

/* A JSON error answer of the federation's endpoints: st, a stable code and a message
 * (Retry-After: 5 with 503). */
void fed_reply_code(struct request *req, enum status st, const char *code, const char *message);

/* The applier of the peer's checkpoint.cosigned events (witness.c): their shape checked. */
enum status fed_hook_cosigned(const struct hook_event *ev);

/* Call fn on a copy (NUL-terminated) of each non-empty line of an NDJSON body, in order, until
 * it returns non-zero: returns that value, or 0 after the last line. */
int fed_each_line(const struct strbuf *body, int (*fn)(const char *line, size_t len, void *ctx),
		  void *ctx);
/* v's event data with its committed content back in place (a new reference). */
json_t *fed_event_data(const struct verified *v);
/* Apply keys.rotated or keys.revoked of origin (pins or revokes its key), or STATUS_NOT_FOUND
 * for another type. */
enum status fed_apply_keys_event(const char *origin, long long seq, const char *type, json_t *data);
/* Publish the own profile when it changed (emits profile.updated). */
int fed_publish_profile(void);

/*
 * Recovery without forking (recovery.c, docs/decisions/0010). fed_recovery_start, before the
 * site serves: hold emitting, compare the own log with the peer's copy once (fed_recover_now)
 * and release unless a restore is suspected and the peer could not answer. The puller then
 * calls fed_recover_now until fed_recovery_pending() is false.
 */
int fed_recovery_start(struct app *app);
bool fed_recovery_pending(void);
/* Why emitting is held, for the status page, or NULL. */
const char *fed_recovery_reason(void);
/* Fetch the peer's copy of the own log after the own last seq and import it (delivery.c); on
 * an answer, release the hold. Returns 1 when the peer answered (caught up), 0 when it could
 * not be reached or stopped early (try again), -1 when the logs diverge (alarm raised). */
int fed_recover_now(void);
/* Import one NDJSON answer of own events (recovery.c), in one transaction: returns how many
 * lines were imported (0: the peer holds nothing more), -1 on a database failure, -2 when a line
 * does not verify or does not chain (an alarm is raised for a chain that diverges: *diverged). */
int fed_recover_batch(const struct strbuf *body, bool *diverged);
/*
 * Retry, in seq order and each in a transaction of its own, the re-imported own events whose
 * restorer waited for an object of the peer (fed_restore_pending): the puller calls it after
 * each catch-up batch, and with caught_up once the peer's log is all pulled (an empty answer),
 * when those still waiting get the alarm not_restored. 0, or -1 when the database failed.
 */
int fed_restore_retry(bool caught_up);
/* The outcome of fed_recover_now: releases the hold (answered) or keeps it (restore suspected). */
void fed_recovery_answered(void);
void fed_recovery_unreachable(const char *why);
/* Raise the marker of the own last seq kept outside the database (BALADIYA_DATA_DIR) to seq. */
void fed_marker_note(long long seq);

int delivery_start(void);
void delivery_stop(void);

/* The key file path: <data_dir>/signing.pem (malloc'd). */
char *fed_key_path(struct app *app);
/* Emit one own event with a given key (CLI rotation signs with the old key). */
int fed_emit_with(struct signing_key *key, const char *type, json_t *refs, json_t *data,
		  const char *const *committed, char *when_out);

#endif
