/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the DMARC record: every tag valid and invalid, defaults,
 * the effective policies (including the RFC 9989 §4.10.1 fallback to
 * p=none), the suggested correction, and the finding codes the record
 * judgement gives. One table row per record.
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

#include "policy/dmarc.h"

/* Tag validity: which tag the row is about and whether it is valid. */
struct rec_case {
	const char		*text;
	bool			 is_dmarc;
	bool			 valid;
	enum dmarc_policy	 p, sp, np;
	int			 tag;		/* -1: none checked */
	bool			 tag_valid;
	const char		*codes;		/* codes expected, space-sep */
	const char		*absent;	/* codes not expected */
};

#define NONE	DMARC_POLICY_NONE
#define QUAR	DMARC_POLICY_QUARANTINE
#define REJ	DMARC_POLICY_REJECT

static const struct rec_case cases[] = {
	{ "v=DMARC1; p=reject; rua=mailto:d@example.com", true, true, REJ, REJ,
	    REJ, DMARC_TAG_P, true, "dmarc.policy", "dmarc.rua_missing "
	    "dmarc.tag_invalid dmarc.syntax" },
	{ "v=DMARC1; p=none", true, true, NONE, NONE, NONE, DMARC_TAG_P, true,
	    "dmarc.policy dmarc.rua_missing", NULL },
	{ "v=DMARC1;p=quarantine;sp=reject;np=reject", true, true, QUAR, REJ,
	    REJ, DMARC_TAG_NP, true, "dmarc.policy", "dmarc.subdomain_weaker" },
	{ "v=DMARC1; p=reject; sp=none", true, true, REJ, NONE, NONE,
	    DMARC_TAG_SP, true, "dmarc.subdomain_weaker", NULL },
	{ "v=DMARC1; p=reject; np=none", true, true, REJ, REJ, NONE,
	    DMARC_TAG_NP, true, "dmarc.np_weaker", NULL },
	{ "v=DMARC1; p=REJECT", true, true, REJ, REJ, REJ, DMARC_TAG_P, true,
	    NULL, NULL },
	{ "v=DMARC1; p=rejected; rua=mailto:a@b.com", true, false, NONE, NONE,
	    NONE, DMARC_TAG_P, false, "dmarc.tag_invalid dmarc.policy",
	    "dmarc.ignored" },
	{ "v=DMARC1; p=rejected", true, false, NONE, NONE, NONE, DMARC_TAG_P,
	    false, "dmarc.tag_invalid dmarc.ignored", NULL },
	{ "v=DMARC1; rua=mailto:a@b.com", true, true, NONE, NONE, NONE,
	    DMARC_TAG_P, true, "dmarc.p_missing", "dmarc.ignored" },
	{ "v=DMARC1; sp=bogus; p=reject; rua=mailto:a@b.com", true, false,
	    NONE, NONE, NONE, DMARC_TAG_SP, false, "dmarc.tag_invalid "
	    "dmarc.p_order", NULL },
	{ "v=DMARC1; p=reject; adkim=s; aspf=r", true, true, REJ, REJ, REJ,
	    DMARC_TAG_ADKIM, true, "dmarc.strict_alignment", NULL },
	{ "v=DMARC1; p=reject; adkim=x", true, false, REJ, REJ, REJ,
	    DMARC_TAG_ADKIM, false, "dmarc.tag_invalid", NULL },
	{ "v=DMARC1; p=reject; aspf=relaxed", true, false, REJ, REJ, REJ,
	    DMARC_TAG_ASPF, false, "dmarc.tag_invalid", NULL },
	{ "v=DMARC1; p=reject; pct=50", true, true, REJ, REJ, REJ,
	    DMARC_TAG_PCT, true, "dmarc.pct_partial dmarc.tag_obsolete", NULL },
	{ "v=DMARC1; p=reject; pct=0", true, true, REJ, REJ, REJ,
	    DMARC_TAG_PCT, true, "dmarc.pct_partial", NULL },
	{ "v=DMARC1; p=reject; pct=100", true, true, REJ, REJ, REJ,
	    DMARC_TAG_PCT, true, "dmarc.tag_obsolete", "dmarc.pct_partial" },
	{ "v=DMARC1; p=reject; pct=150", true, false, REJ, REJ, REJ,
	    DMARC_TAG_PCT, false, "dmarc.tag_invalid", NULL },
	{ "v=DMARC1; p=reject; pct=-1", true, false, REJ, REJ, REJ,
	    DMARC_TAG_PCT, false, NULL, NULL },
	{ "v=DMARC1; p=reject; pct=1000", true, false, REJ, REJ, REJ,
	    DMARC_TAG_PCT, false, NULL, NULL },
	{ "v=DMARC1; p=reject; fo=1:d:s; ruf=mailto:f@example.com", true, true,
	    REJ, REJ, REJ, DMARC_TAG_FO, true, NULL, "dmarc.fo_without_ruf" },
	{ "v=DMARC1; p=reject; fo=0:1", true, false, REJ, REJ, REJ,
	    DMARC_TAG_FO, false, "dmarc.tag_invalid", NULL },
	{ "v=DMARC1; p=reject; fo=d:d", true, false, REJ, REJ, REJ,
	    DMARC_TAG_FO, false, NULL, NULL },
	{ "v=DMARC1; p=reject; fo=2", true, false, REJ, REJ, REJ, DMARC_TAG_FO,
	    false, NULL, NULL },
	{ "v=DMARC1; p=reject; fo=1", true, true, REJ, REJ, REJ, DMARC_TAG_FO,
	    true, "dmarc.fo_without_ruf", NULL },
	{ "v=DMARC1; p=reject; rf=afrf", true, true, REJ, REJ, REJ,
	    DMARC_TAG_RF, true, "dmarc.tag_obsolete", NULL },
	{ "v=DMARC1; p=reject; rf=iodef", true, false, REJ, REJ, REJ,
	    DMARC_TAG_RF, false, NULL, NULL },
	{ "v=DMARC1; p=reject; ri=3600", true, true, REJ, REJ, REJ,
	    DMARC_TAG_RI, true, NULL, NULL },
	{ "v=DMARC1; p=reject; ri=99999999999", true, false, REJ, REJ, REJ,
	    DMARC_TAG_RI, false, NULL, NULL },
	{ "v=DMARC1; p=reject; ri=1h", true, false, REJ, REJ, REJ,
	    DMARC_TAG_RI, false, NULL, NULL },
	{ "v=DMARC1; p=reject; rua=d@example.com", true, false, REJ, REJ, REJ,
	    DMARC_TAG_RUA, false, "dmarc.uri_invalid", "dmarc.tag_invalid" },
	{ "v=DMARC1; p=reject; rua=https://r.example.com/x", true, true, REJ,
	    REJ, REJ, DMARC_TAG_RUA, true, "dmarc.uri_scheme", NULL },
	{ "v=DMARC1; p=reject; rua=mailto:a@b.com!10m,mailto:c@d.com,"
	    "mailto:e@f.com", true, true, REJ, REJ, REJ, DMARC_TAG_RUA, true,
	    "dmarc.uri_size dmarc.uri_many", NULL },
	{ "v=DMARC1; p=reject; ruf=mailto:bad", true, false, REJ, REJ, REJ,
	    DMARC_TAG_RUF, false, "dmarc.uri_invalid", NULL },
	{ "v=DMARC1; p=reject; t=y", true, true, REJ, REJ, REJ, DMARC_TAG_T,
	    true, "dmarc.testing", NULL },
	{ "v=DMARC1; p=reject; t=yes", true, false, REJ, REJ, REJ, DMARC_TAG_T,
	    false, NULL, NULL },
	{ "v=DMARC1; p=reject; psd=n", true, true, REJ, REJ, REJ,
	    DMARC_TAG_PSD, true, "dmarc.psd", NULL },
	{ "v=DMARC1; p=reject; psd=x", true, false, REJ, REJ, REJ,
	    DMARC_TAG_PSD, false, NULL, NULL },
	{ "v=DMARC1; p=reject; p=none", true, false, REJ, REJ, REJ, -1, false,
	    "dmarc.tag_duplicate", NULL },
	{ "v=DMARC1; p=reject; foo=bar; rue=mailto:a@b.com", true, true, REJ,
	    REJ, REJ, -1, false, "dmarc.tag_unknown", NULL },
	{ "v=DMARC1; p=reject;; x", true, false, REJ, REJ, REJ, -1, false,
	    "dmarc.syntax", NULL },
	{ "v=DMARC1; p=", true, false, NONE, NONE, NONE, DMARC_TAG_P, false,
	    "dmarc.ignored", NULL },
	{ "v = DMARC1 ; p = reject", true, true, REJ, REJ, REJ, -1, false,
	    NULL, NULL },
	{ "v=dmarc1; p=reject", false, false, NONE, NONE, NONE, -1, false,
	    "dmarc.not_dmarc", NULL },
	{ "v=DMARC1p=reject", false, false, NONE, NONE, NONE, -1, false,
	    "dmarc.not_dmarc", NULL },
	{ "p=reject; v=DMARC1", false, false, NONE, NONE, NONE, -1, false,
	    NULL, NULL },
	{ "v=spf1 -all", false, false, NONE, NONE, NONE, -1, false, NULL,
	    NULL },
	{ "", false, false, NONE, NONE, NONE, -1, false, NULL, NULL },
};

static bool
has_code(const struct finding_list *fl, const char *code)
{
	return finding_list_find(fl, code) != NULL;
}

static void
check_codes(const struct finding_list *fl, const char *list, bool want)
{
	char buf[256], *save = NULL;

	if (list == NULL)
		return;
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *c = strtok_r(buf, " ", &save); c;
	    c = strtok_r(NULL, " ", &save)) {
		if (has_code(fl, c) != want)
			note("code %s %s\n", c, want ? "missing" :
			    "unexpected");
		assert_int_equal(has_code(fl, c), want);
	}
}

static void
test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct rec_case *c = &cases[i];
		struct dmarc_record r;
		struct finding_list fl = { 0 };

		note("case %zu: %s\n", i, c->text);
		assert_int_equal(dmarc_record_parse(c->text, strlen(c->text),
		    &r), c->is_dmarc);
		assert_int_equal(dmarc_text_is_dmarc(c->text, strlen(c->text)),
		    c->is_dmarc);
		if (c->is_dmarc) {
			assert_int_equal(r.valid, c->valid);
			assert_int_equal(r.p, c->p);
			assert_int_equal(r.sp, c->sp);
			assert_int_equal(r.np, c->np);
			if (c->tag >= 0)
				assert_int_equal(r.tags[c->tag].valid,
				    c->tag_valid);
			/* Every tag shows a value or is an absent list. */
			for (int t = 0; t < DMARC_TAG_COUNT; t++)
				if (t != DMARC_TAG_RUA && t != DMARC_TAG_RUF)
					assert_non_null(r.tags[t].value);
		}
		dmarc_judge_record("example.com", "example.com", &r, &fl);
		check_codes(&fl, c->codes, true);
		check_codes(&fl, c->absent, false);
		for (size_t k = 0; k < fl.n; k++) {
			assert_non_null(fl.v[k]->title);
			assert_true(fl.v[k]->explanation[0] != '\0' ||
			    fl.v[k]->status == FINDING_PASS ||
			    strcmp(fl.v[k]->code, "dmarc.tag_unknown") == 0);
		}
		finding_list_clear(&fl);
		dmarc_record_clear(&r);
	}
}

static void
test_defaults(void **state)
{
	static const char *const want[DMARC_TAG_COUNT] = {
		"DMARC1", "reject", "quarantine", "quarantine", "r", "r", "100",
		"0", "afrf", "86400", NULL, NULL, "n", "u",
	};
	struct dmarc_record r;

	(void)state;
	dmarc_record_parse("v=DMARC1; p=reject; sp=quarantine", 33, &r);
	for (int t = 0; t < DMARC_TAG_COUNT; t++) {
		note("tag %s\n", dmarc_tag_name((enum dmarc_tag_id)t));
		if (want[t] == NULL)
			assert_null(r.tags[t].value);
		else
			assert_string_equal(r.tags[t].value, want[t]);
		assert_int_equal(r.tags[t].explicit, t <= DMARC_TAG_SP);
		assert_true(r.tags[t].valid);
	}
	assert_int_equal(r.adkim, 'r');
	assert_int_equal(r.pct, 100);
	assert_int_equal(r.ri, 86400);
	assert_int_equal(r.psd, 'u');
	dmarc_record_clear(&r);
	dmarc_record_clear(NULL);
	assert_string_equal(dmarc_policy_name(DMARC_POLICY_UNSET), "(unset)");
	assert_string_equal(dmarc_tag_name(DMARC_TAG_COUNT), "?");
}

struct sug_case {
	const char	*text;
	const char	*want;
};

static const struct sug_case sugs[] = {
	{ "v=DMARC1; p=rejected; rua=d@example.com; foo=1",
	    "v=DMARC1; p=reject; rua=mailto:d@example.com" },
	{ "v=DMARC1; p=quarentine; pct=150; adkim=s",
	    "v=DMARC1; p=quarantine; adkim=s; rua=mailto:r@example.com" },
	{ "v=DMARC1; sp=reject; t=y; ruf=mailto:f@example.com; fo=1",
	    "v=DMARC1; p=none; sp=reject; t=y; rua=mailto:r@example.com; "
	    "ruf=mailto:f@example.com; fo=1" },
};

static void
test_suggest(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(sugs) / sizeof(sugs[0]); i++) {
		struct dmarc_record r;
		char *s;

		dmarc_record_parse(sugs[i].text, strlen(sugs[i].text), &r);
		s = dmarc_record_suggest(&r, "mailto:r@example.com");
		assert_string_equal(s, sugs[i].want);
		/* The suggestion itself is a valid record. */
		{
			struct dmarc_record r2;

			assert_true(dmarc_record_parse(s, strlen(s), &r2));
			assert_true(r2.valid);
			dmarc_record_clear(&r2);
		}
		free(s);
		dmarc_record_clear(&r);
	}
}

static void
test_inherited_policy(void **state)
{
	struct dmarc_record r;
	struct finding_list fl = { 0 };
	const struct finding *f;

	(void)state;
	/* A subdomain under p=reject; sp=none gets none. */
	{
		const char *t = "v=DMARC1; p=reject; sp=none; "
		    "rua=mailto:d@example.com";

		dmarc_record_parse(t, strlen(t), &r);
	}
	dmarc_judge_record("mail.example.com", "example.com", &r, &fl);
	f = finding_list_find(&fl, "dmarc.policy");
	assert_non_null(f);
	assert_int_equal(f->status, FINDING_WARNING);
	assert_non_null(strstr(f->evidence.v[0], "sp"));
	finding_list_clear(&fl);
	dmarc_record_clear(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_inherited_policy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
