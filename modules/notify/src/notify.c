// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The contract other modules call (notify/notify.h): checks of what they queue, then the SQL.
 * A value with CR or LF never reaches a header (refused here, at enqueue), so no header can be
 * injected whatever a module passes on.
 */
#include "db_notify.h"
#include "internal.h"

#include "common/i18n.h"
#include "common/log.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

bool
notify_is_header_safe(const char *s)
{
	for (; s && *s; s++)
		if (*s == '\r' || *s == '\n' || *s == '\0')
			return false;
	return true;
}

/* A deliberately plain check: local@domain, printable ASCII, no spaces, brackets or quotes (the
 * SMTP envelope and the To header take it as is). */
bool
notify_is_valid_email(const char *s)
{
	const char *at = s ? strchr(s, '@') : NULL;
	size_t n = s ? strlen(s) : 0;
	if (!at || at == s || !at[1] || strchr(at + 1, '@') || n > 254 || !strchr(at, '.'))
		return false;
	for (; *s; s++)
		if (*s <= ' ' || *s >= 127 || strchr("<>()[]\\,;:\"", *s))
			return false;
	return true;
}

/* E.164: "+", then 8 to 15 digits, the first not 0. */
bool
notify_is_valid_phone(const char *s)
{
	if (!s || s[0] != '+' || s[1] < '1' || s[1] > '9')
		return false;
	size_t n = strlen(s + 1);
	if (n < 8 || n > 15)
		return false;
	for (s++; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

bool
notify_is_valid_lang(const char *s)
{
	return i18n_is_lang_tag(s);
}

bool
notify_is_valid_kind(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > 64 || !islower((unsigned char)s[0]))
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) &&
		    !strchr("_.-", *s))
			return false;
	return true;
}

static bool
is_valid_contact(const char *channel, const char *to)
{
	if (channel && !strcmp(channel, "email"))
		return notify_is_valid_email(to);
	if (channel && !strcmp(channel, "sms"))
		return notify_is_valid_phone(to);
	return false;
}

const char *
notify_message_problem(const struct notify_message *m)
{
	bool email = m->channel && !strcmp(m->channel, "email");
	if (!is_valid_contact(m->channel, m->to))
		return "bad channel or recipient";
	if (!notify_is_valid_lang(m->lang))
		return "bad language";
	if (!notify_is_valid_kind(m->kind))
		return "bad kind";
	if (!m->body || !*m->body || strlen(m->body) > NOTIFY_TEXT_MAX)
		return "empty or too long body";
	if (email && (!m->subject || !*m->subject || strlen(m->subject) > NOTIFY_SUBJECT_MAX))
		return "e-mail without a subject, or too long";
	if (!email && m->subject)
		return "an SMS has no subject";
	if (!notify_is_header_safe(m->subject) || !notify_is_header_safe(m->dedupe_key))
		return "line break in a header value";
	if (m->dedupe_key && (!*m->dedupe_key || strlen(m->dedupe_key) > 200))
		return "bad dedupe key";
	return NULL;
}

int
notify_enqueue(const struct notify_message *m)
{
	const char *why = notify_message_problem(m);
	if (why) {
		/* the kind only: the recipient and texts are personal */
		log_error("could not queue a message of kind \"%.64s\": %s",
			  notify_is_valid_kind(m->kind) ? m->kind : "?", why);
		return -1;
	}
	return db_notify_enqueue(m);
}

int
notify_cancel(const char *dedupe_key)
{
	if (!dedupe_key || !*dedupe_key)
		return -1;
	return db_notify_cancel(dedupe_key);
}

static bool
is_valid_item(const char *item_kind, const char *item_id)
{
	size_t n = item_id ? strlen(item_id) : 0;
	return notify_is_valid_kind(item_kind) && strlen(item_kind) <= 32 && n >= 1 && n <= 64 &&
	       notify_is_header_safe(item_id);
}

/* notify_follow, notify_follow_private (private_path NULL: none). */
static int
follow(const char *item_kind, const char *item_id, const char *channel, const char *to,
       const char *lang, const char *private_path, char token[SECRET_TOKEN_SIZE])
{
	token[0] = '\0';
	if (!is_valid_item(item_kind, item_id) || !is_valid_contact(channel, to) ||
	    !notify_is_valid_lang(lang) ||
	    (private_path && (private_path[0] != '/' || strlen(private_path) > 256 ||
			      !notify_is_header_safe(private_path)))) {
		/* never the path: it is a secret */
		log_error("could not follow %.32s: bad item, contact, language or link",
			  notify_is_valid_kind(item_kind) ? item_kind : "?");
		return -1;
	}
	return db_notify_follow(item_kind, item_id, channel, to, lang, private_path, token);
}

int
notify_follow(const char *item_kind, const char *item_id, const char *channel, const char *to,
	      const char *lang, char token[SECRET_TOKEN_SIZE])
{
	return follow(item_kind, item_id, channel, to, lang, NULL, token);
}

int
notify_follow_private(const char *item_kind, const char *item_id, const char *channel,
		      const char *to, const char *lang, const char *private_path,
		      char token[SECRET_TOKEN_SIZE])
{
	if (!private_path) {
		token[0] = '\0';
		log_error("could not follow an item privately: no link");
		return -1;
	}
	return follow(item_kind, item_id, channel, to, lang, private_path, token);
}

int
notify_item_changed(const char *item_kind, const char *item_id, const char *title, const char *path,
		    const char *what_key, json_t *vars)
{
	if (!is_valid_item(item_kind, item_id) || !title || !*title || !path || path[0] != '/' ||
	    !notify_is_header_safe(path) || !what_key || !*what_key ||
	    (vars && !json_is_object(vars))) {
		log_error("could not notify a change of %.32s: bad arguments",
			  notify_is_valid_kind(item_kind) ? item_kind : "?");
		return -1;
	}
	return db_notify_item_changed(item_kind, item_id, title, path, what_key, vars);
}

int
notify_forget_contact(const char *channel, const char *to)
{
	if (!channel || !to)
		return -1;
	return db_notify_forget_contact(channel, to);
}

int
notify_unfollow_item(const char *item_kind, const char *item_id)
{
	if (!item_kind || !item_id)
		return -1;
	return db_notify_unfollow_item(item_kind, item_id);
}

bool
notify_contact_parse(const char *typed, const char **channel, char to[NOTIFY_CONTACT_SIZE])
{
	to[0] = '\0';
	*channel = NULL;
	if (!typed || strlen(typed) >= NOTIFY_CONTACT_SIZE)
		return false;
	if (strchr(typed, '@')) {
		if (!notify_is_valid_email(typed))
			return false;
		strcpy(to, typed);
		*channel = "email";
		return true;
	}
	/* the digits, without the separators people type */
	char d[NOTIFY_CONTACT_SIZE];
	size_t n = 0;
	bool plus = false;
	for (const char *p = typed; *p; p++) {
		if (isdigit((unsigned char)*p))
			d[n++] = *p;
		else if (*p == '+' && n == 0 && !plus)
			plus = true;
		else if (!strchr(" .-()", *p))
			return false;
	}
	d[n] = '\0';
	if (n > 16)
		return false;
	if (plus)
		snprintf(to, NOTIFY_CONTACT_SIZE, "+%.16s", d);
	else if (n > 2 && d[0] == '0' && d[1] == '0')
		snprintf(to, NOTIFY_CONTACT_SIZE, "+%.16s", d + 2);
	else if (d[0] == '0' && n == 10) /* Algerian national numbers: 0 and 9 digits */
		snprintf(to, NOTIFY_CONTACT_SIZE, "+213%.9s", d + 1);
	if (!notify_is_valid_phone(to)) {
		to[0] = '\0';
		return false;
	}
	*channel = "sms";
	return true;
}

int
notify_item_ended(const char *item_kind, const char *item_id)
{
	if (!item_kind || !item_id)
		return -1;
	return db_notify_item_ended(item_kind, item_id);
}
