// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * template_parse: a Mustache source into the flat array of nodes the renderer walks (each
 * container knows where its subtree ends). Two passes: tokens (text split after each newline,
 * tags with their trimmed names, delimiter changes applied), then line by line the standalone
 * tags whose line disappears, and the nodes; standalone blocks are dedented last.
 */
#include "template_internal.h"

#include "common/xalloc.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Sections nested in one source. */
#define MAX_NESTING 256

void
tmpl_free(struct tmpl *t)
{
	if (!t)
		return;
	free(t->own_src);
	free(t->names);
	free(t->nodes);
	free(t);
}

/* Parsing, first pass: tokens. Text is split after each newline. */
enum tok_type {
	TOK_TEXT,
	TOK_VAR,
	TOK_RAW,
	TOK_SECTION,
	TOK_INVERTED,
	TOK_CLOSE,
	TOK_PARTIAL,
	TOK_PARENT,
	TOK_BLOCK,
	TOK_COMMENT,
	TOK_DELIM,
};

struct token {
	uint8_t type;
	bool dynamic;      /* name began with '*' */
	bool removed;      /* text dropped with a standalone line */
	bool standalone;   /* tag alone on its line (or in one of the paired forms) */
	bool line_removed; /* the whole line of this standalone tag, newline included, is gone */
	bool bol;          /* first token of a line that stays */
	uint32_t start, end;
	uint32_t name, name_len; /* trimmed name in src */
	uint32_t ind, ind_len;   /* indentation before a standalone tag */
	uint32_t lstart, lend;   /* the line (as split by text newlines) of a standalone tag */
	uint32_t line;
};

struct span {
	uint32_t start, end;
};

struct open {
	uint32_t node;
	uint32_t tok;
};

struct parser {
	const char *src;
	uint32_t len;
	struct strbuf *err;
	struct token *toks;
	size_t ntoks, toks_alloc;
	struct node *nodes;
	size_t nr, nodes_alloc;
	struct span *spans; /* parallel to nodes: the source of a block's content */
	size_t spans_alloc;
	struct open *stack;
	size_t depth, stack_alloc;
	struct strbuf names;
};

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static const char *
find(const char *hay, size_t hay_len, const char *needle, size_t needle_len)
{
	const char *end = hay + hay_len;

	while ((size_t)(end - hay) >= needle_len) {
		const char *c = memchr(hay, needle[0], (size_t)(end - hay) - needle_len + 1);
		if (!c)
			return NULL;
		if (memcmp(c, needle, needle_len) == 0)
			return c;
		hay = c + 1;
	}
	return NULL;
}

static struct token *
add_token(struct parser *p, enum tok_type type, uint32_t start, uint32_t end, uint32_t line)
{
	ALLOC_GROW(p->toks, p->ntoks + 1, p->toks_alloc);
	struct token *t = &p->toks[p->ntoks++];
	memset(t, 0, sizeof(*t));
	t->type = (uint8_t)type;
	t->start = start;
	t->end = end;
	t->line = line;
	return t;
}

static void
add_text(struct parser *p, uint32_t from, uint32_t to, uint32_t *line)
{
	while (from < to) {
		const char *nl = memchr(p->src + from, '\n', to - from);
		uint32_t end = nl ? (uint32_t)(nl - p->src) + 1 : to;
		add_token(p, TOK_TEXT, from, end, *line);
		if (nl)
			(*line)++;
		from = end;
	}
}

static bool
has_space(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (is_space(s[i]))
			return true;
	return false;
}

/* The current delimiters, "{{" and "}}" until a {{=<% %>=}} tag changes them. */
struct delims {
	const char *open, *close;
	size_t open_len, close_len;
};

/* {{=<% %>=}}: two delimiters without whitespace or '=' in them. */
static int
set_delimiters(const char *s, size_t len, struct delims *d)
{
	size_t i = 0;

	while (i < len && !is_space(s[i]))
		i++;
	size_t a_len = i;
	while (i < len && is_space(s[i]))
		i++;
	if (a_len == 0 || i == len || has_space(s + i, len - i))
		return -1;
	if (memchr(s, '=', len))
		return -1;
	d->open = s;
	d->open_len = a_len;
	d->close = s + i;
	d->close_len = len - i;
	return 0;
}

/*
 * The kind of tag by the character after its opening delimiter. *close_prefix is the
 * character the closing delimiter must follow ('}' for {{{x}}}, '=' for {{=a b=}}), or 0.
 */
static enum tok_type
tag_type(char c, char *close_prefix)
{
	*close_prefix = 0;
	switch (c) {
	case '{':
		*close_prefix = '}';
		return TOK_RAW;
	case '&':
		return TOK_RAW;
	case '#':
		return TOK_SECTION;
	case '^':
		return TOK_INVERTED;
	case '/':
		return TOK_CLOSE;
	case '>':
		return TOK_PARTIAL;
	case '<':
		return TOK_PARENT;
	case '$':
		return TOK_BLOCK;
	case '!':
		return TOK_COMMENT;
	case '=':
		*close_prefix = '=';
		return TOK_DELIM;
	}
	return TOK_VAR;
}

/* Where the closing delimiter of a tag whose content starts at q is, or -1 (unclosed). */
static int64_t
find_close(const struct parser *p, uint32_t q, const struct delims *d, char close_prefix)
{
	for (uint32_t from = q;;) {
		const char *c = find(p->src + from, p->len - from, d->close, d->close_len);
		if (!c)
			return -1;
		uint32_t at = (uint32_t)(c - p->src);
		if (!close_prefix || (at > q && p->src[at - 1] == close_prefix))
			return at;
		from = at + 1;
	}
}

/* The name of tag t from its trimmed content src[cs, ce): a dynamic '*' taken off, checked. */
static int
set_tag_name(struct parser *p, struct token *t, uint32_t cs, uint32_t ce)
{
	const char *src = p->src;

	if ((t->type == TOK_PARTIAL || t->type == TOK_PARENT || t->type == TOK_CLOSE) && cs < ce &&
	    src[cs] == '*') {
		t->dynamic = true;
		cs++;
		while (cs < ce && is_space(src[cs]))
			cs++;
	}
	if (cs == ce) {
		strbuf_addf(p->err, "line %u: empty tag", t->line);
		return -1;
	}
	if (has_space(src + cs, ce - cs)) {
		strbuf_addf(p->err, "line %u: bad tag name \"%.*s\"", t->line, (int)(ce - cs),
			    src + cs);
		return -1;
	}
	t->name = cs;
	t->name_len = ce - cs;
	return 0;
}

/* The tag starting at tag_start: its token; *pos goes past it, *line counts its newlines. */
static int
read_tag(struct parser *p, struct delims *d, uint32_t tag_start, uint32_t *pos, uint32_t *line)
{
	const char *src = p->src;
	uint32_t tag_line = *line;
	uint32_t q = tag_start + (uint32_t)d->open_len;
	char close_prefix = 0;
	enum tok_type type = q < p->len ? tag_type(src[q], &close_prefix) : TOK_VAR;

	if (type != TOK_VAR)
		q++;
	int64_t close = find_close(p, q, d, close_prefix);
	if (close < 0) {
		strbuf_addf(p->err, "line %u: unclosed tag", tag_line);
		return -1;
	}
	uint32_t at = (uint32_t)close, tag_end = at + (uint32_t)d->close_len;
	for (uint32_t i = tag_start; i < tag_end; i++)
		if (src[i] == '\n')
			(*line)++;

	uint32_t cs = q, ce = close_prefix ? at - 1 : at;
	while (cs < ce && is_space(src[cs]))
		cs++;
	while (ce > cs && is_space(src[ce - 1]))
		ce--;

	struct token *t = add_token(p, type, tag_start, tag_end, tag_line);
	*pos = tag_end;
	if (type == TOK_COMMENT)
		return 0;
	if (type == TOK_DELIM) {
		if (set_delimiters(src + cs, ce - cs, d) < 0) {
			strbuf_addf(p->err, "line %u: bad delimiter change", tag_line);
			return -1;
		}
		return 0;
	}
	return set_tag_name(p, t, cs, ce);
}

static int
tokenize(struct parser *p)
{
	struct delims d = {.open = "{{", .close = "}}", .open_len = 2, .close_len = 2};
	uint32_t pos = 0, line = 1;

	while (pos < p->len) {
		const char *o = find(p->src + pos, p->len - pos, d.open, d.open_len);
		uint32_t tag_start = o ? (uint32_t)(o - p->src) : p->len;
		add_text(p, pos, tag_start, &line);
		if (!o)
			break;
		if (read_tag(p, &d, tag_start, &pos, &line) < 0)
			return -1;
	}
	return 0;
}

/* Parsing, second pass: standalone lines, then nodes. */

/* Does a closing tag match its opening tag? A dynamic parent is closed with its asterisk. */
static bool
same_name(const struct parser *p, const struct token *a, const struct token *b)
{
	if (a->dynamic != b->dynamic) {
		const struct token *dyn = a->dynamic ? a : b, *plain = a->dynamic ? b : a;
		return plain->name_len == dyn->name_len + 1 && p->src[plain->name] == '*' &&
		       memcmp(p->src + plain->name + 1, p->src + dyn->name, dyn->name_len) == 0;
	}
	return a->name_len == b->name_len &&
	       memcmp(p->src + a->name, p->src + b->name, a->name_len) == 0;
}

static bool
text_is_blank(const struct parser *p, const struct token *t)
{
	uint32_t end = t->end;

	if (end > t->start && p->src[end - 1] == '\n') {
		end--;
		if (end > t->start && p->src[end - 1] == '\r')
			end--;
	}
	for (uint32_t i = t->start; i < end; i++)
		if (!is_blank(p->src[i]))
			return false;
	return true;
}

/* Is a and b, two closing tags on one line, the end of a block and then of its parent? */
static bool
closes_block_then_parent(const struct parser *p, const struct token *a, const struct token *b)
{
	if (p->depth < 2)
		return false;
	const struct open *blk = &p->stack[p->depth - 1], *par = &p->stack[p->depth - 2];
	return p->nodes[blk->node].type == NODE_BLOCK && same_name(p, &p->toks[blk->tok], a) &&
	       p->nodes[par->node].type == NODE_PARENT && same_name(p, &p->toks[par->tok], b);
}

/*
 * May two adjacent tags share a standalone line? Inheritance allows {{<p}}{{/p}}, {{<p}}{{$b}},
 * {{/b}}{{/p}}, and {{$b}}{{/b}}, which keeps its newline for the content to end on.
 */
static bool
is_standalone_pair(const struct parser *p, const struct token *a, const struct token *b,
		   bool *keep_newline)
{
	if (a->type == TOK_PARENT && b->type == TOK_CLOSE)
		return same_name(p, a, b);
	if (a->type == TOK_BLOCK && b->type == TOK_CLOSE)
		return (*keep_newline = same_name(p, a, b));
	if (a->type == TOK_PARENT && b->type == TOK_BLOCK)
		return true;
	return a->type == TOK_CLOSE && b->type == TOK_CLOSE && closes_block_then_parent(p, a, b);
}

/*
 * Decide whether the line of tokens first..last is standalone: one tag that is not an
 * interpolation, or an adjacent pair as above, with only whitespace around. A standalone line
 * disappears; the others get their first token marked as the line start.
 */
static void
classify_line(struct parser *p, size_t first, size_t last)
{
	struct token *toks = p->toks;
	size_t tags[2], ntags = 0;
	bool keep_newline = false;

	for (size_t k = first; k <= last; k++) {
		if (toks[k].type == TOK_TEXT) {
			if (!text_is_blank(p, &toks[k]))
				goto plain;
		} else {
			if (toks[k].type == TOK_VAR || toks[k].type == TOK_RAW || ntags == 2)
				goto plain;
			tags[ntags++] = k;
		}
	}
	if (ntags == 0)
		goto plain;
	if (ntags == 2 && (tags[1] != tags[0] + 1 ||
			   !is_standalone_pair(p, &toks[tags[0]], &toks[tags[1]], &keep_newline)))
		goto plain;

	for (size_t k = first; k <= last; k++)
		if (toks[k].type == TOK_TEXT)
			toks[k].removed = true;
	if (keep_newline && toks[last].type == TOK_TEXT && p->src[toks[last].end - 1] == '\n') {
		struct token *lt = &toks[last];
		bool crlf = lt->end - lt->start >= 2 && p->src[lt->end - 2] == '\r';
		lt->start = lt->end - (crlf ? 2 : 1);
		lt->removed = false;
	}
	for (size_t k = 0; k < ntags; k++) {
		struct token *t = &toks[tags[k]];
		t->standalone = true;
		t->line_removed = !keep_newline;
		t->lstart = toks[first].start;
		t->lend = toks[last].end;
		if (toks[first].type == TOK_TEXT) {
			t->ind = toks[first].start;
			t->ind_len = toks[first].end - toks[first].start;
		}
	}
	return;
plain:
	if (toks[first].type != TOK_TEXT ||
	    !tmpl_is_newline(p->src + toks[first].start, toks[first].end - toks[first].start))
		toks[first].bol = true;
}

static struct node *
add_node(struct parser *p, enum node_type type, const struct token *t)
{
	ALLOC_GROW(p->nodes, p->nr + 1, p->nodes_alloc);
	ALLOC_GROW(p->spans, p->nr + 1, p->spans_alloc);
	struct node *n = &p->nodes[p->nr];
	memset(n, 0, sizeof(*n));
	p->spans[p->nr].start = p->spans[p->nr].end = 0;
	n->type = (uint8_t)type;
	n->end = (uint32_t)++p->nr;
	if (t->bol)
		n->flags |= NODE_BOL;
	return n;
}

/* Store a name in the pool: whole, or split at dots for context lookups. */
static int
set_name(struct parser *p, struct node *n, const struct token *t, bool dotted)
{
	const char *s = p->src + t->name;
	size_t len = t->name_len;

	n->name = (uint32_t)p->names.len;
	if (!dotted) {
		strbuf_add(&p->names, s, len);
		strbuf_addch(&p->names, '\0');
		n->nparts = 1;
		return 0;
	}
	if (len == 1 && s[0] == '.') {
		strbuf_addch(&p->names, '\0');
		n->nparts = 0;
		return 0;
	}
	size_t parts = 1, from = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '.')
			continue;
		if (i == from || parts > UINT16_MAX) {
			strbuf_addf(p->err, "line %u: bad tag name \"%.*s\"", t->line, (int)len, s);
			return -1;
		}
		strbuf_add(&p->names, s + from, i - from);
		strbuf_addch(&p->names, '\0');
		if (i < len)
			parts++;
		from = i + 1;
	}
	n->nparts = (uint16_t)parts;
	return 0;
}

static void
set_indent(struct node *n, const struct token *t)
{
	if (!t->standalone)
		return;
	n->flags |= NODE_STANDALONE;
	n->off = t->ind;
	n->len = t->ind_len;
}

static int
push_open(struct parser *p, const struct token *t)
{
	if (p->depth == MAX_NESTING) {
		strbuf_addf(p->err, "line %u: sections nest too deeply", t->line);
		return -1;
	}
	ALLOC_GROW(p->stack, p->depth + 1, p->stack_alloc);
	p->stack[p->depth].node = (uint32_t)(p->nr - 1);
	p->stack[p->depth].tok = (uint32_t)(t - p->toks);
	p->depth++;
	return 0;
}

static int
emit(struct parser *p, const struct token *t)
{
	struct node *n;

	switch ((enum tok_type)t->type) {
	case TOK_TEXT:
		if (t->removed)
			return 0;
		n = add_node(p, NODE_TEXT, t);
		n->off = t->start;
		n->len = t->end - t->start;
		return 0;
	case TOK_VAR:
	case TOK_RAW:
		n = add_node(p, t->type == TOK_VAR ? NODE_VAR : NODE_RAW, t);
		return set_name(p, n, t, true);
	case TOK_SECTION:
	case TOK_INVERTED:
		n = add_node(p, t->type == TOK_SECTION ? NODE_SECTION : NODE_INVERTED, t);
		if (set_name(p, n, t, true) < 0)
			return -1;
		return push_open(p, t);
	case TOK_PARTIAL:
	case TOK_PARENT:
		n = add_node(p, t->type == TOK_PARTIAL ? NODE_PARTIAL : NODE_PARENT, t);
		set_indent(n, t);
		if (t->dynamic)
			n->flags |= NODE_DYNAMIC;
		if (set_name(p, n, t, t->dynamic) < 0)
			return -1;
		return t->type == TOK_PARENT ? push_open(p, t) : 0;
	case TOK_BLOCK:
		n = add_node(p, NODE_BLOCK, t);
		set_indent(n, t);
		p->spans[p->nr - 1].start = t->line_removed ? t->lend : t->end;
		set_name(p, n, t, false);
		return push_open(p, t);
	case TOK_CLOSE: {
		if (!p->depth) {
			strbuf_addf(p->err, "line %u: closing tag \"%.*s\" without an open section",
				    t->line, (int)t->name_len, p->src + t->name);
			return -1;
		}
		const struct open *top = &p->stack[p->depth - 1];
		const struct token *ot = &p->toks[top->tok];
		if (!same_name(p, ot, t)) {
			strbuf_addf(p->err,
				    "line %u: closing tag \"%.*s\" does not match \"%.*s\" opened "
				    "on line %u",
				    t->line, (int)t->name_len, p->src + t->name, (int)ot->name_len,
				    p->src + ot->name, ot->line);
			return -1;
		}
		if (t->bol)
			add_node(p, NODE_INDENT, t);
		p->nodes[top->node].end = (uint32_t)p->nr;
		p->spans[top->node].end = t->line_removed ? t->lstart : t->start;
		p->depth--;
		return 0;
	}
	case TOK_COMMENT:
	case TOK_DELIM:
		if (t->bol)
			add_node(p, NODE_INDENT, t);
		return 0;
	}
	return 0;
}

/*
 * The common leading whitespace of the non-blank lines in src[start, end), which begins at a
 * line start; sets *first to the first such line. Returns -1 when every line is blank.
 */
static int64_t
common_indent(const char *src, uint32_t start, uint32_t end, uint32_t *first)
{
	int64_t common = -1;

	for (uint32_t ls = start; ls < end;) {
		uint32_t k = ls, le;
		while (k < end && is_blank(src[k]))
			k++;
		for (le = k; le < end && src[le] != '\n'; le++)
			;
		bool blank = k == le || (k + 1 == le && src[k] == '\r');
		if (!blank) {
			uint32_t w = k - ls;
			if (common < 0) {
				*first = ls;
				common = w;
			} else {
				uint32_t m = 0;
				while (m < common && m < w && src[*first + m] == src[ls + m])
					m++;
				common = m;
			}
		}
		ls = le + 1;
	}
	return common;
}

/*
 * A standalone block's content is dedented where it is written (its common indentation, less
 * that of the blocks around it, comes off the start of each line) and indented where it is
 * expanded, by that indentation ("intrinsic") or else by the whitespace before the tag.
 * plen is the indentation already stripped by enclosing blocks.
 */
static void
dedent(struct parser *p, uint32_t begin, uint32_t end, uint32_t plen)
{
	for (uint32_t i = begin; i < end; i = p->nodes[i].end) {
		struct node *n = &p->nodes[i];
		uint32_t inner = plen;

		if (n->type == NODE_TEXT && (n->flags & NODE_BOL)) {
			uint32_t k = 0;
			while (k < plen && k < n->len && is_blank(p->src[n->off + k]))
				k++;
			n->off += k;
			n->len -= k;
		} else if (n->flags & NODE_STANDALONE) {
			uint32_t k = n->len < plen ? n->len : plen;
			n->off += k;
			n->len -= k;
		}
		if (n->type == NODE_BLOCK && (n->flags & NODE_STANDALONE)) {
			uint32_t first = 0;
			int64_t common =
				common_indent(p->src, p->spans[i].start, p->spans[i].end, &first);
			if (common > (int64_t)plen) {
				inner = (uint32_t)common;
				n->off = first + plen;
				n->len = inner - plen;
			}
		}
		if (n->end > i + 1)
			dedent(p, i + 1, n->end, inner);
	}
}

struct tmpl *
tmpl_parse(const char *src, size_t len, char *own_src, struct strbuf *err)
{
	struct parser p = {.src = src, .err = err, .names = STRBUF_INIT};
	struct tmpl *t = NULL;

	if (len >= UINT32_MAX) {
		strbuf_addstr(err, "template too large");
		goto out;
	}
	p.len = (uint32_t)len;
	if (tokenize(&p) < 0)
		goto out;
	for (size_t i = 0; i < p.ntoks;) {
		size_t last = i;
		while (last + 1 < p.ntoks &&
		       !(p.toks[last].type == TOK_TEXT && src[p.toks[last].end - 1] == '\n'))
			last++;
		classify_line(&p, i, last);
		for (size_t k = i; k <= last; k++)
			if (emit(&p, &p.toks[k]) < 0)
				goto out;
		i = last + 1;
	}
	if (p.depth) {
		const struct token *ot = &p.toks[p.stack[p.depth - 1].tok];
		strbuf_addf(err, "line %u: section \"%.*s\" is never closed", ot->line,
			    (int)ot->name_len, src + ot->name);
		goto out;
	}
	if (p.nr >= UINT32_MAX) {
		strbuf_addstr(err, "template too large");
		goto out;
	}
	dedent(&p, 0, (uint32_t)p.nr, 0);

	t = xcalloc(1, sizeof(*t));
	t->src = src;
	t->own_src = own_src;
	own_src = NULL;
	t->nodes = p.nodes;
	p.nodes = NULL;
	t->nr = (uint32_t)p.nr;
	t->names = strbuf_detach(&p.names, NULL);
out:
	free(own_src);
	free(p.toks);
	free(p.nodes);
	free(p.spans);
	free(p.stack);
	strbuf_release(&p.names);
	return t;
}
