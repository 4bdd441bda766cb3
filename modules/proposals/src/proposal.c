// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The proposals' pure logic: the configured types, the quarters, the stages and which moves the
 * commune may make, the countdown, and the checks of what residents write.
 */
#include "internal.h"

#include "common/arena.h"
#include "common/check.h"
#include "common/log.h"
#include "common/page_util.h"
#include "common/site.h"
#include "common/strbuf.h"

#include <string.h>

#define TYPES_ASSET "config/proposal_types.json"

struct proposal_settings proposal_settings;

#define PROP(field) offsetof(struct proposal_settings, field)

const struct config_def proposal_settings_defs[PROPOSAL_NSETTINGS] = {
	{"BALADIYA_PROPOSAL_THRESHOLD", CONFIG_INT, "300", false, 1, 1000000, PROP(threshold),
	 "proposals: supports that forward a proposal to the commune"},
	{"BALADIYA_PROPOSAL_SUPPORT_DAYS", CONFIG_INT, "90", false, 1, 730, PROP(support_days),
	 "proposals: days after publication to gather the threshold's supports"},
	{"BALADIYA_PROPOSAL_ANSWER_DAYS", CONFIG_INT, "60", false, 1, 730, PROP(answer_days),
	 "proposals: days after forwarding for the commune's reasoned answer"},
	{"BALADIYA_PROPOSAL_PREMODERATE", CONFIG_BOOL, "false", false, 0, 0, PROP(premoderate),
	 "proposals: a moderator approves each proposal before it is public"},
};

/* ---- types ---- */

static bool
type_is_valid(json_t *t)
{
	const char *code = json_string_value(json_object_get(t, "code"));
	json_t *name = json_object_get(t, "name");
	return code && *code && strlen(code) <= 32 &&
	       strspn(code, "abcdefghijklmnopqrstuvwxyz_") == strlen(code) && is_lang_texts(name) &&
	       json_object_get(name, "ar") && json_object_get(name, "fr");
}

int
proposal_types_load(struct app *app)
{
	json_t *types = app_asset_json(app, TYPES_ASSET);
	if (!types)
		return -1;
	if (!json_is_array(types) || json_array_size(types) == 0) {
		log_error("%s: not a non-empty array", TYPES_ASSET);
		goto fail;
	}
	size_t i;
	json_t *t;
	json_array_foreach(types, i, t)
	{
		if (!type_is_valid(t)) {
			log_error("%s: type %zu needs code ([a-z_], at most 32) and name {ar, fr}",
				  TYPES_ASSET, i + 1);
			goto fail;
		}
	}
	json_decref(module_state(app, &proposals_module));
	module_state_set(app, &proposals_module, types);
	return 0;
fail:
	json_decref(types);
	return -1;
}

void
proposal_types_free(struct app *app)
{
	json_decref(module_state(app, &proposals_module));
	module_state_set(app, &proposals_module, NULL);
}

static json_t *
type_of(const struct app *app, const char *code)
{
	size_t i;
	json_t *t;
	json_array_foreach((json_t *)module_state(app, &proposals_module), i, t)
	{
		if (code && strcmp(json_str(t, "code"), code) == 0)
			return t;
	}
	return NULL;
}

bool
proposal_type_is_valid(const struct app *app, const char *code)
{
	return type_of(app, code) != NULL;
}

const char *
proposal_type_label(struct request *req, const char *code)
{
	json_t *name = json_object_get(type_of(req->app, code), "name");
	const char *s = json_string_value(json_object_get(name, req->lang));
	if (!s)
		s = json_string_value(json_object_get(name, "fr"));
	return s ? s : code;
}

json_t *
proposal_type_options(struct request *req, const char *selected)
{
	json_t *out = json_array();
	size_t i;
	json_t *t;
	json_array_foreach((json_t *)module_state(req->app, &proposals_module), i, t)
	{
		const char *code = json_str(t, "code");
		json_array_append_new(out, json_pack("{s:s, s:s, s:b}", "value", code, "label",
						     proposal_type_label(req, code), "selected",
						     selected && strcmp(selected, code) == 0));
	}
	return out;
}

/* ---- quarters ---- */

bool
proposal_quarter_is_valid(const char *q)
{
	for (const char *const *c = site_quarters; q && *c; c++)
		if (strcmp(*c, q) == 0)
			return true;
	return false;
}

const char *
proposal_quarter_label(struct request *req, const char *q)
{
	return proposal_quarter_is_valid(q)
		       ? p_t(req, arena_printf(req->arena, "project_quarter_%s", q))
		       : q;
}

json_t *
proposal_quarter_options(struct request *req, const char *selected)
{
	return page_options(req, site_quarters, proposal_quarter_label, selected);
}

/* ---- stages ---- */

const char *const proposal_stages[] = {"submitted", "supported", "examined", "agenda",
				       "adopted",   "refused",   "expired",  NULL};

/* The order of the stages: the commune moves forward only. */
static int
stage_rank(const char *stage)
{
	static const struct {
		const char *stage;
		int rank;
	} ranks[] = {{"submitted", 0}, {"expired", 0}, {"supported", 1}, {"examined", 2},
		     {"agenda", 3},    {"adopted", 4}, {"refused", 4}};
	for (size_t i = 0; stage && i < sizeof(ranks) / sizeof(ranks[0]); i++)
		if (strcmp(ranks[i].stage, stage) == 0)
			return ranks[i].rank;
	return -1;
}

bool
proposal_stage_is_valid(const char *stage)
{
	return stage_rank(stage) >= 0;
}

bool
proposal_stage_is_commune(const char *stage)
{
	return stage_rank(stage) >= 2;
}

bool
proposal_stage_is_answered(const char *stage)
{
	return stage_rank(stage) == 4;
}

const char *
proposal_stage_label(struct request *req, const char *stage)
{
	return proposal_stage_is_valid(stage) || (stage && strcmp(stage, "overdue") == 0)
		       ? p_t(req, arena_printf(req->arena, "proposal_stage_%s", stage))
		       : stage;
}

json_t *
proposal_stage_options(struct request *req, const char *selected)
{
	return page_options(req, proposal_stages, proposal_stage_label, selected);
}

const char *
proposal_stage_check(const char *current, const char *next)
{
	if (!proposal_stage_is_commune(next))
		return "unknown_stage";
	int from = stage_rank(current);
	if (from < 1)
		return "not_forwarded";
	if (from == 4)
		return "already_answered";
	if (stage_rank(next) <= from)
		return "stage_backwards";
	return NULL;
}

struct countdown
proposal_countdown(long long seconds_left)
{
	const long long day = 86400;
	struct countdown c = {seconds_left < 0, 0};
	long long s = seconds_left < 0 ? -seconds_left : seconds_left;
	c.days = (long)((s + day - 1) / day);
	if (c.overdue && c.days < 1)
		c.days = 1;
	return c;
}

/* ---- residents' texts ---- */

const char *
proposal_text_check(const char *s, size_t max, bool multiline)
{
	if (!s || is_blank(s))
		return "empty_text";
	if (utf8_length(s) > max)
		return "text_too_long";
	if (text_has_control(s, multiline) || text_has_bidi_control(s))
		return "invalid_text";
	return NULL;
}

const char *
proposal_name_check(const char *name)
{
	if (!name || is_blank(name))
		return "name_required";
	if (utf8_length(name) > PROPOSAL_NAME_MAX)
		return "display_name_too_long";
	if (text_has_control(name, false) || text_has_bidi_control(name) || strpbrk(name, "<>&\"`"))
		return "invalid_display_name";
	if (text_looks_personal(name))
		return "display_name_personal";
	return NULL;
}

bool
proposal_url_is_valid(const char *s)
{
	if (!s || !*s || strlen(s) > PROPOSAL_URL_MAX || strpbrk(s, " \t\r\n<>\"'`\\"))
		return false;
	if (s[0] == '/' && s[1] != '/')
		return true;
	return strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0;
}
