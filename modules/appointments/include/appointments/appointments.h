// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef APPOINTMENTS_APPOINTMENTS_H
#define APPOINTMENTS_APPOINTMENTS_H

#include "common/status.h"

#include <jansson.h>
#include <stdbool.h>

/*
 * Appointments at the counters (official platform): a service of the catalogue, by its key
 * ("residence-certificate"), is booked at /services/{service}/book on a counter's slots.
 * The catalogue (module services) asks these two things of it.
 */
extern const struct module appointments_module;

/* Whether service `service` (a catalogue key) can be booked: *out. */
enum status appointments_offered(const char *service, bool *out);

/*
 * Figures of the bookings of `service`, computed from the rows, into a new object *out:
 * {"bookings": n, "next_free": "YYYY-MM-DDTHH:MM:SS+01:00" or null, "no_show_share": r};
 * no_show_share is null while fewer than min_sample past bookings are counted.
 */
enum status appointments_figures(const char *service, int min_sample, json_t **out);

#endif
