// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Budget documents' lines: CSV import, charts and open data. (Being written.)
 */
#include "common/demo.h"
#include "common/hooks.h"
#include "common/http.h"
#include "common/page_publication.h"

void
budget_item_extras(struct request *req, json_t *item, json_t *view)
{
	(void)req;
	(void)item;
	(void)view;
}

int
budget_demo_load(struct app *app, const char *dir)
{
	(void)app;
	(void)dir;
	return 0;
}

void
page_staff_budget_lines(struct request *req)
{
	http_error(req, STATUS_NOT_FOUND, "not_found", "there is no page at this address");
}

void
page_budget_lines_csv(struct request *req)
{
	http_error(req, STATUS_NOT_FOUND, "not_found", "there is no page at this address");
}

enum status
hook_budget_lines(const char *origin, const char *type, json_t *data)
{
	(void)origin;
	(void)type;
	(void)data;
	return STATUS_NOT_FOUND;
}
