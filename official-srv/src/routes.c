// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The official platform's one route table: every address it answers, with its handler, flags
 * and body limit. It writes the commune's publications (staff rows) and shows the residents'
 * reactions mirrored from the citizen platform.
 */
#include "routes.h"

#include "common/page_inbox.h"
#include "common/page_publication.h"
#include "common/photo.h"
#include "common/site.h"
#include "protocol/federation.h"

const struct route official_routes[] = {
	SITE_ROUTES,
	FEDERATION_ROUTES,
	PUBLICATION_SHARED_ROUTES,
	PHOTO_ROUTES,
	PUBLICATION_STAFF_ROUTES("projects"),
	PUBLICATION_STAFF_ROUTES("sessions"),
	PUBLICATION_STAFF_ROUTES("deliberations"),
	PUBLICATION_STAFF_ROUTES("budgets"),
	{"POST", "/staff/projects/{id}/milestones", page_staff_project_milestone, ROUTE_STAFF,
	 9 * 1024 * 1024, "staff_project_milestone"}, /* a photo: PHOTO_MAX_BYTES and the form */
	PUBLICATION_DATA_STAFF_ROUTES,
	INBOX_ROUTES,
};

const size_t official_nroutes = sizeof(official_routes) / sizeof(official_routes[0]);
