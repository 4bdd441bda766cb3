// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_MODULE_H
#define COMMON_MODULE_H

/*
 * A module: one feature (news, publications, reports...) with everything it brings to a daemon.
 * A server is the list of modules it serves (its main.c); the base (common/, protocol/) runs
 * whatever the list holds and never names a feature. See docs/modules.md.
 *
 * What a module brings differs by side (the official platform answers residents' reports, the
 * citizen platform files them), so each module has one struct module_side per platform. Assets
 * (templates, static files, locales, migrations, config files) are the same on both sides.
 */
#include "common/embed.h"
#include "common/status.h"

#include <jansson.h>
#include <stddef.h>

struct app;
struct app_command;
struct app_job;
struct config_def;
struct request;
struct route;

/* One event of the peer as it is applied to this platform's mirror: its facts travel with it. */
struct hook_event {
	struct app *app;
	const char *origin;      /* the side that signed it: "official" or "citizen" */
	const char *type;        /* e.g. "report.created" */
	const char *occurred_at; /* RFC 3339 UTC, as signed */
	json_t *data;            /* the event's data object with its committed content (borrowed) */
	json_t *withheld; /* committed fields erased at their origin: field -> reason, or NULL */
};

/*
 * An applier of peer events: type is exact ("news.published") or a prefix ("project.*"); exact
 * types are tried first. apply returns STATUS_OK when applied, STATUS_INVALID when the data does
 * not fit (the event is kept, flagged, the mirror unchanged), STATUS_NOT_FOUND when it does not
 * know the type after all, STATUS_UNAVAILABLE when the database failed (the caller rolls back).
 */
struct hook {
	const char *type;
	enum status (*apply)(const struct hook_event *ev);
};

/* A link a module adds to the site's navigation (public) or to the staff home (with the action
 * the signed-in account must be granted; NULL: any account). */
struct nav_link {
	const char *path;
	const char *label; /* catalog key */
	const char *action;
};

/*
 * An extension another module offers and this one fills, by name: e.g. the publications module
 * calls every "publication.item" extension to add a kind's part to an item's view. The
 * offering module declares the type of impl in its header.
 */
struct module_ext {
	const char *point;
	const void *impl;
};

/* What a module brings to one platform. Every array is terminated by an entry with a NULL first
 * field; every member may be NULL. */
struct module_side {
	const struct route *routes; /* tried in the server's module order, then in this order */
	size_t nroutes;
	const struct hook *hooks;
	/* restorers of this platform's own events (recovery from the peer's copy of our log after
	 * a database restore, docs/decisions/0010): event type -> function recreating the rows the
	 * event describes on its origin (ev->origin is this platform), idempotent, never
	 * emitting. Same matching and answers as hooks, and one more: STATUS_CONFLICT, before
	 * writing anything, when the event names an object of the peer the mirror does not hold
	 * yet — the event is retried after each catch-up of the peer's log, and raises the alarm
	 * not_restored if the peer's log, all pulled, never brings it. An own event whose type no
	 * restorer takes is re-imported with that alarm */
	const struct hook *restorers;
	const struct app_job *jobs;
	const struct app_command *commands;
	const struct nav_link *nav;
	const struct nav_link *footer; /* links at the foot of every page */
	const struct nav_link *staff;
	const struct module_ext *extends;
	/* "<srv> demo load DIR": its part of the demo, idempotent, from its own file in DIR */
	int (*demo_load)(struct app *app, const char *dir);
	/*
	 * Its facts: what it holds on this platform, counted, for modules that reference them by
	 * name without naming it (criteria, assessments; see module_facts). Adds to out, for each
	 * of its names ("report.created"), {"count": rows dated in [from, to), "latest": the
	 * newest such date (RFC 3339 UTC) or null}; from / to NULL are unbounded. Only what its
	 * public pages show (no draft, no hidden row). 0, or -1 when the database failed (logged).
	 */
	int (*facts)(struct app *app, const char *from, const char *to, json_t *out);
};

struct module {
	const char *name;
	const struct embedded_file *assets; /* NULL-named terminator; may be NULL */
	/* its settings (environment variables), loaded into *settings with the base's */
	const struct config_def *settings_defs;
	size_t nsettings;
	void *settings;
	/* after the configuration, before serving or a subcommand that writes (demo load) */
	int (*open)(struct app *app);
	/* serving only, after migrations and every module's open; stop undoes start */
	int (*start)(struct app *app);
	void (*stop)(struct app *app);
	/* after serving or a subcommand: release what open made */
	void (*close)(struct app *app);
	struct module_side official, citizen;
};

#define MODULE_ROUTES(table) .routes = (table), .nroutes = sizeof(table) / sizeof((table)[0])

/* This platform's part of module m. */
const struct module_side *module_side(const struct app *app, const struct module *m);

/* A module's process-lifetime state (what its open loaded, e.g. configuration files), kept on
 * the app: read-only once serving starts. NULL until set; set by the module itself. */
void *module_state(const struct app *app, const struct module *m);
void module_state_set(struct app *app, const struct module *m, void *state);

/* The impl of every extension called point on this platform, in module order: calls fn for each. */
void module_each_ext(const struct app *app, const char *point,
		     void (*fn)(const void *impl, void *ctx), void *ctx);

/*
 * The facts of every served module on this platform (module_side.facts) for [from, to) in one
 * new object keyed by name, or NULL when a module's database read failed.
 */
json_t *module_facts(struct app *app, const char *from, const char *to);

/*
 * Apply one peer event with the appliers the served modules register for this platform.
 * Returns what the applier returned, or STATUS_NOT_FOUND when none takes the type.
 */
enum status hook_apply(const struct hook_event *ev);

/*
 * Rebuild the state one of this platform's own events describes (it was signed here, lost in a
 * database restore and re-imported from the peer's copy) with the restorers the served modules
 * register. It runs in the recovery's transaction, before anything is emitted, or for an event
 * that waited for the peer's objects (STATUS_CONFLICT) in a transaction of its own after a
 * catch-up; a restorer must not emit. Returns what the restorer returned, or STATUS_NOT_FOUND
 * when none takes the type.
 */
enum status restorer_apply(const struct hook_event *ev);

#endif
