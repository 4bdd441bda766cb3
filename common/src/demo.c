// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * What every demo loader does first: read its optional JSON array file.
 */
#include "common/demo.h"

#include <jansson.h>
#include <stdio.h>
#include <unistd.h>

int
demo_read_array(const char *path, json_t **out)
{
	json_error_t err;
	*out = NULL;
	if (access(path, F_OK) != 0)
		return 0;
	*out = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	if (!json_is_array(*out)) {
		fprintf(stderr, "%s: %s\n", path, *out ? "not a JSON array" : err.text);
		json_decref(*out);
		*out = NULL;
		return -1;
	}
	return 1;
}
