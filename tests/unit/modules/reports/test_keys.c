// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The catalog keys the report pages build at run time: every status's label, every quarter's
 * label, in the three built-in languages. Adding a status or a quarter without its label
 * fails here.
 */
#include "common/site.h"
#include "reports/report.h"

#include "catalog.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

static void
test_status_and_quarter_keys(void **state)
{
	(void)state;
	json_t *cats[3] = {test_catalog("ar"), test_catalog("fr"), test_catalog("en")};
	char *keys[64];
	size_t n = 0;
	for (const char *const *s = report_statuses; *s && n < 64; s++)
		keys[n++] = test_key("report.status.", *s);
	size_t statuses = n;
	for (const char *const *q = site_quarters; *q && n < 64; q++)
		keys[n++] = test_key("project_quarter_", *q);
	assert_true(statuses >= 9);
	assert_true(n > statuses + 3);
	assert_string_equal(test_catalog_missing(cats, keys, n), "");
	/* and a key that is not there is reported */
	char *bad = test_key("report.status.", "no_such_status");
	assert_string_equal(test_catalog_missing(cats, &bad, 1), "report.status.no_such_status ");
	free(bad);
	while (n)
		free(keys[--n]);
	for (int i = 0; i < 3; i++)
		json_decref(cats[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_and_quarter_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
