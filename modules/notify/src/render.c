// SPDX-License-Identifier: AGPL-3.0-or-later
/* Texts filled with values: catalog messages' {{name}} and the SMS gateway's {to} / {text}.
 * Pure: unit-tested. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
notify_render(struct strbuf *out, const char *tmpl, json_t *vars)
{
	const char *p = tmpl;
	for (;;) {
		const char *open = strstr(p, "{{");
		const char *close = open ? strstr(open + 2, "}}") : NULL;
		if (!close) {
			strbuf_addstr(out, p);
			return;
		}
		strbuf_add(out, p, (size_t)(open - p));
		char name[64];
		size_t n = (size_t)(close - open - 2);
		json_t *v = NULL;
		if (n < sizeof(name)) {
			memcpy(name, open + 2, n);
			name[n] = '\0';
			v = json_object_get(vars, name);
		}
		if (json_is_string(v))
			strbuf_addstr(out, json_string_value(v));
		else if (json_is_integer(v))
			strbuf_addf(out, "%lld", (long long)json_integer_value(v));
		/* an unknown name leaves nothing: never the raw braces in a resident's message */
		p = close + 2;
	}
}

static void
add_json_escaped(struct strbuf *out, const char *s)
{
	json_t *str = json_string(s);
	char *text = json_dumps(str, JSON_ENCODE_ANY);
	if (text) /* without the quotes: the template holds them */
		strbuf_add(out, text + 1, strlen(text) - 2);
	free(text);
	json_decref(str);
}

static void
add_value(struct strbuf *out, const char *s, enum render_encoding enc)
{
	if (enc == RENDER_URL)
		strbuf_addurlenc(out, s);
	else if (enc == RENDER_JSON)
		add_json_escaped(out, s);
	else
		strbuf_addstr(out, s);
}

void
render_gateway(struct strbuf *out, const char *tmpl, const char *to, const char *text,
	       enum render_encoding enc)
{
	for (const char *p = tmpl; *p;) {
		if (!strncmp(p, "{to}", 4)) {
			add_value(out, to, enc);
			p += 4;
		} else if (!strncmp(p, "{text}", 6)) {
			add_value(out, text, enc);
			p += 6;
		} else {
			strbuf_addch(out, *p++);
		}
	}
}
