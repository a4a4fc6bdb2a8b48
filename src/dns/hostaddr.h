/* SPDX-License-Identifier: MIT */
/*
 * Resolve a host name to its addresses: ask A and AAAA (or one of them),
 * wait for both, and hand over one list, IPv4 first, duplicates removed,
 * together with both answers so that callers can show them as evidence.
 * `mxdiag check`, `mxdiag bulk` and the MCP tools share it.
 */
#ifndef MXDIAG_DNS_HOSTADDR_H
#define MXDIAG_DNS_HOSTADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "dns/lookup.h"

#define DNS_HOSTADDR_MAX	32	/* addresses kept of one name */

struct dns_hostaddr_addr {
	int	af;			/* AF_INET or AF_INET6 */
	union {
		struct in_addr	v4;
		struct in6_addr	v6;
	} u;
};

struct dns_hostaddr_result {
	const char			*name;
	int				 family;	/* as asked */
	/* The answers; NULL for a family that was not asked. */
	const struct dns_answer		*a, *aaaa;
	/* Either lookup ended in a temporary failure (timeout, SERVFAIL,
	 * ...): an empty list is then no verdict. */
	bool				 temporary;
	/* More than DNS_HOSTADDR_MAX distinct addresses: the rest dropped. */
	bool				 truncated;
	size_t				 naddrs;
	struct dns_hostaddr_addr	 addrs[DNS_HOSTADDR_MAX];
};

/*
 * Called exactly once per dns_hostaddr_resolve(), never from inside it.
 * r and everything it points to are borrowed for the call.
 */
typedef void dns_hostaddr_callback(const struct dns_hostaddr_result *r,
    void *arg);

/*
 * Look up name's addresses through lk: family AF_INET asks A only,
 * AF_INET6 AAAA only, anything else (AF_UNSPEC) both. name is copied;
 * lk must outlive the lookup.
 */
void dns_hostaddr_resolve(struct dns_lookup *lk, const char *name,
    int family, dns_hostaddr_callback *cb, void *arg);

#endif
