// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Lookup in the tables of files embedded at build time.
 */
#include "common/embed.h"

#include <string.h>

const struct embedded_file *
embed_find(const struct embedded_file *files, const char *name)
{
	for (; files && files->name; files++)
		if (strcmp(files->name, name) == 0)
			return files;
	return NULL;
}
