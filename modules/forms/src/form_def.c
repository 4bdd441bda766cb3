// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Forms as data: the strict check of a definition staff write (fields, rules, help texts,
 * conditions), the conditions evaluated on a resident's answers, and each value's check. The
 * server decides alone what is shown and valid: the browser's hiding is only a convenience.
 */
#include "internal.h"

#include "common/i18n.h"
#include "common/check.h"
#include "common/page_util.h"
#include "common/site.h"

#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_MAX 500       /* the most max_length of a "text" field */
#define LONG_TEXT_MAX 5000 /* of a "long_text" field */
#define LABEL_MAX 200      /* characters of a label or a title */
#define HELP_MAX 1000      /* of a help text or an introduction */
#define OPTIONS_MAX 50
#define PATTERN_MAX 200
#define NUMBER_LIMIT 1e12 /* numbers' bounds stay within ±this */
#define DEFAULT_PHONE "^(\\+213|0)[0-9]{9}$"

static const char *const types[] = {"text",    "long_text",  "number", "date",
				    "choice",  "yes_no",     "phone",  "email",
				    "quarter", "attachment", NULL};

static bool
in_list(const char *const *list, const char *s)
{
	for (; s && *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

bool
form_service_is_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 2 || n > 48)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

static bool
is_name(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > max || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* texts: {"ar": .., "fr": .., other languages?: ..}, each 1..max characters on one line (or
 * several) */
static bool
texts_ok(json_t *v, bool needed, size_t max, bool multiline)
{
	if (!v)
		return !needed;
	if (!json_is_object(v) || !is_lang_texts(v))
		return false;
	const char *k;
	json_t *s;
	json_object_foreach(v, k, s)
	{
		const char *t = json_string_value(s);
		if (!i18n_is_lang_tag(k))
			return false;
		if (is_blank(t) || utf8_length(t) > max || text_has_control(t, multiline))
			return false;
	}
	return json_object_get(v, "ar") && json_object_get(v, "fr");
}

static bool
keys_in(json_t *o, const char *const *allowed)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
	{
		(void)v;
		if (!in_list(allowed, k))
			return false;
	}
	return true;
}

/* a date bound: "today" or a calendar day */
static bool
is_date_bound(json_t *v)
{
	const char *s = json_string_value(v);
	return !v || (s && (strcmp(s, "today") == 0 || is_iso_date(s)));
}

static bool
is_int_in(json_t *v, long long lo, long long hi)
{
	return !v ||
	       (json_is_integer(v) && json_integer_value(v) >= lo && json_integer_value(v) <= hi);
}

/* A POSIX extended pattern staff give for phones: no back-references, and it compiles. */
static bool
pattern_ok(json_t *v)
{
	if (!v)
		return true;
	const char *p = json_string_value(v);
	if (!p || !*p || strlen(p) > PATTERN_MAX)
		return false;
	for (const char *q = p; *q; q++)
		if (q[0] == '\\' && q[1] >= '1' && q[1] <= '9')
			return false;
	regex_t re;
	if (regcomp(&re, p, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	regfree(&re);
	return true;
}

static const char *
check_options(json_t *f)
{
	json_t *opts = json_object_get(f, "options");
	bool choice = strcmp(json_string_value(json_object_get(f, "type")), "choice") == 0;
	if (!choice)
		return opts ? "options" : NULL;
	if (!json_is_array(opts) || json_array_size(opts) < 1 ||
	    json_array_size(opts) > OPTIONS_MAX)
		return "options";
	static const char *const allowed[] = {"value", "label", NULL};
	size_t i, j;
	json_t *o;
	json_array_foreach(opts, i, o)
	{
		if (!json_is_object(o) || !keys_in(o, allowed) ||
		    !is_name(json_string_value(json_object_get(o, "value")), 32) ||
		    !texts_ok(json_object_get(o, "label"), true, LABEL_MAX, false))
			return "options";
		for (j = 0; j < i; j++)
			if (json_equal(json_object_get(json_array_get(opts, j), "value"),
				       json_object_get(o, "value")))
				return "options";
	}
	return NULL;
}

/* The rules a field of type may carry, and whether they are within bounds. */
static const char *
check_rules(json_t *f, const char *type)
{
	json_t *minl = json_object_get(f, "min_length"), *maxl = json_object_get(f, "max_length");
	json_t *min = json_object_get(f, "min"), *max = json_object_get(f, "max");
	bool text = !strcmp(type, "text") || !strcmp(type, "long_text");
	long long cap = !strcmp(type, "long_text") ? LONG_TEXT_MAX : TEXT_MAX;
	if ((minl || maxl) && !text)
		return "rules";
	if (!is_int_in(minl, 0, cap) || !is_int_in(maxl, 1, cap) ||
	    (minl && maxl && json_integer_value(minl) > json_integer_value(maxl)))
		return "bounds";
	if ((min || max) && strcmp(type, "number") && strcmp(type, "date"))
		return "rules";
	if (!strcmp(type, "number")) {
		if ((min &&
		     (!json_is_number(min) || fabs(json_number_value(min)) > NUMBER_LIMIT)) ||
		    (max &&
		     (!json_is_number(max) || fabs(json_number_value(max)) > NUMBER_LIMIT)) ||
		    (min && max && json_number_value(min) > json_number_value(max)))
			return "bounds";
	} else if (!strcmp(type, "date")) {
		if (!is_date_bound(min) || !is_date_bound(max))
			return "bounds";
	}
	if (json_object_get(f, "pattern") && strcmp(type, "phone"))
		return "rules";
	if (!pattern_ok(json_object_get(f, "pattern")))
		return "pattern";
	bool att = !strcmp(type, "attachment");
	json_t *mf = json_object_get(f, "max_files"), *acc = json_object_get(f, "accept");
	if ((mf || acc) && !att)
		return "rules";
	if (!is_int_in(mf, 1, FORM_FILES_MAX))
		return "bounds";
	if (acc) {
		static const char *const kinds[] = {"pdf", "image", NULL};
		size_t i;
		json_t *k;
		if (!json_is_array(acc) || json_array_size(acc) < 1 || json_array_size(acc) > 2)
			return "accept";
		json_array_foreach(acc, i,
				   k) if (!in_list(kinds, json_string_value(k))) return "accept";
	}
	return check_options(f);
}

/* Is v a value field f (earlier, not an attachment) can hold, for a condition? */
static bool
condition_value_ok(json_t *f, const char *v)
{
	const char *type = json_string_value(json_object_get(f, "type"));
	json_t *norm = NULL;
	if (!strcmp(type, "attachment"))
		return false;
	const char *code = form_value_check(f, v, "2000-01-01", &norm);
	json_decref(norm);
	/* date bounds move with the day: a condition on a date is checked for its shape only */
	return !code ||
	       (!strcmp(type, "date") && is_iso_date(v) && !strcmp(code, "field_out_of_range"));
}

static const char *
check_condition(json_t *def, json_t *f, size_t index)
{
	json_t *c = json_object_get(f, "show_if");
	if (!c)
		return NULL;
	static const char *const allowed[] = {"field", "equals", NULL};
	const char *name = json_string_value(json_object_get(c, "field"));
	const char *eq = json_string_value(json_object_get(c, "equals"));
	if (!json_is_object(c) || !keys_in(c, allowed) || !name || !eq)
		return "condition";
	json_t *fields = json_object_get(def, "fields");
	for (size_t i = 0; i < index; i++) {
		json_t *g = json_array_get(fields, i);
		if (!strcmp(json_string_value(json_object_get(g, "name")), name))
			return condition_value_ok(g, eq) ? NULL : "condition";
	}
	return "condition"; /* a later field, itself, or none */
}

static const char *
check_field(json_t *def, json_t *f, size_t index)
{
	static const char *const allowed[] = {"name",      "type",       "required",   "label",
					      "help",      "min_length", "max_length", "min",
					      "max",       "pattern",    "options",    "show_if",
					      "max_files", "accept",     NULL};
	if (!json_is_object(f))
		return "field";
	if (!keys_in(f, allowed))
		return "unknown_key";
	const char *name = json_string_value(json_object_get(f, "name"));
	if (!is_name(name, 32))
		return "field_name";
	json_t *fields = json_object_get(def, "fields");
	for (size_t i = 0; i < index; i++)
		if (!strcmp(json_string_value(json_object_get(json_array_get(fields, i), "name")),
			    name))
			return "duplicate_name";
	const char *type = json_string_value(json_object_get(f, "type"));
	if (!in_list(types, type))
		return "field_type";
	json_t *req = json_object_get(f, "required");
	if (req && !json_is_boolean(req))
		return "required";
	if (!texts_ok(json_object_get(f, "label"), true, LABEL_MAX, false))
		return "label";
	if (!texts_ok(json_object_get(f, "help"), false, HELP_MAX, true))
		return "help";
	const char *r = check_rules(f, type);
	return r ? r : check_condition(def, f, index);
}

bool
form_def_check(json_t *def, struct form_def_error *err)
{
	static const char *const allowed[] = {"title", "intro", "fields", NULL};
	err->reason = NULL;
	err->field[0] = '\0';
	if (!json_is_object(def))
		err->reason = "not_object";
	else if (!keys_in(def, allowed))
		err->reason = "unknown_key";
	else if (!texts_ok(json_object_get(def, "title"), true, LABEL_MAX, false))
		err->reason = "title";
	else if (!texts_ok(json_object_get(def, "intro"), false, HELP_MAX, true))
		err->reason = "intro";
	if (err->reason)
		return false;
	json_t *fields = json_object_get(def, "fields");
	if (!json_is_array(fields) || json_array_size(fields) < 1) {
		err->reason = "fields";
		return false;
	}
	if (json_array_size(fields) > FORM_MAX_FIELDS) {
		err->reason = "too_many_fields";
		return false;
	}
	size_t i;
	json_t *f;
	json_array_foreach(fields, i, f)
	{
		err->reason = check_field(def, f, i);
		if (err->reason) {
			const char *name = json_string_value(json_object_get(f, "name"));
			if (name && is_name(name, 32))
				snprintf(err->field, sizeof(err->field), "%s", name);
			else
				snprintf(err->field, sizeof(err->field), "#%zu", i + 1);
			return false;
		}
	}
	return true;
}

json_t *
form_def_field(json_t *def, const char *name)
{
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(def, "fields"), i, f)
	{
		if (name && !strcmp(json_string_value(json_object_get(f, "name")), name))
			return f;
	}
	return NULL;
}

bool
form_field_shown(json_t *def, json_t *f, json_t *answers)
{
	/* a checked definition's conditions point to earlier fields: this ends */
	for (int depth = 0; f && depth <= FORM_MAX_FIELDS; depth++) {
		json_t *c = json_object_get(f, "show_if");
		if (!c)
			return true;
		const char *name = json_string_value(json_object_get(c, "field"));
		const char *v = json_string_value(json_object_get(answers, name ? name : ""));
		if (!v || strcmp(v, json_string_value(json_object_get(c, "equals"))) != 0)
			return false;
		f = form_def_field(def, name);
	}
	return f != NULL;
}

const char *
form_text(json_t *texts, const char *lang)
{
	const char *s = json_string_value(json_object_get(texts, lang ? lang : "fr"));
	if (!s)
		s = json_string_value(json_object_get(texts, "fr"));
	if (!s)
		s = json_string_value(json_object_get(texts, "ar"));
	return s ? s : "";
}

bool
form_is_email(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	const char *at = s ? strchr(s, '@') : NULL;
	if (n < 3 || n > FORM_CONTACT_MAX || !at || at == s || strchr(at + 1, '@'))
		return false;
	const char *dot = strrchr(at + 1, '.');
	if (!dot || dot == at + 1 || !dot[1])
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == '"' || *p == '\\' ||
		    (unsigned char)*p >= 0x7f)
			return false;
	return true;
}

/* s without the spaces, dots and dashes people write in phone numbers, into buf. */
static bool
phone_digits(const char *s, char *buf, size_t size)
{
	size_t n = 0;
	for (; *s; s++) {
		if (*s == ' ' || *s == '.' || *s == '-')
			continue;
		if (!(isdigit((unsigned char)*s) || (*s == '+' && n == 0)) || n + 1 >= size)
			return false;
		buf[n++] = *s;
	}
	buf[n] = '\0';
	return n >= 6;
}

static bool
matches(const char *pattern, const char *s)
{
	regex_t re;
	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	bool ok = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

bool
form_is_phone(const char *s)
{
	char buf[24];
	return s && phone_digits(s, buf, sizeof(buf)) && matches(DEFAULT_PHONE, buf);
}

static const char *
check_text(json_t *f, const char *v, bool multiline, json_t **out)
{
	long long cap = multiline ? 2000 : 200;
	json_t *maxl = json_object_get(f, "max_length"), *minl = json_object_get(f, "min_length");
	size_t n = utf8_length(v);
	if (text_has_control(v, multiline))
		return "field_invalid";
	if (n > (size_t)(maxl ? json_integer_value(maxl) : cap))
		return "field_too_long";
	if (minl && n < (size_t)json_integer_value(minl))
		return "field_too_short";
	*out = json_string(v);
	return NULL;
}

static const char *
check_number(json_t *f, const char *v, json_t **out)
{
	const char *p = v + (*v == '-');
	size_t digits = strspn(p, "0123456789");
	if (digits < 1 || digits > 12)
		return "field_invalid";
	p += digits;
	if (*p == '.' || *p == ',') {
		size_t frac = strspn(p + 1, "0123456789");
		if (frac < 1 || frac > 4)
			return "field_invalid";
		p += 1 + frac;
	}
	if (*p)
		return "field_invalid";
	char buf[24];
	snprintf(buf, sizeof(buf), "%s", v);
	char *comma = strchr(buf, ',');
	if (comma)
		*comma = '.';
	double d = strtod(buf, NULL);
	json_t *min = json_object_get(f, "min"), *max = json_object_get(f, "max");
	if ((min && d < json_number_value(min)) || (max && d > json_number_value(max)))
		return "field_out_of_range";
	*out = json_string(buf);
	return NULL;
}

static const char *
check_date(json_t *f, const char *v, const char *today, json_t **out)
{
	if (!is_iso_date(v))
		return "field_invalid";
	const char *min = json_string_value(json_object_get(f, "min"));
	const char *max = json_string_value(json_object_get(f, "max"));
	if (min && strcmp(v, strcmp(min, "today") ? min : today) < 0)
		return "field_out_of_range";
	if (max && strcmp(v, strcmp(max, "today") ? max : today) > 0)
		return "field_out_of_range";
	*out = json_string(v);
	return NULL;
}

static const char *
check_choice(json_t *f, const char *type, const char *v, json_t **out)
{
	bool ok = false;
	if (!strcmp(type, "yes_no")) {
		ok = !strcmp(v, "yes") || !strcmp(v, "no");
	} else if (!strcmp(type, "quarter")) {
		ok = in_list(site_quarters, v);
	} else {
		size_t i;
		json_t *o;
		json_array_foreach(json_object_get(f, "options"), i, o)
		{
			ok = ok || !strcmp(json_string_value(json_object_get(o, "value")), v);
		}
	}
	if (!ok)
		return "field_not_an_option";
	*out = json_string(v);
	return NULL;
}

const char *
form_value_check(json_t *f, const char *v, const char *today, json_t **out)
{
	const char *type = json_string_value(json_object_get(f, "type"));
	*out = NULL;
	if (!v || !*v)
		return json_is_true(json_object_get(f, "required")) ? "field_required" : NULL;
	if (strlen(v) > 4 * LONG_TEXT_MAX)
		return "field_too_long";
	if (!strcmp(type, "text") || !strcmp(type, "long_text"))
		return check_text(f, v, !strcmp(type, "long_text"), out);
	if (!strcmp(type, "number"))
		return check_number(f, v, out);
	if (!strcmp(type, "date"))
		return check_date(f, v, today, out);
	if (!strcmp(type, "email")) {
		if (!form_is_email(v))
			return "field_invalid";
		*out = json_string(v);
		return NULL;
	}
	if (!strcmp(type, "phone")) {
		char buf[24];
		const char *pattern = json_string_value(json_object_get(f, "pattern"));
		if (strlen(v) > 32 || !phone_digits(v, buf, sizeof(buf)) ||
		    !matches(pattern ? pattern : DEFAULT_PHONE, buf))
			return "field_invalid";
		*out = json_string(buf);
		return NULL;
	}
	if (!strcmp(type, "attachment"))
		return "field_invalid"; /* files come as uploads, not as values */
	return check_choice(f, type, v, out);
}

/* The commune's day of now, YYYY-MM-DD: date bounds like "today" follow the town hall's
 * calendar (UTC+1 all year), whose day turns at 23:00 UTC, an hour before the server's. */
void
form_today(time_t now, char out[11])
{
	time_t local = now + FORM_UTC_OFFSET_S;
	struct tm tm;
	gmtime_r(&local, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}
