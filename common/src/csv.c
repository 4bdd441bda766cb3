// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * RFC 4180 CSV, read strictly and written safely: the budget lines' import and open-data
 * download use it. The quoting rules are libcsv's (strict mode); this file adds what libcsv
 * does not do: records pulled one at a time from a buffer, the physical line each starts on,
 * which syntax error it was, a lone CR or a NUL byte refused, a cap on fields, and resuming
 * on the next line after an error.
 */
#include "common/csv.h"

#include "common/xalloc.h"

#include <csv.h> /* libcsv: <csv.h>, not "common/csv.h" */
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

/* What libcsv's callbacks report about the byte just fed. */
struct feed {
	struct csv_record *rec;
	const char *error; /* the record's first error */
	bool field_ended;
	bool record_ended;
};

static void
on_field(void *data, size_t len, void *ctx)
{
	struct feed *f = ctx;
	struct csv_record *rec = f->rec;

	f->field_ended = true;
	if (rec->nfields == CSV_MAX_FIELDS) {
		if (!f->error)
			f->error = "too_many_fields";
		return;
	}
	rec->offsets[rec->nfields++] = rec->buf.len;
	if (len) /* an empty field may come without a buffer */
		strbuf_add(&rec->buf, data, len);
	strbuf_addch(&rec->buf, '\0');
}

static void
on_record(int c, void *ctx)
{
	struct feed *f = ctx;

	(void)c;
	f->record_ended = true;
	if (f->rec->nfields == 0) /* an empty line: one empty field */
		on_field(NULL, 0, ctx);
}

/* Spaces are data: libcsv would trim them around unquoted fields and after closing quotes. */
static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

/* Past the byte at r->pos, counting lines. */
static void
advance(struct csv_reader *r)
{
	if (r->data[r->pos++] == '\n')
		r->line++;
}

/* After an error: go on at the start of the next physical line. */
static enum csv_result
skip_line(struct csv_reader *r)
{
	while (r->pos < r->len && r->data[r->pos] != '\n')
		r->pos++;
	if (r->pos < r->len)
		advance(r);
	return CSV_ERROR;
}

/* The record ended on the CR or LF at r->pos: only LF and CRLF end a record. */
static enum csv_result
end_record(struct csv_reader *r, struct feed *f)
{
	if (r->data[r->pos] == '\r') {
		if (r->pos + 1 >= r->len || r->data[r->pos + 1] != '\n') {
			f->error = "stray_carriage_return";
			return skip_line(r);
		}
		r->pos++;
	}
	advance(r);
	return CSV_RECORD;
}

/*
 * Feed libcsv one byte at a time, so that the record ends where libcsv ends it and an error is
 * known by its byte. Strict libcsv fails in two places only: on a quote inside an unquoted
 * field, and on anything but a comma, a line end or a doubled quote after a closing quote.
 */
static enum csv_result
read_record(struct csv_reader *r, struct csv_parser *p, struct feed *f)
{
	while (r->pos < r->len) {
		unsigned char c = (unsigned char)r->data[r->pos];
		f->field_ended = false;
		if (csv_parse(p, &c, 1, on_field, on_record, f) != 1) {
			if (csv_error(p) != CSV_EPARSE)
				die("could not read CSV: %s", csv_strerror(csv_error(p)));
			if (!f->error)
				f->error =
					c == '"' ? "quote_in_unquoted_field" : "text_after_quote";
			return skip_line(r);
		}
		if (c == '\0' && !f->error)
			f->error = "nul_byte"; /* data to libcsv */
		if (f->error && f->field_ended)
			return skip_line(r);
		if (f->record_ended)
			return end_record(r, f);
		advance(r);
	}
	/* the data ends without a line end: the last record, unless a quote is still open (which
	 * is the error to report, whatever came before) */
	if (csv_fini(p, on_field, on_record, f) != 0)
		f->error = "unterminated_quote";
	return f->error ? CSV_ERROR : CSV_RECORD;
}

enum csv_result
csv_read(struct csv_reader *r, struct csv_record *rec, const char **error)
{
	struct feed f = {.rec = rec};
	struct csv_parser p;

	*error = NULL;
	strbuf_reset(&rec->buf);
	rec->nfields = 0;
	rec->line = r->line;
	if (r->pos >= r->len)
		return CSV_END;
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL) != 0)
		die("could not start a CSV parser");
	csv_set_realloc_func(&p, xrealloc);
	csv_set_space_func(&p, no_space);
	enum csv_result res = read_record(r, &p, &f);
	csv_free(&p);
	*error = f.error;
	return res;
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

/* Whether s, after a run of single quotes, starts with what a spreadsheet takes for a formula
 * (OWASP, "CSV Injection"): = + - @, a tab or a carriage return. */
static bool
starts_like_formula(const char *s)
{
	s += strspn(s, "'");
	return *s && strchr("=+-@\t\r", *s) != NULL;
}

void
csv_add_text(struct strbuf *out, const char *s)
{
	if (!starts_like_formula(s)) {
		csv_add_field(out, s);
		return;
	}
	strbuf_addstr(out, "\"'");
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			strbuf_addch(out, '"');
		strbuf_addch(out, *p);
	}
	strbuf_addch(out, '"');
}

const char *
csv_text_value(const char *s)
{
	return s[0] == '\'' && starts_like_formula(s) ? s + 1 : s;
}
