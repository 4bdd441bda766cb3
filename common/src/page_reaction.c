// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Residents' reactions to the commune's items and their moderation. (Being written.)
 */
#include "common/page_publication.h"

void
reaction_item_extras(struct request *req, json_t *item, json_t *view)
{
	(void)req;
	(void)item;
	(void)view;
}
