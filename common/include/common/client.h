// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_CLIENT_H
#define COMMON_CLIENT_H

#include "common/strbuf.h"

#include <stdbool.h>
#include <time.h>

/*
 * Who a request comes from, in a form the client cannot reset by changing a value it chooses
 * (a cookie, a token) and that is no personal data: the connection's address, an IPv6 address
 * counted per /64 (what one subscriber gets); or, only when the connection comes from a trusted
 * proxy (BALADIYA_TRUSTED_PROXIES), the right-most address of X-Forwarded-For that is not a
 * trusted proxy itself. The address is only ever used as HMAC-SHA256 under a random salt that
 * lives in memory and changes every day (UTC): never logged, never stored, and unlinkable from
 * one day to the next.
 */
struct request;
struct sockaddr;

#define CLIENT_KEY_SIZE 32

/* A client as limits count it: 4 bytes of IPv4 (IPv4-mapped IPv6 too), or the /64 of IPv6. */
struct client_addr {
	unsigned char family; /* 4 or 6 */
	unsigned char bytes[8];
};

/*
 * Trust the proxies of list (comma-separated IPv4/IPv6 addresses or CIDR prefixes such as
 * "10.0.0.0/8, ::1"; NULL or "" trusts none), replacing the previous set. Returns 0, or -1 with
 * the reason appended to err.
 */
int client_set_trusted_proxies(const char *list, struct strbuf *err);

/*
 * The client of a connection from peer whose X-Forwarded-For headers (joined with commas; may
 * be NULL) are xff: peer itself unless it is a trusted proxy, else the right-most entry that
 * is not a trusted proxy (an entry that does not parse stops the walk: the hop after it is
 * the client). False when peer is not an IPv4/IPv6 address.
 */
bool client_addr_from(const struct sockaddr *peer, const char *xff, struct client_addr *out);

/* HMAC-SHA256(salt of the day of now, label NUL data), the salt made on first use that day. */
void client_hash(const char *label, const void *data, size_t len, time_t now,
		 unsigned char out[CLIENT_KEY_SIZE]);

/*
 * The keyed id of req's client within scope ("report", "login"...): the same client gets the
 * same key all day, another scope another key.
 */
void client_key(struct request *req, const char *scope, unsigned char out[CLIENT_KEY_SIZE]);

/* Eight hex digits of req's keyed id for log lines (arena string): lets an operator see that
 * lines come from one client that day, and nothing more. */
const char *client_tag(struct request *req);

/* Forget the trusted proxies and wipe the salt (at shutdown). */
void client_reset(void);

#endif
