/* SPDX-License-Identifier: MIT */
/*
 * SPF evaluation over the asynchronous DNS interface (dns/lookup.h): the
 * RFC 7208 check_host() function for a client address, and an audit walk
 * that fetches the whole include/redirect tree without one (every include
 * and redirect followed, lookups counted per term and in total, past the
 * limit of 10, within hard caps). Both fill the same tree of nodes, which
 * the judge (spf/judge.h) and the reports read.
 */
#ifndef MXDIAG_SPF_EVAL_H
#define MXDIAG_SPF_EVAL_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>

#include "dns/lookup.h"
#include "spf/record.h"
#include "util/util.h"

#define SPF_LOOKUP_LIMIT	10	/* DNS-querying terms, §4.6.4 */
#define SPF_VOID_LIMIT		2	/* void lookups, §4.6.4 */
#define SPF_MX_LIMIT		10	/* MX records per mx mechanism */
#define SPF_PTR_LIMIT		10	/* PTR names checked */
#define SPF_AUDIT_DEPTH		16	/* audit walk: nesting followed */
#define SPF_AUDIT_NODES		200	/* audit walk: records fetched */
#define SPF_AUDIT_QUERIES	400	/* audit walk: queries in all */

enum spf_result {
	SPF_RESULT_NONE,
	SPF_RESULT_NEUTRAL,
	SPF_RESULT_PASS,
	SPF_RESULT_FAIL,
	SPF_RESULT_SOFTFAIL,
	SPF_RESULT_TEMPERROR,
	SPF_RESULT_PERMERROR,
};

/* "none", "neutral", "pass", "fail", "softfail", "temperror",
 * "permerror" (static strings). */
const char *spf_result_name(enum spf_result r);

enum spf_via {
	SPF_VIA_ROOT,
	SPF_VIA_INCLUDE,
	SPF_VIA_REDIRECT,
};

/* What the TXT lookup of a node's domain gave. */
enum spf_fetch {
	SPF_FETCH_PENDING,	/* not looked up (yet) */
	SPF_FETCH_RECORD,	/* exactly one SPF record, parsed */
	SPF_FETCH_NONE,		/* NXDOMAIN, NODATA, or no v=spf1 record */
	SPF_FETCH_BADNAME,	/* malformed domain, not looked up */
	SPF_FETCH_MULTIPLE,	/* several SPF records: permerror */
	SPF_FETCH_SYNTAX,	/* one record with a syntax error: permerror */
	SPF_FETCH_TEMPERROR,	/* the lookup failed: temperror */
};

/* A term's fate in check_host() with a client address. */
enum spf_term_state {
	SPF_TERM_NOT_EVALUATED,
	SPF_TERM_MATCH,
	SPF_TERM_NO_MATCH,
	SPF_TERM_TEMPERROR,
	SPF_TERM_PERMERROR,
};

const char *spf_term_state_name(enum spf_term_state s);

struct spf_node;

/* What is known about one term of a node's record (same index). */
struct spf_term_info {
	/* The audit walk, in evaluation order over the whole tree. */
	unsigned	 lookups;	/* 1 when the term counts, else 0 */
	unsigned	 running;	/* running total after this term */
	bool		 followed;	/* include/redirect target fetched */
	bool		 loop;		/* target is an ancestor: a loop */
	bool		 ignored;	/* redirect beside an all mechanism */
	bool		 bad_target;	/* include/redirect names no domain */
	bool		 audit_void;	/* a/mx/exists target had no records */
	bool		 audit_error;	/* its lookup failed (DNS error) */
	unsigned	 mx_count;	/* mx: MX records seen */
	char		*note;		/* what the audit saw, printable */
	/* check_host() with an address. */
	enum spf_term_state state;
	bool		 void_lookup;	/* counted as a void lookup */
	char		*eval_note;	/* what the evaluation saw */
	/* Both. */
	char		*target;	/* expanded target name */
	struct spf_node	*child;		/* include / redirect target */
	/* evaluator bookkeeping */
	bool		 counted;
	int		 probes;
	bool		 probe_data;
};

struct spf_node {
	char		*domain;	/* no final dot */
	enum spf_via	 via;
	struct spf_node	*parent;	/* NULL for the root */
	size_t		 parent_term;	/* the term of parent leading here */
	unsigned	 depth;		/* 0 for the root */
	bool		 draft;		/* root text given, not looked up */

	enum spf_fetch	 fetch;
	int		 dns_outcome;	/* enum dns_outcome of the TXT query */
	char		*detail;	/* why not RECORD, printable */
	struct spf_parse_error perr;	/* SPF_FETCH_SYNTAX */
	char		*text;		/* the SPF record (first one if
					 * several), raw bytes */
	size_t		 text_len;
	char		*printable;	/* text made printable */
	struct strvec	 spf_texts;	/* every v=spf1 record, printable */
	unsigned	 nstrings;	/* strings the record was split in */
	uint16_t	 bounds[DNS_TXT_BOUNDS];	/* their end offsets */
	size_t		 txt_records;	/* TXT records at the name */
	size_t		 txt_octets;	/* their text, summed */
	struct spf_record *rec;		/* SPF_FETCH_RECORD */
	struct spf_term_info *terms;	/* rec->nterms entries */

	unsigned	 subtree_lookups; /* audit: this record and below */
	enum spf_result	 audit_result;	/* for an unlisted address */
	bool		 audit_done;
	enum spf_result	 result;	/* check_host() here, with an address */
	bool		 evaluated;
	int		 matched_term;	/* the mechanism that matched, or -1 */
	bool		 redirected;	/* result came from redirect= */

	/* evaluator bookkeeping */
	int		 ev_phase;
	size_t		 ev_cursor;
	bool		 fetching;
};

struct spf_request {
	const char	*domain;	/* NULL: sender's domain, else HELO */
	const char	*sender;	/* MAIL FROM; NULL or "" for null */
	const char	*helo;		/* HELO/EHLO name, may be NULL */
	const char	*ip;		/* client address; NULL: audit only */
	const char	*record;	/* draft record used for the domain */
	const char	*receiver;	/* %{r}; NULL: "unknown" */
	bool		 audit;		/* walk the whole tree first */
	long long	 now;		/* %{t}; 0: the current time */
};

struct spf_eval;

struct spf_check {
	/* The inputs, as used (owned). */
	char		*domain;
	char		*sender;	/* local-part@domain */
	char		*local;
	char		*sender_domain;
	char		*helo;		/* NULL when not given */
	char		*receiver;
	bool		 sender_given;
	bool		 has_ip;
	int		 af;		/* AF_INET (v4-mapped too), AF_INET6 */
	struct in_addr	 ip4;
	struct in6_addr	 ip6;
	char		 ip_text[INET6_ADDRSTRLEN];
	bool		 audit;
	char		*draft;
	long long	 now;

	/* check_host() with the address. */
	bool		 evaluated;
	enum spf_result	 result;
	char		*explanation;	/* exp= text for a fail, printable */
	char		*reason;	/* one line: why this result */
	unsigned	 lookups;	/* DNS-querying terms evaluated */
	unsigned	 voids;		/* void lookups */
	struct spf_node	*limit_node;	/* where a limit was exceeded */
	size_t		 limit_term;

	/* The audit walk. */
	bool		 audited;
	enum spf_result	 audit_result;	/* for an address nothing matches */
	char		*audit_reason;
	unsigned	 audit_lookups;	/* every counting term of the tree */
	unsigned	 audit_voids;	/* void lookups seen on that path */
	struct spf_node	*tip_node;	/* the 11th counting term */
	size_t		 tip_term;
	bool		 loop;		/* an include/redirect loop */
	bool		 capped;	/* a cap stopped the walk */
	bool		 partial;	/* targets needing the address/sender */

	struct spf_node	*root;
	struct spf_node	**nodes;	/* every node, for freeing */
	size_t		 nnodes;

	struct spf_eval	*ev;		/* evaluator state */
};

typedef void spf_done_cb(struct spf_check *c, void *arg);

/*
 * A new check of req over lk (borrowed; must outlive the check). The
 * strings of req are copied. Returns 0 with *out set, or -1 with a
 * message in err (an unparsable address, no domain to check). The checked
 * domain defaults to the sender's domain, else the HELO name (RFC 7208
 * §2.3, §2.4); a null sender becomes postmaster@HELO, an empty local-part
 * "postmaster" (§4.3). An IPv4-mapped IPv6 address is checked as IPv4.
 */
int spf_check_new(struct dns_lookup *lk, const struct spf_request *req,
    struct spf_check **out, char *err, size_t errlen);

/*
 * Start: the audit walk when asked (or when there is no address), then
 * check_host() when there is an address. cb (may be NULL) runs exactly
 * once, when everything has finished; it may run before spf_check_run()
 * returns when no lookup is needed. Do not free c from inside cb.
 */
void spf_check_run(struct spf_check *c, spf_done_cb *cb, void *arg);
bool spf_check_done(const struct spf_check *c);

/* Free c; NULL is a no-op. Only when spf_check_done() or never run. */
void spf_check_free(struct spf_check *c);

/* The result this check reports: check_host()'s with an address, else the
 * audit's (for an address that no mechanism matches). */
enum spf_result spf_check_result(const struct spf_check *c);

#endif
