// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The accountability figures of residents' reports: how long the commune takes to answer and to
 * resolve, and the shares resolved, disputed and overdue, per category and overall. Same SQL
 * on both platforms over rows whose times come from the signed events, hence the same numbers.
 */
#include "reports/report_stats.h"

#include "common/app.h"
#include "common/http.h"
#include "common/i18n.h"
#include "reports/report.h"

#include "db_report_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECONDS_PER_HOUR 3600
#define HOURS_SHOWN_MAX 48 /* below 48 hours a delay reads in hours, above in days */

/* A delay in the reader's words: "5.5 h" below 48 hours, else "3.2 d" (arena string). */
static const char *
delay_text(struct request *req, json_int_t seconds)
{
	double hours = (double)seconds / SECONDS_PER_HOUR;
	bool in_hours = hours < HOURS_SHOWN_MAX;
	return arena_printf(req->arena, "%.1f %s", in_hours ? hours : hours / 24,
			    i18n_get(req->app->i18n, req->lang,
				     in_hours ? "stats_unit_hours" : "stats_unit_days"));
}

/* {median_s, p90_s, median, p90} when the sample is large enough, else null. */
static json_t *
delay_view(struct request *req, json_t *row, const char *prefix, json_int_t sample)
{
	char k50[32], k90[32];
	snprintf(k50, sizeof(k50), "%s_p50", prefix);
	snprintf(k90, sizeof(k90), "%s_p90", prefix);
	json_t *p50 = json_object_get(row, k50), *p90 = json_object_get(row, k90);
	if (sample < REPORT_STATS_MIN_SAMPLE || !json_is_integer(p50) || !json_is_integer(p90))
		return json_null();
	return json_pack("{s:O, s:O, s:s, s:s}", "median_s", p50, "p90_s", p90, "median",
			 delay_text(req, json_integer_value(p50)), "p90",
			 delay_text(req, json_integer_value(p90)));
}

/* A whole percentage of received when there are enough reports, else null. */
static json_t *
share(json_int_t n, json_int_t received)
{
	if (received < REPORT_STATS_MIN_SAMPLE)
		return json_null();
	return json_integer((n * 100 + received / 2) / received);
}

static json_t *
figures(struct request *req, json_t *row)
{
	json_int_t received = json_integer_value(json_object_get(row, "received"));
	json_int_t answered = json_integer_value(json_object_get(row, "answered"));
	json_int_t ever = json_integer_value(json_object_get(row, "ever_resolved"));
	json_t *v = json_pack(
		"{s:I, s:I, s:O, s:O, s:O, s:o, s:o, s:o, s:o, s:o, s:b}", "received", received,
		"answered", answered, "resolved", json_object_get(row, "resolved"), "disputed",
		json_object_get(row, "disputed"), "overdue", json_object_get(row, "overdue"),
		"first_answer", delay_view(req, row, "answer", answered), "resolution",
		delay_view(req, row, "resolve", ever), "share_resolved_pct",
		share(json_integer_value(json_object_get(row, "resolved")), received),
		"share_disputed_pct",
		share(json_integer_value(json_object_get(row, "disputed")), received),
		"share_overdue_pct",
		share(json_integer_value(json_object_get(row, "overdue")), received), "enough",
		received >= REPORT_STATS_MIN_SAMPLE);
	return v;
}

json_t *
report_stats(struct request *req)
{
	/* each category's target delay, from the configuration both platforms share */
	json_t *targets = json_object();
	size_t i;
	json_t *c;
	json_array_foreach(report_categories(req->app), i, c)
	{
		json_object_set(targets, json_string_value(json_object_get(c, "code")),
				json_object_get(c, "target_days"));
	}
	char *param = json_dumps(targets, JSON_COMPACT);
	json_decref(targets);
	json_t *rows = db_report_stats(param);
	free(param);
	if (!rows)
		return NULL;
	json_t *overall = NULL, *cats = json_array();
	json_t *row;
	json_array_foreach(rows, i, row)
	{
		const char *code = json_string_value(json_object_get(row, "category"));
		json_t *f = figures(req, row);
		if (!code) {
			overall = f;
			continue;
		}
		const char *name = i18n_pick(
			json_object_get(report_category(req->app, code), "name"), req->lang, NULL);
		json_object_set_new(f, "code", json_string(code));
		json_object_set_new(f, "name", json_string(name ? name : code));
		json_array_append_new(cats, f);
	}
	json_decref(rows);
	if (!overall) {
		/* no report received yet: the empty overall row */
		json_t *empty = json_pack("{s:i, s:i, s:i, s:i, s:i}", "received", 0, "answered", 0,
					  "ever_resolved", 0, "resolved", 0, "disputed", 0);
		json_object_set_new(empty, "overdue", json_integer(0));
		overall = figures(req, empty);
		json_decref(empty);
	}
	return json_pack("{s:i, s:o, s:o, s:b}", "min_sample", REPORT_STATS_MIN_SAMPLE, "overall",
			 overall, "categories", cats, "has_categories", json_array_size(cats) > 0);
}
