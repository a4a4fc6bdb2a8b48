/* SPDX-License-Identifier: MIT */
/*
 * The tag=value list of RFC 6376 §3.2, as DKIM key records use it: a
 * bounds-checked parser that never trusts the text to be printable or
 * NUL-free. It only splits and validates; what each tag means is for
 * dkim/key.c. (A generic parser for DMARC and friends may replace it.)
 */
#ifndef MXDIAG_DKIM_TAGS_H
#define MXDIAG_DKIM_TAGS_H

#include <stdbool.h>
#include <stddef.h>

#define DKIM_TAGS_MAX		32	/* tags kept per record */
#define DKIM_TAG_NAME_MAX	32	/* octets of a tag name */
#define DKIM_TAGS_TEXT_MAX	8192	/* octets of a whole record */

struct dkim_tag {
	char		 name[DKIM_TAG_NAME_MAX + 1];
	const char	*value;	/* into the parsed text; not NUL-terminated */
	size_t		 len;	/* surrounding whitespace excluded */
};

struct dkim_tag_list {
	size_t		 n;
	struct dkim_tag	 v[DKIM_TAGS_MAX];
};

enum dkim_tags_status {
	DKIM_TAGS_OK = 0,
	DKIM_TAGS_NOEQUALS,	/* a tag-spec without "=" */
	DKIM_TAGS_BADNAME,	/* empty, too long, or not ALPHA *(ALNUM/"_") */
	DKIM_TAGS_BADVALUE,	/* an octet that is neither VALCHAR nor space */
	DKIM_TAGS_DUPLICATE,	/* a tag name given twice */
	DKIM_TAGS_TOOMANY,	/* more than DKIM_TAGS_MAX tags */
	DKIM_TAGS_TOOLONG,	/* more than DKIM_TAGS_TEXT_MAX octets */
};

/* A static phrase: "tag without '='", ... */
const char *dkim_tags_strerror(enum dkim_tags_status st);

/*
 * Split text (len octets, any bytes) into tags. Values point into text,
 * which must outlive *out. Empty tag-specs (";;", a final ";") are
 * tolerated, as deployed verifiers do. On error, *err_off (when not NULL)
 * is the offset of the offending octet or tag-spec, and *out holds the
 * tags parsed before it.
 */
enum dkim_tags_status dkim_tags_parse(const char *text, size_t len,
    struct dkim_tag_list *out, size_t *err_off);

/* The tag named name (case-sensitive, RFC 6376 §3.2), or NULL. */
const struct dkim_tag *dkim_tags_get(const struct dkim_tag_list *tl,
    const char *name);

/* True when the value equals s exactly (case-sensitive) / ignoring ASCII
 * case. */
bool dkim_tag_is(const struct dkim_tag *t, const char *s);
bool dkim_tag_is_nocase(const struct dkim_tag *t, const char *s);

/* DKIM's whitespace inside a record: SP, HTAB, CR, LF (FWS). */
bool dkim_is_space(unsigned char c);

#endif
