// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The transparency log's storage (protocol/db_tlog.h): each origin's stored hashes and tree
 * size, checkpoints and cosignatures. SQL only; the hashing is protocol/src/tlog.c.
 */
#include "protocol/db_tlog.h"

#include "common/check.h"
#include "common/db.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Extension reads this many events (and writes twice as many hashes) a statement at most. */
#define EXTEND_BATCH 5000

/* A bytea value in PostgreSQL's hex output ("\x" and 64 digits) into a hash. */
static int
parse_hash(const char *text, tlog_hash out)
{
	if (strlen(text) != 2 + 2 * TLOG_HASH_LEN || text[0] != '\\' || text[1] != 'x')
		return -1;
	for (int i = 0; i < TLOG_HASH_LEN; i++) {
		int hi = hex_digit_value(text[2 + 2 * i]), lo = hex_digit_value(text[3 + 2 * i]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

int
db_tlog_read(void *origin, const long long *indexes, size_t n, tlog_hash *out)
{
	struct strbuf arr = STRBUF_INIT;
	int rc = -1;

	strbuf_addch(&arr, '{');
	for (size_t i = 0; i < n; i++)
		strbuf_addf(&arr, "%s%lld", i ? "," : "", indexes[i]);
	strbuf_addch(&arr, '}');
	PGresult *res = db_exec("SELECT idx, hash FROM tlog_hashes WHERE origin = $1"
				" AND idx = ANY ($2::bigint[])",
				DB_PARAMS((const char *)origin, arr.buf));
	strbuf_release(&arr);
	if (!res)
		return -1;
	/* the rows come in any order, and an index may be asked twice */
	size_t found = 0;
	for (size_t i = 0; i < n; i++) {
		for (int r = 0; r < PQntuples(res); r++) {
			if (strtoll(PQgetvalue(res, r, 0), NULL, 10) != indexes[i])
				continue;
			if (parse_hash(PQgetvalue(res, r, 1), out[i]) < 0)
				goto out;
			found++;
			break;
		}
	}
	if (found != n) {
		log_error("the tree of %s misses %zu of %zu stored hashes", (const char *)origin,
			  n - found, n);
		goto out;
	}
	rc = 0;
out:
	PQclear(res);
	return rc;
}

long long
db_tlog_size(const char *origin)
{
	PGresult *res = db_exec("SELECT size FROM tlog_trees WHERE origin = $1", DB_PARAMS(origin));
	long long size = -1;

	if (res)
		size = PQntuples(res) ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : 0;
	PQclear(res);
	return size;
}

long long
db_tlog_behind(const char *origin)
{
	return db_first_number(
		db_exec("SELECT coalesce((SELECT max(seq) FROM fed_events WHERE origin = $1), 0)"
			" - coalesce((SELECT size FROM tlog_trees WHERE origin = $1), 0)",
			DB_PARAMS(origin)));
}

/* The hashes an extension made, in index order from base: the reader serves them, and the
 * earlier ones from the database. */
struct extension {
	const char *origin;
	long long base;
	tlog_hash *hashes;
	size_t count, alloc;
};

static int
extension_read(void *ctx, const long long *indexes, size_t n, tlog_hash *out)
{
	struct extension *x = ctx;

	for (size_t i = 0; i < n; i++) {
		if (indexes[i] >= x->base && indexes[i] < x->base + (long long)x->count) {
			memcpy(out[i], x->hashes[indexes[i] - x->base], TLOG_HASH_LEN);
		} else if (db_tlog_read(db_tlog_ctx(x->origin), indexes + i, 1, out + i) < 0) {
			return -1;
		}
	}
	return 0;
}

/* One batch: up to EXTEND_BATCH leaves after size; returns how many were added, or -1. */
static long long
extend_batch(const char *origin, long long size, long long max)
{
	char from[24], to[24];
	struct extension x = {.origin = origin, .base = tlog_stored_count(size)};
	struct strbuf idx = STRBUF_INIT, hex = STRBUF_INIT;
	long long added = 0, want = max > 0 && max < EXTEND_BATCH ? max : EXTEND_BATCH;
	PGresult *res = db_exec("SELECT seq, payload FROM fed_events WHERE origin = $1"
				" AND seq BETWEEN $2 AND $3 ORDER BY seq",
				DB_PARAMS(origin, LL(from, size + 1), LL(to, size + want)));

	if (!res)
		return -1;
	long long rows = PQntuples(res);
	for (long long r = 0; r < rows; r++) {
		tlog_hash leaf, made[64];
		/* a gap (never in a gapless log): the tree stops before it */
		if (strtoll(PQgetvalue(res, (int)r, 0), NULL, 10) != size + r + 1)
			break;
		tlog_leaf_hash(PQgetvalue(res, (int)r, 1), (size_t)PQgetlength(res, (int)r, 1),
			       leaf);
		int m = tlog_stored_hashes_for(size + r, leaf, extension_read, &x, made);
		if (m < 0) {
			added = -1;
			goto out;
		}
		if (x.count + (size_t)m > x.alloc) {
			x.alloc = 2 * (x.count + (size_t)m);
			x.hashes = xrealloc(x.hashes, x.alloc * sizeof(*x.hashes));
		}
		memcpy(x.hashes + x.count, made, (size_t)m * sizeof(*made));
		x.count += (size_t)m;
		added = r + 1;
	}
	if (added == 0)
		goto out;
	strbuf_addch(&idx, '{');
	strbuf_addch(&hex, '{');
	for (size_t i = 0; i < x.count; i++) {
		strbuf_addf(&idx, "%s%lld", i ? "," : "", x.base + (long long)i);
		if (i)
			strbuf_addch(&hex, ',');
		strbuf_addhex(&hex, x.hashes[i], TLOG_HASH_LEN);
	}
	strbuf_addch(&idx, '}');
	strbuf_addch(&hex, '}');
	if (db_command("INSERT INTO tlog_hashes (origin, idx, hash)"
		       " SELECT $1, i, decode(h, 'hex') FROM unnest($2::bigint[], $3::text[]) AS "
		       "t(i, h)",
		       DB_PARAMS(origin, idx.buf, hex.buf)) < 0 ||
	    db_command("UPDATE tlog_trees SET size = $2 WHERE origin = $1",
		       DB_PARAMS(origin, LL(to, size + added))) < 0)
		added = -1;
out:
	PQclear(res);
	free(x.hashes);
	strbuf_release(&idx);
	strbuf_release(&hex);
	return added;
}

long long
db_tlog_extend(const char *origin, long long max)
{
	/* the upsert locks the row: concurrent extenders wait, then see the new size */
	long long size = db_first_number(db_exec("INSERT INTO tlog_trees (origin) VALUES ($1)"
						 " ON CONFLICT (origin) DO UPDATE SET size ="
						 " tlog_trees.size RETURNING size",
						 DB_PARAMS(origin)));

	if (size < 0)
		return -1;
	for (long long remaining = max;;) {
		long long added = extend_batch(origin, size, max > 0 ? remaining : 0);

		if (added < 0)
			return -1;
		size += added;
		remaining -= added;
		if (added == 0 || (max > 0 && remaining <= 0))
			break;
	}
	return size;
}

/* Fill note with the stored note (and its cosignature lines), root and size from row 0 of res
 * (columns note, root, size). */
static int
checkpoint_row(PGresult *res, const char *origin, bool with_cosignatures, struct strbuf *note,
	       long long *size, tlog_hash root)
{
	long long sz;

	if (!res)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return 0;
	}
	sz = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
	if (parse_hash(PQgetvalue(res, 0, 1), root) < 0) {
		PQclear(res);
		return -1;
	}
	if (note)
		strbuf_addstr(note, PQgetvalue(res, 0, 0));
	if (size)
		*size = sz;
	PQclear(res);
	if (with_cosignatures && note) {
		char s[24];
		PGresult *cos = db_exec("SELECT line FROM tlog_cosignatures WHERE origin = $1"
					" AND size = $2 ORDER BY witness",
					DB_PARAMS(origin, LL(s, sz)));
		if (!cos)
			return -1;
		for (int i = 0; i < PQntuples(cos); i++)
			strbuf_addstr(note, PQgetvalue(cos, i, 0));
		PQclear(cos);
	}
	return 1;
}

int
db_tlog_checkpoint_put(const char *origin, long long size, const tlog_hash root, const char *note)
{
	char s[24];
	struct strbuf hex = STRBUF_INIT;
	int rc;

	strbuf_addstr(&hex, "\\x");
	strbuf_addhex(&hex, root, TLOG_HASH_LEN);
	rc = db_command("INSERT INTO tlog_checkpoints (origin, size, root, note)"
			" VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
			DB_PARAMS(origin, LL(s, size), hex.buf, note));
	strbuf_release(&hex);
	return rc;
}

int
db_tlog_checkpoint_latest(const char *origin, bool with_cosignatures, struct strbuf *note,
			  long long *size, tlog_hash root)
{
	return checkpoint_row(db_exec("SELECT note, root, size FROM tlog_checkpoints"
				      " WHERE origin = $1 ORDER BY size DESC LIMIT 1",
				      DB_PARAMS(origin)),
			      origin, with_cosignatures, note, size, root);
}

int
db_tlog_checkpoint_at(const char *origin, long long size, bool with_cosignatures,
		      struct strbuf *note, tlog_hash root)
{
	char s[24];

	return checkpoint_row(db_exec("SELECT note, root, size FROM tlog_checkpoints"
				      " WHERE origin = $1 AND size = $2",
				      DB_PARAMS(origin, LL(s, size))),
			      origin, with_cosignatures, note, NULL, root);
}

int
db_tlog_cosignature_put(const char *origin, long long size, const char *witness, const char *line)
{
	char s[24];

	return db_changed_rows(db_exec("INSERT INTO tlog_cosignatures (origin, size, witness, line)"
				       " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
				       DB_PARAMS(origin, LL(s, size), witness, line)));
}

int
db_tlog_cosigned_recorded(const char *self, const char *peer, long long *size, struct strbuf *root,
			  struct strbuf *envelope)
{
	/* newest first on the log's key; only this type's payloads are parsed */
	PGresult *res = db_exec("SELECT (payload::jsonb -> 'data' ->> 'size')::bigint,"
				" payload::jsonb -> 'data' ->> 'root', envelope FROM fed_events"
				" WHERE origin = $1 AND type = 'checkpoint.cosigned'"
				" AND payload::jsonb -> 'data' ->> 'origin' = $2"
				" ORDER BY seq DESC LIMIT 1",
				DB_PARAMS(self, peer));
	if (!res)
		return -1;
	int found = PQntuples(res) == 1 && !PQgetisnull(res, 0, 0) && !PQgetisnull(res, 0, 1);
	if (found) {
		*size = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		strbuf_addstr(root, PQgetvalue(res, 0, 1));
		strbuf_addstr(envelope, PQgetvalue(res, 0, 2));
	}
	PQclear(res);
	return found;
}

long long
db_tlog_checkpoint_age(const char *origin)
{
	return db_first_number(db_exec("SELECT extract(epoch FROM now() - made_at)::bigint"
				       " FROM tlog_checkpoints WHERE origin = $1"
				       " ORDER BY size DESC LIMIT 1",
				       DB_PARAMS(origin)));
}

long long
db_tlog_seq_of_hash(const char *origin, const char *hash)
{
	PGresult *res = db_exec("SELECT seq FROM fed_events WHERE origin = $1 AND hash = $2",
				DB_PARAMS(origin, hash));
	long long seq = -1;

	if (res)
		seq = PQntuples(res) ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : 0;
	PQclear(res);
	return seq;
}

int
db_tlog_tile(const char *origin, int level, long long start, int count, struct strbuf *out)
{
	long long size = db_tlog_size(origin), *indexes;
	tlog_hash *hashes;
	int rc;

	if (size < 0)
		return -1;
	if (level > 62 || start > (size >> level) || (start + count) > (size >> level))
		return 0;
	indexes = xcalloc((size_t)count, sizeof(*indexes));
	hashes = xcalloc((size_t)count, sizeof(*hashes));
	for (int i = 0; i < count; i++)
		indexes[i] = tlog_stored_index(level, start + i);
	rc = db_tlog_read(db_tlog_ctx(origin), indexes, (size_t)count, hashes) < 0 ? -1 : 1;
	if (rc > 0)
		strbuf_add(out, hashes, (size_t)count * TLOG_HASH_LEN);
	free(indexes);
	free(hashes);
	return rc;
}
