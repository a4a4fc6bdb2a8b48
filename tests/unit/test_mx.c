/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the MX facts and their judgement, from recorded answers.
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

#include "audit/mx.h"

/* An MX answer from "pref name pref name ..." (NULL: outcome only). */
static void
mx_answer(struct dns_answer *ans, enum dns_outcome o, const char *list)
{
	char buf[512], *save = NULL;

	dns_answer_init(ans, "example.com", DNS_T_MX, o);
	if (list == NULL)
		return;
	snprintf(buf, sizeof(buf), "%s", list);
	ans->rr = calloc(16, sizeof(*ans->rr));
	for (char *p = strtok_r(buf, " ", &save); p;
	    p = strtok_r(NULL, " ", &save)) {
		struct dns_rr *rr = &ans->rr[ans->nrr++];

		rr->type = DNS_T_MX;
		rr->u.mx.pref = (uint16_t)atoi(p);
		p = strtok_r(NULL, " ", &save);
		dns_str_set(&rr->u.mx.exchange, p);
	}
}

static void
host_addr(struct mx_host *h, enum dns_outcome o, const char *addr,
    const char *alias)
{
	dns_answer_init(&h->a, h->name, DNS_T_A, o);
	dns_answer_init(&h->aaaa, h->name, DNS_T_AAAA, DNS_OUT_NODATA);
	h->a_done = h->aaaa_done = true;
	if (addr) {
		h->a.rr = calloc(1, sizeof(*h->a.rr));
		h->a.rr[0].type = DNS_T_A;
		inet_pton(AF_INET, addr, &h->a.rr[0].u.a);
		h->a.nrr = 1;
	}
	if (alias)
		strvec_push(&h->a.chain, alias);
}

static const char *
codes(const struct finding_list *fl, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < fl->n; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s=%s", i ? " " : "",
		    fl->v[i]->code, finding_status_name(fl->v[i]->status));
	return buf;
}

static const struct {
	const char		*desc;
	enum dns_outcome	 outcome;
	const char		*mx;		/* NULL: none */
	enum dns_outcome	 host;		/* A outcome of every host */
	const char		*addr;		/* their address, or NULL */
	const char		*alias;		/* a CNAME hop, or NULL */
	const char		*want;		/* codes=status, in order */
	size_t			 nhosts;
} cases[] = {
	{ "one MX", DNS_OUT_ANSWER, "10 mx.example.com", DNS_OUT_ANSWER,
	  "192.0.2.1", NULL, "mx.records=pass", 1 },
	{ "sorted by preference", DNS_OUT_ANSWER,
	  "20 b.example.com 10 a.example.com", DNS_OUT_ANSWER, "192.0.2.1",
	  NULL, "mx.records=pass", 2 },
	{ "null MX", DNS_OUT_ANSWER, "0 .", DNS_OUT_ANSWER, NULL, NULL,
	  "mx.null=info", 0 },
	{ "implicit MX", DNS_OUT_NODATA, NULL, DNS_OUT_ANSWER, "192.0.2.1",
	  NULL, "mx.implicit=warning", 1 },
	{ "domain missing", DNS_OUT_NXDOMAIN, NULL, DNS_OUT_ANSWER, NULL,
	  NULL, "mx.nxdomain=fail", 0 },
	{ "MX lookup times out", DNS_OUT_TIMEOUT, NULL, DNS_OUT_ANSWER, NULL,
	  NULL, "mx.temperror=temperror", 0 },
	{ "MX lookup SERVFAIL", DNS_OUT_SERVFAIL, NULL, DNS_OUT_ANSWER, NULL,
	  NULL, "mx.temperror=temperror", 0 },
	{ "MX lookup FORMERR", DNS_OUT_FORMERR, NULL, DNS_OUT_ANSWER, NULL,
	  NULL, "mx.permerror=permerror", 0 },
	{ "address literal", DNS_OUT_ANSWER, "10 192.0.2.1", DNS_OUT_ANSWER,
	  NULL, NULL, "mx.records=pass mx.ip_literal=fail", 1 },
	{ "bracketed literal", DNS_OUT_ANSWER, "10 [192.0.2.1]",
	  DNS_OUT_ANSWER, NULL, NULL, "mx.records=pass mx.ip_literal=fail", 1 },
	{ "IPv6 literal", DNS_OUT_ANSWER, "10 2001:db8::1", DNS_OUT_ANSWER,
	  NULL, NULL, "mx.records=pass mx.ip_literal=fail", 1 },
	{ "host without address", DNS_OUT_ANSWER, "10 ghost.example.com",
	  DNS_OUT_NXDOMAIN, NULL, NULL, "mx.records=pass mx.no_address=fail",
	  1 },
	{ "host lookup times out", DNS_OUT_ANSWER, "10 mx.example.com",
	  DNS_OUT_TIMEOUT, NULL, NULL,
	  "mx.records=pass mx.host_temperror=temperror", 1 },
	{ "alias", DNS_OUT_ANSWER, "10 alias.example.com", DNS_OUT_ANSWER,
	  "192.0.2.1", "real.example.com", "mx.records=pass mx.cname=warning",
	  1 },
};

static void
test_mx_cases(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mx_facts f;
		struct dns_answer ans;
		struct finding_list fl = { 0 };
		char got[512];

		memset(&f, 0, sizeof(f));
		snprintf(f.domain, sizeof(f.domain), "example.com");
		mx_answer(&ans, cases[i].outcome, cases[i].mx);
		mx_facts_from_answer(&f, &ans);
		dns_answer_clear(&ans);
		for (size_t h = 0; h < f.nhosts; h++)
			if (!f.hosts[h].ip_literal)
				host_addr(&f.hosts[h], cases[i].host,
				    cases[i].addr, cases[i].alias);
		mx_judge(&f, &fl);
		if (strcmp(codes(&fl, got, sizeof(got)), cases[i].want) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", cases[i].desc,
			    got, cases[i].want);
		if (f.nhosts != cases[i].nhosts)
			fail_msg("%s: %zu hosts, want %zu", cases[i].desc,
			    f.nhosts, cases[i].nhosts);
		for (size_t k = 0; k < fl.n; k++)
			if (fl.v[k]->explanation[0] == '\0' ||
			    (fl.v[k]->status != FINDING_PASS &&
			    fl.v[k]->remediation.n == 0))
				fail_msg("%s: %s is not worded", cases[i].desc,
				    fl.v[k]->code);
		if (i == 1) {
			assert_string_equal(f.hosts[0].name, "a.example.com");
			assert_int_equal(f.hosts[0].pref, 10);
		}
		finding_list_clear(&fl);
		mx_facts_clear(&f);
	}
}

static void
test_name_is_address(void **state)
{
	assert_true(mx_name_is_address("192.0.2.1"));
	assert_true(mx_name_is_address("192.0.2.1."));
	assert_true(mx_name_is_address("2001:db8::1"));
	assert_true(mx_name_is_address("[192.0.2.1]"));
	assert_false(mx_name_is_address("mx.example.com"));
	assert_false(mx_name_is_address("1.example.com"));
	assert_false(mx_name_is_address("192.0.2.1.example.com"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mx_cases),
		cmocka_unit_test(test_name_is_address),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
