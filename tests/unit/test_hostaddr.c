/* SPDX-License-Identifier: MIT */
/*
 * dns_hostaddr_resolve() (src/dns/hostaddr.c) on answers from memory
 * (memdns): A only, AAAA only, both (IPv4 first, duplicates removed, the
 * cap), NXDOMAIN, a temporary failure of one family, the family filter,
 * and that the callback runs once and never from inside the call.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "dns/hostaddr.h"
#include "dns/wire.h"
#include "memdns.h"

/* What the callback saw, copied out of the borrowed result. */
struct got {
	int			 calls;
	bool			 inside;	/* called from inside resolve */
	bool			 in_resolve;
	bool			 have_a, have_aaaa;
	enum dns_outcome	 a_outcome, aaaa_outcome;
	bool			 temporary, truncated;
	int			 family;
	char			 name[256];
	size_t			 naddrs;
	char			 addrs[DNS_HOSTADDR_MAX][INET6_ADDRSTRLEN];
};

static void
got_cb(const struct dns_hostaddr_result *r, void *arg)
{
	struct got *g = arg;

	g->calls++;
	g->inside = g->in_resolve;
	g->have_a = r->a != NULL;
	g->have_aaaa = r->aaaa != NULL;
	if (r->a != NULL)
		g->a_outcome = r->a->outcome;
	if (r->aaaa != NULL)
		g->aaaa_outcome = r->aaaa->outcome;
	g->temporary = r->temporary;
	g->truncated = r->truncated;
	g->family = r->family;
	snprintf(g->name, sizeof(g->name), "%s", r->name);
	g->naddrs = r->naddrs;
	for (size_t i = 0; i < r->naddrs; i++)
		inet_ntop(r->addrs[i].af, &r->addrs[i].u, g->addrs[i],
		    sizeof(g->addrs[i]));
}

static void
run(struct memdns *m, const char *name, int family, struct got *g)
{
	memset(g, 0, sizeof(*g));
	g->in_resolve = true;
	dns_hostaddr_resolve(memdns_lookup(m), name, family, got_cb, g);
	g->in_resolve = false;
	memdns_run(m);
	assert_int_equal(g->calls, 1);
	assert_false(g->inside);
	assert_string_equal(g->name, name);
}

static void
test_a_only(void **state)
{
	struct memdns *m = memdns_new();
	struct got g;

	(void)state;
	memdns_add_a(m, "mx.example.test", "192.0.2.1");
	memdns_add_a(m, "mx.example.test", "192.0.2.2");
	run(m, "mx.example.test", AF_UNSPEC, &g);
	assert_true(g.have_a);
	assert_true(g.have_aaaa);
	assert_int_equal(g.a_outcome, DNS_OUT_ANSWER);
	assert_int_equal(g.aaaa_outcome, DNS_OUT_NODATA);
	assert_false(g.temporary);
	assert_int_equal(g.naddrs, 2);
	assert_string_equal(g.addrs[0], "192.0.2.1");
	assert_string_equal(g.addrs[1], "192.0.2.2");
	assert_int_equal(memdns_queries(m), 2);
	memdns_free(m);
}

static void
test_aaaa_only(void **state)
{
	struct memdns *m = memdns_new();
	struct got g;

	(void)state;
	memdns_add_aaaa(m, "v6.example.test", "2001:db8::25");
	run(m, "v6.example.test", AF_UNSPEC, &g);
	assert_int_equal(g.a_outcome, DNS_OUT_NODATA);
	assert_int_equal(g.aaaa_outcome, DNS_OUT_ANSWER);
	assert_int_equal(g.naddrs, 1);
	assert_string_equal(g.addrs[0], "2001:db8::25");
	memdns_free(m);
}

/* IPv4 first whatever order the answers come in; duplicates once; a
 * CNAME in the chain is no address. */
static void
test_both(void **state)
{
	struct memdns *m = memdns_new();
	struct got g;

	(void)state;
	memdns_add_cname(m, "mail.example.test", "mx.example.test");
	memdns_add_aaaa(m, "mx.example.test", "2001:db8::1");
	memdns_add_aaaa(m, "mx.example.test", "2001:db8::1");
	memdns_add_a(m, "mx.example.test", "192.0.2.7");
	memdns_add_a(m, "mx.example.test", "192.0.2.8");
	memdns_add_a(m, "mx.example.test", "192.0.2.7");
	run(m, "mail.example.test", AF_UNSPEC, &g);
	assert_int_equal(g.naddrs, 3);
	assert_string_equal(g.addrs[0], "192.0.2.7");
	assert_string_equal(g.addrs[1], "192.0.2.8");
	assert_string_equal(g.addrs[2], "2001:db8::1");
	assert_false(g.truncated);
	memdns_free(m);
}

static void
test_cap(void **state)
{
	struct memdns *m = memdns_new();
	struct got g;
	char a[32];

	(void)state;
	for (int i = 0; i < DNS_HOSTADDR_MAX + 5; i++) {
		snprintf(a, sizeof(a), "198.51.100.%d", i + 1);
		memdns_add_a(m, "many.example.test", a);
	}
	memdns_add_aaaa(m, "many.example.test", "2001:db8::1");
	run(m, "many.example.test", AF_UNSPEC, &g);
	assert_int_equal(g.naddrs, DNS_HOSTADDR_MAX);
	assert_true(g.truncated);
	assert_string_equal(g.addrs[0], "198.51.100.1");
	assert_string_equal(g.addrs[DNS_HOSTADDR_MAX - 1], "198.51.100.32");
	memdns_free(m);
}

static void
test_nxdomain(void **state)
{
	struct memdns *m = memdns_new();
	struct got g;

	(void)state;
	run(m, "nowhere.example.test", AF_UNSPEC, &g);
	assert_int_equal(g.naddrs, 0);
	assert_int_equal(g.a_outcome, DNS_OUT_NXDOMAIN);
	assert_int_equal(g.aaaa_outcome, DNS_OUT_NXDOMAIN);
	assert_false(g.temporary);
	memdns_free(m);
}

/* One family times out: the other's addresses still come, and the
 * failure is said to be temporary. */
static void
test_one_temporary(void **state)
{
	struct memdns *m = memdns_new();
	struct got g;

	(void)state;
	memdns_add_a(m, "half.example.test", "192.0.2.9");
	memdns_add_aaaa(m, "half.example.test", "2001:db8::9");
	memdns_set_outcome(m, "half.example.test", DNS_T_AAAA,
	    DNS_OUT_TIMEOUT);
	run(m, "half.example.test", AF_UNSPEC, &g);
	assert_true(g.temporary);
	assert_int_equal(g.aaaa_outcome, DNS_OUT_TIMEOUT);
	assert_int_equal(g.naddrs, 1);
	assert_string_equal(g.addrs[0], "192.0.2.9");

	memdns_set_outcome(m, "half.example.test", DNS_T_A, DNS_OUT_SERVFAIL);
	run(m, "half.example.test", AF_UNSPEC, &g);
	assert_true(g.temporary);
	assert_int_equal(g.naddrs, 0);
	memdns_free(m);
}

static void
test_family(void **state)
{
	struct memdns *m = memdns_new();
	struct got g;

	(void)state;
	memdns_add_a(m, "dual.example.test", "192.0.2.10");
	memdns_add_aaaa(m, "dual.example.test", "2001:db8::10");
	run(m, "dual.example.test", AF_INET, &g);
	assert_int_equal(g.family, AF_INET);
	assert_true(g.have_a);
	assert_false(g.have_aaaa);
	assert_int_equal(g.naddrs, 1);
	assert_string_equal(g.addrs[0], "192.0.2.10");
	assert_int_equal(memdns_queries(m), 1);

	run(m, "dual.example.test", AF_INET6, &g);
	assert_int_equal(g.family, AF_INET6);
	assert_false(g.have_a);
	assert_true(g.have_aaaa);
	assert_int_equal(g.naddrs, 1);
	assert_string_equal(g.addrs[0], "2001:db8::10");
	assert_int_equal(memdns_queries(m), 2);

	/* A temporary failure of the family not asked does not count. */
	memdns_set_outcome(m, "dual.example.test", DNS_T_AAAA,
	    DNS_OUT_TIMEOUT);
	run(m, "dual.example.test", AF_INET, &g);
	assert_false(g.temporary);
	assert_int_equal(g.naddrs, 1);
	memdns_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_only),
		cmocka_unit_test(test_aaaa_only),
		cmocka_unit_test(test_both),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_nxdomain),
		cmocka_unit_test(test_one_temporary),
		cmocka_unit_test(test_family),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
