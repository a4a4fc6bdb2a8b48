/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the identity judgement: recorded facts in, findings out.
 * Each case builds the facts a run would have gathered (DNS answers and an
 * SMTP session parsed from real reply text) and checks iprev, alignment,
 * the finding codes and their statuses, and that every finding is worded.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "check/advice.h"
#include "check/identity.h"

/* ---- building facts ---- */

static void
ans_ptr(struct dns_answer *a, const char *rev, enum dns_outcome o,
    const char *names)
{
	dns_answer_init(a, rev, DNS_T_PTR, o);
	if (names == NULL)
		return;
	a->rr = calloc(8, sizeof(*a->rr));
	for (const char *p = names; *p; ) {
		const char *sp = strchr(p, ' ');
		size_t len = sp ? (size_t)(sp - p) : strlen(p);
		struct dns_rr *rr = &a->rr[a->nrr++];

		rr->type = DNS_T_PTR;
		rr->ttl = 3600;
		rr->u.target = strndup(p, len);
		p += len + (sp != NULL);
	}
}

static void
ans_soa(struct dns_answer *a, const char *zone, const char *mname,
    const char *rname)
{
	a->has_soa = true;
	dns_str_set(&a->soa_zone, zone);
	dns_str_set(&a->soa.mname, mname);
	dns_str_set(&a->soa.rname, rname);
	a->soa.minimum = 300;
	a->soa_ttl = 300;
}

/* Forward lookup of name: addrs is a space-separated list, or NULL with
 * outcome o. */
static void
fwd_set(struct identity_facts *f, struct identity_forward *fw,
    const char *name, enum dns_outcome o, const char *addrs)
{
	fw->name = strdup(name);
	dns_answer_init(&fw->ans, name, DNS_T_A, o);
	fw->done = true;
	if (addrs != NULL) {
		char buf[256], *save = NULL;

		snprintf(buf, sizeof(buf), "%s", addrs);
		fw->ans.rr = calloc(8, sizeof(*fw->ans.rr));
		for (char *t = strtok_r(buf, " ", &save); t;
		    t = strtok_r(NULL, " ", &save)) {
			struct dns_rr *rr = &fw->ans.rr[fw->ans.nrr++];

			rr->type = DNS_T_A;
			rr->ttl = 300;
			assert_int_equal(inet_pton(AF_INET, t, &rr->u.a), 1);
		}
	}
	fw->confirms = identity_answer_has_addr(&fw->ans, f->af, &f->addr);
}

static void
reply_parse(struct smtp_reply *r, const char *text)
{
	struct smtp_reply_parser p;
	size_t used;

	smtp_reply_parser_init(&p);
	assert_int_equal(smtp_reply_parser_feed(&p, text, strlen(text), &used),
	    SMTP_PARSE_DONE);
	smtp_reply_parser_take(&p, r);
}

static void
facts_init(struct identity_facts *f, const char *addr)
{
	memset(f, 0, sizeof(*f));
	f->fwd = xcalloc(IDENTITY_PTR_MAX, sizeof(*f->fwd));
	f->af = AF_INET;
	assert_int_equal(inet_pton(AF_INET, addr, &f->addr.v4), 1);
	snprintf(f->address, sizeof(f->address), "%s", addr);
	snprintf(f->target, sizeof(f->target), "%s", addr);
	f->port = 25;
	dns_reverse_name(AF_INET, &f->addr.v4, f->revname, sizeof(f->revname));
	snprintf(f->ehlo_sent, sizeof(f->ehlo_sent), "checker.example.net");
	f->smtp.connect_ms = f->smtp.greeting_ms = -1;
}

/* A session that went through: greeting and EHLO texts as sent. */
static void
facts_smtp(struct identity_facts *f, const char *greeting, const char *ehlo,
    long delay_ms)
{
	struct smtp_probe_result *s = &f->smtp;

	f->smtp_done = true;
	s->status = SMTP_PROBE_OK;
	s->phase = SMTP_PHASE_DONE;
	s->connect_ms = 1;
	s->greeting_ms = delay_ms;
	s->has_greeting = true;
	reply_parse(&s->greeting, greeting);
	smtp_reply_hostname(&s->greeting, s->banner_hostname,
	    sizeof(s->banner_hostname));
	if (ehlo) {
		s->has_ehlo = true;
		reply_parse(&s->ehlo, ehlo);
		smtp_caps_parse(&s->ehlo, &s->caps);
		smtp_reply_hostname(&s->ehlo, s->ehlo_hostname,
		    sizeof(s->ehlo_hostname));
	}
	s->mta = smtp_detect_mta(&s->greeting, ehlo ? &s->ehlo : NULL);
}

/* ---- checking verdicts ---- */

static enum finding_status
status_of(const struct identity_verdict *v, const char *code)
{
	const struct finding *fd = finding_list_find(&v->findings, code);

	if (fd == NULL)
		fail_msg("finding %s missing", code);
	return fd->status;
}

static void
assert_absent(const struct identity_verdict *v, const char *code)
{
	if (finding_list_find(&v->findings, code) != NULL)
		fail_msg("finding %s present", code);
}

/* Every finding judge.c emits must be worded by advice.c. */
static void
assert_worded(const struct identity_verdict *v)
{
	for (size_t i = 0; i < v->findings.n; i++) {
		const struct finding *fd = v->findings.v[i];

		if (!advice_known_code(fd->code))
			fail_msg("no advice for %s", fd->code);
		if (fd->explanation[0] == '\0')
			fail_msg("%s has no explanation", fd->code);
		if ((fd->status == FINDING_FAIL ||
		    fd->status == FINDING_WARNING) && fd->remediation.n == 0 &&
		    strcmp(fd->code, "smtp.unsolicited") != 0 &&
		    strcmp(fd->code, "smtp.bare_lf") != 0)
			fail_msg("%s fails without remediation", fd->code);
	}
}

static bool
remediation_mentions(const struct identity_verdict *v, const char *code,
    const char *needle)
{
	const struct finding *fd = finding_list_find(&v->findings, code);

	for (size_t i = 0; fd && i < fd->remediation.n; i++)
		if (strstr(fd->remediation.v[i], needle))
			return true;
	return false;
}

static bool
trips(const struct identity_verdict *v, const char *code, const char *rule)
{
	const struct finding *fd = finding_list_find(&v->findings, code);

	for (size_t i = 0; fd && i < fd->ntrips; i++)
		if (strcmp(fd->trips[i].rule, rule) == 0)
			return true;
	return false;
}

static void
test_aligned(void **state)
{
	struct identity_facts f;
	struct identity_verdict v;

	facts_init(&f, "192.0.2.1");
	ans_ptr(&f.ptr, f.revname, DNS_OUT_ANSWER, "mail.example.com");
	fwd_set(&f, &f.fwd[f.nfwd++], "mail.example.com", DNS_OUT_ANSWER,
	    "192.0.2.1");
	facts_smtp(&f, "220 mail.example.com ESMTP Postfix (Debian/GNU)\r\n",
	    "250-mail.example.com\r\n250-PIPELINING\r\n250 STARTTLS\r\n", 12);
	fwd_set(&f, &f.banner_fwd, "mail.example.com", DNS_OUT_ANSWER,
	    "192.0.2.1");
	identity_judge(&f, &v);
	assert_int_equal(v.iprev, IPREV_PASS);
	assert_true(v.aligned);
	assert_int_equal(status_of(&v, "ptr.present"), FINDING_PASS);
	assert_int_equal(status_of(&v, "iprev.pass"), FINDING_PASS);
	assert_int_equal(status_of(&v, "banner.ptr_match"), FINDING_PASS);
	assert_int_equal(status_of(&v, "ehlo.ptr_match"), FINDING_PASS);
	/* Same name in banner and EHLO: one forward verdict, on EHLO. */
	assert_int_equal(status_of(&v, "ehlo.forward_match"), FINDING_PASS);
	assert_absent(&v, "banner.forward_match");
	assert_int_equal(status_of(&v, "smtp.starttls"), FINDING_PASS);
	assert_int_equal(status_of(&v, "identity.aligned"), FINDING_PASS);
	assert_int_equal(finding_list_worst(&v.findings), FINDING_PASS);
	assert_worded(&v);
	identity_verdict_clear(&v);
	identity_facts_clear(&f);
}

static void
test_banner_mismatch_postfix(void **state)
{
	struct identity_facts f;
	struct identity_verdict v;

	facts_init(&f, "192.0.2.3");
	ans_ptr(&f.ptr, f.revname, DNS_OUT_ANSWER, "host3.example.com");
	fwd_set(&f, &f.fwd[f.nfwd++], "host3.example.com", DNS_OUT_ANSWER,
	    "192.0.2.3");
	facts_smtp(&f, "220 mail.example.com ESMTP Postfix\r\n",
	    "250-mail.example.com\r\n250 STARTTLS\r\n", 5);
	fwd_set(&f, &f.banner_fwd, "mail.example.com", DNS_OUT_ANSWER,
	    "192.0.2.2");
	identity_judge(&f, &v);
	assert_int_equal(v.iprev, IPREV_PASS);
	assert_false(v.aligned);
	assert_int_equal(status_of(&v, "banner.ptr_mismatch"), FINDING_WARNING);
	assert_int_equal(status_of(&v, "ehlo.ptr_mismatch"), FINDING_WARNING);
	assert_int_equal(status_of(&v, "ehlo.forward_mismatch"),
	    FINDING_WARNING);
	assert_absent(&v, "banner.forward_mismatch");
	assert_true(remediation_mentions(&v, "banner.ptr_mismatch",
	    "myhostname = host3.example.com"));
	assert_true(remediation_mentions(&v, "ehlo.ptr_mismatch",
	    "smtp_helo_name"));
	assert_true(remediation_mentions(&v, "ehlo.ptr_mismatch",
	    "another machine's name"));
	/* The name resolves, to another address: only the A-mismatch rule. */
	assert_true(trips(&v, "ehlo.forward_mismatch", "HFILTER_HELO_IP_A"));
	assert_false(trips(&v, "ehlo.forward_mismatch",
	    "reject_unknown_helo_hostname"));
	assert_absent(&v, "identity.aligned");
	assert_worded(&v);
	identity_verdict_clear(&v);
	identity_facts_clear(&f);
}

static void
test_no_ptr_undelegated(void **state)
{
	struct identity_facts f;
	struct identity_verdict v;

	facts_init(&f, "203.0.113.9");
	ans_ptr(&f.ptr, f.revname, DNS_OUT_NXDOMAIN, NULL);
	ans_soa(&f.ptr, ".", "a.root-servers.net", "nstld.verisign-grs.com");
	f.smtp_skipped = true;
	identity_judge(&f, &v);
	assert_int_equal(v.iprev, IPREV_FAIL);
	assert_false(v.aligned);
	assert_int_equal(status_of(&v, "ptr.none"), FINDING_FAIL);
	assert_int_equal(status_of(&v, "rdns.undelegated"), FINDING_FAIL);
	assert_int_equal(status_of(&v, "smtp.skipped"), FINDING_SKIPPED);
	assert_true(trips(&v, "ptr.none",
	    "reject_unknown_reverse_client_hostname"));
	assert_true(trips(&v, "ptr.none", "RDNS_NONE"));
	assert_absent(&v, "iprev.fail");
	assert_worded(&v);
	identity_verdict_clear(&v);
	identity_facts_clear(&f);
}

static void
test_no_ptr_provider_zone(void **state)
{
	struct identity_facts f;
	struct identity_verdict v;

	facts_init(&f, "198.51.100.7");
	ans_ptr(&f.ptr, f.revname, DNS_OUT_NXDOMAIN, NULL);
	ans_soa(&f.ptr, "100.51.198.in-addr.arpa", "ns1.your-server.de",
	    "dns.hetzner.com");
	f.smtp_skipped = true;
	identity_judge(&f, &v);
	assert_int_equal(status_of(&v, "rdns.zone_owner"), FINDING_INFO);
	assert_non_null(v.zone_provider);
	assert_string_equal(v.zone_provider->id, "hetzner");
	assert_true(remediation_mentions(&v, "ptr.none", "Hetzner"));
	assert_absent(&v, "rdns.undelegated");
	assert_worded(&v);
	identity_verdict_clear(&v);
	identity_facts_clear(&f);
}

static void
test_fcrdns_fail(void **state)
{
	struct identity_facts f;
	struct identity_verdict v;

	facts_init(&f, "192.0.2.5");
	ans_ptr(&f.ptr, f.revname, DNS_OUT_ANSWER, "broken.example.com");
	fwd_set(&f, &f.fwd[f.nfwd++], "broken.example.com", DNS_OUT_ANSWER,
	    "192.0.2.99");
	f.smtp_skipped = true;
	identity_judge(&f, &v);
	assert_int_equal(v.iprev, IPREV_FAIL);
	assert_int_equal(status_of(&v, "iprev.fail"), FINDING_FAIL);
	assert_true(trips(&v, "iprev.fail", "reject_unknown_client_hostname"));
	assert_false(trips(&v, "iprev.fail",
	    "reject_unknown_reverse_client_hostname"));
	assert_true(remediation_mentions(&v, "iprev.fail",
	    "A broken.example.com -> 192.0.2.5"));
	assert_worded(&v);
	identity_verdict_clear(&v);
	identity_facts_clear(&f);
}

/* With a PTR, the SOA query names the reverse zone's operator, and the
 * remediation sends the user there. */
static void
test_reverse_zone_from_soa_query(void **state)
{
	struct identity_facts f;
	struct identity_verdict v;

	facts_init(&f, "198.51.100.9");
	ans_ptr(&f.ptr, f.revname, DNS_OUT_ANSWER, "old-name.example.com");
	fwd_set(&f, &f.fwd[f.nfwd++], "old-name.example.com", DNS_OUT_NXDOMAIN,
	    NULL);
	dns_answer_init(&f.rzone, f.revname, DNS_T_SOA, DNS_OUT_NODATA);
	ans_soa(&f.rzone, "100.51.198.in-addr.arpa", "ns1.your-server.de",
	    "dns.hetzner.com");
	f.rzone_done = true;
	f.smtp_skipped = true;
	identity_judge(&f, &v);
	assert_non_null(v.rzone_name);
	assert_string_equal(v.rzone_name, "100.51.198.in-addr.arpa");
	assert_string_equal(v.zone_provider->id, "hetzner");
	assert_int_equal(status_of(&v, "iprev.fail"), FINDING_FAIL);
	assert_true(remediation_mentions(&v, "iprev.fail",
	    "100.51.198.in-addr.arpa"));
	assert_true(remediation_mentions(&v, "iprev.fail", "Hetzner"));
	/* A forward NXDOMAIN: the fix is to publish the A record. */
	assert_true(remediation_mentions(&v, "iprev.fail",
	    "A old-name.example.com -> 198.51.100.9"));
	assert_worded(&v);
	identity_verdict_clear(&v);
	identity_facts_clear(&f);
}

static void
test_temperror_stays(void **state)
{
	static const enum dns_outcome temp[] = {
		DNS_OUT_SERVFAIL, DNS_OUT_TIMEOUT, DNS_OUT_REFUSED,
	};

	for (size_t i = 0; i < sizeof(temp) / sizeof(temp[0]); i++) {
		struct identity_facts f;
		struct identity_verdict v;

		facts_init(&f, "192.0.2.7");
		ans_ptr(&f.ptr, f.revname, temp[i], NULL);
		f.smtp_skipped = true;
		identity_judge(&f, &v);
		assert_int_equal(v.iprev, IPREV_TEMPERROR);
		assert_int_equal(status_of(&v, "ptr.temperror"),
		    FINDING_TEMPERROR);
		assert_absent(&v, "ptr.none");
		assert_int_equal(finding_list_worst(&v.findings),
		    FINDING_TEMPERROR);
		assert_worded(&v);
		identity_verdict_clear(&v);
		identity_facts_clear(&f);
	}
	/* A PTR that answers, with its forward lookup timing out. */
	{
		struct identity_facts f;
		struct identity_verdict v;

		facts_init(&f, "192.0.2.8");
		ans_ptr(&f.ptr, f.revname, DNS_OUT_ANSWER, "mail.example.com");
		fwd_set(&f, &f.fwd[f.nfwd++], "mail.example.com",
		    DNS_OUT_TIMEOUT, NULL);
		f.smtp_skipped = true;
		identity_judge(&f, &v);
		assert_int_equal(v.iprev, IPREV_TEMPERROR);
		assert_int_equal(status_of(&v, "iprev.temperror"),
		    FINDING_TEMPERROR);
		assert_worded(&v);
		identity_verdict_clear(&v);
		identity_facts_clear(&f);
	}
}

static void
test_multiple_ptr(void **state)
{
	struct identity_facts f;
	struct identity_verdict v;

	facts_init(&f, "192.0.2.6");
	ans_ptr(&f.ptr, f.revname, DNS_OUT_ANSWER, "a.example.com b.example.com");
	fwd_set(&f, &f.fwd[f.nfwd++], "a.example.com", DNS_OUT_ANSWER,
	    "192.0.2.6");
	fwd_set(&f, &f.fwd[f.nfwd++], "b.example.com", DNS_OUT_NXDOMAIN, NULL);
	f.smtp_skipped = true;
	identity_judge(&f, &v);
	assert_int_equal(v.iprev, IPREV_PASS);
	assert_int_equal(status_of(&v, "ptr.multiple"), FINDING_WARNING);
	assert_absent(&v, "ptr.present");
	assert_worded(&v);
	identity_verdict_clear(&v);
	identity_facts_clear(&f);
}

static void
test_banner_without_hostname(void **state)
{
	struct identity_facts f;
	struct identity_verdict v;

	facts_init(&f, "192.0.2.8");
	ans_ptr(&f.ptr, f.revname, DNS_OUT_ANSWER, "nobanner.example.com");
	fwd_set(&f, &f.fwd[f.nfwd++], "nobanner.example.com", DNS_OUT_ANSWER,
	    "192.0.2.8");
	facts_smtp(&f, "220 ESMTP ready\r\n",
	    "250-nobanner.example.com\r\n250 STARTTLS\r\n", 3);
	fwd_set(&f, &f.ehlo_fwd, "nobanner.example.com", DNS_OUT_ANSWER,
	    "192.0.2.8");
	identity_judge(&f, &v);
	assert_int_equal(status_of(&v, "banner.no_hostname"), FINDING_INFO);
	assert_absent(&v, "banner.ptr_mismatch");
	assert_int_equal(status_of(&v, "ehlo.ptr_match"), FINDING_PASS);
	assert_int_equal(status_of(&v, "ehlo.forward_match"), FINDING_PASS);
	assert_true(v.aligned);
	assert_worded(&v);
	identity_verdict_clear(&v);
	identity_facts_clear(&f);
}

static void
test_generic_and_localhost(void **state)
{
	struct identity_facts f;
	struct identity_verdict v;

	facts_init(&f, "192.0.2.30");
	ans_ptr(&f.ptr, f.revname, DNS_OUT_ANSWER,
	    "ec2-192-0-2-30.compute-1.amazonaws.com");
	fwd_set(&f, &f.fwd[f.nfwd++], "ec2-192-0-2-30.compute-1.amazonaws.com",
	    DNS_OUT_ANSWER, "192.0.2.30");
	facts_smtp(&f, "220 localhost.localdomain ESMTP Exim 4.96\r\n",
	    "250-localhost.localdomain Hello\r\n250 HELP\r\n", 4000);
	identity_judge(&f, &v);
	assert_int_equal(v.iprev, IPREV_PASS);
	assert_int_equal(status_of(&v, "ptr.generic"), FINDING_WARNING);
	assert_int_equal(v.generic.kind, GENERIC_CLOUD_DEFAULT);
	assert_string_equal(v.generic.provider->id, "aws");
	assert_true(remediation_mentions(&v, "ptr.generic", "Amazon"));
	assert_int_equal(status_of(&v, "banner.not_fqdn"), FINDING_FAIL);
	assert_true(remediation_mentions(&v, "banner.not_fqdn",
	    "primary_hostname"));
	assert_int_equal(status_of(&v, "smtp.greeting_delay"), FINDING_INFO);
	assert_int_equal(status_of(&v, "smtp.starttls"), FINDING_WARNING);
	assert_false(v.aligned);
	assert_worded(&v);
	identity_verdict_clear(&v);
	identity_facts_clear(&f);
}

static void
test_smtp_failures(void **state)
{
	static const struct {
		enum smtp_probe_status	 st;
		enum smtp_probe_phase	 ph;
		const char		*code;
		enum finding_status	 want;
	} cases[] = {
		{ SMTP_PROBE_REFUSED, SMTP_PHASE_CONNECT, "smtp.connect",
		  FINDING_TEMPERROR },
		{ SMTP_PROBE_TIMEOUT, SMTP_PHASE_CONNECT, "smtp.connect",
		  FINDING_TEMPERROR },
		{ SMTP_PROBE_TIMEOUT, SMTP_PHASE_GREETING,
		  "smtp.greeting_timeout", FINDING_TEMPERROR },
		{ SMTP_PROBE_CLOSED, SMTP_PHASE_GREETING, "smtp.closed",
		  FINDING_TEMPERROR },
		{ SMTP_PROBE_PROTOCOL, SMTP_PHASE_GREETING, "smtp.protocol",
		  FINDING_PERMERROR },
		{ SMTP_PROBE_BUSY, SMTP_PHASE_GREETING, "smtp.busy",
		  FINDING_TEMPERROR },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct identity_facts f;
		struct identity_verdict v;

		facts_init(&f, "192.0.2.13");
		ans_ptr(&f.ptr, f.revname, DNS_OUT_ANSWER, "mx.example.com");
		fwd_set(&f, &f.fwd[f.nfwd++], "mx.example.com",
		    DNS_OUT_ANSWER, "192.0.2.13");
		f.smtp_done = true;
		f.smtp.status = cases[i].st;
		f.smtp.phase = cases[i].ph;
		snprintf(f.smtp.error, sizeof(f.smtp.error), "detail");
		identity_judge(&f, &v);
		assert_int_equal(status_of(&v, cases[i].code), cases[i].want);
		assert_false(v.aligned);
		assert_absent(&v, "banner.ptr_mismatch");
		assert_worded(&v);
		identity_verdict_clear(&v);
		identity_facts_clear(&f);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aligned),
		cmocka_unit_test(test_banner_mismatch_postfix),
		cmocka_unit_test(test_no_ptr_undelegated),
		cmocka_unit_test(test_no_ptr_provider_zone),
		cmocka_unit_test(test_fcrdns_fail),
		cmocka_unit_test(test_reverse_zone_from_soa_query),
		cmocka_unit_test(test_temperror_stays),
		cmocka_unit_test(test_multiple_ptr),
		cmocka_unit_test(test_banner_without_hostname),
		cmocka_unit_test(test_generic_and_localhost),
		cmocka_unit_test(test_smtp_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
