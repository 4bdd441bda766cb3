// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_FORM_H
#define COMMON_FORM_H

#include "common/status.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Form bodies parsed as they arrive (http.c): each piece of the body goes through
 * libmicrohttpd's post processor at once, so the raw body is never held beside the fields and
 * files it becomes. Internal to common/src; handlers read req->form and req->uploads.
 */
struct request;

/* Start parsing req's body by its Content-Type. On a type that is not a form, replies 415
 * unsupported_media_type and returns STATUS_UNSUPPORTED. */
enum status form_begin(struct request *req);
/* Parse the next piece of the body (nothing after an error: form_end reports it). */
void form_feed(struct request *req, const char *data, size_t len);
/* The body is in: fill req->form and req->uploads. On bad input replies (400 invalid_form,
 * too_many_fields, invalid_utf8) and returns that status. */
enum status form_end(struct request *req);
/* Free what a form left unfinished (request answered before its body ended). */
void form_abort(struct request *req);

#endif
