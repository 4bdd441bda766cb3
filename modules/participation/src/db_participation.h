// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PARTICIPATION_DB_PARTICIPATION_H
#define PARTICIPATION_DB_PARTICIPATION_H

/* The participation module's SQL (db_participation.c). Keys are hex keyed hashes. */
#include "common/status.h"

#include <jansson.h>
#include <stdbool.h>

/* In a transaction: lock the contact key (until commit) and count its codes of the last hour;
 * -1 when failed. */
int db_part_codes_recent(const char *key);
/* A pending code (contact NULL unless notify_ok): 0 or -1. */
int db_part_code_create(const char *challenge_sha256, const char *key, const char *channel,
			const char *lang, bool notify_ok, const char *contact,
			const char *code_hmac, long minutes);
/*
 * In a transaction: the code of a challenge, locked: {id, key, channel, lang, notify_ok,
 * contact, code_hmac, attempts, expired, used}; NULL with *st NOT_FOUND or UNAVAILABLE.
 */
json_t *db_part_code_lock(const char *challenge_sha256, enum status *st);
/* A wrong code: its attempts + 1 (the contact is cleared when they reach max); -1 failed. */
int db_part_code_failed(long long id, long max);
/* The code was used (its contact cleared): 0 or -1. */
int db_part_code_used(long long id);
/* The verified contact (a re-verification keeps an earlier consent and its contact): 0/-1. */
int db_part_participant_save(const char *key, const char *channel, const char *lang, bool notify_ok,
			     const char *contact);
/* A participation cookie's hash for key: 0 or -1. */
int db_part_session_create(const char *token_sha256, const char *key, long days);
/* The participant of a valid session: {key, lang, notify_ok}; NULL with *st. */
json_t *db_part_session(const char *token_sha256, enum status *st);
/* Revoke one session: 0 or -1. */
int db_part_session_revoke(const char *token_sha256);
/* In a transaction: revoke every session of key, clear its contact and consent; *old gets
 * {channel, contact} (contact null when none was kept). 0 or -1. */
int db_part_erase(const char *key, json_t **old);
/* {channel, contact} of a participant who asked to be notified; NULL with *st. */
json_t *db_part_contact(const char *key, enum status *st);

/* Supports: 1 added / 0 there already, 1 removed / 0 absent, 1 / 0 exists; -1 failed. */
int db_part_support_add(const char *kind, long long id, const char *key);
int db_part_support_remove(const char *kind, long long id, const char *key);
int db_part_support_exists(const char *kind, long long id, const char *key);
long long db_part_support_count(const char *kind, long long id);
/* [{item_id, supports}] of the items of kind supported within the last seconds; NULL failed. */
json_t *db_part_support_recent(const char *kind, int seconds);

/* Retention: delete codes older than a day and dead sessions: rows deleted, or -1. */
long db_part_purge(void);
/* In a transaction: the contacts [{channel, contact}] of participants last verified more than
 * days ago, now cleared (with their consent); NULL when failed. */
json_t *db_part_expire_contacts(long days);

#endif
