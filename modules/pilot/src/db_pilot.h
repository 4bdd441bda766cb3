// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PILOT_DB_PILOT_H
#define PILOT_DB_PILOT_H

#include <jansson.h>

/* One anonymous response (answers: {question: 1..5}), in the caller's transaction. 0 / -1. */
int db_pilot_response_add(const char *lang, const json_t *answers);
/* {responses, rows: [{question, value, n}]}, or NULL when the database failed. */
json_t *db_pilot_survey(void);
/* A signature of the assessment (own, or the peer's applied). 0 / -1. */
int db_pilot_signature_add(const char *origin, const char *from, const char *to, const char *digest,
			   const json_t *figures, const json_t *conclusion, const json_t *declared,
			   const char *signed_at);
/* The latest signature of each side for the period starting at from: {origin: {digest,
 * figures, conclusion, declared, signed_at}}, or NULL when the database failed. */
json_t *db_pilot_signatures(const char *from);

#endif
