// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The feeds module: on the citizen platform (which owns reports), the Atom and RSS feeds of the
 * newest public reports.
 */
#include "feeds/feeds.h"

#include "internal.h"

#include "common/module.h"
#include "common/router.h"

/* Before the reports module's rows in the server's list: "/reports/{ref}" would take
 * "feed.atom" for a reference. */
static const struct route feed_routes[] = {
	{"GET", "/reports/feed.atom", page_feed_atom, ROUTE_CACHE, 0, "reports_atom"},
	{"GET", "/reports/feed.rss", page_feed_rss, ROUTE_CACHE, 0, "reports_rss"},
};

extern const struct embedded_file feeds_assets_files[];

const struct module feeds_module = {
	.name = "feeds",
	.assets = feeds_assets_files, /* its messages: the feeds' titles */
	.citizen = {MODULE_ROUTES(feed_routes)},
};
