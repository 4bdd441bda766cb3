// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef FORMS_FORMS_H
#define FORMS_FORMS_H

#include "common/status.h"

#include <jansson.h>
#include <stdbool.h>

/*
 * Online forms with tracking (official platform): a form is data (fields, rules, versions)
 * attached to a service of the catalogue by its key ("certificat-urbanisme"); a resident's
 * file is filled at /services/{service}/form and followed through a private tracking link.
 * The catalogue (module services) asks these two things of it.
 */
extern const struct module forms_module;

/* Whether service `service` (a catalogue key) takes files online: *out. */
enum status forms_offered(const char *service, bool *out);

/*
 * Figures of the files made for `service`, computed from the rows, into a new object *out:
 * {"files": n, "decided": n, "median_days": r, "p90_days": r, "within_delay": r}; the last
 * three are null while fewer than min_sample files are decided (or legal_delay_days <= 0 for
 * within_delay, the share of decided files decided within that many days).
 */
enum status forms_figures(const char *service, int legal_delay_days, int min_sample, json_t **out);

#endif
