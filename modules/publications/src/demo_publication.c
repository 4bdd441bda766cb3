// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The publications' demo: DIR/publications.json, written through the staff path (the item and
 * its event in one transaction) on the platform that loads it.
 */
#include "common/app.h"
#include "common/db.h"
#include "common/demo.h"
#include "internal.h"
#include "publications/db_publication.h"
#include "publications/page_publication.h"

#include <stdio.h>
#include <string.h>

/* True when the platform has an own item of kind k with this title. */
static bool
has_title(struct app *app, const struct kind *k, json_t *title)
{
	json_t *own = db_pub_list_own(app->side, k->name, 10000);
	bool exists = false;
	size_t j;
	json_t *have;
	json_array_foreach(own, j, have)
	{
		exists |= json_equal(json_object_get(json_object_get(have, "data"), k->title_field),
				     title);
	}
	json_decref(own);
	return exists;
}

/* {"kind": "project", "data": {...}, "status": "published"|"draft"}; an item whose kind and
 * title already exist is skipped. */
static int
demo_entry(struct app *app, const char *path, size_t i, json_t *entry, struct demo_counts *n)
{
	const struct kind *k = publication_kind(json_string_value(json_object_get(entry, "kind")));
	json_t *data = json_object_get(entry, "data");
	if (!k || !publication_data_is_valid(k, data)) {
		fprintf(stderr, "%s: entry %zu is not a valid publication\n", path, i);
		return -1;
	}
	if (has_title(app, k, json_object_get(data, k->title_field))) {
		n->present++;
		return 0;
	}
	const char *status = json_string_value(json_object_get(entry, "status"));
	bool publish = !status || strcmp(status, "draft") != 0;
	if (pub_create_own(app->side, k, data, publish) < 0)
		return -1;
	n->added++;
	return 0;
}

long long
pub_create_own(const char *side, const struct kind *k, json_t *data, bool publish)
{
	long long id = -1;
	if (db_begin() == 0) {
		id = db_pub_create(side, k->name, data, publish);
		if (id < 0 || pub_emit(side, k, id, "published") < 0 || db_commit() < 0) {
			db_rollback();
			id = -1;
		}
	}
	return id;
}

static const struct demo_file publications_demo = {
	.name = "publications.json",
	.noun = "demo publications",
	.entry = demo_entry,
};

int
publication_demo_load(struct app *app, const char *dir)
{
	return demo_load_file(app, dir, &publications_demo);
}
