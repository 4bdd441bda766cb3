// SPDX-License-Identifier: AGPL-3.0-or-later
/* The notify module's settings: the SMTP server, the SMS gateway, retries and retention. */
#include "internal.h"

#include <stddef.h>

struct notify_settings notify_settings;

#define NS(field) offsetof(struct notify_settings, field)

// clang-format off
const struct config_def notify_settings_defs[NOTIFY_NSETTINGS] = {
	{"BALADIYA_SMTP_URL", CONFIG_STRING, "", false, 0, 0, NS(smtp_url),
	 "notify: the mail server, smtp://host:587 (submission, see _STARTTLS) or smtps://host:465 "
	 "(implicit TLS); empty: e-mails wait in the queue"},
	{"BALADIYA_SMTP_USER", CONFIG_STRING, "", false, 0, 0, NS(smtp_user),
	 "notify: SMTP user name (AUTH PLAIN or LOGIN, as the server offers); empty: no AUTH"},
	{"BALADIYA_SMTP_PASSWORD", CONFIG_STRING, "", false, 0, 0, NS(smtp_password),
	 "notify: SMTP password"},
	{"BALADIYA_SMTP_FROM", CONFIG_STRING, "", false, 0, 0, NS(smtp_from),
	 "notify: the sender address (From and the envelope); required to send e-mail"},
	{"BALADIYA_SMTP_STARTTLS", CONFIG_STRING, "required", false, 0, 0, NS(smtp_starttls),
	 "notify: STARTTLS on smtp:// URLs: required, optional or off (smtps:// is always TLS)"},
	{"BALADIYA_SMTP_CA_FILE", CONFIG_STRING, "", false, 0, 0, NS(smtp_ca_file),
	 "notify: a PEM file of CA certificates to trust for the mail server (else the system's)"},
	{"BALADIYA_SMS_URL", CONFIG_STRING, "", false, 0, 0, NS(sms_url),
	 "notify: the SMS gateway's URL template, {to} and {text} URL-encoded; empty: SMS wait in "
	 "the queue"},
	{"BALADIYA_SMS_METHOD", CONFIG_STRING, "POST", false, 0, 0, NS(sms_method),
	 "notify: GET or POST"},
	{"BALADIYA_SMS_BODY", CONFIG_STRING, "", false, 0, 0, NS(sms_body),
	 "notify: the POST body template with {to} and {text} (URL-encoded for a form, escaped for "
	 "JSON, after _CONTENT_TYPE)"},
	{"BALADIYA_SMS_CONTENT_TYPE", CONFIG_STRING, "application/x-www-form-urlencoded", false, 0,
	 0, NS(sms_content_type), "notify: the POST body's type (application/json or a form)"},
	{"BALADIYA_SMS_AUTH_HEADER", CONFIG_STRING, "", false, 0, 0, NS(sms_auth_header),
	 "notify: one header line sent to the gateway, e.g. \"Authorization: Bearer ...\""},
	{"BALADIYA_NOTIFY_MAX_ATTEMPTS", CONFIG_INT, "12", false, 1, 100, NS(max_attempts),
	 "notify: attempts before a message is marked failed (listed by `notify failed`)"},
	{"BALADIYA_NOTIFY_RETENTION_DAYS", CONFIG_INT, "7", false, 1, 90, NS(retention_days),
	 "notify: days after sending before a message's recipient and texts are erased"},
	{"BALADIYA_NOTIFY_BACKOFF_MAX_S", CONFIG_INT, "3600", false, 1, 86400, NS(backoff_max_s),
	 "notify: the longest wait between two attempts (the wait doubles from 30 s)"},
};
// clang-format on
