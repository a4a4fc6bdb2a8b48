/* SPDX-License-Identifier: MIT */
/*
 * The identity check of a list of targets (see batch.h). Results are
 * rendered as each address completes (its facts are freed then) and
 * assembled in target order at the end.
 */
#include "check/batch.h"

#include <arpa/inet.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "check/names.h"
#include "cli/target.h"
#include "dns/hostaddr.h"
#include "net/addrclass.h"
#include "util/util.h"

struct check_addr {
	char		*text;		/* rendered text report */
	json_t		*json;
	enum finding_status worst;
	bool		 aligned;
};

struct check_target {
	struct check_batch	*b;
	struct target		 t;
	const char		*spec;
	struct dns_answer	 a, aaaa;
	bool			 have_a, have_aaaa;
	struct finding_list	 findings;	/* target-level */
	size_t			 naddrs;
	struct check_addr	 addrs[CHECK_ADDRS_PER_NAME];
};

struct check_slot {
	struct check_slot	*next;
	struct check_target	*ct;
	size_t			 idx;
	int			 af;
	union {
		struct in_addr	 v4;
		struct in6_addr	 v6;
	} addr;
};

struct check_batch {
	struct check_batch_options opt;
	struct event_base	*base;
	dns_resolver		*res;
	check_batch_done	*done;
	void			*arg;
	struct event		*finish;	/* calls done from the loop */
	size_t			 pending;	/* lookups and addresses left */
	size_t			 ntargets;
	struct check_target	*targets;
	size_t			 running;
	struct check_slot	*head, *tail;	/* waiting to start */
	size_t			 refused;
	char			*refusal;
};

static void check_pump(struct check_batch *b);

struct check_batch *
check_batch_new(const struct check_batch_options *opt,
    const char *const *specs, size_t n, char *err, size_t errlen)
{
	struct check_batch *b;

	if (n == 0 || n > CHECK_TARGETS_MAX) {
		snprintf(err, errlen, "%s targets (1 to %d)", n ? "too many" :
		    "no", CHECK_TARGETS_MAX);
		return NULL;
	}
	b = xcalloc(1, sizeof(*b));
	b->opt = *opt;
	b->ntargets = n;
	b->targets = xcalloc(n, sizeof(*b->targets));
	for (size_t i = 0; i < n; i++) {
		struct check_target *ct = &b->targets[i];

		ct->b = b;
		ct->spec = specs[i];
		if (target_parse(ct->spec, opt->port, &ct->t, err,
		    errlen) != 0)
			goto bad;
		if (opt->family != AF_UNSPEC && ct->t.af != AF_UNSPEC &&
		    ct->t.af != opt->family) {
			snprintf(err, errlen, "target %s is not an %s address",
			    ct->spec, opt->family == AF_INET ? "IPv4" : "IPv6");
			goto bad;
		}
	}
	return b;
bad:
	free(b->targets);
	free(b);
	return NULL;
}

/* One address or lookup fewer; the last one schedules done. */
static void
check_settle(struct check_batch *b)
{
	if (--b->pending == 0)
		event_active(b->finish, EV_TIMEOUT, 0);
}

static void
check_finish_cb(evutil_socket_t fd, short what, void *arg)
{
	struct check_batch *b = arg;

	b->done(b, b->arg);
}

static void
check_addr_done(struct identity_facts *f, void *arg)
{
	struct check_slot *slot = arg;
	struct check_target *ct = slot->ct;
	struct check_batch *b = ct->b;
	struct check_addr *ca = &ct->addrs[slot->idx];
	struct identity_verdict v;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;

	identity_judge(f, &v);
	ca->worst = finding_list_worst(&v.findings);
	ca->aligned = v.aligned;
	if (!b->opt.text) {
		ca->json = report_json_address(f, &v);
	} else if ((mem = open_memstream(&buf, &len)) != NULL) {
		report_text_address(mem, f, &v, &b->opt.style);
		fclose(mem);
		ca->text = buf;
	}
	identity_verdict_clear(&v);
	free(slot);
	b->running--;
	check_pump(b);
	check_settle(b);
}

/* Start queued addresses while fewer than CHECK_RUNNING_MAX run. */
static void
check_pump(struct check_batch *b)
{
	while (b->head != NULL && b->running < CHECK_RUNNING_MAX) {
		struct check_slot *slot = b->head;
		struct identity_options id = b->opt.id;

		b->head = slot->next;
		if (b->head == NULL)
			b->tail = NULL;
		/* The certificate should name the host as the user named
		 * it; for an address, only --name says what to expect. */
		id.smtp.tls_name = b->opt.tls_name ? b->opt.tls_name :
		    slot->ct->t.af == AF_UNSPEC ? slot->ct->t.host : NULL;
		b->running++;
		identity_start(b->base, b->res, &id, slot->ct->spec, slot->af,
		    &slot->addr, slot->ct->t.port, check_addr_done, slot);
	}
}

/* The gate said no to addr of ct: not checked, and a finding says why. */
static void
check_refuse(struct check_target *ct, int af, const void *addr)
{
	struct check_batch *b = ct->b;
	enum addr_class cls = addr_classify(af, addr);
	char text[INET6_ADDRSTRLEN];
	struct finding *fd;

	inet_ntop(af, addr, text, sizeof(text));
	fd = finding_add(&ct->findings, "target.address_refused",
	    FINDING_WARNING, "%s: %s not checked (not a public address)",
	    ct->t.host, text);
	finding_explain(fd, "%s is %s. This server checks only public "
	    "addresses unless it was started with --allow-private, so that "
	    "it cannot be used to reach into the network it runs in. "
	    "Senders on the internet cannot reach such an address either.",
	    text, addr_class_reason(cls));
	strvec_pushf(&fd->evidence, "%s: %s (%s)", ct->t.host, text,
	    addr_class_name(cls));
	strvec_pushf(&fd->remediation, "Check a public address or name, "
	    "or run `mxdiag check %s` on a machine of that network.",
	    ct->spec);
	if (b->refusal == NULL)
		b->refusal = xasprintf("%s%s%s is %s; refused (only public "
		    "addresses are checked unless the server runs with "
		    "--allow-private)", strcmp(ct->t.host, text) ? ct->t.host :
		    "", strcmp(ct->t.host, text) ? " resolves to " : "", text,
		    addr_class_reason(cls));
	b->refused++;
}

static void
check_start_addr(struct check_target *ct, int af, const void *addr)
{
	struct check_batch *b = ct->b;
	struct check_slot *slot;

	if (b->opt.gate && !addr_connect_allowed(af, addr,
	    b->opt.allow_private)) {
		check_refuse(ct, af, addr);
		return;
	}
	if (ct->naddrs == CHECK_ADDRS_PER_NAME)
		return;
	slot = xcalloc(1, sizeof(*slot));
	slot->ct = ct;
	slot->idx = ct->naddrs++;
	slot->af = af;
	memcpy(&slot->addr, addr, af == AF_INET ? sizeof(struct in_addr) :
	    sizeof(struct in6_addr));
	if (b->tail)
		b->tail->next = slot;
	else
		b->head = slot;
	b->tail = slot;
	b->pending++;
	check_pump(b);
}

static void
check_name_done(const struct dns_hostaddr_result *r, void *arg)
{
	struct check_target *ct = arg;
	struct check_batch *b = ct->b;

	/* The answers stay for the report's evidence. */
	if (r->a != NULL) {
		dns_answer_copy(&ct->a, r->a);
		ct->have_a = true;
	}
	if (r->aaaa != NULL) {
		dns_answer_copy(&ct->aaaa, r->aaaa);
		ct->have_aaaa = true;
	}
	/* Both families answered: check every address, IPv4 first. */
	for (size_t i = 0; i < r->naddrs; i++)
		check_start_addr(ct, r->addrs[i].af, &r->addrs[i].u);
	if (ct->naddrs == 0 && ct->findings.n == 0)
		names_no_address_finding(&ct->findings, ct->t.host,
		    ct->have_a ? &ct->a : NULL,
		    ct->have_aaaa ? &ct->aaaa : NULL, b->opt.family);
	check_settle(b);
}

void
check_batch_start(struct check_batch *b, struct event_base *base,
    dns_resolver *res, struct dns_lookup *lk, check_batch_done *done,
    void *arg)
{
	b->base = base;
	b->res = res;
	b->done = done;
	b->arg = arg;
	/* Allocation failures abort in libevent's default setup, as
	 * everywhere else in mxdiag. */
	b->finish = event_new(base, -1, 0, check_finish_cb, b);
	/* One for this call: nothing below can finish the batch early. */
	b->pending = 1;
	for (size_t i = 0; i < b->ntargets; i++) {
		struct check_target *ct = &b->targets[i];

		if (ct->t.af != AF_UNSPEC) {
			check_start_addr(ct, ct->t.af, &ct->t.addr);
			continue;
		}
		b->pending++;
		dns_hostaddr_resolve(lk, ct->t.host, b->opt.family,
		    check_name_done, ct);
	}
	check_settle(b);
}

size_t
check_batch_refused(const struct check_batch *b)
{
	return b->refused;
}

const char *
check_batch_refusal(const struct check_batch *b)
{
	return b->refusal;
}

/* Fold one status into the run's tally. */
static void
check_tally(struct finding_tally *t, enum finding_status worst)
{
	switch (worst) {
	case FINDING_FAIL:
	case FINDING_PERMERROR:
	case FINDING_WARNING:
		t->problems = true;
		break;
	case FINDING_TEMPERROR:
		t->temporary = true;
		break;
	default:
		break;
	}
}

static void
check_batch_tally(const struct check_batch *b, struct finding_tally *t)
{
	t->problems = t->temporary = false;
	for (size_t i = 0; i < b->ntargets; i++) {
		const struct check_target *ct = &b->targets[i];

		check_tally(t, finding_list_worst(&ct->findings));
		for (size_t k = 0; k < ct->naddrs; k++)
			check_tally(t, ct->addrs[k].worst);
	}
}

int
check_batch_exit(const struct check_batch *b)
{
	struct finding_tally t;

	check_batch_tally(b, &t);
	return finding_tally_exit(&t);
}

static json_t *
check_json_lookup(const struct dns_answer *ans)
{
	return json_pack("{s:s, s:s, s:o}", "name", ans->qname, "outcome",
	    dns_outcome_name(ans->outcome), "addresses",
	    report_json_addresses(ans));
}

json_t *
check_batch_json(const struct check_batch *b, json_t *resolvers)
{
	const struct check_batch_options *o = &b->opt;
	size_t naddr = 0, naligned = 0;
	json_t *body, *targets = json_array();
	struct finding_tally t;

	check_batch_tally(b, &t);

	for (size_t i = 0; i < b->ntargets; i++) {
		const struct check_target *ct = &b->targets[i];
		json_t *jt, *jaddrs = json_array();

		jt = json_pack("{s:s, s:s, s:i, s:s}", "target", ct->spec,
		    "host", ct->t.host, "port", ct->t.port, "kind",
		    ct->t.af == AF_UNSPEC ? "hostname" : "address");
		json_object_set_new(jt, "resolution",
		    ct->t.af != AF_UNSPEC ? json_null() :
		    json_pack("{s:o, s:o}", "a", ct->have_a ?
		    check_json_lookup(&ct->a) : json_null(), "aaaa",
		    ct->have_aaaa ? check_json_lookup(&ct->aaaa) :
		    json_null()));
		json_object_set_new(jt, "findings",
		    report_json_findings(&ct->findings));
		for (size_t k = 0; k < ct->naddrs; k++) {
			naddr++;
			naligned += ct->addrs[k].aligned;
			if (ct->addrs[k].json)
				json_array_append(jaddrs, ct->addrs[k].json);
		}
		json_object_set_new(jt, "addresses", jaddrs);
		json_array_append_new(targets, jt);
	}
	body = json_pack("{s:{s:i, s:i, s:s, s:b, s:s}, s:o, s:{s:I, s:I, "
	    "s:b, s:b}}", "options", "port", o->port, "timeout_ms",
	    o->timeout_ms, "ehlo", o->id.smtp.ehlo_name ?
	    o->id.smtp.ehlo_name : "", "smtp", !o->id.no_smtp, "family",
	    o->family == AF_INET ? "ipv4" : o->family == AF_INET6 ? "ipv6" :
	    "any", "targets", targets, "summary", "addresses",
	    (json_int_t)naddr, "aligned", (json_int_t)naligned, "problems",
	    t.problems, "temporary_failures", t.temporary);
	return report_json_document(REPORT_CHECK_SCHEMA, resolvers, body,
	    finding_tally_exit(&t));
}

void
check_batch_text(const struct check_batch *b, FILE *out)
{
	const struct report_style *st = &b->opt.style;
	size_t naddr = 0, naligned = 0;
	int rc = check_batch_exit(b);

	for (size_t i = 0; i < b->ntargets; i++) {
		const struct check_target *ct = &b->targets[i];

		if (ct->findings.n > 0) {
			fprintf(out, "%s%s%s\n", st->color ? "\033[1m" : "",
			    ct->spec, st->color ? "\033[0m" : "");
			for (size_t k = 0; k < ct->findings.n; k++)
				report_text_finding(out, ct->findings.v[k], st);
			fputc('\n', out);
		}
		for (size_t k = 0; k < ct->naddrs; k++) {
			naddr++;
			naligned += ct->addrs[k].aligned;
			if (ct->addrs[k].text)
				fputs(ct->addrs[k].text, out);
		}
	}
	fprintf(out, "%zu address%s checked, %zu aligned: %s\n", naddr,
	    naddr == 1 ? "" : "es", naligned, rc == FINDING_EXIT_PASS ?
	    "all checks passed" : rc == FINDING_EXIT_PROBLEMS ?
	    "problems found" : "some checks could not be completed");
}

void
check_batch_free(struct check_batch *b)
{
	struct check_slot *slot, *next;

	if (b == NULL)
		return;
	for (slot = b->head; slot != NULL; slot = next) {
		next = slot->next;
		free(slot);
	}
	for (size_t i = 0; i < b->ntargets; i++) {
		struct check_target *ct = &b->targets[i];

		for (size_t k = 0; k < ct->naddrs; k++) {
			free(ct->addrs[k].text);
			json_decref(ct->addrs[k].json);
		}
		dns_answer_clear(&ct->a);
		dns_answer_clear(&ct->aaaa);
		finding_list_clear(&ct->findings);
	}
	if (b->finish)
		event_free(b->finish);
	free(b->refusal);
	free(b->targets);
	free(b);
}
