// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef CRITERIA_INTERNAL_H
#define CRITERIA_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * The configuration's checks and one criterion's evaluation: pure, unit-tested.
 *
 * A criterion: {"id", "platform": "official"|"citizen"|"both", "label": {"ar", "fr", ...},
 * and what it checks}:
 *   "fact": a fact's name (module.h), "min" (default 1) rows in the last "within_days" days
 *           (absent: ever);
 *   "page": a path this platform serves (GET);
 *   "site": a key of the theme's site.json that holds a non-empty value;
 *   "languages": at least "min" languages offered.
 */
/* 0 when cfg ({"criteria": [...]}) is valid, else -1 with the reason in why. */
int criteria_config_check(const json_t *cfg, char *why, size_t why_size);
/* Whether criterion c applies to side. */
bool criterion_applies(const json_t *c, const char *side);
/* The days of c's period, 0 when it has none. */
long long criterion_days(const json_t *c);

/* What c is evaluated against. */
struct criterion_input {
	const json_t *facts; /* the facts of c's period (name -> {count, latest}) */
	bool page_served;    /* c's "page" is served (page criteria) */
	json_t *site;        /* the theme's site.json */
	size_t nlanguages;   /* languages offered */
};
/* c's result: {id, platform, status "met"|"not_met", kind, and what was found: count, latest,
 * min, within_days, page...} (new reference; label left to the caller). */
json_t *criterion_evaluate(const json_t *c, const struct criterion_input *in);

#endif
