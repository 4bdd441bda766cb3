// SPDX-License-Identifier: AGPL-3.0-or-later
/* The pilot's pure logic (internal.h): configuration, period, timeline, digest, aggregates. */
#include "internal.h"

#include "common/check.h"
#include "common/secret.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_S 86400

static bool
has_ar_fr(const json_t *t)
{
	return json_is_string(json_object_get(t, "ar")) && json_is_string(json_object_get(t, "fr"));
}

static const char *
check_list(const json_t *list, const char *text_key, bool with_day, bool with_id)
{
	if (!json_is_array(list) || json_array_size(list) == 0 || json_array_size(list) > 32)
		return "must be an array of 1 to 32 entries";
	size_t i;
	const json_t *e;
	json_array_foreach(list, i, e)
	{
		if (!has_ar_fr(json_object_get(e, text_key)))
			return "every entry needs texts in ar and fr";
		if (with_id && !json_is_string(json_object_get(e, "id")))
			return "every entry needs an id";
		const json_t *d = json_object_get(e, "day");
		if (with_day && (!json_is_integer(d) || json_integer_value(d) < 0 ||
				 json_integer_value(d) > 800))
			return "every milestone needs a day 0..800";
	}
	return NULL;
}

int
pilot_config_check(const json_t *cfg, char *why, size_t why_size)
{
	struct pilot_period p;
	const json_t *months = json_object_get(cfg, "months");
	const json_t *survey = json_object_get(cfg, "survey");
	const json_t *ms = json_object_get(survey, "min_sample");
	const char *bad = NULL, *where = "";
	if (pilot_period_of(json_string_value(json_object_get(cfg, "start")),
			    months ? (long)json_integer_value(months) : 3, &p) < 0)
		bad = "start must be YYYY-MM-DD and months 1..24", where = "start";
	else if ((bad = check_list(json_object_get(cfg, "committee"), "role", false, false)))
		where = "committee";
	else if ((bad = check_list(json_object_get(cfg, "milestones"), "label", true, true)))
		where = "milestones";
	else if ((bad = check_list(json_object_get(survey, "questions"), "text", false, true)))
		where = "survey.questions";
	else if (!json_is_integer(ms) || json_integer_value(ms) < 1)
		bad = "must be a positive integer", where = "survey.min_sample";
	else if (!json_is_array(json_object_get(cfg, "figures")) ||
		 json_array_size(json_object_get(cfg, "figures")) == 0)
		bad = "must name the facts the assessment counts", where = "figures";
	else if (json_object_get(cfg, "breakdown") &&
		 !json_is_array(json_object_get(cfg, "breakdown")))
		bad = "must list the facts counted by quarter and language", where = "breakdown";
	if (bad) {
		snprintf(why, why_size, "%s: %s", where, bad);
		return -1;
	}
	return 0;
}

static void
utc_text(time_t t, char out[PILOT_TIME_SIZE])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, PILOT_TIME_SIZE, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int
pilot_period_of(const char *start_date, long months, struct pilot_period *p)
{
	if (!start_date || !is_iso_date(start_date) || months < 1 || months > 24)
		return -1;
	struct tm tm = {0};
	tm.tm_year = atoi(start_date) - 1900;
	tm.tm_mon = atoi(start_date + 5) - 1;
	tm.tm_mday = atoi(start_date + 8);
	p->start = timegm(&tm);
	tm.tm_mon += (int)months;
	p->end = timegm(&tm);
	utc_text(p->start, p->from);
	utc_text(p->end, p->to);
	return 0;
}

json_t *
pilot_timeline(const json_t *milestones, const struct pilot_period *p, time_t now)
{
	json_t *list = json_array();
	bool next_given = false;
	size_t i;
	const json_t *m;
	json_array_foreach(milestones, i, m)
	{
		char date[PILOT_TIME_SIZE];
		time_t t = p->start + (time_t)json_integer_value(json_object_get(m, "day")) * DAY_S;
		utc_text(t, date);
		date[10] = '\0';
		const char *state = "planned";
		if (t <= now)
			state = "done";
		else if (!next_given)
			state = "next", next_given = true;
		json_array_append_new(list, json_pack("{s:O?, s:O?, s:s, s:s}", "id",
						      json_object_get(m, "id"), "label",
						      json_object_get(m, "label"), "date", date,
						      "state", state));
	}
	const char *stage = now < p->start ? "before" : now >= p->end ? "ended" : "running";
	json_t *t = json_pack("{s:s, s:I, s:o}", "stage", stage, "days",
			      (json_int_t)((p->end - p->start) / DAY_S), "milestones", list);
	if (strcmp(stage, "running") == 0)
		json_object_set_new(t, "day", json_integer((now - p->start) / DAY_S + 1));
	return t;
}

char *
pilot_canonical(const char *from, const char *to, const json_t *figures)
{
	json_t *doc = json_pack("{s:s, s:s, s:O}", "from", from, "to", to, "figures", figures);
	char *text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
	json_decref(doc);
	return text;
}

void
pilot_digest(const char *from, const char *to, const json_t *figures, char out[PILOT_DIGEST_SIZE])
{
	char *text = pilot_canonical(from, to, figures);
	sha256_hex(text, strlen(text), out);
	free(text);
}

json_t *
pilot_figures_of(const json_t *names, const json_t *facts)
{
	json_t *out = json_object();
	size_t i;
	const json_t *n;
	json_array_foreach(names, i, n)
	{
		const char *name = json_string_value(n);
		json_object_set_new(out, name,
				    json_integer(json_integer_value(json_object_get(
					    json_object_get(facts, name), "count"))));
	}
	return out;
}

static json_t *
value_or_null(const json_t *o, const char *name)
{
	json_t *v = json_object_get(o, name);
	return v ? json_copy(v) : json_null();
}

static int
compare_names(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The keys of a and b, each once, in byte order (borrowed from a and b; free the array). */
static const char **
keys_of(json_t *a, json_t *b, size_t *n)
{
	const char **names =
		xmalloc((json_object_size(a) + json_object_size(b) + 1) * sizeof(*names));
	size_t count = 0;
	const char *k;
	json_t *v;
	json_object_foreach(a, k, v) names[count++] = k;
	json_object_foreach(b, k, v) if (!json_object_get(a, k)) names[count++] = k;
	qsort(names, count, sizeof(*names), compare_names);
	*n = count;
	return names;
}

json_t *
pilot_figures_diff(json_t *a, json_t *b)
{
	json_t *out = json_array();
	size_t n;
	const char **names = keys_of(a, b, &n);
	for (size_t i = 0; i < n; i++) {
		const char *name = names[i];
		if (!json_equal(json_object_get(a, name), json_object_get(b, name)))
			json_array_append_new(out, json_pack("{s:s, s:o, s:o}", "name", name, "a",
							     value_or_null(a, name), "b",
							     value_or_null(b, name)));
	}
	free(names);
	return out;
}

void
pilot_breakdown_add(const json_t *kinds, json_t *facts, json_t *figures)
{
	const char *name;
	json_t *f;
	json_object_foreach(facts, name, f)
	{
		long long count = json_integer_value(json_object_get(f, "count"));
		size_t i;
		const json_t *k;
		json_array_foreach(kinds, i, k)
		{
			const char *kind = json_string_value(k);
			size_t n = strlen(kind);
			if (count > 0 && strncmp(name, kind, n) == 0 &&
			    (strncmp(name + n, ".quarter.", 9) == 0 ||
			     strncmp(name + n, ".lang.", 6) == 0))
				json_object_set_new(figures, name, json_integer(count));
		}
	}
}

json_t *
pilot_survey_aggregate(const json_t *questions, const json_t *rows, long long responses,
		       long long min_sample)
{
	bool shown = responses >= min_sample;
	json_t *qs = json_array();
	size_t i, j;
	const json_t *q, *r;
	json_array_foreach(questions, i, q)
	{
		const char *id = json_string_value(json_object_get(q, "id"));
		json_t *e = json_pack("{s:s, s:O}", "id", id, "text", json_object_get(q, "text"));
		if (shown) {
			long long counts[PILOT_SCALE_MAX] = {0}, n = 0, sum = 0;
			json_array_foreach(rows, j, r)
			{
				long long v = json_integer_value(json_object_get(r, "value"));
				long long c = json_integer_value(json_object_get(r, "n"));
				if (strcmp(json_string_value(json_object_get(r, "question")), id) !=
					    0 ||
				    v < 1 || v > PILOT_SCALE_MAX)
					continue;
				counts[v - 1] += c;
				n += c;
				sum += v * c;
			}
			json_t *cs = json_array();
			for (int k = 0; k < PILOT_SCALE_MAX; k++)
				json_array_append_new(cs, json_integer(counts[k]));
			json_object_set_new(e, "counts", cs);
			json_object_set_new(e, "answers", json_integer(n));
			/* the mean in tenths, rounded: no floats in what is signed or compared */
			json_object_set_new(e, "mean_tenths",
					    n ? json_integer((sum * 10 * 2 + n) / (2 * n))
					      : json_null());
		}
		json_array_append_new(qs, e);
	}
	return json_pack("{s:I, s:I, s:b, s:o}", "responses", (json_int_t)responses, "min_sample",
			 (json_int_t)min_sample, "shown", shown, "questions", qs);
}
