/* SPDX-License-Identifier: MIT */
/*
 * The MX side of the domain audit: which hosts receive mail for a domain
 * (RFC 5321 §5.1), null MX (RFC 7505), implicit MX, and the hosts' own
 * records. mx_judge() is pure: facts in, findings out.
 */
#ifndef MXDIAG_AUDIT_MX_H
#define MXDIAG_AUDIT_MX_H

#include <stdbool.h>

#include "dns/wire.h"
#include "report/finding.h"

#define MX_HOSTS_MAX	16	/* MX hosts followed (more is not a config) */

struct mx_host {
	char			 name[DNS_NAME_BUF];
	int			 pref;		/* -1 for an implicit MX */
	bool			 ip_literal;	/* the exchange is an address */
	bool			 a_done, aaaa_done;
	struct dns_answer	 a, aaaa;
};

struct mx_facts {
	char			 domain[DNS_NAME_BUF];
	struct dns_answer	 mx;		/* the MX lookup */
	bool			 null_mx;	/* a single "MX 0 ." */
	bool			 implicit;	/* no MX: the domain itself */
	size_t			 nhosts;
	struct mx_host		 hosts[MX_HOSTS_MAX];
	bool			 hosts_truncated;
};

/* Read the MX answer into f->hosts (sorted by preference), noting null
 * MX, implicit MX and address-like exchanges. Pure. */
void mx_facts_from_answer(struct mx_facts *f, const struct dns_answer *mx);

/* True when an exchange name is written like an IP address. */
bool mx_name_is_address(const char *name);

void mx_judge(const struct mx_facts *f, struct finding_list *out);
void mx_facts_clear(struct mx_facts *f);

#endif
