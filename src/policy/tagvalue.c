/* SPDX-License-Identifier: MIT */
/*
 * The RFC 6376 §3.2 tag=value list parser. Every tag-spec is parsed on its
 * own (';' cannot occur in a value, so splitting on it first is exact) and
 * its problems are recorded as flags; only caps stop the parse. FWS is
 * SP, HTAB, or CRLF followed by SP/HTAB; a bare CR or LF is a bad byte.
 */
#include "policy/tagvalue.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/util.h"

static const struct tagvalue_limits tagvalue_defaults = {
	TAGVALUE_INPUT_MAX, TAGVALUE_TAGS_MAX, TAGVALUE_NAME_MAX,
	TAGVALUE_VALUE_MAX, false,
};

const char *
tagvalue_strerror(enum tagvalue_status st)
{
	switch (st) {
	case TAGVALUE_OK:
		return "ok";
	case TAGVALUE_E_EMPTY:
		return "empty tag list";
	case TAGVALUE_E_TOOLONG:
		return "tag list too long";
	case TAGVALUE_E_TOOMANY:
		return "too many tags";
	}
	return "unknown status";
}

const char *
tagvalue_problem(unsigned flags)
{
	if (flags & TAGVALUE_F_NOEQUALS)
		return "no '=' after the tag name";
	if (flags & TAGVALUE_F_BADNAME)
		return "a tag name must be a letter followed by letters, "
		    "digits or '_'";
	if (flags & TAGVALUE_F_BADVALUE)
		return "the value holds a byte that is not printable ASCII "
		    "(a control character, 8-bit byte or line break)";
	if (flags & TAGVALUE_F_TOOLONG)
		return "the value is too long";
	if (flags & TAGVALUE_F_DUPLICATE)
		return "the tag appears more than once";
	return NULL;
}

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* Length of the FWS element starting at in[i] (end exclusive): 1 for
 * SP/HTAB, 2 for a CRLF followed by SP/HTAB, 0 otherwise. */
static size_t
fws_len(const char *in, size_t i, size_t end)
{
	if (i < end && is_wsp(in[i]))
		return 1;
	if (i + 2 < end && in[i] == '\r' && in[i + 1] == '\n' &&
	    is_wsp(in[i + 2]))
		return 2;
	return 0;
}

static size_t
trim_left(const char *in, size_t s, size_t e)
{
	size_t n;

	while (s < e && (n = fws_len(in, s, e)) > 0)
		s += n;
	return s;
}

static size_t
trim_right(const char *in, size_t s, size_t e)
{
	bool after_wsp = false;

	for (;;) {
		if (e > s && is_wsp(in[e - 1])) {
			e--;
			after_wsp = true;
		} else if (after_wsp && e - s >= 2 && in[e - 2] == '\r' &&
		    in[e - 1] == '\n') {
			e -= 2;
			after_wsp = false;
		} else {
			return e;
		}
	}
}

static char *
dup_bytes(const char *s, size_t len)
{
	char *p = xcalloc(len + 1, 1);

	memcpy(p, s, len);
	return p;
}

static bool
alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
name_ok(const char *s, size_t len, size_t max)
{
	if (len == 0 || len > max || !alpha((unsigned char)s[0]))
		return false;
	for (size_t i = 1; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!alpha(c) && !(c >= '0' && c <= '9') && c != '_')
			return false;
	}
	return true;
}

/* Flags for the value bytes in[s, e) (already trimmed). */
static unsigned
value_flags(const char *in, size_t s, size_t e)
{
	unsigned f = 0;

	for (size_t i = s; i < e; ) {
		unsigned char c = (unsigned char)in[i];
		size_t n;

		if ((c >= 0x21 && c <= 0x3a) || (c >= 0x3c && c <= 0x7e)) {
			i++;
		} else if ((n = fws_len(in, i, e)) > 0) {
			f |= TAGVALUE_F_INNER_WS;
			i += n;
		} else {
			f |= TAGVALUE_F_BADVALUE;
			i++;
		}
	}
	return f;
}

static bool
names_equal(const struct tagvalue_list *l, const char *a, const char *b)
{
	return l->icase ? strcasecmp(a, b) == 0 : strcmp(a, b) == 0;
}

/* Flag t (the newest tag of l) when an earlier tag has its name. */
static void
mark_duplicate(struct tagvalue_list *l, struct tagvalue_tag *t)
{
	if (t->flags & TAGVALUE_F_BADNAME)
		return;
	for (size_t i = 0; i + 1 < l->ntags; i++) {
		const struct tagvalue_tag *o = &l->tags[i];

		if (!(o->flags & TAGVALUE_F_BADNAME) &&
		    names_equal(l, o->name, t->name)) {
			t->flags |= TAGVALUE_F_DUPLICATE;
			return;
		}
	}
}

/* Parse the tag-spec in[s, e) (untrimmed) into a new tag of l. */
static void
parse_spec(struct tagvalue_list *l, const struct tagvalue_limits *lim,
    const char *in, size_t s, size_t e)
{
	struct tagvalue_tag *t = &l->tags[l->ntags++];
	size_t ts = trim_left(in, s, e), te = trim_right(in, ts, e);
	const char *eq = memchr(in + ts, '=', te - ts);
	size_t ne, vs;

	memset(t, 0, sizeof(*t));
	t->offset = ts;
	if (eq == NULL) {
		t->flags |= TAGVALUE_F_NOEQUALS | TAGVALUE_F_EMPTY;
		t->name = dup_bytes(in + ts, te - ts);
		t->name_len = te - ts;
		t->value = dup_bytes("", 0);
		if (!name_ok(in + ts, te - ts, lim->name_max))
			t->flags |= TAGVALUE_F_BADNAME;
		mark_duplicate(l, t);
		return;
	}
	ne = trim_right(in, ts, (size_t)(eq - in));
	vs = trim_left(in, (size_t)(eq - in) + 1, te);
	if (ne != (size_t)(eq - in) || vs != (size_t)(eq - in) + 1)
		t->flags |= TAGVALUE_F_WS_EQUALS;
	t->name = dup_bytes(in + ts, ne - ts);
	t->name_len = ne - ts;
	if (!name_ok(in + ts, ne - ts, lim->name_max))
		t->flags |= TAGVALUE_F_BADNAME;
	t->value_len = te - vs;
	t->value = dup_bytes(in + vs, t->value_len);
	if (t->value_len == 0)
		t->flags |= TAGVALUE_F_EMPTY;
	if (t->value_len > lim->value_max)
		t->flags |= TAGVALUE_F_TOOLONG;
	t->flags |= value_flags(in, vs, te);
	mark_duplicate(l, t);
}

enum tagvalue_status
tagvalue_parse(const char *in, size_t len, const struct tagvalue_limits *lim,
    struct tagvalue_list *out)
{
	size_t pos = 0, nspecs = 0;

	memset(out, 0, sizeof(*out));
	if (lim == NULL)
		lim = &tagvalue_defaults;
	out->icase = lim->icase;
	if (len > lim->input_max)
		return out->status = TAGVALUE_E_TOOLONG;
	if (in == NULL || trim_left(in, 0, len) == len)
		return out->status = TAGVALUE_E_EMPTY;
	out->tags = xcalloc(lim->tags_max ? lim->tags_max : 1,
	    sizeof(*out->tags));
	while (pos <= len) {
		const char *semi = memchr(in + pos, ';', len - pos);
		size_t end = semi ? (size_t)(semi - in) : len;

		if (trim_left(in, pos, end) == end) {
			/* Nothing in this spec: fine after the last ';' (the
			 * grammar's optional trailing separator), not
			 * elsewhere. */
			if (semi == NULL)
				out->flags |= TAGVALUE_L_TRAILING;
			else
				out->flags |= TAGVALUE_L_EMPTY_SPEC;
		} else if (out->ntags == lim->tags_max) {
			out->status = TAGVALUE_E_TOOMANY;
			break;
		} else {
			parse_spec(out, lim, in, pos, end);
			nspecs++;
		}
		if (semi == NULL)
			break;
		pos = end + 1;
	}
	/* A list that is only ";" has no tag at all. */
	if (nspecs == 0 && out->status == TAGVALUE_OK)
		out->status = TAGVALUE_E_EMPTY;
	for (size_t i = 0; i < out->ntags; i++) {
		unsigned f = out->tags[i].flags;

		if (f & (TAGVALUE_F_NOEQUALS | TAGVALUE_F_BADNAME |
		    TAGVALUE_F_BADVALUE | TAGVALUE_F_TOOLONG))
			out->flags |= TAGVALUE_L_SYNTAX;
		if (f & TAGVALUE_F_DUPLICATE)
			out->flags |= TAGVALUE_L_DUPLICATE;
	}
	return out->status;
}

void
tagvalue_list_clear(struct tagvalue_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->ntags; i++) {
		free(l->tags[i].name);
		free(l->tags[i].value);
	}
	free(l->tags);
	memset(l, 0, sizeof(*l));
}

const struct tagvalue_tag *
tagvalue_get(const struct tagvalue_list *l, const char *name)
{
	for (size_t i = 0; l != NULL && i < l->ntags; i++) {
		const struct tagvalue_tag *t = &l->tags[i];

		if (!(t->flags & (TAGVALUE_F_DUPLICATE | TAGVALUE_F_BADNAME)) &&
		    names_equal(l, t->name, name))
			return t;
	}
	return NULL;
}
