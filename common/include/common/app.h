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
struct app_job;

struct app {
	/* set by the server */
	const char *side;      /* "official" or "citizen" */
	const char *peer_side; /* the other one */
	const struct route *routes;
	size_t nroutes;
	const struct embedded_file *assets; /* the server's templates, static files, migrations */
	const char *const *roles;           /* accounts' roles, NULL-terminated; [0] = admin */
	const struct app_grant *grants;     /* NULL-action terminator */
	const struct app_command
		*commands;          /* extra subcommands, NULL-named terminator; may be NULL */
	const struct app_job *jobs; /* periodic jobs (jobs.h), NULL-named terminator; may be NULL */
	int (*on_start)(struct app *app); /* after migrations, before serving; may be NULL */
	void (*on_stop)(struct app *app); /* after serving stopped; may be NULL */
	int (*on_cli)(struct app *app);   /* before a writing subcommand (demo load); may be NULL */

	/* filled by app_main */
	bool generate_key; /* "serve --generate-key": make the signing key on first start */
	struct app_config cfg;
	const struct config_def *cfg_defs;
	size_t cfg_ndefs;
	struct template_set *templates;
	struct i18n *i18n;
	const struct embedded_file *common_assets;
	json_t *site;         /* the theme's site.json (presentation, names, colours, priorities) */
	json_t *site_by_lang; /* lang -> site with {"ar":..,"fr":..} texts resolved, Markdown
				 rendered */
	json_t *report_categories; /* config/report_categories.json, see report.h */
	struct static_files *statics;
	struct http_server *http;
	void *server_state; /* the server's own process-lifetime state */
};

/* Parse the CLI, load config, run the subcommand (default "serve"); returns the exit code. */
int app_main(struct app *app, int argc, char **argv);

/* The NUL-terminated contents of an asset: theme folder first, then the server's, then common's.
 * Appends to out; returns 0 or -1 when no layer has it. */
int app_asset(struct app *app, const char *name, struct strbuf *out);

/* Apply the common then the server's migrations (see db_migrate). */
int app_migrate(struct app *app);

bool app_has_role(const struct app *app, const char *role);
/* True when user (may be NULL) holds a role granted action. */
bool app_can(const struct app *app, const struct user *user, const char *action);

#endif
