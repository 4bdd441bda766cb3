// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef NOTIFY_DB_NOTIFY_H
#define NOTIFY_DB_NOTIFY_H

/* The notify module's SQL (db_notify.c: the contract's writes; db_queue.c: the sender's). */
#include "notify/notify.h"

#include "common/status.h"

#include <jansson.h>
#include <stdbool.h>

int db_notify_enqueue(const struct notify_message *m);
int db_notify_cancel(const char *dedupe_key);
int db_notify_follow(const char *item_kind, const char *item_id, const char *channel,
		     const char *to, const char *lang, const char *private_path,
		     char token[SECRET_TOKEN_SIZE]);
int db_notify_item_changed(const char *item_kind, const char *item_id, const char *title,
			   const char *path, const char *what_key, json_t *vars);
int db_notify_forget_contact(const char *channel, const char *to);
int db_notify_unfollow_item(const char *item_kind, const char *item_id);
int db_notify_item_ended(const char *item_kind, const char *item_id);
/* Erase the follows of ended items that have nothing queued or being sent any more. */
int db_notify_erase_ended(void);

/* The follow a presented unsubscribe token names: *out {id, item_kind, lang} (new reference);
 * STATUS_NOT_FOUND when none. */
enum status db_notify_follow_by_token(const char *token_hash, json_t **out);
/* Erase the follow and its unsent digests; STATUS_NOT_FOUND when it is already gone. */
enum status db_notify_unfollow(const char *token_hash);

/* The sender's side (db_queue.c). A claimed message, everything the sender needs. */
struct queued {
	long long id;
	char *message_id, *channel, *recipient, *lang, *subject, *body, *kind;
	json_t *digest;     /* NULL unless a follow's digest */
	int attempts;       /* including this one */
	char *private_path; /* the follow's private page (a secret), NULL for its public path */
};
void queued_release(struct queued *q);
/* Put back the messages left "sending" for older_than_s seconds or more: at start (0: all,
 * left by a process that stopped), and by the hourly job (a sender that could not mark one).
 * 0/-1. */
int db_queue_recover(int older_than_s);
/* Claim up to max due messages (state sending, attempts + 1) into *out; their number or -1. */
int db_queue_claim(int max, struct queued **out);
int db_queue_sent(long long id);
/* A failed attempt: queued again after backoff_s, or failed when attempts reached max_attempts. */
int db_queue_retry(long long id, int attempts, long max_attempts, long backoff_s,
		   const char *error);
/* Milliseconds until the next queued message is due (0: now), capped at cap_ms; -1 failed. */
long db_queue_next_due_ms(long cap_ms);
/* Erase recipients and texts of messages sent (or failed, cancelled) more than days ago. */
int db_queue_erase_old(long days);
/* Failed messages as {id, kind, channel, attempts, last_error, created_at} (no addresses). */
json_t *db_queue_failed(void);
/* Queue failed messages again (id 0: all); the number requeued or -1. */
long long db_queue_requeue(long long id);
/* Counts by state, {"queued": n, ...}. */
json_t *db_queue_counts(void);

#endif
