// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * What a resident who booked is told (module notify, in the booking's language): a
 * confirmation, a reminder two days before the slot at 09:00 Africa/Algiers with the private
 * link (to cancel), a confirmation when they move it, and a notice when the commune closes the
 * counter that day. Each is queued in the transaction of the change, so it exists exactly when
 * the change commits; the reminder carries a dedupe key of the booking and slot, by which a
 * cancellation or a move drops it. A contact that is neither an e-mail nor a phone number gets
 * nothing (the booking still stands).
 */
#include "db_appointments.h"
#include "internal.h"

#include "common/app.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/page_util.h"
#include "common/strbuf.h"
#include "notify/notify.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

void
appt_reminder_key(const char *code, const char *day, const char *hhmm, char out[APPT_KEY_SIZE])
{
	snprintf(out, APPT_KEY_SIZE, "appt.reminder.%s.%.10sT%.5s", code, day, hhmm);
}

bool
appt_reminder_time(const char *starts, time_t now, char out[APPT_ISO_SIZE])
{
	int y, mo, d, oh, om;
	char sign;
	/* "YYYY-MM-DDTHH:MM:00+01:00": the local day and the zone's offset */
	if (sscanf(starts, "%4d-%2d-%2dT%*2d:%*2d:%*2d%c%2d:%2d", &y, &mo, &d, &sign, &oh, &om) !=
		    6 ||
	    (sign != '+' && sign != '-'))
		return false;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d - 2, .tm_hour = 9};
	long offset = (oh * 60L + om) * 60L * (sign == '+' ? 1 : -1);
	time_t t = timegm(&tm) - offset; /* 09:00 local, two days before, as UTC */
	if (t <= now)
		return false; /* booked less than two days ahead: the confirmation is enough */
	struct tm u;
	gmtime_r(&t, &u);
	strftime(out, APPT_ISO_SIZE, "%Y-%m-%dT%H:%M:%SZ", &u);
	return true;
}

/* The texts of a message: subject and body from the catalog keys <prefix>_subject and
 * <prefix>_body in lang, filled with vars. */
static void
texts(const struct app *app, const char *lang, const char *prefix, json_t *vars,
      struct strbuf *subject, struct strbuf *body)
{
	char key[64];
	snprintf(key, sizeof(key), "%s_subject", prefix);
	notify_render(subject, i18n_get(app->i18n, lang, key), vars);
	snprintf(key, sizeof(key), "%s_body", prefix);
	notify_render(body, i18n_get(app->i18n, lang, key), vars);
}

/* Queue one message of kind to contact (as typed); 0 also when the contact cannot be written
 * to, -1 when the queue failed. */
static int
queue(const struct app *app, const char *contact, const char *lang, const char *kind,
      const char *prefix, json_t *vars, const char *not_before, const char *dedupe_key)
{
	const char *channel;
	char to[NOTIFY_CONTACT_SIZE];
	if (!notify_contact_parse(contact, &channel, to))
		return 0;
	struct strbuf subject = STRBUF_INIT, body = STRBUF_INIT;
	texts(app, lang, prefix, vars, &subject, &body);
	struct notify_message m = {
		.channel = channel,
		.to = to,
		.lang = lang,
		.subject = strcmp(channel, "email") ? NULL : subject.buf,
		.body = body.buf,
		.kind = kind,
		.not_before = not_before,
		.dedupe_key = dedupe_key,
	};
	int rc = notify_enqueue(&m);
	strbuf_release(&subject);
	strbuf_release(&body);
	return rc;
}

/* A per-language text in lang, "" when none. */
static const char *
pick(json_t *texts, const char *lang)
{
	const char *s = i18n_pick(texts, lang, NULL);
	return s ? s : "";
}

/* The values of the messages about booking b at the offer's counter, in lang. */
static json_t *
booking_vars(const struct appt_note *n, const struct appt_new *b)
{
	json_t *o = n->offer;
	const char *lang = n->lang;
	json_t *v = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "code", b->code, "title",
			      pick(json_object_get(o, "title"), lang), "counter",
			      pick(json_object_get(o, "counter"), lang), "place",
			      pick(json_object_get(o, "place"), lang), "day", n->day, "time",
			      n->time, "link", n->link);
	json_object_set_new(v, "ics", json_sprintf("%s/ics", n->link));
	return v;
}

int
appt_notify_booked(const struct appt_new *b, void *ctx)
{
	struct appt_note *n = ctx;
	char key[APPT_KEY_SIZE], when[APPT_ISO_SIZE];
	snprintf(n->day, sizeof(n->day), "%.10s", b->starts);
	snprintf(n->time, sizeof(n->time), "%.5s", b->starts + 11);
	json_t *vars = booking_vars(n, b);
	int rc = queue(n->app, b->contact, n->lang,
		       n->moved ? "appointment.moved" : "appointment.confirmation",
		       n->moved ? "appt_notify_moved" : "appt_notify_confirm", vars, NULL, NULL);
	appt_reminder_key(b->code, n->day, n->time, key);
	if (rc == 0 && n->old_key[0])
		rc = notify_cancel(n->old_key);
	if (rc == 0 && appt_reminder_time(b->starts, time(NULL), when))
		rc = queue(n->app, b->contact, n->lang, "appointment.reminder",
			   "appt_notify_reminder", vars, when, key);
	json_decref(vars);
	return rc;
}

int
appt_notify_closed(json_t *row, void *ctx)
{
	const struct appt_close_note *n = ctx;
	const char *lang = json_str(row, "lang");
	char key[APPT_KEY_SIZE];
	appt_reminder_key(json_str(row, "code"), n->day, json_str(row, "time"), key);
	if (notify_cancel(key) < 0)
		return -1;
	json_t *vars =
		json_pack("{s:s, s:s, s:s, s:s, s:s}", "code", json_str(row, "code"), "title",
			  pick(json_object_get(row, "title"), lang), "day", n->day, "time",
			  json_str(row, "time"), "reason", n->reason ? n->reason : "");
	json_object_set_new(
		vars, "book",
		json_sprintf("%s/services/%s/book", n->book_base, json_str(row, "service")));
	int rc = queue(n->app, json_str(row, "contact"), lang, "appointment.closed",
		       "appt_notify_closed", vars, NULL, NULL);
	json_decref(vars);
	return rc;
}
