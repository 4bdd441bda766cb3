// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_STRBUF_H
#define COMMON_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * A growable byte string in git's style: buf is never NULL and always NUL-terminated, even
 * when empty (it then points at a shared empty string, so an initialized strbuf owns no memory).
 * The bytes may contain NULs; len is authoritative.
 */
struct strbuf {
	size_t alloc;
	size_t len;
	char *buf;
};

extern char strbuf_slopbuf[];
#define STRBUF_INIT                                                                                \
	{                                                                                          \
		0, 0, strbuf_slopbuf                                                               \
	}

void strbuf_init(struct strbuf *sb, size_t hint);
/* Free the memory and reinitialize. */
void strbuf_release(struct strbuf *sb);
/* Hand the malloc'd buffer to the caller (free() it) and reinitialize; *len_out may be NULL. */
char *strbuf_detach(struct strbuf *sb, size_t *len_out);
/* Ensure room for extra more bytes plus the NUL. Overflow is fatal. */
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_setlen(struct strbuf *sb, size_t len);
#define strbuf_reset(sb) strbuf_setlen((sb), 0)

void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addbuf(struct strbuf *sb, const struct strbuf *other);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Append lowercase hex of len bytes. */
void strbuf_addhex(struct strbuf *sb, const unsigned char *data, size_t len);
/* Append s percent-encoded for a URL query value or path segment (RFC 3986 unreserved kept). */
void strbuf_addurlenc(struct strbuf *sb, const char *s);
/* Remove trailing ASCII whitespace. */
void strbuf_rtrim(struct strbuf *sb);
bool strbuf_equals(const struct strbuf *sb, const char *s);
/* Append the whole file at path; returns 0, or -1 (errno set) when it cannot be read. */
int strbuf_read_file(struct strbuf *sb, const char *path);

#endif
