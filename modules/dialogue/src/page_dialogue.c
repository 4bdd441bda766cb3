// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The public pages of the dialogue, the same on both platforms: the list (the citizen
 * platform's dialogue space; the official platform's "answers to citizens", answered questions
 * first) and a question's page with its answer, each with its JSON twin. Not cached: a
 * question's age changes with the day, not only with writes.
 */
#include "db_dialogue.h"
#include "internal.h"

#include "common/app.h"
#include "common/arena.h"
#include "common/atom.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/page_util.h"
#include "common/secret.h"
#include "common/site.h"
#include "common/strbuf.h"

#include <string.h>

#define DIALOGUE_LIST_PAGE 20

static const char *const states[] = {"open", "answered", NULL};

static const char *
state_label(struct request *req, const char *s)
{
	return dialogue_t(req, arena_printf(req->arena, "dialogue_filter_%s", s));
}

/* The filters from the query; false when one is not valid (replied 400 invalid_filter). */
static bool
read_filter(struct request *req, struct question_filter *f)
{
	const char *s = http_query(req, "state");
	f->quarter = http_query_value(req, "quarter");
	f->theme = http_query_value(req, "theme");
	/* the official page is the commune's answers: answered questions unless asked otherwise */
	if (!s)
		s = strcmp(req->app->side, ANSWER_OWNER) == 0 ? "answered" : "";
	f->state = *s && strcmp(s, "all") != 0 ? s : NULL;
	if ((f->state && strcmp(f->state, "open") && strcmp(f->state, "answered")) ||
	    (f->quarter && !dialogue_quarter_is_valid(f->quarter)) ||
	    (f->theme && !dialogue_theme_is_valid(f->theme))) {
		http_error(req, STATUS_INVALID, "invalid_filter",
			   "a filter names a state, quarter or theme that does not exist");
		return false;
	}
	return true;
}

/* The filters as a query string, "" when none (URL-encoded, arena). */
static const char *
filter_query(struct request *req, const struct question_filter *f)
{
	struct strbuf sb = STRBUF_INIT;
	const char *names[] = {"state", "quarter", "theme"};
	const char *values[] = {f->state ? f->state : "all", f->quarter, f->theme};
	for (size_t i = 0; i < 3; i++)
		if (values[i]) {
			strbuf_addf(&sb, "%s%s=", sb.len ? "&" : "", names[i]);
			strbuf_addurlenc(&sb, values[i]);
		}
	char *out = arena_strdup(req->arena, sb.buf);
	strbuf_release(&sb);
	return out;
}

/* The list's heading on this platform. */
static const char *
heading(struct request *req)
{
	return dialogue_t(req, strcmp(req->app->side, ANSWER_OWNER) == 0
				       ? "dialogue_title_official"
				       : "dialogue_title_citizen");
}

/* The list's Atom feed (/dialogue.atom with the same filters): what the page shows, hidden
 * questions left out; an answered question's entry is its answer, dated by it. */
static void
send_feed(struct request *req, json_t *list, const char *query)
{
	struct feed f;
	feed_begin(req, &f, heading(req), query);
	size_t i;
	json_t *q;
	json_array_foreach(json_object_get(list, "items"), i, q)
	{
		if (strcmp(json_str(q, "visibility"), "public") != 0)
			continue;
		const char *ref = json_str(q, "ref");
		json_t *a = json_object_get(q, "answer");
		const char *answer =
			json_is_object(a) ? i18n_pick(json_object_get(a, "body"), req->lang, NULL)
					  : NULL;
		feed_add(&f,
			 &(struct atom_entry){
				 .id = feed_tag(req, arena_printf(req->arena, "question/%s", ref)),
				 .title = json_str(q, "title"),
				 .link = arena_printf(req->arena, "/dialogue/%s", ref),
				 .updated = json_is_object(a) ? json_str(a, "answered_at")
							      : json_str(q, "asked_at"),
				 .published = json_str(q, "asked_at"),
				 .category = *json_str(q, "theme") ? json_str(q, "theme") : NULL,
				 .category_label =
					 *json_str(q, "theme")
						 ? dialogue_theme_label(req, json_str(q, "theme"))
						 : NULL,
				 .summary = feed_summary(
					 req, answer && *answer ? answer : json_str(q, "text"),
					 false),
			 });
	}
	feed_send(&f);
}

void
page_dialogue_list(struct request *req)
{
	struct question_filter f;
	if (!read_filter(req, &f))
		return;
	long long before = page_before_param(req);
	if (before < 0)
		return;
	json_t *list = db_question_list(&f, before, DIALOGUE_LIST_PAGE);
	if (!list) {
		page_db_unavailable(req);
		return;
	}
	const char *query = filter_query(req, &f);
	if (feed_wanted(req)) {
		send_feed(req, list, query);
		json_decref(list);
		return;
	}
	json_t *items = questions_view(req, list);
	bool official = strcmp(req->app->side, ANSWER_OWNER) == 0;
	json_t *view = json_pack(
		"{s:o, s:b, s:b, s:b, s:b, s:{s:o, s:o, s:o}, s:s}", "items", items, "has_items",
		json_array_size(items) > 0, "is_first", before == 0, "is_official", official,
		"can_ask", !official, "filters", "states",
		page_options(req, states, state_label, f.state), "quarters",
		page_options(req, site_quarters, dialogue_quarter_label, f.quarter), "themes",
		page_options(req, dialogue_themes, dialogue_theme_label, f.theme), "state",
		f.state ? f.state : "all");
	json_t *next = json_object_get(list, "next");
	if (json_is_integer(next))
		json_object_set_new(view, "next_url",
				    json_sprintf("/dialogue?%s&before=%lld", query,
						 (long long)json_integer_value(next)));
	json_decref(list);
	feed_advertise(req, heading(req), query);
	http_render(req, 200, "dialogue", view);
}

/* The answer another question's page shows (a pointer's, a merge target's), or NULL. */
static json_t *
answer_of(struct request *req, const char *ref, enum status *st)
{
	json_t *a = db_answer_by_ref(ref, st);
	if (!a)
		return NULL;
	json_t *v = answer_view(req, a);
	json_decref(a);
	return v;
}

void
page_dialogue_item(struct request *req)
{
	const char *ref = http_param(req, "ref");
	enum status st = STATUS_NOT_FOUND;
	json_t *q = public_ref_is_valid('Q', ref) ? db_question_by_ref(ref, false, &st) : NULL;
	if (!q) {
		page_read_failed(req, st, "question_not_found", "there is no such question");
		return;
	}
	json_t *v = question_view(req, q);
	if (json_is_true(json_object_get(v, "is_pending"))) {
		/* a moderator has not read it yet: its reference only */
		json_object_set_new(v, "title",
				    json_string(dialogue_t(req, "dialogue_pending_title")));
		json_object_del(v, "text");
		json_object_del(v, "text_lines");
		json_object_del(v, "has_text");
	}
	const char *link =
		json_string_value(json_object_get(json_object_get(q, "answer"), "points_to"));
	if (!link)
		link = json_string_value(json_object_get(q, "merged_into"));
	json_t *shown = link ? answer_of(req, link, &st) : NULL;
	json_decref(q);
	if (link && !shown && st != STATUS_NOT_FOUND) {
		json_decref(v);
		page_db_unavailable(req);
		return;
	}
	if (shown)
		json_object_set_new(v, "linked_answer", shown);
	const char *asked = http_query(req, "asked");
	json_t *view = json_pack("{s:o, s:b, s:b}", "question", v, "is_official",
				 strcmp(req->app->side, ANSWER_OWNER) == 0, "just_asked",
				 asked && !strcmp(asked, "1"));
	http_render(req, 200, "dialogue_question", view);
}
