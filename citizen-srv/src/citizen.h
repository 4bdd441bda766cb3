// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef CITIZEN_SRV_H
#define CITIZEN_SRV_H

#include "common/module.h"

/* The modules citizen-srv serves, in order (modules.c); also what tests build route tables of. */
extern const struct module *const citizen_modules[];

#endif
