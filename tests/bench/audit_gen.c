// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * tests/bench/audit_gen.c: the auditor benchmark's helper (tests/bench/audit.sh), built with the
 * protocol library (target audit_bench_gen, not built by default).
 *
 *   audit_bench_gen gen <dir> <events>   two origins' logs of <events> signed events each, as
 *                                        baladiya-audit fetch lays them out (both copies of each
 *                                        log, the key documents, a checkpoint of each log signed
 *                                        by its origin and cosigned by the other)
 *   audit_bench_gen rates <seconds>      the bare rates per CPU-second of one thread: Ed25519
 *                                        verifications of a typical envelope's PAE, SHA-256 of
 *                                        the same bytes, SHA-256 throughput over 64 KiB blocks
 *
 * A quarter of the events carry committed content (version 2 records), like reports do.
 */
#include "common/strbuf.h"
#include "protocol/b64.h"
#include "protocol/content.h"
#include "protocol/dsse.h"
#include "protocol/event.h"
#include "protocol/keys.h"
#include "protocol/tlog.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char *const origins[2] = {"official", "citizen"};

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* This thread's CPU time: the rates below are per CPU-second, like the audit's, so that a busy
 * machine (other processes taking turns on the cores) does not make them look slower. */
static double
cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct signing_key *
key_of(int i)
{
	unsigned char seed[ED25519_SEED_LEN];
	memset(seed, 0x11 * (i + 1), sizeof(seed));
	return signing_key_from_seed(seed);
}

static FILE *
open_out(const char *dir, const char *holder, const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, holder);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", dir, holder, name);
	FILE *f = fopen(path, "wb");
	if (!f) {
		perror(path);
		exit(2);
	}
	return f;
}

/* The data of event number i (some of it committed: see content_commit). */
static json_t *
data_of(long long i, const char **type)
{
	switch (i % 4) {
	case 0:
		*type = "news.published";
		return json_pack("{s:I, s:{s:s}, s:{s:s}, s:s}", "id", (json_int_t)i, "title", "fr",
				 "Actualité de la commune", "body", "fr",
				 "Le conseil communal informe les habitants des travaux de voirie.",
				 "status", "published");
	case 1:
		*type = "report.created";
		return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[]}", "id",
				 (json_int_t)i, "ref", "R-ABCD-EFGH", "category", "VOI", "title",
				 "Nid de poule devant l'école", "description",
				 "Un trou profond sur la chaussée, dangereux pour les enfants.",
				 "place", "Rue des écoles", "quarter", "centre", "lang", "fr",
				 "photos");
	case 2:
		*type = "report.supported";
		return json_pack("{s:I, s:I}", "id", (json_int_t)i, "supporters",
				 (json_int_t)i % 97);
	default:
		*type = "need.supported";
		return json_pack("{s:I, s:I}", "id", (json_int_t)i, "supporters",
				 (json_int_t)i % 31);
	}
}

static int
gen(const char *dir, long long n)
{
	static const char *const committed[] = {"title", "description", "place", "photos", NULL};
	struct signing_key *keys[2] = {key_of(0), key_of(1)};
	tlog_hash *leaves = malloc((size_t)n * sizeof(*leaves));
	struct strbuf bodies[2] = {STRBUF_INIT, STRBUF_INIT}, notes[2] = {STRBUF_INIT, STRBUF_INIT};
	char names[2][64];
	if (!keys[0] || !keys[1] || !leaves)
		return 2;
	mkdir(dir, 0755);
	for (int o = 0; o < 2; o++) {
		json_t *doc = json_pack("{s:s, s:[o]}", "origin", origins[o], "keys",
					verify_key_jwk(signing_key_public(keys[o])));
		FILE *f = open_out(dir, origins[o], "keys.json");
		json_dumpf(doc, f, JSON_COMPACT);
		fclose(f);
		json_decref(doc);
		snprintf(names[o], sizeof(names[o]), "bench.example/baladiya/%s", origins[o]);
	}
	for (int o = 0; o < 2; o++) {
		double t0 = now_s();
		char file[64];
		snprintf(file, sizeof(file), "events-%s.ndjson", origins[o]);
		FILE *copies[2] = {open_out(dir, origins[0], file),
				   open_out(dir, origins[1], file)};
		char prev[EVENT_HASH_HEX_LEN + 1] = EVENT_GENESIS_PREV;
		struct strbuf payload = STRBUF_INIT, env = STRBUF_INIT, line = STRBUF_INIT;
		for (long long i = 0; i < n; i++) {
			const char *type, *reason = NULL;
			json_t *data = data_of(i, &type), *commit = NULL, *content = NULL;
			if (content_commit(data, committed, &commit, &content) < 0)
				return 2;
			struct event ev = {.origin = origins[o],
					   .seq = i + 1,
					   .prev = prev,
					   .type = type,
					   .occurred_at = "2026-12-07T06:00:00.000Z",
					   .data = data,
					   .commit = commit};
			strbuf_setlen(&payload, 0);
			strbuf_setlen(&env, 0);
			strbuf_setlen(&line, 0);
			if (event_build(&payload, &ev, &reason) < 0) {
				fprintf(stderr, "event %lld: %s\n", i + 1, reason);
				return 2;
			}
			event_hash(payload.buf, payload.len, prev);
			tlog_leaf_hash(payload.buf, payload.len, leaves[i]);
			if (dsse_sign(&env, keys[o], DSSE_PAYLOAD_TYPE_EVENT, payload.buf,
				      payload.len) < 0)
				return 2;
			if (content)
				record_build(&line, env.buf, env.len, content, NULL);
			else
				strbuf_addbuf(&line, &env);
			strbuf_addch(&line, '\n');
			fwrite(line.buf, 1, line.len, copies[0]);
			fwrite(line.buf, 1, line.len, copies[1]);
			json_decref(data);
			json_decref(commit);
			json_decref(content);
		}
		fclose(copies[0]);
		fclose(copies[1]);
		strbuf_release(&payload);
		strbuf_release(&env);
		strbuf_release(&line);
		struct tlog_checkpoint cp = {.size = n};
		snprintf(cp.origin, sizeof(cp.origin), "%s", names[o]);
		tlog_tree_hash_of((const tlog_hash *)leaves, n, cp.root);
		tlog_checkpoint_body(&cp, &bodies[o]);
		if (tlog_note_sign(bodies[o].buf, bodies[o].len, names[o], keys[o], &notes[o]) < 0)
			return 2;
		fprintf(stderr, "generated %lld events of %s in %.1f s\n", n, origins[o],
			now_s() - t0);
	}
	for (int o = 0; o < 2; o++) {
		/* the other origin cosigns; both platforms serve the cosigned note */
		if (tlog_cosign(bodies[o].buf, bodies[o].len, names[1 - o], keys[1 - o], 1765090800,
				&notes[o]) < 0)
			return 2;
		char file[64];
		snprintf(file, sizeof(file), "checkpoint-%s.txt", origins[o]);
		for (int h = 0; h < 2; h++) {
			FILE *f = open_out(dir, origins[h], file);
			fwrite(notes[o].buf, 1, notes[o].len, f);
			fclose(f);
		}
		strbuf_release(&bodies[o]);
		strbuf_release(&notes[o]);
	}
	free(leaves);
	signing_key_free(keys[0]);
	signing_key_free(keys[1]);
	return 0;
}

static int
rates(double seconds)
{
	struct signing_key *key = key_of(0);
	const struct verify_key *pub = signing_key_public(key);
	unsigned char msg[700], sig[ED25519_SIGNATURE_LEN], md[SHA256_DIGEST_LENGTH];
	static unsigned char block[64 * 1024];
	memset(msg, 'a', sizeof(msg));
	if (signing_key_sign(key, msg, sizeof(msg), sig) < 0)
		return 2;
	long long count = 0;
	double t0 = now_s(), c0 = cpu_s();
	do {
		for (int i = 0; i < 100; i++)
			count += verify_key_verify(pub, msg, sizeof(msg), sig);
	} while (now_s() - t0 < seconds);
	printf("ed25519_verify_per_s=%.0f\n", (double)count / (cpu_s() - c0));
	count = 0;
	t0 = now_s();
	c0 = cpu_s();
	do {
		for (int i = 0; i < 1000; i++, count++)
			SHA256(msg, sizeof(msg), md);
	} while (now_s() - t0 < seconds);
	printf("sha256_700B_per_s=%.0f\n", (double)count / (cpu_s() - c0));
	count = 0;
	t0 = now_s();
	c0 = cpu_s();
	do {
		for (int i = 0; i < 16; i++, count++)
			SHA256(block, sizeof(block), md);
	} while (now_s() - t0 < seconds);
	printf("sha256_MB_per_s=%.0f\n", (double)count * sizeof(block) / 1e6 / (cpu_s() - c0));
	signing_key_free(key);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "gen") == 0)
		return gen(argv[2], atoll(argv[3]));
	if (argc == 3 && strcmp(argv[1], "rates") == 0)
		return rates(atof(argv[2]));
	fprintf(stderr, "usage: audit_bench_gen gen <dir> <events> | rates <seconds>\n");
	return 2;
}
