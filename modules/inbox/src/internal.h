// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef INBOX_INTERNAL_H
#define INBOX_INTERNAL_H

#include "common/router.h"
#include "common/status.h"

/* Between the inbox module's own files. */
struct request;

/* Handlers (official side, staff with "reports.answer"). */
void page_inbox(struct request *req);         /* GET /staff/inbox, JSON twin */
void page_inbox_geojson(struct request *req); /* GET /staff/inbox.geojson */
void page_inbox_report(struct request *req);  /* GET /staff/inbox/{ref}, JSON twin */
void page_inbox_status(struct request *req);  /* POST /staff/inbox/{ref}/status */

#endif
