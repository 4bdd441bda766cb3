// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * strbuf: git-style growable strings, the one way this project builds text and bytes.
 */
#include "common/strbuf.h"

#include "common/xalloc.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char strbuf_slopbuf[1];

void
strbuf_init(struct strbuf *sb, size_t hint)
{
	sb->alloc = sb->len = 0;
	sb->buf = strbuf_slopbuf;
	if (hint)
		strbuf_grow(sb, hint);
}

void
strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	strbuf_init(sb, 0);
}

char *
strbuf_detach(struct strbuf *sb, size_t *len_out)
{
	if (!sb->alloc)
		strbuf_grow(sb, 0);
	char *res = sb->buf;
	if (len_out)
		*len_out = sb->len;
	strbuf_init(sb, 0);
	return res;
}

void
strbuf_grow(struct strbuf *sb, size_t extra)
{
	if (extra > SIZE_MAX - sb->len - 1)
		die("strbuf overflow growing %zu bytes by %zu", sb->len, extra);
	size_t need = sb->len + extra + 1;
	if (need <= sb->alloc)
		return;
	bool fresh = sb->alloc == 0;
	size_t alloc = sb->alloc ? sb->alloc : 64;
	while (alloc < need)
		alloc = alloc < SIZE_MAX / 2 ? alloc * 2 : need;
	sb->buf = xrealloc(fresh ? NULL : sb->buf, alloc);
	sb->alloc = alloc;
	if (fresh)
		sb->buf[0] = '\0';
}

void
strbuf_setlen(struct strbuf *sb, size_t len)
{
	if (len > (sb->alloc ? sb->alloc - 1 : 0))
		die("strbuf_setlen beyond allocation: %zu", len);
	sb->len = len;
	if (sb->alloc)
		sb->buf[len] = '\0';
}

void
strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (!len)
		return;
	strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void
strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void
strbuf_addch(struct strbuf *sb, int c)
{
	strbuf_grow(sb, 1);
	sb->buf[sb->len++] = (char)c;
	sb->buf[sb->len] = '\0';
}

void
strbuf_addbuf(struct strbuf *sb, const struct strbuf *other)
{
	strbuf_add(sb, other->buf, other->len);
}

void
strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	size_t room = sb->alloc ? sb->alloc - sb->len - 1 : 0;
	int n = vsnprintf(sb->alloc ? sb->buf + sb->len : NULL, sb->alloc ? room + 1 : 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		die("invalid format string \"%s\"", fmt);
	if ((size_t)n > room) {
		strbuf_grow(sb, (size_t)n);
		n = vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	}
	sb->len += (size_t)n;
}

void
strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void
strbuf_addhex(struct strbuf *sb, const unsigned char *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	strbuf_grow(sb, len * 2);
	for (size_t i = 0; i < len; i++) {
		sb->buf[sb->len++] = hex[data[i] >> 4];
		sb->buf[sb->len++] = hex[data[i] & 15];
	}
	sb->buf[sb->len] = '\0';
}

void
strbuf_addurlenc(struct strbuf *sb, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (isalnum(*p) || *p == '-' || *p == '_' || *p == '.' || *p == '~')
			strbuf_addch(sb, *p);
		else
			strbuf_addf(sb, "%%%02X", *p);
	}
}

void
strbuf_rtrim(struct strbuf *sb)
{
	while (sb->len && isspace((unsigned char)sb->buf[sb->len - 1]))
		sb->len--;
	if (sb->alloc)
		sb->buf[sb->len] = '\0';
}

bool
strbuf_equals(const struct strbuf *sb, const char *s)
{
	return strlen(s) == sb->len && memcmp(sb->buf, s, sb->len) == 0;
}

int
strbuf_read_file(struct strbuf *sb, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(sb, buf, n);
	int rc = ferror(f) ? -1 : 0;
	fclose(f);
	return rc;
}
