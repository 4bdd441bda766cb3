// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Council deliberations' files (PDF attachments). (Being written.)
 */
#include "common/page_publication.h"

void
council_item_extras(struct request *req, json_t *item, json_t *view)
{
	(void)req;
	(void)item;
	(void)view;
}
