/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for dnsbl/list.c: the built-in set, and a table of
 * configurations, good and bad, with the error each must give.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dnsbl/list.h"

static const struct dnsbl_list *
find(const struct dnsbl_set *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].id, id) == 0)
			return &s->v[i];
	fail_msg("no list %s", id);
	abort();
}

static void
test_defaults(void **state)
{
	struct dnsbl_set s = { 0 };
	const struct dnsbl_list *l;
	char kinds[32];

	dnsbl_set_defaults(&s);
	assert_true(s.n >= 9);
	l = find(&s, "spamhaus-zen");
	assert_non_null(l);
	assert_string_equal(l->zone, "zen.spamhaus.org");
	assert_int_equal(l->kinds, DNSBL_KIND_IP4 | DNSBL_KIND_IP6);
	assert_true(l->public_refused);
	assert_false(l->bitmask);
	dnsbl_kinds_format(l->kinds, kinds, sizeof(kinds));
	assert_string_equal(kinds, "ip4,ip6");
	l = find(&s, "spamhaus-dbl");
	assert_non_null(l);
	assert_int_equal(l->kinds, DNSBL_KIND_DOMAIN);
	assert_string_equal(l->test_listed, "dbltest.com");
	assert_null(l->test_unlisted);
	l = find(&s, "uribl");
	assert_non_null(l);
	assert_true(l->bitmask);
	assert_non_null(find(&s, "surbl"));
	assert_non_null(find(&s, "spamcop"));
	assert_non_null(find(&s, "barracuda"));
	assert_non_null(find(&s, "uceprotect-1"));
	assert_non_null(find(&s, "psbl"));
	assert_non_null(find(&s, "mailspike"));
	for (size_t i = 0; i < s.n; i++) {
		assert_non_null(s.v[i].name);
		assert_true(s.v[i].ncodes > 0);
	}
	/* Parsing the text again gives the same lists. */
	{
		struct dnsbl_set t = { 0 };
		char err[256];
		const char *txt = dnsbl_default_config();

		assert_int_equal(dnsbl_set_parse(&t, txt, strlen(txt), err,
		    sizeof(err)), 0);
		assert_int_equal(t.n, s.n);
		dnsbl_set_clear(&t);
	}
	dnsbl_set_clear(&s);
	dnsbl_set_clear(&s);
	dnsbl_set_clear(NULL);
}

static void
test_parse_good(void **state)
{
	static const char cfg[] =
	    "# comment\r\n"
	    "\n"
	    "list one one.bl.test ip4\n"
	    "  code 127.0.0.2 spam\n"
	    "  code 127.0.0.4-127.0.0.7   exploited host  \n"
	    "  refused 127.0.0.1 blocked\n"
	    "  url https://bl.test/\n"
	    "  trip spamassassin RCVD_IN_ONE\n"
	    "list two two.bl.test. domain,ip6\n"
	    "name Two\n"
	    "bit 2 black\n"
	    "bit 128 cracked\n"
	    "test-listed t.example\n"
	    "test-unlisted u.example\n"
	    "public-resolvers refused\n";
	struct dnsbl_set s = { 0 };
	char err[256];
	const struct dnsbl_list *l;

	assert_int_equal(dnsbl_set_parse(&s, cfg, sizeof(cfg) - 1, err,
	    sizeof(err)), 0);
	assert_int_equal(s.n, 2);
	l = &s.v[0];
	assert_string_equal(l->name, "one");	/* defaults to the id */
	assert_int_equal(l->ncodes, 3);
	assert_int_equal(l->codes[1].lo, 0x7f000004);
	assert_int_equal(l->codes[1].hi, 0x7f000007);
	assert_string_equal(l->codes[1].meaning, "exploited host");
	assert_int_equal(l->codes[2].kind, DNSBL_CODE_REFUSED);
	assert_string_equal(l->url, "https://bl.test/");
	assert_int_equal(l->ntrips, 1);
	assert_string_equal(l->trips[0].rule, "RCVD_IN_ONE");
	assert_false(l->public_refused);
	l = &s.v[1];
	assert_string_equal(l->zone, "two.bl.test");
	assert_int_equal(l->kinds, DNSBL_KIND_DOMAIN | DNSBL_KIND_IP6);
	assert_true(l->bitmask);
	assert_int_equal(l->codes[1].lo, 128);
	assert_string_equal(l->test_listed, "t.example");
	assert_string_equal(l->test_unlisted, "u.example");
	assert_true(l->public_refused);

	/* A second parse appends. */
	assert_int_equal(dnsbl_set_parse(&s, "list three x.test ip4\n", 22,
	    err, sizeof(err)), 0);
	assert_int_equal(s.n, 3);
	/* A failing parse keeps what was there. */
	assert_int_equal(dnsbl_set_parse(&s, "list four y.test ip4\nbogus\n",
	    27, err, sizeof(err)), -1);
	assert_int_equal(s.n, 3);
	dnsbl_set_clear(&s);
}

static void
test_parse_bad(void **state)
{
	static const struct {
		const char	*cfg;
		size_t		 len;	/* 0: strlen */
		const char	*err;	/* substring of the message */
	} cases[] = {
		{ "", 0, "no list" },
		{ "# only a comment\n", 0, "no list" },
		{ "code 127.0.0.2 x\n", 0, "line 1: \"code\" before any" },
		{ "list a\n", 0, "want: list ID ZONE KINDS" },
		{ "list a b.test ip4 extra\n", 0, "want: list" },
		{ "list A b.test ip4\n", 0, "bad list id" },
		{ "list a b_c.test ip4\n", 0, "bad zone" },
		{ "list a .test ip4\n", 0, "bad zone" },
		{ "list a b.test ip5\n", 0, "unknown kind" },
		{ "list a b.test ,\n", 0, "no kind" },
		{ "list a b.test ip4\nlist a c.test ip4\n", 0,
		  "line 2: list \"a\" defined twice" },
		{ "list a b.test ip4\ncode 127.0.0.300 x\n", 0, "bad address" },
		{ "list a b.test ip4\ncode 127.0.0.9-127.0.0.2 x\n", 0,
		  "bad address" },
		{ "list a b.test ip4\ncode 127.0.0.2\n", 0, "want: code" },
		{ "list a b.test ip4\nbit 3 x\n", 0, "bad bit" },
		{ "list a b.test ip4\nbit 256 x\n", 0, "bad bit" },
		{ "list a b.test ip4\nbit 0 x\n", 0, "bad bit" },
		{ "list a b.test ip4\nbit 2x x\n", 0, "bad bit" },
		{ "list a b.test ip4\nname\n", 0, "name needs a value" },
		{ "list a b.test ip4\nname x\nname y\n", 0, "name given twice" },
		{ "list a b.test ip4\nname \x01\n", 0, "not printable" },
		{ "list a b.test ip4\ntest-listed x.test\n", 0,
		  "for domain lists" },
		{ "list a b.test domain\ntest-listed bad_name\n", 0,
		  "bad test-listed" },
		{ "list a b.test domain\npublic-resolvers maybe\n", 0,
		  "public-resolvers" },
		{ "list a b.test ip4\ntrip x\n", 0, "want: trip" },
		{ "list a b.test ip4\nfoo bar\n", 0, "unknown directive" },
		{ "list a b.test ip4\nname a\0b\n", 27, "NUL" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dnsbl_set s = { 0 };
		char err[256] = "";
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].cfg);

		if (dnsbl_set_parse(&s, cases[i].cfg, len, err, sizeof(err)) !=
		    -1)
			fail_msg("case %zu parsed", i);
		if (strstr(err, cases[i].err) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err,
			    cases[i].err);
		assert_int_equal(s.n, 0);
		assert_null(s.v);
	}
}

static void
test_parse_limits(void **state)
{
	struct dnsbl_set s = { 0 };
	char err[256];
	char *buf = calloc(1, DNSBL_CONFIG_MAX + 64);
	size_t n = 0;

	assert_non_null(buf);
	/* An overlong line. */
	n = (size_t)snprintf(buf, 64, "list a b.test ip4\nname ");
	memset(buf + n, 'x', DNSBL_LINE_MAX);
	n += DNSBL_LINE_MAX;
	assert_int_equal(dnsbl_set_parse(&s, buf, n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "line 2: line too long"));
	/* Too many codes. */
	n = (size_t)snprintf(buf, 64, "list a b.test ip4\n");
	for (int i = 0; i <= DNSBL_CODES_MAX; i++)
		n += (size_t)snprintf(buf + n, 64, "code 127.0.0.%d x\n", i + 2);
	assert_int_equal(dnsbl_set_parse(&s, buf, n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "more than"));
	/* Too many lists. */
	n = 0;
	for (int i = 0; i <= DNSBL_LISTS_MAX; i++)
		n += (size_t)snprintf(buf + n, 64, "list l%d l%d.test ip4\n", i,
		    i);
	assert_int_equal(dnsbl_set_parse(&s, buf, n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "more than 64 lists"));
	/* Too large. */
	assert_int_equal(dnsbl_set_parse(&s, buf, DNSBL_CONFIG_MAX + 1, err,
	    sizeof(err)), -1);
	assert_int_equal(s.n, 0);
	free(buf);
}

static void
test_load(void **state)
{
	struct dnsbl_set s = { 0 };
	char err[512];
	const char *conf = getenv("DNSBL_WORLD_CONF");

	assert_non_null(conf);
	assert_int_equal(dnsbl_set_load(&s, conf, err, sizeof(err)), 0);
	assert_true(s.n >= 5);
	dnsbl_set_clear(&s);
	assert_int_equal(dnsbl_set_load(&s, "/nonexistent/x.conf", err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/x.conf"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
