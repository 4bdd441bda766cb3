// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The auditor's checks over files of catch-up lines (audit.h): pure apart from reading those
 * files; no database, no network. Each record is verified by fed_verify_record_keys, the
 * receiver's own code, under the keys followed through the copy from the genesis key.
 */
#include "protocol/audit.h"

#include "common/xalloc.h"
#include "federation_internal.h"
#include "protocol/b64.h"
#include "protocol/content.h"
#include "protocol/dsse.h"
#include "protocol/event.h"
#include "protocol/keys.h"
#include "protocol/tlog.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Problems reported per copy at most (the count goes on). */
#define AUDIT_MAX_PROBLEMS 100
/* Differing envelopes reported per pair of copies at most. */
#define AUDIT_MAX_DIFFS 10

/* The part of an origin's log verified on an earlier run (audit_set_base): its copies start
 * after it. */
struct base {
	long long seq;
	char hash[EVENT_HASH_HEX_LEN + 1];
	tlog_hash edge[TLOG_EDGE_MAX]; /* the tree of the first seq events (tlog.h) */
	int nedge;
	struct {
		unsigned char raw[ED25519_PUBLIC_KEY_LEN];
		long long revoked_after_seq;
	} * keys; /* trusted at seq, with their revocations */
	size_t nkeys;
	json_t *checkpoints; /* {"<size>": "<root, base64>"} of the checkpoints verified */
};

struct origin_keys {
	char origin[EVENT_ORIGIN_MAX_LEN + 1];
	unsigned char genesis[ED25519_PUBLIC_KEY_LEN];
	char genesis_kid[KEY_ID_LEN + 1];
	json_t *doc_kids; /* every kid of the document */
	struct base *base;
};

struct kind {
	char type[EVENT_TYPE_MAX_LEN + 1];
	long long count;
	EVP_MD_CTX *ctx;
	char snap_digest[65]; /* at the copies' common length */
	long long snap_count;
};

struct copy {
	char origin[EVENT_ORIGIN_MAX_LEN + 1];
	char holder[EVENT_ORIGIN_MAX_LEN + 1];
	char *path;
	/* per line */
	long long n, alloc, off_alloc;
	unsigned char (*env)[SHA256_DIGEST_LENGTH]; /* SHA-256 of the line's envelope */
	long long *off;                             /* the line's offset in the file */
	tlog_hash *leaves;                          /* the line's leaf hash (tlog.h) */
	long long leaves_alloc;
	/* the keys followed through the copy, for checking checkpoints */
	struct {
		unsigned char raw[ED25519_PUBLIC_KEY_LEN];
		long long revoked_after_seq;
	} * fkeys;
	size_t nfkeys;
	/* results; base: the seq the copy starts after (its origin's base, else 0) */
	long long verified, last_seq, snap_at, problems, base;
	char last_hash[EVENT_HASH_HEX_LEN + 1];
	struct kind *kinds;
	size_t nkinds, kinds_alloc;
	json_t *withheld;
	json_t *keys;  /* [{kid, revoked_after_seq}] at the end of the copy */
	json_t *plist; /* its problems (copies are checked in parallel; merged in order) */
};

/* A checkpoint as a holder served it, or as an earlier run saw it (holder ""). */
struct checkpoint {
	char origin[EVENT_ORIGIN_MAX_LEN + 1];
	char holder[EVENT_ORIGIN_MAX_LEN + 1];
	char *note;
	size_t len;
	struct tlog_checkpoint cp;
	bool parsed, signed_ok;
	int matches; /* the log's tree at its size: 1 same root, 0 another, -1 not covered */
	json_t *cosigned_by;
};

struct audit {
	struct checkpoint *cps;
	size_t ncps, cps_alloc;
	struct origin_keys *origins;
	size_t norigins, origins_alloc;
	struct copy *copies;
	size_t ncopies, copies_alloc;
	json_t *problems;
	bool base_mismatch; /* a checkpoint below a base that the base does not know */
};

struct audit *
audit_new(void)
{
	struct audit *a = xcalloc(1, sizeof(*a));
	a->problems = json_array();
	return a;
}

static void
copy_release(struct copy *c)
{
	free(c->path);
	free(c->env);
	free(c->off);
	free(c->leaves);
	free(c->fkeys);
	for (size_t i = 0; i < c->nkinds; i++)
		EVP_MD_CTX_free(c->kinds[i].ctx);
	free(c->kinds);
	json_decref(c->withheld);
	json_decref(c->keys);
	json_decref(c->plist);
}

static void
base_free(struct base *b)
{
	if (!b)
		return;
	free(b->keys);
	json_decref(b->checkpoints);
	free(b);
}

void
audit_free(struct audit *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->norigins; i++) {
		json_decref(a->origins[i].doc_kids);
		base_free(a->origins[i].base);
	}
	free(a->origins);
	for (size_t i = 0; i < a->ncopies; i++)
		copy_release(&a->copies[i]);
	free(a->copies);
	for (size_t i = 0; i < a->ncps; i++) {
		free(a->cps[i].note);
		json_decref(a->cps[i].cosigned_by);
	}
	free(a->cps);
	json_decref(a->problems);
	free(a);
}

static struct origin_keys *
find_origin(const struct audit *a, const char *origin)
{
	for (size_t i = 0; i < a->norigins; i++)
		if (strcmp(a->origins[i].origin, origin) == 0)
			return &a->origins[i];
	return NULL;
}

int
audit_add_keys(struct audit *a, json_t *doc, const char *genesis_kid, const char **reason)
{
	const char *origin = json_string_value(json_object_get(doc, "origin"));
	json_t *keys = json_object_get(doc, "keys");
	*reason = "bad_key_document";
	if (!origin || !event_origin_is_valid(origin) || !json_array_size(keys))
		return -1;
	if (find_origin(a, origin)) {
		*reason = "duplicate_origin";
		return -1;
	}
	struct origin_keys ok = {0};
	snprintf(ok.origin, sizeof(ok.origin), "%s", origin);
	ok.doc_kids = json_array();
	bool found = false;
	size_t i;
	json_t *jwk;
	json_array_foreach(keys, i, jwk)
	{
		const char *why = NULL;
		struct verify_key *k = verify_key_from_jwk(jwk, &why);
		if (!k) {
			json_decref(ok.doc_kids);
			return -1;
		}
		json_array_append_new(ok.doc_kids, json_string(verify_key_id(k)));
		if (!found && (genesis_kid ? strcmp(verify_key_id(k), genesis_kid) == 0 : i == 0)) {
			verify_key_raw(k, ok.genesis);
			snprintf(ok.genesis_kid, sizeof(ok.genesis_kid), "%s", verify_key_id(k));
			found = true;
		}
		verify_key_free(k);
	}
	if (!found) {
		json_decref(ok.doc_kids);
		*reason = "unknown_genesis_key";
		return -1;
	}
	ALLOC_GROW(a->origins, a->norigins + 1, a->origins_alloc);
	a->origins[a->norigins++] = ok;
	*reason = NULL;
	return 0;
}

int
audit_add_copy(struct audit *a, const char *origin, const char *holder, const char *path)
{
	if (!event_origin_is_valid(origin) || !event_origin_is_valid(holder))
		return -1;
	ALLOC_GROW(a->copies, a->ncopies + 1, a->copies_alloc);
	struct copy *c = &a->copies[a->ncopies++];
	memset(c, 0, sizeof(*c));
	snprintf(c->origin, sizeof(c->origin), "%s", origin);
	snprintf(c->holder, sizeof(c->holder), "%s", holder);
	c->path = xstrdup(path);
	c->withheld = json_array();
	c->plist = json_array();
	return 0;
}

int
audit_add_checkpoint(struct audit *a, const char *origin, const char *holder, const char *note,
		     size_t len)
{
	if (!event_origin_is_valid(origin) || (holder && !event_origin_is_valid(holder)) ||
	    len > TLOG_NOTE_MAX)
		return -1;
	ALLOC_GROW(a->cps, a->ncps + 1, a->cps_alloc);
	struct checkpoint *c = &a->cps[a->ncps++];
	memset(c, 0, sizeof(*c));
	snprintf(c->origin, sizeof(c->origin), "%s", origin);
	snprintf(c->holder, sizeof(c->holder), "%s", holder ? holder : "");
	c->note = xmalloc(len + 1);
	memcpy(c->note, note, len);
	c->note[len] = '\0';
	c->len = len;
	c->cosigned_by = json_array();
	return 0;
}

/* ---- reading lines ---- */

/* Count the lines of path (a last line without "\n" counts); -1 when it cannot be read. */
static long long
count_lines(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char buf[1 << 16];
	size_t r;
	long long n = 0;
	int last = '\n';
	while ((r = fread(buf, 1, sizeof(buf), f)) > 0) {
		for (const char *p = buf; (p = memchr(p, '\n', (size_t)(buf + r - p))); p++)
			n++;
		last = (unsigned char)buf[r - 1];
	}
	bool err = ferror(f);
	fclose(f);
	if (err)
		return -1;
	return n + (last != '\n');
}

/* The line of c at index i (0-based) as a new JSON string, or null when unreadable. */
static json_t *
line_at(const struct copy *c, long long i)
{
	FILE *f = fopen(c->path, "rb");
	char *line = NULL;
	size_t cap = 0;
	json_t *out = NULL;
	if (f && fseeko(f, (off_t)c->off[i], SEEK_SET) == 0) {
		ssize_t r = getline(&line, &cap, f);
		if (r > 0 && line[r - 1] == '\n')
			r--;
		if (r >= 0)
			out = json_stringn_nocheck(line, (size_t)r);
	}
	free(line);
	if (f)
		fclose(f);
	return out ? out : json_null();
}

/* ---- problems ---- */

static void problem(struct audit *a, struct copy *c, const char *origin, const char *holder,
		    long long seq, const char *code, json_t *evidence, const char *fmt, ...)
	__attribute__((format(printf, 8, 9)));

static void
problem(struct audit *a, struct copy *c, const char *origin, const char *holder, long long seq,
	const char *code, json_t *evidence, const char *fmt, ...)
{
	if (c && c->problems++ >= AUDIT_MAX_PROBLEMS) {
		json_decref(evidence);
		return;
	}
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	json_t *p = json_pack("{s:s, s:s*, s:I, s:s, s:s}", "origin", origin, "holder", holder,
			      "seq", (json_int_t)seq, "code", code, "detail", sb.buf);
	if (evidence)
		json_object_set_new(p, "evidence", evidence);
	json_array_append_new(c ? c->plist : a->problems, p);
	strbuf_release(&sb);
}

/* ---- one copy ---- */

static void
kind_add(struct copy *c, const char *type, const char *hash)
{
	struct kind *k = NULL;
	for (size_t i = 0; i < c->nkinds && !k; i++)
		if (strcmp(c->kinds[i].type, type) == 0)
			k = &c->kinds[i];
	if (!k) {
		ALLOC_GROW(c->kinds, c->nkinds + 1, c->kinds_alloc);
		k = &c->kinds[c->nkinds++];
		memset(k, 0, sizeof(*k));
		snprintf(k->type, sizeof(k->type), "%s", type);
		k->ctx = EVP_MD_CTX_new();
		if (!k->ctx || EVP_DigestInit_ex(k->ctx, EVP_sha256(), NULL) != 1)
			abort();
	}
	k->count++;
	EVP_DigestUpdate(k->ctx, hash, EVENT_HASH_HEX_LEN);
	EVP_DigestUpdate(k->ctx, "\n", 1);
}

static void
digest_hex(EVP_MD_CTX *ctx, bool copy_first, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	EVP_MD_CTX *use = ctx;
	if (copy_first) {
		use = EVP_MD_CTX_new();
		if (!use || EVP_MD_CTX_copy_ex(use, ctx) != 1)
			abort();
	}
	EVP_DigestFinal_ex(use, md, &len);
	if (copy_first)
		EVP_MD_CTX_free(use);
	for (unsigned i = 0; i < len && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* Record the kinds' counts and digests as they are after snap_at events. */
static void
kinds_snapshot(struct copy *c)
{
	for (size_t i = 0; i < c->nkinds; i++) {
		digest_hex(c->kinds[i].ctx, true, c->kinds[i].snap_digest);
		c->kinds[i].snap_count = c->kinds[i].count;
	}
}

/* The envelope of a line that did not verify, for comparing copies: the record's envelope if
 * the line is one, else the line itself. */
static void
envelope_digest_raw(const char *line, size_t len, unsigned char out[SHA256_DIGEST_LENGTH],
		    tlog_hash leaf)
{
	struct record rec;
	struct dsse_envelope *env = NULL;
	const char *why = NULL;
	memset(leaf, 0, TLOG_HASH_LEN);
	if (record_parse(line, len, &rec, &why) == STATUS_OK) {
		SHA256((const unsigned char *)rec.envelope, rec.envelope_len, out);
		if (dsse_envelope_parse(rec.envelope, rec.envelope_len, &env, &why) == STATUS_OK)
			tlog_leaf_hash(env->payload, env->payload_len, leaf);
		dsse_envelope_free(env);
		record_release(&rec);
	} else {
		SHA256((const unsigned char *)line, len, out);
	}
}

static struct peer_key *
key_find(struct peer_key *keys, size_t n, const char *kid)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(verify_key_id(keys[i].key), kid) == 0)
			return &keys[i];
	return NULL;
}

/* Follow keys.rotated and keys.revoked (13.3, 13.10) as a receiver does. */
static void
follow_keys(struct audit *a, struct copy *c, const struct origin_keys *ok, const struct event *ev,
	    struct peer_key **keys, size_t *nkeys, size_t *alloc)
{
	const char *kid = NULL;
	if (strcmp(ev->type, "keys.rotated") == 0) {
		unsigned char raw[ED25519_PUBLIC_KEY_LEN];
		if (fed_rotation_parse(ev->data, raw, &kid) < 0 || key_find(*keys, *nkeys, kid))
			return;
		struct verify_key *k = verify_key_from_raw(raw);
		if (!k)
			return;
		ALLOC_GROW(*keys, *nkeys + 1, *alloc);
		(*keys)[(*nkeys)++] = (struct peer_key){k, -1};
		bool published = false;
		size_t i;
		json_t *v;
		json_array_foreach(ok->doc_kids, i, v) published |=
			strcmp(json_string_value(v), kid) == 0;
		if (!published)
			problem(a, c, c->origin, c->holder, ev->seq, "key_not_published", NULL,
				"the key %s this event announces is not in the origin's key "
				"document (which never removes a key)",
				kid);
	} else if (strcmp(ev->type, "keys.revoked") == 0) {
		long long last = 0;
		if (fed_revocation_parse(ev->seq, ev->data, &kid, &last) < 0)
			return;
		struct peer_key *k = key_find(*keys, *nkeys, kid);
		if (k && (k->revoked_after_seq < 0 || last < k->revoked_after_seq))
			k->revoked_after_seq = last;
	}
}

static void
note_withheld(struct copy *c, long long seq, json_t *withheld)
{
	const char *field;
	json_t *why;
	json_object_foreach(withheld, field, why)
	{
		json_array_append_new(c->withheld,
				      json_pack("{s:I, s:s, s:O}", "seq", (json_int_t)seq, "field",
						field, "reason", why));
	}
}

/* Verify every line of c; -1 when its file cannot be read. */
static int
check_copy(struct audit *a, struct copy *c)
{
	const struct origin_keys *ok = find_origin(a, c->origin);
	FILE *f = fopen(c->path, "rb");
	if (!f)
		return -1;
	struct peer_key *keys = NULL;
	size_t nkeys = 0, kalloc = 0;
	const struct base *b = ok ? ok->base : NULL;
	if (b) {
		/* the keys trusted where the part verified before ends */
		ALLOC_GROW(keys, b->nkeys, kalloc);
		for (size_t i = 0; i < b->nkeys; i++) {
			keys[nkeys] = (struct peer_key){verify_key_from_raw(b->keys[i].raw),
							b->keys[i].revoked_after_seq};
			nkeys += keys[nkeys].key != NULL;
		}
	} else if (ok) {
		ALLOC_GROW(keys, 1, kalloc);
		keys[0] = (struct peer_key){verify_key_from_raw(ok->genesis), -1};
		nkeys = keys[0].key != NULL;
	} else {
		problem(a, c, c->origin, c->holder, 0, "no_key_document", NULL,
			"no key document of origin %s: no signature can be checked", c->origin);
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t r;
	long long expect = 1, pos = 0, prev_seq = -1;
	bool chained = false; /* the previous line verified: check prev against its hash */
	char prev_hash[EVENT_HASH_HEX_LEN + 1] = {0};
	if (b) {
		/* the first line must chain on the last event verified before */
		expect = b->seq + 1;
		prev_seq = c->base = c->last_seq = b->seq;
		chained = true;
		memcpy(prev_hash, b->hash, sizeof(prev_hash));
		memcpy(c->last_hash, b->hash, sizeof(prev_hash));
	}
	if (c->snap_at == 0)
		kinds_snapshot(c);
	while ((r = getline(&line, &cap, f)) != -1) {
		size_t len = (size_t)r;
		if (len && line[len - 1] == '\n')
			len--;
		ALLOC_GROW(c->env, c->n + 1, c->alloc);
		ALLOC_GROW(c->off, c->n + 1, c->off_alloc);
		ALLOC_GROW(c->leaves, c->n + 1, c->leaves_alloc);
		c->off[c->n] = pos;
		pos += r;
		struct verified v;
		const char *code = NULL;
		enum status st =
			fed_verify_record_keys(line, len, c->origin, keys, nkeys, &v, &code);
		if (st != STATUS_OK) {
			envelope_digest_raw(line, len, c->env[c->n], c->leaves[c->n]);
			problem(a, c, c->origin, c->holder, expect, code,
				json_pack("{s:o}", "line", json_stringn_nocheck(line, len)),
				"line %lld (seq %lld expected) does not verify: %s", c->n + 1,
				expect, code);
			chained = false;
			expect++;
			goto next;
		}
		SHA256((const unsigned char *)v.envelope, v.envelope_len, c->env[c->n]);
		tlog_leaf_hash(v.payload, v.payload_len, c->leaves[c->n]);
		struct event *ev = v.ev;
		char hash[EVENT_HASH_HEX_LEN + 1];
		event_hash(v.payload, v.payload_len, hash);
		if (ev->seq != expect) {
			if (ev->seq > expect)
				problem(a, c, c->origin, c->holder, expect, "missing_event", NULL,
					"line %lld holds seq %lld where seq %lld was expected: "
					"seq %lld to %lld missing",
					c->n + 1, (long long)ev->seq, expect, expect,
					(long long)ev->seq - 1);
			else
				problem(a, c, c->origin, c->holder, ev->seq, "out_of_order", NULL,
					"line %lld holds seq %lld where seq %lld was expected",
					c->n + 1, (long long)ev->seq, expect);
		} else if (chained && ev->seq == prev_seq + 1 && strcmp(ev->prev, prev_hash) != 0) {
			problem(a, c, c->origin, c->holder, ev->seq, "broken_chain", NULL,
				"prev %s is not the hash %s of seq %lld", ev->prev, prev_hash,
				(long long)ev->seq - 1);
		}
		if (ev->seq + 1 > expect)
			expect = ev->seq + 1;
		chained = true;
		prev_seq = ev->seq;
		memcpy(prev_hash, hash, sizeof(hash));
		c->verified++;
		c->last_seq = ev->seq;
		memcpy(c->last_hash, hash, sizeof(hash));
		kind_add(c, ev->type, hash);
		if (json_object_size(v.withheld))
			note_withheld(c, ev->seq, v.withheld);
		if (ok)
			follow_keys(a, c, ok, ev, &keys, &nkeys, &kalloc);
		fed_verified_release(&v);
	next:
		c->n++;
		if (c->n == c->snap_at)
			kinds_snapshot(c);
	}
	bool err = ferror(f);
	fclose(f);
	free(line);
	c->keys = json_array();
	c->fkeys = nkeys ? xcalloc(nkeys, sizeof(*c->fkeys)) : NULL;
	c->nfkeys = nkeys;
	for (size_t i = 0; i < nkeys; i++) {
		verify_key_raw(keys[i].key, c->fkeys[i].raw);
		c->fkeys[i].revoked_after_seq = keys[i].revoked_after_seq;
		json_array_append_new(c->keys,
				      json_pack("{s:s, s:o}", "kid", verify_key_id(keys[i].key),
						"revoked_after_seq",
						keys[i].revoked_after_seq < 0
							? json_null()
							: json_integer(keys[i].revoked_after_seq)));
		verify_key_free(keys[i].key);
	}
	free(keys);
	if (c->problems > AUDIT_MAX_PROBLEMS) {
		char more[96];
		snprintf(more, sizeof(more), "%lld more problems in this copy were not listed",
			 c->problems - AUDIT_MAX_PROBLEMS);
		json_array_append_new(c->plist,
				      json_pack("{s:s, s:s, s:i, s:s, s:s}", "origin", c->origin,
						"holder", c->holder, "seq", 0, "code",
						"too_many_problems", "detail", more));
	}
	return err ? -1 : 0;
}

/* Copies are verified in parallel, one thread per processor (each copy is independent). */
struct pool {
	struct audit *a;
	atomic_size_t next;
	atomic_int err;
};

static void *
copy_worker(void *arg)
{
	struct pool *p = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&p->next, 1);
		if (i >= p->a->ncopies)
			break;
		errno = 0;
		if (check_copy(p->a, &p->a->copies[i]) < 0)
			atomic_store(&p->err, errno ? errno : EIO);
	}
	return NULL;
}

/* Check every copy; 0, or the errno of a file that could not be read. */
static int
check_copies(struct audit *a)
{
	struct pool p = {.a = a};
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = a->ncopies < (size_t)(cpus > 1 ? cpus : 1) ? a->ncopies : (size_t)cpus;
	pthread_t *threads = n > 1 ? xcalloc(n - 1, sizeof(*threads)) : NULL;
	size_t started = 0;
	atomic_init(&p.next, 0);
	atomic_init(&p.err, 0);
	for (size_t i = 0; i + 1 < n; i++)
		if (pthread_create(&threads[i], NULL, copy_worker, &p) == 0)
			started++;
		else
			break;
	copy_worker(&p);
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	return atomic_load(&p.err);
}

/* ---- comparing copies ---- */

static json_t *
kinds_json(const struct copy *c)
{
	json_t *out = json_object();
	for (size_t i = 0; i < c->nkinds; i++) {
		char d[65] = {0};
		digest_hex(c->kinds[i].ctx, true, d);
		json_object_set_new(out, c->kinds[i].type,
				    json_pack("{s:I, s:s}", "count", (json_int_t)c->kinds[i].count,
					      "digest", d));
	}
	return out;
}

/* Whether a and b have the same kinds (count and digest) at their common length. */
static bool
kinds_agree(const struct copy *a, const struct copy *b)
{
	size_t na = 0, nb = 0;
	for (size_t i = 0; i < a->nkinds; i++)
		na += a->kinds[i].snap_count > 0;
	for (size_t i = 0; i < b->nkinds; i++)
		nb += b->kinds[i].snap_count > 0;
	if (na != nb)
		return false;
	for (size_t i = 0; i < a->nkinds; i++) {
		const struct kind *ka = &a->kinds[i];
		if (!ka->snap_count)
			continue;
		bool same = false;
		for (size_t j = 0; j < b->nkinds && !same; j++)
			same = strcmp(b->kinds[j].type, ka->type) == 0 &&
			       b->kinds[j].snap_count == ka->snap_count &&
			       strcmp(b->kinds[j].snap_digest, ka->snap_digest) == 0;
		if (!same)
			return false;
	}
	return true;
}

/* Compare mirror m with the origin's own copy o, envelope by envelope; returns how many
 * differ. */
static long long
compare_copies(struct audit *a, const struct copy *o, const struct copy *m)
{
	long long n = o->n < m->n ? o->n : m->n, diffs = 0, base = o->base;
	for (long long i = 0; i < n; i++) {
		if (memcmp(o->env[i], m->env[i], SHA256_DIGEST_LENGTH) == 0)
			continue;
		if (diffs++ < AUDIT_MAX_DIFFS)
			problem(a, NULL, o->origin, m->holder, base + i + 1, "copies_differ",
				json_pack("{s:o, s:o}", o->holder, line_at(o, i), m->holder,
					  line_at(m, i)),
				"line %lld of %s's log differs between %s and %s: equivocation by "
				"the origin or tampering by a holder (the signature check says "
				"which copy verifies)",
				base + i + 1, o->origin, o->holder, m->holder);
	}
	if (m->n > o->n)
		problem(a, NULL, o->origin, o->holder, base + o->n + 1, "origin_behind_mirror",
			NULL,
			"%s serves %lld events of its own log, fewer than the %lld %s holds: "
			"events %lld to %lld are missing at their origin",
			o->origin, base + o->n, base + m->n, m->holder, base + o->n + 1,
			base + m->n);
	return diffs;
}

/* ---- checkpoints ---- */

/* The copy by which origin's keys were followed: its own, else any. */
static const struct copy *
key_copy(const struct audit *a, const char *origin)
{
	const struct copy *any = NULL;
	for (size_t i = 0; i < a->ncopies; i++)
		if (strcmp(a->copies[i].origin, origin) == 0) {
			if (strcmp(a->copies[i].holder, origin) == 0)
				return &a->copies[i];
			any = &a->copies[i];
		}
	return any;
}

/* The origin line (key name) of origin's log: the one its checkpoints carry, or NULL. */
static const char *
name_of(const struct audit *a, const char *origin)
{
	for (size_t i = 0; i < a->ncps; i++)
		if (a->cps[i].parsed && strcmp(a->cps[i].origin, origin) == 0)
			return a->cps[i].cp.origin;
	return NULL;
}

static json_t *
note_json(const struct checkpoint *c)
{
	return json_stringn_nocheck(c->note, c->len);
}

static const char *
cp_holder(const struct checkpoint *c)
{
	return c->holder[0] ? c->holder : NULL;
}

/* Parse and check the signature of each checkpoint by its origin's keys (trusted at its size). */
static void
check_checkpoint_signatures(struct audit *a)
{
	for (size_t i = 0; i < a->ncps; i++) {
		struct checkpoint *c = &a->cps[i];
		size_t body_len = 0, sigs_len = 0;
		const char *sigs = NULL;
		char suffix[EVENT_ORIGIN_MAX_LEN + 16];
		snprintf(suffix, sizeof(suffix), "/baladiya/%s", c->origin);
		if (tlog_note_split(c->note, c->len, &body_len, &sigs, &sigs_len) < 0 ||
		    tlog_checkpoint_parse(c->note, body_len, &c->cp) < 0 ||
		    strlen(c->cp.origin) < strlen(suffix) ||
		    strcmp(c->cp.origin + strlen(c->cp.origin) - strlen(suffix), suffix) != 0) {
			problem(a, NULL, c->origin, cp_holder(c), 0, "bad_checkpoint",
				json_pack("{s:o}", "note", note_json(c)),
				"not a checkpoint of %s's log (C2SP tlog-checkpoint, origin line "
				"\"<host>%s\")",
				c->origin, suffix);
			continue;
		}
		c->parsed = true;
		const struct copy *k = key_copy(a, c->origin);
		for (size_t j = 0; k && j < k->nfkeys && !c->signed_ok; j++) {
			if (k->fkeys[j].revoked_after_seq >= 0 &&
			    c->cp.size > k->fkeys[j].revoked_after_seq)
				continue;
			struct verify_key *vk = verify_key_from_raw(k->fkeys[j].raw);
			c->signed_ok = vk && tlog_note_verify(c->note, c->len, c->cp.origin, vk);
			verify_key_free(vk);
		}
		if (!c->signed_ok)
			problem(a, NULL, c->origin, cp_holder(c), c->cp.size,
				"bad_checkpoint_signature",
				json_pack("{s:o}", "note", note_json(c)),
				"the checkpoint of size %lld is not signed by a key of %s trusted "
				"at "
				"that size",
				c->cp.size, c->origin);
	}
}

/* The cosignatures on c by the other origins' keys, under their logs' names. */
static void
find_cosignatures(struct audit *a, struct checkpoint *c)
{
	for (size_t o = 0; o < a->norigins; o++) {
		const char *witness = a->origins[o].origin;
		const char *name = name_of(a, witness);
		const struct copy *k = key_copy(a, witness);
		if (strcmp(witness, c->origin) == 0 || !name || !k)
			continue;
		for (size_t j = 0; j < k->nfkeys; j++) {
			uint64_t t = 0;
			struct verify_key *vk = verify_key_from_raw(k->fkeys[j].raw);
			bool ok = vk && tlog_cosignature_verify(c->note, c->len, name, vk, &t);
			verify_key_free(vk);
			if (ok) {
				json_array_append_new(c->cosigned_by,
						      json_pack("{s:s, s:s, s:I}", "origin",
								witness, "name", name, "time",
								(json_int_t)t));
				break;
			}
		}
	}
}

/* The root of log's tree at size (≤ its base + n): 1, or 0 when size is below its base and the
 * base kept no root for it. */
static int
copy_root(const struct audit *a, const struct copy *log, long long size, tlog_hash out)
{
	const struct origin_keys *ok = find_origin(a, log->origin);
	const struct base *b = ok ? ok->base : NULL;
	if (!b) {
		tlog_tree_hash_of((const tlog_hash *)log->leaves, size, out);
		return 1;
	}
	if (size < b->seq) {
		char key[24];
		snprintf(key, sizeof(key), "%lld", size);
		const char *r = json_string_value(json_object_get(b->checkpoints, key));
		return r && b64_decode_exact(r, strlen(r), out, TLOG_HASH_LEN) == 0;
	}
	tlog_hash edge[TLOG_EDGE_MAX];
	int k = b->nedge;
	memcpy(edge, b->edge, sizeof(edge));
	for (long long i = b->seq; i < size; i++)
		tlog_edge_append(edge, &k, i, log->leaves[i - b->seq]);
	tlog_edge_root((const tlog_hash *)edge, k, out);
	return 1;
}

/* The verified checkpoint of origin, other than skip, at size with root, or NULL. */
static const struct checkpoint *
matching_checkpoint(const struct audit *a, const struct checkpoint *skip, long long size)
{
	for (size_t i = 0; i < a->ncps; i++) {
		const struct checkpoint *c = &a->cps[i];
		if (c != skip && c->signed_ok && c->matches == 1 &&
		    strcmp(c->origin, skip->origin) == 0 && c->cp.size == size)
			return c;
	}
	return NULL;
}

/*
 * Every signed checkpoint against the logs: the tree of the first size events of a copy that
 * holds them must have its root (then all checkpoints seen are consistent with each other and
 * with the log); a checkpoint no copy covers means the log was rolled back below what its
 * origin signed; and the origin's latest checkpoint must not be smaller than one seen before.
 */
static void
check_checkpoints(struct audit *a)
{
	check_checkpoint_signatures(a);
	for (size_t i = 0; i < a->ncps; i++) {
		struct checkpoint *c = &a->cps[i];
		if (!c->signed_ok)
			continue;
		find_cosignatures(a, c);
		/* the tree of any copy that holds size events: a copy altered since is reported by
		 * the line checks, the checkpoint is a fork only when no copy has its root */
		c->matches = -1;
		bool unknown = false;
		for (size_t j = 0; j < a->ncopies && c->matches != 1; j++) {
			const struct copy *log = &a->copies[j];
			if (strcmp(log->origin, c->origin) != 0 || log->base + log->n < c->cp.size)
				continue;
			tlog_hash root;
			int got = copy_root(a, log, c->cp.size, root);
			if (got == 0)
				unknown = true;
			else
				c->matches = memcmp(root, c->cp.root, TLOG_HASH_LEN) == 0;
		}
		if (unknown && c->matches < 0) {
			/* below the part verified before, at a size it did not verify: only the
			 * whole log can tell (the caller runs again in full) */
			a->base_mismatch = true;
			continue;
		}
		if (c->matches < 0)
			problem(a, NULL, c->origin, cp_holder(c), c->cp.size, "rolled_back",
				json_pack("{s:o}", "note", note_json(c)),
				"%s signed a checkpoint of %lld events%s, but no copy of its log "
				"holds that many: the log was rolled back (or events withheld)",
				c->origin, c->cp.size,
				c->holder[0] ? "" : " (seen on an earlier run)");
	}
	for (size_t i = 0; i < a->ncps; i++) {
		const struct checkpoint *c = &a->cps[i];
		if (!c->signed_ok || c->matches != 0)
			continue;
		const struct checkpoint *other = matching_checkpoint(a, c, c->cp.size);
		json_t *ev = json_pack("{s:o}", "note", note_json(c));
		if (other)
			json_object_set_new(ev, "other_note", note_json(other));
		problem(a, NULL, c->origin, cp_holder(c), c->cp.size, "checkpoint_fork", ev,
			"%s signed a checkpoint of size %lld whose root is not the tree of its "
			"log's "
			"first %lld events: two histories signed by the origin",
			c->origin, c->cp.size, c->cp.size);
	}
	/* a latest checkpoint smaller than one already seen */
	for (size_t i = 0; i < a->ncps; i++) {
		const struct checkpoint *c = &a->cps[i];
		if (!c->signed_ok || strcmp(c->holder, c->origin) != 0)
			continue;
		const struct checkpoint *larger = NULL;
		for (size_t j = 0; j < a->ncps; j++)
			if (a->cps[j].signed_ok && strcmp(a->cps[j].origin, c->origin) == 0 &&
			    a->cps[j].cp.size > c->cp.size &&
			    (!larger || a->cps[j].cp.size > larger->cp.size))
				larger = &a->cps[j];
		if (larger)
			problem(a, NULL, c->origin, c->holder, c->cp.size, "checkpoint_rolled_back",
				json_pack("{s:o, s:o}", "note", note_json(c), "larger_note",
					  note_json(larger)),
				"%s's latest checkpoint has %lld events, fewer than the %lld of a "
				"checkpoint it signed before",
				c->origin, c->cp.size, larger->cp.size);
	}
}

static json_t *
checkpoints_json(const struct audit *a)
{
	json_t *out = json_array();
	for (size_t i = 0; i < a->ncps; i++) {
		const struct checkpoint *c = &a->cps[i];
		if (!c->parsed)
			continue;
		struct strbuf root = STRBUF_INIT;
		b64_encode(&root, c->cp.root, TLOG_HASH_LEN);
		json_array_append_new(
			out, json_pack("{s:s, s:s?, s:s, s:I, s:s, s:b, s:O, s:o}", "origin",
				       c->origin, "holder", cp_holder(c), "name", c->cp.origin,
				       "size", (json_int_t)c->cp.size, "root", root.buf, "signed",
				       c->signed_ok, "cosigned_by", c->cosigned_by, "root_matches",
				       c->matches < 0 ? json_null() : json_boolean(c->matches)));
		strbuf_release(&root);
	}
	return out;
}

json_t *
audit_seen(const struct audit *a)
{
	json_t *out = json_array();
	for (size_t i = 0; i < a->ncps; i++) {
		const struct checkpoint *c = &a->cps[i];
		bool dup = false;
		for (size_t j = 0; j < i && !dup; j++)
			dup = a->cps[j].signed_ok && a->cps[j].len == c->len &&
			      strcmp(a->cps[j].origin, c->origin) == 0 &&
			      memcmp(a->cps[j].note, c->note, c->len) == 0;
		if (c->signed_ok && !dup)
			json_array_append_new(out, json_pack("{s:s, s:o}", "origin", c->origin,
							     "note", note_json(c)));
	}
	return out;
}

json_t *
audit_run(struct audit *a, const char **reason)
{
	/* the common length of each origin's copies, where the kinds are compared */
	for (size_t i = 0; i < a->ncopies; i++) {
		long long n = count_lines(a->copies[i].path);
		if (n < 0) {
			*reason = strerror(errno ? errno : EIO);
			return NULL;
		}
		a->copies[i].snap_at = n;
	}
	for (size_t i = 0; i < a->ncopies; i++)
		for (size_t j = 0; j < a->ncopies; j++)
			if (strcmp(a->copies[i].origin, a->copies[j].origin) == 0 &&
			    a->copies[j].snap_at < a->copies[i].snap_at)
				a->copies[i].snap_at = a->copies[j].snap_at;
	int err = check_copies(a);
	if (err) {
		*reason = strerror(err);
		return NULL;
	}
	for (size_t i = 0; i < a->ncopies; i++)
		json_array_extend(a->problems, a->copies[i].plist);

	check_checkpoints(a);

	json_t *origins = json_array();
	for (size_t i = 0; i < a->norigins; i++) {
		const struct origin_keys *ok = &a->origins[i];
		const struct copy *own = NULL;
		for (size_t j = 0; j < a->ncopies; j++)
			if (strcmp(a->copies[j].origin, ok->origin) == 0 &&
			    strcmp(a->copies[j].holder, ok->origin) == 0)
				own = &a->copies[j];
		json_t *copies = json_array();
		bool agree = true, kinds_ok = true;
		long long compared = -1;
		for (size_t j = 0; j < a->ncopies; j++) {
			const struct copy *c = &a->copies[j];
			if (strcmp(c->origin, ok->origin) != 0)
				continue;
			json_t *cj = json_pack(
				"{s:s, s:I, s:I, s:I, s:s, s:o, s:O, s:O, s:o}", "holder",
				c->holder, "events", (json_int_t)(c->base + c->n), "verified",
				(json_int_t)(c->base + c->verified), "last_seq",
				(json_int_t)c->last_seq, "last_hash", c->last_hash, "kinds",
				kinds_json(c), "withheld", c->withheld, "keys", c->keys, "problems",
				json_integer(c->problems));
			if (own && c != own) {
				json_object_set_new(cj, "lag", json_integer(own->n - c->n));
				agree &= compare_copies(a, own, c) == 0 && c->n <= own->n;
				kinds_ok &= kinds_agree(own, c);
				long long n = c->base + (own->n < c->n ? own->n : c->n);
				compared = compared < 0 || n < compared ? n : compared;
			} else if (own) {
				json_object_set_new(cj, "lag", json_integer(0));
			}
			json_array_append_new(copies, cj);
		}
		if (!own)
			problem(a, NULL, ok->origin, NULL, 0, "no_origin_copy", NULL,
				"no copy of %s's log as %s serves it", ok->origin, ok->origin);
		json_array_append_new(origins,
				      json_pack("{s:s, s:s, s:O, s:o, s:I, s:b, s:b, s:I}",
						"origin", ok->origin, "genesis_key",
						ok->genesis_kid, "document_keys", ok->doc_kids,
						"copies", copies, "compared",
						(json_int_t)(compared < 0 ? 0 : compared), "agree",
						agree, "kinds_agree", kinds_ok, "verified_before",
						(json_int_t)(ok->base ? ok->base->seq : 0)));
	}
	for (size_t j = 0; j < a->ncopies; j++)
		if (!find_origin(a, a->copies[j].origin))
			problem(a, NULL, a->copies[j].origin, a->copies[j].holder, 0,
				"unknown_origin", NULL,
				"a copy of %s's log, whose keys are unknown", a->copies[j].origin);
	return json_pack("{s:i, s:b, s:o, s:o, s:O}", "version", 1, "ok",
			 json_array_size(a->problems) == 0, "origins", origins, "checkpoints",
			 checkpoints_json(a), "problems", a->problems);
}

/* ---- the part verified before ---- */

/* A hash in hex (64 lowercase digits). */
static bool
is_hex_hash(const char *s)
{
	return s && strlen(s) == EVENT_HASH_HEX_LEN &&
	       strspn(s, "0123456789abcdef") == EVENT_HASH_HEX_LEN;
}

int
audit_set_base(struct audit *a, const char *origin, json_t *base, const char **reason)
{
	struct origin_keys *ok = find_origin(a, origin);
	json_t *seq = json_object_get(base, "seq"), *edge = json_object_get(base, "edge");
	json_t *keys = json_object_get(base, "keys"), *cps = json_object_get(base, "checkpoints");
	const char *hash = json_string_value(json_object_get(base, "hash"));
	const char *root = json_string_value(json_object_get(base, "root"));
	struct base *b = xcalloc(1, sizeof(*b));
	tlog_hash r, mine;
	*reason = "bad_base";
	if (!ok) {
		*reason = "unknown_origin";
		goto fail;
	}
	if (!json_is_integer(seq) || json_integer_value(seq) < 1 || !is_hex_hash(hash) ||
	    !json_is_array(edge) || json_array_size(edge) > TLOG_EDGE_MAX || !json_is_array(keys) ||
	    json_array_size(keys) == 0 || !json_is_object(cps) || !root ||
	    b64_decode_exact(root, strlen(root), r, TLOG_HASH_LEN) < 0)
		goto fail;
	b->seq = json_integer_value(seq);
	snprintf(b->hash, sizeof(b->hash), "%s", hash);
	size_t i;
	json_t *v;
	json_array_foreach(edge, i, v)
	{
		const char *h = json_string_value(v);
		if (!h || b64_decode_exact(h, strlen(h), b->edge[i], TLOG_HASH_LEN) < 0)
			goto fail;
	}
	b->nedge = (int)json_array_size(edge);
	/* the edge of a tree of seq leaves has one hash per one-bit of seq, and gives its root */
	tlog_edge_root((const tlog_hash *)b->edge, b->nedge, mine);
	if (b->nedge != __builtin_popcountll((unsigned long long)b->seq) ||
	    memcmp(mine, r, TLOG_HASH_LEN) != 0)
		goto fail;
	b->keys = xcalloc(json_array_size(keys), sizeof(*b->keys));
	json_array_foreach(keys, i, v)
	{
		const char *k = json_string_value(json_object_get(v, "key"));
		json_t *rev = json_object_get(v, "revoked_after_seq");
		if (!k ||
		    b64_decode_exact(k, strlen(k), b->keys[i].raw, ED25519_PUBLIC_KEY_LEN) < 0 ||
		    !(json_is_null(rev) || json_is_integer(rev)))
			goto fail;
		b->keys[i].revoked_after_seq = json_is_null(rev) ? -1 : json_integer_value(rev);
		b->nkeys++;
	}
	b->checkpoints = json_incref(cps);
	base_free(ok->base);
	ok->base = b;
	return 0;
fail:
	base_free(b);
	return -1;
}

bool
audit_base_mismatch(const struct audit *a)
{
	return a->base_mismatch;
}

json_t *
audit_base(const struct audit *a, const char *origin)
{
	const struct origin_keys *ok = find_origin(a, origin);
	const struct copy *m = NULL;
	for (size_t i = 0; i < a->ncopies; i++)
		if (strcmp(a->copies[i].origin, origin) == 0 &&
		    (!m || a->copies[i].last_seq < m->last_seq))
			m = &a->copies[i];
	/* the shortest copy: what every copy holds, verified */
	if (!ok || !m || m->last_seq < 1 || m->base + m->verified != m->last_seq)
		return NULL;
	const struct base *b = ok->base;
	tlog_hash edge[TLOG_EDGE_MAX], root;
	int k = b ? b->nedge : 0;
	if (b)
		memcpy(edge, b->edge, sizeof(edge));
	for (long long i = m->base; i < m->last_seq; i++)
		tlog_edge_append(edge, &k, i, m->leaves[i - m->base]);
	tlog_edge_root((const tlog_hash *)edge, k, root);
	json_t *jedge = json_array(), *keys = json_array();
	json_t *cps = b ? json_deep_copy(b->checkpoints) : json_object();
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < k; i++) {
		strbuf_reset(&sb);
		b64_encode(&sb, edge[i], TLOG_HASH_LEN);
		json_array_append_new(jedge, json_string(sb.buf));
	}
	for (size_t i = 0; i < m->nfkeys; i++) {
		strbuf_reset(&sb);
		b64_encode(&sb, m->fkeys[i].raw, ED25519_PUBLIC_KEY_LEN);
		json_array_append_new(
			keys, json_pack("{s:s, s:o}", "key", sb.buf, "revoked_after_seq",
					m->fkeys[i].revoked_after_seq < 0
						? json_null()
						: json_integer(m->fkeys[i].revoked_after_seq)));
	}
	/* the roots of the checkpoints verified, for those seen again below the new base */
	for (size_t i = 0; i < a->ncps; i++) {
		const struct checkpoint *c = &a->cps[i];
		if (!c->signed_ok || c->matches != 1 || strcmp(c->origin, origin) != 0 ||
		    c->cp.size > m->last_seq)
			continue;
		char key[24];
		snprintf(key, sizeof(key), "%lld", c->cp.size);
		strbuf_reset(&sb);
		b64_encode(&sb, c->cp.root, TLOG_HASH_LEN);
		json_object_set_new(cps, key, json_string(sb.buf));
	}
	strbuf_reset(&sb);
	b64_encode(&sb, root, TLOG_HASH_LEN);
	json_t *out = json_pack("{s:I, s:s, s:s, s:o, s:o, s:o}", "seq", (json_int_t)m->last_seq,
				"hash", m->last_hash, "root", sb.buf, "edge", jedge, "keys", keys,
				"checkpoints", cps);
	strbuf_release(&sb);
	return out;
}

/* ---- text ---- */

void
audit_report_text(const json_t *report, struct strbuf *out)
{
	size_t i, j;
	json_t *o, *c;
	json_array_foreach(json_object_get(report, "origins"), i, o)
	{
		strbuf_addf(out, "log of %s: genesis key %s\n",
			    json_string_value(json_object_get(o, "origin")),
			    json_string_value(json_object_get(o, "genesis_key")));
		json_array_foreach(json_object_get(o, "copies"), j, c)
		{
			strbuf_addf(out,
				    "  as %s serves it: %lld events, %lld verified, last seq %lld "
				    "(%s)",
				    json_string_value(json_object_get(c, "holder")),
				    (long long)json_integer_value(json_object_get(c, "events")),
				    (long long)json_integer_value(json_object_get(c, "verified")),
				    (long long)json_integer_value(json_object_get(c, "last_seq")),
				    json_string_value(json_object_get(c, "last_hash")));
			if (json_is_integer(json_object_get(c, "lag")))
				strbuf_addf(
					out, ", lag %lld",
					(long long)json_integer_value(json_object_get(c, "lag")));
			strbuf_addch(out, '\n');
			const char *type;
			json_t *k;
			json_object_foreach(json_object_get(c, "kinds"), type, k)
			{
				strbuf_addf(
					out, "    %-28s %8lld  %s\n", type,
					(long long)json_integer_value(json_object_get(k, "count")),
					json_string_value(json_object_get(k, "digest")));
			}
			size_t w;
			json_t *wh;
			json_array_foreach(json_object_get(c, "withheld"), w, wh)
			{
				strbuf_addf(
					out, "    withheld: seq %lld field %s: %s\n",
					(long long)json_integer_value(json_object_get(wh, "seq")),
					json_string_value(json_object_get(wh, "field")),
					json_string_value(json_object_get(wh, "reason")));
			}
		}
		strbuf_addf(out, "  copies %s on the first %lld events; kinds %s\n",
			    json_is_true(json_object_get(o, "agree")) ? "agree" : "DIFFER",
			    (long long)json_integer_value(json_object_get(o, "compared")),
			    json_is_true(json_object_get(o, "kinds_agree")) ? "agree" : "DIFFER");
	}
	json_array_foreach(json_object_get(report, "checkpoints"), i, o)
	{
		const char *holder = json_string_value(json_object_get(o, "holder"));
		json_t *m = json_object_get(o, "root_matches");
		strbuf_addf(out, "checkpoint of %s ",
			    json_string_value(json_object_get(o, "origin")));
		if (holder)
			strbuf_addf(out, "as served by %s", holder);
		else
			strbuf_addstr(out, "seen on an earlier run");
		strbuf_addf(out, ": size %lld, root %s, %s, %s",
			    (long long)json_integer_value(json_object_get(o, "size")),
			    json_string_value(json_object_get(o, "root")),
			    json_is_true(json_object_get(o, "signed")) ? "signed" : "NOT SIGNED",
			    json_is_null(m)   ? "not covered by the logs"
			    : json_is_true(m) ? "matches the log"
					      : "DIFFERS from the log");
		json_array_foreach(json_object_get(o, "cosigned_by"), j, c)
		{
			strbuf_addf(out, ", cosigned by %s at %lld",
				    json_string_value(json_object_get(c, "origin")),
				    (long long)json_integer_value(json_object_get(c, "time")));
		}
		strbuf_addch(out, '\n');
	}
	json_t *problems = json_object_get(report, "problems");
	json_array_foreach(problems, i, o)
	{
		const char *holder = json_string_value(json_object_get(o, "holder"));
		strbuf_addf(out, "PROBLEM %s: log of %s%s%s, seq %lld: %s\n",
			    json_string_value(json_object_get(o, "code")),
			    json_string_value(json_object_get(o, "origin")),
			    holder ? " as served by " : "", holder ? holder : "",
			    (long long)json_integer_value(json_object_get(o, "seq")),
			    json_string_value(json_object_get(o, "detail")));
		const char *who;
		json_t *line;
		json_object_foreach(json_object_get(o, "evidence"), who, line)
		{
			strbuf_addf(out, "  evidence (%s): %s\n", who,
				    json_is_string(line) ? json_string_value(line)
							 : "(unreadable)");
		}
	}
	strbuf_addf(out, "%s\n",
		    json_array_size(problems) ? "RESULT: problems found"
					      : "RESULT: ok, no problem found");
}
