// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Budget documents' lines: the staff CSV import (checked line by line, all or nothing: the
 * lines and their "budget.lines" events in one transaction), the peer's applier of those
 * events, the public page's totals with server-rendered SVG charts and their tables, the
 * open-data CSV, and the demo documents.
 */
#include "internal.h"

#include "common/app.h"
#include "common/auth.h"
#include "common/csv.h"
#include "common/db.h"
#include "publications/db_publication.h"
#include "db_budget.h"
#include "common/demo.h"
#include "common/module.h"
#include "common/html.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/outbox.h"
#include "publications/page_publication.h"
#include "common/page_util.h"
#include "common/svg_chart.h"
#include "common/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define BUDGET_CSV_MAX_BYTES (4 * 1024 * 1024)
#define BUDGET_MAX_LINES 20000
#define BUDGET_AMOUNT_MAX 10000000000000LL /* 10^13 DA */
#define BUDGET_CODE_MAX 32                 /* chapter, article: characters */
#define BUDGET_LABEL_MAX 300
#define BUDGET_ERRORS_KEPT 1000 /* problems listed in the JSON answer */
#define BUDGET_ERRORS_SHOWN 100 /* ... and on the HTML page */
#define BUDGET_EVENT_LINES 300
#define BUDGET_EVENT_BYTES (40 * 1024) /* of lines per event: events stay under 64 KiB */
#define BUDGET_PAGE_LINES 500          /* rows of the HTML lines table (CSV, JSON: all) */
#define BUDGET_YEARS 6                 /* documents in the year-against-year chart */
#define BUDGET_CHART_CHAPTERS 30       /* bars of a chapter chart (its table: all) */

static const char *const budget_sections[] = {"fonctionnement", "equipement"};
#define NSECTIONS 2
static const char *const csv_header[] = {"section", "chapter", "article",
					 "label",   "planned", "executed"};
#define NCOLUMNS 6

/* ---- one line: checked the same way from a CSV file and from a peer's event ---- */

/* NULL when s is 1..max characters without control characters, else what is wrong with it. */
static const char *
text_problem(const char *s, size_t max)
{
	size_t n = 0;
	if (!*s)
		return "required";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7F || (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F))
			return "invalid_character";
		n += (*p & 0xC0) != 0x80;
	}
	return n > max ? "too_long" : NULL;
}

static int
section_index(const char *s)
{
	for (int i = 0; i < NSECTIONS; i++)
		if (strcmp(s, budget_sections[i]) == 0)
			return i;
	return -1;
}

/* A peer's line: {section, chapter, article, label, planned, executed}, exactly. */
static bool
json_line_is_valid(json_t *l)
{
	if (!json_is_object(l) || json_object_size(l) != NCOLUMNS)
		return false;
	const char *section = json_string_value(json_object_get(l, "section"));
	if (!section || section_index(section) < 0)
		return false;
	static const char *const texts[] = {"chapter", "article", "label"};
	for (size_t i = 0; i < 3; i++) {
		json_t *v = json_object_get(l, texts[i]);
		if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v) ||
		    text_problem(json_string_value(v), i == 2 ? BUDGET_LABEL_MAX : BUDGET_CODE_MAX))
			return false;
	}
	static const char *const amounts[] = {"planned", "executed"};
	for (size_t i = 0; i < 2; i++) {
		json_t *v = json_object_get(l, amounts[i]);
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > BUDGET_AMOUNT_MAX)
			return false;
	}
	return true;
}

/* ---- the CSV file ---- */

static char *
trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

/* A space between digit groups: ASCII, no-break (U+00A0) or narrow no-break (U+202F). */
static size_t
group_separator(const char *p)
{
	if (*p == ' ')
		return 1;
	if (strncmp(p, "\xC2\xA0", 2) == 0)
		return 2;
	if (strncmp(p, "\xE2\x80\xAF", 3) == 0)
		return 3;
	return 0;
}

/*
 * An amount in whole dinars: digits, optionally grouped by three with spaces ("1 250 000").
 * NULL when it is one (*out), else "required", "negative", "not_a_number" or "too_large".
 */
static const char *
parse_amount(const char *s, long long *out)
{
	if (!*s)
		return "required";
	bool negative = *s == '-';
	if (negative)
		s++;
	long long v = 0;
	size_t group = 0, groups = 0;
	bool big = false;
	for (const char *p = s; *p;) {
		size_t sep = group_separator(p);
		if (*p >= '0' && *p <= '9') {
			if (!big)
				v = v * 10 + (*p - '0');
			big |= v > BUDGET_AMOUNT_MAX;
			group++;
			p++;
		} else if (sep) {
			if (group == 0 || (groups == 0 ? group > 3 : group != 3))
				return "not_a_number";
			groups++;
			group = 0;
			p += sep;
		} else {
			return "not_a_number";
		}
	}
	if (group == 0 || (groups && group != 3))
		return "not_a_number";
	if (negative)
		return "negative";
	if (big)
		return "too_large";
	*out = v;
	return NULL;
}

/* "fonctionnement", "equipement" (any case, "équipement" too): the section's index or -1. */
static int
parse_section(const char *s)
{
	if (strcasecmp(s, "fonctionnement") == 0)
		return 0;
	if (strcasecmp(s, "equipement") == 0 ||
	    ((strncmp(s, "\xC3\xA9", 2) == 0 || strncmp(s, "\xC3\x89", 2) == 0) &&
	     strcasecmp(s + 2, "quipement") == 0))
		return 1;
	return -1;
}

struct problems {
	json_t *list; /* [{line, reason}], the first BUDGET_ERRORS_KEPT */
	size_t count; /* all of them */
};

static void
problem(struct problems *pb, size_t line, const char *field, const char *what)
{
	pb->count++;
	if (json_array_size(pb->list) >= BUDGET_ERRORS_KEPT)
		return;
	char reason[64];
	if (field)
		snprintf(reason, sizeof(reason), "%s_%s", field, what);
	else
		snprintf(reason, sizeof(reason), "%s", what);
	json_array_append_new(pb->list,
			      json_pack("{s:I, s:s}", "line", (json_int_t)line, "reason", reason));
}

static bool
is_blank_record(struct csv_record *rec)
{
	for (size_t i = 0; i < rec->nfields; i++) {
		const char *f = csv_field(rec, i);
		if (f[strspn(f, " \t")] != '\0')
			return false;
	}
	return true;
}

/* The header: the six column names in order (any case, spaces around them allowed). */
static const char *
header_problem(struct csv_record *rec)
{
	if (rec->nfields == 1 && strchr(csv_field(rec, 0), ';'))
		return "header_semicolons";
	if (rec->nfields != NCOLUMNS)
		return "header_invalid";
	for (size_t i = 0; i < NCOLUMNS; i++)
		if (strcasecmp(trim(csv_field(rec, i)), csv_header[i]) != 0)
			return "header_invalid";
	return NULL;
}

/* One data record into a line (NULL, and its problems noted, when it has any). */
static json_t *
parse_record(struct csv_record *rec, struct problems *pb)
{
	size_t before = pb->count, line = rec->line;
	if (rec->nfields != NCOLUMNS) {
		problem(pb, line, NULL, "field_count");
		return NULL;
	}
	char *f[NCOLUMNS];
	for (size_t i = 0; i < NCOLUMNS; i++)
		f[i] = trim(csv_field(rec, i));
	int section = parse_section(f[0]);
	if (section < 0)
		problem(pb, line, "section", "invalid");
	for (size_t i = 1; i <= 3; i++) {
		const char *what = text_problem(f[i], i == 3 ? BUDGET_LABEL_MAX : BUDGET_CODE_MAX);
		if (what)
			problem(pb, line, csv_header[i], what);
	}
	long long amount[2] = {0, 0};
	for (size_t i = 0; i < 2; i++) {
		const char *what = parse_amount(f[4 + i], &amount[i]);
		if (what)
			problem(pb, line, csv_header[4 + i], what);
	}
	if (pb->count != before)
		return NULL;
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "section", budget_sections[section],
			 "chapter", f[1], "article", f[2], "label", f[3], "planned",
			 (json_int_t)amount[0], "executed", (json_int_t)amount[1]);
}

/*
 * Read a budget CSV file into its lines [{section, chapter, article, label, planned,
 * executed}]. NULL when the file is refused: *file_error names a problem of the whole file
 * ("csv_empty", "csv_not_utf8", "csv_no_lines"), or else pb lists the problems by line
 * ("invalid_csv").
 */
static json_t *
budget_csv_parse(const char *data, size_t len, const char **file_error, struct problems *pb)
{
	*file_error = NULL;
	size_t bom = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	size_t i = bom;
	while (i < len && data[i] && strchr(" \t\r\n", data[i]))
		i++;
	if (i == len) {
		*file_error = "csv_empty";
		return NULL;
	}
	if (!utf8_is_valid(data, len)) {
		*file_error = "csv_not_utf8";
		return NULL;
	}
	struct csv_reader r;
	struct csv_record rec;
	const char *error;
	json_t *lines = json_array();
	size_t count = 0;
	csv_reader_init(&r, data, len);
	csv_record_init(&rec);
	enum csv_result res = csv_read(&r, &rec, &error);
	const char *hp = res == CSV_RECORD ? header_problem(&rec) : "header_invalid";
	if (hp) {
		problem(pb, 1, NULL, hp);
		goto out;
	}
	while ((res = csv_read(&r, &rec, &error)) != CSV_END) {
		if (res == CSV_ERROR) {
			problem(pb, rec.line, NULL, error);
			continue;
		}
		if (is_blank_record(&rec))
			continue;
		if (++count > BUDGET_MAX_LINES) {
			problem(pb, rec.line, NULL, "too_many_lines");
			break;
		}
		json_t *line = parse_record(&rec, pb);
		if (line && pb->count == 0)
			json_array_append_new(lines, line);
		else
			json_decref(line);
	}
out:
	csv_record_release(&rec);
	if (pb->count || json_array_size(lines) == 0) {
		if (!pb->count)
			*file_error = "csv_no_lines"; /* a header alone would wipe the document */
		json_decref(lines);
		return NULL;
	}
	return lines;
}

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

/*
 * Replace the lines of own document id, in the caller's transaction, with their events when
 * it is public (*events: how many). A draft's lines travel when it is published.
 */
static enum status
import_lines(const char *side, long long id, json_t *lines, int *events)
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

static const char *
t_get(struct request *req, const char *key)
{
	return i18n_get(req->app->i18n, req->lang, key);
}

/* A refused file: the result page (400) listing the problems, or the JSON error with them. */
static void
reply_refused(struct request *req, json_t *item, const char *code, struct problems *pb)
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
		json_array_append_new(
			shown, json_pack("{s:O, s:s, s:s}", "line", json_object_get(p, "line"),
					 "reason", reason, "text",
					 t_get(req, arena_printf(req->arena, "budget_reason_%s",
								 reason))));
	}
	http_csrf(req);
	const char *title =
		i18n_pick(json_object_get(json_object_get(item, "data"), "title"), req->lang, NULL);
	json_t *view =
		json_pack("{s:I, s:s, s:{s:s, s:s, s:I, s:b, s:o, s:b}}", "id", (json_int_t)id,
			  "title", title ? title : "", "error", "code", code, "message", message,
			  "total", (json_int_t)pb->count, "has_problems", pb->count > 0, "problems",
			  shown, "more", pb->count > BUDGET_ERRORS_SHOWN);
	http_render(req, 400, "budget_import_result", view);
}

void
page_staff_budget_lines(struct request *req)
{
	if (!page_require(req, "budgets.write"))
		return;
	long long id = page_parse_id(http_param(req, "id"));
	enum status st = STATUS_NOT_FOUND;
	json_t *item = id > 0 ? db_pub_get("budget", id, true, &st) : NULL;
	json_t *lines = NULL;
	struct problems pb = {json_array(), 0};
	if (!item) {
		http_error(req, st,
			   st == STATUS_NOT_FOUND ? "budget_not_found" : "database_unavailable",
			   st == STATUS_NOT_FOUND ? "there is no such budget document"
						  : "the site cannot reach its database");
		goto out;
	}
	if (strcmp(json_string_value(json_object_get(item, "origin")), req->app->side) != 0) {
		http_error(req, STATUS_FORBIDDEN, "not_own_item",
			   "this item belongs to the other platform; only its origin changes it");
		goto out;
	}
	const struct upload *u = http_upload(req, "file");
	const char *file_error = NULL;
	if (!u || (!*u->filename && u->data.len == 0)) {
		file_error = "csv_file_required";
	} else if (u->data.len > BUDGET_CSV_MAX_BYTES) {
		http_error(req, STATUS_TOO_LARGE, "payload_too_large",
			   "the file is larger than 4 MiB");
		goto out;
	} else {
		lines = budget_csv_parse(u->data.buf, u->data.len, &file_error, &pb);
	}
	if (!lines) {
		reply_refused(req, item, file_error ? file_error : "invalid_csv", &pb);
		goto out;
	}
	int events = 0;
	st = STATUS_UNAVAILABLE;
	if (db_begin() == 0) {
		st = import_lines(req->app->side, id, lines, &events);
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
	size_t n = json_array_size(lines);
	log_info("budget %lld: %zu lines imported by account %lld (%d events)", id, n,
		 req->user->id, events);
	bool published =
		strcmp(json_string_value(json_object_get(item, "status")), "published") == 0;
	json_t *view = json_pack("{s:I, s:I, s:i, s:b, s:s, s:s}", "id", (json_int_t)id, "imported",
				 (json_int_t)n, "events", events, "is_published", published, "url",
				 arena_printf(req->arena, "/budgets/%lld", id), "csv_url",
				 arena_printf(req->arena, "/budgets/%lld/lines.csv", id));
	if (!req->want_json) {
		const char *title = i18n_pick(
			json_object_get(json_object_get(item, "data"), "title"), req->lang, NULL);
		json_object_set_new(view, "title", json_string(title ? title : ""));
		json_object_set_new(view, "imported_text",
				    json_string(arena_printf(req->arena, "%zu", n)));
		http_csrf(req);
	}
	http_render(req, 200, "budget_import_result", view);
out:
	json_decref(lines);
	json_decref(pb.list);
	json_decref(item);
}

/* ---- the peer's applier ---- */

static bool
int_in(json_t *v, long long lo, long long hi)
{
	return json_is_integer(v) && json_integer_value(v) >= lo && json_integer_value(v) <= hi;
}

enum status
hook_budget_lines(const struct hook_event *ev)
{
	const char *origin = ev->origin;
	json_t *data = ev->data;
	json_t *id = json_object_get(data, "id"), *part = json_object_get(data, "part");
	json_t *parts = json_object_get(data, "parts"), *first = json_object_get(data, "first");
	json_t *lines = json_object_get(data, "lines");
	bool ok =
		int_in(id, 1, 1LL << 53) && int_in(json_object_get(data, "version"), 1, 1000000) &&
		int_in(parts, 1, BUDGET_MAX_LINES) && int_in(part, 1, json_integer_value(parts)) &&
		int_in(first, 1, BUDGET_MAX_LINES) && json_is_array(lines) &&
		json_integer_value(first) - 1 + (long long)json_array_size(lines) <=
			BUDGET_MAX_LINES &&
		(json_integer_value(part) == 1) == (json_integer_value(first) == 1) &&
		(json_array_size(lines) > 0 || json_integer_value(parts) == 1);
	size_t i;
	json_t *l;
	json_array_foreach(lines, i, l)
	{
		if (!ok)
			break;
		ok = json_line_is_valid(l);
	}
	if (!ok) {
		log_warn("budget.lines event from %s does not have the expected fields", origin);
		return STATUS_INVALID;
	}
	long long local;
	enum status st = db_pub_find_local(origin, "budget", json_integer_value(id), &local);
	if (st == STATUS_NOT_FOUND) {
		log_warn("budget.lines event from %s is about budget %lld, which is not mirrored",
			 origin, (long long)json_integer_value(id));
		return STATUS_INVALID;
	}
	if (st != STATUS_OK)
		return st;
	if (json_integer_value(part) == 1)
		return db_budget_lines_set(local, lines) == 0 ? STATUS_OK : STATUS_UNAVAILABLE;
	long long have = db_budget_lines_count(local);
	if (have < 0)
		return STATUS_UNAVAILABLE;
	if (have != json_integer_value(first) - 1) {
		log_warn("budget.lines event from %s: part %lld of budget %lld starts at line %lld,"
			 " but %lld lines are there",
			 origin, (long long)json_integer_value(part),
			 (long long)json_integer_value(id), (long long)json_integer_value(first),
			 have);
		return STATUS_INVALID;
	}
	return db_budget_lines_append(local, json_integer_value(first), lines) == 0
		       ? STATUS_OK
		       : STATUS_UNAVAILABLE;
}

/* ---- the public page ---- */

/* 470000000 -> "470 000 000" with no-break spaces, which keep the number whole (and in order)
 * inside right-to-left text. */
static const char *
amount_text(struct request *req, long long n)
{
	char raw[32], out[64];
	snprintf(raw, sizeof(raw), "%lld", n < 0 ? 0 : n);
	size_t len = strlen(raw), o = 0;
	for (size_t i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0) {
			out[o++] = '\xC2';
			out[o++] = '\xA0';
		}
		out[o++] = raw[i];
	}
	out[o] = '\0';
	return arena_strdup(req->arena, out);
}

/* Executed / planned in whole percents (rounded half up, like the accountability figures), or
 * -1 when nothing was planned. */
static long long
rate_pct(long long planned, long long executed)
{
	if (planned <= 0)
		return -1;
	return (long long)((long double)executed * 100.0L / (long double)planned + 0.5L);
}

struct total {
	const char *key;   /* section, chapter code or year */
	const char *label; /* as shown */
	int section;
	long long planned, executed;
	size_t lines;
	long long id; /* a year's document */
};

static json_t *
total_view(struct request *req, const struct total *t)
{
	long long r = rate_pct(t->planned, t->executed);
	json_t *v = json_pack("{s:s, s:I, s:I, s:I, s:s, s:s, s:s}", "label", t->label, "planned",
			      (json_int_t)t->planned, "executed", (json_int_t)t->executed, "lines",
			      (json_int_t)t->lines, "planned_text", amount_text(req, t->planned),
			      "executed_text", amount_text(req, t->executed), "rate_text",
			      r < 0 ? "—" : arena_printf(req->arena, "%lld%%", r));
	json_object_set_new(v, "rate_pct", r < 0 ? json_null() : json_integer(r));
	return v;
}

/* A chart of planned vs executed over totals, with its text alternative. */
static const char *
chart(struct request *req, const char *id, const char *title, const struct total *totals, size_t n)
{
	struct svg_bar_group *groups = xcalloc(n ? n : 1, sizeof(*groups));
	struct strbuf desc = STRBUF_INIT, out = STRBUF_INIT;
	const char *planned = t_get(req, "budget_series_planned");
	const char *executed = t_get(req, "budget_series_executed");
	const char *currency = t_get(req, "currency");
	for (size_t i = 0; i < n; i++) {
		groups[i].label = totals[i].label;
		groups[i].values[0] = totals[i].planned;
		groups[i].values[1] = totals[i].executed;
		groups[i].texts[0] = amount_text(req, totals[i].planned);
		groups[i].texts[1] = amount_text(req, totals[i].executed);
		long long r = rate_pct(totals[i].planned, totals[i].executed);
		strbuf_addf(&desc, "%s%s: %s %s %s, %s %s %s", i ? ". " : "", totals[i].label,
			    planned, groups[i].texts[0], currency, executed, groups[i].texts[1],
			    currency);
		if (r >= 0)
			strbuf_addf(&desc, " (%lld%%)", r);
	}
	struct svg_bar_chart c = {
		.id = id,
		.title = title,
		.desc = desc.len ? desc.buf : NULL,
		.series = {t_get(req, "budget_planned"), t_get(req, "budget_executed")},
		.nseries = 2,
		.groups = groups,
		.ngroups = n,
		.rtl = req->rtl,
	};
	svg_bar_chart(&out, &c);
	const char *svg = arena_strdup(req->arena, out.buf);
	strbuf_release(&out);
	strbuf_release(&desc);
	free(groups);
	return svg;
}

static const char *
chapter_label(struct request *req, const char *chapter)
{
	if (strspn(chapter, "0123456789") == strlen(chapter))
		return arena_printf(req->arena, "%s %s", t_get(req, "budget_chapter"), chapter);
	return chapter;
}

/* Chapters of one section in the order they first appear; totals grows as needed. */
static size_t
chapter_totals(struct request *req, json_t *lines, int section, struct total **out)
{
	struct total *t = NULL;
	size_t n = 0, alloc = 0, i;
	json_t *index = json_object(), *l;
	json_array_foreach(lines, i, l)
	{
		if (section_index(json_string_value(json_object_get(l, "section"))) != section)
			continue;
		const char *chapter = json_string_value(json_object_get(l, "chapter"));
		json_t *at = json_object_get(index, chapter);
		size_t k;
		if (at) {
			k = (size_t)json_integer_value(at);
		} else {
			k = n++;
			ALLOC_GROW(t, n, alloc);
			memset(&t[k], 0, sizeof(t[k]));
			t[k].key = arena_strdup(req->arena, chapter);
			t[k].label = chapter_label(req, t[k].key);
			t[k].section = section;
			json_object_set_new(index, chapter, json_integer((json_int_t)k));
		}
		t[k].planned += json_integer_value(json_object_get(l, "planned"));
		t[k].executed += json_integer_value(json_object_get(l, "executed"));
		t[k].lines++;
	}
	json_decref(index);
	*out = t;
	return n;
}

/* The first BUDGET_PAGE_LINES lines for the HTML table, grouped by section, amounts shown. */
static json_t *
line_groups(struct request *req, json_t *lines)
{
	json_t *groups = json_array();
	size_t shown = 0;
	for (int s = 0; s < NSECTIONS; s++) {
		json_t *rows = json_array(), *l;
		size_t i;
		json_array_foreach(lines, i, l)
		{
			if (shown == BUDGET_PAGE_LINES)
				break;
			if (section_index(json_string_value(json_object_get(l, "section"))) != s)
				continue;
			shown++;
			json_array_append_new(
				rows, json_pack("{s:O, s:O, s:O, s:s, s:s}", "chapter",
						json_object_get(l, "chapter"), "article",
						json_object_get(l, "article"), "label",
						json_object_get(l, "label"), "planned_text",
						amount_text(req, json_integer_value(json_object_get(
									 l, "planned"))),
						"executed_text",
						amount_text(req, json_integer_value(json_object_get(
									 l, "executed")))));
		}
		if (json_array_size(rows))
			json_array_append_new(
				groups,
				json_pack("{s:s, s:o}", "section_label",
					  t_get(req, arena_printf(req->arena, "budget_section_%s",
								  budget_sections[s])),
					  "rows", rows));
		else
			json_decref(rows);
	}
	return groups;
}

static json_t *
years_view(struct request *req, json_t *item, json_t *b)
{
	json_t *data = json_object_get(item, "data");
	const char *type = json_string_value(json_object_get(data, "type"));
	int year = (int)json_integer_value(json_object_get(data, "year"));
	long long self = json_integer_value(json_object_get(item, "id"));
	json_t *years =
		type ? db_budget_year_totals(json_string_value(json_object_get(item, "origin")),
					     type, year, BUDGET_YEARS)
		     : NULL;
	if (!years)
		return json_array();
	size_t n = json_array_size(years), i;
	struct total *t = xcalloc(n ? n : 1, sizeof(*t));
	json_t *out = json_array(), *y;
	json_array_foreach(years, i, y)
	{
		t[i].id = json_integer_value(json_object_get(y, "id"));
		t[i].label =
			arena_printf(req->arena, "%lld",
				     (long long)json_integer_value(json_object_get(y, "year")));
		t[i].planned = json_integer_value(json_object_get(y, "planned"));
		t[i].executed = json_integer_value(json_object_get(y, "executed"));
		t[i].lines = (size_t)json_integer_value(json_object_get(y, "lines"));
		json_t *v = total_view(req, &t[i]);
		json_object_set(v, "year", json_object_get(y, "year"));
		json_object_set_new(v, "url", json_sprintf("/budgets/%lld", t[i].id));
		json_object_set_new(v, "is_current", json_boolean(t[i].id == self));
		json_array_append_new(out, v);
	}
	if (!req->want_json && n >= 2) {
		const char *type_label =
			t_get(req, arena_printf(req->arena, "budget_type_%s", type));
		json_object_set_new(
			b, "years_svg",
			json_string(
				chart(req, "chart-years",
				      arena_printf(req->arena, "%s — %s",
						   t_get(req, "budget_year_on_year"), type_label),
				      t, n)));
	}
	free(t);
	json_decref(years);
	return out;
}

void
budget_item_extras(struct request *req, json_t *item, json_t *view)
{
	if (strcmp(json_string_value(json_object_get(item, "kind")), "budget") != 0 ||
	    json_is_true(json_object_get(view, "is_unpublished")))
		return;
	long long id = json_integer_value(json_object_get(item, "id"));
	json_t *lines = db_budget_lines(id);
	if (!lines) {
		log_error("budget %lld: could not read its lines", id);
		return;
	}
	json_t *b = json_object();
	struct total all = {.label = t_get(req, "budget_total")};
	struct total sec[NSECTIONS];
	memset(sec, 0, sizeof(sec));
	size_t i;
	json_t *l;
	for (int s = 0; s < NSECTIONS; s++) {
		sec[s].key = budget_sections[s];
		sec[s].label = t_get(
			req, arena_printf(req->arena, "budget_section_%s", budget_sections[s]));
	}
	json_array_foreach(lines, i, l)
	{
		int s = section_index(json_string_value(json_object_get(l, "section")));
		long long p = json_integer_value(json_object_get(l, "planned"));
		long long e = json_integer_value(json_object_get(l, "executed"));
		if (s < 0)
			continue;
		sec[s].planned += p;
		sec[s].executed += e;
		sec[s].lines++;
		all.planned += p;
		all.executed += e;
		all.lines++;
	}
	size_t n = json_array_size(lines);
	json_object_set_new(b, "line_count", json_integer((json_int_t)n));
	json_object_set_new(b, "has_lines", json_boolean(n > 0));
	json_object_set_new(b, "totals", total_view(req, &all));
	json_object_set_new(b, "csv_url", json_sprintf("/budgets/%lld/lines.csv", id));
	json_object_set_new(b, "json_url", json_sprintf("/budgets/%lld.json", id));

	json_t *by_section = json_array();
	for (int s = 0; s < NSECTIONS; s++) {
		json_t *v = total_view(req, &sec[s]);
		json_object_set_new(v, "section", json_string(budget_sections[s]));
		json_array_append_new(by_section, v);
	}
	json_object_set_new(b, "by_section", by_section);
	if (!req->want_json && n)
		json_object_set_new(
			b, "sections_svg",
			json_string(chart(req, "chart-sections", t_get(req, "budget_by_section"),
					  sec, NSECTIONS)));

	json_t *by_chapter = json_array();
	for (int s = 0; s < NSECTIONS; s++) {
		struct total *ch;
		size_t nch = chapter_totals(req, lines, s, &ch);
		json_t *rows = json_array();
		for (size_t k = 0; k < nch; k++) {
			json_t *v = total_view(req, &ch[k]);
			json_object_set_new(v, "chapter", json_string(ch[k].key));
			json_array_append_new(rows, v);
		}
		json_t *group = json_pack("{s:s, s:s, s:o, s:b}", "section", budget_sections[s],
					  "section_label", sec[s].label, "chapters", rows,
					  "has_chapters", nch > 0);
		if (!req->want_json && nch) {
			const char *title =
				arena_printf(req->arena, "%s — %s", t_get(req, "budget_by_chapter"),
					     sec[s].label);
			json_object_set_new(group, "title", json_string(title));
			json_object_set_new(group, "id",
					    json_sprintf("chart-chapters-%s", budget_sections[s]));
			json_object_set_new(
				group, "svg",
				json_string(chart(
					req,
					arena_printf(req->arena, "chart-chapters-%s",
						     budget_sections[s]),
					nch > BUDGET_CHART_CHAPTERS
						? arena_printf(req->arena, "%s (%d / %zu)", title,
							       BUDGET_CHART_CHAPTERS, nch)
						: title,
					ch,
					nch > BUDGET_CHART_CHAPTERS ? BUDGET_CHART_CHAPTERS
								    : nch)));
		}
		json_array_append_new(by_chapter, group);
		free(ch);
	}
	json_object_set_new(b, "by_chapter", by_chapter);

	json_t *years = years_view(req, item, b);
	json_object_set_new(b, "has_years", json_boolean(json_array_size(years) >= 2));
	json_object_set_new(b, "years", years);

	if (req->want_json) {
		json_object_set(b, "lines", lines);
	} else {
		json_object_set_new(b, "line_groups", line_groups(req, lines));
		json_object_set_new(b, "rows_partial", json_boolean(n > BUDGET_PAGE_LINES));
		json_object_set_new(
			b, "rows_shown",
			json_integer(n > BUDGET_PAGE_LINES ? BUDGET_PAGE_LINES : (json_int_t)n));
	}
	json_decref(lines);
	json_object_set_new(view, "budget", b);
}

/* ---- open data ---- */

void
page_budget_lines_csv(struct request *req)
{
	long long id = page_parse_id(http_param(req, "id"));
	enum status st = STATUS_NOT_FOUND;
	json_t *item = id > 0 ? db_pub_get("budget", id, false, &st) : NULL;
	if (!item) {
		http_error(req, st,
			   st == STATUS_NOT_FOUND ? "budget_not_found" : "database_unavailable",
			   st == STATUS_NOT_FOUND ? "there is no such budget document"
						  : "the site cannot reach its database");
		return;
	}
	json_t *data = json_object_get(item, "data");
	bool withdrawn =
		strcmp(json_string_value(json_object_get(item, "status")), "unpublished") == 0;
	char filename[96];
	snprintf(filename, sizeof(filename), "budget-%lld-%s-%lld.csv",
		 (long long)json_integer_value(json_object_get(data, "year")),
		 json_is_string(json_object_get(data, "type"))
			 ? json_string_value(json_object_get(data, "type"))
			 : "doc",
		 id);
	json_decref(item);
	if (withdrawn) {
		http_error(req, STATUS_NOT_FOUND, "budget_unpublished",
			   "this budget document was withdrawn; its history says why");
		return;
	}
	json_t *lines = db_budget_lines(id);
	if (!lines) {
		http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
			   "the site cannot reach its database");
		return;
	}
	struct strbuf out = STRBUF_INIT;
	for (size_t c = 0; c < NCOLUMNS; c++)
		strbuf_addf(&out, "%s%s", c ? "," : "", csv_header[c]);
	strbuf_addstr(&out, "\r\n");
	size_t i;
	json_t *l;
	json_array_foreach(lines, i, l)
	{
		for (size_t c = 0; c < 4; c++) {
			if (c)
				strbuf_addch(&out, ',');
			csv_add_field(&out, json_string_value(json_object_get(l, csv_header[c])));
		}
		strbuf_addf(&out, ",%lld,%lld\r\n",
			    (long long)json_integer_value(json_object_get(l, "planned")),
			    (long long)json_integer_value(json_object_get(l, "executed")));
	}
	json_decref(lines);
	http_add_header(req, "Content-Disposition",
			arena_printf(req->arena, "attachment; filename=\"%s\"", filename));
	/* the page cache keeps a body and its type, not the Content-Disposition: keep the
	 * download out of it (a set cookie marks a response as not to be cached) */
	req->set_cookie = true;
	size_t len;
	char *body = strbuf_detach(&out, &len);
	http_send_owned(req, 200, "text/csv; charset=utf-8", body, len);
}

/* ---- demo ---- */

/* "bp-2025.csv": the type and year of a demo budget file, or false. */
static bool
demo_file_name(const char *name, char type[3], int *year)
{
	if (strlen(name) != 11 || name[2] != '-' || strcmp(name + 7, ".csv") != 0 ||
	    strspn(name + 3, "0123456789") != 4)
		return false;
	memcpy(type, name, 2);
	type[2] = '\0';
	*year = atoi(name + 3);
	return strcmp(type, "bp") == 0 || strcmp(type, "bs") == 0 || strcmp(type, "ca") == 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The own budget document of year and type: its id, 0 when there is none, -1 on failure. */
static long long
demo_find(struct app *app, int year, const char *type)
{
	json_t *own = db_pub_list_own(app->side, "budget", 10000);
	if (!own)
		return -1;
	long long id = 0;
	size_t i;
	json_t *it;
	json_array_foreach(own, i, it)
	{
		json_t *data = json_object_get(it, "data");
		const char *t = json_string_value(json_object_get(data, "type"));
		if (json_integer_value(json_object_get(data, "year")) == year && t &&
		    strcmp(t, type) == 0)
			id = json_integer_value(json_object_get(it, "id"));
	}
	json_decref(own);
	return id;
}

/* One demo file: the document (created published when missing) and its lines. */
static int
demo_load_one(struct app *app, const char *folder, const char *name, json_t *meta, size_t *added)
{
	char type[3];
	int year, rc = -1;
	struct problems pb = {json_array(), 0};
	struct strbuf csv = STRBUF_INIT;
	json_t *lines = NULL, *data = NULL;
	char *path = xasprintf("%s/%s", folder, name);
	const char *file_error = NULL;
	if (!demo_file_name(name, type, &year)) {
		fprintf(stderr, "%s: not a budget file name like bp-2025.csv, skipped\n", path);
		rc = 0;
		goto out;
	}
	if (strbuf_read_file(&csv, path) < 0 || csv.len > BUDGET_CSV_MAX_BYTES) {
		fprintf(stderr, "%s: cannot read it, or it is larger than 4 MiB\n", path);
		goto out;
	}
	if (!(lines = budget_csv_parse(csv.buf, csv.len, &file_error, &pb))) {
		size_t i;
		json_t *p;
		fprintf(stderr, "%s: %s\n", path, file_error ? file_error : "invalid_csv");
		json_array_foreach(pb.list, i, p)
		{
			fprintf(stderr, "%s:%lld: %s\n", path,
				(long long)json_integer_value(json_object_get(p, "line")),
				json_string_value(json_object_get(p, "reason")));
		}
		goto out;
	}
	long long id = demo_find(app, year, type);
	if (id < 0)
		goto out;
	if (id > 0 && db_budget_lines_count(id) != 0) {
		rc = db_budget_lines_count(id) > 0 ? 0 : -1;
		goto out;
	}
	const struct kind *k = publication_kind("budget");
	json_t *m = json_object_get(meta, name);
	data = json_pack("{s:i, s:s}", "year", year, "type", type);
	if (json_object_get(m, "title"))
		json_object_set(data, "title", json_object_get(m, "title"));
	else
		json_object_set_new(data, "title", json_pack("{s:s}", "fr", name));
	if (json_object_get(m, "summary"))
		json_object_set(data, "summary", json_object_get(m, "summary"));
	if (!publication_data_is_valid(k, data)) {
		fprintf(stderr, "%s: its title or summary in documents.json is not valid\n", path);
		goto out;
	}
	int events = 0;
	if (db_begin() < 0)
		goto out;
	bool created = id == 0;
	if (created && ((id = db_pub_create(app->side, k->name, data, true)) < 0 ||
			pub_emit(app->side, k, id, "published") < 0)) {
		db_rollback();
		goto out;
	}
	if (import_lines(app->side, id, lines, &events) != STATUS_OK || db_commit() < 0) {
		db_rollback();
		goto out;
	}
	printf("%s: budget %s %d %s with %zu lines (%d events)\n", app->side, type, year,
	       created ? "added" : "completed", json_array_size(lines), events);
	(*added)++;
	rc = 0;
out:
	json_decref(data);
	json_decref(lines);
	json_decref(pb.list);
	strbuf_release(&csv);
	free(path);
	return rc;
}

/*
 * budgets/<type>-<year>.csv (bp-2025.csv...), with titles and summaries in
 * budgets/documents.json ({"bp-2025.csv": {"title": {"ar": .., "fr": ..}, "summary": ..}}):
 * a document is created (published) when the commune has none of that year and type, and its
 * lines imported when it has none, through the staff path's import.
 */
int
budget_demo_load(struct app *app, const char *dir)
{
	char *folder = xasprintf("%s/budgets", dir);
	char *meta_path = xasprintf("%s/documents.json", folder);
	json_t *meta = NULL;
	char **names = NULL;
	size_t n = 0, alloc = 0, added = 0;
	int rc = -1;
	DIR *d = opendir(folder);
	if (!d) {
		rc = errno == ENOENT ? 0 : -1;
		if (rc < 0)
			fprintf(stderr, "%s: %s\n", folder, strerror(errno));
		goto out;
	}
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (len > 4 && strcmp(e->d_name + len - 4, ".csv") == 0) {
			ALLOC_GROW(names, n + 1, alloc);
			names[n++] = xstrdup(e->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	json_error_t err;
	if (access(meta_path, F_OK) == 0)
		meta = json_load_file(meta_path, JSON_REJECT_DUPLICATES, &err);
	if (access(meta_path, F_OK) == 0 && !json_is_object(meta)) {
		fprintf(stderr, "%s: %s\n", meta_path, meta ? "not a JSON object" : err.text);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (demo_load_one(app, folder, names[i], meta, &added) < 0)
			goto out;
	printf("%s: %zu demo budget documents loaded, %zu already there\n", app->side, added,
	       n - added);
	rc = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	json_decref(meta);
	free(meta_path);
	free(folder);
	return rc;
}
