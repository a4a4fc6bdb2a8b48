/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for BIMI: the assertion record (https-only l= and a=, SVG,
 * declination, syntax), the DMARC prerequisite judged from a discovery,
 * and the lookups with the fallback to default._bimi.<org domain>, over
 * memdns.
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
#include "policy/bimi.h"

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

struct rec_case {
	const char		*text;
	bool			 is_bimi, valid, declined;
	enum bimi_format	 format;
	const char		*code;		/* expected, or NULL */
	enum finding_status	 st;
};

#define L	"l=https://example.com/logo.svg"
#define A	"a=https://example.com/vmc.pem"

static const struct rec_case cases[] = {
	{ "v=BIMI1; " L "; " A, true, true, false, BIMI_FMT_SVG,
	    "bimi.location", FINDING_PASS },
	{ "v=BIMI1; " L, true, true, false, BIMI_FMT_SVG,
	    "bimi.evidence_missing", FINDING_WARNING },
	{ "v=BIMI1; " L "; a=", true, true, false, BIMI_FMT_SVG,
	    "bimi.evidence_missing", FINDING_WARNING },
	{ "v=BIMI1; l=https://example.com/logo.svgz; " A, true, true, false,
	    BIMI_FMT_SVGZ, "bimi.location", FINDING_PASS },
	{ "v=BIMI1; l=https://example.com/logo.svg?v=2; " A, true, true,
	    false, BIMI_FMT_SVG, "bimi.location", FINDING_PASS },
	{ "v=BIMI1; l=https://example.com/logo; " A, true, true, false,
	    BIMI_FMT_UNKNOWN, "bimi.location_format", FINDING_WARNING },
	{ "v=BIMI1; l=https://example.com/logo.png; " A, true, false, false,
	    BIMI_FMT_OTHER_IMAGE, "bimi.location_invalid", FINDING_FAIL },
	{ "v=BIMI1; l=http://example.com/logo.svg; " A, true, false, false,
	    BIMI_FMT_SVG, "bimi.location_invalid", FINDING_FAIL },
	{ "v=BIMI1; l=https://a.com/1.svg,https://b.com/2.svg", true, false,
	    false, BIMI_FMT_SVG, "bimi.location_invalid", FINDING_FAIL },
	{ "v=BIMI1; " A, true, false, false, BIMI_FMT_NONE,
	    "bimi.location_invalid", FINDING_FAIL },
	{ "v=BIMI1; " L "; a=http://example.com/vmc.pem", true, false, false,
	    BIMI_FMT_SVG, "bimi.evidence_invalid", FINDING_FAIL },
	{ "v=BIMI1; " L "; a=https://example.com/vmc", true, true, false,
	    BIMI_FMT_SVG, "bimi.evidence_format", FINDING_INFO },
	{ "v=BIMI1; l=; a=;", true, true, true, BIMI_FMT_NONE,
	    "bimi.declined", FINDING_INFO },
	{ "v=BIMI1; l=", true, true, true, BIMI_FMT_NONE, "bimi.declined",
	    FINDING_INFO },
	{ "v=BIMI1; " L "; " A "; avp=brand; s=x", true, true, false,
	    BIMI_FMT_SVG, "bimi.tag_unknown", FINDING_INFO },
	{ "v=BIMI1; " L "; " A "; avp=logo", true, false, false,
	    BIMI_FMT_SVG, "bimi.syntax", FINDING_FAIL },
	{ "v=BIMI1; " L "; " A "; junk", true, false, false, BIMI_FMT_SVG,
	    "bimi.syntax", FINDING_FAIL },
	{ "v=bimi1; " L, false, false, false, BIMI_FMT_NONE, "bimi.not_bimi",
	    FINDING_FAIL },
	{ "V=BIMI1; " L, false, false, false, BIMI_FMT_NONE, "bimi.not_bimi",
	    FINDING_FAIL },
	{ L "; v=BIMI1", false, false, false, BIMI_FMT_NONE, "bimi.not_bimi",
	    FINDING_FAIL },
};

static void
test_records(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct rec_case *c = &cases[i];
		struct bimi_record r;
		struct finding_list fl = { 0 };
		const struct finding *f;

		note("case %zu: %s\n", i, c->text);
		assert_int_equal(bimi_record_parse(c->text, strlen(c->text),
		    &r), c->is_bimi);
		if (c->is_bimi) {
			assert_int_equal(r.valid, c->valid);
			assert_int_equal(r.declined, c->declined);
			assert_int_equal(r.format, c->format);
		}
		bimi_judge_record("example.com", "default._bimi.example.com",
		    &r, &fl);
		f = finding_list_find(&fl, c->code);
		assert_non_null(f);
		assert_int_equal(f->status, c->st);
		finding_list_clear(&fl);
		bimi_record_clear(&r);
	}
	bimi_record_clear(NULL);
}

static void
txt(struct memdns *m, const char *name, const char *text)
{
	const char *s[1] = { text };

	memdns_add_txt(m, name, s, 1);
}

static void
done_cb(struct bimi_check *b, void *arg)
{
	(void)b;
	(*(int *)arg)++;
}

static void
check(struct memdns *m, const char *domain, const char *selector,
    const char *draft, struct bimi_check *b, struct finding_list *fl)
{
	int calls = 0;

	assert_int_equal(bimi_check_start(memdns_lookup(m), &psl, domain,
	    selector, draft, draft ? strlen(draft) : 0, b, done_cb, &calls),
	    0);
	assert_int_equal(calls, 0);
	memdns_run(m);
	assert_int_equal(calls, 1);
	bimi_judge(b, fl);
	for (size_t i = 0; i < fl->n; i++)
		note("  %s %s: %s\n", finding_status_name(fl->v[i]->status),
		    fl->v[i]->code, fl->v[i]->title);
}

struct dmarc_case {
	const char		*dmarc;		/* at _dmarc.example.com */
	const char		*domain;
	const char		*code;
	enum finding_status	 st;
};

static const struct dmarc_case dcases[] = {
	{ "v=DMARC1; p=reject", "example.com", "bimi.dmarc_enforcing",
	    FINDING_PASS },
	{ "v=DMARC1; p=quarantine", "example.com", "bimi.dmarc_enforcing",
	    FINDING_PASS },
	{ "v=DMARC1; p=none", "example.com", "bimi.dmarc_not_enforcing",
	    FINDING_FAIL },
	{ "v=DMARC1; p=reject; sp=none", "example.com",
	    "bimi.dmarc_not_enforcing", FINDING_FAIL },
	{ "v=DMARC1; p=reject; sp=none", "mail.example.com",
	    "bimi.dmarc_not_enforcing", FINDING_FAIL },
	{ "v=DMARC1; p=none; sp=reject", "mail.example.com",
	    "bimi.dmarc_not_enforcing", FINDING_FAIL },
	{ "v=DMARC1; p=quarantine; pct=50", "example.com",
	    "bimi.dmarc_not_enforcing", FINDING_FAIL },
	{ "v=DMARC1; p=quarantine; pct=100", "example.com",
	    "bimi.dmarc_enforcing", FINDING_PASS },
	{ "v=DMARC1; p=quarantine; t=y", "example.com",
	    "bimi.dmarc_not_enforcing", FINDING_FAIL },
	{ "v=DMARC1; p=reject; t=y", "example.com", "bimi.dmarc_enforcing",
	    FINDING_PASS },
	{ "v=DMARC1; p=bogus", "example.com", "bimi.dmarc_missing",
	    FINDING_FAIL },
	{ NULL, "example.com", "bimi.dmarc_missing", FINDING_FAIL },
};

static void
test_dmarc_prerequisite(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(dcases) / sizeof(dcases[0]); i++) {
		struct memdns *m = memdns_new();
		struct bimi_check *b = calloc(1, sizeof(*b));
		struct finding_list fl = { 0 };
		const struct finding *f;
		char name[256];

		note("dmarc %zu: %s for %s\n", i, dcases[i].dmarc ?
		    dcases[i].dmarc : "(none)", dcases[i].domain);
		if (dcases[i].dmarc)
			txt(m, "_dmarc.example.com", dcases[i].dmarc);
		snprintf(name, sizeof(name), "default._bimi.%s",
		    dcases[i].domain);
		txt(m, name, "v=BIMI1; " L "; " A);
		check(m, dcases[i].domain, NULL, NULL, b, &fl);
		f = finding_list_find(&fl, dcases[i].code);
		assert_non_null(f);
		assert_int_equal(f->status, dcases[i].st);
		assert_non_null(finding_list_find(&fl, "bimi.record"));
		finding_list_clear(&fl);
		bimi_check_clear(b);
		free(b);
		memdns_free(m);
	}
}

static void
test_lookups(void **state)
{
	struct memdns *m = memdns_new();
	struct bimi_check *b = calloc(1, sizeof(*b));
	struct finding_list fl = { 0 };

	(void)state;
	/* A custom selector with no record falls back to default at the
	 * organizational domain. */
	txt(m, "_dmarc.example.com", "v=DMARC1; p=reject");
	txt(m, "default._bimi.example.com", "v=BIMI1; " L "; " A);
	check(m, "mail.example.com", "brand", NULL, b, &fl);
	assert_string_equal(b->primary.name, "brand._bimi.mail.example.com");
	assert_true(b->fallback.asked);
	assert_ptr_equal(b->record, &b->fallback.record);
	assert_string_equal(b->record_name, "default._bimi.example.com");
	assert_non_null(finding_list_find(&fl, "bimi.dmarc_enforcing"));
	finding_list_clear(&fl);
	bimi_check_clear(b);

	/* Nothing published: info only for BIMI, but DMARC is missing. */
	check(m, "other.net", NULL, NULL, b, &fl);
	assert_null(b->record);
	assert_non_null(finding_list_find(&fl, "bimi.none"));
	assert_non_null(finding_list_find(&fl, "bimi.dmarc_missing"));
	finding_list_clear(&fl);
	bimi_check_clear(b);

	/* Two records: both ignored. */
	txt(m, "default._bimi.two.com", "v=BIMI1; " L);
	txt(m, "default._bimi.two.com", "v=BIMI1; " L "; " A);
	check(m, "two.com", NULL, NULL, b, &fl);
	assert_non_null(finding_list_find(&fl, "bimi.multiple"));
	assert_null(b->record);
	finding_list_clear(&fl);
	bimi_check_clear(b);

	/* A timeout stays temperror. */
	memdns_set_outcome(m, "default._bimi.slow.com", 0, DNS_OUT_TIMEOUT);
	check(m, "slow.com", NULL, NULL, b, &fl);
	assert_non_null(finding_list_find(&fl, "bimi.temperror"));
	assert_null(finding_list_find(&fl, "bimi.none"));
	assert_false(b->fallback.asked);
	finding_list_clear(&fl);
	bimi_check_clear(b);

	memdns_set_outcome(m, "_dmarc.slowdmarc.com", 0, DNS_OUT_TIMEOUT);
	check(m, "slowdmarc.com", NULL, NULL, b, &fl);
	assert_non_null(finding_list_find(&fl, "bimi.dmarc_temperror"));
	finding_list_clear(&fl);
	bimi_check_clear(b);

	/* Draft mode: the record is the draft; DMARC is still looked up. */
	check(m, "example.com", NULL, "v=BIMI1; l=http://x.com/a.svg", b, &fl);
	assert_non_null(finding_list_find(&fl, "bimi.draft"));
	assert_non_null(finding_list_find(&fl, "bimi.location_invalid"));
	assert_non_null(finding_list_find(&fl, "bimi.dmarc_enforcing"));
	finding_list_clear(&fl);
	bimi_check_clear(b);

	{
		int calls = 0;

		assert_int_equal(bimi_check_start(memdns_lookup(m), &psl,
		    "example.com", "bad selector", NULL, 0, b, done_cb,
		    &calls), -1);
		assert_int_equal(bimi_check_start(memdns_lookup(m), &psl,
		    "..", NULL, NULL, 0, b, done_cb, &calls), -1);
		memdns_run(m);
		assert_int_equal(calls, 0);
	}
	bimi_check_clear(b);
	bimi_check_clear(NULL);
	free(b);
	memdns_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_dmarc_prerequisite),
		cmocka_unit_test(test_lookups),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
