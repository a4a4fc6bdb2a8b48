/* SPDX-License-Identifier: MIT */
/*
 * The memory DNS of memdns.h. Linear scans: test data is small, and
 * clarity matters more here than speed.
 */
#include "memdns.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/util.h"

struct mem_rec {
	char		*name;
	struct dns_rr	 rr;
};

struct mem_override {
	char			*name;
	uint16_t		 qtype;
	enum dns_outcome	 outcome;
};

struct mem_soa {
	char		*zone;
	char		*mname;
	char		*rname;
	uint32_t	 ttl, minimum;
};

struct mem_pending {
	struct mem_pending	*next;
	char			*name;
	uint16_t		 qtype;
	dns_callback		*cb;
	void			*arg;
};

struct memdns {
	struct dns_lookup	 lk;
	struct mem_rec		*recs;
	size_t			 nrecs;
	struct mem_override	*ovr;
	size_t			 novr;
	struct mem_soa		*soas;
	size_t			 nsoas;
	struct mem_pending	*head, *tail;
	size_t			 queries;
};

static void
memdns_query(struct dns_lookup *lk, const char *name, uint16_t qtype,
    dns_callback *cb, void *arg)
{
	struct memdns *m = lk->impl;
	struct mem_pending *p = xcalloc(1, sizeof(*p));

	p->name = xstrdup(name);
	p->qtype = qtype;
	p->cb = cb;
	p->arg = arg;
	if (m->tail)
		m->tail->next = p;
	else
		m->head = p;
	m->tail = p;
	m->queries++;
}

struct memdns *
memdns_new(void)
{
	struct memdns *m = xcalloc(1, sizeof(*m));

	m->lk.query = memdns_query;
	m->lk.impl = m;
	return m;
}

struct dns_lookup *
memdns_lookup(struct memdns *m)
{
	return &m->lk;
}

void
memdns_add_rr(struct memdns *m, const char *name, const struct dns_rr *rr)
{
	struct mem_rec *r;

	m->recs = xreallocarray(m->recs, m->nrecs + 1, sizeof(*m->recs));
	r = &m->recs[m->nrecs++];
	r->name = xstrdup(name);
	dns_rr_copy(&r->rr, rr);
	dns_str_set(&r->rr.name, name);
	r->rr.rclass = DNS_C_IN;
	if (r->rr.ttl == 0)
		r->rr.ttl = 300;
}

static struct dns_rr *
rr_new(uint16_t type)
{
	struct dns_rr *rr = xcalloc(1, sizeof(*rr));

	rr->type = type;
	return rr;
}

void
memdns_add_a(struct memdns *m, const char *name, const char *addr)
{
	struct dns_rr *rr = rr_new(DNS_T_A);

	if (inet_pton(AF_INET, addr, &rr->u.a) != 1)
		abort();
	memdns_add_rr(m, name, rr);
	dns_rr_clear(rr);
	free(rr);
}

void
memdns_add_aaaa(struct memdns *m, const char *name, const char *addr)
{
	struct dns_rr *rr = rr_new(DNS_T_AAAA);

	if (inet_pton(AF_INET6, addr, &rr->u.aaaa) != 1)
		abort();
	memdns_add_rr(m, name, rr);
	dns_rr_clear(rr);
	free(rr);
}

static void
add_target(struct memdns *m, const char *name, uint16_t type,
    const char *target)
{
	struct dns_rr *rr = rr_new(type);

	dns_str_set(&rr->u.target, target);
	memdns_add_rr(m, name, rr);
	dns_rr_clear(rr);
	free(rr);
}

void
memdns_add_ptr(struct memdns *m, const char *name, const char *target)
{
	add_target(m, name, DNS_T_PTR, target);
}

void
memdns_add_cname(struct memdns *m, const char *name, const char *target)
{
	add_target(m, name, DNS_T_CNAME, target);
}

void
memdns_add_mx(struct memdns *m, const char *name, uint16_t pref,
    const char *exchange)
{
	struct dns_rr *rr = rr_new(DNS_T_MX);

	rr->u.mx.pref = pref;
	dns_str_set(&rr->u.mx.exchange, exchange);
	memdns_add_rr(m, name, rr);
	dns_rr_clear(rr);
	free(rr);
}

void
memdns_add_txt(struct memdns *m, const char *name, const char *const *strings,
    size_t nstrings)
{
	struct dns_rr *rr = rr_new(DNS_T_TXT);
	char data[DNS_TXT_MAX];

	for (size_t i = 0; i < nstrings; i++) {
		size_t n = strlen(strings[i]);

		if (rr->u.txt.len + n > DNS_TXT_MAX)
			n = DNS_TXT_MAX - rr->u.txt.len;
		memcpy(data + rr->u.txt.len, strings[i], n);
		rr->u.txt.len += n;
		if (rr->u.txt.nstrings < DNS_TXT_BOUNDS)
			rr->u.txt.bounds[rr->u.txt.nstrings] =
			    (uint16_t)rr->u.txt.len;
		rr->u.txt.nstrings++;
	}
	rr->u.txt.data = xstrndup(data, rr->u.txt.len);
	memdns_add_rr(m, name, rr);
	dns_rr_clear(rr);
	free(rr);
}

void
memdns_set_outcome(struct memdns *m, const char *name, uint16_t qtype,
    enum dns_outcome outcome)
{
	struct mem_override *o;

	m->ovr = xreallocarray(m->ovr, m->novr + 1, sizeof(*m->ovr));
	o = &m->ovr[m->novr++];
	o->name = xstrdup(name);
	o->qtype = qtype;
	o->outcome = outcome;
}

void
memdns_add_soa(struct memdns *m, const char *zone, const char *mname,
    const char *rname)
{
	struct mem_soa *s;

	m->soas = xreallocarray(m->soas, m->nsoas + 1, sizeof(*m->soas));
	s = &m->soas[m->nsoas++];
	s->zone = xstrdup(zone);
	s->mname = xstrdup(mname);
	s->rname = xstrdup(rname);
	s->ttl = s->minimum = 300;
}

void
memdns_set_ttl(struct memdns *m, const char *name, uint16_t type,
    uint32_t ttl)
{
	for (size_t i = 0; i < m->nrecs; i++)
		if (m->recs[i].rr.type == type &&
		    util_name_eq(m->recs[i].name, name))
			m->recs[i].rr.ttl = ttl;
}

void
memdns_set_soa_ttl(struct memdns *m, const char *zone, uint32_t ttl,
    uint32_t minimum)
{
	for (size_t i = 0; i < m->nsoas; i++)
		if (util_name_eq(m->soas[i].zone, zone)) {
			m->soas[i].ttl = ttl;
			m->soas[i].minimum = minimum;
		}
}

/* name is zone or below it (label boundary). */
static bool
in_zone(const char *name, const char *zone)
{
	size_t ln = strlen(name), lz = strlen(zone);

	if (strcmp(zone, ".") == 0)
		return true;
	if (ln < lz || strcasecmp(name + ln - lz, zone) != 0)
		return false;
	return ln == lz || name[ln - lz - 1] == '.';
}

static void
answer_soa(const struct memdns *m, const char *name, struct dns_answer *ans)
{
	const struct mem_soa *best = NULL;

	for (size_t i = 0; i < m->nsoas; i++)
		if (in_zone(name, m->soas[i].zone) && (best == NULL ||
		    strlen(m->soas[i].zone) > strlen(best->zone)))
			best = &m->soas[i];
	if (best == NULL)
		return;
	ans->has_soa = true;
	dns_str_set(&ans->soa_zone, best->zone);
	dns_str_set(&ans->soa.mname, best->mname);
	dns_str_set(&ans->soa.rname, best->rname);
	ans->soa_ttl = best->ttl;
	ans->soa.minimum = best->minimum;
}

static void
memdns_answer(const struct memdns *m, const char *qname, uint16_t qtype,
    struct dns_answer *ans)
{
	const char *name = qname;
	bool exists;

	for (size_t i = 0; i < m->novr; i++)
		if (util_name_eq(m->ovr[i].name, qname) &&
		    (m->ovr[i].qtype == 0 || m->ovr[i].qtype == qtype)) {
			dns_answer_init(ans, qname, qtype, m->ovr[i].outcome);
			snprintf(ans->error, sizeof(ans->error), "memdns: %s",
			    dns_outcome_name(m->ovr[i].outcome));
			return;
		}
	dns_answer_init(ans, qname, qtype, DNS_OUT_NODATA);
	ans->rcode = 0;
	for (int hop = 0; hop <= DNS_CHAIN_MAX; hop++) {
		const struct dns_rr *cname = NULL;

		exists = false;
		for (size_t i = 0; i < m->nrecs; i++) {
			const struct mem_rec *r = &m->recs[i];

			if (!util_name_eq(r->name, name))
				continue;
			exists = true;
			if (r->rr.type == qtype) {
				if (ans->nrr == DNS_ANS_MAX) {
					ans->rr_truncated = true;
					continue;
				}
				ans->rr = xreallocarray(ans->rr, ans->nrr + 1,
				    sizeof(*ans->rr));
				dns_rr_copy(&ans->rr[ans->nrr++], &r->rr);
			} else if (r->rr.type == DNS_T_CNAME &&
			    qtype != DNS_T_CNAME) {
				cname = &r->rr;
			}
		}
		if (ans->nrr > 0) {
			ans->outcome = DNS_OUT_ANSWER;
			return;
		}
		if (cname == NULL)
			break;
		if (ans->chain.n == DNS_CHAIN_MAX) {
			ans->outcome = DNS_OUT_CHAINLOOP;
			return;
		}
		ans->chain_ttl[ans->chain.n] = cname->ttl;
		strvec_push(&ans->chain, cname->u.target);
		name = cname->u.target;
	}
	if (!exists) {
		ans->outcome = DNS_OUT_NXDOMAIN;
		ans->rcode = 3;
	}
	answer_soa(m, name, ans);
}

size_t
memdns_run(struct memdns *m)
{
	size_t n = 0;
	struct mem_pending *p;

	while ((p = m->head) != NULL) {
		struct dns_answer ans;

		m->head = p->next;
		if (m->head == NULL)
			m->tail = NULL;
		memdns_answer(m, p->name, p->qtype, &ans);
		snprintf(ans.server, sizeof(ans.server), "memdns");
		p->cb(&ans, p->arg);
		dns_answer_clear(&ans);
		free(p->name);
		free(p);
		n++;
	}
	return n;
}

size_t
memdns_queries(const struct memdns *m)
{
	return m->queries;
}

void
memdns_free(struct memdns *m)
{
	struct mem_pending *p;

	if (m == NULL)
		return;
	while ((p = m->head) != NULL) {
		m->head = p->next;
		free(p->name);
		free(p);
	}
	for (size_t i = 0; i < m->nrecs; i++) {
		free(m->recs[i].name);
		dns_rr_clear(&m->recs[i].rr);
	}
	for (size_t i = 0; i < m->novr; i++)
		free(m->ovr[i].name);
	for (size_t i = 0; i < m->nsoas; i++) {
		free(m->soas[i].zone);
		free(m->soas[i].mname);
		free(m->soas[i].rname);
	}
	free(m->recs);
	free(m->ovr);
	free(m->soas);
	free(m);
}
