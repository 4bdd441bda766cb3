// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef ACCOUNTABILITY_ACCOUNTABILITY_H
#define ACCOUNTABILITY_ACCOUNTABILITY_H

/* /accountability: the same figures on both platforms, computed from the same signed events
 * (projects by status, budget execution, deliberations in time, report response times). */
extern const struct module accountability_module;

#endif
