// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The news part of "<side>-srv demo load DIR": DIR/news.json, [{"title": {lang: text}, "body":
 * {lang: markdown}}], published as own items through the staff form's path (row and signed
 * event in one transaction); an item whose title is there already is skipped.
 */
#include "news/news.h"

#include "internal.h"

#include "common/app.h"
#include "common/demo.h"
#include "news/db_news.h"

static int
demo_news_entry(struct app *app, const char *path, size_t i, json_t *item, struct demo_counts *n)
{
	(void)path;
	(void)i;
	json_t *title = json_object_get(item, "title");
	long long have = db_news_find_own(app->side, title);
	if (have != 0) {
		n->present += have > 0;
		return have > 0 ? 0 : -1;
	}
	if (news_create(app->side, 0, title, json_object_get(item, "body"), true) < 0)
		return -1;
	n->added++;
	return 0;
}

static const struct demo_file news_demo = {
	.name = "news.json",
	.noun = "demo news items",
	.entry = demo_news_entry,
};

int
news_demo_load(struct app *app, const char *dir)
{
	return demo_load_file(app, dir, &news_demo);
}
