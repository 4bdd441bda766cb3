// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The reports' part of "<side>-srv demo load DIR" (common/include/common/demo.h), through the
 * same code paths as residents and agents: on the citizen platform the residents' reports
 * (filed like the form does), on the official platform the commune's answers to them once
 * they are mirrored. Both are idempotent.
 */
#include "internal.h"

#include "common/demo.h"
#include "reports/db_report.h"

#include "db_report_federation.h"

#include <openssl/crypto.h>
#include <stdio.h>

/*
 * reports.json: [{"category", "title", "description", "place", "quarter", "lang", "lat_e6"?,
 * "lon_e6"?, ...}] filed through report_submit like the form does (a pre-moderated category
 * waits for a moderator). Other keys (the commune's expected answer) are for the official
 * demo. Idempotent by title.
 */
static int
report_entry(struct app *app, const char *path, size_t i, json_t *e, struct demo_counts *n)
{
	json_t *lat = json_object_get(e, "lat_e6"), *lon = json_object_get(e, "lon_e6");
	struct report_input in = {
		.category = json_string_value(json_object_get(e, "category")),
		.title = json_string_value(json_object_get(e, "title")),
		.description = json_string_value(json_object_get(e, "description")),
		.place = json_string_value(json_object_get(e, "place")),
		.quarter = json_string_value(json_object_get(e, "quarter")),
		.lang = json_string_value(json_object_get(e, "lang")),
		.has_point = json_is_integer(lat) && json_is_integer(lon),
		.lat_e6 = json_integer_value(lat),
		.lon_e6 = json_integer_value(lon),
	};
	if (!in.title) {
		fprintf(stderr, "%s: entry %zu has no title\n", path, i);
		return -1;
	}
	long long have = db_report_find_title(REPORT_OWNER, in.title);
	if (have != 0) {
		if (have < 0)
			return -1;
		n->present++;
		return 0;
	}
	char token[SECRET_TOKEN_SIZE];
	enum status st;
	const char *code, *field;
	json_t *r = report_submit(app, &in, token, &st, &code, &field);
	OPENSSL_cleanse(token, sizeof(token)); /* nobody will track a demo report */
	if (!r) {
		fprintf(stderr, "%s: entry %zu was refused: %s (%s)\n", path, i, code,
			field ? field : "-");
		return -1;
	}
	json_decref(r);
	n->added++;
	return 0;
}

static const struct demo_file reports_file = {
	.name = "reports.json",
	.owner = REPORT_OWNER,
	.what = "reports are filed",
	.noun = "demo reports",
	.entry = report_entry,
};

int
report_demo_load(struct app *app, const char *dir)
{
	return demo_load_file(app, dir, &reports_file);
}

/*
 * The steps of entry i not given yet to the mirrored report r ({ref, answered}), in order,
 * through report_set_status like an agent's form. A step naming the report it duplicates by
 * its title waits (with the rest) until that report is mirrored too. 0, or -1 (printed).
 */
static int
answer_steps(const char *path, size_t i, json_t *r, json_t *steps, struct demo_counts *n)
{
	const char *ref = json_string_value(json_object_get(r, "ref"));
	size_t done = (size_t)json_integer_value(json_object_get(r, "answered"));
	size_t k;
	json_t *s;
	json_array_foreach(steps, k, s)
	{
		if (k < done) {
			n->present++;
			continue;
		}
		const char *status = json_string_value(json_object_get(s, "status"));
		const char *message = json_string_value(json_object_get(s, "message"));
		const char *body = json_string_value(json_object_get(s, "body"));
		const char *dup_title = json_string_value(json_object_get(s, "duplicate_of_title"));
		json_t *dup = NULL;
		bool failed;
		if (dup_title && !(dup = db_report_demo_answers(dup_title, &failed))) {
			n->waiting++;
			break; /* its original is not mirrored yet: the next load answers it */
		}
		const char *code = NULL;
		enum status st = report_set_status(
			ref, status ? status : "", message ? message : "", body ? body : "",
			dup ? json_string_value(json_object_get(dup, "ref")) : NULL, &code);
		json_decref(dup);
		if (st != STATUS_OK) {
			fprintf(stderr, "%s: entry %zu, step %zu: %s\n", path, i, k, code);
			return -1;
		}
		n->added++;
	}
	return 0;
}

/*
 * report_answers.json: [{"title", "steps": [{"status", "message"?, "body"?,
 * "duplicate_of_title"?}]}]: the commune's answers to the citizen demo's reports, given once
 * each report is mirrored here (idempotent: the steps already given are counted, not given
 * again).
 */
static int
answers_entry(struct app *app, const char *path, size_t i, json_t *e, struct demo_counts *n)
{
	(void)app;
	const char *title = json_string_value(json_object_get(e, "title"));
	json_t *steps = json_object_get(e, "steps");
	if (!title || !json_is_array(steps)) {
		fprintf(stderr, "%s: entry %zu needs a title and steps\n", path, i);
		return -1;
	}
	bool failed;
	json_t *r = db_report_demo_answers(title, &failed);
	if (!r) {
		if (failed)
			return -1;
		n->waiting++;
		return 0;
	}
	int rc = answer_steps(path, i, r, steps, n);
	json_decref(r);
	return rc;
}

static const struct demo_file answers_file = {
	.name = "report_answers.json",
	.owner = REPORT_ANSWERER,
	.what = "the commune's answers are written",
	.noun = "demo report answers",
	.verb = "given",
	.waiting = " demo reports wait to be mirrored from the citizen platform; load the demo"
		   " again once the platforms are paired and in sync",
	.entry = answers_entry,
};

int
report_answers_demo_load(struct app *app, const char *dir)
{
	return demo_load_file(app, dir, &answers_file);
}
