// SPDX-License-Identifier: AGPL-3.0-or-later
/* PLACEHOLDER of the contract (forms.h) until the module is written: offers nothing. */
#include "forms/forms.h"

#include "common/module.h"

enum status
forms_offered(const char *service, bool *out)
{
	(void)service;
	*out = false;
	return STATUS_OK;
}

enum status
forms_figures(const char *service, int legal_delay_days, int min_sample, json_t **out)
{
	(void)service, (void)legal_delay_days, (void)min_sample;
	*out = json_pack("{s:i,s:i,s:n,s:n,s:n}", "files", 0, "decided", 0, "median_days",
			 "p90_days", "within_delay");
	return *out ? STATUS_OK : STATUS_INTERNAL;
}

const struct module forms_module = {
	.name = "forms",
};
