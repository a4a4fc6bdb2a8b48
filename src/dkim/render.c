/* SPDX-License-Identifier: MIT */
/*
 * The DKIM report for people (text) and programs (the body of schema
 * "mxdiag.dkim/1", described in docs/findings-dkim.md). Everything
 * printed from a record has been made printable first.
 */
#include <stdio.h>
#include <string.h>

#include "dkim/dkim.h"
#include "util/util.h"

static json_t *
render_lookup(const struct dkim_selector *s)
{
	json_t *chain;

	if (!s->looked_up)
		return json_null();
	chain = json_array();
	for (size_t i = 0; i < s->ans.chain.n; i++)
		json_array_append_new(chain, json_string(s->ans.chain.v[i]));
	return json_pack("{s:s, s:s, s:b, s:o, s:s, s:I}", "name",
	    s->ans.qname, "outcome", dns_outcome_name(s->ans.outcome),
	    "temporary", dns_outcome_is_temporary(s->ans.outcome),
	    "cname_chain", chain, "server", s->ans.server, "elapsed_ms",
	    (json_int_t)s->ans.elapsed_ms);
}

static json_t *
render_selector(const struct dkim_selector *s)
{
	const struct dkim_key_record *r = &s->rec;
	bool parsed = s->found && r->syntax == DKIM_TAGS_OK;
	json_t *o, *hashes;
	char buf[DKIM_TAGS_TEXT_MAX + 16];

	o = json_pack("{s:s, s:s, s:o, s:b, s:I}", "selector", s->selector,
	    "name", s->name, "lookup", render_lookup(s), "found", s->found,
	    "records", (json_int_t)s->nrecords);
	if (s->record != NULL) {
		util_printable(buf, sizeof(buf), s->record, s->record_len);
		json_object_set_new(o, "record", json_string(buf));
	} else {
		json_object_set_new(o, "record", json_null());
	}
	json_object_set_new(o, "key_type", parsed ?
	    json_string(r->key_type == DKIM_KEY_UNKNOWN ? r->k :
	    dkim_key_type_name(r->key_type)) : json_null());
	json_object_set_new(o, "key_format", parsed && s->key.format !=
	    DKIM_FMT_NONE ? json_string(dkim_key_format_name(s->key.format)) :
	    json_null());
	json_object_set_new(o, "bits", parsed && s->key.bits > 0 ?
	    json_integer(s->key.bits) : json_null());
	json_object_set_new(o, "revoked", json_boolean(parsed &&
	    s->key.status == DKIM_KEYST_REVOKED));
	json_object_set_new(o, "testing", json_boolean(parsed && r->testing));
	json_object_set_new(o, "strict", json_boolean(parsed && r->strict));
	if (parsed && r->has_h) {
		hashes = json_array();
		if (r->hashes & DKIM_HASH_SHA1)
			json_array_append_new(hashes, json_string("sha1"));
		if (r->hashes & DKIM_HASH_SHA256)
			json_array_append_new(hashes, json_string("sha256"));
		if (r->hashes & DKIM_HASH_OTHER)
			json_array_append_new(hashes, json_string("other"));
	} else {
		hashes = json_null();
	}
	json_object_set_new(o, "hashes", hashes);
	json_object_set_new(o, "services", parsed && r->has_s ?
	    json_string(r->s) : json_null());
	json_object_set_new(o, "notes", parsed && r->has_n ?
	    json_string(r->notes) : json_null());
	json_object_set_new(o, "not_dkim", json_boolean(s->foreign));
	json_object_set_new(o, "valid", json_boolean(s->valid));
	json_object_set_new(o, "status", json_string(s->done ?
	    finding_status_name(s->status) : "skipped"));
	json_object_set_new(o, "findings", report_json_findings(&s->findings));
	return o;
}

json_t *
dkim_report_json(const struct dkim_report *rep)
{
	json_t *sels = json_array();
	size_t found = 0, valid = 0;

	for (size_t i = 0; i < rep->n; i++) {
		json_array_append_new(sels, render_selector(&rep->sel[i]));
		found += rep->sel[i].found;
		valid += rep->sel[i].valid;
	}
	return json_pack("{s:s, s:b, s:b, s:o, s:o, s:{s:I, s:I, s:I, s:s}}",
	    "domain", rep->domain, "draft", rep->draft, "default_selectors",
	    !rep->explicit_selectors, "selectors", sels, "findings",
	    report_json_findings(&rep->findings), "summary",
	    "selectors_tried", (json_int_t)rep->n, "found", (json_int_t)found,
	    "valid", (json_int_t)valid, "status",
	    finding_status_name(dkim_report_worst(rep)));
}

/* One line per selector with a record: what the key is. */
static void
render_text_key(FILE *out, const struct dkim_selector *s)
{
	const struct dkim_key_record *r = &s->rec;

	fprintf(out, "  %s: ", s->name);
	if (r->syntax != DKIM_TAGS_OK || !r->has_p) {
		fputs("malformed record\n", out);
		return;
	}
	switch (s->key.status) {
	case DKIM_KEYST_OK:
		fprintf(out, "%s %d bits%s", dkim_key_type_name(r->key_type),
		    s->key.bits, s->key.format == DKIM_FMT_PKCS1 ?
		    " (RSAPublicKey)" : "");
		break;
	case DKIM_KEYST_REVOKED:
		fputs("revoked", out);
		break;
	default:
		fprintf(out, "unreadable key (%s)", s->key.detail);
		break;
	}
	if (r->testing)
		fputs(", testing", out);
	if (s->nrecords > 1)
		fprintf(out, ", %zu records", s->nrecords);
	fprintf(out, "%s\n", s->valid ? "" : "  [not usable]");
}

void
dkim_report_text(FILE *out, const struct dkim_report *rep,
    const struct report_style *st)
{
	size_t found = 0;

	fprintf(out, "%sDKIM %s%s%s\n", st->color ? "\033[1m" : "",
	    rep->domain, rep->draft ? " (draft record)" : "",
	    st->color ? "\033[0m" : "");
	if (!rep->draft) {
		fprintf(out, "  selectors tried (%s): ", rep->explicit_selectors ?
		    "given" : "common defaults");
		for (size_t i = 0; i < rep->n; i++)
			fprintf(out, "%s%s", i ? ", " : "", rep->sel[i].selector);
		fputc('\n', out);
	}
	for (size_t i = 0; i < rep->n; i++)
		if (rep->sel[i].found) {
			render_text_key(out, &rep->sel[i]);
			found++;
		}
	if (found == 0 && !rep->draft)
		fputs("  no key found\n", out);
	for (size_t i = 0; i < rep->n; i++)
		for (size_t k = 0; k < rep->sel[i].findings.n; k++)
			report_text_finding(out, rep->sel[i].findings.v[k], st);
	for (size_t k = 0; k < rep->findings.n; k++)
		report_text_finding(out, rep->findings.v[k], st);
}

int
dkim_report_exit_code(const struct dkim_report *rep)
{
	struct finding_tally t = { false, false };

	for (size_t i = 0; i < rep->n; i++)
		finding_tally_add(&t, &rep->sel[i].findings);
	finding_tally_add(&t, &rep->findings);
	return finding_tally_exit(&t);
}

json_t *
dkim_report_document(const struct dkim_report *rep, json_t *resolvers)
{
	return report_json_document(DKIM_SCHEMA, resolvers, dkim_report_json(rep),
	    dkim_report_exit_code(rep));
}
