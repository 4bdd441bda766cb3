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

/*
 * What a name resolves to: a jansson value (borrowed from the context, or owned: a row's field
 * made for this read, released by val_release), a row's text or integer, a list of rows, or
 * one row.
 */
enum val_kind { V_MISS, V_JSON, V_TEXT, V_INT, V_ROWS, V_ROW };

struct val {
	enum val_kind kind;
	const json_t *json; /* V_JSON */
	json_t *owned;      /* what to release once read (json or an object json is in) */
	const char *s;      /* V_TEXT */
	size_t len;
	long long i;                      /* V_INT */
	const struct template_rows *rows; /* V_ROWS, V_ROW */
	size_t row;                       /* V_ROW */
};

static void
val_release(struct val *v)
{
	json_decref(v->owned);
	v->owned = NULL;
}

/* The context stack, innermost first. */
struct ctx_frame {
	struct val v;
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

/* Field name of a row: its index in rows->fields, or -1. A render remembers the answer for
 * each tag's name (the names live as long as their template), so a list's rows do not search
 * their fields again for each row. */
static long
field_index(struct render *r, const struct template_rows *rows, const char *name)
{
	struct field_memo *m = &r->fields[((uintptr_t)name >> 2) % TMPL_FIELD_MEMO];
	if (m->name == name && m->rows == rows)
		return m->f;
	long f = -1;
	for (size_t k = 0; k < rows->nfields; k++)
		if (rows->fields[k][0] == name[0] && strcmp(rows->fields[k], name) == 0) {
			f = (long)k;
			break;
		}
	*m = (struct field_memo){name, rows, f};
	return f;
}

/* Field name of row i into *out: false when the row has no such field. */
static bool
row_field(struct render *r, const struct template_rows *rows, size_t i, const char *name,
	  struct val *out)
{
	long f = field_index(r, rows, name);
	struct template_value tv = {TEMPLATE_ABSENT, NULL, 0, 0, NULL};
	if (f < 0)
		return false;
	rows->get(rows->self, i, (size_t)f, &tv);
	*out = (struct val){V_JSON};
	switch (tv.type) {
	case TEMPLATE_ABSENT:
		return false;
	case TEMPLATE_NULL:
		out->json = json_null();
		break;
	case TEMPLATE_TEXT:
		*out = (struct val){V_TEXT, .s = tv.text, .len = tv.len};
		break;
	case TEMPLATE_INTEGER:
		*out = (struct val){V_INT, .i = tv.integer};
		break;
	case TEMPLATE_BOOL:
		out->json = tv.integer ? json_true() : json_false();
		break;
	case TEMPLATE_JSON:
		out->json = out->owned = tv.json;
		break;
	}
	return true;
}

/* The part key of what v is: false when it has none. */
static bool
member(struct render *r, const struct val *v, const char *key, struct val *out)
{
	switch (v->kind) {
	case V_JSON: {
		const json_t *m = NULL;
		if (json_is_object(v->json)) {
			m = json_object_get(v->json, key);
		} else if (json_is_array(v->json) && key[0] >= '0' && key[0] <= '9') {
			char *end;
			unsigned long idx = strtoul(key, &end, 10);
			m = *end ? NULL : json_array_get(v->json, idx);
		}
		*out = (struct val){V_JSON, .json = m};
		return m != NULL;
	}
	case V_ROWS:
		if (key[0] >= '0' && key[0] <= '9') {
			char *end;
			unsigned long idx = strtoul(key, &end, 10);
			*out = (struct val){V_ROW, .rows = v->rows, .row = idx};
			return !*end && idx < v->rows->n;
		}
		return false;
	case V_ROW:
		return row_field(r, v->rows, v->row, key, out);
	default:
		return false;
	}
}

/* The first part of key from frame ctx outward into *v: the frame that answered, or NULL. */
static const struct ctx_frame *
lookup_first(struct render *r, const struct ctx_frame *ctx, const char *key, struct val *v)
{
	for (; ctx; ctx = ctx->up) {
		if (ctx->v.kind == V_ROWS && !ctx->up) {
			/* the lists beside the root answer to their names */
			const struct template_rows *l = ctx->v.rows;
			while (l && strcmp(l->name, key) != 0)
				l = l->next;
			if (l) {
				*v = (struct val){V_ROWS, .rows = l};
				return ctx;
			}
		} else if (member(r, &ctx->v, key, v)) {
			return ctx;
		}
	}
	return NULL;
}

/* The parts of key after its first (nparts in all), from v, the first's value. */
static struct val
lookup_parts(struct render *r, struct val v, const char *key, unsigned nparts)
{
	for (unsigned i = 1; i < nparts; i++) {
		struct val m;
		key += strlen(key) + 1;
		if (!member(r, &v, key, &m)) {
			val_release(&v);
			return (struct val){V_MISS};
		}
		if (!m.owned)
			m.owned = v.owned; /* a member of what we hold: keep holding it */
		else
			val_release(&v);
		v = m;
	}
	return v;
}

/* The name key from the root context outward, kept for the render when it is borrowed from
 * the view or is one of the lists beside it (neither changes during a render). */
static struct val
lookup_root(struct render *r, const struct ctx_frame *root, const char *key, unsigned nparts)
{
	struct root_memo *m = &r->roots[((uintptr_t)key >> 2) % TMPL_ROOT_MEMO];
	if (m->name == key)
		return m->kind == V_JSON   ? (struct val){V_JSON, .json = m->what}
		       : m->kind == V_ROWS ? (struct val){V_ROWS, .rows = m->what}
					   : (struct val){V_MISS};
	struct val v = {V_MISS};
	if (lookup_first(r, root, key, &v))
		v = lookup_parts(r, v, key, nparts);
	if (v.kind == V_MISS || (v.kind == V_JSON && !v.owned))
		*m = (struct root_memo){key, v.kind, v.json};
	else if (v.kind == V_ROWS)
		*m = (struct root_memo){key, V_ROWS, v.rows};
	return v;
}

/* The name key (nparts dotted parts) in the context; V_MISS when nothing answers. The caller
 * releases what it got (val_release). */
static struct val
lookup(struct render *r, const struct ctx_frame *ctx, const char *key, unsigned nparts)
{
	struct val v = {V_MISS};

	if (nparts == 0) {
		v = ctx->v;
		v.owned = NULL; /* the frame's */
		return v;
	}
	/* the frames inside the root's first, then the root's (kept) */
	for (; ctx && ctx != r->root; ctx = ctx->up)
		if (member(r, &ctx->v, key, &v))
			return lookup_parts(r, v, key, nparts);
	if (ctx)
		return lookup_root(r, ctx, key, nparts);
	return (struct val){V_MISS};
}

static bool
is_truthy(const struct val *v)
{
	switch (v->kind) {
	case V_MISS:
		return false;
	case V_JSON:
		if (!v->json || json_is_false(v->json) || json_is_null(v->json))
			return false;
		if (json_is_array(v->json))
			return json_array_size(v->json) > 0;
		if (json_is_string(v->json))
			return json_string_length(v->json) > 0;
		return true;
	case V_TEXT:
		return v->len > 0;
	case V_ROWS:
		return v->rows->n > 0;
	default:
		return true;
	}
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
add_json(struct strbuf *out, const json_t *v, bool escape)
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
add_value(struct strbuf *out, const struct val *v, bool escape)
{
	if (v->kind == V_JSON)
		add_json(out, v->json, escape);
	else if (v->kind == V_TEXT && escape)
		html_escape(out, v->s, v->len);
	else if (v->kind == V_TEXT)
		strbuf_add(out, v->s, v->len);
	else if (v->kind == V_INT)
		add_integer(out, v->i);
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

/* The name a dynamic tag's value v gives (in buf when it is made there), or NULL: none. */
static const char *
dynamic_name(const struct val *v, char *buf, size_t size)
{
	const json_t *j = v->kind == V_JSON ? v->json : NULL;
	if (json_is_string(j) && strlen(json_string_value(j)) == json_string_length(j))
		return json_string_value(j);
	if (v->kind == V_TEXT && v->len < size && !memchr(v->s, 0, v->len)) {
		memcpy(buf, v->s, v->len);
		buf[v->len] = '\0';
		return buf;
	}
	if (json_is_integer(j) || v->kind == V_INT) {
		snprintf(buf, size, "%lld",
			 v->kind == V_INT ? v->i : (long long)json_integer_value(j));
		return buf;
	}
	if (json_is_real(j)) {
		format_real(buf, size, json_real_value(j));
		return buf;
	}
	return NULL;
}

/* {{>name}} and {{<name}}…{{/name}}: a missing template renders as nothing. */
static int
render_include(struct render *r, const struct tmpl *t, uint32_t i, const struct ctx_frame *ctx,
	       const struct indent *ind, const struct args *args)
{
	const struct node *n = &t->nodes[i];
	const char *name = t->names + n->name;
	char buf[256];
	const struct tmpl *inc;
	struct indent sub;
	struct args a;
	struct val dv = {V_MISS};
	int rc = 0;

	if (n->flags & NODE_DYNAMIC) {
		dv = lookup(r, ctx, name, n->nparts);
		if (!(name = dynamic_name(&dv, buf, sizeof(buf))))
			goto out;
	}
	rc = r->resolve(r, name, &inc);
	if (rc) {
		rc = rc < 0 ? -1 : 0;
		goto out;
	}
	if ((rc = enter(r, name)) < 0)
		goto out;
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
out:
	val_release(&dv);
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

/* {{#name}}…{{/name}} at node i with v, name's value: once per element or row, or once. */
static int
render_section(struct render *r, const struct tmpl *t, uint32_t i, const struct val *v,
	       const struct ctx_frame *ctx, const struct indent *ind, const struct args *args)
{
	uint32_t end = t->nodes[i].end;
	if (v->kind == V_JSON && json_is_array(v->json)) {
		size_t k;
		json_t *item;
		json_array_foreach(v->json, k, item)
		{
			struct ctx_frame f = {{V_JSON, .json = item}, ctx};
			if (render_nodes(r, t, i + 1, end, &f, ind, args, false) < 0)
				return -1;
		}
	} else if (v->kind == V_ROWS) {
		for (size_t k = 0; k < v->rows->n; k++) {
			struct ctx_frame f = {{V_ROW, .rows = v->rows, .row = k}, ctx};
			if (render_nodes(r, t, i + 1, end, &f, ind, args, false) < 0)
				return -1;
		}
	} else if (is_truthy(v)) {
		struct ctx_frame f = {*v, ctx};
		return render_nodes(r, t, i + 1, end, &f, ind, args, false);
	}
	return 0;
}

static int
render_nodes(struct render *r, const struct tmpl *t, uint32_t begin, uint32_t end,
	     const struct ctx_frame *ctx, const struct indent *ind, const struct args *args,
	     bool force_bol)
{
	for (uint32_t i = begin; i < end;) {
		const struct node *n = &t->nodes[i];
		struct val v;
		int rc;

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
			v = lookup(r, ctx, t->names + n->name, n->nparts);
			add_value(r->out, &v, n->type == NODE_VAR);
			val_release(&v);
			break;
		case NODE_SECTION:
			v = lookup(r, ctx, t->names + n->name, n->nparts);
			rc = render_section(r, t, i, &v, ctx, ind, args);
			val_release(&v);
			if (rc < 0)
				return -1;
			break;
		case NODE_INVERTED:
			v = lookup(r, ctx, t->names + n->name, n->nparts);
			rc = is_truthy(&v)
				     ? 0
				     : render_nodes(r, t, i + 1, n->end, ctx, ind, args, false);
			val_release(&v);
			if (rc < 0)
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
tmpl_render(struct render *r, const struct tmpl *t, const json_t *data,
	    const struct template_rows *rows)
{
	struct ctx_frame beside = {{V_ROWS, .rows = rows}, NULL};
	struct ctx_frame root = {{V_JSON, .json = data}, rows ? &beside : NULL};
	r->root = &root;
	return render_nodes(r, t, 0, t->nr, &root, NULL, NULL, false);
}
