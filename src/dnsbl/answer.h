/* SPDX-License-Identifier: MIT */
/*
 * RFC 5782 queries and answers, pure: the query name for an address or a
 * domain, what a list's A records mean (listed and why, not listed,
 * query refused, a broken list), and the verdict of a list's test
 * entries (§5). Nothing here does I/O.
 */
#ifndef MXDIAG_DNSBL_ANSWER_H
#define MXDIAG_DNSBL_ANSWER_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "dns/wire.h"
#include "dnsbl/list.h"

#define DNSBL_HITS_MAX		16	/* answers interpreted per query */
#define DNSBL_MEANING_MAX	256

enum dnsbl_verdict {
	DNSBL_NOT_LISTED,	/* NXDOMAIN or NODATA */
	DNSBL_LISTED,		/* A records in 127.0.0.0/8 */
	DNSBL_REFUSED,		/* 127.255.255.0/24 or a list's refused code */
	DNSBL_BROKEN,		/* answers outside 127.0.0.0/8: wildcard,
				 * expired zone, parked domain */
	DNSBL_TEMPERROR,	/* no answer (timeout, SERVFAIL, ...) */
	DNSBL_DNSERROR,		/* a permanent DNS error (FORMERR, ...) */
	DNSBL_SKIPPED,		/* the list failed its sanity check */
};

/* "not_listed", "listed", "refused", "broken", "temperror", "dnserror",
 * "skipped" (static). */
const char *dnsbl_verdict_name(enum dnsbl_verdict v);

struct dnsbl_hit {
	struct in_addr	 addr;
	enum dnsbl_verdict kind;	/* LISTED, REFUSED or BROKEN */
	char		 meaning[DNSBL_MEANING_MAX];
};

struct dnsbl_interp {
	enum dnsbl_verdict	 verdict;
	size_t			 nhits;
	struct dnsbl_hit	 hits[DNSBL_HITS_MAX];
	bool			 hits_truncated;
};

/*
 * The query name for an address (af AF_INET or AF_INET6, addr a struct
 * in_addr / in6_addr): reversed octets or nibbles (RFC 5782 §2.1, §2.4)
 * under the list's zone. Returns false when out is too small or the name
 * exceeds 253 octets.
 */
bool dnsbl_query_name_addr(const struct dnsbl_list *l, int af,
    const void *addr, char *out, size_t outlen);

/* The query name for a domain (RFC 5782 §2.2): the name, without a final
 * dot, under the zone. False when it would exceed 253 octets. */
bool dnsbl_query_name_domain(const struct dnsbl_list *l, const char *domain,
    char *out, size_t outlen);

/*
 * Interpret outcome and the A records addrs[0..n) for list l (l may be
 * NULL: no known codes). A refusal anywhere wins (the other records
 * cannot be trusted), then an answer outside 127/8, then a listing.
 * Records beyond DNSBL_HITS_MAX are counted in the verdict but not kept.
 */
void dnsbl_interpret(const struct dnsbl_list *l, enum dns_outcome outcome,
    const struct in_addr *addrs, size_t n, struct dnsbl_interp *out);

/* The same from a resolver answer (its A records). */
void dnsbl_interpret_answer(const struct dnsbl_list *l,
    const struct dns_answer *ans, struct dnsbl_interp *out);

/* How far a list can be trusted, from its RFC 5782 §5 test entries. */
enum dnsbl_trust {
	DNSBL_TRUST_UNUSED,	/* not asked (no target of this kind) */
	DNSBL_TRUST_OK,
	DNSBL_TRUST_REFUSED,	/* refuses us (public resolver, rate limit) */
	DNSBL_TRUST_FAILED,	/* does not list its test entry, or lists
				 * the entry it must not (lists everything) */
	DNSBL_TRUST_BROKEN,	/* wildcard / non-127 answers, DNS errors */
	DNSBL_TRUST_TEMPERROR,
};

/* "unused", "trusted", "refused", "failed", "broken", "temperror". */
const char *dnsbl_trust_name(enum dnsbl_trust t);

/* Judge a list from the answers for its listed and unlisted test entries;
 * why (whylen octets) says what was wrong, "" when trusted. */
enum dnsbl_trust dnsbl_trust_judge(const struct dnsbl_interp *listed,
    const struct dnsbl_interp *unlisted, char *why, size_t whylen);

/* The verdict for a target given the list's trust: a refusing or untrusted
 * list overrides what the target's own query seemed to say. */
enum dnsbl_verdict dnsbl_verdict_with_trust(enum dnsbl_verdict v,
    enum dnsbl_trust t);

#endif
