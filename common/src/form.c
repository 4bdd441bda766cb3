// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Form bodies: urlencoded and multipart, parsed by libmicrohttpd's post processor piece by
 * piece as http.c receives the body (the route's size cap is checked on every piece), into a
 * JSON object of text fields and a list of uploaded files. The raw body is not kept.
 */
#include "form.h"

#include "common/html.h"
#include "common/http.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <microhttpd.h>
#include <string.h>
#include <strings.h>

#define FORM_MAX_FIELDS 200

struct form_part {
	char *key;
	char *filename;
	char *content_type;
	struct strbuf data;
	struct form_part *next;
};

struct form_state {
	struct request *req;
	struct MHD_PostProcessor *pp;
	struct form_part *parts, *last;
	size_t nparts;
	bool too_many;
	bool failed; /* the post processor refused a piece: the rest is not parsed */
};

static enum MHD_Result
form_iter(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
	  const char *content_type, const char *transfer_encoding, const char *data, uint64_t off,
	  size_t size)
{
	struct form_state *st = cls;
	(void)kind;
	(void)transfer_encoding;
	struct form_part *p = st->last;
	/* a multipart part without a usable Content-Disposition name comes without a key: the
	 * form is malformed (400 invalid_form), not a field to keep */
	if (!key)
		return MHD_NO;
	/* a value may come in several calls, the first ones empty and all at offset 0 when the
	 * body arrives in pieces: a new part starts with a new name, or at offset 0 once the part
	 * has data (a repeated name; an empty value followed by another of the same name merges
	 * with it, and the non-empty one is kept) */
	if (!p || strcmp(p->key, key) != 0 || (off == 0 && p->data.len > 0)) {
		if (++st->nparts > FORM_MAX_FIELDS) {
			st->too_many = true;
			return MHD_NO;
		}
		p = xcalloc(1, sizeof(*p));
		p->key = xstrdup(key);
		p->filename = filename ? xstrdup(filename) : NULL;
		p->content_type = content_type ? xstrdup(content_type) : NULL;
		strbuf_init(&p->data, 0);
		if (st->last)
			st->last->next = p;
		else
			st->parts = p;
		st->last = p;
	}
	strbuf_add(&p->data, data, size);
	return MHD_YES;
}

static void
parts_free(struct form_part *p)
{
	while (p) {
		struct form_part *next = p->next;
		free(p->key);
		free(p->filename);
		free(p->content_type);
		strbuf_release(&p->data);
		free(p);
		p = next;
	}
}

enum status
form_begin(struct request *req)
{
	const char *ct = http_header(req, MHD_HTTP_HEADER_CONTENT_TYPE);
	struct MHD_PostProcessor *pp = NULL;
	if (ct && (strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0 ||
		   strncasecmp(ct, "multipart/form-data", 19) == 0)) {
		struct form_state *st = arena_alloc(req->arena, sizeof(*st));
		memset(st, 0, sizeof(*st));
		st->req = req;
		pp = MHD_create_post_processor(req->conn, 16 * 1024, form_iter, st);
		st->pp = pp;
		/* a multipart type without its boundary: refused when the body ends */
		st->failed = !pp;
		req->form_state = st;
		return STATUS_OK;
	}
	http_error(req, STATUS_UNSUPPORTED, "unsupported_media_type",
		   "send this form as application/x-www-form-urlencoded or multipart/form-data");
	return STATUS_UNSUPPORTED;
}

void
form_feed(struct request *req, const char *data, size_t len)
{
	struct form_state *st = req->form_state;
	if (!st || st->failed || !len)
		return;
	if (MHD_post_process(st->pp, data, len) != MHD_YES)
		st->failed = true;
}

void
form_abort(struct request *req)
{
	struct form_state *st = req->form_state;
	if (!st)
		return;
	if (st->pp)
		MHD_destroy_post_processor(st->pp);
	parts_free(st->parts);
	req->form_state = NULL;
}

enum status
form_end(struct request *req)
{
	struct form_state *st = req->form_state;
	enum status rc = STATUS_OK;
	if (!st)
		return STATUS_OK;
	/* the last urlencoded value is delivered when the processor is destroyed */
	if (st->pp && MHD_destroy_post_processor(st->pp) != MHD_YES)
		st->failed = true;
	st->pp = NULL;
	if (st->too_many) {
		http_error(req, STATUS_INVALID, "too_many_fields", "the form has too many fields");
		rc = STATUS_INVALID;
		goto out;
	}
	if (st->failed) {
		http_error(req, STATUS_INVALID, "invalid_form", "the form encoding is not valid");
		rc = STATUS_INVALID;
		goto out;
	}
	req->form = json_object();
	for (struct form_part *p = st->parts; p; p = p->next) {
		if (!utf8_is_valid(p->key, strlen(p->key))) {
			http_error(req, STATUS_INVALID, "invalid_utf8",
				   "the form is not valid UTF-8");
			rc = STATUS_INVALID;
			goto out;
		}
		if (p->filename) {
			struct upload *u = arena_alloc(req->arena, sizeof(*u));
			u->field = arena_strdup(req->arena, p->key);
			u->filename = arena_strdup(req->arena, p->filename);
			u->content_type =
				arena_strdup(req->arena, p->content_type ? p->content_type : "");
			u->data = p->data;
			strbuf_init(&p->data, 0);
			u->next = req->uploads;
			req->uploads = u;
			continue;
		}
		if (!utf8_is_valid(p->data.buf, p->data.len)) {
			http_error(req, STATUS_INVALID, "invalid_utf8",
				   "the form is not valid UTF-8");
			rc = STATUS_INVALID;
			goto out;
		}
		/* browsers send CRLF in textareas: store LF */
		size_t w = 0;
		for (size_t r = 0; r < p->data.len; r++)
			if (!(p->data.buf[r] == '\r' && r + 1 < p->data.len &&
			      p->data.buf[r + 1] == '\n'))
				p->data.buf[w++] = p->data.buf[r];
		strbuf_setlen(&p->data, w);
		if (!json_object_get(req->form, p->key))
			json_object_set_new(req->form, p->key,
					    json_stringn(p->data.buf, p->data.len));
	}
out:
	form_abort(req);
	return rc;
}

enum status
http_parse_form(struct request *req)
{
	enum status st = form_begin(req);
	if (st != STATUS_OK)
		return st;
	form_feed(req, req->body.buf, req->body.len);
	return form_end(req);
}
