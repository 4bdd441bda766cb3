// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Federation's HTTP endpoints: the inbox the peer delivers to (transport signature, envelope,
 * then the log in one transaction), the catch-up stream of the log, the published keys, and the
 * admin's status page and delivery retry.
 */
#include "protocol/federation.h"

#include "common/auth.h"
#include "common/db.h"
#include "common/http.h"
#include "common/leader.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "federation_internal.h"
#include "protocol/webhook.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void
fed_reply_code(struct request *req, enum status st, const char *code, const char *message)
{
	req->want_json = true;
	if (st == STATUS_UNAVAILABLE)
		http_add_header(req, "Retry-After", "5");
	http_error(req, st, code, message);
}

/*
 * Check what comes before any parsing: a paired peer, the delivery's webhook signature over the
 * raw bytes, one line. Fills *peer; returns false having replied.
 */
static bool
fed_inbox_transport_ok(struct request *req, struct fed_peer *peer)
{
	int have_peer = db_fed_peer_get(peer, false);
	enum webhook_result wr;

	if (have_peer < 0) {
		fed_reply_code(req, STATUS_UNAVAILABLE, "database_unavailable", "try again later");
		return false;
	}
	if (!have_peer) {
		fed_reply_code(req, STATUS_UNAUTHORIZED, "not_paired",
			       "this platform has no paired peer");
		return false;
	}
	wr = fed_verify_transport(
		peer->name, http_header(req, "webhook-id"), http_header(req, "webhook-timestamp"),
		http_header(req, "webhook-signature"), req->body.buf, req->body.len);
	if (wr != WEBHOOK_OK) {
		fed_reply_code(req, webhook_result_status(wr), webhook_result_code(wr),
			       "the delivery's webhook signature headers do not verify");
		return false;
	}
	/* one envelope is one line of the catch-up stream: no raw line breaks */
	if (memchr(req->body.buf, '\n', req->body.len) ||
	    memchr(req->body.buf, '\r', req->body.len)) {
		fed_reply_code(req, STATUS_INVALID, "malformed_envelope",
			       "an envelope is compact JSON on one line");
		return false;
	}
	return true;
}

/*
 * In one transaction: refuse a webhook-id already delivered, then offer v to the log. Returns 0
 * with *result set, or -1 having replied (replayed_request, database_unavailable).
 */
static int
fed_inbox_store(struct request *req, struct fed_peer *peer, struct verified *v,
		enum accept_result *result)
{
	int seen;

	if (db_begin() < 0)
		goto unavailable;
	seen = db_fed_webhook_id_seen(http_header(req, "webhook-id"));
	if (seen < 0)
		goto rollback;
	if (seen) {
		db_rollback();
		fed_reply_code(req, STATUS_INVALID, "replayed_request",
			       "this webhook-id was already delivered");
		return -1;
	}
	if (db_fed_peer_get(peer, true) <= 0)
		goto rollback;
	*result = fed_accept(peer, v);
	if (*result == ACCEPT_FAILED || fed_peer_save(peer) < 0)
		goto rollback;
	if (db_commit() < 0)
		goto unavailable;
	return 0;

rollback:
	db_rollback();
unavailable:
	fed_reply_code(req, STATUS_UNAVAILABLE, "database_unavailable", "try again later");
	return -1;
}

/*
 * Answer body with webhook-signature headers over it, as a delivery is signed (section 7): the
 * request's webhook-id, our timestamp, our keys. A sender trusts a "duplicate" answer's
 * applied_seq only signed so (section 9).
 */
static void
reply_signed(struct request *req, unsigned code, json_t *body)
{
	const char *id = http_header(req, "webhook-id");
	int64_t ts = (int64_t)time(NULL);
	struct strbuf sig = STRBUF_INIT;
	char *s = json_dumps(body, JSON_COMPACT);
	char tss[24];

	json_decref(body);
	if (!s)
		die("could not serialize a JSON response");
	if (fed_sign_transport(&sig, id, ts, s, strlen(s)) == 0) {
		snprintf(tss, sizeof(tss), "%lld", (long long)ts);
		http_add_header(req, "webhook-id", id);
		http_add_header(req, "webhook-timestamp", tss);
		http_add_header(req, "webhook-signature", sig.buf);
	}
	strbuf_release(&sig);
	http_send_owned(req, code, "application/json; charset=utf-8", s, strlen(s));
}

/* Answer a stored delivery: what became of event v, and how far the peer's log is applied. */
static void
fed_inbox_reply(struct request *req, enum accept_result r, const struct verified *v,
		const struct fed_peer *peer)
{
	switch (r) {
	case ACCEPT_STORED:
		http_cache_bump();
		http_json(
			req, 200,
			json_pack("{s:s, s:I}", "status", "stored", "seq", (json_int_t)v->ev->seq));
		break;
	case ACCEPT_DUPLICATE:
		/* applied_seq lets a sender whose events were meanwhile pulled skip ahead: signed,
		 * with the hash it can check against its own log */
		reply_signed(req, 200,
			     json_pack("{s:s, s:I, s:I, s:s}", "status", "duplicate", "seq",
				       (json_int_t)v->ev->seq, "applied_seq",
				       (json_int_t)peer->applied_seq, "applied_hash",
				       peer->applied_hash));
		break;
	case ACCEPT_BUFFERED:
		fed_request_pull();
		http_json(req, 202,
			  json_pack("{s:s, s:I, s:I}", "status", "buffered", "seq",
				    (json_int_t)v->ev->seq, "applied_seq",
				    (json_int_t)peer->applied_seq));
		break;
	case ACCEPT_REVOKED:
		fed_reply_code(req, STATUS_UNAUTHORIZED, "revoked_key",
			       "the event is signed only by keys revoked before it");
		break;
	default:
		fed_reply_code(req, STATUS_CONFLICT, "equivocation",
			       "this seq is already stored with other content; evidence kept");
		break;
	}
}

void
api_federation_inbox(struct request *req)
{
	struct verified v = {0};
	struct fed_peer peer;
	const char *code = NULL;
	enum accept_result r;
	enum status st;

	req->want_json = true;
	if (!fed_inbox_transport_ok(req, &peer))
		return;
	st = fed_verify_record(req->body.buf, req->body.len, peer.name, &v, &code);
	if (st != STATUS_OK) {
		fed_reply_code(req, st, code, "the event envelope was refused");
		return;
	}
	if (fed_inbox_store(req, &peer, &v, &r) == 0)
		fed_inbox_reply(req, r, &v, &peer);
	fed_verified_release(&v);
}

void
api_federation_events(struct request *req)
{
	const char *after_s = http_query(req, "after");
	const char *limit_s = http_query(req, "limit");
	const char *origin = http_query(req, "origin");
	char *end = NULL;
	long long after = after_s ? strtoll(after_s, &end, 10) : 0;
	long limit = limit_s ? strtol(limit_s, &end, 10) : 100;
	req->want_json = true;
	if ((after_s && (*end || after < 0)) || limit < 1 || limit > 1000 ||
	    (limit_s && strspn(limit_s, "0123456789") != strlen(limit_s)) ||
	    (after_s && strspn(after_s, "0123456789") != strlen(after_s))) {
		fed_reply_code(req, STATUS_INVALID, "invalid_range",
			       "after must be a seq >= 0 and limit 1..1000");
		return;
	}
	if (!origin)
		origin = fed.self;
	if (!event_origin_is_valid(origin)) {
		fed_reply_code(req, STATUS_INVALID, "invalid_origin", "unknown origin");
		return;
	}
	struct fed_row *rows = NULL;
	size_t nr = 0, alloc = 0;
	if (db_fed_events_after(origin, after, (int)limit, &rows, &nr, &alloc) < 0) {
		fed_reply_code(req, STATUS_UNAVAILABLE, "database_unavailable", "try again later");
		return;
	}
	/* at most limit lines, and none after the first that would pass the byte cap */
	struct strbuf out = STRBUF_INIT;
	for (size_t i = 0; i < nr; i++) {
		if (i > 0 && out.len + rows[i].envelope.len + 1 > FEDERATION_EVENTS_MAX_BYTES)
			break;
		strbuf_addbuf(&out, &rows[i].envelope);
		strbuf_addch(&out, '\n');
	}
	db_fed_rows_free(rows, nr);
	http_add_header(req, "Cache-Control", "no-cache");
	size_t len;
	char *body = strbuf_detach(&out, &len);
	http_send_owned(req, 200, "application/x-ndjson", body, len);
}

void
api_federation_keys(struct request *req)
{
	json_t *list = db_fed_keys(fed.self);
	if (!list) {
		fed_reply_code(req, STATUS_UNAVAILABLE, "database_unavailable", "try again later");
		return;
	}
	json_t *keys = json_array();
	size_t i;
	json_t *k;
	json_array_foreach(list, i, k)
	{
		json_array_append_new(
			keys, json_pack("{s:s, s:s, s:O, s:O, s:s, s:s}", "kty", "OKP", "crv",
					"Ed25519", "x", json_object_get(k, "x"), "kid",
					json_object_get(k, "kid"), "alg", "EdDSA", "use", "sig"));
	}
	json_decref(list);
	http_add_header(req, "Cache-Control", "public, max-age=300");
	http_json(req, 200, json_pack("{s:s, s:o}", "origin", fed.self, "keys", keys));
}

void
page_federation_status(struct request *req)
{
	if (!app_can(req->app, req->user, "federation.admin")) {
		http_error(req, STATUS_FORBIDDEN, "forbidden", "your role does not allow this");
		return;
	}
	json_t *st = db_fed_status(fed.self);
	json_t *own = db_fed_keys(fed.self);
	json_t *peer_keys = NULL;
	if (!st || !own) {
		json_decref(st);
		json_decref(own);
		http_error(req, STATUS_UNAVAILABLE, "database_unavailable", "try again later");
		return;
	}
	json_t *peer = json_object_get(st, "peer");
	if (json_is_object(peer))
		peer_keys = db_fed_keys(json_string_value(json_object_get(peer, "name")));
	json_object_set_new(st, "current_kid", json_string(fed.key ? signing_key_id(fed.key) : ""));
	json_object_set_new(st, "own_keys", own);
	json_object_set_new(st, "peer_keys", peer_keys ? peer_keys : json_array());
	const char *held = fed_recovery_reason();
	json_object_set_new(st, "recovery_held", held ? json_string(held) : json_null());
	json_object_set_new(st, "has_alarms",
			    json_boolean(json_array_size(json_object_get(st, "alarms")) > 0));
	/* which replica answered, and which one plays each elected role now (common/leader.h) */
	json_t *roles = leader_roles();
	json_object_set_new(st, "instance", json_string(leader_instance(req->app)));
	json_object_set_new(st, "roles", roles ? roles : json_array());
	http_csrf(req);
	http_render(req, 200, "federation_status", st);
}

void
page_federation_retry(struct request *req)
{
	if (!app_can(req->app, req->user, "federation.admin")) {
		http_error(req, STATUS_FORBIDDEN, "forbidden", "your role does not allow this");
		return;
	}
	if (db_fed_peer_unblock() < 0) {
		http_error(req, STATUS_UNAVAILABLE, "database_unavailable", "try again later");
		return;
	}
	log_info("account %lld asked to retry delivery to the peer", req->user->id);
	http_redirect(req, "/staff/federation");
}
