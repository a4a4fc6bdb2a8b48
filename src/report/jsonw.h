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
/* Free the buffer; the struct may be reused. */
void jsonw_free(struct jsonw *w);

#endif
