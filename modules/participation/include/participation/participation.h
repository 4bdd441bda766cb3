// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PARTICIPATION_PARTICIPATION_H
#define PARTICIPATION_PARTICIPATION_H

/*
 * Verified participation (citizen platform): a resident verifies an e-mail address or a phone
 * number once with a one-time code at /participation, then a participation cookie names them
 * for a long period. What other modules count (supports, "me too") rests on the keyed hash of
 * the contact, never on the contact: one support per verified contact per item, whatever
 * cookie it comes with.
 */
#include "common/secret.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct request;

extern const struct module participation_module;

// clang-format off
struct participant {
	char key[SHA256_HEX_SIZE]; /* hex HMAC-SHA256 of the normalised contact under the platform's participation secret */
	char lang[8];              /* the language they verified in */
	bool notify_ok;            /* they asked to be notified: their contact is kept in clear (see participant_contact) */
};
/* The verified participant behind req (a valid, unrevoked participation cookie): true and *p. */
bool participant_of(struct request *req, struct participant *p);
/* The contact in clear of a participant who asked to be notified (for notify_follow): channel
 * "email"/"sms" and address; false when they did not ask or erased it. */
bool participant_contact(const struct participant *p, char channel[8], char *to, size_t tosize);
/* The address of the verification page that comes back to `back` (a local path) afterwards:
 * what a "support" button links to for a resident not yet verified. New string (free()). */
char *participation_verify_url(const char *back);

enum support_outcome { SUPPORT_ADDED, SUPPORT_ALREADY, SUPPORT_REMOVED, SUPPORT_ABSENT, SUPPORT_FAILED };
/* In the caller's transaction: p supports (item_kind, item_id) once — the caller updates its own
 * tally when SUPPORT_ADDED (same transaction). Exact under concurrency (a unique key). */
enum support_outcome participation_support_add(const char *item_kind, long long item_id, const struct participant *p);
/* Withdraw: SUPPORT_REMOVED or SUPPORT_ABSENT. */
enum support_outcome participation_support_remove(const char *item_kind, long long item_id, const struct participant *p);
/* Whether p supports the item (for the page's button). */
bool participation_supports(const char *item_kind, long long item_id, const struct participant *p);
// clang-format on

/*
 * Additions (not in the first contract):
 * A handler's answer to a resident who is not verified: an HTML request is redirected (303) to
 * the verification page that comes back to `back`; a JSON one gets 403
 * participation_required with {"verify_url"}.
 */
void participation_require(struct request *req, const char *back);
/* The number of supports of an item (from the supports table), or -1 when the database failed. */
long long participation_support_count(const char *item_kind, long long item_id);
/*
 * The items of item_kind supported within the last `seconds`, each with its number of
 * supports: [{"item_id": n, "supports": n}], or NULL when the database failed. For a module
 * that keeps its tally apart from the request (a job), so that a burst of supports on one
 * item does not queue on that item's row.
 */
json_t *participation_support_recent(const char *item_kind, int seconds);

#endif
