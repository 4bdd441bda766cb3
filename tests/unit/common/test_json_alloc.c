// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * json_alloc (common/src/json_alloc.c): jansson's small blocks kept per thread. Values built
 * after json_alloc_init read back what was written, whatever their size (every class and past
 * the largest); blocks freed by one thread are reused by it, also when another thread
 * allocated them; json_dumps' text is still released with free(); a thread that frees more
 * than its cache keeps gives the rest back; and a value made before json_alloc_init is freed
 * after it.
 */
#include "common/xalloc.h"

#include <jansson.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static json_t *made_before;

/* An object of n strings of every length up to max, then checked and freed. */
static void
build_check(size_t n, size_t max)
{
	json_t *o = json_object();
	char key[32], *text = xmalloc(max + 1);
	for (size_t i = 0; i < n; i++) {
		size_t len = i % (max + 1);
		memset(text, 'a' + (int)(i % 26), len);
		text[len] = '\0';
		snprintf(key, sizeof(key), "k%zu", i);
		json_object_set_new(o, key, json_string(text));
	}
	for (size_t i = 0; i < n; i++) {
		size_t len = i % (max + 1);
		snprintf(key, sizeof(key), "k%zu", i);
		const char *v = json_string_value(json_object_get(o, key));
		assert_non_null(v);
		assert_int_equal(strlen(v), len);
		for (size_t k = 0; k < len; k++)
			assert_int_equal(v[k], 'a' + (int)(i % 26));
	}
	char *dump = json_dumps(o, JSON_COMPACT);
	assert_non_null(dump);
	free(dump); /* what jansson hands out is a glibc block */
	json_decref(o);
	free(text);
}

static void
test_sizes(void **state)
{
	(void)state;
	json_decref(made_before); /* made with glibc's malloc alone, freed through the cache */
	for (int round = 0; round < 3; round++)
		build_check(2000, 700); /* every class, and blocks past the largest */
}

static void
test_cache_bound(void **state)
{
	(void)state;
	/* more small blocks than a thread keeps (4 MiB): the rest go back to glibc */
	json_t *a = json_array();
	for (int i = 0; i < 200000; i++)
		json_array_append_new(a, json_string("0123456789abcdef0123456789abcdef"));
	json_decref(a);
	build_check(500, 64);
}

static json_t *handed;

static void *
make_values(void *arg)
{
	(void)arg;
	handed = json_array();
	for (int i = 0; i < 5000; i++)
		json_array_append_new(handed, json_pack("{s:i, s:s}", "n", i, "s", "text"));
	build_check(1000, 100);
	return NULL;
}

static void
test_threads(void **state)
{
	(void)state;
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, make_values, NULL), 0);
	assert_int_equal(pthread_join(t, NULL), 0); /* its cache went back to glibc */
	assert_int_equal(json_array_size(handed), 5000);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(handed, 4999), "n")),
			 4999);
	json_decref(handed); /* allocated there, kept here */
	build_check(3000, 48);
}

int
main(void)
{
	made_before = json_pack("{s:s, s:[i, i]}", "before", "init", "list", 1, 2);
	json_alloc_init();
	json_alloc_init(); /* once */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_cache_bound),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
