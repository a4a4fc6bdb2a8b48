/* SPDX-License-Identifier: MIT */
/*
 * The blacklist report for people (text) and programs (the body of
 * schema "mxdiag.bl/1", described in docs/findings-dnsbl.md).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "dnsbl/dnsbl.h"
#include "util/util.h"

static const char *const fam_json[] = {
	[DNSBL_FAM_IP4] = "ipv4",
	[DNSBL_FAM_IP6] = "ipv6",
	[DNSBL_FAM_DOMAIN] = "domain",
};

static json_t *
render_probe(const struct dnsbl_probe *p)
{
	json_t *answers = json_array();

	if (!p->asked)
		return json_null();
	for (size_t i = 0; i < p->interp.nhits; i++) {
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &p->interp.hits[i].addr, a, sizeof(a));
		json_array_append_new(answers, json_pack("{s:s, s:s, s:s}",
		    "address", a, "kind",
		    dnsbl_verdict_name(p->interp.hits[i].kind), "meaning",
		    p->interp.hits[i].meaning));
	}
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:I}", "name",
	    p->qname, "outcome", p->done ? dns_outcome_name(p->outcome) :
	    "other", "verdict", dnsbl_verdict_name(p->interp.verdict),
	    "answers", answers, "txt", p->txt[0] ? json_string(p->txt) :
	    json_null(), "server", p->server, "elapsed_ms",
	    (json_int_t)p->elapsed_ms);
}

static json_t *
render_list(const struct dnsbl_report *rep, size_t li)
{
	const struct dnsbl_list *l = &rep->set->v[li];
	const struct dnsbl_list_state *ls = &rep->lists[li];
	json_t *tests = json_object();
	char kinds[32];

	dnsbl_kinds_format(l->kinds, kinds, sizeof(kinds));
	for (int f = 0; f < DNSBL_FAM_COUNT; f++) {
		const struct dnsbl_sanity *sn = &ls->fam[f];

		if (!sn->used)
			continue;
		json_object_set_new(tests, fam_json[f], json_pack(
		    "{s:s, s:s, s:o, s:o}", "trust", dnsbl_trust_name(sn->trust),
		    "why", sn->why, "listed", render_probe(&sn->listed),
		    "unlisted", render_probe(&sn->unlisted)));
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:b, s:o, s:o}",
	    "id", l->id, "name", l->name, "zone", l->zone, "kinds", kinds,
	    "url", l->url ? json_string(l->url) : json_null(),
	    "refuses_public_resolvers", l->public_refused, "tests", tests,
	    "findings", report_json_findings(&ls->findings));
}

json_t *
dnsbl_target_json(const struct dnsbl_report *rep, const struct dnsbl_target *t)
{
	json_t *results = json_array();
	size_t listed = 0;

	for (size_t k = 0; k < t->nresults; k++) {
		const struct dnsbl_result *r = &t->results[k];

		listed += r->verdict == DNSBL_LISTED;
		json_array_append_new(results, json_pack("{s:s, s:s, s:s, s:o}",
		    "list", rep->set->v[r->list].id, "zone",
		    rep->set->v[r->list].zone, "verdict",
		    dnsbl_verdict_name(r->verdict), "query",
		    render_probe(&r->probe)));
	}
	return json_pack("{s:s, s:s, s:b, s:I, s:s, s:o, s:o}", "target",
	    t->spec, "kind", fam_json[t->fam], "listed", listed > 0,
	    "listings", (json_int_t)listed, "status",
	    finding_status_name(t->status), "results", results, "findings",
	    report_json_findings(&t->findings));
}

json_t *
dnsbl_report_json(const struct dnsbl_report *rep)
{
	json_t *lists = json_array(), *targets = json_array();
	size_t listed = 0;

	for (size_t l = 0; l < rep->set->n; l++)
		json_array_append_new(lists, render_list(rep, l));
	for (size_t i = 0; i < rep->ntargets; i++) {
		json_array_append_new(targets, dnsbl_target_json(rep,
		    &rep->targets[i]));
		for (size_t k = 0; k < rep->targets[i].nresults; k++)
			if (rep->targets[i].results[k].verdict == DNSBL_LISTED) {
				listed++;
				break;
			}
	}
	return json_pack("{s:o, s:o, s:{s:I, s:I, s:I}}", "lists", lists,
	    "targets", targets, "summary", "targets",
	    (json_int_t)rep->ntargets, "listed_targets", (json_int_t)listed,
	    "lists", (json_int_t)rep->set->n);
}

void
dnsbl_report_text(FILE *out, const struct dnsbl_report *rep,
    const struct report_style *st)
{
	const char *b = st->color ? "\033[1m" : "", *r = st->color ?
	    "\033[0m" : "";

	fprintf(out, "%sBlacklists%s\n", b, r);
	for (size_t l = 0; l < rep->set->n; l++) {
		const struct dnsbl_list_state *ls = &rep->lists[l];
		bool any = false;

		for (int f = 0; f < DNSBL_FAM_COUNT; f++)
			any |= ls->fam[f].used;
		if (!any)
			continue;
		fprintf(out, "  %-28s", rep->set->v[l].zone);
		for (int f = 0; f < DNSBL_FAM_COUNT; f++)
			if (ls->fam[f].used)
				fprintf(out, " %s:%s", fam_json[f],
				    dnsbl_trust_name(ls->fam[f].trust));
		fprintf(out, "  (%s)\n", rep->set->v[l].name);
	}
	for (size_t l = 0; l < rep->set->n; l++)
		for (size_t k = 0; k < rep->lists[l].findings.n; k++)
			report_text_finding(out, rep->lists[l].findings.v[k], st);
	for (size_t i = 0; i < rep->ntargets; i++) {
		const struct dnsbl_target *t = &rep->targets[i];

		fprintf(out, "\n%s%s%s\n", b, t->spec, r);
		for (size_t k = 0; k < t->nresults; k++) {
			const struct dnsbl_result *res = &t->results[k];

			if (res->verdict == DNSBL_LISTED ||
			    res->verdict == DNSBL_NOT_LISTED)
				fprintf(out, "  %-28s %s\n",
				    rep->set->v[res->list].zone,
				    dnsbl_verdict_name(res->verdict));
			else
				fprintf(out, "  %-28s %s (not checked)\n",
				    rep->set->v[res->list].zone,
				    dnsbl_verdict_name(res->verdict));
		}
		for (size_t k = 0; k < t->findings.n; k++)
			report_text_finding(out, t->findings.v[k], st);
	}
}

int
dnsbl_report_exit_code(const struct dnsbl_report *rep)
{
	bool problems = false, unchecked = false;

	for (size_t l = 0; l < rep->set->n; l++)
		for (size_t k = 0; k < rep->lists[l].findings.n; k++) {
			enum finding_status st = rep->lists[l].findings.v[k]->status;

			if (st == FINDING_TEMPERROR || st == FINDING_SKIPPED)
				unchecked = true;
		}
	for (size_t i = 0; i < rep->ntargets; i++)
		for (size_t k = 0; k < rep->targets[i].findings.n; k++)
			switch (rep->targets[i].findings.v[k]->status) {
			case FINDING_FAIL:
			case FINDING_PERMERROR:
			case FINDING_WARNING:
				problems = true;
				break;
			case FINDING_TEMPERROR:
			case FINDING_SKIPPED:
				unchecked = true;
				break;
			default:
				break;
			}
	return problems ? FINDING_EXIT_PROBLEMS : unchecked ? FINDING_EXIT_UNCHECKED :
	    FINDING_EXIT_PASS;
}

json_t *
dnsbl_report_document(const struct dnsbl_report *rep, json_t *resolvers)
{
	return report_json_document(DNSBL_SCHEMA, resolvers, dnsbl_report_json(rep),
	    dnsbl_report_exit_code(rep));
}
