// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The citizen platform's one route table: every address it answers, with its handler, flags
 * and body limit. The commune's publications are served read-only from the mirror.
 */
#include "routes.h"

#include "common/page_publication.h"
#include "common/site.h"
#include "protocol/federation.h"

const struct route citizen_routes[] = {
	SITE_ROUTES,
	FEDERATION_ROUTES,
	PUBLICATION_PUBLIC_ROUTES("projects"),
	PUBLICATION_PUBLIC_ROUTES("sessions"),
	PUBLICATION_PUBLIC_ROUTES("deliberations"),
	PUBLICATION_PUBLIC_ROUTES("budgets"),
	{"GET", "/accountability", page_accountability, ROUTE_JSON_TWIN | ROUTE_CACHE, 0,
	 "accountability"},
	PUBLICATION_DATA_ROUTES,
	MODERATION_ROUTES,
	REACTION_ROUTES,
};

const size_t citizen_nroutes = sizeof(citizen_routes) / sizeof(citizen_routes[0]);
