// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Residents ask the commune a public question (citizen platform): a title, the question, an
 * optional quarter and theme, a display name of their choosing. No account and nothing personal
 * is stored with it; the per-client limit keeps a script from flooding the commune.
 */
#include "db_dialogue.h"
#include "internal.h"

#include "common/app.h"
#include "common/http.h"
#include "common/log.h"
#include "common/page_util.h"
#include "common/site.h"
#include "participation/participation.h"

#include <stdlib.h>
#include <string.h>

#define QUESTION_RATE_PER_MINUTE 3 /* per client (client.h), unless set otherwise */

/*
 * Being told of the answer: a verified resident who consented to notifications ticks a box; the
 * others get the way to verify (optional: asking needs no contact at all).
 */
static json_t *
notify_view(struct request *req)
{
	struct participant p;
	if (participant_of(req, &p) && p.notify_ok)
		return json_pack("{s:b}", "can_follow", true);
	char *url = participation_verify_url("/dialogue/ask");
	json_t *v = json_pack("{s:b, s:s}", "can_follow", false, "verify_url", url);
	free(url);
	return v;
}

/* The form's view: empty, or what was typed with its error. */
static json_t *
ask_view(struct request *req, const struct question_input *in, const char *code, const char *field)
{
	json_t *v = json_pack(
		"{s:s, s:s, s:s, s:o, s:o, s:i, s:i, s:i, s:b}", "title", in ? in->title : "",
		"text", in ? in->text : "", "display_name", in ? in->name : "", "quarters",
		page_options(req, site_quarters, dialogue_quarter_label, in ? in->quarter : NULL),
		"themes",
		page_options(req, dialogue_themes, dialogue_theme_label, in ? in->theme : NULL),
		"title_max", QUESTION_TITLE_MAX, "text_max", QUESTION_TEXT_MAX, "name_max",
		QUESTION_NAME_MAX, "premoderated", dialogue_settings.premoderate);
	json_object_set_new(v, "notify", notify_view(req));
	if (code) {
		json_object_set_new(
			v, "error",
			json_pack("{s:s, s:s}", "code", code, "message",
				  dialogue_t(req, arena_printf(req->arena, "error_%s", code))));
		if (field)
			json_object_set_new(v, arena_printf(req->arena, "invalid_%s", field),
					    json_true());
	}
	http_csrf(req);
	return v;
}

void
page_dialogue_ask(struct request *req)
{
	http_render(req, 200, "dialogue_ask", ask_view(req, NULL, NULL, NULL));
}

void
page_dialogue_ask_post(struct request *req)
{
	struct question_input in = {
		.title = text_clean(req, http_form(req, "title")),
		.text = text_clean(req, http_form(req, "text")),
		.name = text_clean(req, http_form(req, "display_name")),
		.quarter = text_clean(req, http_form(req, "quarter")),
		.theme = text_clean(req, http_form(req, "theme")),
		.lang = req->lang,
	};
	const char *field;
	const char *code = question_check(in.title, in.text, in.name, in.quarter, in.theme, &field);
	if (code) {
		log_warn("question refused: %s", code);
		if (req->want_json)
			http_error(req, STATUS_INVALID, code,
				   "the question does not fit the form's limits");
		else
			http_render(req, 400, "dialogue_ask", ask_view(req, &in, code, field));
		return;
	}
	if (!page_rate_allow(req, "question", QUESTION_RATE_PER_MINUTE, "too_many_questions",
			     "too many questions from this connection; wait a minute"))
		return;
	/* the contact stays in notify's follows, never with the question, never in a log */
	struct participant p;
	char channel[8], to[256];
	if (http_form_value(req, "follow") && participant_of(req, &p) &&
	    participant_contact(&p, channel, to, sizeof(to))) {
		in.follow_channel = channel;
		in.follow_to = to;
	}
	enum status st;
	json_t *q = question_submit(&in, &st);
	if (!q) {
		page_write_failed(req, st, "question_not_found", "question_not_open");
		return;
	}
	/* the reference only: nothing the resident wrote goes to the log */
	log_info("question %s asked (%s%s)", json_str(q, "ref"), json_str(q, "visibility"),
		 in.follow_to ? ", followed" : "");
	http_cache_bump();
	if (req->want_json)
		http_json(req, 201, question_view(req, q));
	else
		http_redirect(req,
			      arena_printf(req->arena, "/dialogue/%s?asked=1", json_str(q, "ref")));
	json_decref(q);
}
