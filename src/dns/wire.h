/* SPDX-License-Identifier: MIT */
/*
 * DNS wire format: a bounds-checked parser for response messages, the
 * interpretation of a response for one question (CNAME chain, records,
 * negative-answer SOA), and reverse-name building for IPv4 and IPv6.
 * Everything here is pure: bytes in, structs out, no I/O.
 */
#ifndef MXDIAG_DNS_WIRE_H
#define MXDIAG_DNS_WIRE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/util.h"

#define DNS_T_A		1
#define DNS_T_NS	2
#define DNS_T_CNAME	5
#define DNS_T_SOA	6
#define DNS_T_PTR	12
#define DNS_T_MX	15
#define DNS_T_TXT	16
#define DNS_T_AAAA	28
#define DNS_T_SPF	99	/* RFC 4408 type, TXT layout; obsolete */

#define DNS_C_IN	1

/* Presentation-format name: 253 octets plus escapes (\DDD quadruples
 * the worst case) plus the NUL. */
#define DNS_NAME_BUF	1025
/* Caps on what a peer can make us hold for one message. */
#define DNS_MSG_MAX	65535
#define DNS_RR_MAX	256	/* records kept per message, all sections */
#define DNS_PTR_JUMPS	64	/* compression pointers followed per name */
#define DNS_CHAIN_MAX	16	/* CNAMEs followed within one answer */
#define DNS_TXT_MAX	4096	/* TXT rdata bytes kept per record */
#define DNS_TXT_BOUNDS	32	/* string boundaries kept per TXT record */

enum dns_section {
	DNS_SEC_ANSWER,
	DNS_SEC_AUTHORITY,
	DNS_SEC_ADDITIONAL,
};

/*
 * Records and answers own their strings: every name and TXT text is
 * allocated to its length by this file and freed by dns_rr_clear(),
 * dns_msg_clear() or dns_answer_clear(). Copy with dns_rr_copy() and
 * dns_answer_copy(), never by assignment. Code that builds records by
 * hand (tests) sets strings with dns_str_set().
 */
struct dns_soa {
	char		*mname;		/* owned; never NULL in a parsed SOA */
	char		*rname;
	uint32_t	 serial, refresh, retry, expire, minimum;
};

struct dns_rr {
	enum dns_section section;
	char		*name;		/* owned, presentation form, no final dot */
	uint16_t	 type;
	uint16_t	 rclass;
	uint32_t	 ttl;
	union {
		struct in_addr	a;
		struct in6_addr	aaaa;
		char		*target;	/* PTR, CNAME, NS; owned */
		struct {
			uint16_t pref;
			char	*exchange;	/* owned */
		} mx;
		struct dns_soa	soa;
		struct {
			size_t	len;		/* bytes in data */
			char	*data;		/* owned: the strings
						 * concatenated, at most
						 * DNS_TXT_MAX, NUL after */
			uint16_t nstrings;
			/* End offset in data of each of the first
			 * DNS_TXT_BOUNDS strings: where the publisher split
			 * the record (RFC 7208 §3.3 joins without spaces). */
			uint16_t bounds[DNS_TXT_BOUNDS];
		} txt;
	} u;
};

/* Replace the owned string *field with a copy of value (NULL: none);
 * value may point into the string it replaces. */
void dns_str_set(char **field, const char *value);
/* Free what rr owns (by its type) and zero it; NULL is a no-op. */
void dns_rr_clear(struct dns_rr *rr);
/* Deep copy; dst is overwritten, not cleared first (dst == src: no-op). */
void dns_rr_copy(struct dns_rr *dst, const struct dns_rr *src);
/* Set a TXT record's text (len bytes, one string). */
void dns_rr_set_txt(struct dns_rr *rr, const char *data, size_t len);

struct dns_msg {
	uint16_t	 id;
	uint16_t	 flags;		/* raw header flags */
	int		 rcode;		/* 4-bit header rcode */
	bool		 qr, aa, tc, rd, ra, ad;
	char		 qname[DNS_NAME_BUF];
	uint16_t	 qtype;
	uint16_t	 qclass;
	uint16_t	 counts[4];	/* as the header claims: qd, an, ns, ar */
	size_t		 nrr;
	struct dns_rr	*rr;		/* owned; nrr entries, in message order */
	bool		 truncated_rrs;	/* more than DNS_RR_MAX records */
};

enum dns_wire_status {
	DNS_WIRE_OK = 0,
	DNS_WIRE_SHORT,		/* message ends inside a field */
	DNS_WIRE_BADNAME,	/* label too long, name too long, pointer loop */
	DNS_WIRE_BADRDATA,	/* rdata length disagrees with its type */
	DNS_WIRE_NOQUESTION,	/* qdcount is not 1 */
	DNS_WIRE_NOTRESPONSE,	/* QR bit clear */
};

const char *dns_wire_strerror(enum dns_wire_status st);

/*
 * Parse a response message. On DNS_WIRE_OK, *msg holds owned memory that
 * dns_msg_clear() frees; on error *msg is left cleared. *msg need not be
 * initialised, and whatever it held before is not freed. buf is only read
 * during the call. Records of types this parser does not know are kept
 * with their header only. Names with bytes outside letters, digits, '-',
 * '_' and '*' are escaped as \DDD, and '.' and '\\' inside a label as \.
 * and \\.
 * OPT pseudo-records of the additional section are dropped. Records past
 * DNS_RR_MAX are not kept (truncated_rrs is set) but must still be well
 * formed for the message to parse. Bytes after the last record are ignored.
 */
enum dns_wire_status dns_msg_parse(const uint8_t *buf, size_t len,
    struct dns_msg *msg);
/* Free what *msg owns and zero it; NULL is a no-op. */
void dns_msg_clear(struct dns_msg *msg);

/*
 * What one response says about (qname, qtype), per RFC 1034 §3.6.2 and
 * RFC 2308: the CNAME chain starting at qname (each hop's target), the
 * records of qtype owned by the end of the chain, and for a negative answer
 * the SOA of the authority section.
 */
enum dns_outcome {
	DNS_OUT_ANSWER,		/* NOERROR with records of qtype */
	DNS_OUT_NODATA,		/* NOERROR, name exists, no records of qtype */
	DNS_OUT_NXDOMAIN,	/* name (or the chain's end) does not exist */
	DNS_OUT_SERVFAIL,
	DNS_OUT_REFUSED,
	DNS_OUT_TIMEOUT,	/* set by the resolver, never by the parser */
	DNS_OUT_FORMERR,	/* unparseable response, or rcode FORMERR */
	DNS_OUT_NOTIMP,
	DNS_OUT_CHAINLOOP,	/* CNAME loop or chain longer than DNS_CHAIN_MAX */
	DNS_OUT_OTHER,		/* any other rcode or local failure */
};

/*
 * Temporary outcomes are retried later by the asker and must never turn
 * into a permanent verdict: SERVFAIL, REFUSED, TIMEOUT and OTHER. The rest
 * are final; FORMERR, NOTIMP and CHAINLOOP are permanent errors (a server
 * or zone that answers this way will keep doing so).
 */
bool dns_outcome_is_temporary(enum dns_outcome o);
/* "answer", "nodata", "nxdomain", "servfail", "refused", "timeout",
 * "formerr", "notimp", "chainloop", "other" (static strings). */
const char *dns_outcome_name(enum dns_outcome o);

#define DNS_ANS_MAX	32	/* records of qtype kept per answer */

struct dns_answer {
	enum dns_outcome outcome;
	int		 rcode;
	bool		 ad;		/* authenticated data bit */
	bool		 aa;
	char		*qname;		/* owned; never NULL once set up */
	uint16_t	 qtype;
	/* CNAME chain: chain.v[0] is qname's target, and so on (owned). */
	struct strvec	 chain;
	uint32_t	 chain_ttl[DNS_CHAIN_MAX];
	/* Records of qtype at the end of the chain, duplicates removed,
	 * at most DNS_ANS_MAX (owned array of nrr entries). */
	size_t		 nrr;
	struct dns_rr	*rr;
	bool		 rr_truncated;	/* more than DNS_ANS_MAX were offered */
	/* Negative answers: the authority section's SOA, if any. */
	bool		 has_soa;
	char		*soa_zone;	/* owner of the SOA; owned, NULL
					 * unless has_soa */
	uint32_t	 soa_ttl;
	struct dns_soa	 soa;
	/* Filled by the resolver: which server answered ("127.0.0.1:5353"),
	 * and how long it took. */
	char		 server[96];
	long		 elapsed_ms;
	/* Why there is no answer, for timeouts and local failures
	 * ("Timeout while contacting DNS servers"); "" otherwise. */
	char		 error[96];
};

/*
 * Interpret a parsed message for (qname, qtype) into *ans (which the call
 * fully initialises; free with dns_answer_clear()). Names compare
 * case-insensitively. Never fails: an inconsistent message yields
 * DNS_OUT_FORMERR, and so does a response to another question (qname or
 * qtype differ). The SOA is looked for in the authority section only for
 * NXDOMAIN and NODATA. Only records of the question's class count. A
 * NOERROR whose chain ends at a name without records of qtype is NODATA
 * for that final name (the caller may ask for it again). msg is borrowed.
 */
void dns_answer_from_msg(const struct dns_msg *msg, const char *qname,
    uint16_t qtype, struct dns_answer *ans);

/* The address of an A or AAAA record as text into out (at least
 * INET6_ADDRSTRLEN bytes). Returns false for other types. */
bool dns_rr_address(const struct dns_rr *rr, char *out, size_t outlen);

/* The answer's addresses joined by ", " into out, truncated with "..."
 * when they do not fit; "" when there are none. */
void dns_answer_address_list(const struct dns_answer *ans, char *out,
    size_t outlen);

/* Set *ans to an empty answer with the given outcome (for timeouts and
 * local failures); owns nothing yet, and rcode is -1 (no response).
 * qname is copied. */
void dns_answer_init(struct dns_answer *ans, const char *qname,
    uint16_t qtype, enum dns_outcome outcome);
/* Deep copy: dst gets its own chain and records. dst is overwritten, not
 * cleared first. */
void dns_answer_copy(struct dns_answer *dst, const struct dns_answer *src);
/* Free what *ans owns and zero it; NULL is a no-op. */
void dns_answer_clear(struct dns_answer *ans);
/*
 * A copy of src in one allocation (the struct, its records, chain and
 * every string), for answers kept long and only read: a DNS cache holding
 * tens of thousands of them. Free it with free(), never with
 * dns_answer_clear(); to change it, dns_answer_copy() it first.
 */
struct dns_answer *dns_answer_dup_flat(const struct dns_answer *src);

/* The name at the end of the answer's CNAME chain (qname when none). */
const char *dns_answer_final_name(const struct dns_answer *ans);

/*
 * Reverse names: "4.3.2.1.in-addr.arpa" for 1.2.3.4, nibble form under
 * ip6.arpa for IPv6 (no trailing dot). af is AF_INET or AF_INET6, addr
 * points to a struct in_addr or in6_addr. Returns false when out is short.
 */
bool dns_reverse_name(int af, const void *addr, char *out, size_t outlen);

/*
 * Build a query for (name, qtype, class IN) with RD and AD set and, when
 * edns_size > 0, an EDNS(0) OPT record advertising that UDP size. name is
 * in presentation form (\X and \DDD escapes honoured, trailing dot
 * optional). Returns the message length, or 0 when the name is malformed
 * or buf is too small (DNS_QUERY_MAX always suffices).
 */
#define DNS_QUERY_MAX	(12 + 255 + 4 + 11)
size_t dns_query_encode(const char *name, uint16_t qtype, uint16_t id,
    uint16_t edns_size, uint8_t *buf, size_t buflen);

#endif
