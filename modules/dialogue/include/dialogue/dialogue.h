// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef DIALOGUE_DIALOGUE_H
#define DIALOGUE_DIALOGUE_H

/*
 * The public dialogue: residents ask the commune public questions on the citizen platform
 * (moderated there, forwarded as signed question.* events); the commune's agents answer them,
 * merge duplicates or point to an earlier answer on the official platform (signed events of
 * the commune); both platforms show the questions with their age, the answers with what they
 * cite, and the same accountability figures.
 */
extern const struct module dialogue_module;

#endif
