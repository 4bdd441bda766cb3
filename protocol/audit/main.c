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
#include "protocol/audit.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EXIT_GOOD = 0, EXIT_PROBLEM = 1, EXIT_CANNOT = 2 };

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

static int
fetch(const char *url_a, const char *url_b, const char *dir)
{
	struct strbuf err = STRBUF_INIT;
	int rc = audit_fetch(url_a, url_b, dir, &err);
	if (rc < 0)
		fprintf(stderr, "baladiya-audit: %s\n", err.buf);
	strbuf_release(&err);
	return rc < 0 ? EXIT_CANNOT : EXIT_GOOD;
}

static int
verify(const char *dir, bool as_json, char **genesis, int ngenesis)
{
	struct strbuf err = STRBUF_INIT;
	json_t *report = audit_dir(dir, genesis, ngenesis, &err);
	if (!report) {
		fprintf(stderr, "baladiya-audit: %s\n", err.buf);
		strbuf_release(&err);
		return EXIT_CANNOT;
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
	int rc = json_is_true(json_object_get(report, "ok")) ? EXIT_GOOD : EXIT_PROBLEM;
	json_decref(report);
	strbuf_release(&err);
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
		rc = fetch(args[0], args[1], args[2]);
	} else if (strcmp(cmd, "verify") == 0 && nargs == 1) {
		rc = verify(args[0], as_json, genesis, ngenesis);
	} else if (strcmp(cmd, "verify-online") == 0 && (nargs == 2 || nargs == 3)) {
		char tmp[] = "/tmp/baladiya-audit-XXXXXX";
		const char *dir = nargs == 3 ? args[2] : mkdtemp(tmp);
		rc = dir ? fetch(args[0], args[1], dir) : EXIT_CANNOT;
		if (rc == EXIT_GOOD)
			rc = verify(dir, as_json, genesis, ngenesis);
		if (nargs == 2 && dir)
			fprintf(stderr, "baladiya-audit: the downloaded logs are in %s\n", dir);
	} else {
		rc = usage();
	}
	curl_global_cleanup();
	return rc;
}
