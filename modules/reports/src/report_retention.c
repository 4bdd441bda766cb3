// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Retention of reporters' contacts (loi 18-07; DESIGN.md §5): the e-mail or phone a reporter
 * left for follow-up is erased BALADIYA_CONTACT_RETENTION_DAYS after the commune closed the
 * report (report_private.closed_at, set and cleared with the commune's status). The report
 * stays, anonymous as it always was in public.
 */
#include "internal.h"

#include "common/app.h"
#include "common/db.h"
#include "common/jobs.h"
#include "reports/report.h"
#include "common/log.h"

#include <stdio.h>
#include <stdlib.h>

int
report_retention_run(struct app *app)
{
	(void)app;
	char days[24];
	snprintf(days, sizeof(days), "%ld", report_settings.contact_retention_days);
	PGresult *res = db_exec("UPDATE report_private SET contact = '' WHERE contact <> ''"
				" AND closed_at < now() - make_interval(days => $1::int)",
				DB_PARAMS(days));
	if (!res)
		return -1;
	long n = strtol(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	if (n > 0)
		log_info("retention: erased the contact of %ld closed report%s", n,
			 n == 1 ? "" : "s");
	return 0;
}
