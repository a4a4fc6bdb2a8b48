/* SPDX-License-Identifier: MIT */
/*
 * The lookups policyd makes for one client, all through a struct
 * dns_lookup (the cache): the PTR of the address (following an RFC 2317
 * CNAME that the server did not follow), the A or AAAA of each PTR name
 * (at most PD_NAMES_MAX), and the A or AAAA of the HELO name when it is a
 * host name. The HELO lookup runs beside the PTR lookup, so a request
 * costs two round trips at most.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "policyd/policyd.h"
#include "util/util.h"

struct pd_run;

struct pd_fwd_ctx {
	struct pd_run	*run;
	size_t		 i;
};

struct pd_run {
	struct pd_facts		 f;
	struct dns_lookup	*lk;
	pd_check_cb		*cb;
	void			*arg;
	int			 pending;
	int			 chases;
	struct pd_fwd_ctx	 fwd[PD_NAMES_MAX];
	char			 revname[80];
};

void
pd_facts_clear(struct pd_facts *f)
{
	for (size_t i = 0; i < f->nptr; i++)
		free(f->ptr[i]);
	free(f->helo);
	memset(f, 0, sizeof(*f));
}

static void
pd_run_done(struct pd_run *run)
{
	if (--run->pending > 0)
		return;
	run->cb(&run->f, run->arg);
	pd_facts_clear(&run->f);
	free(run);
}

static uint16_t
pd_fwd_type(const struct pd_facts *f)
{
	return identity_fwd_type(f->af);
}

static void
pd_fwd_done(const struct dns_answer *ans, void *arg)
{
	struct pd_fwd_ctx *ctx = arg;
	struct pd_run *run = ctx->run;
	struct pd_facts *f = &run->f;
	size_t i = ctx->i;

	f->fwd_outcome[i] = ans->outcome;
	f->fwd_confirms[i] = identity_answer_has_addr(ans, f->af, &f->addr);
	for (size_t k = 0; k < ans->nrr; k++) {
		const struct dns_rr *rr = &ans->rr[k];

		if (rr->type == DNS_T_A && f->af == AF_INET) {
			util_ntop(AF_INET, &rr->u.a, f->fwd_first[i],
			    sizeof(f->fwd_first[i]));
			break;
		}
		if (rr->type == DNS_T_AAAA && f->af == AF_INET6) {
			util_ntop(AF_INET6, &rr->u.aaaa, f->fwd_first[i],
			    sizeof(f->fwd_first[i]));
			break;
		}
	}
	pd_run_done(run);
}

static void
pd_ptr_done(const struct dns_answer *ans, void *arg)
{
	struct pd_run *run = arg;
	struct pd_facts *f = &run->f;

	/* A server not authoritative for a CNAME's target stops at the
	 * CNAME: ask for the end of the chain, as a stub resolver would. */
	if (ans->outcome == DNS_OUT_NODATA && ans->chain.n > 0 &&
	    ++run->chases <= DNS_CHAIN_MAX) {
		dns_lookup_query(run->lk, dns_answer_final_name(ans),
		    DNS_T_PTR, pd_ptr_done, run);
		return;
	}
	f->ptr_outcome = ans->outcome;
	if (ans->outcome == DNS_OUT_ANSWER) {
		for (size_t i = 0; i < ans->nrr; i++) {
			if (ans->rr[i].type != DNS_T_PTR ||
			    ans->rr[i].u.target == NULL)
				continue;
			if (f->nptr == PD_NAMES_MAX) {
				f->ptr_truncated = true;
				break;
			}
			f->ptr[f->nptr++] = xstrdup(ans->rr[i].u.target);
		}
		/* Start them only once the names are kept: a callback may
		 * not run inside a query, but be tidy about the order. */
		for (size_t i = 0; i < f->nptr; i++) {
			run->fwd[i].run = run;
			run->fwd[i].i = i;
			run->pending++;
			dns_lookup_query(run->lk, f->ptr[i], pd_fwd_type(f),
			    pd_fwd_done, &run->fwd[i]);
		}
	}
	pd_run_done(run);
}

static void
pd_helo_done(const struct dns_answer *ans, void *arg)
{
	struct pd_run *run = arg;
	struct pd_facts *f = &run->f;

	f->helo_outcome = ans->outcome;
	f->helo_confirms = identity_answer_has_addr(ans, f->af, &f->addr);
	pd_run_done(run);
}

void
pd_check_start(struct dns_lookup *lk, int af, const void *addr,
    const char *helo, pd_check_cb *cb, void *arg)
{
	struct pd_run *run = xcalloc(1, sizeof(*run));
	struct pd_facts *f = &run->f;

	run->lk = lk;
	run->cb = cb;
	run->arg = arg;
	f->af = af;
	if (af == AF_INET)
		memcpy(&f->addr.v4, addr, sizeof(f->addr.v4));
	else
		memcpy(&f->addr.v6, addr, sizeof(f->addr.v6));
	util_ntop(af, addr, f->address, sizeof(f->address));
	f->helo = xstrdup(helo ? helo : "");
	f->helo_form = pd_helo_classify(f->helo, af, addr,
	    &f->helo_literal_matches);
	dns_reverse_name(af, addr, run->revname, sizeof(run->revname));

	run->pending = 1;
	if (f->helo_form == PD_HELO_NAME) {
		f->helo_looked_up = true;
		run->pending++;
		dns_lookup_query(lk, f->helo, pd_fwd_type(f), pd_helo_done,
		    run);
	}
	dns_lookup_query(lk, run->revname, DNS_T_PTR, pd_ptr_done, run);
}
