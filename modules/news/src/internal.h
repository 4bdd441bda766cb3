// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef NEWS_INTERNAL_H
#define NEWS_INTERNAL_H

/* The news module's handlers and loaders, between its own files. */
struct request;
struct app;

void page_news_list(struct request *req);
void page_news_item(struct request *req);
void page_staff_news_list(struct request *req);
void page_staff_news_new(struct request *req);
void page_staff_news_create(struct request *req);
void page_staff_news_edit(struct request *req);
void page_staff_news_update(struct request *req);
void page_staff_news_publish(struct request *req);
void page_staff_news_unpublish(struct request *req);

int news_demo_load(struct app *app, const char *dir); /* news.json */

#endif
