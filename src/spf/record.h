/* SPDX-License-Identifier: MIT */
/*
 * SPF records (RFC 7208 §4.5, §4.6, §5, §6): version detection and a pure,
 * bounds-checked parser of a record's terms into mechanisms and modifiers.
 * Any syntax error anywhere makes the whole record a permerror (§4.6), so
 * the parser either returns every term or one precise error.
 */
#ifndef MXDIAG_SPF_RECORD_H
#define MXDIAG_SPF_RECORD_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

/* Caps on untrusted records. A TXT record carries up to 64 KiB, but the
 * DNS layer keeps DNS_TXT_MAX octets of it; a longer record cannot be
 * judged whole. The term cap is mxdiag's: real records stay far below. */
#define SPF_RECORD_MAX	4095
#define SPF_TERMS_MAX	128

enum spf_qual {
	SPF_QUAL_PASS,		/* "+" (the default) */
	SPF_QUAL_FAIL,		/* "-" */
	SPF_QUAL_SOFTFAIL,	/* "~" */
	SPF_QUAL_NEUTRAL,	/* "?" */
};

enum spf_kind {
	SPF_MECH_ALL,
	SPF_MECH_INCLUDE,
	SPF_MECH_A,
	SPF_MECH_MX,
	SPF_MECH_PTR,
	SPF_MECH_IP4,
	SPF_MECH_IP6,
	SPF_MECH_EXISTS,
	SPF_MOD_REDIRECT,
	SPF_MOD_EXP,
	SPF_MOD_UNKNOWN,
};

struct spf_term {
	enum spf_kind	 kind;
	enum spf_qual	 qual;		/* mechanisms */
	bool		 qual_explicit;
	size_t		 offset;	/* where the term starts in the record */
	char		*text;		/* the term as written */
	/* include, exists, redirect, exp: always; a, mx, ptr: NULL when the
	 * current domain is meant. A checked macro-string. */
	char		*domain_spec;
	int		 cidr4;		/* a, mx, ip4: 0..32, default 32 */
	int		 cidr6;		/* a, mx, ip6: 0..128, default 128 */
	bool		 has_cidr4, has_cidr6;	/* written in the record */
	struct in_addr	 ip4;		/* ip4: the network, as written */
	struct in6_addr	 ip6;		/* ip6 */
	char		*mod_name;	/* modifiers: name as written */
	char		*mod_value;	/* modifiers: value as written */
};

struct spf_record {
	char		*text;		/* the record (visible ASCII and SP) */
	size_t		 len;
	size_t		 nterms;
	struct spf_term	*terms;
	int		 redirect;	/* index of redirect=, -1 when none */
	int		 exp;		/* index of exp=, -1 when none */
	int		 all;		/* index of the first all, -1 when none */
	unsigned	 dns_terms;	/* include a mx ptr exists redirect */
};

struct spf_parse_error {
	char	message[200];	/* what is wrong, printable */
	char	term[100];	/* the offending term, printable ("" if none) */
	size_t	offset;		/* of that term in the record */
};

/*
 * True when the TXT string (len bytes) is an SPF version 1 record: it
 * starts with "v=spf1" (any case) followed by a space or the end
 * (RFC 7208 §4.5). "v=spf10" is not one.
 */
bool spf_record_is_spf(const char *txt, size_t len);

/*
 * Parse an SPF record (len bytes of untrusted TXT data; it must pass
 * spf_record_is_spf()). Returns 0 with *out set (free it with
 * spf_record_free()), or -1 with *out NULL and *err filled.
 */
int spf_record_parse(const char *txt, size_t len, struct spf_record **out,
    struct spf_parse_error *err);
void spf_record_free(struct spf_record *r);

/* Terms that cause DNS queries and count against the limit of 10
 * (RFC 7208 §4.6.4): include, a, mx, ptr, exists, redirect. */
bool spf_term_counts(const struct spf_term *t);
bool spf_term_is_mechanism(const struct spf_term *t);

/* "all", "include", ..., "redirect", "exp", "unknown-modifier". */
const char *spf_kind_name(enum spf_kind k);
/* '+', '-', '~', '?' */
char spf_qual_char(enum spf_qual q);

#endif
