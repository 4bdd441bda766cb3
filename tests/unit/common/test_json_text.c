// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * json_text: the same bytes as json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) for every kind of
 * value (escapes, Arabic, NUL in a string, reals, nesting, key order), and a bound on depth.
 */
#include "common/json_text.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* json_text of v equals jansson's own text, and is what the test expects (when want). */
static void
check(json_t *v, const char *want)
{
	struct strbuf sb = STRBUF_INIT;
	json_text_add(&sb, v);
	char *theirs = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	assert_non_null(theirs);
	assert_int_equal(sb.len, strlen(theirs));
	assert_memory_equal(sb.buf, theirs, sb.len);
	if (want)
		assert_string_equal(sb.buf, want);
	free(theirs);
	strbuf_release(&sb);
	json_decref(v);
}

static void
test_scalars(void **state)
{
	(void)state;
	check(json_null(), "null");
	check(json_true(), "true");
	check(json_false(), "false");
	check(json_integer(0), "0");
	check(json_integer(-9223372036854775807LL - 1), "-9223372036854775808");
	check(json_integer(9223372036854775807LL), "9223372036854775807");
	check(json_real(1.0), "1.0");
	check(json_real(-0.0), "-0.0");
	check(json_real(0.1), "0.10000000000000001");
	check(json_real(36.7169), NULL);
	check(json_real(1e300), NULL);
	check(json_real(-2.5e-300), NULL);
	check(json_real(123456789012345678.0), NULL);
}

static void
test_strings(void **state)
{
	(void)state;
	check(json_string(""), "\"\"");
	check(json_string("a \"quoted\" back\\slash / slash"),
	      "\"a \\\"quoted\\\" back\\\\slash / slash\"");
	check(json_string("\b\f\n\r\t\x01\x1f\x7f"), "\"\\b\\f\\n\\r\\t\\u0001\\u001F\x7f\"");
	check(json_string("بلدية تيزيري — Tiziri ⵜⵉⵣⵉⵔⵉ 😀"), "\"بلدية تيزيري — Tiziri ⵜⵉⵣⵉⵔⵉ 😀\"");
	check(json_string("\xe2\x80\xa8 line separator"), NULL);
	check(json_stringn("a\0b", 3), "\"a\\u0000b\"");
}

static void
test_containers(void **state)
{
	(void)state;
	check(json_object(), "{}");
	check(json_array(), "[]");
	/* insertion order, not sorted */
	check(json_pack("{s:i, s:s, s:[i, n, b, {}], s:{s:f}}", "z", 1, "a", "x", "m", 2, 1, "r",
			"lat", 36.5),
	      "{\"z\":1,\"a\":\"x\",\"m\":[2,null,true,{}],\"r\":{\"lat\":36.5}}");
	json_t *o = json_object();
	json_object_setn_new_nocheck(o, "k\0ey", 4, json_string("v"));
	json_object_set_new(o, "quote\"key", json_integer(1));
	check(o, "{\"k\\u0000ey\":\"v\",\"quote\\\"key\":1}");
	/* a deleted key leaves no trace, a re-set one keeps its place */
	json_t *p = json_pack("{s:i, s:i, s:i}", "a", 1, "b", 2, "c", 3);
	json_object_del(p, "b");
	json_object_set_new(p, "a", json_integer(9));
	check(p, "{\"a\":9,\"c\":3}");
}

static void
test_depth_is_bounded(void **state)
{
	(void)state;
	json_t *root = json_array();
	json_t *v = root;
	for (int i = 0; i < JSON_TEXT_DEPTH + 10; i++) {
		json_t *a = json_array();
		json_array_append_new(v, a);
		v = a;
	}
	struct strbuf sb = STRBUF_INIT;
	json_text_add(&sb, root);
	/* the arrays up to the bound, then null where the rest was */
	assert_int_equal(sb.len, 2 * (JSON_TEXT_DEPTH + 1) + 4);
	assert_non_null(strstr(sb.buf, "[null]"));
	strbuf_release(&sb);
	json_decref(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_containers),
		cmocka_unit_test(test_depth_is_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
