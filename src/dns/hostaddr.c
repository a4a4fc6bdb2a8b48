/* SPDX-License-Identifier: MIT */
/*
 * dns_hostaddr_resolve(): the A and AAAA lookups of one name in flight
 * together, joined into one list when the last has answered. See
 * hostaddr.h.
 */
#include "dns/hostaddr.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util/util.h"

struct hostaddr_call {
	dns_hostaddr_callback	*cb;
	void			*arg;
	char			*name;
	int			 family;
	int			 pending;
	struct dns_answer	 a, aaaa;
	bool			 have_a, have_aaaa;
};

/* Append one address unless it is already there or the list is full. */
static void
hostaddr_add(struct dns_hostaddr_result *r, int af, const void *addr)
{
	size_t len = af == AF_INET ? sizeof(struct in_addr) :
	    sizeof(struct in6_addr);

	for (size_t i = 0; i < r->naddrs; i++)
		if (r->addrs[i].af == af &&
		    memcmp(&r->addrs[i].u, addr, len) == 0)
			return;
	if (r->naddrs == DNS_HOSTADDR_MAX) {
		r->truncated = true;
		return;
	}
	r->addrs[r->naddrs].af = af;
	memcpy(&r->addrs[r->naddrs].u, addr, len);
	r->naddrs++;
}

static void
hostaddr_answer(const struct dns_answer *ans, void *arg)
{
	struct hostaddr_call *c = arg;
	struct dns_hostaddr_result *r;

	if (ans->qtype == DNS_T_A) {
		dns_answer_copy(&c->a, ans);
		c->have_a = true;
	} else {
		dns_answer_copy(&c->aaaa, ans);
		c->have_aaaa = true;
	}
	if (--c->pending > 0)
		return;

	/* The result is large; keep it off the stack of a deep callback. */
	r = xcalloc(1, sizeof(*r));
	r->name = c->name;
	r->family = c->family;
	r->a = c->have_a ? &c->a : NULL;
	r->aaaa = c->have_aaaa ? &c->aaaa : NULL;
	r->temporary = (c->have_a && dns_outcome_is_temporary(c->a.outcome)) ||
	    (c->have_aaaa && dns_outcome_is_temporary(c->aaaa.outcome));
	/* CNAMEs and other records of the chain are in the answer too:
	 * only address records count. IPv4 first. */
	for (size_t i = 0; c->have_a && i < c->a.nrr; i++)
		if (c->a.rr[i].type == DNS_T_A)
			hostaddr_add(r, AF_INET, &c->a.rr[i].u.a);
	for (size_t i = 0; c->have_aaaa && i < c->aaaa.nrr; i++)
		if (c->aaaa.rr[i].type == DNS_T_AAAA)
			hostaddr_add(r, AF_INET6, &c->aaaa.rr[i].u.aaaa);
	c->cb(r, c->arg);
	free(r);
	dns_answer_clear(&c->a);
	dns_answer_clear(&c->aaaa);
	free(c->name);
	free(c);
}

void
dns_hostaddr_resolve(struct dns_lookup *lk, const char *name, int family,
    dns_hostaddr_callback *cb, void *arg)
{
	struct hostaddr_call *c = xcalloc(1, sizeof(*c));
	bool ask_a = family != AF_INET6, ask_aaaa = family != AF_INET;

	c->cb = cb;
	c->arg = arg;
	c->name = xstrdup(name);
	c->family = ask_a && ask_aaaa ? AF_UNSPEC : family;
	/* pending counts both before either is asked, so that no answer
	 * can see zero early. */
	c->pending = (int)ask_a + (int)ask_aaaa;
	if (ask_a)
		dns_lookup_query(lk, name, DNS_T_A, hostaddr_answer, c);
	if (ask_aaaa)
		dns_lookup_query(lk, name, DNS_T_AAAA, hostaddr_answer, c);
}
