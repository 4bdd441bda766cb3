// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef REPORTS_REPORT_MAP_H
#define REPORTS_REPORT_MAP_H

/*
 * The reports' maps (the public map here, the agents' map in the inbox module), bounded
 * whatever the number of reports: a viewport holding at most REPORT_MAP_PINS reports shows
 * each one (a pin); a fuller one shows its reports counted by area, one feature per area with
 * their number, and a note that says so (docs/performance-reports.md). Areas are cells of a
 * fixed grid (sizes 100 × 2^k microdegrees, about REPORT_MAP_GRID across the viewport), so
 * they stay put while the map pans. Counting reads the index reports_map alone (migration
 * 0012): one index probe per 0.001° band of longitude, never the table.
 *
 * The GeoJSON both endpoints answer: a FeatureCollection with, beside "features",
 *    total      the number of reports in the counted area (the viewport's cells; for pins, the
 *               viewport itself), matching the filters;
 *    clustered  true when the features are areas: each one's properties are count (its
 *               reports), title ("12 reports here: zoom in to see them") and bbox (the
 *               cell's [min lon, min lat, max lon, max lat]);
 *    capped     the same as clustered (the name the public map used before areas);
 *    note       only when clustered: a sentence for the page, in the reader's language.
 */
#include "common/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

struct request;

#define REPORT_MAP_PINS 200 /* at most this many reports are shown one by one */
#define REPORT_MAP_GRID 12  /* about this many areas across a counted viewport */

/* Which reports a map shows: its viewport and filters (NULL, 0 or false: any). */
struct report_map_filter {
	bool inbox; /* the inbox's reports (all but pending ones), or the public ones */
	const char *category, *status, *quarter; /* status "open" (inbox): still to act on */
	int age_days;                            /* public: created in the last age_days days */
	bool overdue, disputed;                  /* inbox */
	const char *target_days;                 /* inbox: {"VOI": 15, ...}, for overdue */
	bool has_bbox;
	long long bbox[4]; /* microdegrees: min lon, min lat, max lon, max lat */
};

/* One area of a counted viewport: its reports, their mean position, its bounds. */
struct report_map_cell {
	long long count, lon_e6, lat_e6;
	long long box[4];
};

/* A viewport counted by area. */
struct report_map_count {
	struct report_map_cell *cells; /* malloc'd (NULL when none) */
	size_t ncells;
	long long total; /* the sum of the cells' counts */
};

/*
 * Counts f's reports by area over f's viewport (the whole world without one), widened to whole
 * cells. The answer is kept per process until the next write (the page cache's generation) or
 * 60 s at most, as "overdue" moves with the clock: a view asked again (the commune's default
 * view, the same filters) is not counted again. 0, or -1 when the database failed (logged).
 * Release out with report_map_count_release().
 */
int report_map_count(const struct report_map_filter *f, struct report_map_count *out);
void report_map_count_release(struct report_map_count *c);

/* The clustered answer for c (see above), appended to out. */
void report_map_clusters(struct request *req, const struct report_map_count *c, struct strbuf *out);

/* JSON text writers for the pins' answers. */
/* s as a JSON string (quoted and escaped); NULL as null. */
void report_map_string(struct strbuf *out, const char *s);
/* v as a JSON number. */
void report_map_integer(struct strbuf *out, long long v);
/* Microdegrees as a JSON number of degrees: 36716900 as 36.7169. */
void report_map_degrees(struct strbuf *out, long long e6);
/* The answer's head before the pins' features ("features":[ open) and its tail. */
void report_map_pins_begin(struct strbuf *out, long long total);
void report_map_pins_end(struct strbuf *out);
/* A pin's head up to its properties' opening brace; id may be NULL. first: no comma before. */
void report_map_pin_begin(struct strbuf *out, bool first, const char *id, long long lon_e6,
			  long long lat_e6);

#endif
