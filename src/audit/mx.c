/* SPDX-License-Identifier: MIT */
/*
 * MX facts and their judgement. The lookups themselves are made by
 * audit.c; this file only reads answers, so it is tested with recorded
 * answers (tests/unit/test_mx.c).
 */
#include "audit/mx.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

bool
mx_name_is_address(const char *name)
{
	char buf[DNS_NAME_BUF];
	struct in6_addr a6;
	struct in_addr a4;
	size_t len;

	snprintf(buf, sizeof(buf), "%s", name);
	len = strlen(buf);
	if (len > 1 && buf[len - 1] == '.')
		buf[len - 1] = '\0';
	if (buf[0] == '[') {
		/* "[192.0.2.1]" is an SMTP address literal, not a name. */
		return true;
	}
	return inet_pton(AF_INET, buf, &a4) == 1 ||
	    inet_pton(AF_INET6, buf, &a6) == 1;
}

static int
mx_host_cmp(const void *a, const void *b)
{
	const struct mx_host *x = a, *y = b;

	return x->pref - y->pref;
}

void
mx_facts_from_answer(struct mx_facts *f, const struct dns_answer *mx)
{
	dns_answer_copy(&f->mx, mx);
	if (mx->outcome == DNS_OUT_NODATA) {
		/* RFC 5321 §5.1: no MX, the domain is its own mail host. */
		f->implicit = true;
		f->nhosts = 1;
		snprintf(f->hosts[0].name, sizeof(f->hosts[0].name), "%s",
		    f->domain);
		f->hosts[0].pref = -1;
		return;
	}
	if (mx->outcome != DNS_OUT_ANSWER)
		return;
	if (mx->nrr == 1 && mx->rr[0].type == DNS_T_MX &&
	    strcmp(mx->rr[0].u.mx.exchange, ".") == 0) {
		f->null_mx = true;
		return;
	}
	for (size_t i = 0; i < mx->nrr; i++) {
		struct mx_host *h;

		if (mx->rr[i].type != DNS_T_MX)
			continue;
		if (f->nhosts == MX_HOSTS_MAX) {
			f->hosts_truncated = true;
			break;
		}
		h = &f->hosts[f->nhosts++];
		snprintf(h->name, sizeof(h->name), "%s",
		    mx->rr[i].u.mx.exchange);
		h->pref = mx->rr[i].u.mx.pref;
		h->ip_literal = mx_name_is_address(h->name);
	}
	qsort(f->hosts, f->nhosts, sizeof(f->hosts[0]), mx_host_cmp);
}

static void
mx_evidence_records(struct finding *fd, const struct mx_facts *f)
{
	for (size_t i = 0; i < f->nhosts; i++)
		if (f->hosts[i].pref >= 0)
			strvec_pushf(&fd->evidence, "MX %d %s", f->hosts[i].pref,
			    f->hosts[i].name);
}

static size_t
mx_host_addrs(const struct mx_host *h)
{
	size_t n = 0;

	if (h->a_done && h->a.outcome == DNS_OUT_ANSWER)
		n += h->a.nrr;
	if (h->aaaa_done && h->aaaa.outcome == DNS_OUT_ANSWER)
		n += h->aaaa.nrr;
	return n;
}

static void
mx_judge_host(const struct mx_facts *f, const struct mx_host *h,
    struct finding_list *out)
{
	struct finding *fd;
	const struct dns_answer *ans[2] = { &h->a, &h->aaaa };
	bool temp = false;

	if (h->ip_literal) {
		fd = finding_add(out, "mx.ip_literal", FINDING_FAIL,
		    "MX %s is an IP address, not a host name", h->name);
		finding_explain(fd, "An MX record must name a host (RFC 5321 "
		    "§5.1, RFC 1035 §3.3.9). Senders look the \"name\" up as a "
		    "host name, find nothing, and cannot deliver.");
		strvec_pushf(&fd->remediation, "Publish an A record such as "
		    "mx.%s -> %s and point the MX at that name.", f->domain,
		    h->name);
		strvec_push(&fd->references, "RFC 5321 §5.1");
		return;
	}
	for (size_t i = 0; i < 2; i++) {
		if (ans[i]->chain.n == 0)
			continue;
		fd = finding_add(out, "mx.cname", FINDING_WARNING,
		    "MX %s is an alias (CNAME to %s)", h->name,
		    ans[i]->chain.v[ans[i]->chain.n - 1]);
		finding_explain(fd, "The name in an MX record must have its "
		    "own address records, not be a CNAME (RFC 2181 §10.3, "
		    "RFC 5321 §5.1). Most senders follow the alias anyway; "
		    "some refuse, and the TLS name checked is the MX name.");
		strvec_pushf(&fd->remediation, "Point the MX at %s directly, "
		    "or replace the CNAME at %s by A/AAAA records.",
		    ans[i]->chain.v[ans[i]->chain.n - 1], h->name);
		strvec_push(&fd->references, "RFC 2181 §10.3");
		break;
	}
	for (size_t i = 0; i < 2; i++)
		if (dns_outcome_is_temporary(ans[i]->outcome))
			temp = true;
	if (mx_host_addrs(h) > 0)
		return;
	if (temp) {
		fd = finding_add(out, "mx.host_temperror", FINDING_TEMPERROR,
		    "The addresses of MX %s could not be resolved", h->name);
		finding_explain(fd, "A temporary DNS failure: senders queue "
		    "mail and retry.");
		strvec_push(&fd->remediation, "Run the audit again; if it "
		    "persists, check the name servers of the MX host's zone.");
	} else {
		fd = finding_add(out, "mx.no_address", FINDING_FAIL,
		    "MX %s has no A or AAAA record", h->name);
		finding_explain(fd, "Senders cannot connect to a host without "
		    "an address; mail to %s goes to the other MX hosts, or "
		    "bounces when there is none.", f->domain);
		strvec_pushf(&fd->remediation, "Publish A (and AAAA) records "
		    "for %s, or remove the MX record.", h->name);
	}
	for (size_t i = 0; i < 2; i++)
		strvec_pushf(&fd->evidence, "%s %s: %s",
		    i == 0 ? "A" : "AAAA", h->name,
		    dns_outcome_name(ans[i]->outcome));
}

void
mx_judge(const struct mx_facts *f, struct finding_list *out)
{
	const struct dns_answer *mx = &f->mx;
	struct finding *fd;

	if (dns_outcome_is_temporary(mx->outcome)) {
		fd = finding_add(out, "mx.temperror", FINDING_TEMPERROR,
		    "The MX lookup for %s failed temporarily (%s)", f->domain,
		    dns_outcome_name(mx->outcome));
		finding_explain(fd, "Nothing is known about where mail for "
		    "the domain goes; senders queue and retry.");
		strvec_push(&fd->remediation, "Run the audit again; if it "
		    "persists, check that the domain's name servers answer.");
		return;
	}
	switch (mx->outcome) {
	case DNS_OUT_NXDOMAIN:
		fd = finding_add(out, "mx.nxdomain", FINDING_FAIL,
		    "%s does not exist in DNS", f->domain);
		finding_explain(fd, "Mail to a domain that does not exist "
		    "bounces at once.");
		strvec_push(&fd->remediation, "Check the spelling, or that the "
		    "domain is registered and delegated.");
		return;
	case DNS_OUT_ANSWER:
	case DNS_OUT_NODATA:
		break;
	default:
		fd = finding_add(out, "mx.permerror", FINDING_PERMERROR,
		    "The MX lookup for %s returned an unusable answer (%s)",
		    f->domain, dns_outcome_name(mx->outcome));
		finding_explain(fd, "Senders treat this as a failure to find "
		    "the mail hosts.");
		strvec_push(&fd->remediation, "Check the domain's zone for "
		    "broken records (a CNAME loop, a malformed MX).");
		return;
	}
	if (f->null_mx) {
		fd = finding_add(out, "mx.null", FINDING_INFO,
		    "%s publishes a null MX: it accepts no mail", f->domain);
		finding_explain(fd, "A single \"MX 0 .\" (RFC 7505) says the "
		    "domain never receives mail; senders bounce at once "
		    "instead of retrying. Right for domains that only send or "
		    "are parked; wrong if mail to it is expected.");
		strvec_push(&fd->remediation, "If the domain should receive "
		    "mail, replace the null MX with MX records naming the mail "
		    "hosts.");
		strvec_push(&fd->references, "RFC 7505");
		return;
	}
	if (f->implicit) {
		fd = finding_add(out, "mx.implicit", FINDING_WARNING,
		    "%s has no MX record: senders use its A/AAAA (implicit MX)",
		    f->domain);
		finding_explain(fd, "Without MX records, senders deliver to "
		    "the domain's own addresses (RFC 5321 §5.1). That works if "
		    "they run a mail server; many do not, and some senders "
		    "treat a missing MX as a sign of a domain that takes no "
		    "mail.");
		strvec_pushf(&fd->remediation, "Publish MX records naming the "
		    "mail hosts (for example `%s. MX 10 mx.%s.`), or a null MX "
		    "(`MX 0 .`) if the domain takes no mail.", f->domain,
		    f->domain);
		strvec_push(&fd->references, "RFC 5321 §5.1");
	} else {
		fd = finding_add(out, "mx.records", FINDING_PASS,
		    "%zu MX record%s", f->nhosts, f->nhosts == 1 ? "" : "s");
		finding_explain(fd, "Where mail for the domain goes, in the "
		    "order senders try.");
		mx_evidence_records(fd, f);
	}
	for (size_t i = 0; i < f->nhosts; i++)
		mx_judge_host(f, &f->hosts[i], out);
}

void
mx_facts_clear(struct mx_facts *f)
{
	dns_answer_clear(&f->mx);
	for (size_t i = 0; i < f->nhosts; i++) {
		dns_answer_clear(&f->hosts[i].a);
		dns_answer_clear(&f->hosts[i].aaaa);
	}
}
