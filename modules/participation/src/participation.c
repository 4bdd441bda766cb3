// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The participation contract (participation.h): who the participation cookie names, their
 * contact when they consented to notifications, one support per verified contact per item;
 * plus the module's settings, its secret's lifetime and the retention job.
 */
#include "internal.h"

#include "db_participation.h"

#include "common/app.h"
#include "common/db.h"
#include "common/http.h"
#include "common/log.h"
#include "common/module.h"
#include "common/strbuf.h"
#include "common/xalloc.h"
#include "notify/notify.h"

#include <openssl/crypto.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct part_settings part_settings;

#define PART(field) offsetof(struct part_settings, field)

const struct config_def part_settings_defs[PART_NSETTINGS] = {
	{"BALADIYA_PARTICIPATION_CODE_MINUTES", CONFIG_INT, "10", false, 2, 60, PART(code_minutes),
	 "participation: minutes a one-time code is valid"},
	{"BALADIYA_PARTICIPATION_CODE_ATTEMPTS", CONFIG_INT, "5", false, 1, 10, PART(code_attempts),
	 "participation: wrong codes before a code dies"},
	{"BALADIYA_PARTICIPATION_CODES_PER_HOUR", CONFIG_INT, "3", false, 1, 50,
	 PART(codes_per_hour), "participation: codes sent to one contact in an hour"},
	{"BALADIYA_PARTICIPATION_SESSION_DAYS", CONFIG_INT, "180", false, 1, 730,
	 PART(session_days), "participation: days a participation cookie stays valid"},
	{"BALADIYA_PARTICIPATION_CONTACT_DAYS", CONFIG_INT, "365", false, 1, 3650,
	 PART(contact_days),
	 "participation: days after their last verification before the contact of a resident "
	 "who asked to be notified is erased"},
};

struct part_state {
	unsigned char secret[PART_SECRET_SIZE];
};

int
part_open(struct app *app)
{
	struct part_state *s = xmalloc(sizeof(*s));
	if (part_secret_load(app->cfg.data_dir, s->secret) < 0) {
		free(s);
		return -1;
	}
	module_state_set(app, &participation_module, s);
	return 0;
}

void
part_close(struct app *app)
{
	struct part_state *s = module_state(app, &participation_module);
	if (s) {
		OPENSSL_cleanse(s->secret, sizeof(s->secret));
		free(s);
		module_state_set(app, &participation_module, NULL);
	}
}

const unsigned char *
part_secret(const struct app *app)
{
	struct part_state *s = module_state(app, &participation_module);
	return s->secret;
}

const char *
part_cookie_name(struct request *req)
{
	return http_cookie_name(req, "participant");
}

const char *
part_challenge_cookie_name(struct request *req)
{
	return http_cookie_name(req, "participation_code");
}

bool
participant_of(struct request *req, struct participant *p)
{
	memset(p, 0, sizeof(*p));
	const char *token = http_cookie(req, part_cookie_name(req));
	char sha[SHA256_HEX_SIZE];
	if (!token || !secret_token_hash(token, sha))
		return false;
	enum status st;
	json_t *row = db_part_session(sha, &st);
	if (!row)
		return false;
	snprintf(p->key, sizeof(p->key), "%s", json_string_value(json_object_get(row, "key")));
	snprintf(p->lang, sizeof(p->lang), "%s", json_string_value(json_object_get(row, "lang")));
	p->notify_ok = json_is_true(json_object_get(row, "notify_ok"));
	json_decref(row);
	return true;
}

bool
participant_contact(const struct participant *p, char channel[8], char *to, size_t tosize)
{
	if (!p || !p->notify_ok)
		return false;
	enum status st;
	json_t *row = db_part_contact(p->key, &st);
	if (!row)
		return false;
	snprintf(channel, 8, "%s", json_string_value(json_object_get(row, "channel")));
	snprintf(to, tosize, "%s", json_string_value(json_object_get(row, "contact")));
	json_decref(row);
	return true;
}

char *
participation_verify_url(const char *back)
{
	struct strbuf sb;
	strbuf_init(&sb, 64);
	strbuf_addstr(&sb, "/participation");
	if (part_back_ok(back)) {
		strbuf_addstr(&sb, "?back=");
		strbuf_addurlenc(&sb, back);
	}
	return strbuf_detach(&sb, NULL);
}

void
participation_require(struct request *req, const char *back)
{
	char *url = participation_verify_url(back);
	if (req->want_json) {
		const char *u = arena_strdup(req->arena, url);
		http_add_header(req, "Location", u);
		http_json(
			req, 403,
			json_pack("{s:{s:s, s:s}, s:s}", "error", "code", "participation_required",
				  "message",
				  "only a verified resident can do this; verify an e-mail address "
				  "or a phone number first",
				  "verify_url", u));
	} else {
		http_redirect(req, arena_strdup(req->arena, url));
	}
	free(url);
}

static bool
kind_ok(const char *kind)
{
	if (!kind || !*kind || strlen(kind) > 32 || kind[0] < 'a' || kind[0] > 'z')
		return false;
	return strspn(kind, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(kind);
}

enum support_outcome
participation_support_add(const char *item_kind, long long item_id, const struct participant *p)
{
	if (!p || !p->key[0] || !kind_ok(item_kind))
		return SUPPORT_FAILED;
	int r = db_part_support_add(item_kind, item_id, p->key);
	return r < 0 ? SUPPORT_FAILED : r ? SUPPORT_ADDED : SUPPORT_ALREADY;
}

enum support_outcome
participation_support_remove(const char *item_kind, long long item_id, const struct participant *p)
{
	if (!p || !p->key[0] || !kind_ok(item_kind))
		return SUPPORT_FAILED;
	int r = db_part_support_remove(item_kind, item_id, p->key);
	return r < 0 ? SUPPORT_FAILED : r ? SUPPORT_REMOVED : SUPPORT_ABSENT;
}

bool
participation_supports(const char *item_kind, long long item_id, const struct participant *p)
{
	return p && p->key[0] && kind_ok(item_kind) &&
	       db_part_support_exists(item_kind, item_id, p->key) == 1;
}

long long
participation_support_count(const char *item_kind, long long item_id)
{
	return kind_ok(item_kind) ? db_part_support_count(item_kind, item_id) : -1;
}

json_t *
participation_support_recent(const char *item_kind, int seconds)
{
	return kind_ok(item_kind) && seconds > 0 ? db_part_support_recent(item_kind, seconds)
						 : NULL;
}

/*
 * Hourly: old codes and dead sessions go; the contacts of notified residents not verified
 * again within the retention period are erased, with their follows and unsent messages.
 */
int
part_retention_run(struct app *app)
{
	(void)app;
	long purged = db_part_purge();
	if (purged < 0)
		return -1;
	if (db_begin() < 0)
		return -1;
	json_t *old = db_part_expire_contacts(part_settings.contact_days);
	size_t i;
	json_t *o;
	int rc = old ? 0 : -1;
	json_array_foreach(old, i, o)
	{
		if (notify_forget_contact(json_string_value(json_object_get(o, "channel")),
					  json_string_value(json_object_get(o, "contact"))) < 0)
			rc = -1;
	}
	if (rc < 0 || db_commit() < 0) {
		db_rollback();
		json_decref(old);
		return -1;
	}
	if (json_array_size(old) > 0)
		log_info("retention: erased the contact of %zu participant%s", json_array_size(old),
			 json_array_size(old) == 1 ? "" : "s");
	json_decref(old);
	return 0;
}
