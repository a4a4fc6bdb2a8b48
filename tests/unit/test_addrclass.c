/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for net/addrclass.c: a table of addresses at both edges of
 * every special-purpose block and just outside, what each classifies as
 * and what IPv4 address it embeds; then which connections are allowed
 * with and without --allow-private.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "net/addrclass.h"

#define P	ADDR_PUBLIC
#define U	ADDR_UNSPECIFIED
#define L	ADDR_LOOPBACK
#define PR	ADDR_PRIVATE
#define LL	ADDR_LINK_LOCAL
#define CG	ADDR_CGNAT
#define M	ADDR_MULTICAST
#define R	ADDR_RESERVED
#define E	ADDR_V4_EMBEDDED

static const struct {
	const char	*addr;
	enum addr_class	 cls;
	const char	*embedded;	/* the IPv4 address it embeds, or NULL */
} rows[] = {
	/* IPv4: first and last inside every block, neighbours outside */
	{ "0.0.0.0", U, NULL },
	{ "0.255.255.255", U, NULL },
	{ "1.0.0.0", P, NULL },
	{ "9.255.255.255", P, NULL },
	{ "10.0.0.0", PR, NULL },
	{ "10.255.255.255", PR, NULL },
	{ "11.0.0.0", P, NULL },
	{ "100.63.255.255", P, NULL },
	{ "100.64.0.0", CG, NULL },
	{ "100.127.255.255", CG, NULL },
	{ "100.128.0.0", P, NULL },
	{ "126.255.255.255", P, NULL },
	{ "127.0.0.0", L, NULL },
	{ "127.0.0.1", L, NULL },
	{ "127.255.255.255", L, NULL },
	{ "128.0.0.0", P, NULL },
	{ "169.253.255.255", P, NULL },
	{ "169.254.0.0", LL, NULL },
	{ "169.254.255.255", LL, NULL },
	{ "169.255.0.0", P, NULL },
	{ "172.15.255.255", P, NULL },
	{ "172.16.0.0", PR, NULL },
	{ "172.31.255.255", PR, NULL },
	{ "172.32.0.0", P, NULL },
	{ "191.255.255.255", P, NULL },
	{ "192.0.0.0", R, NULL },
	{ "192.0.0.9", R, NULL },	/* PCP anycast: refused, see .c */
	{ "192.0.0.255", R, NULL },
	{ "192.0.1.0", P, NULL },
	{ "192.0.1.255", P, NULL },
	{ "192.0.2.0", R, NULL },
	{ "192.0.2.255", R, NULL },
	{ "192.0.3.0", P, NULL },
	{ "192.31.196.1", P, NULL },	/* AS112-v4, globally reachable */
	{ "192.52.193.1", P, NULL },	/* AMT, globally reachable */
	{ "192.88.98.255", P, NULL },
	{ "192.88.99.0", R, NULL },
	{ "192.88.99.255", R, NULL },
	{ "192.88.100.0", P, NULL },
	{ "192.167.255.255", P, NULL },
	{ "192.168.0.0", PR, NULL },
	{ "192.168.255.255", PR, NULL },
	{ "192.169.0.0", P, NULL },
	{ "192.175.48.1", P, NULL },	/* AS112 direct delegation */
	{ "198.17.255.255", P, NULL },
	{ "198.18.0.0", R, NULL },
	{ "198.19.255.255", R, NULL },
	{ "198.20.0.0", P, NULL },
	{ "198.51.99.255", P, NULL },
	{ "198.51.100.0", R, NULL },
	{ "198.51.100.255", R, NULL },
	{ "198.51.101.0", P, NULL },
	{ "203.0.112.255", P, NULL },
	{ "203.0.113.0", R, NULL },
	{ "203.0.113.255", R, NULL },
	{ "203.0.114.0", P, NULL },
	{ "223.255.255.255", P, NULL },
	{ "224.0.0.0", M, NULL },
	{ "239.255.255.255", M, NULL },
	{ "240.0.0.0", R, NULL },
	{ "255.255.255.254", R, NULL },
	{ "255.255.255.255", R, NULL },
	{ "8.8.8.8", P, NULL },

	/* IPv6 */
	{ "::", U, NULL },
	{ "::1", L, NULL },
	{ "::2", E, "0.0.0.2" },
	{ "::10.0.0.1", E, "10.0.0.1" },		/* compatible */
	{ "::ffff:ffff:ffff", E, "255.255.255.255" },	/* mapped, last */
	{ "::1:0:0:0", R, NULL },
	{ "::fffe:ffff:ffff", R, NULL },	/* between compatible and mapped */
	{ "::ffff:0:0", E, "0.0.0.0" },
	{ "::ffff:8.8.8.8", E, "8.8.8.8" },
	{ "::ffff:10.0.0.1", E, "10.0.0.1" },
	{ "::ffff:127.0.0.1", E, "127.0.0.1" },
	{ "::1:ffff:0:0", R, NULL },
	{ "64:ff9a:ffff:ffff:ffff:ffff:ffff:ffff", R, NULL },
	{ "64:ff9b::", E, "0.0.0.0" },
	{ "64:ff9b::8.8.8.8", E, "8.8.8.8" },
	{ "64:ff9b::192.168.1.1", E, "192.168.1.1" },
	{ "64:ff9b::ffff:ffff", E, "255.255.255.255" },
	{ "64:ff9b::1:0:0", R, NULL },
	{ "64:ff9b:1::", E, "0.0.0.0" },
	{ "64:ff9b:1::10.1.2.3", E, "10.1.2.3" },
	{ "64:ff9b:1:ffff:ffff:ffff:ffff:ffff", E, "255.255.255.255" },
	{ "64:ff9b:2::", R, NULL },
	{ "100::", R, NULL },
	{ "100::ffff:ffff:ffff:ffff", R, NULL },
	{ "100:0:0:1::", R, NULL },
	{ "100:0:0:1:ffff:ffff:ffff:ffff", R, NULL },
	{ "100:0:0:2::", R, NULL },	/* unassigned: outside 2000::/3 */
	{ "1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", R, NULL },
	/* Teredo: server 65.54.227.120, client 192.0.2.45 obfuscated */
	{ "2001:0:4136:e378:8000:63bf:3fff:fdd2", E, "192.0.2.45" },
	{ "2001::", E, "255.255.255.255" },
	{ "2001:0:ffff:ffff:ffff:ffff:ffff:ffff", E, "0.0.0.0" },
	{ "2001:1::", R, NULL },
	{ "2001:1::1", R, NULL },	/* PCP anycast: refused, see .c */
	{ "2001:2::", R, NULL },
	{ "2001:2:0:ffff:ffff:ffff:ffff:ffff", R, NULL },
	{ "2001:2:1::", R, NULL },
	{ "2001:3::", P, NULL },	/* AMT, globally reachable */
	{ "2001:3:ffff:ffff:ffff:ffff:ffff:ffff", P, NULL },
	{ "2001:4::", R, NULL },
	{ "2001:4:112::", P, NULL },	/* AS112-v6 */
	{ "2001:4:112:ffff:ffff:ffff:ffff:ffff", P, NULL },
	{ "2001:4:113::", R, NULL },
	{ "2001:f:ffff:ffff:ffff:ffff:ffff:ffff", R, NULL },
	{ "2001:10::", R, NULL },	/* ORCHID, deprecated */
	{ "2001:1f:ffff:ffff:ffff:ffff:ffff:ffff", R, NULL },
	{ "2001:20::", P, NULL },	/* ORCHIDv2, globally reachable */
	{ "2001:2f:ffff:ffff:ffff:ffff:ffff:ffff", P, NULL },
	{ "2001:30::", P, NULL },	/* DRIP DETs */
	{ "2001:3f:ffff:ffff:ffff:ffff:ffff:ffff", P, NULL },
	{ "2001:40::", R, NULL },
	{ "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", R, NULL },
	{ "2001:200::", P, NULL },
	{ "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", P, NULL },
	{ "2001:db8::", R, NULL },
	{ "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", R, NULL },
	{ "2001:db9::", P, NULL },
	{ "2001:4860:4860::8888", P, NULL },
	{ "2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff", P, NULL },
	{ "2002::", E, "0.0.0.0" },
	{ "2002:c000:022d::1", E, "192.0.2.45" },
	{ "2002:0a00:0001::", E, "10.0.0.1" },
	{ "2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff", E, "255.255.255.255" },
	{ "2003::", P, NULL },
	{ "2620:4f:8000::1", P, NULL },	/* AS112 direct delegation */
	{ "3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff", P, NULL },
	{ "3fff::", R, NULL },
	{ "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff", R, NULL },
	{ "3fff:1000::", P, NULL },
	{ "3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", P, NULL },
	{ "4000::", R, NULL },		/* unassigned: outside 2000::/3 */
	{ "5f00::", R, NULL },
	{ "5fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", R, NULL },
	{ "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", R, NULL },
	{ "fc00::", PR, NULL },
	{ "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", PR, NULL },
	{ "fe00::", R, NULL },
	{ "fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", R, NULL },
	{ "fe80::", LL, NULL },
	{ "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", LL, NULL },
	{ "fec0::", R, NULL },
	{ "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", R, NULL },
	{ "ff00::", M, NULL },
	{ "ff02::1", M, NULL },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", M, NULL },
};

static int
parse(const char *text, void *addr)
{
	if (inet_pton(AF_INET, text, addr) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, text, addr) == 1)
		return AF_INET6;
	fail_msg("bad address in the test table: %s", text);
	return -1;
}

static void
test_table(void **state)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct in6_addr a;
		struct in_addr v4;
		char text[INET_ADDRSTRLEN];
		int af = parse(rows[i].addr, &a);
		enum addr_class c = addr_classify(af, &a);
		bool has;

		if (c != rows[i].cls)
			fail_msg("row %zu %s: %s, want %s", i, rows[i].addr,
			    addr_class_name(c), addr_class_name(rows[i].cls));
		if (af != AF_INET6)
			continue;
		has = addr_embedded_v4(&a, &v4);
		if (has != (rows[i].embedded != NULL))
			fail_msg("row %zu %s: embedded %d", i, rows[i].addr,
			    has);
		if (!has)
			continue;
		inet_ntop(AF_INET, &v4, text, sizeof(text));
		if (strcmp(text, rows[i].embedded) != 0)
			fail_msg("row %zu %s: embeds %s, want %s", i,
			    rows[i].addr, text, rows[i].embedded);
	}
}

static const struct {
	const char	*addr;
	bool		 strict;	/* allowed without --allow-private */
	bool		 loose;		/* allowed with it */
} allow_rows[] = {
	{ "8.8.8.8", true, true },
	{ "2001:4860:4860::8888", true, true },
	{ "2001:3::1", true, true },
	{ "127.0.0.1", false, true },
	{ "::1", false, true },
	{ "10.1.2.3", false, true },
	{ "fd00::1", false, true },
	{ "169.254.1.1", false, true },
	{ "fe80::1", false, true },
	{ "100.64.0.1", false, true },
	{ "192.0.2.1", false, true },
	{ "2001:db8::1", false, true },
	{ "255.255.255.255", false, true },
	{ "::ffff:8.8.8.8", false, true },
	{ "::ffff:10.0.0.1", false, true },
	{ "64:ff9b::8.8.8.8", false, true },
	{ "2002:0a00:0001::", false, true },
	{ "0.0.0.0", false, false },
	{ "0.1.2.3", false, false },
	{ "::", false, false },
	{ "224.0.0.1", false, false },
	{ "ff02::1", false, false },
	{ "::ffff:224.0.0.1", false, false },
	{ "::ffff:0.0.0.0", false, false },
	{ "64:ff9b::239.1.2.3", false, false },
};

static void
test_allowed(void **state)
{
	for (size_t i = 0; i < sizeof(allow_rows) / sizeof(allow_rows[0]);
	    i++) {
		struct in6_addr a;
		int af = parse(allow_rows[i].addr, &a);

		if (addr_connect_allowed(af, &a, false) != allow_rows[i].strict)
			fail_msg("%s without --allow-private", allow_rows[i].addr);
		if (addr_connect_allowed(af, &a, true) != allow_rows[i].loose)
			fail_msg("%s with --allow-private", allow_rows[i].addr);
	}
	/* An unknown family is never allowed. */
	assert_int_equal(addr_classify(AF_UNIX, "x"), ADDR_RESERVED);
	assert_false(addr_connect_allowed(AF_UNIX, "x", true));
}

static void
test_names(void **state)
{
	static const char *const names[] = { "public", "unspecified",
	    "loopback", "private", "link-local", "cgnat", "multicast",
	    "reserved", "v4-embedded" };

	for (int c = ADDR_PUBLIC; c <= ADDR_V4_EMBEDDED; c++) {
		assert_string_equal(addr_class_name(c), names[c]);
		assert_non_null(strstr(addr_class_reason(c), "address"));
	}
	assert_non_null(strstr(addr_class_reason(ADDR_LOOPBACK),
	    "127.0.0.0/8"));
	assert_string_equal(addr_class_name((enum addr_class)99), "unknown");
	assert_non_null(addr_class_reason((enum addr_class)99));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_allowed),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
