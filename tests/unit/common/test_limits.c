// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The anti-abuse limits without a daemon: the settings' lists, the per-client counters, who
 * the client of a connection is (trusted proxies, X-Forwarded-For, IPv6 per /64) and its keyed
 * id of the day.
 */
#include "common/client.h"
#include "common/limits.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

static void
test_limit_list(void **state)
{
	(void)state;
	struct strbuf err = STRBUF_INIT;
	struct limit_list *l =
		limit_list_parse("X", " report=5, report.*=7,report.created=3,*=100,", 1000, &err);
	assert_non_null(l);
	assert_int_equal(err.len, 0);
	assert_int_equal(limit_list_get(l, "report"), 5);
	assert_int_equal(limit_list_get(l, "report.created"), 3);   /* exact beats prefix */
	assert_int_equal(limit_list_get(l, "report.supported"), 7); /* prefix beats "*" */
	assert_int_equal(limit_list_get(l, "reaction.created"), 100);
	limit_list_free(l);

	l = limit_list_parse("X", "a.*=1,a.b.*=2", 1000, &err);
	assert_int_equal(limit_list_get(l, "a.b.c"), 2); /* the longest prefix */
	assert_int_equal(limit_list_get(l, "a.c"), 1);
	assert_int_equal(limit_list_get(l, "b"), 0); /* no entry: 0 */
	limit_list_free(l);

	l = limit_list_parse("X", NULL, 10, &err);
	assert_non_null(l);
	assert_int_equal(limit_list_get(l, "x"), 0);
	limit_list_free(l);
	assert_int_equal(limit_list_get(NULL, "x"), 0);

	static const char *const bad[] = {"report",   "report=", "report=0",     "report=-1",
					  "report=x", "=5",      "Report=5",     "re port=5",
					  "a=1001",   "a=5 b=6", "report=5;x=1", "*.*=5"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strbuf_reset(&err);
		assert_null(limit_list_parse("BALADIYA_X", bad[i], 1000, &err));
		assert_non_null(strstr(err.buf, "BALADIYA_X"));
	}
	strbuf_release(&err);
}

static void
key_of(unsigned char key[32], int n)
{
	memset(key, 0, 32);
	key[0] = (unsigned char)n;
	key[5] = (unsigned char)(n * 7);
}

static void
test_rate_allow(void **state)
{
	(void)state;
	unsigned char a[32], b[32];
	key_of(a, 1);
	key_of(b, 2);
	int retry = 0;
	for (int i = 0; i < 3; i++)
		assert_true(rate_allow(a, 3, 60, &retry));
	assert_false(rate_allow(a, 3, 60, &retry));
	assert_true(retry >= 59 && retry <= 60);
	assert_false(rate_allow(a, 3, 60, NULL)); /* a refusal is not counted up */
	assert_true(rate_allow(b, 3, 60, NULL));  /* another key: counted apart */
	/* a larger limit for the same key lets more through in the same window */
	assert_true(rate_allow(a, 4, 60, NULL));
	assert_false(rate_allow(a, 4, 60, NULL));
	/* a window of 0 seconds is over at once */
	assert_true(rate_allow(a, 1, 0, NULL));
	assert_true(rate_allow(a, 1, 0, NULL));
}

static struct sockaddr_storage
sock(const char *text)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	struct sockaddr_in *in = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, text, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
	} else {
		assert_int_equal(inet_pton(AF_INET6, text, &in6->sin6_addr), 1);
		in6->sin6_family = AF_INET6;
	}
	return ss;
}

/* The client of a connection from peer with X-Forwarded-For xff, as text. */
static const char *
client_of(const char *peer, const char *xff)
{
	static char out[64];
	struct sockaddr_storage ss = sock(peer);
	struct client_addr a;
	assert_true(client_addr_from((struct sockaddr *)&ss, xff, &a));
	if (a.family == 4) {
		inet_ntop(AF_INET, a.bytes, out, sizeof(out));
	} else {
		unsigned char full[16] = {0};
		memcpy(full, a.bytes, 8);
		inet_ntop(AF_INET6, full, out, sizeof(out));
	}
	return out;
}

static void
test_client_addr(void **state)
{
	(void)state;
	struct strbuf err = STRBUF_INIT;
	assert_int_equal(client_set_trusted_proxies(NULL, &err), 0);
	/* no proxy trusted: the connection's address, whatever the header says */
	assert_string_equal(client_of("192.0.2.7", "198.51.100.1"), "192.0.2.7");
	/* IPv6 per /64; IPv4-mapped IPv6 is IPv4 */
	assert_string_equal(client_of("2001:db8:1:2:aaaa::1", NULL), "2001:db8:1:2::");
	assert_string_equal(client_of("2001:db8:1:2:bbbb::9", NULL), "2001:db8:1:2::");
	assert_string_equal(client_of("::ffff:192.0.2.9", NULL), "192.0.2.9");

	assert_int_equal(
		client_set_trusted_proxies(" 127.0.0.1, 10.0.0.0/8 ,2001:db8:ffff::/48", &err), 0);
	/* a connection from elsewhere: its header is the client's own words */
	assert_string_equal(client_of("192.0.2.7", "198.51.100.1"), "192.0.2.7");
	/* from a trusted proxy: the right-most address that is not one of ours */
	assert_string_equal(client_of("127.0.0.1", "198.51.100.1"), "198.51.100.1");
	assert_string_equal(client_of("127.0.0.1", "6.6.6.6, 198.51.100.1, 10.1.2.3"),
			    "198.51.100.1");
	assert_string_equal(client_of("127.0.0.1", "6.6.6.6,198.51.100.1,10.1.2.3,"),
			    "198.51.100.1");
	/* ports and brackets; IPv6 clients per /64 */
	assert_string_equal(client_of("127.0.0.1", "198.51.100.1:4711"), "198.51.100.1");
	assert_string_equal(client_of("127.0.0.1", "[2001:db8:5:6::7]:443"), "2001:db8:5:6::");
	assert_string_equal(client_of("2001:db8:ffff:1::1", "2001:db8:5:6::7"), "2001:db8:5:6::");
	/* every hop ours: the left-most; no header: the proxy itself */
	assert_string_equal(client_of("127.0.0.1", "10.0.0.1, 10.0.0.2"), "10.0.0.1");
	assert_string_equal(client_of("127.0.0.1", NULL), "127.0.0.1");
	assert_string_equal(client_of("127.0.0.1", ""), "127.0.0.1");
	/* garbage stops the walk at the hop after it */
	assert_string_equal(client_of("127.0.0.1", "198.51.100.1, garbage"), "127.0.0.1");
	assert_string_equal(client_of("127.0.0.1", "garbage, 10.0.0.5"), "10.0.0.5");
	assert_string_equal(client_of("127.0.0.1", "garbage, 198.51.100.2"), "198.51.100.2");

	static const char *const bad[] = {"10.0.0.0/33", "proxy.example", "::1/129",
					  "10.0.0.1/",   "10.0.0.1/x",    "1.2.3"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strbuf_reset(&err);
		assert_int_equal(client_set_trusted_proxies(bad[i], &err), -1);
		assert_non_null(strstr(err.buf, "BALADIYA_TRUSTED_PROXIES"));
	}
	/* a refused list trusts nothing */
	assert_string_equal(client_of("127.0.0.1", "198.51.100.1"), "127.0.0.1");
	strbuf_release(&err);
	client_reset();
}

static void
test_client_hash(void **state)
{
	(void)state;
	unsigned char a[32], b[32], c[32], d[32];
	time_t day = 20000L * 86400;
	client_hash("report", "x", 1, day + 10, a);
	client_hash("report", "x", 1, day + 86000, b);
	assert_memory_equal(a, b, 32); /* the same all day */
	client_hash("reaction", "x", 1, day + 10, c);
	assert_memory_not_equal(a, c, 32); /* another scope */
	client_hash("report", "y", 1, day + 10, c);
	assert_memory_not_equal(a, c, 32);
	client_hash("report", "x", 1, day + 86400, d);
	assert_memory_not_equal(a, d, 32); /* a new salt the next day */
	client_reset();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limit_list),
		cmocka_unit_test(test_rate_allow),
		cmocka_unit_test(test_client_addr),
		cmocka_unit_test(test_client_hash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
