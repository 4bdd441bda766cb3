// SPDX-License-Identifier: AGPL-3.0-or-later
/* The demo commune's catalogue of services (services.json), through the staff's write path. */
#include "internal.h"

#include "common/app.h"
#include "common/demo.h"
#include "publications/db_publication.h"
#include "publications/page_publication.h"
#include "publications/publication.h"

#include <stdio.h>
#include <string.h>

/* {"data": {...the service's fields...}, "status": "published"|"draft"}; a service whose key
 * is there already is skipped. */
static int
demo_entry(struct app *app, const char *path, size_t i, json_t *entry, struct demo_counts *n)
{
	json_t *data = json_object_get(entry, "data");
	const char *key = json_string_value(json_object_get(data, "key"));
	bool taken = false;
	if (!publication_data_is_valid(&service_kind, data) || !key) {
		fprintf(stderr, "%s: entry %zu is not a valid service\n", path, i);
		return -1;
	}
	if (db_pub_value_taken(app->side, service_kind.name, "key", key, 0, &taken) != STATUS_OK)
		return -1;
	if (taken) {
		n->present++;
		return 0;
	}
	const char *status = json_string_value(json_object_get(entry, "status"));
	bool publish = !status || strcmp(status, "draft") != 0;
	if (pub_create_own(app->side, &service_kind, data, publish) < 0)
		return -1;
	n->added++;
	return 0;
}

static const struct demo_file services_demo = {
	.name = "services.json",
	.owner = "official",
	.what = "the catalogue of services is written",
	.noun = "demo services",
	.entry = demo_entry,
};

int
services_demo_load(struct app *app, const char *dir)
{
	return demo_load_file(app, dir, &services_demo);
}
