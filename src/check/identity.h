/* SPDX-License-Identifier: MIT */
/*
 * The identity check of one address: the facts gathered from DNS and SMTP
 * (struct identity_facts), the verdict judged from them (judge.c, pure),
 * and the asynchronous run that gathers them (identity.c). Facts and
 * verdict are plain data so that the judgement can be tested with recorded
 * facts and the report can render them without I/O.
 */
#ifndef MXDIAG_CHECK_IDENTITY_H
#define MXDIAG_CHECK_IDENTITY_H

#include <netinet/in.h>
#include <stdbool.h>

#include "check/generic.h"
#include "dns/resolver.h"
#include "dns/wire.h"
#include "report/finding.h"
#include "smtp/probe.h"

/* PTR names whose forward records we look up; RFC 7208 uses the same
 * bound for the ptr mechanism, and more is not a real configuration. */
#define IDENTITY_PTR_MAX	10

enum iprev_result {
	IPREV_NONE = 0,		/* not judged yet */
	IPREV_PASS,
	IPREV_FAIL,		/* no PTR, or no PTR name leads back */
	IPREV_TEMPERROR,
	IPREV_PERMERROR,
};
const char *iprev_result_name(enum iprev_result r);

struct identity_forward {
	char			*name;		/* owned; NULL until started */
	struct dns_answer	ans;		/* A or AAAA of name */
	bool			done;
	bool			confirms;	/* ans holds the address */
};

struct identity_facts {
	/* What was checked. */
	char			 target[256];	/* as the user named it */
	char			 address[INET6_ADDRSTRLEN];
	int			 af;
	union {
		struct in_addr	 v4;
		struct in6_addr	 v6;
	} addr;
	int			 port;
	char			 revname[80];

	/* Reverse DNS. ptr is the last answer of the chase (a CNAME
	 * chain that ends on a name with no data is asked again). */
	struct dns_answer	 ptr;
	struct strvec		 ptr_chain;	/* every CNAME hop, all answers */
	size_t			 nfwd;
	/* One per PTR name, at most IDENTITY_PTR_MAX (owned; allocated for
	 * as many as the answer holds: nearly always one). */
	struct identity_forward	*fwd;
	bool			 ptr_names_truncated;
	/* When a PTR exists: the SOA query for the reverse name, whose
	 * answer names the reverse zone and who runs it. */
	bool			 rzone_done;
	struct dns_answer	 rzone;

	/* SMTP. */
	bool			 smtp_skipped;
	bool			 smtp_done;
	struct smtp_probe_result smtp;
	char			 ehlo_sent[256];	/* the name we announced */
	char			 expected_name[256];	/* "" when none */

	/* Forward lookups of the names the server announced. */
	struct identity_forward	 banner_fwd;
	struct identity_forward	 ehlo_fwd;
};

void identity_facts_clear(struct identity_facts *f);

struct identity_verdict {
	enum iprev_result	 iprev;
	bool			 aligned;
	struct generic_match	 generic;	/* of the first PTR name */
	const struct provider	*zone_provider;	/* from the reverse SOA */
	/* The reverse zone, from the negative PTR answer or the SOA query;
	 * NULL when unknown. Borrowed from the facts. */
	const char		*rzone_name;
	const struct dns_soa	*rzone_soa;
	struct finding_list	 findings;
};

void identity_verdict_clear(struct identity_verdict *v);

/* Judge the facts: fills *v (pure; judge.c). */
void identity_judge(const struct identity_facts *f, struct identity_verdict *v);
/* The same verdict and findings, but findings that are no problem get no
 * explanation, remediation, trips or references (what bulk leaves out). */
void identity_judge_brief(const struct identity_facts *f,
    struct identity_verdict *v);

/* The address-family record type for forward confirmation. */
static inline uint16_t
identity_fwd_type(int af)
{
	return af == AF_INET6 ? DNS_T_AAAA : DNS_T_A;
}

/* True when ans (A or AAAA) holds the facts' address. */
bool identity_answer_has_addr(const struct dns_answer *ans, int af,
    const void *addr);

/* ---- the asynchronous run ---- */

struct identity_options {
	bool			 no_smtp;
	/* Skip the SOA query that names the reverse zone and its operator
	 * (advice then cannot name the provider from the zone). */
	bool			 no_rzone;
	/* The name the address should carry when nothing else says (the
	 * HELO a sender uses); borrowed, may be NULL. */
	const char		*expected_name;
	struct smtp_probe_config smtp;	/* smtp.ehlo_name: borrowed, must
					 * outlive the run */
};

struct identity_run;

/* Called once when every lookup and the probe are done. The facts are
 * borrowed for the call. */
typedef void identity_callback(struct identity_facts *facts, void *arg);

/* Free this thread's finished runs kept for reuse (a thread that ran
 * checks calls it before it ends). */
void identity_pool_drain(void);

/* Start checking one address. target is the user's spelling, copied. */
void identity_start(struct event_base *base, dns_resolver *res,
    const struct identity_options *opt, const char *target, int af,
    const void *addr, int port, identity_callback *cb, void *arg);

#endif
