// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Report categories, statuses, references and tracking tokens, shared by both platforms.
 */
#include "reports/report.h"

#include "internal.h"

#include "common/app.h"
#include "common/arena.h"
#include "common/config.h"
#include "common/check.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/page_util.h"
#include "common/module.h"
#include "common/site.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

#include <openssl/rand.h>
#include <pthread.h>
#include <openssl/sha.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define CATEGORIES_ASSET "config/report_categories.json"

struct report_settings report_settings;

#define REPORT(field) offsetof(struct report_settings, field)

const struct config_def report_settings_defs[REPORT_NSETTINGS] = {
	{"BALADIYA_REPORT_NEARBY_M", CONFIG_INT, "150", false, 10, 5000, REPORT(nearby_m),
	 "reports: open reports of the same category within this many metres are shown before "
	 "filing"},
	{"BALADIYA_CONTACT_RETENTION_DAYS", CONFIG_INT, "365", false, 1, 3650,
	 REPORT(contact_retention_days),
	 "days after the commune closed a report before the reporter's contact is erased"},
	{"BALADIYA_REPORT_ASK_WEEKS", CONFIG_INT, "2", false, 1, 52, REPORT(ask_weeks),
	 "reports: weeks after the commune's resolution before the tracking page asks the reporter "
	 "first whether it is fixed"},
};

const char *const report_statuses[] = {
	"new",      "received",     "forwarded", "in_progress", "scheduled",
	"resolved", "out_of_scope", "rejected",  "duplicate",   NULL,
};

/* Texts in both languages every commune has: {"ar": .., "fr": ..}. */
static bool
is_texts(json_t *v)
{
	return is_lang_texts(v) && json_object_get(v, "fr") && json_object_get(v, "ar");
}

static bool
category_is_valid(json_t *c)
{
	const char *code = json_string_value(json_object_get(c, "code"));
	json_t *days = json_object_get(c, "target_days");
	json_t *pre = json_object_get(c, "premoderate");
	json_t *body = json_object_get(c, "body");
	if (!code || strlen(code) != 3)
		return false;
	for (const char *p = code; *p; p++)
		if (*p < 'A' || *p > 'Z')
			return false;
	return is_texts(json_object_get(c, "name")) && json_is_integer(days) &&
	       json_integer_value(days) >= 1 && json_integer_value(days) <= 365 &&
	       (!pre || json_is_boolean(pre)) && (!body || is_texts(body));
}

int
report_categories_load(struct app *app)
{
	json_t *cats = app_asset_json(app, CATEGORIES_ASSET);
	if (!cats)
		return -1;
	if (!json_is_array(cats) || json_array_size(cats) == 0) {
		log_error("%s: not a non-empty array", CATEGORIES_ASSET);
		goto fail;
	}
	size_t i;
	json_t *c;
	json_array_foreach(cats, i, c)
	{
		if (!category_is_valid(c)) {
			log_error("%s: category %zu needs code (3 capitals), name {ar, fr}, "
				  "target_days 1..365, optional premoderate (boolean) and body "
				  "{ar, fr}",
				  CATEGORIES_ASSET, i + 1);
			goto fail;
		}
		for (size_t j = 0; j < i; j++)
			if (json_equal(json_object_get(json_array_get(cats, j), "code"),
				       json_object_get(c, "code"))) {
				log_error("%s: category %s appears twice", CATEGORIES_ASSET,
					  json_string_value(json_object_get(c, "code")));
				goto fail;
			}
	}
	json_decref(module_state(app, &reports_module));
	module_state_set(app, &reports_module, cats);
	return 0;
fail:
	json_decref(cats);
	return -1;
}

void
report_categories_free(struct app *app)
{
	json_decref(module_state(app, &reports_module));
	module_state_set(app, &reports_module, NULL);
}

json_t *
report_categories(const struct app *app)
{
	return module_state(app, &reports_module);
}

json_t *
report_category(const struct app *app, const char *code)
{
	size_t i;
	json_t *c;
	if (!code)
		return NULL;
	json_array_foreach(report_categories(app), i, c)
	{
		if (strcmp(json_string_value(json_object_get(c, "code")), code) == 0)
			return c;
	}
	return NULL;
}

int
report_category_target_days(const struct app *app, const char *code)
{
	json_t *c = report_category(app, code);
	return c ? (int)json_integer_value(json_object_get(c, "target_days")) : 0;
}

bool
report_category_premoderated(const struct app *app, const char *code)
{
	return json_is_true(json_object_get(report_category(app, code), "premoderate"));
}

bool
report_status_is_valid(const char *status)
{
	for (const char *const *s = report_statuses; status && *s; s++)
		if (strcmp(*s, status) == 0)
			return true;
	return false;
}

bool
report_status_is_settable(const char *status)
{
	return report_status_is_valid(status) && strcmp(status, "new") != 0;
}

bool
report_status_is_open(const char *status)
{
	static const char *const closed[] = {"resolved", "out_of_scope", "rejected", "duplicate"};
	for (size_t i = 0; i < sizeof(closed) / sizeof(closed[0]); i++)
		if (strcmp(closed[i], status) == 0)
			return false;
	return true;
}

const char *const *
report_quarters(void)
{
	return site_quarters;
}

bool
report_quarter_is_valid(const char *q)
{
	for (const char *const *c = report_quarters(); q && *c; c++)
		if (strcmp(*c, q) == 0)
			return true;
	return false;
}

const char *
report_category_label(struct request *req, const char *code)
{
	const char *name = i18n_pick(json_object_get(report_category(req->app, code), "name"),
				     req->lang, NULL);
	return name ? name : code;
}

const char *
report_status_label(struct request *req, const char *status)
{
	return i18n_get(req->app->i18n, req->lang,
			arena_printf(req->arena, "report.status.%s", status));
}

const char *
report_quarter_label(struct request *req, const char *q)
{
	return report_quarter_is_valid(q)
		       ? i18n_get(req->app->i18n, req->lang,
				  arena_printf(req->arena, "project_quarter_%s", q))
		       : q;
}

/*
 * The label tables and the selects' choices depend on the language alone (the categories and
 * the catalogs are loaded at start), so each is made once per process and language and then
 * shared by every request: a list page made them again for every request (about 200,000
 * instructions of a 2.4 M list page). A memo is never changed once made; readers share it
 * (jansson's reference counts are atomic).
 */
enum memo_kind {
	MEMO_STATUS,
	MEMO_TABLE,
	MEMO_VIEW_TABLE,
	MEMO_CATEGORIES,
	MEMO_QUARTERS,
	MEMO_STATUSES,
	MEMO_KINDS
};
#define MEMO_LANGS 8

static json_t *
memo(struct request *req, enum memo_kind kind, json_t *(*make)(struct request *req))
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static struct {
		const struct app *app;
		char lang[16];
		json_t *value[MEMO_KINDS];
	} slots[MEMO_LANGS];
	json_t *v = NULL;
	size_t i;
	pthread_mutex_lock(&lock);
	for (i = 0; i < MEMO_LANGS && slots[i].app; i++)
		if (slots[i].app == req->app && strcmp(slots[i].lang, req->lang) == 0)
			break;
	if (i < MEMO_LANGS && slots[i].value[kind])
		v = json_incref(slots[i].value[kind]);
	pthread_mutex_unlock(&lock);
	if (v)
		return v;
	v = make(req);
	if (i == MEMO_LANGS || strlen(req->lang) >= sizeof(slots[i].lang))
		return v; /* more languages than slots: made per request */
	pthread_mutex_lock(&lock);
	if (!slots[i].app) {
		slots[i].app = req->app;
		strcpy(slots[i].lang, req->lang);
	}
	if (slots[i].app == req->app && strcmp(slots[i].lang, req->lang) == 0 &&
	    !slots[i].value[kind])
		slots[i].value[kind] = json_incref(v);
	pthread_mutex_unlock(&lock);
	return v;
}

static json_t *
make_status_labels(struct request *req)
{
	json_t *labels = json_object();
	for (const char *const *s = report_statuses; *s; s++)
		json_object_set_new(labels, *s, json_string(report_status_label(req, *s)));
	return labels;
}

json_t *
report_status_labels(struct request *req)
{
	return memo(req, MEMO_STATUS, make_status_labels);
}

static json_t *
make_label_table(struct request *req)
{
	json_t *names = json_object(), *days = json_object(), *statuses = report_status_labels(req);
	json_t *quarters = json_object();
	size_t i;
	json_t *c;
	json_array_foreach(report_categories(req->app), i, c)
	{
		const char *code = json_string_value(json_object_get(c, "code"));
		json_object_set_new(names, code, json_string(report_category_label(req, code)));
		json_object_set(days, code, json_object_get(c, "target_days"));
	}
	for (const char *const *q = report_quarters(); *q; q++)
		json_object_set_new(quarters, *q, json_string(report_quarter_label(req, *q)));
	return json_pack("{s:o, s:o, s:o, s:o}", "category", names, "days", days, "status",
			 statuses, "quarter", quarters);
}

json_t *
report_label_table(struct request *req)
{
	return memo(req, MEMO_TABLE, make_label_table);
}

static json_t *
make_view_table(struct request *req)
{
	static const char *const codes[] = {"none", "confirmed", "disputed"};
	json_t *table = make_label_table(req), *a = json_object();
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		json_object_set_new(
			a, codes[i],
			json_string(t_get(
				req, arena_printf(req->arena, "report_assessment_%s", codes[i]))));
	json_object_set_new(table, "assessment", a);
	return table;
}

json_t *
report_view_table(struct request *req)
{
	return memo(req, MEMO_VIEW_TABLE, make_view_table);
}

const char *
report_label_text(struct request *req, json_t *table, const char *part, const char *code)
{
	const char *l;
	if (!table)
		l = strcmp(part, "category") == 0 ? report_category_label(req, code)
		    : strcmp(part, "status") == 0 ? report_status_label(req, code)
						  : report_quarter_label(req, code);
	else if (!(l = json_string_value(
			   json_object_get(json_object_get(table, part), code ? code : ""))))
		l = code;
	return l ? l : "";
}

static json_t *
category_options(struct request *req, const char *selected)
{
	size_t n = json_array_size(report_categories(req->app)), i;
	const char **codes = arena_alloc(req->arena, (n + 1) * sizeof(*codes));
	json_t *c;
	json_array_foreach(report_categories(req->app), i, c)
	{
		codes[i] = json_string_value(json_object_get(c, "code"));
	}
	codes[n] = NULL;
	return page_options(req, codes, report_category_label, selected);
}

static json_t *
make_category_options(struct request *req)
{
	return category_options(req, NULL);
}

static json_t *
make_quarter_options(struct request *req)
{
	return page_options(req, report_quarters(), report_quarter_label, NULL);
}

static json_t *
make_status_options(struct request *req)
{
	return page_options(req, report_statuses, report_status_label, NULL);
}

/* A select with nothing chosen (most pages) is the memo's; a choice is made for its request. */
json_t *
report_category_options(struct request *req, const char *selected)
{
	return selected ? category_options(req, selected)
			: memo(req, MEMO_CATEGORIES, make_category_options);
}

json_t *
report_quarter_options(struct request *req, const char *selected)
{
	return selected ? page_options(req, report_quarters(), report_quarter_label, selected)
			: memo(req, MEMO_QUARTERS, make_quarter_options);
}

json_t *
report_status_options(struct request *req, const char *selected)
{
	return selected ? page_options(req, report_statuses, report_status_label, selected)
			: memo(req, MEMO_STATUSES, make_status_options);
}

void
report_new_ref(char out[REPORT_REF_SIZE])
{
	public_ref_new('R', out);
}

bool
report_ref_is_valid(const char *s)
{
	return public_ref_is_valid('R', s);
}
