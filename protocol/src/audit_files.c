// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The auditor's files (audit.h): downloading what both platforms publish into a directory over
 * HTTP (libcurl), and reading such a directory and its state of checkpoints seen. Shared by the
 * baladiya-audit command and the servers' own periodic audit.
 */
#include "common/strbuf.h"
#include "common/xalloc.h"
#include "protocol/audit.h"
#include "protocol/content.h"
#include "protocol/dsse.h"
#include "protocol/event.h"
#include "protocol/tlog.h"

#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A response of at most this many bytes (a catch-up page is at most 1000 lines of 384 KiB). */
#define FETCH_MAX (512L * 1024 * 1024)
#define FETCH_PAGE 1000

static size_t
on_body(char *ptr, size_t size, size_t n, void *arg)
{
	struct strbuf *sb = arg;
	if (sb->len + size * n > FETCH_MAX)
		return 0;
	strbuf_add(sb, ptr, size * n);
	return size * n;
}

/* GET url into body; 0 on a 200 answer, else -1 with the reason on stderr (but a 404 when
 * missing_ok, which returns 1). */
static int
http_get_opt(const char *url, struct strbuf *body, bool missing_ok, struct strbuf *err)
{
	CURL *curl = curl_easy_init();
	long code = 0;
	if (!curl)
		return -1;
	strbuf_setlen(body, 0);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, 300L);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "baladiya-audit/1");
	CURLcode rc = curl_easy_perform(curl);
	if (rc == CURLE_OK)
		curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(curl);
	if (rc == CURLE_OK && code == 404 && missing_ok)
		return 1;
	if (rc != CURLE_OK || code != 200) {
		strbuf_addf(err, "GET %s: %s", url,
			    rc != CURLE_OK ? curl_easy_strerror(rc) : "not a 200 answer");
		return -1;
	}
	return 0;
}

static int
http_get(const char *url, struct strbuf *body, struct strbuf *err)
{
	return http_get_opt(url, body, false, err);
}

static int
write_file(const char *path, const void *data, size_t len, struct strbuf *err)
{
	FILE *f = fopen(path, "wb");
	if (!f || (len && fwrite(data, 1, len, f) != len) || fclose(f) != 0) {
		strbuf_addf(err, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The seq of a catch-up line, read without verifying (for paging only), or -1; hash (may be
 * NULL) gets its payload's hash. */
static long long
line_seq(const char *line, size_t len, char hash[EVENT_HASH_HEX_LEN + 1])
{
	const char *why = NULL;
	struct record rec;
	struct dsse_envelope *env = NULL;
	struct event *ev = NULL;
	long long seq = -1;
	if (record_parse(line, len, &rec, &why) != STATUS_OK)
		return -1;
	if (dsse_envelope_parse(rec.envelope, rec.envelope_len, &env, &why) == STATUS_OK &&
	    event_parse(env->payload, env->payload_len, &ev, &why) == STATUS_OK) {
		seq = ev->seq;
		if (hash)
			event_hash(env->payload, env->payload_len, hash);
	}
	event_free(ev);
	dsse_envelope_free(env);
	record_release(&rec);
	return seq;
}

/* Whether base still serves origin's event seq with that hash (the end of the part verified
 * before): 1 yes, 0 no, -1 the request failed. */
static int
still_serves(const char *base, const char *origin, long long seq, const char *hash,
	     struct strbuf *err)
{
	struct strbuf body = STRBUF_INIT;
	char *url = xasprintf("%s/federation/v1/events?origin=%s&after=%lld&limit=1", base, origin,
			      seq - 1);
	char got[EVENT_HASH_HEX_LEN + 1] = {0};
	int rc = http_get(url, &body, err);
	free(url);
	if (rc == 0) {
		const char *nl = memchr(body.buf, '\n', body.len);
		rc = nl && line_seq(body.buf, (size_t)(nl - body.buf), got) == seq &&
		     strcmp(got, hash) == 0;
	}
	strbuf_release(&body);
	return rc;
}

/* Page through base's copy of origin's log after seq after into path, verbatim. */
static int
fetch_log(const char *base, const char *origin, long long after, const char *path,
	  struct strbuf *err)
{
	struct strbuf body = STRBUF_INIT, all = STRBUF_INIT;
	int rc = -1;
	for (;;) {
		char *url = xasprintf("%s/federation/v1/events?origin=%s&after=%lld&limit=%d", base,
				      origin, after, FETCH_PAGE);
		int got = http_get(url, &body, err);
		free(url);
		if (got < 0)
			goto out;
		if (body.len == 0)
			break;
		if (body.buf[body.len - 1] != '\n') {
			fprintf(stderr,
				"baladiya-audit: %s: a catch-up answer not ending in a newline",
				base);
			goto out;
		}
		strbuf_addbuf(&all, &body);
		/* continue after the last seq of the page; a line that does not parse counts as
		 * one seq (the verification reports it) */
		const char *p = body.buf, *end = body.buf + body.len;
		long long lines = 0, last = -1;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			last = line_seq(p, (size_t)(nl - p), NULL);
			lines++;
			p = nl + 1;
		}
		after = last > after ? last : after + lines;
	}
	rc = write_file(path, all.buf ? all.buf : "", all.len, err);
out:
	strbuf_release(&body);
	strbuf_release(&all);
	return rc;
}

static char *
trim_url(const char *url)
{
	char *u = xstrdup(url);
	size_t n = strlen(u);
	while (n && u[n - 1] == '/')
		u[--n] = '\0';
	return u;
}

int
audit_fetch(const char *url_a, const char *url_b, const char *dir, struct strbuf *err)
{
	return audit_fetch_after(url_a, url_b, dir, NULL, err);
}

int
audit_fetch_after(const char *url_a, const char *url_b, const char *dir, json_t *verified,
		  struct strbuf *err)
{
	char *bases[2] = {trim_url(url_a), trim_url(url_b)};
	char origins[2][EVENT_ORIGIN_MAX_LEN + 1] = {{0}};
	struct strbuf body = STRBUF_INIT;
	int rc = -1;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		strbuf_addf(err, "cannot create %s: %s", dir, strerror(errno));
		goto out;
	}
	for (int i = 0; i < 2; i++) {
		char *url = xasprintf("%s/.well-known/baladiya-keys", bases[i]);
		int got = http_get(url, &body, err);
		free(url);
		if (got < 0)
			goto out;
		json_t *doc = json_loadb(body.buf, body.len, 0, NULL);
		const char *origin = json_string_value(json_object_get(doc, "origin"));
		if (!origin || !event_origin_is_valid(origin)) {
			strbuf_addf(err, "%s: not a key document", bases[i]);
			json_decref(doc);
			goto out;
		}
		snprintf(origins[i], sizeof(origins[i]), "%s", origin);
		json_decref(doc);
		char *sub = xasprintf("%s/%s", dir, origins[i]);
		char *path = xasprintf("%s/keys.json", sub);
		int w = (mkdir(sub, 0755) < 0 && errno != EEXIST)
				? -1
				: write_file(path, body.buf, body.len, err);
		free(sub);
		free(path);
		if (w < 0)
			goto out;
	}
	if (strcmp(origins[0], origins[1]) == 0) {
		strbuf_addf(err, "both servers say they are %s", origins[0]);
		goto out;
	}
	/* the checkpoints first, so that the logs fetched next cover them (a server without a
	 * transparency log answers 404: none) */
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++) {
			char *url = xasprintf("%s/federation/v1/checkpoint?origin=%s", bases[i],
					      origins[j]);
			int got = http_get_opt(url, &body, true, err);
			free(url);
			if (got < 0)
				goto out;
			char *path =
				xasprintf("%s/%s/checkpoint-%s.txt", dir, origins[i], origins[j]);
			int w = got == 0 && body.len ? write_file(path, body.buf, body.len, err)
						     : 0;
			free(path);
			if (w < 0)
				goto out;
		}
	/* with a part verified before: only what follows it, where each platform still serves
	 * its last event as it was */
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++) {
			json_t *kept = json_object_get(verified, origins[j]);
			long long after = json_integer_value(json_object_get(kept, "seq"));
			const char *hash = json_string_value(json_object_get(kept, "hash"));
			if (after > 0 && hash) {
				int same = still_serves(bases[i], origins[j], after, hash, err);
				if (same <= 0) {
					if (same == 0)
						strbuf_addf(
							err,
							"%s no longer serves %s's event %lld as "
							"verified before",
							bases[i], origins[j], after);
					rc = same < 0 ? -1 : 1;
					goto out;
				}
			}
			char *path =
				xasprintf("%s/%s/events-%s.ndjson", dir, origins[i], origins[j]);
			int f = fetch_log(bases[i], origins[j], after > 0 ? after : 0, path, err);
			free(path);
			if (f < 0)
				goto out;
		}
	json_t *sources = json_pack("{s:s, s:s, s:I}", origins[0], bases[0], origins[1], bases[1],
				    "fetched_at", (json_int_t)time(NULL));
	char *path = xasprintf("%s/sources.json", dir);
	int w = json_dump_file(sources, path, JSON_COMPACT);
	free(path);
	json_decref(sources);
	rc = w == 0 ? 0 : -1;
out:
	strbuf_release(&body);
	free(bases[0]);
	free(bases[1]);
	return rc;
}

static bool
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Add <sub>/checkpoint-<origin>.txt, as holder served it. */
static int
load_checkpoint(struct audit *a, const char *sub, const char *file, const char *holder,
		struct strbuf *err)
{
	char origin[EVENT_ORIGIN_MAX_LEN + 1];
	size_t n = strlen(file) - 11 - 4;
	if (n == 0 || n > EVENT_ORIGIN_MAX_LEN)
		return 0;
	memcpy(origin, file + 11, n);
	origin[n] = '\0';
	struct strbuf note = STRBUF_INIT;
	char *path = xasprintf("%s/%s", sub, file);
	int rc = strbuf_read_file(&note, path) < 0 ||
				 audit_add_checkpoint(a, origin, holder, note.buf, note.len) < 0
			 ? -1
			 : 0;
	if (rc < 0)
		strbuf_addf(err, "cannot read %s as a checkpoint", path);
	free(path);
	strbuf_release(&note);
	return rc;
}

/* The checkpoints an earlier run saw: <dir>/state.json, {"seen":[{origin, note}]}. */
static int
load_state(struct audit *a, const char *dir, struct strbuf *err)
{
	char *path = xasprintf("%s/state.json", dir);
	json_error_t jerr;
	json_t *st = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	int rc = 0;
	size_t i;
	json_t *e;
	if (!st && access(path, F_OK) == 0) {
		strbuf_addf(err, "%s: %s", path, jerr.text);
		rc = -1;
	}
	json_array_foreach(json_object_get(st, "seen"), i, e)
	{
		const char *origin = json_string_value(json_object_get(e, "origin"));
		const char *note = json_string_value(json_object_get(e, "note"));
		if (!origin || !note ||
		    audit_add_checkpoint(a, origin, NULL, note, strlen(note)) < 0) {
			strbuf_addf(err, "%s: a malformed entry", path);
			rc = -1;
			break;
		}
	}
	json_decref(st);
	free(path);
	return rc;
}

int
audit_save_state(const struct audit *a, const char *dir, struct strbuf *err)
{
	char *path = xasprintf("%s/state.json", dir);
	char *tmp = xasprintf("%s/state.json.tmp", dir);
	json_t *st = json_pack("{s:o}", "seen", audit_seen(a));
	int rc = json_dump_file(st, tmp, JSON_INDENT(1)) == 0 && rename(tmp, path) == 0 ? 0 : -1;
	if (rc < 0)
		strbuf_addf(err, "cannot write %s: %s", path, strerror(errno));
	json_decref(st);
	free(path);
	free(tmp);
	return rc;
}

/* Add dir's key documents and copies to a: <dir>/<holder>/keys.json and
 * <dir>/<holder>/events-<origin>.ndjson. 0, or -1 (reported). */
int
audit_load_dir(struct audit *a, const char *dir, char *const *genesis, int ngenesis,
	       struct strbuf *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0, rc = 0;
	if (!d) {
		strbuf_addf(err, "cannot read %s: %s", dir, strerror(errno));
		return -1;
	}
	while (rc == 0 && (e = readdir(d))) {
		if (!event_origin_is_valid(e->d_name))
			continue;
		const char *holder = e->d_name;
		char *keys = xasprintf("%s/%s/keys.json", dir, holder);
		json_error_t jerr;
		json_t *doc = json_load_file(keys, JSON_REJECT_DUPLICATES, &jerr);
		const char *pin = NULL, *reason = NULL;
		for (int i = 0; i < ngenesis; i++) {
			size_t n = strlen(holder);
			if (strncmp(genesis[i], holder, n) == 0 && genesis[i][n] == '=')
				pin = genesis[i] + n + 1;
		}
		const char *doc_origin = json_string_value(json_object_get(doc, "origin"));
		if (!doc || !doc_origin || strcmp(doc_origin, holder) != 0 ||
		    audit_add_keys(a, doc, pin, &reason) < 0) {
			strbuf_addf(err, "%s: %s", keys,
				    !doc     ? jerr.text
				    : reason ? reason
					     : "origin is not the folder's name");
			rc = -1;
		}
		json_decref(doc);
		free(keys);
		found++;
		char *sub = xasprintf("%s/%s", dir, holder);
		DIR *sd = opendir(sub);
		struct dirent *f;
		while (rc == 0 && sd && (f = readdir(sd))) {
			if (strncmp(f->d_name, "checkpoint-", 11) == 0 &&
			    has_suffix(f->d_name, ".txt")) {
				rc = load_checkpoint(a, sub, f->d_name, holder, err);
				continue;
			}
			if (strncmp(f->d_name, "events-", 7) != 0 ||
			    !has_suffix(f->d_name, ".ndjson"))
				continue;
			char origin[EVENT_ORIGIN_MAX_LEN + 1];
			size_t n = strlen(f->d_name) - 7 - 7;
			if (n == 0 || n > EVENT_ORIGIN_MAX_LEN)
				continue;
			memcpy(origin, f->d_name + 7, n);
			origin[n] = '\0';
			char *path = xasprintf("%s/%s", sub, f->d_name);
			if (audit_add_copy(a, origin, holder, path) < 0)
				rc = -1;
			free(path);
		}
		if (sd)
			closedir(sd);
		free(sub);
	}
	closedir(d);
	if (rc == 0 && load_state(a, dir, err) < 0)
		rc = -1;
	if (rc == 0 && found == 0) {
		strbuf_addf(err, "%s holds no <origin>/keys.json", dir);
		rc = -1;
	}
	return rc;
}

json_t *
audit_dir(const char *dir, char *const *genesis, int ngenesis, struct strbuf *err)
{
	struct audit *a = audit_new();
	json_t *report = NULL;
	const char *reason = NULL;
	if (audit_load_dir(a, dir, genesis, ngenesis, err) < 0)
		goto out;
	report = audit_run(a, &reason);
	if (!report) {
		strbuf_addf(err, "cannot read a log in %s: %s", dir, reason);
		goto out;
	}
	if (audit_save_state(a, dir, err) < 0) {
		json_decref(report);
		report = NULL;
	}
out:
	audit_free(a);
	return report;
}
