// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The appliers of the peer's question.* events: the residents' questions and their hiding on
 * the official platform, the commune's answers and merges on the citizen platform. The peer's
 * data is input like any other: every check comes before the first write, and an event that
 * does not fit leaves the mirror as it was (STATUS_INVALID). The same appliers, own, are the
 * restorers of the platform's own question.* events re-imported after a database restore
 * (docs/decisions/0010): the own rows written back under their ids. What refers to a peer's
 * question the mirror does not hold yet answers STATUS_CONFLICT: the recovery tries it again
 * after the puller's catch-up.
 */
#include "db_dialogue.h"
#include "internal.h"

#include "common/i18n.h"
#include "common/check.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/page_util.h"
#include "common/secret.h"
#include "moderation/moderation.h"
#include "notify/notify.h"

#include <stdio.h>
#include <string.h>

static enum status
unfit(const struct hook_event *ev, const char *why)
{
	log_warn("%s event from %s does not fit: %s", ev->type, ev->origin, why);
	return STATUS_INVALID;
}

static bool
is_lang_tag(const char *s)
{
	return i18n_is_lang_tag(s);
}

/* question.asked: a resident's question, mirrored with its signed time (own: restored). */
static enum status
apply_asked(const struct hook_event *ev, bool own)
{
	json_t *d = ev->data, *id = json_object_get(d, "id");
	const char *ref = json_string_value(json_object_get(d, "ref"));
	struct question_input in = {
		.title = plain_string(json_object_get(d, "title")),
		.text = plain_string(json_object_get(d, "text")),
		.name = plain_string(json_object_get(d, "display_name")),
		.quarter = plain_string(json_object_get(d, "quarter")),
		.theme = plain_string(json_object_get(d, "theme")),
		.lang = json_string_value(json_object_get(d, "lang")),
	};
	if (!json_is_integer(id) || json_integer_value(id) <= 0 || !public_ref_is_valid('Q', ref) ||
	    !is_lang_tag(in.lang))
		return unfit(ev, "id, ref or lang");
	/* erased at the origin before this side read it: mirrored empty, hidden by what follows */
	bool erased = ev->withheld != NULL;
	struct question_input checked = in;
	if (erased) {
		checked.title = "-";
		checked.text = "-";
		checked.name = "";
	}
	const char *field;
	if (!in.title || !in.text || !in.name || !in.quarter || !in.theme ||
	    question_check(checked.title, checked.text, checked.name, in.quarter, in.theme, &field))
		return unfit(ev, "the question's texts");
	if (erased)
		in.title = in.text = in.name = "";
	enum status st = db_question_mirror(ev->origin, json_integer_value(id), ref, &in,
					    ev->occurred_at, own);
	if (st == STATUS_CONFLICT && own)
		return STATUS_OK; /* public already: restored before */
	if (st == STATUS_CONFLICT)
		return unfit(ev, "that question is here already");
	return st;
}

/* question.hidden: the collective's moderators hid a question. Own (restored): hidden again
 * as the moderator did it (the follows the backup holds dropped, the log's entry under its
 * id); hidden already reads as done. */
static enum status
apply_hidden(const struct hook_event *ev, bool own)
{
	json_t *d = ev->data, *id = json_object_get(d, "id"),
	       *mid = json_object_get(d, "moderation_id");
	const char *ref = json_string_value(json_object_get(d, "ref"));
	const char *reason = plain_string(json_object_get(d, "reason"));
	const char *sha = json_string_value(json_object_get(d, "text_sha256"));
	const char *at = json_string_value(json_object_get(d, "hidden_at"));
	if (!json_is_integer(id) || json_integer_value(id) <= 0 || !json_is_integer(mid) ||
	    json_integer_value(mid) <= 0 || !public_ref_is_valid('Q', ref) || !reason ||
	    is_blank(reason) || utf8_length(reason) > HIDE_REASON_MAX ||
	    text_has_control(reason, false) || !is_sha256_hex(sha) || !is_utc_time(at))
		return unfit(ev, "id, ref, reason, hash or time");
	enum status st;
	json_t *have = db_question_by_ref(ref, false, &st);
	bool fits =
		have && !strcmp(json_string_value(json_object_get(have, "origin")), ev->origin) &&
		json_integer_value(json_object_get(have, "origin_id")) == json_integer_value(id) &&
		strcmp(json_string_value(json_object_get(have, "visibility")), "hidden") != 0;
	json_decref(have);
	if (!have)
		return st == STATUS_NOT_FOUND ? unfit(ev, "no such question here") : st;
	if (!fits && own)
		return db_moderation_restore(ev->origin, json_integer_value(mid), "hide_question",
					     ref, reason, sha, at);
	if (!fits)
		return unfit(ev, "another question, or hidden already");
	if (own) {
		st = db_moderation_restore(ev->origin, json_integer_value(mid), "hide_question",
					   ref, reason, sha, at);
		if (st == STATUS_OK && notify_unfollow_item("question", ref) < 0)
			st = STATUS_UNAVAILABLE;
		if (st != STATUS_OK)
			return st;
	} else {
		json_t *m = db_moderation_add(ev->origin, json_integer_value(mid), "hide_question",
					      ref, reason, sha, at, &st);
		if (!m)
			return st == STATUS_CONFLICT
				       ? unfit(ev, "that moderation is logged already")
				       : st;
		json_decref(m);
	}
	char mine[65] = "";
	json_t *q = db_question_hide(ref, reason, sha, mine, &st);
	if (!q)
		return STATUS_UNAVAILABLE; /* checked above: only the database can fail here */
	json_decref(q);
	char ids[24];
	snprintf(ids, sizeof(ids), "%lld", (long long)json_integer_value(id));
	if (outbox_erase(ev->origin, "question", ids, reason) < 0)
		return STATUS_UNAVAILABLE;
	if (strcmp(mine, sha) != 0)
		log_warn("question %s: the hash of the hidden text differs from this copy's; the "
			 "origin's is kept",
			 ref);
	return STATUS_OK;
}

/* The answer's texts: {ar?, fr?, en?} within the limits (a pointer may have none). */
static bool
texts_fit(json_t *t, bool required)
{
	if (!is_lang_texts(t))
		return false;
	const char *ar = plain_string(json_object_get(t, "ar"));
	const char *fr = plain_string(json_object_get(t, "fr"));
	const char *err = answer_text_check(ar ? ar : "", fr ? fr : "");
	return !err || (!required && strcmp(err, "answer_required") == 0);
}

static bool
cites_fit(json_t *cites)
{
	size_t i;
	json_t *c;
	if (!json_is_array(cites) || json_array_size(cites) > ANSWER_CITES_MAX)
		return false;
	json_array_foreach(cites, i, c)
	{
		if (!cite_is_valid(c))
			return false;
	}
	return true;
}

/*
 * Tell the question's followers (verified askers who asked to be told; citizen platform) what
 * the commune did, in the applier's transaction: the message exists exactly when the change
 * does. Hidden questions have no followers left.
 */
static enum status
tell_followers(const char *ref, const char *what_key)
{
	enum status st;
	json_t *q = db_question_by_ref(ref, false, &st);
	if (!q)
		return STATUS_UNAVAILABLE;
	char path[32];
	snprintf(path, sizeof(path), "/dialogue/%s", ref);
	int rc =
		notify_item_changed("question", ref, json_string_value(json_object_get(q, "title")),
				    path, what_key, NULL);
	json_decref(q);
	return rc < 0 ? STATUS_UNAVAILABLE : STATUS_OK;
}

/* question.answered: the commune's answer (or pointer to an earlier one). Own (the official
 * platform restored): written back to the mirror's question, the answers' ids moved past it. */
static enum status
apply_answered(const struct hook_event *ev, bool own)
{
	json_t *d = ev->data, *id = json_object_get(d, "id"), *text = json_object_get(d, "text");
	const char *ref = json_string_value(json_object_get(d, "question"));
	const char *kind = json_string_value(json_object_get(d, "kind"));
	const char *points_to = json_string_value(json_object_get(d, "points_to"));
	bool pointer = kind && strcmp(kind, "pointer") == 0;
	if (!json_is_integer(id) || json_integer_value(id) <= 0 || !public_ref_is_valid('Q', ref) ||
	    !kind || (!pointer && strcmp(kind, "answer") != 0) || !texts_fit(text, !pointer) ||
	    !cites_fit(json_object_get(d, "cites")) ||
	    (pointer ? !public_ref_is_valid('Q', points_to) || !strcmp(points_to, ref)
		     : points_to != NULL))
		return unfit(ev, "id, question, kind, text, cites or points_to");
	const char *code;
	json_t *cites = cites_resolve(json_object_get(d, "cites"), false, &code);
	if (!cites)
		return STATUS_UNAVAILABLE;
	enum status st;
	json_t *a = db_answer_create(ev->origin, json_integer_value(id), ref, kind, text, points_to,
				     cites, ev->occurred_at, &st);
	json_decref(cites);
	json_decref(a);
	if (own) {
		int have = st == STATUS_CONFLICT
				   ? db_answer_exists(ev->origin, json_integer_value(id))
				   : 0;
		if (have < 0)
			return STATUS_UNAVAILABLE;
		if (have || st == STATUS_OK)
			return db_answer_ids_restored() < 0 ? STATUS_UNAVAILABLE : STATUS_OK;
		/* the question (public, open) is the citizen's: it comes with the catch-up */
		return st == STATUS_NOT_FOUND || st == STATUS_CONFLICT ? STATUS_CONFLICT : st;
	}
	if (st == STATUS_NOT_FOUND || st == STATUS_CONFLICT)
		return unfit(ev, "no open question with that reference here");
	if (st != STATUS_OK || (st = tell_followers(ref, "dialogue_notify_answered")) != STATUS_OK)
		return st;
	/* the questions merged into this one are answered by it: their askers are told too */
	json_t *merged = db_question_merged_into(ref);
	if (!merged)
		return STATUS_UNAVAILABLE;
	size_t i;
	json_t *m;
	json_array_foreach(merged, i, m)
	{
		if (st == STATUS_OK)
			st = tell_followers(json_string_value(m), "dialogue_notify_answered");
	}
	json_decref(merged);
	return st;
}

/* question.merged: the commune merged a question into an earlier one (own: restored; merged
 * there already reads as done, a question the mirror lacks waits for the catch-up). */
static enum status
apply_merged(const struct hook_event *ev, bool own)
{
	const char *ref = json_string_value(json_object_get(ev->data, "question"));
	const char *into = json_string_value(json_object_get(ev->data, "into"));
	if (!public_ref_is_valid('Q', ref) || !public_ref_is_valid('Q', into) || !strcmp(ref, into))
		return unfit(ev, "question or into");
	enum status st;
	json_t *t = db_question_by_ref(into, false, &st);
	json_decref(t);
	if (!t && own && st == STATUS_NOT_FOUND)
		return STATUS_CONFLICT;
	if (!t)
		return st == STATUS_NOT_FOUND ? unfit(ev, "no such target here") : st;
	st = db_question_merge(ref, into, ev->occurred_at);
	if (st == STATUS_CONFLICT && own) {
		json_t *q = db_question_by_ref(ref, false, &st);
		const char *was = json_string_value(json_object_get(q, "merged_into"));
		bool done = was && strcmp(was, into) == 0;
		json_decref(q);
		return !q && st != STATUS_NOT_FOUND ? st : done ? STATUS_OK : STATUS_CONFLICT;
	}
	if (st == STATUS_CONFLICT)
		return unfit(ev, "no open question with that reference here");
	if (own)
		return st;
	return st == STATUS_OK ? tell_followers(ref, "dialogue_notify_merged") : st;
}

/* The applier (own false) or the restorer (own true) of ev. */
static enum status
dialogue_apply(const struct hook_event *ev, bool own)
{
	const char *type = ev->type;
	bool from_residents = !strcmp(type, "question.asked") || !strcmp(type, "question.hidden");
	bool from_commune = !strcmp(type, "question.answered") || !strcmp(type, "question.merged");
	if (!from_residents && !from_commune)
		return STATUS_NOT_FOUND;
	if (strcmp(ev->origin, from_residents ? QUESTION_OWNER : ANSWER_OWNER) != 0)
		return unfit(ev, "written by the other platform");
	if (!strcmp(type, "question.asked"))
		return apply_asked(ev, own);
	if (!strcmp(type, "question.hidden"))
		return apply_hidden(ev, own);
	if (!strcmp(type, "question.answered"))
		return apply_answered(ev, own);
	return apply_merged(ev, own);
}

enum status
hook_dialogue(const struct hook_event *ev)
{
	return dialogue_apply(ev, false);
}

enum status
restore_dialogue(const struct hook_event *ev)
{
	return dialogue_apply(ev, true);
}
