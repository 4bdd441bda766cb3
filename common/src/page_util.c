// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Helpers shared by the page handlers: ids from paths, permission checks, text lengths and
 * the error answers of failed writes.
 */
#include "common/page_util.h"

#include "common/app.h"
#include "common/http.h"

#include <stdlib.h>
#include <string.h>

long long
page_parse_id(const char *s)
{
	if (!s || !*s || strlen(s) > 18 || strspn(s, "0123456789") != strlen(s) || s[0] == '0')
		return -1;
	return strtoll(s, NULL, 10);
}

bool
page_require(struct request *req, const char *action)
{
	if (app_can(req->app, req->user, action))
		return true;
	http_error(req, STATUS_FORBIDDEN, "forbidden", "your role does not allow this");
	return false;
}

size_t
utf8_length(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

bool
is_blank(const char *s)
{
	return !s || strspn(s, " \t\r\n") == strlen(s);
}

void
page_write_failed(struct request *req, int st, const char *not_found_code,
		  const char *conflict_code)
{
	if (st == STATUS_NOT_FOUND)
		http_error(req, STATUS_NOT_FOUND, not_found_code, "there is no such item");
	else if (st == STATUS_CONFLICT)
		http_error(req, STATUS_CONFLICT, conflict_code,
			   "the item is not in a state that allows this");
	else
		http_error(req, STATUS_UNAVAILABLE, "database_unavailable",
			   "the change could not be saved; try again in a minute");
}
