// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The publications module: the projects' routes (public on both platforms, staff on the
 * official one), the one applier of every kind's events, and its part of the demo.
 */
#include "publications/publications.h"

#include "internal.h"

#include "common/check.h"
#include "common/log.h"
#include "common/module.h"
#include "publications/db_publication.h"
#include "publications/page_publication.h"
#include "publications/publication.h"

#include <string.h>

/* Check ev's publication fields and write them: the peer's item into the mirror, or (own) this
 * platform's own item again after a database restore. */
static enum status
pub_apply(const struct hook_event *ev, bool own)
{
	const char *origin = ev->origin;
	const char *type = ev->type;
	json_t *data = ev->data;
	char kind_name[32];
	size_t n = strcspn(type, ".");
	const struct kind *k = NULL;
	if (n < sizeof(kind_name)) {
		memcpy(kind_name, type, n);
		kind_name[n] = '\0';
		k = publication_kind(kind_name);
	}
	const char *action = type + n + (type[n] == '.');
	json_t *id = json_object_get(data, "id");
	json_t *version = json_object_get(data, "version");
	const char *status = json_string_value(json_object_get(data, "status"));
	const char *published_at = json_string_value(json_object_get(data, "published_at"));
	json_t *reason = json_object_get(data, "unpublish_reason");
	json_t *fields = json_object_get(data, "fields");
	/* the commune's publications: only the official platform writes them (DESIGN §2) */
	if (k && strcmp(origin, "official") != 0) {
		log_warn("%s event from %s: only the official platform publishes these", type,
			 origin);
		return STATUS_INVALID;
	}
	if (!k || (strcmp(action, "published") && strcmp(action, "updated") &&
		   strcmp(action, "unpublished")))
		return STATUS_NOT_FOUND;
	if (!json_is_integer(id) || json_integer_value(id) <= 0 || !json_is_integer(version) ||
	    json_integer_value(version) < 1 || json_integer_value(version) > 1000000 || !status ||
	    (strcmp(status, "published") && strcmp(status, "unpublished")) ||
	    (published_at ? !is_utc_time(published_at) : strcmp(status, "published") == 0) ||
	    !(json_is_null(reason) || json_is_string(reason)) ||
	    !publication_data_is_valid(k, fields)) {
		log_warn("%s event from %s does not have the expected fields", type, origin);
		return STATUS_INVALID;
	}
	return db_pub_mirror(origin, k->name, json_integer_value(id),
			     (int)json_integer_value(version), status, fields,
			     json_string_value(reason), published_at, own);
}

enum status
pub_hook_apply(const struct hook_event *ev)
{
	return pub_apply(ev, false);
}

enum status
pub_restore_apply(const struct hook_event *ev)
{
	return pub_apply(ev, true);
}

/* "<kind>.published|updated|unpublished" of every kind */
static const struct hook publication_hooks[] = {
	{"project.*", pub_hook_apply},
	{"session.*", pub_hook_apply},
	{"deliberation.*", pub_hook_apply},
	{"budget.*", pub_hook_apply},
	{NULL, NULL},
};

/* the same, for the official platform's own events re-imported after a restore */
static const struct hook publication_restorers[] = {
	{"project.*", pub_restore_apply},
	{"session.*", pub_restore_apply},
	{"deliberation.*", pub_restore_apply},
	{"budget.*", pub_restore_apply},
	{NULL, NULL},
};

// clang-format off
static const struct route official_routes[] = {
	PUBLICATION_PUBLIC_ROUTES("projects"),
	{"GET", "/projects.geojson", page_pub_geojson, ROUTE_API | ROUTE_CACHE, 0, "projects_geojson"},
	PUBLICATION_STAFF_ROUTES("projects"),
	{"POST", "/staff/projects/{id}/milestones", page_staff_project_milestone,
	 ROUTE_STAFF | ROUTE_HEAVY,
	 9 * 1024 * 1024, "staff_project_milestone"}, /* a photo: PHOTO_MAX_BYTES and the form */
};
static const struct route citizen_routes[] = {
	PUBLICATION_PUBLIC_ROUTES("projects"),
	{"GET", "/projects.geojson", page_pub_geojson, ROUTE_API | ROUTE_CACHE, 0, "projects_geojson"},
};
// clang-format on

static const struct nav_link publication_nav[] = {
	{"/projects", "nav_projects", NULL},
	{NULL, NULL, NULL},
};

static const struct nav_link publication_staff[] = {
	{"/staff/projects", "nav_projects", "projects.write"},
	{NULL, NULL, NULL},
};

extern const struct embedded_file publications_assets_files[];

const struct module publications_module = {
	.name = "publications",
	.assets = publications_assets_files,
	.open = publication_kinds_open,
	.close = publication_kinds_close,
	.official = {MODULE_ROUTES(official_routes), .hooks = publication_hooks,
		     .restorers = publication_restorers, .nav = publication_nav,
		     .staff = publication_staff, .demo_load = publication_demo_load,
		     .facts = pub_facts},
	.citizen = {MODULE_ROUTES(citizen_routes), .hooks = publication_hooks,
		    .nav = publication_nav, .demo_load = publication_demo_load, .facts = pub_facts},
};
