/* SPDX-License-Identifier: MIT */
/*
 * The blacklist check: every target (an address or a domain) against
 * every list of its kind, every query in flight at once, each list
 * trusted only after its RFC 5782 §5 test entries answer as they must.
 * Lookups go through struct dns_lookup; the judgement is in dnsbl/judge.c.
 */
#ifndef MXDIAG_DNSBL_DNSBL_H
#define MXDIAG_DNSBL_DNSBL_H

#include <jansson.h>
#include <netinet/in.h>
#include <stdio.h>

#include "dns/lookup.h"
#include "dnsbl/answer.h"
#include "dnsbl/list.h"
#include "report/finding.h"
#include "report/report.h"

#define DNSBL_SCHEMA		"mxdiag.bl/1"
#define DNSBL_TARGETS_MAX	256
#define DNSBL_TXT_MAX		256	/* printable octets of a reason kept */

enum dnsbl_family {
	DNSBL_FAM_IP4,
	DNSBL_FAM_IP6,
	DNSBL_FAM_DOMAIN,
	DNSBL_FAM_COUNT,
};

/* One query and what it said. */
struct dnsbl_probe {
	char			 qname[DNS_NAME_BUF];
	bool			 asked;
	bool			 done;
	enum dns_outcome	 outcome;
	char			 server[96];
	char			 error[96];
	long			 elapsed_ms;
	struct dnsbl_interp	 interp;
	bool			 txt_asked;
	char			 txt[DNSBL_TXT_MAX];	/* reason, printable */
};

/* A list's test entries for one family. */
struct dnsbl_sanity {
	bool			 used;
	struct dnsbl_probe	 listed, unlisted;
	enum dnsbl_trust	 trust;
	char			 why[160];
};

struct dnsbl_list_state {
	struct dnsbl_sanity	 fam[DNSBL_FAM_COUNT];
	struct finding_list	 findings;
};

struct dnsbl_result {
	size_t			 list;		/* index in the set */
	struct dnsbl_probe	 probe;
	enum dnsbl_verdict	 verdict;	/* after the list's trust */
};

struct dnsbl_target {
	char			*spec;		/* as given */
	enum dnsbl_family	 fam;
	union {
		struct in_addr	 v4;
		struct in6_addr	 v6;
	} addr;
	char			*domain;	/* DOMAIN targets, no final dot */
	size_t			 nresults;
	struct dnsbl_result	*results;
	enum finding_status	 status;
	struct finding_list	 findings;
};

struct dnsbl_report {
	const struct dnsbl_set	*set;		/* borrowed */
	struct dnsbl_list_state	*lists;		/* set->n entries */
	size_t			 ntargets;
	struct dnsbl_target	*targets;
	size_t			 pending;
	void			(*done_cb)(struct dnsbl_report *, void *);
	void			*done_arg;
};

/*
 * A report for the targets (IPv4, IPv6 addresses, or domain names),
 * against set (borrowed: it must outlive the report). Returns NULL with a
 * message in err for a target that is none of these, or more than
 * DNSBL_TARGETS_MAX.
 */
struct dnsbl_report *dnsbl_report_new(const struct dnsbl_set *set,
    const char *const *targets, size_t n, char *err, size_t errlen);
void dnsbl_report_free(struct dnsbl_report *rep);

/*
 * A report with no target that asks only the test entries of every list
 * of the kinds given (DNSBL_KIND_* mask). Once looked up, its answers can
 * be lent to many reports (dnsbl_report_adopt_tests), so that a bulk run
 * checks each list once, not once per address.
 */
struct dnsbl_report *dnsbl_report_tests_new(const struct dnsbl_set *set,
    unsigned kinds);
/* Take the answered test entries of from (same set) for the lists and
 * families rep uses; dnsbl_report_lookup() then does not ask them. */
void dnsbl_report_adopt_tests(struct dnsbl_report *rep,
    const struct dnsbl_report *from);

/*
 * Ask every query (targets and the lists' test entries) concurrently
 * through lk; for listings, ask the TXT reason too. cb runs once, after
 * dnsbl_report_judge(); from inside this call only when there is nothing
 * to ask (no target, or no list of any target's kind).
 */
void dnsbl_report_lookup(struct dnsbl_report *rep, struct dns_lookup *lk,
    void (*cb)(struct dnsbl_report *rep, void *arg), void *arg);

/* Trust every list from its test entries, apply it to the targets'
 * results and make the findings. Pure; called by the lookup at the end. */
void dnsbl_report_judge(struct dnsbl_report *rep);

/* Rendering: a new JSON object (the body of schema mxdiag.bl/1), text. */
json_t *dnsbl_report_json(const struct dnsbl_report *rep);
/* The exit code of the report (FINDING_EXIT_*): listings win; anything
 * not checked (temperror, a skipped list) makes it "unchecked". */
int dnsbl_report_exit_code(const struct dnsbl_report *rep);
/* The whole document of `mxdiag bl --format json` (schema, version,
 * resolvers, the report, summary.exit_code). resolvers is taken (NULL:
 * an empty array). New. */
json_t *dnsbl_report_document(const struct dnsbl_report *rep,
    json_t *resolvers);
/* One target's object of that report (its results and findings). */
json_t *dnsbl_target_json(const struct dnsbl_report *rep,
    const struct dnsbl_target *t);
void dnsbl_report_text(FILE *out, const struct dnsbl_report *rep,
    const struct report_style *st);

#endif
