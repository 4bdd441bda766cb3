// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Unit tests for the Merkle half of protocol/tlog: internal consistency for every tree of 1..300
 * leaves — the stored hashes appended one leaf at a time give the same root as the in-memory
 * RFC 6962 definition, every inclusion and consistency proof read from stored hashes equals the
 * one computed here straight from RFC 6962 §2.1.1 / §2.1.2 over the leaves and verifies, and
 * every tampered proof, index, size or root fails. The outside check (Go's sumdb/tlog) is
 * tests/tlog/, run by tests/integration/tlog.test.mjs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/strbuf.h"
#include "protocol/b64.h"
#include "protocol/keys.h"
#include "protocol/tlog.h"

#include <openssl/sha.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LEAVES 300
/* tlog_hash * does not convert to const tlog_hash * implicitly in C17. */
#define C(p) ((const tlog_hash *)(p))

struct store {
	tlog_hash *hashes;
	long long count;
	int reads;
};

static int
store_read(void *ctx, const long long *indexes, size_t n, tlog_hash *out)
{
	struct store *s = ctx;

	s->reads++;
	for (size_t i = 0; i < n; i++) {
		if (indexes[i] < 0 || indexes[i] >= s->count)
			return -1;
		memcpy(out[i], s->hashes[indexes[i]], TLOG_HASH_LEN);
	}
	return 0;
}

static int
failing_read(void *ctx, const long long *indexes, size_t n, tlog_hash *out)
{
	(void)ctx;
	(void)indexes;
	(void)n;
	(void)out;
	return -1;
}

static tlog_hash leaves[MAX_LEAVES];
static struct store store;

static long long
pow2_below(long long n)
{
	long long k = 1;

	while (k * 2 < n)
		k *= 2;
	return k;
}

/* RFC 6962 §2.1.1 PATH(m, D[n]) over leaf hashes, appended to out. */
static void
ref_path(long long m, const tlog_hash *d, long long n, tlog_hash *out, size_t *len)
{
	tlog_hash h;
	long long k;

	if (n == 1)
		return;
	k = pow2_below(n);
	if (m < k) {
		ref_path(m, d, k, out, len);
		tlog_tree_hash_of(C(d) + k, n - k, h);
	} else {
		ref_path(m - k, d + k, n - k, out, len);
		tlog_tree_hash_of(C(d), k, h);
	}
	memcpy(out[(*len)++], h, TLOG_HASH_LEN);
}

/* RFC 6962 §2.1.2 SUBPROOF(m, D[n], b). */
static void
ref_subproof(long long m, const tlog_hash *d, long long n, bool b, tlog_hash *out, size_t *len)
{
	tlog_hash h;
	long long k;

	if (m == n) {
		if (!b) {
			tlog_tree_hash_of(C(d), n, h);
			memcpy(out[(*len)++], h, TLOG_HASH_LEN);
		}
		return;
	}
	k = pow2_below(n);
	if (m <= k) {
		ref_subproof(m, d, k, b, out, len);
		tlog_tree_hash_of(C(d) + k, n - k, h);
	} else {
		ref_subproof(m - k, d + k, n - k, false, out, len);
		tlog_tree_hash_of(C(d), k, h);
	}
	memcpy(out[(*len)++], h, TLOG_HASH_LEN);
}

static int
setup(void **state)
{
	(void)state;
	store.hashes = calloc((size_t)tlog_stored_count(MAX_LEAVES), sizeof(tlog_hash));
	if (!store.hashes)
		return -1;
	for (int i = 0; i < MAX_LEAVES; i++) {
		char data[32];
		int len = snprintf(data, sizeof(data), "leaf %d", i);

		tlog_leaf_hash(data, (size_t)len, leaves[i]);
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	free(store.hashes);
	return 0;
}

static void
test_hashes(void **state)
{
	unsigned char buf[1 + 2 * TLOG_HASH_LEN];
	tlog_hash h, expect, a, b;

	(void)state;
	/* Leaf: SHA-256(0x00 || data), checked against a plain SHA-256 of the prefixed bytes. */
	buf[0] = 0x00;
	memcpy(buf + 1, "hello", 5);
	SHA256(buf, 6, expect);
	tlog_leaf_hash("hello", 5, h);
	assert_memory_equal(h, expect, TLOG_HASH_LEN);
	buf[0] = 0x00;
	SHA256(buf, 1, expect);
	tlog_leaf_hash(NULL, 0, h);
	assert_memory_equal(h, expect, TLOG_HASH_LEN);
	/* Node: SHA-256(0x01 || left || right), also when out aliases an input. */
	memcpy(a, leaves[0], TLOG_HASH_LEN);
	memcpy(b, leaves[1], TLOG_HASH_LEN);
	buf[0] = 0x01;
	memcpy(buf + 1, a, TLOG_HASH_LEN);
	memcpy(buf + 1 + TLOG_HASH_LEN, b, TLOG_HASH_LEN);
	SHA256(buf, sizeof(buf), expect);
	tlog_node_hash(a, b, h);
	assert_memory_equal(h, expect, TLOG_HASH_LEN);
	tlog_node_hash(a, b, a);
	assert_memory_equal(a, expect, TLOG_HASH_LEN);
	/* The empty tree is SHA-256 of nothing. */
	SHA256(NULL, 0, expect);
	tlog_tree_hash_of(C(leaves), 0, h);
	assert_memory_equal(h, expect, TLOG_HASH_LEN);
	assert_int_equal(tlog_tree_hash(0, failing_read, NULL, h), 0);
	assert_memory_equal(h, expect, TLOG_HASH_LEN);
}

static void
test_stored_index_arithmetic(void **state)
{
	(void)state;
	/* The numbering in the Go package's comment: leaves 0,1 at 0,1; their parent at 2; leaf 2
	 * at 3, leaf 3 at 4, then level 1 hash 1 at 5 and level 2 hash 0 at 6. */
	assert_int_equal(tlog_stored_index(0, 0), 0);
	assert_int_equal(tlog_stored_index(0, 1), 1);
	assert_int_equal(tlog_stored_index(1, 0), 2);
	assert_int_equal(tlog_stored_index(0, 2), 3);
	assert_int_equal(tlog_stored_index(0, 3), 4);
	assert_int_equal(tlog_stored_index(1, 1), 5);
	assert_int_equal(tlog_stored_index(2, 0), 6);
	assert_int_equal(tlog_stored_index(0, 4), 7);
	assert_int_equal(tlog_stored_count(0), 0);
	assert_int_equal(tlog_stored_count(1), 1);
	assert_int_equal(tlog_stored_count(2), 3);
	assert_int_equal(tlog_stored_count(3), 4);
	assert_int_equal(tlog_stored_count(4), 7);
	/* Every leaf starts right where the stored hashes of the tree before it end, and a tree of
	 * n leaves stores 2n - popcount(n) hashes (one per complete subtree). */
	for (long long n = 0; n < 100000; n++) {
		assert_int_equal(tlog_stored_index(0, n), tlog_stored_count(n));
		assert_int_equal(tlog_stored_count(n),
				 2 * n - __builtin_popcountll((unsigned long long)n));
	}
	/* Large trees do not overflow: 2^40 leaves. */
	assert_int_equal(tlog_stored_count(1LL << 40), (1LL << 41) - 1);
}

static void
test_append_and_root(void **state)
{
	(void)state;
	store.count = 0;
	for (long long n = 0; n < MAX_LEAVES; n++) {
		tlog_hash out[64], root, expect;
		int added = tlog_stored_hashes_for(n, leaves[n], store_read, &store, out);

		assert_int_equal(added, 1 + __builtin_ctzll((unsigned long long)~n));
		assert_int_equal(store.count, tlog_stored_count(n));
		memcpy(store.hashes + store.count, out, (size_t)added * sizeof(tlog_hash));
		store.count += added;
		assert_int_equal(store.count, tlog_stored_count(n + 1));
		/* Each stored hash sits at the index its (level, n) names. */
		for (int level = 0; level < added; level++) {
			tlog_hash sub;

			tlog_tree_hash_of(C(leaves) + ((n + 1) - (1LL << level)), 1LL << level,
					  sub);
			assert_memory_equal(store.hashes[tlog_stored_index(level, n >> level)], sub,
					    TLOG_HASH_LEN);
		}
		store.reads = 0;
		assert_int_equal(tlog_tree_hash(n + 1, store_read, &store, root), 0);
		assert_int_equal(store.reads, 1);
		tlog_tree_hash_of(C(leaves), n + 1, expect);
		assert_memory_equal(root, expect, TLOG_HASH_LEN);
	}
	/* A reader that fails makes the caller fail. */
	{
		tlog_hash out[64], root;

		assert_int_equal(tlog_stored_hashes_for(1, leaves[1], failing_read, NULL, out), -1);
		assert_int_equal(tlog_tree_hash(3, failing_read, NULL, root), -1);
	}
}

static void
flip(tlog_hash h)
{
	h[TLOG_HASH_LEN / 2] ^= 0x01;
}

/* The right edge gives every root along the way, and the root of an edge kept and extended
 * later is the root of the whole tree (the daily audit's kept state, page_audit.c). */
static void
test_edge(void **state)
{
	tlog_hash edge[TLOG_EDGE_MAX], root, expect;
	int k = 0;

	(void)state;
	tlog_edge_root(C(edge), 0, root);
	tlog_tree_hash_of(C(leaves), 0, expect);
	assert_memory_equal(root, expect, TLOG_HASH_LEN);
	for (long long n = 0; n < MAX_LEAVES; n++) {
		tlog_edge_append(edge, &k, n, leaves[n]);
		assert_int_equal(k, __builtin_popcountll((unsigned long long)(n + 1)));
		tlog_edge_root(C(edge), k, root);
		tlog_tree_hash_of(C(leaves), n + 1, expect);
		assert_memory_equal(root, expect, TLOG_HASH_LEN);
	}
}

static void
test_inclusion(void **state)
{
	(void)state;
	for (long long size = 1; size <= MAX_LEAVES; size++) {
		tlog_hash root;

		tlog_tree_hash_of(C(leaves), size, root);
		for (long long index = 0; index < size; index++) {
			tlog_hash *proof = NULL, ref[64], bad;
			size_t n = 0, ref_n = 0;

			assert_int_equal(
				tlog_inclusion_proof(size, index, store_read, &store, &proof, &n),
				0);
			ref_path(index, C(leaves), size, ref, &ref_n);
			assert_int_equal(n, ref_n);
			if (n)
				assert_memory_equal(proof, ref, n * sizeof(tlog_hash));
			assert_true(tlog_check_inclusion(C(proof), n, size, root, index,
							 leaves[index]));
			/* Wrong leaf, index, size, root; a shortened, lengthened or altered path.
			 */
			assert_false(tlog_check_inclusion(C(proof), n, size, root, index,
							  leaves[(index + 1) % MAX_LEAVES]));
			if (size > 1) {
				assert_false(tlog_check_inclusion(C(proof), n, size, root,
								  (index + 1) % size,
								  leaves[index]));
			}
			/* The same path against the next tree (its size and root). */
			if (size < MAX_LEAVES) {
				tlog_hash next;

				tlog_tree_hash_of(C(leaves), size + 1, next);
				assert_false(tlog_check_inclusion(C(proof), n, size + 1, next,
								  index, leaves[index]));
			}
			assert_false(
				tlog_check_inclusion(C(proof), n, size, root, size, leaves[index]));
			assert_false(
				tlog_check_inclusion(C(proof), n, size, root, -1, leaves[index]));
			memcpy(bad, root, TLOG_HASH_LEN);
			flip(bad);
			assert_false(
				tlog_check_inclusion(C(proof), n, size, bad, index, leaves[index]));
			if (n) {
				assert_false(tlog_check_inclusion(C(proof), n - 1, size, root,
								  index, leaves[index]));
				for (size_t i = 0; i < n; i++) {
					flip(proof[i]);
					assert_false(tlog_check_inclusion(C(proof), n, size, root,
									  index, leaves[index]));
					flip(proof[i]);
				}
			}
			{
				tlog_hash longer[65];

				memcpy(longer, proof, n * sizeof(tlog_hash));
				memcpy(longer[n], root, TLOG_HASH_LEN);
				assert_false(tlog_check_inclusion(C(longer), n + 1, size, root,
								  index, leaves[index]));
			}
			free(proof);
		}
	}
	{
		tlog_hash *proof = NULL;
		size_t n = 0;

		assert_int_equal(tlog_inclusion_proof(5, 5, store_read, &store, &proof, &n), -1);
		assert_int_equal(tlog_inclusion_proof(5, -1, store_read, &store, &proof, &n), -1);
		assert_int_equal(tlog_inclusion_proof(5, 1, failing_read, NULL, &proof, &n), -1);
	}
}

static void
test_consistency(void **state)
{
	(void)state;
	for (long long to = 1; to <= MAX_LEAVES; to++) {
		tlog_hash to_root;

		tlog_tree_hash_of(C(leaves), to, to_root);
		for (long long from = 1; from <= to; from++) {
			tlog_hash *proof = NULL, ref[128], from_root, bad;
			size_t n = 0, ref_n = 0;

			/* Every pair near the ends and the powers of two, every third in between.
			 */
			if (from > 20 && to - from > 20 && (from & (from - 1)) && from % 3)
				continue;

			tlog_tree_hash_of(C(leaves), from, from_root);
			assert_int_equal(
				tlog_consistency_proof(from, to, store_read, &store, &proof, &n),
				0);
			ref_subproof(from, C(leaves), to, true, ref, &ref_n);
			assert_int_equal(n, ref_n);
			if (n)
				assert_memory_equal(proof, ref, n * sizeof(tlog_hash));
			assert_true(
				tlog_check_consistency(C(proof), n, from, from_root, to, to_root));
			/* Swapped or altered roots, wrong sizes, altered or truncated paths. */
			memcpy(bad, from_root, TLOG_HASH_LEN);
			flip(bad);
			assert_false(tlog_check_consistency(C(proof), n, from, bad, to, to_root));
			memcpy(bad, to_root, TLOG_HASH_LEN);
			flip(bad);
			assert_false(tlog_check_consistency(C(proof), n, from, from_root, to, bad));
			if (to < MAX_LEAVES) {
				tlog_hash next;

				tlog_tree_hash_of(C(leaves), to + 1, next);
				assert_false(tlog_check_consistency(C(proof), n, from, from_root,
								    to + 1, next));
			}
			if (from < to) {
				assert_false(tlog_check_consistency(C(proof), n, from + 1,
								    from_root, to, to_root));
				assert_false(tlog_check_consistency(C(proof), n, to, to_root, from,
								    from_root));
				assert_false(tlog_check_consistency(C(proof), n - 1, from,
								    from_root, to, to_root));
			}
			for (size_t i = 0; i < n; i++) {
				flip(proof[i]);
				assert_false(tlog_check_consistency(C(proof), n, from, from_root,
								    to, to_root));
				flip(proof[i]);
			}
			free(proof);
		}
	}
	{
		tlog_hash *proof = NULL, root;
		size_t n = 0;

		assert_int_equal(tlog_consistency_proof(0, 5, store_read, &store, &proof, &n), -1);
		assert_int_equal(tlog_consistency_proof(6, 5, store_read, &store, &proof, &n), -1);
		assert_int_equal(tlog_consistency_proof(3, 5, failing_read, NULL, &proof, &n), -1);
		tlog_tree_hash_of(C(leaves), 5, root);
		assert_false(tlog_check_consistency(NULL, 0, 0, root, 5, root));
	}
}

/* The payload line of seq in docs/protocol.md section 18 into out. */
static void
doc_payload(const struct strbuf *doc, int seq, struct strbuf *out)
{
	char prefix[64];
	const char *p = strstr(doc->buf, "### 18.2"), *end;

	assert_non_null(p);
	snprintf(prefix, sizeof(prefix), "\n{\"v\":1,\"origin\":\"official\",\"seq\":%d,", seq);
	p = strstr(p, prefix);
	assert_non_null(p);
	p++;
	end = strchr(p, '\n');
	strbuf_add(out, p, (size_t)(end - p));
}

static void
b64_of(const tlog_hash h, struct strbuf *out)
{
	strbuf_reset(out);
	b64_encode(out, h, TLOG_HASH_LEN);
}

/*
 * docs/protocol.md's tree vectors (section "The log as a Merkle tree"), computed from the
 * section 18 payloads by Node's crypto and checked by Go's sumdb/tlog and sumdb/note when they
 * were written: this C code must give the same leaves, root, proofs and signed note.
 */
static void
test_doc_vectors(void **state)
{
	struct strbuf doc = STRBUF_INIT, p1 = STRBUF_INIT, p2 = STRBUF_INIT, text = STRBUF_INIT;
	struct strbuf note = STRBUF_INIT;
	tlog_hash l[2], root;
	static const unsigned char seed[32] = {0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60,
					       0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
					       0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19,
					       0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60};
	const char *name = "baladiya.example.dz/baladiya/official";

	(void)state;
	assert_int_equal(strbuf_read_file(&doc, SOURCE_DIR "/docs/protocol.md"), 0);
	doc_payload(&doc, 1, &p1);
	doc_payload(&doc, 2, &p2);
	assert_int_equal(p1.len, 558);
	assert_int_equal(p2.len, 567);
	tlog_leaf_hash(p1.buf, p1.len, l[0]);
	tlog_leaf_hash(p2.buf, p2.len, l[1]);
	b64_of(l[0], &text);
	assert_string_equal(text.buf, "/yCfmVBoFgZ7T9Vwj3XN4eYJbCqipDl5nilU9Z9ebvE=");
	b64_of(l[1], &text);
	assert_string_equal(text.buf, "skHQpEBgG8grxO/Tik+oWjH4fY2/BJ+HpcxdrlkQvgQ=");
	tlog_tree_hash_of(C(l), 2, root);
	b64_of(root, &text);
	assert_string_equal(text.buf, "9XYPeNX9op01sGxH/DtG6UMgSQg9JCyGPkxurEam/gw=");
	/* inclusion of #1 in the tree of 2 and consistency 1 -> 2 are both [leaf #2] */
	assert_true(tlog_check_inclusion(C(&l[1]), 1, 2, root, 0, l[0]));
	assert_true(tlog_check_consistency(C(&l[1]), 1, 1, l[0], 2, root));
	/* the checkpoint, signed with the RFC 8032 TEST 1 key */
	struct signing_key *key = signing_key_from_seed(seed);
	struct tlog_checkpoint cp = {.size = 2};
	assert_non_null(key);
	snprintf(cp.origin, sizeof(cp.origin), "%s", name);
	memcpy(cp.root, root, TLOG_HASH_LEN);
	strbuf_reset(&text);
	tlog_checkpoint_body(&cp, &text);
	assert_int_equal(tlog_note_sign(text.buf, text.len, name, key, &note), 0);
	assert_string_equal(note.buf,
			    "baladiya.example.dz/baladiya/official\n2\n"
			    "9XYPeNX9op01sGxH/DtG6UMgSQg9JCyGPkxurEam/gw=\n\n"
			    "\xe2\x80\x94 baladiya.example.dz/baladiya/official "
			    "DMWPK2xaFUYt5U55vdYQk2qva2eGFn+CteKL+NbgeB6itIVmFRgKhN0mC7eyAllMQqv2"
			    "Nnv/mcL7EQ8PitvtWmV32QE=\n");
	signing_key_free(key);
	strbuf_release(&doc);
	strbuf_release(&p1);
	strbuf_release(&p2);
	strbuf_release(&text);
	strbuf_release(&note);
}

static void
test_tile_paths(void **state)
{
	static const struct {
		const char *path;
		int level;
		long long index;
		int width;
	} good[] = {
		{"0/000", 0, 0, 256},
		{"0/000.p/1", 0, 0, 1},
		{"1/067.p/255", 1, 67, 255},
		/* the example of Go's tlog and C2SP: N = 1234067 */
		{"4/x001/x234/067.p/1", 4, 1234067, 1},
		{"6/x001/x234/067", 6, 1234067, 256},
		{"0/x999/x999/x999/x999/999", 0, 999999999999999LL, 256},
	};
	static const char *const bad[] = {
		"",
		"0",
		"0/",
		"0/0",
		"0/00",
		"0/0000",
		"7/000",
		"00/000",
		"0/x000/000",
		"0/x001/x000",
		"0/001.p/0",
		"0/001.p/256",
		"0/001.p/01",
		"0/001.p/",
		"0/001.q/1",
		"0/001.p/1/",
		"0/x1000/000",
		"0/001/",
		"0/a01",
		"0/x001/x001/x001/x001/x001/000",
		"-1/000",
		"0/000.p/1.p/1",
		"0/ 000",
	};
	struct strbuf sb = STRBUF_INIT;
	int level, width;
	long long index;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(tlog_tile_parse(good[i].path, &level, &index, &width), 0);
		assert_int_equal(level, good[i].level);
		assert_int_equal(index, good[i].index);
		assert_int_equal(width, good[i].width);
		strbuf_reset(&sb);
		tlog_tile_path(level, index, width, &sb);
		assert_string_equal(sb.buf, good[i].path);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (tlog_tile_parse(bad[i], &level, &index, &width) == 0)
			fail_msg("accepted tile path \"%s\"", bad[i]);
	}
	strbuf_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hashes),
		cmocka_unit_test(test_stored_index_arithmetic),
		cmocka_unit_test(test_append_and_root),
		cmocka_unit_test(test_edge),
		cmocka_unit_test(test_inclusion),
		cmocka_unit_test(test_consistency),
		cmocka_unit_test(test_doc_vectors),
		cmocka_unit_test(test_tile_paths),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
