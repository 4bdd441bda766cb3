// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The identity behind the anti-abuse limits: the client's address (the connection's, or the
 * one a trusted proxy forwarded), reduced to what one subscriber holds and used only as an
 * HMAC under a salt of the day kept in memory. See common/client.h.
 */
#include "common/client.h"

#include "common/http.h"
#include "common/log.h"
#include "common/xalloc.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* An address as the trusted proxy list holds it: the whole of it, and a prefix length. */
struct ip {
	int family; /* 4 or 6 */
	unsigned char a[16];
};

struct cidr {
	struct ip ip;
	int bits;
};

static struct cidr *proxies;
static size_t nproxies;

#define SECONDS_PER_DAY 86400

static pthread_mutex_t salt_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char salt[32];
static long salt_day = -1;

/* s (len bytes, no brackets or port) as an address; IPv4-mapped IPv6 becomes IPv4. */
static bool
ip_parse(const char *s, size_t len, struct ip *out)
{
	char buf[INET6_ADDRSTRLEN + 1];
	if (len == 0 || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, buf, out->a) == 1) {
		out->family = 4;
		return true;
	}
	if (inet_pton(AF_INET6, buf, out->a) != 1)
		return false;
	out->family = 6;
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (memcmp(out->a, mapped, sizeof(mapped)) == 0) {
		memmove(out->a, out->a + 12, 4);
		memset(out->a + 4, 0, 12);
		out->family = 4;
	}
	return true;
}

static bool
ip_from_sockaddr(const struct sockaddr *sa, struct ip *out)
{
	memset(out, 0, sizeof(*out));
	if (!sa)
		return false;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		memcpy(out->a, &in->sin_addr, 4);
		out->family = 4;
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
		char text[INET6_ADDRSTRLEN];
		/* through the text form so that an IPv4-mapped address becomes IPv4 */
		if (!inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text)))
			return false;
		return ip_parse(text, strlen(text), out);
	}
	return false;
}

static bool
cidr_contains(const struct cidr *c, const struct ip *ip)
{
	if (c->ip.family != ip->family)
		return false;
	int full = c->bits / 8, rest = c->bits % 8;
	if (memcmp(c->ip.a, ip->a, (size_t)full) != 0)
		return false;
	if (!rest)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (c->ip.a[full] & mask) == (ip->a[full] & mask);
}

static bool
is_trusted(const struct ip *ip)
{
	for (size_t i = 0; i < nproxies; i++)
		if (cidr_contains(&proxies[i], ip))
			return true;
	return false;
}

/* s[0..len) without surrounding blanks. */
static const char *
trim(const char *s, size_t *len)
{
	while (*len && (*s == ' ' || *s == '\t')) {
		s++;
		(*len)--;
	}
	while (*len && (s[*len - 1] == ' ' || s[*len - 1] == '\t'))
		(*len)--;
	return s;
}

int
client_set_trusted_proxies(const char *list, struct strbuf *err)
{
	free(proxies);
	proxies = NULL;
	nproxies = 0;
	if (!list)
		return 0;
	size_t cap = 1;
	for (const char *p = list; *p; p++)
		cap += *p == ',';
	struct cidr *set = xcalloc(cap, sizeof(*set));
	size_t n = 0;
	int rc = 0;
	for (const char *p = list; rc == 0;) {
		size_t len = strcspn(p, ",");
		size_t tlen = len;
		const char *item = trim(p, &tlen);
		if (tlen) {
			const char *slash = memchr(item, '/', tlen);
			size_t alen = slash ? (size_t)(slash - item) : tlen;
			struct cidr *c = &set[n];
			if (!ip_parse(item, alen, &c->ip)) {
				rc = -1;
			} else {
				int max = c->ip.family == 4 ? 32 : 128;
				c->bits = max;
				if (slash) {
					size_t blen = tlen - alen - 1;
					char *end;
					char bits[4] = "";
					if (blen && blen < sizeof(bits))
						memcpy(bits, slash + 1, blen);
					long b = strtol(bits, &end, 10);
					if (!blen || blen >= sizeof(bits) || *end || b < 0 ||
					    b > max)
						rc = -1;
					else
						c->bits = (int)b;
				}
			}
			if (rc < 0)
				strbuf_addf(
					err,
					"BALADIYA_TRUSTED_PROXIES: \"%.*s\" is not an IPv4 or IPv6 "
					"address or prefix\n",
					(int)tlen, item);
			else
				n++;
		}
		if (!p[len])
			break;
		p += len + 1;
	}
	if (rc < 0) {
		free(set);
		return -1;
	}
	proxies = set;
	nproxies = n;
	return 0;
}

/*
 * One X-Forwarded-For entry (trimmed) as an address: "1.2.3.4", "1.2.3.4:5678", "2001:db8::1",
 * "[2001:db8::1]:5678".
 */
static bool
xff_entry(const char *s, size_t len, struct ip *out)
{
	if (len && s[0] == '[') {
		const char *close = memchr(s, ']', len);
		return close && ip_parse(s + 1, (size_t)(close - s - 1), out);
	}
	const char *colon = memchr(s, ':', len);
	if (colon && !memchr(colon + 1, ':', len - (size_t)(colon - s) - 1))
		len = (size_t)(colon - s); /* IPv4 with a port */
	return ip_parse(s, len, out);
}

bool
client_addr_from(const struct sockaddr *peer, const char *xff, struct client_addr *out)
{
	struct ip ip;
	memset(out, 0, sizeof(*out));
	if (!ip_from_sockaddr(peer, &ip))
		return false;
	if (xff && is_trusted(&ip)) {
		/* right to left: every hop a trusted proxy added, up to the first that is not ours
		 */
		size_t end = strlen(xff);
		while (end > 0) {
			size_t start = end;
			while (start > 0 && xff[start - 1] != ',')
				start--;
			size_t len = end - start;
			const char *item = trim(xff + start, &len);
			struct ip hop;
			if (len) {
				if (!xff_entry(item, len, &hop))
					break;
				ip = hop;
				if (!is_trusted(&ip))
					break;
			}
			end = start ? start - 1 : 0;
		}
	}
	out->family = (unsigned char)ip.family;
	memcpy(out->bytes, ip.a, ip.family == 4 ? 4 : 8); /* IPv6: its /64 */
	return true;
}

void
client_hash(const char *label, const void *data, size_t len, time_t now,
	    unsigned char out[CLIENT_KEY_SIZE])
{
	long day = (long)(now / SECONDS_PER_DAY);
	unsigned char key[sizeof(salt)];
	pthread_mutex_lock(&salt_lock);
	if (day != salt_day) {
		if (RAND_bytes(salt, sizeof(salt)) != 1)
			die("could not read random bytes from OpenSSL");
		salt_day = day;
	}
	memcpy(key, salt, sizeof(key));
	pthread_mutex_unlock(&salt_lock);
	size_t llen = strlen(label);
	unsigned char *msg = xmalloc(llen + 1 + len);
	memcpy(msg, label, llen + 1);
	if (len)
		memcpy(msg + llen + 1, data, len);
	unsigned int mdlen = CLIENT_KEY_SIZE;
	if (!HMAC(EVP_sha256(), key, (int)sizeof(key), msg, llen + 1 + len, out, &mdlen))
		die("could not compute an HMAC with OpenSSL");
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(msg, llen + 1 + len);
	free(msg);
}

struct xff_collect {
	struct strbuf joined;
};

static enum MHD_Result
collect_xff(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct xff_collect *c = cls;
	(void)kind;
	if (key && value && strcasecmp(key, "X-Forwarded-For") == 0) {
		if (c->joined.len)
			strbuf_addch(&c->joined, ',');
		strbuf_addstr(&c->joined, value);
	}
	return MHD_YES;
}

/* The client of req (a zero address when there is no connection: unit tests). */
static void
request_client(struct request *req, struct client_addr *out)
{
	memset(out, 0, sizeof(*out));
	if (!req->conn)
		return;
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	struct xff_collect c = {STRBUF_INIT};
	if (nproxies)
		MHD_get_connection_values(req->conn, MHD_HEADER_KIND, collect_xff, &c);
	if (!info || !client_addr_from(info->client_addr, c.joined.len ? c.joined.buf : NULL, out))
		memset(out, 0, sizeof(*out));
	strbuf_release(&c.joined);
}

void
client_key(struct request *req, const char *scope, unsigned char out[CLIENT_KEY_SIZE])
{
	struct client_addr a;
	request_client(req, &a);
	client_hash(scope, &a, sizeof(a), time(NULL), out);
	OPENSSL_cleanse(&a, sizeof(a));
}

const char *
client_tag(struct request *req)
{
	unsigned char key[CLIENT_KEY_SIZE];
	client_key(req, "tag", key);
	return arena_printf(req->arena, "%02x%02x%02x%02x", key[0], key[1], key[2], key[3]);
}

void
client_reset(void)
{
	free(proxies);
	proxies = NULL;
	nproxies = 0;
	pthread_mutex_lock(&salt_lock);
	OPENSSL_cleanse(salt, sizeof(salt));
	salt_day = -1;
	pthread_mutex_unlock(&salt_lock);
}
