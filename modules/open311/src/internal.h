// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef OPEN311_INTERNAL_H
#define OPEN311_INTERNAL_H

#include "common/router.h"

/*
 * The Open311 GeoReport v2 API in JSON over the citizen platform's reports (page_open311.c:
 * discovery, services, service definitions, filing a request with an API key, requests, one
 * request, tokens, and the status history as an extension). It shows only public reports and
 * never a reporter's contact. docs/api.md, "Open311".
 */
struct app;
struct request;

#define OPEN311_MAX_BODY (64u * 1024) /* a filed request: texts only (no photos) */
#define OPEN311_PAGE_MAX 100          /* requests in one GET requests.json answer */

void open311_discovery(struct request *req);
void open311_services(struct request *req);
void open311_service(struct request *req);
void open311_requests(struct request *req);
void open311_request_create(struct request *req);
void open311_request(struct request *req);
void open311_request_history(struct request *req);
void open311_token(struct request *req);
void open311_unknown(struct request *req);

/* `citizen-srv open311 key add NAME | key list | key revoke NAME`: the API keys. */
int open311_cli(struct app *app, int argc, char **argv);

/* Errors in the GeoReport shape: [{"code", "description"}] (error_code is ours). */
void open311_error(struct request *req, unsigned http_status, const char *code,
		   const char *message);

#endif
