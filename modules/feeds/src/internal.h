// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef FEEDS_INTERNAL_H
#define FEEDS_INTERNAL_H

/* Between the feeds module's own files. */
struct request;

void page_feed_atom(struct request *req); /* GET /reports/feed.atom (RFC 4287) */
void page_feed_rss(struct request *req);  /* GET /reports/feed.rss (RSS 2.0) */

#endif
