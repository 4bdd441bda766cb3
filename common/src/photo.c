// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The photo pipeline (common/photo.h): recognise an upload by its bytes, re-encode it with
 * libvips (EXIF orientation applied, every metadata block dropped, bounded size) into a JPEG and
 * a thumbnail, store both in the photos table under the JPEG's SHA-256, and serve them as
 * immutable files, redirecting to the peer for photos this side does not hold.
 */
#include "common/check.h"
#include "common/photo.h"

#include "common/app.h"
#include "common/arena.h"
#include "common/db.h"
#include "common/http.h"
#include "common/log.h"
#include "common/xalloc.h"

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

static void
sha256_hex(const void *bytes, size_t len, char out[PHOTO_SHA256_HEX])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256(bytes, len, md);
	for (size_t i = 0; i < sizeof(md); i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * sizeof(md)] = '\0';
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

enum status
photo_normalize(const void *bytes, size_t len, struct photo_image *out, const char **code)
{
	VipsImage *im[IM_COUNT] = {0};
	enum status st = STATUS_INVALID;
	memset(out, 0, sizeof(*out));
	*code = "photo_unreadable";
	if (len > PHOTO_MAX_BYTES) {
		*code = "photo_too_large";
		return STATUS_TOO_LARGE;
	}
	const char *type = photo_sniff(bytes, len);
	if (!type) {
		*code = "photo_type";
		return STATUS_UNSUPPORTED;
	}
	pthread_once(&vips_once, vips_start);
	if (!vips_ready) {
		*code = "photo_unavailable";
		return STATUS_UNAVAILABLE;
	}
	/* libvips takes a non-const pointer but only reads the buffer */
	void *buf = (void *)(uintptr_t)bytes;
	/* sequential: decoded in one pass, in strips, never whole in memory or in a temporary
	 * file; fail_on error: a truncated or corrupt file is refused instead of being padded
	 * with grey */
	int rc;
	if (strcmp(type, "image/jpeg") == 0)
		rc = vips_jpegload_buffer(buf, len, &im[IM_IN], "access", VIPS_ACCESS_SEQUENTIAL,
					  "fail_on", VIPS_FAIL_ON_ERROR, NULL);
	else if (strcmp(type, "image/png") == 0)
		rc = vips_pngload_buffer(buf, len, &im[IM_IN], "access", VIPS_ACCESS_SEQUENTIAL,
					 "fail_on", VIPS_FAIL_ON_ERROR, NULL);
	else
		rc = vips_webpload_buffer(buf, len, &im[IM_IN], "access", VIPS_ACCESS_SEQUENTIAL,
					  "fail_on", VIPS_FAIL_ON_ERROR, NULL);
	if (rc != 0) {
		log_vips("read", type);
		goto out;
	}
	/* the loaders are lazy: this is the header's size, before any pixel is decoded (a small
	 * file may claim a huge image) */
	int w = vips_image_get_width(im[IM_IN]), h = vips_image_get_height(im[IM_IN]);
	if (w <= 0 || h <= 0 || (long long)w * h > PHOTO_MAX_PIXELS) {
		log_warn("photo refused: a %s image of %d x %d pixels", type, w, h);
		*code = "photo_dimensions";
		goto out;
	}
	/* shrink first (the longest side fits PHOTO_MAX_SIDE either way round), then decode into
	 * memory once: every decoding error shows here, and the rotation below needs random
	 * access, which a sequential load does not give */
	if (vips_thumbnail_image(im[IM_IN], &im[IM_FIT], PHOTO_MAX_SIDE, "height", PHOTO_MAX_SIDE,
				 "size", VIPS_SIZE_DOWN, "no_rotate", TRUE, NULL) != 0 ||
	    !(im[IM_MEM] = vips_image_copy_memory(im[IM_FIT]))) {
		log_vips("decode", type);
		goto out;
	}
	/* phones store pictures sideways with an EXIF orientation; the tag goes with the rest of
	 * the metadata, so the pixels must be turned now */
	if (vips_autorot(im[IM_MEM], &im[IM_ROT], NULL) != 0) {
		log_vips("rotate", type);
		goto out;
	}
	VipsImage *cur = im[IM_ROT];
	if (vips_image_get_interpretation(cur) != VIPS_INTERPRETATION_sRGB) {
		/* CMYK, greyscale, 16-bit: JPEG viewers expect 8-bit sRGB */
		if (vips_colourspace(cur, &im[IM_RGB], VIPS_INTERPRETATION_sRGB, NULL) != 0) {
			log_vips("convert", type);
			goto out;
		}
		cur = im[IM_RGB];
	}
	if (vips_image_hasalpha(cur)) {
		/* JPEG has no transparency: on white, as a page would show it, not on black */
		VipsArrayDouble *white = vips_array_double_newv(3, 255.0, 255.0, 255.0);
		rc = vips_flatten(cur, &im[IM_FLAT], "background", white, NULL);
		vips_area_unref(VIPS_AREA(white));
		if (rc != 0) {
			log_vips("flatten", type);
			goto out;
		}
		cur = im[IM_FLAT];
	}
	/* strip: no EXIF (GPS, camera), XMP, IPTC or ICC block in what we store and serve */
	if (vips_jpegsave_buffer(cur, &out->jpeg, &out->jpeg_len, "Q", PHOTO_QUALITY, "strip", TRUE,
				 "optimize_coding", TRUE, "interlace", TRUE, NULL) != 0) {
		log_vips("encode", type);
		goto out;
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
		goto out;
	}
	sha256_hex(out->jpeg, out->jpeg_len, out->sha256);
	st = STATUS_OK;
	*code = NULL;
out:
	for (int i = 0; i < IM_COUNT; i++)
		if (im[i])
			g_object_unref(im[i]);
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
		{"photo_unreadable", "the image is damaged or incomplete"},
		{"photo_unavailable", "photos cannot be processed at the moment"},
	};
	for (size_t i = 0; i < sizeof(messages) / sizeof(messages[0]); i++)
		if (code && strcmp(code, messages[i].code) == 0)
			return messages[i].message;
	return "the photo could not be saved; try again in a minute";
}

/* ---- the photos table ---- */

static char *
hex_encode(const void *bytes, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = bytes;
	char *h = xmalloc(2 * len + 1);
	for (size_t i = 0; i < len; i++) {
		h[2 * i] = hex[p[i] >> 4];
		h[2 * i + 1] = hex[p[i] & 15];
	}
	h[2 * len] = '\0';
	return h;
}

static int
hex_digit(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int
db_photo_insert(const struct photo_image *img)
{
	/* the hash names the bytes: a photo already there is the same photo */
	static const char q[] =
		"INSERT INTO photos (sha256, content_type, width, height, data, thumb)"
		" VALUES ($1, 'image/jpeg', $2, $3, decode($4, 'hex'), decode($5, 'hex'))"
		" ON CONFLICT (sha256) DO NOTHING";
	char wb[16], hb[16];
	snprintf(wb, sizeof(wb), "%d", img->width);
	snprintf(hb, sizeof(hb), "%d", img->height);
	char *data = hex_encode(img->jpeg, img->jpeg_len);
	char *thumb = hex_encode(img->thumb, img->thumb_len);
	int rc = db_command(q, DB_PARAMS(img->sha256, wb, hb, data, thumb));
	free(data);
	free(thumb);
	return rc;
}

/*
 * The stored JPEG (small: its thumbnail) of sha256 into *bytes (malloc'd, caller frees), or,
 * when bytes is NULL, whether it is there. STATUS_OK, STATUS_NOT_FOUND or STATUS_UNAVAILABLE.
 */
static enum status
db_photo_get(const char *sha256, bool small, char **bytes, size_t *len)
{
	static const char q[] = "SELECT CASE WHEN NOT $3 THEN '' WHEN $2 THEN encode(thumb, 'hex')"
				" ELSE encode(data, 'hex') END FROM photos WHERE sha256 = $1";
	PGresult *res = db_exec(q, DB_PARAMS(sha256, small ? "t" : "f", bytes ? "t" : "f"));
	if (!res)
		return STATUS_UNAVAILABLE;
	enum status st = PQntuples(res) == 1 ? STATUS_OK : STATUS_NOT_FOUND;
	if (st == STATUS_OK && bytes) {
		const char *h = PQgetvalue(res, 0, 0);
		size_t n = (size_t)PQgetlength(res, 0, 0) / 2;
		char *b = xmalloc(n ? n : 1);
		for (size_t i = 0; i < n; i++)
			b[i] = (char)(hex_digit(h[2 * i]) << 4 | hex_digit(h[2 * i + 1]));
		*bytes = b;
		*len = n;
	}
	PQclear(res);
	return st;
}

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
