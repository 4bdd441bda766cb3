// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef SERVICES_INTERNAL_H
#define SERVICES_INTERNAL_H

/* Between the services module's own files, and its unit tests. */
#include "common/config.h"
#include "common/status.h"

#include <jansson.h>
#include <stdbool.h>

struct app;
struct hook_event;
struct request;

#define SERVICES_MAX 500 /* services in the catalogue */

/* service.c: the kind, its checks, the figures */

extern const struct kind service_kind;
/* The life events the catalogue is grouped by, in their order (NULL-terminated). */
extern const char *const service_life_events[];

struct services_settings {
	long min_sample; /* decided files / past bookings below which shares are null */
};
extern struct services_settings services_settings;
#define SERVICES_NSETTINGS 1
extern const struct config_def services_settings_defs[SERVICES_NSETTINGS];

/* A service key: ASCII [a-z0-9-], 2 to 48 characters, starting with a letter (so that it
 * never reads as an item id). */
bool service_key_is_valid(const char *s);
/* A portal link: "https://" and a host, at most 500 printable ASCII characters. */
bool service_url_is_valid(const char *s);

/*
 * The public figures of service key, from the contracts' answers (forms_figures,
 * appointments_figures; either may be NULL) and whether it takes files and bookings, as the
 * integers-only object both platforms store and the event "service.figures" carries:
 * {service, form_offered, booking_offered, files, decided, median_days_tenths,
 *  p90_days_tenths, within_delay_pct, bookings, next_free, no_show_pct, min_sample}
 * (days in tenths and shares in whole percent, rounded; null where the contract said null or
 * gave a value out of range).
 */
json_t *service_figures_make(const char *key, bool form, bool booking, json_t *forms,
			     json_t *appointments, long min_sample);
/* Whether f has exactly that shape (a peer's event). */
bool service_figures_are_valid(json_t *f);

/* figures.c */

/* The official platform's periodic job: emit "service.figures" for each published own service
 * whose figures changed. 0, or -1 (logged). */
int services_figures_run(struct app *app);
/* The applier of the peer's "service.figures". */
enum status hook_service_figures(const struct hook_event *ev);
/* The figures of key as both platforms show them (a new object), or json null when none yet;
 * NULL on failure. */
json_t *service_figures_view(const char *key);
/* What figures f show on a page, as texts: {median, p90, within, no_show, next_free, ...}. */
json_t *service_figures_shown(struct request *req, json_t *f);
/* The accountability page's section (accountability.h). */
int services_accountability_fill(struct request *req, json_t *view);

/* page_service.c */

void page_service_catalogue(struct request *req);
void page_service_sheet(struct request *req);
/* The services' part of a sheet's view (its PUB_EXTENSION): links, figures, reactions. */
void service_item_view(struct request *req, json_t *item, json_t *view);

/* demo_service.c: services.json */
int services_demo_load(struct app *app, const char *dir);

#endif
