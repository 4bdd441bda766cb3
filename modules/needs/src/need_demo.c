// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The needs' part of "citizen-srv demo load DIR": needs.json's needs, written as a resident's
 * would be (rows and signed need.created events in one transaction), idempotent by quarter and
 * text. Their "me too" counts are the demo's own (no verified contact stands behind them); each
 * is dated "age_days" in the past (signed so, outbox_set_backdate), as a real list would be.
 */
#include "internal.h"

#include "db_need.h"

#include "common/db.h"
#include "common/demo.h"
#include "common/outbox.h"
#include "common/page_util.h"

#include <stdio.h>

static int
need_entry(struct app *app, const char *path, size_t i, json_t *e, struct demo_counts *n)
{
	const char *quarter = json_str(e, "quarter"), *theme = json_str(e, "theme");
	const char *text = json_str(e, "text"), *name = json_str(e, "display_name");
	const char *lang = json_str(e, "lang");
	json_t *me_too = json_object_get(e, "me_too");
	const char *bad = need_check(text, name);
	long age = demo_days(e, "age_days");
	if (!need_quarter_is_valid(quarter) || !need_theme_is_valid(app, theme) || bad || !*lang ||
	    age < 0 || (me_too && (!json_is_integer(me_too) || json_integer_value(me_too) < 1))) {
		fprintf(stderr,
			"%s: need %zu: quarter, theme, text, display_name, lang, age_days (%s)\n",
			path, i + 1, bad ? bad : "invalid");
		return -1;
	}
	int exists = db_need_exists(quarter, text);
	if (exists < 0)
		return -1;
	if (exists) {
		n->present++;
		return 0;
	}
	if (db_begin() < 0)
		return -1;
	int base = me_too ? (int)json_integer_value(me_too) : 1;
	json_t *r = db_need_create(quarter, theme, text, name, lang, base, base);
	char at[OUTBOX_TIME_SIZE] = "";
	int rc = -1;
	if (r) {
		json_t *data = json_pack("{s:O, s:s, s:s, s:s, s:s, s:s}", "id",
					 json_object_get(r, "id"), "quarter", quarter, "theme",
					 theme, "text", text, "display_name", name, "lang", lang);
		outbox_set_backdate(age * 86400);
		rc = need_emit("need.created", r, data, at);
		outbox_set_backdate(0);
		if (rc == 0)
			rc = db_need_set_created_at(json_integer_value(json_object_get(r, "id")),
						    at);
	}
	json_decref(r);
	if (rc < 0 || db_commit() < 0) {
		db_rollback();
		return -1;
	}
	n->added++;
	return 0;
}

int
need_demo_load(struct app *app, const char *dir)
{
	static const struct demo_file f = {
		.name = "needs.json",
		.owner = "citizen",
		.what = "needs are expressed",
		.noun = "demo needs",
		.entry = need_entry,
	};
	return demo_load_file(app, dir, &f);
}
