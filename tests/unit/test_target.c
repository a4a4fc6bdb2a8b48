/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for command-line target parsing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "cli/target.h"

static void
test_targets(void **state)
{
	static const struct {
		const char	*spec;
		int		 ok;
		const char	*host;
		int		 port;
		int		 af;
	} cases[] = {
		{ "192.0.2.1", 1, "192.0.2.1", 25, AF_INET },
		{ "192.0.2.1:2525", 1, "192.0.2.1", 2525, AF_INET },
		{ "2001:db8::1", 1, "2001:db8::1", 25, AF_INET6 },
		{ "[2001:db8::1]:587", 1, "2001:db8::1", 587, AF_INET6 },
		{ "[2001:db8::1]", 1, "2001:db8::1", 25, AF_INET6 },
		{ "::1", 1, "::1", 25, AF_INET6 },
		{ "mail.example.com", 1, "mail.example.com", 25, AF_UNSPEC },
		{ "mail.example.com.", 1, "mail.example.com.", 25, AF_UNSPEC },
		{ "mail.example.com:2525", 1, "mail.example.com", 2525, AF_UNSPEC },
		{ "localhost", 1, "localhost", 25, AF_UNSPEC },
		{ "", 0, NULL, 0, 0 },
		{ ":25", 0, NULL, 0, 0 },
		{ "mail.example.com:", 0, NULL, 0, 0 },
		{ "mail.example.com:0", 0, NULL, 0, 0 },
		{ "mail.example.com:65536", 0, NULL, 0, 0 },
		{ "mail.example.com:25x", 0, NULL, 0, 0 },
		{ "[2001:db8::1", 0, NULL, 0, 0 },
		{ "[2001:db8::1]x", 0, NULL, 0, 0 },
		{ "[192.0.2.1]:25", 0, NULL, 0, 0 },
		{ "[]:25", 0, NULL, 0, 0 },
		{ "bad host.example.com", 0, NULL, 0, 0 },
		{ "-bad.example.com", 0, NULL, 0, 0 },
		{ "192.0.2.256", 0, NULL, 0, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct target t;
		char err[256];
		int rc = target_parse(cases[i].spec, 25, &t, err, sizeof(err));

		if (!cases[i].ok) {
			if (rc != -1)
				fail_msg("accepted \"%s\"", cases[i].spec);
			assert_true(strlen(err) > 0);
			continue;
		}
		if (rc != 0)
			fail_msg("refused \"%s\": %s", cases[i].spec, err);
		assert_string_equal(t.host, cases[i].host);
		assert_int_equal(t.port, cases[i].port);
		assert_int_equal(t.af, cases[i].af);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_targets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
