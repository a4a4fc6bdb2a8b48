/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for dnsbl/answer.c: query names (IPv4 octets, IPv6 nibbles,
 * domains), the meaning of answers (127.255.255.254 is a refusal, answers
 * outside 127/8 a broken list, bitmasks), and trust from test entries.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dnsbl/answer.h"

static const char cfg[] =
    "list zen zen.bl.test ip4,ip6\n"
    "code 127.0.0.2 SBL\n"
    "code 127.0.0.4-127.0.0.7 XBL\n"
    "code 127.0.0.10 PBL\n"
    "refused 127.255.255.254 public resolver\n"
    "list multi multi.bl.test domain\n"
    "bit 2 black\n"
    "bit 4 grey\n"
    "bit 8 red\n"
    "refused 127.0.0.1 blocked\n";

static struct dnsbl_set set;

static int
setup(void **state)
{
	char err[256];

	memset(&set, 0, sizeof(set));
	return dnsbl_set_parse(&set, cfg, sizeof(cfg) - 1, err, sizeof(err));
}

static int
teardown(void **state)
{
	dnsbl_set_clear(&set);
	return 0;
}

static void
test_query_names(void **state)
{
	char out[DNS_NAME_BUF];
	struct in_addr a4;
	struct in6_addr a6;
	char longname[300];

	inet_pton(AF_INET, "192.0.2.10", &a4);
	assert_true(dnsbl_query_name_addr(&set.v[0], AF_INET, &a4, out,
	    sizeof(out)));
	assert_string_equal(out, "10.2.0.192.zen.bl.test");
	inet_pton(AF_INET, "127.0.0.2", &a4);
	assert_true(dnsbl_query_name_addr(&set.v[0], AF_INET, &a4, out,
	    sizeof(out)));
	assert_string_equal(out, "2.0.0.127.zen.bl.test");
	/* RFC 5782 §2.4: 32 nibbles, least significant first. */
	inet_pton(AF_INET6, "2001:db8:1:2:3:4:567:89ab", &a6);
	assert_true(dnsbl_query_name_addr(&set.v[0], AF_INET6, &a6, out,
	    sizeof(out)));
	assert_string_equal(out, "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1."
	    "0.0.0.8.b.d.0.1.0.0.2.zen.bl.test");
	inet_pton(AF_INET6, "::ffff:7f00:2", &a6);
	assert_true(dnsbl_query_name_addr(&set.v[0], AF_INET6, &a6, out,
	    sizeof(out)));
	assert_string_equal(out, "2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0."
	    "0.0.0.0.0.0.0.0.0.0.0.zen.bl.test");
	assert_false(dnsbl_query_name_addr(&set.v[0], AF_INET, &a4, out, 10));
	assert_false(dnsbl_query_name_addr(&set.v[0], AF_UNIX, &a4, out,
	    sizeof(out)));

	assert_true(dnsbl_query_name_domain(&set.v[1], "example.com.", out,
	    sizeof(out)));
	assert_string_equal(out, "example.com.multi.bl.test");
	assert_true(dnsbl_query_name_domain(&set.v[1], "test", out,
	    sizeof(out)));
	assert_string_equal(out, "test.multi.bl.test");
	assert_false(dnsbl_query_name_domain(&set.v[1], "", out, sizeof(out)));
	assert_false(dnsbl_query_name_domain(&set.v[1], ".", out, sizeof(out)));
	/* 253 octets at most in all. */
	memset(longname, 'a', sizeof(longname));
	for (size_t i = 63; i < sizeof(longname); i += 64)
		longname[i] = '.';
	longname[253 - 15] = '\0';	/* + ".multi.bl.test" = 253 */
	assert_true(dnsbl_query_name_domain(&set.v[1], longname, out,
	    sizeof(out)));
	assert_int_equal(strlen(out), 252);
	longname[253 - 15] = 'a';
	longname[253 - 13] = '\0';
	assert_false(dnsbl_query_name_domain(&set.v[1], longname, out,
	    sizeof(out)));
}

static void
test_interpret_table(void **state)
{
	static const struct {
		int			 list;	/* index, -1: none */
		enum dns_outcome	 outcome;
		const char		*addrs;	/* comma-separated */
		enum dnsbl_verdict	 want;
		const char		*meaning;	/* of the first hit */
	} cases[] = {
		{ 0, DNS_OUT_NXDOMAIN, "", DNSBL_NOT_LISTED, NULL },
		{ 0, DNS_OUT_NODATA, "", DNSBL_NOT_LISTED, NULL },
		{ 0, DNS_OUT_ANSWER, "", DNSBL_NOT_LISTED, NULL },
		{ 0, DNS_OUT_TIMEOUT, "", DNSBL_TEMPERROR, NULL },
		{ 0, DNS_OUT_SERVFAIL, "127.0.0.2", DNSBL_TEMPERROR, NULL },
		{ 0, DNS_OUT_REFUSED, "", DNSBL_TEMPERROR, NULL },
		{ 0, DNS_OUT_OTHER, "", DNSBL_TEMPERROR, NULL },
		{ 0, DNS_OUT_FORMERR, "", DNSBL_DNSERROR, NULL },
		{ 0, DNS_OUT_NOTIMP, "", DNSBL_DNSERROR, NULL },
		{ 0, DNS_OUT_CHAINLOOP, "", DNSBL_DNSERROR, NULL },
		{ 0, DNS_OUT_ANSWER, "127.0.0.2", DNSBL_LISTED, "SBL" },
		{ 0, DNS_OUT_ANSWER, "127.0.0.6", DNSBL_LISTED, "XBL" },
		{ 0, DNS_OUT_ANSWER, "127.0.0.10,127.0.0.4", DNSBL_LISTED, "PBL" },
		{ 0, DNS_OUT_ANSWER, "127.0.0.3", DNSBL_LISTED,
		  "listed (code meaning unknown)" },
		{ 0, DNS_OUT_ANSWER, "127.1.2.3", DNSBL_LISTED,
		  "listed (code meaning unknown)" },
		/* refusals: never listed */
		{ 0, DNS_OUT_ANSWER, "127.255.255.254", DNSBL_REFUSED,
		  "public resolver" },
		{ 0, DNS_OUT_ANSWER, "127.255.255.255", DNSBL_REFUSED, NULL },
		{ 0, DNS_OUT_ANSWER, "127.255.255.0", DNSBL_REFUSED, NULL },
		{ 0, DNS_OUT_ANSWER, "127.0.0.2,127.255.255.254", DNSBL_REFUSED,
		  "SBL" },
		{ -1, DNS_OUT_ANSWER, "127.255.255.252", DNSBL_REFUSED, NULL },
		/* outside 127/8: broken, never listed */
		{ 0, DNS_OUT_ANSWER, "192.0.2.99", DNSBL_BROKEN, NULL },
		{ 0, DNS_OUT_ANSWER, "0.0.0.0", DNSBL_BROKEN, NULL },
		{ 0, DNS_OUT_ANSWER, "128.0.0.2", DNSBL_BROKEN, NULL },
		{ 0, DNS_OUT_ANSWER, "127.0.0.2,10.0.0.1", DNSBL_BROKEN, "SBL" },
		{ 0, DNS_OUT_ANSWER, "10.0.0.1,127.255.255.254", DNSBL_REFUSED,
		  NULL },
		/* bitmask lists: the last octet */
		{ 1, DNS_OUT_ANSWER, "127.0.0.2", DNSBL_LISTED, "black" },
		{ 1, DNS_OUT_ANSWER, "127.0.0.14", DNSBL_LISTED,
		  "black + grey + red" },
		{ 1, DNS_OUT_ANSWER, "127.9.9.6", DNSBL_LISTED, "black + grey" },
		{ 1, DNS_OUT_ANSWER, "127.0.0.34", DNSBL_LISTED,
		  "black + listed (bits 0x20: meaning unknown)" },
		{ 1, DNS_OUT_ANSWER, "127.0.0.0", DNSBL_LISTED,
		  "listed (code meaning unknown)" },
		{ 1, DNS_OUT_ANSWER, "127.0.0.1", DNSBL_REFUSED, "blocked" },
		{ -1, DNS_OUT_ANSWER, "127.0.0.2", DNSBL_LISTED,
		  "listed (code meaning unknown)" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct in_addr addrs[8];
		size_t n = 0;
		char buf[128], *save = NULL, *tok;
		struct dnsbl_interp in;

		snprintf(buf, sizeof(buf), "%s", cases[i].addrs);
		for (tok = strtok_r(buf, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save))
			assert_int_equal(inet_pton(AF_INET, tok, &addrs[n++]), 1);
		dnsbl_interpret(cases[i].list < 0 ? NULL :
		    &set.v[cases[i].list], cases[i].outcome, addrs, n, &in);
		if (in.verdict != cases[i].want)
			fail_msg("case %zu (%s): %s, want %s", i, cases[i].addrs,
			    dnsbl_verdict_name(in.verdict),
			    dnsbl_verdict_name(cases[i].want));
		if (in.verdict == DNSBL_LISTED || in.verdict == DNSBL_REFUSED ||
		    in.verdict == DNSBL_BROKEN)
			assert_int_equal(in.nhits, n);
		else
			assert_int_equal(in.nhits, 0);
		if (cases[i].meaning != NULL &&
		    strcmp(in.hits[0].meaning, cases[i].meaning) != 0)
			fail_msg("case %zu: meaning \"%s\", want \"%s\"", i,
			    in.hits[0].meaning, cases[i].meaning);
	}
}

static void
test_interpret_many(void **state)
{
	struct in_addr addrs[DNSBL_HITS_MAX + 4];
	struct dnsbl_interp in;

	for (size_t i = 0; i < DNSBL_HITS_MAX + 4; i++)
		addrs[i].s_addr = htonl(0x7f000002u);
	/* The refusal beyond what is kept still counts. */
	addrs[DNSBL_HITS_MAX + 3].s_addr = htonl(0x7ffffffeu);
	dnsbl_interpret(&set.v[0], DNS_OUT_ANSWER, addrs, DNSBL_HITS_MAX + 4,
	    &in);
	assert_int_equal(in.nhits, DNSBL_HITS_MAX);
	assert_true(in.hits_truncated);
	assert_int_equal(in.verdict, DNSBL_REFUSED);
}

static void
test_interpret_answer(void **state)
{
	struct dns_answer ans;
	struct dnsbl_interp in;

	dns_answer_init(&ans, "2.0.0.127.zen.bl.test", DNS_T_A,
	    DNS_OUT_ANSWER);
	ans.rr = calloc(2, sizeof(*ans.rr));
	assert_non_null(ans.rr);
	ans.nrr = 2;
	ans.rr[0].type = DNS_T_A;
	inet_pton(AF_INET, "127.0.0.2", &ans.rr[0].u.a);
	ans.rr[1].type = DNS_T_TXT;	/* ignored */
	dnsbl_interpret_answer(&set.v[0], &ans, &in);
	assert_int_equal(in.verdict, DNSBL_LISTED);
	assert_int_equal(in.nhits, 1);
	dns_answer_clear(&ans);
}

static void
test_trust(void **state)
{
	static const struct {
		enum dnsbl_verdict	listed, unlisted;
		enum dnsbl_trust	want;
	} cases[] = {
		{ DNSBL_LISTED, DNSBL_NOT_LISTED, DNSBL_TRUST_OK },
		{ DNSBL_NOT_LISTED, DNSBL_NOT_LISTED, DNSBL_TRUST_FAILED },
		{ DNSBL_LISTED, DNSBL_LISTED, DNSBL_TRUST_FAILED },
		{ DNSBL_REFUSED, DNSBL_REFUSED, DNSBL_TRUST_REFUSED },
		{ DNSBL_LISTED, DNSBL_REFUSED, DNSBL_TRUST_REFUSED },
		{ DNSBL_REFUSED, DNSBL_TEMPERROR, DNSBL_TRUST_REFUSED },
		{ DNSBL_TEMPERROR, DNSBL_NOT_LISTED, DNSBL_TRUST_TEMPERROR },
		{ DNSBL_LISTED, DNSBL_TEMPERROR, DNSBL_TRUST_TEMPERROR },
		{ DNSBL_BROKEN, DNSBL_BROKEN, DNSBL_TRUST_BROKEN },
		{ DNSBL_LISTED, DNSBL_DNSERROR, DNSBL_TRUST_BROKEN },
		{ DNSBL_BROKEN, DNSBL_TEMPERROR, DNSBL_TRUST_TEMPERROR },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dnsbl_interp l = { 0 }, u = { 0 };
		char why[160];
		enum dnsbl_trust t;

		l.verdict = cases[i].listed;
		u.verdict = cases[i].unlisted;
		t = dnsbl_trust_judge(&l, &u, why, sizeof(why));
		if (t != cases[i].want)
			fail_msg("case %zu: %s, want %s", i, dnsbl_trust_name(t),
			    dnsbl_trust_name(cases[i].want));
		assert_true((t == DNSBL_TRUST_OK) == (why[0] == '\0'));
	}
}

static void
test_verdict_with_trust(void **state)
{
	assert_int_equal(dnsbl_verdict_with_trust(DNSBL_LISTED,
	    DNSBL_TRUST_OK), DNSBL_LISTED);
	assert_int_equal(dnsbl_verdict_with_trust(DNSBL_NOT_LISTED,
	    DNSBL_TRUST_OK), DNSBL_NOT_LISTED);
	assert_int_equal(dnsbl_verdict_with_trust(DNSBL_LISTED,
	    DNSBL_TRUST_REFUSED), DNSBL_REFUSED);
	assert_int_equal(dnsbl_verdict_with_trust(DNSBL_NOT_LISTED,
	    DNSBL_TRUST_REFUSED), DNSBL_REFUSED);
	assert_int_equal(dnsbl_verdict_with_trust(DNSBL_LISTED,
	    DNSBL_TRUST_FAILED), DNSBL_SKIPPED);
	assert_int_equal(dnsbl_verdict_with_trust(DNSBL_LISTED,
	    DNSBL_TRUST_BROKEN), DNSBL_SKIPPED);
	/* Temporary stays temporary; never a pass, never a listing. */
	assert_int_equal(dnsbl_verdict_with_trust(DNSBL_NOT_LISTED,
	    DNSBL_TRUST_TEMPERROR), DNSBL_TEMPERROR);
	assert_int_equal(dnsbl_verdict_with_trust(DNSBL_LISTED,
	    DNSBL_TRUST_TEMPERROR), DNSBL_TEMPERROR);
	assert_int_equal(dnsbl_verdict_with_trust(DNSBL_REFUSED,
	    DNSBL_TRUST_TEMPERROR), DNSBL_REFUSED);
	assert_string_equal(dnsbl_verdict_name(DNSBL_REFUSED), "refused");
	assert_string_equal(dnsbl_verdict_name((enum dnsbl_verdict)99),
	    "unknown");
	assert_string_equal(dnsbl_trust_name(DNSBL_TRUST_OK), "trusted");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_names),
		cmocka_unit_test(test_interpret_table),
		cmocka_unit_test(test_interpret_many),
		cmocka_unit_test(test_interpret_answer),
		cmocka_unit_test(test_trust),
		cmocka_unit_test(test_verdict_with_trust),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
