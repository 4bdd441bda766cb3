// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_LOG_H
#define COMMON_LOG_H

#include <stdbool.h>
#include <stddef.h>

/*
 * One line per event on stderr: "2026-11-26T07:00:00.123Z LEVEL [req-id] message".
 * Messages follow PostgreSQL's style: lower case, no trailing period, the reason included.
 * Never log secrets or personal data (passwords, contacts, tokens, form contents).
 */
enum log_level { LOG_LEVEL_DEBUG, LOG_LEVEL_INFO, LOG_LEVEL_WARN, LOG_LEVEL_ERROR };

void log_set_level(enum log_level level);
/* Parse "debug"/"info"/"warn"/"error"; returns -1 when unknown. */
int log_level_parse(const char *s, enum log_level *out);
/* The request id shown on this thread's lines (NULL to clear); the string must outlive its use. */
void log_set_request_id(const char *id);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)

/* The access line for one finished request. path excludes the query string. */
void log_access(const char *method, const char *path, unsigned status, size_t bytes,
		double duration_ms);

#endif
