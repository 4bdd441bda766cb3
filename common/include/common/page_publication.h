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
/* GET /projects.geojson: the located items of a list, for the map (see common/map.h). */
void page_pub_geojson(struct request *req);
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
/* The whole item page's view: pub_view(.., true) plus the kind-specific parts and the history
 * link; a withdrawn item keeps its title, dates and reason only. */
json_t *pub_item_view(struct request *req, const struct kind *k, json_t *item);
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

/*
 * Own budget document id was just published (or published again after a withdrawal), in the
 * caller's transaction: emit its lines, if it has any, as its import would have, so lines
 * imported while it was a draft or withdrawn reach the peer. Returns 0, or -1 (roll back).
 */
int budget_lines_on_publish(const char *side, long long id);
/* Budget lines: CSV import (staff), open data downloads (page_budget.c). */
void page_staff_budget_lines(struct request *req);
void page_budget_lines_csv(struct request *req);
/* Deliberation files: PDF upload (staff) and download (page_council.c). */
void page_staff_deliberation_file(struct request *req);
void page_deliberation_file(struct request *req);
/* Reactions (citizen side) and moderation (page_reaction.c). */
void page_reaction_create(struct request *req);
void page_staff_reactions(struct request *req);
void page_staff_reaction_hide(struct request *req);
void page_moderation_log(struct request *req);
/* 303 to this platform's copy of a peer's item: /origin/{kind}/{origin id}. */
void page_pub_by_origin(struct request *req);

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
/* Open data and files: both platforms (the mirror serves lines it holds; files link to origin). */
#define PUBLICATION_DATA_ROUTES \
	{"GET", "/budgets/{id}/lines.csv", page_budget_lines_csv, 0, 0, "budget_lines_csv"}, \
	{"GET", "/deliberations/{id}/files/{file}", page_deliberation_file, 0, 0, "deliberation_file"}
/* The origin's staff rows for budget lines and deliberation files. */
#define PUBLICATION_DATA_STAFF_ROUTES \
	{"POST", "/staff/budgets/{id}/lines", page_staff_budget_lines, ROUTE_STAFF, 4 * 1024 * 1024, \
	 "staff_budget_lines"}, \
	{"POST", "/staff/deliberations/{id}/files", page_staff_deliberation_file, ROUTE_STAFF, \
	 11 * 1024 * 1024, "staff_deliberation_file"}
/* Residents' reactions and the collective's moderation (the citizen platform). */
#define REACTION_ROUTES \
	{"POST", "/projects/{id}/reactions", page_reaction_create, 0, 16 * 1024, "project_reaction"}, \
	{"POST", "/deliberations/{id}/reactions", page_reaction_create, 0, 16 * 1024, \
	 "deliberation_reaction"}, \
	{"GET", "/staff/reactions", page_staff_reactions, ROUTE_STAFF | ROUTE_JSON_TWIN, 0, \
	 "staff_reactions"}, \
	{"POST", "/staff/reactions/{id}/hide", page_staff_reaction_hide, ROUTE_STAFF, 8 * 1024, \
	 "staff_reaction_hide"}, \
	{"GET", "/origin/{kind}/{id}", page_pub_by_origin, ROUTE_CACHE, 0, "origin_item"}
/* The public moderation log: both platforms (the official one mirrors it). */
#define MODERATION_ROUTES \
	{"GET", "/moderation", page_moderation_log, ROUTE_JSON_TWIN | ROUTE_CACHE, 0, "moderation"}
/* Everything both platforms serve of the commune's publications (the origin its own, the peer
 * its mirror): lists, items, history, open data, accountability and the moderation log. */
#define PUBLICATION_SHARED_ROUTES \
	PUBLICATION_PUBLIC_ROUTES("projects"), \
	{"GET", "/projects.geojson", page_pub_geojson, ROUTE_API | ROUTE_CACHE, 0, "projects_geojson"}, \
	PUBLICATION_PUBLIC_ROUTES("sessions"), \
	PUBLICATION_PUBLIC_ROUTES("deliberations"), \
	PUBLICATION_PUBLIC_ROUTES("budgets"), \
	{"GET", "/accountability", page_accountability, ROUTE_JSON_TWIN | ROUTE_CACHE, 0, \
	 "accountability"}, \
	PUBLICATION_DATA_ROUTES, \
	MODERATION_ROUTES
// clang-format on

#endif
