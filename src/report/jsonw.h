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
#include <stddef.h>

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
/* Append a newline (JSON Lines). */
void jsonw_put_newline(struct jsonw *w);
/* Pieces, for writers that make JSON text themselves (report/emit.c):
 * n bytes as they are, a string quoted and escaped (s must be UTF-8, as
 * every jansson string is), an integer. */
void jsonw_put_raw(struct jsonw *w, const char *s, size_t n);
void jsonw_put_string(struct jsonw *w, const char *s);
void jsonw_put_integer(struct jsonw *w, long long v);
/* Free the buffer; the struct may be reused. */
void jsonw_free(struct jsonw *w);

#endif
