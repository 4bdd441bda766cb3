// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The Content-Security-Policy built from the configuration (http_csp_build): the tile server's
 * and the peer's origins join img-src, nothing else loosens, and a URL that could smuggle a
 * directive in is refused.
 */
#include "common/config.h"
#include "common/http.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const char strict_rest[] = "; style-src 'self'; script-src 'self'; object-src 'none'; "
				  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/* The CSP for tiles and peer (either may be NULL), or NULL when refused. */
static char *
csp_for(const char *tiles, const char *peer)
{
	struct app_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.map_tiles = (char *)(uintptr_t)tiles; /* the builder only reads them */
	cfg.peer_url = (char *)(uintptr_t)peer;
	return http_csp_build(&cfg);
}

static void
expect_img_src(const char *tiles, const char *peer, const char *img_src)
{
	char *csp = csp_for(tiles, peer);
	assert_non_null(csp);
	char want[1024];
	snprintf(want, sizeof(want), "default-src 'self'; img-src %s%s", img_src, strict_rest);
	assert_string_equal(csp, want);
	free(csp);
}

static void
test_origins_join_img_src(void **state)
{
	(void)state;
	expect_img_src("https://tile.openstreetmap.org/{z}/{x}/{y}.png", NULL,
		       "'self' data: https://tile.openstreetmap.org");
	expect_img_src("https://{s}.tile.example.org/{z}/{x}/{y}.png?key=1",
		       "http://127.0.0.1:8081",
		       "'self' data: https://*.tile.example.org http://127.0.0.1:8081");
	expect_img_src("http://tiles.local:8080/{z}/{x}/{y}.png", "https://citoyens.example.dz/",
		       "'self' data: http://tiles.local:8080 https://citoyens.example.dz");
	expect_img_src("https://tiles.example.org", NULL, "'self' data: https://tiles.example.org");
}

static void
test_local_or_unset_adds_nothing(void **state)
{
	(void)state;
	expect_img_src("/static/tiles/{z}/{x}/{y}.png", NULL, "'self' data:");
	expect_img_src(NULL, NULL, "'self' data:");
	expect_img_src("", "", "'self' data:");
}

static void
test_refuses_what_is_not_an_origin(void **state)
{
	(void)state;
	const char *bad[] = {
		"javascript:alert(1)",
		"ftp://tiles.example.org/{z}/{x}/{y}.png",
		"//tiles.example.org/{z}/{x}/{y}.png",
		"https://tiles.example.org; script-src *",
		"https://tiles example.org/",
		"https://",
		"https://tiles.example.org'/x",
		"https://a.{s}.example.org/",
		"https://user@tiles.example.org/",
		"data:image/png;base64,AAAA",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *csp = csp_for(bad[i], NULL);
		if (csp)
			fail_msg("tiles \"%s\" accepted: %s", bad[i], csp);
		csp = csp_for(NULL, bad[i]);
		if (csp)
			fail_msg("peer \"%s\" accepted: %s", bad[i], csp);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_origins_join_img_src),
		cmocka_unit_test(test_local_or_unset_adds_nothing),
		cmocka_unit_test(test_refuses_what_is_not_an_origin),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
