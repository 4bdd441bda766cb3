// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Council deliberations' files for readers, on both platforms: the list on the deliberation
 * page, and the download — the bytes on the origin, a redirect to the origin on the mirror.
 *
 * Ids: the origin serves /deliberations/{its id}/files/{file id}. The mirror keeps the origin's
 * file id as its own row id (only the origin of a deliberation adds files, so they never
 * clash) under its local deliberation id, and serves /deliberations/{local id}/files/{file id}
 * by redirecting to <peer_url>/deliberations/{origin id}/files/{file id}.
 */
#include "internal.h"

#include "common/app.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/page_util.h"
#include "common/strbuf.h"
#include "common/xalloc.h"
#include "db_council.h"
#include "publications/db_publication.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the deliberation page ---- */

/* "245 KB", "1.4 MB" (integer arithmetic: views travel as JSON without floats) */
static const char *
size_label(struct request *req, long long size)
{
	const char *kb = i18n_get(req->app->i18n, req->lang, "council_unit_kb");
	const char *mb = i18n_get(req->app->i18n, req->lang, "council_unit_mb");
	if (size < 1024 * 1024)
		return arena_printf(req->arena, "%lld %s", (size + 1023) / 1024, kb);
	long long tenths = (size * 10 + 512 * 1024) / (1024 * 1024);
	return arena_printf(req->arena, "%lld.%lld %s", tenths / 10, tenths % 10, mb);
}

void
council_item_extras(struct request *req, json_t *item, json_t *view)
{
	const char *kind = json_string_value(json_object_get(item, "kind"));
	const char *status = json_string_value(json_object_get(item, "status"));
	if (!kind || strcmp(kind, "deliberation") != 0)
		return;
	json_t *out = json_array();
	/* a withdrawn deliberation keeps its title and reason, not its content: no files */
	if (status && strcmp(status, "published") == 0) {
		long long id = json_integer_value(json_object_get(item, "id"));
		json_t *files = db_pub_files(id);
		size_t i;
		json_t *f;
		json_array_foreach(files, i, f)
		{
			long long fid = json_integer_value(json_object_get(f, "id"));
			json_array_append_new(
				out,
				json_pack("{s:I, s:O, s:O, s:O, s:s, s:s, s:b}", "id",
					  (json_int_t)fid, "name", json_object_get(f, "name"),
					  "size", json_object_get(f, "size"), "sha256",
					  json_object_get(f, "sha256"), "size_label",
					  size_label(req, json_integer_value(
								  json_object_get(f, "size"))),
					  "url",
					  arena_printf(req->arena, "/deliberations/%lld/files/%lld",
						       id, fid),
					  "is_on_origin",
					  !json_is_true(json_object_get(f, "is_local"))));
		}
		json_decref(files);
	}
	json_object_set_new(view, "has_files", json_boolean(json_array_size(out) > 0));
	json_object_set_new(view, "files", out);
}

/* ---- download ---- */

void
page_deliberation_file(struct request *req)
{
	long long id = page_parse_id(http_param(req, "id"));
	long long fid = page_parse_id(http_param(req, "file"));
	enum status st = STATUS_NOT_FOUND;
	json_t *item = id > 0 && fid > 0 ? db_pub_get("deliberation", id, false, &st) : NULL;
	json_t *file = NULL;
	char *data = NULL;
	size_t len = 0;
	if (item && strcmp(json_string_value(json_object_get(item, "status")), "published") != 0)
		st = STATUS_NOT_FOUND; /* withdrawn: the content, files included, is not shown */
	else if (item)
		file = db_pub_file_get(id, fid, NULL, NULL, &st);
	if (!file) {
		page_read_failed(req, st, "file_not_found", "there is no such file");
		goto out;
	}
	if (!json_is_true(json_object_get(file, "is_local"))) {
		/* a mirror: the bytes stay on the origin, under the origin's ids */
		if (!req->app->cfg.peer_url) {
			http_error(req, STATUS_UNAVAILABLE, "origin_unknown",
				   "this file is kept by the other platform, whose address this "
				   "site does not know");
			goto out;
		}
		const char *peer = req->app->cfg.peer_url;
		size_t plen = strlen(peer);
		while (plen && peer[plen - 1] == '/')
			plen--;
		http_add_header(
			req, "Location",
			arena_printf(
				req->arena, "%.*s/deliberations/%lld/files/%lld", (int)plen, peer,
				(long long)json_integer_value(json_object_get(item, "origin_id")),
				fid));
		http_send(req, 303, "text/plain; charset=utf-8", "", 0);
		goto out;
	}
	const char *sha = json_string_value(json_object_get(file, "sha256"));
	const char *etag = arena_printf(req->arena, "\"%s\"", sha);
	const char *inm = http_header(req, "If-None-Match");
	bool fresh = inm && strstr(inm, etag);
	if (!fresh) {
		json_decref(file);
		file = db_pub_file_get(id, fid, &data, &len, &st);
		if (!file || !data) {
			http_error(req, file ? STATUS_NOT_FOUND : st,
				   file ? "file_not_found" : "database_unavailable",
				   file ? "there is no such file"
					: "the site cannot reach its database");
			goto out;
		}
	}
	/* the bytes of a file id never change: revalidating by their hash is enough; not
	 * "immutable", since withdrawing the deliberation withdraws its files */
	http_add_header(req, "Cache-Control", "public, max-age=3600");
	http_add_header(req, "ETag", etag);
	if (fresh) {
		http_send(req, 304, NULL, "", 0);
		goto out;
	}
	struct strbuf cd = STRBUF_INIT;
	council_content_disposition(&cd, json_string_value(json_object_get(file, "name")));
	http_add_header(req, "Content-Disposition", cd.buf);
	strbuf_release(&cd);
	http_send_owned(req, 200, COUNCIL_CONTENT_TYPE, data, len);
	data = NULL;
out:
	free(data);
	json_decref(file);
	json_decref(item);
}
