// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * A kind's Atom feed (common/atom.h): what every kind's list answers at "<path>.atom" with the
 * list's filters, so a kind another module brings gets its feed with its list. Only published
 * items: the list's query reads no draft nor withdrawn one.
 */
#include "internal.h"

#include "common/atom.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/page_util.h"
#include "publications/page_publication.h"
#include "publications/publication.h"

#include <string.h>

/* The kind's first field of type t (with a filter when filter), or NULL. */
static const struct field *
first_field(const struct kind *k, enum field_type t, bool filter)
{
	for (size_t i = 0; i < k->nfields; i++)
		if (k->fields[i].type == t && (!filter || k->fields[i].filter))
			return &k->fields[i];
	return NULL;
}

void
pub_feed(struct request *req, const struct kind *k, json_t *rows, const char *title,
	 const char *query, const char *(*link)(struct request *req, json_t *row))
{
	/* the summary: the kind's first Markdown text (a project's description, a
	 * deliberation's summary); the category: its first choice offered as a filter */
	const struct field *text = first_field(k, FIELD_MARKDOWN, false);
	const struct field *cat = first_field(k, FIELD_CHOICE, true);
	struct feed f;
	feed_begin(req, &f, title, query);
	size_t i;
	json_t *it;
	json_array_foreach(rows, i, it)
	{
		json_t *data = json_object_get(it, "data");
		if (strcmp(json_str(it, "status"), "published") != 0)
			continue;
		const char *t = i18n_pick(json_object_get(data, k->title_field), req->lang, NULL);
		const char *c = cat ? json_str(data, cat->name) : NULL;
		long long id = json_integer_value(json_object_get(it, "id"));
		const char *specific = arena_printf(
			req->arena, "%s/%s/%lld", k->name, json_str(it, "origin"),
			(long long)json_integer_value(json_object_get(it, "origin_id")));
		feed_add(
			&f,
			&(struct atom_entry){
				.id = feed_tag(req, specific),
				.title = t ? t : "",
				.link = link ? link(req, it)
					     : arena_printf(req->arena, "/%s/%lld", k->path, id),
				.updated = json_str(it, "updated_at"),
				.published = json_str(it, "published_at"),
				.category = c && *c ? c : NULL,
				.category_label = c && *c ? pub_choice_label(req, k, cat, c) : NULL,
				.summary = text ? feed_summary(req,
							       i18n_pick(json_object_get(
										 data, text->name),
									 req->lang, NULL),
							       true)
						: NULL,
			});
	}
	feed_send(&f);
}
