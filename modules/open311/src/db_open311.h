// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef OPEN311_DB_OPEN311_H
#define OPEN311_DB_OPEN311_H

#include "common/status.h"

#include <jansson.h>

/*
 * The SQL of the Open311 API (db_open311.c): its API keys (stored hashed) and its
 * search of public reports. Rows have db_report.h's shape (the columns of `reports`, lat_e6 and
 * lon_e6, RFC 3339 UTC times) plus "notes": the commune's latest non-empty public message.
 * Never a contact, a tracking hash or anything else from report_private.
 */

/* The search of GET requests.json; NULL members mean "any". */
struct open311_query {
	const char *refs;        /* comma-separated references */
	const char *categories;  /* comma-separated category codes */
	const char *start, *end; /* W3C date-times with a timezone, checked by the caller */
	const char *closed;      /* comma-separated statuses that count as closed */
	const char *want;        /* "open" or "closed" */
	int limit;
};

/* Public reports matching q, newest first; NULL when the database failed (logged). */
json_t *db_open311_requests(const struct open311_query *q);

/*
 * Record a new key under name. STATUS_CONFLICT when the name is taken (revoked keys keep
 * theirs), STATUS_UNAVAILABLE on a database failure.
 */
enum status db_open311_key_add(const char *name, const char *sha256_hex);
/* Revoke the key called name: STATUS_NOT_FOUND when there is no such live key. */
enum status db_open311_key_revoke(const char *name);
/* Every key: [{name, created_at, revoked_at, last_used_at}] (never the hash), or NULL. */
json_t *db_open311_key_list(void);
/*
 * Check a presented key by its hash and note its use: STATUS_OK and *name (malloc'd, the
 * caller frees it) for a live key, STATUS_FORBIDDEN otherwise, STATUS_UNAVAILABLE.
 */
enum status db_open311_key_check(const char *sha256_hex, char **name);

#endif
