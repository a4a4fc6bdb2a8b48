/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for net/query.c: a table of query strings and the
 * parameters (or the error) each must give, then the exact limits and
 * one over, query_get() and query_check_names().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net/query.h"

static const struct {
	const char	*raw;
	size_t		 len;		/* 0: strlen(raw) */
	const char	*want;		/* "name=value|..." shown decoded, or
					 * NULL for an error */
	const char	*err;		/* a piece the error must contain */
} rows[] = {
	/* pieces */
	{ "", 0, "", NULL },
	{ "target=mail.example.com&port=25&no_smtp=1", 0,
	    "target=mail.example.com|port=25|no_smtp=1", NULL },
	{ "a", 0, "a=", NULL },
	{ "a=", 0, "a=", NULL },
	{ "a=1&&b=2", 0, "a=1|b=2", NULL },
	{ "&a=1&", 0, "a=1", NULL },
	{ "&&&", 0, "", NULL },
	{ "a=b=c", 0, "a=b=c", NULL },
	{ "a=1;b=2", 0, "a=1;b=2", NULL },	/* ';' is no separator */
	/* decoding */
	{ "a=x+y", 0, "a=x y", NULL },
	{ "a=x%20y", 0, "a=x y", NULL },
	{ "a=%2B", 0, "a=+", NULL },
	{ "a=%2b%2F%2f", 0, "a=+//", NULL },
	{ "a=%26%3D", 0, "a=&=", NULL },
	{ "x%41y=1", 0, "xAy=1", NULL },
	{ "my+name=1", 0, "my name=1", NULL },
	{ "a=%C3%A9", 0, "a=\xc3\xa9", NULL },
	{ "a=\xc3\xa9", 0, "a=\xc3\xa9", NULL },
	{ "a=%F0%9F%93%AB", 0, "a=\xf0\x9f\x93\xab", NULL },
	{ "a=%7e", 0, "a=~", NULL },
	/* bad escapes */
	{ "a=%", 0, NULL, "%-escape" },
	{ "a=%4", 0, NULL, "%-escape" },
	{ "a=%4g", 0, NULL, "%-escape" },
	{ "a=%g4", 0, NULL, "%-escape" },
	{ "a=%%41", 0, NULL, "%-escape" },
	{ "a%=1", 0, NULL, "%-escape" },
	/* NUL and control bytes */
	{ "a=%00", 0, NULL, "NUL" },
	{ "a=x\0y", 5, NULL, "NUL" },
	{ "a=%0a", 0, NULL, "control byte 0x0a" },
	{ "a=%1F", 0, NULL, "control byte 0x1f" },
	{ "a=%7F", 0, NULL, "control byte 0x7f" },
	{ "a\tb=1", 0, NULL, "control byte 0x09 in the parameter name" },
	{ "a=\r", 0, NULL, "control byte 0x0d in the value of \"a\"" },
	/* UTF-8 */
	{ "a=%C3", 0, NULL, "UTF-8" },
	{ "a=%C3%28", 0, NULL, "UTF-8" },
	{ "a=%C0%AF", 0, NULL, "UTF-8" },		/* overlong '/' */
	{ "a=%E0%80%AF", 0, NULL, "UTF-8" },		/* overlong */
	{ "a=%ED%A0%80", 0, NULL, "UTF-8" },		/* surrogate */
	{ "a=%F4%90%80%80", 0, NULL, "UTF-8" },		/* > U+10FFFF */
	{ "a=%FF", 0, NULL, "UTF-8" },
	{ "a=%80", 0, NULL, "UTF-8" },
	{ "%E9=1", 0, NULL, "UTF-8 in the parameter name" },
	/* names */
	{ "=x", 0, NULL, "empty parameter name" },
	{ "=", 0, NULL, "empty parameter name" },
	{ "a=1&=2", 0, NULL, "empty parameter name" },
	{ "a=1&a=2", 0, NULL, "\"a\" given more than once" },
	{ "a&a", 0, NULL, "more than once" },
	{ "a=1&%61=2", 0, NULL, "more than once" },
	{ "a=1&A=2", 0, "a=1|A=2", NULL },	/* names are case-sensitive */
	{ "%0a=1", 0, NULL, "control byte" },
};

/* The parameters of q as "name=value|...". */
static void
show(const struct query *q, char *out, size_t outlen)
{
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < q->n; i++)
		o += (size_t)snprintf(out + o, outlen - o, "%s%s=%s",
		    i ? "|" : "", q->v[i].name, q->v[i].value);
}

static void
test_table(void **state)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct query q;
		char err[256] = "", got[1024];
		size_t len = rows[i].len ? rows[i].len : strlen(rows[i].raw);
		int rc = query_parse(rows[i].raw, len, &q, err, sizeof(err));

		if (rows[i].want == NULL) {
			if (rc != -1 || strstr(err, rows[i].err) == NULL)
				fail_msg("row %zu \"%s\": want an error with "
				    "\"%s\", got rc %d \"%s\"", i, rows[i].raw,
				    rows[i].err, rc, err);
			assert_int_equal(q.n, 0);
			for (const char *p = err; *p; p++)
				assert_true(*p >= 0x20 && *p <= 0x7e);
			continue;
		}
		if (rc != 0)
			fail_msg("row %zu \"%s\": %s", i, rows[i].raw, err);
		show(&q, got, sizeof(got));
		if (strcmp(got, rows[i].want) != 0)
			fail_msg("row %zu \"%s\": got \"%s\", want \"%s\"", i,
			    rows[i].raw, got, rows[i].want);
		query_clear(&q);
		assert_int_equal(q.n, 0);
	}
}

static void
test_limits(void **state)
{
	char raw[QUERY_MAX_BYTES + 64], err[256];
	struct query q;
	size_t o;

	/* The raw string: QUERY_MAX_BYTES fine, one more not. */
	memset(raw, 'a', sizeof(raw));
	memcpy(raw, "x=", 2);
	memset(raw + 2, '+', 510);	/* 510 spaces, within the value cap */
	raw[512] = '&';
	/* 1535 bytes left: "&" pieces are skipped, they cost nothing. */
	memset(raw + 513, '&', QUERY_MAX_BYTES - 513);
	assert_int_equal(query_parse(raw, QUERY_MAX_BYTES, &q, err,
	    sizeof(err)), 0);
	assert_int_equal(q.n, 1);
	assert_int_equal(strlen(query_get(&q, "x")), 510);
	query_clear(&q);
	assert_int_equal(query_parse(raw, QUERY_MAX_BYTES + 1, &q, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "longer than 2048"));
	assert_int_equal(q.n, 0);

	/* A value of QUERY_MAX_VALUE decoded bytes, then one more; the raw
	 * form may be longer (%XX) and still be within the cap. */
	memcpy(raw, "v=", 2);
	for (o = 0; o < QUERY_MAX_VALUE; o++)
		memcpy(raw + 2 + 3 * o, "%41", 3);
	assert_int_equal(query_parse(raw, 2 + 3 * o, &q, err, sizeof(err)), 0);
	assert_int_equal(strlen(query_get(&q, "v")), QUERY_MAX_VALUE);
	query_clear(&q);
	memcpy(raw + 2 + 3 * o, "%41", 3);
	assert_int_equal(query_parse(raw, 2 + 3 * (o + 1), &q, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "value of \"v\" is longer than 512"));

	/* The same cap on a name. */
	memset(raw, 'n', QUERY_MAX_VALUE + 1);
	assert_int_equal(query_parse(raw, QUERY_MAX_VALUE, &q, err,
	    sizeof(err)), 0);
	query_clear(&q);
	assert_int_equal(query_parse(raw, QUERY_MAX_VALUE + 1, &q, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "parameter name is longer"));

	/* QUERY_MAX_PARAMS parameters, then one more. */
	o = 0;
	for (int i = 0; i < QUERY_MAX_PARAMS + 1; i++)
		o += (size_t)sprintf(raw + o, "%sp%d=%d", i ? "&" : "", i, i);
	assert_int_equal(query_parse(raw, strrchr(raw, '&') - raw, &q, err,
	    sizeof(err)), 0);
	assert_int_equal(q.n, QUERY_MAX_PARAMS);
	assert_string_equal(query_get(&q, "p31"), "31");
	query_clear(&q);
	assert_int_equal(query_parse(raw, o, &q, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "more than 32 parameters"));
	assert_int_equal(q.n, 0);
}

static void
test_get_names(void **state)
{
	static const char *const allowed[] = { "target", "port", "no_smtp",
	    NULL };
	static const char *const none[] = { NULL };
	const char *raw = "target=mail.example.com&port=25&no_smtp";
	struct query q;
	char err[256];

	assert_int_equal(query_parse(raw, strlen(raw), &q, err, sizeof(err)),
	    0);
	assert_string_equal(query_get(&q, "target"), "mail.example.com");
	assert_string_equal(query_get(&q, "no_smtp"), "");
	assert_null(query_get(&q, "Port"));
	assert_int_equal(query_check_names(&q, allowed, err, sizeof(err)), 0);
	assert_int_equal(query_check_names(&q, none, err, sizeof(err)), -1);
	assert_string_equal(err, "unknown parameter \"target\"");
	query_clear(&q);

	raw = "target=x&evil%C3%A9=1";
	assert_int_equal(query_parse(raw, strlen(raw), &q, err, sizeof(err)),
	    0);
	assert_int_equal(query_check_names(&q, allowed, err, sizeof(err)), -1);
	assert_string_equal(err, "unknown parameter \"evil\\xc3\\xa9\"");
	query_clear(&q);
	query_clear(&q);	/* clearing an empty query is fine */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_get_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
