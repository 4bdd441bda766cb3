// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef ACCOUNTABILITY_ACCOUNTABILITY_H
#define ACCOUNTABILITY_ACCOUNTABILITY_H

/* /accountability: the same figures on both platforms, computed from the same signed events
 * (projects by status, budget execution, deliberations in time, report response times). */
extern const struct module accountability_module;

#include <jansson.h>

struct request;

/*
 * What another module adds to the page (the services' figures): it lists
 * {ACCOUNTABILITY_SECTION_EXT, &its_section} in its extends; the page calls fill on both
 * platforms and shows the partial after its own figures (JSON twin: what fill added).
 */
#define ACCOUNTABILITY_SECTION_EXT "accountability.section"
struct accountability_section {
	const char *partial; /* its template, or NULL */
	/* add its part to the page's view: 0, or -1 when the database failed (logged) */
	int (*fill)(struct request *req, json_t *view);
};

#endif
