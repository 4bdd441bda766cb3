// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_HOOKS_H
#define COMMON_HOOKS_H

#include "common/status.h"

#include <jansson.h>

/*
 * Applying the peer's events to this platform's read-only mirror. The federation layer calls
 * hook_apply() inside the transaction that stores the event, strictly in seq order.
 */
struct hook {
	const char *type; /* event type, e.g. "news.published", or a prefix "project.*" */
	enum status (*apply)(const char *origin, const char *type, json_t *data);
};

/*
 * Apply one event: the server's own hooks (extra, NULL-type terminated, may be NULL) first, then
 * the shared ones (news, profile). Returns STATUS_OK when applied, STATUS_INVALID when the data
 * does not fit (the event is kept, flagged, the mirror unchanged), STATUS_NOT_FOUND for an
 * unknown type (kept and flagged too), STATUS_UNAVAILABLE when the database failed (roll back).
 */
enum status hook_apply(const struct hook *extra, const char *origin, const char *type,
		       const char *occurred_at, json_t *data);
/* While a hook runs: the occurred_at of the event it applies ("" outside hook_apply). */
const char *hook_event_time(void);

enum status hook_news(const char *origin, const char *type, json_t *data);
enum status hook_profile(const char *origin, const char *type, json_t *data);
enum status hook_publication(const char *origin, const char *type, json_t *data);
enum status hook_budget_lines(const char *origin, const char *type,
			      json_t *data); /* page_budget.c */
enum status hook_deliberation_file(const char *origin, const char *type,
				   json_t *data);                              /* page_council.c */
enum status hook_reaction(const char *origin, const char *type, json_t *data); /* page_reaction.c */
/* report.created|supported|assessed|hidden|status (report_federation.c) */
enum status hook_report(const char *origin, const char *type, json_t *data);

#endif
