// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_DB_PHOTO_H
#define COMMON_DB_PHOTO_H

/* The SQL of the photos table (made by modules/reports/migrations/0007), for photo.c only. */
#include "common/photo.h"
#include "common/status.h"

#include <stdbool.h>
#include <stddef.h>

/* Store img under its sha256, in the caller's transaction or on its own; a photo already there
 * is the same photo (the hash names the bytes) and stays. 0, or -1 (logged by db_exec). */
int db_photo_insert(const struct photo_image *img);

/*
 * The stored JPEG of sha256 (small: its thumbnail) into *bytes (malloc'd, the caller frees it)
 * and *len, or, when bytes is NULL, only whether it is there. STATUS_OK, STATUS_NOT_FOUND or
 * STATUS_UNAVAILABLE.
 */
enum status db_photo_get(const char *sha256, bool small, char **bytes, size_t *len);

#endif
