/* SPDX-License-Identifier: MIT */
/*
 * Generic and provider-default PTR names, and the providers behind them.
 * A name is "generic" when it looks assigned by an address owner rather
 * than chosen for a mail server: the address embedded in it, pool keywords
 * (dyn, dhcp, pool, dsl, cable, ppp, cpe, ...), or a known cloud default
 * form (ec2-1-2-3-4.compute-1.amazonaws.com, ip-10-0-0-1.ec2.internal).
 * The provider table also says how each provider lets a customer set a PTR.
 */
#ifndef MXDIAG_CHECK_GENERIC_H
#define MXDIAG_CHECK_GENERIC_H

#include <stdbool.h>
#include <stddef.h>

struct provider {
	const char	*id;		/* stable, lower case: "aws", "hetzner" */
	const char	*name;		/* "Amazon Web Services (EC2)" */
	const char	*set_ptr;	/* how a customer sets the PTR, one sentence
					 * or two, imperative, exact console/API names */
	const char	*reference;	/* documentation URL */
};

enum generic_kind {
	GENERIC_NONE = 0,
	GENERIC_CLOUD_DEFAULT,	/* a provider's default form */
	GENERIC_EMBEDDED_IP,	/* the address's octets/hex groups in the name */
	GENERIC_POOL_KEYWORD,	/* dyn, dhcp, pool, dsl, cable, ppp, cpe ... */
};

struct generic_match {
	enum generic_kind	 kind;
	const char		*reason;	/* static text: why it was flagged */
	char			 detail[128];	/* e.g. the keyword or the embedded form found */
	const struct provider	*provider;	/* NULL when not recognised */
};

/*
 * Classify a PTR name for the address (af AF_INET/AF_INET6, addr a
 * struct in_addr / in6_addr). Fills *m (kind GENERIC_NONE when the name
 * looks chosen). The provider is filled from the name even when the name
 * is not generic (a custom name under a provider's domain stays custom).
 * Returns m->kind != GENERIC_NONE.
 */
bool generic_classify(const char *ptrname, int af, const void *addr,
    struct generic_match *m);

/* The provider whose default PTR names look like this name, or NULL. */
const struct provider *provider_by_ptrname(const char *ptrname);

/* The provider that runs a reverse zone, judged from its SOA mname and
 * rname (either may be NULL), or NULL. Also recognises the regional
 * registries (RIPE, ARIN, APNIC, LACNIC, AFRINIC) as providers whose
 * "set_ptr" says the zone was never delegated to the address holder. */
const struct provider *provider_by_soa(const char *mname, const char *rname);

/* The provider table, for documentation and tests. */
const struct provider *provider_table(size_t *n);

#endif
