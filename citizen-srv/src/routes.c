// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The citizen platform's one route table: every address it answers, with its handler, flags
 * and body limit. The commune's publications are served read-only from the mirror; residents'
 * reactions and their moderation are written here.
 */
#include "routes.h"

#include "common/page_open311.h"
#include "common/page_publication.h"
#include "common/page_report.h"
#include "common/photo.h"
#include "common/site.h"
#include "protocol/federation.h"

const struct route citizen_routes[] = {
	SITE_ROUTES,
	FEDERATION_ROUTES,
	PUBLICATION_SHARED_ROUTES,
	PHOTO_ROUTES,
	REACTION_ROUTES,
	FEED_ROUTES, /* before REPORT_ROUTES, whose /reports/{ref} would match */
	REPORT_ROUTES,
	REPORT_STAFF_ROUTES,
	OPEN311_ROUTES,
};

const size_t citizen_nroutes = sizeof(citizen_routes) / sizeof(citizen_routes[0]);
