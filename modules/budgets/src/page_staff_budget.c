// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The staff import of a budget document's lines (official platform): the CSV file checked by
 * budget_csv.c, then the lines and their chunked "budget.lines" events in one transaction; a
 * refused file gets its problems listed by line. The lines of a draft travel when it is
 * published (budget_lines_on_publish).
 */
#include "internal.h"

#include "common/app.h"
#include "common/auth.h"
#include "common/db.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/page_util.h"
#include "common/xalloc.h"
#include "db_budget.h"
#include "publications/db_publication.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUDGET_ERRORS_SHOWN 100 /* problems listed on the HTML page */
#define BUDGET_EVENT_LINES 300
#define BUDGET_EVENT_BYTES (40 * 1024) /* of lines per event: events stay under 64 KiB */

/* ---- import: the lines and their events in one transaction ---- */

/*
 * Emit the lines of own budget document id (at version) as "budget.lines" events, in the
 * caller's transaction: {id, version, part, parts, first, lines}, parts of at most 300 lines
 * and 40 KiB of lines each, first = the line number of the part's first line. Returns the
 * number of events, or -1 (the caller rolls back).
 */
static int
budget_lines_emit(const char *side, long long id, int version, json_t *lines)
{
	size_t n = json_array_size(lines), parts = 0, bytes = 0, in_part = 0;
	size_t *starts = xmalloc((n + 2) * sizeof(*starts));
	starts[parts++] = 0;
	for (size_t i = 0; i < n; i++) {
		char *s = json_dumps(json_array_get(lines, i), JSON_COMPACT);
		size_t b = strlen(s) + 1;
		free(s);
		if (in_part && (in_part == BUDGET_EVENT_LINES || bytes + b > BUDGET_EVENT_BYTES)) {
			starts[parts++] = i;
			bytes = 0;
			in_part = 0;
		}
		bytes += b;
		in_part++;
	}
	starts[parts] = n;
	char ids[24];
	snprintf(ids, sizeof(ids), "%lld", id);
	int rc = (int)parts;
	for (size_t p = 0; p < parts; p++) {
		json_t *slice = json_array();
		for (size_t i = starts[p]; i < starts[p + 1]; i++)
			json_array_append(slice, json_array_get(lines, i));
		json_t *data =
			json_pack("{s:I, s:i, s:I, s:I, s:I, s:o}", "id", (json_int_t)id, "version",
				  version, "part", (json_int_t)(p + 1), "parts", (json_int_t)parts,
				  "first", (json_int_t)(starts[p] + 1), "lines", slice);
		json_t *refs =
			json_pack("[{s:s, s:s, s:s}]", "origin", side, "type", "budget", "id", ids);
		if (outbox_emit("budget.lines", refs, data, NULL) < 0) {
			rc = -1;
			break;
		}
	}
	free(starts);
	return rc;
}

enum status
budget_import_lines(const char *side, long long id, json_t *lines, int *events)
{
	enum status st;
	*events = 0;
	json_t *item = db_pub_get_for_update("budget", id, &st);
	if (!item)
		return st;
	const char *status = json_string_value(json_object_get(item, "status"));
	if (strcmp(json_string_value(json_object_get(item, "origin")), side) != 0) {
		st = STATUS_FORBIDDEN;
		goto out;
	}
	if (db_budget_lines_set(id, lines) < 0) {
		st = STATUS_UNAVAILABLE;
		goto out;
	}
	if (strcmp(status, "published") == 0) {
		*events = budget_lines_emit(
			side, id, (int)json_integer_value(json_object_get(item, "version")), lines);
		if (*events < 0)
			st = STATUS_UNAVAILABLE;
	}
out:
	json_decref(item);
	return st;
}

int
budget_lines_on_publish(const char *side, long long id)
{
	enum status st;
	json_t *item = db_pub_get("budget", id, true, &st);
	json_t *lines = item ? db_budget_lines(id) : NULL;
	int rc = lines ? 0 : -1;
	if (lines && json_array_size(lines) &&
	    budget_lines_emit(side, id, (int)json_integer_value(json_object_get(item, "version")),
			      lines) < 0)
		rc = -1;
	json_decref(lines);
	json_decref(item);
	return rc;
}

/* The document's title in the reader's language, or "". */
static const char *
doc_title(struct request *req, json_t *item)
{
	const char *title =
		i18n_pick(json_object_get(json_object_get(item, "data"), "title"), req->lang, NULL);
	return title ? title : "";
}

/* A refused file: the result page (400) listing the problems, or the JSON error with them. */
static void
reply_refused(struct request *req, json_t *item, const char *code, struct budget_problems *pb)
{
	const char *key = arena_printf(req->arena, "error_%s", code);
	const char *message = json_string_value(json_object_get(req->t, key));
	if (!message)
		message = strcmp(code, "invalid_csv") == 0
				  ? "the CSV file has errors; nothing was imported"
				  : "the file is not a budget CSV file; nothing was imported";
	long long id = json_integer_value(json_object_get(item, "id"));
	log_warn("budget %lld: import refused: %s (%zu problems)", id, code, pb->count);
	if (req->want_json) {
		json_t *err = json_pack("{s:s, s:s}", "code", code, "message", message);
		if (pb->count) {
			json_object_set(err, "lines", pb->list);
			json_object_set_new(err, "total", json_integer((json_int_t)pb->count));
		}
		http_json(req, 400, json_pack("{s:o}", "error", err));
		return;
	}
	json_t *shown = json_array();
	size_t i;
	json_t *p;
	json_array_foreach(pb->list, i, p)
	{
		if (i >= BUDGET_ERRORS_SHOWN)
			break;
		const char *reason = json_string_value(json_object_get(p, "reason"));
		const char *text = i18n_get(req->app->i18n, req->lang,
					    arena_printf(req->arena, "budget_reason_%s", reason));
		json_array_append_new(shown, json_pack("{s:O, s:s, s:s}", "line",
						       json_object_get(p, "line"), "reason", reason,
						       "text", text));
	}
	http_csrf(req);
	json_t *view =
		json_pack("{s:I, s:s, s:{s:s, s:s, s:I, s:b, s:o, s:b}}", "id", (json_int_t)id,
			  "title", doc_title(req, item), "error", "code", code, "message", message,
			  "total", (json_int_t)pb->count, "has_problems", pb->count > 0, "problems",
			  shown, "more", pb->count > BUDGET_ERRORS_SHOWN);
	http_render(req, 400, "budget_import_result", view);
}

/* The path's budget document (drafts too) when this platform is its origin; else NULL after
 * replying. */
static json_t *
own_document(struct request *req)
{
	json_t *item = budget_load(req, true);
	if (!item)
		return NULL;
	if (strcmp(json_string_value(json_object_get(item, "origin")), req->app->side) != 0) {
		json_decref(item);
		http_error(req, STATUS_FORBIDDEN, "not_own_item",
			   "this item belongs to the other platform; only its origin changes it");
		return NULL;
	}
	return item;
}

/* The lines of the uploaded file, or NULL after replying (too large, or refused). */
static json_t *
read_upload(struct request *req, json_t *item)
{
	struct budget_problems pb = {json_array(), 0};
	const struct upload *u = http_upload(req, "file");
	const char *file_error = NULL;
	json_t *lines = NULL;
	if (!u || (!*u->filename && u->data.len == 0)) {
		file_error = "csv_file_required";
	} else if (u->data.len > BUDGET_CSV_MAX_BYTES) {
		http_error(req, STATUS_TOO_LARGE, "payload_too_large",
			   "the file is larger than 4 MiB");
		goto out;
	} else {
		lines = budget_csv_parse(u->data.buf, u->data.len, &file_error, &pb);
	}
	if (!lines)
		reply_refused(req, item, file_error ? file_error : "invalid_csv", &pb);
out:
	json_decref(pb.list);
	return lines;
}

/* The result page (or its JSON) of n lines imported with their events. */
static void
reply_imported(struct request *req, json_t *item, size_t n, int events)
{
	long long id = json_integer_value(json_object_get(item, "id"));
	bool published =
		strcmp(json_string_value(json_object_get(item, "status")), "published") == 0;
	json_t *view = json_pack("{s:I, s:I, s:i, s:b, s:s, s:s}", "id", (json_int_t)id, "imported",
				 (json_int_t)n, "events", events, "is_published", published, "url",
				 arena_printf(req->arena, "/budgets/%lld", id), "csv_url",
				 arena_printf(req->arena, "/budgets/%lld/lines.csv", id));
	if (!req->want_json) {
		json_object_set_new(view, "title", json_string(doc_title(req, item)));
		json_object_set_new(view, "imported_text",
				    json_string(arena_printf(req->arena, "%zu", n)));
		http_csrf(req);
	}
	http_render(req, 200, "budget_import_result", view);
}

void
page_staff_budget_lines(struct request *req)
{
	json_t *item, *lines;
	if (!page_require(req, "budgets.write") || !(item = own_document(req)))
		return;
	long long id = json_integer_value(json_object_get(item, "id"));
	if (!(lines = read_upload(req, item)))
		goto out;
	int events = 0;
	enum status st = STATUS_UNAVAILABLE;
	if (db_begin() == 0) {
		st = budget_import_lines(req->app->side, id, lines, &events);
		if (st == STATUS_OK && db_commit() < 0)
			st = STATUS_UNAVAILABLE;
		if (st != STATUS_OK)
			db_rollback();
	}
	if (st != STATUS_OK) {
		page_write_failed(req, st, "budget_not_found", "conflict");
		goto out;
	}
	http_cache_bump();
	log_info("budget %lld: %zu lines imported by account %lld (%d events)", id,
		 json_array_size(lines), req->user->id, events);
	reply_imported(req, item, json_array_size(lines), events);
out:
	json_decref(lines);
	json_decref(item);
}
