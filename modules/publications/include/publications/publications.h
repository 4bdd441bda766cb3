// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PUBLICATIONS_PUBLICATIONS_H
#define PUBLICATIONS_PUBLICATIONS_H

/*
 * The commune's publications as one mechanism over kinds (publication.h): pages, staff forms,
 * events and their mirror (page_publication.h). This module serves the projects; budgets and
 * council serve their kinds' pages and extras through PUB_EXTENSION.
 */
extern const struct module publications_module;

#endif
