// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The Merkle half of the transparency log (protocol/tlog.h): RFC 6962 / RFC 9162 hashes, the
 * stored-hash numbering of Go's golang.org/x/mod/sumdb/tlog, the tree hash, inclusion and
 * consistency proofs over stored hashes, and their verification. Pure: the stored hashes come
 * through a tlog_reader.
 *
 * Every function that reads stored hashes walks its recursion twice with the same code: first
 * collecting the indexes it needs (so one tlog_reader call fetches them all: one query against
 * the database), then computing from the hashes in the same order.
 */
#include "protocol/tlog.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
tlog_leaf_hash(const void *data, size_t len, tlog_hash out)
{
	static const unsigned char zero = 0x00;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, &zero, 1) != 1 ||
	    (len && EVP_DigestUpdate(ctx, data, len) != 1) ||
	    EVP_DigestFinal_ex(ctx, out, NULL) != 1)
		abort();
	EVP_MD_CTX_free(ctx);
}

void
tlog_node_hash(const tlog_hash left, const tlog_hash right, tlog_hash out)
{
	unsigned char buf[1 + 2 * TLOG_HASH_LEN];

	buf[0] = 0x01;
	memcpy(buf + 1, left, TLOG_HASH_LEN);
	memcpy(buf + 1 + TLOG_HASH_LEN, right, TLOG_HASH_LEN);
	SHA256(buf, sizeof(buf), out);
}

long long
tlog_stored_index(int level, long long n)
{
	/* Level L's hash n comes right after level L+1's hash 2n+1: walk down to level 0, where
	 * hash n sits at n + n/2 + n/4 + ..., and add back one per level climbed. */
	long long i = 0;

	for (int l = level; l > 0; l--)
		n = 2 * n + 1;
	for (; n > 0; n >>= 1)
		i += n;
	return i + level;
}

long long
tlog_stored_count(long long n)
{
	long long count;

	if (n <= 0)
		return 0;
	count = tlog_stored_index(0, n - 1) + 1;
	for (unsigned long long i = (unsigned long long)(n - 1); i & 1; i >>= 1)
		count++;
	return count;
}

int
tlog_stored_hashes_for(long long n, const tlog_hash leaf, tlog_reader read, void *ctx,
		       tlog_hash out[64])
{
	long long indexes[63];
	tlog_hash old[63];
	int m = 0;

	while (m < 62 && ((unsigned long long)n >> m) & 1)
		m++;
	/* The left siblings of the completed parents, lowest level last (index order). */
	for (int i = 0; i < m; i++)
		indexes[m - 1 - i] = tlog_stored_index(i, (n >> i) - 1);
	if (m && read(ctx, indexes, (size_t)m, old) != 0)
		return -1;
	memcpy(out[0], leaf, TLOG_HASH_LEN);
	for (int i = 0; i < m; i++)
		tlog_node_hash(old[m - 1 - i], out[i], out[i + 1]);
	return m + 1;
}

/* The largest power of two below n (n >= 2), with its exponent. */
static long long
split_point(long long n, int *level)
{
	long long k = 1;
	int l = 0;

	while (k * 2 < n) {
		k *= 2;
		l++;
	}
	if (level)
		*level = l;
	return k;
}

/* One walk: collecting the indexes (hashes == NULL), or consuming the hashes read for them. */
struct walk {
	long long *indexes;
	size_t count, alloc;
	const tlog_hash *hashes;
	size_t pos;
	tlog_hash *proof;
	size_t proof_len;
	bool failed;
};

static void
walk_need(struct walk *w, long long index)
{
	if (w->failed)
		return;
	if (w->count == w->alloc) {
		size_t alloc = w->alloc ? 2 * w->alloc : 64;
		long long *p = realloc(w->indexes, alloc * sizeof(*p));

		if (!p) {
			w->failed = true;
			return;
		}
		w->indexes = p;
		w->alloc = alloc;
	}
	w->indexes[w->count++] = index;
}

static void
walk_emit(struct walk *w, const tlog_hash h)
{
	if (w->hashes)
		memcpy(w->proof[w->proof_len++], h, TLOG_HASH_LEN);
}

/* The hash of leaves [lo, hi) from the stored hashes of its maximal complete subtrees, left to
 * right; folded from the right. Collect mode only records the indexes. */
static void
walk_range(struct walk *w, long long lo, long long hi, tlog_hash out)
{
	size_t first = w->pos, count = 0;

	while (lo < hi) {
		int level;
		long long k = split_point(hi - lo + 1, &level);

		if (w->hashes)
			w->pos++;
		else
			walk_need(w, tlog_stored_index(level, lo >> level));
		count++;
		lo += k;
	}
	if (!w->hashes || !count)
		return;
	memcpy(out, w->hashes[first + count - 1], TLOG_HASH_LEN);
	for (size_t i = count - 1; i-- > 0;)
		tlog_node_hash(w->hashes[first + i], out, out);
}

/* RFC 6962 PATH(m, D[lo:hi]), leaf first. */
static void
walk_inclusion(struct walk *w, long long lo, long long hi, long long m)
{
	tlog_hash h;
	long long k;

	if (lo + 1 == hi)
		return;
	k = split_point(hi - lo, NULL);
	if (m < lo + k) {
		walk_inclusion(w, lo, lo + k, m);
		walk_range(w, lo + k, hi, h);
	} else {
		walk_range(w, lo, lo + k, h);
		walk_inclusion(w, lo + k, hi, m);
	}
	walk_emit(w, h);
}

/* RFC 6962 SUBPROOF(m, D[lo:hi], lo == 0), smallest subtree first. */
static void
walk_consistency(struct walk *w, long long lo, long long hi, long long m)
{
	tlog_hash h;
	long long k;

	if (m == hi) {
		if (lo == 0)
			return;
		walk_range(w, lo, hi, h);
		walk_emit(w, h);
		return;
	}
	k = split_point(hi - lo, NULL);
	if (m <= lo + k) {
		walk_consistency(w, lo, lo + k, m);
		walk_range(w, lo + k, hi, h);
	} else {
		walk_range(w, lo, lo + k, h);
		walk_consistency(w, lo + k, hi, m);
	}
	walk_emit(w, h);
}

enum walk_kind { WALK_ROOT, WALK_INCLUSION, WALK_CONSISTENCY };

static void
walk_run(struct walk *w, enum walk_kind kind, long long a, long long b, tlog_hash root)
{
	switch (kind) {
	case WALK_ROOT:
		walk_range(w, 0, a, root);
		break;
	case WALK_INCLUSION:
		walk_inclusion(w, 0, a, b);
		break;
	case WALK_CONSISTENCY:
		walk_consistency(w, 0, b, a);
		break;
	}
}

/* Collect, read, compute. The proof (when not a root) is malloc'd into *proof. */
static int
walk(enum walk_kind kind, long long a, long long b, tlog_reader read, void *ctx, tlog_hash root,
     tlog_hash **proof, size_t *n)
{
	struct walk w = {0};
	tlog_hash *hashes = NULL;
	int rc = -1;

	walk_run(&w, kind, a, b, root);
	if (w.failed)
		goto out;
	hashes = malloc((w.count ? w.count : 1) * sizeof(*hashes));
	if (kind != WALK_ROOT)
		w.proof = malloc((w.count ? w.count : 1) * sizeof(*w.proof));
	if (!hashes || (kind != WALK_ROOT && !w.proof))
		goto out;
	if (w.count && read(ctx, w.indexes, w.count, hashes) != 0)
		goto out;
	w.hashes = (const tlog_hash *)hashes;
	walk_run(&w, kind, a, b, root);
	if (proof) {
		*proof = w.proof;
		*n = w.proof_len;
		w.proof = NULL;
	}
	rc = 0;
out:
	free(w.indexes);
	free(w.proof);
	free(hashes);
	return rc;
}

int
tlog_tree_hash(long long size, tlog_reader read, void *ctx, tlog_hash out)
{
	if (size < 0)
		return -1;
	if (size == 0) {
		SHA256(NULL, 0, out);
		return 0;
	}
	return walk(WALK_ROOT, size, 0, read, ctx, out, NULL, NULL);
}

void
tlog_tree_hash_of(const tlog_hash *leaves, long long size, tlog_hash out)
{
	tlog_hash left, right;
	long long k;

	if (size <= 0) {
		SHA256(NULL, 0, out);
		return;
	}
	if (size == 1) {
		memcpy(out, leaves[0], TLOG_HASH_LEN);
		return;
	}
	k = split_point(size, NULL);
	tlog_tree_hash_of(leaves, k, left);
	tlog_tree_hash_of(leaves + k, size - k, right);
	tlog_node_hash(left, right, out);
}

void
tlog_edge_append(tlog_hash edge[TLOG_EDGE_MAX], int *k, long long n, const tlog_hash leaf)
{
	tlog_hash cur;

	memcpy(cur, leaf, TLOG_HASH_LEN);
	/* each trailing one of n is a perfect subtree that the new leaf completes */
	for (long long m = n; (m & 1) && *k > 0; m >>= 1)
		tlog_node_hash(edge[--*k], cur, cur);
	memcpy(edge[(*k)++], cur, TLOG_HASH_LEN);
}

void
tlog_edge_root(const tlog_hash edge[TLOG_EDGE_MAX], int k, tlog_hash out)
{
	if (k <= 0) {
		SHA256(NULL, 0, out);
		return;
	}
	memcpy(out, edge[k - 1], TLOG_HASH_LEN);
	for (int i = k - 2; i >= 0; i--)
		tlog_node_hash(edge[i], out, out);
}

int
tlog_inclusion_proof(long long size, long long index, tlog_reader read, void *ctx,
		     tlog_hash **proof, size_t *n)
{
	if (index < 0 || index >= size)
		return -1;
	return walk(WALK_INCLUSION, size, index, read, ctx, NULL, proof, n);
}

int
tlog_consistency_proof(long long from, long long to, tlog_reader read, void *ctx, tlog_hash **proof,
		       size_t *n)
{
	if (from <= 0 || from > to)
		return -1;
	return walk(WALK_CONSISTENCY, from, to, read, ctx, NULL, proof, n);
}

bool
tlog_check_inclusion(const tlog_hash *proof, size_t n, long long size, const tlog_hash root,
		     long long index, const tlog_hash leaf)
{
	unsigned long long fn, sn;
	tlog_hash r;

	if (index < 0 || index >= size)
		return false;
	fn = (unsigned long long)index;
	sn = (unsigned long long)(size - 1);
	memcpy(r, leaf, TLOG_HASH_LEN);
	for (size_t i = 0; i < n; i++) {
		if (sn == 0)
			return false;
		if ((fn & 1) || fn == sn) {
			tlog_node_hash(proof[i], r, r);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			tlog_node_hash(r, proof[i], r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && memcmp(r, root, TLOG_HASH_LEN) == 0;
}

bool
tlog_check_consistency(const tlog_hash *proof, size_t n, long long from, const tlog_hash from_root,
		       long long to, const tlog_hash to_root)
{
	unsigned long long fn, sn;
	tlog_hash fr, sr;
	size_t i = 0;

	if (from <= 0 || from > to)
		return false;
	if (from == to)
		return n == 0 && memcmp(from_root, to_root, TLOG_HASH_LEN) == 0;
	if (n == 0)
		return false;
	/* When from is a power of two its root is the first node of the path, left implicit. */
	if ((from & (from - 1)) == 0) {
		memcpy(fr, from_root, TLOG_HASH_LEN);
	} else {
		memcpy(fr, proof[0], TLOG_HASH_LEN);
		i = 1;
	}
	memcpy(sr, fr, TLOG_HASH_LEN);
	fn = (unsigned long long)(from - 1);
	sn = (unsigned long long)(to - 1);
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	for (; i < n; i++) {
		if (sn == 0)
			return false;
		if ((fn & 1) || fn == sn) {
			tlog_node_hash(proof[i], fr, fr);
			tlog_node_hash(proof[i], sr, sr);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			tlog_node_hash(sr, proof[i], sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && memcmp(fr, from_root, TLOG_HASH_LEN) == 0 &&
	       memcmp(sr, to_root, TLOG_HASH_LEN) == 0;
}

void
tlog_tile_path(int level, long long index, int width, struct strbuf *out)
{
	long long groups[8], m = index;
	int ng = 0;

	strbuf_addf(out, "%d/", level);
	do {
		groups[ng++] = m % 1000;
		m /= 1000;
	} while (m > 0 && ng < 8);
	for (int i = ng - 1; i >= 0; i--)
		strbuf_addf(out, i ? "x%03lld/" : "%03lld", groups[i]);
	if (width < 1 << TLOG_TILE_HEIGHT)
		strbuf_addf(out, ".p/%d", width);
}

int
tlog_tile_parse(const char *path, int *level, long long *index, int *width)
{
	long long n = 0, w = 1 << TLOG_TILE_HEIGHT;
	const char *p = path, *partial;
	struct strbuf again = STRBUF_INIT;
	int l, rc;

	if (*p < '0' || *p > '6' || p[1] != '/')
		return -1;
	l = *p - '0';
	p += 2;
	/* the numbers only; the one spelling is checked by writing the path again */
	for (; *p && *p != '.'; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n >= 100000000000000LL)
				return -1;
			n = n * 10 + (*p - '0');
		}
	}
	partial = p;
	if (*partial) {
		if (strncmp(partial, ".p/", 3) != 0 || strlen(partial + 3) > 3)
			return -1;
		w = 0;
		for (p = partial + 3; *p; p++) {
			if (*p < '0' || *p > '9')
				return -1;
			w = w * 10 + (*p - '0');
		}
		if (w < 1 || w >= 1 << TLOG_TILE_HEIGHT)
			return -1;
	}
	tlog_tile_path(l, n, (int)w, &again);
	rc = strcmp(again.buf, path) == 0 ? 0 : -1;
	strbuf_release(&again);
	if (rc == 0) {
		*level = l;
		*index = n;
		*width = (int)w;
	}
	return rc;
}
