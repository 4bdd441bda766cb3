// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The daemon's life: command line, configuration, migrations, loading theme/catalogs/templates,
 * serving until SIGTERM or SIGINT, and releasing everything so LeakSanitizer stays quiet.
 * Both servers run through here; they differ only by the struct app they pass.
 */
#include "common/app.h"

#include "common/auth.h"
#include "common/db.h"
#include "common/db_news.h"
#include "common/demo.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/page_cache.h"
#include "common/page_inbox.h"
#include "common/page_report.h"
#include "common/photo.h"
#include "common/jobs.h"
#include "common/report.h"
#include "common/site.h"
#include "common/static_files.h"
#include "common/template.h"
#include "common/xalloc.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

extern const struct embedded_file common_assets_files[];

bool
app_has_role(const struct app *app, const char *role)
{
	for (const char *const *r = app->roles; *r; r++)
		if (strcmp(*r, role) == 0)
			return true;
	return false;
}

bool
app_can(const struct app *app, const struct user *user, const char *action)
{
	if (!user)
		return false;
	size_t rl = strlen(user->role);
	for (const struct app_grant *g = app->grants; g && g->action; g++) {
		if (strcmp(g->action, action) != 0)
			continue;
		for (const char *p = g->roles; (p = strstr(p, user->role)); p += rl)
			if ((p == g->roles || p[-1] == ' ') && (p[rl] == ' ' || p[rl] == '\0'))
				return true;
	}
	return false;
}

int
app_asset(struct app *app, const char *name, struct strbuf *out)
{
	if (strstr(name, ".."))
		return -1;
	if (app->cfg.theme_dir) {
		char *path = xasprintf("%s/%s", app->cfg.theme_dir, name);
		int rc = strbuf_read_file(out, path);
		free(path);
		if (rc == 0)
			return 0;
	}
	const struct embedded_file *f = embed_find(app->assets, name);
	if (!f)
		f = embed_find(app->common_assets, name);
	if (!f)
		return -1;
	strbuf_add(out, f->data, f->len);
	return 0;
}

static int
template_loader(void *ctx, const char *name, struct strbuf *out)
{
	char *file = xasprintf("templates/%s.mustache", name);
	int rc = app_asset(ctx, file, out);
	free(file);
	return rc;
}

static int
load_config(struct app *app)
{
	struct strbuf errors = STRBUF_INIT;
	app->cfg_defs = app_config_defs(app->side, &app->cfg_ndefs);
	int nerr = config_load(app->cfg_defs, app->cfg_ndefs, &app->cfg, &errors);
	enum log_level level;
	if (log_level_parse(app->cfg.log_level ? app->cfg.log_level : "info", &level) < 0) {
		strbuf_addf(&errors,
			    "BALADIYA_LOG_LEVEL: \"%s\" is not debug, info, warn or error\n",
			    app->cfg.log_level);
		nerr++;
	} else {
		log_set_level(level);
	}
	if (nerr) {
		fprintf(stderr, "%s-srv: invalid configuration:\n%s(see %s-srv --help)\n",
			app->side, errors.buf, app->side);
	}
	strbuf_release(&errors);
	return nerr ? -1 : 0;
}

int
app_migrate(struct app *app)
{
	const struct embedded_file *const sets[] = {app->common_assets, app->assets};
	const char *const labels[] = {"common", app->side};
	return db_migrate(sets, labels, 2);
}

static void
app_release(struct app *app)
{
	site_free(app);
	json_decref(app->report_categories);
	app->report_categories = NULL;
	static_files_free(app->statics);
	template_set_free(app->templates);
	i18n_free(app->i18n);
	page_cache_free();
	photo_shutdown();
	db_shutdown();
	config_release(app->cfg_defs, app->cfg_ndefs, &app->cfg);
}

static int
serve(struct app *app)
{
	int rc = 1;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	/* every thread started from here on inherits the mask; only sigwait below sees them */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (!(app->i18n = i18n_load(app, app->cfg.languages)))
		goto out;
	app->templates = template_set_new(template_loader, app);
	app->statics = static_files_load(app);
	if (site_load(app) < 0 || report_categories_load(app) < 0)
		goto out;
	page_cache_init((size_t)app->cfg.cache_entries);
	if (app_migrate(app) < 0) {
		log_error("could not apply migrations; is the database reachable (PGHOST, PGPORT, "
			  "PGDATABASE)?");
		goto out;
	}
	if (app->on_start && app->on_start(app) < 0)
		goto out;
	if (jobs_start(app) < 0 || !(app->http = http_start(app)))
		goto out_stop;
	int sig = 0;
	sigwait(&set, &sig);
	log_info("received %s: finishing in-flight requests",
		 sig == SIGTERM ? "SIGTERM" : "SIGINT");
	http_stop(app->http, 30000);
	app->http = NULL;
	rc = 0;
out_stop:
	jobs_stop();
	if (app->on_stop)
		app->on_stop(app);
out:
	app_release(app);
	if (rc == 0)
		log_info("stopped");
	return rc;
}

static int
cmd_migrate(struct app *app)
{
	int rc = app_migrate(app) < 0 ? 1 : 0;
	db_shutdown();
	return rc;
}

static int
cmd_user_add(struct app *app, int argc, char **argv)
{
	const char *role = NULL, *username = NULL;
	for (int i = 0; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--role") == 0)
			role = argv[i + 1];
		else if (strcmp(argv[i], "--username") == 0)
			username = argv[i + 1];
	}
	if (!role || !username || !app_has_role(app, role)) {
		fprintf(stderr,
			"usage: %s-srv user add --role ROLE --username NAME < password\n"
			"roles:",
			app->side);
		for (const char *const *r = app->roles; *r; r++)
			fprintf(stderr, " %s", *r);
		fputc('\n', stderr);
		return 2;
	}
	struct strbuf pw = STRBUF_INIT;
	char buf[512];
	if (fgets(buf, sizeof(buf), stdin))
		strbuf_addstr(&pw, buf);
	strbuf_rtrim(&pw);
	int rc = 1;
	if (app_migrate(app) == 0) {
		enum status st = auth_user_add(username, role, pw.buf);
		if (st == STATUS_CONFLICT)
			fprintf(stderr, "account \"%s\" already exists\n", username);
		else if (st != STATUS_OK)
			fprintf(stderr, "could not add account \"%s\" (see the log above)\n",
				username);
		rc = st == STATUS_OK ? 0 : (st == STATUS_CONFLICT ? 3 : 1);
	}
	OPENSSL_cleanse(pw.buf, pw.len);
	strbuf_release(&pw);
	db_shutdown();
	return rc;
}

/* Each part of the demo, in order; each is idempotent and skips a file the folder lacks. */
static int (*const demo_loaders[])(struct app *, const char *) = {
	news_demo_load,     publication_demo_load, budget_demo_load,
	reaction_demo_load, report_demo_load,      report_answers_demo_load,
};

static int
cmd_demo_load(struct app *app, const char *dir)
{
	int rc = 1;
	if (report_categories_load(app) < 0 || app_migrate(app) < 0 ||
	    (app->on_cli && app->on_cli(app) < 0))
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(demo_loaders); i++)
		if (demo_loaders[i](app, dir) < 0)
			goto out;
	rc = 0;
out:
	if (app->on_stop)
		app->on_stop(app);
	json_decref(app->report_categories);
	app->report_categories = NULL;
	db_shutdown();
	return rc;
}

static int
cmd_jobs_run(struct app *app)
{
	int rc = app_migrate(app) < 0 || jobs_run_all(app) > 0 ? 1 : 0;
	db_shutdown();
	return rc;
}

static void
usage(struct app *app, FILE *out)
{
	fprintf(out,
		"usage: %s-srv [serve [--generate-key]]   run the %s platform (--generate-key: "
		"make the\n"
		"                                   signing key on first start)\n"
		"       %s-srv migrate              apply database migrations and exit\n"
		"       %s-srv user add --role ROLE --username NAME   (password on stdin)\n"
		"       %s-srv demo load DIR        load demo content (idempotent)\n"
		"       %s-srv jobs run             run the periodic jobs once (retention)\n",
		app->side, app->side, app->side, app->side, app->side, app->side);
	for (const struct app_command *c = app->commands; c && c->name; c++)
		fprintf(out, "       %s-srv %s\n", app->side, c->usage);
	fputc('\n', out);
}

int
app_main(struct app *app, int argc, char **argv)
{
	app->common_assets = common_assets_files;
	const char *cmd = argc > 1 ? argv[1] : "serve";
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		usage(app, stdout);
		size_t n;
		const struct config_def *defs = app_config_defs(app->side, &n);
		config_print_help(defs, n, stdout);
		return 0;
	}
	if (load_config(app) < 0) {
		config_release(app->cfg_defs, app->cfg_ndefs, &app->cfg);
		return 2;
	}
	int rc;
	if (strcmp(cmd, "serve") == 0) {
		app->generate_key = argc > 2 && strcmp(argv[2], "--generate-key") == 0;
		return serve(app);
	}
	if (strcmp(cmd, "migrate") == 0)
		rc = cmd_migrate(app);
	else if (strcmp(cmd, "user") == 0 && argc > 2 && strcmp(argv[2], "add") == 0)
		rc = cmd_user_add(app, argc - 3, argv + 3);
	else if (strcmp(cmd, "demo") == 0 && argc == 4 && strcmp(argv[2], "load") == 0)
		rc = cmd_demo_load(app, argv[3]);
	else if (strcmp(cmd, "jobs") == 0 && argc == 3 && strcmp(argv[2], "run") == 0)
		rc = cmd_jobs_run(app);
	else {
		rc = -1;
		for (const struct app_command *c = app->commands; c && c->name; c++)
			if (strcmp(c->name, cmd) == 0)
				rc = c->run(app, argc - 2, argv + 2);
		if (rc == -1) {
			usage(app, stderr);
			rc = 2;
		}
	}
	config_release(app->cfg_defs, app->cfg_ndefs, &app->cfg);
	return rc;
}
