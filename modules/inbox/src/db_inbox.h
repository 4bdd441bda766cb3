// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef INBOX_DB_INBOX_H
#define INBOX_DB_INBOX_H

/*
 * The inbox's SQL (db_inbox.c), over the reports table the reports module owns. target_days
 * is each category's target delay in days as JSON text, {"VOI": 15, ...} (15 for a category
 * it does not name): a report is overdue when the commune still has to act and its receipt
 * plus that delay is past.
 */
#include "common/status.h"
#include "common/strbuf.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

/* The inbox's filters; NULL members and false mean "any". Codes are checked by the caller. */
struct inbox_filter {
	const char *category, *status, *quarter, *ref;
	bool overdue, disputed, newest_first;
	bool has_bbox;
	long long bbox[4]; /* microdegrees: min lon, min lat, max lon, max lat (the map's view) */
	int page;          /* from 1 */
	/* keyset cursors (0: none): the page starts right after the report of id after in the
	 * list's order, or ends right before the report of id before; page then only numbers it */
	long long after, before;
	/* or starts at the report of id from (a page asked by its number, where it was found
	 * before: page_inbox's kept starts) */
	long long from;
};

/*
 * The reports of the inbox (all but pending ones) matching f (its box and ref aside), a result
 * with the columns ({ref, category, title, place, quarter, status, status_message, assessment,
 * disputes, supporters, hidden, created_at, received_at, open, overdue, lat_e6, lon_e6, id}),
 * oldest first (newest with f->newest_first), at most limit + 1 of them: from offset, or with a
 * cursor the limit + 1 after f->after, or the limit + 1 right before f->before (the extra one
 * is then the first row); NULL when the database failed.
 */
PGresult *db_inbox_list(const char *target_days, const struct inbox_filter *f, int limit,
			int offset);

/*
 * The agents' map's pins: the reports of f with a pin (in f's box, or f->ref alone), oldest
 * first, at most cap, appended to out as the whole GeoJSON answer (reports/report_map.h);
 * properties title (no_title when it has none), ref, url, status, label (labels: {status:
 * label}, borrowed), overdue, disputes. 0, or -1 when the database failed (out unchanged).
 */
int db_inbox_map_pins(const char *target_days, const struct inbox_filter *f, int cap,
		      json_t *labels, const char *no_title, struct strbuf *out);

/* {open, overdue, disputed}: the counters over the whole inbox; NULL when the database failed. */
json_t *db_inbox_counts(const char *target_days);

/*
 * One report by reference with everything its inbox page shows: the row, photos, timeline and
 * the references of the reports that are its duplicates; NULL with *st STATUS_NOT_FOUND (no
 * such report, or pending moderation) or STATUS_UNAVAILABLE.
 */
json_t *db_inbox_report(const char *target_days, const char *ref, enum status *st);

#endif
