/* SPDX-License-Identifier: MIT */
/*
 * The blacklist report's life: targets parsed, every target query and
 * every list's test entries asked at once (the resolver bounds what is in
 * flight), the TXT reason of each listing asked as soon as it is seen,
 * and the judgement when the last answer is in.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnsbl/dnsbl.h"
#include "smtp/reply.h"
#include "util/util.h"

static unsigned
fam_kind(enum dnsbl_family f)
{
	return f == DNSBL_FAM_IP4 ? DNSBL_KIND_IP4 : f == DNSBL_FAM_IP6 ?
	    DNSBL_KIND_IP6 : DNSBL_KIND_DOMAIN;
}

/* The query names of the test entries of every list and family in use. */
static void
dnsbl_tests_prepare(struct dnsbl_report *rep)
{
	const struct dnsbl_set *set = rep->set;

	for (size_t l = 0; l < set->n; l++) {
		const struct dnsbl_list *dl = &set->v[l];

		for (int f = 0; f < DNSBL_FAM_COUNT; f++) {
			struct dnsbl_sanity *sn = &rep->lists[l].fam[f];
			struct in_addr a4;
			struct in6_addr a6;

			if (!sn->used)
				continue;
			switch (f) {
			case DNSBL_FAM_IP4:
				inet_pton(AF_INET, "127.0.0.2", &a4);
				dnsbl_query_name_addr(dl, AF_INET, &a4,
				    sn->listed.qname, sizeof(sn->listed.qname));
				inet_pton(AF_INET, "127.0.0.1", &a4);
				dnsbl_query_name_addr(dl, AF_INET, &a4,
				    sn->unlisted.qname,
				    sizeof(sn->unlisted.qname));
				break;
			case DNSBL_FAM_IP6:
				inet_pton(AF_INET6, "::ffff:7f00:2", &a6);
				dnsbl_query_name_addr(dl, AF_INET6, &a6,
				    sn->listed.qname, sizeof(sn->listed.qname));
				inet_pton(AF_INET6, "::ffff:7f00:1", &a6);
				dnsbl_query_name_addr(dl, AF_INET6, &a6,
				    sn->unlisted.qname,
				    sizeof(sn->unlisted.qname));
				break;
			default:
				dnsbl_query_name_domain(dl, dl->test_listed ?
				    dl->test_listed : "test", sn->listed.qname,
				    sizeof(sn->listed.qname));
				dnsbl_query_name_domain(dl, dl->test_unlisted ?
				    dl->test_unlisted : "invalid",
				    sn->unlisted.qname,
				    sizeof(sn->unlisted.qname));
				break;
			}
		}
	}
}

struct dnsbl_report *
dnsbl_report_new(const struct dnsbl_set *set, const char *const *targets,
    size_t n, char *err, size_t errlen)
{
	struct dnsbl_report *rep;

	if (n > DNSBL_TARGETS_MAX) {
		snprintf(err, errlen, "at most %d targets", DNSBL_TARGETS_MAX);
		return NULL;
	}
	rep = xcalloc(1, sizeof(*rep));
	rep->set = set;
	rep->lists = xcalloc(set->n ? set->n : 1, sizeof(*rep->lists));
	rep->targets = xcalloc(n ? n : 1, sizeof(*rep->targets));
	for (size_t i = 0; i < n; i++) {
		struct dnsbl_target *t = &rep->targets[i];
		const char *s = targets[i];
		size_t len = strlen(s);

		t->spec = xstrdup(s);
		t->status = FINDING_SKIPPED;
		rep->ntargets++;
		if (inet_pton(AF_INET, s, &t->addr.v4) == 1) {
			t->fam = DNSBL_FAM_IP4;
		} else if (inet_pton(AF_INET6, s, &t->addr.v6) == 1) {
			t->fam = DNSBL_FAM_IP6;
			/* ::ffff:a.b.c.d (as dual-stack servers log IPv4
			 * clients) is the IPv4 address for every list. */
			if (IN6_IS_ADDR_V4MAPPED(&t->addr.v6)) {
				struct in_addr v4;

				memcpy(&v4, &t->addr.v6.s6_addr[12], 4);
				t->addr.v4 = v4;
				t->fam = DNSBL_FAM_IP4;
			}
		} else if (len > 0 && len < 254 && smtp_hostname_valid(s)) {
			t->fam = DNSBL_FAM_DOMAIN;
			t->domain = xstrdup(s);
			if (t->domain[len - 1] == '.')
				t->domain[len - 1] = '\0';
		} else {
			snprintf(err, errlen, "\"%.64s\" is neither an IP "
			    "address nor a domain name", s);
			dnsbl_report_free(rep);
			return NULL;
		}
		t->results = xcalloc(set->n ? set->n : 1, sizeof(*t->results));
		for (size_t l = 0; l < set->n; l++) {
			struct dnsbl_result *r;
			bool ok;

			if (!(set->v[l].kinds & fam_kind(t->fam)))
				continue;
			r = &t->results[t->nresults++];
			r->list = l;
			ok = t->fam == DNSBL_FAM_DOMAIN ?
			    dnsbl_query_name_domain(&set->v[l], t->domain,
			    r->probe.qname, sizeof(r->probe.qname)) :
			    dnsbl_query_name_addr(&set->v[l], t->fam ==
			    DNSBL_FAM_IP4 ? AF_INET : AF_INET6, &t->addr,
			    r->probe.qname, sizeof(r->probe.qname));
			if (!ok) {
				snprintf(err, errlen, "\"%.64s\" is too long "
				    "to query under %s", s, set->v[l].zone);
				dnsbl_report_free(rep);
				return NULL;
			}
			rep->lists[l].fam[t->fam].used = true;
		}
	}
	dnsbl_tests_prepare(rep);
	return rep;
}

struct dnsbl_report *
dnsbl_report_tests_new(const struct dnsbl_set *set, unsigned kinds)
{
	struct dnsbl_report *rep = xcalloc(1, sizeof(*rep));

	rep->set = set;
	rep->lists = xcalloc(set->n ? set->n : 1, sizeof(*rep->lists));
	rep->targets = xcalloc(1, sizeof(*rep->targets));
	for (size_t l = 0; l < set->n; l++)
		for (int f = 0; f < DNSBL_FAM_COUNT; f++)
			if ((kinds & fam_kind((enum dnsbl_family)f)) &&
			    (set->v[l].kinds & fam_kind((enum dnsbl_family)f)))
				rep->lists[l].fam[f].used = true;
	dnsbl_tests_prepare(rep);
	return rep;
}

void
dnsbl_report_adopt_tests(struct dnsbl_report *rep,
    const struct dnsbl_report *from)
{
	if (from == NULL || from->set != rep->set)
		return;
	for (size_t l = 0; l < rep->set->n; l++)
		for (int f = 0; f < DNSBL_FAM_COUNT; f++) {
			struct dnsbl_sanity *sn = &rep->lists[l].fam[f];
			const struct dnsbl_sanity *fs = &from->lists[l].fam[f];

			if (!sn->used || !fs->used || !fs->listed.done ||
			    !fs->unlisted.done)
				continue;
			sn->listed = fs->listed;
			sn->unlisted = fs->unlisted;
		}
}

void
dnsbl_report_free(struct dnsbl_report *rep)
{
	if (rep == NULL)
		return;
	for (size_t i = 0; i < rep->ntargets; i++) {
		free(rep->targets[i].spec);
		free(rep->targets[i].domain);
		free(rep->targets[i].results);
		finding_list_clear(&rep->targets[i].findings);
	}
	free(rep->targets);
	for (size_t l = 0; l < rep->set->n; l++)
		finding_list_clear(&rep->lists[l].findings);
	free(rep->lists);
	free(rep);
}

struct dnsbl_query {
	struct dnsbl_report	*rep;
	struct dnsbl_probe	*probe;
	const struct dnsbl_list	*list;
	bool			 target;	/* a target's query (not a test) */
	struct dns_lookup	*lk;
};

static void
dnsbl_query_finish(struct dnsbl_report *rep)
{
	if (--rep->pending > 0)
		return;
	dnsbl_report_judge(rep);
	rep->done_cb(rep, rep->done_arg);
}

static void
dnsbl_txt_done(const struct dns_answer *ans, void *arg)
{
	struct dnsbl_query *q = arg;
	struct dnsbl_report *rep = q->rep;

	if (ans->outcome == DNS_OUT_ANSWER && ans->nrr > 0)
		util_printable(q->probe->txt, sizeof(q->probe->txt),
		    ans->rr[0].u.txt.data, ans->rr[0].u.txt.len);
	free(q);
	dnsbl_query_finish(rep);
}

static void
dnsbl_a_done(const struct dns_answer *ans, void *arg)
{
	struct dnsbl_query *q = arg;
	struct dnsbl_report *rep = q->rep;
	struct dnsbl_probe *p = q->probe;

	p->done = true;
	p->outcome = ans->outcome;
	snprintf(p->server, sizeof(p->server), "%s", ans->server);
	snprintf(p->error, sizeof(p->error), "%s", ans->error);
	p->elapsed_ms = ans->elapsed_ms;
	dnsbl_interpret_answer(q->list, ans, &p->interp);
	if (q->target && p->interp.verdict == DNSBL_LISTED) {
		/* The reason, when the list publishes one (RFC 5782 §2.1):
		 * one more round trip, only for listings. */
		p->txt_asked = true;
		rep->pending++;
		dns_lookup_query(q->lk, p->qname, DNS_T_TXT, dnsbl_txt_done, q);
	} else {
		free(q);
	}
	dnsbl_query_finish(rep);
}

static void
dnsbl_ask(struct dnsbl_report *rep, struct dns_lookup *lk,
    struct dnsbl_probe *p, const struct dnsbl_list *l, bool target)
{
	struct dnsbl_query *q = xcalloc(1, sizeof(*q));

	q->rep = rep;
	q->probe = p;
	q->list = l;
	q->target = target;
	q->lk = lk;
	p->asked = true;
	dns_lookup_query(lk, p->qname, DNS_T_A, dnsbl_a_done, q);
}

void
dnsbl_report_lookup(struct dnsbl_report *rep, struct dns_lookup *lk,
    void (*cb)(struct dnsbl_report *, void *), void *arg)
{
	size_t n = 0;

	rep->done_cb = cb;
	rep->done_arg = arg;
	for (size_t l = 0; l < rep->set->n; l++)
		for (int f = 0; f < DNSBL_FAM_COUNT; f++) {
			const struct dnsbl_sanity *sn = &rep->lists[l].fam[f];

			if (sn->used)
				n += !sn->listed.done + !sn->unlisted.done;
		}
	for (size_t i = 0; i < rep->ntargets; i++)
		n += rep->targets[i].nresults;
	/* One extra count held until every query is asked, so that nothing
	 * finishes the report while it is still being started. */
	rep->pending = n + 1;
	for (size_t l = 0; l < rep->set->n; l++)
		for (int f = 0; f < DNSBL_FAM_COUNT; f++) {
			struct dnsbl_sanity *sn = &rep->lists[l].fam[f];

			if (!sn->used)
				continue;
			/* Adopted from an earlier report: already known. */
			if (!sn->listed.done)
				dnsbl_ask(rep, lk, &sn->listed, &rep->set->v[l],
				    false);
			if (!sn->unlisted.done)
				dnsbl_ask(rep, lk, &sn->unlisted,
				    &rep->set->v[l], false);
		}
	for (size_t i = 0; i < rep->ntargets; i++) {
		struct dnsbl_target *t = &rep->targets[i];

		for (size_t k = 0; k < t->nresults; k++)
			dnsbl_ask(rep, lk, &t->results[k].probe,
			    &rep->set->v[t->results[k].list], true);
	}
	dnsbl_query_finish(rep);
}
