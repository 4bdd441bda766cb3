// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The forms module (official platform only): forms as versioned data attached to the
 * catalogue's services, residents' files submitted without an account and followed through a
 * private link, the agents' queue. A resident's file never leaves the official database: the
 * module emits no event, and its tables are read by the tracking page and staff only.
 */
#include "forms/forms.h"

#include "internal.h"

#include "common/module.h"
#include "common/router.h"
#include "db_forms.h"

// clang-format off
static const struct route forms_routes[] = {
	{"GET", "/services/{key}/form", page_form, ROUTE_JSON_TWIN, 0, "form"},
	{"POST", "/services/{key}/form", page_form_submit, ROUTE_HEAVY, FORM_MAX_BODY,
	 "form_submit"},
	{"GET", "/forms/track/{token}", page_form_track, ROUTE_SECRET, 0, "form_track"},
	{"POST", "/forms/track/{token}/messages", page_form_track_message,
	 ROUTE_SECRET | ROUTE_HEAVY, FORM_MAX_BODY, "form_track_message"},
	{"GET", "/staff/files", page_staff_files, ROUTE_JSON_TWIN | ROUTE_STAFF, 0, "staff_files"},
	{"GET", "/staff/files/{ref}", page_staff_file, ROUTE_JSON_TWIN | ROUTE_STAFF, 0,
	 "staff_file"},
	{"POST", "/staff/files/{ref}/status", page_staff_file_status, ROUTE_STAFF, 16 * 1024,
	 "staff_file_status"},
	{"POST", "/staff/files/{ref}/messages", page_staff_file_message, ROUTE_STAFF, 16 * 1024,
	 "staff_file_message"},
	{"GET", "/staff/files/{ref}/attachments/{id}", page_staff_file_attachment, ROUTE_STAFF, 0,
	 "staff_file_attachment"},
	{"GET", "/staff/forms", page_staff_forms, ROUTE_JSON_TWIN | ROUTE_STAFF, 0, "staff_forms"},
	{"GET", "/staff/forms/{service}", page_staff_form_edit, ROUTE_STAFF, 0, "staff_form"},
	{"POST", "/staff/forms/{service}", page_staff_form_save, ROUTE_STAFF,
	 2 * FORM_DEF_MAX_BYTES, "staff_form_save"},
	{"POST", "/staff/forms/{service}/publish", page_staff_form_publish, ROUTE_STAFF, 1024,
	 "staff_form_publish"},
	{"GET", "/staff/forms/{service}/figures", page_staff_form_figures, ROUTE_STAFF | ROUTE_API,
	 0, "staff_form_figures"},
};
// clang-format on

static const struct nav_link forms_staff[] = {
	{"/staff/files", "forms_queue_title", "forms.process"},
	{"/staff/forms", "forms_define_title", "forms.define"},
	{NULL, NULL, NULL},
};

enum status
forms_offered(const char *service, bool *out)
{
	*out = false;
	if (!form_service_is_valid(service))
		return STATUS_OK;
	int n = db_form_offered(service);
	if (n < 0)
		return STATUS_UNAVAILABLE;
	*out = n > 0;
	return STATUS_OK;
}

enum status
forms_figures(const char *service, int legal_delay_days, int min_sample, json_t **out)
{
	*out = form_service_is_valid(service)
		       ? db_form_figures(service, legal_delay_days, min_sample)
		       : json_pack("{s:i,s:i,s:n,s:n,s:n}", "files", 0, "decided", 0, "median_days",
				   "p90_days", "within_delay");
	return *out ? STATUS_OK : STATUS_UNAVAILABLE;
}

extern const struct embedded_file forms_assets_files[];

const struct module forms_module = {
	.name = "forms",
	.assets = forms_assets_files,
	.official = {MODULE_ROUTES(forms_routes), .staff = forms_staff, .demo_load = form_demo_load,
		     .facts = form_facts},
};
