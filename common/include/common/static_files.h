// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_STATIC_FILES_H
#define COMMON_STATIC_FILES_H

/*
 * Static files under /static/: the theme folder's static/ first, then the server's, then
 * common's, loaded once at start, served with a strong ETag, a type from the extension and
 * Cache-Control; If-None-Match gives 304.
 */
struct app;
struct request;
struct static_files;

struct static_files *static_files_load(struct app *app);
void static_files_free(struct static_files *sf);
/* The handler for "GET /static/ *". */
void page_static(struct request *req);
/* "/static/<name>?v=<etag prefix>" for cache busting in templates (static string). */
const char *static_files_url(struct static_files *sf, const char *name);

#endif
