// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * What every demo loader does first: read its optional JSON array file, on the right platform.
 */
#include "common/demo.h"

#include "common/app.h"
#include "common/xalloc.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
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

int
demo_open_array(const struct app *app, const char *dir, const char *name, const char *owner,
		const char *what, char **path, json_t **out)
{
	*path = xasprintf("%s/%s", dir, name);
	int got = demo_read_array(*path, out);
	if (got > 0 && owner && strcmp(app->side, owner) != 0) {
		fprintf(stderr, "%s: %s on the %s platform\n", *path, what, owner);
		json_decref(*out);
		*out = NULL;
		return -1;
	}
	return got;
}
