// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The SQL of the accountability figures of residents' reports (report_stats.c): one statement,
 * the same on both platforms, over rows whose times are the signed events' occurred_at.
 */
#include "db_report_stats.h"
#include "internal.h"

#include "common/db.h"

json_t *
db_report_stats(const char *target_days)
{
	static const char sql[] =
		"WITH r AS (SELECT category, status, disputes, resolved_at,"
		" extract(epoch FROM first_answer_at - received_at) AS answer_s,"
		" extract(epoch FROM resolved_at - received_at) AS resolve_s,"
		" received_at + make_interval(days => coalesce(($1::jsonb ->> category)::int, 15))"
		" AS due FROM reports WHERE visibility = 'public' AND received_at IS NOT NULL)"
		" SELECT coalesce(json_agg(g ORDER BY g.category NULLS FIRST), '[]')::text FROM"
		" (SELECT category, count(*) AS received, count(answer_s) AS answered,"
		" count(resolve_s) AS ever_resolved,"
		" count(*) FILTER (WHERE status = 'resolved') AS resolved,"
		" count(*) FILTER (WHERE disputes > 0) AS disputed,"
		" count(*) FILTER (WHERE CASE WHEN resolved_at IS NOT NULL THEN resolved_at > due"
		" ELSE status NOT IN ('resolved', 'out_of_scope', 'rejected', 'duplicate') AND"
		" now() > due END) AS overdue,"
		" round(percentile_cont(0.5) WITHIN GROUP (ORDER BY answer_s))::bigint"
		"  AS answer_p50,"
		" round(percentile_cont(0.9) WITHIN GROUP (ORDER BY answer_s))::bigint"
		"  AS answer_p90,"
		" round(percentile_cont(0.5) WITHIN GROUP (ORDER BY resolve_s))::bigint AS"
		" resolve_p50,"
		" round(percentile_cont(0.9) WITHIN GROUP (ORDER BY resolve_s))::bigint AS"
		" resolve_p90"
		" FROM r GROUP BY GROUPING SETS ((category), ())) g";
	PGresult *res = db_exec(sql, DB_PARAMS(target_days));
	json_t *rows = res ? json_loads(PQgetvalue(res, 0, 0), 0, NULL) : NULL;
	PQclear(res);
	return rows;
}

/* This module's facts (common/module.h): what its public pages count, in [from, to). */
int
report_facts(struct app *app, const char *from, const char *to, json_t *out)
{
	// clang-format off
	static const char sql[] =
		"SELECT " DB_FACT("'report'", "created_at")
		" FROM reports WHERE visibility = 'public'"
		" UNION ALL SELECT " DB_FACT("'report.answered'", "first_answer_at")
		" FROM reports WHERE visibility = 'public'"
		" UNION ALL SELECT " DB_FACT("'report.resolved'", "resolved_at")
		" FROM reports WHERE visibility = 'public'"
		" UNION ALL SELECT " DB_FACT("'report.quarter.' || quarter", "created_at")
		" FROM reports WHERE visibility = 'public' AND quarter <> '' GROUP BY quarter"
		" UNION ALL SELECT " DB_FACT("'report.lang.' || lang", "created_at")
		" FROM reports WHERE visibility = 'public' GROUP BY lang";
	// clang-format on
	(void)app;
	return db_facts_add(db_exec(sql, DB_PARAMS(from, to)), out);
}
