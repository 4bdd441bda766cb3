// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef FORMS_INTERNAL_H
#define FORMS_INTERNAL_H

/*
 * Between the forms module's own files. Pure logic: form_def.c (definitions, conditions,
 * values), form_pdf.c (the PDF check), form_ref.c (references and tracking tokens). Pages by
 * audience: page_form_public.c (the form and its submission), page_form_track.c (the
 * resident's tracking page), page_form_staff.c (the agents' queue and files),
 * page_form_define.c (the form editor); form_files.c (what submission and tracking share:
 * attachments, views); form_demo.c (the demo forms). SQL: db_forms.c.
 */
#include "common/secret.h"
#include "common/http.h"
#include "common/status.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define FORM_MAX_FIELDS 40
#define FORM_DEF_MAX_BYTES (64 * 1024) /* a definition's JSON text */
#define FORM_FILE_MAX_BYTES (8u << 20) /* one attachment */
#define FORM_FILES_MAX 5               /* attachments a submission or a message carries */
#define FORM_MAX_BODY (42u << 20)      /* the form: 5 attachments and the texts */
#define FORM_MESSAGE_MAX 2000          /* characters of a message */
#define FORM_CONTACT_MAX 254
#define FORM_SUBMIT_PER_MINUTE 6      /* submissions a client may make a minute */
#define FORM_TRACK_PER_MINUTE 60      /* tracking requests a client may make a minute */
#define FORM_REF_SIZE PUBLIC_REF_SIZE /* "D-XXXX-XXXX" (common/secret.h) */
#define FORM_KEY_SIZE 33              /* a form's one-time key: 32 hex digits */
#define FORM_UTC_OFFSET_S 3600 /* the commune's time (Africa/Algiers): UTC+1, no summer time */

/* ---- definitions and values (form_def.c) ---- */

/* Where a definition is wrong: the reason (a stable word, its message is
 * t["forms_def_<reason>"]) and the field (its name or its position "#3", "" for the form). */
struct form_def_error {
	const char *reason;
	char field[48];
};
/* True when def is a valid form definition; otherwise false with *err set. */
bool form_def_check(json_t *def, struct form_def_error *err);
/* True when s is a service key: [a-z0-9-]{2,48}. */
bool form_service_is_valid(const char *s);
/* The field named name of def, or NULL (borrowed). */
json_t *form_def_field(json_t *def, const char *name);
/* Whether field f of def is shown for answers (its "show_if" and its condition's own). */
bool form_field_shown(json_t *def, json_t *f, json_t *answers);
/*
 * Check the value v (NULL or "" when not given, already cleaned) of field f (not an
 * attachment): NULL when it is valid, else the stable code (field_required, field_too_short,
 * field_too_long, field_invalid, field_out_of_range, field_not_an_option). today is
 * YYYY-MM-DD, the date bounds' "today". A valid value is written normalized into *out
 * (a new string, NULL for an empty optional field).
 */
const char *form_value_check(json_t *f, const char *v, const char *today, json_t **out);
/* The text of texts ({"ar": .., "fr": ..}) in lang, else French, else Arabic, else "". */
const char *form_text(json_t *texts, const char *lang);
/* The commune's calendar day at now as YYYY-MM-DD: the "today" of date bounds. */
void form_today(time_t now, char out[11]);
/* True when s (cleaned) is a plausible e-mail address / phone number (the contact field). */
bool form_is_email(const char *s);
bool form_is_phone(const char *s);

/* ---- the PDF check (form_pdf.c) ---- */

/* NULL when bytes hold a PDF without active content; otherwise the stable code: pdf_invalid
 * (not a PDF by its header or trailer), pdf_active_content (JavaScript, launch actions,
 * embedded files, also inside compressed streams). */
const char *form_pdf_check(const unsigned char *bytes, size_t len);

/* ---- references and tokens (form_ref.c) ---- */

/* A fresh random reference D-XXXX-XXXX (Crockford's base32: no I, L, O, U). */
void form_new_ref(char ref[FORM_REF_SIZE]);
bool form_ref_is_valid(const char *s);
/* A fresh one-time form key (32 hex digits) and its check. */
void form_new_key(char key[FORM_KEY_SIZE]);
bool form_key_is_valid(const char *s);

/* ---- statuses ---- */

extern const char *const form_statuses[]; /* NULL-terminated, in the order of a file's life */
bool form_status_is_valid(const char *s);

/* ---- shared by the pages (form_files.c) ---- */

/* A message of the reader's language. */
const char *form_t(struct request *req, const char *key);
/* An accepted attachment, ready to store (form_take_uploads). */
struct form_upload {
	const char *field;
	const char *media_type; /* "application/pdf" or "image/jpeg" (re-encoded) */
	size_t size;
	char sha256[SHA256_HEX_SIZE];
	char *hex; /* the bytes as bytea text ("\\x..."), in the request's arena */
};
/*
 * Check req's uploads into out[FORM_FILES_MAX] (*n of them): PDFs by content, images through
 * the photo pipeline (metadata stripped). For a submission, def and answers say which
 * attachment fields are shown and how many files each takes; for a message (def NULL) every
 * upload is a "documents" file. NULL when they are accepted; else the stable code, *st and
 * *field (the attachment field refused, NULL when the upload names none of the form's).
 */
const char *form_take_uploads(struct request *req, json_t *def, json_t *answers,
			      struct form_upload *out, size_t *n, enum status *st,
			      const char **field);
/* Store the accepted uploads of file_id (and message_id, 0 for none): 0 or -1. */
int form_store_uploads(long long file_id, long long message_id, const struct form_upload *u,
		       size_t n);
/* What a file's pages show besides the row: its status changes, messages and attachments
 * (without their bytes), db_forms.h's rows. */
struct form_parts {
	json_t *history, *messages, *attachments;
};
/* Load them for file (a row); false when it replied 503 (nothing to release). */
bool form_parts_load(struct request *req, json_t *file, struct form_parts *p);
void form_parts_release(struct form_parts *p);
/* The history view of a file's status changes rows (no staff names unless staff). */
json_t *form_history_view(struct request *req, json_t *rows, bool staff);
/* The resident's answers labelled [{label, value}] / the thread [{body, lines, when, by_resident,
 * username (staff only)}] of a file (page_form_track.c; new references). */
json_t *form_answers_view(struct request *req, json_t *file);
json_t *form_messages_view(json_t *rows, bool staff);
/* The label of status s. */
const char *form_status_label(struct request *req, const char *s);
/* "YYYY-MM-DD HH:MM" in the commune's time of a UTC ISO time string (new JSON string). */
json_t *form_when(json_t *iso);

/* ---- handlers ---- */

void page_form(struct request *req);
void page_form_submit(struct request *req);
void page_form_track(struct request *req);
void page_form_track_message(struct request *req);
void page_staff_files(struct request *req);
void page_staff_file(struct request *req);
void page_staff_file_status(struct request *req);
void page_staff_file_message(struct request *req);
void page_staff_file_attachment(struct request *req);
void page_staff_forms(struct request *req);
void page_staff_form_edit(struct request *req);
void page_staff_form_save(struct request *req);
void page_staff_form_publish(struct request *req);
void page_staff_form_figures(struct request *req);

struct app;
int form_demo_load(struct app *app, const char *dir);

/* form_notify.c: the resident's notifications (module notify), in the caller's transaction */
/* The resident who consented follows file ref at contact (as typed), in lang; the messages link
 * to the file's tracking page (/forms/track/<tracking_token>). 0/-1. */
int form_notify_follow(const char *ref, const char *contact, const char *lang,
		       const char *tracking_token);
/* The agents set file's status: its follower is told (hourly digest). 0/-1. */
int form_notify_status(json_t *file, const char *status);

/* Its facts (module_side.facts), in its db file. */
int form_facts(struct app *app, const char *from, const char *to, json_t *out);

#endif
