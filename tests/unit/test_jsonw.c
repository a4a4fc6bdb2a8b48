/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for report/jsonw.c: every tree must come out byte for byte as
 * json_dumpb(JSON_COMPACT) writes it, from a table of JSON texts and from
 * random trees; and the limits hold.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report/jsonw.h"

static void
same_as_jansson(json_t *v)
{
	struct jsonw w = { 0 };
	char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

	assert_non_null(want);
	assert_int_equal(jsonw_dump(&w, v), 0);
	assert_int_equal(w.len, strlen(want));
	assert_memory_equal(w.buf, want, w.len);
	free(want);
	jsonw_free(&w);
}

static void
test_table(void **state)
{
	static const char *const texts[] = {
		"{}", "[]", "null", "true", "false", "0", "-1",
		"9223372036854775807", "-9223372036854775808",
		"\"\"", "\"plain\"", "\"quote \\\" and \\\\ backslash\"",
		"\"\\b\\f\\n\\r\\t\"", "\"\\u0001\\u001f\\u007f\"",
		"\"caf\\u00e9 \\u2603 \\ud83d\\ude00\"", "\"slash / stays\"",
		"{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\"}}",
		"[[[[[]]]]]", "[{},{},{\"\":\"\"}]",
		"{\"z\":1,\"a\":2,\"m\":3}",	/* insertion order kept */
		"{\"k\\n\":\"v\\u0000w\"}",
		"[1.5,-0.25,1e300]",
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		json_error_t err;
		json_t *v = json_loads(texts[i], JSON_DECODE_ANY |
		    JSON_ALLOW_NUL, &err);

		if (v == NULL)
			fail_msg("%s: %s", texts[i], err.text);
		same_as_jansson(v);
		json_decref(v);
	}
}

/* A random tree of every type, strings with every byte below 0x80. */
static json_t *
random_tree(unsigned *seed, int depth)
{
	int kind = depth > 4 ? rand_r(seed) % 5 : rand_r(seed) % 7;
	char s[48];
	size_t n;

	switch (kind) {
	case 0:
		return json_null();
	case 1:
		return json_boolean(rand_r(seed) & 1);
	case 2:
		return json_integer((json_int_t)rand_r(seed) *
		    (rand_r(seed) & 1 ? -1 : 1) * rand_r(seed));
	case 3:
	case 4:
		/* Long runs of plain bytes, sometimes one to escape, so
		 * that the eight-at-a-time scan meets every position. */
		n = (size_t)rand_r(seed) % sizeof(s);
		for (size_t i = 0; i < n; i++)
			s[i] = rand_r(seed) % 8 == 0 ?
			    (char)(rand_r(seed) % 128) :
			    (char)(0x20 + rand_r(seed) % 95);
		return json_stringn(s, n);
	case 5: {
		json_t *a = json_array();
		int k = rand_r(seed) % 5;

		for (int i = 0; i < k; i++)
			json_array_append_new(a, random_tree(seed, depth + 1));
		return a;
	}
	default: {
		json_t *o = json_object();
		int k = rand_r(seed) % 5;

		for (int i = 0; i < k; i++) {
			n = (size_t)rand_r(seed) % 16;
			for (size_t j = 0; j < n; j++)
				s[j] = (char)(1 + rand_r(seed) % 127);
			s[n] = '\0';
			json_object_set_new(o, s, random_tree(seed, depth + 1));
		}
		return o;
	}
	}
}

static void
test_random(void **state)
{
	unsigned seed = 20261122;

	for (int i = 0; i < 2000; i++) {
		json_t *v = random_tree(&seed, 0);

		same_as_jansson(v);
		json_decref(v);
	}
}

static void
test_limits(void **state)
{
	struct jsonw w = { 0 };
	json_t *root = json_array(), *v = root;

	/* JSONW_DEPTH_MAX + 1 levels of arrays inside the root: refused,
	 * and the buffer is left as it was. */
	for (int i = 0; i <= JSONW_DEPTH_MAX; i++) {
		json_t *a = json_array();

		json_array_append_new(v, a);
		v = a;
	}
	assert_int_equal(jsonw_dump(&w, json_true()), 0);
	assert_int_equal(jsonw_dump(&w, root), -1);
	assert_int_equal(w.len, 4);
	assert_int_equal(jsonw_dump(&w, NULL), -1);
	json_decref(root);
	jsonw_free(&w);
}

/* Strings written piecewise: valid UTF-8 as is, any other byte as '?'. */
static void
test_put_string(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;
	} cases[] = {
		{ "plain", "\"plain\"" },
		{ "caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80",
		    "\"caf\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80\"" },
		{ "bad \xff byte", "\"bad ? byte\"" },
		{ "cut \xe2\x98", "\"cut ??\"" },
		{ "overlong \xc0\xaf", "\"overlong ??\"" },
		{ "surrogate \xed\xa0\x80", "\"surrogate ???\"" },
		{ "a long ascii prefix then \"quote\" and \x01",
		    "\"a long ascii prefix then \\\"quote\\\" and \\u0001\"" },
		{ "sixteen plain by\xff", "\"sixteen plain by?\"" },
		{ "fifteen plain b\n", "\"fifteen plain b\\n\"" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct jsonw w = { 0 };

		jsonw_put_string(&w, cases[i].in);
		jsonw_put_raw(&w, "", 1);	/* NUL, to compare */
		assert_string_equal(w.buf, cases[i].want);
		jsonw_free(&w);
	}
}

/* Keys: the same text as jsonw_put_string() and ':', plain or not. */
static void
test_put_key(void **state)
{
	static const char *const keys[] = {
		"", "a", "type", "reverse_zone_provider", "k\n", "q\"uote",
		"back\\slash", "caf\xc3\xa9", "bad \xff",
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct jsonw a = { 0 }, b = { 0 };

		jsonw_put_key(&a, keys[i]);
		jsonw_put_string(&b, keys[i]);
		jsonw_put_raw(&b, ":", 1);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.buf, b.buf, a.len);
		jsonw_free(&a);
		jsonw_free(&b);
	}
}

/*
 * Random strings of every length up to 40, mostly plain with a byte to
 * escape or a UTF-8 sequence (valid or not) here and there, so that the
 * word-at-a-time scan and its overlapping last word meet every position:
 * jsonw_utf8_valid() must agree with jansson, and jsonw_put_string() must
 * write what jansson writes for the strings it takes.
 */
static void
test_random_strings(void **state)
{
	static const char *const pieces[] = {
		"\"", "\\", "\n", "\x01", "\x1f", "\x7f", "\xc3\xa9",
		"\xe2\x98\x83", "\xf0\x9f\x98\x80", "\xff", "\xc0\xaf",
		"\xed\xa0\x80", "\xe2\x98", "\x80",
	};
	unsigned seed = 20260517;

	for (int round = 0; round < 20000; round++) {
		char s[64];
		size_t n = (size_t)rand_r(&seed) % 41, len = 0;
		struct jsonw w = { 0 };
		json_t *js;

		while (len < n) {
			const char *p = pieces[(size_t)rand_r(&seed) %
			    (sizeof(pieces) / sizeof(pieces[0]))];

			if (rand_r(&seed) % 6 == 0 && len + strlen(p) < n) {
				memcpy(s + len, p, strlen(p));
				len += strlen(p);
			} else {
				s[len++] = (char)(0x20 + rand_r(&seed) % 95);
			}
		}
		s[len] = '\0';
		js = json_stringn(s, len);
		assert_int_equal(jsonw_utf8_valid(s, len), js != NULL);
		jsonw_put_string(&w, s);
		if (js != NULL) {
			char *want = json_dumps(js, JSON_COMPACT |
			    JSON_ENCODE_ANY);

			assert_non_null(want);
			assert_int_equal(w.len, strlen(want));
			assert_memory_equal(w.buf, want, w.len);
			free(want);
			json_decref(js);
		}
		jsonw_free(&w);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_put_string),
		cmocka_unit_test(test_put_key),
		cmocka_unit_test(test_random_strings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
