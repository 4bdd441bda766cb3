// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * What a question, an answer and a citation are, for every path that takes one (the residents'
 * form, the agents' form, the peer's events, the demo): pure checks, no request, no database.
 */
#include "internal.h"

#include "common/page_util.h"
#include "common/secret.h"
#include "common/site.h"

#include <stdlib.h>
#include <string.h>

const char *const dialogue_themes[] = {
	"urbanism", "roads",         "cleanliness",    "water", "education", "social",
	"health",   "sport_culture", "administration", "other", NULL,
};

static bool
in_list(const char *const *list, const char *s)
{
	for (; s && *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

bool
dialogue_theme_is_valid(const char *s)
{
	return in_list(dialogue_themes, s);
}

bool
dialogue_quarter_is_valid(const char *s)
{
	return in_list(site_quarters, s);
}

/* A public name: one line, no markup, no direction tricks, nothing like a contact. */
static const char *
name_check(const char *name)
{
	if (utf8_length(name) > QUESTION_NAME_MAX)
		return "display_name_too_long";
	if (text_has_control(name, false) || text_has_bidi_control(name) || strpbrk(name, "<>"))
		return "invalid_display_name";
	if (text_looks_personal(name))
		return "display_name_personal";
	return NULL;
}

const char *
question_check(const char *title, const char *text, const char *name, const char *quarter,
	       const char *theme, const char **field)
{
	const char *err = NULL;
	*field = "title";
	if (is_blank(title))
		return "question_title_required";
	if (utf8_length(title) > QUESTION_TITLE_MAX)
		return "question_title_too_long";
	if (text_has_control(title, false) || text_has_bidi_control(title))
		return "invalid_question_title";
	*field = "text";
	if (is_blank(text))
		return "question_required";
	if (utf8_length(text) > QUESTION_TEXT_MAX)
		return "question_too_long";
	if (text_has_control(text, true) || text_has_bidi_control(text))
		return "invalid_question";
	*field = "display_name";
	if ((err = name_check(name)))
		return err;
	*field = "quarter";
	if (*quarter && !dialogue_quarter_is_valid(quarter))
		return "invalid_quarter";
	*field = "theme";
	if (*theme && !dialogue_theme_is_valid(theme))
		return "invalid_theme";
	*field = NULL;
	return NULL;
}

const char *
answer_text_check(const char *ar, const char *fr)
{
	if (is_blank(ar) && is_blank(fr))
		return "answer_required";
	if (utf8_length(ar) > ANSWER_TEXT_MAX || utf8_length(fr) > ANSWER_TEXT_MAX)
		return "answer_too_long";
	if (text_has_control(ar, true) || text_has_control(fr, true) || text_has_bidi_control(ar) ||
	    text_has_bidi_control(fr))
		return "invalid_answer";
	return NULL;
}

const char *const dialogue_cite_kinds[] = {"deliberation", "project", "service",
					   "report",       "answer",  NULL};

bool
is_cite_kind(const char *kind)
{
	return in_list(dialogue_cite_kinds, kind);
}

/* The public reference's letter of a kind cited by reference, or 0 (cited by id). */
static char
cite_letter(const char *kind)
{
	return strcmp(kind, "report") == 0 ? 'R' : strcmp(kind, "answer") == 0 ? 'Q' : 0;
}

json_t *
cite_parse(const char *kind, const char *value)
{
	if (!is_cite_kind(kind) || !value)
		return NULL;
	char letter = cite_letter(kind);
	if (letter)
		return public_ref_is_valid(letter, value)
			       ? json_pack("{s:s, s:s}", "kind", kind, "ref", value)
			       : NULL;
	long long id = page_parse_id(value);
	return id > 0 ? json_pack("{s:s, s:I}", "kind", kind, "id", (json_int_t)id) : NULL;
}

bool
cite_is_valid(json_t *c)
{
	const char *kind = json_string_value(json_object_get(c, "kind"));
	if (!json_is_object(c) || json_object_size(c) != 2 || !is_cite_kind(kind))
		return false;
	char letter = cite_letter(kind);
	if (letter)
		return public_ref_is_valid(letter, json_string_value(json_object_get(c, "ref")));
	json_t *id = json_object_get(c, "id");
	return json_is_integer(id) && json_integer_value(id) > 0;
}

const char *
plain_string(json_t *v)
{
	const char *s = json_string_value(v);
	return s && strlen(s) == json_string_length(v) ? s : NULL;
}
