// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_I18N_H
#define COMMON_I18N_H

#include <jansson.h>
#include <stdbool.h>

/*
 * Message catalogs: locales/<lang>.json, flat objects of key -> text that translators edit
 * directly (see docs/i18n.md). French is the reference: a key missing from another catalog
 * falls back to French, logged once per key and language when the catalogs are loaded.
 * A theme may add or override keys with its own locales/<lang>.json.
 */
struct i18n;
struct app;

/* Load the catalogs of the languages listed in "ar,fr,en" (first = default) through
 * app_asset(). NULL when a listed catalog is missing or not a JSON object (logged). */
struct i18n *i18n_load(struct app *app, const char *languages);
/* Same from JSON objects given directly (for tests): catalogs maps lang -> object. */
struct i18n *i18n_from_json(const char *languages, json_t *catalogs);
void i18n_free(struct i18n *i18n);

/*
 * Choose the language: the first of query (?lang=), cookie and the Accept-Language header
 * (q-values honoured, "fr-DZ" matching "fr") that is enabled, else the default.
 * Returns one of the enabled language codes (static for the i18n's lifetime).
 */
const char *i18n_choose(const struct i18n *i18n, const char *query, const char *cookie,
			const char *accept_language);
bool i18n_is_enabled(const struct i18n *i18n, const char *lang);
/* The merged catalog of lang (borrowed). */
json_t *i18n_catalog(const struct i18n *i18n, const char *lang);
/* One message, falling back to French then to key itself. */
const char *i18n_get(const struct i18n *i18n, const char *lang, const char *key);
/* Whether lang is written right to left: Arabic, Hebrew, Persian, Urdu..., or a code naming
 * such a script ("ku-Arab"); "kab", "fr", "en" are left to right. */
bool i18n_is_rtl(const char *lang);
/* Whether s is a language code the catalogs and per-language texts accept: a primary subtag
 * of 2-3 letters and subtags of 2+ letters or digits ("kab", "kab-Tfng", "fr-DZ"), at most 8
 * characters. */
bool i18n_is_lang_tag(const char *s);
/* The enabled languages as a JSON array of {code, name, dir} (borrowed). */
json_t *i18n_languages(const struct i18n *i18n);

/*
 * Texts given per language ({"ar": "...", "fr": "..."}): the one for lang, else French, else
 * Arabic, else any; NULL when texts is not such an object. *used (may be NULL) gets its code.
 */
const char *i18n_pick(json_t *texts, const char *lang, const char **used);
/* A deep copy of v where every per-language object is replaced by i18n_pick's string; a
 * member "k" whose text is in another language than lang gets a sibling "k_lang" naming it. */
json_t *i18n_resolve(json_t *v, const char *lang);

#endif
