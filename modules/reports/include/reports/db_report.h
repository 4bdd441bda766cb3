// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef REPORTS_DB_REPORT_H
#define REPORTS_DB_REPORT_H

#include "common/status.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

/*
 * Storage of residents' reports on the citizen side (db_report.c): reports, their
 * private rows, supports, timeline rows, and the geographic queries (PostGIS). Rows come back
 * as JSON objects (new references) with the columns of `reports` plus lat_e6/lon_e6 (integers,
 * or null without a pin); times are RFC 3339 UTC strings. Nothing here logs personal data.
 */

/* Filters of the public list, the map's GeoJSON and the feeds; NULL or 0 means "any". */
struct report_filter {
	const char *category, *status, *quarter, *ref;
	int age_days;
	bool has_bbox;
	long long bbox[4]; /* microdegrees: min lon, min lat, max lon, max lat */
};

/*
 * Insert a report and its private row (tracking hash, contact) with visibility "pending" or
 * "public"; origin_id is the new id. photos: JSON array text. Returns the row, or NULL with *st
 * (STATUS_CONFLICT: the reference exists; STATUS_UNAVAILABLE).
 */
json_t *db_report_create(const char *origin, const char *ref, const char *category,
			 const char *title, const char *description, const char *place,
			 const char *quarter, const long long *lat_e6, const long long *lon_e6,
			 const char *lang, const char *visibility, const char *photos,
			 const char *tracking_sha256, const char *contact, enum status *st);
/* Set created_at/updated_at (and the visibility) of a report that just became public at `at`
 * (an event time, or NULL for now()). Returns the row, or NULL (*st NOT_FOUND: not pending). */
json_t *db_report_publish(long long id, const char *at, bool from_pending, enum status *st);
/* One report by reference or by the hash of its tracking token (any visibility), or NULL. */
json_t *db_report_by_ref(const char *ref, enum status *st);
json_t *db_report_by_tracking(const char *sha256_hex, enum status *st);
/* 1 when the commune's latest resolution is more than weeks old, 0 when not, -1 on error. */
int db_report_ask_due(long long id, int weeks);
/* Mark the questionnaire as asked (first time only). */
int db_report_set_asked(long long id);
/* The id of an own report with this title (demo idempotence): >0, 0 when none, -1 on error. */
long long db_report_find_title(const char *origin, const char *title);

/* True (1) when the point lies inside the polygon (GeoJSON text), 0 outside, -1 on error. */
int db_report_point_inside(const char *polygon_geojson, long long lat_e6, long long lon_e6);
/* Public open reports of category within meters of the point, nearest first (at most limit). */
json_t *db_report_nearby(const char *category, long long lat_e6, long long lon_e6, int meters,
			 int limit);
/* Public reports, newest first, after the keyset cursor (0: first page); {items, next}. */
json_t *db_report_list(const struct report_filter *f, long long before_id, int limit);
/* The same rows as a result (columns of a report row, and one row more than limit when there
 * is a page after), for a caller that reads them as they are; NULL when the database failed. */
PGresult *db_report_list_result(const struct report_filter *f, long long before_id, int limit);
/*
 * The moderators' queue, two results with REPORT_COLUMNS: *pending, on the first page
 * (before_id 0) the pending reports, newest first, at most pending_limit, with a column waiting
 * (how many there are in all; NULL on later pages); *others, the others (public and hidden),
 * newest first after the keyset cursor before_id (the last id shown), at most limit + 1 (one
 * more: there is a next page). 0, or -1 when the database failed (nothing to clear).
 */
int db_report_staff_list(long long before_id, int pending_limit, int limit, PGresult **pending,
			 PGresult **others);

/* The timeline rows of a report in order: [{side, kind, status, message, body, at}]. */
json_t *db_report_timeline(long long id);
int db_report_timeline_append(long long id, const char *side, const char *kind, const char *status,
			      const char *message, const char *body, const char *at);

/* One more supporter (a verified participant's support was just recorded, participation.h):
 * the new count, or -1. (report_supports keeps the browser-keyed supports of before.) */
int db_report_supporters_add(long long id);
/*
 * Store the reporter's assessment at `at` if the commune's status is "resolved" and this
 * resolution has not been assessed yet. Returns the row, or NULL with *st = STATUS_CONFLICT.
 */
json_t *db_report_assess(long long id, const char *assessment, const char *comment, const char *at,
			 enum status *st);
/* True when the reporter may assess now (see db_report_assess); -1 on error. */
int db_report_can_assess(long long id);
/* Blank the texts of a public or pending report, keep their hash; the row or NULL (*st). */
json_t *db_report_hide(long long id, const char *reason, enum status *st);

/*
 * Take down what a hidden report still shows, on either side: its point, its photos (the rows
 * of photos no other report shows are deleted) and the reporter's assessment comment. Returns
 * the number of photos deleted, or -1.
 */
int db_report_erase_media(const char *origin, long long origin_id);

/* Erase the contact of reports the commune closed more than days ago: how many, or -1. */
long db_report_erase_contacts(long days);

/* The stored photos among shas (array of hex strings): [{sha256, width, height}] in order. */
json_t *db_photos_known(json_t *shas);

#endif
