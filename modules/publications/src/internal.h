// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PUBLICATIONS_INTERNAL_H
#define PUBLICATIONS_INTERNAL_H

/* Between the publications module's own files. */
#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

struct app;
struct field;
struct kind;
struct request;

int publication_demo_load(struct app *app, const char *dir); /* publications.json */

/* The message key in the reader's language (page_publication.c). */
const char *pub_text(struct request *req, const char *key);
/* The label of field f of kind k in the reader's language ("field_<kind>_<field>"). */
const char *pub_field_label(struct request *req, const struct kind *k, const struct field *f);
/* True for kinds with an optional location (lat_micro, lon_micro): they get maps. */
bool pub_kind_is_located(const struct kind *k);
/* The item of the path's {id} (drafts too when include_drafts); NULL after replying 404
 * "<kind>_not_found" or 503. The caller decrefs it. */
json_t *pub_load_item(struct request *req, const struct kind *k, bool include_drafts);

/* A staff list's items as rows a template reads (common/template.h): the fields of
 * pub_view(.., false) and is_published, from res (db_pub_page_own's, at most n of its rows),
 * whose data is parsed only for the fields that need it. pub_rows_list is the rows to render;
 * pub_rows_release frees what they parsed, after the render (the rest is in the arena). */
struct pub_rows;
struct template_rows;
void pub_rows(struct request *req, const struct kind *k, PGresult *res, int n,
	      struct pub_rows **out);
const struct template_rows *pub_rows_list(const struct pub_rows *r);
void pub_rows_release(struct pub_rows *r);

/* Its facts (module_side.facts), in its db file. */
int pub_facts(struct app *app, const char *from, const char *to, json_t *out);

#endif
