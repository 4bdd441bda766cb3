// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The tarpit (tarpit.h): suspended connections in a list ordered by due time (every hold
 * has the same delay, so appending keeps it ordered), and one thread that resumes them.
 */
#include "tarpit.h"

#include "common/log.h"
#include "common/xalloc.h"

#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

struct held {
	struct MHD_Connection *conn;
	struct timespec due;
	struct held *next;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	bool running, stopping;
	struct held *head, *tail;
} tp = {.lock = PTHREAD_MUTEX_INITIALIZER};

static bool
is_due(const struct timespec *due)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > due->tv_sec ||
	       (now.tv_sec == due->tv_sec && now.tv_nsec >= due->tv_nsec);
}

static void *
tarpit_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&tp.lock);
	for (;;) {
		while (tp.head && (tp.stopping || is_due(&tp.head->due))) {
			struct held *h = tp.head;
			tp.head = h->next;
			if (!tp.head)
				tp.tail = NULL;
			pthread_mutex_unlock(&tp.lock);
			MHD_resume_connection(h->conn);
			free(h);
			pthread_mutex_lock(&tp.lock);
		}
		if (tp.stopping)
			break;
		if (tp.head)
			pthread_cond_timedwait(&tp.cond, &tp.lock, &tp.head->due);
		else
			pthread_cond_wait(&tp.cond, &tp.lock);
	}
	pthread_mutex_unlock(&tp.lock);
	return NULL;
}

int
tarpit_start(void)
{
	if (tp.running)
		return 0;
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&tp.cond, &attr);
	pthread_condattr_destroy(&attr);
	tp.stopping = false;
	if (pthread_create(&tp.thread, NULL, tarpit_main, NULL) != 0) {
		log_error("could not start the tarpit's thread");
		pthread_cond_destroy(&tp.cond);
		return -1;
	}
	tp.running = true;
	return 0;
}

void
tarpit_stop(void)
{
	pthread_mutex_lock(&tp.lock);
	if (!tp.running) {
		pthread_mutex_unlock(&tp.lock);
		return;
	}
	tp.stopping = true;
	pthread_cond_signal(&tp.cond);
	pthread_mutex_unlock(&tp.lock);
	pthread_join(tp.thread, NULL);
	pthread_mutex_lock(&tp.lock);
	tp.running = false;
	pthread_mutex_unlock(&tp.lock);
	pthread_cond_destroy(&tp.cond);
}

bool
tarpit_hold(struct MHD_Connection *conn, long delay_ms)
{
	pthread_mutex_lock(&tp.lock);
	if (!tp.running || tp.stopping) {
		pthread_mutex_unlock(&tp.lock);
		return false;
	}
	struct held *h = xcalloc(1, sizeof(*h));
	h->conn = conn;
	clock_gettime(CLOCK_MONOTONIC, &h->due);
	h->due.tv_sec += delay_ms / 1000;
	h->due.tv_nsec += (delay_ms % 1000) * 1000000L;
	if (h->due.tv_nsec >= 1000000000L) {
		h->due.tv_sec++;
		h->due.tv_nsec -= 1000000000L;
	}
	/* suspended before the thread can see it: it may resume it as soon as it is listed */
	MHD_suspend_connection(conn);
	if (tp.tail)
		tp.tail->next = h;
	else
		tp.head = h;
	tp.tail = h;
	pthread_cond_signal(&tp.cond);
	pthread_mutex_unlock(&tp.lock);
	return true;
}
