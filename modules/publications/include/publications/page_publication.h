// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PUBLICATIONS_PAGE_PUBLICATION_H
#define PUBLICATIONS_PAGE_PUBLICATION_H

#include "publications/publication.h"
#include "common/router.h"

#include <jansson.h>
#include <stdbool.h>

/*
 * Pages of publications, generic over the kinds (the kind comes from the path: /projects,
 * /staff/deliberations/3/edit...). Public pages exist on both platforms (the citizen one shows
 * the mirror); staff pages only on the origin (official).
 */
struct request;

void page_pub_list(struct request *req);
void page_pub_item(struct request *req);
void page_pub_history(struct request *req);
/* GET /projects.geojson: the located items of a list, for the map (see common/map.h). */
void page_pub_geojson(struct request *req);
void page_staff_pub_list(struct request *req);
void page_staff_pub_new(struct request *req);
void page_staff_pub_create(struct request *req);
void page_staff_pub_edit(struct request *req);
void page_staff_pub_update(struct request *req);
void page_staff_pub_publish(struct request *req);
void page_staff_pub_unpublish(struct request *req);
void page_staff_project_milestone(struct request *req);

/*
 * Reply with the Atom feed (common/atom.h) of kind k's published rows (db rows, as
 * db_pub_list gives them; others are skipped), titled "<site> — title", the list's filters
 * query ("a=1&b=2", or NULL) carried into its links; each entry's page is link(req, row), or
 * "/<path>/<id>" when link is NULL. What a kind's list answers at "<path>.atom".
 */
void pub_feed(struct request *req, const struct kind *k, json_t *rows, const char *title,
	      const char *query, const char *(*link)(struct request *req, json_t *row));

/* The kind of the request's path, or NULL (then it replied 404). */
const struct kind *page_pub_kind(struct request *req);
/* The view of an item in the reader's language; full adds the rendered texts and history size. */
json_t *pub_view(struct request *req, const struct kind *k, json_t *item, bool full);
/* The whole item page's view: pub_view(.., true) plus the kind-specific parts and the history
 * link; a withdrawn item keeps its title, dates and reason only. */
json_t *pub_item_view(struct request *req, const struct kind *k, json_t *item);
/*
 * Emit the public snapshot of own item id as "<kind>.<action>" in the caller's transaction
 * (nothing for drafts). Returns 0 or -1.
 */
int pub_emit(const char *side, const struct kind *k, long long id, const char *action);
/* A new own item of kind k (published at once when publish, with its event), in a transaction
 * of its own: the demo loaders' write path. Returns its id, or -1 (rolled back). */
long long pub_create_own(const char *side, const struct kind *k, json_t *data, bool publish);

/*
 * What another module adds to the items of one kind (budget lines, deliberation files,
 * residents' reactions): it offers a struct pub_extension as its module_ext PUB_EXTENSION.
 */
#define PUB_EXTENSION "publication"
struct pub_extension {
	const char *kind; /* "budget" */
	/* fill its part of an item page's view (item: the stored row with its data) */
	void (*item_view)(struct request *req, json_t *item, json_t *view);
	/* its templates, shown on the item page and on the staff form (may be NULL) */
	const char *partial, *staff_partial;
	/* own item id was just published (or again after a withdrawal), in the caller's
	 * transaction: 0, or -1 (roll back); may be NULL */
	int (*on_publish)(const char *side, long long id);
};

/* The label of choice v of field f in the reader's language. */
const char *pub_choice_label(struct request *req, const struct kind *k, const struct field *f,
			     const char *v);
/* n in decimal, its digits in groups of three joined by no-break spaces (U+00A0), which keep
 * the groups whole and in order inside right-to-left text: "38 000 000" (an arena string). */
const char *pub_digits_text(struct request *req, long long n);

/*
 * The applier of "<kind>.published|updated|unpublished" for every kind (a module bringing its
 * own kind lists {"<kind>.*", pub_hook_apply} in its hooks).
 */
struct hook_event;
enum status pub_hook_apply(const struct hook_event *ev);
/* Its restorer: the official platform's own publication events re-imported after a database
 * restore (docs/decisions/0010) are written back as own items with their ids. */
enum status pub_restore_apply(const struct hook_event *ev);

/* 303 to this platform's copy of a peer's item: /origin/{kind}/{origin id}. */
void page_pub_by_origin(struct request *req);

// clang-format off
/* Public rows for one kind path ("projects"): both platforms (the origin its own items, the
 * peer its mirror). */
#define PUBLICATION_PUBLIC_ROUTES(path) \
	{"GET", "/" path, page_pub_list, ROUTE_JSON_TWIN | ROUTE_ATOM_TWIN | ROUTE_CACHE, 0, path}, \
	{"GET", "/" path "/{id}", page_pub_item, ROUTE_JSON_TWIN | ROUTE_CACHE, 0, path "_item"}, \
	{"GET", "/" path "/{id}/history", page_pub_history, ROUTE_JSON_TWIN | ROUTE_CACHE, 0, \
	 path "_history"}
/* Staff rows (the origin platform only). */
#define PUBLICATION_STAFF_ROUTES(path) \
	{"GET", "/staff/" path, page_staff_pub_list, ROUTE_STAFF | ROUTE_JSON_TWIN, 0, "staff_" path}, \
	{"GET", "/staff/" path "/new", page_staff_pub_new, ROUTE_STAFF, 0, "staff_" path "_new"}, \
	{"POST", "/staff/" path, page_staff_pub_create, ROUTE_STAFF, 512 * 1024, "staff_" path "_create"}, \
	{"GET", "/staff/" path "/{id}/edit", page_staff_pub_edit, ROUTE_STAFF, 0, "staff_" path "_edit"}, \
	{"POST", "/staff/" path "/{id}", page_staff_pub_update, ROUTE_STAFF, 512 * 1024, \
	 "staff_" path "_update"}, \
	{"POST", "/staff/" path "/{id}/publish", page_staff_pub_publish, ROUTE_STAFF, 4096, \
	 "staff_" path "_publish"}, \
	{"POST", "/staff/" path "/{id}/unpublish", page_staff_pub_unpublish, ROUTE_STAFF, 8192, \
	 "staff_" path "_unpublish"}
// clang-format on

#endif
