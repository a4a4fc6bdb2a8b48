/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for spf/macro.c: the RFC 7208 §7.4 expansion examples, the
 * transformers and delimiters, URL escaping, the letters each use allows,
 * values that are not known during the audit walk, output caps, and the
 * name rules (§4.3 domains, §7.3 truncation to 253 octets).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <arpa/inet.h>
#include <cmocka.h>

#include "spf/macro.h"

/* The context of RFC 7208 §7.4. */
static void
rfc_vars(struct spf_macro_vars *v, int af)
{
	memset(v, 0, sizeof(*v));
	v->sender = "strong-bad@email.example.com";
	v->local = "strong-bad";
	v->sender_domain = "email.example.com";
	v->domain = "email.example.com";
	v->helo = "mx.example.org";
	v->af = af;
	inet_pton(AF_INET, "192.0.2.3", &v->ip4);
	inet_pton(AF_INET6, "2001:db8::cb01", &v->ip6);
	v->ptr_name = "mx.example.org";
	v->receiver = "mx.receiver.example";
	v->now = 1400000000;
}

static char *
expand(const char *s, enum spf_macro_use use, const struct spf_macro_vars *v)
{
	char *out = NULL, err[160];
	enum spf_expand_status st;

	st = spf_macro_expand(s, strlen(s), use, v, &out, err, sizeof(err));
	if (st != SPF_EXPAND_OK)
		fail_msg("%s: %s", s, err);
	return out;
}

static void
test_rfc_examples(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;
	} cases[] = {
		{ "%{s}", "strong-bad@email.example.com" },
		{ "%{o}", "email.example.com" },
		{ "%{d}", "email.example.com" },
		{ "%{d4}", "email.example.com" },
		{ "%{d3}", "email.example.com" },
		{ "%{d2}", "example.com" },
		{ "%{d1}", "com" },
		{ "%{dr}", "com.example.email" },
		{ "%{d2r}", "example.email" },
		{ "%{l}", "strong-bad" },
		{ "%{l-}", "strong.bad" },
		{ "%{lr}", "strong-bad" },
		{ "%{lr-}", "bad.strong" },
		{ "%{l1r-}", "strong" },
		{ "%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com" },
		{ "%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com" },
		{ "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}",
		    "bad.strong.lp.3.2.0.192.in-addr._spf.example.com" },
		{ "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}",
		    "3.2.0.192.in-addr.strong.lp._spf.example.com" },
		{ "%{d2}.trusted-domains.example.net",
		    "example.com.trusted-domains.example.net" },
	};
	struct spf_macro_vars v;
	char *out;

	rfc_vars(&v, AF_INET);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		out = expand(cases[i].in, SPF_MACRO_DOMAIN, &v);
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("%s: got %s, want %s", cases[i].in, out,
			    cases[i].want);
		free(out);
	}

	/*
	 * The IPv6 example of §7.4. The RFC prints the nibbles in lower
	 * case, the OpenSPF suite (test v-macro-ip6) wants them in upper
	 * case in an explanation, and DNS compares names without case: we
	 * emit upper case, and compare this example without case.
	 */
	rfc_vars(&v, AF_INET6);
	out = expand("%{ir}.%{v}._spf.%{d2}", SPF_MACRO_DOMAIN, &v);
	assert_int_equal(strcasecmp(out, "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
	    "0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com"), 0);
	free(out);
}

static void
test_transformers(void **state)
{
	static const struct {
		const char	*local;
		const char	*in;
		const char	*want;
	} cases[] = {
		{ "philip-gladstone-test", "%{l2r-}", "gladstone.philip" },
		{ "foo-bar+zip+quux", "%{l2r+-}", "bar.foo" },
		{ "foo-bar+zip+quux", "%{l+-}", "foo.bar.zip.quux" },
		{ "a.b.c", "%{l9}", "a.b.c" },
		{ "a.b.c", "%{l200}", "a.b.c" },
		{ "a.b.c", "%{l99999999999999999999}", "a.b.c" },
		{ "a.b.c", "%{l02}", "b.c" },
		{ "a.b.c", "%{lR}", "c.b.a" },
		{ "...", "%{l}", "..." },
		{ "...", "%{lr}", "..." },
		{ "a,b/c_d=e", "%{l,/_=}", "a.b.c.d.e" },
		{ "a,b/c_d=e", "%{l1,/_=}", "e" },
		{ "", "%{l}", "" },
		{ "x", "%%%_%-%{l}", "% %20x" },
	};
	struct spf_macro_vars v;

	rfc_vars(&v, AF_INET);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out;

		v.local = cases[i].local;
		out = expand(cases[i].in, SPF_MACRO_MODIFIER, &v);
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("%s on %s: got \"%s\", want \"%s\"",
			    cases[i].in, cases[i].local, out, cases[i].want);
		free(out);
	}
}

static void
test_url_escape(void **state)
{
	struct spf_macro_vars v;
	char *out;

	rfc_vars(&v, AF_INET);
	v.local = "~jack&jill=up-a_b3.c";
	out = expand("http://example.com/why.html?l=%{L}", SPF_MACRO_EXPLAIN,
	    &v);
	assert_string_equal(out, "http://example.com/why.html?l="
	    "~jack%26jill%3Dup-a_b3.c");
	free(out);
	v.local = "a b/\x7f";
	out = expand("%{L}", SPF_MACRO_EXPLAIN, &v);
	assert_string_equal(out, "a%20b%2F%7F");
	free(out);
	out = expand("%{S}", SPF_MACRO_DOMAIN, &v);
	assert_string_equal(out, "strong-bad%40email.example.com");
	free(out);
	out = expand("%{D2R}", SPF_MACRO_DOMAIN, &v);
	assert_string_equal(out, "example.email");
	free(out);
}

static void
test_explain_letters(void **state)
{
	struct spf_macro_vars v;
	char *out, err[160];

	rfc_vars(&v, AF_INET6);
	out = expand("%{c} is queried as %{ir}.%{v}.arpa", SPF_MACRO_EXPLAIN,
	    &v);
	assert_string_equal(out, "2001:db8::cb01 is queried as "
	    "1.0.B.C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2."
	    "ip6.arpa");
	free(out);
	out = expand("%{r} at %{t} for %{h} via %{p}", SPF_MACRO_EXPLAIN, &v);
	assert_string_equal(out, "mx.receiver.example at 1400000000 for "
	    "mx.example.org via mx.example.org");
	free(out);
	rfc_vars(&v, AF_INET);
	out = expand("Connections from %{c} not authorized.",
	    SPF_MACRO_EXPLAIN, &v);
	assert_string_equal(out, "Connections from 192.0.2.3 not authorized.");
	free(out);
	/* c, r, t belong in explanation text only. */
	for (const char *const *s = (const char *const []){ "%{c}.x.com",
	    "%{r}.x.com", "%{t}.x.com", NULL }; *s != NULL; s++) {
		assert_int_equal(spf_macro_check(*s, strlen(*s),
		    SPF_MACRO_DOMAIN, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "explanation"));
		assert_int_equal(spf_macro_check(*s, strlen(*s),
		    SPF_MACRO_MODIFIER, err, sizeof(err)), -1);
		assert_int_equal(spf_macro_check(*s, strlen(*s),
		    SPF_MACRO_EXPLAIN, err, sizeof(err)), 0);
	}
}

static void
test_check(void **state)
{
	static const struct {
		const char		*s;
		enum spf_macro_use	 use;
		bool			 ok;
	} cases[] = {
		{ "example.com", SPF_MACRO_DOMAIN, true },
		{ "example.com.", SPF_MACRO_DOMAIN, true },
		{ ".com", SPF_MACRO_DOMAIN, true },
		{ "%{d}", SPF_MACRO_DOMAIN, true },
		{ "foo%%", SPF_MACRO_DOMAIN, true },
		{ "foo.%{d}.", SPF_MACRO_DOMAIN, false },
		{ "%{d}com", SPF_MACRO_DOMAIN, false },
		{ "%{d.}com", SPF_MACRO_DOMAIN, false },
		{ "x.1-2", SPF_MACRO_DOMAIN, true },
		{ "x.a1", SPF_MACRO_DOMAIN, true },
		{ "x.1a", SPF_MACRO_DOMAIN, true },
		{ "x.12", SPF_MACRO_DOMAIN, false },
		{ "x.a_b", SPF_MACRO_DOMAIN, false },
		{ "", SPF_MACRO_DOMAIN, false },
		{ "", SPF_MACRO_MODIFIER, true },
		{ "a b", SPF_MACRO_MODIFIER, false },
		{ "a b", SPF_MACRO_EXPLAIN, true },
		{ "The %{x}-files.", SPF_MACRO_EXPLAIN, false },
		{ "%{", SPF_MACRO_EXPLAIN, false },
		{ "%{}", SPF_MACRO_EXPLAIN, false },
		{ "%{s1r.-+,/_=}", SPF_MACRO_EXPLAIN, true },
		{ "%{s1r;}", SPF_MACRO_EXPLAIN, false },
		{ "%{sr1}", SPF_MACRO_EXPLAIN, false },
		{ "%{s0}", SPF_MACRO_EXPLAIN, false },
		{ "\xef\xbb\xbf" "Explanation", SPF_MACRO_EXPLAIN, false },
		{ "tab\there", SPF_MACRO_EXPLAIN, false },
	};
	char err[160];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = spf_macro_check(cases[i].s, strlen(cases[i].s),
		    cases[i].use, err, sizeof(err));

		if ((rc == 0) != cases[i].ok)
			fail_msg("\"%s\" (use %d): %s", cases[i].s,
			    (int)cases[i].use, rc == 0 ? "accepted" : err);
	}
}

static void
test_uses(void **state)
{
	assert_true(spf_macro_uses("%{p}.x", 6, 'p'));
	assert_true(spf_macro_uses("a.%{P2r}.x", 10, 'p'));
	assert_false(spf_macro_uses("%%{p}", 5, 'p'));
	assert_false(spf_macro_uses("%{d}.p", 6, 'p'));
	assert_false(spf_macro_uses("%{", 2, 'p'));
	assert_false(spf_macro_uses("", 0, 'p'));
}

static void
test_unknown(void **state)
{
	struct spf_macro_vars v;
	char *out = (char *)1, err[160];

	memset(&v, 0, sizeof(v));
	v.domain = "example.com";
	v.af = AF_UNSPEC;
	assert_int_equal(spf_macro_expand("%{i}.x.com", 10, SPF_MACRO_DOMAIN,
	    &v, &out, err, sizeof(err)), SPF_EXPAND_UNKNOWN);
	assert_null(out);
	assert_int_equal(spf_macro_expand("%{l}.x.com", 10, SPF_MACRO_DOMAIN,
	    &v, &out, err, sizeof(err)), SPF_EXPAND_UNKNOWN);
	assert_int_equal(spf_macro_expand("%{h}.x.com", 10, SPF_MACRO_DOMAIN,
	    &v, &out, err, sizeof(err)), SPF_EXPAND_UNKNOWN);
	assert_int_equal(spf_macro_expand("%{d}.x.com", 10, SPF_MACRO_DOMAIN,
	    &v, &out, err, sizeof(err)), SPF_EXPAND_OK);
	assert_string_equal(out, "example.com.x.com");
	free(out);
	assert_int_equal(spf_macro_expand("%{z}", 4, SPF_MACRO_DOMAIN, &v,
	    &out, err, sizeof(err)), SPF_EXPAND_SYNTAX);
}

static void
test_too_long(void **state)
{
	struct spf_macro_vars v;
	char big[SPF_EXPAND_MAX], *in, *out = NULL, err[160];
	size_t n = 0;

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	rfc_vars(&v, AF_INET);
	v.local = big;
	in = calloc(1, 64);
	assert_non_null(in);
	n = (size_t)snprintf(in, 64, "%%{l}%%{l}");
	assert_int_equal(spf_macro_expand(in, n, SPF_MACRO_MODIFIER, &v, &out,
	    err, sizeof(err)), SPF_EXPAND_TOO_LONG);
	assert_null(out);
	/* The same through URL escaping: three octets per byte. */
	big[SPF_EXPAND_MAX / 3] = '\0';
	memset(big, '&', SPF_EXPAND_MAX / 3);
	assert_int_equal(spf_macro_expand("%{L}", 4, SPF_MACRO_MODIFIER, &v,
	    &out, err, sizeof(err)), SPF_EXPAND_OK);
	assert_int_equal(strlen(out), 3 * (SPF_EXPAND_MAX / 3));
	free(out);
	big[SPF_EXPAND_MAX / 3] = '&';
	big[SPF_EXPAND_MAX / 3 + 1] = '\0';
	assert_int_equal(spf_macro_expand("%{L}", 4, SPF_MACRO_MODIFIER, &v,
	    &out, err, sizeof(err)), SPF_EXPAND_TOO_LONG);
	free(in);
}

static void
test_target_name(void **state)
{
	static const struct {
		const char	*in;
		bool		 ok;
		const char	*want;
	} cases[] = {
		{ "example.com", true, "example.com" },
		{ "example.com.", true, "example.com" },
		{ "a..example.com", false, NULL },
		{ ".example.com", false, NULL },
		{ ".", false, NULL },
		{ "", false, NULL },
		{ "a123456789012345678901234567890123456789012345678901234567"
		    "890123.example.com", false, NULL },
		{ "a12345678901234567890123456789012345678901234567890123456"
		    "789012.example.com", true, NULL },
		{ "macro%percent  space%20url-space.example.com", true,
		    "macro%percent  space%20url-space.example.com" },
	};
	char buf[600];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", cases[i].in);
		assert_int_equal(spf_target_name(buf), cases[i].ok);
		if (cases[i].want != NULL)
			assert_string_equal(buf, cases[i].want);
	}
	/* §7.3: cut labels from the left until 253 octets or fewer. */
	snprintf(buf, sizeof(buf), "foobar");
	for (int i = 0; i < 8; i++)
		strcat(buf, ".somewhat.long.exp.example.com");
	strcat(buf, ".example.com");
	assert_int_equal(strlen(buf), 258);
	assert_true(spf_target_name(buf));
	assert_int_equal(strlen(buf), 251);
	assert_int_equal(strncmp(buf, "somewhat.long.", 14), 0);
	/* One label longer than 253: nothing left. */
	memset(buf, 'x', 300);
	buf[300] = '\0';
	assert_false(spf_target_name(buf));
}

static void
test_domain_valid(void **state)
{
	static const struct {
		const char	*in;
		bool		 ok;
	} cases[] = {
		{ "example.com", true },
		{ "example.com.", true },
		{ "_spf.example.com", true },
		{ "xn--bcher-kva.example", true },
		{ "A2345678", false },
		{ "[1.2.3.5]", false },
		{ "A...example.com", false },
		{ "", false },
		{ ".", false },
		{ "JUMPIN' JUPITER", false },
		{ "foo:bar.example.com", false },
		{ "a12345678901234567890123456789012345678901234567890123456789"
		    "0123.example.com", false },
	};
	char why[160];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (spf_domain_valid(cases[i].in, why, sizeof(why)) !=
		    cases[i].ok)
			fail_msg("%s: want %d", cases[i].in, cases[i].ok);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc_examples),
		cmocka_unit_test(test_transformers),
		cmocka_unit_test(test_url_escape),
		cmocka_unit_test(test_explain_letters),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_uses),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_target_name),
		cmocka_unit_test(test_domain_valid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
