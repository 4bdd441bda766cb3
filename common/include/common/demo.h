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

int news_demo_load(struct app *app, const char *dir);        /* news.json */
int publication_demo_load(struct app *app, const char *dir); /* publications.json */
int budget_demo_load(struct app *app, const char *dir);      /* budgets/ *.csv */
int reaction_demo_load(struct app *app, const char *dir);    /* reactions.json */

#endif
