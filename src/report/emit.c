/* SPDX-License-Identifier: MIT */
#include "report/emit.h"

#include <stdlib.h>
#include <string.h>

void
emit_init_tree(struct emit *e, json_t *obj)
{
	memset(e, 0, sizeof(*e));
	e->stack[0] = obj;
}

void
emit_init_text(struct emit *e, struct jsonw *w, int nfields)
{
	memset(e, 0, sizeof(*e));
	e->w = w;
	e->count[0] = nfields;
}

/* Text: the separator and the key of the next member. */
static void
emit_text_key(struct emit *e, const char *key)
{
	if (e->count[e->depth]++ > 0)
		jsonw_put_char(e->w, ',');
	if (key != NULL)
		jsonw_put_key(e->w, key);
}

/* Tree: put v (stolen) into the open container. */
static void
emit_tree_put(struct emit *e, const char *key, json_t *v)
{
	json_t *c = e->stack[e->depth];

	if (json_is_array(c))
		json_array_append_new(c, v);
	else
		json_object_set_new(c, key, v);
}

void
emit_str(struct emit *e, const char *key, const char *v)
{
	if (v == NULL) {
		emit_null(e, key);
		return;
	}
	if (e->w == NULL) {
		emit_tree_put(e, key, json_string(v));
		return;
	}
	emit_text_key(e, key);
	jsonw_put_string(e->w, v);
}

void
emit_str_or_null(struct emit *e, const char *key, const char *v)
{
	emit_str(e, key, v != NULL && v[0] != '\0' ? v : NULL);
}

void
emit_int(struct emit *e, const char *key, long long v)
{
	if (e->w == NULL) {
		emit_tree_put(e, key, json_integer(v));
		return;
	}
	emit_text_key(e, key);
	jsonw_put_integer(e->w, v);
}

void
emit_bool(struct emit *e, const char *key, bool v)
{
	if (e->w == NULL) {
		emit_tree_put(e, key, json_boolean(v));
		return;
	}
	emit_text_key(e, key);
	jsonw_put_raw(e->w, v ? "true" : "false", v ? 4 : 5);
}

void
emit_null(struct emit *e, const char *key)
{
	if (e->w == NULL) {
		emit_tree_put(e, key, json_null());
		return;
	}
	emit_text_key(e, key);
	jsonw_put_raw(e->w, "null", 4);
}

void
emit_json(struct emit *e, const char *key, json_t *v)
{
	if (e->w == NULL) {
		emit_tree_put(e, key, v);
		return;
	}
	emit_text_key(e, key);
	/* Our own trees are shallow; a refusal would be a bug, and null
	 * keeps the line valid JSON. */
	if (jsonw_dump(e->w, v) != 0)
		jsonw_put_raw(e->w, "null", 4);
	json_decref(v);
}

static void
emit_begin(struct emit *e, const char *key, bool array)
{
	if (e->depth + 1 >= EMIT_DEPTH_MAX)
		abort();	/* a renderer bug, not input */
	if (e->w == NULL) {
		json_t *c = array ? json_array() : json_object();

		emit_tree_put(e, key, c);
		e->stack[++e->depth] = c;
		return;
	}
	emit_text_key(e, key);
	jsonw_put_char(e->w, array ? '[' : '{');
	e->stack[++e->depth] = array ? (json_t *)e : NULL;	/* kind */
	e->count[e->depth] = 0;
}

void
emit_array_begin(struct emit *e, const char *key)
{
	emit_begin(e, key, true);
}

void
emit_object_begin(struct emit *e, const char *key)
{
	emit_begin(e, key, false);
}

void
emit_end(struct emit *e)
{
	if (e->depth == 0)
		abort();
	if (e->w != NULL)
		jsonw_put_char(e->w, e->stack[e->depth] != NULL ? ']' : '}');
	e->depth--;
}
