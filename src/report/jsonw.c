/* SPDX-License-Identifier: MIT */
#include "report/jsonw.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

void
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

/*
 * What a byte needs in a JSON string, as jansson writes it: nothing
 * (PLAIN), an escape (ESC: control characters, '"' and '\\'), or a look
 * at the UTF-8 sequence it starts (HIGH). DEL goes out as it is.
 */
#define PLAIN	0
#define ESC	1
#define HIGH	2
#define ROW(c)	c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c

static const unsigned char byte_class[256] = {
	ROW(ESC), ROW(ESC),				/* 0x00-0x1f */
	0, 0, ESC, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* '"' */
	ROW(PLAIN), ROW(PLAIN),
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ESC, 0, 0, 0,	/* '\\' */
	ROW(PLAIN), ROW(PLAIN),
	ROW(HIGH), ROW(HIGH), ROW(HIGH), ROW(HIGH),	/* 0x80-0xff */
	ROW(HIGH), ROW(HIGH), ROW(HIGH), ROW(HIGH),
};

#define SWAR_ONES	0x0101010101010101ULL
#define SWAR_HIGHS	0x8080808080808080ULL

/*
 * True when all 8 bytes at p are PLAIN: none below 0x20, '"', '\\' or
 * above 0x7f. The usual has-less-than and has-zero-byte tests on a 64-bit
 * word, without their "& ~v": what that masks is a byte above 0x7f, or a
 * borrow from a lower byte that was itself below the mark, and either is
 * reported anyway. Exact about whether such a byte exists, which is all
 * that is asked.
 */
static inline bool
swar_plain(const char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return ((v | (v - SWAR_ONES * 0x20) |
	    ((v ^ (SWAR_ONES * '"')) - SWAR_ONES) |
	    ((v ^ (SWAR_ONES * '\\')) - SWAR_ONES)) & SWAR_HIGHS) == 0;
}

/* How many bytes at the start of s (n long) are PLAIN: eight at a time;
 * the last, partial word read overlapping the one before (the test only
 * asks whether a byte is there); one by one only for short strings and
 * to find the first byte that is not PLAIN. */
static inline size_t
plain_span(const char *s, size_t n)
{
	size_t i = 0;

	if (n >= 8) {
		while (n - i >= 8 && swar_plain(s + i))
			i += 8;
		if (n - i < 8 && swar_plain(s + n - 8))
			return n;
	}
	while (i < n && byte_class[(unsigned char)s[i]] == PLAIN)
		i++;
	return i;
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

/* The escape of an ESC byte: \b \f \n \r \t \" \\ by name, the rest as
 * \u00XX, as jansson writes them. */
static void
jsonw_escape(struct jsonw *w, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

	switch (c) {
	case '"':  esc[1] = '"'; break;
	case '\\': esc[1] = '\\'; break;
	case '\b': esc[1] = 'b'; break;
	case '\f': esc[1] = 'f'; break;
	case '\n': esc[1] = 'n'; break;
	case '\r': esc[1] = 'r'; break;
	case '\t': esc[1] = 't'; break;
	default:
		jsonw_put_raw(w, esc, 6);
		return;
	}
	jsonw_put_raw(w, esc, 2);
}

/*
 * The rest of a string from its first byte that is not PLAIN, i: ESC
 * bytes escaped, PLAIN runs copied whole. HIGH bytes go out as they are
 * when the caller vouches for them (jansson's strings are UTF-8); with
 * repair, a byte that starts no valid sequence becomes '?'.
 */
static void
jsonw_string_slow(struct jsonw *w, const char *s, size_t n, size_t i,
    bool repair)
{
	size_t run = 0;

	jsonw_put_char(w, '"');
	while (i < n) {
		unsigned char c = (unsigned char)s[i];

		if (byte_class[c] == ESC) {
			jsonw_put_raw(w, s + run, i - run);
			jsonw_escape(w, c);
			run = ++i;
		} else if (!repair) {
			i++;
		} else {
			size_t k = utf8_seq((const unsigned char *)s + i,
			    n - i);

			if (k == 0) {
				jsonw_put_raw(w, s + run, i - run);
				jsonw_put_char(w, '?');
				run = ++i;
			} else {
				i += k;
			}
		}
		i += plain_span(s + i, n - i);
	}
	jsonw_put_raw(w, s + run, n - run);
	jsonw_put_char(w, '"');
}

/* s (n bytes, all PLAIN) between quotes, then tail if not NUL: one
 * room check, one copy. */
static inline void
jsonw_quoted_plain(struct jsonw *w, const char *s, size_t n, char tail)
{
	size_t need = n + 2 + (tail != '\0');
	char *p;

	if (need > w->cap - w->len)
		jsonw_grow(w, need);
	p = w->buf + w->len;
	p[0] = '"';
	memcpy(p + 1, s, n);
	p[n + 1] = '"';
	if (tail != '\0')
		p[n + 2] = tail;
	w->len += need;
}

/* s (n bytes) as a JSON string, as jansson writes it. Most strings are
 * all PLAIN: one scan, one copy between the quotes. */
static inline void
jsonw_string(struct jsonw *w, const char *s, size_t n, bool repair)
{
	size_t i = plain_span(s, n);

	if (i < n) {
		jsonw_string_slow(w, s, n, i, repair);
		return;
	}
	jsonw_quoted_plain(w, s, n, '\0');
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
	jsonw_put_raw(w, p, (size_t)(tmp + sizeof(tmp) - p));
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

		jsonw_put_char(w, '{');
		json_object_foreach((json_t *)(uintptr_t)v, key, val) {
			if (!first)
				jsonw_put_char(w, ',');
			first = false;
			jsonw_string(w, key, strlen(key), false);
			jsonw_put_char(w, ':');
			if (jsonw_value(w, val, depth + 1) != 0)
				return -1;
		}
		jsonw_put_char(w, '}');
		return 0;
	}
	case JSON_ARRAY:
		jsonw_put_char(w, '[');
		for (size_t i = 0; i < json_array_size(v); i++) {
			if (i > 0)
				jsonw_put_char(w, ',');
			if (jsonw_value(w, json_array_get(v, i), depth + 1) != 0)
				return -1;
		}
		jsonw_put_char(w, ']');
		return 0;
	case JSON_STRING:
		jsonw_string(w, json_string_value(v), json_string_length(v),
		    false);
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
		jsonw_put_raw(w, tmp, n);
		return 0;
	}
	case JSON_TRUE:
		jsonw_put_raw(w, "true", 4);
		return 0;
	case JSON_FALSE:
		jsonw_put_raw(w, "false", 5);
		return 0;
	case JSON_NULL:
		jsonw_put_raw(w, "null", 4);
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
jsonw_put_string(struct jsonw *w, const char *s)
{
	jsonw_string(w, s, strlen(s), true);
}

void
jsonw_put_key(struct jsonw *w, const char *key)
{
	size_t n = 0;

	/* NUL is not PLAIN: one pass finds the end, or a byte that needs
	 * the general writer. */
	while (byte_class[(unsigned char)key[n]] == PLAIN)
		n++;
	if (key[n] != '\0') {
		jsonw_put_string(w, key);
		jsonw_put_char(w, ':');
		return;
	}
	jsonw_quoted_plain(w, key, n, ':');
}

bool
jsonw_utf8_valid(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t k;

		/* ASCII runs need no look. */
		for (; n - i >= 8; i += 8) {
			uint64_t v;

			memcpy(&v, s + i, 8);
			if (v & SWAR_HIGHS)
				break;
		}
		for (; i < n && (unsigned char)s[i] < 0x80; i++)
			;
		if (i == n)
			break;
		if ((k = utf8_seq((const unsigned char *)s + i, n - i)) == 0)
			return false;
		i += k;
	}
	return true;
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
