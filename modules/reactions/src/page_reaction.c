// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Residents' reactions to the commune's projects and deliberations, on the item pages. A
 * reaction belongs to the citizen platform: a resident without an account writes it there (a
 * stance, an optional comment, a display name of their choosing; nothing personal is stored or
 * logged), it is emitted as "reaction.created" and mirrored on the official item page, which
 * links to the citizen platform's copy (/origin/{kind}/{id}). Moderation is
 * page_staff_reaction.c, the peer's events hook_reaction.c.
 */
#include "publications/page_publication.h"

#include "internal.h"

#include "common/app.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/page_util.h"
#include "db_reaction.h"
#include "publications/db_publication.h"

#include <string.h>

#define REACTION_LIST_MAX 50       /* newest comments on an item page */
#define REACTION_RATE_PER_MINUTE 5 /* per client (client.h), unless set otherwise */

static const char *
t_get(struct request *req, const char *key)
{
	return i18n_get(req->app->i18n, req->lang, key);
}

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

json_t *
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

json_t *
reaction_target_view(struct request *req, json_t *r, json_t *v)
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
 * The residents' form under a published item (citizen platform): empty, or the refused one
 * with what was typed and its error.
 */
static json_t *
reaction_form(struct request *req, json_t *item, json_t *refused)
{
	const char *kind = json_string_value(json_object_get(item, "kind"));
	long long id = json_integer_value(json_object_get(item, "id"));
	const char *stance = json_string_value(json_object_get(refused, "stance"));
	json_t *form = json_pack(
		"{s:s, s:b, s:b, s:s, s:s}", "action",
		arena_printf(req->arena, "/%s/%lld/reactions", kind_path(kind), id),
		"stance_support", stance && !strcmp(stance, "support"), "stance_concern",
		stance && !strcmp(stance, "concern"), "comment",
		refused ? json_string_value(json_object_get(refused, "comment")) : "",
		"display_name",
		refused ? json_string_value(json_object_get(refused, "display_name")) : "");
	if (refused)
		json_object_set(form, "error", json_object_get(refused, "error"));
	if (!req->want_json)
		page_form_csrf(req);
	return form;
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
	if (!is_reaction_kind(app, kind) || !origin || strcmp(origin, REACTION_TARGET_OWNER) != 0)
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
		if (published)
			json_object_set_new(rv, "form", reaction_form(req, item, refused));
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
	http_render(req, 400, k->item_template ? k->item_template : "publication_item", view);
}

void
page_reaction_create(struct request *req)
{
	const struct kind *k = page_pub_kind(req);
	if (!k)
		return;
	if (strcmp(req->app->side, REACTION_OWNER) != 0 || !is_reaction_kind(req->app, k->name)) {
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
	if ((err = reaction_check(stance, comment, name))) {
		refuse_form(req, k, item, err, stance, comment, name);
		goto out;
	}
	if (!page_rate_allow(req, "reaction", REACTION_RATE_PER_MINUTE, "too_many_reactions",
			     "too many reactions from this connection; wait a minute"))
		goto out;
	r = reaction_create(req->app->side, item, stance, comment, name, &st);
	if (!r) {
		if (st == STATUS_NOT_FOUND)
			http_error(req, STATUS_CONFLICT, "reactions_closed",
				   "this item was withdrawn: it takes no more reactions");
		else if (st == STATUS_TOO_MANY)
			page_busy(req);
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
		http_json(req, 201, reaction_target_view(req, r, v));
	} else {
		http_redirect(
			req, arena_printf(req->arena, "/%s/%lld?reacted=1#reactions", k->path, id));
	}
out:
	json_decref(r);
	json_decref(item);
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
