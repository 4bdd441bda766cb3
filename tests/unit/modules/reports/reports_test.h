// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef TESTS_REPORTS_TEST_H
#define TESTS_REPORTS_TEST_H

/*
 * What the reports module's unit tests share: a minimal citizen app serving the reports module,
 * whose only asset is the categories file the test gives; a database that cannot be reached
 * (PGHOST names a folder that does not exist), and a way to tell whether a call tried to use it.
 */
#include "common/app.h"
#include "common/db.h"
#include "common/embed.h"
#include "common/log.h"
#include "common/module.h"
#include "reports/report.h"

#include "nodb.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Three categories: a plain one, one with premoderate false, a pre-moderated one with a body. */
static const char test_categories[] =
	"[{\"code\": \"VOI\", \"name\": {\"ar\": \"الطرق\", \"fr\": \"Voirie\"},"
	"  \"target_days\": 15},"
	" {\"code\": \"ECL\", \"name\": {\"ar\": \"الإنارة\", \"fr\": \"Éclairage\", \"en\":"
	"  \"Lighting\"}, \"target_days\": 7, \"premoderate\": false},"
	" {\"code\": \"PRO\", \"name\": {\"ar\": \"النظافة\", \"fr\": \"Propreté\"},"
	"  \"target_days\": 30, \"premoderate\": true,"
	"  \"body\": {\"ar\": \"الولاية\", \"fr\": \"La wilaya\"}}]";

static struct embedded_file test_files[] = {
	{"config/report_categories.json", NULL, 0},
	{NULL, NULL, 0},
};
static const struct embedded_file *test_sets[] = {test_files, NULL};
static const struct module *const test_modules[] = {&reports_module, NULL};

static struct app test_app = {
	.side = "citizen",
	.peer_side = "official",
	.modules = test_modules,
	.asset_sets = test_sets,
};

/* Make json the text of the categories asset; NULL: the asset does not exist. */
static inline void
test_set_categories(const char *json)
{
	test_files[0].name = json ? "config/report_categories.json" : "config/none.json";
	test_files[0].data = (const unsigned char *)(json ? json : "");
	test_files[0].len = json ? strlen(json) : 0;
}

/* The test app on side with the three test categories loaded; 0 or -1. */
static inline int
test_app_open(const char *side)
{
	test_app.side = side;
	test_app.peer_side = strcmp(side, "citizen") == 0 ? "official" : "citizen";
	test_set_categories(test_categories);
	return report_categories_load(&test_app);
}

/* Forget this thread's database state: db_queried() is false until a query is tried. */
static inline void
test_db_forget(void)
{
	db_shutdown_thread();
}

/* True when a query was tried since test_db_forget() (it failed: there is no database). */
static inline bool
test_db_queried(void)
{
	return strcmp(db_last_sqlstate(), "") != 0;
}

#endif
