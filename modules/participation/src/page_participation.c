// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The verification pages (no JavaScript needed): /participation asks for an e-mail address or
 * a phone number and sends a one-time code through the notify queue; /participation/code
 * takes the code and gives the participation cookie; sign out revokes this cookie, erase
 * every session of the contact and the contact itself. Neither the contact nor the code ever
 * reaches a page, an event or a log line.
 */
#include "internal.h"

#include "db_participation.h"

#include "common/app.h"
#include "common/arena.h"
#include "common/db.h"
#include "common/http.h"
#include "common/log.h"
#include "common/page_util.h"
#include "common/template.h"
#include "notify/notify.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CODE_REQUESTS_PER_MINUTE 5 /* codes one client asks for */
#define CODE_CHECKS_PER_MINUTE 20  /* codes one client tries */

/* The valid "back" form or query value, "" when absent; NULL (replied 400) when not local. */
static const char *
back_value(struct request *req, const char *v)
{
	if (!v || !*v)
		return "";
	if (!part_back_ok(v)) {
		http_error(req, STATUS_INVALID, "invalid_back",
			   "the page to come back to must be a path on this site");
		return NULL;
	}
	return v;
}

/* s URL-encoded (arena string). */
static const char *
url_encoded(struct request *req, const char *s)
{
	struct strbuf sb;
	strbuf_init(&sb, 64);
	strbuf_addurlenc(&sb, s);
	const char *out = arena_strdup(req->arena, sb.buf);
	strbuf_release(&sb);
	return out;
}

/* path with "?back=" back, or path itself when there is none (arena string). */
static const char *
with_back(struct request *req, const char *path, const char *back)
{
	return *back ? arena_printf(req->arena, "%s?back=%s", path, url_encoded(req, back)) : path;
}

void
page_participation(struct request *req)
{
	const char *back = back_value(req, http_query_value(req, "back"));
	if (!back)
		return;
	struct participant p;
	bool verified = participant_of(req, &p);
	http_csrf(req);
	json_t *view = json_pack("{s:s, s:s, s:b, s:b, s:b, s:b, s:i}", "back", back, "back_q",
				 url_encoded(req, back), "verified", verified, "notify_ok",
				 verified && p.notify_ok, "just_verified",
				 http_query_value(req, "verified") != NULL, "erased",
				 http_query_value(req, "erased") != NULL, "code_minutes",
				 (int)part_settings.code_minutes);
	http_render(req, 200, "participation", view);
}

/* The catalog's text key rendered with vars (for the message of a code), arena string. */
static char *
message_text(struct request *req, const char *key, json_t *vars)
{
	const char *tmpl = json_string_value(json_object_get(req->t, key));
	struct strbuf out;
	strbuf_init(&out, 128);
	if (!tmpl || mustache_render(tmpl, strlen(tmpl), vars, NULL, NULL, &out, NULL) < 0)
		strbuf_addstr(&out, key);
	char *s = arena_strdup(req->arena, out.buf);
	OPENSSL_cleanse(out.buf, out.len);
	strbuf_release(&out);
	return s;
}

/*
 * In the open transaction: store a new code for c (keyed key) and queue its message. The
 * challenge token goes to *token (the browser's cookie). 0, or -1 (logged).
 */
static int
send_code(struct request *req, const struct contact *c, const char *key, bool notify_ok,
	  char token[SECRET_TOKEN_SIZE])
{
	char sha[SHA256_HEX_SIZE], code[PART_CODE_SIZE], mac[SHA256_HEX_SIZE];
	secret_token_new(token, sha);
	part_code_new(code);
	part_code_hmac(part_secret(req->app), sha, code, mac);
	int rc = db_part_code_create(sha, key, c->channel, req->lang, notify_ok, c->address, mac,
				     part_settings.code_minutes);
	if (rc == 0) {
		json_t *vars = json_pack("{s:s, s:i}", "code", code, "minutes",
					 (int)part_settings.code_minutes);
		char *body = message_text(req, "participation_code_body", vars);
		json_decref(vars);
		struct notify_message m = {
			.channel = c->channel,
			.to = c->address,
			.lang = req->lang,
			.subject = strcmp(c->channel, "email") == 0
					   ? message_text(req, "participation_code_subject", NULL)
					   : NULL,
			.body = body,
			.kind = "participation.code",
		};
		rc = notify_enqueue(&m);
		OPENSSL_cleanse(body, strlen(body));
	}
	OPENSSL_cleanse(code, sizeof(code));
	return rc;
}

void
page_participation_send(struct request *req)
{
	if (!page_rate_allow(req, "participation_code", CODE_REQUESTS_PER_MINUTE,
			     "too_many_code_requests",
			     "too many codes asked from this connection; wait a minute"))
		return;
	const char *back = back_value(req, http_form_value(req, "back"));
	if (!back)
		return;
	struct contact c;
	if (contact_normalize(http_form(req, "contact"), &c) < 0) {
		http_error(req, STATUS_INVALID, "invalid_participation_contact",
			   "give an e-mail address or a mobile phone number (+213 or 05/06/07...)");
		return;
	}
	bool notify_ok = http_form_value(req, "notify") != NULL;
	char key[SHA256_HEX_SIZE], token[SECRET_TOKEN_SIZE];
	part_contact_key(part_secret(req->app), &c, key);
	if (db_begin() < 0) {
		page_db_unavailable(req);
		return;
	}
	int recent = db_part_codes_recent(key);
	if (recent >= part_settings.codes_per_hour) {
		db_rollback();
		http_add_header(req, "Retry-After", "3600");
		http_error(req, STATUS_TOO_MANY, "too_many_codes",
			   "too many codes were sent to this contact; try again in an hour");
		return;
	}
	if (recent < 0 || send_code(req, &c, key, notify_ok, token) < 0 || db_commit() < 0) {
		db_rollback();
		page_write_failed(req, STATUS_UNAVAILABLE, "", "");
		return;
	}
	log_info("participation: a code was queued (%s)", c.channel);
	http_set_cookie(req, part_challenge_cookie_name(req), token,
			part_settings.code_minutes * 60);
	OPENSSL_cleanse(token, sizeof(token));
	if (req->want_json)
		http_json(req, 202,
			  json_pack("{s:b, s:s, s:i}", "sent", 1, "channel", c.channel,
				    "expires_in_s", (int)part_settings.code_minutes * 60));
	else
		http_redirect(req, with_back(req, "/participation/code", back));
}

void
page_participation_code(struct request *req)
{
	const char *back = back_value(req, http_query_value(req, "back"));
	if (!back)
		return;
	bool pending = http_cookie(req, part_challenge_cookie_name(req)) != NULL;
	http_csrf(req);
	http_render(req, 200, "participation_code",
		    json_pack("{s:s, s:s, s:b, s:i}", "back", back, "back_q",
			      url_encoded(req, back), "pending", pending, "code_minutes",
			      (int)part_settings.code_minutes));
}

/* The code as typed without spaces (people copy "123 456"), arena string. */
static const char *
typed_code(struct request *req)
{
	const char *s = http_form(req, "code");
	char *out = arena_strdup(req->arena, s ? s : "");
	size_t k = 0;
	for (const char *p = out; *p; p++)
		if (*p != ' ' && *p != '-')
			out[k++] = *p;
	out[k] = '\0';
	return out;
}

/*
 * In the open transaction, the code row locked: the resident is verified; a session is made
 * and its token put in token. 0 or -1.
 */
static int
verify(json_t *row, char token[SECRET_TOKEN_SIZE])
{
	char sha[SHA256_HEX_SIZE];
	const char *key = json_str(row, "key");
	if (db_part_code_used(json_integer_value(json_object_get(row, "id"))) < 0 ||
	    db_part_participant_save(key, json_str(row, "channel"), json_str(row, "lang"),
				     json_is_true(json_object_get(row, "notify_ok")),
				     json_string_value(json_object_get(row, "contact"))) < 0)
		return -1;
	secret_token_new(token, sha);
	return db_part_session_create(sha, key, part_settings.session_days);
}

/* Refuse a code for row (locked) when it cannot be used: true when replied (rolled back). */
static bool
refuse_dead(struct request *req, json_t *row)
{
	const char *code = NULL, *msg = NULL;
	enum status st = STATUS_INVALID;
	if (json_is_true(json_object_get(row, "used")))
		st = STATUS_CONFLICT, code = "code_used",
		msg = "this code was used already; ask for a new one";
	else if (json_integer_value(json_object_get(row, "attempts")) >=
		 part_settings.code_attempts)
		st = STATUS_TOO_MANY, code = "code_attempts_exhausted",
		msg = "too many wrong codes: this code no longer works; ask for a new one";
	else if (json_is_true(json_object_get(row, "expired")))
		code = "code_expired", msg = "this code has expired; ask for a new one";
	if (!code)
		return false;
	db_rollback();
	http_error(req, st, code, msg);
	return true;
}

/* A wrong code for row (locked): count it, commit, and reply. */
static void
wrong_code(struct request *req, json_t *row)
{
	int n = db_part_code_failed(json_integer_value(json_object_get(row, "id")),
				    part_settings.code_attempts);
	if (n < 0 || db_commit() < 0) {
		db_rollback();
		page_write_failed(req, STATUS_UNAVAILABLE, "", "");
	} else if (n >= part_settings.code_attempts)
		http_error(req, STATUS_TOO_MANY, "code_attempts_exhausted",
			   "too many wrong codes: this code no longer works; ask for a new one");
	else
		http_error(req, STATUS_INVALID, "wrong_code", "this is not the code we sent");
}

void
page_participation_check(struct request *req)
{
	if (!page_rate_allow(req, "participation_check", CODE_CHECKS_PER_MINUTE,
			     "too_many_code_checks",
			     "too many codes tried from this connection; wait a minute"))
		return;
	const char *back = back_value(req, http_form_value(req, "back"));
	if (!back)
		return;
	const char *code = typed_code(req);
	char sha[SHA256_HEX_SIZE] = "", token[SECRET_TOKEN_SIZE];
	const char *challenge = http_cookie(req, part_challenge_cookie_name(req));
	if (!part_code_shape_ok(code)) {
		http_error(req, STATUS_INVALID, "invalid_code", "the code has six digits");
		return;
	}
	enum status st = STATUS_NOT_FOUND;
	json_t *row = NULL;
	if (challenge && secret_token_hash(challenge, sha) && db_begin() == 0)
		row = db_part_code_lock(sha, &st);
	else if (challenge && *sha)
		st = STATUS_UNAVAILABLE;
	if (!row) {
		db_rollback();
		page_read_failed(req, st, "no_code_pending",
				 "no code is waiting for this browser; ask for one first");
		return;
	}
	if (refuse_dead(req, row))
		goto out;
	if (!part_code_matches(part_secret(req->app), sha, code, json_str(row, "code_hmac"))) {
		wrong_code(req, row);
		goto out;
	}
	if (verify(row, token) < 0 || db_commit() < 0) {
		db_rollback();
		page_write_failed(req, STATUS_UNAVAILABLE, "", "");
		goto out;
	}
	log_info("participation: a contact was verified (%s)", json_str(row, "channel"));
	http_set_cookie(req, part_cookie_name(req), token, part_settings.session_days * 86400);
	http_set_cookie(req, part_challenge_cookie_name(req), "", -1);
	OPENSSL_cleanse(token, sizeof(token));
	if (req->want_json)
		http_json(req, 200, json_pack("{s:b, s:s}", "verified", 1, "back", back));
	else
		http_redirect(req, *back ? back : "/participation?verified=1");
out:
	json_decref(row);
}

void
page_participation_signout(struct request *req)
{
	const char *token = http_cookie(req, part_cookie_name(req));
	char sha[SHA256_HEX_SIZE];
	if (token && secret_token_hash(token, sha) && db_part_session_revoke(sha) < 0) {
		page_write_failed(req, STATUS_UNAVAILABLE, "", "");
		return;
	}
	http_set_cookie(req, part_cookie_name(req), "", -1);
	if (req->want_json)
		http_json(req, 200, json_pack("{s:b}", "signed_out", 1));
	else
		http_redirect(req, "/participation");
}

void
page_participation_erase(struct request *req)
{
	struct participant p;
	if (!participant_of(req, &p)) {
		http_error(req, STATUS_UNAUTHORIZED, "participation_required",
			   "only a verified resident can erase their contact; verify first");
		return;
	}
	json_t *old = NULL;
	int rc = db_begin();
	if (rc == 0)
		rc = db_part_erase(p.key, &old);
	const char *contact = json_string_value(json_object_get(old, "contact"));
	if (rc == 0 && contact)
		rc = notify_forget_contact(json_str(old, "channel"), contact);
	if (rc < 0 || db_commit() < 0) {
		db_rollback();
		json_decref(old);
		page_write_failed(req, STATUS_UNAVAILABLE, "", "");
		return;
	}
	json_decref(old);
	log_info("participation: a participant erased their contact and sessions");
	http_set_cookie(req, part_cookie_name(req), "", -1);
	if (req->want_json)
		http_json(req, 200, json_pack("{s:b}", "erased", 1));
	else
		http_redirect(req, "/participation?erased=1");
}
