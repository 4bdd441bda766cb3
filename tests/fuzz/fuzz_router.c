// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The router and the path checks of a request's first call (common/src/router.c, and
 * raw_path_is_safe and match_route of common/src/http.c), over the route tables the two servers
 * build: the base's rows, then each module's for that side in the servers' order. The input is
 * the method (up to the first LF), then the raw URI as libmicrohttpd receives it; the path is
 * decoded as libmicrohttpd does. Checks: a path that passes raw_path_is_safe has no NUL once
 * decoded; the route found, its parameters and the Allow list are exactly what an independent
 * matcher finds (each pattern as a POSIX regular expression, "{name}" as ([^/]+) and a final
 * "*" as (.+)), the twins first: "<path>.json" when its route has ROUTE_JSON_TWIN,
 * "<path>.atom" when it has ROUTE_ATOM_TWIN.
 */
#include "fuzz.h"

#include "../../common/src/http_internal.h"
#include "common/app.h"
#include "common/html.h"
#include "common/module.h"
#include "common/site.h"

#include "citizen.h"
#include "official.h"

#include <microhttpd.h>
#include <regex.h>

struct table {
	struct app app;
	regex_t *re;
	size_t *nparams;
};

static struct table tables[2];

/* pattern as an anchored extended regular expression */
static void
pattern_regex(const char *pat, regex_t *re, size_t *nparams)
{
	struct strbuf sb = STRBUF_INIT;
	*nparams = 0;
	strbuf_addch(&sb, '^');
	for (const char *p = pat; *p; p++) {
		if (*p == '{') {
			p = strchr(p, '}');
			FUZZ_CHECK(p != NULL);
			strbuf_addstr(&sb, "([^/]+)");
			++*nparams;
		} else if (*p == '*' && p[1] == '\0') {
			strbuf_addstr(&sb, "(.+)");
			++*nparams;
		} else if (strchr(".[]()*+?^$|\\{}", *p)) {
			strbuf_addf(&sb, "[%c]", *p);
		} else {
			strbuf_addch(&sb, *p);
		}
	}
	strbuf_addch(&sb, '$');
	FUZZ_CHECK(regcomp(re, sb.buf, REG_EXTENDED) == 0);
	strbuf_release(&sb);
}

static void
table_init(struct table *t, const char *side, const struct module *const *modules)
{
	t->app.side = side;
	t->app.modules = modules;
	size_t n = base_nroutes;
	for (const struct module *const *m = modules; *m; m++)
		n += module_side(&t->app, *m)->nroutes;
	struct route *routes = calloc(n, sizeof(*routes));
	memcpy(routes, base_routes, base_nroutes * sizeof(*routes));
	n = base_nroutes;
	for (const struct module *const *m = modules; *m; m++) {
		const struct module_side *s = module_side(&t->app, *m);
		if (s->nroutes)
			memcpy(routes + n, s->routes, s->nroutes * sizeof(*routes));
		n += s->nroutes;
	}
	t->app.routes = routes;
	t->app.nroutes = n;
	t->re = calloc(n, sizeof(*t->re));
	t->nparams = calloc(n, sizeof(*t->nparams));
	for (size_t i = 0; i < n; i++)
		pattern_regex(routes[i].pattern, &t->re[i], &t->nparams[i]);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	table_init(&tables[0], "official", official_modules);
	table_init(&tables[1], "citizen", citizen_modules);
	return 0;
}

static bool
method_accepts(const char *route_method, const char *method)
{
	return strcmp(route_method, method) == 0 ||
	       (strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

struct expect {
	enum router_result rr;
	size_t route; /* the route found, or the first of the path */
	regmatch_t m[ROUTER_MAX_PARAMS + 1];
	struct strbuf allow;
};

/* The independent matcher: what router_match should answer for path. */
static void
oracle(const struct table *t, const char *method, const char *path, struct expect *e)
{
	bool known = false;
	regmatch_t m[ROUTER_MAX_PARAMS + 1];
	e->rr = ROUTER_NOT_FOUND;
	strbuf_reset(&e->allow);
	for (size_t i = 0; i < t->app.nroutes; i++) {
		if (regexec(&t->re[i], path, ROUTER_MAX_PARAMS + 1, m, 0) != 0)
			continue;
		const struct route *r = &t->app.routes[i];
		if (method_accepts(r->method, method)) {
			e->rr = ROUTER_FOUND;
			e->route = i;
			memcpy(e->m, m, sizeof(m));
			return;
		}
		if (!known) {
			known = true;
			e->route = i;
		}
	}
	if (!known)
		return;
	e->rr = ROUTER_WRONG_METHOD;
	/* each method once, in table order, GET followed by HEAD */
	for (size_t i = 0; i < t->app.nroutes; i++) {
		const struct route *r = &t->app.routes[i];
		if (regexec(&t->re[i], path, 0, NULL, 0) != 0)
			continue;
		bool dup = false;
		for (size_t k = 0; k < i; k++)
			dup |= regexec(&t->re[k], path, 0, NULL, 0) == 0 &&
			       strcmp(t->app.routes[k].method, r->method) == 0;
		if (!dup)
			strbuf_addf(&e->allow, "%s%s%s", e->allow.len ? ", " : "", r->method,
				    strcmp(r->method, "GET") == 0 ? ", HEAD" : "");
	}
}

static void
check_table(struct table *t, const char *method, const char *raw, const char *path)
{
	struct arena *a = arena_new();
	struct request *req = arena_alloc(a, sizeof(*req));
	struct strbuf allow = STRBUF_INIT;
	struct expect e = {.allow = STRBUF_INIT};
	req->arena = a;
	req->app = &t->app;
	req->method = method;
	req->raw_uri = raw;
	req->path = arena_strdup(a, path);

	enum router_result rr = match_route(req, &allow);

	size_t plen = strlen(path);
	bool twin = false;
	bool json = plen > 5 && strcmp(path + plen - 5, ".json") == 0;
	bool atom = plen > 5 && strcmp(path + plen - 5, ".atom") == 0;
	if (json || atom) {
		char *base = arena_strndup(a, path, plen - 5);
		oracle(t, method, base, &e);
		if (e.rr != ROUTER_NOT_FOUND &&
		    (t->app.routes[e.route].flags & (json ? ROUTE_JSON_TWIN : ROUTE_ATOM_TWIN))) {
			twin = true;
			FUZZ_CHECK(req->want_json == json && req->want_atom == atom &&
				   strcmp(req->path, base) == 0);
		}
	}
	if (!twin) {
		FUZZ_CHECK(!req->want_json && !req->want_atom && strcmp(req->path, path) == 0);
		oracle(t, method, path, &e);
	}
	if (rr != e.rr)
		fprintf(stderr, "%s %s: router %d, expected %d\n", method, path, rr, e.rr);
	FUZZ_CHECK(rr == e.rr);
	if (rr == ROUTER_NOT_FOUND) {
		FUZZ_CHECK(req->match.route == NULL);
	} else {
		FUZZ_CHECK(req->match.route == &t->app.routes[e.route]);
	}
	if (rr == ROUTER_FOUND) {
		FUZZ_CHECK(req->match.nparams == t->nparams[e.route]);
		for (size_t i = 0; i < req->match.nparams; i++) {
			size_t off = (size_t)e.m[i + 1].rm_so,
			       len = (size_t)(e.m[i + 1].rm_eo - e.m[i + 1].rm_so);
			FUZZ_CHECK(req->match.values[i] == req->path + off);
			FUZZ_CHECK(req->match.value_lens[i] == len && len > 0);
		}
		FUZZ_CHECK(method_accepts(req->match.route->method, method));
	}
	if (rr == ROUTER_WRONG_METHOD) {
		if (strcmp(allow.buf, e.allow.buf) != 0)
			fprintf(stderr, "%s %s: Allow \"%s\", expected \"%s\"\n", method, path,
				allow.buf, e.allow.buf);
		FUZZ_CHECK(strcmp(allow.buf, e.allow.buf) == 0);
	}
	strbuf_release(&allow);
	strbuf_release(&e.allow);
	arena_free(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_parts p;
	fuzz_split(data, size, '\n', 2, &p);
	/* a method is a token; a request line ends the URI at a space or a line end */
	char method[17] = "GET";
	size_t mlen = strspn(p.part[0], "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
	if (mlen && mlen < sizeof(method)) {
		memcpy(method, p.part[0], mlen);
		method[mlen] = '\0';
	}
	char *raw = p.part[1];
	raw[strcspn(raw, " \r\n")] = '\0';
	/* libmicrohttpd: the path ends at '?', then is percent-decoded */
	char *path = strndup(raw, strcspn(raw, "?"));
	size_t dlen = MHD_http_unescape(path);
	bool safe = raw_path_is_safe(raw);
	if (safe)
		FUZZ_CHECK(strlen(path) == dlen);
	/* what start_request lets through to the router */
	if (safe && utf8_is_valid(path, strlen(path)) && path[0] == '/') {
		check_table(&tables[0], method, raw, path);
		check_table(&tables[1], method, raw, path);
	}
	free(path);
	fuzz_parts_free(&p);
	return 0;
}
