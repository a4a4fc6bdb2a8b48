/* SPDX-License-Identifier: MIT */
/*
 * An asynchronous DNS lookup service behind one function pointer. Checks
 * that follow chains of lookups (SPF, DMARC discovery) ask through it, so
 * the same code runs on the real resolver and, in tests, on answers served
 * from memory (tests/support/memdns.c).
 *
 * Contract, for every implementation: the callback runs exactly once per
 * query and never from inside query() itself.
 */
#ifndef MXDIAG_DNS_LOOKUP_H
#define MXDIAG_DNS_LOOKUP_H

#include <stdint.h>

#include "dns/resolver.h"

struct dns_lookup {
	void	(*query)(struct dns_lookup *lk, const char *name,
		    uint16_t qtype, dns_callback *cb, void *arg);
	void	*impl;
};

/* Fill *lk so that it asks r. r must outlive lk's use. */
void dns_lookup_from_resolver(struct dns_lookup *lk, dns_resolver *r);

static inline void
dns_lookup_query(struct dns_lookup *lk, const char *name, uint16_t qtype,
    dns_callback *cb, void *arg)
{
	lk->query(lk, name, qtype, cb, arg);
}

#endif
