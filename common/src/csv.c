// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * RFC 4180 CSV, read strictly and written safely: the budget lines' import and open-data
 * download use it. The reader works on a buffer in memory (uploads are capped), one record at
 * a time, and says on which physical line each record starts.
 */
#include "common/csv.h"

#include <stdbool.h>
#include <string.h>

void
csv_reader_init(struct csv_reader *r, const char *data, size_t len)
{
	r->data = data;
	r->len = len;
	r->pos = 0;
	r->line = 1;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		r->pos = 3;
}

void
csv_record_init(struct csv_record *rec)
{
	strbuf_init(&rec->buf, 0);
	rec->nfields = 0;
	rec->line = 0;
}

void
csv_record_release(struct csv_record *rec)
{
	strbuf_release(&rec->buf);
	rec->nfields = 0;
}

char *
csv_field(struct csv_record *rec, size_t i)
{
	return i < rec->nfields ? rec->buf.buf + rec->offsets[i] : NULL;
}

/* After an error: go on at the start of the next physical line. */
static void
skip_line(struct csv_reader *r)
{
	while (r->pos < r->len && r->data[r->pos] != '\n')
		r->pos++;
	if (r->pos < r->len) {
		r->pos++;
		r->line++;
	}
}

/* A quoted field, r->pos just past the opening quote; 0, or -1 at the end of the data. */
static int
read_quoted(struct csv_reader *r, struct strbuf *out, const char **error)
{
	for (;;) {
		if (r->pos >= r->len) {
			*error = "unterminated_quote";
			return -1;
		}
		char c = r->data[r->pos];
		if (c == '"') {
			if (r->pos + 1 < r->len && r->data[r->pos + 1] == '"') {
				strbuf_addch(out, '"');
				r->pos += 2;
				continue;
			}
			r->pos++;
			return 0;
		}
		if (c == '\0' && !*error)
			*error = "nul_byte";
		if (c == '\n')
			r->line++;
		strbuf_addch(out, c);
		r->pos++;
	}
}

enum csv_result
csv_read(struct csv_reader *r, struct csv_record *rec, const char **error)
{
	*error = NULL;
	strbuf_reset(&rec->buf);
	rec->nfields = 0;
	rec->line = r->line;
	if (r->pos >= r->len)
		return CSV_END;
	for (;;) {
		size_t start = rec->buf.len;
		if (r->data[r->pos] == '"') {
			r->pos++;
			if (read_quoted(r, &rec->buf, error) < 0)
				return CSV_ERROR; /* nothing left to resume from */
			if (r->pos < r->len && r->data[r->pos] != ',' && r->data[r->pos] != '\n' &&
			    r->data[r->pos] != '\r' && !*error)
				*error = "text_after_quote";
		} else {
			while (r->pos < r->len && r->data[r->pos] != ',' &&
			       r->data[r->pos] != '\n' && r->data[r->pos] != '\r') {
				char c = r->data[r->pos++];
				if (c == '"' && !*error)
					*error = "quote_in_unquoted_field";
				else if (c == '\0' && !*error)
					*error = "nul_byte";
				strbuf_addch(&rec->buf, c);
			}
		}
		if (*error) {
			skip_line(r);
			return CSV_ERROR;
		}
		strbuf_addch(&rec->buf, '\0');
		if (rec->nfields == CSV_MAX_FIELDS) {
			*error = "too_many_fields";
			skip_line(r);
			return CSV_ERROR;
		}
		rec->offsets[rec->nfields++] = start;
		if (r->pos >= r->len)
			return CSV_RECORD;
		char c = r->data[r->pos];
		if (c == ',') {
			r->pos++;
			if (r->pos >= r->len) {
				/* "a,b," at the very end: one more, empty, field */
				strbuf_addch(&rec->buf, '\0');
				if (rec->nfields == CSV_MAX_FIELDS) {
					*error = "too_many_fields";
					return CSV_ERROR;
				}
				rec->offsets[rec->nfields++] = rec->buf.len - 1;
				return CSV_RECORD;
			}
			continue;
		}
		if (c == '\r') {
			if (r->pos + 1 >= r->len || r->data[r->pos + 1] != '\n') {
				*error = "stray_carriage_return";
				skip_line(r);
				return CSV_ERROR;
			}
			r->pos++;
		}
		/* c is '\n' (or the CR of CRLF, now on the LF) */
		r->pos++;
		r->line++;
		return CSV_RECORD;
	}
}

void
csv_add_field(struct strbuf *out, const char *s)
{
	size_t len = strlen(s);
	bool quote =
		strpbrk(s, ",\"\r\n") != NULL ||
		(len && (s[0] == ' ' || s[len - 1] == ' ' || s[0] == '\t' || s[len - 1] == '\t'));
	if (!quote) {
		strbuf_add(out, s, len);
		return;
	}
	strbuf_addch(out, '"');
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			strbuf_addch(out, '"');
		strbuf_addch(out, *p);
	}
	strbuf_addch(out, '"');
}
