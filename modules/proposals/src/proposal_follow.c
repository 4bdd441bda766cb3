// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The followers of a proposal (notify module, citizen side, where residents follow): told of
 * each stage and of the commune's answer, in their language, at most one message an hour per
 * proposal (notify's digest).
 */
#include "internal.h"

#include "common/arena.h"
#include "common/page_util.h"
#include "notify/notify.h"

#include <stdio.h>
#include <string.h>

int
proposal_notify_stage(json_t *r, const char *stage)
{
	if (strcmp(json_str(r, "visibility"), "public") != 0)
		return 0;
	char path[48], key[48];
	snprintf(path, sizeof(path), "/proposals/%s", json_str(r, "ref"));
	snprintf(key, sizeof(key), "proposal_notify_%s", stage);
	json_t *vars = json_pack("{s:s}", "ref", json_str(r, "ref"));
	int rc = notify_item_changed("proposal", json_str(r, "ref"), json_str(r, "title"), path,
				     key, vars);
	json_decref(vars);
	return rc;
}
