// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The budgets' demo: DIR/budgets/<type>-<year>.csv files, each imported through the staff
 * import's checks and transaction into a published document of that year and type.
 */
#include "internal.h"

#include "common/app.h"
#include "common/db.h"
#include "common/strbuf.h"
#include "common/xalloc.h"
#include "db_budget.h"
#include "publications/db_publication.h"
#include "publications/page_publication.h"
#include "publications/publication.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "bp-2025.csv": the type and year of a demo budget file, or false. */
static bool
demo_file_name(const char *name, char type[3], int *year)
{
	if (strlen(name) != 11 || name[2] != '-' || strcmp(name + 7, ".csv") != 0 ||
	    strspn(name + 3, "0123456789") != 4)
		return false;
	memcpy(type, name, 2);
	type[2] = '\0';
	*year = atoi(name + 3);
	return strcmp(type, "bp") == 0 || strcmp(type, "bs") == 0 || strcmp(type, "ca") == 0;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The own budget document of year and type: its id, 0 when there is none, -1 on failure. */
static long long
demo_find(struct app *app, int year, const char *type)
{
	json_t *own = db_pub_list_own(app->side, "budget", 10000);
	if (!own)
		return -1;
	long long id = 0;
	size_t i;
	json_t *it;
	json_array_foreach(own, i, it)
	{
		json_t *data = json_object_get(it, "data");
		const char *t = json_string_value(json_object_get(data, "type"));
		if (json_integer_value(json_object_get(data, "year")) == year && t &&
		    strcmp(t, type) == 0)
			id = json_integer_value(json_object_get(it, "id"));
	}
	json_decref(own);
	return id;
}

/* The lines of the demo file at path, or NULL after printing why it is refused. */
static json_t *
demo_read_lines(const char *path)
{
	struct budget_problems pb = {json_array(), 0};
	struct strbuf csv = STRBUF_INIT;
	const char *file_error = NULL;
	json_t *lines = NULL;
	if (strbuf_read_file(&csv, path) < 0 || csv.len > BUDGET_CSV_MAX_BYTES) {
		fprintf(stderr, "%s: cannot read it, or it is larger than 4 MiB\n", path);
		goto out;
	}
	if (!(lines = budget_csv_parse(csv.buf, csv.len, &file_error, &pb))) {
		size_t i;
		json_t *p;
		fprintf(stderr, "%s: %s\n", path, file_error ? file_error : "invalid_csv");
		json_array_foreach(pb.list, i, p)
		{
			fprintf(stderr, "%s:%lld: %s\n", path,
				(long long)json_integer_value(json_object_get(p, "line")),
				json_string_value(json_object_get(p, "reason")));
		}
	}
out:
	json_decref(pb.list);
	strbuf_release(&csv);
	return lines;
}

/* The data of a new demo document: its year and type, its title and summary from
 * documents.json (meta: that file's entry for it, may be NULL), else the file's name. */
static json_t *
demo_data(const char *name, int year, const char *type, json_t *m)
{
	json_t *data = json_pack("{s:i, s:s}", "year", year, "type", type);
	if (json_object_get(m, "title"))
		json_object_set(data, "title", json_object_get(m, "title"));
	else
		json_object_set_new(data, "title", json_pack("{s:s}", "fr", name));
	if (json_object_get(m, "summary"))
		json_object_set(data, "summary", json_object_get(m, "summary"));
	return data;
}

/* One demo file: the document (created published when missing) and its lines. */
static int
demo_load_one(struct app *app, const char *folder, const char *name, json_t *meta, size_t *added)
{
	char type[3];
	int year, rc = -1;
	json_t *lines = NULL, *data = NULL;
	char *path = xasprintf("%s/%s", folder, name);
	if (!demo_file_name(name, type, &year)) {
		fprintf(stderr, "%s: not a budget file name like bp-2025.csv, skipped\n", path);
		rc = 0;
		goto out;
	}
	if (!(lines = demo_read_lines(path)))
		goto out;
	long long id = demo_find(app, year, type), have = id > 0 ? db_budget_lines_count(id) : 0;
	if (id < 0 || have != 0) {
		rc = id > 0 && have > 0 ? 0 : -1;
		goto out;
	}
	const struct kind *k = publication_kind("budget");
	data = demo_data(name, year, type, json_object_get(meta, name));
	if (!publication_data_is_valid(k, data)) {
		fprintf(stderr, "%s: its title or summary in documents.json is not valid\n", path);
		goto out;
	}
	int events = 0;
	if (db_begin() < 0)
		goto out;
	bool created = id == 0;
	if ((created && ((id = db_pub_create(app->side, k->name, data, true)) < 0 ||
			 pub_emit(app->side, k, id, "published") < 0)) ||
	    budget_import_lines(app->side, id, lines, &events) != STATUS_OK || db_commit() < 0) {
		db_rollback();
		goto out;
	}
	printf("%s: budget %s %d %s with %zu lines (%d events)\n", app->side, type, year,
	       created ? "added" : "completed", json_array_size(lines), events);
	(*added)++;
	rc = 0;
out:
	json_decref(data);
	json_decref(lines);
	free(path);
	return rc;
}

/*
 * budgets/<type>-<year>.csv (bp-2025.csv...), with titles and summaries in
 * budgets/documents.json ({"bp-2025.csv": {"title": {"ar": .., "fr": ..}, "summary": ..}}):
 * a document is created (published) when the commune has none of that year and type, and its
 * lines imported when it has none, through the staff path's import.
 */
int
budget_demo_load(struct app *app, const char *dir)
{
	char *folder = xasprintf("%s/budgets", dir);
	char *meta_path = xasprintf("%s/documents.json", folder);
	json_t *meta = NULL;
	char **names = NULL;
	size_t n = 0, alloc = 0, added = 0;
	int rc = -1;
	DIR *d = opendir(folder);
	if (!d) {
		rc = errno == ENOENT ? 0 : -1;
		if (rc < 0)
			fprintf(stderr, "%s: %s\n", folder, strerror(errno));
		goto out;
	}
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (len > 4 && strcmp(e->d_name + len - 4, ".csv") == 0) {
			ALLOC_GROW(names, n + 1, alloc);
			names[n++] = xstrdup(e->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), name_cmp);
	json_error_t err;
	if (access(meta_path, F_OK) == 0)
		meta = json_load_file(meta_path, JSON_REJECT_DUPLICATES, &err);
	if (access(meta_path, F_OK) == 0 && !json_is_object(meta)) {
		fprintf(stderr, "%s: %s\n", meta_path, meta ? "not a JSON object" : err.text);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (demo_load_one(app, folder, names[i], meta, &added) < 0)
			goto out;
	printf("%s: %zu demo budget documents loaded, %zu already there\n", app->side, added,
	       n - added);
	rc = 0;
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	json_decref(meta);
	free(meta_path);
	free(folder);
	return rc;
}
