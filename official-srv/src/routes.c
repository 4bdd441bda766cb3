// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The official platform's one route table: every address it answers, with its handler, flags
 * and body limit.
 */
#include "routes.h"

#include "common/site.h"
#include "protocol/federation.h"
#include "protocol/federation.h"

const struct route official_routes[] = {
        SITE_ROUTES,
        FEDERATION_ROUTES,
};

const size_t official_nroutes = sizeof(official_routes) / sizeof(official_routes[0]);
