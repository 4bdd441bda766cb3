// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * What a service of the catalogue is: its kind of publication (the fields staff fill, checked
 * by the publications module's one validator), its key and portal link, and its public figures
 * as integers (events carry no floats, docs/protocol.md §4.2).
 */
#include "internal.h"

#include "common/check.h"
#include "publications/publication.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

struct services_settings services_settings;

const struct config_def services_settings_defs[SERVICES_NSETTINGS] = {
	{"BALADIYA_SERVICES_MIN_SAMPLE", CONFIG_INT, "5", false, 1, 100000,
	 offsetof(struct services_settings, min_sample),
	 "services: decided files (or past bookings) below which the public delays and shares "
	 "are not shown"},
};

bool
service_key_is_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 2 || n > 48 || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

bool
service_url_is_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n > 500 || strncmp(s ? s : "", "https://", 8) != 0)
		return false;
	/* a host: at least one character before any path, query or port */
	size_t host = strcspn(s + 8, "/?#:");
	if (host == 0)
		return false;
	for (const char *p = s; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '"' || *p == '<' || *p == '>' || *p == '\\')
			return false;
	return true;
}

const char *const service_life_events[] = {"civil_status", "housing_urbanism", "school",
					   "social_aid",   "business",         NULL};
static const char *const service_modes[] = {"info", "portal", "appointment", "form", NULL};

static const struct field service_fields[] = {
	{"key", FIELD_PATTERN, true, 0, 48, NULL, false, service_key_is_valid},
	PUB_TEXT("title", true, 200),
	PUB_CHOICE("life_event", true, service_life_events, true),
	PUB_CHOICE("mode", true, service_modes, true),
	PUB_MARKDOWN("summary", 1000),
	PUB_TEXT("department", false, 200),
	PUB_MARKDOWN("documents", 5000),
	PUB_INT("fees_da", false, 0, 10000000),
	PUB_INT("legal_delay_days", false, 0, 3650),
	PUB_TEXT("place", false, 300),
	PUB_TEXT("hours", false, 300),
	{"portal_url", FIELD_PATTERN, false, 0, 500, NULL, false, service_url_is_valid},
	PUB_MARKDOWN("text", 20000),
};

const struct kind service_kind = {
	.name = "service",
	.path = "services",
	.fields = service_fields,
	.nfields = sizeof(service_fields) / sizeof(service_fields[0]),
	.title_field = "title",
	.sort_date = NULL,
	.write_action = "services.write",
	.unique_field = "key",
	.item_template = "service_sheet",
};

/* ---- figures ---- */

#define COUNT_MAX 1000000000LL
#define TENTHS_MAX 365000LL /* a hundred years of days, in tenths */

/* A non-negative count of the contract's object, 0 when absent or wrong. */
static json_int_t
count_of(json_t *o, const char *name)
{
	json_t *v = json_object_get(o, name);
	json_int_t n = json_is_integer(v) ? json_integer_value(v) : 0;
	return n >= 0 && n <= COUNT_MAX ? n : 0;
}

/* The number v (integer or real) times scale, rounded, when in [0, max]; else json null. */
static json_t *
scaled(json_t *v, double scale, long long max)
{
	if (!json_is_number(v))
		return json_null();
	double x = json_number_value(v) * scale;
	if (!isfinite(x) || x < 0 || x > (double)max)
		return json_null();
	return json_integer((json_int_t)(x + 0.5)); /* x >= 0: half up, without libm */
}

/* "YYYY-MM-DDTHH:MM:SS" followed by "Z" or "+HH:MM"/"-HH:MM". */
static bool
is_slot_time(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n != 20 && n != 25)
		return false;
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	for (size_t i = 0; i < 19; i++)
		if (shape[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != shape[i])
			return false;
	char day[11];
	memcpy(day, s, 10);
	day[10] = '\0';
	if (!is_iso_date(day))
		return false;
	if (n == 20)
		return s[19] == 'Z';
	return (s[19] == '+' || s[19] == '-') && s[20] >= '0' && s[20] <= '9' && s[21] >= '0' &&
	       s[21] <= '9' && s[22] == ':' && s[23] >= '0' && s[23] <= '9' && s[24] >= '0' &&
	       s[24] <= '9';
}

json_t *
service_figures_make(const char *key, bool form, bool booking, json_t *forms, json_t *appointments,
		     long min_sample)
{
	const char *next = json_string_value(json_object_get(appointments, "next_free"));
	json_t *f = json_object();
	json_object_set_new(f, "service", json_string(key));
	json_object_set_new(f, "form_offered", json_boolean(form));
	json_object_set_new(f, "booking_offered", json_boolean(booking));
	json_object_set_new(f, "files", json_integer(count_of(forms, "files")));
	json_object_set_new(f, "decided", json_integer(count_of(forms, "decided")));
	json_object_set_new(f, "median_days_tenths",
			    scaled(json_object_get(forms, "median_days"), 10, TENTHS_MAX));
	json_object_set_new(f, "p90_days_tenths",
			    scaled(json_object_get(forms, "p90_days"), 10, TENTHS_MAX));
	json_object_set_new(f, "within_delay_pct",
			    scaled(json_object_get(forms, "within_delay"), 100, 100));
	json_object_set_new(f, "bookings", json_integer(count_of(appointments, "bookings")));
	json_object_set_new(f, "next_free", is_slot_time(next) ? json_string(next) : json_null());
	json_object_set_new(f, "no_show_pct",
			    scaled(json_object_get(appointments, "no_show_share"), 100, 100));
	json_object_set_new(f, "min_sample", json_integer(min_sample));
	return f;
}

static bool
is_count(json_t *v, long long max)
{
	return json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= max;
}

static bool
is_count_or_null(json_t *v, long long max)
{
	return json_is_null(v) || is_count(v, max);
}

bool
service_figures_are_valid(json_t *f)
{
	json_t *next = json_object_get(f, "next_free");
	return json_is_object(f) && json_object_size(f) == 12 &&
	       service_key_is_valid(json_string_value(json_object_get(f, "service"))) &&
	       json_is_boolean(json_object_get(f, "form_offered")) &&
	       json_is_boolean(json_object_get(f, "booking_offered")) &&
	       is_count(json_object_get(f, "files"), COUNT_MAX) &&
	       is_count(json_object_get(f, "decided"), COUNT_MAX) &&
	       is_count_or_null(json_object_get(f, "median_days_tenths"), TENTHS_MAX) &&
	       is_count_or_null(json_object_get(f, "p90_days_tenths"), TENTHS_MAX) &&
	       is_count_or_null(json_object_get(f, "within_delay_pct"), 100) &&
	       is_count(json_object_get(f, "bookings"), COUNT_MAX) &&
	       (json_is_null(next) || is_slot_time(json_string_value(next))) &&
	       is_count_or_null(json_object_get(f, "no_show_pct"), 100) &&
	       is_count(json_object_get(f, "min_sample"), 100000) &&
	       json_integer_value(json_object_get(f, "min_sample")) >= 1;
}
