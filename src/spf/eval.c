/* SPDX-License-Identifier: MIT */
/*
 * check_host() (RFC 7208 §4-§6) as a state machine driven by DNS answers,
 * and the audit walk of the whole include tree. check_host() is
 * sequential by nature (the first match wins and the limits count in
 * order), so it keeps one cursor and at most one term's queries in
 * flight; the audit walk fetches every record of the tree at once and
 * then counts in evaluation order. check_host() reuses the records the
 * audit fetched.
 */
#include "spf/eval.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "dns/wire.h"
#include "spf/macro.h"

enum ev_phase {
	PH_IDLE,
	PH_AUDIT,
	PH_EVAL,
	PH_EXP,
	PH_DONE,
};

/* Per-node phases of check_host(). */
enum node_phase {
	NODE_FETCH,
	NODE_TERMS,
	NODE_END,
};

/* What evaluating one mechanism gave. */
enum term_rc {
	TERM_WAIT,
	TERM_DESCEND,
	TERM_MATCH,
	TERM_NO_MATCH,
	TERM_TEMPERROR,
	TERM_PERMERROR,
};

enum ptr_state {
	PTR_IDLE,
	PTR_RUNNING,
	PTR_DONE,
};

enum qkind {
	Q_TXT,		/* a node's record */
	Q_PROBE,	/* audit: a/mx/exists target */
	Q_TERM,		/* check_host: a, mx (MX), exists */
	Q_MXADDR,	/* check_host: address of an MX name */
	Q_PTR,		/* PTR of the client address */
	Q_PTRADDR,	/* address of a PTR name */
	Q_EXP,		/* exp= TXT */
};

struct spf_q {
	struct spf_check	*c;
	enum qkind		 kind;
	struct spf_node		*n;
	size_t			 term;
	size_t			 idx;
};

struct spf_eval {
	struct dns_lookup	*lk;
	spf_done_cb		*cb;
	void			*arg;
	enum ev_phase		 phase;
	bool			 started;
	bool			 notified;
	unsigned		 pending;	/* queries in flight */
	unsigned		 audit_queries;
	bool			 waiting;	/* check_host waits on DNS */

	/* check_host() cursor */
	struct spf_node		*cur;
	int			 term_phase;	/* 0 fresh, 1 asked, 2 answered */
	struct dns_answer	 ans;
	size_t			 nmx;
	char			*mxname[SPF_MX_LIMIT];
	struct dns_answer	 mxaddr[SPF_MX_LIMIT];
	size_t			 mx_left;
	char			 why[512];	/* the current error */

	/* validated names of the client address (ptr, %{p}) */
	enum ptr_state		 ptr_state;
	int			 ptr_outcome;
	size_t			 nptr;
	char			*ptr_name[SPF_PTR_LIMIT];
	bool			 ptr_valid[SPF_PTR_LIMIT];
	size_t			 ptr_left;

	/* exp= */
	struct spf_node		*final;
	int			 exp_phase;
	char			*exp_text;
};

static void ev_step(struct spf_check *c);
static void exp_step(struct spf_check *c);
static void audit_node(struct spf_check *c, struct spf_node *n);
static void audit_finish(struct spf_check *c);

const char *
spf_result_name(enum spf_result r)
{
	switch (r) {
	case SPF_RESULT_NONE:		return "none";
	case SPF_RESULT_NEUTRAL:	return "neutral";
	case SPF_RESULT_PASS:		return "pass";
	case SPF_RESULT_FAIL:		return "fail";
	case SPF_RESULT_SOFTFAIL:	return "softfail";
	case SPF_RESULT_TEMPERROR:	return "temperror";
	case SPF_RESULT_PERMERROR:	return "permerror";
	}
	return "?";
}

const char *
spf_term_state_name(enum spf_term_state s)
{
	switch (s) {
	case SPF_TERM_NOT_EVALUATED:	return "not_evaluated";
	case SPF_TERM_MATCH:		return "match";
	case SPF_TERM_NO_MATCH:		return "no_match";
	case SPF_TERM_TEMPERROR:	return "temperror";
	case SPF_TERM_PERMERROR:	return "permerror";
	}
	return "?";
}

static enum spf_result
qual_result(enum spf_qual q)
{
	switch (q) {
	case SPF_QUAL_PASS:	return SPF_RESULT_PASS;
	case SPF_QUAL_FAIL:	return SPF_RESULT_FAIL;
	case SPF_QUAL_SOFTFAIL:	return SPF_RESULT_SOFTFAIL;
	case SPF_QUAL_NEUTRAL:	return SPF_RESULT_NEUTRAL;
	}
	return SPF_RESULT_NEUTRAL;
}

static void
setwhy(struct spf_check *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
setwhy(struct spf_check *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->ev->why, sizeof(c->ev->why), fmt, ap);
	va_end(ap);
}

/* Replace *dst with a new printf-style string. */
static void
setstr(char **dst, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
setstr(char **dst, const char *fmt, ...)
{
	va_list ap;

	free(*dst);
	va_start(ap, fmt);
	*dst = xvasprintf(fmt, ap);
	va_end(ap);
}

static char *
printable_dup(const char *s, size_t n)
{
	size_t cap = 4 * n + 4;
	char *out = xcalloc(1, cap);

	util_printable(out, cap, s, n);
	return out;
}

/* RFC 7208 §4.4 and §5: RCODE 0 with or without records and NXDOMAIN are
 * answers; everything else, timeouts included, is an error, which
 * check_host() reports as temperror. */
static bool
dns_is_error(enum dns_outcome o)
{
	return o != DNS_OUT_ANSWER && o != DNS_OUT_NODATA &&
	    o != DNS_OUT_NXDOMAIN;
}

static bool
dns_is_void(enum dns_outcome o)
{
	return o == DNS_OUT_NODATA || o == DNS_OUT_NXDOMAIN;
}

static const char *
outcome_text(const struct dns_answer *ans, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s", dns_outcome_name(ans->outcome),
	    ans->error[0] ? " (" : "", ans->error, ans->error[0] ? ")" : "");
	return buf;
}

/* ------------------------------------------------------------------ */
/* Nodes */

static struct spf_node *
node_new(struct spf_check *c, const char *domain, enum spf_via via,
    struct spf_node *parent, size_t term)
{
	struct spf_node *n = xcalloc(1, sizeof(*n));
	size_t len;

	n->domain = xstrdup(domain);
	len = strlen(n->domain);
	if (len > 0 && n->domain[len - 1] == '.')
		n->domain[len - 1] = '\0';
	n->via = via;
	n->parent = parent;
	n->parent_term = term;
	n->depth = parent ? parent->depth + 1 : 0;
	n->matched_term = -1;
	n->fetch = SPF_FETCH_PENDING;
	c->nodes = xreallocarray(c->nodes, c->nnodes + 1, sizeof(*c->nodes));
	c->nodes[c->nnodes++] = n;
	return n;
}

static void
node_free(struct spf_node *n)
{
	if (n == NULL)
		return;
	if (n->rec != NULL)
		for (size_t i = 0; i < n->rec->nterms; i++) {
			free(n->terms[i].note);
			free(n->terms[i].eval_note);
			free(n->terms[i].target);
		}
	free(n->terms);
	spf_record_free(n->rec);
	free(n->domain);
	free(n->detail);
	free(n->text);
	free(n->printable);
	strvec_clear(&n->spf_texts);
	free(n);
}

/* Keep the record text of n and parse it. */
static void
node_set_record(struct spf_node *n, const char *txt, size_t len,
    const uint16_t *bounds, unsigned nstrings)
{
	/* All len bytes, NULs included: the judge walks text_len of them. */
	n->text = xcalloc(1, len + 1);
	memcpy(n->text, txt, len);
	n->text_len = len;
	n->printable = printable_dup(txt, len);
	n->nstrings = nstrings;
	if (bounds != NULL)
		memcpy(n->bounds, bounds, sizeof(n->bounds));
	if (spf_record_parse(txt, len, &n->rec, &n->perr) != 0) {
		n->fetch = SPF_FETCH_SYNTAX;
		setstr(&n->detail, "%s%s%s", n->perr.message,
		    n->perr.term[0] ? " in term " : "", n->perr.term);
		return;
	}
	n->fetch = SPF_FETCH_RECORD;
	n->terms = xcalloc(n->rec->nterms ? n->rec->nterms : 1,
	    sizeof(*n->terms));
}

/* Record selection, RFC 7208 §4.5: keep the TXT records that start with
 * "v=spf1"; none is "none", several are a permerror. */
static void
node_store(struct spf_node *n, const struct dns_answer *ans)
{
	const struct dns_rr *spf = NULL;
	size_t nspf = 0;
	char buf[160];

	n->dns_outcome = ans->outcome;
	if (dns_is_void(ans->outcome)) {
		n->fetch = SPF_FETCH_NONE;
		setstr(&n->detail, "%s", ans->outcome == DNS_OUT_NXDOMAIN ?
		    "the domain does not exist (NXDOMAIN)" :
		    "no TXT records");
		return;
	}
	if (ans->outcome != DNS_OUT_ANSWER) {
		n->fetch = SPF_FETCH_TEMPERROR;
		setstr(&n->detail, "TXT lookup failed: %s",
		    outcome_text(ans, buf, sizeof(buf)));
		return;
	}
	for (size_t i = 0; i < ans->nrr; i++) {
		const struct dns_rr *rr = &ans->rr[i];

		if (rr->type != DNS_T_TXT)
			continue;
		n->txt_records++;
		n->txt_octets += rr->u.txt.len;
		if (!spf_record_is_spf(rr->u.txt.data, rr->u.txt.len))
			continue;
		if (spf == NULL)
			spf = rr;
		nspf++;
		{
			char *p = printable_dup(rr->u.txt.data,
			    rr->u.txt.len);

			strvec_push(&n->spf_texts, p);
			free(p);
		}
	}
	if (nspf == 0) {
		n->fetch = SPF_FETCH_NONE;
		setstr(&n->detail, "%zu TXT record%s, none starts with "
		    "\"v=spf1\"", n->txt_records, n->txt_records == 1 ? "" :
		    "s");
		return;
	}
	node_set_record(n, spf->u.txt.data, spf->u.txt.len, spf->u.txt.bounds,
	    spf->u.txt.nstrings);
	if (nspf > 1) {
		n->fetch = SPF_FETCH_MULTIPLE;
		setstr(&n->detail, "%zu SPF records at %s (exactly one is "
		    "allowed)", nspf, n->domain);
	}
}

/* ------------------------------------------------------------------ */
/* Queries */

static void on_answer(const struct dns_answer *ans, void *arg);

static void
ask(struct spf_check *c, const char *name, uint16_t qtype, enum qkind kind,
    struct spf_node *n, size_t term, size_t idx)
{
	struct spf_q *q = xcalloc(1, sizeof(*q));
	char esc[DNS_NAME_BUF];
	size_t o = 0;

	q->c = c;
	q->kind = kind;
	q->n = n;
	q->term = term;
	q->idx = idx;
	c->ev->pending++;
	if (c->ev->phase == PH_AUDIT)
		c->ev->audit_queries++;
	/* Names go to the resolver in presentation form: escape the
	 * backslash, which a domain-spec may carry as a literal. */
	for (const char *p = name; *p != '\0' && o + 3 < sizeof(esc); p++) {
		if (*p == '\\')
			esc[o++] = '\\';
		esc[o++] = *p;
	}
	esc[o] = '\0';
	dns_lookup_query(c->ev->lk, esc, qtype, on_answer, q);
}

static uint16_t
addr_qtype(const struct spf_check *c)
{
	return c->af == AF_INET6 ? DNS_T_AAAA : DNS_T_A;
}

/* Does an A/AAAA record fall in the client address's network? */
static bool
rr_matches(const struct spf_check *c, const struct dns_rr *rr, int cidr4,
    int cidr6)
{
	if (c->af == AF_INET && rr->type == DNS_T_A) {
		uint32_t a = ntohl(rr->u.a.s_addr), b = ntohl(c->ip4.s_addr);
		uint32_t mask = cidr4 == 0 ? 0 : 0xffffffffu << (32 - cidr4);

		return (a & mask) == (b & mask);
	}
	if (c->af == AF_INET6 && rr->type == DNS_T_AAAA) {
		for (int i = 0; i < 16; i++) {
			int bits = cidr6 - 8 * i;
			uint8_t mask;

			if (bits <= 0)
				break;
			mask = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));
			if ((rr->u.aaaa.s6_addr[i] & mask) !=
			    (c->ip6.s6_addr[i] & mask))
				return false;
		}
		return true;
	}
	return false;
}

static bool
ip4_matches(const struct spf_check *c, const struct spf_term *t)
{
	struct dns_rr rr;

	memset(&rr, 0, sizeof(rr));
	rr.type = DNS_T_A;
	rr.u.a = t->ip4;
	return rr_matches(c, &rr, t->cidr4, 128);
}

static bool
ip6_matches(const struct spf_check *c, const struct spf_term *t)
{
	struct dns_rr rr;

	memset(&rr, 0, sizeof(rr));
	rr.type = DNS_T_AAAA;
	rr.u.aaaa = t->ip6;
	return rr_matches(c, &rr, 32, t->cidr6);
}

/* ------------------------------------------------------------------ */
/* Macro values */

/* %{p}: the validated name, preferring <domain>, then a subdomain of it
 * (RFC 7208 §7.3); "unknown" when none. */
static const char *
ptr_pick(const struct spf_check *c, const char *domain)
{
	const struct spf_eval *e = c->ev;
	const char *any = NULL;
	size_t dl = strlen(domain);

	for (size_t i = 0; i < e->nptr; i++)
		if (e->ptr_valid[i] && util_name_eq(e->ptr_name[i], domain))
			return e->ptr_name[i];
	for (size_t i = 0; i < e->nptr; i++) {
		const char *nm = e->ptr_name[i];
		size_t nl = strlen(nm);

		if (!e->ptr_valid[i])
			continue;
		if (any == NULL)
			any = nm;
		if (nl > dl + 1 && nm[nl - dl - 1] == '.' &&
		    strncasecmp(nm + nl - dl, domain, dl) == 0)
			return nm;
	}
	return any ? any : "unknown";
}

static void
vars_fill(const struct spf_check *c, const char *domain, bool audit,
    struct spf_macro_vars *v)
{
	memset(v, 0, sizeof(*v));
	if (!audit || c->sender_given) {
		v->sender = c->sender;
		v->local = c->local;
		v->sender_domain = c->sender_domain;
	}
	v->domain = domain;
	v->helo = c->helo ? c->helo : audit ? NULL : "";
	v->af = audit ? AF_UNSPEC : c->af;
	v->ip4 = c->ip4;
	v->ip6 = c->ip6;
	if (!audit && c->ev->ptr_state == PTR_DONE)
		v->ptr_name = ptr_pick(c, domain);
	v->receiver = c->receiver;
	v->now = c->now;
}

/* ------------------------------------------------------------------ */
/* Validated names of the client address (ptr mechanism, %{p}) */

static void
ptr_done(struct spf_check *c)
{
	c->ev->ptr_state = PTR_DONE;
	c->ev->waiting = false;
}

static void
ptr_start(struct spf_check *c)
{
	char rev[DNS_NAME_BUF];

	c->ev->ptr_state = PTR_RUNNING;
	c->ev->waiting = true;
	if (!dns_reverse_name(c->af, c->af == AF_INET ? (const void *)&c->ip4 :
	    (const void *)&c->ip6, rev, sizeof(rev))) {
		c->ev->ptr_outcome = DNS_OUT_OTHER;
		ptr_done(c);
		return;
	}
	ask(c, rev, DNS_T_PTR, Q_PTR, NULL, 0, 0);
}

static void
ptr_answer(struct spf_check *c, const struct dns_answer *ans)
{
	struct spf_eval *e = c->ev;

	e->ptr_outcome = ans->outcome;
	if (ans->outcome == DNS_OUT_ANSWER)
		for (size_t i = 0; i < ans->nrr && e->nptr < SPF_PTR_LIMIT; i++)
			if (ans->rr[i].type == DNS_T_PTR)
				e->ptr_name[e->nptr++] =
				    xstrdup(ans->rr[i].u.target);
	if (e->nptr == 0) {
		ptr_done(c);
		return;
	}
	/* Only the first 10 names are validated (RFC 7208 §4.6.4); a DNS
	 * error on one skips that name (§5.5). */
	e->ptr_left = e->nptr;
	for (size_t i = 0; i < e->nptr; i++)
		ask(c, e->ptr_name[i], addr_qtype(c), Q_PTRADDR, NULL, 0, i);
}

static void
ptr_addr_answer(struct spf_check *c, size_t idx, const struct dns_answer *ans)
{
	struct spf_eval *e = c->ev;

	if (ans->outcome == DNS_OUT_ANSWER)
		for (size_t i = 0; i < ans->nrr; i++)
			if (rr_matches(c, &ans->rr[i], 32, 128))
				e->ptr_valid[idx] = true;
	if (--e->ptr_left == 0)
		ptr_done(c);
}

/*
 * Expand a domain-spec for node n during check_host(). Returns 0 with
 * *out (a name to query, or NULL when it cannot name anything: the
 * caller treats that as non-existent), 1 when waiting for the %{p}
 * lookup, -1 on an error (e->why says).
 */
static int
ev_expand(struct spf_check *c, struct spf_node *n, const char *spec,
    char **out, bool *valid)
{
	struct spf_macro_vars v;
	char err[160];
	enum spf_expand_status st;

	*out = NULL;
	*valid = false;
	if (spf_macro_uses(spec, strlen(spec), 'p') &&
	    c->ev->ptr_state != PTR_DONE) {
		if (c->ev->ptr_state == PTR_IDLE)
			ptr_start(c);
		return c->ev->ptr_state == PTR_DONE ? ev_expand(c, n, spec, out,
		    valid) : 1;
	}
	vars_fill(c, n->domain, false, &v);
	st = spf_macro_expand(spec, strlen(spec), SPF_MACRO_DOMAIN, &v, out,
	    err, sizeof(err));
	if (st != SPF_EXPAND_OK) {
		setwhy(c, "cannot expand \"%s\" in %s: %s", spec, n->domain,
		    err);
		return -1;
	}
	*valid = spf_target_name(*out);
	return 0;
}

/* ------------------------------------------------------------------ */
/* check_host() */

static void eval_done(struct spf_check *c);

/* n has its result: hand it to whoever asked (RFC 7208 §5.2, §6.1). */
static void
node_finish(struct spf_check *c, struct spf_node *n, enum spf_result r)
{
	struct spf_eval *e = c->ev;
	struct spf_node *p = n->parent;
	struct spf_term_info *ti;
	const struct spf_term *pt;

	n->result = r;
	n->evaluated = true;
	if (p == NULL) {
		c->result = r;
		eval_done(c);
		return;
	}
	ti = &p->terms[n->parent_term];
	pt = &p->rec->terms[n->parent_term];
	e->cur = p;
	e->term_phase = 0;
	if (n->via == SPF_VIA_REDIRECT) {
		/* The target's result is ours, except that no record (or a
		 * malformed name) is a permerror rather than none. */
		if (r == SPF_RESULT_NONE) {
			setwhy(c, "redirect=%s: %s", n->domain, n->detail ?
			    n->detail : "no SPF record");
			r = SPF_RESULT_PERMERROR;
			if (n->fetch == SPF_FETCH_NONE &&
			    dns_is_void(n->dns_outcome)) {
				ti->void_lookup = true;
				c->voids++;
			}
		}
		ti->state = r == SPF_RESULT_TEMPERROR ? SPF_TERM_TEMPERROR :
		    r == SPF_RESULT_PERMERROR ? SPF_TERM_PERMERROR :
		    SPF_TERM_MATCH;
		setstr(&ti->eval_note, "%s", spf_result_name(r));
		p->redirected = true;
		node_finish(c, p, r);
		return;
	}
	switch (r) {
	case SPF_RESULT_PASS:
		ti->state = SPF_TERM_MATCH;
		setstr(&ti->eval_note, "included result pass: match");
		p->matched_term = (int)n->parent_term;
		node_finish(c, p, qual_result(pt->qual));
		return;
	case SPF_RESULT_FAIL:
	case SPF_RESULT_SOFTFAIL:
	case SPF_RESULT_NEUTRAL:
		ti->state = SPF_TERM_NO_MATCH;
		setstr(&ti->eval_note, "included result %s: no match",
		    spf_result_name(r));
		p->ev_cursor++;
		return;
	case SPF_RESULT_TEMPERROR:
		ti->state = SPF_TERM_TEMPERROR;
		setstr(&ti->eval_note, "included result temperror");
		node_finish(c, p, SPF_RESULT_TEMPERROR);
		return;
	case SPF_RESULT_NONE:
		setwhy(c, "include:%s: %s", n->domain, n->detail ?
		    n->detail : "no SPF record");
		if (n->fetch == SPF_FETCH_NONE && dns_is_void(n->dns_outcome)) {
			ti->void_lookup = true;
			c->voids++;
		}
		ti->state = SPF_TERM_PERMERROR;
		setstr(&ti->eval_note, "no SPF record there: permerror");
		node_finish(c, p, SPF_RESULT_PERMERROR);
		return;
	case SPF_RESULT_PERMERROR:
		ti->state = SPF_TERM_PERMERROR;
		setstr(&ti->eval_note, "included result %s: permerror",
		    spf_result_name(r));
		node_finish(c, p, SPF_RESULT_PERMERROR);
		return;
	}
}

/* Count a DNS-querying term (once). Returns false past the limit. */
static bool
ev_count(struct spf_check *c, struct spf_node *n, size_t i)
{
	struct spf_term_info *ti = &n->terms[i];

	if (ti->counted)
		return true;
	ti->counted = true;
	if (++c->lookups > SPF_LOOKUP_LIMIT) {
		setwhy(c, "more than %d DNS-querying terms: \"%s\" in %s is "
		    "number %u", SPF_LOOKUP_LIMIT, n->rec->terms[i].text,
		    n->domain, c->lookups);
		c->limit_node = n;
		c->limit_term = i;
		setstr(&ti->eval_note, "lookup %u: over the limit of %d",
		    c->lookups, SPF_LOOKUP_LIMIT);
		return false;
	}
	return true;
}

/* A void lookup by term i of n. Returns false past the limit. */
static bool
ev_void(struct spf_check *c, struct spf_node *n, size_t i)
{
	n->terms[i].void_lookup = true;
	if (++c->voids > SPF_VOID_LIMIT) {
		setwhy(c, "more than %d void lookups: \"%s\" in %s is number "
		    "%u", SPF_VOID_LIMIT, n->rec->terms[i].text, n->domain,
		    c->voids);
		c->limit_node = n;
		c->limit_term = i;
		return false;
	}
	return true;
}

static struct spf_node *
child_for(struct spf_check *c, struct spf_node *n, size_t i,
    const char *target, enum spf_via via)
{
	struct spf_term_info *ti = &n->terms[i];

	if (ti->child != NULL && util_name_eq(ti->child->domain, target) &&
	    !ti->child->evaluated) {
		ti->child->ev_phase = NODE_FETCH;
		return ti->child;
	}
	ti->child = node_new(c, target, via, n, i);
	return ti->child;
}

static void
ev_fetch(struct spf_check *c, struct spf_node *n)
{
	char why[160];

	if (!spf_domain_valid(n->domain, why, sizeof(why))) {
		n->fetch = SPF_FETCH_BADNAME;
		setstr(&n->detail, "malformed domain: %s", why);
		return;
	}
	n->fetching = true;
	c->ev->waiting = true;
	ask(c, n->domain, DNS_T_TXT, Q_TXT, n, 0, 0);
}

static enum term_rc
ev_addresses(struct spf_check *c, struct spf_node *n, size_t i,
    const struct dns_answer *ans, const char *what)
{
	const struct spf_term *t = &n->rec->terms[i];
	struct spf_term_info *ti = &n->terms[i];
	char list[256], buf[160];

	if (dns_is_error(ans->outcome)) {
		setwhy(c, "%s: %s lookup of %s failed: %s", t->text, what,
		    ans->qname, outcome_text(ans, buf, sizeof(buf)));
		setstr(&ti->eval_note, "%s %s", what,
		    outcome_text(ans, buf, sizeof(buf)));
		return TERM_TEMPERROR;
	}
	if (dns_is_void(ans->outcome)) {
		setstr(&ti->eval_note, "%s %s: void lookup", what,
		    dns_outcome_name(ans->outcome));
		return ev_void(c, n, i) ? TERM_NO_MATCH : TERM_PERMERROR;
	}
	dns_answer_address_list(ans, list, sizeof(list));
	for (size_t k = 0; k < ans->nrr; k++)
		if (rr_matches(c, &ans->rr[k], t->cidr4, t->cidr6)) {
			setstr(&ti->eval_note, "%s %s: match", what, list);
			return TERM_MATCH;
		}
	setstr(&ti->eval_note, "%s %s: no match", what, list);
	return TERM_NO_MATCH;
}

static enum term_rc
ev_mx_result(struct spf_check *c, struct spf_node *n, size_t i)
{
	struct spf_eval *e = c->ev;
	const struct spf_term *t = &n->rec->terms[i];
	struct spf_term_info *ti = &n->terms[i];
	char buf[160];

	/* In the order of the MX answer, as a sequential evaluator would
	 * meet them: an error before a match is a temperror (§5). */
	for (size_t k = 0; k < e->nmx; k++) {
		const struct dns_answer *a = &e->mxaddr[k];

		if (dns_is_error(a->outcome)) {
			setwhy(c, "%s: address lookup of MX %s failed: %s",
			    t->text, e->mxname[k], outcome_text(a, buf,
			    sizeof(buf)));
			setstr(&ti->eval_note, "MX %s: %s", e->mxname[k],
			    outcome_text(a, buf, sizeof(buf)));
			return TERM_TEMPERROR;
		}
		for (size_t j = 0; j < a->nrr; j++)
			if (rr_matches(c, &a->rr[j], t->cidr4, t->cidr6)) {
				setstr(&ti->eval_note, "MX %s: match",
				    e->mxname[k]);
				return TERM_MATCH;
			}
	}
	setstr(&ti->eval_note, "%zu MX name%s: no address matches", e->nmx,
	    e->nmx == 1 ? "" : "s");
	return TERM_NO_MATCH;
}

static void
mx_clear(struct spf_eval *e)
{
	for (size_t k = 0; k < e->nmx; k++) {
		free(e->mxname[k]);
		e->mxname[k] = NULL;
		dns_answer_clear(&e->mxaddr[k]);
	}
	e->nmx = 0;
}

static enum term_rc
ev_mx_answer(struct spf_check *c, struct spf_node *n, size_t i)
{
	struct spf_eval *e = c->ev;
	const struct spf_term *t = &n->rec->terms[i];
	struct spf_term_info *ti = &n->terms[i];
	const struct dns_answer *ans = &e->ans;
	size_t nmx = 0;
	char buf[160];

	if (dns_is_error(ans->outcome)) {
		setwhy(c, "%s: MX lookup of %s failed: %s", t->text,
		    ans->qname, outcome_text(ans, buf, sizeof(buf)));
		setstr(&ti->eval_note, "MX %s", outcome_text(ans, buf,
		    sizeof(buf)));
		return TERM_TEMPERROR;
	}
	if (dns_is_void(ans->outcome)) {
		setstr(&ti->eval_note, "MX %s: void lookup",
		    dns_outcome_name(ans->outcome));
		return ev_void(c, n, i) ? TERM_NO_MATCH : TERM_PERMERROR;
	}
	for (size_t k = 0; k < ans->nrr; k++)
		if (ans->rr[k].type == DNS_T_MX)
			nmx++;
	if (nmx > SPF_MX_LIMIT || ans->rr_truncated) {
		setwhy(c, "%s: %s has %zu%s MX records; at most %d may be "
		    "looked up (RFC 7208 §4.6.4)", t->text, ans->qname, nmx,
		    ans->rr_truncated ? "+" : "", SPF_MX_LIMIT);
		setstr(&ti->eval_note, "%zu MX records: over the limit of %d",
		    nmx, SPF_MX_LIMIT);
		c->limit_node = n;
		c->limit_term = i;
		return TERM_PERMERROR;
	}
	mx_clear(e);
	for (size_t k = 0; k < ans->nrr; k++) {
		const char *x = ans->rr[k].u.mx.exchange;

		/* A null MX (RFC 7505) names no host. */
		if (ans->rr[k].type != DNS_T_MX || x[0] == '\0' ||
		    strcmp(x, ".") == 0)
			continue;
		e->mxname[e->nmx++] = xstrdup(x);
	}
	if (e->nmx == 0) {
		setstr(&ti->eval_note, "null MX: no host");
		return TERM_NO_MATCH;
	}
	e->mx_left = e->nmx;
	e->term_phase = 3;
	e->waiting = true;
	for (size_t k = 0; k < e->nmx; k++)
		ask(c, e->mxname[k], addr_qtype(c), Q_MXADDR, n, i, k);
	return TERM_WAIT;
}

/* The ptr mechanism, once the validated names are known (§5.5). */
static enum term_rc
ev_ptr(struct spf_check *c, struct spf_node *n, size_t i, const char *target)
{
	struct spf_eval *e = c->ev;
	struct spf_term_info *ti = &n->terms[i];
	size_t tl = strlen(target);

	if (dns_is_void(e->ptr_outcome) && !ev_void(c, n, i)) {
		setstr(&ti->eval_note, "PTR %s: void lookup",
		    dns_outcome_name(e->ptr_outcome));
		return TERM_PERMERROR;
	}
	for (size_t k = 0; k < e->nptr; k++) {
		const char *nm = e->ptr_name[k];
		size_t nl = strlen(nm);

		if (nl > 0 && nm[nl - 1] == '.')
			nl--;
		if (!e->ptr_valid[k])
			continue;
		if ((nl == tl && strncasecmp(nm, target, tl) == 0) ||
		    (nl > tl + 1 && nm[nl - tl - 1] == '.' &&
		    strncasecmp(nm + nl - tl, target, tl) == 0)) {
			setstr(&ti->eval_note, "validated name %s: match", nm);
			return TERM_MATCH;
		}
	}
	setstr(&ti->eval_note, "%zu PTR name%s, none validated within %s",
	    e->nptr, e->nptr == 1 ? "" : "s", target);
	return TERM_NO_MATCH;
}

/* Evaluate mechanism i of n (RFC 7208 §5). */
static enum term_rc
ev_mechanism(struct spf_check *c, struct spf_node *n, size_t i)
{
	struct spf_eval *e = c->ev;
	const struct spf_term *t = &n->rec->terms[i];
	struct spf_term_info *ti = &n->terms[i];
	char *target = NULL;
	bool valid;
	int rc;

	switch (t->kind) {
	case SPF_MECH_ALL:
		return TERM_MATCH;
	case SPF_MECH_IP4:
		return c->af == AF_INET && ip4_matches(c, t) ? TERM_MATCH :
		    TERM_NO_MATCH;
	case SPF_MECH_IP6:
		return c->af == AF_INET6 && ip6_matches(c, t) ? TERM_MATCH :
		    TERM_NO_MATCH;
	default:
		break;
	}
	if (e->term_phase == 2) {
		switch (t->kind) {
		case SPF_MECH_A:
			return ev_addresses(c, n, i, &e->ans,
			    c->af == AF_INET6 ? "AAAA" : "A");
		case SPF_MECH_EXISTS:
			if (dns_is_error(e->ans.outcome) ||
			    dns_is_void(e->ans.outcome))
				return ev_addresses(c, n, i, &e->ans, "A");
			setstr(&ti->eval_note, "A record exists: match");
			return TERM_MATCH;
		case SPF_MECH_MX:
			return ev_mx_answer(c, n, i);
		default:
			return TERM_PERMERROR;
		}
	}
	if (e->term_phase == 3)
		return ev_mx_result(c, n, i);

	/* Fresh: count, expand, ask. */
	if (!ev_count(c, n, i))
		return TERM_PERMERROR;
	rc = ev_expand(c, n, t->domain_spec ? t->domain_spec : n->domain,
	    &target, &valid);
	if (rc == 1)
		return TERM_WAIT;
	if (rc < 0) {
		setstr(&ti->eval_note, "%s", e->why);
		return TERM_PERMERROR;
	}
	free(ti->target);
	ti->target = target;
	if (t->kind == SPF_MECH_INCLUDE) {
		char why[160];

		if (!valid || !spf_domain_valid(target, why, sizeof(why))) {
			setwhy(c, "include:%s: malformed target name",
			    target);
			setstr(&ti->eval_note, "malformed target: permerror");
			return TERM_PERMERROR;
		}
		e->cur = child_for(c, n, i, target, SPF_VIA_INCLUDE);
		return TERM_DESCEND;
	}
	if (!valid) {
		/* RFC 7208 leaves this open; the suite accepts treating
		 * a name DNS cannot carry as one that does not exist. */
		setstr(&ti->eval_note, "\"%s\" is not a valid name: no match",
		    target);
		return TERM_NO_MATCH;
	}
	switch (t->kind) {
	case SPF_MECH_A:
		e->term_phase = 1;
		e->waiting = true;
		ask(c, target, addr_qtype(c), Q_TERM, n, i, 0);
		return TERM_WAIT;
	case SPF_MECH_EXISTS:
		/* An A lookup even for an IPv6 client (§5.7). */
		e->term_phase = 1;
		e->waiting = true;
		ask(c, target, DNS_T_A, Q_TERM, n, i, 0);
		return TERM_WAIT;
	case SPF_MECH_MX:
		e->term_phase = 1;
		e->waiting = true;
		ask(c, target, DNS_T_MX, Q_TERM, n, i, 0);
		return TERM_WAIT;
	case SPF_MECH_PTR:
		if (e->ptr_state != PTR_DONE) {
			if (e->ptr_state == PTR_IDLE)
				ptr_start(c);
			if (e->ptr_state != PTR_DONE)
				return TERM_WAIT;
		}
		return ev_ptr(c, n, i, target);
	default:
		return TERM_PERMERROR;
	}
}

/* The end of a record without a match: redirect=, else neutral (§4.7). */
static enum term_rc
ev_redirect(struct spf_check *c, struct spf_node *n)
{
	size_t i = (size_t)n->rec->redirect;
	struct spf_term_info *ti = &n->terms[i];
	char *target = NULL, why[160];
	bool valid;
	int rc;

	if (!ev_count(c, n, i))
		return TERM_PERMERROR;
	rc = ev_expand(c, n, n->rec->terms[i].domain_spec, &target, &valid);
	if (rc == 1)
		return TERM_WAIT;
	if (rc < 0)
		return TERM_PERMERROR;
	free(ti->target);
	ti->target = target;
	if (!valid || !spf_domain_valid(target, why, sizeof(why))) {
		setwhy(c, "redirect=%s: malformed target name", target);
		setstr(&ti->eval_note, "malformed target: permerror");
		return TERM_PERMERROR;
	}
	c->ev->cur = child_for(c, n, i, target, SPF_VIA_REDIRECT);
	return TERM_DESCEND;
}

static enum spf_term_state
rc_state(enum term_rc rc)
{
	switch (rc) {
	case TERM_MATCH:	return SPF_TERM_MATCH;
	case TERM_NO_MATCH:	return SPF_TERM_NO_MATCH;
	case TERM_TEMPERROR:	return SPF_TERM_TEMPERROR;
	case TERM_PERMERROR:	return SPF_TERM_PERMERROR;
	default:		return SPF_TERM_NOT_EVALUATED;
	}
}

static void
ev_step(struct spf_check *c)
{
	struct spf_eval *e = c->ev;

	while (e->phase == PH_EVAL && !e->waiting) {
		struct spf_node *n = e->cur;
		enum term_rc rc;

		switch (n->ev_phase) {
		case NODE_FETCH:
			if (n->fetch == SPF_FETCH_PENDING) {
				if (!n->fetching)
					ev_fetch(c, n);
				else
					e->waiting = true;
				continue;
			}
			switch (n->fetch) {
			case SPF_FETCH_RECORD:
				n->ev_phase = NODE_TERMS;
				n->ev_cursor = 0;
				e->term_phase = 0;
				break;
			case SPF_FETCH_NONE:
			case SPF_FETCH_BADNAME:
				setwhy(c, "%s: %s", n->domain, n->detail);
				node_finish(c, n, SPF_RESULT_NONE);
				break;
			case SPF_FETCH_TEMPERROR:
				setwhy(c, "%s: %s", n->domain, n->detail);
				node_finish(c, n, SPF_RESULT_TEMPERROR);
				break;
			default:
				setwhy(c, "%s: %s", n->domain, n->detail);
				node_finish(c, n, SPF_RESULT_PERMERROR);
				break;
			}
			continue;
		case NODE_TERMS:
			if (n->ev_cursor >= n->rec->nterms) {
				n->ev_phase = NODE_END;
				continue;
			}
			if (!spf_term_is_mechanism(
			    &n->rec->terms[n->ev_cursor])) {
				n->ev_cursor++;
				continue;
			}
			rc = ev_mechanism(c, n, n->ev_cursor);
			break;
		case NODE_END:
			if (n->rec->redirect < 0 || n->rec->all >= 0) {
				setwhy(c, "no mechanism matched in %s",
				    n->domain);
				node_finish(c, n, SPF_RESULT_NEUTRAL);
				continue;
			}
			rc = ev_redirect(c, n);
			if (rc == TERM_PERMERROR || rc == TERM_TEMPERROR) {
				n->terms[n->rec->redirect].state =
				    rc_state(rc);
				node_finish(c, n, rc == TERM_PERMERROR ?
				    SPF_RESULT_PERMERROR :
				    SPF_RESULT_TEMPERROR);
			}
			continue;
		default:
			abort();
		}
		switch (rc) {
		case TERM_WAIT:
		case TERM_DESCEND:
			break;
		case TERM_MATCH:
			n->terms[n->ev_cursor].state = SPF_TERM_MATCH;
			n->matched_term = (int)n->ev_cursor;
			setwhy(c, "\"%s\" matched in %s",
			    n->rec->terms[n->ev_cursor].text, n->domain);
			e->term_phase = 0;
			node_finish(c, n, qual_result(
			    n->rec->terms[n->ev_cursor].qual));
			break;
		case TERM_NO_MATCH:
			n->terms[n->ev_cursor].state = SPF_TERM_NO_MATCH;
			n->ev_cursor++;
			e->term_phase = 0;
			break;
		case TERM_TEMPERROR:
		case TERM_PERMERROR:
			n->terms[n->ev_cursor].state = rc_state(rc);
			if (n->terms[n->ev_cursor].eval_note == NULL)
				setstr(&n->terms[n->ev_cursor].eval_note, "%s",
				    e->why);
			e->term_phase = 0;
			node_finish(c, n, rc == TERM_TEMPERROR ?
			    SPF_RESULT_TEMPERROR : SPF_RESULT_PERMERROR);
			break;
		}
	}
}

/* The root has its result; a fail may carry an explanation (§6.2). */
static void
eval_done(struct spf_check *c)
{
	struct spf_eval *e = c->ev;
	struct spf_node *f = c->root;

	c->evaluated = true;
	setstr(&c->reason, "%s", e->why);
	/* Follow redirects to the record whose mechanism decided: its exp=
	 * applies, not those of the records that redirected to it. */
	while (f->redirected && f->rec && f->rec->redirect >= 0 &&
	    f->terms[f->rec->redirect].child != NULL)
		f = f->terms[f->rec->redirect].child;
	e->final = f;
	if (c->result == SPF_RESULT_FAIL && f->rec != NULL &&
	    f->rec->exp >= 0 && f->matched_term >= 0) {
		e->phase = PH_EXP;
		e->exp_phase = 0;
		return;
	}
	e->phase = PH_DONE;
}

/* exp=: fetch and expand the explanation; any problem drops it. */
static void
exp_step(struct spf_check *c)
{
	struct spf_eval *e = c->ev;
	struct spf_node *f = e->final;
	const char *spec;
	struct spf_macro_vars v;
	char err[160], *out = NULL;
	size_t ntxt = 0;
	const struct dns_rr *one = NULL;

	while (e->phase == PH_EXP && !e->waiting) {
		switch (e->exp_phase) {
		case 0:
			spec = f->rec->terms[f->rec->exp].domain_spec;
			if (spf_macro_uses(spec, strlen(spec), 'p') &&
			    e->ptr_state != PTR_DONE) {
				if (e->ptr_state == PTR_IDLE)
					ptr_start(c);
				continue;
			}
			vars_fill(c, f->domain, false, &v);
			if (spf_macro_expand(spec, strlen(spec),
			    SPF_MACRO_DOMAIN, &v, &out, err, sizeof(err)) !=
			    SPF_EXPAND_OK || !spf_target_name(out)) {
				free(out);
				e->phase = PH_DONE;
				break;
			}
			e->exp_phase = 1;
			e->waiting = true;
			ask(c, out, DNS_T_TXT, Q_EXP, f, 0, 0);
			free(out);
			break;
		case 2:
			if (e->ans.outcome == DNS_OUT_ANSWER)
				for (size_t i = 0; i < e->ans.nrr; i++)
					if (e->ans.rr[i].type == DNS_T_TXT) {
						ntxt++;
						one = &e->ans.rr[i];
					}
			if (ntxt != 1) {
				e->phase = PH_DONE;
				break;
			}
			free(e->exp_text);
			e->exp_text = xstrndup(one->u.txt.data,
			    one->u.txt.len);
			if (memchr(one->u.txt.data, '\0', one->u.txt.len) !=
			    NULL) {
				e->phase = PH_DONE;
				break;
			}
			e->exp_phase = 3;
			break;
		case 3:
			if (spf_macro_uses(e->exp_text, strlen(e->exp_text),
			    'p') && e->ptr_state != PTR_DONE) {
				if (e->ptr_state == PTR_IDLE)
					ptr_start(c);
				continue;
			}
			vars_fill(c, f->domain, false, &v);
			if (spf_macro_expand(e->exp_text, strlen(e->exp_text),
			    SPF_MACRO_EXPLAIN, &v, &out, err, sizeof(err)) ==
			    SPF_EXPAND_OK) {
				free(c->explanation);
				c->explanation = printable_dup(out,
				    strlen(out));
			}
			free(out);
			e->phase = PH_DONE;
			break;
		default:
			e->phase = PH_DONE;
			break;
		}
	}
}

static void
eval_start(struct spf_check *c)
{
	struct spf_eval *e = c->ev;

	e->phase = PH_EVAL;
	e->cur = c->root;
	e->term_phase = 0;
	c->root->ev_phase = NODE_FETCH;
	ev_step(c);
}

/* ------------------------------------------------------------------ */
/* The audit walk */

static bool
is_ancestor(const struct spf_node *n, const char *domain)
{
	for (; n != NULL; n = n->parent)
		if (util_name_eq(n->domain, domain))
			return true;
	return false;
}

/* Follow one include or redirect of n during the audit. */
static void
audit_follow(struct spf_check *c, struct spf_node *n, size_t i)
{
	const struct spf_term *t = &n->rec->terms[i];
	struct spf_term_info *ti = &n->terms[i];
	struct spf_macro_vars v;
	char err[160], why[160], *target = NULL;
	enum spf_expand_status st;
	struct spf_node *ch;

	if (t->kind == SPF_MOD_REDIRECT && n->rec->all >= 0) {
		ti->ignored = true;
		setstr(&ti->note, "ignored: the record has an \"all\" "
		    "mechanism (RFC 7208 §6.1)");
		return;
	}
	vars_fill(c, n->domain, true, &v);
	st = spf_macro_expand(t->domain_spec, strlen(t->domain_spec),
	    SPF_MACRO_DOMAIN, &v, &target, err, sizeof(err));
	if (st == SPF_EXPAND_UNKNOWN) {
		c->partial = true;
		setstr(&ti->note, "not followed: the target depends on the "
		    "sender or the client address");
		return;
	}
	if (st != SPF_EXPAND_OK) {
		setstr(&ti->note, "not followed: %s", err);
		return;
	}
	ti->target = target;
	if (!spf_target_name(target) ||
	    !spf_domain_valid(target, why, sizeof(why))) {
		ti->bad_target = true;
		setstr(&ti->note, "malformed target \"%s\": permerror",
		    target);
		return;
	}
	if (is_ancestor(n, target)) {
		ti->loop = true;
		c->loop = true;
		setstr(&ti->note, "loops back to %s: evaluation would run "
		    "into the lookup limit (permerror)", target);
		return;
	}
	if (n->depth + 1 > SPF_AUDIT_DEPTH || c->nnodes >= SPF_AUDIT_NODES ||
	    c->ev->audit_queries >= SPF_AUDIT_QUERIES) {
		c->capped = true;
		setstr(&ti->note, "not followed: audit cap reached (depth %d, "
		    "%d records, %d queries)", SPF_AUDIT_DEPTH,
		    SPF_AUDIT_NODES, SPF_AUDIT_QUERIES);
		return;
	}
	ch = node_new(c, target, t->kind == SPF_MOD_REDIRECT ?
	    SPF_VIA_REDIRECT : SPF_VIA_INCLUDE, n, i);
	ti->child = ch;
	ti->followed = true;
	ch->fetching = true;
	ask(c, target, DNS_T_TXT, Q_TXT, ch, 0, 0);
}

/* Look at the target of an a, mx or exists term: void, too many MX. */
static void
audit_probe(struct spf_check *c, struct spf_node *n, size_t i)
{
	const struct spf_term *t = &n->rec->terms[i];
	struct spf_term_info *ti = &n->terms[i];
	struct spf_macro_vars v;
	char err[160], *target = NULL;
	const char *spec = t->domain_spec ? t->domain_spec : n->domain;

	vars_fill(c, n->domain, true, &v);
	if (spf_macro_expand(spec, strlen(spec), SPF_MACRO_DOMAIN, &v, &target,
	    err, sizeof(err)) != SPF_EXPAND_OK) {
		free(target);
		c->partial = true;
		setstr(&ti->note, "target depends on the sender or the client "
		    "address");
		return;
	}
	ti->target = target;
	if (!spf_target_name(target)) {
		setstr(&ti->note, "\"%s\" is not a valid name: never matches",
		    target);
		return;
	}
	if (c->ev->audit_queries + 2 > SPF_AUDIT_QUERIES) {
		c->capped = true;
		return;
	}
	switch (t->kind) {
	case SPF_MECH_A:
		ti->probes = 2;
		ask(c, target, DNS_T_A, Q_PROBE, n, i, 0);
		ask(c, target, DNS_T_AAAA, Q_PROBE, n, i, 1);
		break;
	case SPF_MECH_MX:
		ti->probes = 1;
		ask(c, target, DNS_T_MX, Q_PROBE, n, i, 0);
		break;
	case SPF_MECH_EXISTS:
		ti->probes = 1;
		ask(c, target, DNS_T_A, Q_PROBE, n, i, 0);
		break;
	default:
		break;
	}
}

static void
audit_probe_answer(struct spf_check *c, struct spf_node *n, size_t i,
    const struct dns_answer *ans)
{
	struct spf_term_info *ti = &n->terms[i];
	const struct spf_term *t = &n->rec->terms[i];
	char buf[160];

	ti->probes--;
	if (dns_is_error(ans->outcome)) {
		ti->audit_error = true;
		setstr(&ti->note, "%s lookup of %s failed: %s",
		    ans->qtype == DNS_T_MX ? "MX" : ans->qtype == DNS_T_AAAA ?
		    "AAAA" : "A", ans->qname, outcome_text(ans, buf,
		    sizeof(buf)));
	} else if (ans->outcome == DNS_OUT_ANSWER) {
		ti->probe_data = true;
		if (ans->qtype == DNS_T_MX) {
			for (size_t k = 0; k < ans->nrr; k++)
				if (ans->rr[k].type == DNS_T_MX)
					ti->mx_count++;
			if (ans->rr_truncated)
				ti->mx_count = DNS_ANS_MAX + 1;
		}
	}
	if (ti->probes > 0 || ti->audit_error)
		return;
	if (!ti->probe_data) {
		ti->audit_void = true;
		setstr(&ti->note, "%s has no %s records: a void lookup",
		    ti->target, t->kind == SPF_MECH_MX ? "MX" :
		    t->kind == SPF_MECH_A ? "A or AAAA" : "A");
	} else if (t->kind == SPF_MECH_MX && ti->mx_count > SPF_MX_LIMIT) {
		setstr(&ti->note, "%s has %u MX records: over the limit of %d "
		    "(permerror)", ti->target, ti->mx_count, SPF_MX_LIMIT);
	} else if (t->kind == SPF_MECH_MX) {
		setstr(&ti->note, "%u MX record%s", ti->mx_count,
		    ti->mx_count == 1 ? "" : "s");
	}
}

static void
audit_node(struct spf_check *c, struct spf_node *n)
{
	if (n->fetch != SPF_FETCH_RECORD)
		return;
	for (size_t i = 0; i < n->rec->nterms; i++) {
		const struct spf_term *t = &n->rec->terms[i];

		switch (t->kind) {
		case SPF_MECH_INCLUDE:
		case SPF_MOD_REDIRECT:
			audit_follow(c, n, i);
			break;
		case SPF_MECH_A:
		case SPF_MECH_MX:
		case SPF_MECH_EXISTS:
			audit_probe(c, n, i);
			break;
		case SPF_MECH_PTR:
			setstr(&n->terms[i].note, "needs the client address; "
			    "deprecated (RFC 7208 §5.5)");
			break;
		default:
			break;
		}
	}
}

/* Count in evaluation order over the whole tree: each term's running
 * total, and the term that makes the 11th lookup. */
static void
audit_count(struct spf_check *c, struct spf_node *n, unsigned *total)
{
	unsigned before = *total;

	if (n == NULL || n->fetch != SPF_FETCH_RECORD)
		return;
	for (size_t k = 0; k <= n->rec->nterms; k++) {
		size_t i;
		const struct spf_term *t;
		struct spf_term_info *ti;

		/* redirect= is evaluated after every mechanism. */
		if (k == n->rec->nterms) {
			if (n->rec->redirect < 0 || n->rec->all >= 0)
				break;
			i = (size_t)n->rec->redirect;
		} else {
			i = k;
			if (n->rec->terms[i].kind == SPF_MOD_REDIRECT)
				continue;
		}
		t = &n->rec->terms[i];
		ti = &n->terms[i];
		if (!spf_term_counts(t))
			continue;
		ti->lookups = 1;
		ti->running = ++*total;
		if (*total == SPF_LOOKUP_LIMIT + 1 && c->tip_node == NULL) {
			c->tip_node = n;
			c->tip_term = i;
		}
		if (ti->child != NULL)
			audit_count(c, ti->child, total);
	}
	n->subtree_lookups = *total - before;
}

/*
 * check_host() for an address that no mechanism matches, over the fetched
 * tree: what every receiver gets for mail from a host the record does not
 * list. Sets n->audit_result; reasons go to c->audit_reason.
 */
static enum spf_result
audit_sim(struct spf_check *c, struct spf_node *n, unsigned *lookups)
{
	enum spf_result r = SPF_RESULT_NEUTRAL;

	n->audit_done = true;
	switch (n->fetch) {
	case SPF_FETCH_RECORD:
		break;
	case SPF_FETCH_NONE:
	case SPF_FETCH_BADNAME:
	case SPF_FETCH_PENDING:
		setstr(&c->audit_reason, "%s: %s", n->domain, n->detail ?
		    n->detail : "not looked up");
		return n->audit_result = SPF_RESULT_NONE;
	case SPF_FETCH_TEMPERROR:
		setstr(&c->audit_reason, "%s: %s", n->domain, n->detail);
		return n->audit_result = SPF_RESULT_TEMPERROR;
	default:
		setstr(&c->audit_reason, "%s: %s", n->domain, n->detail);
		return n->audit_result = SPF_RESULT_PERMERROR;
	}
	for (size_t k = 0; k <= n->rec->nterms; k++) {
		const struct spf_term *t;
		struct spf_term_info *ti;
		size_t i;
		bool redirect = k == n->rec->nterms;

		if (redirect) {
			if (n->rec->redirect < 0 || n->rec->all >= 0)
				break;
			i = (size_t)n->rec->redirect;
		} else {
			i = k;
			if (!spf_term_is_mechanism(&n->rec->terms[i]))
				continue;
		}
		t = &n->rec->terms[i];
		ti = &n->terms[i];
		if (spf_term_counts(t) && ++*lookups > SPF_LOOKUP_LIMIT) {
			setstr(&c->audit_reason, "more than %d DNS-querying "
			    "terms: \"%s\" in %s is number %u",
			    SPF_LOOKUP_LIMIT, t->text, n->domain, *lookups);
			return n->audit_result = SPF_RESULT_PERMERROR;
		}
		if (ti->audit_void && ++c->audit_voids > SPF_VOID_LIMIT) {
			setstr(&c->audit_reason, "more than %d void lookups: "
			    "\"%s\" in %s is number %u", SPF_VOID_LIMIT,
			    t->text, n->domain, c->audit_voids);
			return n->audit_result = SPF_RESULT_PERMERROR;
		}
		switch (t->kind) {
		case SPF_MECH_ALL:
			setstr(&c->audit_reason, "\"%s\" in %s", t->text,
			    n->domain);
			return n->audit_result = qual_result(t->qual);
		case SPF_MECH_INCLUDE:
		case SPF_MOD_REDIRECT: {
			enum spf_result cr;

			if (ti->loop) {
				setstr(&c->audit_reason, "\"%s\" in %s loops",
				    t->text, n->domain);
				return n->audit_result = SPF_RESULT_PERMERROR;
			}
			if (ti->child == NULL) {
				if (ti->bad_target) {
					setstr(&c->audit_reason, "\"%s\" in %s: "
					    "malformed target", t->text,
					    n->domain);
					return n->audit_result =
					    SPF_RESULT_PERMERROR;
				}
				/* Not followed: assume it does not match. */
				if (redirect)
					return n->audit_result =
					    SPF_RESULT_NEUTRAL;
				continue;
			}
			cr = audit_sim(c, ti->child, lookups);
			if (cr == SPF_RESULT_NONE) {
				setstr(&c->audit_reason, "\"%s\" in %s: no SPF "
				    "record at %s", t->text, n->domain,
				    ti->child->domain);
				return n->audit_result = SPF_RESULT_PERMERROR;
			}
			if (redirect || cr == SPF_RESULT_TEMPERROR ||
			    cr == SPF_RESULT_PERMERROR)
				return n->audit_result = cr;
			if (cr == SPF_RESULT_PASS) {
				setstr(&c->audit_reason, "\"%s\" in %s matches "
				    "every address", t->text, n->domain);
				return n->audit_result = qual_result(t->qual);
			}
			break;
		}
		case SPF_MECH_A:
		case SPF_MECH_MX:
		case SPF_MECH_EXISTS:
			if (ti->audit_error) {
				setstr(&c->audit_reason, "\"%s\" in %s: %s",
				    t->text, n->domain, ti->note);
				return n->audit_result = SPF_RESULT_TEMPERROR;
			}
			if (t->kind == SPF_MECH_MX &&
			    ti->mx_count > SPF_MX_LIMIT) {
				setstr(&c->audit_reason, "\"%s\" in %s: %u MX "
				    "records, over the limit of %d", t->text,
				    n->domain, ti->mx_count, SPF_MX_LIMIT);
				return n->audit_result = SPF_RESULT_PERMERROR;
			}
			break;
		default:
			break;
		}
	}
	setstr(&c->audit_reason, "no mechanism matches in %s (default "
	    "neutral)", n->domain);
	return n->audit_result = r;
}

static void
audit_finish(struct spf_check *c)
{
	unsigned total = 0, sim = 0;

	audit_count(c, c->root, &total);
	c->audit_lookups = total;
	c->audit_voids = 0;
	c->audit_result = audit_sim(c, c->root, &sim);
	c->audited = true;
	if (c->has_ip)
		eval_start(c);
	else
		c->ev->phase = PH_DONE;
}

static void
audit_start(struct spf_check *c)
{
	struct spf_node *r = c->root;

	c->ev->phase = PH_AUDIT;
	if (r->fetch == SPF_FETCH_RECORD) {
		audit_node(c, r);
	} else if (r->fetch == SPF_FETCH_PENDING) {
		r->fetching = true;
		ask(c, r->domain, DNS_T_TXT, Q_TXT, r, 0, 0);
	}
}

/* ------------------------------------------------------------------ */
/* Driving */

static void
resume(struct spf_check *c)
{
	struct spf_eval *e = c->ev;

	if (e->phase == PH_AUDIT && e->pending == 0)
		audit_finish(c);
	if (e->phase == PH_EVAL && !e->waiting)
		ev_step(c);
	if (e->phase == PH_EXP && !e->waiting)
		exp_step(c);
	if (e->phase == PH_DONE && e->pending == 0 && !e->notified) {
		e->notified = true;
		if (e->cb != NULL)
			e->cb(c, e->arg);
	}
}

static void
on_answer(const struct dns_answer *ans, void *arg)
{
	struct spf_q *q = arg;
	struct spf_check *c = q->c;
	struct spf_eval *e = c->ev;

	switch (q->kind) {
	case Q_TXT:
		q->n->fetching = false;
		node_store(q->n, ans);
		if (e->phase == PH_AUDIT)
			audit_node(c, q->n);
		else
			e->waiting = false;
		break;
	case Q_PROBE:
		audit_probe_answer(c, q->n, q->term, ans);
		break;
	case Q_TERM:
		dns_answer_clear(&e->ans);
		dns_answer_copy(&e->ans, ans);
		e->term_phase = 2;
		e->waiting = false;
		break;
	case Q_MXADDR:
		dns_answer_copy(&e->mxaddr[q->idx], ans);
		if (--e->mx_left == 0)
			e->waiting = false;
		break;
	case Q_PTR:
		ptr_answer(c, ans);
		break;
	case Q_PTRADDR:
		ptr_addr_answer(c, q->idx, ans);
		break;
	case Q_EXP:
		dns_answer_clear(&e->ans);
		dns_answer_copy(&e->ans, ans);
		e->exp_phase = 2;
		e->waiting = false;
		break;
	}
	free(q);
	e->pending--;
	resume(c);
}

/* ------------------------------------------------------------------ */
/* Life cycle */

static bool
parse_ip(const char *s, struct spf_check *c)
{
	struct in6_addr a6;

	if (inet_pton(AF_INET, s, &c->ip4) == 1) {
		c->af = AF_INET;
	} else if (inet_pton(AF_INET6, s, &a6) == 1) {
		/* RFC 7208 §5: an IPv4-mapped address is IPv4. */
		static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0,
		    0, 0xff, 0xff };

		if (memcmp(a6.s6_addr, mapped, 12) == 0) {
			c->af = AF_INET;
			memcpy(&c->ip4, a6.s6_addr + 12, 4);
		} else {
			c->af = AF_INET6;
			c->ip6 = a6;
		}
	} else {
		return false;
	}
	inet_ntop(c->af, c->af == AF_INET ? (const void *)&c->ip4 :
	    (const void *)&c->ip6, c->ip_text, sizeof(c->ip_text));
	c->has_ip = true;
	return true;
}

int
spf_check_new(struct dns_lookup *lk, const struct spf_request *req,
    struct spf_check **out, char *err, size_t errlen)
{
	struct spf_check *c;
	const char *at;
	size_t n;

	*out = NULL;
	c = xcalloc(1, sizeof(*c));
	c->ev = xcalloc(1, sizeof(*c->ev));
	c->ev->lk = lk;
	c->ev->ptr_outcome = DNS_OUT_OTHER;
	c->af = AF_UNSPEC;
	if (req->ip != NULL && !parse_ip(req->ip, c)) {
		snprintf(err, errlen, "\"%s\" is not an IP address", req->ip);
		goto fail;
	}
	if (req->helo != NULL && req->helo[0] != '\0')
		c->helo = xstrdup(req->helo);
	c->sender_given = req->sender != NULL && req->sender[0] != '\0';
	/* The sender: local-part@domain; null means postmaster@HELO and an
	 * empty local-part "postmaster" (RFC 7208 §2.4, §4.3). */
	if (c->sender_given) {
		at = strrchr(req->sender, '@');
		if (at == NULL) {
			c->local = xstrdup("postmaster");
			c->sender_domain = xstrdup(req->sender);
		} else {
			n = (size_t)(at - req->sender);
			c->local = n ? xstrndup(req->sender, n) :
			    xstrdup("postmaster");
			c->sender_domain = xstrdup(at + 1);
		}
	} else {
		c->local = xstrdup("postmaster");
		c->sender_domain = xstrdup(c->helo ? c->helo : req->domain ?
		    req->domain : "");
	}
	if (req->domain != NULL && req->domain[0] != '\0')
		c->domain = xstrdup(req->domain);
	else if (c->sender_given)
		c->domain = xstrdup(c->sender_domain);
	else if (c->helo != NULL)
		c->domain = xstrdup(c->helo);
	else {
		snprintf(err, errlen, "no domain to check: give a domain, a "
		    "sender or a HELO name");
		goto fail;
	}
	if (!c->sender_given && c->helo == NULL) {
		free(c->sender_domain);
		c->sender_domain = xstrdup(c->domain);
	}
	c->sender = xasprintf("%s@%s", c->local, c->sender_domain);
	c->receiver = xstrdup(req->receiver ? req->receiver : "unknown");
	c->now = req->now ? req->now : (long long)time(NULL);
	c->audit = req->audit || !c->has_ip;
	c->root = node_new(c, c->domain, SPF_VIA_ROOT, NULL, 0);
	if (req->record != NULL) {
		c->draft = xstrdup(req->record);
		c->root->draft = true;
		if (spf_record_is_spf(req->record, strlen(req->record))) {
			node_set_record(c->root, req->record,
			    strlen(req->record), NULL, 1);
		} else {
			c->root->fetch = SPF_FETCH_SYNTAX;
			spf_record_parse(req->record, strlen(req->record),
			    &c->root->rec, &c->root->perr);
			setstr(&c->root->detail, "%s", c->root->perr.message);
			c->root->printable = printable_dup(req->record,
			    strlen(req->record));
		}
	} else {
		char why[160];

		if (!spf_domain_valid(c->domain, why, sizeof(why))) {
			c->root->fetch = SPF_FETCH_BADNAME;
			setstr(&c->root->detail, "malformed domain: %s", why);
		}
	}
	*out = c;
	return 0;
fail:
	spf_check_free(c);
	return -1;
}

void
spf_check_run(struct spf_check *c, spf_done_cb *cb, void *arg)
{
	struct spf_eval *e = c->ev;

	if (e->started)
		return;
	e->started = true;
	e->cb = cb;
	e->arg = arg;
	if (c->audit)
		audit_start(c);
	else
		eval_start(c);
	resume(c);
}

bool
spf_check_done(const struct spf_check *c)
{
	return c->ev->notified;
}

enum spf_result
spf_check_result(const struct spf_check *c)
{
	return c->has_ip ? c->result : c->audit_result;
}

void
spf_check_free(struct spf_check *c)
{
	struct spf_eval *e;

	if (c == NULL)
		return;
	e = c->ev;
	for (size_t i = 0; i < c->nnodes; i++)
		node_free(c->nodes[i]);
	free(c->nodes);
	if (e != NULL) {
		dns_answer_clear(&e->ans);
		mx_clear(e);
		for (size_t i = 0; i < e->nptr; i++)
			free(e->ptr_name[i]);
		free(e->exp_text);
		free(e);
	}
	free(c->domain);
	free(c->sender);
	free(c->local);
	free(c->sender_domain);
	free(c->helo);
	free(c->receiver);
	free(c->draft);
	free(c->explanation);
	free(c->reason);
	free(c->audit_reason);
	free(c);
}
