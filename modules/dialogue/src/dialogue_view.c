// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * What both platforms show of a question and its answer: the same view object for the HTML
 * page and its JSON twin, labels in the reader's language, links to this platform's copies of
 * what an answer cites.
 */
#include "internal.h"

#include "common/app.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/page_util.h"
#include "common/secret.h"
#include "common/strbuf.h"
#include "publications/publication.h"

#include <string.h>

const char *
dialogue_t(struct request *req, const char *key)
{
	return i18n_get(req->app->i18n, req->lang, key);
}

const char *
dialogue_theme_label(struct request *req, const char *code)
{
	return dialogue_t(req, arena_printf(req->arena, "dialogue_theme_%s", code));
}

const char *
dialogue_quarter_label(struct request *req, const char *code)
{
	return dialogue_t(req, arena_printf(req->arena, "project_quarter_%s", code));
}

const char *
dialogue_ref_param(struct request *req)
{
	const char *ref = http_param(req, "ref");
	if (public_ref_is_valid('Q', ref))
		return ref;
	http_error(req, STATUS_NOT_FOUND, "question_not_found", "there is no such question");
	return NULL;
}

json_t *
questions_view(struct request *req, json_t *list)
{
	json_t *items = json_array();
	size_t i;
	json_t *q;
	json_array_foreach(json_object_get(list, "items"), i, q)
	{
		json_array_append_new(items, question_view(req, q));
	}
	return items;
}

/* The message key with "{n}" replaced by n (arena string). */
static const char *
t_count(struct request *req, const char *key, long long n)
{
	const char *msg = dialogue_t(req, key);
	const char *at = strstr(msg, "{n}");
	if (!at)
		return msg;
	return arena_printf(req->arena, "%.*s%lld%s", (int)(at - msg), msg, n, at + 3);
}

static const char *
label(struct request *req, const char *prefix, const char *code)
{
	return *code ? dialogue_t(req, arena_printf(req->arena, "%s%s", prefix, code)) : "";
}

/* The link of a citation on this platform, or NULL (not held here). */
static const char *
cite_url(struct request *req, json_t *c)
{
	const char *kind = json_str(c, "kind");
	json_t *local = json_object_get(c, "local_id");
	if (!strcmp(kind, "answer"))
		return arena_printf(req->arena, "/dialogue/%s", json_str(c, "ref"));
	if (!strcmp(kind, "report")) {
		/* residents' reports have their public pages on the citizen platform */
		if (!strcmp(req->app->side, QUESTION_OWNER))
			return arena_printf(req->arena, "/reports/%s", json_str(c, "ref"));
		return req->app->cfg.peer_url
			       ? arena_printf(req->arena, "%s/reports/%s", req->app->cfg.peer_url,
					      json_str(c, "ref"))
			       : NULL;
	}
	const struct kind *k = publication_kind(kind);
	return k && json_is_integer(local) ? arena_printf(req->arena, "/%s/%lld", k->path,
							  (long long)json_integer_value(local))
					   : NULL;
}

static json_t *
cite_view(struct request *req, json_t *c)
{
	const char *kind = json_str(c, "kind");
	json_t *title = json_object_get(c, "title");
	const char *t = json_is_string(title) ? json_string_value(title)
					      : i18n_pick(title, req->lang, NULL);
	/* residents' items are named by reference only: their texts may be taken down later */
	const char *name =
		t ? t
		: json_is_string(json_object_get(c, "ref"))
			? json_str(c, "ref")
			: arena_printf(req->arena, "#%lld",
				       (long long)json_integer_value(json_object_get(c, "id")));
	json_t *v = json_pack("{s:s, s:s, s:s}", "kind", kind, "kind_label",
			      label(req, "dialogue_cite_", kind), "title", name);
	const char *url = cite_url(req, c);
	if (url)
		json_object_set_new(v, "url", json_string(url));
	return v;
}

json_t *
answer_view(struct request *req, json_t *a)
{
	json_t *body = json_object_get(a, "body");
	const char *used = NULL;
	const char *text = i18n_pick(body, req->lang, &used);
	const char *at = json_str(a, "answered_at");
	json_t *cites = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(a, "cites"), i, c)
	{
		json_array_append_new(cites, cite_view(req, c));
	}
	json_t *v = json_pack("{s:O, s:O, s:b, s:s, s:s, s:o, s:b}", "id",
			      json_object_get(a, "origin_id"), "kind", json_object_get(a, "kind"),
			      "is_pointer", !strcmp(json_str(a, "kind"), "pointer"), "answered_at",
			      at, "answered_date", arena_strndup(req->arena, at, 10), "cites",
			      cites, "has_cites", json_array_size(cites) > 0);
	json_object_set(v, "body", body);
	if (text && !is_blank(text)) {
		json_object_set_new(v, "text_lines", text_lines(text));
		json_object_set_new(v, "text_lang", json_string(used));
	}
	const char *to = json_string_value(json_object_get(a, "points_to"));
	if (to)
		json_object_set_new(v, "points_to",
				    json_pack("{s:s, s:s}", "ref", to, "url",
					      arena_printf(req->arena, "/dialogue/%s", to)));
	return v;
}

/* "asked 12 days ago, unanswered" / "answered in 3 days" / "merged into Q-..." */
static void
add_state(struct request *req, json_t *q, json_t *v)
{
	const char *state = json_str(q, "state");
	long long age = json_integer_value(json_object_get(q, "age_days"));
	json_object_set_new(v, "age_label",
			    json_string(t_count(req,
						age == 0   ? "dialogue_asked_today"
						: age == 1 ? "dialogue_asked_day"
							   : "dialogue_asked_days",
						age)));
	json_object_set_new(v, "state_label", json_string(label(req, "dialogue_state_", state)));
	json_object_set_new(v, "is_open", json_boolean(!strcmp(state, "open")));
	json_object_set_new(v, "is_answered", json_boolean(!strcmp(state, "answered")));
	json_object_set_new(v, "is_merged", json_boolean(!strcmp(state, "merged")));
	json_t *days = json_object_get(q, "answer_days");
	if (json_is_integer(days))
		json_object_set_new(v, "answer_delay_label",
				    json_string(t_count(req,
							json_integer_value(days) == 0
								? "dialogue_answered_same_day"
								: "dialogue_answered_in_days",
							json_integer_value(days))));
	const char *into = json_string_value(json_object_get(q, "merged_into"));
	if (into)
		json_object_set_new(v, "merged_into",
				    json_pack("{s:s, s:s}", "ref", into, "url",
					      arena_printf(req->arena, "/dialogue/%s", into)));
}

json_t *
question_view(struct request *req, json_t *q)
{
	const char *ref = json_str(q, "ref");
	const char *name = json_str(q, "display_name");
	const char *asked = json_string_value(json_object_get(q, "asked_at"));
	bool hidden = !strcmp(json_str(q, "visibility"), "hidden");
	json_t *v = json_pack("{s:s, s:s, s:O, s:O, s:O, s:s, s:O, s:s, s:s, s:b, s:b, s:b}", "ref",
			      ref, "url", arena_printf(req->arena, "/dialogue/%s", ref), "id",
			      json_object_get(q, "origin_id"), "lang", json_object_get(q, "lang"),
			      "quarter", json_object_get(q, "quarter"), "quarter_label",
			      label(req, "project_quarter_", json_str(q, "quarter")), "theme",
			      json_object_get(q, "theme"), "theme_label",
			      label(req, "dialogue_theme_", json_str(q, "theme")), "display_name",
			      *name ? name : dialogue_t(req, "dialogue_anonymous"), "is_anonymous",
			      !*name, "is_hidden", hidden, "is_pending", !asked);
	if (asked) {
		json_object_set_new(v, "asked_at", json_string(asked));
		json_object_set_new(v, "asked_date", json_stringn(asked, 10));
		json_object_set(v, "age_days", json_object_get(q, "age_days"));
		add_state(req, q, v);
	}
	if (hidden) {
		/* the texts are gone; what stays public is why, and the hash of what was there */
		json_object_set(v, "hidden_reason", json_object_get(q, "hidden_reason"));
		json_object_set(v, "text_sha256", json_object_get(q, "text_sha256"));
		json_object_set_new(v, "title",
				    json_string(dialogue_t(req, "dialogue_hidden_title")));
	} else {
		json_object_set(v, "title", json_object_get(q, "title"));
		json_object_set(v, "text", json_object_get(q, "text"));
		json_object_set_new(v, "text_lines", text_lines(json_str(q, "text")));
		json_object_set_new(v, "has_text", json_true());
	}
	json_t *a = json_object_get(q, "answer");
	if (json_is_object(a))
		json_object_set_new(v, "answer", answer_view(req, a));
	return v;
}
