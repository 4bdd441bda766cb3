// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Council deliberations' files (PDF attachments): the staff upload (checked to be a PDF by its
 * bytes, stored with its SHA-256, announced by a small "deliberation.file_added" event without
 * the bytes), the download on the origin, the redirect to the origin on the mirror, the list on
 * the deliberation page, and the hook that records the peer's file metadata.
 *
 * Ids: the origin serves /deliberations/{its id}/files/{file id}. The mirror keeps the origin's
 * file id as its own row id (only the origin of a deliberation adds files, so they never
 * clash) under its local deliberation id, and serves /deliberations/{local id}/files/{file id}
 * by redirecting to <peer_url>/deliberations/{origin id}/files/{file id}.
 */
#include "internal.h"

#include "common/check.h"
#include "common/app.h"
#include "common/auth.h"
#include "common/db.h"
#include "publications/db_publication.h"
#include "db_council.h"
#include "common/module.h"
#include "common/html.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/outbox.h"
#include "publications/page_publication.h"
#include "common/page_util.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define COUNCIL_FILE_MAX_BYTES (10 * 1024 * 1024)
#define COUNCIL_FILE_NAME_MAX 120 /* characters */
#define COUNCIL_FILES_MAX 20      /* per deliberation */
#define COUNCIL_PDF_EOF_WINDOW 1024
#define COUNCIL_CONTENT_TYPE "application/pdf"

/* ---- checks ---- */

/*
 * A PDF by its bytes: the header "%PDF-<digit>.<digit>" at the start and the "%%EOF" marker in
 * the last 1024 bytes, where readers look for it (ISO 32000-1, 7.5.5 and annex H).
 */
static bool
is_pdf(const unsigned char *d, size_t len)
{
	if (len < 16 || memcmp(d, "%PDF-", 5) != 0 || d[5] < '1' || d[5] > '9' || d[6] != '.' ||
	    d[7] < '0' || d[7] > '9')
		return false;
	size_t from = len > COUNCIL_PDF_EOF_WINDOW ? len - COUNCIL_PDF_EOF_WINDOW : 8;
	for (size_t i = from; i + 5 <= len; i++)
		if (memcmp(d + i, "%%EOF", 5) == 0)
			return true;
	return false;
}

/* Code points a file name never keeps: controls (C0, DEL, C1), path separators, and the
 * invisible direction marks that can disguise an extension ("fdp.exe" shown backwards). */
static bool
is_banned_in_name(long cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == '/' || cp == '\\' || cp == 0x200E ||
	       cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
	       cp == 0xFEFF;
}

static bool
ends_with_pdf(const char *s, size_t len)
{
	return len >= 4 && strncasecmp(s + len - 4, ".pdf", 4) == 0;
}

/*
 * A sane name from what the client sent: the last path component, without banned code points,
 * trimmed of spaces and leading dots, ending in ".pdf", at most 120 characters (cut at a
 * character boundary). Returns an arena string, never empty.
 */
static const char *
sanitize_name(struct request *req, const char *raw)
{
	if (!raw || !utf8_is_valid(raw, strlen(raw)))
		raw = "";
	const char *base = raw;
	for (const char *p = raw; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	struct strbuf sb = STRBUF_INIT;
	for (const unsigned char *p = (const unsigned char *)base; *p;) {
		size_t n;
		long cp = utf8_decode(p, &n);
		if (!is_banned_in_name(cp) && !(sb.len == 0 && (cp == ' ' || cp == '.')))
			strbuf_add(&sb, p, n);
		p += n;
	}
	strbuf_rtrim(&sb);
	/* keep at most 116 characters of the stem, so ".pdf" always fits */
	size_t stem = ends_with_pdf(sb.buf, sb.len) ? sb.len - 4 : sb.len;
	size_t cut = 0, chars = 0;
	while (cut < stem && chars < COUNCIL_FILE_NAME_MAX - 4) {
		size_t n;
		utf8_decode((const unsigned char *)sb.buf + cut, &n);
		cut += n;
		chars++;
	}
	if (cut > stem)
		cut = stem;
	strbuf_setlen(&sb, cut);
	strbuf_rtrim(&sb);
	if (sb.len == 0)
		strbuf_addstr(&sb, "deliberation");
	strbuf_addstr(&sb, ".pdf");
	const char *out = arena_strdup(req->arena, sb.buf);
	strbuf_release(&sb);
	return out;
}

/* The check the mirror applies to a name received from the peer: what sanitize_name makes. */
static bool
is_sane_name(const char *s)
{
	size_t len = strlen(s);
	if (len == 0 || len > 4 * COUNCIL_FILE_NAME_MAX || !utf8_is_valid(s, len) ||
	    !ends_with_pdf(s, len) || s[0] == '.' || s[0] == ' ' || s[len - 1] == ' ')
		return false;
	size_t chars = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; chars++) {
		size_t n;
		long cp = utf8_decode(p, &n);
		p += n;
		if (is_banned_in_name(cp))
			return false;
	}
	return chars <= COUNCIL_FILE_NAME_MAX;
}

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

/* ---- staff upload ---- */

/*
 * Store the file and its event in one transaction. Returns the status; *code and *message say
 * why when it is not STATUS_OK.
 */
static enum status
store_file(struct request *req, long long id, const char *name, const struct strbuf *bytes,
	   const char *sha, long long *file_id, const char **code, const char **message)
{
	const char *side = req->app->side;
	bool is_published = false;
	*code = "database_unavailable";
	*message = "the file could not be saved; try again in a minute";
	if (db_begin() < 0)
		return STATUS_UNAVAILABLE;
	enum status st = db_pub_lock_own(side, "deliberation", id, &is_published);
	if (st == STATUS_NOT_FOUND) {
		*code = "deliberation_not_found";
		*message = "there is no such item";
		goto out_rollback;
	}
	if (st != STATUS_OK)
		goto out_rollback;
	if (!is_published) {
		/* a draft's files would reach the mirror before the deliberation does */
		st = STATUS_CONFLICT;
		*code = "deliberation_not_published";
		*message = "publish the deliberation before attaching files";
		goto out_rollback;
	}
	json_t *have = db_pub_files(id);
	size_t nhave = json_array_size(have);
	st = have ? STATUS_OK : STATUS_UNAVAILABLE;
	json_decref(have);
	if (st != STATUS_OK)
		goto out_rollback;
	if (nhave >= COUNCIL_FILES_MAX) {
		st = STATUS_CONFLICT;
		*code = "too_many_files";
		*message = "a deliberation has at most 20 files";
		goto out_rollback;
	}
	st = STATUS_UNAVAILABLE;
	*file_id = db_pub_file_add(id, name, COUNCIL_CONTENT_TYPE, bytes->buf, bytes->len, sha);
	if (*file_id < 0)
		goto out_rollback;
	char ids[24];
	snprintf(ids, sizeof(ids), "%lld", id);
	/* metadata only: events stay small, the bytes are fetched from the origin */
	json_t *refs =
		json_pack("[{s:s, s:s, s:s}]", "origin", side, "type", "deliberation", "id", ids);
	json_t *data = json_pack("{s:I, s:I, s:s, s:I, s:s, s:s}", "deliberation_id",
				 (json_int_t)id, "file_id", (json_int_t)*file_id, "name", name,
				 "size", (json_int_t)bytes->len, "sha256", sha, "content_type",
				 COUNCIL_CONTENT_TYPE);
	if (outbox_emit("deliberation.file_added", refs, data, NULL) < 0 || db_commit() < 0)
		goto out_rollback;
	return STATUS_OK;
out_rollback:
	db_rollback();
	return st;
}

void
page_staff_deliberation_file(struct request *req)
{
	if (!page_require(req, "council.write"))
		return;
	long long id = page_parse_id(http_param(req, "id"));
	const struct upload *up = http_upload(req, "file");
	if (id <= 0) {
		http_error(req, STATUS_NOT_FOUND, "deliberation_not_found",
			   "there is no such item");
		return;
	}
	if (!up || up->data.len == 0) {
		http_error(req, STATUS_INVALID, "file_required", "choose a PDF file to attach");
		return;
	}
	if (up->data.len > COUNCIL_FILE_MAX_BYTES) {
		http_error(req, STATUS_TOO_LARGE, "file_too_large", "a file is at most 10 MiB");
		return;
	}
	if (!is_pdf((const unsigned char *)up->data.buf, up->data.len)) {
		log_warn("deliberation %lld: upload \"%s\" (%zu bytes, sent as %s) is not a PDF",
			 id, sanitize_name(req, up->filename), up->data.len, up->content_type);
		http_error(req, STATUS_INVALID, "not_a_pdf", "the file is not a PDF document");
		return;
	}
	const char *name = sanitize_name(req, up->filename);
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256((const unsigned char *)up->data.buf, up->data.len, md);
	struct strbuf sha = STRBUF_INIT;
	strbuf_addhex(&sha, md, sizeof(md));
	long long file_id = -1;
	const char *code, *message;
	enum status st = store_file(req, id, name, &up->data, sha.buf, &file_id, &code, &message);
	strbuf_release(&sha);
	if (st != STATUS_OK) {
		http_error(req, st, code, message);
		return;
	}
	http_cache_bump();
	log_info("deliberation %lld: file %lld (%zu bytes) added by account %lld", id, file_id,
		 up->data.len, req->user->id);
	http_redirect(req, arena_printf(req->arena, "/deliberations/%lld#files", id));
}

/* ---- download ---- */

/* attr-char of RFC 5987 (section 3.2.1): everything else is percent-encoded */
static bool
is_attr_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       strchr("!#$&+-.^_`|~", c) != NULL;
}

/* attachment; filename="<ASCII fallback>"; filename*=UTF-8''<RFC 5987 encoding> */
static const char *
content_disposition(struct request *req, const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	struct strbuf sb = STRBUF_INIT;
	strbuf_addstr(&sb, "attachment; filename=\"");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (*p >= 0x80) {
			if ((*p & 0xC0) == 0xC0)
				strbuf_addch(&sb, '_'); /* one per non-ASCII character */
		} else {
			strbuf_addch(&sb, *p == '"' || *p == '\\' || *p < 0x20 ? '_' : *p);
		}
	}
	strbuf_addstr(&sb, "\"; filename*=UTF-8''");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (is_attr_char(*p)) {
			strbuf_addch(&sb, *p);
		} else {
			strbuf_addch(&sb, '%');
			strbuf_addch(&sb, hex[*p >> 4]);
			strbuf_addch(&sb, hex[*p & 15]);
		}
	}
	const char *out = arena_strdup(req->arena, sb.buf);
	strbuf_release(&sb);
	return out;
}

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
		http_error(req, st,
			   st == STATUS_NOT_FOUND ? "file_not_found" : "database_unavailable",
			   st == STATUS_NOT_FOUND ? "there is no such file"
						  : "the site cannot reach its database");
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
	http_add_header(req, "Content-Disposition",
			content_disposition(req, json_string_value(json_object_get(file, "name"))));
	http_send_owned(req, 200, COUNCIL_CONTENT_TYPE, data, len);
	data = NULL;
out:
	free(data);
	json_decref(file);
	json_decref(item);
}

/* ---- the mirror ---- */

enum status
hook_deliberation_file(const struct hook_event *ev)
{
	const char *origin = ev->origin;
	const char *type = ev->type;
	json_t *data = ev->data;
	json_t *did = json_object_get(data, "deliberation_id");
	json_t *fid = json_object_get(data, "file_id");
	json_t *size = json_object_get(data, "size");
	const char *name = json_string_value(json_object_get(data, "name"));
	const char *sha = json_string_value(json_object_get(data, "sha256"));
	const char *ctype = json_string_value(json_object_get(data, "content_type"));
	if (!json_is_object(data) || !json_is_integer(did) || json_integer_value(did) <= 0 ||
	    !json_is_integer(fid) || json_integer_value(fid) <= 0 || !json_is_integer(size) ||
	    json_integer_value(size) < 16 || json_integer_value(size) > COUNCIL_FILE_MAX_BYTES ||
	    !name || !is_sane_name(name) || !is_sha256_hex(sha) || !ctype ||
	    strcmp(ctype, COUNCIL_CONTENT_TYPE) != 0) {
		log_warn("%s event from %s does not have the expected fields", type, origin);
		return STATUS_INVALID;
	}
	long long local = -1;
	enum status st = db_pub_find_local(origin, "deliberation", json_integer_value(did), &local);
	if (st == STATUS_UNAVAILABLE)
		return st;
	if (st != STATUS_OK) {
		log_warn(
			"%s event from %s names deliberation %lld, which this mirror does not hold",
			type, origin, (long long)json_integer_value(did));
		return STATUS_INVALID;
	}
	st = db_pub_file_mirror(json_integer_value(fid), local, name, ctype,
				json_integer_value(size), sha);
	return st == STATUS_CONFLICT ? STATUS_INVALID : st;
}
