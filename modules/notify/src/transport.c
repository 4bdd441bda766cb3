// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The two ways out, through libcurl: SMTP (submission with STARTTLS, or implicit TLS, AUTH as
 * the server offers, one connection kept between messages) and an SMS gateway over HTTP (a
 * URL template, GET or POST, an auth header; any 2xx means sent). Errors name no recipient.
 */
#include "internal.h"

#include "common/xalloc.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TIMEOUT_S 30L

struct transport {
	CURL *smtp, *http;
};

struct transport *
transport_new(void)
{
	struct transport *t = xcalloc(1, sizeof(*t));
	return t;
}

void
transport_free(struct transport *t)
{
	if (!t)
		return;
	if (t->smtp)
		curl_easy_cleanup(t->smtp);
	if (t->http)
		curl_easy_cleanup(t->http);
	free(t);
}

struct mail_upload {
	const char *data;
	size_t len, pos;
};

static size_t
on_read(char *buf, size_t size, size_t n, void *arg)
{
	struct mail_upload *u = arg;
	size_t left = u->len - u->pos, room = size * n;
	size_t k = left < room ? left : room;
	memcpy(buf, u->data + u->pos, k);
	u->pos += k;
	return k;
}

static size_t
on_discard(char *data, size_t size, size_t n, void *arg)
{
	(void)data;
	(void)arg;
	return size * n;
}

static long
use_ssl(void)
{
	const char *s = notify_settings.smtp_starttls;
	if (s && !strcasecmp(s, "off"))
		return CURLUSESSL_NONE;
	if (s && !strcasecmp(s, "optional"))
		return CURLUSESSL_TRY;
	return CURLUSESSL_ALL;
}

static void
set_tls(CURL *c)
{
	if (notify_settings.smtp_ca_file && *notify_settings.smtp_ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, notify_settings.smtp_ca_file);
}

int
transport_email(struct transport *t, const char *to, const char *mail, char err[256])
{
	const struct notify_settings *s = &notify_settings;
	if (!s->smtp_url || !*s->smtp_url || !s->smtp_from || !*s->smtp_from) {
		snprintf(err, 256, "no mail server configured (BALADIYA_SMTP_URL, _FROM)");
		return -1;
	}
	if (!t->smtp)
		t->smtp = curl_easy_init();
	CURL *c = t->smtp;
	char errbuf[CURL_ERROR_SIZE] = "";
	struct mail_upload u = {mail, strlen(mail), 0};
	struct curl_slist *rcpt = curl_slist_append(NULL, to);
	curl_easy_setopt(c, CURLOPT_URL, s->smtp_url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, s->smtp_from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_USE_SSL, use_ssl());
	set_tls(c);
	if (s->smtp_user && *s->smtp_user) {
		curl_easy_setopt(c, CURLOPT_USERNAME, s->smtp_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD, s->smtp_password ? s->smtp_password : "");
	}
	curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)u.len);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	CURLcode rc = curl_easy_perform(c);
	curl_slist_free_all(rcpt);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, NULL);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
	if (rc != CURLE_OK) {
		long code = 0;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		/* curl's message names the server, never the recipient */
		snprintf(err, 256, "SMTP: %.200s (reply %ld)",
			 *errbuf ? errbuf : curl_easy_strerror(rc), code);
		/* a broken connection is not reused */
		curl_easy_cleanup(t->smtp);
		t->smtp = NULL;
		return -1;
	}
	return 0;
}

static enum render_encoding
body_encoding(void)
{
	const char *ct = notify_settings.sms_content_type;
	return ct && strstr(ct, "json") ? RENDER_JSON : RENDER_URL;
}

int
transport_sms(struct transport *t, const char *to, const char *text, char err[256])
{
	const struct notify_settings *s = &notify_settings;
	if (!s->sms_url || !*s->sms_url) {
		snprintf(err, 256, "no SMS gateway configured (BALADIYA_SMS_URL)");
		return -1;
	}
	if (!t->http)
		t->http = curl_easy_init();
	CURL *c = t->http;
	curl_easy_reset(c);
	struct strbuf url = STRBUF_INIT, body = STRBUF_INIT;
	char errbuf[CURL_ERROR_SIZE] = "";
	render_gateway(&url, s->sms_url, to, text, RENDER_URL);
	struct curl_slist *headers = NULL;
	if (s->sms_auth_header && *s->sms_auth_header)
		headers = curl_slist_append(headers, s->sms_auth_header);
	curl_easy_setopt(c, CURLOPT_URL, url.buf);
	if (s->sms_method && !strcasecmp(s->sms_method, "GET")) {
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	} else {
		render_gateway(&body, s->sms_body ? s->sms_body : "", to, text, body_encoding());
		char *ct = xasprintf("Content-Type: %s", s->sms_content_type);
		headers = curl_slist_append(headers, ct);
		free(ct);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.buf);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body.len);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_discard);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	set_tls(c);
	CURLcode rc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(headers);
	strbuf_release(&url);
	strbuf_release(&body);
	if (rc != CURLE_OK) {
		/* the URL holds the number: curl's message is not repeated */
		snprintf(err, 256, "SMS gateway: %s", curl_easy_strerror(rc));
		return -1;
	}
	if (status < 200 || status > 299) {
		snprintf(err, 256, "SMS gateway: HTTP %ld", status);
		return -1;
	}
	return 0;
}
