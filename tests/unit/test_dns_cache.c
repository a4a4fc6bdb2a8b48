/* SPDX-License-Identifier: MIT */
/*
 * The DNS answer cache (src/dns/cache.c) in front of memdns, on a real
 * libevent base and a fake clock: hits after misses, keys, coalescing,
 * TTLs (records, CNAME chain, RFC 2308 negative answers, caps), outcomes
 * never kept, LRU eviction, queries from callbacks, and freeing with
 * queries in flight. Every callback checks that it does not run from
 * inside a query.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <event2/event.h>

#include "dns/cache.h"
#include "dns/wire.h"
#include "memdns.h"

struct fx {
	struct event_base	*base;
	struct memdns		*m;
	struct dns_cache	*c;
	struct dns_lookup	 lk;
	uint64_t		 now;		/* the fake clock, ms */
	bool			 in_query;
	int			 inside;	/* called back inside query() */
	int			 outstanding;	/* asked, not called back */
};

/* What one query got. */
struct res {
	struct fx		*fx;
	int			 calls;
	enum dns_outcome	 outcome;
	size_t			 nrr;
	char			 addr[64];	/* first address, if any */
	int			 order;		/* when it was called back */
	/* Optional: ask this from inside the callback. */
	const char		*then_name;
	uint16_t		 then_qtype;
	struct res		*then_res;
};

static int order_seq;

static uint64_t
fake_now(void *arg)
{
	return ((struct fx *)arg)->now;
}

static void
fx_open(struct fx *fx, size_t max_entries, uint32_t max_ttl,
    uint32_t max_neg_ttl)
{
	struct dns_cache_config cfg = {
		.max_entries = max_entries,
		.max_ttl = max_ttl,
		.max_neg_ttl = max_neg_ttl,
		.now_ms = fake_now,
		.now_arg = fx,
	};

	memset(fx, 0, sizeof(*fx));
	fx->now = 1000000;
	fx->base = event_base_new();
	assert_non_null(fx->base);
	fx->m = memdns_new();
	fx->c = dns_cache_new(fx->base, memdns_lookup(fx->m), &cfg);
	assert_non_null(fx->c);
	dns_cache_lookup(fx->c, &fx->lk);
}

static void
fx_close(struct fx *fx)
{
	assert_int_equal(fx->inside, 0);
	dns_cache_free(fx->c);
	memdns_run(fx->m);
	memdns_free(fx->m);
	event_base_free(fx->base);
}

static void ask(struct fx *fx, const char *name, uint16_t qtype,
    struct res *r);

static void
res_cb(const struct dns_answer *ans, void *arg)
{
	struct res *r = arg;

	if (r->fx->in_query)
		r->fx->inside++;
	r->fx->outstanding--;
	r->calls++;
	r->order = ++order_seq;
	r->outcome = ans->outcome;
	r->nrr = ans->nrr;
	r->addr[0] = '\0';
	if (ans->nrr > 0)
		dns_rr_address(&ans->rr[0], r->addr, sizeof(r->addr));
	if (r->then_name != NULL) {
		const char *name = r->then_name;

		r->then_name = NULL;	/* once */
		ask(r->fx, name, r->then_qtype, r->then_res);
	}
}

static void
ask(struct fx *fx, const char *name, uint16_t qtype, struct res *r)
{
	bool was = fx->in_query;

	r->fx = fx;
	fx->outstanding++;
	fx->in_query = true;
	dns_lookup_query(&fx->lk, name, qtype, res_cb, r);
	fx->in_query = was;
}

/* Run the loop and memdns until every query has been answered. */
static void
settle(struct fx *fx)
{
	for (int i = 0; i < 1000; i++) {
		event_base_loop(fx->base, EVLOOP_NONBLOCK);
		if (memdns_run(fx->m) == 0 && fx->outstanding == 0)
			return;
	}
	fail_msg("queries never answered: %d", fx->outstanding);
}

/* Ask and settle; returns the outcome. */
static enum dns_outcome
ask_settle(struct fx *fx, const char *name, uint16_t qtype, struct res *r)
{
	memset(r, 0, sizeof(*r));
	ask(fx, name, qtype, r);
	settle(fx);
	assert_int_equal(r->calls, 1);
	return r->outcome;
}

static struct dns_cache_stats
stats(const struct fx *fx)
{
	struct dns_cache_stats st;

	dns_cache_stats(fx->c, &st);
	return st;
}

static void
test_hit_after_miss(void **state)
{
	struct fx fx;
	struct res r;
	struct dns_cache_stats st;

	(void)state;
	fx_open(&fx, 0, 0, 0);
	memdns_add_a(fx.m, "mail.example.com", "192.0.2.1");
	assert_int_equal(ask_settle(&fx, "mail.example.com", DNS_T_A, &r),
	    DNS_OUT_ANSWER);
	assert_string_equal(r.addr, "192.0.2.1");
	assert_int_equal(memdns_queries(fx.m), 1);

	/* The hit waits for the loop. */
	memset(&r, 0, sizeof(r));
	ask(&fx, "mail.example.com", DNS_T_A, &r);
	assert_int_equal(r.calls, 0);
	settle(&fx);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.outcome, DNS_OUT_ANSWER);
	assert_string_equal(r.addr, "192.0.2.1");
	assert_int_equal(memdns_queries(fx.m), 1);

	st = stats(&fx);
	assert_int_equal(st.hits, 1);
	assert_int_equal(st.misses, 1);
	assert_int_equal(st.coalesced, 0);
	assert_int_equal(st.inserted, 1);
	assert_int_equal(st.entries, 1);
	assert_int_equal(st.pending, 0);
	fx_close(&fx);
}

static void
test_keys(void **state)
{
	struct fx fx;
	struct res r;
	static const struct {
		const char	*name;
		uint16_t	 qtype;
		bool		 hit;
	} t[] = {
		{ "mail.example.com", DNS_T_A, false },
		{ "MAIL.Example.COM", DNS_T_A, true },
		{ "mail.example.com.", DNS_T_A, true },
		{ "Mail.Example.Com.", DNS_T_A, true },
		{ "mail.example.com", DNS_T_AAAA, false },
		{ "MAIL.EXAMPLE.COM.", DNS_T_AAAA, true },
		{ "mail.example.co", DNS_T_A, false },
		{ "ail.example.com", DNS_T_A, false },
		{ "mail.example.com..", DNS_T_A, false },
		{ "mail\\.example.com", DNS_T_A, false },
	};
	size_t asked = 0;

	(void)state;
	fx_open(&fx, 0, 0, 0);
	memdns_add_a(fx.m, "mail.example.com", "192.0.2.1");
	memdns_add_aaaa(fx.m, "mail.example.com", "2001:db8::1");
	memdns_add_soa(fx.m, "example.com", "ns.example.com",
	    "hostmaster.example.com");
	for (size_t i = 0; i < UTIL_ARRAY_LEN(t); i++) {
		ask_settle(&fx, t[i].name, t[i].qtype, &r);
		if (!t[i].hit)
			asked++;
		if (memdns_queries(fx.m) != asked)
			fail_msg("%s type %u: want %s", t[i].name,
			    t[i].qtype, t[i].hit ? "a hit" : "a miss");
	}
	fx_close(&fx);
}

static void
test_coalesce(void **state)
{
	struct fx fx;
	struct res r[10];
	struct dns_cache_stats st;

	(void)state;
	fx_open(&fx, 0, 0, 0);
	memdns_add_ptr(fx.m, "1.2.0.192.in-addr.arpa", "mail.example.com");
	memset(r, 0, sizeof(r));
	for (size_t i = 0; i < UTIL_ARRAY_LEN(r); i++)
		ask(&fx, i % 2 ? "1.2.0.192.IN-ADDR.ARPA." :
		    "1.2.0.192.in-addr.arpa", DNS_T_PTR, &r[i]);
	st = stats(&fx);
	assert_int_equal(st.pending, 1);
	assert_int_equal(st.misses, 1);
	assert_int_equal(st.coalesced, 9);
	settle(&fx);
	assert_int_equal(memdns_queries(fx.m), 1);
	for (size_t i = 0; i < UTIL_ARRAY_LEN(r); i++) {
		assert_int_equal(r[i].calls, 1);
		assert_int_equal(r[i].outcome, DNS_OUT_ANSWER);
		assert_int_equal(r[i].nrr, 1);
		if (i > 0)	/* in the order asked */
			assert_true(r[i].order > r[i - 1].order);
	}
	st = stats(&fx);
	assert_int_equal(st.pending, 0);
	assert_int_equal(st.entries, 1);

	/* Coalesced waiters of an answer that is not kept get it too. */
	memdns_set_outcome(fx.m, "slow.example.com", 0, DNS_OUT_TIMEOUT);
	memset(r, 0, sizeof(r));
	for (size_t i = 0; i < 3; i++)
		ask(&fx, "slow.example.com", DNS_T_A, &r[i]);
	settle(&fx);
	assert_int_equal(memdns_queries(fx.m), 2);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(r[i].outcome, DNS_OUT_TIMEOUT);
	fx_close(&fx);
}

/* How many upstream queries asking name at now + ms costs. */
static size_t
asks_at(struct fx *fx, uint64_t ms, const char *name, uint16_t qtype,
    enum dns_outcome want)
{
	size_t before = memdns_queries(fx->m);
	struct res r;

	fx->now += ms;
	assert_int_equal(ask_settle(fx, name, qtype, &r), want);
	return memdns_queries(fx->m) - before;
}

static void
test_ttl_min_and_expiry(void **state)
{
	struct fx fx;
	struct dns_rr rr;
	struct dns_cache_stats st;

	(void)state;
	fx_open(&fx, 0, 0, 0);
	/* Two A records: the shorter TTL (50 s) rules. */
	memset(&rr, 0, sizeof(rr));
	rr.type = DNS_T_A;
	rr.ttl = 100;
	rr.u.a.s_addr = htonl(0xc0000201);
	memdns_add_rr(fx.m, "two.example.com", &rr);
	rr.ttl = 50;
	rr.u.a.s_addr = htonl(0xc0000202);
	memdns_add_rr(fx.m, "two.example.com", &rr);
	assert_int_equal(asks_at(&fx, 0, "two.example.com", DNS_T_A,
	    DNS_OUT_ANSWER), 1);
	assert_int_equal(asks_at(&fx, 49999, "two.example.com", DNS_T_A,
	    DNS_OUT_ANSWER), 0);
	assert_int_equal(asks_at(&fx, 1, "two.example.com", DNS_T_A,
	    DNS_OUT_ANSWER), 1);
	st = stats(&fx);
	assert_int_equal(st.expired, 1);
	assert_int_equal(st.inserted, 2);
	assert_int_equal(st.entries, 1);

	/* A CNAME hop shorter than the records ends the entry first. */
	memdns_add_cname(fx.m, "www.example.com", "web.example.net");
	memdns_set_ttl(fx.m, "www.example.com", DNS_T_CNAME, 20);
	memdns_add_a(fx.m, "web.example.net", "192.0.2.9");
	memdns_set_ttl(fx.m, "web.example.net", DNS_T_A, 3000);
	assert_int_equal(asks_at(&fx, 0, "www.example.com", DNS_T_A,
	    DNS_OUT_ANSWER), 1);
	assert_int_equal(asks_at(&fx, 19999, "www.example.com", DNS_T_A,
	    DNS_OUT_ANSWER), 0);
	assert_int_equal(asks_at(&fx, 1, "www.example.com", DNS_T_A,
	    DNS_OUT_ANSWER), 1);

	/* ...and a record shorter than the chain. */
	memdns_set_ttl(fx.m, "www.example.com", DNS_T_CNAME, 3000);
	memdns_set_ttl(fx.m, "web.example.net", DNS_T_A, 7);
	assert_int_equal(asks_at(&fx, 20000, "www.example.com", DNS_T_A,
	    DNS_OUT_ANSWER), 1);
	assert_int_equal(asks_at(&fx, 6999, "www.example.com", DNS_T_A,
	    DNS_OUT_ANSWER), 0);
	assert_int_equal(asks_at(&fx, 1, "www.example.com", DNS_T_A,
	    DNS_OUT_ANSWER), 1);

	/* TTL 0: never kept. */
	memdns_add_a(fx.m, "zero.example.com", "192.0.2.3");
	memdns_set_ttl(fx.m, "zero.example.com", DNS_T_A, 0);
	assert_int_equal(asks_at(&fx, 0, "zero.example.com", DNS_T_A,
	    DNS_OUT_ANSWER), 1);
	assert_int_equal(asks_at(&fx, 0, "zero.example.com", DNS_T_A,
	    DNS_OUT_ANSWER), 1);
	st = stats(&fx);
	assert_int_equal(st.uncacheable, 2);
	fx_close(&fx);
}

static void
test_negative(void **state)
{
	struct fx fx;
	struct dns_cache_stats st;

	(void)state;
	fx_open(&fx, 0, 0, 0);
	memdns_add_a(fx.m, "host.example.com", "192.0.2.1");
	memdns_add_soa(fx.m, "example.com", "ns.example.com",
	    "hostmaster.example.com");

	/* NXDOMAIN: min(SOA TTL 600, MINIMUM 120) = 120 s. */
	memdns_set_soa_ttl(fx.m, "example.com", 600, 120);
	assert_int_equal(asks_at(&fx, 0, "nope.example.com", DNS_T_PTR,
	    DNS_OUT_NXDOMAIN), 1);
	assert_int_equal(asks_at(&fx, 119999, "nope.example.com", DNS_T_PTR,
	    DNS_OUT_NXDOMAIN), 0);
	assert_int_equal(asks_at(&fx, 1, "nope.example.com", DNS_T_PTR,
	    DNS_OUT_NXDOMAIN), 1);

	/* NODATA: min(SOA TTL 30, MINIMUM 900) = 30 s. */
	memdns_set_soa_ttl(fx.m, "example.com", 30, 900);
	assert_int_equal(asks_at(&fx, 0, "host.example.com", DNS_T_AAAA,
	    DNS_OUT_NODATA), 1);
	assert_int_equal(asks_at(&fx, 29999, "host.example.com", DNS_T_AAAA,
	    DNS_OUT_NODATA), 0);
	assert_int_equal(asks_at(&fx, 1, "host.example.com", DNS_T_AAAA,
	    DNS_OUT_NODATA), 1);

	/* No SOA (outside example.com): neither kept. */
	memdns_add_a(fx.m, "host.example.org", "192.0.2.2");
	for (int i = 0; i < 2; i++) {
		assert_int_equal(asks_at(&fx, 0, "nope.example.org",
		    DNS_T_A, DNS_OUT_NXDOMAIN), 1);
		assert_int_equal(asks_at(&fx, 0, "host.example.org",
		    DNS_T_AAAA, DNS_OUT_NODATA), 1);
	}
	st = stats(&fx);
	assert_int_equal(st.uncacheable, 4);
	assert_int_equal(st.inserted, 4);
	fx_close(&fx);
}

static void
test_not_kept(void **state)
{
	static const enum dns_outcome t[] = {
		DNS_OUT_SERVFAIL, DNS_OUT_REFUSED, DNS_OUT_TIMEOUT,
		DNS_OUT_OTHER, DNS_OUT_FORMERR, DNS_OUT_NOTIMP,
		DNS_OUT_CHAINLOOP,
	};
	struct fx fx;
	struct dns_cache_stats st;

	(void)state;
	fx_open(&fx, 0, 0, 0);
	/* Even where an SOA would make a negative answer cacheable. */
	memdns_add_soa(fx.m, ".", "a.root-servers.net", "nstld.example");
	for (size_t i = 0; i < UTIL_ARRAY_LEN(t); i++) {
		char name[64];

		snprintf(name, sizeof(name), "%s.example.com",
		    dns_outcome_name(t[i]));
		memdns_set_outcome(fx.m, name, 0, t[i]);
		for (int k = 0; k < 3; k++)
			if (asks_at(&fx, 1000, name, DNS_T_A, t[i]) != 1)
				fail_msg("%s was kept", dns_outcome_name(t[i]));
	}
	st = stats(&fx);
	assert_int_equal(st.uncacheable, 3 * UTIL_ARRAY_LEN(t));
	assert_int_equal(st.inserted, 0);
	assert_int_equal(st.entries, 0);
	assert_int_equal(st.hits, 0);
	fx_close(&fx);
}

static void
test_caps(void **state)
{
	struct fx fx;

	(void)state;
	fx_open(&fx, 0, 60, 10);
	memdns_add_a(fx.m, "long.example.com", "192.0.2.1");
	memdns_set_ttl(fx.m, "long.example.com", DNS_T_A, 86400);
	memdns_add_soa(fx.m, "example.com", "ns.example.com",
	    "hostmaster.example.com");
	memdns_set_soa_ttl(fx.m, "example.com", 600, 600);

	assert_int_equal(asks_at(&fx, 0, "long.example.com", DNS_T_A,
	    DNS_OUT_ANSWER), 1);
	assert_int_equal(asks_at(&fx, 59999, "long.example.com", DNS_T_A,
	    DNS_OUT_ANSWER), 0);
	assert_int_equal(asks_at(&fx, 1, "long.example.com", DNS_T_A,
	    DNS_OUT_ANSWER), 1);

	assert_int_equal(asks_at(&fx, 0, "gone.example.com", DNS_T_A,
	    DNS_OUT_NXDOMAIN), 1);
	assert_int_equal(asks_at(&fx, 9999, "gone.example.com", DNS_T_A,
	    DNS_OUT_NXDOMAIN), 0);
	assert_int_equal(asks_at(&fx, 1, "gone.example.com", DNS_T_A,
	    DNS_OUT_NXDOMAIN), 1);
	fx_close(&fx);

	/* The defaults: 86400 s and 3600 s. */
	fx_open(&fx, 0, 0, 0);
	memdns_add_a(fx.m, "long.example.com", "192.0.2.1");
	memdns_set_ttl(fx.m, "long.example.com", DNS_T_A, 7 * 86400);
	memdns_add_soa(fx.m, "example.com", "ns.example.com",
	    "hostmaster.example.com");
	memdns_set_soa_ttl(fx.m, "example.com", 86400, 86400);
	assert_int_equal(asks_at(&fx, 0, "long.example.com", DNS_T_A,
	    DNS_OUT_ANSWER), 1);
	assert_int_equal(asks_at(&fx, 0, "gone.example.com", DNS_T_A,
	    DNS_OUT_NXDOMAIN), 1);
	assert_int_equal(asks_at(&fx, 3599999, "gone.example.com", DNS_T_A,
	    DNS_OUT_NXDOMAIN), 0);
	assert_int_equal(asks_at(&fx, 1, "gone.example.com", DNS_T_A,
	    DNS_OUT_NXDOMAIN), 1);
	assert_int_equal(asks_at(&fx, 86400000 - 3600000 - 1,
	    "long.example.com", DNS_T_A, DNS_OUT_ANSWER), 0);
	assert_int_equal(asks_at(&fx, 1, "long.example.com", DNS_T_A,
	    DNS_OUT_ANSWER), 1);
	fx_close(&fx);
}

static void
test_lru(void **state)
{
	static const char *const names[] = {
		"a.example.com", "b.example.com", "c.example.com",
		"d.example.com",
	};
	struct fx fx;
	struct dns_cache_stats st;

	(void)state;
	fx_open(&fx, 3, 0, 0);
	for (size_t i = 0; i < UTIL_ARRAY_LEN(names); i++)
		memdns_add_a(fx.m, names[i], "192.0.2.1");
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(asks_at(&fx, 0, names[i], DNS_T_A,
		    DNS_OUT_ANSWER), 1);
	/* Touch a: b is now the least recently used. */
	assert_int_equal(asks_at(&fx, 0, "a.example.com", DNS_T_A,
	    DNS_OUT_ANSWER), 0);
	assert_int_equal(asks_at(&fx, 0, "d.example.com", DNS_T_A,
	    DNS_OUT_ANSWER), 1);
	st = stats(&fx);
	assert_int_equal(st.evicted, 1);
	assert_int_equal(st.entries, 3);
	assert_int_equal(asks_at(&fx, 0, "a.example.com", DNS_T_A,
	    DNS_OUT_ANSWER), 0);
	assert_int_equal(asks_at(&fx, 0, "c.example.com", DNS_T_A,
	    DNS_OUT_ANSWER), 0);
	assert_int_equal(asks_at(&fx, 0, "d.example.com", DNS_T_A,
	    DNS_OUT_ANSWER), 0);
	/* b went; asking it again evicts the least recent now, a. */
	assert_int_equal(asks_at(&fx, 0, "b.example.com", DNS_T_A,
	    DNS_OUT_ANSWER), 1);
	assert_int_equal(asks_at(&fx, 0, "a.example.com", DNS_T_A,
	    DNS_OUT_ANSWER), 1);
	st = stats(&fx);
	assert_int_equal(st.evicted, 3);
	assert_int_equal(st.entries, 3);
	fx_close(&fx);
}

/* Many entries through a small table: chains and eviction stay sound. */
static void
test_many(void **state)
{
	struct fx fx;
	struct dns_cache_stats st;
	char name[64];
	struct res r;

	(void)state;
	fx_open(&fx, 100, 0, 0);
	memdns_add_soa(fx.m, "example.com", "ns.example.com",
	    "hostmaster.example.com");
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "h%d.example.com", i);
		assert_int_equal(ask_settle(&fx, name, DNS_T_A, &r),
		    DNS_OUT_NXDOMAIN);
	}
	st = stats(&fx);
	assert_int_equal(st.entries, 100);
	assert_int_equal(st.evicted, 900);
	/* The last 100 are there, the one before went. */
	for (int i = 999; i >= 900; i--) {
		snprintf(name, sizeof(name), "H%d.EXAMPLE.COM.", i);
		assert_int_equal(asks_at(&fx, 0, name, DNS_T_A,
		    DNS_OUT_NXDOMAIN), 0);
	}
	assert_int_equal(asks_at(&fx, 0, "h899.example.com", DNS_T_A,
	    DNS_OUT_NXDOMAIN), 1);
	fx_close(&fx);
}

static void
test_query_from_callback(void **state)
{
	struct fx fx;
	struct res ptr, a, again, hit, hit_again, sf, sf_again;

	(void)state;
	fx_open(&fx, 0, 0, 0);
	memdns_add_ptr(fx.m, "1.2.0.192.in-addr.arpa", "mail.example.com");
	memdns_add_a(fx.m, "mail.example.com", "192.0.2.1");
	memdns_set_outcome(fx.m, "sf.example.com", 0, DNS_OUT_SERVFAIL);

	/* PTR then A, as the policy check chains them. */
	memset(&ptr, 0, sizeof(ptr));
	memset(&a, 0, sizeof(a));
	ptr.then_name = "mail.example.com";
	ptr.then_qtype = DNS_T_A;
	ptr.then_res = &a;
	ask(&fx, "1.2.0.192.in-addr.arpa", DNS_T_PTR, &ptr);
	settle(&fx);
	assert_int_equal(ptr.calls, 1);
	assert_int_equal(a.calls, 1);
	assert_string_equal(a.addr, "192.0.2.1");

	/* The key being delivered, from its upstream delivery: a hit. */
	memset(&again, 0, sizeof(again));
	memset(&ptr, 0, sizeof(ptr));
	memdns_add_a(fx.m, "new.example.com", "192.0.2.7");
	ptr.then_name = "new.example.com";
	ptr.then_qtype = DNS_T_A;
	ptr.then_res = &again;
	ask(&fx, "new.example.com", DNS_T_A, &ptr);
	settle(&fx);
	assert_int_equal(again.calls, 1);
	assert_string_equal(again.addr, "192.0.2.7");
	assert_int_equal(memdns_queries(fx.m), 3);

	/* ...from a hit's delivery: another hit. */
	memset(&hit, 0, sizeof(hit));
	memset(&hit_again, 0, sizeof(hit_again));
	hit.then_name = "NEW.example.com.";
	hit.then_qtype = DNS_T_A;
	hit.then_res = &hit_again;
	ask(&fx, "new.example.com", DNS_T_A, &hit);
	settle(&fx);
	assert_int_equal(hit.calls, 1);
	assert_int_equal(hit_again.calls, 1);
	assert_string_equal(hit_again.addr, "192.0.2.7");
	assert_int_equal(memdns_queries(fx.m), 3);

	/* ...and of an answer not kept: asked upstream again, answered. */
	memset(&sf, 0, sizeof(sf));
	memset(&sf_again, 0, sizeof(sf_again));
	sf.then_name = "sf.example.com";
	sf.then_qtype = DNS_T_A;
	sf.then_res = &sf_again;
	ask(&fx, "sf.example.com", DNS_T_A, &sf);
	settle(&fx);
	assert_int_equal(sf.calls, 1);
	assert_int_equal(sf_again.calls, 1);
	assert_int_equal(sf_again.outcome, DNS_OUT_SERVFAIL);
	assert_int_equal(memdns_queries(fx.m), 5);
	fx_close(&fx);
}

/* A hit queued for the loop keeps its entry, even when the entry is
 * evicted or expires before the loop runs. */
static void
test_hit_outlives_entry(void **state)
{
	struct fx fx;
	struct res r, hit1, hit2, miss;

	(void)state;
	fx_open(&fx, 1, 0, 0);
	memdns_add_a(fx.m, "a.example.com", "192.0.2.1");
	memdns_add_a(fx.m, "b.example.com", "192.0.2.2");
	memdns_set_ttl(fx.m, "a.example.com", DNS_T_A, 10);
	ask_settle(&fx, "a.example.com", DNS_T_A, &r);

	/* Evicted: a hit for a is queued, then b's answer pushes a out. */
	memset(&hit1, 0, sizeof(hit1));
	memset(&miss, 0, sizeof(miss));
	ask(&fx, "a.example.com", DNS_T_A, &hit1);
	ask(&fx, "b.example.com", DNS_T_A, &miss);
	memdns_run(fx.m);
	assert_int_equal(miss.calls, 1);
	assert_int_equal(hit1.calls, 0);
	assert_int_equal(stats(&fx).evicted, 1);
	settle(&fx);
	assert_int_equal(hit1.calls, 1);
	assert_string_equal(hit1.addr, "192.0.2.1");

	/* Expired: a hit is queued, then a later query finds a stale. */
	ask_settle(&fx, "a.example.com", DNS_T_A, &r);
	memset(&hit1, 0, sizeof(hit1));
	memset(&hit2, 0, sizeof(hit2));
	ask(&fx, "a.example.com", DNS_T_A, &hit1);
	fx.now += 10000;
	ask(&fx, "a.example.com", DNS_T_A, &hit2);
	assert_int_equal(stats(&fx).expired, 1);
	settle(&fx);
	assert_int_equal(hit1.calls, 1);
	assert_string_equal(hit1.addr, "192.0.2.1");
	assert_int_equal(hit2.calls, 1);
	assert_int_equal(memdns_queries(fx.m), 4);
	fx_close(&fx);
}

/* Many hits in one turn of the loop: each called once, in order. */
static void
test_hit_burst(void **state)
{
	enum { N = 5000 };
	static struct res r[N];
	struct fx fx;
	struct res first;

	(void)state;
	fx_open(&fx, 0, 0, 0);
	memdns_add_a(fx.m, "busy.example.com", "192.0.2.1");
	ask_settle(&fx, "busy.example.com", DNS_T_A, &first);
	memset(r, 0, sizeof(r));
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < N; i++)
			ask(&fx, "busy.example.com", DNS_T_A, &r[i]);
		assert_int_equal(r[0].calls, k);
		assert_int_equal(event_base_loop(fx.base, EVLOOP_ONCE), 0);
		for (size_t i = 0; i < N; i++) {
			assert_int_equal(r[i].calls, k + 1);
			if (i > 0)
				assert_true(r[i].order > r[i - 1].order);
		}
	}
	assert_int_equal(memdns_queries(fx.m), 1);
	assert_int_equal(stats(&fx).hits, 2 * N);
	fx_close(&fx);
}

static void
test_free_pending(void **state)
{
	struct fx fx;
	struct res r, hit, w[3], during, late;
	struct dns_cache_stats st;

	(void)state;
	fx_open(&fx, 0, 0, 0);
	memdns_add_a(fx.m, "cached.example.com", "192.0.2.1");
	memdns_add_a(fx.m, "slow.example.com", "192.0.2.2");
	ask_settle(&fx, "cached.example.com", DNS_T_A, &r);

	/* A hit waiting for the loop, three waiters on one upstream query
	 * (one of which asks again from its callback), another query. */
	memset(&hit, 0, sizeof(hit));
	memset(w, 0, sizeof(w));
	memset(&during, 0, sizeof(during));
	memset(&late, 0, sizeof(late));
	ask(&fx, "cached.example.com", DNS_T_A, &hit);
	w[1].then_name = "cached.example.com";
	w[1].then_qtype = DNS_T_A;
	w[1].then_res = &during;
	for (size_t i = 0; i < 3; i++)
		ask(&fx, "slow.example.com", DNS_T_A, &w[i]);
	ask(&fx, "other.example.com", DNS_T_MX, &late);
	st = stats(&fx);
	assert_int_equal(st.pending, 2);

	dns_cache_free(fx.c);
	fx.c = NULL;
	/* The one documented exception: a query asked from a callback run
	 * by dns_cache_free is answered at once. */
	assert_int_equal(fx.inside, 1);
	fx.inside = 0;
	assert_int_equal(hit.calls, 1);
	assert_int_equal(hit.outcome, DNS_OUT_ANSWER);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(w[i].calls, 1);
		assert_int_equal(w[i].outcome, DNS_OUT_OTHER);
	}
	assert_int_equal(during.calls, 1);
	assert_int_equal(during.outcome, DNS_OUT_OTHER);
	assert_int_equal(late.calls, 1);
	assert_int_equal(late.outcome, DNS_OUT_OTHER);
	assert_int_equal(fx.outstanding, 0);

	/* The upstream's late callbacks free what they held, nothing more:
	 * no waiter is called twice. */
	assert_int_equal(memdns_run(fx.m), 2);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(w[i].calls, 1);
	assert_int_equal(late.calls, 1);
	event_base_loop(fx.base, EVLOOP_NONBLOCK);
	assert_int_equal(hit.calls, 1);
	fx_close(&fx);
}

/* The upstream settled first (as dns_resolver_free does): nothing left. */
static void
test_free_after_upstream(void **state)
{
	struct fx fx;
	struct res r;

	(void)state;
	fx_open(&fx, 0, 0, 0);
	memdns_add_a(fx.m, "a.example.com", "192.0.2.1");
	memset(&r, 0, sizeof(r));
	ask(&fx, "a.example.com", DNS_T_A, &r);
	memdns_run(fx.m);
	assert_int_equal(r.calls, 1);
	assert_int_equal(stats(&fx).pending, 0);
	fx_close(&fx);
	dns_cache_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit_after_miss),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_coalesce),
		cmocka_unit_test(test_ttl_min_and_expiry),
		cmocka_unit_test(test_negative),
		cmocka_unit_test(test_not_kept),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_lru),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_query_from_callback),
		cmocka_unit_test(test_hit_outlives_entry),
		cmocka_unit_test(test_hit_burst),
		cmocka_unit_test(test_free_pending),
		cmocka_unit_test(test_free_after_upstream),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
