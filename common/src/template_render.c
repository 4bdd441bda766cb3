// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * template_render: walks a parsed template's nodes against jansson values. The context stack,
 * indentation and block overrides live on the C stack, so a render allocates nothing but its
 * output; partials and parents come through the render's resolver.
 */
#include "template_internal.h"

#include "common/html.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Partials, parents and overrides nested in one render. */
#define MAX_DEPTH 100

/* The context stack, innermost first. */
struct ctx_frame {
	const json_t *value;
	const struct ctx_frame *up;
};

/* Indentation is the concatenation of the chain, outermost first. */
struct indent {
	const char *s;
	size_t len;
	const struct indent *up;
};

/* The blocks passed by one parent tag, and the indentation where they were written. */
struct args {
	const struct tmpl *tmpl;
	uint32_t parent;
	const struct indent *indent;
	const struct args *up;
};

static const json_t *
lookup(const struct ctx_frame *ctx, const char *key, unsigned nparts)
{
	const json_t *v = NULL;

	if (nparts == 0)
		return ctx->value;
	for (; ctx; ctx = ctx->up)
		if (json_is_object(ctx->value) && (v = json_object_get(ctx->value, key)))
			break;
	for (unsigned i = 1; v && i < nparts; i++) {
		key += strlen(key) + 1;
		if (json_is_object(v)) {
			v = json_object_get(v, key);
		} else if (json_is_array(v) && key[0] >= '0' && key[0] <= '9') {
			char *end;
			unsigned long idx = strtoul(key, &end, 10);
			v = *end ? NULL : json_array_get(v, idx);
		} else {
			v = NULL;
		}
	}
	return v;
}

static bool
is_truthy(const json_t *v)
{
	if (!v || json_is_false(v) || json_is_null(v))
		return false;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	return true;
}

/* The shortest of %.15g, %.16g and %.17g that reads back as d: 1.5 is "1.5", not 1.50000… */
static void
format_real(char *buf, size_t size, double d)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			break;
	}
}

/* Every page prints ids and counts: cheaper than strbuf_addf. */
static void
add_integer(struct strbuf *out, json_int_t v)
{
	char buf[24], *p = buf + sizeof(buf);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	strbuf_add(out, p, (size_t)(buf + sizeof(buf) - p));
}

static void
add_value(struct strbuf *out, const json_t *v, bool escape)
{
	char buf[32];

	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_STRING:
		if (escape)
			html_escape(out, json_string_value(v), json_string_length(v));
		else
			strbuf_add(out, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		add_integer(out, json_integer_value(v));
		break;
	case JSON_REAL:
		format_real(buf, sizeof(buf), json_real_value(v));
		strbuf_addstr(out, buf);
		break;
	case JSON_TRUE:
		strbuf_addstr(out, "true");
		break;
	case JSON_FALSE:
		strbuf_addstr(out, "false");
		break;
	default:
		break;
	}
}

static void
add_indent(struct strbuf *out, const struct indent *ind)
{
	if (!ind)
		return;
	add_indent(out, ind->up);
	strbuf_add(out, ind->s, ind->len);
}

static const struct indent *
push_indent(struct indent *sub, const struct tmpl *t, const struct node *n,
	    const struct indent *ind)
{
	if (!n->len)
		return ind;
	sub->s = t->src + n->off;
	sub->len = n->len;
	sub->up = ind;
	return sub;
}

static int render_nodes(struct render *r, const struct tmpl *t, uint32_t begin, uint32_t end,
			const struct ctx_frame *ctx, const struct indent *ind,
			const struct args *args, bool force_bol);

static int
enter(struct render *r, const char *name)
{
	if (r->depth < MAX_DEPTH) {
		r->depth++;
		return 0;
	}
	if (r->err)
		strbuf_addf(r->err, "templates nest more than %d deep at \"%s\"", MAX_DEPTH, name);
	return -1;
}

/* {{>name}} and {{<name}}…{{/name}}: a missing template renders as nothing. */
static int
render_include(struct render *r, const struct tmpl *t, uint32_t i, const struct ctx_frame *ctx,
	       const struct indent *ind, const struct args *args)
{
	const struct node *n = &t->nodes[i];
	const char *name = t->names + n->name;
	char buf[32];
	const struct tmpl *inc;
	struct indent sub;
	struct args a;
	int rc;

	if (n->flags & NODE_DYNAMIC) {
		const json_t *v = lookup(ctx, name, n->nparts);
		if (json_is_string(v) && strlen(json_string_value(v)) == json_string_length(v)) {
			name = json_string_value(v);
		} else if (json_is_integer(v)) {
			snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
			name = buf;
		} else if (json_is_real(v)) {
			format_real(buf, sizeof(buf), json_real_value(v));
			name = buf;
		} else {
			return 0;
		}
	}
	rc = r->resolve(r, name, &inc);
	if (rc)
		return rc < 0 ? -1 : 0;
	if (enter(r, name) < 0)
		return -1;
	const struct indent *inc_ind = NULL;
	if (n->flags & NODE_STANDALONE)
		inc_ind = push_indent(&sub, t, n, ind);
	if (n->type == NODE_PARENT) {
		a.tmpl = t;
		a.parent = i;
		a.indent = ind;
		a.up = args;
		args = &a;
	}
	rc = render_nodes(r, inc, 0, inc->nr, ctx, inc_ind, args, false);
	r->depth--;
	return rc;
}

/* The argument called name among the blocks of a parent tag, or 0. */
static uint32_t
find_arg(const struct args *a, const char *name)
{
	const struct node *nodes = a->tmpl->nodes;

	for (uint32_t j = a->parent + 1; j < nodes[a->parent].end; j = nodes[j].end)
		if (nodes[j].type == NODE_BLOCK &&
		    strcmp(a->tmpl->names + nodes[j].name, name) == 0)
			return j;
	return 0;
}

/* {{$name}}: the outermost override wins (the page over its layout's own layout). */
static int
render_block(struct render *r, const struct tmpl *t, uint32_t i, const struct ctx_frame *ctx,
	     const struct indent *ind, const struct args *args)
{
	const struct node *n = &t->nodes[i];
	const char *name = t->names + n->name;
	const struct args *found = NULL;
	uint32_t fj = 0;
	struct indent sub;
	int rc;

	for (const struct args *a = args; a; a = a->up) {
		uint32_t j = find_arg(a, name);
		if (j) {
			found = a;
			fj = j;
		}
	}
	if (!found)
		return render_nodes(r, t, i + 1, n->end, ctx,
				    n->flags & NODE_STANDALONE ? push_indent(&sub, t, n, ind) : ind,
				    args, n->flags & NODE_STANDALONE);

	const struct tmpl *ct = found->tmpl;
	const struct node *def = &ct->nodes[fj];
	const struct indent *cind;
	if (n->flags & NODE_STANDALONE)
		cind = push_indent(&sub, t, n, ind);
	else
		cind = def->flags & NODE_STANDALONE ? NULL : found->indent;
	if (enter(r, name) < 0)
		return -1;
	rc = render_nodes(r, ct, fj + 1, def->end, ctx, cind, args, n->flags & NODE_STANDALONE);
	r->depth--;
	return rc;
}

static int
render_nodes(struct render *r, const struct tmpl *t, uint32_t begin, uint32_t end,
	     const struct ctx_frame *ctx, const struct indent *ind, const struct args *args,
	     bool force_bol)
{
	for (uint32_t i = begin; i < end;) {
		const struct node *n = &t->nodes[i];
		const json_t *v;

		if (ind && ((n->flags & NODE_BOL) ||
			    (force_bol && i == begin && !(n->flags & NODE_STANDALONE) &&
			     !(n->type == NODE_TEXT && tmpl_is_newline(t->src + n->off, n->len)))))
			add_indent(r->out, ind);
		switch ((enum node_type)n->type) {
		case NODE_TEXT:
			strbuf_add(r->out, t->src + n->off, n->len);
			break;
		case NODE_INDENT:
			break;
		case NODE_VAR:
		case NODE_RAW:
			v = lookup(ctx, t->names + n->name, n->nparts);
			add_value(r->out, v, n->type == NODE_VAR);
			break;
		case NODE_SECTION:
			v = lookup(ctx, t->names + n->name, n->nparts);
			if (json_is_array(v)) {
				size_t k;
				json_t *item;
				json_array_foreach(v, k, item)
				{
					struct ctx_frame f = {item, ctx};
					if (render_nodes(r, t, i + 1, n->end, &f, ind, args,
							 false) < 0)
						return -1;
				}
			} else if (is_truthy(v)) {
				struct ctx_frame f = {v, ctx};
				if (render_nodes(r, t, i + 1, n->end, &f, ind, args, false) < 0)
					return -1;
			}
			break;
		case NODE_INVERTED:
			v = lookup(ctx, t->names + n->name, n->nparts);
			if (!is_truthy(v) &&
			    render_nodes(r, t, i + 1, n->end, ctx, ind, args, false) < 0)
				return -1;
			break;
		case NODE_PARTIAL:
		case NODE_PARENT:
			if (render_include(r, t, i, ctx, ind, args) < 0)
				return -1;
			break;
		case NODE_BLOCK:
			if (render_block(r, t, i, ctx, ind, args) < 0)
				return -1;
			break;
		}
		i = n->end;
	}
	return 0;
}

int
tmpl_render(struct render *r, const struct tmpl *t, const json_t *data)
{
	struct ctx_frame root = {data, NULL};
	return render_nodes(r, t, 0, t->nr, &root, NULL, NULL, false);
}
