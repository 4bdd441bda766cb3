// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The proposal.* appliers: the citizen platform's proposals, tallies, thresholds, deadlines,
 * arguments and hidings on the official mirror; the commune's proposal.stage on the citizen
 * side (whose followers are then told). The peer's data is checked like any input before SQL.
 * The same appliers, own, are the restorers of the platform's own proposal.* events re-imported
 * after a database restore (docs/decisions/0010): the own rows written back under their ids.
 */
#include "internal.h"

#include "common/check.h"
#include "common/log.h"
#include "common/page_util.h"
#include "common/photo.h"
#include "db_proposal.h"
#include "moderation/moderation.h"
#include "notify/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUPPORTERS_MAX 100000000
#define DAYS_MAX 730

/* A positive integer member at most max, or -1. */
static long long
int_field(json_t *data, const char *key, long long max)
{
	json_t *v = json_object_get(data, key);
	long long n = json_is_integer(v) ? json_integer_value(v) : -1;
	return n > 0 && n <= max ? n : -1;
}

static bool
is_code(const char *s, size_t max)
{
	return s && *s && strlen(s) <= max &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == strlen(s);
}

static enum status
unfit(const struct hook_event *ev)
{
	log_warn("%s event from %s does not have the expected fields", ev->type, ev->origin);
	return STATUS_INVALID;
}

static enum status
by_count(int changed, const struct hook_event *ev)
{
	if (changed == 0)
		log_warn("%s event from %s: no such proposal here (or applied already)", ev->type,
			 ev->origin);
	return changed < 0 ? STATUS_UNAVAILABLE : STATUS_OK;
}

/* The local copy (locked) of the proposal the event names by data's key; NULL with *st. */
static json_t *
local(const struct hook_event *ev, const char *key, enum status *st)
{
	long long oid = int_field(ev->data, key, (long long)1 << 62);
	json_t *r = oid > 0 ? db_proposal_lock_origin(PROPOSAL_OWNER, oid, st) : NULL;
	if (oid <= 0)
		*st = unfit(ev);
	else if (!r && *st == STATUS_NOT_FOUND) {
		log_warn("%s event from %s: no proposal %lld here", ev->type, ev->origin, oid);
		*st = STATUS_INVALID;
	}
	return r;
}

/* ---- the citizen's events, on the official side ---- */

/* A field the origin erased before this side read it reads as empty. */
static const char *
committed_text(const struct hook_event *ev, const char *key, size_t max, bool multiline)
{
	if (json_object_get(ev->withheld, key))
		return "";
	return json_text_member(ev->data, key, max, multiline);
}

static enum status
apply_created(const struct hook_event *ev, bool own)
{
	json_t *d = ev->data;
	long long oid = int_field(d, "id", (long long)1 << 62);
	long long threshold = int_field(d, "threshold", SUPPORTERS_MAX);
	long long days = int_field(d, "support_days", DAYS_MAX);
	json_t *lat = json_object_get(d, "lat_e6"), *lon = json_object_get(d, "lon_e6");
	json_t *photo = json_object_get(d, "photo");
	struct proposal_new in = {
		.ref = json_string_value(json_object_get(d, "ref")),
		.type = json_string_value(json_object_get(d, "type")),
		.title = committed_text(ev, "title", PROPOSAL_TITLE_MAX, false),
		.body = committed_text(ev, "body", PROPOSAL_BODY_MAX, true),
		.quarter = json_string_value(json_object_get(d, "quarter")),
		.author_name = committed_text(ev, "author_name", PROPOSAL_NAME_MAX, false),
		.lang = json_string_value(json_object_get(d, "lang")),
		.threshold = (long)threshold,
	};
	long long la = json_integer_value(lat), lo = json_integer_value(lon);
	if (oid < 0 || threshold < 0 || days < 0 || !public_ref_is_valid('P', in.ref) ||
	    !proposal_type_is_valid(ev->app, in.type) || !in.title || !in.body || !in.author_name ||
	    !proposal_quarter_is_valid(in.quarter) || !is_code(in.lang, 16) ||
	    (lat || lon) != (json_is_integer(lat) && json_is_integer(lon)) ||
	    llabs(la) > 90 * MICRODEGREES || llabs(lo) > 180 * MICRODEGREES ||
	    (photo && !photo_ref_is_valid(photo)))
		return unfit(ev);
	if (json_is_integer(lat)) {
		in.lat_e6 = &la;
		in.lon_e6 = &lo;
	}
	char *photo_text = photo ? json_dumps(photo, JSON_COMPACT) : NULL;
	in.photo = photo_text;
	long long id = db_proposal_mirror(ev->origin, oid, &in, ev->occurred_at, (long)days, own);
	free(photo_text);
	return id < 0 ? STATUS_UNAVAILABLE : STATUS_OK;
}

/* The tally. Own (restored): the supports rows the restore lost stay lost (no event names a
 * supporter): the count is the event's, and a withdrawal of one of them finds no row. */
static enum status
apply_supported(const struct hook_event *ev, bool own)
{
	long long oid = int_field(ev->data, "id", (long long)1 << 62);
	json_t *n = json_object_get(ev->data, "supporters");
	if (oid < 0 || !json_is_integer(n) || json_integer_value(n) < 0 ||
	    json_integer_value(n) > SUPPORTERS_MAX)
		return unfit(ev);
	return by_count(
		db_proposal_set_supporters(ev->origin, oid, (long)json_integer_value(n), own), ev);
}

static enum status
apply_deadline(const struct hook_event *ev)
{
	enum status st;
	json_t *r = local(ev, "id", &st);
	if (!r)
		return st;
	long long id = json_integer_value(json_object_get(r, "id"));
	int c;
	if (strcmp(ev->type, "proposal.forwarded") == 0) {
		/* 0 days: due at once (the demo's overdue proposal) */
		json_t *jdays = json_object_get(ev->data, "answer_days");
		long long days = json_is_integer(jdays) ? json_integer_value(jdays) : -1;
		long long n = int_field(ev->data, "supporters", SUPPORTERS_MAX);
		c = days >= 0 && days <= DAYS_MAX && n > 0
			    ? db_proposal_forward(id, ev->occurred_at, (long)days, (long)n)
			    : -2;
	} else if (strcmp(ev->type, "proposal.expired") == 0) {
		c = db_proposal_expire(id, ev->occurred_at);
	} else {
		c = db_proposal_overdue(id, ev->occurred_at);
	}
	json_decref(r);
	return c == -2 ? unfit(ev) : by_count(c, ev);
}

/* The public moderation log's entry of a hiding, keyed by the origin's id (own: written back
 * under its id). */
static enum status
log_hiding(const struct hook_event *ev, const char *action, const char *target, const char *reason,
	   const char *sha, bool own)
{
	json_t *mid = json_object_get(ev->data, "moderation_id");
	if (!json_is_integer(mid))
		return STATUS_OK;
	if (own)
		return db_moderation_restore(ev->origin, json_integer_value(mid), action, target,
					     reason, sha, ev->occurred_at);
	enum status st;
	json_t *m = db_moderation_add(ev->origin, json_integer_value(mid), action, target, reason,
				      sha, ev->occurred_at, &st);
	json_decref(m);
	return st == STATUS_CONFLICT ? STATUS_OK : st;
}

/*
 * An own proposal hidden again after a restore, as the moderator's hiding did it: the photo's
 * bytes the backup still holds deleted, its follows dropped (hidden already: done before).
 */
static enum status
hide_own_proposal(const struct hook_event *ev, const char *reason, const char *sha)
{
	enum status st;
	json_t *r = local(ev, "id", &st);
	if (!r)
		return st;
	json_t *h =
		db_proposal_hide(json_integer_value(json_object_get(r, "id")), reason, sha, &st);
	if (h || st == STATUS_CONFLICT)
		st = notify_unfollow_item("proposal", json_str(r, "ref")) < 0 ? STATUS_UNAVAILABLE
									      : STATUS_OK;
	json_decref(h);
	json_decref(r);
	return st;
}

static enum status
apply_hidden(const struct hook_event *ev, bool own)
{
	bool argument = strcmp(ev->type, "proposal.argument_hidden") == 0;
	long long oid = int_field(ev->data, "id", (long long)1 << 62);
	const char *reason = json_text_member(ev->data, "reason", PROPOSAL_REASON_MAX, false);
	const char *sha = json_string_value(json_object_get(ev->data, "text_sha256"));
	json_t *mid = json_object_get(ev->data, "moderation_id");
	if (oid < 0 || !reason || is_blank(reason) || !is_sha256_hex(sha) ||
	    (mid && (!json_is_integer(mid) || json_integer_value(mid) <= 0)))
		return unfit(ev);
	if (own && !argument) {
		enum status st = hide_own_proposal(ev, reason, sha);
		if (st != STATUS_OK)
			return st;
	}
	int c = argument ? db_argument_mirror_hide(ev->origin, oid, reason, sha)
		: own    ? 0
			 : db_proposal_mirror_hide(ev->origin, oid, reason, sha);
	if (c < 0 || proposal_erase(argument ? "proposal_argument" : "proposal", oid, reason) < 0)
		return STATUS_UNAVAILABLE;
	char target[48];
	snprintf(target, sizeof(target), "%s/%lld", argument ? "proposal_argument" : "proposal",
		 oid);
	return log_hiding(ev, argument ? "hide_argument" : "hide_proposal", target, reason, sha,
			  own);
}

static enum status
apply_argued(const struct hook_event *ev, bool own)
{
	json_t *d = ev->data;
	long long oid = int_field(d, "id", (long long)1 << 62);
	const char *side = json_string_value(json_object_get(d, "side"));
	const char *body = committed_text(ev, "body", PROPOSAL_ARGUMENT_MAX, true);
	const char *name = committed_text(ev, "author_name", PROPOSAL_NAME_MAX, false);
	const char *lang = json_string_value(json_object_get(d, "lang"));
	if (oid < 0 || !side || (strcmp(side, "for") && strcmp(side, "against")) || !body ||
	    !name || !is_code(lang, 16))
		return unfit(ev);
	enum status st;
	json_t *r = local(ev, "proposal", &st);
	if (!r)
		return st;
	int c = db_argument_mirror(ev->origin, oid, json_integer_value(json_object_get(r, "id")),
				   side, body, name, lang, ev->occurred_at, own);
	json_decref(r);
	return c < 0 ? STATUS_UNAVAILABLE : STATUS_OK;
}

/* ---- the commune's stages, on the citizen side ---- */

/*
 * The commune's stage. Own (the official platform restored): a proposal the mirror does not
 * hold yet, or not yet forwarded there (the citizen's events are pulled after the recovery),
 * answers STATUS_CONFLICT, which the recovery tries again after the catch-up; a stage the row
 * has reached already was restored before. The citizen side's followers are told on the
 * citizen side only.
 */
static enum status
apply_stage(const struct hook_event *ev, bool own)
{
	json_t *d = ev->data;
	const char *ref = json_string_value(json_object_get(d, "ref"));
	const char *stage = json_string_value(json_object_get(d, "stage"));
	json_t *jdate = json_object_get(d, "session_date"), *answer = json_object_get(d, "answer");
	const char *date = json_string_value(jdate);
	const char *url = json_string_value(json_object_get(d, "deliberation_url"));
	if (!public_ref_is_valid('P', ref) || !proposal_stage_is_commune(stage) ||
	    (jdate && !is_iso_date(date)) || (answer && !is_lang_texts(answer)) ||
	    (json_object_get(d, "deliberation_url") && !proposal_url_is_valid(url)))
		return unfit(ev);
	enum status st;
	json_t *r = local(ev, "proposal", &st);
	if (!r)
		return own && st == STATUS_INVALID ? STATUS_CONFLICT : st;
	const char *refused = proposal_stage_check(json_str(r, "stage"), stage);
	if (own && refused && strcmp(json_str(r, "ref"), ref) == 0) {
		bool later = strcmp(refused, "not_forwarded") != 0;
		log_warn("re-imported proposal.stage: %s cannot go to %s here (%s)%s", ref, stage,
			 refused, later ? ", restored already" : ", waits for the catch-up");
		json_decref(r);
		return later ? STATUS_OK : STATUS_CONFLICT;
	}
	if (strcmp(json_str(r, "ref"), ref) != 0 || refused) {
		log_warn("proposal.stage event from %s: %s cannot go to %s here (%s)", ev->origin,
			 ref, stage, refused ? refused : "another reference");
		json_decref(r);
		return STATUS_INVALID;
	}
	char *answer_text = answer ? json_dumps(answer, JSON_COMPACT) : NULL;
	int w = db_proposal_stage_write(json_integer_value(json_object_get(r, "id")), stage,
					ev->occurred_at, date, answer_text, url);
	free(answer_text);
	if (w == 0 && !own && proposal_notify_stage(r, stage) < 0)
		w = -1;
	json_decref(r);
	return w < 0 ? STATUS_UNAVAILABLE : STATUS_OK;
}

/* The applier (own false) or the restorer (own true) of ev. */
static enum status
proposal_apply(const struct hook_event *ev, bool own)
{
	static const char *const citizen_types[] = {
		"proposal.created", "proposal.supported",      "proposal.forwarded",
		"proposal.expired", "proposal.overdue",        "proposal.hidden",
		"proposal.argued",  "proposal.argument_hidden"};
	bool is_stage = strcmp(ev->type, "proposal.stage") == 0, known = is_stage;
	for (size_t i = 0; !known && i < sizeof(citizen_types) / sizeof(citizen_types[0]); i++)
		known = strcmp(ev->type, citizen_types[i]) == 0;
	if (!known)
		return STATUS_NOT_FOUND;
	if (strcmp(ev->origin, is_stage ? PROPOSAL_ANSWERER : PROPOSAL_OWNER) != 0) {
		log_warn("%s event from %s: written on the %s platform only", ev->type, ev->origin,
			 is_stage ? PROPOSAL_ANSWERER : PROPOSAL_OWNER);
		return STATUS_INVALID;
	}
	if (!json_is_object(ev->data) || !ev->occurred_at || !*ev->occurred_at)
		return unfit(ev);
	if (is_stage)
		return apply_stage(ev, own);
	if (strcmp(ev->type, "proposal.created") == 0)
		return apply_created(ev, own);
	if (strcmp(ev->type, "proposal.supported") == 0)
		return apply_supported(ev, own);
	if (strcmp(ev->type, "proposal.argued") == 0)
		return apply_argued(ev, own);
	if (strstr(ev->type, "hidden"))
		return apply_hidden(ev, own);
	/* forwarded, expired, overdue: the same change of an own row (found by its origin id) */
	return apply_deadline(ev);
}

enum status
hook_proposal(const struct hook_event *ev)
{
	return proposal_apply(ev, false);
}

enum status
restore_proposal(const struct hook_event *ev)
{
	return proposal_apply(ev, true);
}
