// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_JSON_TEXT_H
#define COMMON_JSON_TEXT_H

/*
 * A jansson value as compact JSON text: the same bytes as json_dumps(v, JSON_COMPACT |
 * JSON_ENCODE_ANY) (keys in insertion order, no spaces, '/' and non-ASCII as they are, control
 * characters escaped as jansson does), written in one pass. jansson's writer walks each string code
 * point by code point, calls back per run and keeps a table of the containers it is in: it was 45 %
 * of a small JSON answer's instructions (callgrind, /reports/nearby.json). jansson checks UTF-8
 * when a string is made (or the database did, db.c), so the text is not checked again.
 */
#include "common/strbuf.h"

#include <jansson.h>

/* Append v's text to sb. A value nested deeper than JSON_TEXT_DEPTH is written as null. */
#define JSON_TEXT_DEPTH 2048
void json_text_add(struct strbuf *sb, json_t *v);

#endif
