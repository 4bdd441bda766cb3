// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Compact JSON text of a jansson value (json_text.h): json_dumps' bytes, without its per code
 * point walk.
 */
#include "common/json_text.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static void
add_string(struct strbuf *sb, const char *s, size_t len)
{
	strbuf_grow(sb, len + 2);
	strbuf_addch(sb, '"');
	size_t run = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		/* escaped: '"', '\\' and the C0 controls, as jansson does */
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		strbuf_add(sb, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"':
			strbuf_add(sb, "\\\"", 2);
			break;
		case '\\':
			strbuf_add(sb, "\\\\", 2);
			break;
		case '\b':
			strbuf_add(sb, "\\b", 2);
			break;
		case '\f':
			strbuf_add(sb, "\\f", 2);
			break;
		case '\n':
			strbuf_add(sb, "\\n", 2);
			break;
		case '\r':
			strbuf_add(sb, "\\r", 2);
			break;
		case '\t':
			strbuf_add(sb, "\\t", 2);
			break;
		default: {
			char u[8];
			snprintf(u, sizeof(u), "\\u%04X", c);
			strbuf_add(sb, u, 6);
		}
		}
	}
	strbuf_add(sb, s + run, len - run);
	strbuf_addch(sb, '"');
}

/* jansson's jsonp_dtostr: "%.17g", with ".0" when that reads as an integer, and the exponent
 * without its '+' and leading zeros ("1e+300" -> "1e300", "1e-05" -> "1e-5") */
static void
add_real(struct strbuf *sb, double d)
{
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "%.17g", d);
	if (n <= 0 || (size_t)n >= sizeof(buf) - 3) {
		strbuf_add(sb, "null", 4);
		return;
	}
	char *e = strchr(buf, 'e');
	if (!e) {
		strbuf_add(sb, buf, (size_t)n);
		if (!strchr(buf, '.'))
			strbuf_add(sb, ".0", 2);
		return;
	}
	char *p = e + 1;
	strbuf_add(sb, buf, (size_t)(p - buf));
	if (*p == '-')
		strbuf_addch(sb, *p++);
	else if (*p == '+')
		p++;
	while (*p == '0' && p[1])
		p++;
	strbuf_addstr(sb, p);
}

static void
add_value(struct strbuf *sb, json_t *v, int depth)
{
	if (depth > JSON_TEXT_DEPTH) {
		strbuf_add(sb, "null", 4);
		return;
	}
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		strbuf_addch(sb, '{');
		const char *key;
		size_t klen;
		json_t *m;
		bool first = true;
		json_object_keylen_foreach(v, key, klen, m)
		{
			if (!first)
				strbuf_addch(sb, ',');
			first = false;
			add_string(sb, key, klen);
			strbuf_addch(sb, ':');
			add_value(sb, m, depth + 1);
		}
		strbuf_addch(sb, '}');
		break;
	}
	case JSON_ARRAY: {
		strbuf_addch(sb, '[');
		size_t n = json_array_size(v);
		for (size_t i = 0; i < n; i++) {
			if (i)
				strbuf_addch(sb, ',');
			add_value(sb, json_array_get(v, i), depth + 1);
		}
		strbuf_addch(sb, ']');
		break;
	}
	case JSON_STRING:
		add_string(sb, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER: {
		char buf[24];
		int n = snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		strbuf_add(sb, buf, (size_t)n);
		break;
	}
	case JSON_REAL:
		add_real(sb, json_real_value(v));
		break;
	case JSON_TRUE:
		strbuf_add(sb, "true", 4);
		break;
	case JSON_FALSE:
		strbuf_add(sb, "false", 5);
		break;
	case JSON_NULL:
	default:
		strbuf_add(sb, "null", 4);
		break;
	}
}

void
json_text_add(struct strbuf *sb, json_t *v)
{
	add_value(sb, v, 0);
}
