// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef HOME_HOME_H
#define HOME_HOME_H

/* The home page: the platform's presentation and priorities, its latest news and the peer's. */
extern const struct module home_module;

#endif
