/* SPDX-License-Identifier: MIT */
/*
 * MTA-STS (RFC 8461): the TXT record, the policy file, MX matching, and
 * the findings on a fetched policy. The policy parser reads lines ending
 * in LF or CRLF, keeps the first of any repeated key other than mx (as
 * §3.2 says), ignores unknown keys, and never reads past the 64 KiB cap.
 */
#include "policy/mtasts.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/common.h"
#include "policy/tagvalue.h"

#define REF_TXT		"RFC 8461 §3.1"
#define REF_POLICY	"RFC 8461 §3.2"
#define REF_FETCH	"RFC 8461 §3.3"
#define REF_MATCH	"RFC 8461 §4.1"

const char *
mtasts_mode_name(enum mtasts_mode m)
{
	switch (m) {
	case MTASTS_MODE_ENFORCE:
		return "enforce";
	case MTASTS_MODE_TESTING:
		return "testing";
	case MTASTS_MODE_NONE:
		return "none";
	case MTASTS_MODE_UNSET:
		break;
	}
	return "(unset)";
}

/* ---- TXT record ---- */

bool
mtasts_txt_parse(const char *text, size_t len, struct mtasts_txt *t)
{
	struct tagvalue_list tl;
	bool have_id = false;

	memset(t, 0, sizeof(*t));
	t->text = policy_printable_dup(text, len);
	/* §3.1: records that do not begin with "v=STSv1" are discarded. */
	if (len < 7 || memcmp(text, "v=STSv1", 7) != 0 ||
	    (len > 7 && text[7] != ';' && text[7] != ' ' && text[7] != '\t'))
		return false;
	t->is_sts = true;
	tagvalue_parse(text, len, NULL, &tl);
	if (tl.flags & TAGVALUE_L_EMPTY_SPEC)
		strvec_push(&t->warnings, "an empty field between two ';'");
	for (size_t i = 1; i < tl.ntags; i++) {
		const struct tagvalue_tag *tag = &tl.tags[i];
		char *pname = policy_printable_dup(tag->name,
		    tag->name_len);

		if (tag->flags & TAGVALUE_F_WS_EQUALS)
			strvec_pushf(&t->warnings, "\"%s\": whitespace around "
			    "'=' (the grammar allows none)", pname);
		if (tag->flags & TAGVALUE_F_BADNAME) {
			/* Checked first: a name with a NUL inside must not
			 * pass for a known one below. */
			if (strlen(tag->name) != tag->name_len ||
			    !policy_ext_name_valid(tag->name,
			    tag->name_len) ||
			    !policy_ext_value_valid(tag->value,
			    tag->value_len))
				strvec_pushf(&t->errors, "\"%s\": not a valid "
				    "field", pname);
			else
				strvec_push(&t->unknown, pname);
		} else if (strcmp(tag->name, "id") == 0) {
			bool ok = tag->value_len >= 1 &&
			    tag->value_len <= MTASTS_ID_MAX;

			for (size_t k = 0; ok && k < tag->value_len; k++)
				ok = isalnum((unsigned char)tag->value[k]) != 0;
			if (tag->flags & TAGVALUE_F_DUPLICATE)
				strvec_push(&t->errors, "id appears twice");
			else if (!ok) {
				char *pv = policy_printable_dup(tag->value,
				    tag->value_len);

				strvec_pushf(&t->errors, "id must be 1 to 32 "
				    "letters and digits (\"%s\" is not)", pv);
				free(pv);
			} else {
				memcpy(t->id, tag->value, tag->value_len);
				t->id[tag->value_len] = '\0';
				have_id = true;
			}
		} else if (tag->flags & TAGVALUE_F_NOEQUALS) {
			strvec_pushf(&t->errors, "\"%s\": no '='", pname);
		} else if (!policy_ext_name_valid(tag->name,
		    strlen(tag->name)) ||
		    !policy_ext_value_valid(tag->value, tag->value_len)) {
			strvec_pushf(&t->errors, "\"%s\": not a valid field",
			    pname);
		} else {
			strvec_push(&t->unknown, pname);
		}
		free(pname);
	}
	tagvalue_list_clear(&tl);
	if (!have_id && t->errors.n == 0)
		strvec_push(&t->errors, "no id: the record must carry "
		    "id=<1 to 32 letters and digits>");
	t->valid = have_id && t->errors.n == 0;
	return true;
}

void
mtasts_txt_clear(struct mtasts_txt *t)
{
	if (t == NULL)
		return;
	free(t->text);
	strvec_clear(&t->errors);
	strvec_clear(&t->warnings);
	strvec_clear(&t->unknown);
	memset(t, 0, sizeof(*t));
}

/* ---- policy file ---- */

bool
mtasts_mx_pattern_valid(const char *pat, size_t len)
{
	if (len >= 2 && pat[0] == '*' && pat[1] == '.') {
		pat += 2;
		len -= 2;
	}
	return policy_hostname_valid(pat, len);
}

static bool
key_ok(const char *s, size_t len)
{
	return policy_ext_name_valid(s, len);
}

static void
policy_line(struct mtasts_policy *p, size_t lineno, const char *s,
    size_t len)
{
	static const char *const known[] = {
		"version", "mode", "max_age", "mx",
	};
	const char *colon = memchr(s, ':', len);
	size_t klen, vs, ve;
	char key[40];
	char *pv;

	if (colon == NULL) {
		strvec_pushf(&p->errors, "line %zu: no ':'", lineno);
		return;
	}
	klen = (size_t)(colon - s);
	if (!key_ok(s, klen)) {
		char *pk = policy_printable_dup(s, klen);

		strvec_pushf(&p->errors, "line %zu: \"%s\" is not a valid key",
		    lineno, pk);
		free(pk);
		return;
	}
	memcpy(key, s, klen);
	key[klen] = '\0';
	vs = klen + 1;
	while (vs < len && (s[vs] == ' ' || s[vs] == '\t'))
		vs++;
	ve = len;
	while (ve > vs && (s[ve - 1] == ' ' || s[ve - 1] == '\t'))
		ve--;
	for (size_t i = vs; i < ve; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e) {
			strvec_pushf(&p->errors, "line %zu: the value holds "
			    "a byte that is not printable ASCII", lineno);
			return;
		}
	pv = policy_printable_dup(s + vs, ve - vs);
	if (strcmp(key, "mx") == 0) {
		if (!mtasts_mx_pattern_valid(s + vs, ve - vs)) {
			strvec_pushf(&p->errors, "line %zu: mx \"%s\" is not a "
			    "host name or *.domain pattern", lineno, pv);
			if (p->bad_mx.n < MTASTS_MX_MAX)
				strvec_push(&p->bad_mx, pv);
		} else if (p->mx.n < MTASTS_MX_MAX) {
			for (char *c = pv; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			strvec_push(&p->mx, pv);
		}
	} else if ((strcmp(key, "version") == 0 && p->has_version) ||
	    (strcmp(key, "mode") == 0 && p->mode != MTASTS_MODE_UNSET) ||
	    (strcmp(key, "max_age") == 0 && p->has_max_age)) {
		if (!strvec_contains_name(&p->duplicates, key))
			strvec_push(&p->duplicates, key);
	} else if (strcmp(key, "version") == 0) {
		if (strcmp(pv, "STSv1") == 0)
			p->has_version = true;
		else
			strvec_pushf(&p->errors, "line %zu: version must be "
			    "STSv1, not \"%s\"", lineno, pv);
	} else if (strcmp(key, "mode") == 0) {
		if (strcmp(pv, "enforce") == 0)
			p->mode = MTASTS_MODE_ENFORCE;
		else if (strcmp(pv, "testing") == 0)
			p->mode = MTASTS_MODE_TESTING;
		else if (strcmp(pv, "none") == 0)
			p->mode = MTASTS_MODE_NONE;
		else
			strvec_pushf(&p->errors, "line %zu: mode must be "
			    "enforce, testing or none, not \"%s\"", lineno, pv);
	} else if (strcmp(key, "max_age") == 0) {
		unsigned long v = 0;
		bool ok = ve > vs && ve - vs <= 10;

		for (size_t i = vs; ok && i < ve; i++) {
			ok = isdigit((unsigned char)s[i]) != 0;
			v = v * 10 + (unsigned long)(s[i] - '0');
		}
		if (ok && v <= MTASTS_MAX_AGE_MAX) {
			p->has_max_age = true;
			p->max_age = v;
		} else {
			strvec_pushf(&p->errors, "line %zu: max_age must be "
			    "whole seconds from 0 to 31557600, not \"%s\"",
			    lineno, pv);
		}
	} else {
		bool wrong_case = false;

		for (size_t i = 0; i < UTIL_ARRAY_LEN(known); i++)
			if (strcasecmp(key, known[i]) == 0)
				wrong_case = true;
		if (wrong_case)
			strvec_pushf(&p->errors, "line %zu: keys are "
			    "case-sensitive: \"%s\" is not \"%s\" and is "
			    "ignored", lineno, key, key[0] == 'M' &&
			    (key[1] == 'X' || key[1] == 'x') ? "mx" :
			    key[0] == 'V' || key[0] == 'v' ? "version" :
			    key[1] == 'o' || key[1] == 'O' ? "mode" :
			    "max_age");
		else if (p->unknown.n < MTASTS_MX_MAX &&
		    !strvec_contains_name(&p->unknown, key))
			strvec_push(&p->unknown, key);
	}
	free(pv);
}

bool
mtasts_policy_parse(const char *body, size_t len, struct mtasts_policy *p)
{
	size_t pos = 0;

	memset(p, 0, sizeof(*p));
	if (len > MTASTS_POLICY_MAX) {
		p->oversize = true;
		strvec_pushf(&p->errors, "the policy is %zu bytes, over the "
		    "%d-byte limit", len, MTASTS_POLICY_MAX);
		return false;
	}
	while (pos < len) {
		const char *nl = memchr(body + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - body) : len, e = end;

		p->nlines++;
		if (nl != NULL) {
			if (e > pos && body[e - 1] == '\r') {
				e--;
				p->crlf = true;
			} else {
				p->lf = true;
			}
		}
		if (memchr(body + pos, '\r', e - pos) != NULL)
			strvec_pushf(&p->errors, "line %zu: a bare CR",
			    p->nlines);
		else if (e > pos)
			policy_line(p, p->nlines, body + pos, e - pos);
		pos = end + 1;
	}
	if (!p->has_version)
		strvec_push(&p->errors, "no \"version: STSv1\" line");
	if (p->mode == MTASTS_MODE_UNSET)
		strvec_push(&p->errors, "no valid \"mode:\" line");
	if (!p->has_max_age)
		strvec_push(&p->errors, "no valid \"max_age:\" line");
	if (p->mode != MTASTS_MODE_NONE && p->mx.n == 0)
		strvec_push(&p->errors, "no valid \"mx:\" line");
	p->valid = p->has_version && p->mode != MTASTS_MODE_UNSET &&
	    p->has_max_age && (p->mode == MTASTS_MODE_NONE || p->mx.n > 0);
	return p->valid;
}

void
mtasts_policy_clear(struct mtasts_policy *p)
{
	if (p == NULL)
		return;
	strvec_clear(&p->mx);
	strvec_clear(&p->bad_mx);
	strvec_clear(&p->errors);
	strvec_clear(&p->duplicates);
	strvec_clear(&p->unknown);
	memset(p, 0, sizeof(*p));
}

bool
mtasts_mx_match(const char *pattern, const char *host)
{
	size_t hl, pl;
	const char *dot;

	if (pattern == NULL || host == NULL)
		return false;
	hl = strlen(host);
	if (hl > 1 && host[hl - 1] == '.')
		hl--;
	pl = strlen(pattern);
	if (pl == 0 || hl == 0)
		return false;
	if (pl >= 2 && pattern[0] == '*' && pattern[1] == '.') {
		/* Exactly one non-empty label in place of the '*'. */
		dot = memchr(host, '.', hl);
		if (dot == NULL || dot == host)
			return false;
		hl -= (size_t)(dot + 1 - host);
		host = dot + 1;
		pattern += 2;
		pl -= 2;
	}
	return hl == pl && strncasecmp(pattern, host, pl) == 0;
}

int
mtasts_policy_match(const struct mtasts_policy *p, const char *host)
{
	for (size_t i = 0; i < p->mx.n; i++)
		if (mtasts_mx_match(p->mx.v[i], host))
			return (int)i;
	return -1;
}

/* ---- findings ---- */

static char *
example_policy(const char *const *mx, size_t nmx)
{
	char *s = xstrdup("version: STSv1\nmode: testing\n"), *next;

	for (size_t i = 0; i < nmx && i < 8; i++) {
		next = xasprintf("%smx: %s\n", s, mx[i]);
		free(s);
		s = next;
	}
	if (nmx == 0) {
		next = xasprintf("%smx: mx1.example.com\n", s);
		free(s);
		s = next;
	}
	next = xasprintf("%smax_age: 604800\n", s);
	free(s);
	return next;
}

void
mtasts_judge_txt(const char *domain, const struct dns_answer *ans,
    struct finding_list *fl, struct mtasts_txt *out)
{
	size_t n = policy_txt_count(ans), nrec = 0;
	struct mtasts_txt t, first;
	struct finding *f;
	char desc[160];

	memset(&first, 0, sizeof(first));
	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (dns_outcome_is_temporary(ans->outcome)) {
		policy_describe_answer(ans, desc, sizeof(desc));
		f = finding_add(fl, "mtasts.txt_temperror", FINDING_TEMPERROR,
		    "The MTA-STS lookup of _mta-sts.%s failed temporarily",
		    domain);
		strvec_pushf(&f->evidence, "_mta-sts.%s: %s", domain, desc);
		finding_explain(f, "Run the check again.");
		return;
	}
	if (ans->outcome != DNS_OUT_ANSWER && ans->outcome != DNS_OUT_NODATA &&
	    ans->outcome != DNS_OUT_NXDOMAIN) {
		f = finding_add(fl, "mtasts.txt_error", FINDING_PERMERROR, "The "
		    "DNS answer for _mta-sts.%s is unusable (%s)", domain,
		    dns_outcome_name(ans->outcome));
		finding_explain(f, "Senders treat the domain as having no "
		    "MTA-STS policy.");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct dns_rr *rr = policy_txt_get(ans, i);

		if (mtasts_txt_parse(rr->u.txt.data, rr->u.txt.len, &t) &&
		    nrec++ == 0) {
			first = t;
			continue;
		}
		mtasts_txt_clear(&t);
	}
	if (nrec == 0) {
		f = finding_add(fl, "mtasts.none", FINDING_INFO, "No MTA-STS "
		    "record for %s", domain);
		finding_explain(f, "Without MTA-STS, sending servers fall back "
		    "to unauthenticated (or no) TLS when an attacker strips "
		    "STARTTLS.");
		strvec_pushf(&f->remediation, "Serve a policy at "
		    "https://mta-sts.%s/.well-known/mta-sts.txt, then publish "
		    "_mta-sts.%s. IN TXT \"v=STSv1; id=20240101000000\" (change "
		    "the id whenever the policy changes).", domain, domain);
		strvec_push(&f->references, REF_TXT);
	} else if (nrec > 1) {
		f = finding_add(fl, "mtasts.txt_multiple", FINDING_FAIL, "%zu "
		    "MTA-STS records at _mta-sts.%s", nrec, domain);
		finding_explain(f, "With more than one v=STSv1 record, senders "
		    "assume there is no policy.");
		strvec_push(&f->remediation, "Keep exactly one record.");
		strvec_push(&f->references, REF_TXT);
	} else if (!first.valid) {
		f = finding_add(fl, "mtasts.txt_invalid", FINDING_FAIL, "The "
		    "MTA-STS record is invalid");
		finding_explain(f, "Senders ignore an invalid record, so the "
		    "policy is never fetched.");
		strvec_pushf(&f->evidence, "record: %s", first.text);
		for (size_t i = 0; i < first.errors.n; i++)
			strvec_push(&f->evidence, first.errors.v[i]);
		strvec_pushf(&f->remediation, "_mta-sts.%s. IN TXT \"v=STSv1; "
		    "id=20240101000000\"", domain);
		strvec_push(&f->references, REF_TXT);
	} else {
		f = finding_add(fl, "mtasts.txt", FINDING_PASS, "MTA-STS record "
		    "with id %s", first.id);
		strvec_pushf(&f->evidence, "record: %s", first.text);
		if (first.warnings.n > 0) {
			f = finding_add(fl, "mtasts.txt_syntax",
			    FINDING_WARNING, "The MTA-STS record bends its "
			    "grammar");
			finding_explain(f, "Lenient senders accept it; strict "
			    "ones may not.");
			for (size_t i = 0; i < first.warnings.n; i++)
				strvec_push(&f->evidence, first.warnings.v[i]);
			strvec_push(&f->references, REF_TXT);
		}
	}
	if (out != NULL && nrec == 1)
		*out = first;
	else
		mtasts_txt_clear(&first);
}

static bool
content_type_plain(const char *ct)
{
	size_t n;

	if (ct == NULL)
		return false;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	n = strcspn(ct, "; \t");
	return n == 10 && strncasecmp(ct, "text/plain", 10) == 0;
}

void
mtasts_judge_policy(const char *domain, const struct mtasts_fetch *fe,
    const char *const *mx, size_t nmx, struct finding_list *fl)
{
	struct mtasts_policy p;
	struct finding *f;
	char *example = example_policy(mx, nmx);
	bool unmatched = false;

	if (fe->error != NULL) {
		f = finding_add(fl, "mtasts.policy_fetch", fe->error_temporary ?
		    FINDING_TEMPERROR : FINDING_FAIL, "The MTA-STS policy could "
		    "not be fetched");
		finding_explain(f, "Senders that cannot fetch the policy over "
		    "HTTPS with a valid certificate for mta-sts.%s have no "
		    "policy to apply.", domain);
		strvec_pushf(&f->evidence, "%s: %s", fe->url ? fe->url :
		    "policy", fe->error);
		strvec_pushf(&f->remediation, "Serve the policy at "
		    "https://mta-sts.%s/.well-known/mta-sts.txt with a "
		    "certificate valid for mta-sts.%s.", domain, domain);
		strvec_push(&f->references, REF_FETCH);
		goto out;
	}
	if (fe->redirects > 0 || (fe->status >= 300 && fe->status < 400)) {
		f = finding_add(fl, "mtasts.policy_redirect", FINDING_FAIL, "The "
		    "policy URL redirects");
		finding_explain(f, "Senders must not follow HTTP redirects "
		    "when fetching the policy, so they get none.");
		strvec_pushf(&f->evidence, "%s: HTTP %d", fe->url ? fe->url :
		    "policy", fe->status);
		strvec_pushf(&f->remediation, "Serve the file directly at "
		    "https://mta-sts.%s/.well-known/mta-sts.txt.", domain);
		strvec_push(&f->references, REF_FETCH);
		goto out;
	}
	if (fe->status != 200) {
		bool temp = fe->status >= 500 && fe->status < 600;

		f = finding_add(fl, "mtasts.policy_status", temp ?
		    FINDING_TEMPERROR : FINDING_FAIL, "The policy URL answered "
		    "HTTP %d", fe->status);
		finding_explain(f, "Only a 200 response carries a policy.");
		strvec_pushf(&f->evidence, "%s: HTTP %d", fe->url ? fe->url :
		    "policy", fe->status);
		strvec_pushf(&f->remediation, "Serve this as "
		    "https://mta-sts.%s/.well-known/mta-sts.txt:\n%s", domain,
		    example);
		strvec_push(&f->references, REF_FETCH);
		goto out;
	}
	if (!content_type_plain(fe->content_type)) {
		char *ct = fe->content_type ? policy_printable_dup(
		    fe->content_type, strlen(fe->content_type)) : NULL;

		f = finding_add(fl, "mtasts.policy_content_type", FINDING_FAIL,
		    "The policy is served as %s, not text/plain", ct ? ct :
		    "(no Content-Type)");
		finding_explain(f, "Senders check that the policy is "
		    "text/plain and reject anything else.");
		strvec_push(&f->remediation, "Serve mta-sts.txt with "
		    "Content-Type: text/plain.");
		strvec_push(&f->references, REF_FETCH);
		free(ct);
	}
	if (fe->body_truncated || fe->body_len > MTASTS_POLICY_MAX) {
		f = finding_add(fl, "mtasts.policy_oversize", FINDING_FAIL, "The "
		    "policy is larger than 64 KiB");
		finding_explain(f, "Senders stop reading large policies; a "
		    "real one is a few hundred bytes.");
		strvec_pushf(&f->remediation, "Serve a short policy:\n%s",
		    example);
		strvec_push(&f->references, REF_FETCH);
		goto out;
	}
	mtasts_policy_parse(fe->body, fe->body_len, &p);
	if (!p.valid || p.errors.n > 0) {
		f = finding_add(fl, "mtasts.policy_invalid", p.valid ?
		    FINDING_WARNING : FINDING_FAIL, p.valid ? "The MTA-STS "
		    "policy has errors (it is still usable)" : "The MTA-STS "
		    "policy is invalid");
		finding_explain(f, "%s", p.valid ? "Senders skip the broken "
		    "lines." : "Senders cannot use it, so mail is delivered as "
		    "if there were no policy.");
		for (size_t i = 0; i < p.errors.n; i++)
			strvec_push(&f->evidence, p.errors.v[i]);
		strvec_pushf(&f->remediation, "Serve:\n%s", example);
		strvec_push(&f->references, REF_POLICY);
	}
	if (p.duplicates.n > 0) {
		f = finding_add(fl, "mtasts.policy_duplicate", FINDING_WARNING,
		    "A policy key other than mx appears twice");
		finding_explain(f, "Senders use the first and ignore the "
		    "others; make sure the first is the one you mean.");
		for (size_t i = 0; i < p.duplicates.n; i++)
			strvec_pushf(&f->evidence, "repeated: %s",
			    p.duplicates.v[i]);
		strvec_push(&f->references, REF_POLICY);
	}
	if (p.unknown.n > 0) {
		f = finding_add(fl, "mtasts.policy_unknown_key", FINDING_INFO,
		    "Unknown policy keys are ignored");
		for (size_t i = 0; i < p.unknown.n; i++)
			strvec_pushf(&f->evidence, "unknown: %s",
			    p.unknown.v[i]);
		strvec_push(&f->references, REF_POLICY);
	}
	if (!p.valid)
		goto clear;
	switch (p.mode) {
	case MTASTS_MODE_ENFORCE:
		f = finding_add(fl, "mtasts.mode", FINDING_PASS, "MTA-STS policy "
		    "in enforce mode (max_age %lu s)", p.max_age);
		break;
	case MTASTS_MODE_TESTING:
		f = finding_add(fl, "mtasts.mode", FINDING_INFO, "MTA-STS policy "
		    "in testing mode");
		finding_explain(f, "Senders report failures (with TLS-RPT) but "
		    "still deliver; switch to mode: enforce once reports are "
		    "clean.");
		break;
	default:
		f = finding_add(fl, "mtasts.mode", FINDING_INFO, "MTA-STS policy "
		    "mode none: the policy is withdrawn");
		break;
	}
	strvec_push(&f->references, REF_POLICY);
	if (p.max_age < 86400) {
		f = finding_add(fl, "mtasts.max_age_short", FINDING_WARNING,
		    "max_age is only %lu seconds", p.max_age);
		finding_explain(f, "Senders forget the policy after max_age; "
		    "a short one leaves a window for downgrade attacks. RFC "
		    "8461 expects weeks (e.g. 604800 or more).");
		strvec_push(&f->remediation, "Set max_age: 604800 (one week) "
		    "or more.");
		strvec_push(&f->references, REF_POLICY);
	}
	if (p.mode != MTASTS_MODE_NONE && nmx > 0) {
		for (size_t i = 0; i < nmx; i++) {
			if (mtasts_policy_match(&p, mx[i]) >= 0)
				continue;
			unmatched = true;
			f = finding_add(fl, "mtasts.mx_unmatched",
			    p.mode == MTASTS_MODE_ENFORCE ? FINDING_FAIL :
			    FINDING_WARNING, "MX %s matches no mx pattern of "
			    "the policy", mx[i]);
			finding_explain(f, "%s", p.mode == MTASTS_MODE_ENFORCE ?
			    "In enforce mode, MTA-STS senders refuse to deliver "
			    "to an MX the policy does not list." : "In testing "
			    "mode, senders report this MX as a failure.");
			for (size_t k = 0; k < p.mx.n; k++)
				strvec_pushf(&f->evidence, "mx: %s",
				    p.mx.v[k]);
			strvec_pushf(&f->remediation, "Add \"mx: %s\" to the "
			    "policy and change the id of _mta-sts.%s.", mx[i],
			    domain);
			strvec_push(&f->references, REF_MATCH);
		}
		if (!unmatched) {
			f = finding_add(fl, "mtasts.mx_matched", FINDING_PASS,
			    "Every MX host matches the policy");
			for (size_t i = 0; i < nmx; i++)
				strvec_pushf(&f->evidence, "MX %s", mx[i]);
		}
		for (size_t k = 0; k < p.mx.n; k++) {
			bool used = false;

			for (size_t i = 0; i < nmx && !used; i++)
				used = mtasts_mx_match(p.mx.v[k], mx[i]);
			if (used)
				continue;
			f = finding_add(fl, "mtasts.mx_pattern_unused",
			    FINDING_INFO, "Policy pattern %s matches no MX",
			    p.mx.v[k]);
			finding_explain(f, "A stale entry is harmless, but it "
			    "lets that host receive your mail under the "
			    "policy.");
		}
	}
clear:
	mtasts_policy_clear(&p);
out:
	free(example);
}
