/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for MTA-STS: the TXT record, policy files good and bad
 * (CRLF and LF, missing and repeated keys, wrong case, bad values, bytes,
 * oversize), mx patterns and matching, and the findings on a fetch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Diagnostics as TAP comments, so the harness ignores them. */
#define note(...)	do { fputs("# ", stdout); printf(__VA_ARGS__); } while (0)

#include "policy/mtasts.h"

struct txt_case {
	const char	*text;
	bool		 is_sts, valid;
	const char	*id;
	size_t		 nwarnings;
};

static const struct txt_case txts[] = {
	{ "v=STSv1; id=20160831085700Z", true, true, "20160831085700Z", 0 },
	{ "v=STSv1; id=abc;", true, true, "abc", 0 },
	{ "v=STSv1;id=abc; ext-1.x=val", true, true, "abc", 0 },
	{ "v=STSv1; id = abc", true, true, "abc", 1 },
	{ "v=STSv1; id=abc;; x=1", true, true, "abc", 1 },
	{ "v=STSv1; id=2024-01-01", true, false, NULL, 0 },
	{ "v=STSv1; id=", true, false, NULL, 0 },
	{ "v=STSv1; id=123456789012345678901234567890123", true, false, NULL,
	    0 },
	{ "v=STSv1", true, false, NULL, 0 },
	{ "v=STSv1; id=a; id=b", true, false, NULL, 0 },
	{ "v=STSv1; id=a; bad ext=1", true, false, NULL, 0 },
	{ "v=STSv1; id=a; x", true, false, NULL, 0 },
	{ "v=STSv2; id=a", false, false, NULL, 0 },
	{ "v=STSv10; id=a", false, false, NULL, 0 },
	{ " v=STSv1; id=a", false, false, NULL, 0 },
	{ "id=a; v=STSv1", false, false, NULL, 0 },
};

static void
test_txt(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(txts) / sizeof(txts[0]); i++) {
		struct mtasts_txt t;

		note("txt %zu: %s\n", i, txts[i].text);
		assert_int_equal(mtasts_txt_parse(txts[i].text,
		    strlen(txts[i].text), &t), txts[i].is_sts);
		assert_int_equal(t.valid, txts[i].valid);
		if (txts[i].id)
			assert_string_equal(t.id, txts[i].id);
		if (txts[i].valid)
			assert_int_equal(t.warnings.n, txts[i].nwarnings);
		else if (txts[i].is_sts)
			assert_true(t.errors.n > 0);
		mtasts_txt_clear(&t);
	}
	mtasts_txt_clear(NULL);
}

struct pol_case {
	const char	*body;
	bool		 valid;
	enum mtasts_mode mode;
	unsigned long	 max_age;
	size_t		 nmx, nerrors, ndup, nunknown;
};

static const struct pol_case pols[] = {
	{ "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n"
	    "mx: *.example.net\r\nmax_age: 604800\r\n", true,
	    MTASTS_MODE_ENFORCE, 604800, 2, 0, 0, 0 },
	{ "version: STSv1\nmode: testing\nmx: mx.example.com\nmax_age: 86400",
	    true, MTASTS_MODE_TESTING, 86400, 1, 0, 0, 0 },
	{ "version: STSv1\nmode: none\nmax_age: 0\n", true, MTASTS_MODE_NONE,
	    0, 0, 0, 0, 0 },
	{ "version:STSv1\nmode:enforce  \nmx:a.example\nmax_age:31557600\n",
	    true, MTASTS_MODE_ENFORCE, 31557600, 1, 0, 0, 0 },
	{ "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\n"
	    "mode: none\nmax_age: 2\nfoo: bar\nfoo: baz\n\n", true,
	    MTASTS_MODE_ENFORCE, 1, 1, 0, 2, 1 },
	{ "version: STSv1\nmode: enforce\nmax_age: 86400\n", false,
	    MTASTS_MODE_ENFORCE, 86400, 0, 1, 0, 0 },
	{ "mode: enforce\nmx: a.example\nmax_age: 86400\n", false,
	    MTASTS_MODE_ENFORCE, 86400, 1, 1, 0, 0 },
	{ "version: STSv1\nmode: enforced\nmx: a.example\nmax_age: 86400\n",
	    false, MTASTS_MODE_UNSET, 86400, 1, 2, 0, 0 },
	{ "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601\n",
	    false, MTASTS_MODE_ENFORCE, 0, 1, 2, 0, 0 },
	{ "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -5\n",
	    false, MTASTS_MODE_ENFORCE, 0, 1, 2, 0, 0 },
	{ "version: STSv1\nMode: enforce\nmx: a.example\nmax_age: 5\n", false,
	    MTASTS_MODE_UNSET, 5, 1, 2, 0, 0 },
	{ "version: STSv1\nmode: enforce\nmx: mail.*.example\nmx: a.example\n"
	    "max_age: 5\n", true, MTASTS_MODE_ENFORCE, 5, 1, 1, 0, 0 },
	{ "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 5\n"
	    "junk line\n", true, MTASTS_MODE_ENFORCE, 5, 1, 1, 0, 0 },
	{ "version: STSv1\rmode: enforce\nmx: a.example\nmax_age: 5\n", false,
	    MTASTS_MODE_UNSET, 5, 1, 3, 0, 0 },
	{ "version: STSv1\nmode: enforce\nmx: a.ex\x01mple\nmax_age: 5\n",
	    false, MTASTS_MODE_ENFORCE, 5, 0, 2, 0, 0 },
	{ "", false, MTASTS_MODE_UNSET, 0, 0, 4, 0, 0 },
};

static void
test_policy(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(pols) / sizeof(pols[0]); i++) {
		const struct pol_case *c = &pols[i];
		struct mtasts_policy p;

		note("policy %zu\n", i);
		assert_int_equal(mtasts_policy_parse(c->body, strlen(c->body),
		    &p), c->valid);
		for (size_t k = 0; k < p.errors.n; k++)
			note("  %s\n", p.errors.v[k]);
		assert_int_equal(p.mode, c->mode);
		if (p.has_max_age)
			assert_int_equal(p.max_age, c->max_age);
		assert_int_equal(p.mx.n, c->nmx);
		assert_int_equal(p.errors.n, c->nerrors);
		assert_int_equal(p.duplicates.n, c->ndup);
		assert_int_equal(p.unknown.n, c->nunknown);
		mtasts_policy_clear(&p);
	}
	mtasts_policy_clear(NULL);
}

static void
test_oversize(void **state)
{
	size_t len = MTASTS_POLICY_MAX + 1;
	char *big = malloc(len);
	struct mtasts_policy p;

	(void)state;
	memset(big, 'x', len);
	assert_false(mtasts_policy_parse(big, len, &p));
	assert_true(p.oversize);
	mtasts_policy_clear(&p);
	/* Exactly the cap is parsed (and fails on content). */
	assert_false(mtasts_policy_parse(big, MTASTS_POLICY_MAX, &p));
	assert_false(p.oversize);
	mtasts_policy_clear(&p);
	free(big);
}

struct match_case {
	const char	*pattern, *host;
	bool		 match;
};

static const struct match_case matches[] = {
	{ "mail.example.com", "mail.example.com", true },
	{ "mail.example.com", "MAIL.Example.COM.", true },
	{ "mail.example.com", "mail2.example.com", false },
	{ "*.example.com", "mx1.example.com", true },
	{ "*.example.com", "MX1.EXAMPLE.COM.", true },
	{ "*.example.com", "example.com", false },
	{ "*.example.com", "a.b.example.com", false },
	{ "*.example.com", ".example.com", false },
	{ "*.example.com", "xexample.com", false },
	{ "example.com", "mail.example.com", false },
	{ "", "example.com", false },
	{ "example.com", "", false },
};

static void
test_match(void **state)
{
	static const char *const good[] = {
		"mail.example.com", "*.example.com", "a", "xn--bcher-kva.example",
	};
	static const char *const bad[] = {
		"mail.*.example.com", "*", "*.", "**.example.com", "-a.example",
		"a..b", "a.example.", "mail example.com", "*example.com", "",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(matches) / sizeof(matches[0]); i++) {
		note("match %s %s\n", matches[i].pattern, matches[i].host);
		assert_int_equal(mtasts_mx_match(matches[i].pattern,
		    matches[i].host), matches[i].match);
	}
	assert_false(mtasts_mx_match(NULL, "a"));
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(mtasts_mx_pattern_valid(good[i], strlen(good[i])));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		note("bad pattern %s\n", bad[i]);
		assert_false(mtasts_mx_pattern_valid(bad[i], strlen(bad[i])));
	}
}

struct fetch_case {
	struct mtasts_fetch	 f;
	const char		*code;
	enum finding_status	 status;
	const char		*absent;
};

#define GOOD "version: STSv1\nmode: enforce\nmx: mx1.example.com\n" \
	"mx: *.backup.example.net\nmax_age: 604800\n"
#define TESTING "version: STSv1\nmode: testing\nmx: mx1.example.com\n" \
	"max_age: 3600\n"

static void
test_judge_policy(void **state)
{
	static const char *const mx[] = {
		"mx1.example.com", "a.backup.example.net.",
	};
	static const char *const mx2[] = { "mx2.example.com" };
	const struct fetch_case cases[] = {
		{ { "u", NULL, false, 200, "text/plain; charset=utf-8", 0, GOOD,
		    sizeof(GOOD) - 1, false }, "mtasts.mx_matched",
		    FINDING_PASS, "mtasts.mx_unmatched" },
		{ { "u", NULL, false, 200, "text/plain", 0, GOOD,
		    sizeof(GOOD) - 1, false }, "mtasts.mode", FINDING_PASS,
		    "mtasts.policy_invalid" },
		{ { "u", "connection timed out", true, 0, NULL, 0, NULL, 0,
		    false }, "mtasts.policy_fetch", FINDING_TEMPERROR, NULL },
		{ { "u", "certificate has expired", false, 0, NULL, 0, NULL, 0,
		    false }, "mtasts.policy_fetch", FINDING_FAIL, NULL },
		{ { "u", NULL, false, 301, "text/html", 1, "", 0, false },
		    "mtasts.policy_redirect", FINDING_FAIL, NULL },
		{ { "u", NULL, false, 404, "text/html", 0, "nf", 2, false },
		    "mtasts.policy_status", FINDING_FAIL, NULL },
		{ { "u", NULL, false, 503, "text/html", 0, "", 0, false },
		    "mtasts.policy_status", FINDING_TEMPERROR, NULL },
		{ { "u", NULL, false, 200, "text/html", 0, GOOD,
		    sizeof(GOOD) - 1, false }, "mtasts.policy_content_type",
		    FINDING_FAIL, NULL },
		{ { "u", NULL, false, 200, NULL, 0, GOOD, sizeof(GOOD) - 1,
		    false }, "mtasts.policy_content_type", FINDING_FAIL, NULL },
		{ { "u", NULL, false, 200, "text/plain", 0, GOOD,
		    sizeof(GOOD) - 1, true }, "mtasts.policy_oversize",
		    FINDING_FAIL, "mtasts.mode" },
		{ { "u", NULL, false, 200, "text/plain", 0, "mode: enforce", 13,
		    false }, "mtasts.policy_invalid", FINDING_FAIL,
		    "mtasts.mode" },
		{ { "u", NULL, false, 200, "text/plain", 0, TESTING,
		    sizeof(TESTING) - 1, false }, "mtasts.max_age_short",
		    FINDING_WARNING, NULL },
	};
	struct finding_list fl = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct finding *f;

		note("fetch %zu\n", i);
		mtasts_judge_policy("example.com", &cases[i].f, mx, 2, &fl);
		f = finding_list_find(&fl, cases[i].code);
		assert_non_null(f);
		assert_int_equal(f->status, cases[i].status);
		if (cases[i].absent)
			assert_null(finding_list_find(&fl, cases[i].absent));
		finding_list_clear(&fl);
	}
	/* An MX the policy does not list: fail in enforce mode, warning in
	 * testing mode, and the unused patterns are named. */
	{
		struct mtasts_fetch f = { "u", NULL, false, 200, "text/plain",
		    0, GOOD, sizeof(GOOD) - 1, false };
		const struct finding *fd;

		mtasts_judge_policy("example.com", &f, mx2, 1, &fl);
		fd = finding_list_find(&fl, "mtasts.mx_unmatched");
		assert_non_null(fd);
		assert_int_equal(fd->status, FINDING_FAIL);
		assert_non_null(finding_list_find(&fl,
		    "mtasts.mx_pattern_unused"));
		finding_list_clear(&fl);
		f.body = TESTING;
		f.body_len = sizeof(TESTING) - 1;
		mtasts_judge_policy("example.com", &f, mx2, 1, &fl);
		fd = finding_list_find(&fl, "mtasts.mx_unmatched");
		assert_non_null(fd);
		assert_int_equal(fd->status, FINDING_WARNING);
		finding_list_clear(&fl);
	}
}

static void
answer_txt(struct dns_answer *a, enum dns_outcome o, const char *t1,
    const char *t2)
{
	const char *t[2] = { t1, t2 };

	dns_answer_init(a, "_mta-sts.example.com", DNS_T_TXT, o);
	a->rr = calloc(2, sizeof(*a->rr));
	for (size_t i = 0; i < 2 && t[i]; i++) {
		struct dns_rr *rr = &a->rr[a->nrr++];

		rr->type = DNS_T_TXT;
		dns_rr_set_txt(rr, t[i], strlen(t[i]));
	}
}

static void
test_judge_txt(void **state)
{
	const struct {
		enum dns_outcome o;
		const char	*t1, *t2;
		const char	*code;
		enum finding_status st;
	} cases[] = {
		{ DNS_OUT_ANSWER, "v=STSv1; id=1", NULL, "mtasts.txt",
		    FINDING_PASS },
		{ DNS_OUT_ANSWER, "v=STSv1; id = 1", NULL, "mtasts.txt_syntax",
		    FINDING_WARNING },
		{ DNS_OUT_ANSWER, "v=STSv1; id=1", "v=STSv1; id=2",
		    "mtasts.txt_multiple", FINDING_FAIL },
		{ DNS_OUT_ANSWER, "v=STSv1; id=1", "hello", "mtasts.txt",
		    FINDING_PASS },
		{ DNS_OUT_ANSWER, "v=STSv1; id=a-b", NULL, "mtasts.txt_invalid",
		    FINDING_FAIL },
		{ DNS_OUT_ANSWER, "hello", NULL, "mtasts.none", FINDING_INFO },
		{ DNS_OUT_NXDOMAIN, NULL, NULL, "mtasts.none", FINDING_INFO },
		{ DNS_OUT_TIMEOUT, NULL, NULL, "mtasts.txt_temperror",
		    FINDING_TEMPERROR },
		{ DNS_OUT_SERVFAIL, NULL, NULL, "mtasts.txt_temperror",
		    FINDING_TEMPERROR },
		{ DNS_OUT_FORMERR, NULL, NULL, "mtasts.txt_error",
		    FINDING_PERMERROR },
	};
	struct finding_list fl = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dns_answer a;
		struct mtasts_txt out;
		const struct finding *f;

		note("txt answer %zu\n", i);
		answer_txt(&a, cases[i].o, cases[i].t1, cases[i].t2);
		mtasts_judge_txt("example.com", &a, &fl, &out);
		f = finding_list_find(&fl, cases[i].code);
		assert_non_null(f);
		assert_int_equal(f->status, cases[i].st);
		if (cases[i].st == FINDING_PASS)
			assert_string_equal(out.id, "1");
		mtasts_txt_clear(&out);
		finding_list_clear(&fl);
		dns_answer_clear(&a);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_txt),
		cmocka_unit_test(test_policy),
		cmocka_unit_test(test_oversize),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_judge_policy),
		cmocka_unit_test(test_judge_txt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
