// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The accountability page: the publications' figures and the reports' response and resolution
 * times, side by side, from the rows both platforms hold alike.
 */
#include "accountability/accountability.h"

#include "common/app.h"
#include "common/http.h"
#include "common/module.h"
#include "common/page_util.h"
#include "publications/db_publication.h"
#include "publications/page_publication.h"
#include "publications/publication.h"
#include "reports/report_stats.h"

#include <string.h>

struct sections_ctx {
	struct request *req;
	json_t *view;
	int rc;
};

/* One other module's part of the page (accountability.h). */
static void
add_section(const void *impl, void *ctx)
{
	const struct accountability_section *s = impl;
	struct sections_ctx *c = ctx;
	if (c->rc < 0 || (s->fill && (c->rc = s->fill(c->req, c->view)) < 0))
		return;
	if (s->partial && !c->req->want_json)
		json_array_append_new(json_object_get(c->view, "extra_sections"),
				      json_pack("{s:s}", "partial", s->partial));
}

static void
page_accountability(struct request *req)
{
	json_t *a = db_pub_accountability();
	if (!a) {
		page_db_unavailable(req);
		return;
	}
	/* labels for the template; the numbers stay as they are for the JSON twin */
	const struct kind *pk = publication_kind("project");
	json_t *rows = json_array();
	const struct field *sf = NULL;
	for (size_t i = 0; i < pk->nfields; i++)
		if (strcmp(pk->fields[i].name, "status") == 0)
			sf = &pk->fields[i];
	for (const char *const *c = sf->choices; *c; c++) {
		json_t *n = json_object_get(json_object_get(a, "projects_by_status"), *c);
		json_array_append_new(rows, json_pack("{s:s, s:I}", "label",
						      pub_choice_label(req, pk, sf, *c), "count",
						      n ? json_integer_value(n) : 0));
	}
	json_object_set_new(a, "project_rows", rows);
	json_t *reports = report_stats(req);
	if (!reports) {
		json_decref(a);
		page_db_unavailable(req);
		return;
	}
	json_object_set_new(a, "reports", reports);
	struct sections_ctx ctx = {req, a, 0};
	if (!req->want_json)
		json_object_set_new(a, "extra_sections", json_array());
	module_each_ext(req->app, ACCOUNTABILITY_SECTION_EXT, add_section, &ctx);
	if (ctx.rc < 0) {
		json_decref(a);
		page_db_unavailable(req);
		return;
	}
	http_render(req, 200, "accountability", a);
}

static const struct route accountability_routes[] = {
	{"GET", "/accountability", page_accountability, ROUTE_JSON_TWIN | ROUTE_CACHE, 0,
	 "accountability"},
};

static const struct nav_link accountability_nav[] = {
	{"/accountability", "nav_accountability", NULL},
	{NULL, NULL, NULL},
};

#define ACCOUNTABILITY_SIDE                                                                        \
	{                                                                                          \
		MODULE_ROUTES(accountability_routes), .nav = accountability_nav,                   \
						      .footer = accountability_nav,                \
	}

extern const struct embedded_file accountability_assets_files[];

const struct module accountability_module = {
	.name = "accountability",
	.assets = accountability_assets_files,
	.official = ACCOUNTABILITY_SIDE,
	.citizen = ACCOUNTABILITY_SIDE,
};
