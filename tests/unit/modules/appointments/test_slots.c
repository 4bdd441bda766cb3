// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The pure rules of booking (modules/appointments/src/slots.c, plan.c): local time in
 * Africa/Algiers, slot generation from opening hours, weekdays and closed days, horizon and
 * notice, the shapes of tokens, codes, contacts and form values; and a plan's open slots.
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
test_local_now(void **state)
{
	(void)state;
	char day[APPT_DAY_SIZE];
	int minute;
	/* 2026-12-06T23:30:00Z is already the 7th in Algiers (UTC+1, all year) */
	appt_local_now(1796599800, day, &minute);
	assert_string_equal(day, "2026-12-07");
	assert_int_equal(minute, 30);
	/* summer: still +1 (no daylight saving) — 2026-07-01T07:00:00Z is 08:00 */
	appt_local_now(1782889200, day, &minute);
	assert_string_equal(day, "2026-07-01");
	assert_int_equal(minute, 8 * 60);
}

static void
test_days(void **state)
{
	(void)state;
	assert_int_equal(appt_weekday("2026-12-06"), 0); /* a Sunday */
	assert_int_equal(appt_weekday("2026-12-11"), 5); /* Friday */
	assert_int_equal(appt_weekday("2028-02-29"), 2);
	assert_int_equal(appt_weekday("2026-02-29"), -1);
	assert_int_equal(appt_weekday("2026-1-05"), -1);
	assert_int_equal(appt_weekday(NULL), -1);
	char out[APPT_DAY_SIZE];
	assert_true(appt_day_add("2026-12-30", 3, out));
	assert_string_equal(out, "2027-01-02");
	assert_true(appt_day_add("2027-03-01", -1, out));
	assert_string_equal(out, "2027-02-28");
	assert_false(appt_day_add("tomorrow", 1, out));
	assert_int_equal(appt_days_between("2026-12-06", "2027-01-05"), 30);
	assert_int_equal(appt_days_between("2026-12-06", "2026-12-05"), -1);
}

static void
test_hhmm(void **state)
{
	(void)state;
	assert_int_equal(appt_parse_hhmm("08:00"), 480);
	assert_int_equal(appt_parse_hhmm("16:30"), 990);
	assert_int_equal(appt_parse_hhmm("24:00"), 1440);
	for (const char *bad[] = {"24:01", "8:00", "08:60", "0800", "08:0a", "", NULL}, **b = bad;
	     *b; b++)
		assert_int_equal(appt_parse_hhmm(*b), -1);
	assert_int_equal(appt_parse_hhmm(NULL), -1);
	char s[6];
	appt_hhmm(990, s);
	assert_string_equal(s, "16:30");
	appt_hhmm(5, s);
	assert_string_equal(s, "00:05");
}

static void
test_slot_starts(void **state)
{
	(void)state;
	int s[APPT_MAX_SLOTS];
	/* 08:00-16:30 in 20-minute slots: the last one starts at 16:00 and ends by closing */
	int n = appt_slot_starts(480, 990, 20, s, APPT_MAX_SLOTS);
	assert_int_equal(n, 25);
	assert_int_equal(s[0], 480);
	assert_int_equal(s[1], 500);
	assert_int_equal(s[n - 1], 960);
	assert_true(s[n - 1] + 20 <= 990);
	/* exact fit */
	assert_int_equal(appt_slot_starts(540, 720, 30, s, APPT_MAX_SLOTS), 6);
	assert_int_equal(s[5], 690);
	/* a slot longer than the opening, a zero length, the cap */
	assert_int_equal(appt_slot_starts(540, 560, 30, s, APPT_MAX_SLOTS), 0);
	assert_int_equal(appt_slot_starts(540, 720, 0, s, APPT_MAX_SLOTS), 0);
	assert_int_equal(appt_slot_starts(0, 1440, 5, s, 10), 10);
	assert_int_equal(appt_slot_starts(0, 1440, 5, s, APPT_MAX_SLOTS), 288);
}

static void
test_when(void **state)
{
	(void)state;
	/* now: 2026-12-06 10:00; horizon 30 days, notice 120 minutes */
	const char *today = "2026-12-06";
	int now = 600;
	assert_int_equal(appt_check_when("2026-12-05", 600, today, now, 30, 120), APPT_WHEN_PAST);
	assert_int_equal(appt_check_when(today, 540, today, now, 30, 120), APPT_WHEN_PAST);
	assert_int_equal(appt_check_when(today, 600, today, now, 30, 120), APPT_WHEN_PAST);
	assert_int_equal(appt_check_when(today, 690, today, now, 30, 120), APPT_WHEN_NOTICE);
	assert_int_equal(appt_check_when(today, 720, today, now, 30, 120), APPT_WHEN_OK);
	/* notice across midnight */
	assert_int_equal(appt_check_when("2026-12-07", 480, today, 1380, 30, 600),
			 APPT_WHEN_NOTICE);
	assert_int_equal(appt_check_when("2026-12-07", 480, today, 1380, 30, 540), APPT_WHEN_OK);
	/* the horizon's last day is bookable, the next is not */
	assert_int_equal(appt_check_when("2027-01-05", 480, today, now, 30, 120), APPT_WHEN_OK);
	assert_int_equal(appt_check_when("2027-01-06", 480, today, now, 30, 120),
			 APPT_WHEN_HORIZON);
}

static void
test_closed(void **state)
{
	(void)state;
	json_t *rest = json_pack("[i, i]", 5, 6);
	json_t *closed = json_pack("[{s:s, s:n}, {s:s, s:i}]", "day", "2027-01-01", "counter_id",
				   "day", "2026-12-08", "counter_id", 2);
	assert_false(appt_day_closed("2026-12-06", 1, rest, closed)); /* Sunday */
	assert_true(appt_day_closed("2026-12-11", 1, rest, closed));  /* Friday */
	assert_true(appt_day_closed("2026-12-12", 1, rest, closed));  /* Saturday */
	assert_true(appt_day_closed("2027-01-01", 1, rest, closed));  /* the commune's holiday */
	assert_true(appt_day_closed("2027-01-01", 7, rest, closed));
	assert_true(appt_day_closed("2026-12-08", 2, rest, closed)); /* counter 2 closed */
	assert_false(appt_day_closed("2026-12-08", 1, rest, closed));
	json_t *none = json_array();
	assert_false(appt_day_closed("2026-12-11", 1, none, none));
	json_decref(rest);
	json_decref(closed);
	json_decref(none);
}

static void
test_codes(void **state)
{
	(void)state;
	char code[APPT_CODE_SIZE], other[APPT_CODE_SIZE];
	appt_new_code(code);
	appt_new_code(other);
	assert_int_equal(strlen(code), 11);
	assert_true(code[0] == 'A' && code[1] == '-' && code[6] == '-');
	assert_null(strpbrk(code + 2, "ILOU"));
	assert_string_not_equal(code, other);
}

static void
test_contacts(void **state)
{
	(void)state;
	for (const char *ok[] = {"+213 555 12 34 56", "0555123456", "(021) 12-34-56-78", "a@b.dz",
				 "prenom.nom@example.org", NULL},
			**p = ok;
	     *p; p++)
		assert_true(appt_contact_ok(*p));
	for (const char *
		     bad[] = {"", "12", "1234567", "0555 123 456 789 012", "555+123456789", "a@b",
			      "@b.dz", "a@@b.dz", "a b@c.dz", "a@b.", "call me", "<a@b.dz>", NULL},
		    **p = bad;
	     *p; p++)
		assert_false(appt_contact_ok(*p));
	assert_false(appt_contact_ok(NULL));
	assert_true(appt_nonce_ok("0123456789abcdef"));
	assert_true(appt_nonce_ok("A-_z0123456789abcdef"));
	assert_false(appt_nonce_ok("0123456789abcde"));
	assert_false(appt_nonce_ok("0123456789abcdef!"));
	assert_true(appt_service_key_ok("residence-certificate"));
	assert_false(appt_service_key_ok("Residence"));
	assert_false(appt_service_key_ok("a"));
	assert_false(appt_service_key_ok("a_b"));
	assert_false(appt_service_key_ok(NULL));
}

/* A plan without a database: one counter, 08:00-10:00 on Sundays, 30-minute slots of 2. */
static void
test_plan_day(void **state)
{
	(void)state;
	struct appt_plan p = {
		.offers = json_pack("[{s:i, s:i, s:i, s:{s:[i, i]}}]", "counter_id", 3,
				    "slot_minutes", 30, "capacity", 2, "hours", "0", 480, 600),
		.settings = json_pack("{s:i, s:i, s:[i, i]}", "horizon_days", 30, "notice_minutes",
				      60, "rest_days", 5, 6),
		.closed = json_array(),
		.taken = json_pack("{s:i, s:i}", "3 2026-12-13 08:30", 2, "3 2026-12-13 09:00", 1),
		.today = "2026-12-13",
		.now_minute = 420, /* 07:00: 08:00 is an hour ahead, just the notice */
	};
	json_t *day = appt_plan_day(&p, "2026-12-13");
	assert_int_equal(json_array_size(day), 4);
	assert_string_equal(json_string_value(json_object_get(json_array_get(day, 0), "time")),
			    "08:00");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(day, 1), "free")), 0);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(day, 2), "free")), 1);
	json_decref(day);
	/* at 08:00: 08:00 has passed and 08:30 is inside the notice */
	p.now_minute = 480;
	day = appt_plan_day(&p, "2026-12-13");
	assert_int_equal(json_array_size(day), 2);
	json_decref(day);
	/* a Monday: no hours */
	day = appt_plan_day(&p, "2026-12-14");
	assert_int_equal(json_array_size(day), 0);
	json_decref(day);
	char next[APPT_DAY_SIZE];
	int minute;
	assert_true(appt_plan_next_free(&p, next, &minute));
	assert_string_equal(next, "2026-12-13");
	assert_int_equal(minute, 540); /* 09:00: 08:30 is full */
	char iso[26];
	appt_local_iso(next, minute, iso);
	assert_string_equal(iso, "2026-12-13T09:00:00+01:00");
	/* closed that day: the next Sunday */
	json_array_append_new(p.closed, json_pack("{s:s, s:n}", "day", "2026-12-13", "counter_id"));
	assert_true(appt_plan_next_free(&p, next, &minute));
	assert_string_equal(next, "2026-12-20");
	assert_int_equal(minute, 480);
	appt_plan_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_local_now), cmocka_unit_test(test_days),
		cmocka_unit_test(test_hhmm),      cmocka_unit_test(test_slot_starts),
		cmocka_unit_test(test_when),      cmocka_unit_test(test_closed),
		cmocka_unit_test(test_codes),     cmocka_unit_test(test_contacts),
		cmocka_unit_test(test_plan_day),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
