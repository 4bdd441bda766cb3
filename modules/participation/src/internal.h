// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PARTICIPATION_INTERNAL_H
#define PARTICIPATION_INTERNAL_H

/*
 * What the participation module's files share: contact.c (normalising a contact), code.c (the
 * secret, keyed hashes, codes), participation.c (the contract), page_participation.c (the
 * verification pages), db_participation.c (its SQL).
 */
#include "participation/participation.h"

#include "common/config.h"

#include <stdbool.h>
#include <stddef.h>

struct app;
struct request;

#define PART_SECRET_SIZE 32
#define PART_SECRET_FILE "participation.key"
#define PART_CODE_SIZE 7      /* six digits and the NUL */
#define PART_BACK_MAX 300     /* bytes of a local path to come back to */
#define CONTACT_INPUT_MAX 254 /* bytes of a contact as typed */

/* ---- settings (participation.c) ---- */
struct part_settings {
	long code_minutes;   /* a code's validity */
	long code_attempts;  /* wrong codes before it dies */
	long codes_per_hour; /* codes sent to one contact in an hour */
	long session_days;   /* a participation cookie's validity */
	long contact_days;   /* a notified resident's contact kept after their last verification */
};
#define PART_NSETTINGS 5
extern struct part_settings part_settings;
extern const struct config_def part_settings_defs[PART_NSETTINGS];

/* ---- contact.c ---- */
struct contact {
	char channel[8];     /* "email" or "sms" */
	char address[256];   /* what messages are sent to: lowercased e-mail, or E.164 */
	char canonical[256]; /* what is hashed: the address, an e-mail without its "+tag" */
};
/* Normalise a contact as typed (an e-mail address or a phone number): 0, or -1 when it is
 * neither (too long, malformed, a landline, a national number of another shape). */
int contact_normalize(const char *s, struct contact *out);

/* ---- code.c ---- */
/* The secret in dir (created on first use, 0600): 0, or -1 (logged). */
int part_secret_load(const char *dir, unsigned char key[PART_SECRET_SIZE]);
/* Hex HMAC-SHA256 of "a\nb" under key. */
void part_hmac_hex(const unsigned char key[PART_SECRET_SIZE], const char *a, const char *b,
		   char out[SHA256_HEX_SIZE]);
/* The keyed hash of a normalised contact: what participants and supports hold. */
void part_contact_key(const unsigned char key[PART_SECRET_SIZE], const struct contact *c,
		      char out[SHA256_HEX_SIZE]);
/* A fresh uniformly drawn six-digit code. */
void part_code_new(char code[PART_CODE_SIZE]);
/* What is stored of a code: bound to its challenge, so a code is worth nothing elsewhere. */
void part_code_hmac(const unsigned char key[PART_SECRET_SIZE], const char *challenge_sha256,
		    const char *code, char out[SHA256_HEX_SIZE]);
/* Six ASCII digits. */
bool part_code_shape_ok(const char *code);
/* Whether code is the one stored_hmac was made of (constant-time comparison). */
bool part_code_matches(const unsigned char key[PART_SECRET_SIZE], const char *challenge_sha256,
		       const char *code, const char *stored_hmac);
/* A local path to come back to: "/...", not "//", no spaces, quotes or angle brackets. */
bool part_back_ok(const char *back);

/* ---- participation.c ---- */
/* The module's secret (loaded by open). */
const unsigned char *part_secret(const struct app *app);
int part_open(struct app *app);
void part_close(struct app *app);
int part_retention_run(struct app *app);
/* The name of the participation cookie and of the pending challenge's (arena strings). */
const char *part_cookie_name(struct request *req);
const char *part_challenge_cookie_name(struct request *req);

/* ---- page_participation.c ---- */
void page_participation(struct request *req);
void page_participation_send(struct request *req);
void page_participation_code(struct request *req);
void page_participation_check(struct request *req);
void page_participation_signout(struct request *req);
void page_participation_erase(struct request *req);

#endif
