/* SPDX-License-Identifier: MIT */
/*
 * TLS-RPT records (RFC 8460 §3): "v=TLSRPTv1; rua=URI[,URI]" with mailto:
 * and https: report destinations, read by the record's strict grammar.
 */
#include "policy/tlsrpt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/common.h"
#include "policy/tagvalue.h"

#define REF_TLSRPT	"RFC 8460 §3"

bool
tlsrpt_record_parse(const char *text, size_t len, struct tlsrpt_record *r)
{
	struct tagvalue_list tl;
	bool have_rua = false;

	memset(r, 0, sizeof(*r));
	r->text = policy_printable_dup(text, len);
	/* Senders keep only records that begin with "v=TLSRPTv1". */
	if (len < 10 || memcmp(text, "v=TLSRPTv1", 10) != 0 ||
	    (len > 10 && text[10] != ';' && text[10] != ' ' &&
	    text[10] != '\t'))
		return false;
	r->is_tlsrpt = true;
	tagvalue_parse(text, len, NULL, &tl);
	if (tl.flags & TAGVALUE_L_EMPTY_SPEC)
		strvec_push(&r->warnings, "an empty field between two ';'");
	for (size_t i = 1; i < tl.ntags; i++) {
		const struct tagvalue_tag *t = &tl.tags[i];
		char *pname = policy_printable_dup(t->name, t->name_len);

		if (t->flags & TAGVALUE_F_WS_EQUALS)
			strvec_pushf(&r->warnings, "\"%s\": whitespace around "
			    "'=' (the grammar allows none)", pname);
		if (t->flags & TAGVALUE_F_BADNAME) {
			/* Checked first: a name with a NUL inside must not
			 * pass for a known one below. */
			if (strlen(t->name) != t->name_len ||
			    !policy_ext_name_valid(t->name,
			    t->name_len) ||
			    !policy_ext_value_valid(t->value,
			    t->value_len))
				strvec_pushf(&r->errors, "\"%s\": not a valid "
				    "field", pname);
			else
				strvec_push(&r->unknown, pname);
		} else if (strcmp(t->name, "rua") == 0) {
			if (t->flags & TAGVALUE_F_DUPLICATE) {
				strvec_push(&r->errors, "rua appears twice");
			} else if (t->flags & (TAGVALUE_F_BADVALUE |
			    TAGVALUE_F_EMPTY | TAGVALUE_F_TOOLONG)) {
				strvec_push(&r->errors, "rua is empty or holds "
				    "bytes that are not printable ASCII");
			} else {
				have_rua = true;
				policy_uri_list_parse(t->value, t->value_len,
				    0, &r->rua);
			}
		} else if (t->flags & TAGVALUE_F_NOEQUALS) {
			strvec_pushf(&r->errors, "\"%s\": no '='", pname);
		} else if (!policy_ext_name_valid(t->name, strlen(t->name)) ||
		    !policy_ext_value_valid(t->value, t->value_len)) {
			strvec_pushf(&r->errors, "\"%s\": not a valid field",
			    pname);
		} else {
			strvec_push(&r->unknown, pname);
		}
		free(pname);
	}
	tagvalue_list_clear(&tl);
	if (!have_rua && r->errors.n == 0)
		strvec_push(&r->errors, "no rua: a TLS-RPT record must name "
		    "where reports go");
	else if (have_rua && r->rua.n == 0)
		/* "rua=," parses as a list with only empty entries. */
		strvec_push(&r->errors, "rua names no report address");
	for (size_t i = 0; i < r->rua.n; i++) {
		const struct policy_uri *u = &r->rua.v[i];

		if (!u->valid)
			strvec_pushf(&r->errors, "rua %s: %s", u->text,
			    u->error);
		else if (u->scheme != POLICY_URI_MAILTO &&
		    u->scheme != POLICY_URI_HTTPS)
			strvec_pushf(&r->errors, "rua %s: only mailto: and "
			    "https: are defined", u->text);
	}
	if (r->rua.empty_item)
		strvec_push(&r->warnings, "an empty entry between commas in "
		    "rua");
	r->valid = r->errors.n == 0;
	return true;
}

void
tlsrpt_record_clear(struct tlsrpt_record *r)
{
	if (r == NULL)
		return;
	free(r->text);
	policy_uri_list_clear(&r->rua);
	strvec_clear(&r->errors);
	strvec_clear(&r->warnings);
	strvec_clear(&r->unknown);
	memset(r, 0, sizeof(*r));
}

void
tlsrpt_judge_txt(const char *domain, const struct dns_answer *ans,
    struct finding_list *fl)
{
	size_t n = policy_txt_count(ans), nrec = 0;
	struct tlsrpt_record rec, first;
	struct finding *f;
	char desc[160];

	memset(&first, 0, sizeof(first));
	if (dns_outcome_is_temporary(ans->outcome)) {
		policy_describe_answer(ans, desc, sizeof(desc));
		f = finding_add(fl, "tlsrpt.temperror", FINDING_TEMPERROR,
		    "The TLS-RPT lookup of _smtp._tls.%s failed temporarily",
		    domain);
		strvec_pushf(&f->evidence, "_smtp._tls.%s: %s", domain, desc);
		finding_explain(f, "Run the check again.");
		return;
	}
	if (ans->outcome != DNS_OUT_ANSWER && ans->outcome != DNS_OUT_NODATA &&
	    ans->outcome != DNS_OUT_NXDOMAIN) {
		f = finding_add(fl, "tlsrpt.error", FINDING_PERMERROR, "The DNS "
		    "answer for _smtp._tls.%s is unusable (%s)", domain,
		    dns_outcome_name(ans->outcome));
		finding_explain(f, "Senders treat the domain as having no "
		    "TLS-RPT record.");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct dns_rr *rr = policy_txt_get(ans, i);

		if (tlsrpt_record_parse(rr->u.txt.data, rr->u.txt.len, &rec) &&
		    nrec++ == 0) {
			first = rec;
			continue;
		}
		tlsrpt_record_clear(&rec);
	}
	if (nrec == 0) {
		f = finding_add(fl, "tlsrpt.none", FINDING_INFO, "No TLS-RPT "
		    "record for %s", domain);
		finding_explain(f, "Without TLS-RPT, sending servers cannot "
		    "tell you when TLS to your MX hosts fails (expired "
		    "certificate, MTA-STS mismatch). It is recommended with "
		    "MTA-STS.");
		strvec_pushf(&f->remediation, "_smtp._tls.%s. IN TXT "
		    "\"v=TLSRPTv1; rua=mailto:tls-reports@%s\"", domain,
		    domain);
		strvec_push(&f->references, REF_TLSRPT);
	} else if (nrec > 1) {
		f = finding_add(fl, "tlsrpt.multiple", FINDING_FAIL, "%zu "
		    "TLS-RPT records at _smtp._tls.%s", nrec, domain);
		finding_explain(f, "With more than one v=TLSRPTv1 record, "
		    "senders assume the domain has none.");
		strvec_push(&f->remediation, "Keep exactly one record.");
		strvec_push(&f->references, REF_TLSRPT);
	} else if (!first.valid) {
		f = finding_add(fl, "tlsrpt.invalid", FINDING_FAIL, "The "
		    "TLS-RPT record is invalid");
		finding_explain(f, "Senders cannot use it, so no TLS reports "
		    "are sent.");
		strvec_pushf(&f->evidence, "record: %s", first.text);
		for (size_t i = 0; i < first.errors.n; i++)
			strvec_push(&f->evidence, first.errors.v[i]);
		strvec_pushf(&f->remediation, "_smtp._tls.%s. IN TXT "
		    "\"v=TLSRPTv1; rua=mailto:tls-reports@%s\"", domain,
		    domain);
		strvec_push(&f->references, REF_TLSRPT);
	} else {
		f = finding_add(fl, "tlsrpt.record", FINDING_PASS, "TLS-RPT "
		    "reports go to %zu destination%s", first.rua.n,
		    first.rua.n == 1 ? "" : "s");
		strvec_pushf(&f->evidence, "record: %s", first.text);
		if (first.warnings.n > 0) {
			f = finding_add(fl, "tlsrpt.syntax", FINDING_WARNING,
			    "The TLS-RPT record bends its grammar");
			finding_explain(f, "Lenient senders accept it; strict "
			    "ones may not.");
			for (size_t i = 0; i < first.warnings.n; i++)
				strvec_push(&f->evidence, first.warnings.v[i]);
			strvec_push(&f->references, REF_TLSRPT);
		}
	}
	tlsrpt_record_clear(&first);
}
