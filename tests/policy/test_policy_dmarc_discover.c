/* SPDX-License-Identifier: MIT */
/*
 * DMARC discovery over answers served from memory (memdns): a record at
 * the domain, only at the organizational domain, a walk over many labels
 * (the RFC 9989 shortcut), PSD records, tree walk against the PSL method,
 * several records, timeouts (which stay temperror), external report
 * authorization, and draft mode.
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

#include "memdns.h"
#include "policy/dmarc.h"

static struct orgdomain_psl psl;

static int
setup(void **state)
{
	const char *dir = getenv("POLICY_TEST_DIR");
	char path[1024], err[256];

	(void)state;
	snprintf(path, sizeof(path), "%s/psl_rules.dat", dir ? dir :
	    "tests/policy");
	return orgdomain_psl_open(&psl, path, err, sizeof(err)) ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	orgdomain_psl_close(&psl);
	return 0;
}

static void
txt(struct memdns *m, const char *name, const char *text)
{
	const char *s[1] = { text };

	memdns_add_txt(m, name, s, 1);
}

static void
done_cb(struct dmarc_discovery *d, void *arg)
{
	(void)d;
	(*(int *)arg)++;
}

/* Discover domain over m; the findings go to fl. */
static void
discover(struct memdns *m, const char *domain, const char *draft,
    struct dmarc_discovery *d, struct finding_list *fl)
{
	int calls = 0;

	assert_int_equal(dmarc_discover_start(memdns_lookup(m), &psl, domain,
	    draft, draft ? strlen(draft) : 0, d, done_cb, &calls), 0);
	assert_int_equal(calls, 0);	/* never from inside start() */
	memdns_run(m);
	assert_int_equal(calls, 1);
	dmarc_judge(d, fl);
	for (size_t i = 0; i < fl->n; i++)
		note("  %s %s: %s\n", finding_status_name(
		    fl->v[i]->status), fl->v[i]->code, fl->v[i]->title);
}

static const char *
level_domain(const struct dmarc_discovery *d, int level)
{
	return level >= 0 ? d->levels[level].domain : "(none)";
}

static void
test_at_domain(void **state)
{
	struct memdns *m = memdns_new();
	struct dmarc_discovery d;
	struct finding_list fl = { 0 };

	(void)state;
	txt(m, "_dmarc.example.com", "v=DMARC1; p=reject; "
	    "rua=mailto:d@example.com");
	txt(m, "_dmarc.example.com", "some other text");
	discover(m, "Example.COM.", NULL, &d, &fl);
	assert_string_equal(d.domain, "example.com");
	assert_int_equal(d.walk.result, DMARC_RESULT_FOUND);
	assert_int_equal(d.walk.policy_level, 0);
	assert_int_equal(d.psl.result, DMARC_RESULT_FOUND);
	assert_string_equal(d.walk.org_domain, "example.com");
	assert_string_equal(d.psl.org_domain, "example.com");
	assert_true(d.agree);
	assert_int_equal(d.applied, DMARC_POLICY_REJECT);
	assert_non_null(finding_list_find(&fl, "dmarc.record"));
	assert_non_null(finding_list_find(&fl, "dmarc.discovery_agree"));
	assert_null(finding_list_find(&fl, "dmarc.not_dmarc"));
	assert_int_equal(finding_list_worst(&fl), FINDING_PASS);
	finding_list_clear(&fl);
	dmarc_discovery_clear(&d);
	memdns_free(m);
}

static void
test_only_parent(void **state)
{
	struct memdns *m = memdns_new();
	struct dmarc_discovery d;
	struct finding_list fl = { 0 };

	(void)state;
	txt(m, "_dmarc.example.com", "v=DMARC1; p=reject; sp=quarantine; "
	    "rua=mailto:d@example.com");
	discover(m, "mail.example.com", NULL, &d, &fl);
	assert_int_equal(d.walk.result, DMARC_RESULT_FOUND);
	assert_string_equal(level_domain(&d, d.walk.policy_level),
	    "example.com");
	assert_string_equal(level_domain(&d, d.psl.policy_level),
	    "example.com");
	assert_string_equal(d.policy_domain, "example.com");
	assert_int_equal(d.applied, DMARC_POLICY_QUARANTINE);
	assert_string_equal(d.applied_tag, "sp");
	assert_true(d.agree);
	assert_non_null(finding_list_find(&fl, "dmarc.inherited"));
	/* The walk asked mail.example.com, example.com, com. */
	assert_int_equal(d.walk.nsteps, 3);
	assert_int_equal(d.psl.nsteps, 2);
	finding_list_clear(&fl);
	dmarc_discovery_clear(&d);
	memdns_free(m);
}

static void
test_many_labels(void **state)
{
	struct memdns *m = memdns_new();
	struct dmarc_discovery d;
	struct finding_list fl = { 0 };

	(void)state;
	txt(m, "_dmarc.example.com", "v=DMARC1; p=reject; "
	    "rua=mailto:d@example.com");
	/* Skipped by the shortcut: never asked, never used. */
	txt(m, "_dmarc.c.d.e.f.g.h.i.example.com", "v=DMARC1; p=none; psd=n");
	discover(m, "a.b.c.d.e.f.g.h.i.example.com", NULL, &d, &fl);
	assert_int_equal(memdns_queries(m), 8);
	assert_int_equal(d.walk.nsteps, 8);
	assert_string_equal(d.levels[1].domain, "e.f.g.h.i.example.com");
	assert_string_equal(d.policy_domain, "example.com");
	assert_true(d.agree);
	assert_non_null(finding_list_find(&fl, "dmarc.walk_shortcut"));
	finding_list_clear(&fl);
	dmarc_discovery_clear(&d);
	memdns_free(m);
}

static void
test_disagree_psd_n(void **state)
{
	struct memdns *m = memdns_new();
	struct dmarc_discovery d;
	struct finding_list fl = { 0 };
	const struct finding *f;

	(void)state;
	txt(m, "_dmarc.dept.example.com", "v=DMARC1; p=reject; psd=n; "
	    "rua=mailto:d@example.com");
	txt(m, "_dmarc.example.com", "v=DMARC1; p=none; "
	    "rua=mailto:d@example.com");
	discover(m, "mail.dept.example.com", NULL, &d, &fl);
	assert_string_equal(d.walk.org_domain, "dept.example.com");
	assert_string_equal(level_domain(&d, d.walk.policy_level),
	    "dept.example.com");
	assert_string_equal(d.psl.org_domain, "example.com");
	assert_string_equal(level_domain(&d, d.psl.policy_level),
	    "example.com");
	assert_false(d.agree);
	assert_false(d.same_record);
	/* The walk stopped at the psd=n record: example.com not a step. */
	assert_int_equal(d.walk.nsteps, 2);
	f = finding_list_find(&fl, "dmarc.discovery_disagree");
	assert_non_null(f);
	assert_int_equal(f->status, FINDING_WARNING);
	assert_int_equal(d.applied, DMARC_POLICY_REJECT);
	finding_list_clear(&fl);
	dmarc_discovery_clear(&d);
	memdns_free(m);
}

static void
test_psd_y(void **state)
{
	struct memdns *m = memdns_new();
	struct dmarc_discovery d;
	struct finding_list fl = { 0 };

	(void)state;
	txt(m, "_dmarc.com", "v=DMARC1; p=reject; psd=y; "
	    "rua=mailto:d@registry.com");
	discover(m, "mail.example.com", NULL, &d, &fl);
	assert_int_equal(d.walk.result, DMARC_RESULT_FOUND);
	assert_true(d.walk.psd_policy);
	assert_string_equal(d.walk.org_domain, "example.com");
	assert_string_equal(d.policy_domain, "com");
	assert_int_equal(d.psl.result, DMARC_RESULT_NONE);
	assert_false(d.agree);
	assert_non_null(finding_list_find(&fl, "dmarc.discovery_disagree"));
	finding_list_clear(&fl);
	dmarc_discovery_clear(&d);
	memdns_free(m);
}

static void
test_intermediate_without_psd(void **state)
{
	struct memdns *m = memdns_new();
	struct dmarc_discovery d;
	struct finding_list fl = { 0 };

	(void)state;
	/* §4.10.2 example: records at mail.example.com and example.com;
	 * the org domain is the one with the fewest labels. */
	txt(m, "_dmarc.mail.example.com", "v=DMARC1; p=none");
	txt(m, "_dmarc.example.com", "v=DMARC1; p=reject");
	discover(m, "a.mail.example.com", NULL, &d, &fl);
	assert_string_equal(d.walk.org_domain, "example.com");
	assert_string_equal(d.policy_domain, "example.com");
	assert_true(d.agree);
	finding_list_clear(&fl);
	dmarc_discovery_clear(&d);
	memdns_free(m);
}

static void
test_timeout(void **state)
{
	struct memdns *m = memdns_new();
	struct dmarc_discovery d;
	struct finding_list fl = { 0 };

	(void)state;
	memdns_set_outcome(m, "_dmarc.example.com", DNS_T_TXT,
	    DNS_OUT_TIMEOUT);
	discover(m, "example.com", NULL, &d, &fl);
	assert_int_equal(d.walk.result, DMARC_RESULT_TEMPERROR);
	assert_int_equal(d.psl.result, DMARC_RESULT_TEMPERROR);
	assert_false(d.compared);
	assert_null(d.record);
	assert_non_null(finding_list_find(&fl, "dmarc.temperror"));
	assert_null(finding_list_find(&fl, "dmarc.none"));
	assert_int_equal(finding_list_worst(&fl), FINDING_TEMPERROR);
	finding_list_clear(&fl);
	dmarc_discovery_clear(&d);
	memdns_free(m);

	/* SERVFAIL at the parent: the subdomain's policy is unknown. */
	m = memdns_new();
	memdns_set_outcome(m, "_dmarc.example.com", 0, DNS_OUT_SERVFAIL);
	discover(m, "mail.example.com", NULL, &d, &fl);
	assert_int_equal(d.walk.result, DMARC_RESULT_TEMPERROR);
	assert_non_null(finding_list_find(&fl, "dmarc.temperror"));
	assert_null(finding_list_find(&fl, "dmarc.none"));
	finding_list_clear(&fl);
	dmarc_discovery_clear(&d);
	memdns_free(m);

	/* A record at the domain itself: a timeout above only makes the
	 * organizational domain uncertain. */
	m = memdns_new();
	txt(m, "_dmarc.mail.example.com", "v=DMARC1; p=reject");
	memdns_set_outcome(m, "_dmarc.example.com", DNS_T_TXT,
	    DNS_OUT_TIMEOUT);
	discover(m, "mail.example.com", NULL, &d, &fl);
	assert_int_equal(d.walk.result, DMARC_RESULT_FOUND);
	assert_true(d.walk.org_uncertain);
	assert_int_equal(d.psl.result, DMARC_RESULT_FOUND);
	assert_null(finding_list_find(&fl, "dmarc.temperror"));
	finding_list_clear(&fl);
	dmarc_discovery_clear(&d);
	memdns_free(m);
}

static void
test_multiple_and_none(void **state)
{
	struct memdns *m = memdns_new();
	struct dmarc_discovery d;
	struct finding_list fl = { 0 };
	const struct finding *f;

	(void)state;
	txt(m, "_dmarc.mail.example.com", "v=DMARC1; p=reject");
	txt(m, "_dmarc.mail.example.com", "v=DMARC1; p=none");
	txt(m, "_dmarc.example.com", "v=DMARC1; p=quarantine");
	discover(m, "mail.example.com", NULL, &d, &fl);
	/* RFC 9989 discards both and walks on; RFC 7489 stops. */
	assert_string_equal(d.policy_domain, "example.com");
	assert_int_equal(d.psl.result, DMARC_RESULT_NONE);
	assert_non_null(finding_list_find(&fl, "dmarc.multiple"));
	assert_non_null(finding_list_find(&fl, "dmarc.discovery_disagree"));
	finding_list_clear(&fl);
	dmarc_discovery_clear(&d);
	memdns_free(m);

	m = memdns_new();
	txt(m, "_dmarc.example.com", "v=spf1 -all");
	discover(m, "example.com", NULL, &d, &fl);
	f = finding_list_find(&fl, "dmarc.none");
	assert_non_null(f);
	assert_int_equal(f->status, FINDING_FAIL);
	assert_true(f->ntrips >= 1);
	assert_string_equal(f->trips[0].engine, "mailbox-providers");
	assert_non_null(strstr(f->remediation.v[0], "v=DMARC1; p=none"));
	assert_non_null(finding_list_find(&fl, "dmarc.not_dmarc"));
	assert_true(d.agree);
	finding_list_clear(&fl);
	dmarc_discovery_clear(&d);
	memdns_free(m);
}

static void
test_reports(void **state)
{
	struct memdns *m = memdns_new();
	struct dmarc_discovery d;
	struct finding_list fl = { 0 };
	int seen = 0;

	(void)state;
	txt(m, "_dmarc.example.com", "v=DMARC1; p=reject; "
	    "rua=mailto:d@reports.example.net,mailto:x@example.com,"
	    "mailto:m@missing.example.org; ruf=mailto:t@slow.example.org,"
	    "mailto:y@sub.example.com");
	txt(m, "example.com._report._dmarc.reports.example.net", "v=DMARC1;");
	txt(m, "example.com._report._dmarc.missing.example.org", "hello");
	memdns_set_outcome(m, "example.com._report._dmarc.slow.example.org",
	    DNS_T_TXT, DNS_OUT_TIMEOUT);
	discover(m, "example.com", NULL, &d, &fl);
	assert_int_equal(d.nreports, 5);
	for (size_t i = 0; i < d.nreports; i++) {
		const struct dmarc_report_check *rc = &d.reports[i];

		if (strcmp(rc->host, "reports.example.net") == 0) {
			assert_int_equal(rc->state, DMARC_AUTH_OK);
			seen |= 1;
		} else if (strcmp(rc->host, "missing.example.org") == 0) {
			assert_int_equal(rc->state, DMARC_AUTH_MISSING);
			seen |= 2;
		} else if (strcmp(rc->host, "slow.example.org") == 0) {
			assert_int_equal(rc->state, DMARC_AUTH_TEMPERROR);
			assert_true(rc->ruf);
			seen |= 4;
		} else {
			assert_int_equal(rc->state, DMARC_AUTH_INTERNAL);
			assert_null(rc->qname);
		}
	}
	assert_int_equal(seen, 7);
	assert_non_null(finding_list_find(&fl, "dmarc.report_authorized"));
	assert_non_null(finding_list_find(&fl, "dmarc.report_unauthorized"));
	assert_non_null(finding_list_find(&fl, "dmarc.report_temperror"));
	finding_list_clear(&fl);
	dmarc_discovery_clear(&d);
	memdns_free(m);
}

static void
test_draft_and_bad_name(void **state)
{
	struct memdns *m = memdns_new();
	struct dmarc_discovery d;
	struct finding_list fl = { 0 };
	int calls = 0;

	(void)state;
	txt(m, "_dmarc.example.com", "v=DMARC1; p=none");
	discover(m, "example.com", "v=DMARC1; p=reject; "
	    "rua=mailto:r@other.example.net", &d, &fl);
	assert_true(d.draft);
	assert_ptr_equal(d.record, &d.draft_record);
	assert_int_equal(d.applied, DMARC_POLICY_REJECT);
	assert_non_null(finding_list_find(&fl, "dmarc.draft"));
	assert_non_null(finding_list_find(&fl, "dmarc.report_unauthorized"));
	assert_null(finding_list_find(&fl, "dmarc.discovery_agree"));
	finding_list_clear(&fl);
	dmarc_discovery_clear(&d);

	discover(m, "example.com", "v=DMARC2; p=reject", &d, &fl);
	assert_null(d.record);
	assert_non_null(finding_list_find(&fl, "dmarc.not_dmarc"));
	finding_list_clear(&fl);
	dmarc_discovery_clear(&d);

	assert_int_equal(dmarc_discover_start(memdns_lookup(m), &psl,
	    "bad..name", NULL, 0, &d, done_cb, &calls), -1);
	assert_int_equal(dmarc_discover_start(memdns_lookup(m), &psl,
	    "ex ample.com", NULL, 0, &d, done_cb, &calls), -1);
	memdns_run(m);
	assert_int_equal(calls, 0);
	dmarc_discovery_clear(&d);
	dmarc_discovery_clear(NULL);
	memdns_free(m);
}

static void
test_no_psl(void **state)
{
	struct memdns *m = memdns_new();
	struct orgdomain_psl none;
	struct dmarc_discovery d;
	struct finding_list fl = { 0 };
	int calls = 0;

	(void)state;
	memset(&none, 0, sizeof(none));
	txt(m, "_dmarc.example.com", "v=DMARC1; p=reject");
	assert_int_equal(dmarc_discover_start(memdns_lookup(m), &none,
	    "example.com", NULL, 0, &d, done_cb, &calls), 0);
	memdns_run(m);
	dmarc_judge(&d, &fl);
	assert_int_equal(d.psl.result, DMARC_RESULT_UNAVAILABLE);
	assert_non_null(finding_list_find(&fl, "dmarc.psl_unavailable"));
	finding_list_clear(&fl);
	dmarc_discovery_clear(&d);
	memdns_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_at_domain),
		cmocka_unit_test(test_only_parent),
		cmocka_unit_test(test_many_labels),
		cmocka_unit_test(test_disagree_psd_n),
		cmocka_unit_test(test_psd_y),
		cmocka_unit_test(test_intermediate_without_psd),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_multiple_and_none),
		cmocka_unit_test(test_reports),
		cmocka_unit_test(test_draft_and_bad_name),
		cmocka_unit_test(test_no_psl),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
