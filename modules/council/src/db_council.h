// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COUNCIL_DB_COUNCIL_H
#define COUNCIL_DB_COUNCIL_H

/*
 * The deliberation files' SQL (table publication_files, migration 0005). On the origin a file
 * row holds its bytes; on a mirror the row has the origin's file id as its own id (only the
 * origin of a deliberation adds files, so the ids cannot clash) and no bytes: readers are sent
 * to the origin.
 */

#include "common/status.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Store a file of own item pub_id (sha256: lowercase hex) in the caller's transaction.
 * Returns the file id or -1. */
long long db_pub_file_add(long long pub_id, const char *name, const char *content_type,
			  const void *data, size_t len, const char *sha256);

/* Record the metadata of a peer's file (id file_id) under the local item pub_id; the same file
 * again is STATUS_OK, a different file with that id STATUS_CONFLICT. */
enum status db_pub_file_mirror(long long file_id, long long pub_id, const char *name,
			       const char *content_type, long long size, const char *sha256);

/* The files of an item, oldest first: [{id, publication_id, name, content_type, size, sha256,
 * is_local, created_at}] (is_local: the bytes are here); NULL on failure. */
json_t *db_pub_files(long long pub_id);

/* One file of item pub_id (same object as db_pub_files), or NULL (*st: STATUS_NOT_FOUND or
 * STATUS_UNAVAILABLE). When data is not NULL, *data gets the bytes (malloc'd, NUL-terminated,
 * the caller frees it; NULL on a mirror) and *len their length. */
json_t *db_pub_file_get(long long pub_id, long long file_id, char **data, size_t *len,
			enum status *st);

#endif
