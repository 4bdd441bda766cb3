// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Router matching: literals, parameters, the rest wildcard, 404 versus 405 with Allow.
 */
#include "common/router.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static void
h_a(struct request *r)
{
	(void)r;
}
static void
h_b(struct request *r)
{
	(void)r;
}
static void
h_c(struct request *r)
{
	(void)r;
}
static void
h_d(struct request *r)
{
	(void)r;
}

static const struct route routes[] = {
	{"GET", "/", h_a, 0, 0, "home"},
	{"GET", "/news", h_b, 0, 0, "news"},
	{"GET", "/news/{id}", h_c, 0, 0, "item"},
	{"POST", "/news/{id}", h_d, 0, 0, "update"},
	{"GET", "/a/{x}/b/{y}", h_a, 0, 0, "two"},
	{"GET", "/static/*", h_b, 0, 0, "static"},
	{"POST", "/login", h_d, 0, 0, "login_post"},
};
#define N (sizeof(routes) / sizeof(routes[0]))

static void
test_literals(void **state)
{
	(void)state;
	struct route_match m;
	assert_int_equal(router_match(routes, N, "GET", "/", &m, NULL), ROUTER_FOUND);
	assert_ptr_equal(m.route->handler, h_a);
	assert_int_equal(router_match(routes, N, "GET", "/news", &m, NULL), ROUTER_FOUND);
	assert_ptr_equal(m.route->handler, h_b);
	assert_int_equal(router_match(routes, N, "GET", "/news/", &m, NULL), ROUTER_NOT_FOUND);
	assert_int_equal(router_match(routes, N, "GET", "/newsx", &m, NULL), ROUTER_NOT_FOUND);
	assert_int_equal(router_match(routes, N, "GET", "", &m, NULL), ROUTER_NOT_FOUND);
	assert_int_equal(router_match(routes, N, "HEAD", "/news", &m, NULL), ROUTER_FOUND);
}

static void
test_params(void **state)
{
	(void)state;
	struct route_match m;
	assert_int_equal(router_match(routes, N, "GET", "/news/42", &m, NULL), ROUTER_FOUND);
	assert_ptr_equal(m.route->handler, h_c);
	assert_int_equal(m.nparams, 1);
	assert_int_equal(m.name_lens[0], 2);
	assert_memory_equal(m.names[0], "id", 2);
	assert_int_equal(m.value_lens[0], 2);
	assert_memory_equal(m.values[0], "42", 2);
	assert_int_equal(router_match(routes, N, "POST", "/news/42", &m, NULL), ROUTER_FOUND);
	assert_ptr_equal(m.route->handler, h_d);
	assert_int_equal(router_match(routes, N, "GET", "/news/42/x", &m, NULL), ROUTER_NOT_FOUND);
	assert_int_equal(router_match(routes, N, "GET", "/a/1/b/22", &m, NULL), ROUTER_FOUND);
	assert_int_equal(m.nparams, 2);
	assert_memory_equal(m.values[1], "22", 2);
	assert_int_equal(router_match(routes, N, "GET", "/a//b/2", &m, NULL), ROUTER_NOT_FOUND);
}

static void
test_rest(void **state)
{
	(void)state;
	struct route_match m;
	assert_int_equal(router_match(routes, N, "GET", "/static/css/site.css", &m, NULL),
			 ROUTER_FOUND);
	assert_string_equal(m.values[0], "css/site.css");
	assert_int_equal(router_match(routes, N, "GET", "/static/", &m, NULL), ROUTER_NOT_FOUND);
}

static void
test_wrong_method(void **state)
{
	(void)state;
	struct route_match m;
	struct strbuf allow = STRBUF_INIT;
	assert_int_equal(router_match(routes, N, "DELETE", "/news/1", &m, &allow),
			 ROUTER_WRONG_METHOD);
	assert_string_equal(allow.buf, "GET, HEAD, POST");
	strbuf_reset(&allow);
	assert_int_equal(router_match(routes, N, "GET", "/login", &m, &allow), ROUTER_WRONG_METHOD);
	assert_string_equal(allow.buf, "POST");
	strbuf_reset(&allow);
	assert_int_equal(router_match(routes, N, "PUT", "/nowhere", &m, &allow), ROUTER_NOT_FOUND);
	strbuf_release(&allow);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_literals),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_rest),
		cmocka_unit_test(test_wrong_method),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
