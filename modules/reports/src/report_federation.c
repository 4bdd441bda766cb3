// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Problem reports across the two platforms (docs/decisions/0007-reports.md): applying the
 * citizen's report.* events to the official mirror (which answers a new report, and a dispute,
 * with its own signed report.status), applying the commune's report.status on the citizen side,
 * and the one function both sides use to write a status, so that the rows, the timeline and
 * the times (the signed events' occurred_at) are identical on both.
 */
#include "internal.h"

#include "common/check.h"
#include "common/app.h"
#include "common/db.h"
#include "moderation/moderation.h"
#include "common/demo.h"
#include "common/module.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/page_util.h"
#include "common/photo.h"
#include "reports/report.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_QUARTER_MAX 40
#define REPORT_REASON_MAX 500
#define REPORT_SUPPORTERS_MAX 100000000
#define MICRODEGREES 1000000LL

/* ---- field checks (the peer's data is input like any other) ---- */

/* A JSON string without NUL bytes, at most max characters, without control characters. */
static const char *
text_field(json_t *data, const char *key, size_t max, bool multiline)
{
	json_t *v = json_object_get(data, key);
	const char *s = json_string_value(v);
	if (!s || strlen(s) != json_string_length(v) || utf8_length(s) > max ||
	    text_has_control(s, multiline))
		return NULL;
	return s;
}

/* A category of this platform's configuration (the peer's event is checked against ours). */
static bool
is_category_code(const struct app *app, const char *s)
{
	if (!s || strlen(s) != 3 || strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
		return false;
	return report_category(app, s) != NULL;
}

/* Lower-case letters, digits, '_' and '-': quarter codes and language tags. */
static bool
is_code(const char *s, size_t max)
{
	return s && strlen(s) <= max &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-ABCDEFGHIJKLMNOPQRSTUVWXYZ") ==
		       strlen(s);
}

/* A positive integer id, or -1. */
static long long
id_field(json_t *data, const char *key)
{
	json_t *v = json_object_get(data, key);
	return json_is_integer(v) && json_integer_value(v) > 0 ? json_integer_value(v) : -1;
}

static bool
photos_are_valid(json_t *photos)
{
	size_t i;
	json_t *p;
	if (!json_is_array(photos) || json_array_size(photos) > REPORT_PHOTOS_MAX)
		return false;
	json_array_foreach(photos, i, p)
	{
		json_t *w = json_object_get(p, "width"), *h = json_object_get(p, "height");
		if (!json_is_object(p) || json_object_size(p) != 3 ||
		    !is_sha256_hex(json_string_value(json_object_get(p, "sha256"))) ||
		    !json_is_integer(w) || json_integer_value(w) < 1 ||
		    json_integer_value(w) > PHOTO_MAX_SIDE || !json_is_integer(h) ||
		    json_integer_value(h) < 1 || json_integer_value(h) > PHOTO_MAX_SIDE)
			return false;
	}
	return true;
}

/* ---- SQL ---- */

/* The local id of the report (origin, origin_id), 0 when there is none, -1 on failure. */
static long long
db_report_local_id(const char *origin, long long origin_id)
{
	static const char q[] = "SELECT id FROM reports WHERE origin = $1 AND origin_id = $2";
	char oid[24];
	PGresult *res = db_exec(q, DB_PARAMS(origin, LL(oid, origin_id)));
	long long id = !res ? -1 : PQntuples(res) ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : 0;
	PQclear(res);
	return id;
}

static int
db_report_timeline_add(long long report_id, const char *side, const char *kind, const char *status,
		       const char *message, const char *body, const char *at)
{
	static const char q[] =
		"INSERT INTO report_timeline (report_id, side, kind, status, message, body, at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7)";
	char rid[24];
	return db_command(q, DB_PARAMS(LL(rid, report_id), side, kind, status, message, body, at));
}

/*
 * Mirror a new report. Returns the new local id, 0 when (origin, origin_id) is here already,
 * -1 on failure.
 */
static long long
db_report_mirror(const char *origin, long long origin_id, json_t *data, const char *at)
{
	static const char q[] =
		"INSERT INTO reports (origin, origin_id, ref, category, title, description, place,"
		" quarter, geom, lang, photos, created_at, updated_at) VALUES ($1, $2, $3, $4, $5,"
		" $6, $7, $8, CASE WHEN $9::bigint IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint("
		"$10::bigint::float8 / 1000000, $9::bigint::float8 / 1000000), 4326) END, $11,"
		" $12::jsonb, $13, $13) ON CONFLICT (origin, origin_id) DO NOTHING RETURNING id";
	char oid[24], lat[24], lon[24];
	json_t *jlat = json_object_get(data, "lat_e6"), *jlon = json_object_get(data, "lon_e6");
	char *photos = json_dumps(json_object_get(data, "photos"), JSON_COMPACT);
	PGresult *res =
		db_exec(q, DB_PARAMS(origin, LL(oid, origin_id),
				     json_string_value(json_object_get(data, "ref")),
				     json_string_value(json_object_get(data, "category")),
				     json_string_value(json_object_get(data, "title")),
				     json_string_value(json_object_get(data, "description")),
				     json_string_value(json_object_get(data, "place")),
				     json_string_value(json_object_get(data, "quarter")),
				     jlat ? LL(lat, json_integer_value(jlat)) : NULL,
				     jlon ? LL(lon, json_integer_value(jlon)) : NULL,
				     json_string_value(json_object_get(data, "lang")), photos, at));
	free(photos);
	long long id = !res ? -1 : PQntuples(res) ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : 0;
	PQclear(res);
	return id;
}

/* True when ref belongs to another report than (origin, origin_id); -1 on failure. */
static int
db_report_ref_taken(const char *ref, const char *origin, long long origin_id)
{
	static const char q[] = "SELECT 1 FROM reports WHERE ref = $1 AND NOT (origin = $2 AND"
				" origin_id = $3)";
	char oid[24];
	PGresult *res = db_exec(q, DB_PARAMS(ref, origin, LL(oid, origin_id)));
	int taken = !res ? -1 : PQntuples(res) > 0;
	PQclear(res);
	return taken;
}

/* Run a one-row update of report (origin, origin_id); STATUS_INVALID when there is none. */
static enum status
update_one(const char *q, int n, const char *const *params)
{
	PGresult *res = db_exec(q, n, params);
	enum status st = !res ? STATUS_UNAVAILABLE : PQntuples(res) ? STATUS_OK : STATUS_INVALID;
	PQclear(res);
	return st;
}

/*
 * The row a status is written to, locked: {id, origin_id, ref, status, status_message,
 * status_body, duplicate_of, assessment}, or NULL (*st NOT_FOUND or UNAVAILABLE).
 */
static json_t *
db_report_lock(long long id, const char *ref, enum status *st)
{
	static const char q[] =
		"SELECT json_build_object('id', id, 'origin_id', origin_id, 'ref', ref, 'status',"
		" status, 'status_message', status_message, 'status_body', status_body,"
		" 'duplicate_of', duplicate_of, 'assessment', assessment)::text FROM reports"
		" WHERE ($1::bigint IS NULL OR id = $1) AND ($2::text IS NULL OR ref = $2)"
		" FOR UPDATE";
	char rid[24];
	PGresult *res = db_exec(q, DB_PARAMS(id > 0 ? LL(rid, id) : NULL, ref));
	json_t *row = res && PQntuples(res) ? json_loads(PQgetvalue(res, 0, 0), 0, NULL) : NULL;
	*st = !res ? STATUS_UNAVAILABLE : row ? STATUS_OK : STATUS_NOT_FOUND;
	PQclear(res);
	return row;
}

/*
 * Write a commune status to report id at time at, with the time rules of the decision:
 * received_at is the first "received"; first_answer_at the first status after receipt that is
 * not a bare "received"; resolved_at the first "resolved"; a reopening counts a dispute. The
 * same statement runs on the origin and on the mirror.
 */
static int
db_report_status_write(long long id, const char *status, const char *message, const char *body,
		       const char *duplicate_of, bool reopened, const char *at)
{
	static const char q[] =
		"UPDATE reports SET status = $2, status_message = $3, status_body = $4,"
		" duplicate_of = $5,"
		" received_at = coalesce(received_at,"
		"  CASE WHEN $2 = 'received' THEN $7::timestamptz END),"
		" first_answer_at = coalesce(first_answer_at, CASE WHEN received_at IS NOT NULL AND"
		" NOT ($2 = 'received' AND $3 = '') THEN $7::timestamptz END),"
		" resolved_at = coalesce(resolved_at,"
		"  CASE WHEN $2 = 'resolved' THEN $7::timestamptz END),"
		" disputes = disputes + CASE WHEN $6 THEN 1 ELSE 0 END, updated_at = $7"
		" WHERE id = $1";
	/* the retention clock of the reporter's contact (citizen side only: no private row on the
	 * official side) starts when the commune closes the report, and stops if it reopens */
	static const char closed[] =
		"UPDATE report_private SET closed_at = CASE WHEN $2 THEN"
		" coalesce(closed_at, $3::timestamptz) END WHERE report_id = $1";
	char rid[24];
	if (db_command(q, DB_PARAMS(LL(rid, id), status, message, body, duplicate_of,
				    reopened ? "t" : "f", at)) < 0 ||
	    db_command(closed, DB_PARAMS(rid, report_status_is_open(status) ? "f" : "t", at)) < 0)
		return -1;
	return db_report_timeline_add(id, REPORT_ANSWERER, "status", status, message, body, at);
}

/* ---- the commune's statuses ---- */

const char *
report_status_check(const char *status, const char *message, const char *body,
		    const char *duplicate_of, const char *ref)
{
	if (!report_status_is_settable(status))
		return "unknown_status";
	if (utf8_length(message) > REPORT_MESSAGE_MAX)
		return "message_too_long";
	if (text_has_control(message, true))
		return "invalid_message";
	if (strcmp(status, "out_of_scope") == 0 && is_blank(body))
		return "body_required";
	if (utf8_length(body) > REPORT_PLACE_MAX || text_has_control(body, false))
		return "body_name_too_long";
	if (strcmp(status, "duplicate") == 0 && (!duplicate_of || !*duplicate_of))
		return "duplicate_required";
	if (duplicate_of && *duplicate_of &&
	    (!report_ref_is_valid(duplicate_of) || strcmp(duplicate_of, ref) == 0))
		return "duplicate_unknown";
	return NULL;
}

/* The event's data and refs for a status of report row r (stolen by outbox_emit). */
static int
emit_status(json_t *r, const char *status, const char *message, const char *body,
	    const char *duplicate_of, bool reopened, char when[OUTBOX_TIME_SIZE])
{
	json_t *origin_id = json_object_get(r, "origin_id");
	json_t *data = json_pack("{s:O, s:O, s:s, s:s}", "report", origin_id, "ref",
				 json_object_get(r, "ref"), "status", status, "message", message);
	if (body && *body)
		json_object_set_new(data, "body", json_string(body));
	if (duplicate_of && *duplicate_of)
		json_object_set_new(data, "duplicate_of", json_string(duplicate_of));
	if (reopened)
		json_object_set_new(data, "reopened", json_true());
	char ids[24];
	json_t *refs = json_pack("[{s:s, s:s, s:s}]", "origin", REPORT_OWNER, "type", "report",
				 "id", LL(ids, json_integer_value(origin_id)));
	return outbox_emit("report.status", refs, data, when);
}

/*
 * Emit and write one status in the caller's transaction (official side): the event first, so
 * that the row holds the signed event's time.
 */
static enum status
set_status_locked(json_t *r, const char *status, const char *message, const char *body,
		  const char *duplicate_of, bool reopened)
{
	char when[OUTBOX_TIME_SIZE];
	if (emit_status(r, status, message, body, duplicate_of, reopened, when) < 0)
		return STATUS_UNAVAILABLE;
	/* without an emitter (no federation) there is no signed time: the database's clock */
	const char *at = *when ? when : "now";
	return db_report_status_write(json_integer_value(json_object_get(r, "id")), status, message,
				      body, duplicate_of, reopened, at) < 0
		       ? STATUS_UNAVAILABLE
		       : STATUS_OK;
}

/* True when a report with this ref exists here; -1 on failure. */
static int
db_report_ref_exists(const char *ref)
{
	static const char q[] = "SELECT 1 FROM reports WHERE ref = $1";
	PGresult *res = db_exec(q, DB_PARAMS(ref));
	int found = !res ? -1 : PQntuples(res) > 0;
	PQclear(res);
	return found;
}

enum status
report_set_status(const char *ref, const char *status, const char *message, const char *body,
		  const char *duplicate_of, const char **code)
{
	enum status st = STATUS_UNAVAILABLE;
	json_t *r = NULL;
	*code = "database_unavailable";
	if (strcmp(status, "out_of_scope") != 0)
		body = ""; /* only a re-routed report names the body it went to */
	if (strcmp(status, "duplicate") != 0)
		duplicate_of = NULL;
	const char *bad = report_status_check(status, message, body, duplicate_of, ref);
	if (bad) {
		*code = bad;
		return STATUS_INVALID;
	}
	if (db_begin() < 0)
		return STATUS_UNAVAILABLE;
	r = db_report_lock(0, ref, &st);
	if (!r) {
		if (st == STATUS_NOT_FOUND)
			*code = "report_not_found";
		goto out;
	}
	if (duplicate_of) {
		int found = db_report_ref_exists(duplicate_of);
		if (found <= 0) {
			st = found < 0 ? STATUS_UNAVAILABLE : STATUS_INVALID;
			if (found == 0)
				*code = "duplicate_unknown";
			goto out;
		}
	}
	const char *had_dup = json_string_value(json_object_get(r, "duplicate_of"));
	if (strcmp(json_string_value(json_object_get(r, "status")), status) == 0 &&
	    strcmp(json_string_value(json_object_get(r, "status_message")), message) == 0 &&
	    strcmp(json_string_value(json_object_get(r, "status_body")), body) == 0 &&
	    !strcmp(had_dup ? had_dup : "", duplicate_of ? duplicate_of : "")) {
		/* a form sent twice: nothing new to sign */
		st = STATUS_CONFLICT;
		*code = "status_unchanged";
		goto out;
	}
	st = set_status_locked(r, status, message, body, duplicate_of, false);
	if (st == STATUS_OK && db_commit() < 0)
		st = STATUS_UNAVAILABLE;
	if (st == STATUS_OK)
		*code = NULL;
out:
	if (st != STATUS_OK)
		db_rollback();
	json_decref(r);
	return st;
}

/* ---- the citizen's events, on the official side ---- */

static enum status
apply_created(const struct hook_event *ev)
{
	const char *origin = ev->origin, *at = ev->occurred_at;
	json_t *data = ev->data;
	long long oid = id_field(data, "id");
	const char *ref = json_string_value(json_object_get(data, "ref"));
	const char *category = json_string_value(json_object_get(data, "category"));
	const char *title = text_field(data, "title", REPORT_TITLE_MAX, false);
	const char *description = text_field(data, "description", REPORT_DESCRIPTION_MAX, true);
	const char *place = text_field(data, "place", REPORT_PLACE_MAX, false);
	const char *quarter = json_string_value(json_object_get(data, "quarter"));
	const char *lang = json_string_value(json_object_get(data, "lang"));
	json_t *lat = json_object_get(data, "lat_e6"), *lon = json_object_get(data, "lon_e6");
	bool has_point = lat || lon;
	if (oid < 0 || !report_ref_is_valid(ref) || !is_category_code(ev->app, category) ||
	    !title || !description || !place || (is_blank(title) && is_blank(description)) ||
	    !is_code(quarter, REPORT_QUARTER_MAX) || !lang || !*lang || !is_code(lang, 16) ||
	    (has_point && (!json_is_integer(lat) || !json_is_integer(lon) ||
			   llabs(json_integer_value(lat)) > 90 * MICRODEGREES ||
			   llabs(json_integer_value(lon)) > 180 * MICRODEGREES)) ||
	    (!has_point && is_blank(place)) || !photos_are_valid(json_object_get(data, "photos"))) {
		log_warn("report.created event from %s does not have the expected fields", origin);
		return STATUS_INVALID;
	}
	int taken = db_report_ref_taken(ref, origin, oid);
	if (taken) {
		if (taken > 0)
			log_warn("report.created event from %s: reference %s belongs to another "
				 "report here",
				 origin, ref);
		return taken > 0 ? STATUS_INVALID : STATUS_UNAVAILABLE;
	}
	long long id = db_report_mirror(origin, oid, data, at);
	if (id <= 0)
		return id < 0 ? STATUS_UNAVAILABLE : STATUS_OK; /* 0: mirrored already */
	if (db_report_timeline_add(id, REPORT_OWNER, "created", "", "", "", at) < 0)
		return STATUS_UNAVAILABLE;
	/* the commune's receipt, signed by the commune: the start of every delay */
	enum status st;
	json_t *r = db_report_lock(id, NULL, &st);
	if (!r)
		return STATUS_UNAVAILABLE;
	st = set_status_locked(r, "received", "", "", NULL, false);
	json_decref(r);
	return st;
}

static enum status
apply_supported(const struct hook_event *ev)
{
	const char *origin = ev->origin, *at = ev->occurred_at;
	json_t *data = ev->data;
	static const char q[] = "UPDATE reports SET supporters = $3, updated_at = $4 WHERE origin"
				" = $1 AND origin_id = $2 RETURNING id";
	long long oid = id_field(data, "id");
	json_t *n = json_object_get(data, "supporters");
	char oids[24], ns[24];
	if (oid < 0 || !json_is_integer(n) || json_integer_value(n) < 0 ||
	    json_integer_value(n) > REPORT_SUPPORTERS_MAX) {
		log_warn("report.supported event from %s does not have the expected fields",
			 origin);
		return STATUS_INVALID;
	}
	enum status st =
		update_one(q, DB_PARAMS(origin, LL(oids, oid), LL(ns, json_integer_value(n)), at));
	if (st == STATUS_INVALID)
		log_warn("report.supported event from %s: no report %lld here", origin, oid);
	return st;
}

/*
 * The local copy of report origin_id (of the citizen platform) that an event of type from
 * origin is about, locked (see db_report_lock), with its local *id; NULL with *st INVALID when
 * it is not here (logged) or UNAVAILABLE.
 */
static json_t *
event_report_lock(const char *type, const char *origin, long long origin_id, long long *id,
		  enum status *st)
{
	*id = db_report_local_id(REPORT_OWNER, origin_id);
	if (*id <= 0) {
		if (*id == 0)
			log_warn("%s event from %s: no report %lld here", type, origin, origin_id);
		*st = *id < 0 ? STATUS_UNAVAILABLE : STATUS_INVALID;
		return NULL;
	}
	json_t *r = db_report_lock(*id, NULL, st);
	if (!r)
		*st = STATUS_UNAVAILABLE;
	return r;
}

static enum status
apply_assessed(const struct hook_event *ev)
{
	const char *origin = ev->origin, *at = ev->occurred_at;
	json_t *data = ev->data;
	static const char q[] =
		"UPDATE reports SET assessment = $3, assessment_comment = $4, updated_at = $5"
		" WHERE origin = $1 AND origin_id = $2 RETURNING id";
	long long oid = id_field(data, "id");
	const char *assessment = json_string_value(json_object_get(data, "assessment"));
	const char *comment = text_field(data, "comment", REPORT_MESSAGE_MAX, true);
	if (oid < 0 || !assessment ||
	    (strcmp(assessment, "confirmed") && strcmp(assessment, "disputed")) || !comment) {
		log_warn("report.assessed event from %s does not have the expected fields", origin);
		return STATUS_INVALID;
	}
	long long id;
	enum status st;
	json_t *r = event_report_lock("report.assessed", origin, oid, &id, &st);
	if (!r)
		return st;
	bool reopen = strcmp(assessment, "disputed") == 0 &&
		      strcmp(json_string_value(json_object_get(r, "status")), "resolved") == 0;
	char ids[24];
	st = update_one(q, DB_PARAMS(origin, LL(ids, oid), assessment, comment, at));
	if (st == STATUS_OK &&
	    db_report_timeline_add(id, REPORT_OWNER, "assessed", assessment, comment, "", at) < 0)
		st = STATUS_UNAVAILABLE;
	/* the reporter says it is not fixed: the case is open again in the commune's inbox */
	if (st == STATUS_OK && reopen)
		st = set_status_locked(r, "received", "", "", NULL, true);
	json_decref(r);
	return st;
}

static enum status
apply_hidden(const struct hook_event *ev)
{
	const char *origin = ev->origin, *at = ev->occurred_at;
	json_t *data = ev->data;
	static const char q[] =
		"UPDATE reports SET title = '', description = '', place = '', visibility ="
		" 'hidden', hidden_reason = $3, text_sha256 = $4, updated_at = $5 WHERE origin = $1"
		" AND origin_id = $2 AND visibility <> 'hidden' RETURNING id";
	long long oid = id_field(data, "id");
	const char *reason = text_field(data, "reason", REPORT_REASON_MAX, false);
	const char *sha = json_string_value(json_object_get(data, "text_sha256"));
	json_t *mid = json_object_get(data, "moderation_id");
	if (oid < 0 || !reason || is_blank(reason) || !is_sha256_hex(sha) ||
	    (mid && (!json_is_integer(mid) || json_integer_value(mid) <= 0))) {
		log_warn("report.hidden event from %s does not have the expected fields", origin);
		return STATUS_INVALID;
	}
	char ids[24];
	enum status st = update_one(q, DB_PARAMS(origin, LL(ids, oid), reason, sha, at));
	if (st == STATUS_INVALID) {
		log_warn("report.hidden event from %s: no visible report %lld here", origin, oid);
		return st;
	}
	if (st != STATUS_OK)
		return st;
	long long id = db_report_local_id(origin, oid);
	if (id <= 0 || db_report_timeline_add(id, REPORT_OWNER, "hidden", "", reason, "", at) < 0)
		return STATUS_UNAVAILABLE;
	/*
	 * The public moderation log shows why, here as on the collective's platform. Its entries
	 * are keyed by the origin's id: without one in the event, a local id could collide with
	 * a later entry of the collective's, so the hidden report's timeline is the record.
	 */
	if (!mid)
		return STATUS_OK;
	char target[40];
	snprintf(target, sizeof(target), "report/%lld", oid);
	json_t *m = db_moderation_add(origin, json_integer_value(mid), "hide_report", target,
				      reason, sha, at, &st);
	json_decref(m);
	if (st == STATUS_CONFLICT) {
		log_warn("report.hidden event from %s: moderation %lld is logged already", origin,
			 (long long)json_integer_value(mid));
		st = STATUS_OK; /* the report is hidden all the same */
	}
	return st;
}

/* ---- the commune's statuses, on the citizen side ---- */

static enum status
apply_status(const struct hook_event *ev)
{
	const char *origin = ev->origin, *at = ev->occurred_at;
	json_t *data = ev->data;
	long long oid = id_field(data, "report");
	const char *ref = json_string_value(json_object_get(data, "ref"));
	const char *status = json_string_value(json_object_get(data, "status"));
	const char *message = text_field(data, "message", REPORT_MESSAGE_MAX, true);
	json_t *jbody = json_object_get(data, "body"),
	       *jdup = json_object_get(data, "duplicate_of");
	json_t *jreopened = json_object_get(data, "reopened");
	const char *body = jbody ? text_field(data, "body", REPORT_PLACE_MAX, false) : "";
	const char *dup = jdup ? json_string_value(jdup) : NULL;
	if (oid < 0 || !report_ref_is_valid(ref) || !status || !message || !body ||
	    (jdup && !dup) || (jreopened && !json_is_boolean(jreopened)) ||
	    report_status_check(status, message, body, dup, ref)) {
		log_warn("report.status event from %s does not have the expected fields", origin);
		return STATUS_INVALID;
	}
	long long id;
	enum status st;
	json_t *r = event_report_lock("report.status", origin, oid, &id, &st);
	if (!r)
		return st;
	if (strcmp(json_string_value(json_object_get(r, "ref")), ref) != 0) {
		log_warn("report.status event from %s: report %lld is %s here, not %s", origin, oid,
			 json_string_value(json_object_get(r, "ref")), ref);
		json_decref(r);
		return STATUS_INVALID;
	}
	json_decref(r);
	return db_report_status_write(id, status, message, body, dup, json_is_true(jreopened), at) <
			       0
		       ? STATUS_UNAVAILABLE
		       : STATUS_OK;
}

enum status
hook_report(const struct hook_event *ev)
{
	const char *origin = ev->origin;
	const char *type = ev->type;
	json_t *data = ev->data;
	const char *at = ev->occurred_at;
	bool from_owner = strcmp(origin, REPORT_OWNER) == 0;
	bool is_status = strcmp(type, "report.status") == 0;
	if (strcmp(type, "report.created") && strcmp(type, "report.supported") &&
	    strcmp(type, "report.assessed") && strcmp(type, "report.hidden") && !is_status)
		return STATUS_NOT_FOUND;
	if (is_status ? strcmp(origin, REPORT_ANSWERER) != 0 : !from_owner) {
		log_warn("%s event from %s: written on the %s platform only", type, origin,
			 is_status ? REPORT_ANSWERER : REPORT_OWNER);
		return STATUS_INVALID;
	}
	if (!json_is_object(data) || !at || !*at) {
		log_warn("%s event from %s has no data or time", type, origin);
		return STATUS_INVALID;
	}
	if (is_status)
		return apply_status(ev);
	if (strcmp(type, "report.created") == 0)
		return apply_created(ev);
	if (strcmp(type, "report.supported") == 0)
		return apply_supported(ev);
	if (strcmp(type, "report.assessed") == 0)
		return apply_assessed(ev);
	return apply_hidden(ev);
}

/* ---- demo ---- */

/*
 * The mirrored report whose title is title: {ref, answered} where answered counts the
 * commune's statuses after its receipt; NULL when not here (yet) or on failure (*failed).
 */
static json_t *
db_demo_report(const char *title, bool *failed)
{
	static const char q[] =
		"SELECT json_build_object('ref', r.ref, 'answered', (SELECT count(*) FROM"
		" report_timeline t WHERE t.report_id = r.id AND t.side = 'official') - 1)::text"
		" FROM reports r WHERE r.origin = 'citizen' AND r.title = $1 AND r.received_at IS"
		" NOT NULL ORDER BY r.id LIMIT 1";
	PGresult *res = db_exec(q, DB_PARAMS(title));
	*failed = !res;
	json_t *r = res && PQntuples(res) ? json_loads(PQgetvalue(res, 0, 0), 0, NULL) : NULL;
	PQclear(res);
	return r;
}

int
report_answers_demo_load(struct app *app, const char *dir)
{
	char *path;
	json_t *list;
	size_t given = 0, present = 0, waiting = 0;
	int rc = demo_open_array(app, dir, "report_answers.json", REPORT_ANSWERER,
				 "the commune's answers are written", &path, &list);
	if (rc <= 0)
		goto out;
	rc = -1;
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e)
	{
		const char *title = json_string_value(json_object_get(e, "title"));
		json_t *steps = json_object_get(e, "steps");
		if (!title || !json_is_array(steps)) {
			fprintf(stderr, "%s: entry %zu needs a title and steps\n", path, i);
			goto out;
		}
		bool failed;
		json_t *r = db_demo_report(title, &failed);
		if (!r) {
			if (failed)
				goto out;
			waiting++;
			continue;
		}
		const char *ref = json_string_value(json_object_get(r, "ref"));
		size_t done = (size_t)json_integer_value(json_object_get(r, "answered"));
		size_t k;
		json_t *s;
		json_array_foreach(steps, k, s)
		{
			if (k < done) {
				present++;
				continue;
			}
			const char *status = json_string_value(json_object_get(s, "status"));
			const char *message = json_string_value(json_object_get(s, "message"));
			const char *body = json_string_value(json_object_get(s, "body"));
			const char *dup_title =
				json_string_value(json_object_get(s, "duplicate_of_title"));
			json_t *dup = NULL;
			if (dup_title && !(dup = db_demo_report(dup_title, &failed))) {
				waiting++;
				break; /* its original is not mirrored yet: the next load answers it
					*/
			}
			const char *code = NULL;
			enum status st = report_set_status(
				ref, status ? status : "", message ? message : "", body ? body : "",
				dup ? json_string_value(json_object_get(dup, "ref")) : NULL, &code);
			json_decref(dup);
			if (st != STATUS_OK) {
				fprintf(stderr, "%s: entry %zu, step %zu: %s\n", path, i, k, code);
				json_decref(r);
				goto out;
			}
			given++;
		}
		json_decref(r);
	}
	printf("%s: %zu demo report answers given, %zu already there\n", app->side, given, present);
	if (waiting)
		printf("%s: %zu demo reports wait to be mirrored from the citizen platform;"
		       " load the demo again once the platforms are paired and in sync\n",
		       app->side, waiting);
	rc = 0;
out:
	json_decref(list);
	free(path);
	return rc;
}
