// SPDX-License-Identifier: AGPL-3.0-or-later
/* The services' public figures in the database (db_service.h). */
#include "db_service.h"

#include "common/db.h"

#include <stdlib.h>

enum status
db_service_figures_get(const char *key, bool for_update, json_t **out)
{
	static const char q[] = "SELECT figures::text FROM service_figures WHERE service = $1";
	static const char q_lock[] =
		"SELECT figures::text FROM service_figures WHERE service = $1 FOR UPDATE";
	PGresult *res = db_exec(for_update ? q_lock : q, DB_PARAMS(key));
	*out = NULL;
	if (!res)
		return STATUS_UNAVAILABLE;
	if (PQntuples(res) == 1)
		*out = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	return STATUS_OK;
}

enum status
db_service_figures_put(const char *key, json_t *figures, const char *when)
{
	static const char q[] = "INSERT INTO service_figures (service, figures, updated_at)"
				" VALUES ($1, $2::jsonb, coalesce($3::timestamptz, now()))"
				" ON CONFLICT (service) DO UPDATE SET figures = EXCLUDED.figures,"
				" updated_at = EXCLUDED.updated_at";
	char *f = json_dumps(figures, JSON_COMPACT);
	int rc = f ? db_command(q, DB_PARAMS(key, f, when && *when ? when : NULL)) : -1;
	free(f);
	return rc == 0 ? STATUS_OK : STATUS_UNAVAILABLE;
}

json_t *
db_service_figures_all(void)
{
	PGresult *res =
		db_exec("SELECT coalesce(json_object_agg(service, figures ORDER BY service),"
			" '{}')::text FROM service_figures",
			0, NULL);
	json_t *all =
		res && PQntuples(res) == 1 ? json_loads(PQgetvalue(res, 0, 0), 0, NULL) : NULL;
	PQclear(res);
	return all;
}
