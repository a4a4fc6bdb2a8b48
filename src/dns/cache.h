/* SPDX-License-Identifier: MIT */
/*
 * A bounded DNS answer cache that honours TTLs, served as a struct
 * dns_lookup in front of another one (the resolver). A policy server asks
 * PTR, A and AAAA for every connecting client; the cache keeps a busy one
 * from asking the same thing again, and coalesces concurrent misses into
 * one upstream query. Only final answers are kept (RFC 2308 for negative
 * ones); temporary failures are never remembered.
 */
#ifndef MXDIAG_DNS_CACHE_H
#define MXDIAG_DNS_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "dns/lookup.h"

struct event_base;

struct dns_cache_config {
	/* Live entries kept; the least recently used are evicted beyond it
	 * (0: 65536). Queries in flight upstream are not counted: there is
	 * one per distinct key the callers are waiting for. */
	size_t		 max_entries;
	uint32_t	 max_ttl;	/* seconds, cap on TTLs (0: 86400) */
	uint32_t	 max_neg_ttl;	/* negative answers (0: 3600) */
	/* Monotonic clock in milliseconds; NULL: CLOCK_MONOTONIC. Tests
	 * pass their own. */
	uint64_t	(*now_ms)(void *arg);
	void		*now_arg;
};

/*
 * Every query is exactly one of a hit (served from a live entry), a miss
 * (asked upstream) or coalesced (joined a miss already asked for the same
 * key). expired counts live entries found past their TTL (those queries
 * are misses too); uncacheable counts upstream answers not kept (temporary
 * or permanent errors, negative answers without an SOA, TTL 0).
 */
struct dns_cache_stats {
	unsigned long	hits, misses, coalesced;
	unsigned long	inserted, evicted, expired, uncacheable;
	size_t		entries;	/* live entries now */
	size_t		pending;	/* keys asked upstream, not answered */
};

struct dns_cache;

/*
 * A cache bound to base, asking upstream on misses. cfg is copied (NULL:
 * every default). upstream must outlive the cache, or be freed first (see
 * dns_cache_free). Returns NULL when libevent cannot make an event.
 */
struct dns_cache *dns_cache_new(struct event_base *base,
    struct dns_lookup *upstream, const struct dns_cache_config *cfg);

/*
 * Fill *lk so that queries go through the cache. Keys are (name, qtype),
 * the name compared case-insensitively with one trailing dot ignored.
 * Callbacks run from the event loop, never from inside the query; they
 * may ask again through lk, for any key. The answer is borrowed for the
 * call; on a hit or a coalesced miss its qname is spelled as the first
 * asker spelled it, and its TTLs are those received from upstream.
 */
void dns_cache_lookup(struct dns_cache *c, struct dns_lookup *lk);

void dns_cache_stats(const struct dns_cache *c, struct dns_cache_stats *st);

/*
 * Free everything; NULL is a no-op. Not from inside one of the cache's
 * callbacks.
 *
 * Best order: free the upstream first, so that its callbacks (the
 * resolver runs them with DNS_OUT_OTHER from dns_resolver_free) settle
 * every pending query through the cache. Queries still pending when the
 * cache is freed complete here, from inside dns_cache_free: hits queued
 * for the event loop get their answer, waiters of pending upstream
 * queries get DNS_OUT_OTHER ("cache shut down"), and a query asked from
 * one of those callbacks gets DNS_OUT_OTHER at once. What a pending
 * upstream query needs is then left to its late callback, which frees it
 * and touches nothing else; so the upstream must still call back (or be
 * freed having done so), or that small record leaks.
 */
void dns_cache_free(struct dns_cache *c);

#endif
