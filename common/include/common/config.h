// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_CONFIG_H
#define COMMON_CONFIG_H

#include "common/strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Configuration is a declarative table of settings read once from environment variables at
 * start. The database is configured with libpq's own PG* variables, not here.
 */
enum config_type { CONFIG_STRING, CONFIG_INT, CONFIG_BOOL };

struct config_def {
	const char *name; /* environment variable, e.g. "BALADIYA_PORT" */
	enum config_type type;
	const char *default_value; /* NULL: no default */
	bool required;
	long min, max; /* CONFIG_INT bounds, inclusive */
	size_t offset; /* of the field in the settings struct: char *, long or bool */
	const char *help;
};

/*
 * Fill settings (a struct described by defs) from getenv(), falling back to defaults.
 * Every bad or missing value is appended to errors as one line; returns the number of errors
 * (0 on success). Strings are malloc'd; config_release frees them.
 */
int config_load(const struct config_def *defs, size_t n, void *settings, struct strbuf *errors);
/* Same, but reading values from the lookup function instead of getenv (for tests). */
int config_load_from(const struct config_def *defs, size_t n, void *settings,
		     const char *(*lookup)(const char *name, void *ctx), void *ctx,
		     struct strbuf *errors);
void config_release(const struct config_def *defs, size_t n, void *settings);
/* Print the table (name, type, default, required, help) for --help. */
void config_print_help(const struct config_def *defs, size_t n, FILE *out);

/* The settings both daemons share; each side supplies its own defaults (ports). */
struct app_config {
	char *bind;
	long port;
	long threads;      /* page handlers' (the pages' queue, workq.h) */
	long http_threads; /* libmicrohttpd's, reading and writing connections */
	char *theme_dir;
	char *public_url;
	char *log_level;
	char *data_dir;
	char *peer_url;
	char *languages;
	long max_body_kib;
	bool secure_cookies;
	long cache_entries;
	char *read_database_url; /* anonymous cached pages may read there (a hot standby) */
	char *map_tiles;         /* tile URL template with {z} {x} {y} (Leaflet's syntax) */
	char *map_attribution;   /* plain text */
	/* anti-abuse limits (common/limits.h) */
	char *trusted_proxies; /* addresses or CIDR prefixes whose X-Forwarded-For is believed */
	char *rate_limits;     /* "scope=N,..." per client and minute, over the modules' defaults */
	char *event_ceilings;  /* "type=N,..." signed events per minute, over the modules' */
	long login_client_failures;  /* failed sign-ins of one client in 15 minutes */
	long login_account_failures; /* failed sign-ins on one account in 15 minutes */
	long max_connections;
	long max_connections_per_ip; /* 0: no limit */
	long heavy_threads;          /* the work queue's (common/workq.h) */
	long heavy_queue;            /* its waiting slots */
	long body_memory_mib;
	long tlog_checkpoint_min; /* a signed checkpoint of the own log at least this often */
	long cosign_seconds; /* the witness's round: the peer's checkpoint checked and cosigned */
	char *instance; /* this replica's name (common/leader.h); default "<hostname>:<port>" */
	char *job_intervals; /* "job=seconds,...": periodic jobs' intervals over the modules' */
};

/* The definitions of struct app_config for a side: default port 8080 or 8081, data dir. */
const struct config_def *app_config_defs(const char *side, size_t *n);

#endif
