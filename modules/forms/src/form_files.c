// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * What the resident's pages and the agents' pages share: the check of attached documents
 * (PDFs by their content, images re-encoded by the photo pipeline without their metadata;
 * nothing else), their storage in the module's own table (never the public photos table),
 * the labels of statuses and the history view.
 */
#include "internal.h"

#include "common/app.h"
#include "common/arena.h"
#include "common/i18n.h"
#include "common/page_util.h"
#include "common/photo.h"
#include "db_forms.h"

#include <stdio.h>
#include <string.h>

const char *
form_t(struct request *req, const char *key)
{
	return i18n_get(req->app->i18n, req->lang, key);
}

const char *
form_status_label(struct request *req, const char *s)
{
	char key[48];
	snprintf(key, sizeof(key), "forms_status_%s", form_status_is_valid(s) ? s : "received");
	return form_t(req, key);
}

json_t *
form_when(json_t *iso)
{
	const char *s = json_string_value(iso);
	struct tm tm = {0};
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			 &tm.tm_hour, &tm.tm_min) != 5)
		return json_string("");
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	/* the town hall's clock, as the resident reads it (the datetime attribute keeps UTC) */
	time_t local = timegm(&tm) + FORM_UTC_OFFSET_S;
	gmtime_r(&local, &tm);
	char buf[24];
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M", &tm);
	return json_string(buf);
}

static char *
to_hex(struct request *req, const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char *h = arena_alloc(req->arena, 2 * n + 3);
	h[0] = '\\';
	h[1] = 'x';
	for (size_t i = 0; i < n; i++) {
		h[2 + 2 * i] = digits[p[i] >> 4];
		h[3 + 2 * i] = digits[p[i] & 15];
	}
	h[2 * n + 2] = '\0';
	return h;
}

static bool
accepts(json_t *f, const char *kind)
{
	json_t *acc = json_object_get(f, "accept");
	size_t i;
	json_t *k;
	if (!acc)
		return true;
	json_array_foreach(acc, i, k) if (!strcmp(json_string_value(k), kind)) return true;
	return false;
}

/* One upload's bytes into *out; NULL or the refusal's code and *st. */
static const char *
take_one(struct request *req, json_t *f, const struct upload *u, struct form_upload *out,
	 enum status *st)
{
	const unsigned char *p = (const unsigned char *)u->data.buf;
	size_t n = u->data.len;
	*st = STATUS_INVALID;
	if (n > FORM_FILE_MAX_BYTES) {
		*st = STATUS_TOO_LARGE;
		return "attachment_too_large";
	}
	out->field = u->field;
	if (n >= 5 && memcmp(p, "%PDF-", 5) == 0 && (!f || accepts(f, "pdf"))) {
		const char *code = form_pdf_check(p, n);
		if (code)
			return code;
		out->media_type = "application/pdf";
		out->size = n;
		sha256_hex(p, n, out->sha256);
		out->hex = to_hex(req, p, n);
		return NULL;
	}
	if (!photo_sniff(p, n) || (f && !accepts(f, "image"))) {
		*st = STATUS_UNSUPPORTED;
		return "file_type";
	}
	struct photo_image img;
	const char *code = NULL;
	*st = photo_normalize(p, n, &img, &code);
	if (*st != STATUS_OK)
		return code;
	out->media_type = "image/jpeg";
	out->size = img.jpeg_len;
	snprintf(out->sha256, sizeof(out->sha256), "%s", img.sha256);
	out->hex = to_hex(req, img.jpeg, img.jpeg_len);
	photo_image_release(&img);
	return NULL;
}

/* The attachment field an upload belongs to (NULL for a message's "documents"); false when
 * it may not carry one more file. */
static bool
upload_field(json_t *def, json_t *answers, const struct upload *u, int *counts, json_t **f)
{
	*f = NULL;
	if (!def)
		return u->field && !strcmp(u->field, "documents");
	json_t *fields = json_object_get(def, "fields");
	size_t i;
	json_t *g;
	json_array_foreach(fields, i, g)
	{
		if (u->field && !strcmp(json_string_value(json_object_get(g, "name")), u->field))
			break;
	}
	if (i >= json_array_size(fields) ||
	    strcmp(json_string_value(json_object_get(g, "type")), "attachment") ||
	    !form_field_shown(def, g, answers))
		return false;
	json_t *mf = json_object_get(g, "max_files");
	*f = g;
	return ++counts[i] <= (mf ? json_integer_value(mf) : 1);
}

const char *
form_take_uploads(struct request *req, json_t *def, json_t *answers, struct form_upload *out,
		  size_t *n, enum status *st, const char **field)
{
	int counts[FORM_MAX_FIELDS] = {0};
	*n = 0;
	*st = STATUS_INVALID;
	*field = NULL;
	for (const struct upload *u = req->uploads; u; u = u->next) {
		json_t *f;
		if (u->data.len == 0)
			continue; /* a file input left empty */
		bool known = upload_field(def, answers, u, counts, &f);
		*field = f ? json_string_value(json_object_get(f, "name")) : NULL;
		if (*n >= FORM_FILES_MAX || !known)
			return "unexpected_file";
		const char *code = take_one(req, f, u, &out[*n], st);
		if (code)
			return code;
		(*n)++;
	}
	size_t i;
	json_t *g;
	json_array_foreach(json_object_get(def, "fields"), i, g)
	{
		if (!strcmp(json_string_value(json_object_get(g, "type")), "attachment") &&
		    json_is_true(json_object_get(g, "required")) && counts[i] == 0 &&
		    form_field_shown(def, g, answers)) {
			*field = json_string_value(json_object_get(g, "name"));
			return "field_required";
		}
	}
	*st = STATUS_OK;
	return NULL;
}

int
form_store_uploads(long long file_id, long long message_id, const struct form_upload *u, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (db_attachment_add(file_id, u[i].field, message_id, u[i].media_type, u[i].size,
				      u[i].sha256, u[i].hex) < 0)
			return -1;
	return 0;
}

json_t *
form_history_view(struct request *req, json_t *rows, bool staff)
{
	json_t *out = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r)
	{
		const char *status = json_string_value(json_object_get(r, "status"));
		json_t *d = json_object_get(r, "detail");
		json_t *v = json_pack(
			"{s:s, s:s, s:O, s:o, s:b}", "status", status, "label",
			form_status_label(req, status), "at", json_object_get(r, "at"), "when",
			form_when(json_object_get(r, "at")), "by_resident",
			!strcmp(json_string_value(json_object_get(r, "author")), "resident"));
		static const char *const keys[] = {"missing", "pickup", "reason", "legal_ground",
						   "note"};
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			const char *s = json_string_value(json_object_get(d, keys[k]));
			if (s && *s)
				json_object_set_new(v, keys[k], json_string(s));
		}
		/* who did it: the staff audit trail only; residents see the commune act */
		if (staff && json_is_string(json_object_get(r, "username")))
			json_object_set(v, "username", json_object_get(r, "username"));
		json_array_append_new(out, v);
	}
	return out;
}

bool
form_parts_load(struct request *req, json_t *file, struct form_parts *p)
{
	long long id = json_integer_value(json_object_get(file, "id"));
	p->history = db_file_history(id);
	p->messages = db_file_messages(id);
	p->attachments = db_file_attachments(id);
	if (p->history && p->messages && p->attachments)
		return true;
	form_parts_release(p);
	page_db_unavailable(req);
	return false;
}

void
form_parts_release(struct form_parts *p)
{
	json_decref(p->history);
	json_decref(p->messages);
	json_decref(p->attachments);
	p->history = p->messages = p->attachments = NULL;
}
