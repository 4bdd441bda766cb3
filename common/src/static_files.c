// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Static files: one in-memory table built at start from the three layers (theme, server,
 * common), each file with its SHA-256 ETag, so serving one is a lookup and a copy. Text files
 * (CSS, JavaScript, SVG) are also gzipped once at start and sent compressed to browsers that
 * accept it: Leaflet shrinks from 144 to 41 KiB, which is what a page with a map costs on a
 * slow mobile link.
 */
#include "common/static_files.h"

#include "common/app.h"
#include "common/http.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <dirent.h>
#include <limits.h>
#include <openssl/sha.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

struct static_file {
	char *name; /* relative to static/ */
	char *data;
	size_t len;
	char etag[20];
	char *url;
	const char *type;
	unsigned char *gz; /* the gzip encoding, or NULL when it would not save much */
	size_t gz_len;
	char gz_etag[20]; /* a different representation needs its own strong ETag: its hash */
};

struct static_files {
	struct static_file *files;
	size_t nr, alloc;
};

static const struct {
	const char *ext, *type;
} static_types[] = {
	{".css", "text/css; charset=utf-8"},
	{".js", "text/javascript; charset=utf-8"},
	{".svg", "image/svg+xml"},
	{".png", "image/png"},
	{".jpg", "image/jpeg"},
	{".webp", "image/webp"},
	{".ico", "image/x-icon"},
	{".woff2", "font/woff2"},
	{".ttf", "font/ttf"},
	{".json", "application/json"},
	{".txt", "text/plain; charset=utf-8"},
};

static const char *
type_of(const char *name)
{
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < ARRAY_SIZE(static_types); i++)
		if (strcmp(dot, static_types[i].ext) == 0)
			return static_types[i].type;
	return "application/octet-stream";
}

static bool
is_compressible(const char *type)
{
	return strncmp(type, "text/", 5) == 0 || strcmp(type, "image/svg+xml") == 0 ||
	       strcmp(type, "application/json") == 0 || strcmp(type, "font/ttf") == 0;
}

/* Keep a gzip copy of f when it saves at least a tenth (level 9: it is done once). */
static void
add_gzip(struct static_file *f)
{
	if (!is_compressible(f->type) || f->len < 256 || f->len > UINT_MAX)
		return;
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	/* 15 + 16: the largest window, with a gzip header and trailer instead of zlib's */
	if (deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		log_warn("could not compress static file \"%s\": %s", f->name,
			 zs.msg ? zs.msg : "deflateInit2 failed");
		return;
	}
	uLong bound = deflateBound(&zs, (uLong)f->len);
	unsigned char *out = xmalloc(bound);
	zs.next_in = (Bytef *)f->data;
	zs.avail_in = (uInt)f->len;
	zs.next_out = out;
	zs.avail_out = (uInt)bound;
	int rc = deflate(&zs, Z_FINISH);
	if (rc == Z_STREAM_END && zs.total_out < f->len - f->len / 10) {
		f->gz = out;
		f->gz_len = zs.total_out;
		unsigned char md[SHA256_DIGEST_LENGTH];
		SHA256(out, f->gz_len, md);
		snprintf(f->gz_etag, sizeof(f->gz_etag), "\"%02x%02x%02x%02x%02x%02x%02x%02x\"",
			 md[0], md[1], md[2], md[3], md[4], md[5], md[6], md[7]);
	} else {
		free(out);
	}
	deflateEnd(&zs);
}

/*
 * True when an Accept-Encoding header value accepts gzip: a "gzip", "x-gzip" or "*" coding
 * whose q-value is not zero.
 */
static bool
accepts_gzip(const char *ae)
{
	while (ae && *ae) {
		ae += strspn(ae, " \t,");
		size_t item = strcspn(ae, ",");
		size_t name = strcspn(ae, ";, \t");
		if ((name == 4 && strncasecmp(ae, "gzip", 4) == 0) ||
		    (name == 6 && strncasecmp(ae, "x-gzip", 6) == 0) || (name == 1 && *ae == '*')) {
			const char *q = ae + name;
			const char *end = ae + item;
			bool zero = false;
			for (; q < end; q++) {
				if ((q[0] == 'q' || q[0] == 'Q') && q + 1 < end && q[1] == '=') {
					zero = strtod(q + 2, NULL) <= 0.0;
					break;
				}
			}
			return !zero;
		}
		ae += item;
	}
	return false;
}

static struct static_file *
find(struct static_files *sf, const char *name)
{
	for (size_t i = 0; i < sf->nr; i++)
		if (strcmp(sf->files[i].name, name) == 0)
			return &sf->files[i];
	return NULL;
}

static void
add(struct static_files *sf, const char *name, const void *data, size_t len)
{
	if (find(sf, name))
		return; /* an upper layer already has it */
	ALLOC_GROW(sf->files, sf->nr + 1, sf->alloc);
	struct static_file *f = &sf->files[sf->nr++];
	f->name = xstrdup(name);
	f->data = xmalloc(len + 1);
	memcpy(f->data, data, len);
	f->len = len;
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256(data, len, md);
	snprintf(f->etag, sizeof(f->etag), "\"%02x%02x%02x%02x%02x%02x%02x%02x\"", md[0], md[1],
		 md[2], md[3], md[4], md[5], md[6], md[7]);
	f->url = xasprintf("/static/%s?v=%.8s", name, f->etag + 1);
	f->type = type_of(name);
	f->gz = NULL;
	f->gz_len = 0;
	f->gz_etag[0] = '\0';
	add_gzip(f);
}

static void
add_dir(struct static_files *sf, const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *path = xasprintf("%s/%s", dir, e->d_name);
		char *name = xasprintf("%s%s", prefix, e->d_name);
		struct strbuf sb = STRBUF_INIT;
		if (e->d_type == DT_DIR) {
			char *sub = xasprintf("%s/", name);
			add_dir(sf, path, sub);
			free(sub);
		} else if (strbuf_read_file(&sb, path) == 0) {
			add(sf, name, sb.buf, sb.len);
		}
		strbuf_release(&sb);
		free(path);
		free(name);
	}
	closedir(d);
}

static void
add_embedded(struct static_files *sf, const struct embedded_file *files)
{
	for (const struct embedded_file *f = files; f && f->name; f++)
		if (strncmp(f->name, "static/", 7) == 0)
			add(sf, f->name + 7, f->data, f->len);
}

struct static_files *
static_files_load(struct app *app)
{
	struct static_files *sf = xcalloc(1, sizeof(*sf));
	if (app->cfg.theme_dir) {
		char *dir = xasprintf("%s/static", app->cfg.theme_dir);
		add_dir(sf, dir, "");
		free(dir);
	}
	for (const struct embedded_file **set = app->asset_sets; *set; set++)
		add_embedded(sf, *set);
	log_debug("%zu static files loaded", sf->nr);
	return sf;
}

void
static_files_free(struct static_files *sf)
{
	if (!sf)
		return;
	for (size_t i = 0; i < sf->nr; i++) {
		free(sf->files[i].name);
		free(sf->files[i].data);
		free(sf->files[i].url);
		free(sf->files[i].gz);
	}
	free(sf->files);
	free(sf);
}

const char *
static_files_url(struct static_files *sf, const char *name)
{
	struct static_file *f = find(sf, name);
	return f ? f->url : "";
}

void
page_static(struct request *req)
{
	const char *name = http_param(req, "rest");
	struct static_file *f = name ? find(req->app->statics, name) : NULL;
	if (!f) {
		http_error(req, STATUS_NOT_FOUND, "not_found", "there is no file at this address");
		return;
	}
	bool gz = f->gz && accepts_gzip(http_header(req, "Accept-Encoding"));
	const char *etag = gz ? f->gz_etag : f->etag;
	http_add_header(req, "ETag", etag);
	if (f->gz)
		http_add_header(req, "Vary", "Accept-Encoding");
	/* A versioned URL (static_files_url) names these exact bytes: browsers keep it for a year
	 * without asking again, which spares slow links the revalidation round trips. */
	const char *v = http_query(req, "v");
	bool versioned = v && strlen(v) == 8 && strncmp(v, f->etag + 1, 8) == 0;
	http_add_header(req, "Cache-Control",
			versioned ? "public, max-age=31536000, immutable"
				  : "public, max-age=86400");
	const char *inm = http_header(req, "If-None-Match");
	if (inm && strstr(inm, etag)) {
		http_send(req, 304, NULL, "", 0);
		return;
	}
	if (gz) {
		http_add_header(req, "Content-Encoding", "gzip");
		http_send(req, 200, f->type, f->gz, f->gz_len);
		return;
	}
	http_send(req, 200, f->type, f->data, f->len);
}
