/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for TLS-RPT records (RFC 8460 §3) and their findings.
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

#include "policy/tlsrpt.h"

struct rec_case {
	const char	*text;
	bool		 is_tlsrpt, valid;
	size_t		 nrua, nwarnings, nunknown;
};

static const struct rec_case cases[] = {
	{ "v=TLSRPTv1; rua=mailto:tls@example.com", true, true, 1, 0, 0 },
	{ "v=TLSRPTv1;rua=mailto:a@example.com,https://r.example.net/v1",
	    true, true, 2, 0, 0 },
	{ "v=TLSRPTv1; rua=mailto:a@example.com , mailto:b@example.com;",
	    true, true, 2, 0, 0 },
	{ "v=TLSRPTv1; rua = mailto:a@example.com", true, true, 1, 1, 0 },
	{ "v=TLSRPTv1; rua=mailto:a@example.com; ext.1=x", true, true, 1, 0,
	    1 },
	{ "v=TLSRPTv1; rua=mailto:a@example.com;; ", true, true, 1, 1, 0 },
	{ "v=TLSRPTv1", true, false, 0, 0, 0 },
	{ "v=TLSRPTv1; rua=", true, false, 0, 0, 0 },
	/* found by fuzzing: a list of nothing but an empty entry */
	{ "v=TLSRPTv1;;rua=,", true, false, 0, 2, 0 },
	{ "v=TLSRPTv1; rua=tls@example.com", true, false, 1, 0, 0 },
	{ "v=TLSRPTv1; rua=http://r.example.net/", true, false, 1, 0, 0 },
	{ "v=TLSRPTv1; rua=mailto:a@example.com; rua=mailto:b@example.com",
	    true, false, 1, 0, 0 },
	{ "v=TLSRPTv1; rua=mailto:a@example.com; x=a=b", true, false, 1, 0,
	    0 },
	{ "v=TLSRPTv1; rua=mailto:a@example.com; junk", true, false, 1, 0,
	    0 },
	{ "v=TLSRPTv2; rua=mailto:a@example.com", false, false, 0, 0, 0 },
	{ "v=tlsrptv1; rua=mailto:a@example.com", false, false, 0, 0, 0 },
	{ "", false, false, 0, 0, 0 },
};

static void
test_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct rec_case *c = &cases[i];
		struct tlsrpt_record r;

		note("case %zu: %s\n", i, c->text);
		assert_int_equal(tlsrpt_record_parse(c->text, strlen(c->text),
		    &r), c->is_tlsrpt);
		for (size_t k = 0; k < r.errors.n; k++)
			note("  %s\n", r.errors.v[k]);
		assert_int_equal(r.valid, c->valid);
		assert_int_equal(r.rua.n, c->nrua);
		assert_int_equal(r.warnings.n, c->nwarnings);
		assert_int_equal(r.unknown.n, c->nunknown);
		tlsrpt_record_clear(&r);
	}
	tlsrpt_record_clear(NULL);
}

static void
answer_txt(struct dns_answer *a, enum dns_outcome o, const char *t1,
    const char *t2)
{
	const char *t[2] = { t1, t2 };

	dns_answer_init(a, "_smtp._tls.example.com", DNS_T_TXT, o);
	a->rr = calloc(2, sizeof(*a->rr));
	for (size_t i = 0; i < 2 && t[i]; i++) {
		struct dns_rr *rr = &a->rr[a->nrr++];

		rr->type = DNS_T_TXT;
		dns_rr_set_txt(rr, t[i], strlen(t[i]));
	}
}

static void
test_judge(void **state)
{
	const struct {
		enum dns_outcome o;
		const char	*t1, *t2;
		const char	*code;
		enum finding_status st;
	} jc[] = {
		{ DNS_OUT_ANSWER, "v=TLSRPTv1; rua=mailto:a@example.com", NULL,
		    "tlsrpt.record", FINDING_PASS },
		{ DNS_OUT_ANSWER, "v=TLSRPTv1; rua = mailto:a@example.com",
		    NULL, "tlsrpt.syntax", FINDING_WARNING },
		{ DNS_OUT_ANSWER, "v=TLSRPTv1; rua=mailto:a@example.com",
		    "v=TLSRPTv1; rua=mailto:b@example.com", "tlsrpt.multiple",
		    FINDING_FAIL },
		{ DNS_OUT_ANSWER, "v=spf1 -all", NULL, "tlsrpt.none",
		    FINDING_INFO },
		{ DNS_OUT_ANSWER, "v=TLSRPTv1; rua=a@example.com", NULL,
		    "tlsrpt.invalid", FINDING_FAIL },
		{ DNS_OUT_NODATA, NULL, NULL, "tlsrpt.none", FINDING_INFO },
		{ DNS_OUT_TIMEOUT, NULL, NULL, "tlsrpt.temperror",
		    FINDING_TEMPERROR },
		{ DNS_OUT_REFUSED, NULL, NULL, "tlsrpt.temperror",
		    FINDING_TEMPERROR },
		{ DNS_OUT_CHAINLOOP, NULL, NULL, "tlsrpt.error",
		    FINDING_PERMERROR },
	};
	struct finding_list fl = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(jc) / sizeof(jc[0]); i++) {
		struct dns_answer a;
		const struct finding *f;

		note("judge %zu\n", i);
		answer_txt(&a, jc[i].o, jc[i].t1, jc[i].t2);
		tlsrpt_judge_txt("example.com", &a, &fl);
		f = finding_list_find(&fl, jc[i].code);
		assert_non_null(f);
		assert_int_equal(f->status, jc[i].st);
		finding_list_clear(&fl);
		dns_answer_clear(&a);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_judge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
