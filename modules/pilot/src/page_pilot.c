// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * /pilot (both platforms): the period, its timeline and where it stands, the committee, and on
 * the citizen platform the questionnaire's aggregate; /pilot/survey (citizen platform): the
 * anonymous questionnaire, one answer per verified participant.
 */
#include "db_pilot.h"
#include "internal.h"

#include "common/app.h"
#include "common/db.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/module.h"
#include "common/page_util.h"
#include "participation/participation.h"

#include <stdlib.h>
#include <string.h>

#define SURVEY_ITEM "pilot_survey"
#define SURVEY_ITEM_ID 1
#define SURVEY_RATE_PER_MINUTE 10

static bool
has_survey(const struct app *app)
{
	return strcmp(app->side, "citizen") == 0;
}

json_t *
pilot_survey_view(struct request *req)
{
	json_t *s = db_pilot_survey();
	if (!s)
		return NULL;
	json_t *questions =
		json_object_get(json_object_get(pilot_config(req->app), "survey"), "questions");
	json_t *agg = pilot_survey_aggregate(questions, json_object_get(s, "rows"),
					     json_integer_value(json_object_get(s, "responses")),
					     pilot_min_sample(req->app));
	json_decref(s);
	size_t i;
	json_t *q;
	json_array_foreach(json_object_get(agg, "questions"), i, q)
	{
		json_object_set_new(
			q, "text",
			json_string(i18n_pick(json_object_get(q, "text"), req->lang, NULL)));
		json_t *m = json_object_get(q, "mean_tenths");
		if (json_is_integer(m))
			json_object_set_new(q, "mean",
					    json_sprintf("%lld.%lld",
							 (long long)json_integer_value(m) / 10,
							 (long long)json_integer_value(m) % 10));
	}
	return agg;
}

void
page_pilot(struct request *req)
{
	struct pilot_period p;
	const json_t *cfg = pilot_config(req->app);
	pilot_period(req->app, &p);
	json_t *timeline = pilot_timeline(json_object_get(cfg, "milestones"), &p, time(NULL));
	json_t *view = json_pack("{s:{s:s, s:s}, s:o, s:o}", "period", "from", p.from, "to", p.to,
				 "timeline", i18n_resolve(timeline, req->lang), "committee",
				 i18n_resolve(json_object_get(cfg, "committee"), req->lang));
	const char *stage = json_string_value(json_object_get(timeline, "stage"));
	json_object_set_new(
		view, "stage_text",
		json_string(i18n_get(req->app->i18n, req->lang,
				     arena_printf(req->arena, "pilot_stage_%s", stage))));
	json_object_set_new(view, "is_running", json_boolean(strcmp(stage, "running") == 0));
	json_object_set_new(view, "thanks",
			    json_boolean(http_query_value(req, "answered") != NULL));
	json_decref(timeline);
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(json_object_get(view, "timeline"), "milestones"), i, m)
	{
		const char *state = json_string_value(json_object_get(m, "state"));
		json_object_set_new(
			m, "state_text",
			json_string(i18n_get(req->app->i18n, req->lang,
					     arena_printf(req->arena, "pilot_state_%s", state))));
	}
	/* the official platform sends residents to the questionnaire on the citizen platform */
	if (!has_survey(req->app) && req->app->cfg.peer_url && *req->app->cfg.peer_url)
		json_object_set_new(view, "peer_survey_url",
				    json_sprintf("%s/pilot/survey", req->app->cfg.peer_url));
	if (has_survey(req->app)) {
		json_t *s = pilot_survey_view(req);
		if (!s) {
			json_decref(view);
			page_db_unavailable(req);
			return;
		}
		json_object_set_new(view, "survey", s);
	}
	http_render(req, 200, "pilot", view);
}

static json_t *
survey_form(struct request *req, json_t *answers)
{
	json_t *qs = json_array();
	size_t i;
	json_t *q;
	json_array_foreach(
		json_object_get(json_object_get(pilot_config(req->app), "survey"), "questions"), i,
		q)
	{
		const char *id = json_string_value(json_object_get(q, "id"));
		long long given = json_integer_value(json_object_get(answers, id));
		json_t *choices = json_array();
		for (int v = 1; v <= PILOT_SCALE_MAX; v++)
			json_array_append_new(
				choices,
				json_pack("{s:i, s:s, s:s, s:b}", "value", v, "label",
					  i18n_get(req->app->i18n, req->lang,
						   arena_printf(req->arena, "pilot_scale_%d", v)),
					  "input_id", arena_printf(req->arena, "q-%s-%d", id, v),
					  "checked", given == v));
		json_array_append_new(
			qs, json_pack("{s:s, s:s, s:o}", "id", id, "text",
				      i18n_pick(json_object_get(q, "text"), req->lang, NULL),
				      "choices", choices));
	}
	return qs;
}

void
page_pilot_survey(struct request *req)
{
	struct participant p;
	if (!participant_of(req, &p)) {
		participation_require(req, "/pilot/survey");
		return;
	}
	http_csrf(req);
	json_t *view = json_pack("{s:o, s:b}", "questions", survey_form(req, NULL), "answered",
				 participation_supports(SURVEY_ITEM, SURVEY_ITEM_ID, &p));
	http_render(req, 200, "pilot_survey", view);
}

/* The posted answers ({question: 1..5}, every question answered), or NULL. */
static json_t *
read_answers(struct request *req)
{
	json_t *answers = json_object();
	size_t i;
	json_t *q;
	json_array_foreach(
		json_object_get(json_object_get(pilot_config(req->app), "survey"), "questions"), i,
		q)
	{
		const char *id = json_string_value(json_object_get(q, "id"));
		const char *v = http_form_value(req, arena_printf(req->arena, "q_%s", id));
		if (!v || strlen(v) != 1 || v[0] < '1' || v[0] > '0' + PILOT_SCALE_MAX) {
			json_decref(answers);
			return NULL;
		}
		json_object_set_new(answers, id, json_integer(v[0] - '0'));
	}
	return answers;
}

void
page_pilot_survey_post(struct request *req)
{
	struct participant p;
	if (!participant_of(req, &p)) {
		participation_require(req, "/pilot/survey");
		return;
	}
	if (!page_rate_allow(req, "pilot_survey", SURVEY_RATE_PER_MINUTE, "too_many_answers",
			     "too many questionnaire answers from this connection"))
		return;
	json_t *answers = read_answers(req);
	if (!answers) {
		http_error(req, STATUS_INVALID, "survey_incomplete",
			   "every question needs an answer from 1 to 5");
		return;
	}
	enum support_outcome o = SUPPORT_FAILED;
	int rc = -1;
	if (db_begin() == 0) {
		o = participation_support_add(SURVEY_ITEM, SURVEY_ITEM_ID, &p);
		if (o == SUPPORT_ADDED)
			rc = db_pilot_response_add(req->lang, answers);
		if (rc < 0 || db_commit() < 0) {
			db_rollback();
			rc = -1;
		}
	}
	json_decref(answers);
	if (o == SUPPORT_ALREADY)
		http_error(req, STATUS_CONFLICT, "survey_already_answered",
			   "this contact has answered the questionnaire already");
	else if (rc < 0)
		page_db_unavailable(req);
	else if (req->want_json)
		http_json(req, 201, json_pack("{s:b}", "answered", true));
	else
		http_redirect(req, "/pilot?answered=1");
}
