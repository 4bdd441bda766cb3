// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * When a booking's reminder goes out (modules/appointments/src/appt_notify.c): two days before
 * the slot's local day at 09:00 Africa/Algiers (UTC+1 all year), as UTC; none when that time
 * has passed; and the dedupe key that ties it to the booking and its slot.
 */
#include "../../../../modules/appointments/src/internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void
test_reminder_time(void **state)
{
	(void)state;
	char out[APPT_ISO_SIZE];
	time_t now = 1796608800; /* 2026-12-07T02:00:00Z */
	assert_true(appt_reminder_time("2026-12-13T10:30:00+01:00", now, out));
	assert_string_equal(out, "2026-12-11T08:00:00Z");
	/* across a month and a year */
	assert_true(appt_reminder_time("2027-01-01T08:00:00+01:00", now, out));
	assert_string_equal(out, "2026-12-30T08:00:00Z");
	assert_true(appt_reminder_time("2027-03-02T08:00:00+01:00", now, out));
	assert_string_equal(out, "2027-02-28T08:00:00Z");
	/* a slot the day after tomorrow: 09:00 today local (08:00Z) is after 02:00Z */
	assert_true(appt_reminder_time("2026-12-09T15:00:00+01:00", now, out));
	assert_string_equal(out, "2026-12-07T08:00:00Z");
	/* tomorrow: the reminder's time has passed, none */
	assert_false(appt_reminder_time("2026-12-08T15:00:00+01:00", now, out));
	assert_false(appt_reminder_time("not a time", now, out));
}

static void
test_reminder_key(void **state)
{
	(void)state;
	char key[APPT_KEY_SIZE];
	appt_reminder_key("A-7K3M-Q9ZD", "2026-12-13", "10:30", key);
	assert_string_equal(key, "appt.reminder.A-7K3M-Q9ZD.2026-12-13T10:30");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reminder_time),
		cmocka_unit_test(test_reminder_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
