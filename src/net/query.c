/* SPDX-License-Identifier: MIT */
/*
 * The query-string parser of query.h. Each piece is decoded into a
 * bounded stack buffer and checked there, byte by byte and then as
 * UTF-8, before anything is copied out; on any error the parameters
 * already kept are freed, so a caller never sees half a query.
 */
#include "net/query.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

static int
query_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0: no
 * overlong forms, no surrogates, nothing above U+10FFFF (RFC 3629). */
static size_t
query_utf8_len(const unsigned char *s, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;
		else if (s[0] == 0xed)
			hi = 0x9f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/*
 * Decode src (n raw bytes) into out (room for QUERY_MAX_VALUE bytes and
 * a NUL). what names the piece in messages ("name", "value of \"x\"").
 * Returns the decoded length, or -1 with a message in err.
 */
static int
query_decode(const char *src, size_t n, char *out, const char *what,
    char *err, size_t errlen)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[i];

		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			int h, l;

			if (n - i < 3 ||
			    (h = query_hex((unsigned char)src[i + 1])) < 0 ||
			    (l = query_hex((unsigned char)src[i + 2])) < 0) {
				char shown[16];

				util_printable(shown, sizeof(shown), src + i,
				    n - i < 3 ? n - i : 3);
				snprintf(err, errlen, "bad %%-escape \"%s\" in "
				    "the %s", shown, what);
				return -1;
			}
			c = (unsigned char)(h << 4 | l);
			i += 2;
		}
		if (c == 0) {
			snprintf(err, errlen, "NUL byte in the %s", what);
			return -1;
		}
		if (c < 0x20 || c == 0x7f) {
			snprintf(err, errlen, "control byte 0x%02x in the %s",
			    c, what);
			return -1;
		}
		if (o == QUERY_MAX_VALUE) {
			snprintf(err, errlen, "the %s is longer than %d bytes",
			    what, QUERY_MAX_VALUE);
			return -1;
		}
		out[o++] = (char)c;
	}
	out[o] = '\0';
	for (size_t i = 0, l; i < o; i += l)
		if ((l = query_utf8_len((const unsigned char *)out + i,
		    o - i)) == 0) {
			snprintf(err, errlen, "invalid UTF-8 in the %s", what);
			return -1;
		}
	return (int)o;
}

int
query_parse(const char *raw, size_t len, struct query *q, char *err,
    size_t errlen)
{
	char name[QUERY_MAX_VALUE + 1], value[QUERY_MAX_VALUE + 1];
	char shown[64], what[96];
	const char *p = raw, *end = raw + len;

	q->n = 0;
	if (len > QUERY_MAX_BYTES) {
		snprintf(err, errlen, "query string longer than %d bytes",
		    QUERY_MAX_BYTES);
		return -1;
	}
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *pend = amp ? amp : end, *eq;
		int nlen, vlen = 0;

		if (pend == p) {	/* "a=1&&b=2": nothing here */
			p = pend + 1;
			continue;
		}
		eq = memchr(p, '=', (size_t)(pend - p));
		if (eq == p) {
			snprintf(err, errlen, "empty parameter name");
			goto fail;
		}
		nlen = query_decode(p, (size_t)((eq ? eq : pend) - p), name,
		    "parameter name", err, errlen);
		if (nlen < 0)
			goto fail;
		util_printable(shown, sizeof(shown), name, (size_t)nlen);
		if (query_get(q, name) != NULL) {
			snprintf(err, errlen, "parameter \"%s\" given more "
			    "than once", shown);
			goto fail;
		}
		if (q->n == QUERY_MAX_PARAMS) {
			snprintf(err, errlen, "more than %d parameters",
			    QUERY_MAX_PARAMS);
			goto fail;
		}
		value[0] = '\0';
		if (eq != NULL) {
			snprintf(what, sizeof(what), "value of \"%s\"", shown);
			vlen = query_decode(eq + 1, (size_t)(pend - eq - 1),
			    value, what, err, errlen);
			if (vlen < 0)
				goto fail;
		}
		q->v[q->n].name = xstrndup(name, (size_t)nlen);
		q->v[q->n].value = xstrndup(value, (size_t)vlen);
		q->n++;
		if (amp == NULL)
			break;
		p = amp + 1;
	}
	return 0;
fail:
	query_clear(q);
	return -1;
}

void
query_clear(struct query *q)
{
	for (size_t i = 0; i < q->n; i++) {
		free(q->v[i].name);
		free(q->v[i].value);
	}
	memset(q, 0, sizeof(*q));
}

const char *
query_get(const struct query *q, const char *name)
{
	for (size_t i = 0; i < q->n; i++)
		if (strcmp(q->v[i].name, name) == 0)
			return q->v[i].value;
	return NULL;
}

int
query_check_names(const struct query *q, const char *const *allowed,
    char *err, size_t errlen)
{
	for (size_t i = 0; i < q->n; i++) {
		const char *const *a;
		char shown[64];

		for (a = allowed; *a != NULL; a++)
			if (strcmp(*a, q->v[i].name) == 0)
				break;
		if (*a == NULL) {
			util_printable(shown, sizeof(shown), q->v[i].name,
			    strlen(q->v[i].name));
			snprintf(err, errlen, "unknown parameter \"%s\"", shown);
			return -1;
		}
	}
	return 0;
}
