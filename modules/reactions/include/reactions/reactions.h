// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef REACTIONS_REACTIONS_H
#define REACTIONS_REACTIONS_H

/*
 * Residents' reactions to the commune's projects and deliberations: written on the citizen
 * platform (stance, comment, chosen name; nothing personal), moderated there, mirrored with
 * their counts on the official item pages.
 */
extern const struct module reactions_module;

#endif
