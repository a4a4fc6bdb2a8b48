/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for spf/record.c: version detection, every mechanism and
 * modifier with its argument forms, CIDR edge cases, and the syntax errors
 * that make a record a permerror, each with the message it must carry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "spf/record.h"

static void
test_version(void **state)
{
	static const struct {
		const char	*txt;
		bool		 spf;
	} cases[] = {
		{ "v=spf1", true },
		{ "v=spf1 -all", true },
		{ "V=SpF1 -all", true },
		{ "v=spf10", false },
		{ "v=spf1-all", false },
		{ "v=spf2.0/pra -all", false },
		{ " v=spf1 -all", false },
		{ "v=spf", false },
		{ "", false },
		{ "spf1", false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(spf_record_is_spf(cases[i].txt,
		    strlen(cases[i].txt)), cases[i].spf);
}

/* One valid term: what the parser must make of it. */
struct want_term {
	const char	*term;
	enum spf_kind	 kind;
	char		 qual;
	const char	*domain_spec;	/* NULL: none */
	int		 cidr4, cidr6;
	const char	*addr;		/* ip4/ip6 network */
};

static void
test_valid_terms(void **state)
{
	static const struct want_term cases[] = {
		{ "all", SPF_MECH_ALL, '+', NULL, 32, 128, NULL },
		{ "-all", SPF_MECH_ALL, '-', NULL, 32, 128, NULL },
		{ "~ALL", SPF_MECH_ALL, '~', NULL, 32, 128, NULL },
		{ "?all", SPF_MECH_ALL, '?', NULL, 32, 128, NULL },
		{ "include:_spf.example.com", SPF_MECH_INCLUDE, '+',
		    "_spf.example.com", 32, 128, NULL },
		{ "-include:%{d2}.example.net", SPF_MECH_INCLUDE, '-',
		    "%{d2}.example.net", 32, 128, NULL },
		{ "a", SPF_MECH_A, '+', NULL, 32, 128, NULL },
		{ "a/24", SPF_MECH_A, '+', NULL, 24, 128, NULL },
		{ "a//64", SPF_MECH_A, '+', NULL, 32, 64, NULL },
		{ "a/24//64", SPF_MECH_A, '+', NULL, 24, 64, NULL },
		{ "a/0//0", SPF_MECH_A, '+', NULL, 0, 0, NULL },
		{ "a/32//128", SPF_MECH_A, '+', NULL, 32, 128, NULL },
		{ "a:mail.example.com", SPF_MECH_A, '+', "mail.example.com",
		    32, 128, NULL },
		{ "a:mail.example.com/28//96", SPF_MECH_A, '+',
		    "mail.example.com", 28, 96, NULL },
		{ "a:foo:bar/baz.example.com", SPF_MECH_A, '+',
		    "foo:bar/baz.example.com", 32, 128, NULL },
		{ "a:example.com.", SPF_MECH_A, '+', "example.com.", 32, 128,
		    NULL },
		{ "a:foo.example.xn--zckzah", SPF_MECH_A, '+',
		    "foo.example.xn--zckzah", 32, 128, NULL },
		{ "a:%{d}", SPF_MECH_A, '+', "%{d}", 32, 128, NULL },
		{ "mx", SPF_MECH_MX, '+', NULL, 32, 128, NULL },
		{ "MX:example.org/30", SPF_MECH_MX, '+', "example.org", 30,
		    128, NULL },
		{ "mx//33", SPF_MECH_MX, '+', NULL, 32, 33, NULL },
		{ "ptr", SPF_MECH_PTR, '+', NULL, 32, 128, NULL },
		{ "?ptr:example.com", SPF_MECH_PTR, '?', "example.com", 32,
		    128, NULL },
		{ "ip4:192.0.2.1", SPF_MECH_IP4, '+', NULL, 32, 128,
		    "192.0.2.1" },
		{ "ip4:192.0.2.0/24", SPF_MECH_IP4, '+', NULL, 24, 128,
		    "192.0.2.0" },
		{ "ip4:0.0.0.0/0", SPF_MECH_IP4, '+', NULL, 0, 128, "0.0.0.0" },
		{ "-ip4:255.255.255.255/32", SPF_MECH_IP4, '-', NULL, 32, 128,
		    "255.255.255.255" },
		{ "ip6:2001:db8::/32", SPF_MECH_IP6, '+', NULL, 32, 32,
		    "2001:db8::" },
		{ "ip6:::1.1.1.1/0", SPF_MECH_IP6, '+', NULL, 32, 0,
		    "::1.1.1.1" },
		{ "ip6:Cafe:Babe:8000::/33", SPF_MECH_IP6, '+', NULL, 32, 33,
		    "cafe:babe:8000::" },
		{ "ip6:::", SPF_MECH_IP6, '+', NULL, 32, 128, "::" },
		{ "ip6:2001:db8::1/128", SPF_MECH_IP6, '+', NULL, 32, 128,
		    "2001:db8::1" },
		{ "exists:%{i}.%{l1r-}.user.%{d2}", SPF_MECH_EXISTS, '+',
		    "%{i}.%{l1r-}.user.%{d2}", 32, 128, NULL },
		{ "exists:macro%%percent%_%_space%-url.example.com",
		    SPF_MECH_EXISTS, '+',
		    "macro%%percent%_%_space%-url.example.com", 32, 128, NULL },
		{ "redirect=_spf.example.com", SPF_MOD_REDIRECT, '+',
		    "_spf.example.com", 32, 128, NULL },
		{ "REDIRECT=%{d}.d.spf.example.com.", SPF_MOD_REDIRECT, '+',
		    "%{d}.d.spf.example.com.", 32, 128, NULL },
		{ "exp=explain._spf.%{d}", SPF_MOD_EXP, '+',
		    "explain._spf.%{d}", 32, 128, NULL },
		{ "moo.cow-far_out=man:dog/cat", SPF_MOD_UNKNOWN, '+', NULL, 32,
		    128, NULL },
		{ "default=pass", SPF_MOD_UNKNOWN, '+', NULL, 32, 128, NULL },
		{ "foo=", SPF_MOD_UNKNOWN, '+', NULL, 32, 128, NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct want_term *w = &cases[i];
		char txt[256];
		struct spf_record *r = NULL;
		struct spf_parse_error err;
		const struct spf_term *t;

		snprintf(txt, sizeof(txt), "v=spf1 %s", w->term);
		if (spf_record_parse(txt, strlen(txt), &r, &err) != 0)
			fail_msg("%s: %s", w->term, err.message);
		assert_int_equal(r->nterms, 1);
		t = &r->terms[0];
		assert_int_equal(t->kind, w->kind);
		assert_string_equal(t->text, w->term);
		if (spf_term_is_mechanism(t))
			assert_int_equal(spf_qual_char(t->qual), w->qual);
		if (w->domain_spec == NULL)
			assert_null(t->domain_spec);
		else
			assert_string_equal(t->domain_spec, w->domain_spec);
		assert_int_equal(t->cidr4, w->kind == SPF_MECH_IP6 ? 32 :
		    w->cidr4);
		if (w->kind == SPF_MECH_IP6 || w->kind == SPF_MECH_A ||
		    w->kind == SPF_MECH_MX)
			assert_int_equal(t->cidr6, w->cidr6);
		if (w->addr != NULL) {
			char buf[INET6_ADDRSTRLEN];

			inet_ntop(w->kind == SPF_MECH_IP4 ? AF_INET : AF_INET6,
			    w->kind == SPF_MECH_IP4 ? (const void *)&t->ip4 :
			    (const void *)&t->ip6, buf, sizeof(buf));
			assert_string_equal(buf, w->addr);
		}
		spf_record_free(r);
	}
}

static void
test_invalid_terms(void **state)
{
	static const struct {
		const char	*record;
		const char	*msg;	/* substring of the message */
		const char	*term;	/* the offending term */
	} cases[] = {
		{ "v=spf1 moo", "unknown mechanism \"moo\"", "moo" },
		{ "v=spf1 ip4:1.2.3.4 -all moo", "unknown mechanism", "moo" },
		{ "v=spf1 -all.", "unknown mechanism \"all.\"", "-all." },
		{ "v=spf1 -all:foo", "takes no argument", "-all:foo" },
		{ "v=spf1 all/8", "takes no argument", "all/8" },
		{ "v=spf1 =all", "not a valid modifier", "=all" },
		{ "v=spf1 1up=foo", "not a valid modifier", "1up=foo" },
		{ "v=spf1 moo.cow/far_out=man", "not a valid modifier",
		    "moo.cow/far_out=man" },
		{ "v=spf1 redirect:example.com", "unknown mechanism",
		    "redirect:example.com" },
		{ "v=spf1 +-all", "unknown mechanism", "+-all" },
		{ "v=spf1 include", "needs ':' and a domain", "include" },
		{ "v=spf1 include:", "empty domain-spec", "include:" },
		{ "v=spf1 include:ip5.example.com/24", "no CIDR length",
		    "include:ip5.example.com/24" },
		{ "v=spf1 exists", "needs ':' and a domain", "exists" },
		{ "v=spf1 exists:mail.example.com/24", "no CIDR length",
		    "exists:mail.example.com/24" },
		{ "v=spf1 a:", "empty domain-spec", "a:" },
		{ "v=spf1 a/33", "out of range (0-32)", "a/33" },
		{ "v=spf1 a//129", "out of range (0-128)", "a//129" },
		{ "v=spf1 a/24/64", "out of range (0-32)", "a/24/64" },
		{ "v=spf1 a/024", "leading zero", "a/024" },
		{ "v=spf1 a//064", "leading zero", "a//064" },
		{ "v=spf1 a/99999999999", "out of range", "a/99999999999" },
		{ "v=spf1 a:foo-bar", "not a fully qualified domain",
		    "a:foo-bar" },
		{ "v=spf1 a:museum", "not a fully qualified", "a:museum" },
		{ "v=spf1 a:museum.", "not a fully qualified", "a:museum." },
		{ "v=spf1 a:111.222.33.44", "all digits", "a:111.222.33.44" },
		{ "v=spf1 a:abc.123", "all digits", "a:abc.123" },
		{ "v=spf1 a:example.-com", "invalid top-level label \"-com\"",
		    "a:example.-com" },
		{ "v=spf1 a:example.com-", "invalid top-level label",
		    "a:example.com-" },
		{ "v=spf1 a:example.com:8080", "invalid top-level label",
		    "a:example.com:8080" },
		{ "v=spf1 a:%{a}.example.com", "unknown macro letter 'a'",
		    "a:%{a}.example.com" },
		{ "v=spf1 a:%{d0}", "nonzero", "a:%{d0}" },
		{ "v=spf1 a:%{d", "not closed", "a:%{d" },
		{ "v=spf1 a:%{dx}.example.com", "unexpected 'x'",
		    "a:%{dx}.example.com" },
		{ "v=spf1 exists:%(ir).sbl.example.com", "followed by '('",
		    "exists:%(ir).sbl.example.com" },
		{ "v=spf1 exists:foo%.example.com", "followed by '.'",
		    "exists:foo%.example.com" },
		{ "v=spf1 exists:foo.example.com%", "'%' at the end",
		    "exists:foo.example.com%" },
		{ "v=spf1 a:%{c}.example.com", "only allowed in explanation",
		    "a:%{c}.example.com" },
		{ "v=spf1 -all exp=%{r}.example.com", "only allowed",
		    "exp=%{r}.example.com" },
		{ "v=spf1 ptr/0", "no CIDR length", "ptr/0" },
		{ "v=spf1 ptr:", "empty domain-spec", "ptr:" },
		{ "v=spf1 ip4", "needs ':' and an address", "ip4" },
		{ "v=spf1 ip4:", "needs ':' and an address", "ip4:" },
		{ "v=spf1 ip4:1.2.3", "not a valid IPv4", "ip4:1.2.3" },
		{ "v=spf1 ip4:1.2.3.4.5", "not a valid IPv4", "ip4:1.2.3.4.5" },
		{ "v=spf1 ip4:1.2.3.256", "not a valid IPv4", "ip4:1.2.3.256" },
		{ "v=spf1 ip4:01.2.3.4", "not a valid IPv4", "ip4:01.2.3.4" },
		{ "v=spf1 ip4:1.2.3.4:8080", "not a valid IPv4",
		    "ip4:1.2.3.4:8080" },
		{ "v=spf1 ip4:1.2.3.4/33", "out of range (0-32)",
		    "ip4:1.2.3.4/33" },
		{ "v=spf1 ip4:1.2.3.4/032", "leading zero", "ip4:1.2.3.4/032" },
		{ "v=spf1 ip4:1.2.3.4/", "needs digits", "ip4:1.2.3.4/" },
		{ "v=spf1 ip4:1.2.3.4//32", "one CIDR length",
		    "ip4:1.2.3.4//32" },
		{ "v=spf1 ip4:1.2.3.4/2x", "not a number", "ip4:1.2.3.4/2x" },
		{ "v=spf1 ip6", "needs ':' and an address", "ip6" },
		{ "v=spf1 ip6::CAFE::BABE", "not a valid IPv6",
		    "ip6::CAFE::BABE" },
		{ "v=spf1 ip6:2001:db8::/129", "out of range (0-128)",
		    "ip6:2001:db8::/129" },
		{ "v=spf1 ip6:::1.1.1.1//33", "one CIDR length",
		    "ip6:::1.1.1.1//33" },
		{ "v=spf1 ip6:2001:db8::g", "not a valid IPv6",
		    "ip6:2001:db8::g" },
		{ "v=spf1 exp= -all", "needs a domain", "exp=" },
		{ "v=spf1 ?all redirect=", "needs a domain", "redirect=" },
		{ "v=spf1 exp=-all", "not a fully qualified", "exp=-all" },
		{ "v=spf1 redirect=a.example.com redirect=b.example.com",
		    "more than once", "redirect=b.example.com" },
		{ "v=spf1 exp=a.example.com -all exp=b.example.com",
		    "more than once", "exp=b.example.com" },
		{ "v=spf1 -all foo=%abc", "followed by 'a'", "foo=%abc" },
		{ "v=spf1 a:ctrl.example.com\rptr -all", "\\x0d",
		    "a:ctrl.example.com\\x0dptr" },
		{ "v=spf1 ip4:192.0.2.5\n include:x.example.com", "\\x0a",
		    "ip4:192.0.2.5\\x0a" },
		{ "v=spf1 a:\xef\xbb\xbfgarbage.example.net -all", "\\xef",
		    "a:\\xef\\xbb\\xbfgarbage.example.net" },
		{ "v=spf1 \x96" "all", "\\x96", "\\x96all" },
		{ "v=spf1 a:tab\t.example.com", "\\x09",
		    "a:tab\\x09.example.com" },
		{ "v=spf10", "not an SPF record", "" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct spf_record *r = (struct spf_record *)1;
		struct spf_parse_error err;

		if (spf_record_parse(cases[i].record, strlen(cases[i].record),
		    &r, &err) == 0)
			fail_msg("accepted: %s", cases[i].record);
		assert_null(r);
		if (strstr(err.message, cases[i].msg) == NULL)
			fail_msg("%s: message \"%s\" lacks \"%s\"",
			    cases[i].record, err.message, cases[i].msg);
		assert_string_equal(err.term, cases[i].term);
	}
}

static void
test_null_byte(void **state)
{
	static const char rec[] = "v=spf1 a:foo.example.com\0 -all";
	struct spf_record *r;
	struct spf_parse_error err;

	assert_int_equal(spf_record_parse(rec, sizeof(rec) - 1, &r, &err), -1);
	assert_non_null(strstr(err.message, "\\x00"));
	assert_int_equal(err.offset, 7);
}

static void
test_record_shape(void **state)
{
	const char *txt = "v=spf1  a mx  include:_spf.example.net "
	    "ip4:192.0.2.0/24 ~all redirect=other.example exp=why.example.com "
	    "x-foo=bar ";
	struct spf_record *r;
	struct spf_parse_error err;

	assert_int_equal(spf_record_parse(txt, strlen(txt), &r, &err), 0);
	assert_int_equal(r->nterms, 8);
	assert_int_equal(r->all, 4);
	assert_int_equal(r->redirect, 5);
	assert_int_equal(r->exp, 6);
	/* a, mx, include, redirect */
	assert_int_equal(r->dns_terms, 4);
	assert_int_equal(r->terms[1].offset, 10);
	assert_string_equal(r->terms[7].mod_name, "x-foo");
	assert_string_equal(r->terms[7].mod_value, "bar");
	assert_true(spf_term_counts(&r->terms[5]));
	assert_false(spf_term_counts(&r->terms[6]));
	assert_false(spf_term_counts(&r->terms[3]));
	spf_record_free(r);

	assert_int_equal(spf_record_parse("v=spf1", 6, &r, &err), 0);
	assert_int_equal(r->nterms, 0);
	assert_int_equal(r->all, -1);
	spf_record_free(r);
	spf_record_free(NULL);
}

static void
test_caps(void **state)
{
	char big[SPF_RECORD_MAX + 16];
	struct spf_record *r;
	struct spf_parse_error err;
	size_t n;

	/* SPF_TERMS_MAX terms parse; one more does not. */
	n = (size_t)snprintf(big, sizeof(big), "v=spf1");
	for (int i = 0; i < SPF_TERMS_MAX; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, " a");
	assert_int_equal(spf_record_parse(big, n, &r, &err), 0);
	assert_int_equal(r->nterms, SPF_TERMS_MAX);
	spf_record_free(r);
	n += (size_t)snprintf(big + n, sizeof(big) - n, " a");
	assert_int_equal(spf_record_parse(big, n, &r, &err), -1);
	assert_non_null(strstr(err.message, "terms"));

	memset(big, ' ', sizeof(big));
	memcpy(big, "v=spf1", 6);
	assert_int_equal(spf_record_parse(big, SPF_RECORD_MAX, &r, &err), 0);
	spf_record_free(r);
	assert_int_equal(spf_record_parse(big, SPF_RECORD_MAX + 1, &r, &err),
	    -1);
	assert_non_null(strstr(err.message, "octets"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_valid_terms),
		cmocka_unit_test(test_invalid_terms),
		cmocka_unit_test(test_null_byte),
		cmocka_unit_test(test_record_shape),
		cmocka_unit_test(test_caps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
