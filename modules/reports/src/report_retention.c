// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Retention of reporters' contacts (loi 18-07; DESIGN.md §5): the e-mail or phone a reporter
 * left for follow-up is erased BALADIYA_CONTACT_RETENTION_DAYS after the commune closed the
 * report (report_private.closed_at, set and cleared with the commune's status). The report
 * stays, anonymous as it always was in public.
 */
#include "internal.h"

#include "common/log.h"
#include "reports/db_report.h"

int
report_retention_run(struct app *app)
{
	(void)app;
	long n = db_report_erase_contacts(report_settings.contact_retention_days);
	if (n < 0)
		return -1;
	if (n > 0)
		log_info("retention: erased the contact of %ld closed report%s", n,
			 n == 1 ? "" : "s");
	return 0;
}
