/* SPDX-License-Identifier: MIT */
#include "report/jsonw.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

static void
jsonw_grow(struct jsonw *w, size_t more)
{
	size_t cap = w->cap ? w->cap : 1024;

	if (more > SIZE_MAX / 2 - w->len)
		abort();
	while (cap - w->len < more)
		cap *= 2;
	if (cap != w->cap) {
		w->buf = xreallocarray(w->buf, cap, 1);
		w->cap = cap;
	}
}

static inline void
jsonw_put(struct jsonw *w, const char *s, size_t n)
{
	if (w->cap - w->len < n)
		jsonw_grow(w, n);
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static inline void
jsonw_putc(struct jsonw *w, char c)
{
	if (w->cap == w->len)
		jsonw_grow(w, 1);
	w->buf[w->len++] = c;
}

#define SWAR_ONES	0x0101010101010101ULL
#define SWAR_HIGHS	0x8080808080808080ULL

/* True when none of the 8 bytes at p is below 0x20, '"' or '\\' (the
 * has-less-than and has-zero-byte tests on a 64-bit word: exact about
 * whether such a byte exists, which is all that is asked). */
static inline bool
swar_plain(const char *p)
{
	uint64_t v, q, b;

	memcpy(&v, p, 8);
	q = v ^ (SWAR_ONES * '"');
	b = v ^ (SWAR_ONES * '\\');
	return ((((v - SWAR_ONES * 0x20) & ~v) | ((q - SWAR_ONES) & ~q) |
	    ((b - SWAR_ONES) & ~b)) & SWAR_HIGHS) == 0;
}

/* A string as jansson writes it: ", \ and control characters escaped
 * (\b \f \n \r \t by name, the rest as \u00XX), everything else,
 * UTF-8 included, as is. */
static void
jsonw_string(struct jsonw *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t run = 0;

	jsonw_putc(w, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c;
		char esc[6];
		size_t elen = 2;

		/* Eight bytes at a time while none needs escaping. */
		while (n - i >= 8 && swar_plain(s + i))
			i += 8;
		if (i == n)
			break;
		c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		jsonw_put(w, s + run, i - run);
		run = i + 1;
		esc[0] = '\\';
		switch (c) {
		case '"':  esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			elen = 6;
			break;
		}
		jsonw_put(w, esc, elen);
	}
	jsonw_put(w, s + run, n - run);
	jsonw_putc(w, '"');
}

static void
jsonw_integer(struct jsonw *w, json_int_t v)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	/* Negate in unsigned arithmetic: JSON_INTEGER_MIN has no positive. */
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	jsonw_put(w, p, (size_t)(tmp + sizeof(tmp) - p));
}

static int
jsonw_value(struct jsonw *w, const json_t *v, int depth)
{
	if (depth > JSONW_DEPTH_MAX)
		return -1;
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *key;
		json_t *val;
		bool first = true;

		jsonw_putc(w, '{');
		json_object_foreach((json_t *)(uintptr_t)v, key, val) {
			if (!first)
				jsonw_putc(w, ',');
			first = false;
			jsonw_string(w, key, strlen(key));
			jsonw_putc(w, ':');
			if (jsonw_value(w, val, depth + 1) != 0)
				return -1;
		}
		jsonw_putc(w, '}');
		return 0;
	}
	case JSON_ARRAY:
		jsonw_putc(w, '[');
		for (size_t i = 0; i < json_array_size(v); i++) {
			if (i > 0)
				jsonw_putc(w, ',');
			if (jsonw_value(w, json_array_get(v, i), depth + 1) != 0)
				return -1;
		}
		jsonw_putc(w, ']');
		return 0;
	case JSON_STRING:
		jsonw_string(w, json_string_value(v), json_string_length(v));
		return 0;
	case JSON_INTEGER:
		jsonw_integer(w, json_integer_value(v));
		return 0;
	case JSON_REAL: {
		/* Rare in our reports: let jansson format it, so that the
		 * digits are exactly its own. */
		char tmp[64];
		size_t n;

		if (!isfinite(json_real_value(v)))
			return -1;
		n = json_dumpb(v, tmp, sizeof(tmp), JSON_COMPACT |
		    JSON_ENCODE_ANY);
		if (n == 0 || n > sizeof(tmp))
			return -1;
		jsonw_put(w, tmp, n);
		return 0;
	}
	case JSON_TRUE:
		jsonw_put(w, "true", 4);
		return 0;
	case JSON_FALSE:
		jsonw_put(w, "false", 5);
		return 0;
	case JSON_NULL:
		jsonw_put(w, "null", 4);
		return 0;
	}
	return -1;
}

void
jsonw_reset(struct jsonw *w)
{
	w->len = 0;
}

int
jsonw_dump(struct jsonw *w, const json_t *v)
{
	size_t start = w->len;

	if (v == NULL || jsonw_value(w, v, 0) != 0) {
		w->len = start;
		return -1;
	}
	return 0;
}

void
jsonw_put_newline(struct jsonw *w)
{
	jsonw_putc(w, '\n');
}

void
jsonw_put_raw(struct jsonw *w, const char *s, size_t n)
{
	jsonw_put(w, s, n);
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if none:
 * no overlongs, no surrogates, nothing past U+10FFFF. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

void
jsonw_put_string(struct jsonw *w, const char *s)
{
	size_t n = strlen(s), i;
	char *fixed;

	for (i = 0; n - i >= 8; i += 8) {
		uint64_t v;

		memcpy(&v, s + i, 8);
		if (v & SWAR_HIGHS)
			break;
	}
	for (; i < n && (unsigned char)s[i] < 0x80; i++)
		;
	if (i == n) {
		jsonw_string(w, s, n);	/* ASCII: the common case */
		return;
	}
	/* JSON text must be UTF-8: a byte that starts no valid sequence
	 * becomes '?' (jansson would refuse the whole string). */
	fixed = xstrdup(s);
	while (i < n) {
		size_t k = utf8_seq((const unsigned char *)fixed + i, n - i);

		if (k == 0) {
			fixed[i++] = '?';
			continue;
		}
		i += k;
	}
	jsonw_string(w, fixed, n);
	free(fixed);
}

void
jsonw_put_integer(struct jsonw *w, long long v)
{
	jsonw_integer(w, (json_int_t)v);
}

void
jsonw_free(struct jsonw *w)
{
	free(w->buf);
	memset(w, 0, sizeof(*w));
}
