// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Budget documents' lines: CSV import, charts and open data. (Being written.)
 */
#include "common/page_publication.h"

void
budget_item_extras(struct request *req, json_t *item, json_t *view)
{
	(void)req;
	(void)item;
	(void)view;
}
