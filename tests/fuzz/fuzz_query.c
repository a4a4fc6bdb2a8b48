/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the query-string parser of `mxdiag serve`
 * (net/query.c). Broken invariants crash: a refusal says why in printable
 * text and leaves the query empty; on success every name and value is
 * within its cap, free of control bytes, and percent-encoding the
 * parameters then parsing them again gives the same parameters.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e)
			abort();
}

static void
check_text(const char *s)
{
	size_t len;

	if (s == NULL)
		abort();
	/* Within the cap, and the string ends at its NUL: strnlen would
	 * read past a missing one, which ASan reports. */
	len = strlen(s);
	if (len > QUERY_MAX_VALUE)
		abort();
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			abort();
}

/*
 * Encode s onto out as little as possible: a space as '+', and '%', '&',
 * '+' (and '=' in a name) as %XX; every other byte as itself. None of the
 * escaped bytes can come from one raw byte of a query that parsed, so
 * the encoding is never longer than the text it was decoded from.
 */
static size_t
encode(char *out, size_t o, const char *s, bool name)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == ' ') {
			out[o++] = '+';
		} else if (c == '%' || c == '&' || c == '+' ||
		    (name && c == '=')) {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		} else {
			out[o++] = (char)c;
		}
	}
	return o;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Room for the worst case of encode() (3 bytes a decoded byte,
	 * '=' and '&'), though it never exceeds the input: checked below. */
	static char again[QUERY_MAX_PARAMS * (2 * 3 * QUERY_MAX_VALUE + 2)];
	static const char *const allowed[] = { "target", "port", NULL };
	struct query q, r;
	char err[256];
	size_t o = 0;

	err[0] = '\0';
	if (query_parse((const char *)data, size, &q, err, sizeof(err)) != 0) {
		if (err[0] == '\0' || q.n != 0)
			abort();
		check_printable(err);
		return 0;
	}
	if (size > QUERY_MAX_BYTES || q.n > QUERY_MAX_PARAMS)
		abort();
	for (size_t i = 0; i < q.n; i++) {
		check_text(q.v[i].name);
		check_text(q.v[i].value);
		if (q.v[i].name[0] == '\0')
			abort();
		if (query_get(&q, q.v[i].name) != q.v[i].value)
			abort();	/* a repeated name got through */
		if (i > 0)
			again[o++] = '&';
		o = encode(again, o, q.v[i].name, true);
		if (q.v[i].value[0] != '\0') {
			again[o++] = '=';
			o = encode(again, o, q.v[i].value, false);
		}
	}
	err[0] = '\0';
	if (query_check_names(&q, allowed, err, sizeof(err)) != 0)
		check_printable(err);

	if (o > size)
		abort();	/* see encode() */
	if (query_parse(again, o, &r, err, sizeof(err)) != 0 || r.n != q.n)
		abort();
	for (size_t i = 0; i < q.n; i++)
		if (strcmp(q.v[i].name, r.v[i].name) != 0 ||
		    strcmp(q.v[i].value, r.v[i].value) != 0)
			abort();
	query_clear(&r);
	query_clear(&q);
	return 0;
}
