// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Logging: one line per event on stderr, with time, level and the current request id.
 * A line is written with one write() so lines from worker threads never interleave.
 */
#include "common/log.h"

#include "common/strbuf.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static _Atomic int log_min_level = LOG_LEVEL_INFO;
static _Thread_local const char *log_request_id;

static const char *const level_names[] = {"DEBUG", "INFO", "WARN", "ERROR"};

void
log_set_level(enum log_level level)
{
	log_min_level = (int)level;
}

int
log_level_parse(const char *s, enum log_level *out)
{
	static const char *const names[] = {"debug", "info", "warn", "error"};
	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	return -1;
}

void
log_set_request_id(const char *id)
{
	log_request_id = id;
}

static void
log_prefix(struct strbuf *sb, enum log_level level)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	char when[32];
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	strbuf_addf(sb, "%s.%03ldZ %s", when, ts.tv_nsec / 1000000, level_names[level]);
	if (log_request_id)
		strbuf_addf(sb, " [%s]", log_request_id);
	strbuf_addch(sb, ' ');
}

static void
log_write(struct strbuf *sb)
{
	/* control characters from hostile input must not forge log lines */
	for (size_t i = 0; i < sb->len; i++)
		if ((unsigned char)sb->buf[i] < 0x20 && sb->buf[i] != '\t')
			sb->buf[i] = '?';
	strbuf_addch(sb, '\n');
	ssize_t n = write(STDERR_FILENO, sb->buf, sb->len);
	(void)n;
	strbuf_release(sb);
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	if ((int)level < log_min_level)
		return;
	struct strbuf sb = STRBUF_INIT;
	log_prefix(&sb, level);
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	log_write(&sb);
}

void
log_access(const char *method, const char *path, unsigned status, size_t bytes, double duration_ms)
{
	if (LOG_LEVEL_INFO < log_min_level)
		return;
	struct strbuf sb = STRBUF_INIT;
	log_prefix(&sb, LOG_LEVEL_INFO);
	strbuf_addf(&sb, "access method=%s path=\"%s\" status=%u bytes=%zu duration_ms=%.2f",
		    method, path, status, bytes, duration_ms);
	log_write(&sb);
}
