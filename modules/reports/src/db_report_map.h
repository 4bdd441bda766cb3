// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef REPORTS_DB_REPORT_MAP_H
#define REPORTS_DB_REPORT_MAP_H

/* The maps' SQL (db_report_map.c), between the reports module's own files. */
#include "common/strbuf.h"
#include "reports/db_report.h"
#include "reports/report_map.h"

#include <jansson.h>

/*
 * Counts f's reports in box (microdegrees, min lon, min lat, max lon, max lat; ignoring f's
 * own) by cells of cell_e6 microdegrees into out (cells malloc'd, total). 0, or -1 when the
 * database failed.
 */
int db_report_map_cells(const struct report_map_filter *f, const long long box[4],
			long long cell_e6, struct report_map_count *out);

/*
 * The same from the counts kept by cell (report_map_cells, migration 0014), without filters:
 * the inbox's reports or the public ones in the cells of 100 << level microdegrees numbered
 * range (first column, first row, last column, last row). 0, or -1 when the database failed.
 */
int db_report_map_cells_kept(bool inbox, const long long range[4], int level,
			     struct report_map_count *out);

/*
 * The public map's pins: f's public reports with a pin, newest first, at most cap, appended to
 * out as the whole GeoJSON answer (report_map_pins_begin ... report_map_pins_end); labels:
 * {status: label in the reader's language} (borrowed). 0, or -1 when the database failed
 * (out unchanged).
 */
int db_report_map_pins(const struct report_filter *f, int cap, json_t *labels, struct strbuf *out);

#endif
