// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef OFFICIAL_SRV_H
#define OFFICIAL_SRV_H

#include "common/module.h"

/* The modules official-srv serves, in order (modules.c); also what tests build route tables of. */
extern const struct module *const official_modules[];

#endif
