// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef FEEDS_FEEDS_H
#define FEEDS_FEEDS_H

/* Atom and RSS feeds of the newest public reports, per category and quarter. */
extern const struct module feeds_module;

#endif
