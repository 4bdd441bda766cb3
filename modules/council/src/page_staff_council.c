// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The staff upload of a deliberation's PDF file (official platform): checked to be a PDF by its
 * bytes, stored with its SHA-256 under a sane name, and announced by a small
 * "deliberation.file_added" event without the bytes, in one transaction.
 */
#include "internal.h"

#include "common/app.h"
#include "common/auth.h"
#include "common/db.h"
#include "common/http.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/page_util.h"
#include "common/strbuf.h"
#include "common/xalloc.h"
#include "db_council.h"
#include "publications/db_publication.h"

#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>

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
	struct strbuf name = STRBUF_INIT, sha = STRBUF_INIT;
	council_file_name(&name, up->filename);
	if (!council_is_pdf(up->data.buf, up->data.len)) {
		log_warn("deliberation %lld: upload \"%s\" (%zu bytes, sent as %s) is not a PDF",
			 id, name.buf, up->data.len, up->content_type);
		http_error(req, STATUS_INVALID, "not_a_pdf", "the file is not a PDF document");
		goto out;
	}
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256((const unsigned char *)up->data.buf, up->data.len, md);
	strbuf_addhex(&sha, md, sizeof(md));
	long long file_id = -1;
	const char *code, *message;
	enum status st =
		store_file(req, id, name.buf, &up->data, sha.buf, &file_id, &code, &message);
	if (st != STATUS_OK) {
		http_error(req, st, code, message);
		goto out;
	}
	http_cache_bump();
	log_info("deliberation %lld: file %lld (%zu bytes) added by account %lld", id, file_id,
		 up->data.len, req->user->id);
	http_redirect(req, arena_printf(req->arena, "/deliberations/%lld#files", id));
out:
	strbuf_release(&name);
	strbuf_release(&sha);
}
