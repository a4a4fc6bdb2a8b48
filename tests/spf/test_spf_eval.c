/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for spf/eval.c over memdns: check_host() results, the limits
 * of RFC 7208 §4.6.4 at and past their edge (10 lookups, 2 void lookups,
 * 10 MX names, 10 PTR names), temperror and permerror propagation through
 * include and redirect, exp=, the %{p} macro, and the audit walk (whole
 * tree counted in evaluation order, the tipping term, loops, caps).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "zone.h"

#define MAXLINES 40

struct scenario {
	const char	*name;
	const char	*zone[MAXLINES];
	const char	*ip;
	const char	*sender;
	const char	*helo;
	enum spf_result	 want;
	int		 lookups;	/* -1: do not check */
	int		 voids;
	const char	*explanation;	/* NULL: none expected */
};

/* Ten names that exist but never match, for the lookup limit. */
#define TEN_A_NAMES							\
	"n1.t A 198.51.100.1", "n2.t A 198.51.100.1", "n3.t A 198.51.100.1", \
	"n4.t A 198.51.100.1", "n5.t A 198.51.100.1", "n6.t A 198.51.100.1", \
	"n7.t A 198.51.100.1", "n8.t A 198.51.100.1", "n9.t A 198.51.100.1", \
	"n10.t A 198.51.100.1", "ok.t A 192.0.2.1"

static const struct scenario scenarios[] = {
	{ "ten lookups are allowed",
	  { "ex.t TXT v=spf1 a:n1.t a:n2.t a:n3.t a:n4.t a:n5.t a:n6.t a:n7.t "
	    "a:n8.t a:n9.t a:ok.t -all", TEN_A_NAMES },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_PASS, 10, 0, NULL },
	{ "the eleventh lookup is a permerror",
	  { "ex.t TXT v=spf1 a:n1.t a:n2.t a:n3.t a:n4.t a:n5.t a:n6.t a:n7.t "
	    "a:n8.t a:n9.t a:n10.t a:ok.t -all", TEN_A_NAMES },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_PERMERROR, 11, 0, NULL },
	{ "include and redirect count, ip4 and all do not",
	  { "ex.t TXT v=spf1 ip4:10.0.0.0/8 include:i.t redirect=r.t",
	    "i.t TXT v=spf1 a:n1.t a:n2.t a:n3.t a:n4.t a:n5.t a:n6.t a:n7.t",
	    "r.t TXT v=spf1 ip6:2001:db8::/32 a:ok.t -all", TEN_A_NAMES },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_PASS, 10, 0, NULL },
	{ "the limit counts across include and redirect",
	  { "ex.t TXT v=spf1 include:i.t redirect=r.t",
	    "i.t TXT v=spf1 a:n1.t a:n2.t a:n3.t a:n4.t a:n5.t a:n6.t a:n7.t "
	    "a:n8.t",
	    "r.t TXT v=spf1 a:ok.t -all", TEN_A_NAMES },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_PERMERROR, 11, 0, NULL },
	{ "two void lookups are allowed",
	  { "ex.t TXT v=spf1 a:nx1.t mx:nx2.t -all" },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_FAIL, 2, 2, NULL },
	{ "the third void lookup is a permerror",
	  { "ex.t TXT v=spf1 a:nx1.t exists:nx2.t a:nodata.t ?all",
	    "nodata.t MX 10 mx.t" },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_PERMERROR, 3, 3, NULL },
	{ "void lookups in an include count",
	  { "ex.t TXT v=spf1 a:nx1.t include:i.t -all",
	    "i.t TXT v=spf1 a:nx2.t a:nx3.t -all" },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_PERMERROR, 4, 3, NULL },
	{ "ten MX names are looked up",
	  { "ex.t TXT v=spf1 mx -all", "ex.t MX 1 m1.t", "ex.t MX 2 m2.t",
	    "ex.t MX 3 m3.t", "ex.t MX 4 m4.t", "ex.t MX 5 m5.t",
	    "ex.t MX 6 m6.t", "ex.t MX 7 m7.t", "ex.t MX 8 m8.t",
	    "ex.t MX 9 m9.t", "ex.t MX 10 m10.t", "m10.t A 192.0.2.1",
	    "m1.t A 198.51.100.1" },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_PASS, 1, 0, NULL },
	{ "eleven MX names are a permerror",
	  { "ex.t TXT v=spf1 mx -all", "ex.t MX 1 m1.t", "ex.t MX 2 m2.t",
	    "ex.t MX 3 m3.t", "ex.t MX 4 m4.t", "ex.t MX 5 m5.t",
	    "ex.t MX 6 m6.t", "ex.t MX 7 m7.t", "ex.t MX 8 m8.t",
	    "ex.t MX 9 m9.t", "ex.t MX 10 m10.t", "ex.t MX 11 m11.t",
	    "m1.t A 192.0.2.1" },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_PERMERROR, 1, 0, NULL },
	{ "MX host addresses do not count as lookups or voids",
	  { "ex.t TXT v=spf1 mx ~all", "ex.t MX 1 gone1.t", "ex.t MX 2 gone2.t",
	    "ex.t MX 3 gone3.t" },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_SOFTFAIL, 1, 0, NULL },
	{ "null MX matches nothing",
	  { "ex.t TXT v=spf1 mx ?all", "ex.t MX 0 ." },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_NEUTRAL, 1, 0, NULL },
	{ "an MX address lookup that fails is a temperror",
	  { "ex.t TXT v=spf1 mx -all", "ex.t MX 1 m1.t", "m1.t TIMEOUT A" },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_TEMPERROR, 1, 0, NULL },
	{ "an MX lookup that fails is a temperror",
	  { "ex.t TXT v=spf1 mx -all", "ex.t SERVFAIL MX" },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_TEMPERROR, 1, 0, NULL },
	{ "an a lookup that fails is a temperror",
	  { "ex.t TXT v=spf1 a:slow.t -all", "slow.t TIMEOUT *" },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_TEMPERROR, 1, 0, NULL },
	{ "temperror of an include's record propagates",
	  { "ex.t TXT v=spf1 include:i.t -all", "i.t TIMEOUT TXT" },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_TEMPERROR, 1, 0, NULL },
	{ "temperror inside an include propagates",
	  { "ex.t TXT v=spf1 include:i.t -all",
	    "i.t TXT v=spf1 exists:slow.t ~all", "slow.t SERVFAIL A" },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_TEMPERROR, 2, 0, NULL },
	{ "an include without a record is a permerror",
	  { "ex.t TXT v=spf1 include:i.t ip4:192.0.2.1 -all",
	    "i.t TXT google-site-verification=abc" },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_PERMERROR, 1, 0, NULL },
	{ "an include that does not exist is a permerror",
	  { "ex.t TXT v=spf1 include:nx.t ip4:192.0.2.1 -all" },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_PERMERROR, 1, 1, NULL },
	{ "include: pass matches, other results do not",
	  { "ex.t TXT v=spf1 include:f.t include:s.t include:n.t "
	    "-include:p.t +all",
	    "f.t TXT v=spf1 -all", "s.t TXT v=spf1 ~all",
	    "n.t TXT v=spf1 ?all", "p.t TXT v=spf1 ip4:192.0.2.0/24" },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_FAIL, 4, 0, NULL },
	{ "an include's permerror propagates",
	  { "ex.t TXT v=spf1 include:i.t +all", "i.t TXT v=spf1 moo" },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_PERMERROR, 1, 0, NULL },
	{ "redirect gives the target's result",
	  { "ex.t TXT v=spf1 ip4:10.0.0.1 redirect=r.t",
	    "r.t TXT v=spf1 ~all" },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_SOFTFAIL, 1, 0, NULL },
	{ "redirect to no record is a permerror, not none",
	  { "ex.t TXT v=spf1 redirect=r.t" },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_PERMERROR, 1, 1, NULL },
	{ "redirect is ignored beside all",
	  { "ex.t TXT v=spf1 redirect=r.t ?all", "r.t TXT v=spf1 -all" },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_NEUTRAL, 0, 0, NULL },
	{ "the default result is neutral",
	  { "ex.t TXT v=spf1 ip4:10.0.0.1" },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_NEUTRAL, 0, 0, NULL },
	{ "no record is none",
	  { "ex.t TXT hello" },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_NONE, 0, 0, NULL },
	{ "NXDOMAIN is none",
	  { "other.t A 192.0.2.9" },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_NONE, 0, 0, NULL },
	{ "a failed record lookup is a temperror",
	  { "ex.t SERVFAIL TXT" },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_TEMPERROR, 0, 0, NULL },
	{ "two SPF records are a permerror",
	  { "ex.t TXT v=spf1 -all", "ex.t TXT v=spf1 +all" },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_PERMERROR, 0, 0, NULL },
	{ "a record split in strings is joined without spaces",
	  { "ex.t TXT v=spf1 ip4:192.0.|2.1 -all" },
	  "192.0.2.1", "a@ex.t", "h.t", SPF_RESULT_PASS, 0, 0, NULL },
	{ "exp= explains a fail, with macros",
	  { "ex.t TXT v=spf1 -all exp=why.%{d}",
	    "why.ex.t TXT %{i} may not send for %{o}|; ask %{l}." },
	  "192.0.2.1", "bob@ex.t", "h.t", SPF_RESULT_FAIL, 0, 0,
	  "192.0.2.1 may not send for ex.t; ask bob." },
	{ "exp= is not used for softfail",
	  { "ex.t TXT v=spf1 ~all exp=why.t", "why.t TXT no" },
	  "192.0.2.1", "bob@ex.t", "h.t", SPF_RESULT_SOFTFAIL, 0, 0, NULL },
	{ "exp= with two TXT records is ignored",
	  { "ex.t TXT v=spf1 -all exp=why.t", "why.t TXT one",
	    "why.t TXT two" },
	  "192.0.2.1", "bob@ex.t", "h.t", SPF_RESULT_FAIL, 0, 0, NULL },
	{ "exp= with a bad macro is ignored",
	  { "ex.t TXT v=spf1 -all exp=why.t", "why.t TXT 100%" },
	  "192.0.2.1", "bob@ex.t", "h.t", SPF_RESULT_FAIL, 0, 0, NULL },
	{ "exp= that times out is ignored",
	  { "ex.t TXT v=spf1 -all exp=why.t", "why.t TIMEOUT *" },
	  "192.0.2.1", "bob@ex.t", "h.t", SPF_RESULT_FAIL, 0, 0, NULL },
	{ "exp= of the redirect target applies, not the origin's",
	  { "ex.t TXT v=spf1 exp=a.t redirect=r.t",
	    "r.t TXT v=spf1 -all exp=b.t", "a.t TXT from ex",
	    "b.t TXT from r on %{d}" },
	  "192.0.2.1", "bob@ex.t", "h.t", SPF_RESULT_FAIL, 1, 0,
	  "from r on r.t" },
	{ "exp= of an include is not used",
	  { "ex.t TXT v=spf1 include:i.t -all exp=a.t",
	    "i.t TXT v=spf1 -all exp=b.t", "a.t TXT outer", "b.t TXT inner" },
	  "192.0.2.1", "bob@ex.t", "h.t", SPF_RESULT_FAIL, 1, 0, "outer" },
	{ "ptr: a validated name within the domain matches",
	  { "ex.t TXT v=spf1 ptr -all",
	    "1.2.0.192.in-addr.arpa PTR evil.example",
	    "1.2.0.192.in-addr.arpa PTR mail.ex.t",
	    "evil.example A 192.0.2.1", "mail.ex.t A 192.0.2.1" },
	  "192.0.2.1", "bob@ex.t", "h.t", SPF_RESULT_PASS, 1, 0, NULL },
	{ "ptr: a name that does not lead back is not validated",
	  { "ex.t TXT v=spf1 ptr -all",
	    "1.2.0.192.in-addr.arpa PTR mail.ex.t", "mail.ex.t A 192.0.2.99" },
	  "192.0.2.1", "bob@ex.t", "h.t", SPF_RESULT_FAIL, 1, 0, NULL },
	{ "ptr: a DNS error on the PTR lookup is no match",
	  { "ex.t TXT v=spf1 ptr -all", "1.2.0.192.in-addr.arpa TIMEOUT *" },
	  "192.0.2.1", "bob@ex.t", "h.t", SPF_RESULT_FAIL, 1, 0, NULL },
	{ "ptr: only the first ten names are checked",
	  { "ex.t TXT v=spf1 ptr ?all",
	    "1.2.0.192.in-addr.arpa PTR a1.t", "1.2.0.192.in-addr.arpa PTR a2.t",
	    "1.2.0.192.in-addr.arpa PTR a3.t", "1.2.0.192.in-addr.arpa PTR a4.t",
	    "1.2.0.192.in-addr.arpa PTR a5.t", "1.2.0.192.in-addr.arpa PTR a6.t",
	    "1.2.0.192.in-addr.arpa PTR a7.t", "1.2.0.192.in-addr.arpa PTR a8.t",
	    "1.2.0.192.in-addr.arpa PTR a9.t",
	    "1.2.0.192.in-addr.arpa PTR a10.t",
	    "1.2.0.192.in-addr.arpa PTR mail.ex.t", "mail.ex.t A 192.0.2.1" },
	  "192.0.2.1", "bob@ex.t", "h.t", SPF_RESULT_NEUTRAL, 1, 0, NULL },
	{ "%{p} picks the validated name within the domain",
	  { "ex.t TXT v=spf1 exists:%{p}.allow.t -all",
	    "1.2.0.192.in-addr.arpa PTR other.example",
	    "1.2.0.192.in-addr.arpa PTR mx.ex.t",
	    "other.example A 192.0.2.1", "mx.ex.t A 192.0.2.1",
	    "mx.ex.t.allow.t A 127.0.0.2" },
	  "192.0.2.1", "bob@ex.t", "h.t", SPF_RESULT_PASS, 1, 0, NULL },
	{ "%{p} is unknown without a validated name",
	  { "ex.t TXT v=spf1 -all exp=e.t", "e.t TXT from %{p}" },
	  "192.0.2.1", "bob@ex.t", "h.t", SPF_RESULT_FAIL, 0, 0,
	  "from unknown" },
	{ "exists asks for A even for IPv6 clients",
	  { "ex.t TXT v=spf1 exists:%{ir}.%{v}.x.t -all",
	    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2."
	    "ip6.x.t A 127.0.0.2" },
	  "2001:db8::1", "bob@ex.t", "h.t", SPF_RESULT_PASS, 1, 0, NULL },
	{ "a mapped IPv4 address is checked as IPv4",
	  { "ex.t TXT v=spf1 ip4:192.0.2.0/24 -all" },
	  "::ffff:192.0.2.1", "bob@ex.t", "h.t", SPF_RESULT_PASS, 0, 0, NULL },
	{ "a and mx CIDR lengths",
	  { "ex.t TXT v=spf1 a:h.t/24 mx//48 -all", "h.t A 192.0.2.200",
	    "ex.t MX 1 m.t", "m.t AAAA 2001:db8:1:ffff::1" },
	  "2001:db8:1::5", "bob@ex.t", "h.t", SPF_RESULT_PASS, 2, 1, NULL },
	{ "a follows CNAMEs",
	  { "ex.t TXT v=spf1 a:alias.t -all", "alias.t CNAME real.t",
	    "real.t A 192.0.2.1" },
	  "192.0.2.1", "bob@ex.t", "h.t", SPF_RESULT_PASS, 1, 0, NULL },
	{ "a null sender checks postmaster@HELO",
	  { "h.t TXT v=spf1 exists:%{l}.%{o}.x.t -all",
	    "postmaster.h.t.x.t A 127.0.0.2" },
	  "192.0.2.1", "", "h.t", SPF_RESULT_PASS, 1, 0, NULL },
	{ "an empty local-part is postmaster",
	  { "ex.t TXT v=spf1 exists:%{l}.x.t -all", "postmaster.x.t A 1.2.3.4" },
	  "192.0.2.1", "@ex.t", "h.t", SPF_RESULT_PASS, 1, 0, NULL },
	{ "a malformed target name never matches",
	  { "ex.t TXT v=spf1 a:%{h}.x.t -all" },
	  "192.0.2.1", "bob@ex.t", "", SPF_RESULT_FAIL, 1, 0, NULL },
};

static void
test_scenarios(void **state)
{
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		const struct scenario *s = &scenarios[i];
		struct memdns *m = memdns_new();
		struct spf_request req;
		struct spf_check *c;

		zone_load(m, s->zone);
		memset(&req, 0, sizeof(req));
		req.ip = s->ip;
		req.sender = s->sender;
		req.helo = s->helo;
		c = zone_check(m, &req);
		if (c->result != s->want)
			fail_msg("%s: %s, want %s (%s)", s->name,
			    spf_result_name(c->result),
			    spf_result_name(s->want), c->reason);
		if (s->lookups >= 0 && c->lookups != (unsigned)s->lookups)
			fail_msg("%s: %u lookups, want %d", s->name,
			    c->lookups, s->lookups);
		if (c->voids != (unsigned)s->voids)
			fail_msg("%s: %u voids, want %d", s->name, c->voids,
			    s->voids);
		if (s->explanation == NULL && c->explanation != NULL)
			fail_msg("%s: explanation \"%s\"", s->name,
			    c->explanation);
		if (s->explanation != NULL && (c->explanation == NULL ||
		    strcmp(c->explanation, s->explanation) != 0))
			fail_msg("%s: explanation \"%s\", want \"%s\"", s->name,
			    c->explanation ? c->explanation : "(none)",
			    s->explanation);
		spf_check_free(c);

		/* The same with the audit walk first: check_host() then
		 * reuses the fetched records and must agree. */
		req.audit = true;
		c = zone_check(m, &req);
		if (c->result != s->want)
			fail_msg("%s (after audit): %s, want %s (%s)", s->name,
			    spf_result_name(c->result),
			    spf_result_name(s->want), c->reason);
		if (s->lookups >= 0 && c->lookups != (unsigned)s->lookups)
			fail_msg("%s (after audit): %u lookups", s->name,
			    c->lookups);
		assert_true(c->audited);
		spf_check_free(c);
		memdns_free(m);
	}
}

/* Which domain is checked, and with which sender (RFC 7208 §2.3-2.4). */
static void
test_identity(void **state)
{
	static const struct {
		const char	*domain, *sender, *helo;
		const char	*want_domain, *want_sender;
	} cases[] = {
		{ NULL, "bob@a.t", "h.t", "a.t", "bob@a.t" },
		{ NULL, "", "h.t", "h.t", "postmaster@h.t" },
		{ NULL, NULL, "h.t", "h.t", "postmaster@h.t" },
		{ "d.t", NULL, NULL, "d.t", "postmaster@d.t" },
		{ "d.t", "bob@a.t", "h.t", "d.t", "bob@a.t" },
		{ NULL, "@a.t", NULL, "a.t", "postmaster@a.t" },
		{ NULL, "a.t", NULL, "a.t", "postmaster@a.t" },
		{ NULL, "x@y@a.t", NULL, "a.t", "x@y@a.t" },
	};
	struct memdns *m = memdns_new();

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct spf_request req;
		struct spf_check *c = NULL;
		char err[200];

		memset(&req, 0, sizeof(req));
		req.domain = cases[i].domain;
		req.sender = cases[i].sender;
		req.helo = cases[i].helo;
		req.ip = "192.0.2.1";
		assert_int_equal(spf_check_new(memdns_lookup(m), &req, &c, err,
		    sizeof(err)), 0);
		assert_string_equal(c->domain, cases[i].want_domain);
		assert_string_equal(c->sender, cases[i].want_sender);
		spf_check_free(c);
	}
	{
		struct spf_request req;
		struct spf_check *c = NULL;
		char err[200];

		memset(&req, 0, sizeof(req));
		req.ip = "192.0.2.1";
		assert_int_equal(spf_check_new(memdns_lookup(m), &req, &c, err,
		    sizeof(err)), -1);
		assert_null(c);
		req.domain = "a.t";
		req.ip = "192.0.2.300";
		assert_int_equal(spf_check_new(memdns_lookup(m), &req, &c, err,
		    sizeof(err)), -1);
		assert_non_null(strstr(err, "not an IP address"));
	}
	memdns_free(m);
}

static struct spf_node *
child(const struct spf_node *n, size_t term)
{
	assert_true(term < n->rec->nterms);
	return n->terms[term].child;
}

/* The audit walk counts the whole tree in evaluation order and names the
 * term that makes the 11th lookup. */
static void
test_audit_tree(void **state)
{
	static const char *const zone[] = {
		"ex.t TXT v=spf1 include:a.t include:b.t ip4:192.0.2.0/24 ~all",
		"a.t TXT v=spf1 a mx include:c.t",
		"a.t A 192.0.2.10", "a.t MX 10 a.t",
		"c.t TXT v=spf1 a:c1.t a:c2.t a:c3.t a:c4.t",
		"c1.t A 192.0.2.1", "c2.t A 192.0.2.1", "c3.t A 192.0.2.1",
		"c4.t A 192.0.2.1",
		"b.t TXT v=spf1 include:d.t a:c1.t",
		"d.t TXT v=spf1 a:c2.t a:c3.t a:c4.t",
		NULL,
	};
	struct memdns *m = memdns_new();
	struct spf_request req;
	struct spf_check *c;
	struct spf_node *a, *b, *d;

	zone_load(m, zone);
	memset(&req, 0, sizeof(req));
	req.domain = "ex.t";
	req.audit = true;
	c = zone_check(m, &req);
	assert_false(c->has_ip);
	assert_false(c->evaluated);
	assert_true(c->audited);
	assert_int_equal(c->audit_lookups, 14);
	assert_int_equal(c->audit_result, SPF_RESULT_PERMERROR);
	assert_int_equal(spf_check_result(c), SPF_RESULT_PERMERROR);
	a = child(c->root, 0);
	b = child(c->root, 1);
	assert_string_equal(a->domain, "a.t");
	assert_int_equal(a->subtree_lookups, 7);
	assert_int_equal(b->subtree_lookups, 5);
	assert_int_equal(c->root->subtree_lookups, 14);
	assert_int_equal(c->root->terms[0].running, 1);
	assert_int_equal(c->root->terms[1].running, 9);
	assert_int_equal(b->terms[0].running, 10);
	d = child(b, 0);
	assert_int_equal(d->terms[0].running, 11);
	assert_int_equal(b->terms[1].running, 14);
	/* The 11th lookup: the first term of d.t, under include:b.t. */
	assert_ptr_equal(c->tip_node, d);
	assert_int_equal(c->tip_term, 0);
	assert_false(c->partial);
	assert_false(c->loop);
	spf_check_free(c);

	/* With an address that the root lists, check_host() passes after
	 * one include, though the tree is over the limit. */
	req.ip = "192.0.2.77";
	c = zone_check(m, &req);
	assert_int_equal(c->result, SPF_RESULT_PERMERROR);
	spf_check_free(c);
	req.ip = "192.0.2.10";
	c = zone_check(m, &req);
	assert_int_equal(c->result, SPF_RESULT_PASS);
	assert_int_equal(c->lookups, 2);
	assert_int_equal(c->audit_lookups, 14);
	assert_int_equal(child(c->root, 0)->terms[0].state, SPF_TERM_MATCH);
	assert_int_equal(c->root->terms[1].state, SPF_TERM_NOT_EVALUATED);
	assert_int_equal(c->root->terms[0].state, SPF_TERM_MATCH);
	spf_check_free(c);
	memdns_free(m);
}

static void
test_audit_edges(void **state)
{
	static const char *const loop[] = {
		"ex.t TXT v=spf1 include:a.t -all",
		"a.t TXT v=spf1 include:b.t", "b.t TXT v=spf1 include:A.T.",
		NULL,
	};
	static const char *const macro[] = {
		"ex.t TXT v=spf1 include:%{ir}.%{v}.x.t exists:%{i}.y.t "
		"redirect=%{l}.z.t",
		NULL,
	};
	static const char *const voids[] = {
		"ex.t TXT v=spf1 a:nx1.t mx:nx2.t exists:nx3.t ~all",
		NULL,
	};
	static const char *const plus[] = {
		"ex.t TXT v=spf1 ip4:192.0.2.1 include:open.t -all",
		"open.t TXT v=spf1 +all",
		NULL,
	};
	struct memdns *m;
	struct spf_request req;
	struct spf_check *c;
	char deep[SPF_AUDIT_DEPTH + 4][80];
	const char *chain[SPF_AUDIT_DEPTH + 5];

	memset(&req, 0, sizeof(req));
	req.domain = "ex.t";

	m = memdns_new();
	zone_load(m, loop);
	c = zone_check(m, &req);
	assert_true(c->loop);
	assert_int_equal(c->audit_result, SPF_RESULT_PERMERROR);
	assert_true(child(child(c->root, 0), 0)->terms[0].loop);
	spf_check_free(c);
	memdns_free(m);

	m = memdns_new();
	zone_load(m, macro);
	c = zone_check(m, &req);
	assert_true(c->partial);
	assert_int_equal(c->audit_lookups, 3);
	assert_null(c->root->terms[0].child);
	assert_int_equal(memdns_queries(m), 1);
	spf_check_free(c);
	memdns_free(m);

	m = memdns_new();
	zone_load(m, voids);
	c = zone_check(m, &req);
	assert_int_equal(c->audit_result, SPF_RESULT_PERMERROR);
	assert_int_equal(c->audit_voids, 3);
	assert_true(c->root->terms[0].audit_void);
	assert_true(c->root->terms[2].audit_void);
	spf_check_free(c);
	memdns_free(m);

	m = memdns_new();
	zone_load(m, plus);
	c = zone_check(m, &req);
	assert_int_equal(c->audit_result, SPF_RESULT_PASS);
	spf_check_free(c);
	memdns_free(m);

	/* A chain deeper than the audit follows. */
	m = memdns_new();
	for (int i = 0; i < SPF_AUDIT_DEPTH + 3; i++) {
		if (i == 0)
			snprintf(deep[i], sizeof(deep[i]), "ex.t TXT v=spf1 "
			    "include:d1.t");
		else
			snprintf(deep[i], sizeof(deep[i]), "d%d.t TXT v=spf1 "
			    "include:d%d.t", i, i + 1);
		chain[i] = deep[i];
	}
	chain[SPF_AUDIT_DEPTH + 3] = NULL;
	zone_load(m, chain);
	c = zone_check(m, &req);
	assert_true(c->capped);
	assert_int_equal(c->nnodes, SPF_AUDIT_DEPTH + 1);
	assert_int_equal(c->audit_result, SPF_RESULT_PERMERROR);
	spf_check_free(c);
	memdns_free(m);
}

/* A draft record needs no lookup for itself, and a check that needs
 * none at all completes inside spf_check_run(). */
static void
test_draft(void **state)
{
	struct memdns *m = memdns_new();
	struct spf_request req;
	struct spf_check *c;

	memset(&req, 0, sizeof(req));
	req.domain = "ex.t";
	req.record = "v=spf1 ip4:192.0.2.0/24 -all";
	req.ip = "192.0.2.5";
	req.audit = true;
	c = zone_check(m, &req);
	assert_int_equal(memdns_queries(m), 0);
	assert_int_equal(c->result, SPF_RESULT_PASS);
	assert_true(c->root->draft);
	spf_check_free(c);

	req.record = "v=spf1 ip4:192.0.2.0/33 -all";
	c = zone_check(m, &req);
	assert_int_equal(c->result, SPF_RESULT_PERMERROR);
	assert_int_equal(c->root->fetch, SPF_FETCH_SYNTAX);
	spf_check_free(c);

	req.record = "spf1 -all";
	c = zone_check(m, &req);
	assert_int_equal(c->root->fetch, SPF_FETCH_SYNTAX);
	spf_check_free(c);
	memdns_free(m);
	spf_check_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scenarios),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_audit_tree),
		cmocka_unit_test(test_audit_edges),
		cmocka_unit_test(test_draft),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
