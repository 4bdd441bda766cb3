// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef SERVICES_DB_SERVICE_H
#define SERVICES_DB_SERVICE_H

/* All SQL of the services module: the public figures (table service_figures). The services
 * themselves are publications (publications/db_publication.h). */
#include "common/status.h"

#include <jansson.h>
#include <stdbool.h>

/* The stored figures of service key into *out (NULL when none), locking the row for the caller's
 * transaction when for_update. */
enum status db_service_figures_get(const char *key, bool for_update, json_t **out);
/* Store (insert or replace) the figures of key, changed at when (RFC 3339; NULL: now). */
enum status db_service_figures_put(const char *key, json_t *figures, const char *when);
/* Every service's stored figures, by key: {key: figures}; NULL on failure. */
json_t *db_service_figures_all(void);

#endif
