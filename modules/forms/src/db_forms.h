// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef FORMS_DB_FORMS_H
#define FORMS_DB_FORMS_H

/*
 * The forms module's SQL (db_forms.c). Rows come back as JSON objects (new references); a
 * function returning a row sets *st: OK, NOT_FOUND (no such row) or UNAVAILABLE. Writes that
 * belong together run in the caller's transaction (db_begin/db_commit).
 */
#include "common/status.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The current version of service's form: {id, version, definition}. */
json_t *db_form_current(const char *service, enum status *st);
/* The latest version (published or not) of service's form, the editor's starting point. */
json_t *db_form_latest(const char *service, enum status *st);
/* Every version of service's form, newest first: [{version, created_at, published_at,
 * is_current, author}]; NULL when the database failed. */
json_t *db_form_versions(const char *service);
/* The forms: [{service, versions, current, files}], NULL when the database failed. */
json_t *db_form_list(void);
/* The services that have a form, [{service}] by name: the queue's filter (no count of files,
 * which would read every file's index entry on each page of the queue). */
json_t *db_form_services(void);
/* Save definition (JSON text) as the next version of service's form; its number, or -1. */
int db_form_save(const char *service, const char *definition, long long account_id);
/* Make version the current one: STATUS_OK, NOT_FOUND or UNAVAILABLE. */
enum status db_form_publish(const char *service, int version);

/* A file being made (the caller's transaction). */
struct db_new_file {
	const char *ref, *service, *tracking_sha256, *submit_key;
	long long version_id;
	const char *answers;      /* JSON text */
	const char *contact_kind; /* "phone", "email" or NULL */
	const char *contact;
	bool notify_consent;
};
/* Insert f: its id, 0 when its submit key was used already (a replayed form), -1. */
long long db_file_create(const struct db_new_file *f);
/* Store one attachment (hex: "\\x..." bytea text); message_id 0 when none. 0 or -1. */
int db_attachment_add(long long file_id, const char *field, long long message_id,
		      const char *media_type, size_t size, const char *sha256, const char *hex);
/* Record that the resident was told of status (form_files.notified_status, notified_at). 0/-1. */
int db_file_notified(long long file_id, const char *status);
/* Append a status change (author "resident" or "staff", account_id 0 for none). 0 or -1. */
int db_status_add(long long file_id, const char *status, const char *detail_json,
		  const char *author, long long account_id);
/* Append a message: its id, 0 when submit_key (may be NULL) was used already, -1. */
long long db_message_add(long long file_id, const char *author, long long account_id,
			 const char *body, const char *submit_key);
/*
 * Set file_id's status (not from "closed"; "received" again only from "incomplete" when
 * from_resident) and record the change: STATUS_OK, CONFLICT (not allowed from its status),
 * UNAVAILABLE. The first "ready" or "refused" sets the decision time.
 */
enum status db_file_set_status(long long file_id, const char *status, const char *detail_json,
			       const char *author, long long account_id);

/* The file of a tracking token's hash / of a reference, with its form's definition:
 * {id, ref, service, version, definition, answers, status, created_at, updated_at,
 *  contact_kind, contact, notify_consent}. */
json_t *db_file_by_tracking(const char *sha256, enum status *st);
json_t *db_file_by_ref(const char *ref, enum status *st);
/* A file's history [{status, detail, author, at, username}], messages [{id, author, body, at,
 * username}] and attachments [{id, field, message_id, media_type, size, created_at}], oldest
 * first; NULL when the database failed. */
json_t *db_file_history(long long file_id);
json_t *db_file_messages(long long file_id);
json_t *db_file_attachments(long long file_id);
/* The bytes of attachment id of file_id into *bytes (malloc'd) and its type (arena of
 * nothing: a static string); STATUS_OK, NOT_FOUND, UNAVAILABLE. */
enum status db_attachment_bytes(long long file_id, long long id, char **bytes, size_t *len,
				const char **media_type);
/* The queue: files newest first with id < before (0: from the newest), filtered by service
 * and status (NULL: any), limit + 1 rows [{id, ref, service, status, created_at,
 * updated_at}]; NULL when the database failed. */
json_t *db_files_queue(const char *service, const char *status, long long before, int limit);
/* forms.h's figures. */
json_t *db_form_figures(const char *service, int legal_delay_days, int min_sample);
/* Whether service has a current form: 1, 0, -1 (database failed). */
int db_form_offered(const char *service);

#endif
