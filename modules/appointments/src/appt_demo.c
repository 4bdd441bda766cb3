// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The appointments' part of "official-srv demo load DIR": appointments.json's counters (with
 * their hours and the services each takes) and the commune's holidays, written into an empty
 * configuration only (idempotent: a configured commune is left as it is).
 */
#include "db_appointments.h"
#include "internal.h"

#include "common/check.h"
#include "common/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* JSON text of v (malloc'd). */
static char *
dump(json_t *v)
{
	return json_dumps(v, JSON_COMPACT);
}

static int
counter_entry(json_t *e)
{
	char *name = dump(json_object_get(e, "name")), *place = dump(json_object_get(e, "place"));
	long long id = name && place ? db_appt_counter_save(0, name, place, true) : -1;
	free(name);
	free(place);
	if (id < 0)
		return -1;
	/* its hours replace the default ones: a weekday it does not list is closed */
	json_t *hours = json_object_get(e, "hours"), *v;
	for (int wd = 0; wd < 7; wd++) {
		char k[4];
		snprintf(k, sizeof(k), "%d", wd);
		v = json_object_get(hours, k);
		int o = v ? appt_parse_hhmm(json_string_value(json_array_get(v, 0))) : -1;
		int c = v ? appt_parse_hhmm(json_string_value(json_array_get(v, 1))) : -1;
		if ((v && (o < 0 || c <= o)) || db_appt_hours_set(id, wd, o, c) < 0)
			return -1;
	}
	size_t i;
	json_array_foreach(json_object_get(e, "services"), i, v)
	{
		char *title = dump(json_object_get(v, "title"));
		int r = db_appt_offer_save(
			id, json_string_value(json_object_get(v, "service")), title,
			(int)json_integer_value(json_object_get(v, "slot_minutes")),
			(int)json_integer_value(json_object_get(v, "capacity")));
		free(title);
		if (r < 0)
			return -1;
	}
	return 0;
}

/* appointments.json: [{"counter": {...}} or {"holiday": "YYYY-MM-DD", "reason": {..}}] */
static int
appt_entry(struct app *app, const char *path, size_t i, json_t *e, struct demo_counts *n)
{
	(void)app;
	json_t *h = json_object_get(e, "holiday");
	int r;
	if (h) {
		char *reason = dump(json_object_get(e, "reason"));
		r = is_iso_date(json_string_value(h)) && reason
			    ? db_appt_holiday_add(json_string_value(h), reason)
			    : -1;
		free(reason);
	} else {
		r = counter_entry(json_object_get(e, "counter"));
	}
	if (r < 0) {
		fprintf(stderr, "%s: entry %zu was refused\n", path, i);
		return -1;
	}
	n->added++;
	return 0;
}

static const struct demo_file appt_file = {
	.name = "appointments.json",
	.owner = "official",
	.what = "appointments are configured",
	.noun = "demo appointment counters and holidays",
	.entry = appt_entry,
};

int
appt_demo_load(struct app *app, const char *dir)
{
	long long have = db_appt_counter_count();
	if (have < 0)
		return -1;
	if (have > 0) {
		printf("official: appointments already configured (%lld counters)\n", have);
		return 0;
	}
	return demo_load_file(app, dir, &appt_file);
}
