/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for net/ratelimit.c: scripted request sequences (client,
 * time, expected wait) against buckets of known rate and burst; client
 * keys (IPv4, IPv6 /64, IPv4-mapped); reuse of the least recently seen
 * bucket when the pool is full; configurations refused; long idle gaps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "net/ratelimit.h"

/* A socket address for text (IPv4 or IPv6). */
static struct sockaddr_storage
sa(const char *text)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	if (strchr(text, ':') != NULL) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, text, &s6->sin6_addr), 1);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		assert_int_equal(inet_pton(AF_INET, text, &s4->sin_addr), 1);
	}
	return ss;
}

struct step {
	const char	*client;
	uint64_t	 now_ms;
	uint64_t	 wait_ms;	/* what ratelimit_take must return */
};

static const struct script {
	const char		*name;
	struct ratelimit_config	 cfg;
	struct step		 steps[16];
} scripts[] = {
	{ "burst 3 at 1/s, then one per second", { 1000, 3, 16 }, {
		{ "192.0.2.1", 0, 0 }, { "192.0.2.1", 0, 0 },
		{ "192.0.2.1", 0, 0 }, { "192.0.2.1", 0, 1000 },
		{ "192.0.2.1", 400, 600 }, { "192.0.2.1", 999, 1 },
		{ "192.0.2.1", 1000, 0 }, { "192.0.2.1", 1000, 1000 },
		{ "192.0.2.1", 2000, 0 }, { NULL, 0, 0 } } },
	{ "clients have their own buckets", { 1000, 1, 16 }, {
		{ "192.0.2.1", 0, 0 }, { "192.0.2.1", 0, 1000 },
		{ "192.0.2.2", 0, 0 }, { "192.0.2.2", 10, 990 },
		{ "2001:db8::1", 10, 0 }, { "2001:db8:0:1::1", 10, 0 },
		{ NULL, 0, 0 } } },
	{ "one IPv6 /64 is one client", { 1000, 2, 16 }, {
		{ "2001:db8::1", 0, 0 }, { "2001:db8::ffff:1", 0, 0 },
		{ "2001:db8::abcd", 0, 1000 }, { NULL, 0, 0 } } },
	{ "IPv4-mapped is the IPv4 client", { 1000, 1, 16 }, {
		{ "::ffff:192.0.2.9", 0, 0 }, { "192.0.2.9", 0, 1000 },
		{ NULL, 0, 0 } } },
	{ "refill stops at the burst", { 1000, 2, 16 }, {
		{ "192.0.2.1", 0, 0 }, { "192.0.2.1", 0, 0 },
		{ "192.0.2.1", 60000, 0 }, { "192.0.2.1", 60000, 0 },
		{ "192.0.2.1", 60000, 1000 }, { NULL, 0, 0 } } },
	{ "fractional rate: 1 per 4 s", { 250, 1, 16 }, {
		{ "192.0.2.1", 0, 0 }, { "192.0.2.1", 1, 3999 },
		{ "192.0.2.1", 4000, 0 }, { NULL, 0, 0 } } },
	{ "fast rate: 1000/s", { 1000000, 1, 16 }, {
		{ "192.0.2.1", 0, 0 }, { "192.0.2.1", 0, 1 },
		{ "192.0.2.1", 1, 0 }, { "192.0.2.1", 1, 1 },
		{ NULL, 0, 0 } } },
	{ "a clock going back gains nothing", { 1000, 1, 16 }, {
		{ "192.0.2.1", 5000, 0 }, { "192.0.2.1", 4000, 1000 },
		{ "192.0.2.1", 6000, 0 }, { NULL, 0, 0 } } },
	{ "days idle do not overflow", { 4000000000u, 1000000, 16 }, {
		{ "192.0.2.1", 0, 0 },
		{ "192.0.2.1", UINT64_C(1) << 62, 0 }, { NULL, 0, 0 } } },
	{ "full pool: the least recently seen is forgotten", { 1000, 1, 2 }, {
		{ "192.0.2.1", 0, 0 }, { "192.0.2.2", 0, 0 },
		{ "192.0.2.1", 1, 999 },	/* .1 is now the newest */
		{ "192.0.2.3", 1, 0 },		/* evicts .2 */
		{ "192.0.2.1", 2, 998 },	/* .1 kept its empty bucket */
		{ "192.0.2.2", 2, 0 },		/* .2 forgotten: full again */
		{ NULL, 0, 0 } } },
};

static void
test_scripts(void **state)
{
	for (size_t i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
		const struct script *s = &scripts[i];
		struct ratelimit *rl = ratelimit_new(&s->cfg);

		assert_non_null(rl);
		for (size_t k = 0; s->steps[k].client != NULL; k++) {
			struct sockaddr_storage ss = sa(s->steps[k].client);
			uint64_t got = ratelimit_take(rl,
			    (struct sockaddr *)&ss, s->steps[k].now_ms);

			if (got != s->steps[k].wait_ms)
				fail_msg("%s: step %zu (%s at %llu ms): wait "
				    "%llu, want %llu", s->name, k,
				    s->steps[k].client,
				    (unsigned long long)s->steps[k].now_ms,
				    (unsigned long long)got,
				    (unsigned long long)s->steps[k].wait_ms);
		}
		assert_true(ratelimit_clients(rl) <= s->cfg.max_clients);
		ratelimit_free(rl);
	}
}

static void
test_bad_config(void **state)
{
	static const struct ratelimit_config bad[] = {
		{ 0, 1, 1 }, { 1000, 0, 1 }, { 1000, 1, 0 },
		{ 1000, 1, RATELIMIT_CLIENTS_MAX + 1 }, { 1000, 1000001, 1 },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_null(ratelimit_new(&bad[i]));
}

/* Many clients through a small pool: every bucket stays reachable (the
 * hash chains and the LRU list agree), and memory does not grow. */
static void
test_churn(void **state)
{
	struct ratelimit_config cfg = { 1000, 1, 64 };
	struct ratelimit *rl = ratelimit_new(&cfg);
	char text[32];

	for (unsigned i = 0; i < 20000; i++) {
		struct sockaddr_storage ss;

		snprintf(text, sizeof(text), "10.%u.%u.%u", (i >> 16) & 255,
		    (i >> 8) & 255, i & 255);
		ss = sa(text);
		assert_int_equal(ratelimit_take(rl, (struct sockaddr *)&ss,
		    i / 64), 0);
		/* The newest is remembered: a second take waits. */
		assert_int_not_equal(ratelimit_take(rl,
		    (struct sockaddr *)&ss, i / 64), 0);
	}
	assert_int_equal(ratelimit_clients(rl), 64);
	ratelimit_free(rl);
	ratelimit_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scripts),
		cmocka_unit_test(test_bad_config),
		cmocka_unit_test(test_churn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
