// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef NEEDS_NEEDS_H
#define NEEDS_NEEDS_H

/*
 * Needs (the citizen platform's services space): a resident expresses a need in a quarter and
 * a theme, verified residents add "me too", the commune answers from the official platform.
 * Both platforms list them aggregated by quarter and theme and show "needs by quarter" on
 * /accountability.
 */
extern const struct module needs_module;

#endif
