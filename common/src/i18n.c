// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Message catalogs and language choice. Catalogs are merged at load (each language over French),
 * so a lookup at request time is one hash lookup and a missing key is logged once, at start.
 */
#include "common/i18n.h"

#include "common/app.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "common/xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define I18N_MAX_LANGS 8

struct i18n {
	size_t n;
	char *codes[I18N_MAX_LANGS];
	json_t *catalogs; /* lang -> merged object */
	json_t *languages;
};

/* The names languages give themselves, shown in the language switcher; a code not listed
 * here is shown as its code. */
static const struct {
	const char *code, *name;
} known_langs[] = {
	{"ar", "العربية"},    {"fr", "Français"},        {"en", "English"},
	{"kab", "Taqbaylit"}, {"kab-Latn", "Taqbaylit"}, {"kab-Tfng", "ⵜⴰⵇⴱⴰⵢⵍⵉⵜ"},
	{"zgh", "ⵜⴰⵎⴰⵣⵉⵖⵜ"},  {"ber", "Tamaziɣt"},
};

/* Languages written right to left by default, and the scripts that are (ISO 15924). */
static const char *const rtl_langs[] = {"ar", "arc", "ckb", "dv", "fa", "he",
					"ps", "sd",  "ug",  "ur", "yi"};
static const char *const rtl_scripts[] = {"Arab", "Hebr", "Thaa", "Syrc", "Nkoo", "Adlm", "Rohg"};

bool
i18n_is_lang_tag(const char *s)
{
	/* a primary language subtag of 2-3 letters, then subtags of 2-8 letters or digits,
	 * 8 characters in all (the size of the codes per-language texts may carry) */
	size_t len = s ? strlen(s) : 0;
	if (len < 2 || len > 8)
		return false;
	size_t primary = 0;
	while (isalpha((unsigned char)s[primary]))
		primary++;
	if (primary < 2 || primary > 3)
		return false;
	for (const char *p = s + primary; *p;) {
		if (*p++ != '-')
			return false;
		size_t n = 0;
		while (isalnum((unsigned char)p[n]))
			n++;
		if (n < 2)
			return false;
		p += n;
	}
	return true;
}

bool
i18n_is_rtl(const char *lang)
{
	if (!lang)
		return false;
	size_t primary = strcspn(lang, "-_");
	for (size_t i = 0; i < ARRAY_SIZE(rtl_langs); i++)
		if (strlen(rtl_langs[i]) == primary &&
		    strncasecmp(lang, rtl_langs[i], primary) == 0) {
			/* unless another script is named: "ar-Latn" is left to right */
			const char *script = lang[primary] ? lang + primary + 1 : NULL;
			if (script && strlen(script) >= 4 && isalpha((unsigned char)script[0]) &&
			    strcspn(script, "-_") == 4) {
				for (size_t k = 0; k < ARRAY_SIZE(rtl_scripts); k++)
					if (strncasecmp(script, rtl_scripts[k], 4) == 0)
						return true;
				return false;
			}
			return true;
		}
	for (const char *p = strchr(lang, '-'); p; p = strchr(p + 1, '-'))
		if (strcspn(p + 1, "-_") == 4)
			for (size_t k = 0; k < ARRAY_SIZE(rtl_scripts); k++)
				if (strncasecmp(p + 1, rtl_scripts[k], 4) == 0)
					return true;
	return false;
}

static const char *
lang_name(const char *code)
{
	for (size_t i = 0; i < ARRAY_SIZE(known_langs); i++)
		if (strcmp(known_langs[i].code, code) == 0)
			return known_langs[i].name;
	return code;
}

static struct i18n *
i18n_build(const char *languages, json_t *raw)
{
	struct i18n *i = xcalloc(1, sizeof(*i));
	i->catalogs = json_object();
	i->languages = json_array();
	json_t *fr = json_object_get(raw, "fr");
	char *list = xstrdup(languages);
	char *save = NULL;
	for (char *tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		const json_t *cat = json_object_get(raw, tok);
		if (!json_is_object(cat) || i->n == I18N_MAX_LANGS) {
			log_error("message catalog for language \"%s\" is missing or not a JSON "
				  "object",
				  tok);
			free(list);
			i18n_free(i);
			return NULL;
		}
		json_t *merged = json_deep_copy(cat);
		const char *key;
		json_t *val;
		if (fr && strcmp(tok, "fr") != 0)
			json_object_foreach(fr, key, val)
			{
				if (!json_object_get(merged, key)) {
					log_warn("message \"%s\" missing in language \"%s\": using "
						 "French",
						 key, tok);
					json_object_set(merged, key, val);
				}
			}
		json_object_set_new(i->catalogs, tok, merged);
		i->codes[i->n++] = xstrdup(tok);
		json_array_append_new(i->languages, json_pack("{s:s, s:s, s:s}", "code", tok,
							      "name", lang_name(tok), "dir",
							      i18n_is_rtl(tok) ? "rtl" : "ltr"));
	}
	free(list);
	if (i->n == 0) {
		log_error("no language enabled");
		i18n_free(i);
		return NULL;
	}
	return i;
}

struct i18n *
i18n_from_json(const char *languages, json_t *catalogs)
{
	return i18n_build(languages, catalogs);
}

struct i18n *
i18n_load(struct app *app, const char *languages)
{
	json_t *raw = json_object();
	/* French (the reference every catalog is merged over), then each listed language */
	const char *codes[I18N_MAX_LANGS + 1] = {"fr"};
	size_t ncodes = 1;
	char *list = xstrdup(languages ? languages : "");
	char *save = NULL;
	for (char *tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		if (!i18n_is_lang_tag(tok)) {
			log_error("\"%s\" in the list of languages is not a language code", tok);
			free(list);
			json_decref(raw);
			return NULL;
		}
		bool seen = false;
		for (size_t k = 0; k < ncodes; k++)
			seen |= strcmp(codes[k], tok) == 0;
		if (!seen && ncodes < ARRAY_SIZE(codes))
			codes[ncodes++] = tok;
	}
	for (size_t k = 0; k < ncodes; k++) {
		char *name = xasprintf("locales/%s.json", codes[k]);
		struct strbuf sb = STRBUF_INIT;
		/* the built-in catalog, then the theme's additions and overrides */
		json_t *cat = NULL;
		/* locales/<lang>.json, then the parts locales/<lang>.<part>.json (one per module,
		 * so modules add messages without touching each other's files) */
		char *prefix = xasprintf("locales/%s.", codes[k]);
		size_t nsets = 0;
		while (app->asset_sets[nsets])
			nsets++;
		/* every layer's parts, lowest first (common's, the modules', the server's) */
		for (size_t set = nsets; set-- > 0;)
			for (const struct embedded_file *f = app->asset_sets[set]; f && f->name;
			     f++) {
				size_t nlen = strlen(f->name);
				if (strncmp(f->name, prefix, strlen(prefix)) != 0 || nlen < 5 ||
				    strcmp(f->name + nlen - 5, ".json") != 0)
					continue;
				json_error_t err;
				json_t *part = json_loadb((const char *)f->data, f->len,
							  JSON_REJECT_DUPLICATES, &err);
				if (!part) {
					log_error("%s: %s at line %d", f->name, err.text, err.line);
					continue;
				}
				if (!cat)
					cat = json_object();
				json_object_update(cat, part);
				json_decref(part);
			}
		free(prefix);
		if (app->cfg.theme_dir) {
			char *path = xasprintf("%s/%s", app->cfg.theme_dir, name);
			json_error_t err;
			json_t *over = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
			if (over && cat)
				json_object_update(cat, over);
			else if (over)
				cat = json_incref(over);
			json_decref(over);
			free(path);
		}
		if (cat)
			json_object_set_new(raw, codes[k], cat);
		strbuf_release(&sb);
		free(name);
	}
	struct i18n *i = i18n_build(languages, raw);
	json_decref(raw);
	free(list);
	return i;
}

void
i18n_free(struct i18n *i)
{
	if (!i)
		return;
	for (size_t k = 0; k < i->n; k++)
		free(i->codes[k]);
	json_decref(i->catalogs);
	json_decref(i->languages);
	free(i);
}

static const char *
enabled(const struct i18n *i, const char *lang, size_t len)
{
	for (size_t k = 0; k < i->n; k++)
		if (strlen(i->codes[k]) == len && strncasecmp(i->codes[k], lang, len) == 0)
			return i->codes[k];
	return NULL;
}

bool
i18n_is_enabled(const struct i18n *i, const char *lang)
{
	return lang && enabled(i, lang, strlen(lang));
}

static const char *
from_accept_language(const struct i18n *i, const char *h)
{
	const char *best = NULL;
	double best_q = 0;
	while (h && *h) {
		while (*h == ' ' || *h == ',')
			h++;
		size_t len = strcspn(h, ";, ");
		const char *tag = h;
		h += len;
		double q = 1.0;
		while (*h == ' ')
			h++;
		if (*h == ';') {
			const char *qp = strstr(h, "q=");
			const char *next = strchr(h, ',');
			if (qp && (!next || qp < next))
				q = strtod(qp + 2, NULL);
			h = next ? next : h + strlen(h);
		}
		/* "fr-DZ" matches "fr"; "kab-Tfng" matches itself */
		const char *code = enabled(i, tag, len);
		if (!code)
			code = enabled(i, tag, strcspn(tag, "-_;, "));
		if (code && q > best_q) {
			best = code;
			best_q = q;
		}
	}
	return best;
}

const char *
i18n_choose(const struct i18n *i, const char *query, const char *cookie, const char *accept)
{
	const char *c;
	if (query && (c = enabled(i, query, strlen(query))))
		return c;
	if (cookie && (c = enabled(i, cookie, strlen(cookie))))
		return c;
	if ((c = from_accept_language(i, accept)))
		return c;
	return i->codes[0];
}

json_t *
i18n_catalog(const struct i18n *i, const char *lang)
{
	json_t *c = json_object_get(i->catalogs, lang);
	return c ? c : json_object_get(i->catalogs, i->codes[0]);
}

const char *
i18n_get(const struct i18n *i, const char *lang, const char *key)
{
	const char *s = json_string_value(json_object_get(i18n_catalog(i, lang), key));
	if (!s)
		s = json_string_value(json_object_get(json_object_get(i->catalogs, "fr"), key));
	return s ? s : key;
}

json_t *
i18n_languages(const struct i18n *i)
{
	return i->languages;
}

static bool
is_lang_code(const char *k)
{
	size_t len = strlen(k);
	if (len < 2 || len > 8)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isalpha((unsigned char)k[i]) && k[i] != '-')
			return false;
	return true;
}

static bool
is_texts(json_t *v)
{
	if (!json_is_object(v) || json_object_size(v) == 0)
		return false;
	const char *k;
	json_t *x;
	json_object_foreach(v, k, x)
	{
		if (!is_lang_code(k) || !json_is_string(x))
			return false;
	}
	return true;
}

const char *
i18n_pick(json_t *texts, const char *lang, const char **used)
{
	static const char *const order[] = {"fr", "ar"};
	if (!is_texts(texts))
		return NULL;
	const char *s = json_string_value(json_object_get(texts, lang));
	const char *code = lang;
	for (size_t i = 0; (!s || !*s) && i < ARRAY_SIZE(order); i++) {
		s = json_string_value(json_object_get(texts, order[i]));
		code = order[i];
	}
	if (!s || !*s) {
		const char *k;
		json_t *x;
		json_object_foreach(texts, k, x)
		{
			if (*json_string_value(x)) {
				s = json_string_value(x);
				code = k;
				break;
			}
		}
	}
	if (used)
		*used = code;
	return s ? s : "";
}

json_t *
i18n_resolve(json_t *v, const char *lang)
{
	if (is_texts(v))
		return json_string(i18n_pick(v, lang, NULL));
	if (json_is_object(v)) {
		json_t *o = json_object();
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x)
		{
			json_object_set_new(o, k, i18n_resolve(x, lang));
			/* a text shown in another language than the page's says which, as
			 * "<key>_lang", so the page can mark it (lang="fr" on a kab page) */
			const char *used = NULL;
			if (is_texts(x) && *i18n_pick(x, lang, &used) && strcmp(used, lang) != 0 &&
			    strlen(k) < 64) {
				char key[72];
				snprintf(key, sizeof(key), "%s_lang", k);
				if (!json_object_get(v, key))
					json_object_set_new(o, key, json_string(used));
			}
		}
		return o;
	}
	if (json_is_array(v)) {
		json_t *a = json_array();
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
		{
			json_array_append_new(a, i18n_resolve(x, lang));
		}
		return a;
	}
	return json_deep_copy(v);
}
