// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * What every demo loader does first: read its optional JSON array file, on the right platform.
 */
#include "common/demo.h"

#include "common/app.h"
#include "common/xalloc.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Read the demo file at path as a JSON array: 1 and *out (caller decrefs) when read, 0 when the
 * file does not exist (nothing to load), -1 when it is not a JSON array (reason printed). */
static int
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

/*
 * *path = dir/name (caller frees, set in every case), read as by demo_read_array into *out;
 * when owner is not NULL, the file is refused (-1, "<path>: <what> on the <owner> platform") on
 * the other platform, where such rows only arrive by federation. Returns 1, 0 (no file) or -1.
 */
static int
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

int
demo_load_file(struct app *app, const char *dir, const struct demo_file *f)
{
	char *path;
	json_t *list;
	struct demo_counts n = {0, 0, 0};
	int rc = demo_open_array(app, dir, f->name, f->owner, f->what, &path, &list);
	if (rc > 0) {
		size_t i;
		json_t *e;
		rc = 0;
		json_array_foreach(list, i, e)
		{
			if ((rc = f->entry(app, path, i, e, &n)) < 0)
				break;
		}
		if (rc == 0) {
			printf("%s: %zu %s %s, %zu already there\n", app->side, n.added, f->noun,
			       f->verb ? f->verb : "added", n.present);
			if (n.waiting && f->waiting)
				printf("%s: %zu%s\n", app->side, n.waiting, f->waiting);
		}
	}
	json_decref(list);
	free(path);
	return rc < 0 ? -1 : 0;
}

long
demo_days(json_t *entry, const char *key)
{
	json_t *v = json_object_get(entry, key);
	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 3650)
		return -1;
	return (long)json_integer_value(v);
}

long
demo_backdate_after(const char *since, long days)
{
	int y, mo, d, h, mi, s, used = 0;
	if (!since ||
	    sscanf(since, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &used) != 6 ||
	    !strchr(since + used, 'Z'))
		return -1;
	struct tm tm = {.tm_year = y - 1900,
			.tm_mon = mo - 1,
			.tm_mday = d,
			.tm_hour = h,
			.tm_min = mi,
			.tm_sec = s};
	long long at = (long long)timegm(&tm) + 1 + days * 86400LL; /* +1: the fraction dropped */
	long long now = (long long)time(NULL);
	return at < now ? (long)(now - at) : 0;
}
