// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef NEEDS_DB_NEED_H
#define NEEDS_DB_NEED_H

/* The needs module's SQL (db_need.c). A need row: {id, origin, origin_id, quarter, theme,
 * text, display_name, lang, supporters, answer, answer_lang, answered_at, created_at}. */
#include "common/status.h"

#include <jansson.h>
#include <stdbool.h>

/* A new need of the citizen platform with supporters counted, base of them without a verified
 * contact behind (the demo's): the row, or NULL. */
json_t *db_need_create(const char *quarter, const char *theme, const char *text, const char *name,
		       const char *lang, int supporters, int base);
/* Its signed time (the event's): 0 or -1. */
int db_need_set_created_at(long long id, const char *at);
/* The need (origin, origin_id); NULL with *st. */
json_t *db_need_get(const char *origin, long long origin_id, enum status *st);
/* Visible needs, newest first, filtered (quarter, theme may be NULL): an array, or NULL. */
json_t *db_need_list(const char *quarter, const char *theme, int limit);
/* Counts by quarter and by theme: {"by_quarter": [{quarter, needs, supporters, answered}],
 * "by_theme": [...], "cells": [{quarter, theme, needs, supporters}]}, or NULL. */
json_t *db_need_aggregates(void);
/* Per quarter, of the visible needs of theme (NULL: all): [{quarter, needs, supporters,
 * answered}], most needs first; NULL when it failed. */
json_t *db_need_by_quarter(const char *theme);
/* The citizen's need id now has `supports` verified supports: its count (base + supports)
 * when it changed, 0 when it did not, -1 when failed. */
int db_need_supporters_set(long long id, long long supports);
/* Its base (the supporters without a verified contact behind), or -1. */
int db_need_supporters_base(long long id);
/* Mirror: a need from the peer (idempotent): 0 or -1. own: the citizen platform's own need
 * written back after a database restore (docs/decisions/0010), under its id (id = origin_id),
 * the ids moved past it. */
int db_need_mirror(long long origin_id, const char *quarter, const char *theme, const char *text,
		   const char *name, const char *lang, const char *created_at, bool own);
/* Mirror: the supporters of (origin, origin_id): rows changed, or -1. */
int db_need_mirror_supporters(long long origin_id, long long supporters);
/* An own need's count as its re-imported need.supported carried, after a restore: sent
 * already, and `supports` of them with a verified contact's row still here (the others, whose
 * rows the restore lost, become its base). Rows changed, or -1. */
int db_need_restore_supporters(long long id, long long supporters, long long supports);
/* The commune's answer of need (origin, origin_id): rows changed, or -1. */
int db_need_answer(long long origin_id, const char *answer, const char *lang, const char *at);
/* The citizen's needs whose count changed since the last event, locked: [{id, origin_id,
 * supporters}], at most limit; NULL when failed. */
json_t *db_need_unsent(int limit);
/* That count was sent: 0 or -1. */
int db_need_sent(long long id, int supporters);
/*
 * Hide need (origin, origin_id) with a public reason: its text and name blanked, their SHA-256
 * (of the text) returned as {text_sha256}; NULL with *st NOT_FOUND (none visible) or
 * UNAVAILABLE. text_sha256 may be given (the peer's), else it is computed from the row.
 */
json_t *db_need_hide(const char *origin, long long origin_id, const char *reason,
		     const char *text_sha256, enum status *st);
/* Whether a need with this text and quarter exists already (the demo loader): 1, 0, -1. */
int db_need_exists(const char *quarter, const char *text);

#endif
