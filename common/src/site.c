// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The skeleton every platform has whatever modules it serves: the theme (site.json, its CSS
 * variables), about, health check, signing in and out, the staff home with the sections the
 * modules offer, and the base's route rows.
 */
#include "common/app.h"
#include "common/auth.h"
#include "common/client.h"
#include "common/db.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/markdown.h"
#include "common/module.h"
#include "common/photo.h"
#include "common/site.h"
#include "common/static_files.h"
#include "common/strbuf.h"
#include "common/xalloc.h"
#include "login_guard.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const site_quarters[] = {"centre",         "cite500", "tighilt", "elamel",
				     "zone_activites", "autre",   NULL};

static const char default_site[] = "{\"name\":{\"ar\":\"بلدية\",\"fr\":\"Commune\"},"
				   "\"presentation\":{\"ar\":\"\",\"fr\":\"\"},\"priorities\":[],"
				   "\"colors\":{\"primary\":\"#0b6e4f\",\"accent\":\"#b3261e\"}}";

static bool
color_is_safe(const char *c)
{
	/* only #rgb / #rrggbb reach the stylesheet */
	size_t len = strlen(c);
	if (c[0] != '#' || (len != 4 && len != 7))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!isxdigit((unsigned char)c[i]))
			return false;
	return true;
}

/* The links the served modules offer (their nav or footer lists), in their order, labels in
 * lang; "sep" marks every link but the first. Built once per language at start. */
static json_t *
module_links(struct app *app, const char *lang, bool footer)
{
	json_t *links = json_array();
	for (const struct module *const *m = app->modules; *m; m++) {
		const struct module_side *side = module_side(app, *m);
		for (const struct nav_link *l = footer ? side->footer : side->nav; l && l->path;
		     l++)
			json_array_append_new(links,
					      json_pack("{s:s, s:s, s:b}", "path", l->path, "label",
							i18n_get(app->i18n, lang, l->label), "sep",
							json_array_size(links) > 0));
	}
	return links;
}

char *
site_languages(struct app *app)
{
	if (app->cfg.languages)
		return xstrdup(app->cfg.languages);
	char *list = NULL;
	if (app->cfg.theme_dir) {
		char *path = xasprintf("%s/site.json", app->cfg.theme_dir);
		json_t *site = json_load_file(path, 0, NULL);
		json_t *langs = json_object_get(site, "languages");
		struct strbuf sb = STRBUF_INIT;
		size_t i;
		json_t *l;
		json_array_foreach(langs, i, l)
		{
			/* i18n_load rejects what is not a language code */
			if (json_is_string(l))
				strbuf_addf(&sb, "%s%s", sb.len ? "," : "", json_string_value(l));
		}
		if (sb.len)
			list = strbuf_detach(&sb, NULL);
		strbuf_release(&sb);
		json_decref(site);
		free(path);
	}
	return list ? list : xstrdup("ar,fr,en");
}

/*
 * The commune's name in Tifinagh, when site.json's "name" has one (a "zgh" text or a code in
 * the Tfng script, "kab-Tfng"): shown next to the name in every language, with its own lang so
 * that the Tifinagh font (baladiya.css, unicode-range U+2D30-2D7F) is the one that draws it.
 */
static json_t *
tifinagh_name(json_t *site, const char *lang)
{
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(site, "name"), k, v)
	{
		size_t n = strlen(k);
		bool tfng = strcmp(k, "zgh") == 0 || (n > 5 && strcasecmp(k + n - 5, "-Tfng") == 0);
		if (tfng && strcmp(k, lang) != 0 && json_is_string(v) && *json_string_value(v))
			return json_pack("{s:s, s:s}", "text", json_string_value(v), "lang", k);
	}
	return NULL;
}

int
site_load(struct app *app)
{
	json_t *site = NULL;
	json_error_t err;
	if (app->cfg.theme_dir) {
		char *path = xasprintf("%s/site.json", app->cfg.theme_dir);
		site = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
		if (!site)
			log_error("could not load %s: %s at line %d", path, err.text, err.line);
		free(path);
		if (!site)
			return -1;
	} else {
		site = json_loads(default_site, 0, &err);
	}
	json_t *colors = json_object_get(site, "colors");
	const char *k;
	json_t *v;
	json_object_foreach(colors, k, v)
	{
		if (!json_is_string(v) || !color_is_safe(json_string_value(v))) {
			log_error("site.json: colour \"%s\" must be #rgb or #rrggbb", k);
			json_decref(site);
			return -1;
		}
	}
	app->site = site;
	app->site_by_lang = json_object();
	json_t *langs = i18n_languages(app->i18n);
	size_t i;
	json_t *l;
	json_array_foreach(langs, i, l)
	{
		const char *code = json_string_value(json_object_get(l, "code"));
		json_t *r = i18n_resolve(site, code);
		const char *pres = json_string_value(json_object_get(r, "presentation"));
		char *html = markdown_to_html(pres ? pres : "", pres ? strlen(pres) : 0);
		json_object_set_new(r, "presentation_html", json_string(html));
		json_t *tfng = tifinagh_name(site, code);
		if (tfng)
			json_object_set_new(r, "name_tifinagh", tfng);
		free(html);
		const char *logo = json_string_value(json_object_get(site, "logo"));
		if (logo)
			json_object_set_new(r, "logo_url",
					    json_string(static_files_url(app->statics, logo)));
		if (app->cfg.peer_url)
			json_object_set_new(r, "peer_url", json_string(app->cfg.peer_url));
		json_object_set_new(r, "css_url",
				    json_string(static_files_url(app->statics, "baladiya.css")));
		json_t *footer = module_links(app, code, true);
		json_object_set_new(r, "nav", module_links(app, code, false));
		json_object_set_new(r, "has_footer_links", json_boolean(json_array_size(footer)));
		json_object_set_new(r, "footer_links", footer);
		json_object_set_new(app->site_by_lang, code, r);
	}
	return 0;
}

void
site_free(struct app *app)
{
	json_decref(app->site);
	json_decref(app->site_by_lang);
	app->site = app->site_by_lang = NULL;
}

void
page_theme_css(struct request *req)
{
	struct strbuf css = STRBUF_INIT;
	strbuf_addstr(&css, ":root {\n");
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(req->app->site, "colors"), k, v)
	{
		strbuf_addf(&css, "\t--color-%s: %s;\n", k, json_string_value(v));
	}
	strbuf_addstr(&css, "}\n");
	http_add_header(req, "Cache-Control", "public, max-age=300");
	size_t len;
	char *body = strbuf_detach(&css, &len);
	http_send_owned(req, 200, "text/css; charset=utf-8", body, len);
}

/* Browsers ask for /favicon.ico on their own: send them to the icon among the static files. */
void
page_favicon(struct request *req)
{
	http_redirect(req, static_files_url(req->app->statics, "favicon.svg"));
}

/* The accessibility statement: what the site aims at, how it is checked, its known limits. */
void
page_accessibility(struct request *req)
{
	http_render(req, 200, "accessibility", json_object());
}

void
page_about(struct request *req)
{
	json_t *site = json_object_get(req->app->site_by_lang, req->lang);
	json_t *view = json_pack("{s:O, s:s, s:O}", "name", json_object_get(site, "name"), "side",
				 req->app->side, "presentation_html",
				 json_object_get(site, "presentation_html"));
	json_t *pl = json_object_get(site, "presentation_lang");
	if (pl)
		json_object_set(view, "presentation_lang", pl);
	http_render(req, 200, "about", view);
}

void
page_healthz(struct request *req)
{
	bool ok = db_is_healthy();
	http_add_header(req, "Cache-Control", "no-store");
	http_json(req, ok ? 200 : 503,
		  json_pack("{s:s, s:s}", "status", ok ? "ok" : "unavailable", "database",
			    ok ? "reachable" : "unreachable"));
}

/* For a reverse proxy or an orchestrator: this process can serve (its database answers and holds
 * every migration this binary expects), unlike /healthz (the process is alive). */
void
page_readyz(struct request *req)
{
	http_add_header(req, "Cache-Control", "no-store");
	req->want_json = true; /* JSON only, as /healthz, whatever the Accept header */
	long pending = app_migrations_pending(req->app);
	if (pending < 0) {
		http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
			   "the site cannot reach its database");
		return;
	}
	if (pending > 0) {
		http_error(req, STATUS_UNAVAILABLE, "migrations_pending",
			   "the database lacks migrations this server needs: run migrate");
		return;
	}
	http_json(req, 200,
		  json_pack("{s:s, s:s, s:s}", "status", "ready", "database", "reachable",
			    "migrations", "current"));
}

static const char *
safe_next(const char *next)
{
	/* only local paths: "/x", never "//host" or "/\host" */
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\')
		return "/";
	for (const char *p = next; *p; p++)
		if ((unsigned char)*p < 0x20)
			return "/";
	return next;
}

static void
render_login(struct request *req, unsigned code, const char *error_code, const char *next)
{
	json_t *view = json_pack("{s:s}", "next", safe_next(next));
	http_csrf(req);
	if (error_code) {
		const char *key = arena_printf(req->arena, "error_%s", error_code);
		json_object_set_new(view, "error",
				    json_pack("{s:s, s:s}", "code", error_code, "message",
					      i18n_get(req->app->i18n, req->lang, key)));
	}
	http_render(req, code, "login", view);
}

void
page_login(struct request *req)
{
	if (req->user) {
		http_redirect(req, "/staff");
		return;
	}
	render_login(req, 200, NULL, http_query(req, "next"));
}

void
page_login_post(struct request *req)
{
	const char *username = http_form(req, "username");
	const char *password = http_form(req, "password");
	const char *next = http_form(req, "next");
	if (!username || !password || !*username || !*password) {
		log_warn("sign-in rejected: missing username or password");
		render_login(req, 400, "missing_credentials", next);
		return;
	}
	/* throttled before any work: the same answer whether an account has the name or not */
	int retry_after_s;
	enum login_refusal why = login_guard_begin(req, username, &retry_after_s);
	if (why != LOGIN_ALLOWED) {
		static const char *const reasons[] = {
			[LOGIN_WAIT_ACCOUNT_CLIENT] =
				"repeated failures of this client on this account",
			[LOGIN_WAIT_CLIENT] = "too many failures of this client",
			[LOGIN_WAIT_ACCOUNT] =
				"too many failures on this account, this client among them",
		};
		log_warn("sign-in refused: %s (client %s, account %s, retry in %d s)", reasons[why],
			 client_tag(req), login_guard_account_tag(req, username), retry_after_s);
		http_add_header(req, "Retry-After", arena_printf(req->arena, "%d", retry_after_s));
		render_login(req, 429, "too_many_attempts", next);
		return;
	}
	char *token = NULL;
	enum status st = auth_login(username, password, &token);
	login_guard_end(req, username, st);
	if (st == STATUS_UNAVAILABLE) {
		http_error(req, st, "database_unavailable", "the site cannot reach its database");
		return;
	}
	if (st != STATUS_OK) {
		log_warn("sign-in refused: wrong username or password (client %s, account %s)",
			 client_tag(req), login_guard_account_tag(req, username));
		render_login(req, 401, "bad_credentials", next);
		return;
	}
	http_set_cookie(req, http_cookie_name(req, "session"), token, 12L * 3600);
	/* a new CSRF token for the new privilege level */
	char csrf[65];
	random_hex(csrf, 32);
	http_set_cookie(req, http_cookie_name(req, "csrf"), csrf, 60L * 60 * 24 * 7);
	free(token);
	http_redirect(req, safe_next(next));
}

void
page_logout(struct request *req)
{
	const char *tok = http_cookie(req, http_cookie_name(req, "session"));
	if (tok)
		auth_logout(tok);
	http_set_cookie(req, http_cookie_name(req, "session"), "", -1);
	http_redirect(req, "/");
}

/* The staff sections the served modules offer and this account's role is granted. */
void
page_staff_home(struct request *req)
{
	struct app *app = req->app;
	json_t *sections = json_array();
	for (const struct module *const *m = app->modules; *m; m++)
		for (const struct nav_link *l = module_side(app, *m)->staff; l && l->path; l++)
			if (!l->action || app_can(app, req->user, l->action))
				json_array_append_new(
					sections,
					json_pack("{s:s, s:s}", "path", l->path, "label",
						  i18n_get(app->i18n, req->lang, l->label)));
	http_render(req, 200, "staff_home", json_pack("{s:o}", "sections", sections));
}

#define KIB 1024

// clang-format off
const struct route base_routes[] = {
	{"GET", "/about", page_about, ROUTE_JSON_TWIN | ROUTE_CACHE, 0, "about"},
	{"GET", "/accessibility", page_accessibility, ROUTE_CACHE, 0, "accessibility"},
	{"GET", "/login", page_login, 0, 0, "login"},
	{"POST", "/login", page_login_post, ROUTE_HEAVY, 4 * KIB, "login_post"},
	{"POST", "/logout", page_logout, 0, 4 * KIB, "logout"},
	{"GET", "/staff", page_staff_home, ROUTE_STAFF, 0, "staff"},
	{"GET", "/healthz", page_healthz, ROUTE_API, 0, "healthz"},
	{"GET", "/readyz", page_readyz, ROUTE_API, 0, "readyz"},
	{"GET", "/theme.css", page_theme_css, 0, 0, "theme_css"},
	{"GET", "/static/*", page_static, 0, 0, "static"},
	{"GET", "/favicon.ico", page_favicon, 0, 0, "favicon"},
	PHOTO_ROUTES,
};
// clang-format on

const size_t base_nroutes = sizeof(base_routes) / sizeof(base_routes[0]);
