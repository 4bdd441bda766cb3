// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The sender thread: woken by the NOTIFY of each enqueue (so a message leaves within about a
 * second of the commit that queued it), or when the next queued message is due. It claims a
 * few due rows (FOR UPDATE SKIP LOCKED), sends each and marks it sent or schedules a retry with
 * exponential backoff; after max_attempts a message is failed (`notify failed` lists them).
 * Logs carry the message's id and kind, never a recipient or a text. Every replica runs the
 * thread; only the one holding the elected role "notify-sender" (common/leader.h) sends, and
 * it puts back in the queue what a holder that died was sending when it takes the role.
 */
#include "db_notify.h"
#include "internal.h"

#include "common/app.h"
#include "common/db.h"
#include "common/i18n.h"
#include "common/leader.h"
#include "common/log.h"
#include "common/module.h"
#include "common/xalloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CLAIM_BATCH 20
#define IDLE_MS 5000
#define BACKOFF_BASE_S 30L

struct sender {
	struct app *app;
	pthread_t thread;
	int wake_fd[2];
	atomic_bool stopping;
	char *base; /* the public URL, without a trailing slash */
	struct transport *transport;
};

static long
backoff_s(int attempts)
{
	long s = BACKOFF_BASE_S, cap = notify_settings.backoff_max_s;
	for (int i = 1; i < attempts && s < cap; i++)
		s *= 2;
	return s < cap ? s : cap;
}

/* A follow's digest in the follower's language: the lines of what changed, the item's link
 * and the unsubscribe link. Fills subject (e-mail) and body. */
static void
render_digest(const struct sender *s, const struct queued *q, struct strbuf *subject,
	      struct strbuf *body, char **unsubscribe)
{
	const struct i18n *i18n = s->app->i18n;
	json_t *title = json_object_get(q->digest, "title");
	json_t *v = json_pack("{s:O}", "title", title);
	notify_render(subject, i18n_get(i18n, q->lang, "notify_digest_subject"), v);
	for (char *p = subject->buf; *p; p++)
		if (*p == '\r' || *p == '\n')
			*p = ' ';
	notify_render(body, i18n_get(i18n, q->lang, "notify_digest_intro"), v);
	strbuf_addstr(body, "\n\n");
	size_t i;
	json_t *change;
	json_array_foreach(json_object_get(q->digest, "changes"), i, change)
	{
		strbuf_addstr(body, "- ");
		json_t *vars = json_object_get(change, "vars");
		notify_render(
			body,
			i18n_get(i18n, q->lang, json_string_value(json_object_get(change, "key"))),
			vars);
		strbuf_addch(body, '\n');
	}
	/* the follower's private page (read from the follow, never copied) or the item's */
	const char *path = q->private_path ? q->private_path
					   : json_string_value(json_object_get(q->digest, "path"));
	strbuf_addf(body, "\n%s\n%s%s%slang=%s\n\n", i18n_get(i18n, q->lang, "notify_digest_link"),
		    s->base, path, strchr(path, '?') ? "&" : "?", q->lang);
	*unsubscribe = xasprintf("%s/unsubscribe/%s", s->base,
				 json_string_value(json_object_get(q->digest, "token")));
	/* the header's link has no query (one-click POSTs go there); the reader's has the language
	 */
	strbuf_addf(body, "%s\n%s?lang=%s\n", i18n_get(i18n, q->lang, "notify_digest_unsubscribe"),
		    *unsubscribe, q->lang);
	json_decref(v);
}

/* Send one claimed message; 0 or -1 with the reason in err. */
static int
send_one(struct sender *s, const struct queued *q, char err[256])
{
	struct strbuf subject = STRBUF_INIT, body = STRBUF_INIT;
	char *unsubscribe = NULL;
	int rc;
	if (q->digest) {
		render_digest(s, q, &subject, &body, &unsubscribe);
	} else {
		strbuf_addstr(&subject, q->subject ? q->subject : "");
		strbuf_addstr(&body, q->body ? q->body : "");
	}
	if (!strcmp(q->channel, "sms")) {
		rc = transport_sms(s->transport, q->recipient, body.buf, err);
	} else {
		char date[40];
		mime_date((long long)time(NULL), date);
		struct notify_mail m = {
			.from = notify_settings.smtp_from,
			.to = q->recipient,
			.subject = subject.buf,
			.body = body.buf,
			.message_id = q->message_id,
			.date = date,
			.unsubscribe_url = unsubscribe,
		};
		struct strbuf mail = STRBUF_INIT;
		mime_build(&mail, &m);
		rc = transport_email(s->transport, q->recipient, mail.buf, err);
		strbuf_release(&mail);
	}
	free(unsubscribe);
	strbuf_release(&subject);
	strbuf_release(&body);
	return rc;
}

/* Claim and send one batch; the number claimed, or -1 when the database failed. */
static int
send_batch(struct sender *s)
{
	struct queued *q;
	int n = db_queue_claim(CLAIM_BATCH, &q);
	for (int i = 0; i < n; i++) {
		char err[256] = "";
		if (atomic_load(&s->stopping)) {
			/* not attempted: back in the queue, this claim not counted */
			db_queue_retry(q[i].id, q[i].attempts - 1, notify_settings.max_attempts + 1,
				       0, NULL);
		} else if (send_one(s, &q[i], err) == 0) {
			if (db_queue_sent(q[i].id) < 0)
				log_error("notify: message %lld was sent but could not be marked: "
					  "it will be sent again with the same Message-ID",
					  q[i].id);
			log_debug("notify: message %lld (%s) sent", q[i].id, q[i].kind);
		} else {
			bool give_up = q[i].attempts >= notify_settings.max_attempts;
			long wait_s = backoff_s(q[i].attempts);
			if (give_up)
				log_error("notify: message %lld (%s) failed after %d attempts: %s",
					  q[i].id, q[i].kind, q[i].attempts, err);
			else
				log_warn("notify: could not send message %lld (%s), attempt %d, "
					 "next in %ld s: %s",
					 q[i].id, q[i].kind, q[i].attempts, wait_s, err);
			db_queue_retry(q[i].id, q[i].attempts, notify_settings.max_attempts, wait_s,
				       err);
		}
		queued_release(&q[i]);
	}
	free(q);
	return n;
}

static void *
sender_main(void *arg)
{
	struct sender *s = arg;
	struct leader *role = leader_new(s->app, "notify-sender");
	bool recovered = false;
	s->transport = transport_new();
	while (!atomic_load(&s->stopping)) {
		if (!leader_hold(role)) {
			/* another replica sends; what this one held "sending" when it died is put
			 * back by the holder */
			recovered = false;
			db_wait_notify(NOTIFY_CHANNEL, LEADER_RETRY_MS, s->wake_fd[0]);
			continue;
		}
		/* on taking the role: the messages a holder left "sending" go back in the queue
		 * (only the holder sends, so none is being sent now) */
		if (!recovered) {
			if (db_queue_recover(0) < 0) {
				db_wait_notify(NOTIFY_CHANNEL, 1000, s->wake_fd[0]);
				continue;
			}
			recovered = true;
		}
		int n = send_batch(s);
		if (n > 0)
			continue;
		long wait_ms = n < 0 ? 1000 : db_queue_next_due_ms(IDLE_MS);
		if (wait_ms < 0)
			wait_ms = 1000;
		if (wait_ms > 0)
			db_wait_notify(NOTIFY_CHANNEL, (int)wait_ms, s->wake_fd[0]);
	}
	transport_free(s->transport);
	leader_free(role);
	db_shutdown_thread();
	return NULL;
}

int
notify_sender_start(struct app *app)
{
	struct sender *s = xcalloc(1, sizeof(*s));
	s->app = app;
	const char *url = app->cfg.public_url;
	s->base = url ? xstrdup(url) : xasprintf("http://%s:%ld", app->cfg.bind, app->cfg.port);
	for (size_t n = strlen(s->base); n > 0 && s->base[n - 1] == '/'; n--)
		s->base[n - 1] = '\0';
	atomic_init(&s->stopping, false);
	if (pipe(s->wake_fd) < 0 || pthread_create(&s->thread, NULL, sender_main, s) != 0) {
		log_error("notify: could not start the sender thread");
		free(s->base);
		free(s);
		return -1;
	}
	module_state_set(app, &notify_module, s);
	return 0;
}

void
notify_sender_stop(struct app *app)
{
	struct sender *s = module_state(app, &notify_module);
	if (!s)
		return;
	atomic_store(&s->stopping, true);
	ssize_t w = write(s->wake_fd[1], "x", 1);
	(void)w;
	pthread_join(s->thread, NULL);
	close(s->wake_fd[0]);
	close(s->wake_fd[1]);
	free(s->base);
	free(s);
	module_state_set(app, &notify_module, NULL);
}
