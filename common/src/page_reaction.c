// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Residents' reactions to the commune's items and their moderation. (Being written.)
 */
#include "common/demo.h"
#include "common/hooks.h"
#include "common/http.h"
#include "common/page_publication.h"

void
reaction_item_extras(struct request *req, json_t *item, json_t *view)
{
	(void)req;
	(void)item;
	(void)view;
}

int
reaction_demo_load(struct app *app, const char *dir)
{
	(void)app;
	(void)dir;
	return 0;
}

void
page_reaction_create(struct request *req)
{
	http_error(req, STATUS_NOT_FOUND, "not_found", "there is no page at this address");
}

void
page_staff_reactions(struct request *req)
{
	http_error(req, STATUS_NOT_FOUND, "not_found", "there is no page at this address");
}

void
page_staff_reaction_hide(struct request *req)
{
	http_error(req, STATUS_NOT_FOUND, "not_found", "there is no page at this address");
}

void
page_moderation_log(struct request *req)
{
	http_error(req, STATUS_NOT_FOUND, "not_found", "there is no page at this address");
}

enum status
hook_reaction(const char *origin, const char *type, json_t *data)
{
	(void)origin;
	(void)type;
	(void)data;
	return STATUS_NOT_FOUND;
}
