// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_TEMPLATE_INTERNAL_H
#define COMMON_TEMPLATE_INTERNAL_H

/*
 * What the files of the Mustache engine share, nobody else: the compiled form of a template
 * (template_parse.c makes it), the renderer walking it (template_render.c), and the two ways
 * of finding partials (template.c: once per mustache_render call, or cached in a set).
 */
#include "common/strbuf.h"
#include "common/template.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

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

/*
 * Parse src (len bytes; kept, not copied: it must outlive the template, or be own_src, which
 * the template then owns and frees, even on failure). Returns the template, or NULL with a
 * one-line reason appended to err ("line 3: section \"items\" is never closed").
 */
struct tmpl *tmpl_parse(const char *src, size_t len, char *own_src, struct strbuf *err);
void tmpl_free(struct tmpl *t);

/* Is s (len bytes) a line end alone, LF or CRLF? */
static inline bool
tmpl_is_newline(const char *s, uint32_t len)
{
	return (len == 1 && s[0] == '\n') || (len == 2 && s[0] == '\r' && s[1] == '\n');
}

/* A tag's name and the index of the field it reads in a list of rows (-1: none). */
#define TMPL_FIELD_MEMO 128
struct field_memo {
	const char *name;
	const struct template_rows *rows;
	long f;
};

/* A tag's name and what it resolved to from the root context (kind: template_render.c's
 * V_MISS, V_JSON or V_ROWS; what: the json_t or the template_rows). */
#define TMPL_ROOT_MEMO 64
struct root_memo {
	const char *name;
	int kind;
	const void *what;
};

/* One render: where it writes, how it finds the partials and parents it names, the rows'
 * fields its tags read, and what the names read from the root context resolved to (the view
 * and the lists beside it do not change during a render: a list's rows read the page's labels
 * once, not once a row). */
struct render {
	struct strbuf *out;
	struct strbuf *err; /* may be NULL */
	unsigned depth;
	/* 0 with *t set, 1 when there is no such template, -1 on a syntax error in it */
	int (*resolve)(struct render *r, const char *name, const struct tmpl **t);
	void *resolve_ctx;
	struct field_memo fields[TMPL_FIELD_MEMO];
	const void *root; /* the root context's frame */
	struct root_memo roots[TMPL_ROOT_MEMO];
};

/* Render t with data as the root context and rows (may be NULL) beside it into r->out: 0, or
 * -1 (reason in r->err). */
int tmpl_render(struct render *r, const struct tmpl *t, const json_t *data,
		const struct template_rows *rows);

#endif
