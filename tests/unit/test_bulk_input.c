/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the input of `mxdiag bulk` (bulk/input.c, bulk/seen.c):
 * a table of lines and what each must parse to, range expansion, key
 * hashing and shards, and the resume set with its loader.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bulk/input.h"
#include "bulk/seen.h"

enum want { W_ERR, W_SKIP, W_ADDR, W_RANGE, W_HOST };

static const struct {
	const char	*line;
	bool		 huge;
	enum want	 want;
	const char	*value;		/* address, first address, host, or
					 * a piece the error must contain */
	unsigned	 prefix;
	int		 port;
	const char	*expected;
} rows[] = {
	/* blanks and comments */
	{ "", false, W_SKIP, NULL, 0, 0, NULL },
	{ "   \t ", false, W_SKIP, NULL, 0, 0, NULL },
	{ "# 192.0.2.1", false, W_SKIP, NULL, 0, 0, NULL },
	{ "  # indented", false, W_SKIP, NULL, 0, 0, NULL },
	{ "\r", false, W_SKIP, NULL, 0, 0, NULL },
	/* addresses */
	{ "192.0.2.7", false, W_ADDR, "192.0.2.7", 0, 0, NULL },
	{ " 192.0.2.7\r", false, W_ADDR, "192.0.2.7", 0, 0, NULL },
	{ "192.0.2.7:587", false, W_ADDR, "192.0.2.7", 0, 587, NULL },
	{ "2001:db8::25", false, W_ADDR, "2001:db8::25", 0, 0, NULL },
	{ "2001:DB8::25", false, W_ADDR, "2001:db8::25", 0, 0, NULL },
	{ "[2001:db8::25]:2525", false, W_ADDR, "2001:db8::25", 0, 2525,
	    NULL },
	{ "::ffff:192.0.2.9", false, W_ADDR, "192.0.2.9", 0, 0, NULL },
	{ "300.1.2.3", false, W_ERR, "300.1.2.3", 0, 0, NULL },
	{ "1.2.3", false, W_ERR, "1.2.3", 0, 0, NULL },
	{ "1.2.3.4.5", false, W_ERR, "1.2.3.4.5", 0, 0, NULL },
	{ "fe80::1%eth0", false, W_ERR, "fe80", 0, 0, NULL },
	{ "192.0.2.7:0", false, W_ERR, "port", 0, 0, NULL },
	{ "192.0.2.7:65536", false, W_ERR, "port", 0, 0, NULL },
	{ "2001:db8::zz", false, W_ERR, "2001", 0, 0, NULL },
	/* ranges */
	{ "192.0.2.0/24", false, W_RANGE, "192.0.2.0", 24, 0, NULL },
	{ "192.0.2.77/24", false, W_RANGE, "192.0.2.0", 24, 0, NULL },
	{ "192.0.2.7/32", false, W_RANGE, "192.0.2.7", 32, 0, NULL },
	{ "192.0.2.7/31", false, W_RANGE, "192.0.2.6", 31, 0, NULL },
	{ "10.0.0.0/8", false, W_RANGE, "10.0.0.0", 8, 0, NULL },
	{ "10.0.0.0/7", false, W_ERR, "--allow-huge", 0, 0, NULL },
	{ "10.0.0.0/7", true, W_RANGE, "10.0.0.0", 7, 0, NULL },
	{ "0.0.0.0/0", false, W_ERR, "--allow-huge", 0, 0, NULL },
	{ "0.0.0.0/0", true, W_RANGE, "0.0.0.0", 0, 0, NULL },
	{ "192.0.2.0/33", false, W_ERR, "too large", 0, 0, NULL },
	{ "192.0.2.0/", false, W_ERR, "not a number", 0, 0, NULL },
	{ "192.0.2.0/x", false, W_ERR, "not a number", 0, 0, NULL },
	{ "192.0.2.0/+8", false, W_ERR, "not a number", 0, 0, NULL },
	{ "192.0.2.0/24x", false, W_ERR, "not a number", 0, 0, NULL },
	{ "192.0.2.0/00024", false, W_ERR, "not a number", 0, 0, NULL },
	{ "/24", false, W_ERR, "bad range", 0, 0, NULL },
	{ "mail.example.com/24", false, W_ERR, "not an address", 0, 0, NULL },
	{ "2001:db8::/120", false, W_RANGE, "2001:db8::", 120, 0, NULL },
	{ "2001:db8::ff/120", false, W_RANGE, "2001:db8::", 120, 0, NULL },
	{ "2001:db8::/104", false, W_RANGE, "2001:db8::", 104, 0, NULL },
	{ "2001:db8::/103", false, W_ERR, "--allow-huge", 0, 0, NULL },
	{ "2001:db8::/103", true, W_RANGE, "2001:db8::", 103, 0, NULL },
	{ "2001:db8::/96", true, W_RANGE, "2001:db8::", 96, 0, NULL },
	{ "2001:db8::/95", true, W_ERR, "2^32", 0, 0, NULL },
	{ "2001:db8::/64", true, W_ERR, "2^32", 0, 0, NULL },
	{ "2001:db8::/129", false, W_ERR, "too large", 0, 0, NULL },
	{ "::ffff:192.0.2.0/120", false, W_RANGE, "192.0.2.0", 24, 0, NULL },
	{ "::ffff:192.0.2.0/64", false, W_ERR, "96 to 128", 0, 0, NULL },
	/* hostnames */
	{ "mail.example.com", false, W_HOST, "mail.example.com", 0, 0, NULL },
	{ "MAIL.Example.COM.", false, W_HOST, "mail.example.com", 0, 0, NULL },
	{ "mail.example.com:587", false, W_HOST, "mail.example.com", 0, 587,
	    NULL },
	/* A mail server's name: letters, digits and hyphens only. */
	{ "_dmarc-x.example.com", false, W_ERR, "_dmarc", 0, 0, NULL },
	{ "localhost", false, W_HOST, "localhost", 0, 0, NULL },
	{ "-bad.example.com", false, W_ERR, "-bad", 0, 0, NULL },
	{ "bad-.example.com", false, W_ERR, "bad-", 0, 0, NULL },
	{ "a..b", false, W_ERR, "a..b", 0, 0, NULL },
	{ "not a target!", false, W_ERR, "not a target", 0, 0, NULL },
	{ "a\tb", false, W_ERR, "a", 0, 0, NULL },
	/* JSON lines */
	{ "{\"target\":\"192.0.2.7\"}", false, W_ADDR, "192.0.2.7", 0, 0,
	    NULL },
	{ "{\"target\":\"192.0.2.7\",\"port\":587,\"expected_name\":"
	    "\"MX.Example.com\"}", false, W_ADDR, "192.0.2.7", 0, 587,
	    "mx.example.com" },
	{ "{\"target\":\"192.0.2.7:25\",\"port\":587}", false, W_ADDR,
	    "192.0.2.7", 0, 587, NULL },
	{ "{\"target\":\"192.0.2.0/30\"}", false, W_RANGE, "192.0.2.0", 30,
	    0, NULL },
	{ "{\"target\":\"mail.example.com\"}", false, W_HOST,
	    "mail.example.com", 0, 0, NULL },
	{ "{\"target\":5}", false, W_ERR, "must be a string", 0, 0, NULL },
	{ "{\"port\":25}", false, W_ERR, "no \"target\"", 0, 0, NULL },
	{ "{\"target\":\"192.0.2.7\",\"bogus\":1}", false, W_ERR,
	    "unknown key", 0, 0, NULL },
	{ "{\"target\":\"a\",\"target\":\"b\"}", false, W_ERR, "JSON", 0, 0,
	    NULL },
	{ "{\"target\":\"192.0.2.7\",\"port\":0}", false, W_ERR, "\"port\"",
	    0, 0, NULL },
	{ "{\"target\":\"192.0.2.7\",\"port\":65536}", false, W_ERR,
	    "\"port\"", 0, 0, NULL },
	{ "{\"target\":\"192.0.2.7\",\"port\":\"25\"}", false, W_ERR,
	    "\"port\"", 0, 0, NULL },
	{ "{\"target\":\"192.0.2.7\",\"port\":2.5}", false, W_ERR, "\"port\"",
	    0, 0, NULL },
	{ "{\"target\":\"192.0.2.7\",\"expected_name\":\"not a name\"}", false,
	    W_ERR, "expected_name", 0, 0, NULL },
	{ "{\"target\":\"a\\u0000b\"}", false, W_ERR, "NUL", 0, 0, NULL },
	{ "{\"target\":\"192.0.2.7\"", false, W_ERR, "JSON", 0, 0, NULL },
	{ "{\"target\":{\"x\":[1,2]}}", false, W_ERR, "must be a string", 0,
	    0, NULL },
	{ "[\"192.0.2.7\"]", false, W_ERR, "[", 0, 0, NULL },
};

static void
test_table(void **state)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct bulk_item it;
		char err[256] = "", text[INET6_ADDRSTRLEN];
		int rc = bulk_input_parse(rows[i].line, strlen(rows[i].line),
		    rows[i].huge, &it, err, sizeof(err));

		if (rows[i].want == W_ERR) {
			if (rc != -1 || strstr(err, rows[i].value) == NULL)
				fail_msg("row %zu \"%s\": want an error with "
				    "\"%s\", got rc %d \"%s\"", i, rows[i].line,
				    rows[i].value, rc, err);
			for (const char *p = err; *p; p++)
				assert_true(*p >= 0x20 && *p <= 0x7e);
			continue;
		}
		if (rc != 0)
			fail_msg("row %zu \"%s\": %s", i, rows[i].line, err);
		switch (rows[i].want) {
		case W_SKIP:
			assert_int_equal(it.kind, BULK_SKIP);
			break;
		case W_ADDR:
		case W_RANGE:
			assert_int_equal(it.kind, rows[i].want == W_ADDR ?
			    BULK_ADDR : BULK_RANGE);
			bulk_key_addr(it.af, &it.addr, text, sizeof(text));
			if (strcmp(text, rows[i].value) != 0)
				fail_msg("row %zu \"%s\": %s", i, rows[i].line,
				    text);
			if (rows[i].want == W_RANGE)
				assert_int_equal(it.prefix, rows[i].prefix);
			break;
		case W_HOST:
			assert_int_equal(it.kind, BULK_HOST);
			assert_string_equal(it.host, rows[i].value);
			break;
		default:
			break;
		}
		assert_int_equal(it.port, rows[i].port);
		assert_string_equal(it.expected_name,
		    rows[i].expected ? rows[i].expected : "");
	}
}

static void
test_limits(void **state)
{
	char line[BULK_LINE_MAX + 2], err[256];
	struct bulk_item it;

	memset(line, 'a', sizeof(line));
	assert_int_equal(bulk_input_parse(line, BULK_LINE_MAX + 1, false, &it,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "longer"));
	assert_int_equal(bulk_input_parse("192.0.2.7\0x", 11, false, &it, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "NUL"));
	/* 63-octet label fine, 64 not; 253-octet name fine, 254 not. */
	memset(line, 'a', 63);
	memcpy(line + 63, ".example", 9);
	assert_int_equal(bulk_input_parse(line, strlen(line), false, &it, err,
	    sizeof(err)), 0);
	memset(line, 'a', 64);
	memcpy(line + 64, ".example", 9);
	assert_int_equal(bulk_input_parse(line, strlen(line), false, &it, err,
	    sizeof(err)), -1);
	for (size_t i = 0; i < 253; i++)
		line[i] = i % 2 ? '.' : 'a';
	line[252] = 'a';
	line[253] = '\0';
	assert_int_equal(bulk_input_parse(line, 253, false, &it, err,
	    sizeof(err)), 0);
	line[253] = 'a';
	line[254] = '\0';
	line[252] = '.';
	assert_int_equal(bulk_input_parse(line, 254, false, &it, err,
	    sizeof(err)), -1);
}

/* Count, order and ends of a range's expansion. */
static void
test_ranges(void **state)
{
	static const struct {
		const char	*range;
		uint64_t	 size;
		const char	*first, *last;
	} cases[] = {
		{ "192.0.2.9/32", 1, "192.0.2.9", "192.0.2.9" },
		{ "192.0.2.9/31", 2, "192.0.2.8", "192.0.2.9" },
		{ "192.0.2.9/30", 4, "192.0.2.8", "192.0.2.11" },
		{ "192.0.2.0/24", 256, "192.0.2.0", "192.0.2.255" },
		{ "10.255.255.0/23", 512, "10.255.254.0", "10.255.255.255" },
		{ "2001:db8::/126", 4, "2001:db8::", "2001:db8::3" },
		{ "2001:db8::ff00/120", 256, "2001:db8::ff00",
		    "2001:db8::ffff" },
		{ "2001:db8:0:0:0:0:1:ff00/119", 512, "2001:db8::1:fe00",
		    "2001:db8::1:ffff" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bulk_item it;
		struct bulk_range_iter ri;
		char err[256], text[INET6_ADDRSTRLEN], prev[INET6_ADDRSTRLEN];
		union {
			struct in_addr	 v4;
			struct in6_addr	 v6;
		} a, last;
		uint64_t n = 0;
		int af;

		assert_int_equal(bulk_input_parse(cases[i].range,
		    strlen(cases[i].range), false, &it, err, sizeof(err)), 0);
		assert_int_equal(bulk_range_size(&it), cases[i].size);
		bulk_range_begin(&ri, &it);
		while (bulk_range_next(&ri, &af, &a)) {
			bulk_key_addr(af, &a, text, sizeof(text));
			if (n == 0)
				assert_string_equal(text, cases[i].first);
			else
				assert_true(memcmp(&a, &last, af == AF_INET ?
				    4 : 16) > 0);	/* increasing */
			memcpy(&last, &a, sizeof(a));
			memcpy(prev, text, sizeof(prev));
			n++;
		}
		assert_int_equal(n, cases[i].size);
		assert_string_equal(prev, cases[i].last);
		assert_false(bulk_range_next(&ri, &af, &a));
	}
	{
		/* /0 with --allow-huge: 2^32, without walking it. */
		struct bulk_item it;
		char err[256];

		assert_int_equal(bulk_input_parse("0.0.0.0/0", 9, true, &it,
		    err, sizeof(err)), 0);
		assert_true(bulk_range_size(&it) == (uint64_t)1 << 32);
	}
}

/* Every key lands in exactly one shard, and shards are about even. */
static void
test_shards(void **state)
{
	static const unsigned ns[] = { 1, 2, 3, 7, 16 };
	char key[32], err[256];
	unsigned k, n;

	for (size_t j = 0; j < sizeof(ns) / sizeof(ns[0]); j++) {
		unsigned long count[16] = { 0 };

		for (unsigned i = 0; i < 100000; i++) {
			unsigned owners = 0;

			snprintf(key, sizeof(key), "10.%u.%u.%u", i >> 16,
			    (i >> 8) & 255, i & 255);
			for (unsigned s = 0; s < ns[j]; s++)
				if (bulk_shard_mine(bulk_key_hash(key), s,
				    ns[j])) {
					owners++;
					count[s]++;
				}
			assert_int_equal(owners, 1);
		}
		for (unsigned s = 0; s < ns[j]; s++) {
			double share = (double)count[s] * ns[j] / 100000.0;

			if (share < 0.95 || share > 1.05)
				fail_msg("shard %u/%u holds %lu", s, ns[j],
				    count[s]);
		}
	}
	/* FNV-1a 64 of the empty string and of "a" (published values). */
	assert_true(bulk_key_hash("") == 0xcbf29ce484222325ULL);
	assert_true(bulk_key_hash("a") == 0xaf63dc4c8601ec8cULL);

	assert_int_equal(bulk_shard_parse("0/1", &k, &n, err, sizeof(err)), 0);
	assert_int_equal(bulk_shard_parse("3/4", &k, &n, err, sizeof(err)), 0);
	assert_int_equal(k, 3);
	assert_int_equal(n, 4);
	assert_int_equal(bulk_shard_parse("65535/65536", &k, &n, err,
	    sizeof(err)), 0);
	{
		static const char *const bad[] = { "4/4", "1/0", "-1/2", "a/b",
		    "1/", "/2", "0/65537", " 1/2", "1/2 ", "1", "" };

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			if (bulk_shard_parse(bad[i], &k, &n, err,
			    sizeof(err)) != -1)
				fail_msg("shard \"%s\" accepted", bad[i]);
	}
}

/* Within every shard, every key lands in exactly one part, and the parts
 * are about even there too: the part does not follow the shard. */
static void
test_parts(void **state)
{
	static const unsigned shards[] = { 1, 3 }, parts[] = { 2, 3, 16 };
	char key[32];

	for (size_t a = 0; a < sizeof(shards) / sizeof(shards[0]); a++)
	for (size_t b = 0; b < sizeof(parts) / sizeof(parts[0]); b++) {
		unsigned sn = shards[a], pn = parts[b];
		unsigned long count[3][16] = { { 0 } }, inshard[3] = { 0 };

		for (unsigned i = 0; i < 100000; i++) {
			uint64_t h;
			unsigned owners = 0, sk = 0;

			snprintf(key, sizeof(key), "10.%u.%u.%u", i >> 16,
			    (i >> 8) & 255, i & 255);
			h = bulk_key_hash(key);
			while (!bulk_shard_mine(h, sk, sn))
				sk++;
			inshard[sk]++;
			for (unsigned k = 0; k < pn; k++)
				if (bulk_part_mine(h, sn, k, pn)) {
					owners++;
					count[sk][k]++;
				}
			assert_int_equal(owners, 1);
		}
		for (unsigned sk = 0; sk < sn; sk++)
			for (unsigned k = 0; k < pn; k++) {
				double share = (double)count[sk][k] * pn /
				    (double)inshard[sk];

				if (share < 0.9 || share > 1.1)
					fail_msg("part %u/%u of shard %u/%u "
					    "holds %lu of %lu", k, pn, sk, sn,
					    count[sk][k], inshard[sk]);
			}
	}
	(void)state;
}

static void
test_seen_set(void **state)
{
	struct bulk_seen *s = bulk_seen_new();
	char key[32];

	for (unsigned i = 0; i < 100000; i++) {
		snprintf(key, sizeof(key), "k%u", i);
		assert_int_equal(bulk_seen_add(s, bulk_key_hash(key)), 0);
	}
	assert_int_equal(bulk_seen_add(s, bulk_key_hash("k7")), 0);
	assert_int_equal(bulk_seen_count(s), 100000);
	for (unsigned i = 0; i < 100000; i++) {
		snprintf(key, sizeof(key), "k%u", i);
		assert_true(bulk_seen_has(s, bulk_key_hash(key)));
		snprintf(key, sizeof(key), "other%u", i);
		assert_false(bulk_seen_has(s, bulk_key_hash(key)));
	}
	/* Hash 0 is kept (as 1: one collision in 2^64). */
	assert_int_equal(bulk_seen_add(s, 0), 0);
	assert_true(bulk_seen_has(s, 0));
	bulk_seen_free(s);
	bulk_seen_free(NULL);
}

static void
test_seen_load(void **state)
{
	static const char text[] =
	    "{\"type\":\"result\",\"line\":1,\"target\":\"192.0.2.1\"}\n"
	    "{\"type\":\"error\",\"line\":2,\"input\":\"x\",\"error\":\"y\"}\n"
	    "garbage\n"
	    "{\"type\":\"result\",\"line\":4}\n"
	    "{\"type\":\"result\",\"line\":5,\"target\":\"mail.example\"}\n"
	    "{\"type\":\"result\",\"line\":6,\"target\":\"192.0.2.9\"";
	struct bulk_seen *s = bulk_seen_new();
	size_t nlines;
	off_t end;
	char err[256];
	FILE *f = tmpfile();

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(bulk_seen_load(s, f, &nlines, &end, err, sizeof(err)),
	    0);
	assert_int_equal(nlines, 5);
	assert_int_equal(end, strrchr(text, '\n') - text + 1);
	assert_int_equal(bulk_seen_count(s), 2);
	assert_true(bulk_seen_has(s, bulk_key_hash("192.0.2.1")));
	assert_true(bulk_seen_has(s, bulk_key_hash("mail.example")));
	assert_false(bulk_seen_has(s, bulk_key_hash("192.0.2.9")));
	fclose(f);

	/* A line longer than the cap is passed over, whole. */
	f = tmpfile();
	assert_non_null(f);
	for (size_t i = 0; i < BULK_SEEN_LINE_MAX + 10; i++)
		putc('x', f);
	fputs("\n{\"type\":\"result\",\"target\":\"192.0.2.2\"}\n", f);
	assert_int_equal(bulk_seen_load(s, f, &nlines, &end, err, sizeof(err)),
	    0);
	assert_int_equal(nlines, 2);
	assert_true(bulk_seen_has(s, bulk_key_hash("192.0.2.2")));
	fclose(f);
	bulk_seen_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_ranges),
		cmocka_unit_test(test_shards),
		cmocka_unit_test(test_parts),
		cmocka_unit_test(test_seen_set),
		cmocka_unit_test(test_seen_load),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
