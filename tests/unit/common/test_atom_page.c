// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * A list's feed on a request (common/src/atom_page.c), without a server: the tag: ids (the
 * public address's host only, whatever its scheme, port or path), the feed links a page
 * advertises (the site's name in the title, the list's filters and the page's language in
 * the address, in order; none on a JSON twin or a feed), short summaries in the arena.
 */
#include "common/app.h"
#include "common/arena.h"
#include "common/atom.h"
#include "common/http.h"

#include "../../../common/src/http_internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

struct fixture {
	struct app app;
	struct request req;
};

/* The settings hold malloc'd strings; these stay in static arrays. */
static char bind_addr[] = "127.0.0.1";
static char url_port_path[] = "https://citoyens.tiziri.example:8443/base/";
static char url_plain[] = "https://commune.tiziri.example";

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	f->app.cfg.bind = bind_addr;
	f->app.cfg.port = 8080;
	f->app.site_by_lang = json_pack("{s:{s:s}}", "fr", "name", "Tiziri");
	f->req.app = &f->app;
	f->req.arena = arena_new();
	f->req.lang = "fr";
	f->req.path = "/projects";
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	arena_free(f->req.arena);
	json_decref(f->app.site_by_lang);
	free(f);
	return 0;
}

static void
test_tag(void **state)
{
	struct fixture *f = *state;
	assert_string_equal(feed_tag(&f->req, "news/official/3"),
			    "tag:127.0.0.1,2026:news/official/3");
	f->app.cfg.public_url = url_port_path;
	assert_string_equal(feed_tag(&f->req, "project/official/12"),
			    "tag:citoyens.tiziri.example,2026:project/official/12");
	f->app.cfg.public_url = url_plain;
	assert_string_equal(feed_tag(&f->req, "x"), "tag:commune.tiziri.example,2026:x");
}

static void
test_advertise(void **state)
{
	struct fixture *f = *state;
	feed_advertise(&f->req, "Projets", "category=voirie&q=route%20nord");
	feed_advertise_path(&f->req, "Actualités", "/news.atom", NULL);
	json_t *links = feed_links_view(&f->req);
	char *s = json_dumps(links, JSON_COMPACT);
	assert_string_equal(s,
			    "[{\"title\":\"Tiziri — Projets\",\"href\":\"/projects.atom?"
			    "category=voirie&q=route%20nord&lang=fr\"},"
			    "{\"title\":\"Tiziri — Actualités\",\"href\":\"/news.atom?lang=fr\"}]");
	free(s);
	json_decref(links);
}

static void
test_no_link_on_twins(void **state)
{
	struct fixture *f = *state;
	f->req.want_json = true;
	feed_advertise(&f->req, "Projets", NULL);
	f->req.want_json = false;
	f->req.want_atom = true;
	feed_advertise(&f->req, "Projets", NULL);
	assert_null(f->req.feed_links);
	assert_true(feed_wanted(&f->req));
}

static void
test_summary(void **state)
{
	struct fixture *f = *state;
	assert_string_equal(feed_summary(&f->req, "Une **route**\n\nneuve.", true),
			    "Une route neuve.");
	char long_text[1000];
	memset(long_text, 'a', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	const char *s = feed_summary(&f->req, long_text, false);
	assert_int_equal(strlen(s), FEED_SUMMARY_MAX + strlen("…"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_advertise, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_link_on_twins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_summary, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
