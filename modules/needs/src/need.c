// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Needs: the themes (configuration, config/need_themes.json; the quarters' places on the map,
 * config/need_quarters.json, are need_map.c's), the checks of what a resident
 * writes, the events (text and display name committed, so moderators can take them down
 * everywhere) and the view of a need.
 */
#include "internal.h"

#include "common/app.h"
#include "common/check.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/module.h"
#include "common/page_util.h"
#include "common/site.h"
#include "common/strbuf.h"

#include <stdio.h>
#include <string.h>

#define THEMES_ASSET "config/need_themes.json"

static bool
theme_is_valid(json_t *t)
{
	const char *code = json_string_value(json_object_get(t, "code"));
	json_t *name = json_object_get(t, "name");
	if (!code || !*code || strlen(code) > 32 || code[0] < 'a' || code[0] > 'z' ||
	    strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(code))
		return false;
	return is_lang_texts(name) && json_is_string(json_object_get(name, "ar")) &&
	       json_is_string(json_object_get(name, "fr"));
}

int
need_themes_load(struct app *app)
{
	json_t *themes = app_asset_json(app, THEMES_ASSET);
	if (!themes)
		return -1;
	if (!json_is_array(themes) || json_array_size(themes) == 0) {
		log_error("%s: not a non-empty array", THEMES_ASSET);
		goto fail;
	}
	size_t i;
	json_t *t;
	json_array_foreach(themes, i, t)
	{
		if (!theme_is_valid(t)) {
			log_error("%s: theme %zu needs code ([a-z][a-z0-9_]*) and name {ar, fr}",
				  THEMES_ASSET, i + 1);
			goto fail;
		}
	}
	json_t *places = need_places_load(app);
	if (!places)
		goto fail;
	json_decref(module_state(app, &needs_module));
	module_state_set(app, &needs_module,
			 json_pack("{s:o, s:o}", "themes", themes, "places", places));
	return 0;
fail:
	json_decref(themes);
	return -1;
}

void
need_themes_free(struct app *app)
{
	json_decref(module_state(app, &needs_module));
	module_state_set(app, &needs_module, NULL);
}

json_t *
need_themes(const struct app *app)
{
	return json_object_get(module_state(app, &needs_module), "themes");
}

json_t *
need_places(const struct app *app)
{
	return json_object_get(module_state(app, &needs_module), "places");
}

static json_t *
theme_of(const struct app *app, const char *code)
{
	size_t i;
	json_t *t;
	json_array_foreach(need_themes(app), i, t)
	{
		if (code && strcmp(json_str(t, "code"), code) == 0)
			return t;
	}
	return NULL;
}

bool
need_theme_is_valid(const struct app *app, const char *code)
{
	return theme_of(app, code) != NULL;
}

const char *
need_theme_label(struct request *req, const char *code)
{
	json_t *t = theme_of(req->app, code);
	const char *s = t ? i18n_pick(json_object_get(t, "name"), req->lang, NULL) : NULL;
	return s ? s : code;
}

bool
need_quarter_is_valid(const char *code)
{
	for (const char *const *q = site_quarters; code && *q; q++)
		if (strcmp(*q, code) == 0)
			return true;
	return false;
}

const char *
need_quarter_label(struct request *req, const char *code)
{
	const char *key = arena_printf(req->arena, "project_quarter_%s", code);
	const char *s = json_string_value(json_object_get(req->t, key));
	return s ? s : code;
}

const char *
need_check(const char *text, const char *name)
{
	if (!text || is_blank(text))
		return "need_text_required";
	if (utf8_length(text) > NEED_TEXT_MAX)
		return "need_text_too_long";
	if (text_has_control(text, true) || text_has_bidi_control(text))
		return "invalid_need_text";
	if (!name || is_blank(name))
		return "need_display_name_required";
	if (utf8_length(name) > NEED_NAME_MAX)
		return "need_display_name_too_long";
	if (text_has_control(name, false) || text_has_bidi_control(name) || strpbrk(name, "<>"))
		return "invalid_need_display_name";
	if (text_looks_personal(name))
		return "need_display_name_personal";
	return NULL;
}

int
need_emit(const char *type, json_t *r, json_t *data, char when[OUTBOX_TIME_SIZE])
{
	static const char *const committed[] = {"text", "display_name", NULL};
	char ids[24];
	snprintf(ids, sizeof(ids), "%lld",
		 (long long)json_integer_value(json_object_get(r, "origin_id")));
	json_t *refs =
		json_pack("[{s:s, s:s, s:s}]", "origin", NEED_OWNER, "type", "need", "id", ids);
	return outbox_emit_committed(type, refs, data, committed, when);
}

json_t *
need_view(struct request *req, json_t *row)
{
	const char *quarter = json_str(row, "quarter"), *theme = json_str(row, "theme");
	json_t *v = json_pack(
		"{s:O, s:s, s:s, s:s, s:s, s:O, s:O, s:O, s:O, s:s}", "id",
		json_object_get(row, "origin_id"), "quarter", quarter, "quarter_label",
		need_quarter_label(req, quarter), "theme", theme, "theme_label",
		need_theme_label(req, theme), "text", json_object_get(row, "text"), "display_name",
		json_object_get(row, "display_name"), "supporters",
		json_object_get(row, "supporters"), "created_at",
		json_object_get(row, "created_at"), "path",
		arena_printf(req->arena, "/needs/%lld",
			     (long long)json_integer_value(json_object_get(row, "origin_id"))));
	json_object_set_new(v, "lang", json_string(json_str(row, "lang")));
	json_t *answer = json_object_get(row, "answer");
	if (json_is_string(answer))
		json_object_set_new(v, "answer",
				    json_pack("{s:O, s:O, s:O}", "text", answer, "lang",
					      json_object_get(row, "answer_lang"), "answered_at",
					      json_object_get(row, "answered_at")));
	return v;
}
