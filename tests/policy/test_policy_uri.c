/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for report and resource URIs: mailto: addresses, https: URLs,
 * DMARC's "!size" suffix, the missing-scheme mistake, bad characters and
 * lists.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

/* Diagnostics as TAP comments, so the harness ignores them. */
#define note(...)	do { fputs("# ", stdout); printf(__VA_ARGS__); } while (0)

#include "policy/uri.h"

struct uri_case {
	const char		*in;
	unsigned		 flags;
	bool			 valid;
	enum policy_uri_scheme	 scheme;
	const char		*host;		/* NULL: not checked */
	bool			 has_size;
	unsigned long long	 size;
	const char		*suggestion;
};

#define SZ	POLICY_URI_F_SIZE

static const struct uri_case cases[] = {
	{ "mailto:dmarc@example.com", SZ, true, POLICY_URI_MAILTO,
	    "example.com", false, 0, NULL },
	{ "MAILTO:d@Example.COM", SZ, true, POLICY_URI_MAILTO, "example.com",
	    false, 0, NULL },
	{ "mailto:d@example.com!10m", SZ, true, POLICY_URI_MAILTO,
	    "example.com", true, 10ULL << 20, NULL },
	{ "mailto:d@example.com!500", SZ, true, POLICY_URI_MAILTO,
	    "example.com", true, 500, NULL },
	{ "mailto:d@example.com!", SZ, false, POLICY_URI_NONE, NULL, false, 0,
	    NULL },
	{ "mailto:d@example.com!10x", SZ, false, POLICY_URI_NONE, NULL, false,
	    0, NULL },
	{ "mailto:d!x@example.com", 0, true, POLICY_URI_MAILTO, "example.com",
	    false, 0, NULL },
	{ "mailto:a%40b@example.com", SZ, true, POLICY_URI_MAILTO,
	    "example.com", false, 0, NULL },
	{ "mailto:a%4@example.com", SZ, false, POLICY_URI_NONE, NULL, false,
	    0, NULL },
	{ "dmarc@example.com", SZ, false, POLICY_URI_NONE, NULL, false, 0,
	    "mailto:dmarc@example.com" },
	{ "example.com", SZ, false, POLICY_URI_NONE, NULL, false, 0, NULL },
	{ "mailto:example.com", SZ, false, POLICY_URI_MAILTO, NULL, false, 0,
	    NULL },
	{ "mailto:@example.com", SZ, false, POLICY_URI_MAILTO, NULL, false, 0,
	    NULL },
	{ "mailto:a@b@example.com", SZ, false, POLICY_URI_MAILTO, NULL, false,
	    0, NULL },
	{ "mailto:a@-bad.example", SZ, false, POLICY_URI_MAILTO, NULL, false,
	    0, NULL },
	{ "mailto:a@exa mple.com", SZ, false, POLICY_URI_NONE, NULL, false, 0,
	    NULL },
	{ "mailto:a@example.com?subject=x", SZ, true, POLICY_URI_MAILTO,
	    "example.com", false, 0, NULL },
	{ "https://example.com/logo.svg", 0, true, POLICY_URI_HTTPS,
	    "example.com", false, 0, NULL },
	{ "https://Example.com:8443/x?y=1", 0, true, POLICY_URI_HTTPS,
	    "example.com", false, 0, NULL },
	{ "https://example.com:0/", 0, false, POLICY_URI_HTTPS, NULL, false, 0,
	    NULL },
	{ "https://example.com:99999/", 0, false, POLICY_URI_HTTPS, NULL,
	    false, 0, NULL },
	{ "https://user@example.com/", 0, false, POLICY_URI_HTTPS, NULL, false,
	    0, NULL },
	{ "https:example.com", 0, false, POLICY_URI_HTTPS, NULL, false, 0,
	    NULL },
	{ "https:///path", 0, false, POLICY_URI_HTTPS, NULL, false, 0, NULL },
	{ "http://example.com/", 0, true, POLICY_URI_HTTP, "example.com",
	    false, 0, NULL },
	{ "ftp://example.com/", 0, true, POLICY_URI_OTHER, NULL, false, 0,
	    NULL },
	{ "", 0, false, POLICY_URI_NONE, NULL, false, 0, NULL },
	{ "mailto:\x7f@example.com", 0, false, POLICY_URI_NONE, NULL, false, 0,
	    NULL },
};

static void
test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct uri_case *c = &cases[i];
		struct policy_uri u;

		note("case %zu: %s\n", i, c->in);
		assert_int_equal(policy_uri_parse(c->in, strlen(c->in),
		    c->flags, &u), c->valid);
		assert_int_equal(u.valid, c->valid);
		if (c->valid || c->scheme != POLICY_URI_NONE)
			assert_int_equal(u.scheme, c->scheme);
		if (!c->valid)
			assert_non_null(u.error);
		if (c->host)
			assert_string_equal(u.host, c->host);
		assert_int_equal(u.has_size, c->has_size);
		if (c->has_size)
			assert_true(u.size == c->size);
		if (c->suggestion)
			assert_string_equal(u.suggestion, c->suggestion);
		assert_non_null(policy_uri_scheme_name(u.scheme));
		policy_uri_clear(&u);
	}
}

static void
test_long_and_lists(void **state)
{
	char big[POLICY_URI_MAX + 20];
	struct policy_uri u;
	struct policy_uri_list l;

	(void)state;
	memset(big, 'a', sizeof(big));
	memcpy(big, "mailto:x@", 9);
	assert_false(policy_uri_parse(big, sizeof(big), 0, &u));
	policy_uri_clear(&u);

	policy_uri_list_parse("mailto:a@x.com , mailto:b@y.com,,", 33, SZ, &l);
	assert_int_equal(l.n, 2);
	assert_true(l.empty_item);
	assert_string_equal(l.v[1].host, "y.com");
	policy_uri_list_clear(&l);
	{
		char many[1024] = "";

		for (int i = 0; i < 20; i++)
			strcat(many, "mailto:a@b.com,");
		policy_uri_list_parse(many, strlen(many), 0, &l);
		assert_int_equal(l.n, POLICY_URI_LIST_MAX);
		assert_true(l.truncated);
		policy_uri_list_clear(&l);
	}
	policy_uri_list_clear(NULL);
	policy_uri_clear(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_long_and_lists),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
