// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COUNCIL_INTERNAL_H
#define COUNCIL_INTERNAL_H

/* Between the council module's own files (and its unit tests). */
#include "common/module.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct request;
struct strbuf;

#define COUNCIL_FILE_MAX_BYTES (10 * 1024 * 1024)
#define COUNCIL_FILE_NAME_MAX 120 /* characters */
#define COUNCIL_FILES_MAX 20      /* per deliberation */
#define COUNCIL_CONTENT_TYPE "application/pdf"

/* ---- a deliberation file's checks (council_file.c): no database, no request ---- */

/*
 * A PDF by its bytes: the header "%PDF-<digit>.<digit>" at the start and the "%%EOF" marker in
 * the last 1024 bytes, where readers look for it (ISO 32000-1, 7.5.5 and annex H).
 */
bool council_is_pdf(const void *data, size_t len);
/*
 * Append to out a sane name made from what the client sent (raw, may be NULL): the last path
 * component, without control characters, path separators and direction marks, trimmed of
 * spaces and leading dots, ending in ".pdf", at most COUNCIL_FILE_NAME_MAX characters (cut at a
 * character boundary); "deliberation.pdf" when nothing is left.
 */
void council_file_name(struct strbuf *out, const char *raw);
/* The check a mirror applies to a name the peer sent: one that council_file_name makes. */
bool council_file_name_is_sane(const char *s);
/* Append to out the Content-Disposition of a download of the file name (valid UTF-8):
 * attachment; filename="<ASCII fallback>"; filename*=UTF-8''<RFC 5987 encoding>. */
void council_content_disposition(struct strbuf *out, const char *name);

/* ---- pages (page_council.c, page_staff_council.c) and the applier ---- */

void council_item_extras(struct request *req, json_t *item, json_t *view);
void page_staff_deliberation_file(struct request *req);
void page_deliberation_file(struct request *req);
enum status hook_deliberation_file(const struct hook_event *ev);

#endif
