// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_STATUS_H
#define COMMON_STATUS_H

/*
 * The outcome of a domain operation. One table (status_http) maps it to HTTP; the stable error
 * code string that goes with it is chosen by the code that detected the failure.
 */
enum status {
	STATUS_OK = 0,
	STATUS_INVALID,      /* 400: the input is wrong */
	STATUS_UNAUTHORIZED, /* 401: who are you */
	STATUS_FORBIDDEN,    /* 403: not allowed, or CSRF */
	STATUS_NOT_FOUND,    /* 404 */
	STATUS_METHOD,       /* 405 */
	STATUS_CONFLICT,     /* 409 */
	STATUS_TOO_LARGE,    /* 413 */
	STATUS_UNSUPPORTED,  /* 415 */
	STATUS_TOO_MANY,     /* 429 */
	STATUS_INTERNAL,     /* 500: our bug */
	STATUS_UNAVAILABLE,  /* 503: a dependency is down */
};

unsigned status_http(enum status st);

#endif
