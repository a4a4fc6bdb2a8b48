/* SPDX-License-Identifier: MIT */
/*
 * Text and JSON renderings of DMARC and BIMI results. The JSON field
 * names are an API (docs/findings-policy.md); within version 1 fields may
 * be added, never renamed or removed.
 */
#include "policy/render.h"

#include <string.h>

#include "util/util.h"

static json_t *
str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *
policy_or_null(const struct dmarc_record *rec, enum dmarc_policy p)
{
	return rec != NULL && p != DMARC_POLICY_UNSET ?
	    json_string(dmarc_policy_name(p)) : json_null();
}

static json_t *
method_json(const struct dmarc_discovery *d, const struct dmarc_method *m)
{
	json_t *q = json_array();

	for (size_t i = 0; i < m->nsteps; i++) {
		const struct dmarc_level *lv = &d->levels[m->steps[i]];

		json_array_append_new(q, json_pack("{s:s, s:s, s:b, s:I, s:I}",
		    "name", lv->qname, "outcome", dns_outcome_name(lv->outcome),
		    "temporary", dns_outcome_is_temporary(lv->outcome),
		    "txt_records", (json_int_t)lv->ntxt, "dmarc_records",
		    (json_int_t)lv->ndmarc));
	}
	return json_pack("{s:s, s:o, s:o, s:o, s:b, s:o}",
	    "result", dmarc_result_name(m->result),
	    "organizational_domain", m->org_domain[0] ?
	    json_string(m->org_domain) : json_null(),
	    "policy_domain", m->policy_level >= 0 ?
	    json_string(d->levels[m->policy_level].domain) : json_null(),
	    "record", m->policy_level >= 0 ?
	    json_string(d->levels[m->policy_level].record.text) : json_null(),
	    "psd_policy", m->psd_policy, "queries", q);
}

static const char *
auth_name(enum dmarc_auth a)
{
	switch (a) {
	case DMARC_AUTH_INTERNAL:
		return "internal";
	case DMARC_AUTH_OK:
		return "authorized";
	case DMARC_AUTH_MISSING:
		return "unauthorized";
	case DMARC_AUTH_TEMPERROR:
		return "temperror";
	case DMARC_AUTH_ERROR:
		return "error";
	}
	return "error";
}

json_t *
dmarc_json(const struct dmarc_discovery *d, const struct finding_list *fl)
{
	const struct dmarc_record *rec = d->draft ? &d->draft_record :
	    d->record;
	json_t *o = json_object(), *tags = json_object(), *unk = json_array(),
	    *reps = json_array();

	json_object_set_new(o, "domain", json_string(d->domain));
	json_object_set_new(o, "mode", json_string(d->draft ? "draft" :
	    "live"));
	json_object_set_new(o, "record", rec ? json_string(rec->text) :
	    json_null());
	json_object_set_new(o, "policy_domain", d->policy_domain[0] ?
	    json_string(d->policy_domain) : json_null());
	rec = d->record;
	json_object_set_new(o, "policy", policy_or_null(rec, rec ? rec->p :
	    DMARC_POLICY_UNSET));
	json_object_set_new(o, "subdomain_policy", policy_or_null(rec, rec ?
	    rec->sp : DMARC_POLICY_UNSET));
	json_object_set_new(o, "nonexistent_subdomain_policy",
	    policy_or_null(rec, rec ? rec->np : DMARC_POLICY_UNSET));
	json_object_set_new(o, "applied_policy", rec ? json_pack("{s:s, s:s}",
	    "policy", dmarc_policy_name(d->applied), "tag", d->applied_tag) :
	    json_null());
	if (rec != NULL) {
		for (int i = 0; i < DMARC_TAG_COUNT; i++) {
			const struct dmarc_tag *t = &rec->tags[i];

			json_object_set_new(tags,
			    dmarc_tag_name((enum dmarc_tag_id)i),
			    json_pack("{s:o, s:s, s:b, s:o}", "value",
			    str_or_null(t->value), "source", t->explicit ?
			    "explicit" : "default", "valid", t->valid,
			    "error", str_or_null(t->error)));
		}
		for (size_t i = 0; i < rec->unknown.n; i++)
			json_array_append_new(unk,
			    json_string(rec->unknown.v[i]));
	}
	json_object_set_new(o, "tags", tags);
	json_object_set_new(o, "unknown_tags", unk);
	json_object_set_new(o, "valid", json_boolean(rec != NULL &&
	    rec->valid));
	json_object_set_new(o, "discovery", json_pack(
	    "{s:o, s:o, s:b, s:o, s:b, s:b, s:s}",
	    "tree_walk", method_json(d, &d->walk),
	    "psl", method_json(d, &d->psl),
	    "compared", d->compared,
	    "agree", d->compared ? json_boolean(d->agree) : json_null(),
	    "same_record", d->same_record, "same_organizational_domain",
	    d->same_org, "public_suffix_list", d->psl_source));
	for (size_t i = 0; i < d->nreports; i++) {
		const struct dmarc_report_check *rc = &d->reports[i];

		json_array_append_new(reps, json_pack(
		    "{s:s, s:s, s:s, s:b, s:s, s:o, s:s}",
		    "tag", rc->ruf ? "ruf" : "rua", "uri", rc->uri,
		    "destination", rc->host, "external",
		    rc->state != DMARC_AUTH_INTERNAL, "authorization",
		    auth_name(rc->state), "query", str_or_null(rc->qname),
		    "detail", rc->detail));
	}
	json_object_set_new(o, "reports", reps);
	json_object_set_new(o, "findings", report_json_findings(fl));
	return o;
}

static const char *
bold(const struct report_style *st)
{
	return st->color ? "\033[1m" : "";
}

static const char *
reset(const struct report_style *st)
{
	return st->color ? "\033[0m" : "";
}

static void
text_method(FILE *out, const struct dmarc_discovery *d,
    const struct dmarc_method *m, const char *label)
{
	fprintf(out, "  %-10s %s", label, dmarc_result_name(m->result));
	if (m->policy_level >= 0)
		fprintf(out, " at %s", d->levels[m->policy_level].qname);
	if (m->org_domain[0])
		fprintf(out, " (organizational domain %s)", m->org_domain);
	fputc('\n', out);
}

void
dmarc_text(FILE *out, const struct dmarc_discovery *d,
    const struct finding_list *fl, const struct report_style *st)
{
	const struct dmarc_record *rec = d->draft ? &d->draft_record :
	    d->record;

	fprintf(out, "%sDMARC for %s%s%s\n", bold(st), d->domain,
	    d->draft ? " (draft)" : "", reset(st));
	if (rec != NULL)
		fprintf(out, "  record:    _dmarc.%s \"%s\"\n",
		    d->policy_domain[0] ? d->policy_domain : d->domain,
		    rec->text);
	else
		fputs("  record:    none\n", out);
	if (d->record != NULL) {
		rec = d->record;
		fprintf(out, "  policy:    %s   subdomains: %s   non-existent "
		    "subdomains: %s\n", dmarc_policy_name(rec->p),
		    dmarc_policy_name(rec->sp), dmarc_policy_name(rec->np));
		fprintf(out, "  applies:   %s=%s to mail from %s\n",
		    d->applied_tag, dmarc_policy_name(d->applied), d->domain);
		fprintf(out, "\n  %-6s %-40s %-9s %s\n", "tag", "value",
		    "source", "valid");
		for (int i = 0; i < DMARC_TAG_COUNT; i++) {
			const struct dmarc_tag *t = &rec->tags[i];

			fprintf(out, "  %-6s %-40s %-9s %s\n",
			    dmarc_tag_name((enum dmarc_tag_id)i),
			    t->value ? t->value : "-", t->explicit ?
			    "explicit" : "default", t->valid ? "yes" : "NO");
		}
		for (size_t i = 0; i < rec->unknown.n; i++)
			fprintf(out, "  %-6s %-40s %-9s %s\n", rec->unknown.v[i],
			    "", "unknown", "ignored");
	}
	if (!d->draft) {
		fputs("\n  discovery:\n", out);
		text_method(out, d, &d->walk, "tree walk");
		text_method(out, d, &d->psl, "PSL");
		fprintf(out, "  %-10s %s\n", "methods", !d->compared ?
		    "not compared" : d->agree ? "agree" : d->same_record ?
		    "same record, different organizational domains" :
		    "DISAGREE");
	}
	fputc('\n', out);
	for (size_t i = 0; i < fl->n; i++)
		report_text_finding(out, fl->v[i], st);
}

static json_t *
bimi_lookup_json(const struct bimi_lookup *bl)
{
	if (!bl->asked)
		return json_null();
	return json_pack("{s:s, s:s, s:I}", "name", bl->name, "outcome",
	    dns_outcome_name(bl->outcome), "bimi_records",
	    (json_int_t)bl->nbimi);
}

static const char *
format_name(enum bimi_format f)
{
	switch (f) {
	case BIMI_FMT_NONE:
		return "none";
	case BIMI_FMT_SVG:
		return "svg";
	case BIMI_FMT_SVGZ:
		return "svgz";
	case BIMI_FMT_OTHER_IMAGE:
		return "other-image";
	case BIMI_FMT_UNKNOWN:
		return "unknown";
	}
	return "unknown";
}

json_t *
bimi_json(const struct bimi_check *b, const struct finding_list *fl)
{
	const struct bimi_record *r = b->draft ? &b->draft_record : b->record;
	const struct dmarc_discovery *d = &b->dmarc;
	json_t *o = json_object();

	json_object_set_new(o, "domain", json_string(b->domain));
	json_object_set_new(o, "selector", json_string(b->selector));
	json_object_set_new(o, "mode", json_string(b->draft ? "draft" :
	    "live"));
	json_object_set_new(o, "record", r ? json_string(r->text) :
	    json_null());
	json_object_set_new(o, "record_name", r ? json_string(b->record_name) :
	    json_null());
	json_object_set_new(o, "location", r && r->l.n > 0 ?
	    json_string(r->l.v[0].text) : json_null());
	json_object_set_new(o, "location_format", json_string(r ?
	    format_name(r->format) : "none"));
	json_object_set_new(o, "evidence", r && r->has_a ?
	    json_string(r->a.text) : json_null());
	json_object_set_new(o, "declined", json_boolean(r && r->declined));
	json_object_set_new(o, "valid", json_boolean(r && r->is_bimi &&
	    r->valid));
	json_object_set_new(o, "lookups", json_pack("{s:o, s:o}", "selector",
	    bimi_lookup_json(&b->primary), "organizational_default",
	    bimi_lookup_json(&b->fallback)));
	json_object_set_new(o, "dmarc", json_pack("{s:o, s:o, s:o, s:o, s:o}",
	    "record", d->record ? json_string(d->record->text) : json_null(),
	    "policy_domain", d->policy_domain[0] ?
	    json_string(d->policy_domain) : json_null(),
	    "policy", policy_or_null(d->record, d->record ? d->record->p :
	    DMARC_POLICY_UNSET),
	    "subdomain_policy", policy_or_null(d->record, d->record ?
	    d->record->sp : DMARC_POLICY_UNSET),
	    "applied_policy", policy_or_null(d->record, d->applied)));
	json_object_set_new(o, "findings", report_json_findings(fl));
	return o;
}

void
bimi_text(FILE *out, const struct bimi_check *b,
    const struct finding_list *fl, const struct report_style *st)
{
	const struct bimi_record *r = b->draft ? &b->draft_record : b->record;

	fprintf(out, "%sBIMI for %s (selector %s)%s%s\n", bold(st), b->domain,
	    b->selector, b->draft ? " (draft)" : "", reset(st));
	if (r != NULL) {
		fprintf(out, "  record:   %s \"%s\"\n", b->record_name, r->text);
		fprintf(out, "  logo:     %s\n", r->l.n > 0 ? r->l.v[0].text :
		    "-");
		fprintf(out, "  evidence: %s\n", r->has_a ? r->a.text : "-");
	} else {
		fputs("  record:   none\n", out);
	}
	fprintf(out, "  dmarc:    %s\n\n", b->dmarc.record ?
	    b->dmarc.record->text : "none");
	for (size_t i = 0; i < fl->n; i++)
		report_text_finding(out, fl->v[i], st);
}

/* A command's document: schema, version, body's members, the summary. */
static json_t *
policy_document(const char *schema, json_t *body,
    const struct finding_list *fl)
{
	struct finding_tally t = { false, false };
	json_t *doc = json_object();

	finding_tally_add(&t, fl);
	json_object_set_new(doc, "schema", json_string(schema));
	json_object_set_new(doc, "version", json_string("0.1.0"));
	json_object_update(doc, body);
	json_decref(body);
	json_object_set_new(doc, "summary", json_pack("{s:s, s:b, s:b, s:i}",
	    "status", finding_status_name(finding_list_worst(fl)), "problems",
	    t.problems, "temporary_failures", t.temporary, "exit_code",
	    finding_tally_exit(&t)));
	return doc;
}

json_t *
dmarc_document(const struct dmarc_discovery *d, const struct finding_list *fl)
{
	return policy_document(POLICY_DMARC_SCHEMA, dmarc_json(d, fl), fl);
}

json_t *
bimi_document(const struct bimi_check *b, const struct finding_list *fl)
{
	return policy_document(POLICY_BIMI_SCHEMA, bimi_json(b, fl), fl);
}
