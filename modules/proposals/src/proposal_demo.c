// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The demo's proposals (common/demo.h). demo/citizen/proposals.json: residents' proposals,
 * published as the form does, with a tally ("supporters", written directly: the demo has no
 * verified participants) that may cross the threshold ("forward": true) with the commune's
 * delay for it ("answer_days", 0 makes it overdue at the next deadlines run), published and
 * forwarded "age_days" ago (signed so, outbox_set_backdate).
 * demo/official/proposal_answers.json: the commune's stages of the forwarded demo proposals
 * once they are mirrored, [{title, stages: [{stage, session_date?, answer?: {ar, fr},
 * deliberation_url?, after_days?}]}], each stage dated after_days after the forwarding (now
 * if that is still to come), so that the delays to an answer mean something in a demo.
 */
#include "internal.h"

#include "common/db.h"
#include "common/demo.h"
#include "common/outbox.h"
#include "common/page_util.h"
#include "db_proposal.h"

#include <stdio.h>
#include <string.h>

/* Publish entry e's proposal (caller's transaction): the row, or NULL. */
static json_t *
demo_publish(json_t *e)
{
	char ref[PUBLIC_REF_SIZE];
	public_ref_new(PROPOSAL_REF_LETTER, ref);
	json_t *lat = json_object_get(e, "lat_e6"), *lon = json_object_get(e, "lon_e6");
	long long la = json_integer_value(lat), lo = json_integer_value(lon);
	struct proposal_new in = {
		.ref = ref,
		.type = json_str(e, "type"),
		.title = json_str(e, "title"),
		.body = json_str(e, "body"),
		.quarter = json_str(e, "quarter"),
		.author_name = json_str(e, "author_name"),
		.lang = *json_str(e, "lang") ? json_str(e, "lang") : "fr",
		.lat_e6 = json_is_integer(lat) ? &la : NULL,
		.lon_e6 = json_is_integer(lon) ? &lo : NULL,
		.threshold = proposal_settings.threshold,
	};
	enum status st;
	json_t *row = db_proposal_create(PROPOSAL_OWNER, &in, &st);
	json_t *r = row ? proposal_publish(row, &st) : NULL;
	json_decref(row);
	return r;
}

/* The tally and, when asked, the threshold crossed with the entry's delay. */
static int
demo_tally(json_t *e, json_t *r)
{
	json_int_t n = json_integer_value(json_object_get(e, "supporters"));
	if (n <= 0)
		return 0;
	long long id = json_integer_value(json_object_get(r, "id"));
	enum status st;
	json_t *after = db_proposal_count(id, (int)n, &st);
	if (!after)
		return -1;
	int rc = 0;
	if (json_is_true(json_object_get(e, "forward"))) {
		json_t *days = json_object_get(e, "answer_days");
		long keep = proposal_settings.answer_days;
		if (json_is_integer(days))
			proposal_settings.answer_days = (long)json_integer_value(days);
		json_object_set_new(after, "threshold", json_integer(1));
		rc = proposal_maybe_forward(after);
		proposal_settings.answer_days = keep;
	}
	json_decref(after);
	return rc;
}

static int
proposal_entry(struct app *app, const char *path, size_t i, json_t *e, struct demo_counts *n)
{
	const char *title = json_str(e, "title");
	long age = demo_days(e, "age_days");
	if (!proposal_type_is_valid(app, json_str(e, "type")) || !*title ||
	    !proposal_quarter_is_valid(json_str(e, "quarter")) ||
	    proposal_name_check(json_str(e, "author_name")) || age < 0) {
		fprintf(stderr,
			"%s: entry %zu needs title, body, type, quarter, author_name (age_days: "
			"0..3650)\n",
			path, i);
		return -1;
	}
	enum status st;
	json_t *have = db_proposal_by_title(title, &st);
	json_decref(have);
	if (have || st != STATUS_NOT_FOUND) {
		n->present += have != NULL;
		return have ? 0 : -1;
	}
	if (db_begin() < 0)
		return -1;
	outbox_set_backdate(age * 86400);
	json_t *r = demo_publish(e);
	int rc = r ? demo_tally(e, r) : -1;
	outbox_set_backdate(0);
	if (rc < 0 || db_commit() < 0) {
		db_rollback();
		json_decref(r);
		fprintf(stderr, "%s: entry %zu could not be written\n", path, i);
		return -1;
	}
	json_decref(r);
	n->added++;
	return 0;
}

static const struct demo_file proposals_file = {
	.name = "proposals.json",
	.owner = PROPOSAL_OWNER,
	.what = "proposals are written",
	.noun = "demo proposals",
	.entry = proposal_entry,
};

int
proposal_demo_load(struct app *app, const char *dir)
{
	return demo_load_file(app, dir, &proposals_file);
}

/* The steps of entry e not given yet to mirrored row r, in order, in one transaction. */
static int
answer_steps(json_t *e, json_t *r, struct demo_counts *n)
{
	size_t k;
	json_t *s;
	int given = 0;
	json_array_foreach(json_object_get(e, "stages"), k, s)
	{
		const char *stage = json_str(s, "stage");
		if (proposal_stage_check(json_str(r, "stage"), stage))
			continue;
		json_t *answer = json_object_get(s, "answer");
		const char *date = json_str(s, "session_date"),
			   *url = json_str(s, "deliberation_url");
		long after = demo_days(s, "after_days");
		long back =
			after >= 0 ? demo_backdate_after(json_str(r, "forwarded_at"), after) : -1;
		if (back < 0)
			return -1;
		outbox_set_backdate(back);
		enum status st = proposal_stage_emit(r, stage, *date ? date : NULL,
						     json_is_object(answer) ? answer : NULL,
						     *url ? url : NULL);
		outbox_set_backdate(0);
		if (st != STATUS_OK)
			return -1;
		json_object_set_new(r, "stage", json_string(stage));
		given++;
	}
	if (given)
		n->added++;
	else
		n->present++;
	return 0;
}

static int
answer_entry(struct app *app, const char *path, size_t i, json_t *e, struct demo_counts *n)
{
	(void)app;
	enum status st;
	json_t *found = db_proposal_by_title(json_str(e, "title"), &st);
	if (!found || strcmp(json_str(found, "stage"), "submitted") == 0) {
		json_decref(found);
		if (st == STATUS_UNAVAILABLE)
			return -1;
		n->waiting++;
		return 0;
	}
	int rc = -1;
	if (db_begin() == 0) {
		json_t *r = db_proposal_lock_origin(
			json_str(found, "origin"),
			json_integer_value(json_object_get(found, "origin_id")), &st);
		rc = r ? answer_steps(e, r, n) : -1;
		json_decref(r);
		if (rc < 0 || db_commit() < 0) {
			db_rollback();
			rc = -1;
		}
	}
	json_decref(found);
	if (rc < 0)
		fprintf(stderr, "%s: entry %zu could not be written\n", path, i);
	return rc;
}

static const struct demo_file answers_file = {
	.name = "proposal_answers.json",
	.owner = PROPOSAL_ANSWERER,
	.what = "the commune answers proposals",
	.noun = "demo proposal answers",
	.verb = "given",
	.waiting = " demo proposal answers wait for their proposals to be forwarded",
	.entry = answer_entry,
};

int
proposal_answers_demo_load(struct app *app, const char *dir)
{
	return demo_load_file(app, dir, &answers_file);
}
