// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Council deliberations' files (PDF attachments). (Being written.)
 */
#include "common/hooks.h"
#include "common/http.h"
#include "common/page_publication.h"

void
council_item_extras(struct request *req, json_t *item, json_t *view)
{
	(void)req;
	(void)item;
	(void)view;
}

void
page_staff_deliberation_file(struct request *req)
{
	http_error(req, STATUS_NOT_FOUND, "not_found", "there is no page at this address");
}

void
page_deliberation_file(struct request *req)
{
	http_error(req, STATUS_NOT_FOUND, "not_found", "there is no page at this address");
}

enum status
hook_deliberation_file(const char *origin, const char *type, json_t *data)
{
	(void)origin;
	(void)type;
	(void)data;
	return STATUS_NOT_FOUND;
}
