// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The dialogue's write paths, each one transaction holding the rows and the signed event:
 * residents' questions and their moderation (citizen platform), the commune's answers, pointers
 * and merges (official platform). What a resident wrote is committed, not carried
 * (docs/decisions/0008), so hiding a question erases it from both platforms and both logs.
 */
#include "db_dialogue.h"
#include "internal.h"

#include "common/db.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/secret.h"
#include "moderation/moderation.h"
#include "notify/notify.h"
#include "publications/db_publication.h"
#include "publications/publication.h"
#include "reports/db_report.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

static const char *const question_committed[] = {"title", "text", "display_name", NULL};

static const char *
ll_text(char buf[24], json_t *v)
{
	snprintf(buf, 24, "%lld", (long long)json_integer_value(v));
	return buf;
}

/* Emit question.asked for the pending row q, in the caller's transaction. */
static int
emit_asked(json_t *q, char when[OUTBOX_TIME_SIZE])
{
	char ids[24];
	json_t *data = json_pack(
		"{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O}", "id", json_object_get(q, "origin_id"),
		"ref", json_object_get(q, "ref"), "title", json_object_get(q, "title"), "text",
		json_object_get(q, "text"), "quarter", json_object_get(q, "quarter"), "theme",
		json_object_get(q, "theme"), "display_name", json_object_get(q, "display_name"),
		"lang", json_object_get(q, "lang"));
	json_t *refs = json_pack("[{s:s, s:s, s:s}]", "origin", QUESTION_OWNER, "type", "question",
				 "id", ll_text(ids, json_object_get(q, "origin_id")));
	return outbox_emit_committed("question.asked", refs, data, question_committed, when);
}

/* In the caller's transaction: emit the pending row q's question.asked and make it public. */
static json_t *
publish(json_t *q, enum status *st)
{
	char at[OUTBOX_TIME_SIZE];
	int rc = emit_asked(q, at);
	if (rc < 0) {
		*st = rc == OUTBOX_BUSY ? STATUS_TOO_MANY : STATUS_UNAVAILABLE;
		return NULL;
	}
	return db_question_publish(json_integer_value(json_object_get(q, "id")), at, st);
}

/* Commit when r is there; otherwise (or when the commit fails) roll back. Returns r or NULL. */
static json_t *
finish(json_t *r, enum status *st)
{
	if (r && db_commit() < 0) {
		json_decref(r);
		r = NULL;
		*st = STATUS_UNAVAILABLE;
	}
	if (!r)
		db_rollback();
	return r;
}

json_t *
question_submit(const struct question_input *in, enum status *st)
{
	*st = STATUS_UNAVAILABLE;
	if (db_begin() < 0)
		return NULL;
	char ref[PUBLIC_REF_SIZE];
	public_ref_new('Q', ref);
	json_t *q = db_question_create(ref, in, st);
	if (q && in->follow_to) {
		/* the unsubscribe link travels in the messages; nobody needs the token here */
		char token[SECRET_TOKEN_SIZE];
		int rc = notify_follow("question", ref, in->follow_channel, in->follow_to, in->lang,
				       token);
		OPENSSL_cleanse(token, sizeof(token));
		if (rc < 0) {
			json_decref(q);
			q = NULL;
		}
	}
	if (q && !dialogue_settings.premoderate) {
		json_t *p = publish(q, st);
		json_decref(q);
		q = p;
	}
	return finish(q, st);
}

json_t *
question_approve(const char *ref, enum status *st)
{
	*st = STATUS_UNAVAILABLE;
	if (db_begin() < 0)
		return NULL;
	json_t *q = db_question_by_ref(ref, true, st), *p = NULL;
	if (q && strcmp(json_string_value(json_object_get(q, "visibility")), "pending") != 0)
		*st = STATUS_CONFLICT;
	else if (q)
		p = publish(q, st);
	json_decref(q);
	return finish(p, st);
}

/* Emit question.hidden for the hidden row q and its log entry m. */
static int
emit_hidden(json_t *q, json_t *m)
{
	char ids[24], mids[24];
	json_t *data = json_pack(
		"{s:O, s:O, s:O, s:O, s:O, s:O}", "id", json_object_get(q, "origin_id"), "ref",
		json_object_get(q, "ref"), "reason", json_object_get(m, "reason"), "text_sha256",
		json_object_get(m, "comment_sha256"), "moderation_id",
		json_object_get(m, "origin_id"), "hidden_at", json_object_get(m, "created_at"));
	json_t *refs = json_pack(
		"[{s:s, s:s, s:s}, {s:s, s:s, s:s}]", "origin", QUESTION_OWNER, "type", "question",
		"id", ll_text(ids, json_object_get(q, "origin_id")), "origin", QUESTION_OWNER,
		"type", "moderation", "id", ll_text(mids, json_object_get(m, "origin_id")));
	return outbox_emit("question.hidden", refs, data, NULL);
}

json_t *
question_hide(const char *ref, const char *reason, enum status *st)
{
	*st = STATUS_UNAVAILABLE;
	if (db_begin() < 0)
		return NULL;
	json_t *old = db_question_by_ref(ref, true, st), *q = NULL, *m = NULL;
	if (!old)
		goto out;
	bool was_public = json_is_string(json_object_get(old, "asked_at"));
	q = db_question_hide(ref, reason, NULL, NULL, st);
	if (q && notify_unfollow_item("question", ref) < 0) {
		json_decref(q);
		q = NULL;
		*st = STATUS_UNAVAILABLE;
	}
	if (q)
		m = db_moderation_add(QUESTION_OWNER, 0, "hide_question",
				      json_string_value(json_object_get(q, "ref")), reason,
				      json_string_value(json_object_get(q, "text_sha256")), NULL,
				      st);
	/* a pending question was never sent: nothing to tell the peer, nothing in the logs */
	if (m && was_public) {
		char ids[24];
		ll_text(ids, json_object_get(q, "origin_id"));
		if (emit_hidden(q, m) < 0 ||
		    outbox_erase(QUESTION_OWNER, "question", ids, reason) < 0) {
			json_decref(m);
			m = NULL;
			*st = STATUS_UNAVAILABLE;
		}
	}
out:
	json_decref(old);
	json_decref(q);
	return finish(m, st);
}

/* ---- the commune's side ---- */

/* One citation resolved: publications with their local id and title (as they are now). */
static json_t *
cite_resolve(json_t *c, bool must_exist, enum status *st)
{
	const char *kind = json_string_value(json_object_get(c, "kind"));
	json_t *out = json_deep_copy(c);
	*st = STATUS_OK;
	if (strcmp(kind, "report") == 0 || strcmp(kind, "answer") == 0) {
		const char *ref = json_string_value(json_object_get(c, "ref"));
		json_t *have = strcmp(kind, "report") == 0 ? db_report_by_ref(ref, st)
							   : db_question_by_ref(ref, false, st);
		/* a report is citable once public; an answer once given */
		bool fits =
			have &&
			(strcmp(kind, "report") == 0
				 ? strcmp(json_string_value(json_object_get(have, "visibility")),
					  "pending") != 0
				 : json_is_object(json_object_get(have, "answer")));
		json_decref(have);
		if (have && !fits)
			*st = STATUS_NOT_FOUND;
	} else {
		const struct kind *k = publication_kind(kind);
		long long local = -1;
		*st = k ? db_pub_find_local(ANSWER_OWNER, kind,
					    json_integer_value(json_object_get(c, "id")), &local)
			: STATUS_NOT_FOUND;
		json_t *item = *st == STATUS_OK ? db_pub_get(kind, local, false, st) : NULL;
		if (item) {
			json_object_set_new(out, "local_id", json_integer(local));
			json_object_set(
				out, "title",
				json_object_get(json_object_get(item, "data"), k->title_field));
		}
		json_decref(item);
	}
	if (*st == STATUS_NOT_FOUND && !must_exist)
		*st = STATUS_OK; /* the mirror shows it without a link */
	if (*st != STATUS_OK) {
		json_decref(out);
		return NULL;
	}
	return out;
}

json_t *
cites_resolve(json_t *cites, bool must_exist, const char **code)
{
	json_t *out = json_array();
	size_t i;
	json_t *c;
	json_array_foreach(cites, i, c)
	{
		enum status st;
		json_t *r = cite_resolve(c, must_exist, &st);
		if (!r) {
			*code = st == STATUS_NOT_FOUND ? "invalid_cite" : "database_unavailable";
			json_decref(out);
			return NULL;
		}
		json_array_append_new(out, r);
	}
	return out;
}

/* Emit question.answered for answer a of question q. */
static int
emit_answered(json_t *q, const char *kind, json_t *texts, json_t *cites, const char *points_to,
	      long long answer_id, char when[OUTBOX_TIME_SIZE])
{
	char ids[24], qids[24];
	snprintf(ids, sizeof(ids), "%lld", answer_id);
	json_t *data =
		json_pack("{s:I, s:O, s:s, s:O, s:O}", "id", (json_int_t)answer_id, "question",
			  json_object_get(q, "ref"), "kind", kind, "text", texts, "cites", cites);
	if (points_to)
		json_object_set_new(data, "points_to", json_string(points_to));
	json_t *refs =
		json_pack("[{s:s, s:s, s:s}, {s:O, s:s, s:s}]", "origin", ANSWER_OWNER, "type",
			  "answer", "id", ids, "origin", json_object_get(q, "origin"), "type",
			  "question", "id", ll_text(qids, json_object_get(q, "origin_id")));
	return outbox_emit("question.answered", refs, data, when);
}

/* The question ref, locked, when it can be answered or merged: NULL with *code otherwise. */
static json_t *
open_question(const char *ref, enum status *st, const char **code)
{
	json_t *q = db_question_by_ref(ref, true, st);
	if (!q) {
		*code = *st == STATUS_NOT_FOUND ? "question_not_found" : "database_unavailable";
		return NULL;
	}
	if (strcmp(json_string_value(json_object_get(q, "state")), "open") != 0 ||
	    strcmp(json_string_value(json_object_get(q, "visibility")), "public") != 0) {
		*st = STATUS_CONFLICT;
		*code = "question_not_open";
		json_decref(q);
		return NULL;
	}
	return q;
}

/* Checks of a pointer: points_to is another question, with an answer. */
static bool
pointer_fits(const char *ref, const char *points_to, enum status *st, const char **code)
{
	if (strcmp(ref, points_to) == 0) {
		*st = STATUS_INVALID;
		*code = "point_to_self";
		return false;
	}
	json_t *a = db_answer_by_ref(points_to, st);
	json_decref(a);
	if (!a)
		*code = *st == STATUS_NOT_FOUND ? "answer_not_found" : "database_unavailable";
	return a != NULL;
}

json_t *
answer_give(const char *ref, const char *kind, json_t *texts, json_t *cites, const char *points_to,
	    enum status *st, const char **code)
{
	json_t *q = NULL, *resolved = NULL, *a = NULL;
	*st = STATUS_UNAVAILABLE;
	*code = "database_unavailable";
	if (db_begin() < 0)
		return NULL;
	if (!(q = open_question(ref, st, code)))
		goto out;
	if (points_to && !pointer_fits(ref, points_to, st, code))
		goto out;
	if (!(resolved = cites_resolve(cites, true, code))) {
		*st = strcmp(*code, "invalid_cite") == 0 ? STATUS_INVALID : STATUS_UNAVAILABLE;
		goto out;
	}
	/* the answer's public id first: the event names it, and its signed time is the row's */
	long long id = db_answer_next_id();
	char at[OUTBOX_TIME_SIZE];
	int rc = id > 0 ? emit_answered(q, kind, texts, cites, points_to, id, at) : -1;
	if (rc < 0) {
		*st = rc == OUTBOX_BUSY ? STATUS_TOO_MANY : STATUS_UNAVAILABLE;
		goto out;
	}
	a = db_answer_create(ANSWER_OWNER, id, ref, kind, texts, points_to, resolved, at, st);
out:
	if (!a && *st == STATUS_CONFLICT && !strcmp(*code, "database_unavailable"))
		*code = "question_not_open";
	json_decref(q);
	json_decref(resolved);
	return finish(a, st);
}

json_t *
question_merge(const char *ref, const char *into, enum status *st, const char **code)
{
	json_t *q = NULL, *t = NULL;
	*st = STATUS_UNAVAILABLE;
	*code = "database_unavailable";
	if (strcmp(ref, into) == 0) {
		*st = STATUS_INVALID;
		*code = "merge_into_self";
		return NULL;
	}
	if (db_begin() < 0)
		return NULL;
	if (!(q = open_question(ref, st, code)))
		goto out;
	if (!(t = db_question_by_ref(into, false, st))) {
		*code = *st == STATUS_NOT_FOUND ? "merge_target_not_found" : "database_unavailable";
		goto out;
	}
	const char *tv = json_string_value(json_object_get(t, "visibility"));
	if (strcmp(tv, "public") != 0 || json_integer_value(json_object_get(t, "id")) >
						 json_integer_value(json_object_get(q, "id"))) {
		*st = STATUS_INVALID;
		*code = "merge_target_not_found"; /* only an earlier public question */
		goto out;
	}
	if (strcmp(json_string_value(json_object_get(t, "state")), "merged") == 0) {
		*st = STATUS_CONFLICT;
		*code = "merge_target_merged";
		goto out;
	}
	char at[OUTBOX_TIME_SIZE], qids[24];
	json_t *data = json_pack("{s:s, s:s}", "question", ref, "into", into);
	json_t *refs =
		json_pack("[{s:O, s:s, s:s}]", "origin", json_object_get(q, "origin"), "type",
			  "question", "id", ll_text(qids, json_object_get(q, "origin_id")));
	int rc = outbox_emit("question.merged", refs, data, at);
	*st = rc == OUTBOX_BUSY ? STATUS_TOO_MANY
	      : rc < 0          ? STATUS_UNAVAILABLE
				: db_question_merge(ref, into, at);
	if (*st == STATUS_OK) {
		json_decref(t);
		t = db_question_by_ref(ref, false, st);
	}
out:
	json_decref(q);
	if (*st != STATUS_OK) {
		json_decref(t);
		t = NULL;
	}
	return finish(t, st);
}
