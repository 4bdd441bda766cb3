// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * All the SQL of the forms module: versions of the forms, files, attachments, the status
 * audit trail, messages, the agents' queue and the public figures. The tables are read by
 * the resident's tracking page and staff only; nothing here is mirrored.
 */
#include "db_forms.h"
#include "internal.h"

#include "common/check.h"
#include "common/db.h"
#include "common/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ISO(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* The first row of res (consumed) with *st. */
static json_t *
one_row(PGresult *res, enum status *st)
{
	if (!res) {
		*st = STATUS_UNAVAILABLE;
		return NULL;
	}
	json_t *r = PQntuples(res) ? db_row_object(res, 0) : NULL;
	*st = r ? STATUS_OK : STATUS_NOT_FOUND;
	PQclear(res);
	return r;
}

/* The bigint in the first column of res's first row (consumed): 0 when no row, -1 failed. */
static long long
first_id(PGresult *res)
{
	if (!res)
		return -1;
	long long id = PQntuples(res) ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : 0;
	PQclear(res);
	return id;
}

json_t *
db_form_current(const char *service, enum status *st)
{
	static const char q[] = "SELECT id, version, definition FROM form_versions"
				" WHERE service = $1 AND is_current";
	return one_row(db_exec(q, DB_PARAMS(service)), st);
}

json_t *
db_form_latest(const char *service, enum status *st)
{
	static const char q[] = "SELECT id, version, definition, is_current FROM form_versions"
				" WHERE service = $1 ORDER BY version DESC LIMIT 1";
	return one_row(db_exec(q, DB_PARAMS(service)), st);
}

json_t *
db_form_versions(const char *service)
{
	static const char q[] = "SELECT v.version, " ISO("v.created_at") " AS created_at, " ISO(
		"v.published_at") " AS published_at, v.is_current, a.username AS author"
				  " FROM form_versions v LEFT JOIN accounts a ON a.id = "
				  "v.created_by"
				  " WHERE v.service = $1 ORDER BY v.version DESC";
	return db_row_objects(db_exec(q, DB_PARAMS(service)));
}

json_t *
db_form_list(void)
{
	static const char q[] =
		"SELECT v.service, max(v.version) AS versions,"
		" max(v.version) FILTER (WHERE v.is_current) AS current,"
		" (SELECT count(*) FROM form_files f WHERE f.service = v.service) AS files"
		" FROM form_versions v GROUP BY v.service ORDER BY v.service";
	return db_row_objects(db_exec(q, 0, NULL));
}

json_t *
db_form_services(void)
{
	static const char q[] = "SELECT DISTINCT service FROM form_versions ORDER BY service";
	return db_row_objects(db_exec(q, 0, NULL));
}

int
db_form_save(const char *service, const char *definition, long long account_id)
{
	static const char q[] =
		"INSERT INTO form_versions (service, version, definition, created_by)"
		" SELECT $1, coalesce(max(version), 0) + 1, $2::jsonb, $3 FROM form_versions"
		" WHERE service = $1 RETURNING version";
	char acc[24];
	return (int)first_id(db_exec(
		q, DB_PARAMS(service, definition, account_id > 0 ? LL(acc, account_id) : NULL)));
}

enum status
db_form_publish(const char *service, int version)
{
	static const char off[] = "UPDATE form_versions SET is_current = false"
				  " WHERE service = $1 AND is_current AND version <> $2";
	static const char on[] = "UPDATE form_versions SET is_current = true,"
				 " published_at = coalesce(published_at, now())"
				 " WHERE service = $1 AND version = $2 RETURNING id";
	char v[16];
	if (db_begin() < 0)
		return STATUS_UNAVAILABLE;
	long long id = db_command(off, DB_PARAMS(service, LL(v, version))) < 0
			       ? -1
			       : first_id(db_exec(on, DB_PARAMS(service, LL(v, version))));
	if (id <= 0 || db_commit() < 0) {
		db_rollback();
		return id == 0 ? STATUS_NOT_FOUND : STATUS_UNAVAILABLE;
	}
	return STATUS_OK;
}

long long
db_file_create(const struct db_new_file *f)
{
	static const char q[] =
		"INSERT INTO form_files (ref, service, version_id, answers, tracking_sha256,"
		" submit_key, contact_kind, contact, notify_consent)"
		" VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9)"
		" ON CONFLICT (submit_key) DO NOTHING RETURNING id";
	char vid[24];
	return first_id(db_exec(q, DB_PARAMS(f->ref, f->service, LL(vid, f->version_id), f->answers,
					     f->tracking_sha256, f->submit_key, f->contact_kind,
					     f->contact, f->notify_consent ? "t" : "f")));
}

int
db_attachment_add(long long file_id, const char *field, long long message_id,
		  const char *media_type, size_t size, const char *sha256, const char *hex)
{
	static const char q[] = "INSERT INTO form_attachments (file_id, field, message_id, "
				"media_type, size, sha256,"
				" bytes) VALUES ($1, $2, $3, $4, $5, $6, $7::bytea)";
	char fid[24], mid[24], sz[24];
	return db_command(q, DB_PARAMS(LL(fid, file_id), field,
				       message_id > 0 ? LL(mid, message_id) : NULL, media_type,
				       LL(sz, size), sha256, hex));
}

int
db_status_add(long long file_id, const char *status, const char *detail_json, const char *author,
	      long long account_id)
{
	static const char q[] = "INSERT INTO form_status_changes (file_id, status, detail, author,"
				" account_id) VALUES ($1, $2, $3::jsonb, $4, $5)";
	char fid[24], acc[24];
	return db_command(q, DB_PARAMS(LL(fid, file_id), status, detail_json, author,
				       account_id > 0 ? LL(acc, account_id) : NULL));
}

long long
db_message_add(long long file_id, const char *author, long long account_id, const char *body,
	       const char *submit_key)
{
	static const char q[] =
		"INSERT INTO form_messages (file_id, author, account_id, body, submit_key)"
		" VALUES ($1, $2, $3, $4, $5) ON CONFLICT (submit_key) DO NOTHING RETURNING id";
	char fid[24], acc[24];
	return first_id(db_exec(q, DB_PARAMS(LL(fid, file_id), author,
					     account_id > 0 ? LL(acc, account_id) : NULL, body,
					     submit_key)));
}

int
db_file_notified(long long file_id, const char *status)
{
	static const char q[] = "UPDATE form_files SET notified_status = $2, notified_at = now()"
				" WHERE id = $1";
	char fid[24];
	return db_command(q, DB_PARAMS(LL(fid, file_id), status));
}

enum status
db_file_set_status(long long file_id, const char *status, const char *detail_json,
		   const char *author, long long account_id)
{
	/* closed is final; a resident only brings an incomplete file back to received */
	static const char q[] = "UPDATE form_files SET status = $2, updated_at = now(),"
				" decided_at = CASE WHEN $2 IN ('ready', 'refused')"
				"  THEN coalesce(decided_at, now()) ELSE decided_at END"
				" WHERE id = $1 AND status <> 'closed' AND status <> $2"
				" AND ($3 = 'staff' OR (status = 'incomplete' AND $2 = 'received'))"
				" RETURNING id";
	char fid[24];
	long long id = first_id(db_exec(q, DB_PARAMS(LL(fid, file_id), status, author)));
	if (id < 0)
		return STATUS_UNAVAILABLE;
	if (id == 0)
		return STATUS_CONFLICT;
	return db_status_add(file_id, status, detail_json, author, account_id) < 0
		       ? STATUS_UNAVAILABLE
		       : STATUS_OK;
}

#define FILE_COLUMNS                                                                               \
	"SELECT f.id, f.ref, f.service, v.version, v.definition, f.answers, f.status,"             \
	" " ISO("f.created_at") " AS created_at, " ISO(                                            \
		"f.updated_at") " AS updated_at,"                                                  \
				" f.contact_kind, f.contact, f.notify_consent"                     \
				" FROM form_files f JOIN form_versions v ON v.id = f.version_id "

json_t *
db_file_by_tracking(const char *sha256, enum status *st)
{
	static const char q[] = FILE_COLUMNS "WHERE f.tracking_sha256 = $1";
	return one_row(db_exec(q, DB_PARAMS(sha256)), st);
}

json_t *
db_file_by_ref(const char *ref, enum status *st)
{
	static const char q[] = FILE_COLUMNS "WHERE f.ref = $1";
	return one_row(db_exec(q, DB_PARAMS(ref)), st);
}

json_t *
db_file_history(long long file_id)
{
	static const char q[] = "SELECT c.status, c.detail, c.author, " ISO(
		"c.at") " AS at, a.username"
			" FROM form_status_changes c LEFT JOIN accounts a ON a.id = c.account_id"
			" WHERE c.file_id = $1 ORDER BY c.id";
	char fid[24];
	return db_row_objects(db_exec(q, DB_PARAMS(LL(fid, file_id))));
}

json_t *
db_file_messages(long long file_id)
{
	static const char q[] = "SELECT m.id, m.author, m.body, " ISO(
		"m.created_at") " AS at, a.username"
				" FROM form_messages m LEFT JOIN accounts a ON a.id = m.account_id"
				" WHERE m.file_id = $1 ORDER BY m.id";
	char fid[24];
	return db_row_objects(db_exec(q, DB_PARAMS(LL(fid, file_id))));
}

json_t *
db_file_attachments(long long file_id)
{
	static const char q[] = "SELECT id, field, message_id, media_type, size, " ISO(
		"created_at") " AS created_at"
			      " FROM form_attachments WHERE file_id = $1 ORDER BY id";
	char fid[24];
	return db_row_objects(db_exec(q, DB_PARAMS(LL(fid, file_id))));
}

enum status
db_attachment_bytes(long long file_id, long long id, char **bytes, size_t *len,
		    const char **media_type)
{
	static const char q[] = "SELECT media_type, bytes FROM form_attachments"
				" WHERE file_id = $1 AND id = $2";
	char fid[24], aid[24];
	PGresult *res = db_exec(q, DB_PARAMS(LL(fid, file_id), LL(aid, id)));
	if (!res)
		return STATUS_UNAVAILABLE;
	enum status st = STATUS_NOT_FOUND;
	if (PQntuples(res)) {
		*media_type = strcmp(PQgetvalue(res, 0, 0), "application/pdf") == 0
				      ? "application/pdf"
				      : "image/jpeg";
		*bytes = db_hex_bytes(PQgetvalue(res, 0, 1), len); /* bytea's text form: \x... */
		st = STATUS_OK;
	}
	PQclear(res);
	return st;
}

json_t *
db_files_queue(const char *service, const char *status, long long before, int limit)
{
	static const char q[] = "SELECT f.id, f.ref, f.service, f.status, " ISO(
		"f.created_at") " AS created_at,"
				" " ISO("f.updated_at") " AS updated_at FROM form_files f"
							" WHERE ($1::text IS NULL OR f.service = "
							"$1) AND ($2::text IS NULL OR f.status = "
							"$2)"
							" AND ($3::bigint = 0 OR f.id < $3) ORDER "
							"BY f.id DESC LIMIT $4";
	char b[24], lim[16];
	return db_row_objects(
		db_exec(q, DB_PARAMS(service, status, LL(b, before), LL(lim, limit + 1))));
}

json_t *
db_form_figures(const char *service, int legal_delay_days, int min_sample)
{
	/* days from submission to the first decision (ready or refused) of each decided file */
	static const char q[] =
		"WITH d AS (SELECT extract(epoch FROM decided_at - created_at) / 86400.0 AS days"
		"  FROM form_files WHERE service = $1 AND decided_at IS NOT NULL)"
		" SELECT (SELECT count(*) FROM form_files WHERE service = $1) AS files,"
		" (SELECT count(*) FROM d) AS decided,"
		" CASE WHEN (SELECT count(*) FROM d) >= $3 THEN"
		"  (SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY days)::numeric, 2)"
		"   FROM d)::float8 END AS median_days,"
		" CASE WHEN (SELECT count(*) FROM d) >= $3 THEN"
		"  (SELECT round(percentile_cont(0.9) WITHIN GROUP (ORDER BY days)::numeric, 2)"
		"   FROM d)::float8 END AS p90_days,"
		" CASE WHEN (SELECT count(*) FROM d) >= $3 AND $2 > 0 THEN"
		"  (SELECT round(avg((days <= $2)::int)::numeric, 4) FROM d)::float8"
		" END AS within_delay";
	char delay[16], min[16];
	PGresult *res = db_exec(q, DB_PARAMS(service, LL(delay, legal_delay_days),
					     LL(min, min_sample > 0 ? min_sample : 1)));
	if (!res)
		return NULL;
	json_t *o = json_object();
	json_object_set_new(o, "files", json_integer(strtoll(PQgetvalue(res, 0, 0), NULL, 10)));
	json_object_set_new(o, "decided", json_integer(strtoll(PQgetvalue(res, 0, 1), NULL, 10)));
	static const char *const reals[] = {"median_days", "p90_days", "within_delay"};
	for (int i = 0; i < 3; i++)
		json_object_set_new(o, reals[i],
				    PQgetisnull(res, 0, 2 + i)
					    ? json_null()
					    : json_real(strtod(PQgetvalue(res, 0, 2 + i), NULL)));
	PQclear(res);
	return o;
}

int
db_form_offered(const char *service)
{
	static const char q[] = "SELECT 1 FROM form_versions WHERE service = $1 AND is_current";
	PGresult *res = db_exec(q, DB_PARAMS(service));
	if (!res)
		return -1;
	int n = PQntuples(res) > 0;
	PQclear(res);
	return n;
}

/* This module's facts (common/module.h): what its public pages count, in [from, to). */
int
form_facts(struct app *app, const char *from, const char *to, json_t *out)
{
	// clang-format off
	static const char sql[] =
		"SELECT " DB_FACT("'form_file'", "created_at")
		" FROM form_files";
	// clang-format on
	(void)app;
	return db_facts_add(db_exec(sql, DB_PARAMS(from, to)), out);
}
