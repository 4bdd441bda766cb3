// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COUNCIL_COUNCIL_H
#define COUNCIL_COUNCIL_H

/* The council: sessions and deliberations (publication kinds), deliberations' PDF files. */
extern const struct module council_module;

#endif
