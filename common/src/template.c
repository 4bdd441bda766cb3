// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * template: the Mustache engine behind every page. A source is parsed once into a flat array of
 * nodes (each container knows where its subtree ends) and rendered by walking that array against
 * jansson values; the context stack, indentation and block overrides live on the C stack, so a
 * render allocates nothing but its output. template_set caches parsed templates by name.
 */
#include "common/template.h"

#include "common/html.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sections nested in one source, and partials, parents and overrides nested in one render. */
#define MAX_NESTING 256
#define MAX_DEPTH 100

/*
 * The compiled form. Text nodes hold at most one line (ending with its newline), so that
 * indentation can be inserted at line starts and stripped from them. Containers (sections,
 * parents, blocks) are followed by their children; end is the index just past the subtree.
 */
enum node_type {
	NODE_TEXT,     /* the bytes src[off, off + len) */
	NODE_INDENT,   /* no output: marks a line start where a tag without output begins */
	NODE_VAR,      /* {{name}}, HTML-escaped */
	NODE_RAW,      /* {{{name}}} and {{&name}} */
	NODE_SECTION,  /* {{#name}} */
	NODE_INVERTED, /* {{^name}} */
	NODE_PARTIAL,  /* {{>name}} */
	NODE_PARENT,   /* {{<name}}: children are ignored except the blocks, its arguments */
	NODE_BLOCK,    /* {{$name}}: children are the default content */
};

enum {
	NODE_BOL = 1,        /* starts a source line: the current indentation goes before it */
	NODE_STANDALONE = 2, /* partial, parent or block alone on its line: indents its content by
				src[off, off + len), and a block's content was dedented */
	NODE_DYNAMIC = 4,    /* partial or parent named by the value of a dotted name */
};

struct node {
	uint8_t type;
	uint8_t flags;
	uint16_t nparts; /* parts of a dotted name (NUL-separated at names + name); 0 for "." */
	uint32_t end;
	uint32_t off, len;
	uint32_t name; /* offset in names; partial, parent and block names are one string */
};

struct tmpl {
	const char *src;
	char *own_src; /* src when the template owns it */
	char *names;
	struct node *nodes;
	uint32_t nr;
};

static void
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

/* {{=<% %>=}}: two delimiters without whitespace or '=' in them. */
static int
set_delimiters(const char *s, size_t len, const char **otag, size_t *olen, const char **ctag,
	       size_t *clen)
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
	*otag = s;
	*olen = a_len;
	*ctag = s + i;
	*clen = len - i;
	return 0;
}

static int
tokenize(struct parser *p)
{
	const char *src = p->src;
	const char *otag = "{{", *ctag = "}}";
	size_t olen = 2, clen = 2;
	uint32_t pos = 0, line = 1;

	while (pos < p->len) {
		const char *o = find(src + pos, p->len - pos, otag, olen);
		uint32_t tag_start = o ? (uint32_t)(o - src) : p->len;
		add_text(p, pos, tag_start, &line);
		if (!o)
			break;

		uint32_t tag_line = line;
		uint32_t q = tag_start + (uint32_t)olen;
		enum tok_type type = TOK_VAR;
		char close_prefix = 0;
		if (q < p->len) {
			switch (src[q]) {
			case '{':
				type = TOK_RAW;
				close_prefix = '}';
				break;
			case '&':
				type = TOK_RAW;
				break;
			case '#':
				type = TOK_SECTION;
				break;
			case '^':
				type = TOK_INVERTED;
				break;
			case '/':
				type = TOK_CLOSE;
				break;
			case '>':
				type = TOK_PARTIAL;
				break;
			case '<':
				type = TOK_PARENT;
				break;
			case '$':
				type = TOK_BLOCK;
				break;
			case '!':
				type = TOK_COMMENT;
				break;
			case '=':
				type = TOK_DELIM;
				close_prefix = '=';
				break;
			}
			if (type != TOK_VAR)
				q++;
		}

		/* The closing delimiter, preceded by '}' or '=' for {{{x}}} and {{=a b=}}. */
		uint32_t from = q, at;
		for (;;) {
			const char *c = find(src + from, p->len - from, ctag, clen);
			if (!c) {
				strbuf_addf(p->err, "line %u: unclosed tag", tag_line);
				return -1;
			}
			at = (uint32_t)(c - src);
			if (!close_prefix || (at > q && src[at - 1] == close_prefix))
				break;
			from = at + 1;
		}
		uint32_t tag_end = at + (uint32_t)clen;
		for (uint32_t i = tag_start; i < tag_end; i++)
			if (src[i] == '\n')
				line++;

		uint32_t cs = q, ce = close_prefix ? at - 1 : at;
		while (cs < ce && is_space(src[cs]))
			cs++;
		while (ce > cs && is_space(src[ce - 1]))
			ce--;

		struct token *t = add_token(p, type, tag_start, tag_end, tag_line);
		pos = tag_end;
		if (type == TOK_COMMENT)
			continue;
		if (type == TOK_DELIM) {
			if (set_delimiters(src + cs, ce - cs, &otag, &olen, &ctag, &clen) < 0) {
				strbuf_addf(p->err, "line %u: bad delimiter change", tag_line);
				return -1;
			}
			continue;
		}
		if ((type == TOK_PARTIAL || type == TOK_PARENT || type == TOK_CLOSE) && cs < ce &&
		    src[cs] == '*') {
			t->dynamic = true;
			cs++;
			while (cs < ce && is_space(src[cs]))
				cs++;
		}
		if (cs == ce) {
			strbuf_addf(p->err, "line %u: empty tag", tag_line);
			return -1;
		}
		if (has_space(src + cs, ce - cs)) {
			strbuf_addf(p->err, "line %u: bad tag name \"%.*s\"", tag_line,
				    (int)(ce - cs), src + cs);
			return -1;
		}
		t->name = cs;
		t->name_len = ce - cs;
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

static bool
text_is_newline(const char *s, uint32_t len)
{
	return (len == 1 && s[0] == '\n') || (len == 2 && s[0] == '\r' && s[1] == '\n');
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
	    !text_is_newline(p->src + toks[first].start, toks[first].end - toks[first].start))
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

static struct tmpl *
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

/* Rendering. */
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

struct render {
	struct strbuf *out;
	struct strbuf *err;
	unsigned depth;
	/* 0 with *t set, 1 when there is no such template, -1 on a syntax error in it */
	int (*resolve)(struct render *r, const char *name, const struct tmpl **t);
	struct template_set *set;
	template_load_fn load;
	void *load_ctx;
	struct local_entry *local;
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
			     !(n->type == NODE_TEXT && text_is_newline(t->src + n->off, n->len)))))
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

static int
render_root(struct render *r, const struct tmpl *t, const json_t *data)
{
	struct ctx_frame root = {data, NULL};
	return render_nodes(r, t, 0, t->nr, &root, NULL, NULL, false);
}

/* mustache_render: partials are loaded and parsed once per call. */
struct local_entry {
	struct local_entry *next;
	struct tmpl *tmpl; /* NULL after a syntax error */
	char name[];
};

static int
local_resolve(struct render *r, const char *name, const struct tmpl **out)
{
	struct local_entry *e;

	for (e = r->local; e; e = e->next)
		if (strcmp(e->name, name) == 0)
			break;
	if (!e) {
		struct strbuf src = STRBUF_INIT, err = STRBUF_INIT;
		if (!r->load || r->load(r->load_ctx, name, &src) < 0) {
			strbuf_release(&src);
			return 1;
		}
		size_t len;
		char *buf = strbuf_detach(&src, &len);
		size_t name_len = strlen(name);
		e = xmalloc(sizeof(*e) + name_len + 1);
		memcpy(e->name, name, name_len + 1);
		e->tmpl = tmpl_parse(buf, len, buf, &err);
		e->next = r->local;
		r->local = e;
		if (!e->tmpl && r->err)
			strbuf_addf(r->err, "partial \"%s\": %s", name, err.buf);
		strbuf_release(&err);
	}
	*out = e->tmpl;
	return e->tmpl ? 0 : -1;
}

int
mustache_render(const char *tmpl, size_t len, const json_t *data, template_load_fn load, void *ctx,
		struct strbuf *out, struct strbuf *err)
{
	struct render r = {
		.out = out, .err = err, .resolve = local_resolve, .load = load, .load_ctx = ctx};
	struct strbuf parse_err = STRBUF_INIT;
	int rc = -1;

	struct tmpl *t = tmpl_parse(tmpl, len, NULL, err ? err : &parse_err);
	if (!t)
		goto out;
	rc = render_root(&r, t, data);
	tmpl_free(t);
out:
	strbuf_release(&parse_err);
	while (r.local) {
		struct local_entry *e = r.local;
		r.local = e->next;
		tmpl_free(e->tmpl);
		free(e);
	}
	return rc;
}

/* template_set: a hash table of parsed templates, only ever added to until freed. */
struct set_entry {
	struct set_entry *next;
	uint32_t hash;
	struct tmpl *tmpl; /* NULL after a syntax error, which was logged */
	char name[];
};

struct template_set {
	template_load_fn load;
	void *ctx;
	pthread_rwlock_t lock;
	struct set_entry **buckets;
	size_t nbuckets; /* a power of two */
	size_t nr;
};

static uint32_t
hash_name(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

struct template_set *
template_set_new(template_load_fn load, void *ctx)
{
	struct template_set *set = xcalloc(1, sizeof(*set));

	set->load = load;
	set->ctx = ctx;
	set->nbuckets = 64;
	set->buckets = xcalloc(set->nbuckets, sizeof(*set->buckets));
	if (pthread_rwlock_init(&set->lock, NULL))
		die("could not create a template set lock");
	return set;
}

void
template_set_free(struct template_set *set)
{
	if (!set)
		return;
	for (size_t b = 0; b < set->nbuckets; b++) {
		while (set->buckets[b]) {
			struct set_entry *e = set->buckets[b];
			set->buckets[b] = e->next;
			tmpl_free(e->tmpl);
			free(e);
		}
	}
	free(set->buckets);
	pthread_rwlock_destroy(&set->lock);
	free(set);
}

static struct set_entry *
set_find(const struct template_set *set, const char *name, uint32_t hash)
{
	struct set_entry *e = set->buckets[hash & (set->nbuckets - 1)];

	for (; e; e = e->next)
		if (e->hash == hash && strcmp(e->name, name) == 0)
			return e;
	return NULL;
}

static void
set_insert(struct template_set *set, struct set_entry *e)
{
	if (set->nr >= set->nbuckets) {
		size_t nb = set->nbuckets * 2;
		struct set_entry **buckets = xcalloc(nb, sizeof(*buckets));
		for (size_t b = 0; b < set->nbuckets; b++) {
			while (set->buckets[b]) {
				struct set_entry *x = set->buckets[b];
				set->buckets[b] = x->next;
				x->next = buckets[x->hash & (nb - 1)];
				buckets[x->hash & (nb - 1)] = x;
			}
		}
		free(set->buckets);
		set->buckets = buckets;
		set->nbuckets = nb;
	}
	e->next = set->buckets[e->hash & (set->nbuckets - 1)];
	set->buckets[e->hash & (set->nbuckets - 1)] = e;
	set->nr++;
}

/*
 * Find or load, parse and cache name. Missing templates are not cached (dynamic names come
 * from data, and the cache must not grow with it); syntax errors are, and logged once.
 */
static int
set_resolve(struct render *r, const char *name, const struct tmpl **out)
{
	struct template_set *set = r->set;
	uint32_t hash = hash_name(name);
	struct set_entry *e;

	pthread_rwlock_rdlock(&set->lock);
	e = set_find(set, name, hash);
	pthread_rwlock_unlock(&set->lock);
	if (!e) {
		struct strbuf src = STRBUF_INIT, err = STRBUF_INIT;
		if (set->load(set->ctx, name, &src) < 0) {
			strbuf_release(&src);
			return 1;
		}
		size_t len;
		char *buf = strbuf_detach(&src, &len);
		struct tmpl *t = tmpl_parse(buf, len, buf, &err);

		/* Another thread may have won the race; keep the first. */
		pthread_rwlock_wrlock(&set->lock);
		e = set_find(set, name, hash);
		bool inserted = !e;
		if (inserted) {
			size_t name_len = strlen(name);
			e = xmalloc(sizeof(*e) + name_len + 1);
			memcpy(e->name, name, name_len + 1);
			e->hash = hash;
			e->tmpl = t;
			set_insert(set, e);
		}
		pthread_rwlock_unlock(&set->lock);
		if (!inserted)
			tmpl_free(t);
		else if (!t)
			log_error("could not parse template \"%s\": %s", name, err.buf);
		strbuf_release(&err);
	}
	*out = e->tmpl;
	return e->tmpl ? 0 : -1;
}

int
template_render(struct template_set *set, const char *name, const json_t *data, struct strbuf *out)
{
	struct strbuf err = STRBUF_INIT;
	struct render r = {.out = out, .err = &err, .resolve = set_resolve, .set = set};
	const struct tmpl *t;
	int rc = set_resolve(&r, name, &t);

	if (rc > 0)
		log_error("could not render template \"%s\": not found", name);
	if (rc)
		goto out;
	rc = render_root(&r, t, data);
	if (rc < 0 && err.len)
		log_error("could not render template \"%s\": %s", name, err.buf);
out:
	strbuf_release(&err);
	return rc ? -1 : 0;
}
