// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Delivery threads. The sender posts this platform's events to the peer's inbox strictly in seq
 * order, woken by LISTEN/NOTIFY with a polling fallback, with exponential backoff and jitter,
 * Retry-After on 429/503, and no retry of 400/401/403/409/413 (the peer is marked blocked and the
 * operator alerted; pairing again or the status page's retry clears it). The puller fetches the
 * peer's log from its catch-up endpoint on start, when a gap is seen and every minute, applying
 * batches in one transaction each. Each thread runs in every replica of the daemon but works
 * only while it holds its elected role (common/leader.h: "federation-sender/<peer>",
 * "federation-puller/<peer>"), from the durable position in the database (acked_seq,
 * applied_seq), so a replica that takes over after the holder died goes on where it stopped.
 */
#include "common/db.h"
#include "common/http.h"
#include "common/leader.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "federation_internal.h"
#include "protocol/webhook.h"

#include <curl/curl.h>
#include <jansson.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/rand.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define SENDER_BATCH 200
#define PULL_BATCH 500
#define POLL_FALLBACK_MS 5000
#define PULL_EVERY_MS 60000
#define BACKOFF_BASE_MS 250
#define BACKOFF_MAX_MS 60000
#define RESPONSE_MAX (64u * 1024 * 1024)

/* The answer's own signature headers (the inbox signs its "duplicate" answers, section 8). */
struct answer_signature {
	char id[WEBHOOK_ID_MAX_LEN + 1];
	char timestamp[24];
	char signature[WEBHOOK_SIGNATURE_MAX_LEN + 1];
};

struct http_result {
	long status;
	long retry_after_s;
	struct strbuf body;
	char error[CURL_ERROR_SIZE];
	char sent_id[96]; /* the webhook-id of the delivery this answers */
	struct answer_signature sig;
};

/* What each delivery thread holds: its curl handle, the last answer, its run of failures. */
struct worker {
	CURL *curl;
	struct http_result r;
	int failures;
	struct leader *role; /* the thread works only while it holds it */
};

/* what: "sender" or "puller", naming the role with the peer's side */
static void
worker_init(struct worker *w, const char *what)
{
	char role[64];
	snprintf(role, sizeof(role), "federation-%s/%s", what, fed.app->peer_side);
	w->curl = curl_easy_init();
	w->r = (struct http_result){.body = STRBUF_INIT};
	w->failures = 0;
	w->role = leader_new(fed.app, role);
}

/* Release w (giving its role up) and the thread's database connection, as the thread ends. */
static void
worker_release(struct worker *w)
{
	strbuf_release(&w->r.body);
	curl_easy_cleanup(w->curl);
	leader_free(w->role);
	db_shutdown_thread();
}

static bool
stopping(void)
{
	return atomic_load(&fed.stopping);
}

/* Sleep up to ms, returning early when stopping; also waits on fd (may be -1) for input. */
static void
nap(long ms, int fd)
{
	struct pollfd p[2] = {{fed.wake_fd[0], POLLIN, 0}, {fd, POLLIN, 0}};
	if (!stopping())
		poll(p, fd >= 0 ? 2 : 1, (int)ms);
}

static long
backoff_ms(int failures)
{
	long cap = BACKOFF_BASE_MS;
	for (int i = 0; i < failures && cap < BACKOFF_MAX_MS; i++)
		cap *= 2;
	if (cap > BACKOFF_MAX_MS)
		cap = BACKOFF_MAX_MS;
	unsigned int r = 0;
	RAND_bytes((unsigned char *)&r, sizeof(r));
	/* "equal jitter": half fixed, half random, so retries spread without collapsing to 0 */
	return cap / 2 + (long)(r % (unsigned)(cap / 2 + 1));
}

static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
	struct http_result *r = arg;
	if (r->body.len + size * n > RESPONSE_MAX)
		return 0;
	strbuf_add(&r->body, data, size * n);
	return size * n;
}

/*
 * If the header line data[0..len) is "name: value", copy the value (without the spaces around
 * it and the line end) into out, which holds size bytes; a value too long for it is left out
 * (empty), so it fails verification as missing.
 */
static void
header_value(const char *data, size_t len, const char *name, char *out, size_t size)
{
	size_t nlen = strlen(name);
	if (len <= nlen || strncasecmp(data, name, nlen) != 0 || data[nlen] != ':')
		return;
	const char *v = data + nlen + 1, *end = data + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	out[0] = '\0';
	if ((size_t)(end - v) < size) {
		memcpy(out, v, (size_t)(end - v));
		out[end - v] = '\0';
	}
}

static size_t
on_header(char *data, size_t size, size_t n, void *arg)
{
	struct http_result *r = arg;
	size_t len = size * n;
	if (len > 12 && strncasecmp(data, "retry-after:", 12) == 0)
		r->retry_after_s = strtol(data + 12, NULL, 10);
	header_value(data, len, "webhook-id", r->sig.id, sizeof(r->sig.id));
	header_value(data, len, "webhook-timestamp", r->sig.timestamp, sizeof(r->sig.timestamp));
	header_value(data, len, "webhook-signature", r->sig.signature, sizeof(r->sig.signature));
	return len;
}

static void
curl_common(CURL *c, struct http_result *r, const char *url)
{
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, r->error);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 3000L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 30000L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "baladiya-federation/1");
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
}

static void
result_reset(struct http_result *r)
{
	r->status = 0;
	r->retry_after_s = -1;
	strbuf_reset(&r->body);
	r->error[0] = '\0';
	r->sig.id[0] = r->sig.timestamp[0] = r->sig.signature[0] = '\0';
}

/* Run the request set up on c, filling r. Returns 0 when an HTTP answer came back. */
static int
perform(CURL *c, struct http_result *r)
{
	CURLcode cc = curl_easy_perform(c);

	if (cc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	else if (!r->error[0])
		snprintf(r->error, sizeof(r->error), "%s", curl_easy_strerror(cc));
	return cc == CURLE_OK ? 0 : -1;
}

/* For the witness (witness.c): one GET or POST (body not NULL) of url with curl handle c;
 * *status and the answer's body (at most max bytes). 0 when an HTTP answer came back. */
int
fed_http(void *curl, const char *url, const char *body, size_t len, const char *type, size_t max,
	 long *status, struct strbuf *answer)
{
	CURL *c = curl;
	struct http_result r = {.body = STRBUF_INIT};
	struct curl_slist *hdrs = NULL;
	result_reset(&r);
	curl_easy_reset(c);
	curl_common(c, &r, url);
	if (body) {
		char h[128];
		snprintf(h, sizeof(h), "Content-Type: %s", type);
		hdrs = curl_slist_append(hdrs, h);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
	} else {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	}
	int rc = perform(c, &r);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdrs);
	*status = r.status;
	if (rc < 0)
		log_warn("%s: %s", url, r.error);
	else if (r.body.len > max)
		rc = -1;
	else
		strbuf_addbuf(answer, &r.body);
	strbuf_release(&r.body);
	curl_easy_reset(c);
	return rc;
}

/* POST one envelope; fills r. Returns 0 when an HTTP answer came back. */
static int
post_envelope(CURL *c, const char *url, const struct fed_row *row, struct http_result *r)
{
	char id[96], rnd[9];
	unsigned char b[4];
	RAND_bytes(b, sizeof(b));
	snprintf(rnd, sizeof(rnd), "%02x%02x%02x%02x", b[0], b[1], b[2], b[3]);
	/* a fresh id per attempt: the receiver refuses a replayed id; (origin, seq) is the
	 * idempotency key */
	snprintf(id, sizeof(id), "msg_%s_%lld_%s", fed.self, row->seq, rnd);
	int64_t ts = (int64_t)time(NULL);
	struct strbuf sig = STRBUF_INIT, h = STRBUF_INIT;
	if (fed_sign_transport(&sig, id, ts, row->envelope.buf, row->envelope.len) < 0) {
		strbuf_release(&sig);
		return -1;
	}
	struct curl_slist *hdrs = NULL;
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	strbuf_addf(&h, "webhook-id: %s", id);
	hdrs = curl_slist_append(hdrs, h.buf);
	strbuf_reset(&h);
	strbuf_addf(&h, "webhook-timestamp: %lld", (long long)ts);
	hdrs = curl_slist_append(hdrs, h.buf);
	strbuf_reset(&h);
	strbuf_addf(&h, "webhook-signature: %s", sig.buf);
	hdrs = curl_slist_append(hdrs, h.buf);
	hdrs = curl_slist_append(hdrs, "Expect:");
	result_reset(r);
	snprintf(r->sent_id, sizeof(r->sent_id), "%s", id);
	curl_common(c, r, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, row->envelope.buf);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)row->envelope.len);
	int rc = perform(c, r);
	curl_slist_free_all(hdrs);
	strbuf_release(&sig);
	strbuf_release(&h);
	return rc;
}

/*
 * Why the peer's "duplicate" answer r (its body parsed: body) does not prove that the peer
 * holds our log up to applied_seq a, or NULL when it does: when it is signed by a key pinned
 * for the peer (and not revoked) over this very delivery (the webhook-id we sent), and names as
 * applied_hash the hash of our own event at seq a. Otherwise anyone on the path, or a lying
 * peer, could make the sender skip events it never delivered (protocol.md section 9).
 */
static const char *
duplicate_unproven(const struct fed_peer *peer, const struct http_result *r, json_t *body,
		   long long a)
{
	const char *hash = json_string_value(json_object_get(body, "applied_hash"));
	char have[EVENT_HASH_HEX_LEN + 1];

	if (!r->sig.signature[0])
		return "unsigned";
	if (strcmp(r->sig.id, r->sent_id) != 0)
		return "signed for another delivery";
	if (fed_verify_transport(peer->name, r->sig.id, r->sig.timestamp, r->sig.signature,
				 r->body.buf, r->body.len) != WEBHOOK_OK)
		return "no valid signature by the peer's keys";
	if (!hash)
		return "no applied_hash";
	if (db_fed_event_hash(fed.self, a, have) != 1 || strcmp(have, hash) != 0)
		return "applied_hash is not the hash of our event at applied_seq";
	return NULL;
}

/*
 * How far the peer holds our log, after it answered r to our event seq: seq itself, or further
 * when it answered "duplicate" with an applied_seq beyond seq (its puller fetched our events
 * meanwhile, after an outage) and proved it (duplicate_unproven). Everything up to that is
 * stored on the peer, so posting it again would only be answered "duplicate" again.
 */
static long long
acknowledged_seq(const struct fed_peer *peer, const struct http_result *r, long long seq)
{
	long long acked = seq;
	if (r->status != 200)
		return acked;
	json_t *body = json_loadb(r->body.buf, r->body.len, 0, NULL);
	const char *status = json_string_value(json_object_get(body, "status"));
	json_t *applied = json_object_get(body, "applied_seq");
	if (status && strcmp(status, "duplicate") == 0 && json_is_integer(applied) &&
	    json_integer_value(json_object_get(body, "seq")) == seq &&
	    json_integer_value(applied) > seq) {
		long long a = (long long)json_integer_value(applied);
		const char *why = duplicate_unproven(peer, r, body, a);
		if (!why)
			acked = a;
		else
			log_warn("peer \"%s\" answered that it holds our events up to %lld, "
				 "unproven (%s): moving past event %lld only",
				 peer->name, a, why, seq);
	}
	json_decref(body);
	return acked;
}

/*
 * Wait for new own events (NOTIFY fed_outbox), the polling fallback or stop. Every public write
 * emits an event and so a NOTIFY, from this process or another one (a CLI command): the page
 * cache is invalidated here too, so no page stays stale after a write made elsewhere.
 */
static void
wait_for_events(void)
{
	if (db_wait_notify("fed_outbox", POLL_FALLBACK_MS, fed.wake_fd[0]) > 0)
		http_cache_bump();
}

/*
 * Record that the peer did not take row (rc: what post_envelope returned, w->r its answer) and
 * log it. Returns how long to wait before trying again, or 0 when the peer refused the event
 * for good and delivery is now blocked.
 */
static long
delivery_failed(struct worker *w, const struct fed_peer *peer, const struct fed_row *row, int rc)
{
	const struct http_result *r = &w->r;
	long wait_ms = 0;
	char *err;

	if (rc < 0)
		err = xasprintf("could not deliver event %lld to peer \"%s\": %s", row->seq,
				peer->name, r->error);
	else
		err = xasprintf("could not deliver event %lld to peer \"%s\": HTTP %ld %.200s",
				row->seq, peer->name, r->status, r->body.buf);
	/* refused for good: bad input, bad signature or equivocation. Retrying cannot help; an
	 * operator must look */
	/* except "not_paired": the peer has not pinned our key yet, which pairing one side at a
	 * time makes normal for a moment */
	bool permanent = rc == 0 &&
			 (r->status == 400 || r->status == 401 || r->status == 403 ||
			  r->status == 409 || r->status == 413) &&
			 !strstr(r->body.buf, "\"not_paired\"");
	if (permanent) {
		log_error("%s; delivery to \"%s\" is blocked until an operator looks (status page)",
			  err, peer->name);
	} else {
		if (w->failures < 3 || w->failures % 20 == 0)
			log_warn("%s", err);
		/* Retry-After in seconds (an HTTP-date is not honoured: backoff) */
		if (rc == 0 && (r->status == 429 || r->status == 503) && r->retry_after_s > 0 &&
		    r->retry_after_s <= 3600)
			wait_ms = r->retry_after_s * 1000L;
		else
			wait_ms = backoff_ms(w->failures);
		w->failures++;
	}
	db_fed_peer_set_error(peer->name, err, permanent);
	free(err);
	return wait_ms;
}

/*
 * Post rows[0..nr) to the peer's inbox in order, recording each acknowledgement, until one
 * fails. Returns how long to wait before the next round (0: go on at once).
 */
static long
send_batch(struct worker *w, const struct fed_peer *peer, const struct fed_row *rows, size_t nr)
{
	char *url = xasprintf("%s/federation/v1/inbox", peer->url);
	long wait_ms = 0;

	for (size_t i = 0; i < nr && !stopping(); i++) {
		/* a replica that lost its role (its lock connection broke) stops at once: the new
		 * holder resends from acked_seq, and the peer answers "duplicate" to what it has */
		if (!leader_hold(w->role))
			break;
		int rc = post_envelope(w->curl, url, &rows[i], &w->r);
		if (rc == 0 && (w->r.status == 200 || w->r.status == 202)) {
			long long acked = acknowledged_seq(peer, &w->r, rows[i].seq);
			db_fed_peer_set_acked(peer->name, acked);
			w->failures = 0;
			if (acked > rows[i].seq)
				break; /* the peer pulled further meanwhile: resume after that */
			continue;
		}
		wait_ms = delivery_failed(w, peer, &rows[i], rc);
		break;
	}
	free(url);
	return wait_ms;
}

static void *
sender_main(void *arg)
{
	struct worker w;

	(void)arg;
	worker_init(&w, "sender");
	while (!stopping()) {
		struct fed_peer peer;
		struct fed_row *rows = NULL;
		size_t nr = 0, alloc = 0;
		if (!leader_hold(w.role)) {
			/* another replica sends: ask again in a second, still invalidating the page
			 * cache at each write */
			if (db_wait_notify("fed_outbox", LEADER_RETRY_MS, fed.wake_fd[0]) > 0)
				http_cache_bump();
			continue;
		}
		/* woken by each commit that emitted: the marker outside the database follows
		 * (recovery.c keeps it from moving backwards when another replica wrote it) */
		fed_marker_note(db_fed_counter_last(fed.self));
		int got = db_fed_peer_get(&peer, false);
		if (got < 0) {
			nap(backoff_ms(w.failures++), -1);
			continue;
		}
		if (got == 0 || peer.blocked) {
			/* not paired yet, or the peer refused an event for good: send nothing until
			 * an operator acts (pairs again or presses retry on the status page), but
			 * still watch for writes */
			wait_for_events();
			continue;
		}
		if (db_fed_events_after(fed.self, peer.acked_seq, SENDER_BATCH, &rows, &nr,
					&alloc) < 0) {
			nap(backoff_ms(w.failures++), -1);
			continue;
		}
		long wait_ms = nr ? send_batch(&w, &peer, rows, nr) : 0;
		db_fed_rows_free(rows, nr);
		if (!nr)
			wait_for_events();
		else if (wait_ms)
			nap(wait_ms, -1);
	}
	worker_release(&w);
	return NULL;
}

void
fed_request_pull(void)
{
	pthread_mutex_lock(&fed.lock);
	fed.pull_requested = true;
	pthread_mutex_unlock(&fed.lock);
	/* the replica holding the puller's role may be another one */
	db_fed_pull_notify();
}

/*
 * One catch-up batch: its lines (NUL-terminated in a copy of the body), the results of the
 * verifier thread, which checks the signatures of the lines ahead of the one being applied
 * under a snapshot of the peer's pinned keys (Ed25519 is most of a line's CPU; the applier
 * mostly waits on PostgreSQL), and the peer row (locked) being applied to.
 */
struct batch {
	struct fed_peer *peer;
	const char *name;
	int n; /* lines taken */
	char *copy;
	const char **line;
	size_t *len;
	size_t nlines;
	struct verified *v;
	bool *ok;
	struct peer_key *keys;
	size_t nkeys;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	size_t verified; /* lines the verifier is done with */
	bool abandon;    /* the applier stopped: the verifier stops too */
};

static void *
verifier_main(void *arg)
{
	struct batch *b = arg;
	for (size_t i = 0; i < b->nlines; i++) {
		pthread_mutex_lock(&b->lock);
		bool abandon = b->abandon;
		pthread_mutex_unlock(&b->lock);
		if (abandon)
			break;
		const char *code = NULL;
		b->ok[i] = fed_verify_record_keys(b->line[i], b->len[i], b->name, b->keys, b->nkeys,
						  &b->v[i], &code) == STATUS_OK;
		pthread_mutex_lock(&b->lock);
		b->verified = i + 1;
		pthread_cond_signal(&b->cond);
		pthread_mutex_unlock(&b->lock);
	}
	return NULL;
}

/* Apply line i, verified: by the verifier when it could, else (a key this batch pins, say,
 * or a line that does not verify) here, inside the transaction, as the one answer. 0 to go
 * on, 1 to stop, -1 on failure. */
static int
apply_line(struct batch *b, size_t i)
{
	pthread_mutex_lock(&b->lock);
	while (b->verified <= i)
		pthread_cond_wait(&b->cond, &b->lock);
	pthread_mutex_unlock(&b->lock);
	struct verified own, *v = &b->v[i];
	if (!b->ok[i]) {
		const char *code = NULL;
		if (fed_verify_record(b->line[i], b->len[i], b->name, &own, &code) != STATUS_OK) {
			log_warn("catch-up from \"%s\" stopped: %s", b->name, code);
			return 1;
		}
		v = &own;
	}
	enum accept_result r = fed_accept(b->peer, v);
	fed_verified_release(v);
	if (r == ACCEPT_FAILED)
		return -1;
	if (r == ACCEPT_REVOKED) {
		log_warn("catch-up from \"%s\" stopped: revoked_key", b->name);
		return 1;
	}
	b->n++;
	return 0;
}

/* Split body into b's lines (the empty ones skipped). */
static void
batch_lines(struct batch *b, const struct strbuf *body)
{
	b->copy = xmalloc(body->len + 1);
	memcpy(b->copy, body->buf, body->len);
	b->copy[body->len] = '\0';
	size_t cap = 1;
	for (size_t i = 0; i < body->len; i++)
		cap += b->copy[i] == '\n';
	b->line = xcalloc(cap, sizeof(*b->line));
	b->len = xcalloc(cap, sizeof(*b->len));
	b->v = xcalloc(cap, sizeof(*b->v));
	b->ok = xcalloc(cap, sizeof(*b->ok));
	char *p = b->copy, *end = b->copy + body->len;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (nl)
			*nl = '\0';
		if (len) {
			b->line[b->nlines] = p;
			b->len[b->nlines++] = len;
		}
		p += len + 1;
	}
}

/* Apply b's lines in order until one stops the batch; -1 on failure. */
static int
apply_lines(struct batch *b)
{
	b->keys = NULL;
	b->nkeys = fed_peer_keys(b->name, &b->keys, false);
	pthread_t verifier;
	bool threaded = pthread_create(&verifier, NULL, verifier_main, b) == 0;
	if (!threaded)
		b->verified = b->nlines; /* all verified inline (ok[] stays false) */
	int rc = 0;
	for (size_t i = 0; i < b->nlines && rc == 0; i++)
		rc = apply_line(b, i);
	if (threaded) {
		pthread_mutex_lock(&b->lock);
		b->abandon = true;
		pthread_mutex_unlock(&b->lock);
		pthread_join(verifier, NULL);
	}
	/* the lines verified ahead of where the batch stopped */
	for (size_t i = 0; i < b->nlines; i++)
		fed_verified_release(&b->v[i]);
	fed_peer_keys_free(b->keys, b->nkeys);
	return rc < 0 ? -1 : 0;
}

static void
batch_release(struct batch *b)
{
	pthread_mutex_destroy(&b->lock);
	pthread_cond_destroy(&b->cond);
	free(b->copy);
	free(b->line);
	free(b->len);
	free(b->v);
	free(b->ok);
}

/* Verify and apply one batch of NDJSON envelopes in one transaction. Returns how many lines
 * were taken, or -1 on failure. */
static int
apply_batch(struct fed_peer *peer_hint, const struct strbuf *body)
{
	/*
	 * Each envelope is verified before it is applied, in order: by the verifier thread under
	 * the keys pinned when the batch starts, or, when that fails, inside the transaction just
	 * before it is applied (a keys.rotated event pins its new key in this transaction, so the
	 * events signed with that key later in the same batch verify there). A key revoked by
	 * this batch is refused when the event is stored (store_and_apply asks the database).
	 */
	struct fed_peer peer;
	struct batch b = {.peer = &peer, .name = peer_hint->name};
	pthread_mutex_init(&b.lock, NULL);
	pthread_cond_init(&b.cond, NULL);
	batch_lines(&b, body);
	if (db_begin() < 0) {
		batch_release(&b);
		return -1;
	}
	if (db_fed_peer_get(&peer, true) <= 0) {
		db_rollback();
		batch_release(&b);
		return -1;
	}
	if (apply_lines(&b) < 0) {
		db_rollback();
		batch_release(&b);
		return -1;
	}
	batch_release(&b);
	if (fed_peer_save(&peer) < 0) {
		db_rollback();
		return -1;
	}
	if (db_commit() < 0)
		return -1;
	if (b.n)
		http_cache_bump();
	return b.n;
}

/* Wait until a pull is asked for (fed_request_pull, on any replica: NOTIFY fed_pull), max_ms
 * have passed, or stop. */
static void
wait_for_pull_request(long max_ms)
{
	pthread_mutex_lock(&fed.lock);
	bool requested = fed.pull_requested;
	fed.pull_requested = false;
	pthread_mutex_unlock(&fed.lock);
	if (requested || stopping())
		return;
	db_wait_notify("fed_pull", (int)max_ms, fed.wake_fd[0]);
	pthread_mutex_lock(&fed.lock);
	fed.pull_requested = false;
	pthread_mutex_unlock(&fed.lock);
}

/* Fetch and apply the peer's events, a batch at a time, until caught up or a fetch fails;
 * returns how many were applied. */
static int
pull_from_peer(struct worker *w)
{
	int total = 0;
	for (;;) {
		struct fed_peer peer;
		if (db_fed_peer_get(&peer, false) <= 0)
			return total;
		char *url = xasprintf("%s/federation/v1/events?after=%lld&limit=%d", peer.url,
				      peer.applied_seq, PULL_BATCH);
		result_reset(&w->r);
		curl_common(w->curl, &w->r, url);
		curl_easy_setopt(w->curl, CURLOPT_HTTPGET, 1L);
		int rc = perform(w->curl, &w->r);
		free(url);
		if (rc < 0 || w->r.status != 200) {
			if (w->failures++ < 3)
				log_warn("could not pull events from peer \"%s\": %s", peer.name,
					 rc < 0 ? w->r.error : "unexpected HTTP status");
			/* try again soon: the peer may just be starting */
			pthread_mutex_lock(&fed.lock);
			fed.pull_requested = true;
			pthread_mutex_unlock(&fed.lock);
			nap(backoff_ms(w->failures), -1);
			return total;
		}
		w->failures = 0;
		int got = apply_batch(&peer, &w->r.body);
		if (got > 0) {
			log_info("caught up %d events from peer \"%s\"", got, peer.name);
			total += got;
		}
		/* own events re-imported after a restore may have waited for what this batch
		 * brought (recovery.c); an empty answer is the end of the peer's log: those
		 * still waiting for the peer's objects will not get them */
		bool caught_up = got == 0 && w->r.body.len == 0;
		if ((got > 0 || caught_up) && fed_restore_retry(caught_up) < 0)
			log_warn("could not retry the own events waiting to be restored");
		/* a short answer may be the byte cap, not the end: stop at an empty one */
		if (got <= 0)
			return total;
	}
}

int
fed_recover_now(void)
{
	struct fed_peer peer;
	int got = db_fed_peer_get(&peer, false);
	if (got < 0) {
		fed_recovery_unreachable("the database failed");
		return 0;
	}
	if (got == 0) {
		fed_recovery_answered(); /* not paired: no one else holds the own log */
		return 1;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURL *c = curl_easy_init();
	struct http_result r = {.body = STRBUF_INIT};
	int rc = 0;
	for (;;) {
		char *url =
			xasprintf("%s/federation/v1/events?origin=%s&after=%lld&limit=%d", peer.url,
				  fed.self, db_fed_counter_last(fed.self), PULL_BATCH);
		result_reset(&r);
		curl_common(c, &r, url);
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
		int prc = perform(c, &r);
		free(url);
		if (prc < 0 || r.status != 200) {
			fed_recovery_unreachable(prc < 0 ? r.error : "unexpected HTTP status");
			break;
		}
		bool diverged = false;
		int n = fed_recover_batch(&r.body, &diverged);
		if (n == 0 || diverged) {
			/* caught up (and then the own log must reach the checkpoint of it the peer
			 * cosigned, or that keeps the hold: recovery_tlog.c); or forked already
			 * (the alarm says where): holding would not undo it */
			if (!diverged && !fed_recovery_check_cosigned(c, &peer))
				break;
			fed_recovery_answered();
			rc = diverged ? -1 : 1;
			break;
		}
		if (n < 0) {
			fed_recovery_unreachable(n == -1 ? "the database failed"
							 : "the peer's copy does not verify");
			break;
		}
	}
	strbuf_release(&r.body);
	curl_easy_cleanup(c);
	curl_global_cleanup();
	return rc;
}

/* Until the own log was compared with the peer's copy (after a restore, with the peer down at
 * start), try again every few seconds; then publish the profile federation_start held back. */
static void
recover_until_answered(struct worker *w)
{
	if (!fed_recovery_pending())
		return;
	while (fed_recovery_pending() && !stopping()) {
		nap(backoff_ms(w->failures < 4 ? w->failures++ : 4), -1);
		if (!stopping())
			fed_recover_now();
	}
	w->failures = 0;
	if (!stopping())
		fed_publish_profile();
}

static void *
puller_main(void *arg)
{
	struct worker w;

	(void)arg;
	worker_init(&w, "puller");
	/* every replica: its own emitting waits for it (outbox_held is per process) */
	recover_until_answered(&w);
	time_t last_round = 0;
	long every = PULL_EVERY_MS / 1000, cosign = fed.app->cfg.cosign_seconds;
	long wait_ms = (cosign > 0 && cosign < every ? cosign : every) * 1000L;
	bool held = false;
	while (!stopping()) {
		bool was_held = held;
		held = leader_hold(w.role);
		if (!held) {
			/* another replica pulls (and cosigns): ask again in a second, reading the
			 * pull requests meant for the holder meanwhile (a listener that stopped
			 * reading would hold the server's notification queue back) */
			db_wait_notify("fed_pull", LEADER_RETRY_MS, fed.wake_fd[0]);
			continue;
		}
		/* on taking the role (at start, or after the holder died): pull at once */
		if (was_held)
			wait_for_pull_request(wait_ms);
		if (stopping() || !leader_hold(w.role))
			continue;
		db_fed_webhook_ids_prune();
		int got = pull_from_peer(&w);
		/* the witness: right after a catch-up, and every BALADIYA_COSIGN_SECONDS */
		time_t now = time(NULL);
		if (got > 0 || now - last_round >= fed.app->cfg.cosign_seconds) {
			last_round = now;
			fed_witness_round(w.curl);
		}
	}
	worker_release(&w);
	return NULL;
}

int
delivery_start(void)
{
	if (pipe(fed.wake_fd) < 0) {
		log_error("could not create a pipe: %s", strerror(errno));
		return -1;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	atomic_store(&fed.stopping, false);
	if (pthread_create(&fed.sender, NULL, sender_main, NULL) != 0 ||
	    pthread_create(&fed.puller, NULL, puller_main, NULL) != 0) {
		log_error("could not start the federation threads");
		return -1;
	}
	fed.threads_started = true;
	return 0;
}

void
delivery_stop(void)
{
	if (!fed.threads_started)
		return;
	atomic_store(&fed.stopping, true);
	ssize_t w = write(fed.wake_fd[1], "x", 1);
	(void)w;
	pthread_mutex_lock(&fed.lock);
	pthread_cond_broadcast(&fed.cond);
	pthread_mutex_unlock(&fed.lock);
	pthread_join(fed.sender, NULL);
	pthread_join(fed.puller, NULL);
	fed.threads_started = false;
	close(fed.wake_fd[0]);
	close(fed.wake_fd[1]);
	curl_global_cleanup();
}
