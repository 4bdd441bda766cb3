// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef MODERATION_INTERNAL_H
#define MODERATION_INTERNAL_H

/* What the log's page reads from the log's SQL (db_moderation.c). */
#include <libpq-fe.h>

/* The columns of db_moderation_page's rows. */
enum {
	MODERATION_COL_ID,
	MODERATION_COL_ORIGIN,
	MODERATION_COL_ORIGIN_ID,
	MODERATION_COL_ACTION,
	MODERATION_COL_TARGET,
	MODERATION_COL_REASON, /* may be NULL */
	MODERATION_COL_SHA,    /* comment_sha256, may be NULL */
	MODERATION_COL_CREATED,
	/* the item of the reaction an entry is about ("reaction/<origin_id>"), when known here:
	 * all NULL otherwise; its local id NULL when no copy is here */
	MODERATION_COL_ITEM_KIND,
	MODERATION_COL_ITEM_ORIGIN_ID,
	MODERATION_COL_ITEM_ID,
	MODERATION_COL_TITLE, /* the item's title object as JSON text */
};

/*
 * The moderation log, newest first, before id before_id (0: from the newest): up to limit + 1
 * rows (the caller shows limit), *next the id to continue before (0: no more). NULL when the
 * database is unavailable.
 */
PGresult *db_moderation_page(long long before_id, int limit, long long *next);

#endif
