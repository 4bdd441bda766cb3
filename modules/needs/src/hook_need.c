// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The need.* appliers: the citizen platform's need.created and need.supported build the
 * official mirror; the commune's need.answered reaches the citizen platform. The peer's data
 * is checked like any input. And the tally job: "me too" counts go to the commune as one
 * need.supported per changed need every few seconds, not one event per resident, so a burst
 * of supports never meets the events' ceiling. The same appliers are the restorers of the
 * platform's own need.* events re-imported after a database restore (docs/decisions/0010).
 */
#include "internal.h"

#include "db_need.h"

#include "common/check.h"
#include "common/db.h"
#include "common/http.h"
#include "common/log.h"
#include "common/module.h"
#include "common/page_util.h"
#include "moderation/moderation.h"
#include "participation/participation.h"

#include <string.h>

#define NEED_SUPPORTERS_MAX 100000000
#define TALLY_BATCH 200
#define TALLY_WINDOW_S 3600 /* supports older than this were counted by earlier runs */

/* A text member of the peer's data (json_text_member), without bidirectional controls. */
static const char *
text_field(json_t *data, const char *key, size_t max, bool multiline)
{
	const char *s = json_text_member(data, key, max, multiline);
	return s && !text_has_bidi_control(s) ? s : NULL;
}

static long long
id_field(json_t *data)
{
	json_t *v = json_object_get(data, "id");
	return json_is_integer(v) && json_integer_value(v) > 0 ? json_integer_value(v) : -1;
}

static enum status
apply_created(const struct hook_event *ev, bool own)
{
	json_t *d = ev->data;
	long long id = id_field(d);
	const char *quarter = json_string_value(json_object_get(d, "quarter"));
	const char *theme = json_string_value(json_object_get(d, "theme"));
	const char *lang = json_string_value(json_object_get(d, "lang"));
	/* a field erased at the origin before this side read it arrives withheld: blank */
	const char *text = json_object_get(ev->withheld, "text")
				   ? ""
				   : text_field(d, "text", NEED_TEXT_MAX, true);
	const char *name = json_object_get(ev->withheld, "display_name")
				   ? ""
				   : text_field(d, "display_name", NEED_NAME_MAX, false);
	if (id < 0 || !need_quarter_is_valid(quarter) || !theme || strlen(theme) > 32 ||
	    strspn(theme, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(theme) || !text ||
	    !name || !lang || strlen(lang) > 8) {
		log_warn("need.created event from %s does not fit", ev->origin);
		return STATUS_INVALID;
	}
	return db_need_mirror(id, quarter, theme, text, name, lang, ev->occurred_at, own) < 0
		       ? STATUS_UNAVAILABLE
		       : STATUS_OK;
}

/*
 * need.supported. Own (restored): the "me too" rows of the supports the restore lost are gone
 * with it (no event carries who supported), so the count carried becomes the need's count, the
 * supports still here its verified part and the rest its base: the tally job's recounts
 * (base + rows) then keep it instead of dropping to the rows left.
 */
static enum status
apply_supported(const struct hook_event *ev, bool own)
{
	long long id = id_field(ev->data);
	json_t *n = json_object_get(ev->data, "supporters");
	if (id < 0 || !json_is_integer(n) || json_integer_value(n) < 0 ||
	    json_integer_value(n) > NEED_SUPPORTERS_MAX)
		return STATUS_INVALID;
	long long rows = own ? participation_support_count("need", id) : 0;
	if (rows < 0)
		return STATUS_UNAVAILABLE;
	int changed = own ? db_need_restore_supporters(id, json_integer_value(n), rows)
			  : db_need_mirror_supporters(id, json_integer_value(n));
	if (changed == 0 && own) {
		log_warn("re-imported need.supported: no own need %lld here", id);
		return STATUS_INVALID;
	}
	if (changed == 0)
		log_warn("need.supported event from %s: no need %lld here", ev->origin, id);
	return changed < 0 ? STATUS_UNAVAILABLE : STATUS_OK;
}

/* need.answered; own (the official platform restored): the answer of a need the mirror does
 * not hold yet waits for the puller's catch-up (STATUS_CONFLICT: the recovery tries again). */
static enum status
apply_answered(const struct hook_event *ev, bool own)
{
	long long id = id_field(ev->data);
	const char *answer = text_field(ev->data, "answer", NEED_ANSWER_MAX, true);
	const char *lang = json_string_value(json_object_get(ev->data, "lang"));
	if (id < 0 || !answer || is_blank(answer) || !lang || strlen(lang) > 8)
		return STATUS_INVALID;
	int changed = db_need_answer(id, answer, lang, ev->occurred_at);
	if (changed == 0 && own)
		return STATUS_CONFLICT;
	if (changed == 0)
		log_warn("need.answered event from %s: no need %lld here", ev->origin, id);
	return changed < 0 ? STATUS_UNAVAILABLE : STATUS_OK;
}

/* need.hidden: the mirror hidden, its content erased from this side's copy of the citizen's
 * log, and the public moderation log's entry (keyed by the origin's id). Own (restored): the
 * need the backup held visible hidden again, the content its older events kept in the backup
 * erased, the log's entry written back under its id; hidden already reads as done. */
static enum status
apply_hidden(const struct hook_event *ev, bool own)
{
	long long id = id_field(ev->data);
	json_t *mid = json_object_get(ev->data, "moderation_id");
	const char *reason = text_field(ev->data, "reason", HIDE_REASON_MAX, false);
	const char *sha = json_string_value(json_object_get(ev->data, "text_sha256"));
	const char *at = json_string_value(json_object_get(ev->data, "hidden_at"));
	if (id < 0 || !reason || is_blank(reason) || !is_sha256_hex(sha) || !is_utc_time(at) ||
	    !json_is_integer(mid) || json_integer_value(mid) <= 0)
		return STATUS_INVALID;
	enum status st;
	json_t *h = db_need_hide(NEED_OWNER, id, reason, sha, &st);
	if (!h && !(own && st == STATUS_NOT_FOUND)) {
		if (st == STATUS_NOT_FOUND)
			log_warn("need.hidden event from %s: no visible need %lld here", ev->origin,
				 id);
		return st == STATUS_NOT_FOUND ? STATUS_INVALID : st;
	}
	json_decref(h);
	char ids[24], target[40];
	snprintf(ids, sizeof(ids), "%lld", id);
	snprintf(target, sizeof(target), "need/%lld", id);
	if (outbox_erase(NEED_OWNER, "need", ids, reason) < 0)
		return STATUS_UNAVAILABLE;
	if (own)
		return db_moderation_restore(NEED_OWNER, json_integer_value(mid), "hide_need",
					     target, reason, sha, at);
	json_t *m = db_moderation_add(NEED_OWNER, json_integer_value(mid), "hide_need", target,
				      reason, sha, at, &st);
	json_decref(m);
	return st == STATUS_CONFLICT ? STATUS_OK : st; /* hidden all the same */
}

/* The applier (own false) or the restorer (own true) of ev. */
static enum status
need_apply(const struct hook_event *ev, bool own)
{
	bool answered = strcmp(ev->type, "need.answered") == 0;
	bool hidden = strcmp(ev->type, "need.hidden") == 0;
	if (!answered && !hidden && strcmp(ev->type, "need.created") &&
	    strcmp(ev->type, "need.supported"))
		return STATUS_NOT_FOUND;
	if (strcmp(ev->origin, answered ? "official" : NEED_OWNER) != 0) {
		log_warn("%s event from %s: written on the other platform only", ev->type,
			 ev->origin);
		return STATUS_INVALID;
	}
	if (!json_is_object(ev->data) || !ev->occurred_at || !*ev->occurred_at)
		return STATUS_INVALID;
	if (answered)
		return apply_answered(ev, own);
	if (hidden)
		return apply_hidden(ev, own);
	return strcmp(ev->type, "need.created") == 0 ? apply_created(ev, own)
						     : apply_supported(ev, own);
}

enum status
hook_need(const struct hook_event *ev)
{
	return need_apply(ev, false);
}

enum status
restore_need(const struct hook_event *ev)
{
	return need_apply(ev, true);
}

/* The counts of the needs supported within the last hour, from the supports table: 0 / -1. */
static int
recount(void)
{
	json_t *recent = participation_support_recent("need", TALLY_WINDOW_S);
	size_t i;
	json_t *r;
	int rc = recent ? 0 : -1;
	bool changed = false;
	json_array_foreach(recent, i, r)
	{
		int n = db_need_supporters_set(json_integer_value(json_object_get(r, "item_id")),
					       json_integer_value(json_object_get(r, "supports")));
		if (n < 0)
			rc = -1;
		changed |= n > 0;
	}
	json_decref(recent);
	if (changed)
		http_cache_bump(); /* the lists and pages show the new counts */
	return rc;
}

int
need_tally_run(struct app *app)
{
	(void)app;
	if (recount() < 0 || db_begin() < 0)
		return -1;
	json_t *rows = db_need_unsent(TALLY_BATCH);
	int rc = rows ? 0 : -1;
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		json_t *n = json_object_get(r, "supporters");
		json_t *data = json_pack("{s:O, s:O}", "id", json_object_get(r, "origin_id"),
					 "supporters", n);
		char ids[24];
		snprintf(ids, sizeof(ids), "%lld",
			 (long long)json_integer_value(json_object_get(r, "origin_id")));
		json_t *refs = json_pack("[{s:s, s:s, s:s}]", "origin", NEED_OWNER, "type", "need",
					 "id", ids);
		rc = outbox_emit("need.supported", refs, data, NULL);
		if (rc == 0)
			rc = db_need_sent(json_integer_value(json_object_get(r, "id")),
					  (int)json_integer_value(n));
		if (rc != 0)
			break;
	}
	size_t sent = rc == 0 ? json_array_size(rows) : i;
	json_decref(rows);
	/* at the ceiling: what was emitted stays, the rest waits for the next run */
	if ((rc != 0 && rc != OUTBOX_BUSY) || db_commit() < 0) {
		db_rollback();
		return -1;
	}
	if (sent > 0)
		log_info("needs: sent the \"me too\" counts of %zu need%s", sent,
			 sent == 1 ? "" : "s");
	return 0;
}
