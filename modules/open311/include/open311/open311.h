// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef OPEN311_OPEN311_H
#define OPEN311_OPEN311_H

/* The Open311 GeoReport v2 API over the citizen platform's reports, and its API keys. */
extern const struct module open311_module;

#endif
