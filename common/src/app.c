// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The daemon's life: command line, configuration, migrations, loading theme/catalogs/templates,
 * serving until SIGTERM or SIGINT, and releasing everything so LeakSanitizer stays quiet.
 * Both servers run through here; they differ only by the struct app they pass: their side,
 * roles, grants and the list of modules they serve (module.h).
 */
#include "common/app.h"

#include "common/auth.h"
#include "common/db.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/jobs.h"
#include "common/limits.h"
#include "common/log.h"
#include "common/module.h"
#include "common/page_cache.h"
#include "common/photo.h"
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
#include <unistd.h>

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
	for (const struct embedded_file **set = app->asset_sets; *set; set++) {
		const struct embedded_file *f = embed_find(*set, name);
		if (f) {
			strbuf_add(out, f->data, f->len);
			return 0;
		}
	}
	return -1;
}

json_t *
app_asset_json(struct app *app, const char *name)
{
	struct strbuf text = STRBUF_INIT;
	json_error_t err;
	json_t *v = NULL;
	if (app_asset(app, name, &text) < 0)
		log_error("no %s", name);
	else if (!(v = json_loadb(text.buf, text.len, JSON_REJECT_DUPLICATES, &err)))
		log_error("%s: %s (line %d)", name, err.text, err.line);
	strbuf_release(&text);
	return v;
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
	for (const struct module *const *m = app->modules; *m; m++)
		nerr += config_load((*m)->settings_defs, (*m)->nsettings, (*m)->settings, &errors);
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

/* common's, each module's, the server's migrations; returns how many sets */
static int
migration_sets(const struct app *app, const struct embedded_file **sets, const char **labels)
{
	int n = 0;
	sets[n] = common_assets_files;
	labels[n++] = "common";
	for (const struct module *const *m = app->modules; *m; m++) {
		sets[n] = (*m)->assets;
		labels[n++] = (*m)->name;
	}
	sets[n] = app->assets;
	labels[n++] = app->side;
	return n;
}

int
app_migrate(struct app *app)
{
	/* db_migrate applies them in one order by name */
	const struct embedded_file *sets[APP_MAX_MODULES + 2];
	const char *labels[APP_MAX_MODULES + 2];
	int n = migration_sets(app, sets, labels);
	return db_migrate(sets, labels, n);
}

long
app_migrations_pending(const struct app *app)
{
	const struct embedded_file *sets[APP_MAX_MODULES + 2];
	const char *labels[APP_MAX_MODULES + 2];
	int n = migration_sets(app, sets, labels);
	return db_migrations_pending(sets, labels, n);
}

/* Open every module (after the configuration); on failure close those already open. */
static int
modules_open(struct app *app)
{
	for (const struct module *const *m = app->modules; *m; m++)
		if ((*m)->open && (*m)->open(app) < 0) {
			log_error("module %s could not start", (*m)->name);
			while (m-- > app->modules)
				if ((*m)->close)
					(*m)->close(app);
			return -1;
		}
	return 0;
}

static void
modules_close(struct app *app)
{
	size_t n = 0;
	while (app->modules[n])
		n++;
	while (n--)
		if (app->modules[n]->close)
			app->modules[n]->close(app);
}

static int
modules_start(struct app *app)
{
	for (const struct module *const *m = app->modules; *m; m++)
		if ((*m)->start && (*m)->start(app) < 0) {
			log_error("module %s could not start", (*m)->name);
			while (m-- > app->modules)
				if ((*m)->stop)
					(*m)->stop(app);
			return -1;
		}
	return 0;
}

static void
modules_stop(struct app *app)
{
	size_t n = 0;
	while (app->modules[n])
		n++;
	while (n--)
		if (app->modules[n]->stop)
			app->modules[n]->stop(app);
}

static void
app_release(struct app *app)
{
	site_free(app);
	static_files_free(app->statics);
	template_set_free(app->templates);
	i18n_free(app->i18n);
	page_cache_free();
	limits_stop();
	photo_shutdown();
	db_shutdown();
}

static int
serve(struct app *app)
{
	int rc = 1;
	int listen_fd = -1;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	/* every thread started from here on inherits the mask; only sigwait below sees them */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	char *languages = site_languages(app);
	app->i18n = i18n_load(app, languages);
	free(languages);
	if (!app->i18n)
		goto out;
	app->templates = template_set_new(template_loader, app);
	app->statics = static_files_load(app);
	if (site_load(app) < 0)
		goto out;
	page_cache_init((size_t)app->cfg.cache_entries);
	listen_fd = http_listen(&app->cfg);
	if (listen_fd < 0)
		goto out;
	if (app_migrate(app) < 0) {
		log_error("could not apply migrations; is the database reachable (PGHOST, PGPORT, "
			  "PGDATABASE)?");
		goto out;
	}
	if (modules_open(app) < 0)
		goto out;
	if (limits_start(app) < 0 || modules_start(app) < 0)
		goto out_close;
	if (jobs_start(app) < 0)
		goto out_stop;
	app->http = http_start(app, listen_fd);
	listen_fd = -1;
	if (!app->http)
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
	modules_stop(app);
out_close:
	modules_close(app);
out:
	if (listen_fd >= 0)
		close(listen_fd);
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

/* Each module's part of the demo, in the server's order; each is idempotent and skips a file
 * the folder lacks. */
static int
cmd_demo_load(struct app *app, const char *dir)
{
	int rc = 1;
	if (app_migrate(app) < 0 || modules_open(app) < 0)
		goto out;
	rc = 0;
	for (const struct module *const *m = app->modules; *m && rc == 0; m++) {
		const struct module_side *side = module_side(app, *m);
		if (side->demo_load && side->demo_load(app, dir) < 0)
			rc = 1;
	}
	modules_close(app);
out:
	db_shutdown();
	return rc;
}

static int
cmd_jobs_run(struct app *app)
{
	int rc = 1;
	/* opened like for serving: a job may sign events (a module's figures), as the demo does */
	if (app_migrate(app) < 0 || modules_open(app) < 0)
		goto out;
	rc = jobs_run_all(app) > 0 ? 1 : 0;
	modules_close(app);
out:
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
	for (const struct module *const *m = app->modules; *m; m++)
		for (const struct app_command *c = module_side(app, *m)->commands; c && c->name;
		     c++)
			fprintf(out, "       %s-srv %s\n", app->side, c->usage);
	fputc('\n', out);
}

/* The route table: the base's rows, then each module's for this side, in the server's order
 * (the router takes the first match). */
static void
routes_build(struct app *app)
{
	size_t n = base_nroutes;
	for (const struct module *const *m = app->modules; *m; m++)
		n += module_side(app, *m)->nroutes;
	app->routes = xcalloc(n, sizeof(*app->routes));
	memcpy(app->routes, base_routes, base_nroutes * sizeof(*base_routes));
	app->nroutes = base_nroutes;
	for (const struct module *const *m = app->modules; *m; m++) {
		const struct module_side *side = module_side(app, *m);
		if (side->nroutes)
			memcpy(app->routes + app->nroutes, side->routes,
			       side->nroutes * sizeof(*side->routes));
		app->nroutes += side->nroutes;
	}
}

/* The asset layers after the theme: the server's, each module's, common's. */
static void
assets_build(struct app *app)
{
	size_t n = 0;
	while (app->modules[n])
		n++;
	app->asset_sets = xcalloc(n + 3, sizeof(*app->asset_sets));
	size_t k = 0;
	if (app->assets)
		app->asset_sets[k++] = app->assets;
	for (size_t i = 0; i < n; i++)
		if (app->modules[i]->assets)
			app->asset_sets[k++] = app->modules[i]->assets;
	app->asset_sets[k] = common_assets_files;
}

static void
print_help(struct app *app)
{
	usage(app, stdout);
	size_t n;
	const struct config_def *defs = app_config_defs(app->side, &n);
	config_print_help(defs, n, stdout);
	for (const struct module *const *m = app->modules; *m; m++)
		if ((*m)->nsettings)
			config_print_help((*m)->settings_defs, (*m)->nsettings, stdout);
}

static int
run_command(struct app *app, int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "serve";
	if (strcmp(cmd, "serve") == 0) {
		app->generate_key = argc > 2 && strcmp(argv[2], "--generate-key") == 0;
		return serve(app);
	}
	if (strcmp(cmd, "migrate") == 0)
		return cmd_migrate(app);
	if (strcmp(cmd, "user") == 0 && argc > 2 && strcmp(argv[2], "add") == 0)
		return cmd_user_add(app, argc - 3, argv + 3);
	if (strcmp(cmd, "demo") == 0 && argc == 4 && strcmp(argv[2], "load") == 0)
		return cmd_demo_load(app, argv[3]);
	if (strcmp(cmd, "jobs") == 0 && argc == 3 && strcmp(argv[2], "run") == 0)
		return cmd_jobs_run(app);
	for (const struct module *const *m = app->modules; *m; m++)
		for (const struct app_command *c = module_side(app, *m)->commands; c && c->name;
		     c++)
			if (strcmp(c->name, cmd) == 0)
				return c->run(app, argc - 2, argv + 2);
	usage(app, stderr);
	return 2;
}

static void
config_release_all(struct app *app)
{
	for (const struct module *const *m = app->modules; *m; m++)
		config_release((*m)->settings_defs, (*m)->nsettings, (*m)->settings);
	config_release(app->cfg_defs, app->cfg_ndefs, &app->cfg);
}

int
app_main(struct app *app, int argc, char **argv)
{
	size_t nmodules = 0;
	json_alloc_init();
	while (app->modules[nmodules])
		nmodules++;
	if (nmodules > APP_MAX_MODULES) {
		fprintf(stderr, "%s-srv: more than %d modules\n", app->side, APP_MAX_MODULES);
		return 2;
	}
	const char *cmd = argc > 1 ? argv[1] : "serve";
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		print_help(app);
		return 0;
	}
	int rc = 2;
	if (load_config(app) == 0) {
		routes_build(app);
		assets_build(app);
		rc = run_command(app, argc, argv);
	}
	config_release_all(app);
	free(app->routes);
	free(app->asset_sets);
	app->routes = NULL;
	app->asset_sets = NULL;
	return rc;
}
