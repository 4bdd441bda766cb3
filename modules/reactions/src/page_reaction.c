// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Residents' reactions to the commune's projects and deliberations, and their moderation.
 * A reaction belongs to the citizen platform: a resident without an account writes it there (a
 * stance, an optional comment, a display name of their choosing; nothing personal is stored or
 * logged), it is emitted as "reaction.created" and mirrored on the official item page. The
 * collective's moderators hide one with a public reason: the comment is blanked for good, its
 * SHA-256 kept, the action written to the public moderation log and emitted as
 * "reaction.hidden".
 */
#include "publications/page_publication.h"

#include "internal.h"

#include "common/check.h"
#include "common/app.h"
#include "common/auth.h"
#include "common/db.h"
#include "publications/db_publication.h"
#include "db_reaction.h"
#include "moderation/moderation.h"
#include "common/demo.h"
#include "common/module.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/page_util.h"
#include "common/xalloc.h"

#include <openssl/sha.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Who writes reactions, and whose items they are about (DESIGN.md §2). */
#define REACTION_OWNER "citizen"
#define REACTION_TARGET_OWNER "official"

#define REACTION_COMMENT_MAX 1000 /* characters, once trimmed */
#define REACTION_NAME_MAX 40
#define REACTION_REASON_MAX 500
#define REACTION_LIST_MAX 50       /* newest comments on an item page */
#define REACTION_QUEUE_PAGE 50     /* the moderators' queue */
#define REACTION_RATE_PER_MINUTE 5 /* per CSRF cookie */
#define CSRF_COOKIE_MAX_AGE_S (60L * 60 * 24 * 7)

/*
 * GET /origin/{kind}/{id}: this platform's copy of the peer's item. Defined here for the
 * official page's "react on the citizen platform" link; its prototype and route row belong
 * in page_publication.h and citizen-srv/src/routes.c.
 */

static const char *
t_get(struct request *req, const char *key)
{
	return i18n_get(req->app->i18n, req->lang, key);
}

static bool
is_reactable_kind(const char *kind)
{
	return kind && (strcmp(kind, "project") == 0 || strcmp(kind, "deliberation") == 0);
}

static bool
is_stance(const char *s)
{
	return s && (strcmp(s, "support") == 0 || strcmp(s, "concern") == 0);
}

/* Validate a resident's reaction; NULL when fine, else the error code. */
static const char *
check_reaction(const char *stance, const char *comment, const char *name)
{
	if (!stance || !*stance)
		return "stance_required";
	if (!is_stance(stance))
		return "invalid_stance";
	if (utf8_length(comment) > REACTION_COMMENT_MAX)
		return "comment_too_long";
	if (text_has_control(comment, true))
		return "invalid_comment";
	if (utf8_length(name) > REACTION_NAME_MAX)
		return "display_name_too_long";
	if (text_has_control(name, false))
		return "invalid_display_name";
	if (text_looks_personal(name))
		return "display_name_personal";
	return NULL;
}

/* A JSON string without NUL bytes (jansson allows "\u0000"), or NULL. */
static const char *
plain_string(json_t *v)
{
	const char *s = json_string_value(v);
	return s && strlen(s) == json_string_length(v) ? s : NULL;
}

/* ---- views ---- */

static const char *
kind_path(const char *kind)
{
	const struct kind *k = publication_kind(kind);
	return k ? k->path : "";
}

/* True when the n bytes at p are only white space. */
static bool
is_space_only(const char *p, size_t n)
{
	size_t i = 0, k;
	while (i < n && (k = text_space_at(p + i)) && i + k <= n)
		i += k;
	return i >= n;
}

/* Lines of a comment, without blank ones (each a paragraph; no HTML needed). */
static json_t *
comment_lines(const char *comment)
{
	json_t *lines = json_array();
	for (const char *p = comment; *p;) {
		size_t n = strcspn(p, "\n");
		if (!is_space_only(p, n))
			json_array_append_new(lines, json_stringn(p, n));
		p += n + (p[n] == '\n');
	}
	return lines;
}

/* The public view of one reaction; the same on both platforms (ids are the origin's). */
static json_t *
reaction_view(struct request *req, json_t *r)
{
	const char *stance = json_string_value(json_object_get(r, "stance"));
	const char *name = json_string_value(json_object_get(r, "display_name"));
	const char *created = json_string_value(json_object_get(r, "created_at"));
	json_t *reason = json_object_get(r, "hidden_reason");
	bool hidden = json_is_string(reason);
	bool anonymous = !name || !*name;
	json_t *v =
		json_pack("{s:O, s:O, s:s, s:s, s:b, s:s, s:b, s:s, s:s, s:b}", "id",
			  json_object_get(r, "origin_id"), "origin", json_object_get(r, "origin"),
			  "stance", stance, "stance_label",
			  t_get(req, arena_printf(req->arena, "reaction_stance_label_%s", stance)),
			  "is_support", strcmp(stance, "support") == 0, "display_name",
			  anonymous ? t_get(req, "reaction_anonymous") : name, "is_anonymous",
			  anonymous, "created_at", created, "created_date",
			  arena_strndup(req->arena, created, 10), "is_hidden", hidden);
	json_object_set_new(
		v, "anchor",
		json_sprintf("reaction-%lld",
			     (long long)json_integer_value(json_object_get(r, "origin_id"))));
	if (hidden) {
		/* the comment is gone; what stays public is why, and the hash of what was there */
		json_object_set(v, "hidden_reason", reason);
		json_object_set(v, "comment_sha256", json_object_get(r, "comment_sha256"));
	} else {
		const char *comment = json_string_value(json_object_get(r, "comment"));
		json_object_set_new(v, "comment", json_string(comment));
		json_object_set_new(v, "comment_lines", comment_lines(comment));
	}
	return v;
}

/* Adds to v (returned) the item reaction r is about, with a link when this platform has it. */
static json_t *
target_view(struct request *req, json_t *r, json_t *v)
{
	json_t *target = json_object_get(r, "target");
	const char *kind = json_string_value(json_object_get(target, "kind"));
	json_t *item_id = json_object_get(r, "item_id");
	const char *title = i18n_pick(json_object_get(r, "item_title"), req->lang, NULL);
	json_object_set_new(v, "target_kind", json_string(kind));
	json_object_set_new(
		v, "target_label",
		json_string(t_get(req, arena_printf(req->arena, "reaction_target_%s", kind))));
	json_object_set_new(v, "target_title",
			    title ? json_string(title)
				  : json_sprintf("#%lld", (long long)json_integer_value(
								  json_object_get(target, "id"))));
	if (json_is_integer(item_id))
		json_object_set_new(v, "target_url",
				    json_sprintf("/%s/%lld#%s", kind_path(kind),
						 (long long)json_integer_value(item_id),
						 json_string_value(json_object_get(v, "anchor"))));
	return v;
}

/*
 * The reactions part of an item page (NULL for other kinds, or when the database failed).
 * refused: a resident's form sent back ({error: {code, message}, stance, comment,
 * display_name}), or NULL.
 */
static json_t *
reactions_view(struct request *req, json_t *item, json_t *refused)
{
	struct app *app = req->app;
	const char *kind = json_string_value(json_object_get(item, "kind"));
	const char *origin = json_string_value(json_object_get(item, "origin"));
	long long origin_id = json_integer_value(json_object_get(item, "origin_id"));
	long long id = json_integer_value(json_object_get(item, "id"));
	if (!is_reactable_kind(kind) || !origin || strcmp(origin, REACTION_TARGET_OWNER) != 0)
		return NULL;
	json_t *sum = db_reaction_summary(origin, kind, origin_id, REACTION_LIST_MAX);
	if (!sum)
		return NULL; /* logged; the page shows without them */
	json_t *items = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(sum, "items"), i, r)
	{
		json_array_append_new(items, reaction_view(req, r));
	}
	json_int_t support = json_integer_value(json_object_get(sum, "support"));
	json_int_t concern = json_integer_value(json_object_get(sum, "concern"));
	json_int_t comments = json_integer_value(json_object_get(sum, "comments_total"));
	json_t *rv = json_pack("{s:I, s:I, s:I, s:I, s:o, s:b, s:b, s:s}", "support", support,
			       "concern", concern, "total", support + concern, "comments_total",
			       comments, "items", items, "has_items", json_array_size(items) > 0,
			       "is_capped", comments > (json_int_t)json_array_size(items),
			       "moderation_url", "/moderation");
	json_decref(sum);
	bool published =
		strcmp(json_string_value(json_object_get(item, "status")), "published") == 0;
	if (strcmp(app->side, REACTION_OWNER) == 0) {
		const char *reacted = http_query(req, "reacted");
		json_object_set_new(rv, "reacted", json_boolean(reacted && !strcmp(reacted, "1")));
		json_object_set_new(rv, "can_react", json_boolean(published));
		json_object_set_new(rv, "is_closed", json_boolean(!published));
		if (published) {
			const char *stance = json_string_value(json_object_get(refused, "stance"));
			json_t *form = json_pack(
				"{s:s, s:b, s:b, s:s, s:s}", "action",
				arena_printf(req->arena, "/%s/%lld/reactions", kind_path(kind), id),
				"stance_support", stance && !strcmp(stance, "support"),
				"stance_concern", stance && !strcmp(stance, "concern"), "comment",
				refused ? json_string_value(json_object_get(refused, "comment"))
					: "",
				"display_name",
				refused ? json_string_value(
						  json_object_get(refused, "display_name"))
					: "");
			if (refused)
				json_object_set(form, "error", json_object_get(refused, "error"));
			json_object_set_new(rv, "form", form);
			if (!req->want_json) {
				/*
				 * The form carries this browser's token: re-sending the cookie
				 * keeps the page out of the shared cache, where another browser
				 * would get a token that is not theirs.
				 */
				const char *name = http_cookie_name(req, "csrf");
				const char *had = http_cookie(req, name);
				const char *tok = http_csrf(req);
				if (had && strcmp(had, tok) == 0)
					http_set_cookie(req, name, tok, CSRF_COOKIE_MAX_AGE_S);
			}
		}
	} else {
		/* the mirror: residents react on the citizen platform */
		json_object_set_new(rv, "is_mirror", json_true());
		if (app->cfg.peer_url)
			json_object_set_new(rv, "react_url",
					    json_sprintf("%s/origin/%s/%lld#reactions",
							 app->cfg.peer_url, kind_path(kind),
							 origin_id));
	}
	return rv;
}

void
reaction_item_extras(struct request *req, json_t *item, json_t *view)
{
	json_t *rv = reactions_view(req, item, NULL);
	if (rv)
		json_object_set_new(view, "reactions", rv);
}

/* ---- residents ---- */

/* Emit "reaction.created" for r (a row of db_reaction_create) in the caller's transaction. */
static int
emit_created(const char *side, json_t *r)
{
	json_t *target = json_object_get(r, "target");
	long long id = json_integer_value(json_object_get(r, "origin_id"));
	char ids[24], tids[24];
	snprintf(ids, sizeof(ids), "%lld", id);
	snprintf(tids, sizeof(tids), "%lld",
		 (long long)json_integer_value(json_object_get(target, "id")));
	json_t *data = json_pack(
		"{s:I, s:{s:O, s:O, s:O}, s:O, s:O, s:O, s:O}", "id", (json_int_t)id, "target",
		"origin", json_object_get(target, "origin"), "kind",
		json_object_get(target, "kind"), "id", json_object_get(target, "id"), "stance",
		json_object_get(r, "stance"), "comment", json_object_get(r, "comment"),
		"display_name", json_object_get(r, "display_name"), "created_at",
		json_object_get(r, "created_at"));
	json_t *refs = json_pack("[{s:s, s:s, s:s}, {s:O, s:O, s:s}]", "origin", side, "type",
				 "reaction", "id", ids, "origin", json_object_get(target, "origin"),
				 "type", json_object_get(target, "kind"), "id", tids);
	return outbox_emit("reaction.created", refs, data, NULL);
}

/*
 * Store a reaction to item (a mirrored item of the target owner) and emit it, in one
 * transaction. Returns the row, or NULL with *st (STATUS_NOT_FOUND: the item is not
 * published).
 */
static json_t *
create_reaction(const char *side, json_t *item, const char *stance, const char *comment,
		const char *name, enum status *st)
{
	json_t *r = NULL;
	*st = STATUS_UNAVAILABLE;
	if (db_begin() < 0)
		return NULL;
	r = db_reaction_create(side, json_string_value(json_object_get(item, "origin")),
			       json_string_value(json_object_get(item, "kind")),
			       json_integer_value(json_object_get(item, "origin_id")), stance,
			       comment, name, st);
	if (r && (emit_created(side, r) < 0 || db_commit() < 0)) {
		json_decref(r);
		r = NULL;
		*st = STATUS_UNAVAILABLE;
	}
	if (!r)
		db_rollback();
	return r;
}

/* The item page again, with the refused form and its error (400). */
static void
refuse_form(struct request *req, const struct kind *k, json_t *item, const char *code,
	    const char *stance, const char *comment, const char *name)
{
	if (req->want_json) {
		http_error(req, STATUS_INVALID, code,
			   "the reaction does not fit the form's limits");
		return;
	}
	log_warn("reaction to %s %lld refused: %s", k->name,
		 (long long)json_integer_value(json_object_get(item, "id")), code);
	const char *message = t_get(req, arena_printf(req->arena, "error_%s", code));
	json_t *refused = json_pack("{s:{s:s, s:s}, s:s, s:s, s:s}", "error", "code", code,
				    "message", message, "stance", stance ? stance : "", "comment",
				    comment, "display_name", name);
	json_t *view = pub_item_view(req, k, item);
	/* the reactions part again, this time with the refused form and what was typed */
	json_t *rv = reactions_view(req, item, refused);
	if (rv)
		json_object_set_new(view, "reactions", rv);
	json_decref(refused);
	http_render(req, 400, "publication_item", view);
}

void
page_reaction_create(struct request *req)
{
	const struct kind *k = page_pub_kind(req);
	if (!k)
		return;
	if (strcmp(req->app->side, REACTION_OWNER) != 0 || !is_reactable_kind(k->name)) {
		http_error(req, STATUS_NOT_FOUND, "not_found", "there is no page at this address");
		return;
	}
	long long id = page_parse_id(http_param(req, "id"));
	enum status st = STATUS_NOT_FOUND;
	json_t *item = id > 0 ? db_pub_get(k->name, id, false, &st) : NULL;
	if (!item) {
		page_read_failed(req, st, arena_printf(req->arena, "%s_not_found", k->name),
				 "there is no such item");
		return;
	}
	const char *origin = json_string_value(json_object_get(item, "origin"));
	const char *status = json_string_value(json_object_get(item, "status"));
	const char *stance = http_form(req, "stance");
	const char *comment = text_clean(req, http_form(req, "comment"));
	const char *name = text_clean(req, http_form(req, "display_name"));
	const char *err;
	json_t *r = NULL;
	if (strcmp(origin, REACTION_TARGET_OWNER) != 0) {
		http_error(req, STATUS_NOT_FOUND, arena_printf(req->arena, "%s_not_found", k->name),
			   "there is no such item");
		goto out;
	}
	if (strcmp(status, "published") != 0) {
		http_error(req, STATUS_CONFLICT, "reactions_closed",
			   "this item was withdrawn: it takes no more reactions");
		goto out;
	}
	if ((err = check_reaction(stance, comment, name))) {
		refuse_form(req, k, item, err, stance, comment, name);
		goto out;
	}
	if (!page_rate_allow(req, "reaction", REACTION_RATE_PER_MINUTE, "too_many_reactions",
			     "too many reactions from this browser; wait a minute"))
		goto out;
	r = create_reaction(req->app->side, item, stance, comment, name, &st);
	if (!r) {
		if (st == STATUS_NOT_FOUND)
			http_error(req, STATUS_CONFLICT, "reactions_closed",
				   "this item was withdrawn: it takes no more reactions");
		else
			http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
				   "the reaction could not be saved; try again in a minute");
		goto out;
	}
	/* ids only: nothing the resident wrote goes to the log */
	log_info("reaction %lld created on %s %lld",
		 (long long)json_integer_value(json_object_get(r, "id")), k->name, id);
	http_cache_bump();
	if (req->want_json) {
		json_t *v = reaction_view(req, r);
		http_json(req, 201, target_view(req, r, v));
	} else {
		http_redirect(
			req, arena_printf(req->arena, "/%s/%lld?reacted=1#reactions", k->path, id));
	}
out:
	json_decref(r);
	json_decref(item);
}

/* ---- moderation ---- */

void
page_staff_reactions(struct request *req)
{
	if (!page_require(req, "reactions.moderate"))
		return;
	long long before = page_before_param(req);
	if (before < 0)
		return;
	json_t *q = db_reaction_queue(req->app->side, before, REACTION_QUEUE_PAGE);
	if (!q) {
		page_db_unavailable(req);
		return;
	}
	json_t *items = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(q, "items"), i, r)
	{
		json_t *v = target_view(req, r, reaction_view(req, r));
		json_object_set_new(
			v, "hide_action",
			json_sprintf("/staff/reactions/%lld/hide",
				     (long long)json_integer_value(json_object_get(r, "id"))));
		json_array_append_new(items, v);
	}
	json_t *view = json_pack("{s:o, s:b, s:b}", "items", items, "has_items",
				 json_array_size(items) > 0, "is_first", before == 0);
	json_t *next = json_object_get(q, "next");
	if (json_is_integer(next))
		json_object_set_new(view, "next_url",
				    json_sprintf("/staff/reactions?before=%lld",
						 (long long)json_integer_value(next)));
	json_decref(q);
	http_csrf(req);
	http_render(req, 200, "staff_reactions", view);
}

/* Emit "reaction.hidden" for the hidden reaction r and its log entry m. */
static int
emit_hidden(const char *side, json_t *r, json_t *m)
{
	char ids[24], mids[24];
	snprintf(ids, sizeof(ids), "%lld",
		 (long long)json_integer_value(json_object_get(r, "origin_id")));
	snprintf(mids, sizeof(mids), "%lld",
		 (long long)json_integer_value(json_object_get(m, "origin_id")));
	json_t *data = json_pack("{s:O, s:O, s:O, s:O, s:O}", "id", json_object_get(r, "origin_id"),
				 "reason", json_object_get(m, "reason"), "comment_sha256",
				 json_object_get(m, "comment_sha256"), "moderation_id",
				 json_object_get(m, "origin_id"), "hidden_at",
				 json_object_get(m, "created_at"));
	json_t *refs =
		json_pack("[{s:s, s:s, s:s}, {s:s, s:s, s:s}]", "origin", side, "type", "reaction",
			  "id", ids, "origin", side, "type", "moderation", "id", mids);
	return outbox_emit("reaction.hidden", refs, data, NULL);
}

void
page_staff_reaction_hide(struct request *req)
{
	if (!page_require(req, "reactions.moderate"))
		return;
	long long id = page_parse_id(http_param(req, "id"));
	if (id < 0) {
		http_error(req, STATUS_NOT_FOUND, "reaction_not_found",
			   "there is no such reaction");
		return;
	}
	const char *reason = page_hide_reason(req);
	if (!reason)
		return;
	enum status st = STATUS_UNAVAILABLE;
	json_t *r = NULL, *m = NULL;
	if (db_begin() == 0) {
		r = db_reaction_hide(req->app->side, id, reason, NULL, NULL, &st);
		if (r)
			m = db_moderation_add(
				req->app->side, 0, "hide_reaction",
				arena_printf(req->arena, "reaction/%lld", id), reason,
				json_string_value(json_object_get(r, "comment_sha256")), NULL, &st);
		if (m && (emit_hidden(req->app->side, r, m) < 0 || db_commit() < 0))
			st = STATUS_UNAVAILABLE;
		if (st != STATUS_OK)
			db_rollback();
	}
	if (st != STATUS_OK) {
		if (st == STATUS_NOT_FOUND)
			http_error(req, st, "reaction_not_found", "there is no such reaction");
		else if (st == STATUS_CONFLICT && r == NULL)
			http_error(req, st, "already_hidden", "this reaction is hidden already");
		else
			http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
				   "the change could not be saved; try again in a minute");
		goto out;
	}
	log_info("reaction %lld hidden by account %lld (moderation %lld)", id, req->user->id,
		 (long long)json_integer_value(json_object_get(m, "origin_id")));
	http_cache_bump();
	if (req->want_json)
		http_json(req, 200, moderation_view(req, m));
	else
		http_redirect(req, "/staff/reactions");
out:
	json_decref(r);
	json_decref(m);
}

void
page_pub_by_origin(struct request *req)
{
	const char *path = http_param(req, "kind");
	const struct kind *k = path ? publication_kind_by_path(path) : NULL;
	long long id = page_parse_id(http_param(req, "id"));
	if (!k || id < 0) {
		http_error(req, STATUS_NOT_FOUND, "not_found", "there is no page at this address");
		return;
	}
	long long local = db_pub_local_id(req->app->peer_side, k->name, id);
	if (local < 0) {
		http_error(req, STATUS_NOT_FOUND, arena_printf(req->arena, "%s_not_found", k->name),
			   "this platform has no copy of that item (yet)");
		return;
	}
	http_redirect(req, arena_printf(req->arena, "/%s/%lld", k->path, local));
}

/* ---- the peer's events ---- */

static enum status
apply_created(const char *origin, json_t *data)
{
	json_t *id = json_object_get(data, "id");
	json_t *target = json_object_get(data, "target");
	const char *t_origin = json_string_value(json_object_get(target, "origin"));
	const char *kind = json_string_value(json_object_get(target, "kind"));
	json_t *t_id = json_object_get(target, "id");
	const char *stance = json_string_value(json_object_get(data, "stance"));
	const char *comment = plain_string(json_object_get(data, "comment"));
	const char *name = plain_string(json_object_get(data, "display_name"));
	const char *created = json_string_value(json_object_get(data, "created_at"));
	if (!json_is_integer(id) || json_integer_value(id) <= 0 || !json_is_object(target) ||
	    !t_origin || strcmp(t_origin, REACTION_TARGET_OWNER) != 0 || !is_reactable_kind(kind) ||
	    !json_is_integer(t_id) || json_integer_value(t_id) <= 0 || !comment || !name ||
	    check_reaction(stance, comment, name) || !is_utc_time(created)) {
		log_warn("reaction.created event from %s does not have the expected fields",
			 origin);
		return STATUS_INVALID;
	}
	enum status st =
		db_reaction_mirror(origin, json_integer_value(id), t_origin, kind,
				   json_integer_value(t_id), stance, comment, name, created);
	if (st == STATUS_NOT_FOUND) {
		log_warn("reaction %lld from %s is about %s %lld, which is not an item here",
			 (long long)json_integer_value(id), origin, kind,
			 (long long)json_integer_value(t_id));
		return STATUS_INVALID;
	}
	return st;
}

static enum status
apply_hidden(const char *origin, json_t *data)
{
	json_t *id = json_object_get(data, "id");
	json_t *mid = json_object_get(data, "moderation_id");
	const char *reason = plain_string(json_object_get(data, "reason"));
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
	if (!have) {
		if (st == STATUS_NOT_FOUND)
			log_warn("reaction.hidden event from %s: no reaction %lld here", origin,
				 rid);
		return st == STATUS_NOT_FOUND ? STATUS_INVALID : st;
	}
	bool hidden = json_is_string(json_object_get(have, "hidden_reason"));
	json_decref(have);
	if (hidden) {
		log_warn("reaction.hidden event from %s: reaction %lld is hidden already", origin,
			 rid);
		return STATUS_INVALID;
	}
	char target[40];
	snprintf(target, sizeof(target), "reaction/%lld", rid);
	json_t *m = db_moderation_add(origin, json_integer_value(mid), "hide_reaction", target,
				      reason, sha, hidden_at, &st);
	if (!m) {
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
	if (strcmp(mine, sha) != 0)
		log_warn("reaction %lld from %s: the hash of the hidden comment differs from this "
			 "copy's (%s); the origin's is kept",
			 rid, origin, mine);
	return STATUS_OK;
}

enum status
hook_reaction(const struct hook_event *ev)
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
	return strcmp(type, "reaction.created") == 0 ? apply_created(origin, data)
						     : apply_hidden(origin, data);
}

/* ---- demo ---- */

/* The mirrored item of kind whose title (in any language) is title, or NULL. */
static json_t *
demo_find_item(struct app *app, const char *kind, const char *title)
{
	json_t *items = db_pub_list_own(app->peer_side, kind, 10000);
	json_t *found = NULL;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it)
	{
		const char *lang;
		json_t *t;
		json_object_foreach(json_object_get(json_object_get(it, "data"), "title"), lang, t)
		{
			if (!found && json_is_string(t) && strcmp(json_string_value(t), title) == 0)
				found = json_incref(it);
		}
	}
	json_decref(items);
	return found;
}

/*
 * reactions.json: [{"kind": "project", "title": "<the item's title in one language>",
 * "stance": "support", "comment": "...", "display_name": "..."}]. The items are the commune's,
 * mirrored from its events: those not here yet are skipped (load again once in sync).
 */
int
reaction_demo_load(struct app *app, const char *dir)
{
	char *path;
	json_t *list;
	size_t added = 0, present = 0, waiting = 0;
	int rc = demo_open_array(app, dir, "reactions.json", REACTION_OWNER,
				 "reactions are written", &path, &list);
	if (rc <= 0)
		goto out;
	rc = -1;
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e)
	{
		const char *kind = json_string_value(json_object_get(e, "kind"));
		const char *title = json_string_value(json_object_get(e, "title"));
		const char *stance = json_string_value(json_object_get(e, "stance"));
		const char *comment = plain_string(json_object_get(e, "comment"));
		const char *name = plain_string(json_object_get(e, "display_name"));
		if (!is_reactable_kind(kind) || !title || !comment || !name ||
		    check_reaction(stance, comment, name)) {
			fprintf(stderr, "%s: entry %zu is not a valid reaction\n", path, i);
			goto out;
		}
		json_t *item = demo_find_item(app, kind, title);
		if (!item ||
		    strcmp(json_string_value(json_object_get(item, "status")), "published") != 0) {
			json_decref(item);
			waiting++;
			continue;
		}
		long long have =
			db_reaction_find(REACTION_TARGET_OWNER, kind,
					 json_integer_value(json_object_get(item, "origin_id")),
					 stance, comment, name);
		if (have != 0) {
			json_decref(item);
			if (have < 0)
				goto out;
			present++;
			continue;
		}
		/* the residents' path: row and signed event in one transaction */
		enum status st;
		json_t *r = create_reaction(app->side, item, stance, comment, name, &st);
		json_decref(item);
		if (!r)
			goto out;
		json_decref(r);
		added++;
	}
	printf("%s: %zu demo reactions added, %zu already there\n", app->side, added, present);
	if (waiting)
		printf("%s: %zu demo reactions wait for the commune's items, not mirrored here yet;"
		       " load the demo again once the platforms are paired and in sync\n",
		       app->side, waiting);
	rc = 0;
out:
	json_decref(list);
	free(path);
	return rc;
}
