// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The dialogue's part of "<side>-srv demo load DIR", through the same code paths as residents
 * and agents: residents' questions on the citizen platform (questions.json), the commune's
 * answers on the official platform once they are mirrored (question_answers.json). Both are
 * idempotent (by title). A question is dated "age_days" in the past and an answer "after_days"
 * after its question (signed that way, outbox_set_backdate), so that the queue's ages and the
 * accountability figures mean something in a demo.
 */
#include "db_dialogue.h"
#include "internal.h"

#include "common/demo.h"
#include "common/outbox.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *
str_or(json_t *e, const char *key, const char *dflt)
{
	const char *s = json_string_value(json_object_get(e, key));
	return s ? s : dflt;
}

/* questions.json: [{title, text, quarter?, theme?, display_name?, lang?, age_days?}] asked like
 * the form, age_days ago. */
static int
question_entry(struct app *app, const char *path, size_t i, json_t *e, struct demo_counts *n)
{
	(void)app;
	struct question_input in = {
		.title = str_or(e, "title", ""),
		.text = str_or(e, "text", ""),
		.name = str_or(e, "display_name", ""),
		.quarter = str_or(e, "quarter", ""),
		.theme = str_or(e, "theme", ""),
		.lang = str_or(e, "lang", "fr"),
	};
	const char *field,
		*code = question_check(in.title, in.text, in.name, in.quarter, in.theme, &field);
	long age = demo_days(e, "age_days");
	if (!code && age < 0) {
		code = "invalid_days";
		field = "age_days";
	}
	if (code) {
		fprintf(stderr, "%s: entry %zu was refused: %s (%s)\n", path, i, code, field);
		return -1;
	}
	char *have = db_question_ref_by_title(in.title);
	if (!have)
		return -1;
	int rc = 0;
	if (*have) {
		n->present++;
	} else {
		enum status st;
		outbox_set_backdate(age * 86400);
		json_t *q = question_submit(&in, &st);
		outbox_set_backdate(0);
		rc = q ? 0 : -1;
		if (q)
			n->added++;
		else
			fprintf(stderr, "%s: entry %zu could not be stored\n", path, i);
		json_decref(q);
	}
	free(have);
	return rc;
}

static const struct demo_file questions_file = {
	.name = "questions.json",
	.owner = QUESTION_OWNER,
	.what = "residents ask questions",
	.noun = "demo questions",
	.entry = question_entry,
};

int
dialogue_demo_load(struct app *app, const char *dir)
{
	return demo_load_file(app, dir, &questions_file);
}

/* The demo's citations [{kind, title}] as the form's {kind, id|ref}; NULL (printed) if one is
 * not there. */
static json_t *
demo_cites(const char *path, size_t i, json_t *list)
{
	json_t *out = json_array();
	size_t k;
	json_t *c;
	json_array_foreach(list, k, c)
	{
		const char *kind = str_or(c, "kind", "");
		char *v = db_dialogue_demo_cite(kind, str_or(c, "title", ""));
		json_t *parsed = v && *v ? cite_parse(kind, v) : NULL;
		free(v);
		if (!parsed) {
			fprintf(stderr, "%s: entry %zu cites %s \"%s\", which is not here\n", path,
				i, kind, str_or(c, "title", ""));
			json_decref(out);
			return NULL;
		}
		json_array_append_new(out, parsed);
	}
	return out;
}

/*
 * question_answers.json: [{question (its title), text: {ar, fr}, cites: [{kind, title}],
 * after_days?}] given once the question is mirrored here, after_days after it was asked (now
 * if that is still to come).
 */
static int
answer_entry(struct app *app, const char *path, size_t i, json_t *e, struct demo_counts *n)
{
	(void)app;
	char *ref = db_question_ref_by_title(str_or(e, "question", ""));
	if (!ref)
		return -1;
	int rc = 0;
	enum status st;
	json_t *q = *ref ? db_question_by_ref(ref, false, &st) : NULL;
	if (!*ref) {
		n->waiting++;
	} else if (!q) {
		rc = -1;
	} else if (json_is_object(json_object_get(q, "answer"))) {
		n->present++;
	} else {
		long after = demo_days(e, "after_days");
		long back = after >= 0 ? demo_backdate_after(str_or(q, "asked_at", ""), after) : -1;
		json_t *cites = back >= 0 ? demo_cites(path, i, json_object_get(e, "cites")) : NULL;
		const char *code = back < 0 ? "invalid_days" : "invalid_cite";
		outbox_set_backdate(back > 0 ? back : 0);
		json_t *a = cites ? answer_give(ref, "answer", json_object_get(e, "text"), cites,
						NULL, &st, &code)
				  : NULL;
		outbox_set_backdate(0);
		if (a)
			n->added++;
		else
			fprintf(stderr, "%s: entry %zu: %s\n", path, i, code);
		rc = a ? 0 : -1;
		json_decref(a);
		json_decref(cites);
	}
	json_decref(q);
	free(ref);
	return rc;
}

static const struct demo_file answers_file = {
	.name = "question_answers.json",
	.owner = ANSWER_OWNER,
	.what = "the commune's answers are written",
	.noun = "demo answers to questions",
	.verb = "given",
	.waiting = " demo questions wait to be mirrored from the citizen platform; load the demo"
		   " again once the platforms are paired and in sync",
	.entry = answer_entry,
};

int
dialogue_answers_demo_load(struct app *app, const char *dir)
{
	return demo_load_file(app, dir, &answers_file);
}
