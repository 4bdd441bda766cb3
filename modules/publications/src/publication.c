// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The kinds the commune publishes and their fields, and the one validator that reads a staff
 * form or checks a peer's event against a kind. Adding a kind is adding a table here, a route
 * row and two templates.
 */
#include "publications/publication.h"

#include "common/check.h"
#include "common/module.h"
#include "common/page_util.h"
#include "common/photo.h"
#include "common/site.h"
#include "common/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
is_deliberation_number(const char *s)
{
	/* "2025/014": year, slash, 1-4 digits */
	if (strlen(s) < 6 || strlen(s) > 9)
		return false;
	for (int i = 0; i < 4; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	if (s[4] != '/')
		return false;
	for (const char *p = s + 5; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	return true;
}

static const char *const project_categories[] = {"voirie",      "eclairage", "assainissement",
						 "eau",         "education", "espaces_verts",
						 "equipements", "autre",     NULL};
static const char *const project_statuses[] = {"etude", "programme", "en_cours",
					       "livre", "suspendu",  NULL};
static const char *const fundings[] = {"budget_communal", "pcd", "wilaya", "etat", "autre", NULL};
static const char *const session_types[] = {"ordinaire", "extraordinaire", NULL};
static const char *const outcomes[] = {"adoptee", "rejetee", "reportee", NULL};
static const char *const budget_types[] = {"bp", "bs", "ca", NULL};

static const struct field project_fields[] = {
	PUB_TEXT("title", true, 200),
	PUB_MARKDOWN("description", 20000),
	PUB_CHOICE("category", true, project_categories, true),
	PUB_CHOICE("quarter", false, site_quarters, true),
	PUB_CHOICE("status", true, project_statuses, true),
	PUB_INT("progress", true, 0, 100),
	PUB_INT("budget_da", false, 0, 1000000000000LL),
	PUB_CHOICE("funding", false, fundings, false),
	PUB_DATE("start_date", false),
	PUB_DATE("end_date", false),
	PUB_INT("lat_micro", false, -90000000, 90000000),
	PUB_INT("lon_micro", false, -180000000, 180000000),
};

static const struct field session_fields[] = {
	PUB_TEXT("title", true, 200),
	PUB_DATE("date", true),
	PUB_CHOICE("type", true, session_types, true),
	PUB_BOOL("public"),
	PUB_MARKDOWN("agenda", 20000),
};

static const struct field deliberation_fields[] = {
	{"number", FIELD_PATTERN, true, 0, 9, NULL, false, is_deliberation_number},
	PUB_TEXT("title", true, 300),
	PUB_DATE("session_date", true),
	PUB_MARKDOWN("summary", 5000),
	PUB_MARKDOWN("text", 100000),
	PUB_INT("votes_for", false, 0, 1000),
	PUB_INT("votes_against", false, 0, 1000),
	PUB_INT("abstentions", false, 0, 1000),
	PUB_CHOICE("outcome", true, outcomes, true),
};

static const struct field budget_fields[] = {
	PUB_TEXT("title", true, 200),
	PUB_INTF("year", true, 2000, 2100),
	PUB_CHOICE("type", true, budget_types, true),
	PUB_MARKDOWN("summary", 5000),
};

#define KIND(n, p, f, title, sort, write)                                                          \
	{                                                                                          \
		n, p, f, sizeof(f) / sizeof(f[0]), title, sort, write, NULL, NULL                  \
	}
const struct kind publication_kinds[] = {
	KIND("project", "projects", project_fields, "title", NULL, "projects.write"),
	KIND("session", "sessions", session_fields, "title", "date", "council.write"),
	KIND("deliberation", "deliberations", deliberation_fields, "title", "session_date",
	     "council.write"),
	KIND("budget", "budgets", budget_fields, "title", NULL, "budgets.write"),
	{NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL},
};

/*
 * The other modules' kinds: filled by open before serving starts (and before any thread reads
 * it), read-only while serving, emptied by close.
 */
static struct {
	const struct kind *list[PUB_KINDS_EXTRA];
	size_t n;
} extra;

static void
add_kind(const void *impl, void *ctx)
{
	(void)ctx;
	if (extra.n < PUB_KINDS_EXTRA)
		extra.list[extra.n++] = impl;
}

int
publication_kinds_open(struct app *app)
{
	extra.n = 0;
	module_each_ext(app, PUB_KIND_EXT, add_kind, NULL);
	return 0;
}

void
publication_kinds_close(struct app *app)
{
	(void)app;
	extra.n = 0;
}

/* The kind whose name (by_path false) or path equals s, or NULL. */
static const struct kind *
find_kind(const char *s, bool by_path)
{
	if (!s)
		return NULL;
	for (const struct kind *k = publication_kinds; k->name; k++)
		if (strcmp(by_path ? k->path : k->name, s) == 0)
			return k;
	for (size_t i = 0; i < extra.n; i++)
		if (strcmp(by_path ? extra.list[i]->path : extra.list[i]->name, s) == 0)
			return extra.list[i];
	return NULL;
}

const struct kind *
publication_kind(const char *name)
{
	return find_kind(name, false);
}

const struct kind *
publication_kind_by_path(const char *path)
{
	return find_kind(path, true);
}

static bool
is_choice(const struct field *f, const char *v)
{
	for (const char *const *c = f->choices; *c; c++)
		if (strcmp(*c, v) == 0)
			return true;
	return false;
}

static bool
parse_int(const char *s, long long *out)
{
	char *end;
	errno = 0;
	if (!*s || strspn(s, "-0123456789") != strlen(s))
		return false;
	*out = strtoll(s, &end, 10);
	return errno == 0 && *end == '\0';
}

/*
 * The per-language texts of f from the form ("<field>_<lang>" for each of langs) into data.
 * Returns what is wrong with them ("too_long", "required") or NULL.
 */
static const char *
read_texts(const struct field *f, const char *(*lookup)(void *ctx, const char *name), void *ctx,
	   json_t *langs, json_t *data)
{
	const char *what = NULL;
	json_t *texts = json_object();
	size_t li;
	json_t *l;
	json_array_foreach(langs, li, l)
	{
		const char *code = json_string_value(json_object_get(l, "code"));
		char name[64];
		snprintf(name, sizeof(name), "%s_%s", f->name, code);
		const char *v = lookup(ctx, name);
		if (!v || !*v)
			continue;
		json_object_set_new(texts, code, json_string(v));
		if (!what && utf8_length(v) > (size_t)f->max)
			what = "too_long";
	}
	if (!what && f->required && json_object_size(texts) == 0)
		what = "required";
	if (json_object_size(texts))
		json_object_set_new(data, f->name, texts);
	else
		json_decref(texts);
	return what;
}

/*
 * The value v (NULL: absent) of a field that is not per-language into data (as typed when it is
 * wrong, for the form shown again). Returns what is wrong with it or NULL.
 */
static const char *
read_value(const struct field *f, const char *v, json_t *data)
{
	const char *what = NULL;
	long long n;
	if (f->type == FIELD_BOOL) {
		json_object_set_new(data, f->name, json_boolean(v && *v));
		return NULL;
	}
	if (!v || !*v)
		return f->required ? "required" : NULL;
	if (f->type == FIELD_INT) {
		if (!parse_int(v, &n))
			what = "not_a_number";
		else if (n < f->min || n > f->max)
			what = "out_of_range";
		json_object_set_new(data, f->name, what ? json_string(v) : json_integer(n));
		return what;
	}
	if (f->type == FIELD_DATE && !is_iso_date(v))
		what = "invalid_date";
	else if (f->type == FIELD_CHOICE && !is_choice(f, v))
		what = "invalid_choice";
	else if (f->type == FIELD_PATTERN && !f->check(v))
		what = "invalid_format";
	json_object_set_new(data, f->name, json_string(v));
	return what;
}

json_t *
publication_from_form(const struct kind *k, const char *(*lookup)(void *ctx, const char *name),
		      void *ctx, json_t *langs, const char **error, const char **field,
		      json_t **partial)
{
	static _Thread_local char code[64];
	json_t *data = json_object();
	*error = NULL;
	for (size_t i = 0; i < k->nfields; i++) {
		const struct field *f = &k->fields[i];
		const char *what = f->type == FIELD_TEXT || f->type == FIELD_MARKDOWN
					   ? read_texts(f, lookup, ctx, langs, data)
					   : read_value(f, lookup(ctx, f->name), data);
		if (what && !*error) {
			/* the first problem is the one reported: "<field>_<what>" */
			snprintf(code, sizeof(code), "%s_%s", f->name, what);
			*error = code;
			*field = f->name;
		}
	}
	/* the item travels whole in one event (≤ 64 KiB with its envelope fields): longer texts
	 * belong in attached files */
	if (!*error) {
		char *d = json_dumps(data, JSON_COMPACT);
		if (strlen(d) > PUBLICATION_DATA_MAX) {
			*error = "content_too_long";
			*field = k->title_field;
		}
		free(d);
	}
	if (*error) {
		*partial = data;
		return NULL;
	}
	*partial = NULL;
	return data;
}

/* Every value of the object texts is a string of at most max characters. */
static bool
texts_fit(json_t *texts, size_t max)
{
	const char *lang;
	json_t *t;
	json_object_foreach(texts, lang, t)
	{
		if (!json_is_string(t) || utf8_length(json_string_value(t)) > max)
			return false;
	}
	return true;
}

static bool
milestones_are_valid(json_t *ms)
{
	size_t i;
	json_t *m;
	if (!json_is_array(ms) || json_array_size(ms) > 200)
		return false;
	json_array_foreach(ms, i, m)
	{
		const char *date = json_string_value(json_object_get(m, "date"));
		json_t *text = json_object_get(m, "text");
		json_t *photo = json_object_get(m, "photo");
		if (!date || !is_iso_date(date) || !json_is_object(text) ||
		    (photo && !photo_ref_is_valid(photo)) || !texts_fit(text, 2000))
			return false;
	}
	return true;
}

/* A present value of field f as the peer sent it. */
static bool
value_is_valid(const struct field *f, json_t *v)
{
	switch (f->type) {
	case FIELD_TEXT:
	case FIELD_MARKDOWN:
		return is_lang_texts(v) && texts_fit(v, (size_t)f->max);
	case FIELD_BOOL:
		return json_is_boolean(v);
	case FIELD_INT:
		return json_is_integer(v) && json_integer_value(v) >= f->min &&
		       json_integer_value(v) <= f->max;
	case FIELD_DATE:
		return json_is_string(v) && is_iso_date(json_string_value(v));
	case FIELD_CHOICE:
		return json_is_string(v) && is_choice(f, json_string_value(v));
	case FIELD_PATTERN:
		return json_is_string(v) && f->check(json_string_value(v));
	}
	return false;
}

bool
publication_data_is_valid(const struct kind *k, json_t *data)
{
	if (!json_is_object(data))
		return false;
	json_t *ms = json_object_get(data, "milestones");
	if (ms && (strcmp(k->name, "project") != 0 || !milestones_are_valid(ms)))
		return false;
	for (size_t i = 0; i < k->nfields; i++) {
		const struct field *f = &k->fields[i];
		json_t *v = json_object_get(data, f->name);
		if (v ? !value_is_valid(f, v) : f->required && f->type != FIELD_BOOL)
			return false;
	}
	return true;
}
