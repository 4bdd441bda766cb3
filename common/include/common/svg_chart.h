// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_SVG_CHART_H
#define COMMON_SVG_CHART_H

#include "common/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Charts drawn on the server as inline SVG, so pages need no JavaScript: horizontal bars, a
 * few series per category (planned and executed amounts...). Each chart is an
 * <svg role="img"> named by its <title> (and described by its <desc>); the page shows the same
 * numbers in a table next to it. Only SVG presentation attributes are used (the CSP forbids
 * inline styles). Right to left, bars grow from the right and labels sit on the right.
 */

#define SVG_CHART_MAX_SERIES 4

struct svg_bar_group {
	const char *label;                       /* the category, e.g. "Fonctionnement" */
	long long values[SVG_CHART_MAX_SERIES];  /* ≥ 0; bars are scaled to the largest */
	const char *texts[SVG_CHART_MAX_SERIES]; /* the values as shown next to the bars */
};

struct svg_bar_chart {
	const char *id;    /* unique in the page; the title is "<id>-title", the desc "<id>-desc" */
	const char *title; /* the chart's name, its text alternative */
	const char *desc;  /* a longer text alternative with the numbers; may be NULL */
	const char *series[SVG_CHART_MAX_SERIES]; /* legend labels */
	size_t nseries;                           /* 1..SVG_CHART_MAX_SERIES */
	const struct svg_bar_group *groups;
	size_t ngroups;
	bool rtl; /* bars grow from the right */
};

/* Append the chart as one <svg> element (texts escaped here). */
void svg_bar_chart(struct strbuf *out, const struct svg_bar_chart *c);

#endif
