/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for spf/judge.c: for each kind of record and tree, the
 * findings that must be there (code and status), the ones that must not,
 * and the details that make a remediation exact (the include that tips
 * the lookup count, the glued TXT strings).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "spf/judge.h"
#include "zone.h"

#define MAXLINES	24
#define MAXWANT		8

struct want {
	const char		*code;
	enum finding_status	 status;
};

struct jcase {
	const char	*name;
	const char	*zone[MAXLINES];
	const char	*ip;		/* NULL: audit only */
	const char	*record;	/* draft */
	struct want	 want[MAXWANT];
	const char	*absent[MAXWANT];
};

#define W(c, s)	{ c, FINDING_##s }

static const struct jcase cases[] = {
	{ "a good record",
	  { "ex.t TXT v=spf1 ip4:192.0.2.0/24 include:p.t -all",
	    "p.t TXT v=spf1 ip4:198.51.100.0/24 ~all" },
	  NULL, NULL,
	  { W("spf.record", PASS), W("spf.lookup_count", PASS),
	    W("spf.all_fail", PASS) },
	  { "spf.none", "spf.lookup_limit", "spf.result", "spf.no_all" } },
	{ "pass for a listed address",
	  { "ex.t TXT v=spf1 ip4:192.0.2.0/24 -all" }, "192.0.2.7", NULL,
	  { W("spf.result", PASS), W("spf.all_fail", PASS) }, { NULL } },
	{ "fail, softfail, neutral for an unlisted address",
	  { "ex.t TXT v=spf1 ip4:192.0.2.0/24 -all" }, "198.51.100.1", NULL,
	  { W("spf.result", FAIL) }, { NULL } },
	{ "softfail",
	  { "ex.t TXT v=spf1 ip4:192.0.2.0/24 ~all" }, "198.51.100.1", NULL,
	  { W("spf.result", WARNING), W("spf.all_softfail", INFO) },
	  { NULL } },
	{ "no record",
	  { "ex.t TXT some-verification=1" }, "192.0.2.1", NULL,
	  { W("spf.result", FAIL), W("spf.none", FAIL) },
	  { "spf.record", "spf.lookup_count" } },
	{ "temperror stays temperror",
	  { "ex.t TIMEOUT TXT" }, "192.0.2.1", NULL,
	  { W("spf.result", TEMPERROR), W("spf.temperror", TEMPERROR) },
	  { "spf.none", "spf.record" } },
	{ "two records",
	  { "ex.t TXT v=spf1 -all", "ex.t TXT v=spf1 mx -all" }, NULL, NULL,
	  { W("spf.multiple_records", PERMERROR) }, { "spf.record" } },
	{ "syntax error in an include",
	  { "ex.t TXT v=spf1 include:p.t -all",
	    "p.t TXT v=spf1 ip4:192.0.2.0/33 -all" }, "192.0.2.1", NULL,
	  { W("spf.result", PERMERROR), W("spf.permerror.syntax", PERMERROR) },
	  { NULL } },
	{ "include without a record",
	  { "ex.t TXT v=spf1 include:gone.t -all" }, NULL, NULL,
	  { W("spf.include_missing", PERMERROR) }, { NULL } },
	{ "+all",
	  { "ex.t TXT v=spf1 mx +all", "ex.t MX 10 mx.ex.t",
	    "mx.ex.t A 192.0.2.1" }, NULL, NULL,
	  { W("spf.all_pass", FAIL) }, { "spf.all_fail" } },
	{ "an include that authorizes everyone",
	  { "ex.t TXT v=spf1 include:open.t -all", "open.t TXT v=spf1 +all" },
	  NULL, NULL, { W("spf.all_pass", FAIL), W("spf.all_fail", PASS) },
	  { NULL } },
	{ "?all", { "ex.t TXT v=spf1 a ?all", "ex.t A 192.0.2.1" }, NULL, NULL,
	  { W("spf.all_neutral", WARNING) }, { NULL } },
	{ "no all and no redirect",
	  { "ex.t TXT v=spf1 ip4:192.0.2.1" }, NULL, NULL,
	  { W("spf.no_all", WARNING) }, { NULL } },
	{ "the all of the redirect target decides",
	  { "ex.t TXT v=spf1 redirect=r.t", "r.t TXT v=spf1 ip4:192.0.2.1 "
	    "-all" }, NULL, NULL, { W("spf.all_fail", PASS) },
	  { "spf.no_all" } },
	{ "redirect beside all",
	  { "ex.t TXT v=spf1 -all redirect=r.t", "r.t TXT v=spf1 +all" },
	  NULL, NULL, { W("spf.redirect_ignored", INFO),
	  W("spf.all_fail", PASS) }, { "spf.all_pass" } },
	{ "ptr in the record and in an include",
	  { "ex.t TXT v=spf1 ptr include:p.t -all",
	    "p.t TXT v=spf1 ptr:p.t ~all" }, NULL, NULL,
	  { W("spf.ptr_used", WARNING), W("spf.ptr_used", INFO) }, { NULL } },
	{ "nine lookups: near the limit",
	  { "ex.t TXT v=spf1 a:n.t a:n.t a:n.t a:n.t a:n.t a:n.t a:n.t a:n.t "
	    "a:n.t -all", "n.t A 192.0.2.1" }, NULL, NULL,
	  { W("spf.lookup_count", WARNING) }, { "spf.lookup_limit" } },
	{ "over the limit",
	  { "ex.t TXT v=spf1 mx include:big.t -all", "ex.t MX 1 mx.t",
	    "big.t TXT v=spf1 a:n.t a:n.t a:n.t a:n.t a:n.t a:n.t a:n.t "
	    "a:n.t a:n.t a:n.t", "n.t A 192.0.2.1" }, NULL, NULL,
	  { W("spf.lookup_limit", PERMERROR) }, { "spf.lookup_count" } },
	{ "void lookups",
	  { "ex.t TXT v=spf1 a:gone.t -all" }, NULL, NULL,
	  { W("spf.void_lookup", WARNING) }, { "spf.void_limit" } },
	{ "too many void lookups",
	  { "ex.t TXT v=spf1 a:g1.t a:g2.t mx:g3.t -all" }, NULL, NULL,
	  { W("spf.void_limit", PERMERROR) }, { "spf.void_lookup" } },
	{ "too many MX records",
	  { "ex.t TXT v=spf1 mx -all", "ex.t MX 1 a.t", "ex.t MX 2 b.t",
	    "ex.t MX 3 c.t", "ex.t MX 4 d.t", "ex.t MX 5 e.t", "ex.t MX 6 f.t",
	    "ex.t MX 7 g.t", "ex.t MX 8 h.t", "ex.t MX 9 i.t", "ex.t MX 10 j.t",
	    "ex.t MX 11 k.t" }, NULL, NULL,
	  { W("spf.mx_limit", PERMERROR) }, { NULL } },
	{ "an include loop",
	  { "ex.t TXT v=spf1 include:a.t -all", "a.t TXT v=spf1 include:ex.t" },
	  NULL, NULL, { W("spf.include_loop", PERMERROR) }, { NULL } },
	{ "a lookup that fails in an a term",
	  { "ex.t TXT v=spf1 a:slow.t -all", "slow.t TIMEOUT *" }, NULL, NULL,
	  { W("spf.temperror", TEMPERROR) }, { NULL } },
	{ "targets that need the sender",
	  { "ex.t TXT v=spf1 exists:%{l}.u.t include:%{ir}.x.t -all" },
	  NULL, NULL, { W("spf.not_followed", INFO) }, { NULL } },
	{ "glued TXT strings",
	  { "ex.t TXT v=spf1 include:a.t|include:b.t -all",
	    "a.t TXT v=spf1 -all", "b.t TXT v=spf1 -all" }, NULL, NULL,
	  { W("spf.txt_split", WARNING) }, { NULL } },
	{ "a string boundary inside a term",
	  { "ex.t TXT v=spf1 ip4:192.0.|2.0/24 -all" }, NULL, NULL,
	  { W("spf.txt_split", INFO) }, { NULL } },
	{ "a clean split",
	  { "ex.t TXT v=spf1 ip4:192.0.2.0/24 | -all" }, NULL, NULL,
	  { W("spf.record", PASS) }, { "spf.txt_split" } },
	{ "a long answer",
	  { "ex.t TXT v=spf1 ip4:192.0.2.1 ip4:192.0.2.2 ip4:192.0.2.3 "
	    "ip4:192.0.2.4 ip4:192.0.2.5 ip4:192.0.2.6 ip4:192.0.2.7 "
	    "ip4:192.0.2.8 ip4:192.0.2.9 ip4:192.0.2.10 ip4:192.0.2.11 -all",
	    "ex.t TXT google-site-verification=0123456789abcdef0123456789abcd"
	    "ef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"
	    "ef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd"
	    "ef0123456789abcdef0123456789abcdef0123456789abcdef",
	    "ex.t TXT MS=ms0123456789012345678901234567890123456789012345678"
	    "9012345678901234567890123456789012345678901234567890123456789" },
	  NULL, NULL,
	  { W("spf.record_long", WARNING) }, { NULL } },
	{ "a draft is judged like a record",
	  { "p.t TXT v=spf1 ip4:198.51.100.0/24 -all" }, "198.51.100.9",
	  "v=spf1 include:p.t ?all",
	  { W("spf.result", PASS), W("spf.all_neutral", WARNING),
	    W("spf.record", PASS) }, { "spf.none" } },
	{ "a draft with a syntax error",
	  { NULL }, NULL, "v=spf1 a:192.0.2.1 -all",
	  { W("spf.permerror.syntax", PERMERROR) }, { "spf.record" } },
};

static struct spf_check *
run_case(struct memdns *m, const struct jcase *jc, struct finding_list *fl)
{
	struct spf_request req;
	struct spf_check *c;

	zone_load(m, jc->zone);
	memset(&req, 0, sizeof(req));
	req.domain = "ex.t";
	req.ip = jc->ip;
	req.record = jc->record;
	req.sender = "bob@ex.t";
	req.helo = "mail.ex.t";
	req.audit = true;
	c = zone_check(m, &req);
	memset(fl, 0, sizeof(*fl));
	spf_judge(c, fl);
	return c;
}

static bool
has(const struct finding_list *fl, const char *code,
    enum finding_status st)
{
	for (size_t i = 0; i < fl->n; i++)
		if (strcmp(fl->v[i]->code, code) == 0 &&
		    fl->v[i]->status == st)
			return true;
	return false;
}

static void
test_cases(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct jcase *jc = &cases[i];
		struct memdns *m = memdns_new();
		struct finding_list fl;
		struct spf_check *c = run_case(m, jc, &fl);

		for (size_t k = 0; k < MAXWANT && jc->want[k].code; k++)
			if (!has(&fl, jc->want[k].code, jc->want[k].status))
				fail_msg("%s: no %s (%s)", jc->name,
				    jc->want[k].code,
				    finding_status_name(jc->want[k].status));
		for (size_t k = 0; k < MAXWANT && jc->absent[k]; k++)
			if (finding_list_find(&fl, jc->absent[k]) != NULL)
				fail_msg("%s: unexpected %s", jc->name,
				    jc->absent[k]);
		/* Every finding is complete enough to render. */
		for (size_t k = 0; k < fl.n; k++) {
			const struct finding *f = fl.v[k];

			assert_non_null(f->title);
			assert_true(strncmp(f->code, "spf.", 4) == 0);
			assert_true(f->explanation != NULL &&
			    f->explanation[0] != '\0');
			assert_true(f->references.n > 0);
			if (f->status == FINDING_FAIL ||
			    f->status == FINDING_PERMERROR ||
			    f->status == FINDING_WARNING)
				if (f->remediation.n == 0 &&
				    strcmp(f->code, "spf.result") != 0)
					fail_msg("%s: %s has no remediation",
					    jc->name, f->code);
		}
		finding_list_clear(&fl);
		spf_check_free(c);
		memdns_free(m);
	}
}

static bool
any_line(const struct strvec *sv, const char *needle)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strstr(sv->v[i], needle) != NULL)
			return true;
	return false;
}

/* The lookup-limit finding names the include that tips the count and
 * tells how much flattening it saves. */
static void
test_tipping_include(void **state)
{
	static const struct jcase jc = {
		"tip",
		{ "ex.t TXT v=spf1 a mx include:small.t include:big.t -all",
		  "ex.t A 192.0.2.1", "ex.t MX 1 ex.t",
		  "small.t TXT v=spf1 a:n.t ~all",
		  "big.t TXT v=spf1 include:deep.t a:n.t a:n.t",
		  "deep.t TXT v=spf1 a:n.t a:n.t a:n.t a:n.t",
		  "n.t A 192.0.2.1" },
		NULL, NULL, { { NULL, 0 } }, { NULL },
	};
	struct memdns *m = memdns_new();
	struct finding_list fl;
	struct spf_check *c = run_case(m, &jc, &fl);
	const struct finding *f = finding_list_find(&fl, "spf.lookup_limit");

	/* a mx include:small (a) = 4, include:big = 5, include:deep = 6,
	 * its four a = 10, then big's a:n.t is the 11th. */
	assert_int_equal(c->audit_lookups, 12);
	assert_non_null(f);
	assert_true(any_line(&f->evidence, "include:big.t -> a:n.t"));
	assert_true(any_line(&f->evidence, "it tips over in \"include:big.t\""));
	assert_true(any_line(&f->remediation, "Flatten include:big.t"));
	assert_true(any_line(&f->remediation, "(8 lookups saved"));
	assert_true(any_line(&f->evidence, "include:big.t: 8 lookups"));
	finding_list_clear(&fl);
	spf_check_free(c);
	memdns_free(m);
}

static void
test_result_status(void **state)
{
	assert_int_equal(spf_result_status(SPF_RESULT_PASS), FINDING_PASS);
	assert_int_equal(spf_result_status(SPF_RESULT_FAIL), FINDING_FAIL);
	assert_int_equal(spf_result_status(SPF_RESULT_NONE), FINDING_FAIL);
	assert_int_equal(spf_result_status(SPF_RESULT_SOFTFAIL),
	    FINDING_WARNING);
	assert_int_equal(spf_result_status(SPF_RESULT_NEUTRAL),
	    FINDING_WARNING);
	assert_int_equal(spf_result_status(SPF_RESULT_TEMPERROR),
	    FINDING_TEMPERROR);
	assert_int_equal(spf_result_status(SPF_RESULT_PERMERROR),
	    FINDING_PERMERROR);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_tipping_include),
		cmocka_unit_test(test_result_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
