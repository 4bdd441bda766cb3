// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The configuration table: typed settings from environment variables, every error reported
 * before exit, and the --help text generated from the same table.
 */
#include "common/config.h"

#include "common/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *
env_lookup(const char *name, void *ctx)
{
	(void)ctx;
	return getenv(name);
}

static int
parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"1", "true", "yes", "on"};
	static const char *const no[] = {"0", "false", "no", "off"};
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

int
config_load_from(const struct config_def *defs, size_t n, void *settings,
		 const char *(*lookup)(const char *name, void *ctx), void *ctx,
		 struct strbuf *errors)
{
	int nerr = 0;
	for (size_t i = 0; i < n; i++) {
		const struct config_def *d = &defs[i];
		char *field = (char *)settings + d->offset;
		const char *v = lookup(d->name, ctx);
		if (v && !*v && d->type != CONFIG_STRING)
			v = NULL;
		if (!v)
			v = d->default_value;
		if (!v) {
			if (d->required) {
				strbuf_addf(errors, "%s is required: %s\n", d->name, d->help);
				nerr++;
			}
			continue;
		}
		switch (d->type) {
		case CONFIG_STRING:
			free(*(char **)field);
			*(char **)field = xstrdup(v);
			break;
		case CONFIG_INT: {
			char *end;
			errno = 0;
			long l = strtol(v, &end, 10);
			if (errno || end == v || *end) {
				strbuf_addf(errors, "%s: \"%s\" is not an integer\n", d->name, v);
				nerr++;
			} else if (l < d->min || l > d->max) {
				strbuf_addf(errors, "%s: %ld is out of range [%ld, %ld]\n", d->name,
					    l, d->min, d->max);
				nerr++;
			} else {
				*(long *)field = l;
			}
			break;
		}
		case CONFIG_BOOL:
			if (parse_bool(v, (bool *)field) < 0) {
				strbuf_addf(errors, "%s: \"%s\" is not a boolean (true/false)\n",
					    d->name, v);
				nerr++;
			}
			break;
		}
	}
	return nerr;
}

int
config_load(const struct config_def *defs, size_t n, void *settings, struct strbuf *errors)
{
	return config_load_from(defs, n, settings, env_lookup, NULL, errors);
}

void
config_release(const struct config_def *defs, size_t n, void *settings)
{
	for (size_t i = 0; i < n; i++)
		if (defs[i].type == CONFIG_STRING) {
			char **field = (char **)((char *)settings + defs[i].offset);
			free(*field);
			*field = NULL;
		}
}

void
config_print_help(const struct config_def *defs, size_t n, FILE *out)
{
	static const char *const types[] = {"string", "integer", "boolean"};
	fprintf(out, "Configuration (environment variables; the database uses libpq's PGHOST, "
		     "PGPORT, PGDATABASE, PGUSER...):\n\n");
	for (size_t i = 0; i < n; i++) {
		const struct config_def *d = &defs[i];
		fprintf(out, "  %-24s %-8s %s%s\n", d->name, types[d->type],
			d->required ? "required" : "default: ",
			d->required ? "" : (d->default_value ? d->default_value : "(none)"));
		if (d->type == CONFIG_INT)
			fprintf(out, "  %-24s %-8s range %ld..%ld\n", "", "", d->min, d->max);
		fprintf(out, "  %-24s %s\n\n", "", d->help);
	}
}

#define APP(field) offsetof(struct app_config, field)

static const struct config_def app_defs_template[] = {
	{"BALADIYA_BIND", CONFIG_STRING, "127.0.0.1", false, 0, 0, APP(bind),
	 "IPv4 address to listen on"},
	{"BALADIYA_PORT", CONFIG_INT, NULL, false, 1, 65535, APP(port), "TCP port to listen on"},
	{"BALADIYA_THREADS", CONFIG_INT, "4", false, 1, 256, APP(threads),
	 "threads running page handlers, any free one taking the oldest request (each holds "
	 "one database connection)"},
	{"BALADIYA_HTTP_THREADS", CONFIG_INT, "2", false, 1, 64, APP(http_threads),
	 "threads reading and writing the connections (each reads sessions and the page cache: "
	 "one database connection each)"},
	{"BALADIYA_THEME_DIR", CONFIG_STRING, NULL, false, 0, 0, APP(theme_dir),
	 "commune theme folder: site.json, templates/ and static/ overriding the built-in ones"},
	{"BALADIYA_PUBLIC_URL", CONFIG_STRING, NULL, false, 0, 0, APP(public_url),
	 "the URL residents use to reach this site (default http://BIND:PORT)"},
	{"BALADIYA_LOG_LEVEL", CONFIG_STRING, "info", false, 0, 0, APP(log_level),
	 "debug, info, warn or error"},
	{"BALADIYA_DATA_DIR", CONFIG_STRING, NULL, false, 0, 0, APP(data_dir),
	 "private folder for this daemon's signing keys"},
	{"BALADIYA_PEER_URL", CONFIG_STRING, NULL, false, 0, 0, APP(peer_url),
	 "base URL of the paired platform (the other side)"},
	{"BALADIYA_LANGUAGES", CONFIG_STRING, NULL, false, 0, 0, APP(languages),
	 "enabled languages, the first is the default (default: the theme's \"languages\", else "
	 "ar,fr,en)"},
	{"BALADIYA_MAX_BODY_KIB", CONFIG_INT, "64", false, 1, 1048576, APP(max_body_kib),
	 "request body cap of the routes that set none, in KiB (upload routes set their own)"},
	{"BALADIYA_SECURE_COOKIES", CONFIG_BOOL, "true", false, 0, 0, APP(secure_cookies),
	 "__Host- prefixed Secure cookies (turn off only for plain-http tools without localhost)"},
	{"BALADIYA_CACHE_ENTRIES", CONFIG_INT, "512", false, 0, 100000, APP(cache_entries),
	 "anonymous page cache size (0 disables it)"},
	{"BALADIYA_READ_DATABASE_URL", CONFIG_STRING, NULL, false, 0, 0, APP(read_database_url),
	 "libpq connection string that anonymous cacheable pages may read from (a hot standby; "
	 "e.g. target_session_attrs=prefer-standby); unset: every read on the primary"},
	{"BALADIYA_MAP_TILES", CONFIG_STRING, "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
	 false, 0, 0, APP(map_tiles),
	 "map tile URL template ({z}/{x}/{y}); its origin is allowed in the CSP's img-src"},
	{"BALADIYA_MAP_ATTRIBUTION", CONFIG_STRING, "© OpenStreetMap contributors", false, 0, 0,
	 APP(map_attribution), "the tiles' attribution shown on every map (plain text)"},
	{"BALADIYA_TRUSTED_PROXIES", CONFIG_STRING, NULL, false, 0, 0, APP(trusted_proxies),
	 "reverse proxies (IPv4/IPv6 addresses or CIDR prefixes, comma-separated) whose "
	 "X-Forwarded-For names the client; none by default"},
	{"BALADIYA_RATE_LIMITS", CONFIG_STRING, NULL, false, 0, 0, APP(rate_limits),
	 "per-client actions a minute, over the built-in ones: scope=N,... (\"*\" for every "
	 "scope), e.g. report=5,reaction=5,support=10,open311=10"},
	{"BALADIYA_EVENT_CEILINGS", CONFIG_STRING, NULL, false, 0, 0, APP(event_ceilings),
	 "signed events a minute per type, over the built-in ones: type=N,... (\"prefix.*\", "
	 "\"*\" allowed), e.g. report.created=60"},
	{"BALADIYA_LOGIN_CLIENT_FAILURES", CONFIG_INT, "30", false, 1, 1000000,
	 APP(login_client_failures),
	 "failed sign-ins one client may make in 15 minutes, every account together"},
	{"BALADIYA_LOGIN_ACCOUNT_FAILURES", CONFIG_INT, "100", false, 1, 1000000,
	 APP(login_account_failures),
	 "failed sign-ins on one account in 15 minutes, every client together, after which only "
	 "clients without failures on it may try"},
	{"BALADIYA_MAX_CONNECTIONS", CONFIG_INT, "512", false, 1, 100000, APP(max_connections),
	 "open HTTP connections at most; more wait to be accepted"},
	{"BALADIYA_MAX_CONNECTIONS_PER_IP", CONFIG_INT, "128", false, 0, 100000,
	 APP(max_connections_per_ip),
	 "open HTTP connections from one client address at most (0: no limit; behind a reverse "
	 "proxy every client has the proxy's address)"},
	{"BALADIYA_HEAVY_THREADS", CONFIG_INT, "1", false, 1, 64, APP(heavy_threads),
	 "threads for CPU-heavy requests (photo uploads, sign-in), apart from the HTTP threads"},
	{"BALADIYA_HEAVY_QUEUE", CONFIG_INT, "4", false, 0, 1024, APP(heavy_queue),
	 "CPU-heavy requests waiting for those threads at most; more get 503 server_busy"},
	{"BALADIYA_BODY_MEMORY_MIB", CONFIG_INT, "256", false, 1, 65536, APP(body_memory_mib),
	 "request bodies held at once, in MiB; a request that would pass it gets 503 server_busy"},
	{"BALADIYA_TLOG_CHECKPOINT_MINUTES", CONFIG_INT, "5", false, 1, 1440,
	 APP(tlog_checkpoint_min),
	 "minutes between the signed checkpoints of this platform's log when it grew (the "
	 "transparency log, docs/protocol.md)"},
	{"BALADIYA_COSIGN_SECONDS", CONFIG_INT, "60", false, 1, 86400, APP(cosign_seconds),
	 "how often, in seconds, the peer's latest checkpoint is checked and cosigned (also right "
	 "after a catch-up)"},
	{"BALADIYA_INSTANCE", CONFIG_STRING, NULL, false, 0, 0, APP(instance),
	 "this replica's name, shown where the roles only one replica plays are listed (the "
	 "sender, "
	 "the puller, the jobs...); default <hostname>:<port>"},
	{"BALADIYA_JOB_INTERVALS", CONFIG_STRING, NULL, false, 0, 0, APP(job_intervals),
	 "\"job=seconds,...\": the periodic jobs' intervals, over the modules' own (the jobs' "
	 "names are in docs/operations.md)"},
};

const struct config_def *
app_config_defs(const char *side, size_t *n)
{
	static struct config_def official[ARRAY_SIZE(app_defs_template)];
	static struct config_def citizen[ARRAY_SIZE(app_defs_template)];
	bool is_official = strcmp(side, "official") == 0;
	struct config_def *defs = is_official ? official : citizen;
	memcpy(defs, app_defs_template, sizeof(app_defs_template));
	/* the defaults that differ by side, found by name (the table's order is free) */
	for (size_t i = 0; i < ARRAY_SIZE(app_defs_template); i++)
		if (strcmp(defs[i].name, "BALADIYA_PORT") == 0)
			defs[i].default_value = is_official ? "8080" : "8081";
		else if (strcmp(defs[i].name, "BALADIYA_DATA_DIR") == 0)
			defs[i].default_value = is_official ? "var/official" : "var/citizen";
	*n = ARRAY_SIZE(app_defs_template);
	return defs;
}
