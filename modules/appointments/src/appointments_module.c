// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The appointments module (official platform only; no event carries a booking): residents
 * book a counter's slot for a service of the catalogue at /services/{key}/book, keep a
 * private link (see, cancel, reschedule, .ics), agents work from a day view per counter, and
 * staff edit the configuration. The catalogue asks appointments.h's two questions.
 */
#include "appointments/appointments.h"

#include "db_appointments.h"
#include "internal.h"

#include "common/demo.h"
#include "common/jobs.h"
#include "common/log.h"
#include "common/module.h"

#include <stdio.h>
#include <string.h>

enum status
appointments_offered(const char *service, bool *out)
{
	*out = false;
	if (!service || !appt_service_key_ok(service))
		return STATUS_OK;
	int r = db_appt_offered(service);
	if (r < 0)
		return STATUS_UNAVAILABLE;
	*out = r > 0;
	return STATUS_OK;
}

enum status
appointments_figures(const char *service, int min_sample, json_t **out)
{
	*out = NULL;
	json_t *counts =
		service && appt_service_key_ok(service)
			? db_appt_counts(service)
			: json_pack("{s:i, s:i, s:i}", "bookings", 0, "marked", 0, "no_shows", 0);
	if (!counts)
		return STATUS_UNAVAILABLE;
	struct appt_plan p;
	char day[APPT_DAY_SIZE], iso[26];
	int minute;
	json_t *next = json_null();
	if (service && appt_service_key_ok(service)) {
		if (appt_plan_load(&p, service, time(NULL)) < 0) {
			appt_plan_free(&p);
			json_decref(counts);
			return STATUS_UNAVAILABLE;
		}
		if (appt_plan_next_free(&p, day, &minute)) {
			appt_local_iso(day, minute, iso);
			next = json_string(iso);
		}
		appt_plan_free(&p);
	}
	json_int_t marked = json_integer_value(json_object_get(counts, "marked"));
	json_int_t no_shows = json_integer_value(json_object_get(counts, "no_shows"));
	*out = json_pack("{s:O, s:o, s:o}", "bookings", json_object_get(counts, "bookings"),
			 "next_free", next, "no_show_share",
			 marked >= min_sample && marked > 0
				 ? json_real((double)no_shows / (double)marked)
				 : json_null());
	json_decref(counts);
	return *out ? STATUS_OK : STATUS_INTERNAL;
}

int
appt_retention_run(struct app *app)
{
	(void)app;
	long n = db_appt_erase_old();
	if (n < 0)
		return -1;
	if (n > 0)
		log_info("retention: erased the name and contact of %ld past booking%s", n,
			 n == 1 ? "" : "s");
	return 0;
}

// clang-format off
static const struct route official_routes[] = {
	{"GET", "/services/{key}/book", page_appt_book_form, ROUTE_JSON_TWIN, 0, "appointment_form"},
	{"POST", "/services/{key}/book", page_appt_book, 0, APPT_MAX_BODY, "appointment_book"},
	{"GET", "/appointments/b/{token}", page_appt_booking, ROUTE_SECRET, 0, "appointment"},
	{"GET", "/appointments/b/{token}/ics", page_appt_ics, ROUTE_SECRET, 0, "appointment_ics"},
	{"POST", "/appointments/b/{token}/cancel", page_appt_cancel, ROUTE_SECRET, APPT_MAX_BODY,
	 "appointment_cancel"},
	{"POST", "/appointments/b/{token}/reschedule", page_appt_reschedule, ROUTE_SECRET,
	 APPT_MAX_BODY, "appointment_reschedule"},
	{"GET", "/staff/appointments", page_appt_desk, ROUTE_STAFF | ROUTE_JSON_TWIN, 0,
	 "staff_appointments"},
	{"POST", "/staff/appointments/close", page_appt_close_day, ROUTE_STAFF, APPT_MAX_BODY,
	 "staff_appointments_close"},
	{"GET", "/staff/appointments/setup", page_appt_admin, ROUTE_STAFF | ROUTE_JSON_TWIN, 0,
	 "staff_appointments_setup"},
	{"POST", "/staff/appointments/setup/{what}", page_appt_admin_post, ROUTE_STAFF,
	 APPT_MAX_BODY, "staff_appointments_setup_save"},
	{"POST", "/staff/appointments/{id}/mark", page_appt_mark, ROUTE_STAFF, APPT_MAX_BODY,
	 "staff_appointment_mark"},
	{"GET", "/staff/appointments/{id}/move", page_appt_move_form, ROUTE_STAFF | ROUTE_JSON_TWIN,
	 0, "staff_appointment_move_form"},
	{"POST", "/staff/appointments/{id}/move", page_appt_move, ROUTE_STAFF, APPT_MAX_BODY,
	 "staff_appointment_move"},
};
// clang-format on

/* Housekeeping: bookings' names and contacts are erased after the retention period. */
static const struct app_job appt_jobs[] = {
	{"appointments_retention", 3600, appt_retention_run},
	{NULL, 0, NULL},
};

static const struct nav_link appt_staff[] = {
	{"/staff/appointments", "appt_desk_title", "appointments.desk"},
	{"/staff/appointments/setup", "appt_setup_title", "appointments.manage"},
	{NULL, NULL, NULL},
};

extern const struct embedded_file appointments_assets_files[];

const struct module appointments_module = {
	.name = "appointments",
	.assets = appointments_assets_files,
	.official = {MODULE_ROUTES(official_routes), .jobs = appt_jobs, .staff = appt_staff,
		     .demo_load = appt_demo_load, .facts = appt_facts},
};
