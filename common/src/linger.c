// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Lingering close (linger.h): one epoll thread that drains the sockets of requests answered
 * before their body was read, so that the client reads the answer instead of a reset.
 */
#include "linger.h"

#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct lingering {
	int fd; /* -1: free */
	size_t left;
	long long deadline_ms;
};

static struct {
	pthread_mutex_t lock;
	pthread_t thread;
	bool running, stopping;
	int epfd;
	struct lingering socks[LINGER_MAX_SOCKETS];
} lg = {.lock = PTHREAD_MUTEX_INITIALIZER, .epfd = -1};

static long long
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Close slot s (lock held). */
static void
drop_locked(struct lingering *s)
{
	epoll_ctl(lg.epfd, EPOLL_CTL_DEL, s->fd, NULL);
	close(s->fd);
	s->fd = -1;
}

/* Read and discard what is there; true while the socket is worth keeping (lock held). */
static bool
drain_locked(struct lingering *s)
{
	static char sink[64 * 1024];
	static bool copy; /* MSG_TRUNC refused: read into sink */
	for (;;) {
		size_t cap = copy ? sizeof(sink) : (size_t)1 << 30;
		size_t want = s->left < cap ? s->left : cap;
		if (want == 0)
			return false;
		/* Linux discards TCP data read with MSG_TRUNC without copying it */
		ssize_t n = copy ? recv(s->fd, sink, want, 0) : recv(s->fd, NULL, want, MSG_TRUNC);
		if (n < 0 && !copy && (errno == EINVAL || errno == EFAULT)) {
			copy = true;
			continue;
		}
		if (n > 0) {
			s->left -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
	}
}

static void *
linger_main(void *arg)
{
	(void)arg;
	struct epoll_event ev[32];
	for (;;) {
		int n = epoll_wait(lg.epfd, ev, 32, 100);
		pthread_mutex_lock(&lg.lock);
		if (lg.stopping) {
			pthread_mutex_unlock(&lg.lock);
			break;
		}
		for (int i = 0; i < n; i++) {
			struct lingering *s = ev[i].data.ptr;
			if (s->fd >= 0 && !drain_locked(s))
				drop_locked(s);
		}
		long long now = now_ms();
		for (size_t i = 0; i < LINGER_MAX_SOCKETS; i++)
			if (lg.socks[i].fd >= 0 && lg.socks[i].deadline_ms <= now)
				drop_locked(&lg.socks[i]);
		pthread_mutex_unlock(&lg.lock);
	}
	return NULL;
}

int
linger_start(void)
{
	if (lg.running)
		return 0;
	lg.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (lg.epfd < 0) {
		log_error("could not create the lingering close's epoll: %s", strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < LINGER_MAX_SOCKETS; i++)
		lg.socks[i].fd = -1;
	lg.stopping = false;
	if (pthread_create(&lg.thread, NULL, linger_main, NULL) != 0) {
		log_error("could not start the lingering close's thread");
		close(lg.epfd);
		lg.epfd = -1;
		return -1;
	}
	lg.running = true;
	return 0;
}

void
linger_stop(void)
{
	if (!lg.running)
		return;
	pthread_mutex_lock(&lg.lock);
	lg.stopping = true;
	pthread_mutex_unlock(&lg.lock);
	pthread_join(lg.thread, NULL);
	for (size_t i = 0; i < LINGER_MAX_SOCKETS; i++)
		if (lg.socks[i].fd >= 0)
			drop_locked(&lg.socks[i]);
	close(lg.epfd);
	lg.epfd = -1;
	lg.running = false;
}

void
linger_add(int fd, size_t max_bytes)
{
	if (!lg.running || fd < 0)
		return;
	pthread_mutex_lock(&lg.lock);
	struct lingering *s = NULL;
	for (size_t i = 0; i < LINGER_MAX_SOCKETS && !s; i++)
		if (lg.socks[i].fd < 0)
			s = &lg.socks[i];
	int dup_fd = s ? fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1;
	if (dup_fd >= 0) {
		/* the answer is out: FIN after it, and the client may go on sending */
		shutdown(dup_fd, SHUT_WR);
		fcntl(dup_fd, F_SETFL, fcntl(dup_fd, F_GETFL) | O_NONBLOCK);
		s->fd = dup_fd;
		s->left = max_bytes < LINGER_MAX_BYTES ? max_bytes : LINGER_MAX_BYTES;
		s->deadline_ms = now_ms() + LINGER_TIMEOUT_MS;
		struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.ptr = s};
		if (epoll_ctl(lg.epfd, EPOLL_CTL_ADD, dup_fd, &ev) != 0 || !drain_locked(s))
			drop_locked(s);
	} else if (!s) {
		log_debug("lingering close: %d sockets already draining", LINGER_MAX_SOCKETS);
	}
	pthread_mutex_unlock(&lg.lock);
}
