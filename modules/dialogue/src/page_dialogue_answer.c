// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The commune's agents and residents' questions (official platform, grant "dialogue.answer"):
 * the queue, oldest first with their ages; a question's page where an agent answers (Arabic
 * and French texts, citing the platform's own items, checked to exist), merges it into an
 * earlier identical question, or points to an existing answer. Each is a signed event of the
 * commune (dialogue_write.c).
 */
#include "db_dialogue.h"
#include "internal.h"

#include "common/app.h"
#include "common/auth.h"
#include "common/http.h"
#include "common/kept.h"
#include "common/log.h"
#include "common/page_util.h"
#include "common/secret.h"

#include <string.h>

#define QUEUE_PAGE 20 /* as the public lists: the page stays under 50 ms with 100,000 questions */
#define CITE_ROWS 3   /* citation rows of the form (ANSWER_CITES_MAX through the API) */

static const char *
cite_kind_label(struct request *req, const char *kind)
{
	return dialogue_t(req, arena_printf(req->arena, "dialogue_cite_%s", kind));
}

/* The queue's count reads the open questions' index (tens of milliseconds at 100,000 open):
 * kept until the next write (common/kept.h), the rows of the page are read each time. */
static json_t *
count_queue(void *arg)
{
	(void)arg;
	return db_question_queue_count();
}

void
page_staff_dialogue_queue(struct request *req)
{
	if (!page_require(req, "dialogue.answer"))
		return;
	const char *a = http_query(req, "after");
	long long after = a ? page_parse_id(a) : 0;
	if (after < 0) {
		http_error(req, STATUS_INVALID, "invalid_cursor", "the page cursor is not valid");
		return;
	}
	static struct kept queue_count = KEPT_INIT(60);
	json_t *total = kept_get(&queue_count, count_queue, NULL);
	json_t *rows = total ? db_question_queue(after, QUEUE_PAGE + 1) : NULL;
	if (!rows) {
		json_decref(total);
		page_db_unavailable(req);
		return;
	}
	json_t *items = json_array();
	size_t i;
	json_t *q;
	bool more = json_array_size(rows) > QUEUE_PAGE;
	if (more)
		json_array_remove(rows, QUEUE_PAGE);
	json_array_foreach(rows, i, q)
	{
		json_t *v = question_view(req, q);
		json_object_set_new(v, "staff_url",
				    json_sprintf("/staff/dialogue/%s", json_str(q, "ref")));
		json_array_append_new(items, v);
	}
	json_t *view =
		json_pack("{s:o, s:b, s:o, s:b}", "items", items, "has_items",
			  json_array_size(items) > 0, "total", total, "is_first", after == 0);
	if (more)
		json_object_set_new(
			view, "next_url",
			json_sprintf("/staff/dialogue?after=%lld",
				     json_integer_value(json_object_get(
					     json_array_get(rows, QUEUE_PAGE - 1), "id"))));
	json_decref(rows);
	http_render(req, 200, "dialogue_staff_queue", view);
}

void
page_staff_dialogue_question(struct request *req)
{
	const char *ref;
	if (!page_require(req, "dialogue.answer") || !(ref = dialogue_ref_param(req)))
		return;
	enum status st;
	json_t *q = db_question_by_ref(ref, false, &st);
	if (!q) {
		page_read_failed(req, st, "question_not_found", "there is no such question");
		return;
	}
	json_t *rows = json_array();
	for (int i = 1; i <= CITE_ROWS; i++)
		json_array_append_new(rows, json_pack("{s:i, s:o}", "n", i, "kinds",
						      page_options(req, dialogue_cite_kinds,
								   cite_kind_label, NULL)));
	json_t *v = question_view(req, q);
	bool open = json_is_true(json_object_get(v, "is_open")) &&
		    !json_is_true(json_object_get(v, "is_hidden"));
	json_t *view =
		json_pack("{s:o, s:b, s:o, s:s}", "question", v, "can_answer", open, "cite_rows",
			  rows, "action_base", arena_printf(req->arena, "/staff/dialogue/%s", ref));
	json_decref(q);
	http_csrf(req);
	http_render(req, 200, "dialogue_staff_answer", view);
}

/* The HTTP side of a refused write of the commune: the code's status. */
static void
refuse(struct request *req, enum status st, const char *code)
{
	if (st == STATUS_TOO_MANY) {
		page_busy(req);
		return;
	}
	if (st == STATUS_UNAVAILABLE) {
		http_error(req, st, "database_unavailable",
			   "the change could not be saved; try again in a minute");
		return;
	}
	log_warn("dialogue write refused: %s", code);
	http_error(req, st, code, "the answer cannot be given as sent");
}

/* The citations of the form (cite_kind_N, cite_ref_N), or NULL (replied 400 invalid_cite). */
static json_t *
form_cites(struct request *req)
{
	json_t *cites = json_array();
	for (int i = 1; i <= ANSWER_CITES_MAX; i++) {
		const char *kind =
			http_form_value(req, arena_printf(req->arena, "cite_kind_%d", i));
		const char *value =
			text_clean(req, http_form(req, arena_printf(req->arena, "cite_ref_%d", i)));
		if (!kind && !*value)
			continue;
		json_t *c = cite_parse(kind, value);
		if (!c) {
			json_decref(cites);
			refuse(req, STATUS_INVALID, "invalid_cite");
			return NULL;
		}
		json_array_append_new(cites, c);
	}
	return cites;
}

/* The texts {ar?, fr?} of the form's fields prefix_ar and prefix_fr, or NULL (replied 400). */
static json_t *
form_texts(struct request *req, const char *prefix, bool required)
{
	const char *ar = text_clean(req, http_form(req, arena_printf(req->arena, "%s_ar", prefix)));
	const char *fr = text_clean(req, http_form(req, arena_printf(req->arena, "%s_fr", prefix)));
	const char *code = answer_text_check(ar, fr);
	if (code && (required || strcmp(code, "answer_required") != 0)) {
		refuse(req, STATUS_INVALID, code);
		return NULL;
	}
	json_t *t = json_object();
	if (!is_blank(ar))
		json_object_set_new(t, "ar", json_string(ar));
	if (!is_blank(fr))
		json_object_set_new(t, "fr", json_string(fr));
	return t;
}

/* After a write: the question's page again (or its view for a JSON client). */
static void
done(struct request *req, const char *ref, json_t *row, const char *what)
{
	log_info("question %s %s by account %lld", ref, what, req->user->id);
	http_cache_bump();
	if (req->want_json)
		http_json(req, 200, json_deep_copy(row));
	else
		http_redirect(req, arena_printf(req->arena, "/staff/dialogue/%s", ref));
}

static void
give(struct request *req, const char *kind, const char *points_to, json_t *texts, json_t *cites)
{
	const char *ref = http_param(req, "ref"), *code;
	enum status st;
	json_t *a = answer_give(ref, kind, texts, cites, points_to, &st, &code);
	if (a)
		done(req, ref, a, strcmp(kind, "pointer") ? "answered" : "pointed to an answer");
	else
		refuse(req, st, code);
	json_decref(a);
}

void
page_staff_dialogue_answer(struct request *req)
{
	json_t *texts = NULL, *cites = NULL;
	if (!page_require(req, "dialogue.answer") || !dialogue_ref_param(req) ||
	    !(texts = form_texts(req, "text", true)) || !(cites = form_cites(req)))
		goto out;
	give(req, "answer", NULL, texts, cites);
out:
	json_decref(texts);
	json_decref(cites);
}

void
page_staff_dialogue_point(struct request *req)
{
	json_t *texts = NULL, *cites = NULL;
	if (!page_require(req, "dialogue.answer") || !dialogue_ref_param(req) ||
	    !(texts = form_texts(req, "note", false)))
		goto out;
	const char *to = text_clean(req, http_form(req, "answer"));
	if (!public_ref_is_valid('Q', to)) {
		refuse(req, STATUS_INVALID, "answer_not_found");
		goto out;
	}
	cites = json_pack("[{s:s, s:s}]", "kind", "answer", "ref", to);
	give(req, "pointer", to, texts, cites);
out:
	json_decref(texts);
	json_decref(cites);
}

void
page_staff_dialogue_merge(struct request *req)
{
	const char *ref, *code;
	if (!page_require(req, "dialogue.answer") || !(ref = dialogue_ref_param(req)))
		return;
	const char *into = text_clean(req, http_form(req, "into"));
	if (!public_ref_is_valid('Q', into)) {
		refuse(req, STATUS_INVALID, "merge_target_not_found");
		return;
	}
	enum status st;
	json_t *t = question_merge(ref, into, &st, &code);
	if (t)
		done(req, ref, t, "merged");
	else
		refuse(req, st, code);
	json_decref(t);
}
