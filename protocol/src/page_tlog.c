// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The transparency log's public endpoints (docs/protocol.md, "The log as a Merkle tree"): the
 * latest checkpoint of a log with its cosignatures, inclusion and consistency proofs, and the
 * C2SP tlog-tiles hash tiles. All cacheable: an answer for an explicit size never changes.
 */
#include "common/check.h"
#include "common/http.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "federation_internal.h"
#include "protocol/b64.h"
#include "protocol/db_tlog.h"
#include "protocol/tlog.h"
#include "protocol/tlog_service.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_LATEST "public, max-age=30"
#define CACHE_FOREVER "public, max-age=31536000, immutable"

static void
fail(struct request *req, enum status st, const char *code, const char *message)
{
	req->want_json = true;
	if (st == STATUS_UNAVAILABLE)
		http_add_header(req, "Retry-After", "5");
	http_error(req, st, code, message);
}

/* A decimal number without sign or leading zeros, below 2^62: 0, or -1. */
static int
parse_count(const char *s, long long *out)
{
	long long v = 0;

	if (!s || !*s || strlen(s) > 18 || (s[0] == '0' && s[1]) ||
	    strspn(s, "0123456789") != strlen(s))
		return -1;
	for (; *s; s++)
		v = v * 10 + (*s - '0');
	*out = v;
	return 0;
}

/* The origin asked for (this platform's by default): one of the two logs stored here. */
static const char *
origin_of(struct request *req, const char *given)
{
	const char *origin = given ? given : http_query(req, "origin");

	if (!origin)
		return fed.self;
	if (strcmp(origin, fed.self) == 0)
		return fed.self;
	if (strcmp(origin, fed.app->peer_side) == 0)
		return fed.app->peer_side;
	fail(req, STATUS_NOT_FOUND, "unknown_origin", "no log of that origin is kept here");
	return NULL;
}

/* Answer a body lookup's result: 1 the body (owned by sb), 0 not found (code), -1 503. */
static void
send_found(struct request *req, int got, struct strbuf *sb, const char *content_type,
	   const char *cache, const char *code, const char *message)
{
	if (got <= 0) {
		strbuf_release(sb);
		if (got < 0)
			fail(req, STATUS_UNAVAILABLE, "database_unavailable", "try again later");
		else
			fail(req, STATUS_NOT_FOUND, code, message);
		return;
	}
	http_add_header(req, "Cache-Control", cache);
	size_t len;
	char *body = strbuf_detach(sb, &len);
	http_send_owned(req, 200, content_type, body, len);
}

static json_t *
hash_json(const tlog_hash h)
{
	struct strbuf sb = STRBUF_INIT;

	b64_encode(&sb, h, TLOG_HASH_LEN);
	json_t *s = json_stringn(sb.buf, sb.len);
	strbuf_release(&sb);
	return s;
}

static json_t *
proof_json(const tlog_hash *proof, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, hash_json(proof[i]));
	return a;
}

/* The tree of origin must hold size leaves; false having replied. */
static bool
size_known(struct request *req, const char *origin, long long size)
{
	long long tree = db_tlog_size(origin);

	if (tree < 0) {
		fail(req, STATUS_UNAVAILABLE, "database_unavailable", "try again later");
		return false;
	}
	if (size > tree) {
		fail(req, STATUS_NOT_FOUND, "unknown_size",
		     "the tree does not have that many leaves yet");
		return false;
	}
	return true;
}

void
api_tlog_checkpoint(struct request *req)
{
	const char *origin = origin_of(req, NULL);
	struct strbuf note = STRBUF_INIT;
	long long size;
	tlog_hash root;

	if (!origin)
		return;
	if (origin == fed.self && fed_recovery_pending()) {
		/* restored from a backup: the latest stored here may be smaller than one the peer
		 * cosigned since, which the recovery brings back (recovery_tlog.c) */
		fail(req, STATUS_UNAVAILABLE, "recovery_pending",
		     "the platform is getting its own log back from its peer; try again later");
		return;
	}
	send_found(req, db_tlog_checkpoint_latest(origin, true, &note, &size, root), &note,
		   "text/plain; charset=utf-8", CACHE_LATEST, "no_checkpoint",
		   "no checkpoint of that log yet");
}

/* The size a proof is for: the size parameter, or the latest checkpoint's. 0, or -1 replied. */
static int
proof_size(struct request *req, const char *origin, long long *size, bool *explicit_size)
{
	const char *s = http_query(req, "size");
	tlog_hash root;

	*explicit_size = s != NULL;
	if (s) {
		if (parse_count(s, size) < 0 || *size < 1) {
			fail(req, STATUS_INVALID, "invalid_parameter",
			     "size must be a number >= 1");
			return -1;
		}
		return size_known(req, origin, *size) ? 0 : -1;
	}
	int got = db_tlog_checkpoint_latest(origin, false, NULL, size, root);
	if (got <= 0) {
		if (got < 0)
			fail(req, STATUS_UNAVAILABLE, "database_unavailable", "try again later");
		else
			fail(req, STATUS_NOT_FOUND, "no_checkpoint",
			     "no checkpoint of that log yet");
		return -1;
	}
	/* the peer's checkpoint may be ahead of the copy held here */
	return size_known(req, origin, *size) ? 0 : -1;
}

static void
send_proof(struct request *req, json_t *body, bool explicit_size)
{
	http_add_header(req, "Cache-Control", explicit_size ? CACHE_FOREVER : CACHE_LATEST);
	http_json(req, 200, body);
}

void
api_tlog_inclusion(struct request *req)
{
	const char *origin = origin_of(req, NULL);
	const char *seq_s = http_query(req, "seq"), *hash_s = http_query(req, "hash");
	long long seq = 0, size = 0;
	bool explicit_size;
	tlog_hash *proof = NULL, root, leaf;
	size_t n = 0;

	if (!origin)
		return;
	req->want_json = true;
	if ((seq_s != NULL) == (hash_s != NULL)) {
		fail(req, STATUS_INVALID, "invalid_parameter", "give either seq or hash");
		return;
	}
	if (seq_s && (parse_count(seq_s, &seq) < 0 || seq < 1)) {
		fail(req, STATUS_INVALID, "invalid_parameter", "seq must be a number >= 1");
		return;
	}
	if (hash_s) {
		if (!is_sha256_hex(hash_s)) {
			fail(req, STATUS_INVALID, "invalid_parameter",
			     "hash must be an event hash: 64 lowercase hex digits");
			return;
		}
		seq = db_tlog_seq_of_hash(origin, hash_s);
		if (seq <= 0) {
			if (seq < 0)
				fail(req, STATUS_UNAVAILABLE, "database_unavailable",
				     "try again later");
			else
				fail(req, STATUS_NOT_FOUND, "unknown_event",
				     "no event has that hash");
			return;
		}
	}
	if (proof_size(req, origin, &size, &explicit_size) < 0)
		return;
	if (seq > size) {
		fail(req, STATUS_NOT_FOUND, "not_in_tree",
		     "the event is not in the tree of that size (yet)");
		return;
	}
	long long leaf_index = tlog_stored_index(0, seq - 1);
	if (tlog_inclusion_proof(size, seq - 1, db_tlog_read, db_tlog_ctx(origin), &proof, &n) <
		    0 ||
	    tlog_tree_hash(size, db_tlog_read, db_tlog_ctx(origin), root) < 0 ||
	    db_tlog_read(db_tlog_ctx(origin), &leaf_index, 1, &leaf) < 0) {
		free(proof);
		fail(req, STATUS_UNAVAILABLE, "database_unavailable", "try again later");
		return;
	}
	json_t *body = json_pack("{s:s, s:I, s:I, s:I, s:o, s:o, s:o}", "origin", origin, "size",
				 (json_int_t)size, "index", (json_int_t)(seq - 1), "seq",
				 (json_int_t)seq, "leaf_hash", hash_json(leaf), "proof",
				 proof_json((const tlog_hash *)proof, n), "root", hash_json(root));
	free(proof);
	send_proof(req, body, explicit_size);
}

void
api_tlog_consistency(struct request *req)
{
	const char *origin = origin_of(req, NULL);
	long long from, to;
	tlog_hash *proof = NULL, from_root, to_root;
	size_t n = 0;

	if (!origin)
		return;
	req->want_json = true;
	if (parse_count(http_query(req, "from"), &from) < 0 ||
	    parse_count(http_query(req, "to"), &to) < 0 || from < 1 || from > to) {
		fail(req, STATUS_INVALID, "invalid_range",
		     "from and to must be sizes, 1 <= from <= to");
		return;
	}
	if (!size_known(req, origin, to))
		return;
	if (tlog_consistency_proof(from, to, db_tlog_read, db_tlog_ctx(origin), &proof, &n) < 0 ||
	    tlog_tree_hash(from, db_tlog_read, db_tlog_ctx(origin), from_root) < 0 ||
	    tlog_tree_hash(to, db_tlog_read, db_tlog_ctx(origin), to_root) < 0) {
		free(proof);
		fail(req, STATUS_UNAVAILABLE, "database_unavailable", "try again later");
		return;
	}
	json_t *body = json_pack("{s:s, s:I, s:I, s:o, s:o, s:o}", "origin", origin, "from",
				 (json_int_t)from, "to", (json_int_t)to, "from_root",
				 hash_json(from_root), "to_root", hash_json(to_root), "proof",
				 proof_json((const tlog_hash *)proof, n));
	free(proof);
	send_proof(req, body, true);
}

void
api_tlog_tile(struct request *req)
{
	const char *origin = origin_of(req, http_param(req, "origin"));
	const char *rest = http_param(req, "rest");
	struct strbuf tile = STRBUF_INIT;
	long long index;
	int level, width;

	if (!origin)
		return;
	if (!rest || tlog_tile_parse(rest, &level, &index, &width) < 0) {
		fail(req, STATUS_INVALID, "invalid_tile",
		     "a tile is <L>/<N>[.p/<W>] (C2SP tlog-tiles)");
		return;
	}
	send_found(req, db_tlog_tile(origin, 8 * level, index * 256, width, &tile), &tile,
		   "application/octet-stream", CACHE_FOREVER, "unknown_tile",
		   "the tree does not hold that tile yet");
}
