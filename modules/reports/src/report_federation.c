// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The report.* appliers (docs/decisions/0007-reports.md): the citizen's events applied to the
 * official mirror (which answers a new report, and a dispute, with its own signed
 * report.status, report_status.c), and the commune's report.status applied on the citizen
 * side, so that the rows, the timeline and the times (the signed events' occurred_at) are
 * identical on both. The peer's data is checked like any input before any SQL runs.
 */
#include "internal.h"

#include "common/check.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/page_util.h"
#include "common/photo.h"
#include "db_report_federation.h"
#include "moderation/moderation.h"
#include "notify/notify.h"
#include "reports/db_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_QUARTER_MAX 40
#define REPORT_REASON_MAX 500
#define REPORT_SUPPORTERS_MAX 100000000

/* ---- field checks (the peer's data is input like any other) ---- */

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

/* The peer's event does not fit (logged): it is kept, flagged, and the mirror is unchanged. */
static enum status
unfit(const struct hook_event *ev)
{
	log_warn("%s event from %s does not have the expected fields", ev->type, ev->origin);
	return STATUS_INVALID;
}

/* The applier's status of a mirror update: 1 changed, 0 no such report here, -1 failed. */
static enum status
changed_status(int changed)
{
	return changed > 0 ? STATUS_OK : changed == 0 ? STATUS_INVALID : STATUS_UNAVAILABLE;
}

/* ---- the citizen's events, on the official side ---- */

/*
 * A report.created whose content its origin erased before this side read it: the erased
 * fields read as empty (no text, no point, no photos), and the report.hidden that follows in
 * the same log hides the mirror with its reason.
 */
static json_t *
created_without_withheld(const struct hook_event *ev)
{
	json_t *data = json_copy(ev->data);
	static const char *const texts[] = {"title", "description", "place"};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (json_object_get(ev->withheld, texts[i]))
			json_object_set_new(data, texts[i], json_string(""));
	if (json_object_get(ev->withheld, "photos"))
		json_object_set_new(data, "photos", json_array());
	if (json_object_get(ev->withheld, "lat_e6") || json_object_get(ev->withheld, "lon_e6")) {
		json_object_del(data, "lat_e6");
		json_object_del(data, "lon_e6");
	}
	return data;
}

/* The commune's receipt or reopening of report oid of origin is signed already when an own
 * event about it waits to be restored (common/outbox.h): 1, 0, -1. */
static int
answer_waits(const char *origin, long long oid)
{
	char ids[24];
	snprintf(ids, sizeof(ids), "%lld", oid);
	int waits = outbox_restoring(origin, "report", ids);
	if (waits > 0)
		log_info("report %lld of %s: the commune's answer was signed before the database "
			 "was restored and comes back with the own log",
			 oid, origin);
	return waits;
}

static enum status restore_created(const struct hook_event *ev, json_t *data, long long oid);

static enum status
apply_created_data(const struct hook_event *ev, json_t *data, bool erased, bool own)
{
	const char *origin = ev->origin, *at = ev->occurred_at;
	long long oid = id_field(data, "id");
	const char *ref = json_string_value(json_object_get(data, "ref"));
	const char *category = json_string_value(json_object_get(data, "category"));
	const char *title = json_text_member(data, "title", REPORT_TITLE_MAX, false);
	const char *description =
		json_text_member(data, "description", REPORT_DESCRIPTION_MAX, true);
	const char *place = json_text_member(data, "place", REPORT_PLACE_MAX, false);
	const char *quarter = json_string_value(json_object_get(data, "quarter"));
	const char *lang = json_string_value(json_object_get(data, "lang"));
	json_t *lat = json_object_get(data, "lat_e6"), *lon = json_object_get(data, "lon_e6");
	bool has_point = lat || lon;
	if (oid < 0 || !report_ref_is_valid(ref) || !is_category_code(ev->app, category) ||
	    !title || !description || !place ||
	    (!erased && is_blank(title) && is_blank(description)) ||
	    !is_code(quarter, REPORT_QUARTER_MAX) || !lang || !*lang || !is_code(lang, 16) ||
	    (has_point && (!json_is_integer(lat) || !json_is_integer(lon) ||
			   llabs(json_integer_value(lat)) > 90 * MICRODEGREES ||
			   llabs(json_integer_value(lon)) > 180 * MICRODEGREES)) ||
	    (!erased && !has_point && is_blank(place)) ||
	    !photos_are_valid(json_object_get(data, "photos")))
		return unfit(ev);
	int taken = db_report_ref_taken(ref, origin, oid);
	if (taken) {
		if (taken > 0)
			log_warn("report.created event from %s: reference %s belongs to another "
				 "report here",
				 origin, ref);
		return taken > 0 ? STATUS_INVALID : STATUS_UNAVAILABLE;
	}
	if (own)
		return restore_created(ev, data, oid);
	long long id = db_report_mirror(origin, oid, data, at);
	if (id <= 0)
		return id < 0 ? STATUS_UNAVAILABLE : STATUS_OK; /* 0: mirrored already */
	if (db_report_timeline_append(id, REPORT_OWNER, "created", "", "", "", at) < 0)
		return STATUS_UNAVAILABLE;
	/* the commune's receipt, signed by the commune: the start of every delay (once: after
	 * a restore of this side the receipt may be in the own log already) */
	int waits = answer_waits(origin, oid);
	if (waits)
		return waits < 0 ? STATUS_UNAVAILABLE : STATUS_OK;
	enum status st;
	json_t *r = db_report_lock(id, NULL, &st);
	if (!r)
		return STATUS_UNAVAILABLE;
	st = report_status_emit(r, "received", "", "", NULL, false);
	json_decref(r);
	return st;
}

static enum status
apply_created(const struct hook_event *ev, bool own)
{
	if (!ev->withheld)
		return apply_created_data(ev, ev->data, false, own);
	json_t *data = created_without_withheld(ev);
	enum status st = apply_created_data(ev, data, true, own);
	json_decref(data);
	return st;
}

/*
 * The citizen platform's own report, written back from its report.created after a database
 * restore (docs/decisions/0010): public under its id, its timeline's "created" at the event's
 * time and an entry saying it was restored. Its photos come back only when their bytes are
 * still here: they were stored on this side alone (the peer links to them), so a photo of the
 * lost days is gone; the entry and a log line say so. The reporter's contact and tracking link
 * were in no event: the report has no private row, and so no tracking page.
 */
static enum status
restore_created(const struct hook_event *ev, json_t *data, long long oid)
{
	const char *ref = json_string_value(json_object_get(data, "ref"));
	json_t *shas = json_array();
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(data, "photos"), i, p)
	{
		json_array_append(shas, json_object_get(p, "sha256"));
	}
	json_t *known = json_array_size(shas) ? db_photos_known(shas) : json_array();
	size_t lost = known ? json_array_size(shas) - json_array_size(known) : 0;
	json_decref(shas);
	if (!known)
		return STATUS_UNAVAILABLE;
	long long id = db_report_restore(ev->origin, oid, data, known, ev->occurred_at);
	json_decref(known);
	if (id <= 0)
		return id < 0 ? STATUS_UNAVAILABLE : STATUS_OK; /* 0: restored already */
	if (db_report_timeline_append(id, REPORT_OWNER, "created", "", "", "", ev->occurred_at) <
		    0 ||
	    db_report_timeline_append(id, REPORT_OWNER, lost ? "restored_photos" : "restored", "",
				      "", "", NULL) < 0)
		return STATUS_UNAVAILABLE;
	log_warn("report %s restored from the own log: no contact or tracking link (never in an "
		 "event)%s",
		 ref, lost ? "; its photos were stored here only and are lost" : "");
	return STATUS_OK;
}

static enum status
apply_supported(const struct hook_event *ev)
{
	const char *origin = ev->origin, *at = ev->occurred_at;
	json_t *data = ev->data;
	long long oid = id_field(data, "id");
	json_t *n = json_object_get(data, "supporters");
	if (oid < 0 || !json_is_integer(n) || json_integer_value(n) < 0 ||
	    json_integer_value(n) > REPORT_SUPPORTERS_MAX)
		return unfit(ev);
	int changed = db_report_mirror_supporters(origin, oid, json_integer_value(n), at);
	if (changed == 0)
		log_warn("report.supported event from %s: no report %lld here", origin, oid);
	return changed_status(changed);
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
apply_assessed(const struct hook_event *ev, bool own)
{
	const char *origin = ev->origin, *at = ev->occurred_at;
	json_t *data = ev->data;
	long long oid = id_field(data, "id");
	const char *assessment = json_string_value(json_object_get(data, "assessment"));
	const char *comment = json_text_member(data, "comment", REPORT_MESSAGE_MAX, true);
	if (oid < 0 || !assessment ||
	    (strcmp(assessment, "confirmed") && strcmp(assessment, "disputed")) || !comment)
		return unfit(ev);
	long long id;
	enum status st;
	json_t *r = event_report_lock("report.assessed", origin, oid, &id, &st);
	if (!r)
		return st;
	/* restoring the own assessment: the commune's reopening is the commune's to sign */
	bool reopen = !own && strcmp(assessment, "disputed") == 0 &&
		      strcmp(json_string_value(json_object_get(r, "status")), "resolved") == 0;
	/* ... and after a restore of the commune's side it may be signed already */
	int waits = reopen ? answer_waits(origin, oid) : 0;
	if (waits > 0)
		reopen = false;
	int has = own ? db_report_timeline_has(id, REPORT_OWNER, "assessed", assessment, at) : 0;
	if (has || waits < 0) {
		json_decref(r);
		return has < 0 || waits < 0 ? STATUS_UNAVAILABLE : STATUS_OK; /* restored already */
	}
	st = changed_status(db_report_mirror_assessment(origin, oid, assessment, comment, at));
	if (st == STATUS_OK && db_report_timeline_append(id, REPORT_OWNER, "assessed", assessment,
							 comment, "", at) < 0)
		st = STATUS_UNAVAILABLE;
	/* the reporter says it is not fixed: the case is open again in the commune's inbox */
	if (st == STATUS_OK && reopen)
		st = report_status_emit(r, "received", "", "", NULL, true);
	json_decref(r);
	return st;
}

static enum status
apply_hidden(const struct hook_event *ev, bool own)
{
	const char *origin = ev->origin, *at = ev->occurred_at;
	json_t *data = ev->data;
	long long oid = id_field(data, "id");
	const char *reason = json_text_member(data, "reason", REPORT_REASON_MAX, false);
	const char *sha = json_string_value(json_object_get(data, "text_sha256"));
	json_t *mid = json_object_get(data, "moderation_id");
	if (oid < 0 || !reason || is_blank(reason) || !is_sha256_hex(sha) ||
	    (mid && (!json_is_integer(mid) || json_integer_value(mid) <= 0)))
		return unfit(ev);
	enum status st = changed_status(db_report_mirror_hide(origin, oid, reason, sha, at));
	if (st == STATUS_INVALID && own && db_report_local_id(origin, oid) > 0)
		return STATUS_OK; /* restored already */
	if (st == STATUS_INVALID) {
		log_warn("report.hidden event from %s: no visible report %lld here", origin, oid);
		return st;
	}
	if (st != STATUS_OK)
		return st;
	long long id = db_report_local_id(origin, oid);
	if (id <= 0 || report_erase(oid, reason) < 0 ||
	    db_report_timeline_append(id, REPORT_OWNER, "hidden", "", reason, "", at) < 0)
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
	if (own)
		return db_moderation_restore(origin, json_integer_value(mid), "hide_report", target,
					     reason, sha, at) < 0
			       ? STATUS_UNAVAILABLE
			       : STATUS_OK;
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
apply_status(const struct hook_event *ev, bool own)
{
	const char *origin = ev->origin, *at = ev->occurred_at;
	json_t *data = ev->data;
	long long oid = id_field(data, "report");
	const char *ref = json_string_value(json_object_get(data, "ref"));
	const char *status = json_string_value(json_object_get(data, "status"));
	const char *message = json_text_member(data, "message", REPORT_MESSAGE_MAX, true);
	json_t *jbody = json_object_get(data, "body"),
	       *jdup = json_object_get(data, "duplicate_of");
	json_t *jreopened = json_object_get(data, "reopened");
	const char *body = jbody ? json_text_member(data, "body", REPORT_PLACE_MAX, false) : "";
	const char *dup = jdup ? json_string_value(jdup) : NULL;
	if (oid < 0 || !report_ref_is_valid(ref) || !status || !message || !body ||
	    (jdup && !dup) || (jreopened && !json_is_boolean(jreopened)) ||
	    report_status_check(status, message, body, dup, ref))
		return unfit(ev);
	long long id;
	enum status st;
	json_t *r = event_report_lock("report.status", origin, oid, &id, &st);
	if (!r)
		/* restoring the commune's own status of a report the mirror does not hold yet:
		 * it comes with the peer's log, pulled after the recovery */
		return own && id == 0 ? STATUS_CONFLICT : st;
	if (strcmp(json_string_value(json_object_get(r, "ref")), ref) != 0) {
		log_warn("report.status event from %s: report %lld is %s here, not %s", origin, oid,
			 json_string_value(json_object_get(r, "ref")), ref);
		json_decref(r);
		return STATUS_INVALID;
	}
	const char *title = json_string_value(json_object_get(r, "title"));
	char path[40], key[48];
	snprintf(path, sizeof(path), "/reports/%s", ref);
	snprintf(key, sizeof(key), "report_notify_%s", status);
	int has = own ? db_report_timeline_has(id, REPORT_ANSWERER, "status", status, at) : 0;
	if (has) {
		json_decref(r);
		return has < 0 ? STATUS_UNAVAILABLE : STATUS_OK; /* restored already */
	}
	/* its followers (residents who asked, module notify) get it in their digest; the
	 * commune's own status restored has no followers on its side */
	int rc =
		db_report_status_write(id, status, message, body, dup, json_is_true(jreopened), at);
	if (rc == 0 && !own)
		rc = notify_item_changed("report", ref, title && *title ? title : ref, path, key,
					 NULL);
	json_decref(r);
	return rc < 0 ? STATUS_UNAVAILABLE : STATUS_OK;
}

/* The report.* events of the peer (own false) or, restored, of this platform (own true). */
static enum status
report_apply(const struct hook_event *ev, bool own)
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
		return apply_status(ev, own);
	if (strcmp(type, "report.created") == 0)
		return apply_created(ev, own);
	if (strcmp(type, "report.supported") == 0)
		return apply_supported(ev);
	if (strcmp(type, "report.assessed") == 0)
		return apply_assessed(ev, own);
	return apply_hidden(ev, own);
}

enum status
hook_report(const struct hook_event *ev)
{
	return report_apply(ev, false);
}

enum status
restore_report(const struct hook_event *ev)
{
	return report_apply(ev, true);
}
