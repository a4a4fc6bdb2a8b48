/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for util.c: printable escaping (truncation included), name
 * comparison and the string vector.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "util/util.h"

static void
test_printable(void **state)
{
	static const struct {
		const char	*in;
		size_t		 inlen;
		size_t		 outsize;
		const char	*want;
	} cases[] = {
		{ "hello", 5, 64, "hello" },
		{ "a\0b", 3, 64, "a\\x00b" },
		{ "tab\there", 8, 64, "tab\\x09here" },
		{ "back\\slash", 10, 64, "back\\x5cslash" },
		{ "\xff\x80", 2, 64, "\\xff\\x80" },
		{ "", 0, 64, "" },
		{ "abcdefghij", 10, 8, "abcd..." },
		{ "abcdefg", 7, 8, "abcdefg" },
		{ "abcdefgh", 8, 8, "abcd..." },
		{ "\x01\x02\x03", 3, 8, "\\x01..." },
		{ "xyz", 3, 1, "" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[64];
		size_t n;

		memset(out, 'Z', sizeof(out));
		n = util_printable(out, cases[i].outsize, cases[i].in,
		    cases[i].inlen);
		assert_string_equal(out, cases[i].want);
		assert_int_equal(n, strlen(cases[i].want));
		assert_true(n < cases[i].outsize);
	}
}

static void
test_name_eq(void **state)
{
	static const struct {
		const char *a, *b;
		bool want;
	} cases[] = {
		{ "mail.example.com", "MAIL.Example.COM", true },
		{ "mail.example.com.", "mail.example.com", true },
		{ "mail.example.com", "mail.example.com.", true },
		{ "mail.example.com", "mail.example.co", false },
		{ "mail.example.com", "mail2.example.com", false },
		{ ".", ".", true },
		{ "a", "a.", true },
		{ "", "", true },
		{ "a..", "a.", false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(util_name_eq(cases[i].a, cases[i].b),
		    cases[i].want);
	assert_false(util_name_eq(NULL, "a"));
	assert_false(util_name_eq("a", NULL));
}

static void
test_strvec(void **state)
{
	struct strvec sv = { 0 };

	for (int i = 0; i < 100; i++)
		strvec_pushf(&sv, "host%d.example.com", i);
	assert_int_equal(sv.n, 100);
	assert_string_equal(sv.v[42], "host42.example.com");
	assert_true(strvec_contains_name(&sv, "HOST7.example.com."));
	assert_false(strvec_contains_name(&sv, "host100.example.com"));
	strvec_clear(&sv);
	assert_int_equal(sv.n, 0);
	assert_null(sv.v);
	strvec_clear(&sv);
}

/* xasprintf makes what snprintf makes, on its joining path (text and
 * plain %s) and off it (other conversions, %%, NULL, a lone % at the
 * end, long results). */
static void
test_asprintf(void **state)
{
	char want[1024], *got, big[600];
	/* NULL where the compiler cannot see it (it would warn). */
	const char *volatile none = NULL;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
#define SAME(...) do {							\
		snprintf(want, sizeof(want), __VA_ARGS__);		\
		got = xasprintf(__VA_ARGS__);				\
		assert_string_equal(got, want);				\
		free(got);						\
	} while (0)
	SAME("plain text");
	SAME("%s", "");
	SAME("%s", "a");
	SAME("PTR %s has no %s record", "mail.example", "A");
	SAME("%s%s%s", "a", "", "c");
	SAME("%s at the end: %s", "x", big);
	SAME("%d of %s", 3, "x");
	SAME("%s is %zu bytes", "k", (size_t)42);
	SAME("100%% %s", "sure");
	SAME("%5s|", "ab");
	SAME("%.2s|", "abcdef");
	SAME("%s and %s", "a", none);
	SAME("%s", big);
	SAME("%s %d", big, 7);
#undef SAME
}

/* util_ntop agrees with inet_ntop on every byte value in every place,
 * and on the buffer sizes that just fit and just do not. */
static void
test_ntop(void **state)
{
	static const uint8_t edge[] = { 0, 1, 9, 10, 99, 100, 199, 255 };
	char want[INET6_ADDRSTRLEN], got[INET6_ADDRSTRLEN];
	uint8_t a[16] = { 0 };

	for (int pos = 0; pos < 4; pos++) {
		for (unsigned v = 0; v < 256; v++) {
			memset(a, 7, 4);
			a[pos] = (uint8_t)v;
			assert_non_null(inet_ntop(AF_INET, a, want, sizeof(want)));
			assert_ptr_equal(util_ntop(AF_INET, a, got, sizeof(got)),
			    got);
			assert_string_equal(got, want);
		}
	}
	for (size_t i = 0; i < sizeof(edge); i++) {
		size_t len;

		memset(a, edge[i], 4);
		inet_ntop(AF_INET, a, want, sizeof(want));
		len = strlen(want);
		assert_non_null(util_ntop(AF_INET, a, got, len + 1));
		assert_string_equal(got, want);
		assert_null(util_ntop(AF_INET, a, got, len));
	}
	/* IPv6 is inet_ntop's own. */
	assert_int_equal(inet_pton(AF_INET6, "2001:db8::25", a), 1);
	assert_string_equal(util_ntop(AF_INET6, a, got, sizeof(got)),
	    "2001:db8::25");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_printable),
		cmocka_unit_test(test_name_eq),
		cmocka_unit_test(test_strvec),
		cmocka_unit_test(test_ntop),
		cmocka_unit_test(test_asprintf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
