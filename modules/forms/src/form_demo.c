// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The demo commune's forms (demo/official/forms.json): each checked like the editor checks
 * it, saved as version 1 and published, unless the service has a form already.
 */
#include "internal.h"

#include "common/demo.h"
#include "db_forms.h"

#include <stdio.h>
#include <stdlib.h>

static int
form_entry(struct app *app, const char *path, size_t i, json_t *e, struct demo_counts *n)
{
	(void)app;
	const char *service = json_string_value(json_object_get(e, "service"));
	json_t *def = json_object_get(e, "definition");
	struct form_def_error err;
	if (!form_service_is_valid(service) || !form_def_check(def, &err)) {
		fprintf(stderr, "%s: entry %zu: not a valid form (%s %s)\n", path, i,
			err.reason ? err.reason : "service", err.field);
		return -1;
	}
	enum status st;
	json_t *cur = db_form_current(service, &st);
	if (cur || st != STATUS_NOT_FOUND) {
		json_decref(cur);
		if (st != STATUS_OK)
			return -1;
		n->present++;
		return 0;
	}
	char *text = json_dumps(def, JSON_COMPACT | JSON_PRESERVE_ORDER);
	int version = db_form_save(service, text, 0);
	free(text);
	if (version <= 0 || db_form_publish(service, version) != STATUS_OK)
		return -1;
	n->added++;
	return 0;
}

int
form_demo_load(struct app *app, const char *dir)
{
	static const struct demo_file file = {
		.name = "forms.json",
		.owner = "official",
		.what = "forms are defined",
		.noun = "demo forms",
		.entry = form_entry,
	};
	return demo_load_file(app, dir, &file);
}
