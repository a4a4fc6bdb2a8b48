/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for dkim/key.c: the meaning of each tag, base64, and the key
 * read with OpenSSL from real generated keys (tests/dkim/keys/, found
 * through $DKIM_KEYS) and the RFC 8463 example keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dkim/key.h"

/* The base64 key in tests/dkim/keys/NAME (owned by the caller). */
static char *
read_key(const char *name)
{
	const char *dir = getenv("DKIM_KEYS");
	char path[1024];
	char *buf = calloc(1, 4096);
	FILE *f;
	size_t n;

	assert_non_null(dir);
	assert_non_null(buf);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	n = fread(buf, 1, 4095, f);
	fclose(f);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return buf;
}

static void
test_record_tags(void **state)
{
	struct dkim_key_record r;
	const char *t;

	t = "v=DKIM1; k=ed25519; h=sha1 : sha256; s=email:*; t=y:s; "
	    "n=hello world; p=AB CD; g=*; x=1; foo=bar";
	dkim_key_record_parse(t, strlen(t), &r);
	assert_int_equal(r.syntax, DKIM_TAGS_OK);
	assert_true(r.has_v && r.v_ok && r.v_first);
	assert_int_equal(r.key_type, DKIM_KEY_ED25519);
	assert_int_equal(r.hashes, DKIM_HASH_SHA1 | DKIM_HASH_SHA256);
	assert_true(r.for_email);
	assert_true(r.testing && r.strict);
	assert_string_equal(r.notes, "hello world");
	assert_true(r.has_g);
	assert_true(r.has_p);
	assert_string_equal(r.p, "ABCD");
	assert_int_equal(r.unknown_tags.n, 2);
	assert_string_equal(r.unknown_tags.v[0], "x");
	assert_string_equal(r.unknown_tags.v[1], "foo");
	dkim_key_record_clear(&r);

	/* Defaults when tags are absent. */
	t = "p=AB";
	dkim_key_record_parse(t, strlen(t), &r);
	assert_false(r.has_v || r.has_k || r.has_h || r.has_s || r.has_t);
	assert_int_equal(r.key_type, DKIM_KEY_RSA);
	assert_int_equal(r.hashes, DKIM_HASH_SHA1 | DKIM_HASH_SHA256);
	assert_true(r.for_email);
	assert_false(r.testing);
	dkim_key_record_clear(&r);

	/* Values that change the verdict. */
	t = "k=rsa; v=DKIM1; h=sha512; s=tlsrpt; t=x:y2; k2=1; p=";
	dkim_key_record_parse(t, strlen(t), &r);
	assert_true(r.has_v && r.v_ok);
	assert_false(r.v_first);
	assert_int_equal(r.hashes, DKIM_HASH_OTHER);
	assert_false(r.for_email);
	assert_false(r.testing);
	assert_true(r.has_p);
	assert_int_equal(r.p_len, 0);
	dkim_key_record_clear(&r);

	t = "v=DKIM2; k=dsa; p=x";
	dkim_key_record_parse(t, strlen(t), &r);
	assert_false(r.v_ok);
	assert_string_equal(r.v, "DKIM2");
	assert_int_equal(r.key_type, DKIM_KEY_UNKNOWN);
	assert_string_equal(r.k, "dsa");
	dkim_key_record_clear(&r);

	t = "k=RSA; p=x";
	dkim_key_record_parse(t, strlen(t), &r);
	assert_int_equal(r.key_type, DKIM_KEY_RSA);
	dkim_key_record_clear(&r);

	t = "v=DKIM1; p=a; p=b";
	dkim_key_record_parse(t, strlen(t), &r);
	assert_int_equal(r.syntax, DKIM_TAGS_DUPLICATE);
	dkim_key_record_clear(&r);
	dkim_key_record_clear(NULL);
}

static void
test_base64(void **state)
{
	static const struct {
		const char	*in;
		long		 want;	/* octets, -1 for invalid */
		const char	*out;
	} cases[] = {
		{ "", 0, "" },
		{ "TQ==", 1, "M" },
		{ "TQ", 1, "M" },
		{ "TWE=", 2, "Ma" },
		{ "TWE", 2, "Ma" },
		{ "TWFu", 3, "Man" },
		{ "TWFuTQ==", 4, "ManM" },
		{ "T", -1, NULL },
		{ "TQ=", -1, NULL },
		{ "TQ===", -1, NULL },
		{ "TQ==TQ==", -1, NULL },
		{ "T!Fu", -1, NULL },
		{ "TW u", -1, NULL },
		{ "=", -1, NULL },
		{ "+/+/", 3, "\xfb\xff\xbf" },
	};
	uint8_t out[16];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long n = dkim_base64_decode(cases[i].in, strlen(cases[i].in),
		    out, sizeof(out));

		if (n != cases[i].want)
			fail_msg("case %zu (%s): %ld, want %ld", i, cases[i].in,
			    n, cases[i].want);
		if (n > 0)
			assert_memory_equal(out, cases[i].out, (size_t)n);
	}
	/* Output too small. */
	assert_int_equal(dkim_base64_decode("TWFu", 4, out, 2), -1);
}

static void
test_key_sizes(void **state)
{
	static const struct {
		const char		*file;
		const char		*k;	/* k= value, NULL: absent */
		enum dkim_key_status	 st;
		enum dkim_key_format	 fmt;
		int			 bits;
	} cases[] = {
		{ "rsa512.spki.b64", NULL, DKIM_KEYST_OK, DKIM_FMT_SPKI, 512 },
		{ "rsa1024.spki.b64", "rsa", DKIM_KEYST_OK, DKIM_FMT_SPKI, 1024 },
		{ "rsa2048.spki.b64", "rsa", DKIM_KEYST_OK, DKIM_FMT_SPKI, 2048 },
		{ "rsa4096.spki.b64", "rsa", DKIM_KEYST_OK, DKIM_FMT_SPKI, 4096 },
		{ "rsa8192.spki.b64", "rsa", DKIM_KEYST_OK, DKIM_FMT_SPKI, 8192 },
		{ "rsa1024.pkcs1.b64", "rsa", DKIM_KEYST_OK, DKIM_FMT_PKCS1,
		  1024 },
		{ "rsa2048.pkcs1.b64", NULL, DKIM_KEYST_OK, DKIM_FMT_PKCS1,
		  2048 },
		{ "ed.raw.b64", "ed25519", DKIM_KEYST_OK, DKIM_FMT_RAW, 256 },
		{ "rfc8463-brisbane.b64", "ed25519", DKIM_KEYST_OK, DKIM_FMT_RAW,
		  256 },
		{ "rfc8463-test.b64", "rsa", DKIM_KEYST_OK, DKIM_FMT_SPKI, 1024 },
		/* mismatches between k= and the key */
		{ "ed.raw.b64", "rsa", DKIM_KEYST_MISMATCH, DKIM_FMT_NONE, 0 },
		{ "ed.raw.b64", NULL, DKIM_KEYST_MISMATCH, DKIM_FMT_NONE, 0 },
		{ "ed.spki.b64", "rsa", DKIM_KEYST_MISMATCH, DKIM_FMT_SPKI, 0 },
		{ "ed.spki.b64", "ed25519", DKIM_KEYST_LENGTH, DKIM_FMT_SPKI, 0 },
		{ "rsa2048.spki.b64", "ed25519", DKIM_KEYST_MISMATCH,
		  DKIM_FMT_SPKI, 0 },
		{ "rsa2048.pkcs1.b64", "ed25519", DKIM_KEYST_LENGTH,
		  DKIM_FMT_NONE, 0 },
		{ "ec.spki.b64", "rsa", DKIM_KEYST_MISMATCH, DKIM_FMT_SPKI, 0 },
		{ "rsa2048.spki.b64", "dsa", DKIM_KEYST_UNSUPPORTED,
		  DKIM_FMT_NONE, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *key = read_key(cases[i].file);
		char *rec;
		struct dkim_key_record r;
		struct dkim_key_info info;

		if (cases[i].k)
			assert_true(asprintf(&rec, "v=DKIM1; k=%s; p=%s",
			    cases[i].k, key) > 0);
		else
			assert_true(asprintf(&rec, "v=DKIM1; p=%s", key) > 0);
		dkim_key_record_parse(rec, strlen(rec), &r);
		dkim_key_analyze(&r, &info);
		if (info.status != cases[i].st)
			fail_msg("case %zu (%s k=%s): status %d (%s), want %d", i,
			    cases[i].file, cases[i].k ? cases[i].k : "-",
			    info.status, info.detail, cases[i].st);
		assert_int_equal(info.format, cases[i].fmt);
		if (cases[i].bits)
			assert_int_equal(info.bits, cases[i].bits);
		if (info.status != DKIM_KEYST_OK)
			assert_true(info.detail[0] != '\0');
		dkim_key_record_clear(&r);
		free(rec);
		free(key);
	}
}

static void
test_key_errors(void **state)
{
	static const struct {
		const char		*rec;
		enum dkim_key_status	 st;
	} cases[] = {
		{ "v=DKIM1; p=", DKIM_KEYST_REVOKED },
		{ "v=DKIM1; p=  ", DKIM_KEYST_REVOKED },
		{ "v=DKIM1; k=rsa", DKIM_KEYST_MISSING },
		{ "v=DKIM1; p=!!!!", DKIM_KEYST_BASE64 },
		{ "v=DKIM1; p=TQ=", DKIM_KEYST_BASE64 },
		{ "v=DKIM1; p=AAAA", DKIM_KEYST_DER },
		{ "v=DKIM1; k=ed25519; p=AAAA", DKIM_KEYST_LENGTH },
		{ "v=DKIM1; k=foo; p=AAAA", DKIM_KEYST_UNSUPPORTED },
		{ "v=DKIM1; p=a; p=b", DKIM_KEYST_MISSING },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dkim_key_record r;
		struct dkim_key_info info;

		dkim_key_record_parse(cases[i].rec, strlen(cases[i].rec), &r);
		if (dkim_key_analyze(&r, &info) != cases[i].st)
			fail_msg("case %zu (%s): status %d, want %d", i,
			    cases[i].rec, info.status, cases[i].st);
		dkim_key_record_clear(&r);
	}
}

static void
test_key_truncated(void **state)
{
	/* A 2048-bit key cut short (a record split across two TXT
	 * records, say) is not DER. */
	char *key = read_key("rsa2048.spki.b64");
	char rec[600];
	struct dkim_key_record r;
	struct dkim_key_info info;

	snprintf(rec, sizeof(rec), "p=%.200s", key);
	dkim_key_record_parse(rec, strlen(rec), &r);
	assert_int_equal(dkim_key_analyze(&r, &info), DKIM_KEYST_DER);
	dkim_key_record_clear(&r);
	/* Trailing garbage after a valid key. */
	snprintf(rec, sizeof(rec), "p=%sAAAA", key);
	dkim_key_record_parse(rec, strlen(rec), &r);
	assert_int_not_equal(dkim_key_analyze(&r, &info), DKIM_KEYST_OK);
	dkim_key_record_clear(&r);
	free(key);

	/* A p= over the cap is not read. */
	{
		char *big = malloc(DKIM_P_MAX + 16);

		assert_non_null(big);
		memcpy(big, "p=", 2);
		memset(big + 2, 'A', DKIM_P_MAX + 4);
		dkim_key_record_parse(big, DKIM_P_MAX + 6, &r);
		assert_true(r.p_too_long);
		assert_int_equal(dkim_key_analyze(&r, &info), DKIM_KEYST_TOOLONG);
		dkim_key_record_clear(&r);
		free(big);
	}
}

static void
test_names(void **state)
{
	assert_string_equal(dkim_key_type_name(DKIM_KEY_RSA), "rsa");
	assert_string_equal(dkim_key_type_name(DKIM_KEY_ED25519), "ed25519");
	assert_string_equal(dkim_key_type_name((enum dkim_key_type)99),
	    "unknown");
	assert_string_equal(dkim_key_format_name(DKIM_FMT_PKCS1), "pkcs1");
	assert_string_equal(dkim_key_format_name((enum dkim_key_format)99),
	    "none");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_tags),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_key_sizes),
		cmocka_unit_test(test_key_errors),
		cmocka_unit_test(test_key_truncated),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
