/* SPDX-License-Identifier: MIT */
/*
 * The domain audit: every check of a domain's mail setup started at once
 * on one event loop, each as a section with its own findings, then a
 * summary (grade, counts, the fixes that matter most). The wall time is
 * the longest chain of dependent lookups, not their sum.
 */
#ifndef MXDIAG_AUDIT_AUDIT_H
#define MXDIAG_AUDIT_AUDIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "check/identity.h"
#include "dns/lookup.h"
#include "report/report.h"

#define AUDIT_SCHEMA		"mxdiag.audit/1"
#define AUDIT_ADDRS_PER_HOST	8
#define AUDIT_IPS_MAX		16	/* --ip sending addresses */

struct orgdomain_psl;
struct dnsbl_set;

struct audit_config {
	struct event_base	*base;
	dns_resolver		*res;
	struct dns_lookup	*lookup;
	const char		*domain;
	struct identity_options	 id;	/* SMTP/TLS settings for MX hosts;
					 * id.smtp.ssl_ctx enables STARTTLS */
	int			 port;	/* SMTP port of MX hosts (25) */
	int			 family; /* AF_UNSPEC, AF_INET, AF_INET6 */
	unsigned		 sections; /* bits (1 << AUDIT_*); 0: all */
	size_t			 nips;	/* sending addresses (--ip) */
	struct {
		int		 af;
		union {
			struct in_addr	v4;
			struct in6_addr	v6;
		} addr;
		char		 text[INET6_ADDRSTRLEN];
	} ips[AUDIT_IPS_MAX];
	const char		*helo;	/* --helo: the HELO they send */
	/* HTTPS (MTA-STS policy): a context from smtp_tls_ctx_new(); NULL
	 * skips the fetch. https_port is 443 but for tests. */
	struct ssl_ctx_st	*https_ctx;
	int			 https_port;
	const struct orgdomain_psl *psl;	/* DMARC/BIMI org domains */
	const struct dnsbl_set	*lists;		/* blacklists to ask */
	const char *const	*selectors;	/* DKIM; NULL: the defaults */
	size_t			 nselectors;
	/*
	 * The address gate, for servers that audit a domain a client chose
	 * (`mxdiag mcp`): when set, SMTP probes of MX hosts and the MTA-STS
	 * fetch go only to addresses addr_connect_allowed(af, addr,
	 * allow_private) accepts. A refused address is a finding (MX:
	 * mx.address_refused, and its DNS checks still run; MTA-STS:
	 * mtasts.policy_fetch with the reason), never a silent skip. The
	 * CLI leaves it off: its user chose the domain and the network.
	 */
	bool			 connect_gate;
	bool			 allow_private;
};

/* One section of the report. A section that did not run is absent. */
struct audit_section {
	const char		*id;		/* "mx", "spf", ... */
	const char		*title;
	bool			 ran;
	struct finding_list	 findings;
	json_t			*data;		/* section-specific facts */
	char			*text;		/* text lines before findings */
};

enum audit_section_id {
	AUDIT_MX = 0,
	AUDIT_SENDING,		/* --ip: the sending addresses' identity */
	AUDIT_SPF,		/* RFC 7208 */
	AUDIT_DMARC,		/* RFC 9989, RFC 7489 */
	AUDIT_DKIM,		/* RFC 6376 keys */
	AUDIT_BIMI,
	AUDIT_MTASTS,		/* RFC 8461 */
	AUDIT_TLSRPT,		/* RFC 8460 */
	AUDIT_BL,		/* RFC 5782 */
	AUDIT_SECTIONS
};


struct audit;

typedef void audit_callback(struct audit *a, void *arg);

/* Start the audit; cb runs once when every section is done. The config's
 * pointers must outlive the audit. */
struct audit *audit_start(const struct audit_config *cfg, audit_callback *cb,
    void *arg);

/* Results, once done. */
json_t *audit_json(const struct audit *a);
void audit_text(FILE *out, const struct audit *a,
    const struct report_style *st);
/* 0 pass, 1 problems, 2 could not check (shared exit convention). */
int audit_exit_status(const struct audit *a);
void audit_free(struct audit *a);

#endif
