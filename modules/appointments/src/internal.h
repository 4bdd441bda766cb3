// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef APPOINTMENTS_INTERNAL_H
#define APPOINTMENTS_INTERNAL_H

#include "common/secret.h"
#include "common/app.h"
#include "common/http.h"
#include "common/i18n.h"

#include <jansson.h>
#include <stdbool.h>
#include <time.h>

/*
 * Between the appointments module's own files. Pure logic a test reaches without a request or
 * a database: slots.c (local time, slots, closed days, horizon and notice, tokens, codes,
 * contacts) and ics.c (the .ics text); plan.c (a service's free slots from the rows);
 * pages by audience: page_book.c (residents: pick a day and a slot, book), page_booking.c (the
 * private link: see, cancel, reschedule, .ics), page_desk.c (agents' day view, arrivals,
 * closing a counter), page_admin.c (staff: the configuration); SQL: db_appointments.c.
 * Times are Africa/Algiers: UTC+1 all year (no daylight saving since 1981).
 */
#define APPT_UTC_OFFSET_S 3600
#define APPT_TZID "Africa/Algiers"
#define APPT_DAY_SIZE 11               /* "YYYY-MM-DD" */
#define APPT_CODE_SIZE PUBLIC_REF_SIZE /* "A-XXXX-XXXX" (common/secret.h) */
#define APPT_MAX_SLOTS 288             /* a day of 5-minute slots */
#define APPT_NAME_MAX 100
#define APPT_CONTACT_MAX 120
#define APPT_DAYS_SHOWN 14 /* open days offered on the booking page */
#define APPT_MAX_BODY (8u * 1024)
#define APPT_FIGURES_MIN_SAMPLE 10 /* marked bookings before a no-show share is shown */

/* A message of the reader's language (catalog string). */
static inline const char *
appt_t(struct request *req, const char *key)
{
	return i18n_get(req->app->i18n, req->lang, key);
}

/* ---- slots.c ---- */

/* The local day (YYYY-MM-DD) and minute of the day at now. */
void appt_local_now(time_t now, char day[APPT_DAY_SIZE], int *minute);
/* The weekday of a YYYY-MM-DD day, 0 Sunday .. 6 Saturday; -1 when it is no real day. */
int appt_weekday(const char *day);
/* day + n days into out; false when day is no real day. */
bool appt_day_add(const char *day, int n, char out[APPT_DAY_SIZE]);
/* Days from a to b (negative when b is before a); both must be real days. */
int appt_days_between(const char *a, const char *b);
/* "HH:MM" (00:00 .. 24:00) as minutes of the day; -1 when it is not one. */
int appt_parse_hhmm(const char *s);
/* Minutes of the day as "HH:MM". */
void appt_hhmm(int minute, char out[6]);
/* The starts of the slots of len minutes between opens and closes (a slot ends by closing
 * time) into out (at most max); returns their number. */
int appt_slot_starts(int opens, int closes, int len, int *out, int max);

/* Why a time cannot be booked now, in the order they are checked. */
enum appt_when {
	APPT_WHEN_OK = 0,
	APPT_WHEN_PAST,    /* the day or the time has passed */
	APPT_WHEN_NOTICE,  /* inside the minimum notice */
	APPT_WHEN_HORIZON, /* after the booking horizon */
};
/* Whether minute of day may be booked at (today, now_minute) under the commune's rules. */
enum appt_when appt_check_when(const char *day, int minute, const char *today, int now_minute,
			       int horizon_days, int notice_minutes);
/* Whether counter_id takes no bookings on day: a weekly rest day (rest_days: [weekday...]),
 * or a day of closed ([{day, counter_id (null: the whole commune)}]). */
bool appt_day_closed(const char *day, long long counter_id, json_t *rest_days, json_t *closed);
/* A new confirmation code, "A-" and two groups of 4 unambiguous letters and digits. */
void appt_new_code(char code[APPT_CODE_SIZE]);
/* True for a phone number (digits, spaces, +, -, ., parentheses; 8 to 15 digits) or an e-mail
 * address (one @, a dot in the domain, no spaces). */
bool appt_contact_ok(const char *s);
/* True for a form's one-time value: 16 to 64 characters of [A-Za-z0-9_-]. */
bool appt_nonce_ok(const char *s);
/* True for a catalogue key: [a-z0-9-]{2,48}. */
bool appt_service_key_ok(const char *s);

/* ---- ics.c ---- */

struct appt_ics {
	const char *code;    /* the confirmation code (UID and summary) */
	const char *host;    /* the site's host for the UID */
	const char *day;     /* local day */
	int minute;          /* local start */
	int length;          /* minutes */
	const char *summary; /* the service's title */
	const char *location;
	const char *stamp_utc; /* DTSTAMP, "YYYYMMDDTHHMMSSZ" */
	bool cancelled;
};
/* The RFC 5545 text (CRLF lines, folded at 75 octets) with a VTIMEZONE for Africa/Algiers;
 * malloc'd, NULL when out of memory. */
char *appt_ics_text(const struct appt_ics *in);

/* ---- plan.c: a service's slots from the rows ---- */

/*
 * What a service's plan reads once: offers [{counter_id, counter, place, title, slot_minutes,
 * capacity, hours: {"weekday": [opens, closes]}}], settings {horizon_days, notice_minutes,
 * rest_days...}, closed [{day, counter_id}] and taken {"counter_id day HH:MM": booked}.
 */
struct appt_plan {
	json_t *offers, *settings, *closed, *taken;
	char today[APPT_DAY_SIZE];
	int now_minute;
};
/* Read the plan of service from today on (now); 0, or -1 (database failed, logged). */
int appt_plan_load(struct appt_plan *p, const char *service, time_t now);
void appt_plan_free(struct appt_plan *p);
/* The open slots of day in p, in time order: [{counter_id, minute, time, free, capacity}];
 * (only those that may be booked now, full ones with free 0). New reference. */
json_t *appt_plan_day(const struct appt_plan *p, const char *day);
/* The offer of counter_id in p (borrowed), or NULL. */
json_t *appt_plan_offer(const struct appt_plan *p, long long counter_id);
/* The first slot with a free place from now on within the horizon: day and minute; false when
 * there is none. */
bool appt_plan_next_free(const struct appt_plan *p, char day[APPT_DAY_SIZE], int *minute);
/* The local time "YYYY-MM-DDTHH:MM:00+01:00" of day and minute (arena or malloc'd by caller:
 * written into out of 26 bytes). */
void appt_local_iso(const char *day, int minute, char out[26]);

/* ---- pages ---- */
void page_appt_book_form(struct request *req);  /* GET /services/{key}/book */
void page_appt_book(struct request *req);       /* POST /services/{key}/book */
void page_appt_booking(struct request *req);    /* GET /appointments/b/{token} */
void page_appt_cancel(struct request *req);     /* POST /appointments/b/{token}/cancel */
void page_appt_reschedule(struct request *req); /* POST /appointments/b/{token}/reschedule */
void page_appt_ics(struct request *req);        /* GET /appointments/b/{token}/ics */
void page_appt_desk(struct request *req);       /* GET /staff/appointments */
void page_appt_mark(struct request *req);       /* POST /staff/appointments/{id}/mark */
void page_appt_close_day(struct request *req);  /* POST /staff/appointments/close */
void page_appt_move_form(struct request *req);  /* GET /staff/appointments/{id}/move */
void page_appt_move(struct request *req);       /* POST /staff/appointments/{id}/move */
void page_appt_admin(struct request *req);      /* GET /staff/appointments/setup */
void page_appt_admin_post(struct request *req); /* POST /staff/appointments/setup/{what} */

/* http_render with the module's stylesheet (the day view's print rules) in the view. */
void appt_render(struct request *req, unsigned code, const char *template, json_t *view);
/* Texts of a {"ar","fr"} object in the reader's language (falling back to fr, ar). */
const char *appt_text(struct request *req, json_t *texts);

/* The booking page's choices (page_book.c): the open days with a free slot (links to
 * base?day=), the free slots of day (the first open day when NULL) as radio values
 * "counter_id@HH:MM". New reference. */
json_t *appt_picker(struct request *req, const struct appt_plan *p, const char *day,
		    const char *base);
/* Check a chosen day and slot against p; fills out's counter_id, starts and capacity, or
 * replies (400 invalid_day, slot_unknown, date_past, too_soon, beyond_horizon; 409
 * day_closed) and returns false. */
struct appt_new;
bool appt_check_slot(struct request *req, const struct appt_plan *p, const char *day,
		     const char *slot, struct appt_new *out);
/* "weekday YYYY-MM-DD" in the reader's language (arena). */
const char *appt_day_label(struct request *req, const char *day);

/* ---- messages to the resident (appt_notify.c, module notify) ---- */
#define APPT_KEY_SIZE 64
#define APPT_ISO_SIZE 24
struct appt_new;
/* What the booking's messages need besides the booking: in the booking's language. */
struct appt_note {
	const struct app *app;
	const char *lang;
	json_t *offer;    /* appt_plan_offer of the booking's counter: title, counter, place */
	const char *link; /* the whole private link, with the token */
	bool moved;       /* a move: "moved" instead of the confirmation */
	char old_key[APPT_KEY_SIZE]; /* a move: the reminder of the old slot, dropped */
	char day[APPT_DAY_SIZE], time[6];
};
/* notify of struct appt_new: the confirmation (or move) and the reminder. 0/-1. */
int appt_notify_booked(const struct appt_new *b, void *ctx);
/* What closing a counter's day tells each booking (row: a DAY_ROW with lang). */
struct appt_close_note {
	const struct app *app;
	const char *day, *reason;
	const char *book_base; /* the public URL */
};
int appt_notify_closed(json_t *row, void *ctx);
/* The dedupe key of booking code's reminder for the slot at local day and "HH:MM". */
void appt_reminder_key(const char *code, const char *day, const char *hhmm,
		       char out[APPT_KEY_SIZE]);
/* When the reminder of a slot starting at starts ("YYYY-MM-DDTHH:MM:00+01:00") goes out: two
 * days before at 09:00 local time, as UTC ISO 8601 in out; false when that is not after now. */
bool appt_reminder_time(const char *starts, time_t now, char out[APPT_ISO_SIZE]);

/* ---- jobs, demo ---- */
int appt_retention_run(struct app *app);
int appt_demo_load(struct app *app, const char *dir);

/* Its facts (module_side.facts), in its db file. */
int appt_facts(struct app *app, const char *from, const char *to, json_t *out);

#endif
