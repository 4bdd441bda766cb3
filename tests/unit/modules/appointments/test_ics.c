// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The .ics text of a booking (modules/appointments/src/ics.c): RFC 5545's CRLF lines, the
 * VTIMEZONE of Africa/Algiers and the local times that refer to it, text escaping, folding at
 * 75 octets without cutting a UTF-8 sequence, and a cancelled booking's status.
 */
#include "../../../../modules/appointments/src/internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static struct appt_ics
sample(void)
{
	return (struct appt_ics){
		.code = "A-7K3M-Q9TZ",
		.host = "mairie.example",
		.day = "2026-12-13",
		.minute = 8 * 60 + 40,
		.length = 20,
		.summary = "Certificat de résidence",
		.location = "Guichet de l'état civil, Hôtel de ville",
		.stamp_utc = "20261206T101500Z",
	};
}

static void
test_shape(void **state)
{
	(void)state;
	struct appt_ics in = sample();
	char *t = appt_ics_text(&in);
	assert_non_null(t);
	assert_int_equal(strncmp(t, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 30), 0);
	assert_non_null(strstr(t, "\r\nBEGIN:VTIMEZONE\r\nTZID:Africa/Algiers\r\n"));
	assert_non_null(strstr(t, "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100\r\n"));
	assert_non_null(strstr(t, "\r\nUID:A-7K3M-Q9TZ@mairie.example\r\n"));
	assert_non_null(strstr(t, "\r\nDTSTAMP:20261206T101500Z\r\n"));
	assert_non_null(strstr(t, "\r\nDTSTART;TZID=Africa/Algiers:20261213T084000\r\n"));
	assert_non_null(strstr(t, "\r\nDTEND;TZID=Africa/Algiers:20261213T090000\r\n"));
	assert_non_null(strstr(t, "\r\nSTATUS:CONFIRMED\r\n"));
	assert_non_null(strstr(t, "\r\nSUMMARY:Certificat de résidence (A-7K3M-Q9TZ)\r\n"));
	/* the comma of a text value is escaped */
	assert_non_null(strstr(t, "LOCATION:Guichet de l'état civil\\, Hôtel de ville\r\n"));
	assert_string_equal(t + strlen(t) - 27, "END:VEVENT\r\nEND:VCALENDAR\r\n");
	/* every line ends with CRLF: no bare LF */
	for (const char *p = t; *p; p++)
		if (*p == '\n')
			assert_int_equal(p[-1], '\r');
	free(t);
}

static void
test_folding(void **state)
{
	(void)state;
	struct appt_ics in = sample();
	in.summary = "ملف بطاقة التعريف وجواز السفر; حجز; مقابلة مع رئيس المجلس الشعبي البلدي "
		     "ملف بطاقة التعريف وجواز السفر";
	char *t = appt_ics_text(&in);
	const char *line = t;
	int folded = 0;
	while (*line) {
		const char *end = strstr(line, "\r\n");
		assert_non_null(end);
		assert_true(end - line <= 75);
		/* a folded line starts with a space and no UTF-8 continuation byte follows it */
		if (*line == ' ') {
			folded++;
			assert_true(((unsigned char)line[1] & 0xC0) != 0x80);
		}
		line = end + 2;
	}
	assert_true(folded >= 1);
	assert_non_null(strstr(t, "\\;"));
	free(t);
}

static void
test_cancelled_and_midnight(void **state)
{
	(void)state;
	struct appt_ics in = sample();
	in.cancelled = true;
	in.minute = 23 * 60 + 30;
	in.length = 60;
	in.day = "2026-12-31";
	in.location = NULL;
	char *t = appt_ics_text(&in);
	assert_non_null(strstr(t, "METHOD:CANCEL\r\n"));
	assert_non_null(strstr(t, "STATUS:CANCELLED\r\n"));
	assert_non_null(strstr(t, "DTSTART;TZID=Africa/Algiers:20261231T233000\r\n"));
	assert_non_null(strstr(t, "DTEND;TZID=Africa/Algiers:20270101T003000\r\n"));
	assert_null(strstr(t, "LOCATION"));
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shape),
		cmocka_unit_test(test_folding),
		cmocka_unit_test(test_cancelled_and_midnight),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
