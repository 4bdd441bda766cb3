// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef OFFICIAL_ROUTES_H
#define OFFICIAL_ROUTES_H

#include "common/router.h"

#include <stddef.h>

extern const struct route official_routes[];
extern const size_t official_nroutes;

#endif
