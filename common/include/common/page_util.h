// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_PAGE_UTIL_H
#define COMMON_PAGE_UTIL_H

#include <stdbool.h>
#include <stddef.h>

/* Small helpers every page handler needs. */
struct request;

/* A positive decimal id from a route parameter, or -1. */
long long page_parse_id(const char *s);
/* True when the signed-in user may do action; otherwise replies 403 forbidden and returns false. */
bool page_require(struct request *req, const char *action);
/* Characters (code points) of a valid UTF-8 string. */
size_t utf8_length(const char *s);
/* True when s is empty or only white space. */
bool is_blank(const char *s);
/* Replies with the error for a failed write: news_not_found-like code for STATUS_NOT_FOUND,
 * conflict_code for STATUS_CONFLICT, database_unavailable otherwise. */
void page_write_failed(struct request *req, int st, const char *not_found_code,
		       const char *conflict_code);

#endif
