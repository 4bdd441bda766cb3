// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef CITIZEN_ROUTES_H
#define CITIZEN_ROUTES_H

#include "common/router.h"

#include <stddef.h>

extern const struct route citizen_routes[];
extern const size_t citizen_nroutes;

#endif
