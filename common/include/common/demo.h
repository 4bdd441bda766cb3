// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_DEMO_H
#define COMMON_DEMO_H

/*
 * Demo content loaders run by "<srv> demo load DIR", each from its own file in DIR through the
 * same code paths as staff and residents (rows and signed events in one transaction). Each is
 * idempotent (content already there is skipped), prints what it added, skips a missing file,
 * and returns 0 or -1.
 */
#include <jansson.h>

struct app;

/* Read the demo file at path as a JSON array: 1 and *out (caller decrefs) when read, 0 when the
 * file does not exist (nothing to load), -1 when it is not a JSON array (reason printed). */
int demo_read_array(const char *path, json_t **out);
/*
 * The start every JSON demo loader shares: *path = dir/name (caller frees, set in every case),
 * read as by demo_read_array into *out; when owner is not NULL, the file is refused (-1,
 * "<path>: <what> on the <owner> platform") on the other platform, where such rows only arrive
 * by federation. Returns 1, 0 (no file) or -1 like demo_read_array.
 */
int demo_open_array(const struct app *app, const char *dir, const char *name, const char *owner,
		    const char *what, char **path, json_t **out);

/* What a loader counts while it reads its file; printed at the end. */
struct demo_counts {
	size_t added;   /* written now */
	size_t present; /* there already (the loader is idempotent) */
	size_t waiting; /* not possible yet (waiting for the peer's events) */
};

/* One demo file and what its loader does with each entry. */
struct demo_file {
	const char *name;  /* "reactions.json" */
	const char *owner; /* the only platform whose loader takes it, or NULL for both */
	const char *what;  /* "reactions are written" (the refusal on the other platform) */
	const char *noun;  /* "demo reactions": "<side>: N demo reactions added, N already there" */
	const char *verb;  /* "added" (NULL) or what the loader does, e.g. "given" */
	/* printed after "<side>: N" when some entries wait, e.g. " demo reactions wait for ..." */
	const char *waiting;
	/* entry i of the file at path: 0, or -1 when the load must stop (reason printed) */
	int (*entry)(struct app *app, const char *path, size_t i, json_t *entry,
		     struct demo_counts *n);
};

/*
 * Read DIR/f->name and call f->entry for each entry, then print the counts. Returns 0 (also
 * when the file does not exist), or -1 when it is malformed, on the wrong platform, or an
 * entry failed.
 */
int demo_load_file(struct app *app, const char *dir, const struct demo_file *f);

#endif
