/* SPDX-License-Identifier: MIT */
/*
 * The JSON report, schema "mxdiag.check/1". Field names and codes are an
 * API: docs/json.md describes them and the integration tests read them.
 * Add fields freely; renaming or removing one needs a new schema version.
 */
#include "report/report.h"

#include "report/emit.h"

#include <arpa/inet.h>
#include <string.h>

static json_t *
jstr_or_null(const char *s)
{
	return (s != NULL && s[0] != '\0') ? json_string(s) : json_null();
}

/*
 * jansson takes only UTF-8: json_string() returns NULL for anything else,
 * and the object and array setters then leave the member out. Findings
 * were always rendered through jansson, so both outputs leave out the
 * same members (a stray byte in evidence quoted from the network, say),
 * and the text of a bulk line stays what the tree made.
 */
static bool
jansson_takes(const char *s)
{
	return s != NULL && jsonw_utf8_valid(s, strlen(s));
}

static void
emit_jansson_str(struct emit *e, const char *key, const char *s)
{
	if (jansson_takes(s))
		emit_str(e, key, s);
}

static void
emit_strvec(struct emit *e, const char *key, const struct strvec *sv)
{
	emit_array_begin(e, key);
	for (size_t i = 0; i < sv->n; i++)
		emit_jansson_str(e, NULL, sv->v[i]);
	emit_end(e);
}

/* The members of a finding's full object: written straight as text in
 * bulk lines, where failing addresses made building a tree for each
 * finding, only to print and free it, the dearest part of the line. */
static void
json_finding(struct emit *e, const struct finding *fd)
{
	emit_jansson_str(e, "code", fd->code);
	emit_str(e, "status", finding_status_name(fd->status));
	emit_jansson_str(e, "title", fd->title);
	emit_jansson_str(e, "explanation", fd->explanation);
	emit_strvec(e, "evidence", &fd->evidence);
	emit_strvec(e, "remediation", &fd->remediation);
	emit_array_begin(e, "trips");
	for (size_t i = 0; i < fd->ntrips; i++) {
		const struct finding_trip *t = &fd->trips[i];

		/* json_pack() made the whole object or nothing. */
		if (!jansson_takes(t->engine) || !jansson_takes(t->rule) ||
		    !jansson_takes(t->effect))
			continue;
		emit_object_begin(e, NULL);
		emit_str(e, "engine", t->engine);
		emit_str(e, "rule", t->rule);
		emit_str(e, "effect", t->effect);
		emit_end(e);
	}
	emit_end(e);
	emit_strvec(e, "references", &fd->references);
}

json_t *
report_json_finding(const struct finding *fd)
{
	json_t *o = json_object();
	struct emit e;

	emit_init_tree(&e, o);
	json_finding(&e, fd);
	return o;
}

json_t *
report_json_findings(const struct finding_list *fl)
{
	json_t *a = json_array();

	for (size_t i = 0; i < fl->n; i++)
		json_array_append_new(a, report_json_finding(fl->v[i]));
	return a;
}

json_t *
report_json_addresses(const struct dns_answer *ans)
{
	json_t *a = json_array();

	for (size_t i = 0; i < ans->nrr; i++) {
		char s[INET6_ADDRSTRLEN];

		if (dns_rr_address(&ans->rr[i], s, sizeof(s)))
			json_array_append_new(a, json_string(s));
	}
	return a;
}

/* The common description of one DNS answer. */
static json_t *
json_lookup(const struct dns_answer *ans)
{
	json_t *o = json_object(), *chain = json_array();

	json_object_set_new(o, "name", json_string(ans->qname));
	json_object_set_new(o, "outcome",
	    json_string(dns_outcome_name(ans->outcome)));
	json_object_set_new(o, "temporary",
	    json_boolean(dns_outcome_is_temporary(ans->outcome)));
	json_object_set_new(o, "ttl", ans->nrr ?
	    json_integer(ans->rr[0].ttl) : json_null());
	for (size_t i = 0; i < ans->chain.n; i++)
		json_array_append_new(chain, json_string(ans->chain.v[i]));
	json_object_set_new(o, "cname_chain", chain);
	json_object_set_new(o, "ad", json_boolean(ans->ad));
	if (ans->has_soa)
		json_object_set_new(o, "zone", json_pack("{s:s, s:s, s:s, s:I}",
		    "name", ans->soa_zone, "mname", ans->soa.mname,
		    "rname", ans->soa.rname, "negative_ttl",
		    (json_int_t)(ans->soa.minimum < ans->soa_ttl ?
		    ans->soa.minimum : ans->soa_ttl)));
	else
		json_object_set_new(o, "zone", json_null());
	json_object_set_new(o, "error", jstr_or_null(ans->error));
	json_object_set_new(o, "server", jstr_or_null(ans->server));
	json_object_set_new(o, "elapsed_ms", json_integer(ans->elapsed_ms));
	return o;
}

static json_t *
json_forward(const struct identity_forward *fw)
{
	json_t *o;

	if (!fw->done)
		return json_null();
	o = json_lookup(&fw->ans);
	json_object_set_new(o, "addresses", report_json_addresses(&fw->ans));
	json_object_set_new(o, "confirms", json_boolean(fw->confirms));
	return o;
}

static json_t *
json_reply(const struct smtp_reply *r)
{
	json_t *lines = json_array();

	for (size_t i = 0; i < r->nlines; i++)
		json_array_append_new(lines, json_string(r->lines[i]));
	return json_pack("{s:i, s:o}", "code", r->code, "lines", lines);
}

static json_t *
json_tls(const struct smtp_tls_result *t)
{
	json_t *o = json_object(), *names = json_array(), *caps = json_array();

	for (size_t i = 0; i < t->names.n; i++)
		json_array_append_new(names, json_string(t->names.v[i]));
	for (size_t i = 0; i < t->caps.nkeywords; i++)
		json_array_append_new(caps, json_string(t->caps.keywords[i]));
	json_object_set_new(o, "starttls_code", json_integer(t->starttls_code));
	json_object_set_new(o, "handshake", json_boolean(t->handshake_ok));
	json_object_set_new(o, "error", jstr_or_null(t->error));
	json_object_set_new(o, "protocol", jstr_or_null(t->protocol));
	json_object_set_new(o, "cipher", jstr_or_null(t->cipher));
	json_object_set_new(o, "cipher_bits", json_integer(t->cipher_bits));
	if (t->has_cert)
		json_object_set_new(o, "certificate", json_pack(
		    "{s:s, s:s, s:o, s:b, s:s, s:o, s:b, s:I, s:b}",
		    "subject", t->subject, "issuer", t->issuer, "names", names,
		    "chain_verified", t->chain_ok, "verify_error",
		    t->verify_error, "checked_name",
		    jstr_or_null(t->verified_name), "name_matches", t->name_ok,
		    "days_left", (json_int_t)t->days_left, "not_yet_valid",
		    t->not_yet_valid));
	else {
		json_decref(names);
		json_object_set_new(o, "certificate", json_null());
	}
	json_object_set_new(o, "ehlo_after_tls", json_boolean(t->has_ehlo));
	json_object_set_new(o, "capabilities_after_tls", caps);
	return o;
}

static json_t *
json_smtp(const struct identity_facts *f)
{
	const struct smtp_probe_result *s = &f->smtp;
	json_t *o = json_object(), *caps = json_array();

	json_object_set_new(o, "status",
	    json_string(smtp_probe_status_name(s->status)));
	json_object_set_new(o, "temporary",
	    json_boolean(smtp_probe_status_is_temporary(s->status)));
	json_object_set_new(o, "phase",
	    json_string(smtp_probe_phase_name(s->phase)));
	json_object_set_new(o, "error", jstr_or_null(s->error));
	json_object_set_new(o, "connect_ms", s->connect_ms >= 0 ?
	    json_integer(s->connect_ms) : json_null());
	json_object_set_new(o, "greeting_ms", s->greeting_ms >= 0 ?
	    json_integer(s->greeting_ms) : json_null());
	json_object_set_new(o, "greeting", s->has_greeting ?
	    json_reply(&s->greeting) : json_null());
	json_object_set_new(o, "ehlo_sent", json_string(f->ehlo_sent));
	json_object_set_new(o, "ehlo", s->has_ehlo ? json_reply(&s->ehlo) :
	    json_null());
	json_object_set_new(o, "used_helo", json_boolean(s->used_helo));
	json_object_set_new(o, "starttls", s->has_ehlo ?
	    json_boolean(s->caps.starttls) : json_null());
	for (size_t i = 0; i < s->caps.nkeywords; i++)
		json_array_append_new(caps, json_string(s->caps.keywords[i]));
	json_object_set_new(o, "capabilities", caps);
	json_object_set_new(o, "early_data", json_boolean(s->early_data));
	json_object_set_new(o, "tls", s->tls.attempted ? json_tls(&s->tls) :
	    json_null());
	return o;
}

static const char *const generic_kinds[] = {
	[GENERIC_NONE] = "none",
	[GENERIC_CLOUD_DEFAULT] = "cloud_default",
	[GENERIC_EMBEDDED_IP] = "embedded_ip",
	[GENERIC_POOL_KEYWORD] = "pool_keyword",
};

/*
 * The summary fields of an address, shared by the full object below and
 * by bulk lines: what was checked, the verdict, and the findings. target
 * is what the "target" field says (the user's spelling, or bulk's key).
 */
static void
json_address_summary(struct emit *e, const struct identity_facts *f,
    const struct identity_verdict *v, const char *target)
{
	const struct smtp_probe_result *s = &f->smtp;

	emit_str(e, "target", target);
	emit_str(e, "address", f->address);
	emit_str(e, "family", f->af == AF_INET6 ? "ipv6" : "ipv4");
	emit_int(e, "port", f->port);
	emit_str(e, "reverse_name", f->revname);
	emit_array_begin(e, "ptr");
	for (size_t i = 0; i < f->nfwd; i++)
		emit_str(e, NULL, f->fwd[i].name);
	emit_end(e);
	emit_str(e, "iprev", iprev_result_name(v->iprev));
	if (f->smtp_skipped) {
		emit_null(e, "banner_hostname");
		emit_null(e, "ehlo_hostname");
	} else {
		emit_str_or_null(e, "banner_hostname", s->banner_hostname);
		emit_str_or_null(e, "ehlo_hostname", s->ehlo_hostname);
	}
	emit_str(e, "mta", smtp_mta_name(s->mta));
	emit_bool(e, "aligned", v->aligned);
	emit_str(e, "status",
	    finding_status_name(finding_list_worst(&v->findings)));
}

static void
json_address_generic(struct emit *e, const struct identity_verdict *v)
{
	if (v->generic.kind != GENERIC_NONE) {
		emit_object_begin(e, "generic");
		emit_str(e, "kind", generic_kinds[v->generic.kind]);
		emit_str(e, "reason", v->generic.reason ? v->generic.reason :
		    "");
		emit_str(e, "detail", v->generic.detail);
		emit_str(e, "provider", v->generic.provider ?
		    v->generic.provider->id : NULL);
		emit_end(e);
	} else {
		emit_null(e, "generic");
	}
	if (v->rzone_soa != NULL) {
		emit_object_begin(e, "reverse_zone");
		emit_str(e, "name", v->rzone_name);
		emit_str(e, "mname", v->rzone_soa->mname);
		emit_str(e, "rname", v->rzone_soa->rname);
		emit_end(e);
	} else {
		emit_null(e, "reverse_zone");
	}
	emit_str(e, "reverse_zone_provider", v->zone_provider ?
	    v->zone_provider->id : NULL);
}

/* The findings; brief: see report_json_findings_brief(). */
static void
json_findings(struct emit *e, const struct finding_list *fl, bool brief)
{
	emit_array_begin(e, "findings");
	for (size_t i = 0; i < fl->n; i++) {
		const struct finding *fd = fl->v[i];

		emit_object_begin(e, NULL);
		if (!brief || finding_status_is_problem(fd->status)) {
			json_finding(e, fd);
		} else {
			emit_str(e, "code", fd->code);
			emit_str(e, "status", finding_status_name(fd->status));
			emit_str(e, "title", fd->title);
		}
		emit_end(e);
	}
	emit_end(e);
}

json_t *
report_json_address(const struct identity_facts *f,
    const struct identity_verdict *v)
{
	json_t *o = json_object(), *fwd = json_array();
	struct emit e;

	emit_init_tree(&e, o);
	json_address_summary(&e, f, v, f->target);
	{
		json_t *pl = json_lookup(&f->ptr), *hops = json_array();

		/* Every CNAME hop of the chase, not only the last answer's. */
		for (size_t i = 0; i < f->ptr_chain.n; i++)
			json_array_append_new(hops,
			    json_string(f->ptr_chain.v[i]));
		json_object_set_new(pl, "cname_chain", hops);
		json_object_set_new(pl, "name", json_string(f->revname));
		json_object_set_new(o, "ptr_lookup", pl);
	}
	for (size_t i = 0; i < f->nfwd; i++)
		json_array_append_new(fwd, json_forward(&f->fwd[i]));
	json_object_set_new(o, "forward", fwd);
	json_address_generic(&e, v);
	json_object_set_new(o, "smtp", f->smtp_skipped ? json_null() :
	    json_smtp(f));
	json_object_set_new(o, "banner_forward", json_forward(&f->banner_fwd));
	json_object_set_new(o, "ehlo_forward", json_forward(&f->ehlo_fwd));
	json_findings(&e, &v->findings, false);
	return o;
}

json_t *
report_json_findings_brief(const struct finding_list *fl)
{
	json_t *holder = json_object(), *a;
	struct emit e;

	emit_init_tree(&e, holder);
	json_findings(&e, fl, true);
	a = json_incref(json_object_get(holder, "findings"));
	json_decref(holder);
	return a;
}

void
report_json_address_summary(json_t *o, const struct identity_facts *f,
    const struct identity_verdict *v, bool brief)
{
	struct emit e;

	emit_init_tree(&e, o);
	json_address_summary(&e, f, v, f->target);
	json_address_generic(&e, v);
	json_findings(&e, &v->findings, brief);
}

void
report_text_address_summary(struct jsonw *w, int nfields,
    const struct identity_facts *f, const struct identity_verdict *v,
    const char *target, bool brief)
{
	struct emit e;

	emit_init_text(&e, w, nfields);
	json_address_summary(&e, f, v, target);
	json_address_generic(&e, v);
	json_findings(&e, &v->findings, brief);
}

json_t *
report_json_resolvers(const struct dns_config *cfg)
{
	json_t *a = json_array();

	for (size_t i = 0; cfg != NULL && i < cfg->nservers; i++) {
		const struct dns_server *sv = &cfg->servers[i];
		bool v6 = strchr(sv->host, ':') != NULL;

		json_array_append_new(a, json_sprintf("%s%s%s:%d",
		    v6 ? "[" : "", sv->host, v6 ? "]" : "", sv->port));
	}
	return a;
}

json_t *
report_json_document(const char *schema, json_t *resolvers, json_t *body,
    int exit_code)
{
	json_t *root = json_pack("{s:s, s:s, s:o}", "schema", schema,
	    "version", "0.1.0", "resolvers", resolvers ? resolvers :
	    json_array());

	json_object_update(root, body);
	json_decref(body);
	json_object_set_new(json_object_get(root, "summary"), "exit_code",
	    json_integer(exit_code));
	return root;
}
