// SPDX-License-Identifier: AGPL-3.0-or-later
/* The criteria's configuration and the evaluation of one criterion (internal.h): no I/O. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

#define CRITERIA_MAX 64
#define CRITERION_ID_MAX 40

static bool
is_id(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	return n > 0 && n <= CRITERION_ID_MAX &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

static bool
is_label(const json_t *l)
{
	return json_is_string(json_object_get(l, "ar")) && json_is_string(json_object_get(l, "fr"));
}

static const char *
kind_of(const json_t *c)
{
	static const char *const kinds[] = {"fact", "page", "site", "languages"};
	const char *found = NULL;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (json_object_get(c, kinds[i])) {
			if (found)
				return NULL;
			found = kinds[i];
		}
	return found;
}

static bool
is_count(const json_t *v, long long lo, long long hi)
{
	return !v ||
	       (json_is_integer(v) && json_integer_value(v) >= lo && json_integer_value(v) <= hi);
}

int
criteria_config_check(const json_t *cfg, char *why, size_t why_size)
{
	const json_t *list = json_object_get(cfg, "criteria");
	if (!json_is_array(list) || json_array_size(list) == 0 ||
	    json_array_size(list) > CRITERIA_MAX) {
		snprintf(why, why_size, "\"criteria\" must be an array of 1 to %d criteria",
			 CRITERIA_MAX);
		return -1;
	}
	size_t i;
	const json_t *c;
	json_array_foreach(list, i, c)
	{
		const char *id = json_string_value(json_object_get(c, "id"));
		const char *pf = json_string_value(json_object_get(c, "platform"));
		const char *kind = kind_of(c);
		const char *bad = NULL;
		if (!is_id(id))
			bad = "id must be [a-z0-9_], 1 to 40";
		else if (!pf || (strcmp(pf, "official") != 0 && strcmp(pf, "citizen") != 0 &&
				 strcmp(pf, "both") != 0))
			bad = "platform must be official, citizen or both";
		else if (!is_label(json_object_get(c, "label")))
			bad = "label needs ar and fr";
		else if (!kind)
			bad = "needs exactly one of fact, page, site, languages";
		else if (strcmp(kind, "languages") != 0 &&
			 !json_is_string(json_object_get(c, kind)))
			bad = "fact, page and site name a string";
		else if (strcmp(kind, "page") == 0 &&
			 json_string_value(json_object_get(c, "page"))[0] != '/')
			bad = "page must be a path";
		else if (!is_count(json_object_get(c, "min"), 1, 1000000) ||
			 !is_count(json_object_get(c, "within_days"), 1, 3660))
			bad = "min is 1..1000000 and within_days 1..3660";
		for (size_t j = 0; !bad && j < i; j++)
			if (strcmp(json_string_value(
					   json_object_get(json_array_get(list, j), "id")),
				   id) == 0)
				bad = "id given twice";
		if (bad) {
			snprintf(why, why_size, "criterion %zu: %s", i + 1, bad);
			return -1;
		}
	}
	return 0;
}

bool
criterion_applies(const json_t *c, const char *side)
{
	const char *pf = json_string_value(json_object_get(c, "platform"));
	return pf && (strcmp(pf, "both") == 0 || strcmp(pf, side) == 0);
}

long long
criterion_days(const json_t *c)
{
	return json_integer_value(json_object_get(c, "within_days"));
}

static long long
min_of(const json_t *c)
{
	const json_t *m = json_object_get(c, "min");
	return m ? json_integer_value(m) : 1;
}

static bool
site_has(json_t *site, const char *key)
{
	json_t *v = json_object_get(site, key);
	if (json_is_string(v))
		return json_string_length(v) > 0;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	if (json_is_object(v)) {
		/* per-language texts: at least one non-empty */
		const char *k;
		json_t *t;
		json_object_foreach(v, k, t) if (json_is_string(t) &&
						 json_string_length(t) > 0) return true;
	}
	return false;
}

json_t *
criterion_evaluate(const json_t *c, const struct criterion_input *in)
{
	const char *kind = kind_of(c);
	bool met = false;
	json_t *r = json_pack("{s:O, s:O, s:s}", "id", json_object_get(c, "id"), "platform",
			      json_object_get(c, "platform"), "kind", kind);
	if (strcmp(kind, "fact") == 0) {
		const char *name = json_string_value(json_object_get(c, "fact"));
		const json_t *f = json_object_get(in->facts, name);
		long long count = json_integer_value(json_object_get(f, "count"));
		const json_t *latest = json_object_get(f, "latest");
		met = count >= min_of(c);
		json_object_set_new(r, "fact", json_string(name));
		json_object_set_new(r, "count", json_integer(count));
		json_object_set_new(r, "min", json_integer(min_of(c)));
		json_object_set_new(r, "latest",
				    json_is_string(latest) ? json_string(json_string_value(latest))
							   : json_null());
		if (criterion_days(c) > 0)
			json_object_set_new(r, "within_days", json_integer(criterion_days(c)));
	} else if (strcmp(kind, "page") == 0) {
		met = in->page_served;
		json_object_set_new(r, "page", json_copy(json_object_get(c, "page")));
	} else if (strcmp(kind, "site") == 0) {
		met = site_has(in->site, json_string_value(json_object_get(c, "site")));
		json_object_set_new(r, "site", json_copy(json_object_get(c, "site")));
	} else {
		met = (long long)in->nlanguages >= min_of(c);
		json_object_set_new(r, "languages", json_integer((json_int_t)in->nlanguages));
		json_object_set_new(r, "min", json_integer(min_of(c)));
	}
	json_object_set_new(r, "status", json_string(met ? "met" : "not_met"));
	return r;
}
