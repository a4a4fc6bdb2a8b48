/* SPDX-License-Identifier: MIT */
/*
 * The DKIM check of a domain: which selectors publish a key, and whether
 * each key would verify anything (tags, revocation, testing mode, the real
 * key size). Lookups run concurrently through struct dns_lookup; the
 * judgement of one record is pure, so drafts (records not yet published)
 * get the same findings as live ones.
 */
#ifndef MXDIAG_DKIM_DKIM_H
#define MXDIAG_DKIM_DKIM_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "dkim/key.h"
#include "dns/lookup.h"
#include "dns/wire.h"
#include "report/finding.h"
#include "report/report.h"

#define DKIM_SCHEMA		"mxdiag.dkim/1"
#define DKIM_SELECTORS_MAX	64	/* selectors asked per domain */
#define DKIM_SELECTOR_LEN_MAX	200	/* octets of one selector */

struct dkim_selector {
	char			*selector;
	char			*name;		/* SELECTOR._domainkey.DOMAIN */
	bool			 done;		/* judged */
	bool			 looked_up;	/* ans holds the TXT lookup */
	struct dns_answer	 ans;
	bool			 found;		/* at least one record */
	/* Default discovery only: the name holds TXT records that are not
	 * DKIM at all (a wildcard TXT, typically); counted as not found. */
	bool			 foreign;
	size_t			 nrecords;	/* TXT records at the name */
	char			*record;	/* the (first) record, raw octets */
	size_t			 record_len;
	struct dkim_key_record	 rec;		/* tags point into record */
	struct dkim_key_info	 key;
	bool			 valid;		/* a verifier could use the key */
	enum finding_status	 status;	/* worst of findings */
	struct finding_list	 findings;
};

struct dkim_report {
	char			*domain;	/* no trailing dot */
	bool			 explicit_selectors;	/* given, not the defaults */
	bool			 draft;		/* judged from --record text */
	size_t			 n;
	struct dkim_selector	*sel;
	struct finding_list	 findings;	/* about the domain as a whole */
	/* Lookup bookkeeping (dkim_report_lookup). */
	size_t			 pending;
	void			(*done_cb)(struct dkim_report *, void *);
	void			*done_arg;
};

/* The selectors tried when none is given: providers' defaults, documented
 * in docs/findings-dkim.md. Static storage. */
const char *const *dkim_default_selectors(size_t *n);

/* A selector is one or more dot-separated labels of letters, digits, '-'
 * and '_' (1..63 octets each, DKIM_SELECTOR_LEN_MAX in all). */
bool dkim_selector_valid(const char *s);

/*
 * A report for domain with the given selectors (copied), or with the
 * default list when n is 0. Returns NULL with a message in err when the
 * domain or a selector is not valid, or there are more than
 * DKIM_SELECTORS_MAX. Free with dkim_report_free().
 */
struct dkim_report *dkim_report_new(const char *domain,
    const char *const *selectors, size_t n, char *err, size_t errlen);
void dkim_report_free(struct dkim_report *rep);

/*
 * Look every selector up concurrently through lk and judge each answer;
 * cb runs once, after the domain-level findings are made, never from
 * inside this call. rep and lk must live until then.
 */
void dkim_report_lookup(struct dkim_report *rep, struct dns_lookup *lk,
    void (*cb)(struct dkim_report *rep, void *arg), void *arg);

/* Draft mode: judge text (len octets) as the record of selector i, with
 * no lookup. Call dkim_report_finish() afterwards. */
void dkim_report_judge_record(struct dkim_report *rep, size_t i,
    const char *text, size_t len);
/* Judge a TXT answer (borrowed; copied) for selector i. */
void dkim_report_judge_answer(struct dkim_report *rep, size_t i,
    const struct dns_answer *ans);
/* The domain-level findings, once every selector is judged. */
void dkim_report_finish(struct dkim_report *rep);

/* The worst status of every finding in the report. */
enum finding_status dkim_report_worst(const struct dkim_report *rep);

/* Rendering (dkim/render.c): a new JSON object ("schema" mxdiag.dkim/1
 * fields without the envelope the command adds), and text. */
json_t *dkim_report_json(const struct dkim_report *rep);
/* The exit code of the report (FINDING_EXIT_*): a problem anywhere wins
 * over a temporary failure. */
int dkim_report_exit_code(const struct dkim_report *rep);
/* The whole document of `mxdiag dkim --format json` (schema, version,
 * resolvers, the report, summary.exit_code). resolvers is taken (NULL:
 * an empty array). New. */
json_t *dkim_report_document(const struct dkim_report *rep,
    json_t *resolvers);
void dkim_report_text(FILE *out, const struct dkim_report *rep,
    const struct report_style *st);

#endif
