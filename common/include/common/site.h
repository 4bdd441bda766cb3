// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_SITE_H
#define COMMON_SITE_H

/*
 * The skeleton every platform has, whatever modules it serves (common/src/site.c): the theme's
 * site.json, about, health, theme CSS, favicon, sign-in/out, the staff home. Its rows come first
 * in every route table (app.c), before the modules'.
 */
#include "common/router.h"
#include "common/static_files.h"

#include <stddef.h>

struct request;
struct app;

void page_about(struct request *req);
void page_accessibility(struct request *req);
void page_healthz(struct request *req);
void page_readyz(struct request *req);
void page_theme_css(struct request *req);
void page_favicon(struct request *req);
void page_login(struct request *req);
void page_login_post(struct request *req);
void page_logout(struct request *req);
void page_staff_home(struct request *req);

/* The commune's quarters (codes; labels t["project_quarter_<code>"]), NULL-terminated: where
 * projects are and reports come from. */
extern const char *const site_quarters[];

extern const struct route base_routes[];
extern const size_t base_nroutes;

/* The languages to enable, malloc'd ("ar,fr,kab"): BALADIYA_LANGUAGES when set, else the
 * theme's site.json "languages" (a list of codes), else "ar,fr,en". */
char *site_languages(struct app *app);
/* Build the per-language views of the theme's site.json (called at start). */
int site_load(struct app *app);
void site_free(struct app *app);

#endif
