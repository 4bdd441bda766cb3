// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PUBLICATIONS_INTERNAL_H
#define PUBLICATIONS_INTERNAL_H

/* Between the publications module's own files. */
struct app;

int publication_demo_load(struct app *app, const char *dir); /* publications.json */

#endif
