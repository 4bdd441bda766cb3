// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_EMBED_H
#define COMMON_EMBED_H

#include <stddef.h>

/*
 * A file compiled into the binary by tools/embedgen (see cmake/Embed.cmake). Arrays of these
 * end with an entry whose name is NULL. data is NUL-terminated (len excludes the NUL).
 */
struct embedded_file {
	const char *name;
	const unsigned char *data;
	size_t len;
};

/* The entry called name in files, or NULL. */
const struct embedded_file *embed_find(const struct embedded_file *files, const char *name);

#endif
