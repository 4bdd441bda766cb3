// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The operator's view of the queue: `<side>-srv notify status|failed|requeue ID|all`, and the
 * retention job that erases sent messages' recipients and texts (they may hold private links).
 */
#include "db_notify.h"
#include "internal.h"

#include "common/log.h"
#include "common/site.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int
notify_retention_run(struct app *app)
{
	(void)app;
	/* a message whose "sent" could not be written stays "sending": after 15 minutes it is
	 * sent again, with its Message-ID (nothing lost) */
	if (db_queue_recover(15 * 60) < 0 || db_notify_erase_ended() < 0)
		return -1;
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

/* `notify send --channel C --to T --lang L --kind K [--subject S] --body B [--not-before T]
 * [--dedupe KEY]`: queue one message, as a module would (an operator checking the settings). */
/* Whether lang is one of the languages the platform offers (the messages are written in its
 * catalog): BALADIYA_LANGUAGES, else the theme's list. */
static bool
is_offered(struct app *app, const char *lang)
{
	char *list = site_languages(app);
	bool found = false;
	char *save = NULL;
	for (char *tok = strtok_r(list, ", ", &save); tok && !found;
	     tok = strtok_r(NULL, ", ", &save))
		found = strcasecmp(tok, lang) == 0;
	free(list);
	return found;
}

static int
cli_send(struct app *app, int argc, char **argv)
{
	struct notify_message m = {0};
	static const char *const names[] = {"--channel", "--to",   "--lang",       "--subject",
					    "--body",    "--kind", "--not-before", "--dedupe"};
	const char **fields[] = {&m.channel, &m.to,   &m.lang,       &m.subject,
				 &m.body,    &m.kind, &m.not_before, &m.dedupe_key};
	for (int i = 0; i + 1 < argc; i += 2) {
		size_t k = 0;
		while (k < 8 && strcmp(argv[i], names[k]))
			k++;
		if (k == 8) {
			fprintf(stderr, "notify send: unknown option %s\n", argv[i]);
			return 2;
		}
		*fields[k] = argv[i + 1];
	}
	const char *why = notify_message_problem(&m);
	if (!why && !is_offered(app, m.lang))
		why = "this platform does not offer that language";
	if (why) {
		fprintf(stderr, "notify send: %s\n", why);
		return 2;
	}
	if (notify_enqueue(&m) < 0)
		return 1;
	printf("queued\n");
	return 0;
}

int
notify_cli(struct app *app, int argc, char **argv)
{
	if (argc >= 1 && !strcmp(argv[0], "send") && argc % 2 == 1)
		return cli_send(app, argc - 1, argv + 1);
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
	fprintf(stderr, "usage: notify status|failed|requeue ID|all|send --channel C --to T ...\n");
	return 2;
}
