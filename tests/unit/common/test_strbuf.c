// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * strbuf and arena: growth, formatting, detaching, hex and URL encoding, arena alignment and
 * deferred cleanups.
 */
#include "common/arena.h"
#include "common/strbuf.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void
test_empty_is_terminated(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.len, 0);
	strbuf_release(&sb);
	assert_string_equal(sb.buf, "");
}

static void
test_add_and_grow(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	for (int i = 0; i < 1000; i++)
		strbuf_addstr(&sb, "abc");
	assert_int_equal(sb.len, 3000);
	assert_int_equal(sb.buf[3000], '\0');
	assert_true(sb.alloc > sb.len);
	strbuf_addch(&sb, 'x');
	assert_int_equal(sb.buf[3000], 'x');
	strbuf_release(&sb);
}

static void
test_addf_long(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%d-%s", 42, "x");
	assert_string_equal(sb.buf, "42-x");
	char big[5000];
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	strbuf_addf(&sb, "[%s]", big);
	assert_int_equal(sb.len, 4 + 2 + 4999);
	assert_int_equal(sb.buf[sb.len - 1], ']');
	strbuf_release(&sb);
}

static void
test_binary_and_detach(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	strbuf_add(&sb, "a\0b", 3);
	assert_int_equal(sb.len, 3);
	size_t len;
	char *p = strbuf_detach(&sb, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(p, "a\0b", 3);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	free(p);
	/* detaching an empty strbuf still gives a freeable string */
	p = strbuf_detach(&sb, NULL);
	assert_string_equal(p, "");
	free(p);
}

static void
test_hex_url_trim(void **state)
{
	(void)state;
	struct strbuf sb = STRBUF_INIT;
	const unsigned char raw[] = {0x00, 0xab, 0xff};
	strbuf_addhex(&sb, raw, 3);
	assert_string_equal(sb.buf, "00abff");
	strbuf_reset(&sb);
	strbuf_addurlenc(&sb, "a b/é?&=~");
	assert_string_equal(sb.buf, "a%20b%2F%C3%A9%3F%26%3D~");
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "text \n\t ");
	strbuf_rtrim(&sb);
	assert_string_equal(sb.buf, "text");
	assert_true(strbuf_equals(&sb, "text"));
	assert_false(strbuf_equals(&sb, "tex"));
	strbuf_release(&sb);
}

static int cleanups;
static void
count_cleanup(void *p)
{
	cleanups += *(int *)p;
}

static void
test_arena(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	void *small = arena_alloc(a, 3);
	void *aligned = arena_alloc(a, sizeof(long double));
	assert_int_equal((uintptr_t)aligned % _Alignof(max_align_t), 0);
	assert_non_null(small);
	char *big = arena_alloc(a, 100000); /* larger than a block */
	memset(big, 1, 100000);
	for (int i = 0; i < 1000; i++)
		assert_non_null(arena_alloc(a, 100));
	assert_string_equal(arena_printf(a, "%s=%d", "n", 7), "n=7");
	assert_string_equal(arena_strndup(a, "hello", 2), "he");
	static int one = 1, ten = 10;
	cleanups = 0;
	arena_defer(a, count_cleanup, &one);
	arena_defer(a, count_cleanup, &ten);
	arena_free(a);
	assert_int_equal(cleanups, 11);
	arena_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_is_terminated),
		cmocka_unit_test(test_add_and_grow),
		cmocka_unit_test(test_addf_long),
		cmocka_unit_test(test_binary_and_detach),
		cmocka_unit_test(test_hex_url_trim),
		cmocka_unit_test(test_arena),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
