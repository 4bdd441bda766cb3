// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Serving a list's Atom feed and advertising it on the list's page (common/atom.h): the
 * request's side of the writer in atom.c. The list's module keeps its rows and filters; this
 * file adds what every feed shares (the site's name as author and in the title, the public
 * address in every link, the reader's language, tag: ids).
 */
#include "common/app.h"
#include "common/arena.h"
#include "common/atom.h"
#include "common/http.h"
#include "common/page_util.h"
#include "common/strbuf.h"
#include "http_internal.h"

#include <string.h>

#define TAG_YEAR "2026" /* RFC 4151: a year the commune held its address; never change it */

/* A feed the page advertises (request.feed_links, in the arena). */
struct feed_link {
	const char *title, *href;
	struct feed_link *next;
};

bool
feed_wanted(const struct request *req)
{
	return req->want_atom;
}

/* The site's name in the reader's language, or NULL. */
static const char *
site_name(struct request *req)
{
	json_t *site = json_object_get(req->app->site_by_lang, req->lang);
	const char *name = json_string_value(json_object_get(site, "name"));
	return name && *name ? name : NULL;
}

/* "<site> — title" (arena). */
static const char *
full_title(struct request *req, const char *title)
{
	const char *name = site_name(req);
	return arena_printf(req->arena, "%s%s%s", name ? name : "", name ? " — " : "",
			    title ? title : "");
}

/* path, then "?query&lang=xx" (arena); absolute when base is not NULL. */
static const char *
with_query(struct request *req, const char *base, const char *path, const char *query)
{
	return arena_printf(req->arena, "%s%s?%s%slang=%s", base ? base : "", path,
			    query ? query : "", query && *query ? "&" : "", req->lang);
}

const char *
feed_tag(struct request *req, const char *specific)
{
	const char *host = page_public_base(req);
	const char *p = strstr(host, "://");
	host = p ? p + 3 : host;
	size_t n = strcspn(host, ":/?#");
	return arena_printf(req->arena, "tag:%.*s," TAG_YEAR ":%s", (int)n, host, specific);
}

const char *
feed_summary(struct request *req, const char *text, bool markdown)
{
	struct strbuf sb = STRBUF_INIT;
	atom_summary(&sb, text, FEED_SUMMARY_MAX, markdown);
	const char *s = arena_strdup(req->arena, sb.buf);
	strbuf_release(&sb);
	return s;
}

void
feed_begin(struct request *req, struct feed *f, const char *title, const char *query)
{
	memset(f, 0, sizeof(*f));
	f->req = req;
	f->title = full_title(req, title);
	f->query = arena_strdup(req->arena, query ? query : "");
	f->html_path = req->path;
	f->self_path = arena_printf(req->arena, "%s.atom", req->path);
	if (req->match.route && (req->match.route->flags & ROUTE_JSON_TWIN))
		f->json_path = arena_printf(req->arena, "%s.json", req->path);
	strbuf_init(&f->entries, 0);
	atom_time(f->updated, NULL);
}

void
feed_add(struct feed *f, const struct atom_entry *e)
{
	struct atom_entry abs = *e;
	if (e->link && e->link[0] == '/')
		abs.link = arena_printf(f->req->arena, "%s%s", page_public_base(f->req), e->link);
	char t[ATOM_TIME_SIZE];
	atom_time(t, e->updated);
	/* both are RFC 3339 in UTC from the database: the text order is the time order */
	if (strcmp(t, f->updated) > 0)
		memcpy(f->updated, t, sizeof(t));
	atom_add_entry(&f->entries, &abs);
}

void
feed_send(struct feed *f)
{
	struct request *req = f->req;
	const char *base = page_public_base(req);
	struct atom_head h = {
		.id = f->id ? f->id : feed_tag(req, with_query(req, NULL, f->self_path, f->query)),
		.title = f->title,
		.updated = f->updated,
		.lang = req->lang,
		.author = site_name(req),
		.author_uri = base,
		.self = with_query(req, base, f->self_path, f->query),
		.html = f->html_path ? with_query(req, base, f->html_path, f->query) : NULL,
		.json = f->json_path ? with_query(req, base, f->json_path, f->query) : NULL,
	};
	struct strbuf out = STRBUF_INIT;
	atom_open(&out, &h);
	strbuf_addbuf(&out, &f->entries);
	atom_close(&out);
	strbuf_release(&f->entries);
	size_t len;
	char *body = strbuf_detach(&out, &len);
	http_send_owned(req, 200, "application/atom+xml; charset=utf-8", body, len);
}

void
feed_advertise_path(struct request *req, const char *title, const char *path, const char *query)
{
	if (req->want_json || req->want_atom)
		return;
	struct feed_link *l = arena_alloc(req->arena, sizeof(*l));
	l->title = full_title(req, title);
	l->href = with_query(req, NULL, path, query);
	l->next = NULL;
	struct feed_link **tail = &req->feed_links;
	while (*tail)
		tail = &(*tail)->next;
	*tail = l;
}

void
feed_advertise(struct request *req, const char *title, const char *query)
{
	feed_advertise_path(req, title, arena_printf(req->arena, "%s.atom", req->path), query);
}

json_t *
feed_links_view(struct request *req)
{
	json_t *out = json_array();
	for (const struct feed_link *l = req->feed_links; l; l = l->next)
		json_array_append_new(out,
				      json_pack("{s:s, s:s}", "title", l->title, "href", l->href));
	return out;
}
