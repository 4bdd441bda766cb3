// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * report_status_check (modules/reports/src/report_status.c): what the commune may say of a
 * report, checked alike in the agents' form (report_set_status) and in the peer's report.status
 * events. Every error code, the limits on both sides, and the order in which they are tried.
 */
#include "reports_test.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define REF "R-7K3M-Q9TZ"
#define OTHER "R-0123-4567"

/* report_status_check's answer for report REF must be want (NULL: accepted). */
static void
assert_check(const char *want, const char *status, const char *message, const char *body,
	     const char *dup)
{
	const char *got = report_status_check(status, message, body, dup, REF);
	if (want ? !got || strcmp(got, want) != 0 : got != NULL)
		fail_msg("status \"%s\", message \"%.16s\", body \"%.16s\", duplicate_of \"%s\": "
			 "%s, not %s",
			 status ? status : "(null)", message, body, dup ? dup : "(null)",
			 got ? got : "accepted", want ? want : "accepted");
}

static void
test_accepted(void **state)
{
	(void)state;
	for (const char *const *s = report_statuses + 1; *s; s++) {
		const char *body = strcmp(*s, "out_of_scope") == 0 ? "La wilaya" : "";
		const char *dup = strcmp(*s, "duplicate") == 0 ? OTHER : NULL;
		assert_check(NULL, *s, "", body, dup);
		assert_check(NULL, *s, "L'équipe passe demain.\n\nMerci.\tBonne journée", body,
			     dup);
	}
	/* a body may be named with any status (report_set_status keeps it for out_of_scope) */
	assert_check(NULL, "resolved", "", "La wilaya", NULL);
	assert_check(NULL, "received", "", "", "");
}

static void
test_unknown_status(void **state)
{
	(void)state;
	assert_check("unknown_status", "new", "", "", NULL);
	assert_check("unknown_status", "", "", "", NULL);
	assert_check("unknown_status", "closed", "", "", NULL);
	assert_check("unknown_status", "Resolved", "", "", NULL);
	assert_check("unknown_status", NULL, "", "", NULL);
	/* the status is checked first */
	char *longer = repeat("x", REPORT_MESSAGE_MAX + 1);
	assert_check("unknown_status", "new", longer, "", NULL);
	free(longer);
}

static void
test_message(void **state)
{
	(void)state;
	/* characters, not bytes: 2000 Arabic letters are 4000 bytes */
	char *most = repeat("ب", REPORT_MESSAGE_MAX);
	char *longer = repeat("ب", REPORT_MESSAGE_MAX + 1);
	assert_check(NULL, "resolved", most, "", NULL);
	assert_check("message_too_long", "resolved", longer, "", NULL);
	free(most);
	free(longer);
	assert_check("invalid_message", "resolved", "fait\x01", "", NULL);
	assert_check("invalid_message", "resolved", "fait\r", "", NULL);
	assert_check("invalid_message", "resolved", "fait\x7f", "", NULL);
}

static void
test_body(void **state)
{
	(void)state;
	assert_check("body_required", "out_of_scope", "", "", NULL);
	assert_check("body_required", "out_of_scope", "", " \t ", NULL);
	char *most = repeat("é", REPORT_PLACE_MAX);
	char *longer = repeat("é", REPORT_PLACE_MAX + 1);
	assert_check(NULL, "out_of_scope", "", most, NULL);
	assert_check("body_name_too_long", "out_of_scope", "", longer, NULL);
	assert_check("body_name_too_long", "resolved", "", longer, NULL);
	free(most);
	free(longer);
	/* a body's name is one line */
	assert_check("body_name_too_long", "out_of_scope", "", "La\nwilaya", NULL);
	assert_check("body_name_too_long", "out_of_scope", "", "La\twilaya", NULL);
}

static void
test_duplicate(void **state)
{
	(void)state;
	assert_check("duplicate_required", "duplicate", "", "", NULL);
	assert_check("duplicate_required", "duplicate", "", "", "");
	assert_check("duplicate_unknown", "duplicate", "", "", "R-0123");
	assert_check("duplicate_unknown", "duplicate", "", "", "r-0123-4567");
	assert_check("duplicate_unknown", "duplicate", "", "", "R-0123-456I");
	/* not a duplicate of itself */
	assert_check("duplicate_unknown", "duplicate", "", "", REF);
	/* a named original must be a reference whatever the status */
	assert_check("duplicate_unknown", "resolved", "", "", "R-0123");
	assert_check(NULL, "resolved", "", "", OTHER);
}

static void
test_order(void **state)
{
	(void)state;
	char *longer = repeat("x", REPORT_MESSAGE_MAX + 1);
	assert_check("message_too_long", "out_of_scope", longer, "", NULL);
	assert_check("message_too_long", "duplicate", longer, "", NULL);
	free(longer);
	assert_check("invalid_message", "out_of_scope", "\x01", "", NULL);
	assert_check("body_required", "out_of_scope", "", "", "R-0123");
	assert_check("body_name_too_long", "duplicate", "", "a\nb", NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepted),  cmocka_unit_test(test_unknown_status),
		cmocka_unit_test(test_message),   cmocka_unit_test(test_body),
		cmocka_unit_test(test_duplicate), cmocka_unit_test(test_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
