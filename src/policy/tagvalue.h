/* SPDX-License-Identifier: MIT */
/*
 * The tag=value list of RFC 6376 §3.2, used by DKIM keys, DMARC, BIMI,
 * MTA-STS and TLS-RPT records. The parser never gives up at the first
 * error: it splits on ';' (which no value may contain), parses every
 * tag-spec on its own and flags what is wrong with each, so a consumer can
 * apply its own rule (DKIM: any error voids the list; DMARC: bad tags are
 * ignored) and still say exactly what was wrong.
 */
#ifndef MXDIAG_POLICY_TAGVALUE_H
#define MXDIAG_POLICY_TAGVALUE_H

#include <stdbool.h>
#include <stddef.h>

/* Default caps; a consumer may pass its own struct tagvalue_limits. */
#define TAGVALUE_INPUT_MAX	8192	/* bytes of input */
#define TAGVALUE_TAGS_MAX	64	/* tag-specs */
#define TAGVALUE_NAME_MAX	32	/* bytes of a tag name */
#define TAGVALUE_VALUE_MAX	4096	/* bytes of a value */

struct tagvalue_limits {
	size_t	input_max;
	size_t	tags_max;
	size_t	name_max;
	size_t	value_max;
	bool	icase;	/* tag names compare case-insensitively (DMARC,
			 * BIMI); RFC 6376 itself says case-sensitive */
};

/* Per-tag flags: what is wrong (or merely unusual) with one tag-spec. */
#define TAGVALUE_F_NOEQUALS	0x01	/* no '=': the name is all there is */
#define TAGVALUE_F_BADNAME	0x02	/* name not ALPHA *(ALPHA / DIGIT / "_"),
					 * empty, or longer than name_max */
#define TAGVALUE_F_BADVALUE	0x04	/* a byte outside VALCHAR and FWS
					 * (control, 8-bit, NUL, bare CR/LF) */
#define TAGVALUE_F_TOOLONG	0x08	/* value longer than value_max */
#define TAGVALUE_F_DUPLICATE	0x10	/* the name was seen before */
#define TAGVALUE_F_WS_EQUALS	0x20	/* whitespace around '=' (allowed by
					 * RFC 6376, not by MTA-STS/TLS-RPT) */
#define TAGVALUE_F_INNER_WS	0x40	/* whitespace inside the value */
#define TAGVALUE_F_EMPTY	0x80	/* empty value ("p=") */

/* The flags that make a tag unusable. */
#define TAGVALUE_F_ERRORS	(TAGVALUE_F_NOEQUALS | TAGVALUE_F_BADNAME | \
	TAGVALUE_F_BADVALUE | TAGVALUE_F_TOOLONG | TAGVALUE_F_DUPLICATE)

struct tagvalue_tag {
	char	*name;		/* as published (owned, NUL-terminated; a
				 * NUL inside makes name_len differ from
				 * strlen(name), and sets F_BADNAME) */
	size_t	 name_len;	/* bytes in name */
	char	*value;		/* FWS-trimmed at both ends (owned); holds
				 * the raw bytes, so check F_BADVALUE before
				 * trusting it to be printable or NUL-free */
	size_t	 value_len;	/* bytes in value */
	size_t	 offset;	/* where the tag-spec starts in the input */
	unsigned flags;		/* TAGVALUE_F_* */
};

/* List-level flags. */
#define TAGVALUE_L_SYNTAX	0x01	/* some tag has F_NOEQUALS, F_BADNAME,
					 * F_BADVALUE or F_TOOLONG */
#define TAGVALUE_L_DUPLICATE	0x02	/* some tag name occurs twice */
#define TAGVALUE_L_EMPTY_SPEC	0x04	/* ";;" or a leading ';': an empty
					 * tag-spec, which the grammar lacks */
#define TAGVALUE_L_TRAILING	0x08	/* ends with ';' (allowed) */

enum tagvalue_status {
	TAGVALUE_OK = 0,
	TAGVALUE_E_EMPTY,	/* nothing but whitespace */
	TAGVALUE_E_TOOLONG,	/* input longer than input_max: not parsed */
	TAGVALUE_E_TOOMANY,	/* more than tags_max tag-specs: the first
				 * tags_max are kept */
};

struct tagvalue_list {
	enum tagvalue_status	 status;
	unsigned		 flags;		/* TAGVALUE_L_* */
	bool			 icase;
	size_t			 ntags;
	struct tagvalue_tag	*tags;		/* owned, in input order */
};

const char *tagvalue_strerror(enum tagvalue_status st);

/*
 * Parse len bytes of in (not necessarily NUL-terminated, may hold any
 * byte) into *out, which the call fully initialises; free it with
 * tagvalue_list_clear(). lim may be NULL for the defaults above (names
 * case-sensitive). Returns out->status.
 */
enum tagvalue_status tagvalue_parse(const char *in, size_t len,
    const struct tagvalue_limits *lim, struct tagvalue_list *out);

/* Free what *l owns and zero it; NULL is a no-op. */
void tagvalue_list_clear(struct tagvalue_list *l);

/* The first tag with this name that is not flagged F_DUPLICATE (names
 * compared as the list was parsed), or NULL. Borrowed from l. */
const struct tagvalue_tag *tagvalue_get(const struct tagvalue_list *l,
    const char *name);

/* A static sentence on the most serious problem of a tag's flags, or NULL
 * when none of TAGVALUE_F_ERRORS is set. */
const char *tagvalue_problem(unsigned flags);

#endif
