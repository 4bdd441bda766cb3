// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The .ics file of a booking (RFC 5545): one VEVENT in local time with TZID Africa/Algiers and
 * the VTIMEZONE that defines it (UTC+1, no daylight saving), so that a calendar without a time
 * zone database still places it right.
 */
#include "internal.h"

#include "common/strbuf.h"

#include <stdio.h>
#include <string.h>

/* Append "NAME:value" with the value's text escaped (RFC 5545 §3.3.11) and the line folded
 * at 75 octets without cutting a UTF-8 sequence, then CRLF. */
static void
text_line(struct strbuf *b, const char *name, const char *value)
{
	struct strbuf line = STRBUF_INIT;
	strbuf_addf(&line, "%s:", name);
	for (const char *p = value ? value : ""; *p; p++) {
		if (*p == '\\' || *p == ';' || *p == ',')
			strbuf_addf(&line, "\\%c", *p);
		else if (*p == '\n')
			strbuf_add(&line, "\\n", 2);
		else if (*p != '\r')
			strbuf_add(&line, p, 1);
	}
	size_t col = 0;
	for (size_t i = 0; i < line.len; i++) {
		unsigned char c = (unsigned char)line.buf[i];
		size_t seq = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
		if (col + seq > 75) {
			strbuf_add(b, "\r\n ", 3);
			col = 1;
		}
		strbuf_add(b, line.buf + i, seq);
		col += seq;
		i += seq - 1;
	}
	strbuf_add(b, "\r\n", 2);
	strbuf_release(&line);
}

/* "YYYYMMDDTHHMM00" of a local day and minute. */
static void
local_stamp(const char *day, int minute, char out[32])
{
	snprintf(out, 32, "%.4s%.2s%.2sT%02d%02d00", day, day + 5, day + 8, (minute / 60) % 24,
		 minute % 60);
}

char *
appt_ics_text(const struct appt_ics *in)
{
	struct strbuf b = STRBUF_INIT;
	char start[32], end[32], end_day[APPT_DAY_SIZE];
	int end_minute = in->minute + in->length;
	appt_day_add(in->day, end_minute / 1440, end_day);
	local_stamp(in->day, in->minute, start);
	local_stamp(end_day, end_minute % 1440, end);
	strbuf_addf(&b,
		    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Baladiya//Appointments//FR\r\n"
		    "CALSCALE:GREGORIAN\r\nMETHOD:%s\r\n"
		    "BEGIN:VTIMEZONE\r\nTZID:" APPT_TZID "\r\n"
		    "BEGIN:STANDARD\r\nDTSTART:19810101T000000\r\nTZOFFSETFROM:+0100\r\n"
		    "TZOFFSETTO:+0100\r\nTZNAME:CET\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
		    "BEGIN:VEVENT\r\nUID:%s@%s\r\nDTSTAMP:%s\r\n"
		    "DTSTART;TZID=" APPT_TZID ":%s\r\nDTEND;TZID=" APPT_TZID ":%s\r\n"
		    "STATUS:%s\r\n",
		    in->cancelled ? "CANCEL" : "PUBLISH", in->code, in->host, in->stamp_utc, start,
		    end, in->cancelled ? "CANCELLED" : "CONFIRMED");
	char summary[512];
	snprintf(summary, sizeof(summary), "%s (%s)", in->summary ? in->summary : "", in->code);
	text_line(&b, "SUMMARY", summary);
	if (in->location && *in->location)
		text_line(&b, "LOCATION", in->location);
	strbuf_addf(&b, "END:VEVENT\r\nEND:VCALENDAR\r\n");
	return strbuf_detach(&b, NULL);
}
