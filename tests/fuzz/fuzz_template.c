// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The Mustache tokenizer and parser (common/src/template_parse.c) and the renderer over what
 * it makes. The input is a template source, given without a trailing NUL so that reading past
 * its end is caught. Checks: the compiled tree is well formed (each subtree ends inside its
 * parent, text nodes lie inside the source and hold at most one line); the same source renders
 * through mustache_render with a fixed context and fixed partials and parents, each array of one
 * element, so that the work stays linear in the source (templates are the operator's; the data
 * is not fuzzed for size).
 */
#include "fuzz.h"

#include "../../common/src/template_internal.h"
#include "common/template.h"

static json_t *context;

static const struct {
	const char *name, *src;
} partials[] = {
	{"p", "[{{a}}]\n"},
	{"list", "  {{#items}}<li>{{title}}</li>\n  {{/items}}\n"},
	{"layout", "<main>{{$body}}default{{/body}}</main>\n{{$foot}}f {{a}}{{/foot}}\n"},
	{"bad", "{{#open}}never closed"},
};

static int
load(void *ctx, const char *name, struct strbuf *out)
{
	(void)ctx;
	for (size_t i = 0; i < sizeof(partials) / sizeof(partials[0]); i++)
		if (strcmp(name, partials[i].name) == 0) {
			strbuf_addstr(out, partials[i].src);
			return 0;
		}
	return -1;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	json_error_t err;
	context = json_loads(
		"{\"a\": \"x<&>\\\"'\", \"n\": 0, \"r\": 1.5, \"t\": true, \"f\": false,"
		" \"e\": \"\", \"z\": null, \"items\": [{\"title\": \"T\", \"id\": 3}],"
		" \"o\": {\"p\": {\"q\": \"deep\"}}, \"dyn\": \"p\", \"lay\": \"layout\","
		" \"num\": 7, \"arr\": [[\"nested\"]]}",
		0, &err);
	FUZZ_CHECK(context != NULL);
	return 0;
}

static void
check_tree(const struct tmpl *t, size_t len)
{
	for (uint32_t i = 0; i < t->nr; i++) {
		const struct node *n = &t->nodes[i];
		FUZZ_CHECK(n->end > i && n->end <= t->nr);
		bool container = n->type == NODE_SECTION || n->type == NODE_INVERTED ||
				 n->type == NODE_PARENT || n->type == NODE_BLOCK;
		if (!container)
			FUZZ_CHECK(n->end == i + 1);
		/* a subtree ends inside the subtree of every container it is in */
		for (uint32_t c = n->end; c-- > i + 1;)
			FUZZ_CHECK(t->nodes[c].end <= n->end);
		if (n->type == NODE_TEXT) {
			/* (a line of indentation alone may be dedented to nothing) */
			FUZZ_CHECK((size_t)n->off + n->len <= len);
			const char *nl = memchr(t->src + n->off, '\n', n->len);
			FUZZ_CHECK(!nl || nl == t->src + n->off + n->len - 1);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;
	struct tmpl *t = tmpl_parse((const char *)data, size, NULL, &err);
	if (t) {
		FUZZ_CHECK(err.len == 0);
		check_tree(t, size);
		tmpl_free(t);
	} else {
		FUZZ_CHECK(err.len > 0);
	}
	strbuf_reset(&err);
	int rc = mustache_render((const char *)data, size, context, load, NULL, &out, &err);
	FUZZ_CHECK(rc == 0 || rc == -1);
	FUZZ_CHECK(rc == 0 ? err.len == 0 : err.len > 0);
	FUZZ_CHECK(out.buf[out.len] == '\0');
	strbuf_release(&err);
	strbuf_release(&out);
	return 0;
}
