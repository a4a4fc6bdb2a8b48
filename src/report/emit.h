/* SPDX-License-Identifier: MIT */
/*
 * Where a report's fields go: into a jansson object being built (the
 * reports of `check`, which are parts of a larger document), or straight
 * into JSON text (the lines of `mxdiag bulk`, written by the hundred
 * thousand: building a tree only to print and free it was a third of
 * bulk's own CPU). The renderer of an address's summary is written once,
 * against this interface, so both outputs carry the same fields.
 */
#ifndef MXDIAG_REPORT_EMIT_H
#define MXDIAG_REPORT_EMIT_H

#include <jansson.h>
#include <stdbool.h>

#include "report/jsonw.h"

#define EMIT_DEPTH_MAX	8

struct emit {
	struct jsonw	*w;		/* text mode when set */
	json_t		*stack[EMIT_DEPTH_MAX];	/* tree mode containers */
	int		 count[EMIT_DEPTH_MAX];	/* text mode: members so far */
	int		 depth;		/* the open container: stack[depth] */
};

/* Fill obj (borrowed; it stays the caller's). */
void emit_init_tree(struct emit *e, json_t *obj);
/* Append to w an object's members: the caller has written '{' and
 * nfields members before, and writes '}' after. */
void emit_init_text(struct emit *e, struct jsonw *w, int nfields);

/* In an object, key names the member; in an array, key must be NULL. */
void emit_str(struct emit *e, const char *key, const char *v);	/* NULL: null */
void emit_str_or_null(struct emit *e, const char *key, const char *v);	/* "": null */
void emit_int(struct emit *e, const char *key, long long v);
void emit_bool(struct emit *e, const char *key, bool v);
void emit_null(struct emit *e, const char *key);
void emit_json(struct emit *e, const char *key, json_t *v);	/* steals v */
void emit_array_begin(struct emit *e, const char *key);
void emit_object_begin(struct emit *e, const char *key);
void emit_end(struct emit *e);	/* closes the innermost array or object */

#endif
