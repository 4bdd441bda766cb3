// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The appliers of the citizen platform's reaction events on the other side: "reaction.created"
 * mirrors a reaction, "reaction.hidden" hides the mirror and logs the moderation. Every check of
 * the peer's data comes before the first write: an invalid event leaves the mirror as it was.
 */
#include "internal.h"

#include "common/check.h"
#include "common/log.h"
#include "common/page_util.h"
#include "db_reaction.h"
#include "moderation/moderation.h"

#include "common/outbox.h"

#include <stdio.h>
#include <string.h>

#define REACTION_REASON_MAX 500

static enum status
apply_created(const struct app *app, const char *origin, json_t *data, bool own)
{
	json_t *id = json_object_get(data, "id");
	json_t *target = json_object_get(data, "target");
	const char *t_origin = json_string_value(json_object_get(target, "origin"));
	const char *kind = json_string_value(json_object_get(target, "kind"));
	json_t *t_id = json_object_get(target, "id");
	const char *stance = json_string_value(json_object_get(data, "stance"));
	const char *comment = reaction_plain_string(json_object_get(data, "comment"));
	const char *name = reaction_plain_string(json_object_get(data, "display_name"));
	const char *created = json_string_value(json_object_get(data, "created_at"));
	if (!json_is_integer(id) || json_integer_value(id) <= 0 || !json_is_object(target) ||
	    !t_origin || strcmp(t_origin, REACTION_TARGET_OWNER) != 0 ||
	    !is_reaction_kind(app, kind) || !json_is_integer(t_id) ||
	    json_integer_value(t_id) <= 0 || !comment || !name ||
	    reaction_check(stance, comment, name) || !is_utc_time(created)) {
		log_warn("reaction.created event from %s does not have the expected fields",
			 origin);
		return STATUS_INVALID;
	}
	enum status st =
		db_reaction_mirror(origin, json_integer_value(id), t_origin, kind,
				   json_integer_value(t_id), stance, comment, name, created, own);
	/* restoring an own reaction to an item of the commune the mirror does not hold yet: the
	 * item comes with the peer's log, pulled after the recovery */
	if (st == STATUS_NOT_FOUND && own)
		return STATUS_CONFLICT;
	if (st == STATUS_NOT_FOUND) {
		log_warn("reaction %lld from %s is about %s %lld, which is not an item here",
			 (long long)json_integer_value(id), origin, kind,
			 (long long)json_integer_value(t_id));
		return STATUS_INVALID;
	}
	return st;
}

static enum status
apply_hidden(const char *origin, json_t *data, bool own)
{
	json_t *id = json_object_get(data, "id");
	json_t *mid = json_object_get(data, "moderation_id");
	const char *reason = reaction_plain_string(json_object_get(data, "reason"));
	const char *sha = json_string_value(json_object_get(data, "comment_sha256"));
	const char *hidden_at = json_string_value(json_object_get(data, "hidden_at"));
	if (!json_is_integer(id) || json_integer_value(id) <= 0 || !json_is_integer(mid) ||
	    json_integer_value(mid) <= 0 || !reason || is_blank(reason) ||
	    utf8_length(reason) > REACTION_REASON_MAX || text_has_control(reason, false) ||
	    !is_sha256_hex(sha) || !is_utc_time(hidden_at)) {
		log_warn("reaction.hidden event from %s does not have the expected fields", origin);
		return STATUS_INVALID;
	}
	long long rid = json_integer_value(id);
	/* every check before the first write: an invalid event must leave the mirror as it was */
	enum status st;
	json_t *have = db_reaction_get(origin, rid, &st);
	/* restoring: the own reaction waits for its item (see apply_created), and so does this */
	if (!have && own && st == STATUS_NOT_FOUND)
		return STATUS_CONFLICT;
	if (!have) {
		if (st == STATUS_NOT_FOUND)
			log_warn("reaction.hidden event from %s: no reaction %lld here", origin,
				 rid);
		return st == STATUS_NOT_FOUND ? STATUS_INVALID : st;
	}
	bool hidden = json_is_string(json_object_get(have, "hidden_reason"));
	json_decref(have);
	if (hidden && own)
		return STATUS_OK; /* restored already */
	if (hidden) {
		log_warn("reaction.hidden event from %s: reaction %lld is hidden already", origin,
			 rid);
		return STATUS_INVALID;
	}
	char target[40];
	snprintf(target, sizeof(target), "reaction/%lld", rid);
	json_t *m = NULL;
	if (own) {
		if (db_moderation_restore(origin, json_integer_value(mid), "hide_reaction", target,
					  reason, sha, hidden_at) < 0)
			return STATUS_UNAVAILABLE;
	} else if (!(m = db_moderation_add(origin, json_integer_value(mid), "hide_reaction", target,
					   reason, sha, hidden_at, &st))) {
		if (st == STATUS_CONFLICT)
			log_warn("reaction.hidden event from %s: moderation %lld is logged already",
				 origin, (long long)json_integer_value(mid));
		return st == STATUS_CONFLICT ? STATUS_INVALID : st;
	}
	json_decref(m);
	char mine[65] = "";
	json_t *r = db_reaction_hide(origin, rid, reason, sha, mine, &st);
	if (!r)
		return STATUS_UNAVAILABLE; /* checked above: only the database can fail here */
	json_decref(r);
	char ids[24];
	snprintf(ids, sizeof(ids), "%lld", rid);
	if (outbox_erase(origin, "reaction", ids, reason) < 0)
		return STATUS_UNAVAILABLE;
	if (strcmp(mine, sha) != 0)
		log_warn("reaction %lld from %s: the hash of the hidden comment differs from this "
			 "copy's (%s); the origin's is kept",
			 rid, origin, mine);
	return STATUS_OK;
}

/* The reaction events of the peer (own false) or, restored, of this platform (own true). */
static enum status
reaction_apply(const struct hook_event *ev, bool own)
{
	const char *origin = ev->origin;
	const char *type = ev->type;
	json_t *data = ev->data;
	if (strcmp(type, "reaction.created") && strcmp(type, "reaction.hidden"))
		return STATUS_NOT_FOUND;
	if (strcmp(origin, REACTION_OWNER) != 0) {
		log_warn("%s event from %s: reactions are written on the %s platform only", type,
			 origin, REACTION_OWNER);
		return STATUS_INVALID;
	}
	if (strcmp(type, "reaction.hidden") == 0)
		return apply_hidden(origin, data, own);
	if (!ev->withheld)
		return apply_created(ev->app, origin, data, own);
	/* erased at the origin before this side read it: mirrored empty, hidden by what follows */
	json_t *copy = json_copy(data);
	static const char *const texts[] = {"comment", "display_name"};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (json_object_get(ev->withheld, texts[i]))
			json_object_set_new(copy, texts[i], json_string(""));
	enum status st = apply_created(ev->app, origin, copy, own);
	json_decref(copy);
	return st;
}

enum status
hook_reaction(const struct hook_event *ev)
{
	return reaction_apply(ev, false);
}

enum status
restore_reaction(const struct hook_event *ev)
{
	return reaction_apply(ev, true);
}
