// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The transparency log's benchmark program (tests/bench/tlog.sh runs it; docs/performance-tlog.md).
 * Against the database of libpq's PG* environment, whose fed_events hold origin's events:
 *   1. bare SHA-256 over payload-sized buffers and over 65-byte node inputs (the limits);
 *   2. tree extension: tlog_catch_up(origin) from the tree's current size to every event;
 *   3. the root (tlog_tree_hash) and PROOFS inclusion and PROOFS consistency proofs of random
 *      leaves/sizes at the tree's full size, each timed (one query each), each checked.
 * Prints "key value" lines. usage: tlog_bench ORIGIN PROOFS PAYLOAD_BYTES
 */
#include "common/db.h"
#include "protocol/db_tlog.h"
#include "protocol/tlog.h"
#include "protocol/tlog_service.h"

#include <openssl/sha.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
report_latencies(const char *what, double *ms, long n, double total_ms)
{
	qsort(ms, (size_t)n, sizeof(*ms), cmp_double);
	printf("%s_per_s %.0f\n", what, (double)n / (total_ms / 1e3));
	printf("%s_p50_ms %.3f\n", what, ms[n / 2]);
	printf("%s_p99_ms %.3f\n", what, ms[(long)((double)n * 0.99)]);
	printf("%s_max_ms %.3f\n", what, ms[n - 1]);
}

static unsigned long long rng = 88172645463325252ULL;

static long long
rand_below(long long n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (long long)(rng % (unsigned long long)n);
}

int
main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: tlog_bench ORIGIN PROOFS PAYLOAD_BYTES\n");
		return 2;
	}
	const char *origin = argv[1];
	long proofs = atol(argv[2]);
	size_t payload = (size_t)atol(argv[3]);
	if (proofs < 1 || payload < 1)
		return 2;

	/* 1. the limits: SHA-256 of a payload (a leaf) and of a node, a million each */
	unsigned char *buf = calloc(1, payload + 1), node[65] = {1}, out[32];
	double t0 = now_ms();
	for (int i = 0; i < 1000000; i++) {
		buf[i % payload] ^= (unsigned char)i;
		SHA256(buf, payload + 1, out);
	}
	double leaf_ms = now_ms() - t0;
	t0 = now_ms();
	for (int i = 0; i < 1000000; i++) {
		node[1 + i % 64] ^= (unsigned char)i;
		SHA256(node, sizeof(node), out);
	}
	double node_ms = now_ms() - t0;
	free(buf);
	printf("sha256_leaf_per_s %.0f\n", 1e6 / (leaf_ms / 1e3));
	printf("sha256_node_per_s %.0f\n", 1e6 / (node_ms / 1e3));
	/* a leaf costs one payload hash and, on average, one node hash (n leaves: n - 1 nodes) */
	printf("sha256_tree_limit_leaves_per_s %.0f\n", 1e6 / ((leaf_ms + node_ms) / 1e3));

	/* 2. extension */
	long long before = db_tlog_size(origin);
	t0 = now_ms();
	long long size = tlog_catch_up(origin);
	double ext_ms = now_ms() - t0;
	if (size < 0 || before < 0) {
		fprintf(stderr, "tree extension failed\n");
		return 1;
	}
	printf("tree_size %lld\n", size);
	printf("extend_leaves %lld\n", size - before);
	printf("extend_s %.2f\n", ext_ms / 1e3);
	if (size > before)
		printf("extend_leaves_per_s %.0f\n", (double)(size - before) / (ext_ms / 1e3));
	if (size < 2)
		return 1;

	/* 3. the root, then the proofs */
	tlog_hash root;
	t0 = now_ms();
	if (tlog_tree_hash(size, db_tlog_read, db_tlog_ctx(origin), root) < 0)
		return 1;
	printf("root_ms %.3f\n", now_ms() - t0);

	double *ms = calloc((size_t)proofs, sizeof(*ms));
	double total = now_ms();
	for (long i = 0; i < proofs; i++) {
		long long index = rand_below(size), leaf_at = tlog_stored_index(0, index);
		tlog_hash *proof = NULL, leaf;
		size_t n = 0;
		t0 = now_ms();
		if (tlog_inclusion_proof(size, index, db_tlog_read, db_tlog_ctx(origin), &proof,
					 &n) < 0)
			return 1;
		ms[i] = now_ms() - t0;
		if (db_tlog_read(db_tlog_ctx(origin), &leaf_at, 1, &leaf) < 0 ||
		    !tlog_check_inclusion((const tlog_hash *)proof, n, size, root, index, leaf)) {
			fprintf(stderr, "inclusion proof of %lld does not verify\n", index);
			return 1;
		}
		total += now_ms() - t0 - ms[i]; /* the check is not the server's work */
		free(proof);
	}
	report_latencies("inclusion", ms, proofs, now_ms() - total);

	total = now_ms();
	for (long i = 0; i < proofs; i++) {
		long long from = 1 + rand_below(size - 1);
		tlog_hash *proof = NULL, from_root;
		size_t n = 0;
		t0 = now_ms();
		if (tlog_consistency_proof(from, size, db_tlog_read, db_tlog_ctx(origin), &proof,
					   &n) < 0)
			return 1;
		ms[i] = now_ms() - t0;
		double c0 = now_ms();
		if (tlog_tree_hash(from, db_tlog_read, db_tlog_ctx(origin), from_root) < 0 ||
		    !tlog_check_consistency((const tlog_hash *)proof, n, from, from_root, size,
					    root)) {
			fprintf(stderr, "consistency proof %lld -> %lld does not verify\n", from,
				size);
			return 1;
		}
		total += now_ms() - c0;
		free(proof);
	}
	report_latencies("consistency", ms, proofs, now_ms() - total);
	free(ms);
	db_shutdown();
	return 0;
}
