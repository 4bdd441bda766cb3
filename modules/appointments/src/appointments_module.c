// SPDX-License-Identifier: AGPL-3.0-or-later
/* PLACEHOLDER of the contract (appointments.h) until the module is written: offers nothing. */
#include "appointments/appointments.h"

#include "common/module.h"

enum status
appointments_offered(const char *service, bool *out)
{
	(void)service;
	*out = false;
	return STATUS_OK;
}

enum status
appointments_figures(const char *service, int min_sample, json_t **out)
{
	(void)service, (void)min_sample;
	*out = json_pack("{s:i,s:n,s:n}", "bookings", 0, "next_free", "no_show_share");
	return *out ? STATUS_OK : STATUS_INTERNAL;
}

const struct module appointments_module = {
	.name = "appointments",
};
