// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_PHOTO_H
#define COMMON_PHOTO_H

#include "common/router.h"
#include "common/status.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Residents' and staff photos (report photos, project milestone photos): the type is found
 * from the bytes (JPEG, PNG, WebP), never from a name or a Content-Type; EXIF, XMP, ICC and
 * every other metadata (GPS, device) are dropped after the EXIF orientation has been applied;
 * the image is re-encoded as a JPEG (longest side at most PHOTO_MAX_SIDE) plus a thumbnail
 * (PHOTO_THUMB_SIDE), and stored in the photos table under the SHA-256 of the stored JPEG.
 * docs/decisions/0007-reports.md.
 */
#define PHOTO_MAX_BYTES (8 * 1024 * 1024)    /* an upload */
#define PHOTO_MAX_PIXELS (40L * 1000 * 1000) /* width × height in the header */
/* pixels actually decoded, after shrink-on-load (a JPEG by up to 8 each way, a WebP to the
 * stored size; a PNG cannot be shrunk on load, so it is the limit on PNGs) */
#define PHOTO_DECODE_MAX_PIXELS (16L * 1000 * 1000)
#define PHOTO_MAX_SIDE 1600
#define PHOTO_THUMB_SIDE 400
#define PHOTO_SHA256_HEX 65 /* 64 hex digits and the NUL (SHA256_HEX_SIZE, common/secret.h) */

struct request;

/* The media type of an image by its first bytes: "image/jpeg", "image/png", "image/webp", or
 * NULL for anything else (GIF, PDF, text...), whatever the file was called. */
const char *photo_sniff(const void *bytes, size_t len);

/* A normalized image: the JPEG to store, its thumbnail and the JPEG's dimensions. */
struct photo_image {
	void *jpeg, *thumb; /* owned; photo_image_release() frees them */
	size_t jpeg_len, thumb_len;
	int width, height;             /* of jpeg */
	char sha256[PHOTO_SHA256_HEX]; /* lowercase hex SHA-256 of jpeg */
};

/*
 * The pure half of photo_store (no database): check and re-encode one upload into *out.
 * Returns STATUS_OK, or on bad input (nothing in *out) the status and a stable *code:
 *   STATUS_TOO_LARGE   "photo_too_large"  more than PHOTO_MAX_BYTES
 *   STATUS_UNSUPPORTED "photo_type"       not a JPEG, PNG or WebP by its bytes (415: the
 *                                         client sent a kind of file we do not take)
 *   STATUS_INVALID     "photo_dimensions" more than PHOTO_MAX_PIXELS, checked from the
 *                                         header before any pixel is decoded
 *   STATUS_TOO_LARGE   "photo_decode_limit" more than PHOTO_DECODE_MAX_PIXELS to decode even
 *                                         shrunk on load (photo_decode_plan), checked from
 *                                         the header too
 *   STATUS_INVALID     "photo_unreadable" corrupt or truncated
 * and STATUS_UNAVAILABLE "photo_unavailable" when the image library could not start.
 * Safe to call from any thread; the decoding runs on the work queue (workq_call).
 */
enum status photo_normalize(const void *bytes, size_t len, struct photo_image *out,
			    const char **code);
void photo_image_release(struct photo_image *img);

/*
 * How a type ("image/jpeg", "image/png", "image/webp") of width × height pixels is decoded to fit
 * PHOTO_MAX_SIDE: the JPEG DCT shrink (1, 2, 4, 8), the WebP scale (<= 1), and the pixels that
 * decoding produces, which photo_normalize() holds to PHOTO_DECODE_MAX_PIXELS.
 */
void photo_decode_plan(const char *type, int width, int height, int *shrink, double *scale,
		       long long *pixels);

/* The English message for one of the codes above (the pages show t["error_<code>"] first). */
const char *photo_error_message(const char *code);

/* The thumbnail's size for a width × height image: the longest side at most PHOTO_THUMB_SIDE,
 * never enlarged. The pages use it for <img width height> of "-small.jpg". */
void photo_thumb_size(int width, int height, int *thumb_width, int *thumb_height);

/*
 * Normalize and store one uploaded image in the caller's transaction (or on its own). On
 * success returns {sha256, width, height} (new reference) and STATUS_OK; an image already stored
 * is found by hash. On bad input returns NULL with *st and *code as photo_normalize() sets them;
 * on a database failure *st = STATUS_UNAVAILABLE and *code = "database_unavailable".
 */
json_t *photo_store(const void *bytes, size_t len, enum status *st, const char **code);

/* True when v is a stored photo's reference as events carry it: {sha256: 64 lowercase hex,
 * width, height: integers in 1..65535}, nothing else. */
bool photo_ref_is_valid(json_t *v);

/*
 * For pages: {sha256, url, thumb_url, width, height, thumb_width, thumb_height} of a valid
 * reference (new reference), or NULL. The URLs are local ("/photos/..."): a side that does not hold
 * the bytes redirects to its peer.
 */
json_t *photo_view(json_t *ref);

/* Free the image library's global state (at shutdown, after the last request). */
void photo_shutdown(void);

/*
 * Handlers: GET /photos/{file} where file is "<sha256>.jpg" or "<sha256>-small.jpg": the image,
 * immutable (its name is its hash). A side that does not hold it answers 303 to the same
 * address on its peer, marked "?via=peer" so that the peer answers 404 instead of bouncing the
 * request back when neither side has it.
 */
void page_photo(struct request *req);

// clang-format off
#define PHOTO_ROUTES \
	{"GET", "/photos/{file}", page_photo, 0, 0, "photo"}
// clang-format on

#endif
