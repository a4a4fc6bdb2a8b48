/* SPDX-License-Identifier: MIT */
/*
 * Compact serialization of a jansson tree into a reusable buffer, byte for
 * byte what json_dumpb(JSON_COMPACT) writes. jansson's own dumper guards
 * every object and array against cycles with a formatted pointer in a hash
 * table, which made it a quarter of the CPU of `mxdiag bulk`; our trees are
 * built by us, acyclic and shallow, so a plain recursive walk suffices.
 */
#ifndef MXDIAG_REPORT_JSONW_H
#define MXDIAG_REPORT_JSONW_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define JSONW_DEPTH_MAX	32	/* deeper trees are refused */

struct jsonw {
	char	*buf;		/* owned; not NUL-terminated */
	size_t	 len;
	size_t	 cap;
};

/* Empty the buffer, keeping its memory. */
void jsonw_reset(struct jsonw *w);
/* Append v, compact. Returns 0, or -1 for a tree deeper than
 * JSONW_DEPTH_MAX or a real that is not finite (w is left as it was). */
int jsonw_dump(struct jsonw *w, const json_t *v);
/* Make room for more bytes after len (the rare case of the inline
 * writers below, kept out of line). */
void jsonw_grow(struct jsonw *w, size_t more);

/* Pieces, for writers that make JSON text themselves (report/emit.c):
 * n bytes as they are, one byte, a newline (JSON Lines). Inline: they
 * are called for every comma and colon of a bulk line. */
static inline void
jsonw_put_raw(struct jsonw *w, const char *s, size_t n)
{
	if (n > w->cap - w->len)
		jsonw_grow(w, n);
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static inline void
jsonw_put_char(struct jsonw *w, char c)
{
	if (w->cap == w->len)
		jsonw_grow(w, 1);
	w->buf[w->len++] = c;
}

static inline void
jsonw_put_newline(struct jsonw *w)
{
	jsonw_put_char(w, '\n');
}

/* A string quoted and escaped. JSON text must be UTF-8: a byte that
 * starts no valid sequence is written as '?' (jansson would refuse the
 * whole string). */
void jsonw_put_string(struct jsonw *w, const char *s);
/* A member's key and its colon: the same as jsonw_put_string() and ':',
 * quicker for the short plain names of our own keys. */
void jsonw_put_key(struct jsonw *w, const char *key);
/* An integer. */
void jsonw_put_integer(struct jsonw *w, long long v);
/* True when the n bytes at s are UTF-8 as jansson takes it (no overlongs,
 * no surrogates, nothing past U+10FFFF): what json_stringn() accepts. */
bool jsonw_utf8_valid(const char *s, size_t n);
/* Free the buffer; the struct may be reused. */
void jsonw_free(struct jsonw *w);

#endif
