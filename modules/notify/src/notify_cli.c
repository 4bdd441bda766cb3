// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The operator's view of the queue: `<side>-srv notify status|failed|requeue ID|all`, and the
 * retention job that erases sent messages' recipients and texts (they may hold private links).
 */
#include "db_notify.h"
#include "internal.h"

#include "common/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
notify_retention_run(struct app *app)
{
	(void)app;
	return db_queue_erase_old(notify_settings.retention_days);
}

static int
print_json(json_t *v)
{
	if (!v) {
		fprintf(stderr, "notify: the database is unavailable\n");
		return 1;
	}
	char *text = json_dumps(v, JSON_INDENT(2));
	puts(text);
	free(text);
	json_decref(v);
	return 0;
}

int
notify_cli(struct app *app, int argc, char **argv)
{
	(void)app;
	if (argc == 1 && !strcmp(argv[0], "status"))
		return print_json(db_queue_counts());
	if (argc == 1 && !strcmp(argv[0], "failed"))
		return print_json(db_queue_failed());
	if (argc == 2 && !strcmp(argv[0], "requeue")) {
		char *end;
		long long id = strcmp(argv[1], "all") ? strtoll(argv[1], &end, 10) : 0;
		if (strcmp(argv[1], "all") && (*end || id <= 0)) {
			fprintf(stderr, "notify requeue: ID must be a message number or \"all\"\n");
			return 2;
		}
		long long n = db_queue_requeue(id);
		if (n < 0)
			return 1;
		printf("%lld message(s) queued again\n", n);
		return 0;
	}
	fprintf(stderr, "usage: notify status|failed|requeue ID|all\n");
	return 2;
}
