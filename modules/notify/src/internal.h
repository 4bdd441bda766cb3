// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef NOTIFY_INTERNAL_H
#define NOTIFY_INTERNAL_H

/* What the notify module's files share (handlers, the sender, the pure message builders). */
#include "notify/notify.h"

#include "common/config.h"
#include "common/http.h"
#include "common/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

struct app;

/* Settings (environment variables, docs/operations.md). */
struct notify_settings {
	char *smtp_url; /* smtp://host:587 or smtps://host:465; empty: e-mail not sent */
	char *smtp_user;
	char *smtp_password;
	char *smtp_from;     /* the From address */
	char *smtp_starttls; /* "required", "optional" or "off" (smtp:// only) */
	char *smtp_ca_file;  /* extra CA bundle (a test's self-signed certificate) */
	char *sms_url;       /* URL template with {to} and {text}; empty: SMS not sent */
	char *sms_method;    /* GET or POST */
	char *sms_body;      /* POST body template with {to} and {text} */
	char *sms_content_type;
	char *sms_auth_header; /* a whole header line, "Authorization: Bearer ..." */
	long max_attempts;
	long retention_days;
	long backoff_max_s;
};
#define NOTIFY_NSETTINGS 14
extern struct notify_settings notify_settings;
extern const struct config_def notify_settings_defs[NOTIFY_NSETTINGS];

#define NOTIFY_CHANNEL "notify_queue" /* the NOTIFY that wakes the sender */
#define NOTIFY_TEXT_MAX (64 * 1024)
#define NOTIFY_SUBJECT_MAX 400

/* notify.c: checks of what a module queues (pure) */
bool notify_is_header_safe(const char *s);
bool notify_is_valid_email(const char *s);
bool notify_is_valid_phone(const char *s);
bool notify_is_valid_lang(const char *s);
bool notify_is_valid_kind(const char *s);
/* The reason m cannot be queued (a static string), NULL when it can. */
const char *notify_message_problem(const struct notify_message *m);

/* mime.c: an e-mail as its server receives it (pure) */
struct notify_mail {
	const char *from, *to, *subject, *body;
	const char *message_id;      /* without the angle brackets */
	const char *date;            /* RFC 5322 date */
	const char *unsubscribe_url; /* NULL: not a follow message */
};
/* RFC 2047 encoded-words (UTF-8, base64) for a header value holding non-ASCII bytes, folded so
 * that no line passes 78 characters; plain ASCII is copied as is. */
void mime_encode_header(struct strbuf *out, const char *name, const char *value);
/* The whole message: headers, a blank line, the body in base64 lines, CRLF everywhere. */
void mime_build(struct strbuf *out, const struct notify_mail *m);
/* The date of t in RFC 5322's form, in UTC ("Mon, 07 Dec 2026 02:00:00 +0000"). */
void mime_date(long long t, char out[40]);
void mime_base64(struct strbuf *out, const unsigned char *data, size_t len, size_t line_len);

/* render.c: digest texts (pure) */
/* Append tmpl with {to} and {text} replaced by the values, encoded (url: percent-encoding,
 * json: JSON string escapes, else raw). */
enum render_encoding { RENDER_RAW, RENDER_URL, RENDER_JSON };
void render_gateway(struct strbuf *out, const char *tmpl, const char *to, const char *text,
		    enum render_encoding enc);

/* sender.c */
int notify_sender_start(struct app *app);
void notify_sender_stop(struct app *app);

/* transport.c: one message to the server; 0, or -1 with the reason in err (no address in it) */
struct transport;
struct transport *transport_new(void);
void transport_free(struct transport *t);
int transport_email(struct transport *t, const char *to, const char *mail, char err[256]);
int transport_sms(struct transport *t, const char *to, const char *text, char err[256]);

/* pages */
void page_unsubscribe(struct request *req);
void page_unsubscribe_post(struct request *req);

/* commands */
int notify_cli(struct app *app, int argc, char **argv);
int notify_retention_run(struct app *app);

#endif
