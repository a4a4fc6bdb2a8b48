/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for dkim/tags.c: the RFC 6376 §3.2 tag-list, as a table of
 * inputs (including NUL and 8-bit octets) with the status, the offset of
 * the error and the tags expected.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dkim/tags.h"

static void
test_tags_table(void **state)
{
	static const struct {
		const char		*in;
		size_t			 len;	/* 0: strlen(in) */
		enum dkim_tags_status	 st;
		size_t			 off;	/* error offset */
		const char		*want;	/* "name=value|..." */
	} cases[] = {
		{ "v=DKIM1; k=rsa; p=ABC", 0, DKIM_TAGS_OK, 0,
		  "v=DKIM1|k=rsa|p=ABC" },
		{ "", 0, DKIM_TAGS_OK, 0, "" },
		{ "   ", 0, DKIM_TAGS_OK, 0, "" },
		{ "p=", 0, DKIM_TAGS_OK, 0, "p=" },
		{ "v=DKIM1;", 0, DKIM_TAGS_OK, 0, "v=DKIM1" },
		{ "v=DKIM1;;p=x", 0, DKIM_TAGS_OK, 0, "v=DKIM1|p=x" },
		{ ";v=DKIM1", 0, DKIM_TAGS_OK, 0, "v=DKIM1" },
		/* FWS around names, '=' and values; inside values kept */
		{ " v = DKIM1 ;\tp = AB CD\r\n EF ", 0, DKIM_TAGS_OK, 0,
		  "v=DKIM1|p=AB CD\r\n EF" },
		{ "n=a=b", 0, DKIM_TAGS_OK, 0, "n=a=b" },
		{ "p=MIIB+/==", 0, DKIM_TAGS_OK, 0, "p=MIIB+/==" },
		{ "x_1=y", 0, DKIM_TAGS_OK, 0, "x_1=y" },
		{ "v=DKIM1; p", 0, DKIM_TAGS_NOEQUALS, 8, "v=DKIM1" },
		{ "=x", 0, DKIM_TAGS_BADNAME, 0, "" },
		{ "1a=x", 0, DKIM_TAGS_BADNAME, 0, "" },
		{ "_a=x", 0, DKIM_TAGS_BADNAME, 0, "" },
		{ "a-b=x", 0, DKIM_TAGS_BADNAME, 0, "" },
		{ "a b=x", 0, DKIM_TAGS_BADNAME, 0, "" },
		{ "abcdefghijabcdefghijabcdefghijabc=x", 0, DKIM_TAGS_BADNAME, 0,
		  "" },
		{ "abcdefghijabcdefghijabcdefghijab=x", 0, DKIM_TAGS_OK, 0,
		  "abcdefghijabcdefghijabcdefghijab=x" },
		{ "p=a\0b", 5, DKIM_TAGS_BADVALUE, 3, "" },
		{ "p=a\x7f", 0, DKIM_TAGS_BADVALUE, 3, "" },
		{ "p=\xc3\xa9", 0, DKIM_TAGS_BADVALUE, 2, "" },
		{ "p=a\x01", 0, DKIM_TAGS_BADVALUE, 3, "" },
		{ "k=rsa; k=rsa", 0, DKIM_TAGS_DUPLICATE, 7, "k=rsa" },
		/* names are case-sensitive: K and k are different tags */
		{ "k=rsa; K=rsa", 0, DKIM_TAGS_OK, 0, "k=rsa|K=rsa" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dkim_tag_list tl;
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
		size_t off = 99;
		enum dkim_tags_status st;
		char got[512];
		size_t g = 0;

		st = dkim_tags_parse(cases[i].in, len, &tl, &off);
		if (st != cases[i].st)
			fail_msg("case %zu (%s): status %d, want %d", i,
			    cases[i].in, st, cases[i].st);
		if (st != DKIM_TAGS_OK)
			assert_int_equal(off, cases[i].off);
		got[0] = '\0';
		for (size_t k = 0; k < tl.n; k++)
			g += (size_t)snprintf(got + g, sizeof(got) - g, "%s%s=%.*s",
			    k ? "|" : "", tl.v[k].name, (int)tl.v[k].len,
			    tl.v[k].value);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu (%s): got \"%s\", want \"%s\"", i,
			    cases[i].in, got, cases[i].want);
		assert_non_null(dkim_tags_strerror(st));
	}
}

static void
test_tags_limits(void **state)
{
	struct dkim_tag_list tl;
	char buf[DKIM_TAGS_TEXT_MAX + 2];
	size_t n = 0, off;

	/* DKIM_TAGS_MAX tags are fine, one more is not. */
	for (int i = 0; i < DKIM_TAGS_MAX; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "t%d=x;", i);
	assert_int_equal(dkim_tags_parse(buf, n, &tl, &off), DKIM_TAGS_OK);
	assert_int_equal(tl.n, DKIM_TAGS_MAX);
	n += (size_t)snprintf(buf + n, sizeof(buf) - n, "extra=y");
	assert_int_equal(dkim_tags_parse(buf, n, &tl, &off), DKIM_TAGS_TOOMANY);

	memset(buf, 'a', sizeof(buf));
	buf[0] = 'p';
	buf[1] = '=';
	assert_int_equal(dkim_tags_parse(buf, DKIM_TAGS_TEXT_MAX, &tl, NULL),
	    DKIM_TAGS_OK);
	assert_int_equal(dkim_tags_parse(buf, DKIM_TAGS_TEXT_MAX + 1, &tl,
	    NULL), DKIM_TAGS_TOOLONG);
}

static void
test_tags_lookup(void **state)
{
	struct dkim_tag_list tl;
	const char *rec = "v=DKIM1; k=RSA; p=AB";

	assert_int_equal(dkim_tags_parse(rec, strlen(rec), &tl, NULL),
	    DKIM_TAGS_OK);
	assert_non_null(dkim_tags_get(&tl, "k"));
	assert_null(dkim_tags_get(&tl, "K"));
	assert_null(dkim_tags_get(&tl, "h"));
	assert_false(dkim_tag_is(dkim_tags_get(&tl, "k"), "rsa"));
	assert_true(dkim_tag_is_nocase(dkim_tags_get(&tl, "k"), "rsa"));
	assert_false(dkim_tag_is_nocase(dkim_tags_get(&tl, "k"), "rs"));
	assert_true(dkim_tag_is(dkim_tags_get(&tl, "v"), "DKIM1"));
	assert_false(dkim_tag_is(NULL, "x"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tags_table),
		cmocka_unit_test(test_tags_limits),
		cmocka_unit_test(test_tags_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
