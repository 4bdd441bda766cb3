// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The shared appliers of peer events: news items and the side's public profile (presentation,
 * priorities), mirrored read-only with their origin kept.
 */
#include "common/hooks.h"

#include "common/db_federation.h"
#include "common/db_news.h"
#include "common/db_publication.h"
#include "common/publication.h"
#include "common/log.h"

#include <ctype.h>
#include <string.h>

static const struct hook common_hooks[] = {
	{"news.published", hook_news},
	{"news.updated", hook_news},
	{"news.unpublished", hook_news},
	{"profile.updated", hook_profile},
	{"budget.lines", hook_budget_lines},
	{"deliberation.file_added", hook_deliberation_file},
	{"reaction.created", hook_reaction},
	{"reaction.hidden", hook_reaction},
	{"report.created", hook_report},
	{"report.supported", hook_report},
	{"report.assessed", hook_report},
	{"report.hidden", hook_report},
	{"report.status", hook_report},
	/* "<kind>.published|updated|unpublished" of every publication kind */
	{"project.*", hook_publication},
	{"session.*", hook_publication},
	{"deliberation.*", hook_publication},
	{"budget.*", hook_publication},
	{NULL, NULL},
};

/* A hook type matches exactly, or as "prefix.*" any type with that prefix. */
static bool
type_matches(const char *pattern, const char *type)
{
	size_t n = strlen(pattern);
	if (n >= 2 && strcmp(pattern + n - 2, ".*") == 0)
		return strncmp(pattern, type, n - 1) == 0;
	return strcmp(pattern, type) == 0;
}

static _Thread_local const char *event_time;

const char *
hook_event_time(void)
{
	return event_time ? event_time : "";
}

static const struct hook *
hook_find(const struct hook *extra, const char *type)
{
	/* exact types first, so "budget.lines" is not taken by "budget.*" */
	for (int exact = 1; exact >= 0; exact--) {
		for (const struct hook *h = extra; h && h->type; h++)
			if ((strstr(h->type, ".*") == NULL) == exact && type_matches(h->type, type))
				return h;
		for (const struct hook *h = common_hooks; h->type; h++)
			if ((strstr(h->type, ".*") == NULL) == exact && type_matches(h->type, type))
				return h;
	}
	return NULL;
}

enum status
hook_apply(const struct hook *extra, const char *origin, const char *type, const char *occurred_at,
	   json_t *data)
{
	const struct hook *h = hook_find(extra, type);
	if (!h)
		return STATUS_NOT_FOUND;
	event_time = occurred_at;
	enum status st = h->apply(origin, type, data);
	event_time = NULL;
	return st;
}

static bool
is_texts(json_t *v)
{
	if (!json_is_object(v))
		return false;
	const char *k;
	json_t *x;
	json_object_foreach(v, k, x)
	{
		if (!json_is_string(x) || strlen(k) > 8)
			return false;
	}
	return true;
}

/* RFC 3339 UTC as the origin writes it: 2026-11-26T07:00:00Z with up to 6 fraction digits. */
static bool
is_utc_time(const char *s)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	size_t i = 0;
	for (; shape[i]; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return false;
	if (s[i] == '.') {
		size_t digits = 0;
		while (isdigit((unsigned char)s[++i]))
			digits++;
		if (digits < 1 || digits > 6)
			return false;
	}
	if (s[i] != 'Z' || s[i + 1] != '\0')
		return false;
	/* a real day and time, not only the shape (2025-02-30 would fail in the database) */
	char day[11];
	memcpy(day, s, 10);
	day[10] = '\0';
	int hh = (s[11] - '0') * 10 + (s[12] - '0'), mm = (s[14] - '0') * 10 + (s[15] - '0');
	int ss = (s[17] - '0') * 10 + (s[18] - '0');
	return publication_is_date(day) && hh < 24 && mm < 60 && ss < 60;
}

enum status
hook_news(const char *origin, const char *type, json_t *data)
{
	json_t *id = json_object_get(data, "id");
	json_t *title = json_object_get(data, "title");
	json_t *body = json_object_get(data, "body");
	const char *status = json_string_value(json_object_get(data, "status"));
	const char *published_at = json_string_value(json_object_get(data, "published_at"));
	const char *reason = json_string_value(json_object_get(data, "unpublish_reason"));
	(void)type;
	if (!json_is_integer(id) || json_integer_value(id) <= 0 || !is_texts(title) ||
	    !is_texts(body) || !status ||
	    (strcmp(status, "published") != 0 && strcmp(status, "unpublished") != 0) ||
	    (published_at ? !is_utc_time(published_at) : strcmp(status, "published") == 0)) {
		log_warn("news event from %s does not have the expected fields", origin);
		return STATUS_INVALID;
	}
	return db_news_mirror_upsert(origin, json_integer_value(id), title, body, status,
				     published_at, reason);
}

enum status
hook_profile(const char *origin, const char *type, json_t *data)
{
	(void)type;
	if (!json_is_object(data) || !is_texts(json_object_get(data, "name"))) {
		log_warn("profile event from %s does not have a name", origin);
		return STATUS_INVALID;
	}
	return db_fed_profile_put(origin, data) == 0 ? STATUS_OK : STATUS_UNAVAILABLE;
}

enum status
hook_publication(const char *origin, const char *type, json_t *data)
{
	char kind_name[32];
	size_t n = strcspn(type, ".");
	const struct kind *k = NULL;
	if (n < sizeof(kind_name)) {
		memcpy(kind_name, type, n);
		kind_name[n] = '\0';
		k = publication_kind(kind_name);
	}
	const char *action = type + n + (type[n] == '.');
	json_t *id = json_object_get(data, "id");
	json_t *version = json_object_get(data, "version");
	const char *status = json_string_value(json_object_get(data, "status"));
	const char *published_at = json_string_value(json_object_get(data, "published_at"));
	json_t *reason = json_object_get(data, "unpublish_reason");
	json_t *fields = json_object_get(data, "fields");
	/* the commune's publications: only the official platform writes them (DESIGN §2) */
	if (k && strcmp(origin, "official") != 0) {
		log_warn("%s event from %s: only the official platform publishes these", type,
			 origin);
		return STATUS_INVALID;
	}
	if (!k || (strcmp(action, "published") && strcmp(action, "updated") &&
		   strcmp(action, "unpublished")))
		return STATUS_NOT_FOUND;
	if (!json_is_integer(id) || json_integer_value(id) <= 0 || !json_is_integer(version) ||
	    json_integer_value(version) < 1 || json_integer_value(version) > 1000000 || !status ||
	    (strcmp(status, "published") && strcmp(status, "unpublished")) ||
	    (published_at ? !is_utc_time(published_at) : strcmp(status, "published") == 0) ||
	    !(json_is_null(reason) || json_is_string(reason)) ||
	    !publication_data_is_valid(k, fields)) {
		log_warn("%s event from %s does not have the expected fields", type, origin);
		return STATUS_INVALID;
	}
	enum status st = db_pub_mirror(origin, k->name, json_integer_value(id),
				       (int)json_integer_value(version), status, fields,
				       json_string_value(reason), published_at);
	return st;
}
