// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The one table from domain status to HTTP status and default error code.
 */
#include "common/status.h"

static const struct {
	unsigned http;
	const char *code;
} status_table[] = {
        [STATUS_OK] = {200, "ok"},
        [STATUS_INVALID] = {400, "invalid_request"},
        [STATUS_UNAUTHORIZED] = {401, "unauthorized"},
        [STATUS_FORBIDDEN] = {403, "forbidden"},
        [STATUS_NOT_FOUND] = {404, "not_found"},
        [STATUS_METHOD] = {405, "method_not_allowed"},
        [STATUS_CONFLICT] = {409, "conflict"},
        [STATUS_TOO_LARGE] = {413, "payload_too_large"},
        [STATUS_UNSUPPORTED] = {415, "unsupported_media_type"},
        [STATUS_TOO_MANY] = {429, "too_many_requests"},
        [STATUS_INTERNAL] = {500, "internal_error"},
        [STATUS_UNAVAILABLE] = {503, "unavailable"},
};

unsigned
status_http(enum status st)
{
	return st <= STATUS_UNAVAILABLE ? status_table[st].http : 500;
}

const char *
status_code(enum status st)
{
	return st <= STATUS_UNAVAILABLE ? status_table[st].code : "internal_error";
}
