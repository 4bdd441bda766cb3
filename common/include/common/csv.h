// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_CSV_H
#define COMMON_CSV_H

#include "common/strbuf.h"

#include <stddef.h>

/*
 * A small, strict reader and writer of RFC 4180 CSV: comma-separated fields, double-quoted
 * fields where a quote is written twice, records ended by LF or CRLF (the last one may lack
 * it), a UTF-8 byte order mark at the very start skipped. Records carry the physical line they
 * start on (1-based), which is what a text editor or a spreadsheet shows, so errors can name
 * it. The reader checks the syntax only: the bytes of the fields are the caller's to check.
 */

#define CSV_MAX_FIELDS 64

struct csv_reader {
	const char *data;
	size_t len;
	size_t pos;  /* the next byte to read */
	size_t line; /* the physical line of data[pos] */
};

struct csv_record {
	struct strbuf buf;              /* the fields, each NUL-terminated, one after another */
	size_t offsets[CSV_MAX_FIELDS]; /* where each field starts in buf */
	size_t nfields;                 /* fields read, at most CSV_MAX_FIELDS */
	size_t line;                    /* the physical line the record starts on */
};

enum csv_result {
	CSV_RECORD, /* rec holds the next record */
	CSV_END,    /* no more records */
	CSV_ERROR,  /* the record starting at rec->line is malformed; reading may go on */
};

/* Read data (len bytes, not copied: it must outlive the reader); skips a leading BOM. */
void csv_reader_init(struct csv_reader *r, const char *data, size_t len);

void csv_record_init(struct csv_record *rec);
void csv_record_release(struct csv_record *rec);

/*
 * Read the next record into rec (reused from call to call). An empty line is a record of one
 * empty field. On CSV_ERROR, *error is a stable code: "unterminated_quote" (the rest of the
 * data is consumed), "quote_in_unquoted_field", "text_after_quote", "stray_carriage_return",
 * "nul_byte" or "too_many_fields"; the reader then resumes at the next physical line.
 */
enum csv_result csv_read(struct csv_reader *r, struct csv_record *rec, const char **error);

/* Field i of rec (NUL-terminated, valid until the next read; the caller may change it in
 * place, to trim it say), or NULL past the last one. */
char *csv_field(struct csv_record *rec, size_t i);

/* Append s as one field: as is, or quoted when it holds a comma, a quote, CR or LF, or starts
 * or ends with a space. The caller writes the commas and the CRLF between fields and records. */
void csv_add_field(struct strbuf *out, const char *s);

/*
 * Append s as one text field of a file meant to be opened in a spreadsheet, neutralising CSV
 * (formula) injection as OWASP advises: a value whose first character, after any run of single
 * quotes, is '=', '+', '-', '@', a tab or a carriage return gets one more single quote in front
 * and is written quoted, so a spreadsheet shows it as text instead of evaluating it. Otherwise
 * as csv_add_field. Numbers the caller means as numbers (a negative amount) must not go through
 * here: write them with csv_add_field or as digits.
 */
void csv_add_text(struct strbuf *out, const char *s);

/*
 * The value csv_add_text was given, from a field read back: s without its first character when
 * s is one or more single quotes followed by one of the characters above, else s itself. The
 * two are exact inverses, so a file written with csv_add_text imports back unchanged.
 */
const char *csv_text_value(const char *s);

#endif
