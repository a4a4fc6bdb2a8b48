/* SPDX-License-Identifier: MIT */
/*
 * The RFC 7489 organizational domain against the Public Suffix List
 * project's own test vectors (psl_vectors.txt, public domain), with the
 * small rules file written for them (psl_rules.dat) and, when available,
 * the system's list; and the RFC 9989 tree-walk names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Diagnostics as TAP comments, so the harness ignores them. */
#define note(...)	do { fputs("# ", stdout); printf(__VA_ARGS__); } while (0)

#include "policy/orgdomain.h"

static char *
test_path(const char *file)
{
	const char *dir = getenv("POLICY_TEST_DIR");
	static char buf[1024];

	snprintf(buf, sizeof(buf), "%s/%s", dir ? dir : "tests/policy", file);
	return buf;
}

/* checkPublicSuffix('IN', 'OUT') or null: returns the number of vectors
 * checked. Non-ASCII inputs are skipped: mxdiag takes A-labels only. */
static int
run_vectors(const struct orgdomain_psl *psl)
{
	FILE *f = fopen(test_path("psl_vectors.txt"), "r");
	char line[512];
	int n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char in[256], out[256], got[POLICY_NAME_MAX];
		bool is_suffix, ok, ascii = true;

		if (strncmp(line, "checkPublicSuffix(", 18) != 0)
			continue;
		if (sscanf(line, "checkPublicSuffix('%255[^']', '%255[^']');",
		    in, out) != 2) {
			out[0] = '\0';
			if (sscanf(line, "checkPublicSuffix('%255[^']', null);",
			    in) != 1)
				continue;	/* (null, null) */
		}
		for (char *p = in; *p; p++)
			if ((unsigned char)*p > 0x7e)
				ascii = false;
		if (!ascii)
			continue;
		ok = orgdomain_psl_lookup(psl->ctx, in, got, sizeof(got),
		    &is_suffix);
		note("%s -> %s (want %s)\n", in, ok ? got : "-",
		    out[0] ? out : "null");
		if (in[0] == '.') {
			assert_false(ok);	/* leading dot: not a name */
		} else if (out[0] == '\0') {
			assert_true(ok);
			assert_true(is_suffix);
		} else {
			assert_true(ok);
			assert_false(is_suffix);
			assert_string_equal(got, out);
		}
		n++;
	}
	fclose(f);
	return n;
}

static void
test_vectors_rules_file(void **state)
{
	struct orgdomain_psl psl;
	char err[256];

	(void)state;
	assert_true(orgdomain_psl_open(&psl, test_path("psl_rules.dat"), err,
	    sizeof(err)));
	assert_true(run_vectors(&psl) > 60);
	orgdomain_psl_close(&psl);
}

static void
test_vectors_system(void **state)
{
	struct orgdomain_psl psl;
	char err[256], got[POLICY_NAME_MAX];

	(void)state;
	if (!orgdomain_psl_open(&psl, NULL, err, sizeof(err))) {
		note("no system PSL: %s\n", err);
		skip();
	}
	assert_true(run_vectors(&psl) > 60);
	/* .test is not on the list: the default rule "*" makes "test" the
	 * suffix, so a.b.dmarc.test has dmarc.test as its org domain. */
	assert_true(orgdomain_psl_lookup(psl.ctx, "A.b.dmarc.test.", got,
	    sizeof(got), NULL));
	assert_string_equal(got, "dmarc.test");
	orgdomain_psl_close(&psl);
	orgdomain_psl_close(&psl);
}

static void
test_bad_file(void **state)
{
	struct orgdomain_psl psl;
	char err[256], got[POLICY_NAME_MAX];

	(void)state;
	assert_false(orgdomain_psl_open(&psl, "/nonexistent/psl.dat", err,
	    sizeof(err)));
	assert_null(psl.ctx);
	assert_non_null(strstr(err, "/nonexistent/psl.dat"));
	assert_false(orgdomain_psl_lookup(NULL, "example.com", got,
	    sizeof(got), NULL));
	orgdomain_psl_close(&psl);
}

struct walk_case {
	const char	*domain;
	const char	*names[ORGDOMAIN_WALK_MAX + 1];	/* NULL-ended */
};

static const struct walk_case walks[] = {
	{ "com", { "com", NULL } },
	{ "example.com", { "example.com", "com", NULL } },
	{ "a.mail.example.com", { "a.mail.example.com", "mail.example.com",
	    "example.com", "com", NULL } },
	{ "a.b.c.d.e.f.g.h", { "a.b.c.d.e.f.g.h", "b.c.d.e.f.g.h",
	    "c.d.e.f.g.h", "d.e.f.g.h", "e.f.g.h", "f.g.h", "g.h", "h" } },
	/* The RFC 9989 §4.10 example: eight queries, the middle skipped. */
	{ "a.b.c.d.e.f.g.h.i.j.mail.example.com", {
	    "a.b.c.d.e.f.g.h.i.j.mail.example.com", "g.h.i.j.mail.example.com",
	    "h.i.j.mail.example.com", "i.j.mail.example.com",
	    "j.mail.example.com", "mail.example.com", "example.com", "com" } },
	{ "x.a.b.c.d.e.f.g.h", { "x.a.b.c.d.e.f.g.h", "b.c.d.e.f.g.h",
	    "c.d.e.f.g.h", "d.e.f.g.h", "e.f.g.h", "f.g.h", "g.h", "h" } },
	{ "", { NULL } },
};

static void
test_walk(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(walks) / sizeof(walks[0]); i++) {
		const char *out[ORGDOMAIN_WALK_MAX];
		size_t n = orgdomain_walk(walks[i].domain, out), want = 0;

		while (want < ORGDOMAIN_WALK_MAX && walks[i].names[want])
			want++;
		note("walk %s\n", walks[i].domain);
		assert_int_equal(n, want);
		for (size_t k = 0; k < n; k++)
			assert_string_equal(out[k], walks[i].names[k]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors_rules_file),
		cmocka_unit_test(test_vectors_system),
		cmocka_unit_test(test_bad_file),
		cmocka_unit_test(test_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
