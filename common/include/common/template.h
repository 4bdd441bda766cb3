// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_TEMPLATE_H
#define COMMON_TEMPLATE_H

#include "common/strbuf.h"

#include <jansson.h>

/*
 * Mustache templates (https://mustache.github.io/mustache.5.html), passing every test of the
 * official spec files: comments, delimiters, interpolation, inverted, partials, sections,
 * ~inheritance (blocks {{$name}} and parents {{<name}}) and ~dynamic-names ({{>*name}}).
 * Lambdas are not supported. The context stack is made of jansson values; {{x}} HTML-escapes
 * (& < > " '), {{{x}}} and {{&x}} do not.
 */

/*
 * Loads the source of the template or partial called name into out (appending).
 * Returns 0 when found, -1 when there is no such template (a missing partial renders as "").
 */
typedef int (*template_load_fn)(void *ctx, const char *name, struct strbuf *out);

/*
 * Render the template source tmpl (len bytes) with data as the root context, appending to out.
 * Partials and parents are fetched through load (may be NULL: none exist).
 * Returns 0, or -1 on a syntax error (unclosed tag or section, mismatched section end, bad
 * delimiter change), with a one-line reason including the line number appended to err when err
 * is not NULL. out may hold partial output after an error.
 */
int mustache_render(const char *tmpl, size_t len, const json_t *data, template_load_fn load,
                    void *ctx, struct strbuf *out, struct strbuf *err);

/*
 * A set of named templates sharing one loader, each parsed once and then cached; safe to use
 * from many threads at once. template_set_new never fails; template_set_free frees the cache.
 */
struct template_set;
struct template_set *template_set_new(template_load_fn load, void *ctx);
void template_set_free(struct template_set *set);

/*
 * Render the template called name with data, appending to out. Returns 0, or -1 when the template
 * does not exist or has a syntax error (logged once with log_error, with the name and reason).
 */
int template_render(struct template_set *set, const char *name, const json_t *data,
                    struct strbuf *out);

#endif
