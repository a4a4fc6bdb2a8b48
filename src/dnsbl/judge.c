/* SPDX-License-Identifier: MIT */
/*
 * The judgement of blacklist answers: each list's trust from its test
 * entries, each target's verdict per list under that trust, and the
 * findings with their words (what the listing means, how to get off the
 * list, what a receiver does with it). Pure: probes in, findings out.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsbl/dnsbl.h"
#include "util/util.h"

static const char *const fam_names[] = {
	[DNSBL_FAM_IP4] = "IPv4",
	[DNSBL_FAM_IP6] = "IPv6",
	[DNSBL_FAM_DOMAIN] = "domain",
};

/* "listed on NAME (zone)": the answers of a probe as one evidence line. */
static void
judge_evidence_probe(struct finding *fd, const char *label,
    const struct dnsbl_probe *p)
{
	char line[1024];
	size_t off;

	off = (size_t)snprintf(line, sizeof(line), "%s: A %s: %s", label,
	    p->qname, p->done ? dns_outcome_name(p->outcome) : "not asked");
	for (size_t i = 0; i < p->interp.nhits && off < sizeof(line); i++) {
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &p->interp.hits[i].addr, a, sizeof(a));
		off += (size_t)snprintf(line + off, sizeof(line) - off,
		    "%s %s (%s)", i ? "," : "", a, p->interp.hits[i].meaning);
	}
	if (p->error[0] && off < sizeof(line))
		snprintf(line + off, sizeof(line) - off, " (%s)", p->error);
	strvec_push(&fd->evidence, line);
}

static const char *
judge_family_test(enum dnsbl_family f, int listed)
{
	switch (f) {
	case DNSBL_FAM_IP4:
		return listed ? "127.0.0.2" : "127.0.0.1";
	case DNSBL_FAM_IP6:
		return listed ? "::ffff:127.0.0.2" : "::ffff:127.0.0.1";
	default:
		return listed ? "the listed test name" : "the unlisted test name";
	}
}

static void
judge_public_resolver_steps(struct finding *fd, const struct dnsbl_list *l)
{
	if (l->public_refused)
		strvec_pushf(&fd->remediation, "%s does not answer queries "
		    "that reach it through large public resolvers (Google "
		    "8.8.8.8, Cloudflare 1.1.1.1, Quad9, OpenDNS) or any "
		    "resolver that sends it too many queries: run mxdiag with "
		    "--resolver pointing at your own recursive resolver (for "
		    "example unbound on 127.0.0.1), not a forwarder to a public "
		    "one.", l->name);
	else
		strvec_pushf(&fd->remediation, "%s rate-limits or blocks the "
		    "resolver you asked: use your own recursive resolver with "
		    "--resolver.", l->name);
	if (l->url != NULL)
		strvec_pushf(&fd->remediation, "Check the address by hand at "
		    "%s.", l->url);
}

/* Findings about a list (per family in use) from its test entries. */
static void
judge_list(struct dnsbl_report *rep, size_t li)
{
	const struct dnsbl_list *l = &rep->set->v[li];
	struct dnsbl_list_state *ls = &rep->lists[li];
	struct finding *fd;

	for (int f = 0; f < DNSBL_FAM_COUNT; f++) {
		struct dnsbl_sanity *sn = &ls->fam[f];

		fd = NULL;
		if (!sn->used) {
			sn->trust = DNSBL_TRUST_UNUSED;
			continue;
		}
		sn->trust = dnsbl_trust_judge(&sn->listed.interp,
		    &sn->unlisted.interp, sn->why, sizeof(sn->why));
		switch (sn->trust) {
		case DNSBL_TRUST_OK:
		case DNSBL_TRUST_UNUSED:
			continue;
		case DNSBL_TRUST_REFUSED:
			fd = finding_add(&ls->findings, "bl.list_refused",
			    FINDING_SKIPPED, "%s (%s) refuses our queries: "
			    "its %s results are not checked", l->name, l->zone,
			    fam_names[f]);
			finding_explain(fd, "The list answered its own test "
			    "entry with a refusal code (%s). Such answers "
			    "are not listings: they mean the list will not "
			    "answer this resolver, usually because it is a "
			    "public or shared resolver or asked too often. "
			    "Nothing can be concluded from this list.", sn->why);
			judge_public_resolver_steps(fd, l);
			break;
		case DNSBL_TRUST_TEMPERROR:
			fd = finding_add(&ls->findings, "bl.list_temperror",
			    FINDING_TEMPERROR, "%s (%s) could not be verified: "
			    "a test query failed temporarily", l->name, l->zone);
			finding_explain(fd, "Before trusting a list, mxdiag asks "
			    "for its RFC 5782 test entries. They got no answer "
			    "(timeout, SERVFAIL), so this list's %s results are "
			    "reported as temporary failures.", fam_names[f]);
			strvec_push(&fd->remediation, "Run the check again "
			    "later.");
			break;
		case DNSBL_TRUST_FAILED:
		case DNSBL_TRUST_BROKEN:
			fd = finding_add(&ls->findings, sn->trust ==
			    DNSBL_TRUST_FAILED ? "bl.list_failed" :
			    "bl.list_broken", FINDING_SKIPPED, "%s (%s) fails "
			    "its %s test entries and is not trusted: %s",
			    l->name, l->zone, fam_names[f], sn->why);
			finding_explain(fd, "Every DNS list must list its test "
			    "entry (%s) and must not list the other (%s) "
			    "(RFC 5782 §5). A list that fails is dead, moved, "
			    "wildcarded or answering for everything; its "
			    "answers would be wrong, so they are ignored.",
			    judge_family_test((enum dnsbl_family)f, 1),
			    judge_family_test((enum dnsbl_family)f, 0));
			strvec_push(&fd->remediation, "Remove this list from "
			    "your blacklist configuration (--lists), and from "
			    "your own MTA or filter, where it would misjudge "
			    "mail the same way.");
			finding_trip(fd, "postfix", "reject_rbl_client / "
			    "postscreen_dnsbl_sites", "a receiver still "
			    "querying a list that lists everything rejects or "
			    "scores all mail");
			break;
		}
		if (fd == NULL)
			continue;
		judge_evidence_probe(fd, "listed test", &sn->listed);
		judge_evidence_probe(fd, "unlisted test", &sn->unlisted);
		strvec_push(&fd->references, "RFC 5782 §5");
		if (sn->trust == DNSBL_TRUST_REFUSED)
			strvec_push(&fd->references, "RFC 5782 §2.3");
	}
}

static void
judge_listed(struct dnsbl_target *t, const struct dnsbl_list *l,
    const struct dnsbl_result *r)
{
	const struct dnsbl_interp *in = &r->probe.interp;
	char meaning[600];
	size_t off = 0;
	struct finding *fd;
	bool ip = t->fam != DNSBL_FAM_DOMAIN;
	char *effect;

	meaning[0] = '\0';
	for (size_t i = 0; i < in->nhits && off < sizeof(meaning); i++)
		if (in->hits[i].kind == DNSBL_LISTED)
			off += (size_t)snprintf(meaning + off,
			    sizeof(meaning) - off, "%s%s", off ? "; " : "",
			    in->hits[i].meaning);
	fd = finding_add(&t->findings, "bl.listed", FINDING_FAIL,
	    "%s is listed on %s: %s", t->spec, l->name, meaning);
	finding_explain(fd, "%s (%s) lists this %s. Receivers that consult "
	    "it reject the mail or score it as spam, so some or all of your "
	    "mail to them is lost or filed as junk.", l->name, l->zone,
	    ip ? "address" : "domain");
	judge_evidence_probe(fd, "query", &r->probe);
	if (r->probe.txt[0])
		strvec_pushf(&fd->evidence, "reason (TXT): %s", r->probe.txt);
	strvec_pushf(&fd->remediation, "Find and stop the cause first (the "
	    "meaning above and the list's page say what was seen): %s",
	    ip ? "a compromised account or machine behind this address "
	    "(including any host sharing it through NAT), an open relay or "
	    "proxy, a web form or mailing list sending to unconfirmed "
	    "addresses." : "spam or phishing linking to the domain, a "
	    "compromised site under it, a mailing list without confirmed "
	    "opt-in.");
	if (l->url != NULL)
		strvec_pushf(&fd->remediation, "Then look the %s up and request "
		    "removal at %s.", ip ? "address" : "domain", l->url);
	else
		strvec_pushf(&fd->remediation, "Then request removal on %s's "
		    "website.", l->name);
	if (ip)
		strvec_push(&fd->remediation, "If this is a dynamic or "
		    "residential address, do not send mail from it directly: "
		    "relay through your provider's smarthost.");
	effect = xasprintf("554 5.7.1 Service unavailable; %s [%s] blocked "
	    "using %s", ip ? "Client host" : "Sender address", t->spec,
	    l->zone);
	if (ip)
		finding_trip(fd, "postfix", "reject_rbl_client / "
		    "postscreen_dnsbl_sites", effect);
	else
		finding_trip(fd, "postfix", "reject_rhsbl_sender / "
		    "reject_rhsbl_helo", effect);
	free(effect);
	for (size_t i = 0; i < l->ntrips; i++)
		finding_trip(fd, l->trips[i].engine, l->trips[i].rule,
		    "adds to the spam score or rejects");
	strvec_push(&fd->references, ip ? "RFC 5782 §2.1" : "RFC 5782 §2.2");
	if (l->url != NULL)
		strvec_push(&fd->references, l->url);
}

static void
judge_target(struct dnsbl_report *rep, struct dnsbl_target *t)
{
	size_t checked = 0, temp = 0, other = 0;
	char checked_list[1024];
	size_t off = 0;
	struct finding *fd;

	checked_list[0] = '\0';
	for (size_t k = 0; k < t->nresults; k++) {
		struct dnsbl_result *r = &t->results[k];
		const struct dnsbl_sanity *sn =
		    &rep->lists[r->list].fam[t->fam];

		r->verdict = dnsbl_verdict_with_trust(r->probe.interp.verdict,
		    sn->trust);
		switch (r->verdict) {
		case DNSBL_LISTED:
		case DNSBL_NOT_LISTED:
			if (r->verdict == DNSBL_LISTED)
				judge_listed(t, &rep->set->v[r->list], r);
			checked++;
			if (off < sizeof(checked_list))
				off += (size_t)snprintf(checked_list + off,
				    sizeof(checked_list) - off, "%s%s",
				    off ? ", " : "", rep->set->v[r->list].zone);
			break;
		case DNSBL_TEMPERROR:
			temp++;
			break;
		default:
			/* Untrusted or refusing lists have their own
			 * findings; count only what this target alone met. */
			if (sn->trust == DNSBL_TRUST_OK)
				other++;
			break;
		}
	}
	if (t->nresults == 0) {
		fd = finding_add(&t->findings, "bl.no_lists", FINDING_SKIPPED,
		    "No configured list holds %s %s", fam_names[t->fam],
		    t->fam == DNSBL_FAM_DOMAIN ? "names" : "addresses");
		finding_explain(fd, "None of the lists in use is of this "
		    "kind, so nothing was checked for %s.", t->spec);
		strvec_push(&fd->remediation, "Add a list of this kind to the "
		    "configuration given with --lists.");
	} else if (!finding_list_find(&t->findings, "bl.listed") &&
	    checked > 0) {
		fd = finding_add(&t->findings, "bl.not_listed", FINDING_PASS,
		    "%s is not listed on any of %zu list%s checked", t->spec,
		    checked, checked == 1 ? "" : "s");
		finding_explain(fd, "Every list that passed its test entries "
		    "answered \"not listed\".");
		strvec_pushf(&fd->evidence, "lists: %s", checked_list);
	}
	if (temp > 0 || other > 0 || (t->nresults > 0 && checked == 0)) {
		fd = finding_add(&t->findings, "bl.unchecked", temp > 0 ?
		    FINDING_TEMPERROR : FINDING_SKIPPED, "%s could not be "
		    "checked on %zu of %zu list%s", t->spec,
		    t->nresults - checked, t->nresults,
		    t->nresults == 1 ? "" : "s");
		finding_explain(fd, "These lists gave no usable answer for "
		    "this target: a temporary DNS failure, a refusal, or a "
		    "list that failed its own test entries (see the list "
		    "findings). Whether the target is listed there is "
		    "unknown.");
		for (size_t k = 0; k < t->nresults; k++) {
			const struct dnsbl_result *r = &t->results[k];

			if (r->verdict == DNSBL_LISTED ||
			    r->verdict == DNSBL_NOT_LISTED)
				continue;
			strvec_pushf(&fd->evidence, "%s: %s (list %s)",
			    rep->set->v[r->list].zone,
			    dnsbl_verdict_name(r->verdict), dnsbl_trust_name(
			    rep->lists[r->list].fam[t->fam].trust));
		}
		strvec_push(&fd->remediation, temp > 0 ? "Run the check "
		    "again later." : "Use your own recursive resolver "
		    "(--resolver) and check the list findings.");
	}
	t->status = t->findings.n ? finding_list_worst(&t->findings) :
	    FINDING_SKIPPED;
}

void
dnsbl_report_judge(struct dnsbl_report *rep)
{
	for (size_t l = 0; l < rep->set->n; l++) {
		finding_list_clear(&rep->lists[l].findings);
		judge_list(rep, l);
	}
	for (size_t i = 0; i < rep->ntargets; i++) {
		finding_list_clear(&rep->targets[i].findings);
		judge_target(rep, &rep->targets[i]);
	}
}
