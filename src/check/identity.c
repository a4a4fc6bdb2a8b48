/* SPDX-License-Identifier: MIT */
/*
 * The asynchronous gathering of identity facts for one address. Reverse
 * lookup, then the forward lookup of every PTR name, run concurrently with
 * the SMTP probe; when the probe names a host, that name is looked up too.
 * A counter of outstanding operations decides when the facts are complete.
 */
#include "check/identity.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

struct identity_run {
	struct event_base	*base;
	dns_resolver		*res;
	struct identity_options	 opt;
	struct identity_facts	 f;
	int			 pending;
	int			 chases;
	identity_callback	*cb;
	void			*arg;
};

struct identity_fwd_ctx {
	struct identity_run	*run;
	struct identity_forward	*fw;
};

static const char *const iprev_names[] = {
	[IPREV_NONE] = "none",
	[IPREV_PASS] = "pass",
	[IPREV_FAIL] = "fail",
	[IPREV_TEMPERROR] = "temperror",
	[IPREV_PERMERROR] = "permerror",
};

const char *
iprev_result_name(enum iprev_result r)
{
	if ((size_t)r < UTIL_ARRAY_LEN(iprev_names))
		return iprev_names[r];
	return "none";
}

bool
identity_answer_has_addr(const struct dns_answer *ans, int af,
    const void *addr)
{
	for (size_t i = 0; i < ans->nrr; i++) {
		const struct dns_rr *rr = &ans->rr[i];

		if (af == AF_INET && rr->type == DNS_T_A &&
		    memcmp(&rr->u.a, addr, sizeof(struct in_addr)) == 0)
			return true;
		if (af == AF_INET6 && rr->type == DNS_T_AAAA &&
		    memcmp(&rr->u.aaaa, addr, sizeof(struct in6_addr)) == 0)
			return true;
	}
	return false;
}

void
identity_facts_clear(struct identity_facts *f)
{
	dns_answer_clear(&f->ptr);
	strvec_clear(&f->ptr_chain);
	for (size_t i = 0; i < f->nfwd; i++) {
		dns_answer_clear(&f->fwd[i].ans);
		free(f->fwd[i].name);
	}
	free(f->fwd);
	f->fwd = NULL;
	f->nfwd = 0;
	smtp_probe_result_clear(&f->smtp);
	dns_answer_clear(&f->banner_fwd.ans);
	dns_answer_clear(&f->ehlo_fwd.ans);
	free(f->banner_fwd.name);
	free(f->ehlo_fwd.name);
	f->banner_fwd.name = f->ehlo_fwd.name = NULL;
	dns_answer_clear(&f->rzone);
}

/*
 * Runs are 8 KiB (the SMTP result's buffers), and bulk starts one per
 * address: a malloc of that size makes glibc consolidate its fast bins
 * every time, which cost more than the rest of the allocation. Finished
 * runs wait on a short free list instead, one per thread (bulk --jobs
 * runs a loop in each), which a thread empties with identity_pool_drain()
 * before it ends; the main thread's is still reachable at exit.
 */
#define IDENTITY_POOL_MAX	64

static _Thread_local struct identity_run *identity_pool[IDENTITY_POOL_MAX];
static _Thread_local size_t		  identity_npool;

static struct identity_run *
identity_run_new(void)
{
	struct identity_run *run;

	if (identity_npool == 0)
		return xcalloc(1, sizeof(*run));
	run = identity_pool[--identity_npool];
	memset(run, 0, sizeof(*run));
	return run;
}

void
identity_pool_drain(void)
{
	while (identity_npool > 0)
		free(identity_pool[--identity_npool]);
}

static void
identity_run_free(struct identity_run *run)
{
	if (identity_npool < IDENTITY_POOL_MAX)
		identity_pool[identity_npool++] = run;
	else
		free(run);
}

static void
identity_maybe_done(struct identity_run *run)
{
	if (--run->pending > 0)
		return;
	run->cb(&run->f, run->arg);
	identity_facts_clear(&run->f);
	identity_run_free(run);
}

static void
identity_fwd_done(const struct dns_answer *ans, void *arg)
{
	struct identity_fwd_ctx *ctx = arg;
	struct identity_run *run = ctx->run;
	struct identity_forward *fw = ctx->fw;

	dns_answer_copy(&fw->ans, ans);
	fw->done = true;
	fw->confirms = identity_answer_has_addr(ans, run->f.af, &run->f.addr);
	free(ctx);
	identity_maybe_done(run);
}

static void
identity_fwd_start(struct identity_run *run, struct identity_forward *fw,
    const char *name)
{
	struct identity_fwd_ctx *ctx = xcalloc(1, sizeof(*ctx));

	fw->name = xstrdup(name);
	ctx->run = run;
	ctx->fw = fw;
	run->pending++;
	dns_resolver_query(run->res, name, identity_fwd_type(run->f.af),
	    identity_fwd_done, ctx);
}

static void
identity_rzone_done(const struct dns_answer *ans, void *arg)
{
	struct identity_run *run = arg;

	dns_answer_copy(&run->f.rzone, ans);
	run->f.rzone_done = true;
	identity_maybe_done(run);
}

static void
identity_ptr_done(const struct dns_answer *ans, void *arg)
{
	struct identity_run *run = arg;
	struct identity_facts *f = &run->f;

	for (size_t i = 0; i < ans->chain.n; i++)
		strvec_push(&f->ptr_chain, ans->chain.v[i]);
	dns_answer_clear(&f->ptr);
	dns_answer_copy(&f->ptr, ans);

	/* A server that is not authoritative for the CNAME's target stops
	 * at the CNAME (RFC 2317 delegations often cross zones): ask for
	 * the end of the chain ourselves, as a stub resolver would. */
	if (ans->outcome == DNS_OUT_NODATA && ans->chain.n > 0 &&
	    f->ptr_chain.n < DNS_CHAIN_MAX && ++run->chases <= DNS_CHAIN_MAX) {
		dns_resolver_query(run->res, dns_answer_final_name(ans),
		    DNS_T_PTR, identity_ptr_done, run);
		return;
	}
	if (ans->outcome == DNS_OUT_ANSWER) {
		size_t nptr = 0;

		/* The zone that holds the PTR: at the end of any RFC 2317
		 * CNAME, which is where the record is changed. */
		if (!run->opt.no_rzone) {
			run->pending++;
			dns_resolver_query(run->res,
			    dns_answer_final_name(ans), DNS_T_SOA,
			    identity_rzone_done, run);
		}
		for (size_t i = 0; i < ans->nrr; i++)
			nptr += ans->rr[i].type == DNS_T_PTR;
		if (nptr > IDENTITY_PTR_MAX)
			nptr = IDENTITY_PTR_MAX;
		if (nptr > 0 && f->fwd == NULL)
			f->fwd = xcalloc(nptr, sizeof(*f->fwd));
		for (size_t i = 0; i < ans->nrr; i++) {
			if (ans->rr[i].type != DNS_T_PTR)
				continue;
			if (f->nfwd == nptr) {
				f->ptr_names_truncated = true;
				break;
			}
			identity_fwd_start(run, &f->fwd[f->nfwd++],
			    ans->rr[i].u.target);
		}
	}
	identity_maybe_done(run);
}

/* Names in brackets are address literals: nothing to look up. */
static bool
identity_lookup_worthy(const char *name)
{
	return name[0] != '\0' && name[0] != '[';
}

static void
identity_smtp_done(struct smtp_probe_result *res, void *arg)
{
	struct identity_run *run = arg;
	struct identity_facts *f = &run->f;

	f->smtp = *res;
	memset(res, 0, sizeof(*res));	/* moved: the probe frees nothing */
	f->smtp_done = true;
	if (identity_lookup_worthy(f->smtp.banner_hostname))
		identity_fwd_start(run, &f->banner_fwd,
		    f->smtp.banner_hostname);
	if (identity_lookup_worthy(f->smtp.ehlo_hostname) &&
	    !util_name_eq(f->smtp.ehlo_hostname, f->smtp.banner_hostname))
		identity_fwd_start(run, &f->ehlo_fwd, f->smtp.ehlo_hostname);
	identity_maybe_done(run);
}

void
identity_start(struct event_base *base, dns_resolver *res,
    const struct identity_options *opt, const char *target, int af,
    const void *addr, int port, identity_callback *cb, void *arg)
{
	struct identity_run *run = identity_run_new();
	struct identity_facts *f = &run->f;

	run->base = base;
	run->res = res;
	run->opt = *opt;
	run->cb = cb;
	run->arg = arg;
	util_strlcpy(f->target, target, sizeof(f->target));
	f->af = af;
	if (af == AF_INET)
		memcpy(&f->addr.v4, addr, sizeof(f->addr.v4));
	else
		memcpy(&f->addr.v6, addr, sizeof(f->addr.v6));
	util_ntop(af, addr, f->address, sizeof(f->address));
	f->port = port;
	f->smtp.connect_ms = f->smtp.greeting_ms = -1;
	dns_reverse_name(af, addr, f->revname, sizeof(f->revname));
	util_strlcpy(f->ehlo_sent, opt->smtp.ehlo_name, sizeof(f->ehlo_sent));
	if (opt->expected_name != NULL)
		util_strlcpy(f->expected_name, opt->expected_name,
		    sizeof(f->expected_name));

	run->pending = 1;	/* the PTR lookup */
	dns_resolver_query(res, f->revname, DNS_T_PTR, identity_ptr_done, run);

	if (opt->no_smtp) {
		f->smtp_skipped = true;
	} else {
		struct sockaddr_storage ss;
		socklen_t sslen;

		memset(&ss, 0, sizeof(ss));
		if (af == AF_INET) {
			struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

			sin->sin_family = AF_INET;
			sin->sin_port = htons((uint16_t)port);
			sin->sin_addr = f->addr.v4;
			sslen = sizeof(*sin);
		} else {
			struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

			sin6->sin6_family = AF_INET6;
			sin6->sin6_port = htons((uint16_t)port);
			sin6->sin6_addr = f->addr.v6;
			sslen = sizeof(*sin6);
		}
		run->pending++;
		smtp_probe_start(base, (struct sockaddr *)&ss, sslen,
		    &opt->smtp, identity_smtp_done, run);
	}
}
