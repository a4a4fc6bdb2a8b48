/* SPDX-License-Identifier: MIT */
/*
 * DNS answers served from memory through struct dns_lookup, for tests of
 * checks that chain lookups (SPF, DMARC). Callbacks are queued and run by
 * memdns_run(), never from inside the query, as the contract requires.
 * Names compare case-insensitively; a name with records of other types
 * answers NODATA, an unknown name NXDOMAIN, a CNAME is followed (its TTL
 * goes to chain_ttl, as the wire parser does).
 */
#ifndef MXDIAG_TESTS_MEMDNS_H
#define MXDIAG_TESTS_MEMDNS_H

#include <stddef.h>
#include <stdint.h>

#include "dns/lookup.h"
#include "dns/wire.h"

struct memdns;

struct memdns *memdns_new(void);
void memdns_free(struct memdns *m);
struct dns_lookup *memdns_lookup(struct memdns *m);

/* Records (name is copied). TXT takes the strings as published. */
void memdns_add_a(struct memdns *m, const char *name, const char *addr);
void memdns_add_aaaa(struct memdns *m, const char *name, const char *addr);
void memdns_add_ptr(struct memdns *m, const char *name, const char *target);
void memdns_add_cname(struct memdns *m, const char *name, const char *target);
void memdns_add_mx(struct memdns *m, const char *name, uint16_t pref,
    const char *exchange);
void memdns_add_txt(struct memdns *m, const char *name,
    const char *const *strings, size_t nstrings);
/* Any record: rr->type and its rdata are taken as given (deep-copied;
 * rr stays the caller's). */
void memdns_add_rr(struct memdns *m, const char *name,
    const struct dns_rr *rr);
/* Every query for (name, qtype) ends with this outcome instead (qtype 0:
 * every type), e.g. DNS_OUT_TIMEOUT or DNS_OUT_SERVFAIL. */
void memdns_set_outcome(struct memdns *m, const char *name, uint16_t qtype,
    enum dns_outcome outcome);
/* Negative answers under zone carry this SOA (TTL and MINIMUM 300). */
void memdns_add_soa(struct memdns *m, const char *zone, const char *mname,
    const char *rname);
/* Set the TTL of the records of (name, type) added so far (records are
 * added with 300 when they have none; here 0 stays 0). A CNAME's TTL is
 * reported in the answer's chain_ttl. */
void memdns_set_ttl(struct memdns *m, const char *name, uint16_t type,
    uint32_t ttl);
/* Set the SOA record's TTL and its MINIMUM field for zone's SOA. */
void memdns_set_soa_ttl(struct memdns *m, const char *zone, uint32_t ttl,
    uint32_t minimum);

/* Run queued callbacks (and those they queue) until none is left.
 * Returns how many ran. */
size_t memdns_run(struct memdns *m);
/* Queries asked so far. */
size_t memdns_queries(const struct memdns *m);

#endif
