// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_PAGE_PUBLICATION_H
#define COMMON_PAGE_PUBLICATION_H

#include "common/publication.h"
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
void page_accountability(struct request *req);
void page_staff_pub_list(struct request *req);
void page_staff_pub_new(struct request *req);
void page_staff_pub_create(struct request *req);
void page_staff_pub_edit(struct request *req);
void page_staff_pub_update(struct request *req);
void page_staff_pub_publish(struct request *req);
void page_staff_pub_unpublish(struct request *req);
void page_staff_project_milestone(struct request *req);

/* The kind of the request's path, or NULL (then it replied 404). */
const struct kind *page_pub_kind(struct request *req);
/* The view of an item in the reader's language; full adds the rendered texts and history size. */
json_t *pub_view(struct request *req, const struct kind *k, json_t *item, bool full);
/*
 * Emit the public snapshot of own item id as "<kind>.<action>" in the caller's transaction
 * (nothing for drafts). Returns 0 or -1.
 */
int pub_emit(const char *side, const struct kind *k, long long id, const char *action);

/*
 * Kind-specific parts of an item page, each filling view (may do nothing for other kinds):
 * budget lines and charts (page_budget.c), deliberation files (page_council.c), reactions
 * (page_reaction.c).
 */
void budget_item_extras(struct request *req, json_t *item, json_t *view);
void council_item_extras(struct request *req, json_t *item, json_t *view);
void reaction_item_extras(struct request *req, json_t *item, json_t *view);

// clang-format off
/* Public rows of a server's route table for one kind path ("projects"). */
#define PUBLICATION_PUBLIC_ROUTES(path) \
	{"GET", "/" path, page_pub_list, ROUTE_JSON_TWIN | ROUTE_CACHE, 0, path}, \
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
