// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Federation v1 in a daemon: emitting own events (signed, chained, stored and notified in the
 * writer's transaction), verifying the peer's deliveries and envelopes against its pinned keys,
 * accepting its events in seq order (store, apply in one transaction; buffer ahead of gaps; keep
 * equivocation evidence), and the federation's life in the daemon. The HTTP endpoints are in
 * page_federation.c.
 */
#include "protocol/federation.h"

#include "common/db.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/xalloc.h"
#include "federation_internal.h"
#include "protocol/b64.h"
#include "protocol/content.h"
#include "protocol/dsse.h"
#include "protocol/tlog_service.h"
#include "protocol/webhook.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct federation fed = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

char *
fed_key_path(struct app *app)
{
	return xasprintf("%s/signing.pem", app->cfg.data_dir ? app->cfg.data_dir : ".");
}

/* ---- emitting ---- */

static int
refs_from_json(json_t *refs, struct event_ref **out, size_t *n)
{
	*n = json_array_size(refs);
	*out = *n ? xcalloc(*n, sizeof(**out)) : NULL;
	for (size_t i = 0; i < *n; i++) {
		json_t *r = json_array_get(refs, i);
		(*out)[i].origin = json_string_value(json_object_get(r, "origin"));
		(*out)[i].type = json_string_value(json_object_get(r, "type"));
		(*out)[i].id = json_string_value(json_object_get(r, "id"));
		if (!(*out)[i].origin || !(*out)[i].type || !(*out)[i].id)
			return -1;
	}
	return 0;
}

int
fed_emit_with(struct signing_key *key, const char *type, json_t *refs, json_t *data,
	      const char *const *committed, char *when_out)
{
	int rc = -1;
	json_t *commit = NULL, *content = NULL;
	struct event_ref *r = NULL;
	size_t nr = 0;
	struct strbuf payload = STRBUF_INIT, env = STRBUF_INIT;
	char prev[65], hash[EVENT_HASH_HEX_LEN + 1], when[EVENT_TIME_SIZE];
	long long seq;
	if (refs_from_json(refs, &r, &nr) < 0) {
		log_error("could not emit %s: malformed refs", type);
		goto out;
	}
	if (data && content_commit(data, committed, &commit, &content) < 0) {
		log_error("could not emit %s: a committed field cannot be written", type);
		goto out;
	}
	if (db_fed_counter_next(fed.self, &seq, prev) < 0)
		goto out;
	/* the counter row is locked: a "keys revoke" either committed before or waits for us */
	int revoked = db_fed_key_is_revoked(signing_key_id(key));
	if (revoked != 0) {
		if (revoked > 0)
			log_error("could not emit %s: the signing key %s is revoked; restart the "
				  "daemon so that it signs with the current key",
				  type, signing_key_id(key));
		goto out;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec -= outbox_backdate(); /* 0 but in "demo load" */
	event_format_time(when, &ts);
	struct event ev = {.origin = fed.self,
			   .seq = seq,
			   .prev = prev,
			   .type = type,
			   .occurred_at = when,
			   .refs = r,
			   .nr_refs = nr,
			   .data = data,
			   .commit = commit};
	const char *reason = NULL;
	if (event_build(&payload, &ev, &reason) < 0) {
		log_error("could not emit %s: %s", type, reason ? reason : "invalid event");
		goto out;
	}
	event_hash(payload.buf, payload.len, hash);
	if (dsse_sign(&env, key, DSSE_PAYLOAD_TYPE_EVENT, payload.buf, payload.len) < 0)
		goto out;
	if (db_fed_event_insert(fed.self, seq, type, payload.buf, payload.len, env.buf, env.len,
				hash, NULL) < 0 ||
	    db_fed_content_put(fed.self, seq, refs, content, NULL) < 0 ||
	    db_fed_counter_set_hash(fed.self, hash) < 0 || db_fed_notify() < 0)
		goto out;
	log_debug("emitted event %s #%lld", type, seq);
	if (when_out)
		memcpy(when_out, when, sizeof(when));
	rc = 0;
out:
	free(r);
	strbuf_release(&payload);
	strbuf_release(&env);
	json_decref(refs);
	json_decref(data);
	json_decref(commit);
	json_decref(content);
	return rc;
}

static int
fed_emit(const char *type, json_t *refs, json_t *data, const char *const *committed, char *when)
{
	return fed_emit_with(fed.key, type, refs, data, committed, when);
}

static int
fed_erase(const char *origin, const char *type, const char *id, const char *reason)
{
	int n = db_fed_content_erase(origin, type, id, reason);
	if (n > 0)
		log_info("erased %d committed field(s) of the events about %s %s/%s", n, origin,
			 type, id);
	return n;
}

/* ---- verifying ---- */

void
fed_peer_keys_free(struct peer_key *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		verify_key_free(keys[i].key);
	free(keys);
}

/*
 * The peer's pinned public keys, cached (raw bytes and revocation) so that verifying an event
 * costs no query. Pairing runs in another process and rotation adds keys, so a key that does not
 * verify makes the caller reload once from the database (fed_peer_keys(..., true)); applying a
 * rotation or a revocation empties the cache. Every pinned key is used: no cap.
 */
struct cached_key {
	unsigned char raw[ED25519_PUBLIC_KEY_LEN];
	long long revoked_after_seq;
};

/* Another transaction's revocation may be committed after this cache was filled without it:
 * the cache is refilled at least this often (events are checked in the database anyway). */
#define KEY_CACHE_TTL_S 60

static pthread_mutex_t key_cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char origin[EVENT_ORIGIN_MAX_LEN + 1];
	struct cached_key *keys;
	size_t n, alloc;
	bool valid;
	time_t loaded_at;
} key_cache;

static void
key_cache_invalidate(void)
{
	pthread_mutex_lock(&key_cache_lock);
	key_cache.valid = false;
	pthread_mutex_unlock(&key_cache_lock);
}

/* Refill the cache with origin's keys from the database; with key_cache_lock held. */
static void
key_cache_load(const char *origin)
{
	json_t *list = db_fed_keys(origin);
	size_t i;
	json_t *k;
	key_cache.n = 0;
	json_array_foreach(list, i, k)
	{
		const char *x = json_string_value(json_object_get(k, "x"));
		json_t *revoked = json_object_get(k, "revoked_after_seq");
		ALLOC_GROW(key_cache.keys, key_cache.n + 1, key_cache.alloc);
		struct cached_key *c = &key_cache.keys[key_cache.n];
		if (!x || b64url_decode_exact(x, strlen(x), c->raw, ED25519_PUBLIC_KEY_LEN) < 0)
			continue;
		c->revoked_after_seq =
			json_is_integer(revoked) ? (long long)json_integer_value(revoked) : -1;
		key_cache.n++;
	}
	snprintf(key_cache.origin, sizeof(key_cache.origin), "%s", origin);
	key_cache.valid = list != NULL;
	key_cache.loaded_at = time(NULL);
	json_decref(list);
}

size_t
fed_peer_keys(const char *origin, struct peer_key **keys, bool reload)
{
	pthread_mutex_lock(&key_cache_lock);
	if (reload || !key_cache.valid || strcmp(key_cache.origin, origin) != 0 ||
	    time(NULL) - key_cache.loaded_at > KEY_CACHE_TTL_S)
		key_cache_load(origin);
	size_t n = 0;
	*keys = key_cache.n ? xcalloc(key_cache.n, sizeof(**keys)) : NULL;
	for (size_t i = 0; i < key_cache.n; i++) {
		struct verify_key *k = verify_key_from_raw(key_cache.keys[i].raw);
		if (k)
			(*keys)[n++] = (struct peer_key){k, key_cache.keys[i].revoked_after_seq};
	}
	pthread_mutex_unlock(&key_cache_lock);
	return n;
}

enum status
fed_verify_record(const char *bytes, size_t len, const char *expected_origin, struct verified *out,
		  const char **code)
{
	enum status st = STATUS_INVALID;
	/* a key that does not verify may be newer than the cache: reload once */
	for (int attempt = 0; attempt < 2; attempt++) {
		struct peer_key *keys = NULL;
		size_t nkeys = fed_peer_keys(expected_origin, &keys, attempt > 0);
		st = fed_verify_record_keys(bytes, len, expected_origin, keys, nkeys, out, code);
		fed_peer_keys_free(keys, nkeys);
		if (st == STATUS_OK || strcmp(*code, "unknown_key") != 0)
			break;
	}
	return st;
}

/*
 * Verify under the keys of keys[0..n) that are (revoked false) or are not (true) revoked;
 * WEBHOOK_BAD_SIGNATURE when there is none.
 */
static enum webhook_result
verify_transport_with(const struct peer_key *keys, size_t n, bool revoked, const char *id,
		      const char *ts, const char *sig, const void *body, size_t len)
{
	const struct verify_key **use = n ? xcalloc(n, sizeof(*use)) : NULL;
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if ((keys[i].revoked_after_seq >= 0) == revoked)
			use[m++] = keys[i].key;
	enum webhook_result wr = webhook_verify((const struct verify_key *const *)use, m, id, ts,
						sig, body, len, (int64_t)time(NULL));
	free(use);
	return wr;
}

enum webhook_result
fed_verify_transport(const char *origin, const char *id, const char *ts, const char *sig,
		     const void *body, size_t len)
{
	enum webhook_result wr = WEBHOOK_BAD_SIGNATURE;

	/* a key that does not verify may be newer than the cache: reload once */
	for (int attempt = 0; attempt < 2 && wr == WEBHOOK_BAD_SIGNATURE; attempt++) {
		struct peer_key *keys = NULL;
		size_t nkeys = fed_peer_keys(origin, &keys, attempt > 0);
		wr = verify_transport_with(keys, nkeys, false, id, ts, sig, body, len);
		/* a delivery only a revoked key signed: say so (no delivery is "before" a
		 * revocation the receiver holds) */
		if (wr == WEBHOOK_BAD_SIGNATURE &&
		    verify_transport_with(keys, nkeys, true, id, ts, sig, body, len) == WEBHOOK_OK)
			wr = WEBHOOK_REVOKED_KEY;
		fed_peer_keys_free(keys, nkeys);
	}
	return wr;
}

int
fed_sign_transport(struct strbuf *header, const char *id, int64_t timestamp, const void *body,
		   size_t len)
{
	if (webhook_sign(header, fed.key, id, timestamp, body, len) < 0)
		return -1;
	if (fed.previous_key) {
		strbuf_addch(header, ' ');
		if (webhook_sign(header, fed.previous_key, id, timestamp, body, len) < 0)
			return -1;
	}
	return 0;
}

int
fed_each_line(const struct strbuf *body, int (*fn)(const char *line, size_t len, void *ctx),
	      void *ctx)
{
	const char *p = body->buf, *end = body->buf + body->len;
	int rc = 0;
	while (p < end && rc == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (len) {
			char *line = xstrndup(p, len);
			rc = fn(line, len, ctx);
			free(line);
		}
		p += len + 1;
	}
	return rc;
}

/* ---- accepting ---- */

static enum status
apply_keys_rotated(const char *origin, json_t *data)
{
	const char *kid = NULL;
	unsigned char raw[ED25519_PUBLIC_KEY_LEN];
	if (fed_rotation_parse(data, raw, &kid) < 0)
		return STATUS_INVALID;
	const char *x = json_string_value(json_object_get(data, "x"));
	log_info("peer %s rotated its key: now %s", origin, kid);
	key_cache_invalidate();
	return db_fed_key_add(origin, kid, x, "rotation") == 0 ? STATUS_OK : STATUS_UNAVAILABLE;
}

/*
 * keys.revoked (section 13.10): from now on, the origin's key kid is trusted only on its events
 * up to last_seq, which must come before this event, and on no delivery.
 */
static enum status
apply_keys_revoked(const char *origin, long long seq, json_t *data)
{
	const char *kid = NULL;
	long long last = 0;
	if (fed_revocation_parse(seq, data, &kid, &last) < 0)
		return STATUS_INVALID;
	int rc = db_fed_key_revoke(origin, kid, last);
	if (rc < 0)
		return STATUS_UNAVAILABLE;
	if (rc == 0)
		return STATUS_INVALID; /* not a key pinned for this origin */
	log_warn("peer %s revoked its key %s: trusted on its events up to #%lld only", origin, kid,
		 last);
	key_cache_invalidate();
	return STATUS_OK;
}

json_t *
fed_event_data(const struct verified *v)
{
	if (!v->ev->commit)
		return json_incref(v->ev->data);
	json_t *data = json_copy(v->ev->data);
	json_object_update(data, v->values);
	return data;
}

enum status
fed_apply_keys_event(const char *origin, long long seq, const char *type, json_t *data)
{
	if (strcmp(type, "keys.rotated") == 0)
		return apply_keys_rotated(origin, data);
	if (strcmp(type, "keys.revoked") == 0)
		return apply_keys_revoked(origin, seq, data);
	return STATUS_NOT_FOUND;
}

/* Store and apply v, which must be the peer's next seq with the right prev. */
static enum accept_result
store_and_apply(struct fed_peer *peer, struct verified *v)
{
	struct event *ev = v->ev;
	char hash[EVENT_HASH_HEX_LEN + 1];
	/* the key cache may predate a revocation committed since: ask the database, under the
	 * peer row's lock that the revoking transaction held too (once per key and lock) */
	int trusted = 0;
	for (size_t i = 0; i < v->nkids && trusted == 0; i++) {
		if (strcmp(peer->trust_kid, v->kids[i]) != 0) {
			int found =
				db_fed_key_trusted_upto(ev->origin, v->kids[i], &peer->trust_upto);
			if (found <= 0) {
				trusted = found;
				continue;
			}
			snprintf(peer->trust_kid, sizeof(peer->trust_kid), "%s", v->kids[i]);
		}
		trusted = ev->seq <= peer->trust_upto;
	}
	if (trusted < 0)
		return ACCEPT_FAILED;
	if (!trusted) {
		log_warn("refused event %s #%lld: signed only by keys revoked before it",
			 ev->origin, (long long)ev->seq);
		return ACCEPT_REVOKED;
	}
	if (strcmp(ev->prev, peer->applied_hash) != 0) {
		log_error("ALARM: event %s #%lld does not chain to #%lld (prev %s, expected %s)",
			  ev->origin, (long long)ev->seq, peer->applied_seq, ev->prev,
			  peer->applied_hash);
		db_fed_alarm_add(ev->origin, ev->seq, "broken_chain",
				 "prev does not match the hash of the previous event", v->envelope);
		return ACCEPT_EQUIVOCATION;
	}
	json_t *data = fed_event_data(v);
	enum status st = fed_apply_keys_event(ev->origin, ev->seq, ev->type, ev->data);
	if (st != STATUS_NOT_FOUND)
		peer->trust_kid[0] = '\0'; /* a key pinned or revoked: ask again */
	if (st == STATUS_NOT_FOUND)
		st = hook_apply(
			&(struct hook_event){fed.app, ev->origin, ev->type, ev->occurred_at, data,
					     json_object_size(v->withheld) ? v->withheld : NULL});
	json_decref(data);
	const char *flag = NULL;
	if (st == STATUS_NOT_FOUND)
		flag = "unknown_type";
	else if (st == STATUS_INVALID)
		flag = "invalid_data";
	else if (st != STATUS_OK)
		return ACCEPT_FAILED;
	if (flag)
		log_warn("event %s #%lld (%s) stored without applying: %s", ev->origin,
			 (long long)ev->seq, ev->type, flag);
	event_hash(v->payload, v->payload_len, hash);
	if (db_fed_event_insert(ev->origin, ev->seq, ev->type, v->payload, v->payload_len,
				v->envelope, v->envelope_len, hash, flag) < 0 ||
	    (ev->commit &&
	     db_fed_content_put(ev->origin, ev->seq, json_object_get(ev->owner_root, "refs"),
				v->content, v->withheld) < 0))
		return ACCEPT_FAILED;
	peer->dirty = true;
	peer->applied_seq = ev->seq;
	memcpy(peer->applied_hash, hash, sizeof(hash));
	return ACCEPT_STORED;
}

enum accept_result
fed_accept(struct fed_peer *peer, struct verified *v)
{
	struct event *ev = v->ev;
	char have[65], hash[EVENT_HASH_HEX_LEN + 1];
	/* the peer's events are stored only up to applied_seq (with it, under this lock): past it
	 * there is nothing to compare with, and no query to make */
	int found = ev->seq <= peer->applied_seq ? db_fed_event_hash(ev->origin, ev->seq, have) : 0;
	if (found < 0)
		return ACCEPT_FAILED;
	event_hash(v->payload, v->payload_len, hash);
	if (found) {
		if (strcmp(have, hash) == 0)
			return ACCEPT_DUPLICATE;
		log_error("ALARM: equivocation by %s at seq %lld: stored hash %s, received %s",
			  ev->origin, (long long)ev->seq, have, hash);
		char *detail = xasprintf("stored hash %s, received hash %s", have, hash);
		int rc = db_fed_alarm_add(ev->origin, ev->seq, "equivocation", detail, v->envelope);
		free(detail);
		return rc < 0 ? ACCEPT_FAILED : ACCEPT_EQUIVOCATION;
	}
	if (ev->seq > peer->applied_seq + 1) {
		int put = db_fed_pending_put(ev->origin, ev->seq, v->record, hash);
		if (put < 0)
			return ACCEPT_FAILED;
		if (put == 2) {
			log_error("ALARM: equivocation by %s at buffered seq %lld", ev->origin,
				  (long long)ev->seq);
			return db_fed_alarm_add(ev->origin, ev->seq, "equivocation",
						"another envelope is buffered for this seq",
						v->envelope) < 0
				       ? ACCEPT_FAILED
				       : ACCEPT_EQUIVOCATION;
		}
		peer->pending += put;
		return ACCEPT_BUFFERED;
	}
	enum accept_result r = store_and_apply(peer, v);
	if (r != ACCEPT_STORED)
		return r;
	/* the gap may now be filled: apply what waited behind it */
	while (peer->pending > 0) {
		struct strbuf next = STRBUF_INIT;
		int got = db_fed_pending_take(peer->name, peer->applied_seq + 1, &next);
		if (got <= 0) {
			strbuf_release(&next);
			return got < 0 ? ACCEPT_FAILED : ACCEPT_STORED;
		}
		peer->pending--;
		struct verified nv;
		const char *code = NULL;
		enum accept_result nr = ACCEPT_STORED;
		if (fed_verify_record(next.buf, next.len, peer->name, &nv, &code) == STATUS_OK) {
			nr = store_and_apply(peer, &nv);
			fed_verified_release(&nv);
		} else {
			log_warn("dropped a pending event of %s: %s", peer->name, code);
		}
		strbuf_release(&next);
		if (nr == ACCEPT_FAILED)
			return ACCEPT_FAILED;
		if (nr != ACCEPT_STORED)
			return ACCEPT_STORED; /* v itself was stored; the alarm is raised */
	}
	return ACCEPT_STORED;
}

int
fed_peer_save(struct fed_peer *peer)
{
	if (!peer->dirty)
		return 0;
	peer->dirty = false;
	return db_fed_peer_set_applied(peer->name, peer->applied_seq, peer->applied_hash);
}

/* ---- lifecycle ---- */

static json_t *
own_profile(struct app *app)
{
	json_t *p = json_object();
	static const char *const keys[] = {"name", "tagline", "presentation", "priorities"};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		json_t *v = json_object_get(app->site, keys[i]);
		if (v)
			json_object_set(p, keys[i], v);
	}
	json_object_set_new(p, "url", json_string(fed.public_url));
	return p;
}

int
fed_publish_profile(void)
{
	json_t *mine = own_profile(fed.app);
	json_t *last = NULL;
	int rc = -1;
	/* replicas starting together compare and emit one at a time: the second sees the first's
	 * profile and emits nothing */
	if (db_begin() < 0 || db_fed_profile_lock() < 0)
		goto rollback;
	last = db_fed_profile_get(fed.self);
	if (last && json_equal(last, mine)) {
		rc = 0;
		goto rollback;
	}
	if (db_fed_profile_put(fed.self, mine) < 0 ||
	    outbox_emit("profile.updated", NULL, json_incref(mine), NULL) < 0 || db_commit() < 0)
		goto rollback;
	log_info("published the updated profile");
	rc = 0;
	goto out;
rollback:
	db_rollback();
out:
	json_decref(last);
	json_decref(mine);
	return rc;
}

/* The newest retired-<kid>.pem in the data folder (keys rotate renames the old key so). */
static struct signing_key *
load_previous_key(struct app *app)
{
	const char *dir = app->cfg.data_dir ? app->cfg.data_dir : ".";
	DIR *d = opendir(dir);
	struct dirent *e;
	char *best = NULL;
	time_t best_mtime = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "retired-", 8) != 0)
			continue;
		char *path = xasprintf("%s/%s", dir, e->d_name);
		struct stat st;
		if (stat(path, &st) == 0 && (!best || st.st_mtime >= best_mtime)) {
			free(best);
			best = path;
			best_mtime = st.st_mtime;
		} else {
			free(path);
		}
	}
	closedir(d);
	struct signing_key *k = best ? signing_key_load(best) : NULL;
	free(best);
	return k;
}

int
federation_open(struct app *app)
{
	fed.app = app;
	fed.self = app->side;
	fed.public_url = app->cfg.public_url
				 ? xstrdup(app->cfg.public_url)
				 : xasprintf("http://%s:%ld", app->cfg.bind, app->cfg.port);
	char *path = fed_key_path(app);
	if (app->generate_key && access(path, F_OK) != 0) {
		struct signing_key *k = signing_key_generate();
		if (!k || signing_key_save(k, path) < 0) {
			log_error("could not create a signing key at %s", path);
			signing_key_free(k);
			free(path);
			return -1;
		}
		log_info("created the signing key %s at %s", signing_key_id(k), path);
		signing_key_free(k);
	}
	fed.key = signing_key_load(path);
	fed.previous_key = load_previous_key(app);
	if (!fed.key) {
		log_error("no signing key at %s: run \"%s-srv keys generate\" first", path,
			  app->side);
		free(path);
		return -1;
	}
	free(path);
	/* the current key is published; every earlier own key stays, marked retired */
	char x[64];
	unsigned char raw[ED25519_PUBLIC_KEY_LEN];
	verify_key_raw(signing_key_public(fed.key), raw);
	struct strbuf sb = STRBUF_INIT;
	b64url_encode(&sb, raw, sizeof(raw));
	snprintf(x, sizeof(x), "%s", sb.buf);
	strbuf_release(&sb);
	json_t *own = NULL;
	if (db_fed_counter_init(fed.self) < 0 ||
	    db_fed_key_add(fed.self, signing_key_id(fed.key), x, "own") < 0 ||
	    !(own = db_fed_keys(fed.self)))
		return -1;
	size_t i;
	json_t *k;
	json_array_foreach(own, i, k)
	{
		const char *kid = json_string_value(json_object_get(k, "kid"));
		if (strcmp(kid, signing_key_id(fed.key)) != 0 &&
		    json_is_null(json_object_get(k, "retired_at")))
			db_fed_key_retire(kid);
	}
	json_decref(own);
	log_info("signing federation events as %s with key %s", fed.self, signing_key_id(fed.key));
	outbox_set_emitter(fed_emit, fed_erase);
	outbox_set_restoring(db_fed_restore_names);
	return 0;
}

int
federation_start(struct app *app)
{
	/* nothing is emitted before the own log is compared with the peer's copy (recovery.c):
	 * the first attempt runs now, before the site serves; when it cannot run after a restore,
	 * the puller tries again and emitting stays held until it did */
	if (fed_recovery_start(app) < 0)
		return -1;
	if ((!outbox_held() && fed_publish_profile() < 0) || tlog_start(app) < 0)
		return -1;
	return delivery_start();
}

void
federation_stop(struct app *app)
{
	(void)app;
	tlog_stop();
	delivery_stop();
	fed_marker_note(db_fed_counter_last(fed.self));
}

void
federation_close(struct app *app)
{
	(void)app;
	outbox_set_emitter(NULL, NULL);
	outbox_set_restoring(NULL);
	key_cache_invalidate();
	pthread_mutex_lock(&key_cache_lock);
	free(key_cache.keys);
	key_cache.keys = NULL;
	key_cache.n = key_cache.alloc = 0;
	pthread_mutex_unlock(&key_cache_lock);
	signing_key_free(fed.key);
	signing_key_free(fed.previous_key);
	fed.key = fed.previous_key = NULL;
	free(fed.public_url);
	fed.public_url = NULL;
}
