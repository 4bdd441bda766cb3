// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * baladiya-audit: the auditor's command (docs/protocol.md section 15). No database, no
 * configuration: it downloads what both platforms publish into a directory and checks that
 * directory offline with the protocol library's own verification (protocol/audit.h).
 *
 *   baladiya-audit [--json] fetch <url> <url> <dir>
 *   baladiya-audit [--json] [--genesis <origin>=<kid>]... verify <dir>
 *   baladiya-audit [--json] [--genesis <origin>=<kid>]... verify-online <url> <url> [<dir>]
 *
 * Exit status: 0 all good, 1 a problem found in the logs (reported with its evidence), 2 the
 * audit could not run (usage, a download that failed, an unreadable directory).
 */
#include "common/strbuf.h"
#include "common/xalloc.h"
#include "protocol/audit.h"
#include "protocol/content.h"
#include "protocol/dsse.h"
#include "protocol/event.h"

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

enum { EXIT_GOOD = 0, EXIT_PROBLEM = 1, EXIT_CANNOT = 2 };

/* A response of at most this many bytes (a catch-up page is at most 1000 lines of 384 KiB). */
#define FETCH_MAX (512L * 1024 * 1024)
#define FETCH_PAGE 1000
#define MAX_GENESIS 8

static const char usage_text[] =
	"usage: baladiya-audit [--json] fetch <url> <url> <dir>\n"
	"       baladiya-audit [--json] [--genesis <origin>=<kid>]... verify <dir>\n"
	"       baladiya-audit [--json] [--genesis <origin>=<kid>]... verify-online <url> <url> "
	"[<dir>]\n"
	"exit status: 0 all good, 1 a problem found in the logs, 2 the audit could not run\n";

static int
usage(void)
{
	fputs(usage_text, stderr);
	return EXIT_CANNOT;
}

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
http_get_opt(const char *url, struct strbuf *body, bool missing_ok)
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
		fprintf(stderr, "baladiya-audit: GET %s: %s\n", url,
			rc != CURLE_OK ? curl_easy_strerror(rc) : "not a 200 answer");
		return -1;
	}
	return 0;
}

static int
http_get(const char *url, struct strbuf *body)
{
	return http_get_opt(url, body, false);
}

static int
write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f || (len && fwrite(data, 1, len, f) != len) || fclose(f) != 0) {
		fprintf(stderr, "baladiya-audit: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The seq of a catch-up line, read without verifying (for paging only), or -1. */
static long long
line_seq(const char *line, size_t len)
{
	const char *why = NULL;
	struct record rec;
	struct dsse_envelope *env = NULL;
	struct event *ev = NULL;
	long long seq = -1;
	if (record_parse(line, len, &rec, &why) != STATUS_OK)
		return -1;
	if (dsse_envelope_parse(rec.envelope, rec.envelope_len, &env, &why) == STATUS_OK &&
	    event_parse(env->payload, env->payload_len, &ev, &why) == STATUS_OK)
		seq = ev->seq;
	event_free(ev);
	dsse_envelope_free(env);
	record_release(&rec);
	return seq;
}

/* Page through base's copy of origin's log into path, verbatim. */
static int
fetch_log(const char *base, const char *origin, const char *path)
{
	struct strbuf body = STRBUF_INIT, all = STRBUF_INIT;
	long long after = 0;
	int rc = -1;
	for (;;) {
		char *url = xasprintf("%s/federation/v1/events?origin=%s&after=%lld&limit=%d", base,
				      origin, after, FETCH_PAGE);
		int got = http_get(url, &body);
		free(url);
		if (got < 0)
			goto out;
		if (body.len == 0)
			break;
		if (body.buf[body.len - 1] != '\n') {
			fprintf(stderr,
				"baladiya-audit: %s: a catch-up answer not ending in a newline\n",
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
			last = line_seq(p, (size_t)(nl - p));
			lines++;
			p = nl + 1;
		}
		after = last > after ? last : after + lines;
	}
	rc = write_file(path, all.buf ? all.buf : "", all.len);
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

static int
cmd_fetch(const char *url_a, const char *url_b, const char *dir)
{
	char *bases[2] = {trim_url(url_a), trim_url(url_b)};
	char origins[2][EVENT_ORIGIN_MAX_LEN + 1] = {{0}};
	struct strbuf body = STRBUF_INIT;
	int rc = EXIT_CANNOT;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "baladiya-audit: cannot create %s: %s\n", dir, strerror(errno));
		goto out;
	}
	for (int i = 0; i < 2; i++) {
		char *url = xasprintf("%s/.well-known/baladiya-keys", bases[i]);
		int got = http_get(url, &body);
		free(url);
		if (got < 0)
			goto out;
		json_t *doc = json_loadb(body.buf, body.len, 0, NULL);
		const char *origin = json_string_value(json_object_get(doc, "origin"));
		if (!origin || !event_origin_is_valid(origin)) {
			fprintf(stderr, "baladiya-audit: %s: not a key document\n", bases[i]);
			json_decref(doc);
			goto out;
		}
		snprintf(origins[i], sizeof(origins[i]), "%s", origin);
		json_decref(doc);
		char *sub = xasprintf("%s/%s", dir, origins[i]);
		char *path = xasprintf("%s/keys.json", sub);
		int w = (mkdir(sub, 0755) < 0 && errno != EEXIST)
				? -1
				: write_file(path, body.buf, body.len);
		free(sub);
		free(path);
		if (w < 0)
			goto out;
	}
	if (strcmp(origins[0], origins[1]) == 0) {
		fprintf(stderr, "baladiya-audit: both servers say they are %s\n", origins[0]);
		goto out;
	}
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++) {
			char *path =
				xasprintf("%s/%s/events-%s.ndjson", dir, origins[i], origins[j]);
			int f = fetch_log(bases[i], origins[j], path);
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
	rc = w == 0 ? EXIT_GOOD : EXIT_CANNOT;
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
load_checkpoint(struct audit *a, const char *sub, const char *file, const char *holder)
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
		fprintf(stderr, "baladiya-audit: cannot read %s as a checkpoint\n", path);
	free(path);
	strbuf_release(&note);
	return rc;
}

/* The checkpoints an earlier run saw: <dir>/state.json, {"seen":[{origin, note}]}. */
static int
load_state(struct audit *a, const char *dir)
{
	char *path = xasprintf("%s/state.json", dir);
	json_error_t err;
	json_t *st = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	int rc = 0;
	size_t i;
	json_t *e;
	if (!st && access(path, F_OK) == 0) {
		fprintf(stderr, "baladiya-audit: %s: %s\n", path, err.text);
		rc = -1;
	}
	json_array_foreach(json_object_get(st, "seen"), i, e)
	{
		const char *origin = json_string_value(json_object_get(e, "origin"));
		const char *note = json_string_value(json_object_get(e, "note"));
		if (!origin || !note ||
		    audit_add_checkpoint(a, origin, NULL, note, strlen(note)) < 0) {
			fprintf(stderr, "baladiya-audit: %s: a malformed entry\n", path);
			rc = -1;
			break;
		}
	}
	json_decref(st);
	free(path);
	return rc;
}

static int
save_state(const struct audit *a, const char *dir)
{
	char *path = xasprintf("%s/state.json", dir);
	char *tmp = xasprintf("%s/state.json.tmp", dir);
	json_t *st = json_pack("{s:o}", "seen", audit_seen(a));
	int rc = json_dump_file(st, tmp, JSON_INDENT(1)) == 0 && rename(tmp, path) == 0 ? 0 : -1;
	if (rc < 0)
		fprintf(stderr, "baladiya-audit: cannot write %s: %s\n", path, strerror(errno));
	json_decref(st);
	free(path);
	free(tmp);
	return rc;
}

/* Add dir's key documents and copies to a: <dir>/<holder>/keys.json and
 * <dir>/<holder>/events-<origin>.ndjson. 0, or -1 (reported). */
static int
load_dir(struct audit *a, const char *dir, char **genesis, int ngenesis)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int found = 0, rc = 0;
	if (!d) {
		fprintf(stderr, "baladiya-audit: cannot read %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while (rc == 0 && (e = readdir(d))) {
		if (!event_origin_is_valid(e->d_name))
			continue;
		const char *holder = e->d_name;
		char *keys = xasprintf("%s/%s/keys.json", dir, holder);
		json_error_t err;
		json_t *doc = json_load_file(keys, JSON_REJECT_DUPLICATES, &err);
		const char *pin = NULL, *reason = NULL;
		for (int i = 0; i < ngenesis; i++) {
			size_t n = strlen(holder);
			if (strncmp(genesis[i], holder, n) == 0 && genesis[i][n] == '=')
				pin = genesis[i] + n + 1;
		}
		const char *doc_origin = json_string_value(json_object_get(doc, "origin"));
		if (!doc || !doc_origin || strcmp(doc_origin, holder) != 0 ||
		    audit_add_keys(a, doc, pin, &reason) < 0) {
			fprintf(stderr, "baladiya-audit: %s: %s\n", keys,
				!doc     ? err.text
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
				rc = load_checkpoint(a, sub, f->d_name, holder);
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
	if (rc == 0 && found == 0) {
		fprintf(stderr, "baladiya-audit: %s holds no <origin>/keys.json\n", dir);
		rc = -1;
	}
	return rc;
}

static int
cmd_verify(const char *dir, bool as_json, char **genesis, int ngenesis)
{
	struct audit *a = audit_new();
	int rc = EXIT_CANNOT;
	const char *reason = NULL;
	if (load_dir(a, dir, genesis, ngenesis) < 0 || load_state(a, dir) < 0)
		goto out;
	json_t *report = audit_run(a, &reason);
	if (!report) {
		fprintf(stderr, "baladiya-audit: cannot read a log in %s: %s\n", dir, reason);
		goto out;
	}
	if (as_json) {
		json_dumpf(report, stdout, JSON_INDENT(1));
		fputc('\n', stdout);
	} else {
		struct strbuf text = STRBUF_INIT;
		audit_report_text(report, &text);
		fwrite(text.buf, 1, text.len, stdout);
		strbuf_release(&text);
	}
	rc = json_is_true(json_object_get(report, "ok")) ? EXIT_GOOD : EXIT_PROBLEM;
	json_decref(report);
	if (save_state(a, dir) < 0)
		rc = EXIT_CANNOT;
out:
	audit_free(a);
	return rc;
}

int
main(int argc, char **argv)
{
	bool as_json = false;
	char *genesis[MAX_GENESIS];
	int ngenesis = 0, i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--json") == 0)
			as_json = true;
		else if (strcmp(argv[i], "--genesis") == 0 && i + 1 < argc &&
			 ngenesis < MAX_GENESIS && strchr(argv[i + 1], '='))
			genesis[ngenesis++] = argv[++i];
		else
			return usage();
	}
	if (i >= argc)
		return usage();
	const char *cmd = argv[i];
	int nargs = argc - i - 1;
	char **args = argv + i + 1;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return EXIT_CANNOT;
	int rc;
	if (strcmp(cmd, "fetch") == 0 && nargs == 3) {
		rc = cmd_fetch(args[0], args[1], args[2]);
	} else if (strcmp(cmd, "verify") == 0 && nargs == 1) {
		rc = cmd_verify(args[0], as_json, genesis, ngenesis);
	} else if (strcmp(cmd, "verify-online") == 0 && (nargs == 2 || nargs == 3)) {
		char tmp[] = "/tmp/baladiya-audit-XXXXXX";
		const char *dir = nargs == 3 ? args[2] : mkdtemp(tmp);
		rc = dir ? cmd_fetch(args[0], args[1], dir) : EXIT_CANNOT;
		if (rc == EXIT_GOOD)
			rc = cmd_verify(dir, as_json, genesis, ngenesis);
		if (nargs == 2 && dir)
			fprintf(stderr, "baladiya-audit: the downloaded logs are in %s\n", dir);
	} else {
		rc = usage();
	}
	curl_global_cleanup();
	return rc;
}
