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

/*
 * Dating a demo in the past (outbox_set_backdate), so that ages and delays mean something:
 * demo_days is an entry's optional number of days under key (0 when absent), -1 when it is
 * not an integer 0..3650; demo_backdate_after is how many seconds ago `days` after the time
 * `since` was ("YYYY-MM-DDTHH:MM:SS[.f]Z", as the events carry): 0 when that is not past yet,
 * -1 when since is not such a time.
 */
long demo_days(json_t *entry, const char *key);
long demo_backdate_after(const char *since, long days);

#endif
