/* SPDX-License-Identifier: MIT */
/*
 * BIMI (draft-brand-indicators-for-message-identification): the assertion
 * record at <selector>._bimi.<domain> (v=BIMI1; l= an https URL of an SVG
 * logo; a= an https URL of a VMC/CMC certificate in PEM), its discovery
 * with the fallback to default._bimi.<organizational domain>, and the
 * DMARC prerequisite (a policy at enforcement), judged from a live DMARC
 * discovery. Parsing and judging are pure.
 */
#ifndef MXDIAG_POLICY_BIMI_H
#define MXDIAG_POLICY_BIMI_H

#include <stdbool.h>
#include <stddef.h>

#include "policy/dmarc.h"

#define BIMI_SELECTOR_MAX	64

enum bimi_format {
	BIMI_FMT_NONE = 0,	/* no location */
	BIMI_FMT_SVG,		/* ends in .svg */
	BIMI_FMT_SVGZ,		/* ends in .svgz */
	BIMI_FMT_OTHER_IMAGE,	/* .png, .jpg, ...: a permanent error */
	BIMI_FMT_UNKNOWN,	/* no recognisable suffix */
};

struct bimi_record {
	char			*text;		/* printable */
	bool			 is_bimi;	/* first tag is v=BIMI1 */
	bool			 valid;		/* usable: syntax, l and a good */
	bool			 declined;	/* l= and a= both empty */
	bool			 has_l;		/* l= present */
	bool			 has_a;		/* a= present and not empty */
	struct policy_uri_list	 l;		/* l= URIs (one expected) */
	struct policy_uri	 a;		/* a= URI */
	enum bimi_format	 format;	/* of the first l= URI */
	char			*l_error;	/* why l= is unusable; NULL */
	char			*a_error;	/* why a= is unusable; NULL */
	bool			 a_not_pem;	/* a= does not end in .pem */
	struct strvec		 unknown;	/* unknown tag names */
	struct strvec		 syntax;	/* tag-list problems */
};

/* Parse len untrusted bytes (fully initialises *r; free with
 * bimi_record_clear()). Returns r->is_bimi. */
bool bimi_record_parse(const char *text, size_t len, struct bimi_record *r);
void bimi_record_clear(struct bimi_record *r);

/* One assertion-record query. */
struct bimi_lookup {
	char			 name[DNS_NAME_BUF];
	bool			 asked, done;
	enum dns_outcome	 outcome;
	char			 error[96];
	size_t			 nbimi;		/* v=BIMI1 records */
	bool			 has_record;	/* exactly one, parsed below */
	struct bimi_record	 record;
	struct strvec		 texts;		/* printable BIMI records */
	struct strvec		 others;	/* printable other TXT */
};

void bimi_lookup_set_answer(struct bimi_lookup *bl,
    const struct dns_answer *ans);

struct bimi_check {
	char			 domain[POLICY_NAME_MAX];
	char			 selector[BIMI_SELECTOR_MAX];
	bool			 draft;
	struct bimi_record	 draft_record;
	struct bimi_lookup	 primary;	/* <selector>._bimi.<domain> */
	struct bimi_lookup	 fallback;	/* default._bimi.<org domain> */
	struct dmarc_discovery	 dmarc;		/* the prerequisite, live */
	/* The record judged (primary's, fallback's or the draft); NULL. */
	const struct bimi_record *record;
	const char		*record_name;	/* points into a lookup */
};

typedef void bimi_done_cb(struct bimi_check *b, void *arg);

/*
 * Look up the BIMI record of domain (selector NULL: "default") and its
 * DMARC policy through lk, in parallel; then, when the selector's name has
 * no BIMI record, default._bimi.<organizational domain>. With draft
 * non-NULL the draft is judged instead of the published record (the DMARC
 * prerequisite is still looked up). *out belongs to the caller (free with
 * bimi_check_clear()); cb runs exactly once, never from inside this call.
 * Returns 0, or -1 when domain or selector is unusable (no callback).
 */
int bimi_check_start(struct dns_lookup *lk, const struct orgdomain_psl *psl,
    const char *domain, const char *selector, const char *draft,
    size_t draft_len, struct bimi_check *out, bimi_done_cb *cb, void *arg);
void bimi_check_clear(struct bimi_check *b);

/* Findings on one record (for mail from domain). */
void bimi_judge_record(const char *domain, const char *name,
    const struct bimi_record *r, struct finding_list *fl);
/* The DMARC prerequisite, from a finished discovery. */
void bimi_judge_dmarc(const struct dmarc_discovery *d,
    struct finding_list *fl);
/* Everything. */
void bimi_judge(const struct bimi_check *b, struct finding_list *fl);

#endif
