// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Kept figures (common/kept.h): computed once while valid, again after a write (the page
 * cache's generation moves) or when compute failed; each caller gets a copy of its own.
 */
#include "common/http.h"
#include "common/kept.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <time.h>

#include <cmocka.h>

static char name_x[] = "x", name_y[] = "y", name_z[] = "z";
static int computed;
static bool failing;

static json_t *
compute(void *arg)
{
	computed++;
	if (failing)
		return NULL;
	return json_pack("{s:i, s:s}", "n", computed, "from", (const char *)arg);
}

static void
test_computed_once_until_a_write(void **state)
{
	(void)state;
	static struct kept k = KEPT_INIT(60);
	computed = 0;
	failing = false;
	json_t *a = kept_get(&k, compute, name_x);
	json_t *b = kept_get(&k, compute, name_x);
	assert_int_equal(computed, 1);
	assert_int_equal(json_integer_value(json_object_get(b, "n")), 1);
	assert_ptr_not_equal(a, b); /* copies: a caller may change its own */
	json_object_set_new(a, "n", json_integer(99));
	json_t *c = kept_get(&k, compute, name_x);
	assert_int_equal(json_integer_value(json_object_get(c, "n")), 1);
	http_cache_bump();
	json_t *d = kept_get(&k, compute, name_x);
	assert_int_equal(computed, 2);
	assert_int_equal(json_integer_value(json_object_get(d, "n")), 2);
	json_decref(a);
	json_decref(b);
	json_decref(c);
	json_decref(d);
	json_decref(k.value);
}

static void
test_expires_with_its_ttl(void **state)
{
	(void)state;
	static struct kept k = KEPT_INIT(0); /* never fresh: computed at each call */
	computed = 0;
	failing = false;
	json_decref(kept_get(&k, compute, name_y));
	json_decref(kept_get(&k, compute, name_y));
	assert_int_equal(computed, 2);
	json_decref(k.value);
}

static void
test_a_failure_is_not_kept(void **state)
{
	(void)state;
	static struct kept k = KEPT_INIT(60);
	computed = 0;
	failing = true;
	assert_null(kept_get(&k, compute, name_z));
	assert_null(k.value);
	failing = false;
	json_t *v = kept_get(&k, compute, name_z);
	assert_non_null(v);
	assert_int_equal(computed, 2);
	assert_string_equal(json_string_value(json_object_get(v, "from")), "z");
	json_decref(v);
	json_decref(k.value);
}

/* test_first_value_computed_once: a compute slow enough for the four callers to meet */
static int slow_computed;

static json_t *
slow_compute(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&slow_computed, 1, __ATOMIC_SEQ_CST);
	nanosleep(&(struct timespec){0, 100 * 1000 * 1000}, NULL);
	return json_integer(7);
}

static struct kept slow = KEPT_INIT(60);

static void *
slow_caller(void *arg)
{
	(void)arg;
	return kept_get(&slow, slow_compute, NULL);
}

static void
test_first_value_computed_once(void **state)
{
	(void)state;
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, slow_caller, NULL), 0);
	for (int i = 0; i < 4; i++) {
		void *v;
		assert_int_equal(pthread_join(t[i], &v), 0);
		assert_int_equal(json_integer_value(v), 7); /* each waited for the value */
		json_decref(v);
	}
	assert_int_equal(slow_computed, 1);
	json_decref(slow.value);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_computed_once_until_a_write),
		cmocka_unit_test(test_expires_with_its_ttl),
		cmocka_unit_test(test_a_failure_is_not_kept),
		cmocka_unit_test(test_first_value_computed_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
