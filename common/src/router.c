// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Route matching over a server's one route table, segment by segment, with path parameters.
 */
#include "common/router.h"

#include <string.h>

static bool
pattern_match(const char *pat, const char *path, struct route_match *m)
{
	m->nparams = 0;
	while (*pat && *path) {
		if (*pat == '*' && pat[1] == '\0') {
			if (m->nparams == ROUTER_MAX_PARAMS)
				return false;
			m->names[m->nparams] = "rest";
			m->name_lens[m->nparams] = 4;
			m->values[m->nparams] = path;
			m->value_lens[m->nparams++] = strlen(path);
			return *path != '\0';
		}
		if (*pat == '{') {
			const char *close = strchr(pat, '}');
			size_t seg = strcspn(path, "/");
			if (!close || seg == 0 || m->nparams == ROUTER_MAX_PARAMS)
				return false;
			m->names[m->nparams] = pat + 1;
			m->name_lens[m->nparams] = (size_t)(close - pat - 1);
			m->values[m->nparams] = path;
			m->value_lens[m->nparams++] = seg;
			pat = close + 1;
			path += seg;
			continue;
		}
		if (*pat != *path)
			return false;
		pat++;
		path++;
	}
	return *pat == '\0' && *path == '\0';
}

static bool
method_accepts(const char *route_method, const char *method)
{
	if (strcmp(route_method, method) == 0)
		return true;
	return strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0;
}

enum router_result
router_match(const struct route *routes, size_t n, const char *method, const char *path,
	     struct route_match *m, struct strbuf *allow)
{
	const struct route *known = NULL;
	for (size_t i = 0; i < n; i++) {
		if (!pattern_match(routes[i].pattern, path, m))
			continue;
		if (method_accepts(routes[i].method, method)) {
			m->route = &routes[i];
			return ROUTER_FOUND;
		}
		if (!known)
			known = &routes[i];
	}
	m->route = known;
	bool path_known = known != NULL;
	if (!path_known)
		return ROUTER_NOT_FOUND;
	for (size_t i = 0; allow && i < n; i++) {
		struct route_match tmp;
		if (!pattern_match(routes[i].pattern, path, &tmp) ||
		    strstr(allow->buf, routes[i].method))
			continue;
		strbuf_addf(allow, "%s%s%s", allow->len ? ", " : "", routes[i].method,
			    strcmp(routes[i].method, "GET") == 0 ? ", HEAD" : "");
	}
	return ROUTER_WRONG_METHOD;
}
