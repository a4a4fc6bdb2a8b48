/* SPDX-License-Identifier: MIT */
/*
 * A target named by hostname: the findings when its address lookups give
 * nothing to check. Shared by `mxdiag check` and `mxdiag bulk`.
 */
#ifndef MXDIAG_CHECK_NAMES_H
#define MXDIAG_CHECK_NAMES_H

#include "dns/wire.h"
#include "report/finding.h"

/*
 * Add to fl the one finding for host, whose A and AAAA lookups (either may
 * be NULL when not asked) gave no address: target.temperror when a lookup
 * failed temporarily, else target.nxdomain or target.no_address. family
 * (AF_UNSPEC, AF_INET, AF_INET6) says which records were asked for.
 */
void names_no_address_finding(struct finding_list *fl, const char *host,
    const struct dns_answer *a, const struct dns_answer *aaaa, int family);

#endif
