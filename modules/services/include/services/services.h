// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef SERVICES_SERVICES_H
#define SERVICES_SERVICES_H

/*
 * The catalogue of the commune's services: each service is a publication of kind "service"
 * (key, texts, department, mode, documents, fees, legal delay, where and when, portal link),
 * written by staff on the official platform and mirrored on the citizen one; the residents'
 * catalogue (/services) and sheets (/services/{key}), with links to the online form (module
 * forms) and the booking (module appointments), and the services' public figures, computed on
 * the official platform and mirrored as "service.figures" events.
 */
extern const struct module services_module;

#endif
