// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The citizen platform's events about its own reports (docs/decisions/0007-reports.md): every
 * one names the report by its citizen id, and a report becomes public with its signed
 * report.created, whose time the row and its timeline keep.
 */
#include "internal.h"

#include "reports/db_report.h"

#include <stdio.h>

/*
 * What a resident wrote or showed, wherever a report event carries it, is committed, not
 * carried (docs/decisions/0008): hiding the report erases it from both sides and both logs.
 */
static const char *const report_committed[] = {"title",  "description", "place",   "lat_e6",
					       "lon_e6", "photos",      "comment", NULL};

int
report_emit(const char *type, json_t *r, json_t *data, char when[OUTBOX_TIME_SIZE])
{
	char ids[24];
	snprintf(ids, sizeof(ids), "%lld",
		 (long long)json_integer_value(json_object_get(r, "origin_id")));
	json_t *refs =
		json_pack("[{s:s, s:s, s:s}]", "origin", REPORT_OWNER, "type", "report", "id", ids);
	return outbox_emit_committed(type, refs, data, report_committed, when);
}

int
report_erase(long long oid, const char *reason)
{
	char ids[24];
	snprintf(ids, sizeof(ids), "%lld", oid);
	if (db_report_erase_media(REPORT_OWNER, oid) < 0 ||
	    outbox_erase(REPORT_OWNER, "report", ids, reason) < 0)
		return -1;
	return 0;
}

json_t *
report_photo_refs(json_t *photos)
{
	json_t *out = json_array();
	size_t i;
	json_t *p;
	json_array_foreach(photos, i, p)
	{
		json_array_append_new(out, json_pack("{s:O, s:O, s:O}", "sha256",
						     json_object_get(p, "sha256"), "width",
						     json_object_get(p, "width"), "height",
						     json_object_get(p, "height")));
	}
	return out;
}

/* Emit "report.created" for the public row r in the caller's transaction. */
static int
emit_created(json_t *r, char when[OUTBOX_TIME_SIZE])
{
	long long id = json_integer_value(json_object_get(r, "origin_id"));
	json_t *photos = report_photo_refs(json_object_get(r, "photos"));
	json_t *data = json_pack(
		"{s:I, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:o}", "id", (json_int_t)id, "ref",
		json_object_get(r, "ref"), "category", json_object_get(r, "category"), "title",
		json_object_get(r, "title"), "description", json_object_get(r, "description"),
		"place", json_object_get(r, "place"), "quarter", json_object_get(r, "quarter"),
		"lang", json_object_get(r, "lang"), "photos", photos);
	if (json_is_integer(json_object_get(r, "lat_e6"))) {
		json_object_set(data, "lat_e6", json_object_get(r, "lat_e6"));
		json_object_set(data, "lon_e6", json_object_get(r, "lon_e6"));
	}
	return report_emit("report.created", r, data, when);
}

json_t *
report_publish(json_t *row, bool from_pending, enum status *st)
{
	long long id = json_integer_value(json_object_get(row, "id"));
	char at[OUTBOX_TIME_SIZE];
	int rc = emit_created(row, at);
	if (rc < 0) {
		*st = rc == OUTBOX_BUSY ? STATUS_TOO_MANY : STATUS_UNAVAILABLE;
		return NULL;
	}
	json_t *r = db_report_publish(id, at, from_pending, st);
	if (r && db_report_timeline_append(id, REPORT_OWNER, "created", "", "", "", at) < 0) {
		json_decref(r);
		r = NULL;
		*st = STATUS_UNAVAILABLE;
	}
	return r;
}
