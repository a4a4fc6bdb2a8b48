/* SPDX-License-Identifier: MIT */
/*
 * Report and resource URIs in policy records: DMARC rua/ruf (mailto:, with
 * the obsolete "!size" suffix), TLS-RPT rua (mailto: and https:), BIMI l=
 * and a= (https: only). The parser checks RFC 3986 characters, the scheme,
 * and for mailto: and http(s): the address or host; which schemes are
 * acceptable is the consumer's judgement.
 */
#ifndef MXDIAG_POLICY_URI_H
#define MXDIAG_POLICY_URI_H

#include <stdbool.h>
#include <stddef.h>

#define POLICY_URI_MAX		1024	/* bytes of one URI */
#define POLICY_URI_LIST_MAX	16	/* URIs kept per list */

/* Flags for the parsers. */
#define POLICY_URI_F_SIZE	0x01	/* accept a DMARC "!size" suffix */

enum policy_uri_scheme {
	POLICY_URI_NONE = 0,	/* no scheme at all */
	POLICY_URI_MAILTO,
	POLICY_URI_HTTPS,
	POLICY_URI_HTTP,
	POLICY_URI_OTHER,
};

struct policy_uri {
	char			*text;		/* printable, as published */
	enum policy_uri_scheme	 scheme;
	bool			 valid;		/* syntax, address and host */
	const char		*error;		/* static reason when !valid */
	char			*host;		/* lower-case mailbox domain or
						 * URL host; NULL when unknown */
	char			*mailbox;	/* mailto: local@domain */
	char			*path;		/* http(s): path and query */
	char			*suggestion;	/* an obvious correction, e.g.
						 * "mailto:" + text; or NULL */
	bool			 has_size;	/* "!10m" */
	unsigned long long	 size;		/* its bytes, saturating */
};

struct policy_uri_list {
	size_t			 n;
	struct policy_uri	*v;
	bool			 truncated;	/* over POLICY_URI_LIST_MAX */
	bool			 empty_item;	/* ",," or a stray ',' */
};

/* "none", "mailto", "https", "http", "other". */
const char *policy_uri_scheme_name(enum policy_uri_scheme s);

/*
 * Parse one URI of len untrusted bytes (surrounding whitespace already
 * removed) into *u, which the call initialises; free with
 * policy_uri_clear(). Returns u->valid.
 */
bool policy_uri_parse(const char *s, size_t len, unsigned flags,
    struct policy_uri *u);
void policy_uri_clear(struct policy_uri *u);

/* A comma-separated list, *WSP allowed around each comma. Initialises
 * *l; free with policy_uri_list_clear(). */
void policy_uri_list_parse(const char *s, size_t len, unsigned flags,
    struct policy_uri_list *l);
void policy_uri_list_clear(struct policy_uri_list *l);

#endif
