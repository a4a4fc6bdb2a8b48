/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the blacklist report (dnsbl/check.c, dnsbl/judge.c,
 * dnsbl/render.c) answered from memory: listings with reasons, lists that
 * refuse, fail or break their test entries, temporary failures that must
 * stay temporary, and the JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dnsbl/dnsbl.h"
#include "memdns.h"

static const char cfg[] =
    "list ok ok.bl.test ip4,ip6\n"
    "url https://ok.bl.test/\n"
    "code 127.0.0.2 spam source\n"
    "code 127.0.0.4 exploited\n"
    "trip spamassassin RCVD_IN_OK\n"
    "list dom dom.bl.test domain\n"
    "code 127.0.1.2 spam domain\n"
    "test-listed dbltest.com\n"
    "list refuse refuse.bl.test ip4\n"
    "public-resolvers refused\n"
    "list dead dead.bl.test ip4\n"
    "list all all.bl.test ip4\n"
    "list slow slow.bl.test ip4\n";

struct fixture {
	struct dnsbl_set	 set;
	struct memdns		*m;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];
	struct memdns *m;
	const char *txt[1];

	if (f == NULL || dnsbl_set_parse(&f->set, cfg, sizeof(cfg) - 1, err,
	    sizeof(err)) != 0)
		return -1;
	m = f->m = memdns_new();
	/* ok.bl.test: RFC 5782 test entries, two listings */
	memdns_add_a(m, "2.0.0.127.ok.bl.test", "127.0.0.2");
	memdns_add_a(m, "2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
	    "0.0.0.0.0.ok.bl.test", "127.0.0.2");
	memdns_add_a(m, "10.2.0.192.ok.bl.test", "127.0.0.2");
	memdns_add_a(m, "10.2.0.192.ok.bl.test", "127.0.0.4");
	txt[0] = "Listed \x01 because";
	memdns_add_txt(m, "10.2.0.192.ok.bl.test", txt, 1);
	memdns_add_a(m, "11.2.0.192.ok.bl.test", "127.255.255.255");
	/* dom.bl.test */
	memdns_add_a(m, "dbltest.com.dom.bl.test", "127.0.1.2");
	memdns_add_a(m, "spam.example.dom.bl.test", "127.0.1.2");
	/* refuse.bl.test answers everything with a refusal */
	memdns_add_a(m, "2.0.0.127.refuse.bl.test", "127.255.255.254");
	memdns_add_a(m, "1.0.0.127.refuse.bl.test", "127.255.255.254");
	memdns_add_a(m, "10.2.0.192.refuse.bl.test", "127.255.255.254");
	memdns_add_a(m, "1.2.0.192.refuse.bl.test", "127.255.255.254");
	/* dead.bl.test lists nothing; all.bl.test lists everything */
	memdns_add_a(m, "2.0.0.127.all.bl.test", "127.0.0.2");
	memdns_add_a(m, "1.0.0.127.all.bl.test", "127.0.0.2");
	memdns_add_a(m, "10.2.0.192.all.bl.test", "127.0.0.2");
	/* slow.bl.test times out on its test entry */
	memdns_set_outcome(m, "2.0.0.127.slow.bl.test", 0, DNS_OUT_TIMEOUT);
	memdns_add_a(m, "10.2.0.192.slow.bl.test", "127.0.0.2");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	memdns_free(f->m);
	dnsbl_set_clear(&f->set);
	free(f);
	return 0;
}

static void
on_done(struct dnsbl_report *rep, void *arg)
{
	(void)rep;
	(*(int *)arg)++;
}

static struct dnsbl_report *
run(struct fixture *f, const char *const *targets, size_t n)
{
	char err[256];
	int calls = 0;
	struct dnsbl_report *rep = dnsbl_report_new(&f->set, targets, n, err,
	    sizeof(err));

	assert_non_null(rep);
	dnsbl_report_lookup(rep, memdns_lookup(f->m), on_done, &calls);
	assert_int_equal(calls, 0);
	memdns_run(f->m);
	assert_int_equal(calls, 1);
	return rep;
}

static void
codes_of(const struct finding_list *fl, char *out, size_t outlen)
{
	size_t off = 0;

	out[0] = '\0';
	for (size_t i = 0; i < fl->n && off < outlen; i++)
		off += (size_t)snprintf(out + off, outlen - off, "%s%s=%s",
		    i ? "," : "", fl->v[i]->code,
		    finding_status_name(fl->v[i]->status));
}

static const struct dnsbl_result *
result(const struct dnsbl_report *rep, size_t t, const char *id)
{
	const struct dnsbl_target *tg = &rep->targets[t];

	for (size_t k = 0; k < tg->nresults; k++)
		if (strcmp(rep->set->v[tg->results[k].list].id, id) == 0)
			return &tg->results[k];
	return NULL;
}

static void
test_lists_trust(void **state)
{
	struct fixture *f = *state;
	const char *targets[] = { "192.0.2.10", "192.0.2.1", "192.0.2.11" };
	struct dnsbl_report *rep = run(f, targets, 3);
	char got[512];

	/* 5 IPv4 lists x 2 test entries + 5 x 3 targets + the TXT reasons
	 * of the three listings seen (asked before the lists' trust is
	 * known, so as not to wait for it). */
	assert_int_equal(memdns_queries(f->m), 10 + 15 + 3);
	assert_int_equal(rep->lists[0].fam[DNSBL_FAM_IP4].trust,
	    DNSBL_TRUST_OK);
	assert_false(rep->lists[0].fam[DNSBL_FAM_IP6].used);
	assert_false(rep->lists[1].fam[DNSBL_FAM_DOMAIN].used);
	assert_int_equal(rep->lists[2].fam[DNSBL_FAM_IP4].trust,
	    DNSBL_TRUST_REFUSED);
	assert_int_equal(rep->lists[3].fam[DNSBL_FAM_IP4].trust,
	    DNSBL_TRUST_FAILED);
	assert_int_equal(rep->lists[4].fam[DNSBL_FAM_IP4].trust,
	    DNSBL_TRUST_FAILED);
	assert_int_equal(rep->lists[5].fam[DNSBL_FAM_IP4].trust,
	    DNSBL_TRUST_TEMPERROR);
	codes_of(&rep->lists[0].findings, got, sizeof(got));
	assert_string_equal(got, "");
	codes_of(&rep->lists[2].findings, got, sizeof(got));
	assert_string_equal(got, "bl.list_refused=skipped");
	/* The public-resolver advice for a list that says it refuses them. */
	assert_non_null(strstr(rep->lists[2].findings.v[0]->remediation.v[0],
	    "public resolvers"));
	codes_of(&rep->lists[3].findings, got, sizeof(got));
	assert_string_equal(got, "bl.list_failed=skipped");
	assert_non_null(strstr(rep->lists[3].findings.v[0]->title,
	    "must list is not listed"));
	codes_of(&rep->lists[4].findings, got, sizeof(got));
	assert_string_equal(got, "bl.list_failed=skipped");
	assert_non_null(strstr(rep->lists[4].findings.v[0]->title,
	    "for everything"));
	codes_of(&rep->lists[5].findings, got, sizeof(got));
	assert_string_equal(got, "bl.list_temperror=temperror");

	/* 192.0.2.10: listed on ok (with its reason, escaped); the listing
	 * on all.bl.test is not believed, the refusal is not a listing,
	 * and slow.bl.test's listing could not be verified: temperror. */
	codes_of(&rep->targets[0].findings, got, sizeof(got));
	assert_string_equal(got, "bl.listed=fail,bl.unchecked=temperror");
	assert_int_equal(result(rep, 0, "ok")->verdict, DNSBL_LISTED);
	assert_string_equal(result(rep, 0, "ok")->probe.txt,
	    "Listed \\x01 because");
	assert_int_equal(result(rep, 0, "refuse")->verdict, DNSBL_REFUSED);
	assert_int_equal(result(rep, 0, "dead")->verdict, DNSBL_SKIPPED);
	assert_int_equal(result(rep, 0, "all")->verdict, DNSBL_SKIPPED);
	assert_int_equal(result(rep, 0, "slow")->verdict, DNSBL_TEMPERROR);
	assert_non_null(strstr(rep->targets[0].findings.v[0]->title,
	    "spam source; exploited"));
	assert_int_equal(rep->targets[0].status, FINDING_TEMPERROR);
	{
		const struct finding *fd = rep->targets[0].findings.v[0];
		bool sa = false;

		for (size_t i = 0; i < fd->ntrips; i++)
			if (strcmp(fd->trips[i].rule, "RCVD_IN_OK") == 0)
				sa = true;
		assert_true(sa);
		assert_non_null(strstr(fd->trips[0].effect,
		    "[192.0.2.10] blocked using ok.bl.test"));
	}
	/* 192.0.2.1: clean on the one trusted list. */
	codes_of(&rep->targets[1].findings, got, sizeof(got));
	assert_string_equal(got, "bl.not_listed=pass,bl.unchecked=temperror");
	/* 192.0.2.11: ok.bl.test refused this one query (rate limit
	 * mid-run): not a listing. */
	assert_int_equal(result(rep, 2, "ok")->verdict, DNSBL_REFUSED);
	codes_of(&rep->targets[2].findings, got, sizeof(got));
	assert_string_equal(got, "bl.unchecked=temperror");
	dnsbl_report_free(rep);
}

/* The test entries asked once, then lent: a report that adopts them asks
 * only its target's queries, and judges exactly as one that asked all. */
static void
test_adopt_tests(void **state)
{
	struct fixture *f = *state;
	const char *targets[] = { "192.0.2.10" };
	struct dnsbl_report *tests, *rep, *full;
	char err[256], got[256], want[256];
	int calls = 0;
	size_t before;

	tests = dnsbl_report_tests_new(&f->set, DNSBL_KIND_IP4);
	dnsbl_report_lookup(tests, memdns_lookup(f->m), on_done, &calls);
	memdns_run(f->m);
	assert_int_equal(calls, 1);
	assert_int_equal(memdns_queries(f->m), 10);	/* 5 lists x 2 */
	assert_int_equal(tests->lists[0].fam[DNSBL_FAM_IP4].trust,
	    DNSBL_TRUST_OK);
	assert_int_equal(tests->lists[2].fam[DNSBL_FAM_IP4].trust,
	    DNSBL_TRUST_REFUSED);

	rep = dnsbl_report_new(&f->set, targets, 1, err, sizeof(err));
	assert_non_null(rep);
	dnsbl_report_adopt_tests(rep, tests);
	before = memdns_queries(f->m);
	dnsbl_report_lookup(rep, memdns_lookup(f->m), on_done, &calls);
	memdns_run(f->m);
	assert_int_equal(calls, 2);
	/* 5 target queries and the TXT reason of the listings: no test. */
	assert_int_equal(memdns_queries(f->m) - before, 5 + 3);

	full = run(f, targets, 1);
	codes_of(&rep->targets[0].findings, got, sizeof(got));
	codes_of(&full->targets[0].findings, want, sizeof(want));
	assert_string_equal(got, want);
	for (size_t l = 0; l < f->set.n; l++)
		assert_int_equal(rep->lists[l].fam[DNSBL_FAM_IP4].trust,
		    full->lists[l].fam[DNSBL_FAM_IP4].trust);
	dnsbl_report_free(full);
	dnsbl_report_free(rep);
	dnsbl_report_free(tests);
}

static void
test_domains_and_v6(void **state)
{
	struct fixture *f = *state;
	const char *targets[] = { "spam.example", "Clean.Example.",
	    "::ffff:192.0.2.10", "2001:db8::1" };
	struct dnsbl_report *rep = run(f, targets, 4);
	char got[512];

	assert_int_equal(rep->targets[0].fam, DNSBL_FAM_DOMAIN);
	assert_int_equal(rep->lists[1].fam[DNSBL_FAM_DOMAIN].trust,
	    DNSBL_TRUST_OK);
	assert_int_equal(rep->lists[0].fam[DNSBL_FAM_IP6].trust,
	    DNSBL_TRUST_OK);
	codes_of(&rep->targets[0].findings, got, sizeof(got));
	assert_string_equal(got, "bl.listed=fail");
	assert_string_equal(result(rep, 0, "dom")->probe.qname,
	    "spam.example.dom.bl.test");
	codes_of(&rep->targets[1].findings, got, sizeof(got));
	assert_string_equal(got, "bl.not_listed=pass");
	assert_string_equal(result(rep, 1, "dom")->probe.qname,
	    "Clean.Example.dom.bl.test");
	/* A v4-mapped address is checked as the IPv4 address it maps. */
	assert_int_equal(rep->targets[2].fam, DNSBL_FAM_IP4);
	assert_string_equal(result(rep, 2, "ok")->probe.qname,
	    "10.2.0.192.ok.bl.test");
	assert_int_equal(result(rep, 2, "ok")->verdict, DNSBL_LISTED);
	/* Only ok.bl.test holds IPv6. */
	assert_int_equal(rep->targets[3].fam, DNSBL_FAM_IP6);
	assert_int_equal(rep->targets[3].nresults, 1);
	codes_of(&rep->targets[3].findings, got, sizeof(got));
	assert_string_equal(got, "bl.not_listed=pass");
	dnsbl_report_free(rep);
}

static void
test_no_lists(void **state)
{
	struct dnsbl_set s = { 0 };
	char err[256];
	const char *targets[] = { "example.com" };
	struct dnsbl_report *rep;
	int calls = 0;
	struct memdns *m = memdns_new();
	char got[256];

	assert_int_equal(dnsbl_set_parse(&s, "list a a.test ip4\n", 18, err,
	    sizeof(err)), 0);
	rep = dnsbl_report_new(&s, targets, 1, err, sizeof(err));
	assert_non_null(rep);
	dnsbl_report_lookup(rep, memdns_lookup(m), on_done, &calls);
	memdns_run(m);
	assert_int_equal(calls, 1);
	assert_int_equal(memdns_queries(m), 0);
	codes_of(&rep->targets[0].findings, got, sizeof(got));
	assert_string_equal(got, "bl.no_lists=skipped");
	dnsbl_report_free(rep);
	memdns_free(m);
	dnsbl_set_clear(&s);
}

static void
test_bad_targets(void **state)
{
	struct fixture *f = *state;
	char err[256];
	const char *bad1[] = { "192.0.2.1", "not a name" };
	const char *bad2[] = { "under_score.example" };
	const char *bad3[] = { "" };

	assert_null(dnsbl_report_new(&f->set, bad1, 2, err, sizeof(err)));
	assert_non_null(strstr(err, "not a name"));
	assert_null(dnsbl_report_new(&f->set, bad2, 1, err, sizeof(err)));
	assert_null(dnsbl_report_new(&f->set, bad3, 1, err, sizeof(err)));
	assert_null(dnsbl_report_new(&f->set, bad3, DNSBL_TARGETS_MAX + 1, err,
	    sizeof(err)));
	dnsbl_report_free(NULL);
}

static void
test_json(void **state)
{
	struct fixture *f = *state;
	const char *targets[] = { "192.0.2.10", "spam.example" };
	struct dnsbl_report *rep = run(f, targets, 2);
	json_t *j = dnsbl_report_json(rep), *t0, *lists, *r0;

	assert_non_null(j);
	lists = json_object_get(j, "lists");
	assert_int_equal(json_array_size(lists), f->set.n);
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    json_object_get(json_array_get(lists, 2), "tests"), "ipv4"),
	    "trust")), "refused");
	assert_true(json_is_true(json_object_get(json_array_get(lists, 2),
	    "refuses_public_resolvers")));
	t0 = json_array_get(json_object_get(j, "targets"), 0);
	assert_string_equal(json_string_value(json_object_get(t0, "kind")),
	    "ipv4");
	assert_true(json_is_true(json_object_get(t0, "listed")));
	r0 = json_array_get(json_object_get(t0, "results"), 0);
	assert_string_equal(json_string_value(json_object_get(r0, "verdict")),
	    "listed");
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(json_object_get(r0, "query"), "answers"), 1),
	    "meaning")), "exploited");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j,
	    "summary"), "listed_targets")), 2);
	json_decref(j);
	dnsbl_report_free(rep);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lists_trust, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_adopt_tests, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_domains_and_v6, setup,
		    teardown),
		cmocka_unit_test(test_no_lists),
		cmocka_unit_test_setup_teardown(test_bad_targets, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_json, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
