// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The configuration table: defaults, typed parsing, every bad value reported, --help text.
 */
#include "common/config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

struct env {
	const char *const *pairs;
};

static const char *
lookup(const char *name, void *ctx)
{
	const struct env *e = ctx;
	for (const char *const *p = e->pairs; *p; p += 2)
		if (strcmp(p[0], name) == 0)
			return p[1];
	return NULL;
}

static void
test_defaults(void **state)
{
	(void)state;
	size_t n;
	const struct config_def *defs = app_config_defs("citizen", &n);
	struct app_config cfg = {0};
	struct strbuf err = STRBUF_INIT;
	static const char *const none[] = {NULL};
	struct env e = {none};
	assert_int_equal(config_load_from(defs, n, &cfg, lookup, &e, &err), 0);
	assert_int_equal(cfg.port, 8081);
	assert_string_equal(cfg.bind, "127.0.0.1");
	assert_int_equal(cfg.threads, 4);
	assert_true(cfg.secure_cookies);
	assert_null(cfg.theme_dir);
	/* unset: the theme's site.json "languages", else ar,fr,en (site_languages) */
	assert_null(cfg.languages);
	config_release(defs, n, &cfg);
	defs = app_config_defs("official", &n);
	assert_int_equal(config_load_from(defs, n, &cfg, lookup, &e, &err), 0);
	assert_int_equal(cfg.port, 8080);
	config_release(defs, n, &cfg);
	strbuf_release(&err);
}

static void
test_values_and_errors(void **state)
{
	(void)state;
	size_t n;
	const struct config_def *defs = app_config_defs("official", &n);
	struct app_config cfg = {0};
	struct strbuf err = STRBUF_INIT;
	static const char *const good[] = {"BALADIYA_PORT",
					   "9000",
					   "BALADIYA_SECURE_COOKIES",
					   "false",
					   "BALADIYA_THEME_DIR",
					   "/x",
					   NULL};
	struct env e = {good};
	assert_int_equal(config_load_from(defs, n, &cfg, lookup, &e, &err), 0);
	assert_int_equal(cfg.port, 9000);
	assert_false(cfg.secure_cookies);
	assert_string_equal(cfg.theme_dir, "/x");
	config_release(defs, n, &cfg);

	static const char *const bad[] = {
		"BALADIYA_PORT", "80x", "BALADIYA_THREADS", "0", "BALADIYA_SECURE_COOKIES",
		"maybe",         NULL};
	e.pairs = bad;
	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(config_load_from(defs, n, &cfg, lookup, &e, &err), 3);
	assert_non_null(strstr(err.buf, "BALADIYA_PORT: \"80x\" is not an integer"));
	assert_non_null(strstr(err.buf, "BALADIYA_THREADS: 0 is out of range [1, 256]"));
	assert_non_null(strstr(err.buf, "BALADIYA_SECURE_COOKIES: \"maybe\" is not a boolean"));
	config_release(defs, n, &cfg);
	strbuf_release(&err);
}

static void
test_required_and_help(void **state)
{
	(void)state;
	struct s {
		char *name;
	} s = {0};
	const struct config_def defs[] = {
		{"X_NAME", CONFIG_STRING, NULL, true, 0, 0, offsetof(struct s, name), "a name"},
	};
	struct strbuf err = STRBUF_INIT;
	static const char *const none[] = {NULL};
	struct env e = {none};
	assert_int_equal(config_load_from(defs, 1, &s, lookup, &e, &err), 1);
	assert_non_null(strstr(err.buf, "X_NAME is required"));
	strbuf_release(&err);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	config_print_help(defs, 1, f);
	fclose(f);
	assert_non_null(strstr(text, "X_NAME"));
	assert_non_null(strstr(text, "a name"));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_values_and_errors),
		cmocka_unit_test(test_required_and_help),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
