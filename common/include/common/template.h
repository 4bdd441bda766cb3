// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_TEMPLATE_H
#define COMMON_TEMPLATE_H

#include "common/strbuf.h"

#include <jansson.h>

/*
 * Mustache templates (https://mustache.github.io/mustache.5.html), passing every test of the
 * official spec files: comments, delimiters, interpolation, inverted, partials, sections,
 * ~inheritance (blocks {{$name}} and parents {{<name}}) and ~dynamic-names ({{>*name}} and
 * {{<*name}}). Lambdas are not supported. The context stack is made of jansson values and,
 * for a list page, rows read as they render (template_rows below).
 *
 * Values: {{x}} HTML-escapes (& < > " ' as &amp; &lt; &gt; &quot; &#39;), {{{x}}} and {{&x}} do
 * not. Strings print as they are, integers in decimal, reals in the shortest form that reads
 * back exactly (1.5, 0.1), true and false as words; null, missing names, objects and arrays
 * print nothing. Dotted names (a.b.c) resolve their first part up the context stack and the
 * rest inside it; a numeric part indexes an array (items.0.title).
 *
 * Sections: false, null, a missing name, [] and "" are falsey; 0 and {} are truthy. An array
 * repeats the section once per element, anything else truthy is pushed once.
 *
 * Inheritance: a block's content is replaced by the override passed by the outermost parent
 * tag that names it (the page wins over its layout's own layout). Standalone partials, parents
 * and blocks indent every line of their content as their tag was indented; a standalone
 * block's content is first dedented where it was written. A name given to a loader is the tag's
 * content, or for a dynamic name the string (or number) it resolves to; a dynamic name that
 * resolves to anything else renders nothing.
 */

/*
 * Loads the source of the template or partial called name into out (appending).
 * Returns 0 when found, -1 when there is no such template (a missing partial renders as "").
 */
typedef int (*template_load_fn)(void *ctx, const char *name, struct strbuf *out);

/*
 * Render the template source tmpl (len bytes) with data (may be NULL) as the root context,
 * appending to out. Partials and parents are fetched through load (may be NULL: none exist);
 * each is loaded and parsed once per call. This parses tmpl on every call: pages use a
 * template_set.
 * Returns 0, or -1 on a syntax error in tmpl or in a partial (unclosed tag or section,
 * mismatched section end, bad delimiter change, bad tag name), or when partials, parents and
 * overrides nest more than 100 deep (endless recursion), with a one-line reason appended to err
 * when err is not NULL: "line 3: section \"items\" is never closed", prefixed with
 * "partial \"name\": " for a partial. out may hold partial output after an error.
 */
int mustache_render(const char *tmpl, size_t len, const json_t *data, template_load_fn load,
		    void *ctx, struct strbuf *out, struct strbuf *err);

/*
 * A set of named templates sharing one loader, each parsed once and then cached until the set is
 * freed (there is no reload); safe to use from many threads at once, so load must be too: two
 * threads may load the same name at once, and one result is kept. Names the loader does not
 * know are not cached (dynamic names come from data), and a missing partial renders as "".
 * template_set_new never fails; template_set_free frees the cache, after the last render.
 */
struct template_set;
struct template_set *template_set_new(template_load_fn load, void *ctx);
void template_set_free(struct template_set *set);

/*
 * Render the template called name with data, appending to out; its partials and parents come
 * from the set too. Returns 0, or -1 when the template does not exist (logged with log_error on
 * each call), when it or a partial it uses has a syntax error (logged once, when first parsed,
 * with the name and reason), or when templates nest more than 100 deep (logged). out may hold
 * partial output after an error.
 */
int template_render(struct template_set *set, const char *name, const json_t *data,
		    struct strbuf *out);

/*
 * Rows a template reads by name as it renders them, never built as jansson values: a list
 * page's rows built as objects (thirty keys each) and freed again were most of its
 * instructions. The list answers to name as if it were a key of the root context (a key of the
 * root that has that name hides it): {{#name}} repeats once per row (none: falsey), and a name
 * inside reads the row's field of that name, or, when the row has none (TEMPLATE_ABSENT), goes
 * up the context stack as a missing key does. name.2.field reads one row. A row prints nothing
 * and is truthy, like an object.
 *
 * get(self, row, f, v) fills *v with field f (an index in fields) of row: v->type TEMPLATE_TEXT
 * with v->text and v->len (UTF-8, not checked again; it must stay valid until the render or
 * template_rows_json returns), TEMPLATE_INTEGER with v->integer, TEMPLATE_BOOL with v->integer
 * 0 or 1, TEMPLATE_NULL, TEMPLATE_JSON with v->json (a new reference the caller releases:
 * for arrays and objects), or TEMPLATE_ABSENT. It is called each time a template reads the
 * field, and only then.
 */
enum template_type {
	TEMPLATE_ABSENT,
	TEMPLATE_NULL,
	TEMPLATE_TEXT,
	TEMPLATE_INTEGER,
	TEMPLATE_BOOL,
	TEMPLATE_JSON,
};

struct template_value {
	enum template_type type;
	const char *text;
	size_t len;
	long long integer;
	json_t *json;
};

struct template_rows {
	const char *name;
	size_t n;
	const char *const *fields; /* every field a row may have, in the order JSON writes them */
	size_t nfields;
	void (*get)(void *self, size_t row, size_t f, struct template_value *v);
	void *self;
	const struct template_rows *next; /* another list beside the root (NULL: none) */
};

/* template_render with rows (may be NULL: none; a list and the lists chained to it by next)
 * beside data. */
int template_render_rows(struct template_set *set, const char *name, const json_t *data,
			 const struct template_rows *rows, struct strbuf *out);

/* *v = the text s (NUL-terminated, borrowed), or null when s is NULL: a getter's usual
 * answer for a column or a catalog's text. */
void template_value_text(struct template_value *v, const char *s);

/* Row i of rows as a new object: its present fields in the fields' order, the values a
 * template reads (TEXT as a string, INTEGER, BOOL, NULL, JSON as it is). */
json_t *template_row_json(const struct template_rows *rows, size_t i);

/* Every row of rows as a new array of template_row_json objects. */
json_t *template_rows_json(const struct template_rows *rows);

#endif
