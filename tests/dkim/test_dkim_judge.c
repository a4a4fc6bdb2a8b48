/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the DKIM judgement (dkim/judge.c) and the report's
 * lookups (dkim/check.c): a table of records with the finding codes and
 * statuses each must produce, then whole reports answered from memory
 * (tests/support/memdns) for discovery, CNAMEs, several records,
 * temporary failures, and the JSON rendering.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dkim/dkim.h"
#include "memdns.h"

static char *
read_key(const char *name)
{
	const char *dir = getenv("DKIM_KEYS");
	char path[1024];
	char *buf = calloc(1, 4096);
	FILE *f;
	size_t n;

	assert_non_null(dir);
	assert_non_null(buf);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	n = fread(buf, 1, 4095, f);
	fclose(f);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return buf;
}

/* "code=status,code=status" of a list, in order. */
static void
codes_of(const struct finding_list *fl, char *out, size_t outlen)
{
	size_t off = 0;

	out[0] = '\0';
	for (size_t i = 0; i < fl->n && off < outlen; i++)
		off += (size_t)snprintf(out + off, outlen - off, "%s%s=%s",
		    i ? "," : "", fl->v[i]->code,
		    finding_status_name(fl->v[i]->status));
}

/* Every finding must be complete: title, explanation; problems say how
 * to fix them and cite something. */
static void
check_findings_complete(const struct finding_list *fl)
{
	for (size_t i = 0; i < fl->n; i++) {
		const struct finding *f = fl->v[i];

		assert_true(f->title[0] != '\0');
		assert_true(f->explanation[0] != '\0');
		if (f->status == FINDING_FAIL || f->status == FINDING_WARNING ||
		    f->status == FINDING_PERMERROR) {
			if (f->remediation.n == 0)
				fail_msg("%s has no remediation", f->code);
			if (f->references.n == 0)
				fail_msg("%s has no reference", f->code);
		}
		for (size_t k = 0; k < f->evidence.n; k++)
			for (const char *s = f->evidence.v[k]; *s; s++)
				assert_true(*s >= 0x20 && *s <= 0x7e);
	}
}

/* fmt with every "%s" replaced by key (no printf: the table is data). */
static void
subst_key(char *out, size_t outlen, const char *fmt, const char *key)
{
	size_t o = 0, kl = strlen(key);

	for (const char *p = fmt; *p != '\0'; p++) {
		if (p[0] == '%' && p[1] == 's') {
			assert_true(o + kl < outlen);
			memcpy(out + o, key, kl);
			o += kl;
			p++;
			continue;
		}
		assert_true(o + 1 < outlen);
		out[o++] = *p;
	}
	out[o] = '\0';
}

/* Records with "%s" standing for a key file's base64. */
static void
test_judge_records(void **state)
{
	static const struct {
		const char	*fmt;
		const char	*key;	/* file, or NULL */
		const char	*want;	/* selector findings */
		bool		 valid;
		const char	*domain;	/* domain-level findings */
	} cases[] = {
		{ "v=DKIM1; k=rsa; p=%s", "rsa2048.spki.b64", "dkim.key_ok=pass",
		  true, "dkim.found=pass" },
		{ "p=%s", "rsa4096.spki.b64", "dkim.key_ok=pass", true,
		  "dkim.found=pass" },
		{ "v=DKIM1; p=%s", "rsa1024.spki.b64", "dkim.key_weak=warning",
		  true, "dkim.found=pass" },
		{ "v=DKIM1; p=%s", "rsa512.spki.b64",
		  "dkim.key_too_small=fail", false, "dkim.no_valid_key=fail" },
		{ "v=DKIM1; p=%s", "rsa8192.spki.b64",
		  "dkim.key_too_large=warning", true, "dkim.found=pass" },
		{ "v=DKIM1; p=%s", "rsa2048.pkcs1.b64",
		  "dkim.key_pkcs1=warning,dkim.key_ok=pass", true,
		  "dkim.found=pass" },
		{ "v=DKIM1; k=ed25519; p=%s", "rfc8463-brisbane.b64",
		  "dkim.key_ok=pass", true,
		  "dkim.found=pass,dkim.ed25519_only=warning" },
		{ "v=DKIM1; k=rsa; p=%s", "rfc8463-test.b64",
		  "dkim.key_weak=warning", true, "dkim.found=pass" },
		{ "v=DKIM1; p=", NULL, "dkim.revoked=info", false,
		  "dkim.no_valid_key=fail" },
		{ "v=DKIM1; k=rsa; t=y; p=%s", "rsa2048.spki.b64",
		  "dkim.key_ok=pass,dkim.testing=warning", true,
		  "dkim.found=pass" },
		{ "v=DKIM1; t=s; p=%s", "rsa2048.spki.b64",
		  "dkim.key_ok=pass,dkim.strict=info", true, "dkim.found=pass" },
		{ "v=DKIM1; h=sha1; p=%s", "rsa2048.spki.b64",
		  "dkim.key_ok=pass,dkim.sha1_only=fail", false,
		  "dkim.no_valid_key=fail" },
		{ "v=DKIM1; h=sha1:sha256; p=%s", "rsa2048.spki.b64",
		  "dkim.key_ok=pass,dkim.sha1_listed=info", true,
		  "dkim.found=pass" },
		{ "v=DKIM1; h=md5; p=%s", "rsa2048.spki.b64",
		  "dkim.key_ok=pass,dkim.hash_unknown=fail", false,
		  "dkim.no_valid_key=fail" },
		{ "v=DKIM1; s=tlsrpt; p=%s", "rsa2048.spki.b64",
		  "dkim.key_ok=pass,dkim.not_for_email=fail", false,
		  "dkim.no_valid_key=fail" },
		{ "v=DKIM1; s=email; p=%s", "rsa2048.spki.b64",
		  "dkim.key_ok=pass", true, "dkim.found=pass" },
		{ "v=DKIM1; g=*; p=%s", "rsa2048.spki.b64",
		  "dkim.key_ok=pass,dkim.obsolete_tag=info", true,
		  "dkim.found=pass" },
		{ "v=DKIM1; x=1; p=%s", "rsa2048.spki.b64",
		  "dkim.key_ok=pass,dkim.unknown_tags=info", true,
		  "dkim.found=pass" },
		{ "v=DKIM2; p=%s", "rsa2048.spki.b64",
		  "dkim.version=permerror,dkim.key_ok=pass", false,
		  "dkim.no_valid_key=fail" },
		{ "k=rsa; v=DKIM1; p=%s", "rsa2048.spki.b64",
		  "dkim.version=permerror,dkim.key_ok=pass", false,
		  "dkim.no_valid_key=fail" },
		{ "v=DKIM1; k=rsa", NULL, "dkim.malformed=permerror", false,
		  "dkim.no_valid_key=fail" },
		{ "v=DKIM1; k=rsa; p", NULL, "dkim.malformed=permerror", false,
		  "dkim.no_valid_key=fail" },
		{ "v=DKIM1; p=%s; p=%s", "rsa2048.spki.b64",
		  "dkim.malformed=permerror", false, "dkim.no_valid_key=fail" },
		{ "v=DKIM1; k=foo; p=%s", "rsa2048.spki.b64",
		  "dkim.unknown_key_type=permerror", false,
		  "dkim.no_valid_key=fail" },
		{ "v=DKIM1; p=%s", "ed.raw.b64", "dkim.key_invalid=permerror",
		  false, "dkim.no_valid_key=fail" },
		{ "v=DKIM1; k=ed25519; p=%s", "ed.spki.b64",
		  "dkim.key_invalid=permerror", false, "dkim.no_valid_key=fail" },
		{ "v=DKIM1; p=%s", "ec.spki.b64", "dkim.key_invalid=permerror",
		  false, "dkim.no_valid_key=fail" },
		{ "v=DKIM1; p=MIIB!!!", NULL, "dkim.key_invalid=permerror", false,
		  "dkim.no_valid_key=fail" },
		/* whitespace inside p= (FWS) is allowed */
		{ "v=DKIM1; p= MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWR"
		  "iGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91"
		  "y3FutAC DfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9Pzox"
		  "ZyVYLzBfO2EeC3\tIp3G+2kryOTIKT+l/K4w3QIDAQAB ", NULL,
		  "dkim.key_weak=warning", true, "dkim.found=pass" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *sel[] = { "s1" };
		char *key = cases[i].key ? read_key(cases[i].key) : NULL;
		char rec[8192], got[1024];
		struct dkim_report *rep;
		char err[128];

		subst_key(rec, sizeof(rec), cases[i].fmt, key ? key : "");
		rep = dkim_report_new("example.com", sel, 1, err, sizeof(err));
		assert_non_null(rep);
		dkim_report_judge_record(rep, 0, rec, strlen(rec));
		dkim_report_finish(rep);
		codes_of(&rep->sel[0].findings, got, sizeof(got));
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("case %zu (%.60s): got %s, want %s", i, rec,
			    got, cases[i].want);
		if (rep->sel[0].valid != cases[i].valid)
			fail_msg("case %zu: valid %d", i, rep->sel[0].valid);
		codes_of(&rep->findings, got, sizeof(got));
		if (strcmp(got, cases[i].domain) != 0)
			fail_msg("case %zu (%.60s): domain got %s, want %s", i,
			    rec, got, cases[i].domain);
		assert_true(rep->draft);
		check_findings_complete(&rep->sel[0].findings);
		check_findings_complete(&rep->findings);
		json_decref(dkim_report_json(rep));
		dkim_report_free(rep);
		free(key);
	}
}

/* Bytes a DNS peer may send: NUL and 8-bit octets never reach the
 * findings unescaped. */
static void
test_judge_hostile(void **state)
{
	static const char rec[] = "v=DKIM1; n=\x01\xff; p=\0AAAA";
	const char *sel[] = { "s1" };
	char err[128];
	struct dkim_report *rep = dkim_report_new("example.com", sel, 1, err,
	    sizeof(err));
	json_t *j;
	char *dump;

	dkim_report_judge_record(rep, 0, rec, sizeof(rec) - 1);
	dkim_report_finish(rep);
	assert_string_equal(rep->sel[0].findings.v[0]->code, "dkim.malformed");
	check_findings_complete(&rep->sel[0].findings);
	j = dkim_report_json(rep);
	dump = json_dumps(j, 0);
	assert_non_null(dump);
	assert_non_null(strstr(dump, "\\\\x00"));
	free(dump);
	json_decref(j);
	dkim_report_free(rep);
}

static void
test_report_new(void **state)
{
	const char *ok[] = { "s1", "a.b-c", "20161025154128pm", "k_1" };
	const char *bad1[] = { "" };
	const char *bad2[] = { "-a" };
	const char *bad3[] = { "a..b" };
	const char *bad4[] = { "a b" };
	const char *bad5[] = { "a/b" };
	char err[128];
	struct dkim_report *rep;
	size_t n;

	rep = dkim_report_new("Example.COM.", ok, 4, err, sizeof(err));
	assert_non_null(rep);
	assert_string_equal(rep->domain, "Example.COM");
	assert_string_equal(rep->sel[1].name, "a.b-c._domainkey.Example.COM");
	assert_true(rep->explicit_selectors);
	dkim_report_free(rep);
	dkim_report_free(NULL);

	rep = dkim_report_new("example.com", NULL, 0, err, sizeof(err));
	assert_non_null(rep);
	dkim_default_selectors(&n);
	assert_int_equal(rep->n, n);
	assert_false(rep->explicit_selectors);
	assert_string_equal(rep->sel[0].selector, "google");
	dkim_report_free(rep);

	assert_null(dkim_report_new("example.com", bad1, 1, err, sizeof(err)));
	assert_null(dkim_report_new("example.com", bad2, 1, err, sizeof(err)));
	assert_null(dkim_report_new("example.com", bad3, 1, err, sizeof(err)));
	assert_null(dkim_report_new("example.com", bad4, 1, err, sizeof(err)));
	assert_null(dkim_report_new("example.com", bad5, 1, err, sizeof(err)));
	assert_null(dkim_report_new("not a domain", ok, 1, err, sizeof(err)));
	assert_null(dkim_report_new("", ok, 1, err, sizeof(err)));
	assert_true(err[0] != '\0');
	assert_null(dkim_report_new("example.com", ok, DKIM_SELECTORS_MAX + 1,
	    err, sizeof(err)));
}

static void
test_default_selectors(void **state)
{
	size_t n;
	const char *const *s = dkim_default_selectors(&n);

	assert_true(n > 10 && n <= DKIM_SELECTORS_MAX);
	for (size_t i = 0; i < n; i++) {
		assert_true(dkim_selector_valid(s[i]));
		for (size_t k = 0; k < i; k++)
			assert_true(strcmp(s[i], s[k]) != 0);
	}
}

struct done {
	int	calls;
};

static void
on_done(struct dkim_report *rep, void *arg)
{
	struct done *d = arg;

	(void)rep;
	d->calls++;
}

/* A report run over memdns; returns it for inspection. */
static struct dkim_report *
run(struct memdns *m, const char *domain, const char *const *sel, size_t n)
{
	struct done d = { 0 };
	char err[128];
	struct dkim_report *rep = dkim_report_new(domain, sel, n, err,
	    sizeof(err));

	assert_non_null(rep);
	dkim_report_lookup(rep, memdns_lookup(m), on_done, &d);
	assert_int_equal(d.calls, 0);	/* never from inside */
	memdns_run(m);
	assert_int_equal(d.calls, 1);
	for (size_t i = 0; i < rep->n; i++) {
		assert_true(rep->sel[i].done);
		check_findings_complete(&rep->sel[i].findings);
	}
	check_findings_complete(&rep->findings);
	return rep;
}

static void
test_lookup_discovery(void **state)
{
	struct memdns *m = memdns_new();
	char *k2048 = read_key("rsa2048.spki.b64"), *k1024 =
	    read_key("rsa1024.spki.b64");
	char rec[1024];
	const char *strs[2];
	struct dkim_report *rep;
	char got[1024];
	size_t n;

	/* selector1 through a CNAME, as Microsoft 365 publishes it; the
	 * long record split into two strings. */
	memdns_add_cname(m, "selector1._domainkey.example.com",
	    "selector1-example-com._domainkey.example.onmicrosoft.com");
	snprintf(rec, sizeof(rec), "v=DKIM1; k=rsa; p=%s", k2048);
	strs[0] = rec;
	strs[1] = "";
	memdns_add_txt(m,
	    "selector1-example-com._domainkey.example.onmicrosoft.com", strs, 2);
	snprintf(rec, sizeof(rec), "v=DKIM1; p=%s", k1024);
	strs[0] = rec;
	memdns_add_txt(m, "google._domainkey.example.com", strs, 1);
	/* Not a key: the name exists with other records. */
	memdns_add_a(m, "mail._domainkey.example.com", "192.0.2.1");

	rep = run(m, "example.com", NULL, 0);
	dkim_default_selectors(&n);
	assert_int_equal(memdns_queries(m), n);
	assert_true(rep->sel[0].found);		/* google */
	assert_true(rep->sel[1].found);		/* selector1 */
	codes_of(&rep->sel[1].findings, got, sizeof(got));
	assert_string_equal(got, "dkim.cname=info,dkim.key_ok=pass");
	codes_of(&rep->sel[0].findings, got, sizeof(got));
	assert_string_equal(got, "dkim.key_weak=warning");
	/* Provider-specific remediation, from the selector name. */
	assert_non_null(strstr(rep->sel[0].findings.v[0]->remediation.v[0],
	    "Google Workspace"));
	codes_of(&rep->findings, got, sizeof(got));
	assert_string_equal(got, "dkim.found=pass");
	for (size_t i = 2; i < rep->n; i++) {
		assert_false(rep->sel[i].found);
		assert_int_equal(rep->sel[i].findings.n, 0);
	}
	assert_int_equal(dkim_report_worst(rep), FINDING_WARNING);
	dkim_report_free(rep);
	memdns_free(m);
	free(k2048);
	free(k1024);
}

static void
test_lookup_none(void **state)
{
	struct memdns *m = memdns_new();
	struct dkim_report *rep;
	const char *sel[] = { "s1", "s2" };
	char got[512];

	rep = run(m, "example.com", NULL, 0);
	codes_of(&rep->findings, got, sizeof(got));
	assert_string_equal(got, "dkim.none_found=warning");
	assert_non_null(strstr(rep->findings.v[0]->evidence.v[0], "selector1"));
	dkim_report_free(rep);

	/* Selectors given: each missing one is a failure of its own. */
	rep = run(m, "example.com", sel, 2);
	codes_of(&rep->sel[0].findings, got, sizeof(got));
	assert_string_equal(got, "dkim.selector_not_found=fail");
	codes_of(&rep->findings, got, sizeof(got));
	assert_string_equal(got, "");
	dkim_report_free(rep);
	memdns_free(m);
}

/* A wildcard TXT answers every guessed selector: not a key, nor a broken
 * one; a selector the user names is judged all the same. */
static void
test_lookup_wildcard(void **state)
{
	struct memdns *m = memdns_new();
	const char *spf[] = { "v=spf1 -all" };
	const char *ver[] = { "google-site-verification=abc" };
	const char *sel[] = { "google" };
	struct dkim_report *rep;
	char got[512];

	memdns_add_txt(m, "google._domainkey.example.com", spf, 1);
	memdns_add_txt(m, "selector1._domainkey.example.com", ver, 1);
	rep = run(m, "example.com", NULL, 0);
	assert_false(rep->sel[0].found);
	assert_true(rep->sel[0].foreign);
	assert_true(rep->sel[1].foreign);
	assert_int_equal(rep->sel[0].findings.n, 0);
	codes_of(&rep->findings, got, sizeof(got));
	assert_string_equal(got, "dkim.none_found=warning");
	assert_non_null(strstr(rep->findings.v[0]->evidence.v[1],
	    "not DKIM (a wildcard?): v=spf1 -all"));
	dkim_report_free(rep);

	rep = run(m, "example.com", sel, 1);
	assert_true(rep->sel[0].found);
	codes_of(&rep->sel[0].findings, got, sizeof(got));
	assert_string_equal(got, "dkim.malformed=permerror");
	dkim_report_free(rep);
	memdns_free(m);
}

static void
test_lookup_temperror(void **state)
{
	struct memdns *m = memdns_new();
	struct dkim_report *rep;
	char got[512];

	/* One selector times out, the rest do not exist: that is not "no
	 * key" (the one that failed may hold it), it is temperror. */
	memdns_set_outcome(m, "google._domainkey.example.com", 0,
	    DNS_OUT_TIMEOUT);
	memdns_set_outcome(m, "k1._domainkey.example.com", DNS_T_TXT,
	    DNS_OUT_SERVFAIL);
	memdns_set_outcome(m, "s1._domainkey.example.com", DNS_T_TXT,
	    DNS_OUT_FORMERR);
	rep = run(m, "example.com", NULL, 0);
	codes_of(&rep->sel[0].findings, got, sizeof(got));
	assert_string_equal(got, "dkim.temperror=temperror");
	codes_of(&rep->findings, got, sizeof(got));
	assert_string_equal(got, "");
	assert_int_equal(dkim_report_worst(rep), FINDING_TEMPERROR);
	for (size_t i = 0; i < rep->n; i++)
		if (strcmp(rep->sel[i].selector, "s1") == 0) {
			codes_of(&rep->sel[i].findings, got, sizeof(got));
			assert_string_equal(got, "dkim.dns_error=permerror");
		}
	dkim_report_free(rep);
	memdns_free(m);
}

static void
test_lookup_multiple(void **state)
{
	struct memdns *m = memdns_new();
	char *k = read_key("rsa2048.spki.b64");
	char rec[1024];
	const char *strs[1] = { rec };
	const char *sel[] = { "k1" };
	struct dkim_report *rep;
	char got[512];

	snprintf(rec, sizeof(rec), "v=DKIM1; p=%s", k);
	memdns_add_txt(m, "k1._domainkey.example.com", strs, 1);
	strs[0] = "v=DKIM1; p=";
	memdns_add_txt(m, "k1._domainkey.example.com", strs, 1);
	rep = run(m, "example.com", sel, 1);
	codes_of(&rep->sel[0].findings, got, sizeof(got));
	assert_string_equal(got, "dkim.multiple_records=fail,dkim.key_ok=pass");
	assert_false(rep->sel[0].valid);
	assert_int_equal(rep->sel[0].nrecords, 2);
	codes_of(&rep->findings, got, sizeof(got));
	assert_string_equal(got, "dkim.no_valid_key=fail");
	dkim_report_free(rep);
	memdns_free(m);
	free(k);
}

static void
test_json(void **state)
{
	struct memdns *m = memdns_new();
	char *k = read_key("rsa1024.spki.b64");
	char rec[1024];
	const char *strs[1] = { rec };
	const char *sel[] = { "s1", "s2" };
	struct dkim_report *rep;
	json_t *j, *s0, *s1;

	snprintf(rec, sizeof(rec), "v=DKIM1; t=y; h=sha256; n=note; p=%s", k);
	memdns_add_txt(m, "s1._domainkey.example.com", strs, 1);
	rep = run(m, "example.com", sel, 2);
	j = dkim_report_json(rep);
	assert_string_equal(json_string_value(json_object_get(j, "domain")),
	    "example.com");
	assert_false(json_is_true(json_object_get(j, "draft")));
	assert_false(json_is_true(json_object_get(j, "default_selectors")));
	s0 = json_array_get(json_object_get(j, "selectors"), 0);
	s1 = json_array_get(json_object_get(j, "selectors"), 1);
	assert_string_equal(json_string_value(json_object_get(s0, "name")),
	    "s1._domainkey.example.com");
	assert_true(json_is_true(json_object_get(s0, "found")));
	assert_int_equal(json_integer_value(json_object_get(s0, "bits")), 1024);
	assert_string_equal(json_string_value(json_object_get(s0, "key_type")),
	    "rsa");
	assert_string_equal(json_string_value(json_object_get(s0,
	    "key_format")), "spki");
	assert_true(json_is_true(json_object_get(s0, "testing")));
	assert_true(json_is_true(json_object_get(s0, "valid")));
	assert_string_equal(json_string_value(json_array_get(
	    json_object_get(s0, "hashes"), 0)), "sha256");
	assert_string_equal(json_string_value(json_object_get(s0, "notes")),
	    "note");
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(s0, "lookup"), "outcome")), "answer");
	assert_false(json_is_true(json_object_get(s1, "found")));
	assert_true(json_is_null(json_object_get(s1, "bits")));
	assert_true(json_is_null(json_object_get(s1, "record")));
	assert_string_equal(json_string_value(json_object_get(s1, "status")),
	    "fail");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j,
	    "summary"), "valid")), 1);
	json_decref(j);
	dkim_report_free(rep);
	memdns_free(m);
	free(k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_judge_records),
		cmocka_unit_test(test_judge_hostile),
		cmocka_unit_test(test_report_new),
		cmocka_unit_test(test_default_selectors),
		cmocka_unit_test(test_lookup_discovery),
		cmocka_unit_test(test_lookup_none),
		cmocka_unit_test(test_lookup_wildcard),
		cmocka_unit_test(test_lookup_temperror),
		cmocka_unit_test(test_lookup_multiple),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
