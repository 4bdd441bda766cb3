// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The deliberation files' SQL: PDF bytes on the origin, metadata on both sides.
 */

#include "db_council.h"

#include "common/check.h"
#include "common/db.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILE_COLUMNS                                                                               \
	"f.id, f.publication_id, f.name, f.content_type, f.size, f.sha256, f.data IS NOT NULL,"    \
	" to_char(f.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

static json_t *
file_row(PGresult *res, int row)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:I, s:s, s:b, s:s}", "id",
			 (json_int_t)strtoll(PQgetvalue(res, row, 0), NULL, 10), "publication_id",
			 (json_int_t)strtoll(PQgetvalue(res, row, 1), NULL, 10), "name",
			 PQgetvalue(res, row, 2), "content_type", PQgetvalue(res, row, 3), "size",
			 (json_int_t)strtoll(PQgetvalue(res, row, 4), NULL, 10), "sha256",
			 PQgetvalue(res, row, 5), "is_local",
			 strcmp(PQgetvalue(res, row, 6), "t") == 0, "created_at",
			 PQgetvalue(res, row, 7));
}

long long
db_pub_file_add(long long pub_id, const char *name, const char *content_type, const void *data,
		size_t len, const char *sha256)
{
	static const char q[] =
		"INSERT INTO publication_files (publication_id, name, content_type, size, sha256,"
		" data) VALUES ($1, $2, $3, $4, $5, decode($6, 'hex')) RETURNING id";
	static const char hex[] = "0123456789abcdef";
	char *h = xmalloc(2 * len + 1);
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		h[2 * i] = hex[p[i] >> 4];
		h[2 * i + 1] = hex[p[i] & 15];
	}
	h[2 * len] = '\0';
	char idb[24], sz[24];
	PGresult *res =
		db_exec(q, DB_PARAMS(LL(idb, pub_id), name, content_type, LL(sz, len), sha256, h));
	free(h);
	long long id = res ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : -1;
	PQclear(res);
	return id;
}

enum status
db_pub_file_mirror(long long file_id, long long pub_id, const char *name, const char *content_type,
		   long long size, const char *sha256)
{
	static const char q[] =
		"INSERT INTO publication_files (id, publication_id, name, content_type,"
		" size, sha256) VALUES ($1, $2, $3, $4, $5, $6)"
		" ON CONFLICT (id) DO NOTHING RETURNING id";
	static const char same[] =
		"SELECT 1 FROM publication_files WHERE id = $1 AND publication_id = $2"
		" AND name = $3 AND content_type = $4 AND size = $5 AND sha256 = $6"
		" AND data IS NULL";
	char fid[24], pid[24], sz[24];
	PGresult *res = db_exec(q, DB_PARAMS(LL(fid, file_id), LL(pid, pub_id), name, content_type,
					     LL(sz, size), sha256));
	if (!res)
		return STATUS_UNAVAILABLE;
	bool inserted = PQntuples(res) == 1;
	PQclear(res);
	if (inserted)
		return STATUS_OK;
	/* the id is taken: the same file again is fine, anything else is not ours to overwrite */
	res = db_exec(same, DB_PARAMS(fid, pid, name, content_type, sz, sha256));
	if (!res)
		return STATUS_UNAVAILABLE;
	enum status st = PQntuples(res) == 1 ? STATUS_OK : STATUS_CONFLICT;
	PQclear(res);
	if (st != STATUS_OK)
		log_warn("mirrored file %lld clashes with a different file of that id", file_id);
	return st;
}

json_t *
db_pub_files(long long pub_id)
{
	static const char q[] = "SELECT " FILE_COLUMNS " FROM publication_files f"
				" WHERE f.publication_id = $1 ORDER BY f.id";
	char idb[24];
	PGresult *res = db_exec(q, DB_PARAMS(LL(idb, pub_id)));
	if (!res)
		return NULL;
	json_t *a = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(a, file_row(res, i));
	PQclear(res);
	return a;
}

json_t *
db_pub_file_get(long long pub_id, long long file_id, char **data, size_t *len, enum status *st)
{
	static const char q[] = "SELECT " FILE_COLUMNS ", CASE WHEN $3 THEN encode(f.data, 'hex')"
				" END FROM publication_files f WHERE f.id = $1"
				" AND f.publication_id = $2";
	char fid[24], pid[24];
	if (data)
		*data = NULL;
	if (len)
		*len = 0;
	PGresult *res = db_exec(q, DB_PARAMS(LL(fid, file_id), LL(pid, pub_id), data ? "t" : "f"));
	if (!res) {
		*st = STATUS_UNAVAILABLE;
		return NULL;
	}
	if (PQntuples(res) != 1) {
		PQclear(res);
		*st = STATUS_NOT_FOUND;
		return NULL;
	}
	json_t *f = file_row(res, 0);
	if (data && !PQgetisnull(res, 0, 8))
		*data = db_hex_bytes(PQgetvalue(res, 0, 8), len);
	PQclear(res);
	*st = STATUS_OK;
	return f;
}
