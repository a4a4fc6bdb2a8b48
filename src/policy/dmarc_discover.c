/* SPDX-License-Identifier: MIT */
/*
 * DMARC policy discovery, both ways: the RFC 9989 §4.10 DNS tree walk and
 * the RFC 7489 §6.6.3 public-suffix method. Every name either method may
 * ask is asked at once (at most nine), so the wall time is one round trip
 * however long the walk; each method then reads the answers in its own
 * order and stops where it would stop. A second round asks the external
 * report destinations' authorization records (RFC 7489 §7.1).
 */
#include "policy/dmarc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

const char *
dmarc_result_name(enum dmarc_result r)
{
	switch (r) {
	case DMARC_RESULT_NONE:
		return "none";
	case DMARC_RESULT_FOUND:
		return "found";
	case DMARC_RESULT_TEMPERROR:
		return "temperror";
	case DMARC_RESULT_UNAVAILABLE:
		return "unavailable";
	}
	return "none";
}

static int
level_add(struct dmarc_discovery *d, const char *domain)
{
	struct dmarc_level *lv;

	for (size_t i = 0; i < d->nlevels; i++)
		if (strcmp(d->levels[i].domain, domain) == 0)
			return (int)i;
	if (d->nlevels == DMARC_LEVELS_MAX)
		return -1;
	lv = &d->levels[d->nlevels];
	snprintf(lv->domain, sizeof(lv->domain), "%s", domain);
	snprintf(lv->qname, sizeof(lv->qname), "_dmarc.%s", domain);
	lv->outcome = DNS_OUT_OTHER;
	return (int)d->nlevels++;
}

bool
dmarc_discovery_plan(struct dmarc_discovery *d, const char *domain,
    const struct orgdomain_psl *psl)
{
	const char *walk[ORGDOMAIN_WALK_MAX];
	char org[POLICY_NAME_MAX];
	size_t n;

	if (!policy_domain_normalize(domain, d->domain, sizeof(d->domain)) ||
	    strlen(d->domain) + 7 > 253)
		return false;
	n = orgdomain_walk(d->domain, walk);
	for (size_t i = 0; i < n; i++)
		level_add(d, walk[i]);
	d->nwalk = d->nlevels;
	if (psl != NULL && psl->ctx != NULL &&
	    orgdomain_psl_lookup(psl->ctx, d->domain, org, sizeof(org), NULL))
		level_add(d, org);
	return true;
}

void
dmarc_level_set_answer(struct dmarc_level *lv, const struct dns_answer *ans)
{
	size_t n = policy_txt_count(ans);

	lv->done = true;
	lv->outcome = ans->outcome;
	snprintf(lv->error, sizeof(lv->error), "%s", ans->error);
	lv->ntxt = n;
	for (size_t i = 0; i < n; i++) {
		const struct dns_rr *rr = policy_txt_get(ans, i);
		char *p = policy_printable_dup(rr->u.txt.data, rr->u.txt.len);

		if (dmarc_text_is_dmarc(rr->u.txt.data, rr->u.txt.len)) {
			lv->ndmarc++;
			strvec_push(&lv->dmarc_texts, p);
			if (lv->ndmarc == 1)
				dmarc_record_parse(rr->u.txt.data,
				    rr->u.txt.len, &lv->record);
		} else {
			strvec_push(&lv->other_texts, p);
		}
		free(p);
	}
	/* Several DMARC records: all are discarded (RFC 9989 §4.10). */
	lv->has_record = lv->ndmarc == 1;
	if (!lv->has_record)
		dmarc_record_clear(&lv->record);
}

static void
method_step(struct dmarc_method *m, int level)
{
	if (m->nsteps < DMARC_LEVELS_MAX)
		m->steps[m->nsteps++] = level;
}

static int
level_find(const struct dmarc_discovery *d, const char *domain)
{
	for (size_t i = 0; i < d->nlevels; i++)
		if (strcmp(d->levels[i].domain, domain) == 0)
			return (int)i;
	return -1;
}

/* RFC 9989 §4.10: walk levels[0..nwalk) in order, stopping at a record
 * with psd=y or psd=n; then §4.10.2 picks the organizational domain and
 * §4.10.1 the record that applies. */
static void
evaluate_walk(struct dmarc_discovery *d)
{
	struct dmarc_method *m = &d->walk;
	int found[DMARC_LEVELS_MAX], nfound = 0, org = -1, psd_y = -1;

	m->policy_level = m->temp_level = -1;
	for (size_t i = 0; i < d->nwalk; i++) {
		const struct dmarc_level *lv = &d->levels[i];

		method_step(m, (int)i);
		if (dns_outcome_is_temporary(lv->outcome)) {
			m->temp_level = (int)i;
			break;
		}
		if (!lv->has_record)
			continue;
		found[nfound++] = (int)i;
		if (lv->record.psd == 'y' || lv->record.psd == 'n')
			break;
	}
	if (m->temp_level >= 0 && !(nfound > 0 && found[0] == 0)) {
		m->result = DMARC_RESULT_TEMPERROR;
		return;
	}
	m->org_uncertain = m->temp_level >= 0;
	/* §4.10.2: longest to shortest. */
	for (int k = 0; k < nfound && org < 0; k++) {
		const struct dmarc_level *lv = &d->levels[found[k]];

		if (lv->record.psd == 'n') {
			org = found[k];
			snprintf(m->org_domain, sizeof(m->org_domain), "%s",
			    lv->domain);
		} else if (lv->record.psd == 'y' && found[k] != 0) {
			psd_y = found[k];
			snprintf(m->org_domain, sizeof(m->org_domain), "%s",
			    policy_domain_suffix(d->domain,
			    policy_domain_labels(lv->domain) + 1));
			org = level_find(d, m->org_domain);
			if (org < 0 || !d->levels[org].has_record)
				org = -1;
			break;
		}
	}
	if (m->org_domain[0] == '\0') {
		if (nfound > 0) {
			org = found[nfound - 1];
			snprintf(m->org_domain, sizeof(m->org_domain), "%s",
			    d->levels[org].domain);
		} else {
			snprintf(m->org_domain, sizeof(m->org_domain), "%s",
			    d->domain);
		}
	}
	/* §4.10.1: the author domain, its organizational domain, its PSD. */
	if (nfound > 0 && found[0] == 0)
		m->policy_level = 0;
	else if (org >= 0 && d->levels[org].has_record)
		m->policy_level = org;
	else if (psd_y >= 0) {
		m->policy_level = psd_y;
		m->psd_policy = true;
	}
	m->result = m->policy_level >= 0 ? DMARC_RESULT_FOUND :
	    DMARC_RESULT_NONE;
}

/* RFC 7489 §6.6.3: the domain, then (only when it has no DMARC record at
 * all) its PSL organizational domain. Several records end the search. */
static void
evaluate_psl(struct dmarc_discovery *d, const struct orgdomain_psl *psl)
{
	struct dmarc_method *m = &d->psl;
	const struct dmarc_level *lv = &d->levels[0];
	int org;

	m->policy_level = m->temp_level = -1;
	if (psl == NULL || psl->ctx == NULL ||
	    !orgdomain_psl_lookup(psl->ctx, d->domain, m->org_domain,
	    sizeof(m->org_domain), &m->org_is_suffix)) {
		m->result = DMARC_RESULT_UNAVAILABLE;
		return;
	}
	method_step(m, 0);
	if (dns_outcome_is_temporary(lv->outcome)) {
		m->temp_level = 0;
		m->result = DMARC_RESULT_TEMPERROR;
		return;
	}
	if (lv->has_record) {
		m->policy_level = 0;
		m->result = DMARC_RESULT_FOUND;
		return;
	}
	org = level_find(d, m->org_domain);
	if (lv->ndmarc > 1 || org <= 0) {
		m->result = DMARC_RESULT_NONE;
		return;
	}
	method_step(m, org);
	lv = &d->levels[org];
	if (dns_outcome_is_temporary(lv->outcome)) {
		m->temp_level = org;
		m->result = DMARC_RESULT_TEMPERROR;
	} else if (lv->has_record) {
		m->policy_level = org;
		m->result = DMARC_RESULT_FOUND;
	} else {
		m->result = DMARC_RESULT_NONE;
	}
}

void
dmarc_discovery_evaluate(struct dmarc_discovery *d,
    const struct orgdomain_psl *psl)
{
	const struct dmarc_record *rec = NULL;

	memset(&d->walk, 0, sizeof(d->walk));
	memset(&d->psl, 0, sizeof(d->psl));
	if (psl != NULL)
		snprintf(d->psl_source, sizeof(d->psl_source), "%s",
		    psl->source);
	evaluate_walk(d);
	evaluate_psl(d, psl);
	d->compared = (d->walk.result == DMARC_RESULT_FOUND ||
	    d->walk.result == DMARC_RESULT_NONE) &&
	    (d->psl.result == DMARC_RESULT_FOUND ||
	    d->psl.result == DMARC_RESULT_NONE);
	d->same_record = d->walk.policy_level == d->psl.policy_level;
	d->same_org = strcmp(d->walk.org_domain, d->psl.org_domain) == 0;
	/* With no record either way, the organizational domains do not
	 * matter: DMARC does not apply. */
	d->agree = d->compared && d->same_record && (d->same_org ||
	    d->walk.result == DMARC_RESULT_NONE);

	d->policy_domain[0] = '\0';
	d->applied = DMARC_POLICY_UNSET;
	d->applied_tag = "p";
	if (d->draft) {
		rec = &d->draft_record;
		snprintf(d->policy_domain, sizeof(d->policy_domain), "%s",
		    d->domain);
	} else if (d->walk.result == DMARC_RESULT_FOUND) {
		rec = &d->levels[d->walk.policy_level].record;
		snprintf(d->policy_domain, sizeof(d->policy_domain), "%s",
		    d->levels[d->walk.policy_level].domain);
	}
	d->record = rec != NULL && rec->is_dmarc ? rec : NULL;
	if (d->record == NULL)
		return;
	if (strcmp(d->policy_domain, d->domain) == 0) {
		d->applied = d->record->p;
	} else {
		d->applied = d->record->sp;
		d->applied_tag = d->record->tags[DMARC_TAG_SP].explicit ?
		    "sp" : "p";
	}
}

/* Whether reports to host leave the policy domain's organization: not
 * when host is the policy domain or below it, nor when the PSL gives both
 * the same organizational domain. */
static bool
report_external(const char *policy_domain, const char *host,
    const struct orgdomain_psl *psl)
{
	char a[POLICY_NAME_MAX], b[POLICY_NAME_MAX];

	if (policy_domain_within(host, policy_domain))
		return false;
	if (psl != NULL && psl->ctx != NULL &&
	    orgdomain_psl_lookup(psl->ctx, policy_domain, a, sizeof(a),
	    NULL) &&
	    orgdomain_psl_lookup(psl->ctx, host, b, sizeof(b), NULL) &&
	    strcmp(a, b) == 0)
		return false;
	return true;
}

static void
plan_list(struct dmarc_discovery *d, const struct policy_uri_list *l,
    bool ruf, const struct orgdomain_psl *psl)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct policy_uri *u = &l->v[i];
		struct dmarc_report_check *rc;
		bool seen = false;

		if (!u->valid || u->host == NULL)
			continue;
		for (size_t k = 0; k < d->nreports; k++)
			if (strcmp(d->reports[k].uri, u->text) == 0 &&
			    d->reports[k].ruf == ruf)
				seen = true;
		if (seen)
			continue;
		if (d->nreports == DMARC_REPORTS_MAX) {
			d->reports_truncated = true;
			return;
		}
		rc = &d->reports[d->nreports++];
		rc->uri = xstrdup(u->text);
		rc->host = xstrdup(u->host);
		rc->ruf = ruf;
		rc->state = DMARC_AUTH_INTERNAL;
		if (!report_external(d->policy_domain, u->host, psl))
			continue;
		rc->qname = xasprintf("%s._report._dmarc.%s",
		    d->policy_domain, u->host);
		if (strlen(rc->qname) > 253) {
			rc->state = DMARC_AUTH_ERROR;
			snprintf(rc->detail, sizeof(rc->detail), "the "
			    "authorization name would be longer than 253 "
			    "octets");
		} else {
			rc->state = DMARC_AUTH_TEMPERROR;	/* until asked */
			snprintf(rc->detail, sizeof(rc->detail),
			    "not asked");
		}
	}
}

void
dmarc_discovery_plan_reports(struct dmarc_discovery *d,
    const struct orgdomain_psl *psl)
{
	if (d->record == NULL)
		return;
	plan_list(d, &d->record->rua, false, psl);
	plan_list(d, &d->record->ruf, true, psl);
}

void
dmarc_report_set_answer(struct dmarc_report_check *rc,
    const struct dns_answer *ans)
{
	size_t n = policy_txt_count(ans);

	if (dns_outcome_is_temporary(ans->outcome)) {
		rc->state = DMARC_AUTH_TEMPERROR;
		policy_describe_answer(ans, rc->detail, sizeof(rc->detail));
		return;
	}
	if (ans->outcome != DNS_OUT_ANSWER &&
	    ans->outcome != DNS_OUT_NODATA &&
	    ans->outcome != DNS_OUT_NXDOMAIN) {
		rc->state = DMARC_AUTH_ERROR;
		policy_describe_answer(ans, rc->detail, sizeof(rc->detail));
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct dns_rr *rr = policy_txt_get(ans, i);

		if (dmarc_text_is_dmarc(rr->u.txt.data, rr->u.txt.len)) {
			rc->state = DMARC_AUTH_OK;
			snprintf(rc->detail, sizeof(rc->detail), "v=DMARC1 "
			    "record found");
			return;
		}
	}
	rc->state = DMARC_AUTH_MISSING;
	if (n > 0)
		snprintf(rc->detail, sizeof(rc->detail), "%zu TXT record%s, "
		    "none starting v=DMARC1", n, n == 1 ? "" : "s");
	else
		snprintf(rc->detail, sizeof(rc->detail), "%s",
		    dns_outcome_name(ans->outcome));
}

/* ---- the asynchronous driver ---- */

struct dmarc_run {
	struct dmarc_discovery	*d;
	struct dns_lookup	*lk;
	const struct orgdomain_psl *psl;
	dmarc_done_cb		*cb;
	void			*arg;
	int			 pending;
};

struct dmarc_ask {
	struct dmarc_run	*run;
	int			 index;
};

static void dmarc_round_done(struct dmarc_run *run, bool first);

static void
dmarc_level_cb(const struct dns_answer *ans, void *arg)
{
	struct dmarc_ask *ask = arg;
	struct dmarc_run *run = ask->run;

	dmarc_level_set_answer(&run->d->levels[ask->index], ans);
	free(ask);
	if (--run->pending == 0)
		dmarc_round_done(run, true);
}

static void
dmarc_report_cb(const struct dns_answer *ans, void *arg)
{
	struct dmarc_ask *ask = arg;
	struct dmarc_run *run = ask->run;

	dmarc_report_set_answer(&run->d->reports[ask->index], ans);
	free(ask);
	if (--run->pending == 0)
		dmarc_round_done(run, false);
}

static void
dmarc_ask(struct dmarc_run *run, const char *name, int index,
    dns_callback *cb)
{
	struct dmarc_ask *ask = xcalloc(1, sizeof(*ask));

	ask->run = run;
	ask->index = index;
	run->pending++;
	dns_lookup_query(run->lk, name, DNS_T_TXT, cb, ask);
}

/* Both rounds end here: after the first, ask the report destinations (if
 * any need asking); after that, hand the result over. */
static void
dmarc_round_done(struct dmarc_run *run, bool first)
{
	struct dmarc_discovery *d = run->d;

	if (first) {
		dmarc_discovery_evaluate(d, run->psl);
		dmarc_discovery_plan_reports(d, run->psl);
		/* Callbacks never run inside query(), so the count cannot
		 * reach zero before the last question is out. */
		for (size_t i = 0; i < d->nreports; i++)
			if (d->reports[i].qname != NULL &&
			    d->reports[i].state == DMARC_AUTH_TEMPERROR)
				dmarc_ask(run, d->reports[i].qname, (int)i,
				    dmarc_report_cb);
		if (run->pending > 0)
			return;
	}
	run->cb(d, run->arg);
	free(run);
}

int
dmarc_discover_start(struct dns_lookup *lk, const struct orgdomain_psl *psl,
    const char *domain, const char *draft, size_t draft_len,
    struct dmarc_discovery *out, dmarc_done_cb *cb, void *arg)
{
	struct dmarc_run *run;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (!dmarc_discovery_plan(out, domain, psl))
		return -1;
	if (draft != NULL) {
		out->draft = true;
		dmarc_record_parse(draft, draft_len, &out->draft_record);
	}
	run = xcalloc(1, sizeof(*run));
	run->d = out;
	run->lk = lk;
	run->psl = psl;
	run->cb = cb;
	run->arg = arg;
	/* The lookup contract keeps callbacks out of query(), so counting
	 * as we go cannot end the round before every query is out. */
	n = out->nlevels;
	for (size_t i = 0; i < n; i++)
		dmarc_ask(run, out->levels[i].qname, (int)i, dmarc_level_cb);
	return 0;
}

void
dmarc_discovery_clear(struct dmarc_discovery *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->nlevels; i++) {
		dmarc_record_clear(&d->levels[i].record);
		strvec_clear(&d->levels[i].dmarc_texts);
		strvec_clear(&d->levels[i].other_texts);
	}
	for (size_t i = 0; i < d->nreports; i++) {
		free(d->reports[i].uri);
		free(d->reports[i].host);
		free(d->reports[i].qname);
	}
	dmarc_record_clear(&d->draft_record);
	memset(d, 0, sizeof(*d));
}
