// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Static files: one in-memory table built at start from the three layers (theme, server,
 * common), each file with its SHA-256 ETag, so serving one is a lookup and a copy.
 */
#include "common/static_files.h"

#include "common/app.h"
#include "common/http.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <dirent.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct static_file {
	char *name; /* relative to static/ */
	char *data;
	size_t len;
	char etag[20];
	char *url;
	const char *type;
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
	add_embedded(sf, app->assets);
	add_embedded(sf, app->common_assets);
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
	http_add_header(req, "ETag", f->etag);
	http_add_header(req, "Cache-Control", "public, max-age=86400");
	const char *inm = http_header(req, "If-None-Match");
	if (inm && strstr(inm, f->etag)) {
		http_send(req, 304, NULL, "", 0);
		return;
	}
	http_send(req, 200, f->type, f->data, f->len);
}
