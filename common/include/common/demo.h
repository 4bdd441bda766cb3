// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_DEMO_H
#define COMMON_DEMO_H

/*
 * Demo content loaders run by "<srv> demo load DIR", each from its own file in DIR through the
 * same code paths as staff and residents (rows and signed events in one transaction). Each is
 * idempotent (content already there is skipped), prints what it added, skips a missing file,
 * and returns 0 or -1.
 */
struct app;

int news_demo_load(struct app *app, const char *dir);        /* news.json */
int publication_demo_load(struct app *app, const char *dir); /* publications.json */
int budget_demo_load(struct app *app, const char *dir);      /* budgets/ *.csv */
int reaction_demo_load(struct app *app, const char *dir);    /* reactions.json */

#endif
