// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * What every page shows of a proposal, on both platforms: its public view (never the author's
 * contact or anything private: the platform holds none), its stage, the countdowns computed
 * from the same signed times on both sides, its timeline, its arguments and its map.
 */
#include "internal.h"

#include "common/arena.h"
#include "common/check.h"
#include "common/map.h"
#include "common/page_util.h"
#include "common/photo.h"
#include "db_proposal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The catalog message key with "{days}" replaced by days (arena string). */
static const char *
with_days(struct request *req, const char *key, long days)
{
	const char *m = p_t(req, key);
	const char *at = strstr(m, "{days}");
	if (!at)
		return m;
	return arena_printf(req->arena, "%.*s%ld%s", (int)(at - m), m, days, at + 6);
}

static const char *
degrees(struct request *req, long long e6)
{
	long long a = e6 < 0 ? -e6 : e6;
	return arena_printf(req->arena, "%s%lld.%06lld", e6 < 0 ? "-" : "", a / MICRODEGREES,
			    a % MICRODEGREES);
}

/* "2026-11-26" of a time, or NULL. */
static json_t *
day_of(json_t *t)
{
	const char *s = json_string_value(t);
	return s && strlen(s) >= 10 ? json_stringn(s, 10) : json_null();
}

/* The countdowns: to the end of the support time, to the commune's due date. */
static void
add_countdowns(struct request *req, json_t *v, json_t *row)
{
	const char *stage = json_str(row, "stage");
	json_t *support_in = json_object_get(row, "support_in_s");
	json_t *due_in = json_object_get(row, "due_in_s");
	if (strcmp(stage, "submitted") == 0 && json_is_integer(support_in)) {
		struct countdown c = proposal_countdown(json_integer_value(support_in));
		if (!c.overdue)
			json_object_set_new(
				v, "support_countdown",
				json_string(with_days(req, "proposal_support_left", c.days)));
	}
	if (!json_is_integer(due_in))
		return;
	json_object_set_new(v, "due_date", day_of(json_object_get(row, "due_at")));
	if (proposal_stage_is_answered(stage)) {
		json_object_set_new(v, "answered_in_time",
				    json_boolean(strcmp(json_str(row, "answered_at"),
							json_str(row, "due_at")) <= 0));
		return;
	}
	struct countdown c = proposal_countdown(json_integer_value(due_in));
	json_object_set_new(
		v, "countdown",
		json_pack("{s:b, s:i, s:s}", "overdue", c.overdue, "days", (int)c.days, "text",
			  with_days(req, c.overdue ? "proposal_overdue_by" : "proposal_days_left",
				    c.days)));
	json_object_set_new(v, "is_overdue", json_boolean(c.overdue));
}

static void
add_place_photo(struct request *req, json_t *v, json_t *row)
{
	json_t *lat = json_object_get(row, "lat_e6"), *lon = json_object_get(row, "lon_e6");
	if (json_is_integer(lat) && json_is_integer(lon)) {
		json_object_set_new(v, "has_pin", json_true());
		json_object_set_new(v, "lat", json_string(degrees(req, json_integer_value(lat))));
		json_object_set_new(v, "lon", json_string(degrees(req, json_integer_value(lon))));
	}
	json_t *p = json_object_get(row, "photo");
	json_t *pv = json_is_object(p) ? photo_view(p) : NULL;
	if (pv)
		json_object_set_new(v, "photo", pv);
}

/* The commune's answer in the reader's language (French, then Arabic, when missing). */
static void
add_answer(struct request *req, json_t *v, json_t *row)
{
	json_t *answer = json_object_get(row, "answer");
	const char *text = json_string_value(json_object_get(answer, req->lang));
	if (!text)
		text = json_string_value(json_object_get(answer, "fr"));
	if (!text)
		text = json_string_value(json_object_get(answer, "ar"));
	if (text) {
		json_object_set_new(v, "answer_lines", text_lines(text));
		json_object_set_new(v, "has_answer", json_true());
		json_object_set_new(v, "answer_date", day_of(json_object_get(row, "answered_at")));
	}
	const char *url = json_string_value(json_object_get(row, "deliberation_url"));
	if (url && *url)
		json_object_set_new(v, "deliberation_url", json_string(url));
	json_t *session = json_object_get(row, "session_date");
	if (json_is_string(session))
		json_object_set(v, "session_date", session);
}

json_t *
proposal_view(struct request *req, json_t *row)
{
	const char *ref = json_str(row, "ref"), *stage = json_str(row, "stage");
	const char *visibility = json_str(row, "visibility");
	bool hidden = strcmp(visibility, "hidden") == 0;
	json_int_t n = json_integer_value(json_object_get(row, "supporters"));
	json_int_t threshold = json_integer_value(json_object_get(row, "threshold"));
	json_t *v = json_pack(
		"{s:s, s:s, s:s, s:s, s:O, s:O, s:s, s:s, s:O, s:O, s:s, s:s, s:I, s:I, s:i, s:o,"
		" s:b, s:b, s:s}",
		"ref", ref, "url", arena_printf(req->arena, "/proposals/%s", ref), "type",
		json_str(row, "type"), "type_label",
		proposal_type_label(req, json_str(row, "type")), "title",
		json_object_get(row, "title"), "body", json_object_get(row, "body"), "quarter",
		json_str(row, "quarter"), "quarter_label",
		proposal_quarter_label(req, json_str(row, "quarter")), "author_name",
		json_object_get(row, "author_name"), "lang", json_object_get(row, "lang"), "stage",
		stage, "stage_label", proposal_stage_label(req, stage), "supporters", n,
		"threshold", threshold, "progress",
		threshold > 0 ? (int)(n >= threshold ? 100 : n * 100 / threshold) : 0,
		"created_date", day_of(json_object_get(row, "created_at")), "is_hidden", hidden,
		"is_pending", strcmp(visibility, "pending") == 0, "visibility", visibility);
	json_object_set(v, "created_at", json_object_get(row, "created_at"));
	json_object_set(v, "forwarded_at", json_object_get(row, "forwarded_at"));
	json_object_set(v, "due_at", json_object_get(row, "due_at"));
	json_object_set(v, "overdue_at", json_object_get(row, "overdue_at"));
	json_object_set_new(v, "body_lines", text_lines(json_str(row, "body")));
	if (hidden) {
		json_object_set(v, "hidden_reason", json_object_get(row, "hidden_reason"));
		json_object_set(v, "text_sha256", json_object_get(row, "text_sha256"));
	}
	json_object_set_new(v, "is_answered", json_boolean(proposal_stage_is_answered(stage)));
	add_countdowns(req, v, row);
	add_place_photo(req, v, row);
	add_answer(req, v, row);
	return v;
}

json_t *
proposal_argument_view(struct request *req, json_t *a)
{
	bool hidden = strcmp(json_str(a, "visibility"), "hidden") == 0;
	json_t *v = json_pack("{s:O, s:O, s:O, s:O, s:O, s:b, s:o, s:o}", "id",
			      json_object_get(a, "id"), "side", json_object_get(a, "side"),
			      "author_name", json_object_get(a, "author_name"), "lang",
			      json_object_get(a, "lang"), "helpful", json_object_get(a, "helpful"),
			      "is_hidden", hidden, "body_lines", text_lines(json_str(a, "body")),
			      "created_date", day_of(json_object_get(a, "created_at")));
	if (hidden)
		json_object_set(v, "hidden_reason", json_object_get(a, "hidden_reason"));
	json_object_set_new(
		v, "helpful_action",
		json_string(arena_printf(req->arena, "/proposals/arguments/%lld/helpful",
					 (long long)json_integer_value(json_object_get(a, "id")))));
	json_object_set_new(
		v, "hide_action",
		json_string(arena_printf(req->arena, "/staff/proposals/arguments/%lld/hide",
					 (long long)json_integer_value(json_object_get(a, "id")))));
	return v;
}

json_t *
proposal_item_view(struct request *req, json_t *row)
{
	long long id = json_integer_value(json_object_get(row, "id"));
	json_t *p = proposal_view(req, row);
	json_t *timeline = db_proposal_timeline(id);
	json_t *args = timeline ? db_argument_list(id) : NULL;
	if (!args) {
		json_decref(timeline);
		json_decref(p);
		return NULL;
	}
	json_t *steps = json_array(), *pro = json_array(), *con = json_array();
	size_t i;
	json_t *s;
	json_array_foreach(timeline, i, s)
	{
		json_array_append_new(steps,
				      json_pack("{s:O, s:s, s:O, s:o}", "stage",
						json_object_get(s, "stage"), "label",
						proposal_stage_label(req, json_str(s, "stage")),
						"at", json_object_get(s, "at"), "date",
						day_of(json_object_get(s, "at"))));
	}
	bool hidden = json_is_true(json_object_get(p, "is_hidden"));
	json_array_foreach(args, i, s)
	{
		if (hidden)
			break; /* a hidden proposal shows nothing of its debate */
		json_array_append_new(strcmp(json_str(s, "side"), "for") == 0 ? pro : con,
				      proposal_argument_view(req, s));
	}
	json_decref(timeline);
	json_decref(args);
	json_t *v = json_pack("{s:o, s:o, s:o, s:o, s:b, s:b}", "proposal", p, "timeline", steps,
			      "arguments_for", pro, "arguments_against", con, "has_for",
			      json_array_size(pro) > 0, "has_against", json_array_size(con) > 0);
	if (json_is_true(json_object_get(p, "has_pin"))) {
		json_t *map = map_view(req, NULL);
		json_object_set(map, "marker_lat", json_object_get(p, "lat"));
		json_object_set(map, "marker_lon", json_object_get(p, "lon"));
		json_object_set(map, "marker_title", json_object_get(p, "title"));
		json_object_set_new(map, "small", json_true());
		json_object_set_new(map, "note", json_string(""));
		json_object_set_new(v, "map", map);
	}
	return v;
}
