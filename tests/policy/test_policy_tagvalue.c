/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the RFC 6376 §3.2 tag=value parser: whitespace and FWS,
 * empty values, duplicates, bad names and bytes, empty tag-specs, and the
 * caps. One table row per input.
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

#include "policy/tagvalue.h"

struct tv_case {
	const char	*in;
	size_t		 len;		/* 0: strlen(in) */
	enum tagvalue_status st;
	size_t		 ntags;
	unsigned	 lflags;	/* expected list flags (exact) */
	const char	*name0, *value0;
	unsigned	 flags0;	/* expected flags of tag 0 (exact) */
	const char	*name1, *value1;
	unsigned	 flags1;
};

#define F_WS	TAGVALUE_F_WS_EQUALS
#define F_IN	TAGVALUE_F_INNER_WS

static const struct tv_case cases[] = {
	{ "v=DMARC1; p=none", 0, TAGVALUE_OK, 2, 0, "v", "DMARC1", 0,
	    "p", "none", 0 },
	{ "v=DMARC1; p=none;", 0, TAGVALUE_OK, 2, TAGVALUE_L_TRAILING, "v",
	    "DMARC1", 0, "p", "none", 0 },
	{ "  v = DMARC1 ;p=  none  ;  ", 0, TAGVALUE_OK, 2,
	    TAGVALUE_L_TRAILING, "v", "DMARC1", F_WS, "p", "none", F_WS },
	{ "a=1\r\n ; b=x y", 0, TAGVALUE_OK, 2, 0, "a", "1", 0, "b", "x y",
	    F_IN },
	{ "a=1 \r\n 2", 0, TAGVALUE_OK, 1, 0, "a", "1 \r\n 2", F_IN , NULL, NULL, 0 },
	{ "a=1\r\n", 0, TAGVALUE_OK, 1, TAGVALUE_L_SYNTAX, "a", "1\r\n",
	    TAGVALUE_F_BADVALUE , NULL, NULL, 0 },
	{ "a=;b", 0, TAGVALUE_OK, 2, TAGVALUE_L_SYNTAX, "a", "",
	    TAGVALUE_F_EMPTY, "b", "", TAGVALUE_F_NOEQUALS | TAGVALUE_F_EMPTY },
	{ "a=1;;b=2", 0, TAGVALUE_OK, 2, TAGVALUE_L_EMPTY_SPEC, "a", "1", 0,
	    "b", "2", 0 },
	{ ";a=1", 0, TAGVALUE_OK, 1, TAGVALUE_L_EMPTY_SPEC, "a", "1", 0 , NULL, NULL, 0 },
	{ "a=1; a=2", 0, TAGVALUE_OK, 2, TAGVALUE_L_DUPLICATE, "a", "1", 0,
	    "a", "2", TAGVALUE_F_DUPLICATE },
	{ "a=1; A=2", 0, TAGVALUE_OK, 2, 0, "a", "1", 0, "A", "2", 0 },
	{ "1a=x; a_b9=y", 0, TAGVALUE_OK, 2, TAGVALUE_L_SYNTAX, "1a", "x",
	    TAGVALUE_F_BADNAME, "a_b9", "y", 0 },
	{ "=x", 0, TAGVALUE_OK, 1, TAGVALUE_L_SYNTAX, "", "x",
	    TAGVALUE_F_BADNAME , NULL, NULL, 0 },
	{ "a-b=x", 0, TAGVALUE_OK, 1, TAGVALUE_L_SYNTAX, "a-b", "x",
	    TAGVALUE_F_BADNAME , NULL, NULL, 0 },
	{ "a=x=y", 0, TAGVALUE_OK, 1, 0, "a", "x=y", 0 , NULL, NULL, 0 },
	{ "a=\x01", 0, TAGVALUE_OK, 1, TAGVALUE_L_SYNTAX, "a", "\x01",
	    TAGVALUE_F_BADVALUE , NULL, NULL, 0 },
	{ "a=\xc3\xa9", 0, TAGVALUE_OK, 1, TAGVALUE_L_SYNTAX, "a",
	    "\xc3\xa9", TAGVALUE_F_BADVALUE , NULL, NULL, 0 },
	{ "a=b\0c; d=e", 10, TAGVALUE_OK, 2, TAGVALUE_L_SYNTAX, "a", "b",
	    TAGVALUE_F_BADVALUE, "d", "e", 0 },
	{ "", 0, TAGVALUE_E_EMPTY, 0, 0, NULL, NULL, 0 , NULL, NULL, 0 },
	{ "   \t ", 0, TAGVALUE_E_EMPTY, 0, 0, NULL, NULL, 0 , NULL, NULL, 0 },
	{ ";", 0, TAGVALUE_E_EMPTY, 0, TAGVALUE_L_EMPTY_SPEC |
	    TAGVALUE_L_TRAILING, NULL, NULL, 0 , NULL, NULL, 0 },
	{ "abcdefghijklmnopqrstuvwxyzabcdefg=1", 0, TAGVALUE_OK, 1,
	    TAGVALUE_L_SYNTAX, "abcdefghijklmnopqrstuvwxyzabcdefg", "1",
	    TAGVALUE_F_BADNAME , NULL, NULL, 0 },
};

/* value is compared as a prefix: the NUL case keeps bytes after it. */
static void
check_tag(const struct tagvalue_tag *t, const char *name, const char *value,
    unsigned flags)
{
	if (name == NULL)
		return;
	assert_string_equal(t->name, name);
	assert_true(t->value_len >= strlen(value));
	assert_memory_equal(t->value, value, strlen(value));
	assert_int_equal(t->flags, flags);
}

static void
test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tv_case *c = &cases[i];
		struct tagvalue_list l;
		size_t len = c->len ? c->len : strlen(c->in);

		note("case %zu\n", i);
		assert_int_equal(tagvalue_parse(c->in, len, NULL, &l), c->st);
		assert_int_equal(l.ntags, c->ntags);
		assert_int_equal(l.flags, c->lflags);
		if (c->ntags > 0)
			check_tag(&l.tags[0], c->name0, c->value0, c->flags0);
		if (c->ntags > 1)
			check_tag(&l.tags[1], c->name1, c->value1, c->flags1);
		tagvalue_list_clear(&l);
	}
}

static void
test_icase_and_get(void **state)
{
	struct tagvalue_limits lim = { 100, 4, 8, 8, true };
	struct tagvalue_list l;
	const struct tagvalue_tag *t;

	(void)state;
	tagvalue_parse("V=1; p=a; P=b", 13, &lim, &l);
	assert_true(l.flags & TAGVALUE_L_DUPLICATE);
	t = tagvalue_get(&l, "p");
	assert_non_null(t);
	assert_string_equal(t->value, "a");
	assert_non_null(tagvalue_get(&l, "v"));
	assert_null(tagvalue_get(&l, "x"));
	tagvalue_list_clear(&l);

	/* Caps: more tags than allowed, a value too long, input too long. */
	assert_int_equal(tagvalue_parse("a=1;b=2;c=3;d=4;e=5", 19, &lim, &l),
	    TAGVALUE_E_TOOMANY);
	assert_int_equal(l.ntags, 4);
	tagvalue_list_clear(&l);
	tagvalue_parse("a=123456789", 11, &lim, &l);
	assert_true(l.tags[0].flags & TAGVALUE_F_TOOLONG);
	assert_non_null(tagvalue_problem(l.tags[0].flags));
	tagvalue_list_clear(&l);
	lim.input_max = 5;
	assert_int_equal(tagvalue_parse("a=123", 5, &lim, &l), TAGVALUE_OK);
	tagvalue_list_clear(&l);
	assert_int_equal(tagvalue_parse("a=1234", 6, &lim, &l),
	    TAGVALUE_E_TOOLONG);
	assert_int_equal(l.ntags, 0);
	tagvalue_list_clear(&l);
	tagvalue_list_clear(NULL);
	assert_null(tagvalue_problem(TAGVALUE_F_WS_EQUALS));
	assert_string_equal(tagvalue_strerror(TAGVALUE_E_EMPTY),
	    "empty tag list");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_icase_and_get),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
