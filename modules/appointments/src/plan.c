// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * A service's plan: its counters' offers, the commune's rules, the closed days and the places
 * taken, read once, then the open slots of a day and the next free one computed from them.
 */
#include "db_appointments.h"
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
appt_plan_load(struct appt_plan *p, const char *service, time_t now)
{
	memset(p, 0, sizeof(*p));
	appt_local_now(now, p->today, &p->now_minute);
	p->settings = db_appt_settings();
	p->offers = p->settings ? db_appt_offers(service) : NULL;
	if (!p->offers)
		return -1;
	char last[APPT_DAY_SIZE];
	int horizon = (int)json_integer_value(json_object_get(p->settings, "horizon_days"));
	appt_day_add(p->today, horizon, last);
	p->closed = db_appt_closed(p->today, last);
	p->taken = p->closed ? db_appt_taken(service, p->today, last) : NULL;
	return p->taken ? 0 : -1;
}

void
appt_plan_free(struct appt_plan *p)
{
	json_decref(p->offers);
	json_decref(p->settings);
	json_decref(p->closed);
	json_decref(p->taken);
	memset(p, 0, sizeof(*p));
}

json_t *
appt_plan_offer(const struct appt_plan *p, long long counter_id)
{
	size_t i;
	json_t *o;
	json_array_foreach(p->offers, i, o)
	{
		if (json_integer_value(json_object_get(o, "counter_id")) == counter_id)
			return o;
	}
	return NULL;
}

static int
setting(const struct appt_plan *p, const char *key)
{
	return (int)json_integer_value(json_object_get(p->settings, key));
}

/* Append offer o's open slots of day to out. */
static void
offer_day(const struct appt_plan *p, json_t *o, const char *day, int wd, json_t *out)
{
	long long cid = json_integer_value(json_object_get(o, "counter_id"));
	char key[4];
	snprintf(key, sizeof(key), "%d", wd);
	json_t *h = json_object_get(json_object_get(o, "hours"), key);
	if (!h || appt_day_closed(day, cid, json_object_get(p->settings, "rest_days"), p->closed))
		return;
	int starts[APPT_MAX_SLOTS];
	int len = (int)json_integer_value(json_object_get(o, "slot_minutes"));
	int cap = (int)json_integer_value(json_object_get(o, "capacity"));
	int n = appt_slot_starts((int)json_integer_value(json_array_get(h, 0)),
				 (int)json_integer_value(json_array_get(h, 1)), len, starts,
				 APPT_MAX_SLOTS);
	for (int i = 0; i < n; i++) {
		if (appt_check_when(day, starts[i], p->today, p->now_minute,
				    setting(p, "horizon_days"),
				    setting(p, "notice_minutes")) != APPT_WHEN_OK)
			continue;
		char hhmm[6], tk[64];
		appt_hhmm(starts[i], hhmm);
		snprintf(tk, sizeof(tk), "%lld %s %s", cid, day, hhmm);
		int free = cap - (int)json_integer_value(json_object_get(p->taken, tk));
		json_array_append_new(out,
				      json_pack("{s:I, s:i, s:s, s:i, s:i}", "counter_id",
						(json_int_t)cid, "minute", starts[i], "time", hhmm,
						"free", free < 0 ? 0 : free, "capacity", cap));
	}
}

static int
by_time(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	long long d = json_integer_value(json_object_get(x, "minute")) -
		      json_integer_value(json_object_get(y, "minute"));
	if (!d)
		d = json_integer_value(json_object_get(x, "counter_id")) -
		    json_integer_value(json_object_get(y, "counter_id"));
	return d < 0 ? -1 : d > 0;
}

json_t *
appt_plan_day(const struct appt_plan *p, const char *day)
{
	json_t *out = json_array();
	int wd = appt_weekday(day);
	if (wd < 0)
		return out;
	size_t i;
	json_t *o;
	json_array_foreach(p->offers, i, o) offer_day(p, o, day, wd, out);
	size_t n = json_array_size(out);
	if (n > 1) {
		json_t **v = malloc(n * sizeof(*v));
		for (i = 0; i < n; i++)
			v[i] = json_incref(json_array_get(out, i));
		qsort(v, n, sizeof(*v), by_time);
		json_array_clear(out);
		for (i = 0; i < n; i++)
			json_array_append_new(out, v[i]);
		free(v);
	}
	return out;
}

bool
appt_plan_next_free(const struct appt_plan *p, char day[APPT_DAY_SIZE], int *minute)
{
	int horizon = setting(p, "horizon_days");
	for (int d = 0; d <= horizon; d++) {
		appt_day_add(p->today, d, day);
		json_t *slots = appt_plan_day(p, day);
		size_t i;
		json_t *s;
		bool found = false;
		json_array_foreach(slots, i, s)
		{
			if (json_integer_value(json_object_get(s, "free")) > 0) {
				*minute = (int)json_integer_value(json_object_get(s, "minute"));
				found = true;
				break;
			}
		}
		json_decref(slots);
		if (found)
			return true;
	}
	return false;
}

void
appt_local_iso(const char *day, int minute, char out[26])
{
	unsigned h = (unsigned)(minute / 60) % 24, m = (unsigned)minute % 60;
	snprintf(out, 26, "%.10sT%02u:%02u:00+01:00", day, h, m);
}
