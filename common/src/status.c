// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The one table from domain status to HTTP status.
 */
#include "common/status.h"

static const unsigned status_table[] = {
	[STATUS_OK] = 200,        [STATUS_INVALID] = 400,   [STATUS_UNAUTHORIZED] = 401,
	[STATUS_FORBIDDEN] = 403, [STATUS_NOT_FOUND] = 404, [STATUS_METHOD] = 405,
	[STATUS_CONFLICT] = 409,  [STATUS_TOO_LARGE] = 413, [STATUS_UNSUPPORTED] = 415,
	[STATUS_TOO_MANY] = 429,  [STATUS_INTERNAL] = 500,  [STATUS_UNAVAILABLE] = 503,
};

unsigned
status_http(enum status st)
{
	return st <= STATUS_UNAVAILABLE ? status_table[st] : 500;
}
