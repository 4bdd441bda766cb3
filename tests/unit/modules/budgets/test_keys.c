// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The catalog keys the budget pages build at run time: each section's label, in the three
 * built-in languages.
 */
#include "../../../../modules/budgets/src/internal.h"

#include "catalog.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

static void
test_section_keys(void **state)
{
	(void)state;
	json_t *cats[3] = {test_catalog("ar"), test_catalog("fr"), test_catalog("en")};
	char *keys[BUDGET_NSECTIONS];
	for (size_t i = 0; i < BUDGET_NSECTIONS; i++)
		keys[i] = test_key("budget_section_", budget_sections[i]);
	assert_string_equal(test_catalog_missing(cats, keys, BUDGET_NSECTIONS), "");
	for (size_t i = 0; i < BUDGET_NSECTIONS; i++)
		free(keys[i]);
	for (int i = 0; i < 3; i++)
		json_decref(cats[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_section_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
