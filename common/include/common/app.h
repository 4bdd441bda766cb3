// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_APP_H
#define COMMON_APP_H

#include "common/config.h"
#include "common/embed.h"
#include "common/router.h"

#include <jansson.h>
#include <stdbool.h>

/*
 * One daemon: its side, its route table and assets, and what it loaded at start. Each server's
 * main.c fills the constant part and calls app_main(); everything else (CLI, config, migrations,
 * HTTP) is shared.
 */
struct app;

struct app_command {
	const char *name; /* first CLI word, e.g. "keys" */
	int (*run)(struct app *app, int argc, char **argv);
	const char *usage;
};

/* Which roles may do an action, e.g. {"news.write", "admin editor"}. */
struct app_grant {
	const char *action;
	const char *roles; /* space-separated */
};

struct user;

struct module;

#define APP_MAX_MODULES 32

struct app {
	/* set by the server */
	const char *side;                    /* "official" or "citizen" */
	const char *peer_side;               /* the other one */
	const struct module *const *modules; /* what it serves, NULL-terminated; see module.h */
	const struct embedded_file *assets;  /* the server's own templates, static files */
	const char *const *roles;            /* accounts' roles, NULL-terminated; [0] = admin */
	const struct app_grant *grants;      /* NULL-action terminator */

	/* filled by app_main */
	bool generate_key; /* "serve --generate-key": make the signing key on first start */
	struct app_config cfg;
	const struct config_def *cfg_defs;
	size_t cfg_ndefs;
	struct route *routes; /* the base's, then every module's for this side, in list order */
	size_t nroutes;
	/* where assets are looked up after the theme, highest first: the server's, the modules'
	 * in list order, common's; NULL-terminated */
	const struct embedded_file **asset_sets;
	struct template_set *templates;
	struct i18n *i18n;
	json_t *site;         /* the theme's site.json (presentation, names, colours, priorities) */
	json_t *site_by_lang; /* lang -> site with {"ar":..,"fr":..} texts resolved, Markdown
				 rendered, and the modules' nav and footer links */
	struct static_files *statics;
	struct http_server *http;
	void *module_state[APP_MAX_MODULES]; /* what each module's open made (module.h) */
};

/* Parse the CLI, load config, run the subcommand (default "serve"); returns the exit code. */
int app_main(struct app *app, int argc, char **argv);

/* The NUL-terminated contents of an asset: theme folder first, then the server's, then common's.
 * Appends to out; returns 0 or -1 when no layer has it. */
int app_asset(struct app *app, const char *name, struct strbuf *out);
/* An asset parsed as JSON (duplicate keys refused): a new reference, or NULL when no layer has
 * it or it is not JSON, each said in the log with the asset's name. */
json_t *app_asset_json(struct app *app, const char *name);

/* Apply the common then the server's migrations (see db_migrate). */
int app_migrate(struct app *app);
/* How many of this binary's migrations the database lacks (see db_migrations_pending). */
long app_migrations_pending(const struct app *app);

bool app_has_role(const struct app *app, const char *role);
/* True when user (may be NULL) holds a role granted action. */
bool app_can(const struct app *app, const struct user *user, const char *action);

#endif
