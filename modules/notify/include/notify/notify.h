// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef NOTIFY_NOTIFY_H
#define NOTIFY_NOTIFY_H

/*
 * Outgoing messages (both platforms): e-mail by SMTP and SMS by an HTTP gateway, through a
 * durable queue in this daemon's database. A module queues a message in the transaction of the
 * change that causes it; the module's sender thread delivers it within about a second of the
 * commit, retries with backoff while the server is down, and never loses it (docs/modules.md,
 * "The notify module"). Residents follow items and receive an hourly digest of their changes.
 */
#include "common/secret.h"

#include <jansson.h>
#include <stdbool.h>

extern const struct module notify_module;

struct notify_message {
	const char *channel;    /* "email" or "sms" */
	const char *to;         /* an e-mail address, or a phone number in E.164 ("+213...") */
	const char *lang;       /* "ar", "fr", "kab"...: the language subject and body are in */
	const char *subject;    /* e-mail only (NULL for an SMS) */
	const char *body;       /* plain UTF-8 text, already in lang */
	const char *kind;       /* what it is, never personal: "participation.code",
				   "appointment.reminder"... (logs, figures) */
	const char *not_before; /* NULL: as soon as possible; else an ISO 8601 UTC time */
	const char *dedupe_key; /* NULL, or a key: while a message with this key is queued or sent,
				   another is not queued */
};
/* Queue m on this thread's database connection: inside the caller's transaction when one is
 * open, so the message exists exactly when the change that caused it commits. 0, or -1 (logged). */
int notify_enqueue(const struct notify_message *m);
/* Drop the unsent messages queued with this dedupe_key (a reminder of a cancelled booking). 0/-1.
 */
int notify_cancel(const char *dedupe_key);

/* Follow an item: the contact is kept in clear (it is needed to write), with the language.
 * Idempotent per (item_kind, item_id, channel, to). token receives the unsubscribe token (only
 * its SHA-256 is stored; the link is <public url>/unsubscribe/<token>); "" when already following
 * (the token cannot be shown again). 0/-1. In the caller's transaction when one is open. */
int notify_follow(const char *item_kind, const char *item_id, const char *channel, const char *to,
		  const char *lang, char token[SECRET_TOKEN_SIZE]);
/* Like notify_follow, for an item whose page is private to this follower (a form file's
 * tracking page): the messages link to private_path ("/forms/track/<token>", on the public
 * base) instead of the item's path. private_path is kept in the follow row, in clear, and erased
 * with it (unsubscribe, the item's end, notify_forget_contact); never logged. 0/-1. */
int notify_follow_private(const char *item_kind, const char *item_id, const char *channel,
			  const char *to, const char *lang, const char *private_path,
			  char token[SECRET_TOKEN_SIZE]);
/* Something public changed on an item: each follower gets a message in their language, at most
 * one per item per hour (changes within the hour are folded into one digest message). title is
 * the item's public title, path its public address ("/proposals/P-XXXX-XXXX"), what_key a
 * message catalog key (of the caller's module) that says what changed, with {{...}} values from
 * vars (may be NULL). 0/-1. In the caller's transaction when one is open. */
int notify_item_changed(const char *item_kind, const char *item_id, const char *title,
			const char *path, const char *what_key, json_t *vars);
/* Erase every follow and every unsent message of this contact (a resident erasing their data). */
int notify_forget_contact(const char *channel, const char *to);
/* Erase every follow of an item (the item's module erases or hides it), with its unsent digests.
 * 0/-1. In the caller's transaction when one is open. */
int notify_unfollow_item(const char *item_kind, const char *item_id);
/* The item reached its end (a closed file): its follows are erased once the digests still
 * queued for them are sent (by the hourly job). 0/-1. In the caller's transaction. */
int notify_item_ended(const char *item_kind, const char *item_id);

struct strbuf;
/* Append tmpl (a catalog message) with each {{name}} replaced by the string or integer vars
 * holds for it (nothing for a name vars lacks): the texts callers build for notify_enqueue. */
void notify_render(struct strbuf *out, const char *tmpl, json_t *vars);

#define NOTIFY_CONTACT_SIZE 256
/* A contact as a resident typed it into a form: an e-mail address, or a phone number
 * (international "+213 555 12 34 56", "00213...", or Algerian national "0555 12 34 56") as the
 * channel ("email" or "sms", static) and the address the queue takes (E.164 for a phone) in to;
 * false when it is neither. */
bool notify_contact_parse(const char *typed, const char **channel, char to[NOTIFY_CONTACT_SIZE]);

#endif
