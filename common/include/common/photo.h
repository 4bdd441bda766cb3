// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_PHOTO_H
#define COMMON_PHOTO_H

#include "common/router.h"
#include "common/status.h"

#include <jansson.h>
#include <stddef.h>

/*
 * Residents' and staff photos (report photos, project milestone photos): the type is found
 * from the bytes (JPEG, PNG, WebP), never from a name or a Content-Type; EXIF, XMP, ICC and
 * every other metadata (GPS, device) are dropped; the image is re-encoded as a JPEG (longest side
 * at most PHOTO_MAX_SIDE) plus a thumbnail (PHOTO_THUMB_SIDE), and stored in the photos table
 * under the SHA-256 of the stored JPEG. docs/decisions/0007-reports.md.
 */
#define PHOTO_MAX_BYTES (8 * 1024 * 1024)    /* an upload */
#define PHOTO_MAX_PIXELS (40L * 1000 * 1000) /* decoded width × height */
#define PHOTO_MAX_SIDE 1600
#define PHOTO_THUMB_SIDE 400

struct request;

/*
 * Normalize and store one uploaded image in the caller's transaction (or on its own). On
 * success returns {sha256, width, height} (new reference) and STATUS_OK; an image already stored
 * is found by hash. On bad input returns NULL with *st = STATUS_INVALID (or STATUS_TOO_LARGE) and
 * *code set to a stable error code: "photo_too_large", "photo_type" (not a JPEG/PNG/WebP by its
 * bytes), "photo_unreadable" (corrupt), "photo_dimensions"; on a database failure
 * STATUS_UNAVAILABLE.
 */
json_t *photo_store(const void *bytes, size_t len, enum status *st, const char **code);

/* Handlers: GET /photos/{file} where file is "<sha256>.jpg" or "<sha256>-small.jpg". */
void page_photo(struct request *req);

// clang-format off
#define PHOTO_ROUTES \
	{"GET", "/photos/{file}", page_photo, 0, 0, "photo"}
// clang-format on

#endif
