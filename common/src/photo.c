// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The photo pipeline (common/photo.h): recognise an upload by its bytes, refuse from its header
 * what would cost too much to decode, decode it shrunk on load, re-encode it with libvips (EXIF
 * orientation applied, every metadata block dropped, bounded size) into a JPEG and a thumbnail,
 * store both in the photos table under the JPEG's SHA-256, and serve them as immutable files,
 * redirecting to the peer for photos this side does not hold. Decoding runs on the bounded work
 * queue (common/workq.h).
 */
#include "common/photo.h"

#include "db_photo.h"

#include "common/app.h"
#include "common/arena.h"
#include "common/check.h"
#include "common/http.h"
#include "common/log.h"
#include "common/secret.h"
#include "common/strbuf.h"
#include "common/workq.h"

#include <openssl/sha.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <vips/vips.h>

#define PHOTO_QUALITY 82
#define PHOTO_THUMB_QUALITY 78

/* ---- libvips, once per process ---- */

static pthread_once_t vips_once = PTHREAD_ONCE_INIT;
static bool vips_ready;

/* libvips reports a bad tile through GLib's log ("VIPS-WARNING **: error in tile 0 x 144")
 * before the operation fails; the failure itself is logged once, with its reason, by
 * photo_normalize, so these go to our log at debug level instead of raw to stderr */
static void
glib_log(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data)
{
	(void)data;
	(void)level;
	log_debug("%s: %s", domain ? domain : "vips", message);
}

static void
vips_start(void)
{
	if (VIPS_INIT("baladiya") != 0) {
		char *msg = vips_error_buffer_copy();
		log_error("could not start libvips: %s", msg);
		g_free(msg);
		return;
	}
	/* the operation cache keeps recent results for reuse: uploads never repeat, so it would
	 * only hold memory (and file descriptors) between requests */
	vips_cache_set_max(0);
	vips_cache_set_max_mem(0);
	vips_cache_set_max_files(0);
	/* each upload would start a pool of one worker per core; the HTTP thread pool already
	 * runs requests side by side, and an upload must not take every core */
	vips_concurrency_set(1);
	/* only the three loaders photo_normalize calls by name are used; this keeps the modules
	 * Debian ships (ImageMagick, Poppler...) out of reach even if a later change sniffs less */
	vips_block_untrusted_set(TRUE);
	g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO,
			  glib_log, NULL);
	vips_ready = true;
}

void
photo_shutdown(void)
{
	/* vips_shutdown on a library that never started would start parts of it */
	if (vips_ready) {
		vips_shutdown();
		vips_ready = false;
	}
}

/* ---- the pure part ---- */

const char *
photo_sniff(const void *bytes, size_t len)
{
	const unsigned char *p = bytes;
	if (!p)
		return NULL;
	if (len >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		return "image/jpeg";
	if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (len >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
		return "image/webp";
	return NULL;
}

void
photo_thumb_size(int width, int height, int *thumb_width, int *thumb_height)
{
	int longest = width > height ? width : height;
	if (width <= 0 || height <= 0) {
		*thumb_width = *thumb_height = 0;
		return;
	}
	if (longest <= PHOTO_THUMB_SIDE) {
		*thumb_width = width;
		*thumb_height = height;
		return;
	}
	/* rounded to the nearest pixel, at least one */
	long long tw = ((long long)width * PHOTO_THUMB_SIDE + longest / 2) / longest;
	long long th = ((long long)height * PHOTO_THUMB_SIDE + longest / 2) / longest;
	*thumb_width = tw > 0 ? (int)tw : 1;
	*thumb_height = th > 0 ? (int)th : 1;
}

void
photo_image_release(struct photo_image *img)
{
	g_free(img->jpeg);
	g_free(img->thumb);
	memset(img, 0, sizeof(*img));
}

/* The reason libvips gave (logged once by the caller), and the error buffer cleared. */
static void
log_vips(const char *what, const char *type)
{
	char *msg = vips_error_buffer_copy();
	size_t n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	log_warn("photo refused: could not %s the %s image: %s", what, type, msg);
	g_free(msg);
}

enum {
	IM_IN,
	IM_FIT,
	IM_MEM,
	IM_ROT,
	IM_RGB,
	IM_FLAT,
	IM_THUMB,
	IM_COUNT,
};

/* What is known before decoding: the size, the type by the bytes, and libvips started. */
static enum status
check_upload(const void *bytes, size_t len, const char **type, const char **code)
{
	if (len > PHOTO_MAX_BYTES) {
		*code = "photo_too_large";
		return STATUS_TOO_LARGE;
	}
	*type = photo_sniff(bytes, len);
	if (!*type) {
		*code = "photo_type";
		return STATUS_UNSUPPORTED;
	}
	pthread_once(&vips_once, vips_start);
	if (!vips_ready) {
		*code = "photo_unavailable";
		return STATUS_UNAVAILABLE;
	}
	return STATUS_OK;
}

/*
 * Open the upload with the loader of its type only, shrunk on load by shrink (JPEG: 1, 2, 4 or
 * 8, libjpeg's DCT scaling) or scale (WebP: any factor up to 1; libwebp decodes at that size);
 * a PNG is always decoded whole. Sequential: decoded in one pass, in strips, never whole in
 * memory or in a temporary file; fail_on error: a truncated or corrupt file is refused instead of
 * being padded with grey. The loaders are lazy: until pixels are asked for, only the header is
 * read. 0, or -1 (logged).
 */
static int
load_upload(const void *bytes, size_t len, const char *type, int shrink, double scale,
	    VipsImage **out)
{
	/* libvips takes a non-const pointer but only reads the buffer */
	void *buf = (void *)(uintptr_t)bytes;
	int rc;
	if (strcmp(type, "image/jpeg") == 0)
		rc = vips_jpegload_buffer(buf, len, out, "access", VIPS_ACCESS_SEQUENTIAL,
					  "fail_on", VIPS_FAIL_ON_ERROR, "shrink", shrink, NULL);
	else if (strcmp(type, "image/png") == 0)
		rc = vips_pngload_buffer(buf, len, out, "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
					 VIPS_FAIL_ON_ERROR, NULL);
	else
		rc = vips_webpload_buffer(buf, len, out, "access", VIPS_ACCESS_SEQUENTIAL,
					  "fail_on", VIPS_FAIL_ON_ERROR, "scale", scale, NULL);
	if (rc != 0)
		log_vips("read", type);
	return rc ? -1 : 0;
}

void
photo_decode_plan(const char *type, int width, int height, int *shrink, double *scale,
		  long long *pixels)
{
	int longest = width > height ? width : height;
	*shrink = 1;
	*scale = 1.0;
	*pixels = (long long)width * height;
	if (!type || longest <= PHOTO_MAX_SIDE || width <= 0 || height <= 0)
		return;
	if (strcmp(type, "image/jpeg") == 0) {
		/* the largest DCT scaling that still leaves PHOTO_MAX_SIDE to resize from */
		while (*shrink < 8 && longest / (*shrink * 2) >= PHOTO_MAX_SIDE)
			*shrink *= 2;
		long long w = (width + *shrink - 1) / *shrink, h = (height + *shrink - 1) / *shrink;
		*pixels = w * h;
	} else if (strcmp(type, "image/webp") == 0) {
		*scale = (double)PHOTO_MAX_SIDE / longest;
		long long w = (long long)(width * *scale) + 1, h = (long long)(height * *scale) + 1;
		*pixels = w * h;
	}
}

/*
 * From the loaded im[IM_IN] to the pixels to store, in *cur (one of im, which the caller
 * unrefs): shrunk, decoded, turned upright, 8-bit sRGB, flattened on white. 0, or -1 (logged).
 */
static int
prepare(VipsImage *im[IM_COUNT], const char *type, VipsImage **cur)
{
	/* shrink first (the longest side fits PHOTO_MAX_SIDE either way round), then decode into
	 * memory once: every decoding error shows here, and the rotation below needs random
	 * access, which a sequential load does not give */
	if (vips_thumbnail_image(im[IM_IN], &im[IM_FIT], PHOTO_MAX_SIDE, "height", PHOTO_MAX_SIDE,
				 "size", VIPS_SIZE_DOWN, "no_rotate", TRUE, NULL) != 0 ||
	    !(im[IM_MEM] = vips_image_copy_memory(im[IM_FIT]))) {
		log_vips("decode", type);
		return -1;
	}
	/* phones store pictures sideways with an EXIF orientation; the tag goes with the rest of
	 * the metadata, so the pixels must be turned now */
	if (vips_autorot(im[IM_MEM], &im[IM_ROT], NULL) != 0) {
		log_vips("rotate", type);
		return -1;
	}
	*cur = im[IM_ROT];
	if (vips_image_get_interpretation(*cur) != VIPS_INTERPRETATION_sRGB) {
		/* CMYK, greyscale, 16-bit: JPEG viewers expect 8-bit sRGB */
		if (vips_colourspace(*cur, &im[IM_RGB], VIPS_INTERPRETATION_sRGB, NULL) != 0) {
			log_vips("convert", type);
			return -1;
		}
		*cur = im[IM_RGB];
	}
	if (vips_image_hasalpha(*cur)) {
		/* JPEG has no transparency: on white, as a page would show it, not on black */
		VipsArrayDouble *white = vips_array_double_newv(3, 255.0, 255.0, 255.0);
		int rc = vips_flatten(*cur, &im[IM_FLAT], "background", white, NULL);
		vips_area_unref(VIPS_AREA(white));
		if (rc != 0) {
			log_vips("flatten", type);
			return -1;
		}
		*cur = im[IM_FLAT];
	}
	return 0;
}

/* cur as the JPEG to store, its size and its thumbnail in out (im[IM_THUMB] the caller
 * unrefs). 0, or -1 (logged). */
static int
encode(VipsImage *im[IM_COUNT], VipsImage *cur, const char *type, struct photo_image *out)
{
	/* strip: no EXIF (GPS, camera), XMP, IPTC or ICC block in what we store and serve */
	if (vips_jpegsave_buffer(cur, &out->jpeg, &out->jpeg_len, "Q", PHOTO_QUALITY, "strip", TRUE,
				 "optimize_coding", TRUE, "interlace", TRUE, NULL) != 0) {
		log_vips("encode", type);
		return -1;
	}
	out->width = vips_image_get_width(cur);
	out->height = vips_image_get_height(cur);
	/* the thumbnail comes from the stored JPEG, at exactly the size pages announce */
	int tw, th;
	photo_thumb_size(out->width, out->height, &tw, &th);
	if (vips_thumbnail_buffer(out->jpeg, out->jpeg_len, &im[IM_THUMB], tw, "height", th, "size",
				  VIPS_SIZE_FORCE, NULL) != 0 ||
	    vips_jpegsave_buffer(im[IM_THUMB], &out->thumb, &out->thumb_len, "Q",
				 PHOTO_THUMB_QUALITY, "strip", TRUE, "optimize_coding", TRUE,
				 NULL) != 0) {
		log_vips("make a thumbnail of", type);
		return -1;
	}
	return 0;
}

/* The header's size, before any pixel is decoded (a small file may claim a huge image), and
 * the decoding it would cost. STATUS_OK, or the refusal with its code (logged). */
static enum status
check_header(VipsImage *header, const char *type, int *shrink, double *scale, const char **code)
{
	int w = vips_image_get_width(header), h = vips_image_get_height(header);
	long long pixels;
	if (w <= 0 || h <= 0 || (long long)w * h > PHOTO_MAX_PIXELS) {
		log_warn("photo refused: a %s image of %d x %d pixels", type, w, h);
		*code = "photo_dimensions";
		return STATUS_INVALID;
	}
	photo_decode_plan(type, w, h, shrink, scale, &pixels);
	if (pixels > PHOTO_DECODE_MAX_PIXELS) {
		log_warn("photo refused: a %s image of %d x %d pixels would decode %lld pixels",
			 type, w, h, pixels);
		*code = "photo_decode_limit";
		return STATUS_TOO_LARGE;
	}
	return STATUS_OK;
}

struct normalize_job {
	const void *bytes;
	size_t len;
	const char *type;
	struct photo_image *out;
	const char **code;
	enum status st;
};

static void
normalize_main(void *arg)
{
	struct normalize_job *j = arg;
	VipsImage *im[IM_COUNT] = {0}, *cur;
	int shrink = 1;
	double scale = 1.0;
	j->st = STATUS_INVALID;
	if (load_upload(j->bytes, j->len, j->type, 1, 1.0, &im[IM_IN]) < 0)
		goto out;
	if ((j->st = check_header(im[IM_IN], j->type, &shrink, &scale, j->code)) != STATUS_OK)
		goto out;
	j->st = STATUS_INVALID;
	if (shrink > 1 || scale < 1.0) {
		g_object_unref(im[IM_IN]);
		im[IM_IN] = NULL;
		if (load_upload(j->bytes, j->len, j->type, shrink, scale, &im[IM_IN]) < 0)
			goto out;
	}
	if (prepare(im, j->type, &cur) < 0 || encode(im, cur, j->type, j->out) < 0)
		goto out;
	j->st = STATUS_OK;
out:
	for (int i = 0; i < IM_COUNT; i++)
		if (im[i])
			g_object_unref(im[i]);
}

enum status
photo_normalize(const void *bytes, size_t len, struct photo_image *out, const char **code)
{
	const char *type = NULL;
	memset(out, 0, sizeof(*out));
	*code = "photo_unreadable";
	enum status st = check_upload(bytes, len, &type, code);
	if (st != STATUS_OK)
		return st;
	/* decoding is CPU-heavy: on the work queue's threads (at once when already on one) */
	struct normalize_job job = {bytes, len, type, out, code, STATUS_INVALID};
	workq_call(workq_heavy, normalize_main, &job);
	st = job.st;
	if (st != STATUS_OK)
		goto out;
	sha256_hex(out->jpeg, out->jpeg_len, out->sha256);
	*code = NULL;
out:
	if (st != STATUS_OK)
		photo_image_release(out);
	return st;
}

const char *
photo_error_message(const char *code)
{
	static const struct {
		const char *code, *message;
	} messages[] = {
		{"photo_too_large", "a photo is at most 8 MiB"},
		{"photo_type", "the file is not a JPEG, PNG or WebP image"},
		{"photo_dimensions", "the image has too many pixels (at most 40 megapixels)"},
		{"photo_decode_limit", "the image would take too much work to decode (a PNG has at "
				       "most 16 megapixels)"},
		{"photo_unreadable", "the image is damaged or incomplete"},
		{"photo_unavailable", "photos cannot be processed at the moment"},
	};
	for (size_t i = 0; i < sizeof(messages) / sizeof(messages[0]); i++)
		if (code && strcmp(code, messages[i].code) == 0)
			return messages[i].message;
	return "the photo could not be saved; try again in a minute";
}

/* ---- the photos table (db_photo.c) ---- */

json_t *
photo_store(const void *bytes, size_t len, enum status *st, const char **code)
{
	struct photo_image img;
	*st = photo_normalize(bytes, len, &img, code);
	if (*st != STATUS_OK)
		return NULL;
	json_t *ref = NULL;
	if (db_photo_insert(&img) < 0) {
		*st = STATUS_UNAVAILABLE;
		*code = "database_unavailable";
		goto out;
	}
	ref = json_pack("{s:s, s:i, s:i}", "sha256", img.sha256, "width", img.width, "height",
			img.height);
	log_info("photo %s stored (%d x %d, %zu bytes from %zu)", img.sha256, img.width, img.height,
		 img.jpeg_len, len);
out:
	photo_image_release(&img);
	return ref;
}

/* ---- references in events and pages ---- */

static bool
is_side(json_t *v)
{
	/* not PHOTO_MAX_SIDE: a peer may be configured otherwise; 65535 is JPEG's own limit */
	return json_is_integer(v) && json_integer_value(v) > 0 && json_integer_value(v) <= 65535;
}

bool
photo_ref_is_valid(json_t *v)
{
	return json_is_object(v) && json_object_size(v) == 3 &&
	       is_sha256_hex(json_string_value(json_object_get(v, "sha256"))) &&
	       is_side(json_object_get(v, "width")) && is_side(json_object_get(v, "height"));
}

json_t *
photo_view(json_t *ref)
{
	if (!photo_ref_is_valid(ref))
		return NULL;
	const char *sha = json_string_value(json_object_get(ref, "sha256"));
	int w = (int)json_integer_value(json_object_get(ref, "width"));
	int h = (int)json_integer_value(json_object_get(ref, "height"));
	int tw, th;
	photo_thumb_size(w, h, &tw, &th);
	return json_pack("{s:s, s:o, s:o, s:i, s:i, s:i, s:i}", "sha256", sha, "url",
			 json_sprintf("/photos/%s.jpg", sha), "thumb_url",
			 json_sprintf("/photos/%s-small.jpg", sha), "width", w, "height", h,
			 "thumb_width", tw, "thumb_height", th);
}

/* ---- GET /photos/{file} ---- */

/* "<64 hex>.jpg" or "<64 hex>-small.jpg" */
static bool
parse_file(const char *file, char sha[PHOTO_SHA256_HEX], bool *small)
{
	if (!file || strspn(file, "0123456789abcdef") != 64)
		return false;
	if (strcmp(file + 64, ".jpg") == 0)
		*small = false;
	else if (strcmp(file + 64, "-small.jpg") == 0)
		*small = true;
	else
		return false;
	memcpy(sha, file, 64);
	sha[64] = '\0';
	return true;
}

void
page_photo(struct request *req)
{
	const char *file = http_param(req, "file");
	char sha[PHOTO_SHA256_HEX];
	bool small = false;
	char *data = NULL;
	size_t len = 0;
	if (!parse_file(file, sha, &small)) {
		http_error(req, STATUS_NOT_FOUND, "photo_not_found", "there is no such photo");
		return;
	}
	const char *etag = arena_printf(req->arena, "\"%s%s\"", sha, small ? "-small" : "");
	const char *inm = http_header(req, "If-None-Match");
	bool fresh = inm && strstr(inm, etag);
	enum status st = db_photo_get(sha, small, fresh ? NULL : &data, &len);
	if (st == STATUS_UNAVAILABLE) {
		http_error(req, st, "database_unavailable", "the site cannot reach its database");
		return;
	}
	if (st == STATUS_NOT_FOUND) {
		const char *peer = req->app->cfg.peer_url;
		/* the mirror of a peer's item names the peer's photo: the bytes stay there */
		if (peer && *peer && !http_query(req, "via")) {
			size_t plen = strlen(peer);
			while (plen && peer[plen - 1] == '/')
				plen--;
			http_add_header(req, "Location",
					arena_printf(req->arena, "%.*s/photos/%s?via=peer",
						     (int)plen, peer, file));
			http_send(req, 303, "text/plain; charset=utf-8", "", 0);
			return;
		}
		http_error(req, STATUS_NOT_FOUND, "photo_not_found", "there is no such photo");
		return;
	}
	/* the name is the hash of the bytes: they can never change */
	http_add_header(req, "Cache-Control", "public, max-age=31536000, immutable");
	http_add_header(req, "ETag", etag);
	if (fresh) {
		http_send(req, 304, NULL, "", 0);
		return;
	}
	http_send_owned(req, 200, "image/jpeg", data, len);
}
