/* SPDX-License-Identifier: MIT */
/*
 * RFC 6376 §3.2 tag-lists, split on ";" and checked octet by octet. The
 * grammar is strict about names and value characters; it is lenient only
 * where every deployed verifier is (empty tag-specs), so that what we call
 * malformed is what receivers reject.
 */
#include "dkim/tags.h"

#include <string.h>
#include <strings.h>

static const char *const tags_errors[] = {
	[DKIM_TAGS_OK] = "ok",
	[DKIM_TAGS_NOEQUALS] = "a tag without \"=\"",
	[DKIM_TAGS_BADNAME] = "an invalid tag name",
	[DKIM_TAGS_BADVALUE] = "a character not allowed in a tag value",
	[DKIM_TAGS_DUPLICATE] = "a tag given twice",
	[DKIM_TAGS_TOOMANY] = "too many tags",
	[DKIM_TAGS_TOOLONG] = "a record too long",
};

const char *
dkim_tags_strerror(enum dkim_tags_status st)
{
	if ((size_t)st < sizeof(tags_errors) / sizeof(tags_errors[0]))
		return tags_errors[st];
	return "unknown error";
}

bool
dkim_is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* VALCHAR of RFC 6376 §3.2: %x21-3A / %x3C-7E (everything printable
 * except ";"). */
static bool
tags_valchar(unsigned char c)
{
	return (c >= 0x21 && c <= 0x3a) || (c >= 0x3c && c <= 0x7e);
}

static bool
tags_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
tags_name_ok(const char *s, size_t len)
{
	if (len == 0 || len > DKIM_TAG_NAME_MAX || !tags_alpha((unsigned char)s[0]))
		return false;
	for (size_t i = 1; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!tags_alpha(c) && !(c >= '0' && c <= '9') && c != '_')
			return false;
	}
	return true;
}

/* Parse one tag-spec text[b, e) (no ";" inside) into *out. */
static enum dkim_tags_status
tags_parse_spec(const char *text, size_t b, size_t e,
    struct dkim_tag_list *out, size_t *err_off)
{
	size_t eq, nb, ne, vb, ve;
	struct dkim_tag *t;

	for (eq = b; eq < e && text[eq] != '='; eq++)
		continue;
	if (eq == e) {
		*err_off = b;
		return DKIM_TAGS_NOEQUALS;
	}
	for (nb = b; nb < eq && dkim_is_space((unsigned char)text[nb]); nb++)
		continue;
	for (ne = eq; ne > nb && dkim_is_space((unsigned char)text[ne - 1]); ne--)
		continue;
	if (!tags_name_ok(text + nb, ne - nb)) {
		*err_off = nb;
		return DKIM_TAGS_BADNAME;
	}
	for (vb = eq + 1; vb < e && dkim_is_space((unsigned char)text[vb]); vb++)
		continue;
	for (ve = e; ve > vb && dkim_is_space((unsigned char)text[ve - 1]); ve--)
		continue;
	for (size_t i = vb; i < ve; i++) {
		unsigned char c = (unsigned char)text[i];

		if (!tags_valchar(c) && !dkim_is_space(c)) {
			*err_off = i;
			return DKIM_TAGS_BADVALUE;
		}
	}
	for (size_t i = 0; i < out->n; i++) {
		if (strlen(out->v[i].name) == ne - nb &&
		    memcmp(out->v[i].name, text + nb, ne - nb) == 0) {
			*err_off = nb;
			return DKIM_TAGS_DUPLICATE;
		}
	}
	if (out->n == DKIM_TAGS_MAX) {
		*err_off = nb;
		return DKIM_TAGS_TOOMANY;
	}
	t = &out->v[out->n++];
	memcpy(t->name, text + nb, ne - nb);
	t->name[ne - nb] = '\0';
	t->value = text + vb;
	t->len = ve - vb;
	return DKIM_TAGS_OK;
}

enum dkim_tags_status
dkim_tags_parse(const char *text, size_t len, struct dkim_tag_list *out,
    size_t *err_off)
{
	size_t b = 0, dummy;
	enum dkim_tags_status st;

	if (err_off == NULL)
		err_off = &dummy;
	*err_off = 0;
	memset(out, 0, sizeof(*out));
	if (len > DKIM_TAGS_TEXT_MAX) {
		*err_off = DKIM_TAGS_TEXT_MAX;
		return DKIM_TAGS_TOOLONG;
	}
	while (b <= len) {
		size_t e = b, k;

		while (e < len && text[e] != ';')
			e++;
		for (k = b; k < e && dkim_is_space((unsigned char)text[k]); k++)
			continue;
		if (k < e && (st = tags_parse_spec(text, b, e, out,
		    err_off)) != DKIM_TAGS_OK)
			return st;
		b = e + 1;
	}
	return DKIM_TAGS_OK;
}

const struct dkim_tag *
dkim_tags_get(const struct dkim_tag_list *tl, const char *name)
{
	for (size_t i = 0; i < tl->n; i++)
		if (strcmp(tl->v[i].name, name) == 0)
			return &tl->v[i];
	return NULL;
}

bool
dkim_tag_is(const struct dkim_tag *t, const char *s)
{
	return t != NULL && strlen(s) == t->len && memcmp(t->value, s, t->len) == 0;
}

bool
dkim_tag_is_nocase(const struct dkim_tag *t, const char *s)
{
	return t != NULL && strlen(s) == t->len &&
	    strncasecmp(t->value, s, t->len) == 0;
}
