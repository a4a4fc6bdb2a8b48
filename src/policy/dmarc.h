/* SPDX-License-Identifier: MIT */
/*
 * DMARC: the policy record (RFC 7489 §6.3 and RFC 9989 §4.7, every tag
 * validated, defaults filled in), its discovery over struct dns_lookup by
 * both methods (the RFC 9989 DNS tree walk, and RFC 7489's
 * public-suffix-list method beside it), the authorization of external
 * report destinations, and the findings. Parsing and judging are pure;
 * only dmarc_discover_start() asks the DNS.
 */
#ifndef MXDIAG_POLICY_DMARC_H
#define MXDIAG_POLICY_DMARC_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/lookup.h"
#include "policy/common.h"
#include "policy/orgdomain.h"
#include "policy/tagvalue.h"
#include "policy/uri.h"
#include "report/finding.h"

/* ---- the record ---- */

enum dmarc_tag_id {
	DMARC_TAG_V = 0,
	DMARC_TAG_P,
	DMARC_TAG_SP,
	DMARC_TAG_NP,
	DMARC_TAG_ADKIM,
	DMARC_TAG_ASPF,
	DMARC_TAG_PCT,
	DMARC_TAG_FO,
	DMARC_TAG_RF,
	DMARC_TAG_RI,
	DMARC_TAG_RUA,
	DMARC_TAG_RUF,
	DMARC_TAG_T,
	DMARC_TAG_PSD,
	DMARC_TAG_COUNT
};

enum dmarc_policy {
	DMARC_POLICY_UNSET = 0,		/* no valid value */
	DMARC_POLICY_NONE,
	DMARC_POLICY_QUARANTINE,
	DMARC_POLICY_REJECT,
};

/* fo= options */
#define DMARC_FO_0	0x01
#define DMARC_FO_1	0x02
#define DMARC_FO_D	0x04
#define DMARC_FO_S	0x08

struct dmarc_tag {
	char	*value;		/* printable: as published, or the default;
				 * NULL when absent without a default */
	bool	 explicit;	/* published (else the default is shown) */
	bool	 valid;		/* the value is acceptable (defaults are) */
	char	*error;		/* why not valid; NULL when valid */
};

struct dmarc_record {
	char			*text;		/* printable copy */
	enum tagvalue_status	 tv_status;
	bool			 is_dmarc;	/* the first tag is v=DMARC1 */
	bool			 valid;		/* is_dmarc, no syntax problem, no
						 * duplicate, every known tag valid */
	struct dmarc_tag	 tags[DMARC_TAG_COUNT];
	/* Effective values, defaults applied. */
	enum dmarc_policy	 p, sp, np;
	bool			 p_missing;	/* no p tag */
	bool			 unenforced;	/* p missing or invalid, or sp/np
						 * invalid: read as p=none */
	bool			 ignored;	/* ... and no usable rua either:
						 * receivers apply no DMARC */
	bool			 p_not_second;	/* RFC 7489 wants p right after v */
	char			 adkim, aspf;	/* 'r' or 's' */
	int			 pct;		/* 0..100 */
	unsigned		 fo;		/* DMARC_FO_* */
	unsigned long		 ri;
	bool			 testing;	/* t=y */
	char			 psd;		/* 'y', 'n', 'u' */
	struct policy_uri_list	 rua, ruf;
	struct strvec		 unknown;	/* unknown tag names */
	struct strvec		 syntax;	/* tag-list problems, printable */
	struct strvec		 duplicates;	/* repeated tag names */
};

const char *dmarc_tag_name(enum dmarc_tag_id id);
/* "none", "quarantine", "reject"; "(unset)" for DMARC_POLICY_UNSET. */
const char *dmarc_policy_name(enum dmarc_policy p);

/*
 * Parse len untrusted bytes into *rec (fully initialised; free with
 * dmarc_record_clear()). Every tag is validated; a tag that is absent
 * gets its default. Returns rec->is_dmarc: false means the text is not a
 * DMARC record at all (a receiver discards it).
 */
bool dmarc_record_parse(const char *text, size_t len,
    struct dmarc_record *rec);
void dmarc_record_clear(struct dmarc_record *rec);

/* True when the text's first tag is v=DMARC1 (cheap; for counting). */
bool dmarc_text_is_dmarc(const char *text, size_t len);

/* A corrected record for rec, keeping what is valid, dropping invalid and
 * unknown tags, and filling a missing p. rua_default (may be NULL) is
 * added when there is no usable rua. Caller frees. */
char *dmarc_record_suggest(const struct dmarc_record *rec,
    const char *rua_default);

/* ---- discovery ---- */

/* The names asked: the tree walk's, plus the PSL organizational domain
 * when the walk's label shortcut jumps over it. */
#define DMARC_LEVELS_MAX	(ORGDOMAIN_WALK_MAX + 1)
/* External report destinations checked per record. */
#define DMARC_REPORTS_MAX	8

/* What one _dmarc.<domain> TXT query found. */
struct dmarc_level {
	char			 domain[POLICY_NAME_MAX];
	char			 qname[DNS_NAME_BUF];
	bool			 done;
	enum dns_outcome	 outcome;
	char			 error[96];
	size_t			 ntxt;		/* TXT records */
	size_t			 ndmarc;	/* of them v=DMARC1 */
	bool			 has_record;	/* exactly one: parsed below */
	struct dmarc_record	 record;
	struct strvec		 dmarc_texts;	/* printable, all DMARC ones */
	struct strvec		 other_texts;	/* printable, the others */
};

enum dmarc_result {
	DMARC_RESULT_NONE = 0,		/* no applicable record */
	DMARC_RESULT_FOUND,
	DMARC_RESULT_TEMPERROR,		/* a lookup failed temporarily */
	DMARC_RESULT_UNAVAILABLE,	/* PSL method without a PSL */
};

const char *dmarc_result_name(enum dmarc_result r);

struct dmarc_method {
	enum dmarc_result	 result;
	size_t			 nsteps;
	int			 steps[DMARC_LEVELS_MAX];	/* levels asked */
	int			 policy_level;	/* where the record is; -1 */
	char			 org_domain[POLICY_NAME_MAX];	/* "" unknown */
	bool			 org_is_suffix;	/* PSL: the domain is a public
						 * suffix itself */
	bool			 psd_policy;	/* taken from a psd=y record */
	int			 temp_level;	/* first temporary failure; -1 */
	bool			 org_uncertain;	/* walk: a later step failed
						 * temporarily after a record at
						 * the domain itself */
};

enum dmarc_auth {
	DMARC_AUTH_INTERNAL = 0,	/* same organization: nothing to ask */
	DMARC_AUTH_OK,			/* <domain>._report._dmarc.<dest> says yes */
	DMARC_AUTH_MISSING,		/* no such record: reports not sent */
	DMARC_AUTH_TEMPERROR,
	DMARC_AUTH_ERROR,		/* name too long, or a permanent DNS error */
};

struct dmarc_report_check {
	char			*uri;		/* printable */
	char			*host;		/* destination domain */
	char			*qname;		/* the authorization name */
	bool			 ruf;		/* from ruf (else rua) */
	enum dmarc_auth		 state;
	char			 detail[128];
};

struct dmarc_discovery {
	char			 domain[POLICY_NAME_MAX];
	bool			 draft;		/* judging draft_record */
	struct dmarc_record	 draft_record;
	size_t			 nlevels;
	struct dmarc_level	 levels[DMARC_LEVELS_MAX];
	size_t			 nwalk;		/* levels[0..nwalk) are the walk's */
	struct dmarc_method	 walk, psl;
	char			 psl_source[256];
	bool			 compared;	/* both methods concluded */
	bool			 same_record, same_org, agree;
	/* The record judged: the tree walk's, or the draft; NULL if none. */
	const struct dmarc_record *record;
	char			 policy_domain[POLICY_NAME_MAX];
	enum dmarc_policy	 applied;	/* to mail from domain */
	const char		*applied_tag;	/* "p" or "sp" (static) */
	size_t			 nreports;
	struct dmarc_report_check reports[DMARC_REPORTS_MAX];
	bool			 reports_truncated;
};

/*
 * Pure steps of the discovery, public so that tests can drive them:
 * dmarc_discovery_plan() sets up the levels for domain (normalised; false
 * when it is unusable); dmarc_level_set_answer() records one TXT answer
 * (ans borrowed); dmarc_discovery_evaluate() runs both methods over the
 * answers and picks the record to judge; dmarc_discovery_plan_reports()
 * lists the report destinations of that record, and
 * dmarc_report_set_answer() records the answer for one of them.
 */
bool dmarc_discovery_plan(struct dmarc_discovery *d, const char *domain,
    const struct orgdomain_psl *psl);
void dmarc_level_set_answer(struct dmarc_level *lv,
    const struct dns_answer *ans);
void dmarc_discovery_evaluate(struct dmarc_discovery *d,
    const struct orgdomain_psl *psl);
void dmarc_discovery_plan_reports(struct dmarc_discovery *d,
    const struct orgdomain_psl *psl);
void dmarc_report_set_answer(struct dmarc_report_check *rc,
    const struct dns_answer *ans);

typedef void dmarc_done_cb(struct dmarc_discovery *d, void *arg);

/*
 * Discover the DMARC record of domain through lk, by both methods at once
 * (every name is asked in parallel), then check the record's external
 * report destinations. With draft non-NULL (draft_len bytes), the draft is
 * judged as if published at _dmarc.<domain>; the live discovery still runs
 * to show what is published now. psl may have a NULL ctx (the RFC 7489
 * method is then "unavailable"); it must outlive the discovery.
 *
 * *out is filled and belongs to the caller (free with
 * dmarc_discovery_clear()). cb runs exactly once, never from inside this
 * call, when everything has answered. Returns 0, or -1 when domain is not
 * a usable name (cb is then never called).
 */
int dmarc_discover_start(struct dns_lookup *lk,
    const struct orgdomain_psl *psl, const char *domain, const char *draft,
    size_t draft_len, struct dmarc_discovery *out, dmarc_done_cb *cb,
    void *arg);
void dmarc_discovery_clear(struct dmarc_discovery *d);

/* ---- findings ---- */

/* Findings on one record published (or drafted) at
 * _dmarc.<policy_domain>, for mail from domain. */
void dmarc_judge_record(const char *domain, const char *policy_domain,
    const struct dmarc_record *rec, struct finding_list *fl);

/* All findings of a finished discovery. */
void dmarc_judge(const struct dmarc_discovery *d, struct finding_list *fl);

#endif
