/* SPDX-License-Identifier: MIT */
/*
 * Judging an SPF check: the result for the address asked about, then the
 * record and its include tree (errors anywhere in the tree, the limits of
 * RFC 7208 §4.6.4, the "all" policy, deprecated and fragile constructs).
 * Records the domain owner controls (the root and its redirect chain) get
 * warnings; what only an include's operator can change is information.
 */
#include "spf/judge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spf/record.h"

#define REF_7208	"RFC 7208"

enum finding_status
spf_result_status(enum spf_result r)
{
	switch (r) {
	case SPF_RESULT_PASS:		return FINDING_PASS;
	case SPF_RESULT_FAIL:		return FINDING_FAIL;
	case SPF_RESULT_NONE:		return FINDING_FAIL;
	case SPF_RESULT_SOFTFAIL:
	case SPF_RESULT_NEUTRAL:	return FINDING_WARNING;
	case SPF_RESULT_TEMPERROR:	return FINDING_TEMPERROR;
	case SPF_RESULT_PERMERROR:	return FINDING_PERMERROR;
	}
	return FINDING_WARNING;
}

/* The receiver-side consequences shared by "no usable SPF". */
static void
trip_unauthenticated(struct finding *f)
{
	finding_trip(f, "mailbox-providers", "sender authentication",
	    "Gmail, Yahoo and Microsoft require SPF or DKIM to pass for all "
	    "mail (bulk senders: both, plus DMARC); Gmail answers "
	    "550-5.7.26 \"unauthenticated sender\" or files the mail as spam");
	finding_trip(f, "dmarc", "SPF alignment",
	    "no SPF pass: DMARC can pass only through an aligned DKIM "
	    "signature");
}

/* The root and the records it redirects to are the owner's; includes
 * belong to whoever runs them. */
static bool
owned(const struct spf_node *n)
{
	for (; n != NULL; n = n->parent)
		if (n->via == SPF_VIA_INCLUDE)
			return false;
	return true;
}

/* "example.com", or "include:_spf.example.net (from example.com)". */
static void
where(const struct spf_node *n, char *buf, size_t len)
{
	if (n->parent == NULL)
		snprintf(buf, len, "%s", n->domain);
	else
		snprintf(buf, len, "%s:%s (from %s)", n->via ==
		    SPF_VIA_INCLUDE ? "include" : "redirect=", n->domain,
		    n->parent->domain);
}

/* The record whose "all" decides for unlisted addresses: the root, or
 * the end of its redirect chain. */
static const struct spf_node *
policy_node(const struct spf_check *c)
{
	const struct spf_node *n = c->root;

	while (n != NULL && n->fetch == SPF_FETCH_RECORD &&
	    n->rec->all < 0 && n->rec->redirect >= 0) {
		const struct spf_node *ch = n->terms[n->rec->redirect].child;

		if (ch == NULL || ch->fetch != SPF_FETCH_RECORD)
			return n;
		n = ch;
	}
	return n;
}

static void
evidence_record(struct finding *f, const struct spf_node *n)
{
	char w[600];

	where(n, w, sizeof(w));
	if (n->printable != NULL)
		strvec_pushf(&f->evidence, "%s: \"%s\"", w, n->printable);
	else
		strvec_pushf(&f->evidence, "%s: %s", w, n->detail ?
		    n->detail : "no record");
}

/* ------------------------------------------------------------------ */

static void
judge_result(const struct spf_check *c, struct finding_list *fl)
{
	enum spf_result r = c->result;
	const char *rn = spf_result_name(r);
	struct finding *f;

	f = finding_add(fl, "spf.result", spf_result_status(r),
	    "SPF %s for %s sending as %s", rn, c->ip_text, c->domain);
	switch (r) {
	case SPF_RESULT_PASS:
		finding_explain(f, "The domain's SPF record authorizes this "
		    "address: receivers see SPF pass.");
		finding_trip(f, "rspamd", "R_SPF_ALLOW", "SPF pass");
		finding_trip(f, "spamassassin", "SPF_PASS", "SPF pass");
		break;
	case SPF_RESULT_FAIL:
		finding_explain(f, "The record explicitly forbids this "
		    "address. Receivers may reject the mail outright, and "
		    "DMARC sees no SPF pass.");
		strvec_pushf(&f->remediation, "If %s sends mail for %s, add "
		    "it to the record before the \"all\" term: %s:%s",
		    c->ip_text, c->domain, c->af == AF_INET6 ? "ip6" : "ip4",
		    c->ip_text);
		finding_trip(f, "rspamd", "R_SPF_FAIL", "adds to the spam "
		    "score");
		finding_trip(f, "spamassassin", "SPF_FAIL", "adds to the "
		    "spam score");
		finding_trip(f, "mailbox-providers", "SPF fail",
		    "rejected or sent to spam unless DKIM passes");
		break;
	case SPF_RESULT_SOFTFAIL:
	case SPF_RESULT_NEUTRAL:
		finding_explain(f, "The record does not authorize this "
		    "address (%s). Receivers treat the mail as "
		    "unauthenticated by SPF: suspicious at best.", rn);
		strvec_pushf(&f->remediation, "If %s sends mail for %s, add "
		    "%s:%s to the record before the \"all\" term.",
		    c->ip_text, c->domain, c->af == AF_INET6 ? "ip6" : "ip4",
		    c->ip_text);
		finding_trip(f, "rspamd", r == SPF_RESULT_SOFTFAIL ?
		    "R_SPF_SOFTFAIL" : "R_SPF_NEUTRAL", "no SPF pass");
		finding_trip(f, "spamassassin", r == SPF_RESULT_SOFTFAIL ?
		    "SPF_SOFTFAIL" : "SPF_NEUTRAL", "adds to the spam score");
		finding_trip(f, "dmarc", "SPF alignment", "no SPF pass: "
		    "DMARC needs an aligned DKIM signature");
		break;
	case SPF_RESULT_NONE:
		finding_explain(f, "%s publishes no SPF record, so no address "
		    "is authorized.", c->domain);
		finding_trip(f, "rspamd", "R_SPF_NA", "no SPF");
		finding_trip(f, "spamassassin", "SPF_NONE", "no SPF");
		trip_unauthenticated(f);
		break;
	case SPF_RESULT_TEMPERROR:
		finding_explain(f, "A DNS lookup failed while evaluating the "
		    "record. Receivers defer the mail (4xx) or treat it as "
		    "unauthenticated; retrying may succeed.");
		strvec_push(&f->remediation, "Run the check again; if it "
		    "persists, fix the DNS servers of the name that failed "
		    "(see the reason).");
		finding_trip(f, "rspamd", "R_SPF_DNSFAIL", "SPF temperror");
		finding_trip(f, "spamassassin", "T_SPF_TEMPERROR",
		    "SPF temperror");
		break;
	case SPF_RESULT_PERMERROR:
		finding_explain(f, "The record cannot be evaluated: every "
		    "receiver gets permerror, which counts as no SPF at all "
		    "(and some receivers reject it).");
		finding_trip(f, "rspamd", "R_SPF_PERMFAIL", "SPF permerror");
		finding_trip(f, "spamassassin", "T_SPF_PERMERROR",
		    "SPF permerror");
		trip_unauthenticated(f);
		break;
	}
	if (c->reason != NULL)
		strvec_pushf(&f->evidence, "reason: %s", c->reason);
	strvec_pushf(&f->evidence, "DNS-querying terms evaluated: %u of %d; "
	    "void lookups: %u of %d", c->lookups, SPF_LOOKUP_LIMIT, c->voids,
	    SPF_VOID_LIMIT);
	if (c->explanation != NULL)
		strvec_pushf(&f->evidence, "explanation (from the domain, "
		    "exp=): %s", c->explanation);
	strvec_pushf(&f->evidence, "sender: %s; HELO: %s", c->sender,
	    c->helo ? c->helo : "(not given)");
	strvec_push(&f->references, REF_7208 " §2.6 (results), §4 "
	    "(check_host)");
}

static void
judge_none(const struct spf_check *c, struct finding_list *fl)
{
	const struct spf_node *r = c->root;
	struct finding *f;

	f = finding_add(fl, "spf.none", FINDING_FAIL, "%s has no SPF record",
	    c->domain);
	finding_explain(f, "No TXT record at %s starts with \"v=spf1\", so "
	    "receivers get SPF none for mail from this domain: nothing "
	    "authorizes its senders, and anyone can forge it.", c->domain);
	strvec_pushf(&f->evidence, "TXT %s: %s", c->domain, r->detail ?
	    r->detail : "none");
	if (c->has_ip)
		strvec_pushf(&f->remediation, "Publish a TXT record at %s: "
		    "\"v=spf1 %s:%s -all\" (add every other host and provider "
		    "that sends for the domain, e.g. include:_spf.google.com)",
		    c->domain, c->af == AF_INET6 ? "ip6" : "ip4", c->ip_text);
	else
		strvec_pushf(&f->remediation, "Publish a TXT record at %s "
		    "listing every host that sends its mail, e.g. \"v=spf1 "
		    "mx ip4:192.0.2.10 include:_spf.example-provider.net "
		    "-all\"", c->domain);
	strvec_pushf(&f->remediation, "A domain that sends no mail at all "
	    "should publish \"v=spf1 -all\".");
	trip_unauthenticated(f);
	strvec_push(&f->references, REF_7208 " §4.5, §8.1");
}

/* A record of the tree that could not be used. */
static void
judge_node_error(const struct spf_check *c, const struct spf_node *n,
    struct finding_list *fl)
{
	struct finding *f;
	char w[600];

	where(n, w, sizeof(w));
	switch (n->fetch) {
	case SPF_FETCH_MULTIPLE:
		f = finding_add(fl, "spf.multiple_records",
		    FINDING_PERMERROR, "%s publishes %zu SPF records",
		    n->domain, n->spf_texts.n);
		finding_explain(f, "Exactly one TXT record may start "
		    "with \"v=spf1\"; with several, every receiver "
		    "returns permerror%s.", n == c->root ? "" :
		    " for this include, and so for the whole check");
		for (size_t i = 0; i < n->spf_texts.n; i++)
			strvec_pushf(&f->evidence, "%s: \"%s\"", w,
			    n->spf_texts.v[i]);
		strvec_pushf(&f->remediation, "Merge the records at %s "
		    "into one (all mechanisms in one \"v=spf1 ... "
		    "-all\") and delete the others.", n->domain);
		trip_unauthenticated(f);
		strvec_push(&f->references, REF_7208 " §4.5");
		break;
	case SPF_FETCH_SYNTAX:
		f = finding_add(fl, "spf.permerror.syntax",
		    FINDING_PERMERROR, "Syntax error in the SPF record "
		    "of %s%s%s", n->domain, n->perr.term[0] ?
		    ": " : "", n->perr.term);
		finding_explain(f, "A syntax error anywhere in the "
		    "record makes every evaluation a permerror "
		    "(RFC 7208 §4.6), whatever the address.");
		evidence_record(f, n);
		strvec_pushf(&f->evidence, "error: %s", n->perr.message);
		if (n->perr.term[0])
			strvec_pushf(&f->remediation, "Fix or remove the "
			    "term \"%s\" in the record at %s: %s.",
			    n->perr.term, n->domain, n->perr.message);
		else
			strvec_pushf(&f->remediation, "Fix the record "
			    "at %s: %s.", n->domain, n->perr.message);
		if (!owned(n))
			strvec_pushf(&f->remediation, "The record "
			    "belongs to %s's operator: ask them, or "
			    "remove the include.", n->domain);
		trip_unauthenticated(f);
		strvec_push(&f->references, REF_7208 " §4.6, §5, §12 "
		    "(ABNF)");
		break;
	case SPF_FETCH_TEMPERROR:
		f = finding_add(fl, "spf.temperror", FINDING_TEMPERROR,
		    "The SPF record of %s could not be looked up",
		    n->domain);
		finding_explain(f, "The TXT lookup failed without an "
		    "answer; receivers get temperror and defer or "
		    "mistrust the mail until it works.");
		strvec_pushf(&f->evidence, "%s: %s", w, n->detail);
		strvec_pushf(&f->remediation, "Check the DNS servers "
		    "of %s (every one must answer TXT queries), then "
		    "run the check again.", n->domain);
		strvec_push(&f->references, REF_7208 " §4.4, §8.6");
		break;
	case SPF_FETCH_NONE:
	case SPF_FETCH_BADNAME:
		if (n->parent == NULL)
			break;
		f = finding_add(fl, "spf.include_missing",
		    FINDING_PERMERROR, "%s%s has no SPF record",
		    n->via == SPF_VIA_INCLUDE ? "include:" :
		    "redirect=", n->domain);
		finding_explain(f, "An %s target without an SPF record "
		    "makes the whole evaluation a permerror (RFC 7208 "
		    "§5.2, §6.1), for every address that reaches it.",
		    n->via == SPF_VIA_INCLUDE ? "include" :
		    "redirect");
		strvec_pushf(&f->evidence, "%s: %s", w, n->detail);
		strvec_pushf(&f->remediation, "Remove \"%s\" from the "
		    "record at %s, or correct the name (the provider's "
		    "documentation gives the exact include).",
		    n->parent->rec->terms[n->parent_term].text,
		    n->parent->domain);
		trip_unauthenticated(f);
		strvec_push(&f->references, REF_7208 " §5.2, §6.1");
		break;
	default:
		break;
	}
}

static void
judge_node_errors(const struct spf_check *c, struct finding_list *fl)
{
	for (size_t k = 0; k < c->nnodes; k++)
		judge_node_error(c, c->nodes[k], fl);
}

/* Term-level problems found by the audit: loops, malformed targets,
 * lookups that failed, mx over its limit. */
static void
judge_term(const struct spf_node *n, size_t i, struct finding_list *fl)
{
	const struct spf_term *t = &n->rec->terms[i];
	const struct spf_term_info *ti = &n->terms[i];
	struct finding *f;

	if (ti->loop) {
		f = finding_add(fl, "spf.include_loop",
		    FINDING_PERMERROR, "\"%s\" in %s loops back "
		    "to %s", t->text, n->domain, ti->target);
		finding_explain(f, "The include chain returns to "
		    "a record already being evaluated, so the "
		    "evaluation runs until the limit of 10 "
		    "lookups: permerror.");
		strvec_pushf(&f->remediation, "Remove \"%s\" from "
		    "the record at %s.", t->text, n->domain);
		trip_unauthenticated(f);
		strvec_push(&f->references, REF_7208 " §4.6.4");
	} else if (ti->bad_target) {
		f = finding_add(fl, "spf.include_missing",
		    FINDING_PERMERROR, "\"%s\" in %s names no "
		    "valid domain", t->text, n->domain);
		finding_explain(f, "The target of an include or "
		    "redirect must be a domain name; a malformed "
		    "one is a permerror.");
		strvec_pushf(&f->evidence, "%s", ti->note);
		strvec_pushf(&f->remediation, "Correct or remove "
		    "\"%s\" in the record at %s.", t->text,
		    n->domain);
		strvec_push(&f->references, REF_7208 " §6.1");
	}
	if (ti->audit_error) {
		f = finding_add(fl, "spf.temperror",
		    FINDING_TEMPERROR, "A lookup for \"%s\" in "
		    "%s failed", t->text, n->domain);
		finding_explain(f, "A DNS error during an a, mx "
		    "or exists mechanism makes the evaluation a "
		    "temperror for every address that reaches "
		    "it.");
		strvec_pushf(&f->evidence, "%s", ti->note);
		strvec_pushf(&f->remediation, "Check the DNS "
		    "servers of %s, then run the check again.",
		    ti->target ? ti->target : n->domain);
		strvec_push(&f->references, REF_7208 " §5");
	}
	if (t->kind == SPF_MECH_MX &&
	    ti->mx_count > SPF_MX_LIMIT) {
		f = finding_add(fl, "spf.mx_limit",
		    FINDING_PERMERROR, "\"%s\" in %s meets %u MX "
		    "records (at most %d)", t->text, n->domain,
		    ti->mx_count, SPF_MX_LIMIT);
		finding_explain(f, "An mx mechanism may look up "
		    "the addresses of at most 10 MX hosts; with "
		    "more, it is a permerror for every address "
		    "that reaches it.");
		strvec_pushf(&f->remediation, "Replace \"%s\" by "
		    "ip4:/ip6: ranges of the hosts that really "
		    "send mail.", t->text);
		strvec_push(&f->references, REF_7208 " §4.6.4");
	}
}

static void
judge_terms(const struct spf_check *c, struct finding_list *fl)
{
	for (size_t k = 0; k < c->nnodes; k++) {
		const struct spf_node *n = c->nodes[k];

		if (n->fetch != SPF_FETCH_RECORD)
			continue;
		for (size_t i = 0; i < n->rec->nterms; i++)
			judge_term(n, i, fl);
	}
}

/* The outermost term of the root leading to node n, term i. */
static void
tip_path(const struct spf_node *n, size_t i, char *buf, size_t len)
{
	size_t o = 0;
	const struct spf_node *chain[SPF_AUDIT_DEPTH + 2];
	size_t depth = 0;

	for (const struct spf_node *p = n; p != NULL && depth <
	    UTIL_ARRAY_LEN(chain); p = p->parent)
		chain[depth++] = p;
	buf[0] = '\0';
	/* chain[depth-1] is the root; walk down. */
	for (size_t d = depth; d-- > 1 && o < len;)
		o += (size_t)snprintf(buf + o, len - o, "%s%s",
		    o ? " -> " : "", chain[d]->rec->terms[
		    chain[d - 1]->parent_term].text);
	if (o < len)
		snprintf(buf + o, len - o, "%s%s", o ? " -> " : "",
		    n->rec->terms[i].text);
}

static void
judge_lookups(const struct spf_check *c, struct finding_list *fl)
{
	const struct spf_node *r = c->root;
	struct finding *f;
	unsigned total = c->audit_lookups;
	char path[1024];

	if (!c->audited || r->fetch != SPF_FETCH_RECORD)
		return;
	if (total <= SPF_LOOKUP_LIMIT) {
		f = finding_add(fl, "spf.lookup_count", total + 1 >=
		    SPF_LOOKUP_LIMIT ? FINDING_WARNING : FINDING_PASS,
		    "The SPF record needs %u of the 10 DNS lookups allowed",
		    total);
		finding_explain(f, "Receivers stop with permerror at the 11th "
		    "DNS-querying term (include, a, mx, ptr, exists, "
		    "redirect), counted over the whole include tree.%s",
		    total + 1 >= SPF_LOOKUP_LIMIT ? " One more include, or a "
		    "provider adding one to theirs, breaks SPF for every "
		    "sender." : "");
		if (total + 1 >= SPF_LOOKUP_LIMIT)
			strvec_push(&f->remediation, "Make room: replace a "
			    "and mx by the ip4:/ip6: ranges of those hosts, "
			    "and remove includes of services no longer "
			    "used.");
		strvec_push(&f->references, REF_7208 " §4.6.4");
		return;
	}
	f = finding_add(fl, "spf.lookup_limit", FINDING_PERMERROR, "The SPF "
	    "record needs %u DNS lookups; the limit is 10", total);
	finding_explain(f, "Every evaluation that gets past the 10th "
	    "DNS-querying term returns permerror: mail from any address "
	    "listed after that point (or not listed at all) fails SPF "
	    "authentication.");
	if (c->tip_node != NULL) {
		const struct spf_node *top = c->tip_node;
		size_t top_term = c->tip_term;

		while (top->parent != NULL) {
			top_term = top->parent_term;
			top = top->parent;
		}
		tip_path(c->tip_node, c->tip_term, path, sizeof(path));
		strvec_pushf(&f->evidence, "the 11th lookup: %s", path);
		strvec_pushf(&f->evidence, "it tips over in \"%s\" of %s",
		    top->rec->terms[top_term].text, top->domain);
		if (top->rec->terms[top_term].kind == SPF_MECH_INCLUDE &&
		    top->terms[top_term].child != NULL)
			strvec_pushf(&f->remediation, "Flatten %s: replace it "
			    "by the ip4:/ip6: ranges its record publishes "
			    "(%u lookups saved; keep them in step with the "
			    "provider), or ask the provider for a narrower "
			    "include.", top->rec->terms[top_term].text,
			    top->terms[top_term].lookups +
			    top->terms[top_term].child->subtree_lookups);
	}
	for (size_t i = 0; i < r->rec->nterms; i++) {
		const struct spf_term_info *ti = &r->terms[i];
		unsigned below = ti->child ? ti->child->subtree_lookups : 0;

		if (ti->lookups == 0)
			continue;
		strvec_pushf(&f->evidence, "%s: %u lookup%s%s",
		    r->rec->terms[i].text, ti->lookups + below,
		    ti->lookups + below == 1 ? "" : "s", ti->ignored ?
		    " (ignored)" : "");
	}
	strvec_push(&f->remediation, "Replace a and mx terms by the "
	    "ip4:/ip6: addresses of those hosts: each saves one lookup.");
	strvec_push(&f->remediation, "Remove includes of services that no "
	    "longer send for the domain; move senders with their own "
	    "envelope domain (bounce domain) out of this record.");
	trip_unauthenticated(f);
	strvec_push(&f->references, REF_7208 " §4.6.4");
}

static void
judge_voids(const struct spf_check *c, struct finding_list *fl)
{
	struct finding *f;
	size_t nvoid = 0;

	for (size_t k = 0; k < c->nnodes; k++) {
		const struct spf_node *n = c->nodes[k];

		if (n->fetch != SPF_FETCH_RECORD)
			continue;
		for (size_t i = 0; i < n->rec->nterms; i++)
			if (n->terms[i].audit_void ||
			    n->terms[i].void_lookup)
				nvoid++;
	}
	if (nvoid == 0)
		return;
	if ((c->audited && c->audit_voids > SPF_VOID_LIMIT) ||
	    c->voids > SPF_VOID_LIMIT)
		f = finding_add(fl, "spf.void_limit", FINDING_PERMERROR,
		    "More than 2 SPF terms name domains without records");
	else
		f = finding_add(fl, "spf.void_lookup", FINDING_WARNING,
		    "%zu SPF term%s name%s a domain without records", nvoid,
		    nvoid == 1 ? "" : "s", nvoid == 1 ? "s" : "");
	finding_explain(f, "A lookup that finds no records (NXDOMAIN or no "
	    "data) is a \"void lookup\"; receivers return permerror after "
	    "the second one. Such terms never match anything and only cost.");
	for (size_t k = 0; k < c->nnodes; k++) {
		const struct spf_node *n = c->nodes[k];

		if (n->fetch != SPF_FETCH_RECORD)
			continue;
		for (size_t i = 0; i < n->rec->nterms; i++) {
			const struct spf_term_info *ti = &n->terms[i];

			if (!ti->audit_void && !ti->void_lookup)
				continue;
			strvec_pushf(&f->evidence, "\"%s\" in %s: %s",
			    n->rec->terms[i].text, n->domain, ti->note ?
			    ti->note : ti->eval_note ? ti->eval_note : "void");
			strvec_pushf(&f->remediation, "Remove \"%s\" from the "
			    "record at %s (or publish the records it expects).",
			    n->rec->terms[i].text, n->domain);
		}
	}
	strvec_push(&f->references, REF_7208 " §4.6.4");
}

static void
judge_all(const struct spf_check *c, struct finding_list *fl)
{
	const struct spf_node *p = policy_node(c);
	const struct spf_term *all;
	struct finding *f;

	if (p == NULL || p->fetch != SPF_FETCH_RECORD)
		return;
	if (p->rec->all < 0) {
		if (p->rec->redirect >= 0)
			return;	/* a redirect we could not follow */
		f = finding_add(fl, "spf.no_all", FINDING_WARNING, "The SPF "
		    "record of %s does not end in an \"all\" term",
		    p->domain);
		finding_explain(f, "Without \"all\" (or redirect=), an "
		    "address the record does not list gets neutral: the "
		    "record never says what is forbidden, and forgers get "
		    "the same result as an unlisted legitimate host.");
		evidence_record(f, p);
		strvec_pushf(&f->remediation, "Append \" -all\" (or \" ~all\" "
		    "while you are still collecting senders) to the record "
		    "at %s.", p->domain);
		strvec_push(&f->references, REF_7208 " §4.7, §5.1");
		return;
	}
	all = &p->rec->terms[p->rec->all];
	switch (all->qual) {
	case SPF_QUAL_PASS:
		f = finding_add(fl, "spf.all_pass", FINDING_FAIL, "\"%s\": "
		    "every address on the Internet passes SPF for %s",
		    all->text, c->domain);
		finding_explain(f, "The record authorizes every host, so SPF "
		    "proves nothing and anyone can send as the domain with an "
		    "SPF pass. Filters treat +all as a spam sign.");
		evidence_record(f, p);
		strvec_pushf(&f->remediation, "Replace \"%s\" by \"-all\" in "
		    "the record at %s, after listing every real sender.",
		    all->text, p->domain);
		strvec_push(&f->references, REF_7208 " §5.1, §11");
		return;
	case SPF_QUAL_NEUTRAL:
		f = finding_add(fl, "spf.all_neutral", FINDING_WARNING,
		    "\"%s\": unlisted addresses get neutral", all->text);
		finding_explain(f, "Neutral says nothing: forged mail from any "
		    "host gets the same SPF result as mail from an unlisted "
		    "legitimate one.");
		evidence_record(f, p);
		strvec_pushf(&f->remediation, "Replace \"%s\" by \"~all\", "
		    "then \"-all\" once every sender is listed, in the record "
		    "at %s.", all->text, p->domain);
		strvec_push(&f->references, REF_7208 " §5.1, §8.2");
		return;
	case SPF_QUAL_SOFTFAIL:
		f = finding_add(fl, "spf.all_softfail", FINDING_INFO,
		    "\"%s\": unlisted addresses get softfail", all->text);
		finding_explain(f, "Softfail marks unlisted senders as "
		    "suspicious without asking receivers to reject; with "
		    "DMARC enforcing, that is a common and sound choice.");
		evidence_record(f, p);
		strvec_push(&f->references, REF_7208 " §8.5");
		return;
	case SPF_QUAL_FAIL:
		f = finding_add(fl, "spf.all_fail", FINDING_PASS, "\"%s\": "
		    "unlisted addresses fail SPF", all->text);
		finding_explain(f, "The record ends in -all: only the listed "
		    "hosts may send as the domain.");
		evidence_record(f, p);
		strvec_push(&f->references, REF_7208 " §8.4");
		return;
	}
}

/* An include whose record authorizes everything authorizes everything
 * here too: unlisted addresses pass. */
static void
judge_pass_everything(const struct spf_check *c, struct finding_list *fl)
{
	const struct spf_node *p = policy_node(c);
	struct finding *f;

	if (!c->audited || c->audit_result != SPF_RESULT_PASS ||
	    finding_list_find(fl, "spf.all_pass") != NULL)
		return;
	f = finding_add(fl, "spf.all_pass", FINDING_FAIL, "Every address on "
	    "the Internet passes SPF for %s", c->domain);
	finding_explain(f, "An address the record does not list still gets "
	    "pass, through a term that matches everything (an include of a "
	    "record ending in +all, or ip4:0.0.0.0/0 and the like).");
	if (c->audit_reason != NULL)
		strvec_pushf(&f->evidence, "%s", c->audit_reason);
	if (p != NULL)
		evidence_record(f, p);
	strvec_push(&f->remediation, "Remove the term that matches every "
	    "address (see the evidence) and end the record in -all.");
	strvec_push(&f->references, REF_7208 " §5.1, §11");
}

static void
judge_ptr(const struct spf_check *c, struct finding_list *fl)
{
	for (size_t k = 0; k < c->nnodes; k++) {
		const struct spf_node *n = c->nodes[k];

		if (n->fetch != SPF_FETCH_RECORD)
			continue;
		for (size_t i = 0; i < n->rec->nterms; i++) {
			const struct spf_term *t = &n->rec->terms[i];
			struct finding *f;
			char w[600];

			if (t->kind != SPF_MECH_PTR)
				continue;
			where(n, w, sizeof(w));
			f = finding_add(fl, "spf.ptr_used", owned(n) ?
			    FINDING_WARNING : FINDING_INFO, "\"%s\" in %s uses "
			    "the deprecated ptr mechanism", t->text, n->domain);
			finding_explain(f, "RFC 7208 says ptr SHOULD NOT be "
			    "used: it is slow, costs receivers many lookups, "
			    "depends on reverse DNS the sender may not "
			    "control, and some receivers skip it (the mail "
			    "then fails SPF).");
			strvec_pushf(&f->evidence, "%s: \"%s\"", w,
			    n->printable);
			strvec_pushf(&f->remediation, "Replace \"%s\" by the "
			    "ip4:/ip6: ranges (or a:host names) of the sending "
			    "hosts in the record at %s.", t->text, n->domain);
			strvec_push(&f->references, REF_7208 " §5.5");
		}
	}
}

static void
judge_size(const struct spf_check *c, struct finding_list *fl)
{
	for (size_t k = 0; k < c->nnodes; k++) {
		const struct spf_node *n = c->nodes[k];
		size_t total, dl;
		struct finding *f;

		if (n->text == NULL)
			continue;
		dl = strlen(n->domain);
		total = dl + (n->draft ? n->text_len : n->txt_octets);
		if (total <= 450)
			continue;
		f = finding_add(fl, "spf.record_long", owned(n) ?
		    FINDING_WARNING : FINDING_INFO, "The TXT answer for %s "
		    "is too large for a plain 512-octet DNS reply", n->domain);
		finding_explain(f, "RFC 7208 §3.4: the name plus the text of "
		    "all TXT records at it should stay under 450 octets so "
		    "that the answer fits one 512-octet UDP message. Larger "
		    "answers need EDNS or TCP, which some receivers and "
		    "firewalls handle badly: the lookup then fails "
		    "(temperror) or the record is silently ignored.");
		strvec_pushf(&f->evidence, "SPF record: %zu octets", n->text_len);
		if (!n->draft)
			strvec_pushf(&f->evidence, "all TXT records at %s: "
			    "%zu, %zu octets of text", n->domain,
			    n->txt_records, n->txt_octets);
		strvec_pushf(&f->evidence, "name + text: %zu octets "
		    "(guideline: under 450)", total);
		strvec_pushf(&f->remediation, "Shorten the record at %s: "
		    "merge adjacent ip4: ranges into wider prefixes, drop "
		    "unused terms, or move part of it into an include on a "
		    "subdomain (include:_spf1.%s), which costs one lookup.",
		    n->domain, n->domain);
		if (n->txt_records > 1)
			strvec_pushf(&f->remediation, "Move other TXT records "
			    "(site verifications) off %s where the service "
			    "allows it.", n->domain);
		strvec_push(&f->references, REF_7208 " §3.4");
	}
}

/* Does "v=spf1 " + s (n bytes) parse? */
static bool
parses_as_terms(const char *s, size_t n)
{
	char *buf = xasprintf("v=spf1 %.*s", (int)n, s);
	struct spf_record *r = NULL;
	struct spf_parse_error err;
	bool ok = spf_record_parse(buf, strlen(buf), &r, &err) == 0 &&
	    r->nterms > 0;

	spf_record_free(r);
	free(buf);
	return ok;
}

/*
 * Where the publisher split the record into TXT strings (joined without
 * spaces, RFC 7208 §3.3): a split with no space on either side either
 * glues two terms together (a missing space, almost always a mistake) or
 * cuts one term in two (valid, but fragile).
 */
static void
judge_split(const struct spf_check *c, struct finding_list *fl)
{
	for (size_t k = 0; k < c->nnodes; k++) {
		const struct spf_node *n = c->nodes[k];
		unsigned nb = n->nstrings < DNS_TXT_BOUNDS ? n->nstrings :
		    DNS_TXT_BOUNDS;

		if (n->text == NULL || n->nstrings < 2)
			continue;
		for (unsigned b = 0; b < nb; b++) {
			size_t off = n->bounds[b], s, e;
			bool glued;
			struct finding *f;

			if (off == 0 || off >= n->text_len ||
			    n->text[off - 1] == ' ' || n->text[off] == ' ')
				continue;
			for (s = off; s > 0 && n->text[s - 1] != ' '; s--)
				;
			for (e = off; e < n->text_len && n->text[e] != ' '; e++)
				;
			glued = parses_as_terms(n->text + s, off - s) &&
			    parses_as_terms(n->text + off, e - off);
			if (glued) {
				f = finding_add(fl, "spf.txt_split",
				    owned(n) ? FINDING_WARNING : FINDING_INFO,
				    "Two SPF terms of %s are glued together "
				    "where the TXT strings meet", n->domain);
				finding_explain(f, "Receivers join the strings "
				    "of a TXT record without adding a space "
				    "(RFC 7208 §3.3), so \"%.*s\" and \"%.*s\" "
				    "become one term, which means something "
				    "else or nothing.", (int)(off - s),
				    n->text + s, (int)(e - off), n->text + off);
				strvec_pushf(&f->remediation, "Add a space at the "
				    "end of the string before the split (or the "
				    "start of the next one) in the TXT record at "
				    "%s.", n->domain);
			} else {
				f = finding_add(fl, "spf.txt_split",
				    FINDING_INFO, "A TXT string boundary of %s "
				    "cuts the term \"%.*s\" in two", n->domain,
				    (int)(e - s), n->text + s);
				finding_explain(f, "Valid: receivers join the "
				    "strings without spaces. But tools and "
				    "people that join them with a space see a "
				    "broken record; split at a space instead.");
				strvec_pushf(&f->remediation, "Split the TXT "
				    "record at %s between terms, keeping the "
				    "space at the end of a string.", n->domain);
			}
			strvec_pushf(&f->evidence, "%u strings; boundary at "
			    "octet %zu", n->nstrings, off);
			evidence_record(f, n);
			strvec_push(&f->references, REF_7208 " §3.3");
		}
	}
}

static void
judge_walk(const struct spf_check *c, struct finding_list *fl)
{
	struct finding *f;

	for (size_t k = 0; k < c->nnodes; k++) {
		const struct spf_node *n = c->nodes[k];

		if (n->fetch != SPF_FETCH_RECORD)
			continue;
		for (size_t i = 0; i < n->rec->nterms; i++)
			if (n->terms[i].ignored) {
				f = finding_add(fl, "spf.redirect_ignored",
				    FINDING_INFO, "\"%s\" in %s is ignored",
				    n->rec->terms[i].text, n->domain);
				finding_explain(f, "A redirect= modifier is "
				    "ignored when the record has an \"all\" "
				    "mechanism (RFC 7208 §6.1).");
				strvec_pushf(&f->remediation, "Remove either "
				    "\"%s\" or the all term from the record at "
				    "%s.", n->rec->terms[i].text, n->domain);
				strvec_push(&f->references, REF_7208 " §6.1");
			}
	}
	if (c->partial) {
		f = finding_add(fl, "spf.not_followed", FINDING_INFO, "Some "
		    "SPF terms depend on the sender or the client address");
		finding_explain(f, "Their targets use macros (%%{i}, %%{s}, "
		    "%%{l}, %%{p}, ...), so the walk without an address could "
		    "not follow them; their lookups are counted, their "
		    "records are not.%s", c->has_ip ? "" : " Give --ip (and "
		    "--sender) to evaluate them.");
		strvec_push(&f->references, REF_7208 " §7");
	}
	if (c->capped) {
		f = finding_add(fl, "spf.audit_capped", FINDING_WARNING, "The "
		    "include tree is too large to walk whole");
		finding_explain(f, "mxdiag follows at most %d levels, %d "
		    "records and %d queries; the rest was not fetched. "
		    "Receivers stop far earlier, at 10 lookups.",
		    SPF_AUDIT_DEPTH, SPF_AUDIT_NODES, SPF_AUDIT_QUERIES);
		strvec_push(&f->remediation, "Shorten the include chain: a "
		    "record that needs this much walking is far over the "
		    "limit of 10 lookups; flatten the deepest includes.");
		strvec_push(&f->references, REF_7208 " §4.6.4");
	}
}

void
spf_judge(const struct spf_check *c, struct finding_list *fl)
{
	const struct spf_node *r = c->root;
	struct finding *f;

	if (c->has_ip && c->evaluated)
		judge_result(c, fl);
	if (r->fetch == SPF_FETCH_NONE || r->fetch == SPF_FETCH_BADNAME) {
		judge_none(c, fl);
		return;
	}
	judge_node_errors(c, fl);
	judge_terms(c, fl);
	judge_lookups(c, fl);
	judge_voids(c, fl);
	judge_all(c, fl);
	judge_pass_everything(c, fl);
	judge_ptr(c, fl);
	judge_size(c, fl);
	judge_split(c, fl);
	judge_walk(c, fl);
	if (r->fetch == SPF_FETCH_RECORD) {
		f = finding_add(fl, "spf.record", FINDING_PASS, "%s %s one SPF "
		    "record", c->domain, r->draft ? "is judged with" :
		    "publishes");
		finding_explain(f, "The record parses%s.", r->draft ?
		    " (a draft given with --record, not looked up)" : "");
		evidence_record(f, r);
		strvec_push(&f->references, REF_7208 " §4.5");
	}
}
