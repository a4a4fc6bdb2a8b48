/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for policyd's judgement (policyd/judge.c) and its lookups
 * (policyd/check.c, on answers served from memory): HELO forms, networks,
 * the safe copy of peer text, and a table of clients with the action each
 * mode must give. The rules that matter most are rows here: a temporary
 * failure never rejects permanently, a HELO never rejects, observe never
 * rejects.
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

#include "memdns.h"
#include "policyd/policyd.h"
#include "util/util.h"

/* ---- HELO forms ---- */

static const struct {
	const char		*helo;
	enum pd_helo_form	 form;
	bool			 literal_matches;
} helo_rows[] = {
	{ NULL, PD_HELO_NONE, false },
	{ "", PD_HELO_NONE, false },
	{ "mail.example.test", PD_HELO_NAME, false },
	{ "MAIL.Example.TEST.", PD_HELO_NAME, false },
	{ "a-b.c-d.example", PD_HELO_NAME, false },
	{ "mail", PD_HELO_NOT_FQDN, false },
	{ "mail.", PD_HELO_NOT_FQDN, false },
	{ "localhost", PD_HELO_LOCALHOST, false },
	{ "LOCALHOST.localdomain", PD_HELO_LOCALHOST, false },
	{ "localhostx.example", PD_HELO_NAME, false },
	{ "192.0.2.1", PD_HELO_BARE_IP, false },
	{ "2001:db8::1", PD_HELO_BARE_IP, false },
	{ "[192.0.2.1]", PD_HELO_LITERAL, true },
	{ "[192.0.2.2]", PD_HELO_LITERAL, false },
	{ "[IPv6:2001:db8::1]", PD_HELO_LITERAL, false },
	{ "[ipv6:2001:db8::1]", PD_HELO_LITERAL, false },
	{ "[192.0.2.300]", PD_HELO_INVALID, false },
	{ "[192.0.2.1", PD_HELO_INVALID, false },
	{ "[]", PD_HELO_INVALID, false },
	{ "[IPv6:]", PD_HELO_INVALID, false },
	{ "-bad.example", PD_HELO_INVALID, false },
	{ "bad-.example", PD_HELO_INVALID, false },
	{ "a..example", PD_HELO_INVALID, false },
	{ ".example", PD_HELO_INVALID, false },
	{ "under_score.example", PD_HELO_INVALID, false },
	{ "sp ace.example", PD_HELO_INVALID, false },
	{ "evil)(\"name", PD_HELO_INVALID, false },
	{ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    ".example", PD_HELO_INVALID, false },	/* a 64-octet label */
	{ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    ".example", PD_HELO_NAME, false },		/* 63 */
};

static void
test_helo_forms(void **state)
{
	struct in_addr a;

	inet_pton(AF_INET, "192.0.2.1", &a);
	for (size_t i = 0; i < UTIL_ARRAY_LEN(helo_rows); i++) {
		bool m = !helo_rows[i].literal_matches;
		enum pd_helo_form f = pd_helo_classify(helo_rows[i].helo,
		    AF_INET, &a, &m);

		if (f != helo_rows[i].form ||
		    m != helo_rows[i].literal_matches)
			fail_msg("\"%s\": %s (%d), want %s (%d)",
			    helo_rows[i].helo ? helo_rows[i].helo : "(null)",
			    pd_helo_form_name(f), m,
			    pd_helo_form_name(helo_rows[i].form),
			    helo_rows[i].literal_matches);
	}
}

static void
test_helo_v6_literal(void **state)
{
	struct in6_addr a;
	bool m = false;

	inet_pton(AF_INET6, "2001:db8::1", &a);
	assert_int_equal(pd_helo_classify("[IPv6:2001:DB8:0::1]", AF_INET6, &a,
	    &m), PD_HELO_LITERAL);
	assert_true(m);
	/* An IPv4 literal is never the IPv6 client. */
	assert_int_equal(pd_helo_classify("[192.0.2.1]", AF_INET6, &a, &m),
	    PD_HELO_LITERAL);
	assert_false(m);
}

/* ---- networks ---- */

static const struct {
	const char	*net;
	const char	*addr;
	bool		 ok;
	bool		 in;
} net_rows[] = {
	{ "192.0.2.0/24", "192.0.2.200", true, true },
	{ "192.0.2.0/24", "192.0.3.1", true, false },
	{ "192.0.2.77/24", "192.0.2.1", true, true },	/* host bits ignored */
	{ "192.0.2.7", "192.0.2.7", true, true },
	{ "192.0.2.7", "192.0.2.8", true, false },
	{ "0.0.0.0/0", "203.0.113.9", true, true },
	{ "127.0.0.0/8", "127.9.9.9", true, true },
	{ "10.0.0.0/13", "10.7.255.255", true, true },
	{ "10.0.0.0/13", "10.8.0.0", true, false },
	{ "2001:db8::/32", "2001:db8:ffff::1", true, true },
	{ "2001:db8::/32", "2001:db9::1", true, false },
	{ "2001:db8::/33", "2001:db8:8000::1", true, false },
	{ "::/0", "2001:db8::1", true, true },
	{ "192.0.2.0/24", "2001:db8::1", true, false },	/* other family */
	{ "192.0.2.0/33", NULL, false, false },
	{ "2001:db8::/129", NULL, false, false },
	{ "192.0.2.0/", NULL, false, false },
	{ "192.0.2.0/-1", NULL, false, false },
	{ "192.0.2.0/8x", NULL, false, false },
	{ "/8", NULL, false, false },
	{ "example.test", NULL, false, false },
	{ "", NULL, false, false },
};

static void
test_nets(void **state)
{
	for (size_t i = 0; i < UTIL_ARRAY_LEN(net_rows); i++) {
		struct pd_net n;
		uint8_t a[16];
		char err[256];
		int af;
		int rc = pd_net_parse(net_rows[i].net, &n, err, sizeof(err));

		if ((rc == 0) != net_rows[i].ok)
			fail_msg("%s: parse %d", net_rows[i].net, rc);
		if (!net_rows[i].ok) {
			assert_non_null(strstr(err, "\""));
			continue;
		}
		af = strchr(net_rows[i].addr, ':') ? AF_INET6 : AF_INET;
		assert_int_equal(inet_pton(af, net_rows[i].addr, a), 1);
		if (pd_net_contains(&n, af, a) != net_rows[i].in)
			fail_msg("%s contains %s: want %d", net_rows[i].net,
			    net_rows[i].addr, net_rows[i].in);
	}
}

static void
test_safe_copy(void **state)
{
	char out[16];

	pd_safe_copy(out, sizeof(out), "mail.example.test");
	assert_string_equal(out, "mail.example...");
	pd_safe_copy(out, sizeof(out), "a(b)\"c\\d;e f");
	assert_string_equal(out, "a?b??c?d?e?f");
	pd_safe_copy(out, sizeof(out), NULL);
	assert_string_equal(out, "");
	pd_safe_copy(out, sizeof(out), "[IPv6:2001:db8]");
	assert_string_equal(out, "[IPv6:2001:db8]");
	pd_safe_copy(out, sizeof(out), "\r\naction=OK");
	assert_null(strchr(out, '\n'));
	assert_null(strchr(out, '='));
}

/* ---- verdict and decision ---- */

enum { M_OBS, M_ENF, M_ENF_PTR, M_ENF_550, M_ENF_DUNNO, M_NMODES };

struct client_row {
	const char		*what;
	enum dns_outcome	 ptr;
	const char		*names[3];
	enum dns_outcome	 fwd[3];
	bool			 confirms[3];
	const char		*fwd_first[3];
	const char		*helo;
	enum dns_outcome	 helo_out;
	bool			 helo_confirms;
	enum iprev_result	 iprev;
	enum pd_action_kind	 act[M_NMODES];
	/* Must appear in the observe action, and in the enforce one. */
	const char		*obs_text;
	const char		*enf_text;
};

#define P PD_ACT_PREPEND
#define R PD_ACT_REJECT
#define D PD_ACT_DEFER

static const struct client_row client_rows[] = {
	{ "aligned", DNS_OUT_ANSWER, { "mail.example.test" },
	    { DNS_OUT_ANSWER }, { true }, { "192.0.2.1" },
	    "mail.example.test", DNS_OUT_ANSWER, true, IPREV_PASS,
	    { P, P, P, P, P },
	    "Authentication-Results: mx.test; iprev=pass "
	    "policy.iprev=192.0.2.1 (mail.example.test; helo "
	    "mail.example.test: matches PTR, resolves to client)", NULL },
	{ "no PTR", DNS_OUT_NXDOMAIN, { NULL }, { 0 }, { false }, { NULL },
	    "mail.example.test", DNS_OUT_ANSWER, true, IPREV_FAIL,
	    { P, R, R, R, R },
	    "iprev=fail reason=\"no PTR record\" policy.iprev=192.0.2.1 (no "
	    "PTR; helo mail.example.test: no PTR to compare, resolves to "
	    "client)",
	    "450 4.7.25 Client host rejected: cannot find your reverse "
	    "hostname, [192.0.2.1]: no PTR record" },
	{ "PTR NODATA", DNS_OUT_NODATA, { NULL }, { 0 }, { false }, { NULL },
	    NULL, 0, false, IPREV_FAIL, { P, R, R, R, R },
	    "(no PTR; helo no HELO)", "[192.0.2.1]: no PTR record" },
	{ "FCrDNS fails", DNS_OUT_ANSWER, { "broken.example.test" },
	    { DNS_OUT_ANSWER }, { false }, { "192.0.2.99" },
	    "broken.example.test", DNS_OUT_ANSWER, false, IPREV_FAIL,
	    { P, R, P, R, R },
	    "iprev=fail reason=\"PTR broken.example.test resolves to "
	    "192.0.2.99, not 192.0.2.1\"",
	    "cannot find your hostname, [192.0.2.1]: PTR broken.example.test "
	    "resolves to 192.0.2.99, not 192.0.2.1; publish "
	    "broken.example.test A 192.0.2.1" },
	{ "PTR name without address", DNS_OUT_ANSWER, { "nofwd.example.test" },
	    { DNS_OUT_NXDOMAIN }, { false }, { NULL }, "x.example.test",
	    DNS_OUT_NXDOMAIN, false, IPREV_FAIL, { P, R, P, R, R },
	    "reason=\"PTR nofwd.example.test has no A record\"",
	    "PTR nofwd.example.test has no A record" },
	{ "PTR lookup times out", DNS_OUT_TIMEOUT, { NULL }, { 0 }, { false },
	    { NULL }, "mail.example.test", DNS_OUT_TIMEOUT, false,
	    IPREV_TEMPERROR, { P, D, D, D, P },
	    "iprev=temperror reason=\"PTR lookup: timeout\"",
	    "DEFER_IF_PERMIT 4.7.25 Service unavailable: the reverse DNS of "
	    "[192.0.2.1] cannot be checked now (PTR lookup: timeout)" },
	{ "PTR SERVFAIL", DNS_OUT_SERVFAIL, { NULL }, { 0 }, { false },
	    { NULL }, NULL, 0, false, IPREV_TEMPERROR, { P, D, D, D, P },
	    "reason=\"PTR lookup: servfail\"", "DEFER_IF_PERMIT" },
	{ "forward lookup SERVFAIL", DNS_OUT_ANSWER, { "mail.example.test" },
	    { DNS_OUT_SERVFAIL }, { false }, { NULL }, "mail.example.test",
	    DNS_OUT_SERVFAIL, false, IPREV_TEMPERROR, { P, D, P, D, P },
	    "reason=\"A lookup of mail.example.test: servfail\"", NULL },
	{ "PTR FORMERR", DNS_OUT_FORMERR, { NULL }, { 0 }, { false },
	    { NULL }, NULL, 0, false, IPREV_PERMERROR, { P, P, P, P, P },
	    "iprev=permerror reason=\"PTR lookup: formerr\"", "PREPEND" },
	{ "HELO differs, resolves elsewhere", DNS_OUT_ANSWER,
	    { "mail.example.test" }, { DNS_OUT_ANSWER }, { true },
	    { "192.0.2.1" }, "other.example.test", DNS_OUT_ANSWER, false,
	    IPREV_PASS, { P, P, P, P, P },
	    "helo other.example.test: differs from PTR, resolves elsewhere",
	    "iprev=pass" },
	{ "HELO localhost", DNS_OUT_ANSWER, { "mail.example.test" },
	    { DNS_OUT_ANSWER }, { true }, { "192.0.2.1" }, "localhost", 0,
	    false, IPREV_PASS, { P, P, P, P, P }, "helo localhost: localhost",
	    NULL },
	{ "HELO bare address", DNS_OUT_ANSWER, { "mail.example.test" },
	    { DNS_OUT_ANSWER }, { true }, { "192.0.2.1" }, "192.0.2.1", 0,
	    false, IPREV_PASS, { P, P, P, P, P },
	    "helo 192.0.2.1: an address without brackets", NULL },
	{ "HELO hostile", DNS_OUT_ANSWER, { "mail.example.test" },
	    { DNS_OUT_ANSWER }, { true }, { "192.0.2.1" },
	    "evil)(\"x\r\naction=OK", 0, false, IPREV_PASS, { P, P, P, P, P },
	    "helo evil???x??action?OK: not a valid host name)", NULL },
	{ "second PTR name confirms", DNS_OUT_ANSWER,
	    { "a.example.test", "b.example.test" },
	    { DNS_OUT_ANSWER, DNS_OUT_ANSWER }, { false, true },
	    { "192.0.2.9", "192.0.2.1" }, "b.example.test", DNS_OUT_ANSWER,
	    true, IPREV_PASS, { P, P, P, P, P },
	    "(b.example.test; helo b.example.test: matches PTR", NULL },
	{ "one name fails, one temporary", DNS_OUT_ANSWER,
	    { "a.example.test", "b.example.test" },
	    { DNS_OUT_ANSWER, DNS_OUT_TIMEOUT }, { false, false },
	    { "192.0.2.9", NULL }, NULL, 0, false, IPREV_TEMPERROR,
	    { P, D, P, D, P }, "A lookup of b.example.test: timeout", NULL },
	{ "generic name", DNS_OUT_ANSWER,
	    { "ec2-192-0-2-1.compute-1.amazonaws.com" }, { DNS_OUT_ANSWER },
	    { true }, { "192.0.2.1" }, NULL, 0, false, IPREV_PASS,
	    { P, P, P, P, P },
	    "(ec2-192-0-2-1.compute-1.amazonaws.com, generic name; helo no "
	    "HELO)", NULL },
};

static void
row_facts(const struct client_row *r, struct pd_facts *f)
{
	memset(f, 0, sizeof(*f));
	f->af = AF_INET;
	inet_pton(AF_INET, "192.0.2.1", &f->addr.v4);
	snprintf(f->address, sizeof(f->address), "192.0.2.1");
	f->ptr_outcome = r->ptr;
	for (size_t i = 0; i < 3 && r->names[i]; i++) {
		f->ptr[f->nptr] = xstrdup(r->names[i]);
		f->fwd_outcome[f->nptr] = r->fwd[i];
		f->fwd_confirms[f->nptr] = r->confirms[i];
		if (r->fwd_first[i])
			snprintf(f->fwd_first[f->nptr],
			    sizeof(f->fwd_first[0]), "%s", r->fwd_first[i]);
		f->nptr++;
	}
	f->helo = xstrdup(r->helo ? r->helo : "");
	f->helo_form = pd_helo_classify(f->helo, AF_INET, &f->addr,
	    &f->helo_literal_matches);
	if (f->helo_form == PD_HELO_NAME) {
		f->helo_looked_up = true;
		f->helo_outcome = r->helo_out;
		f->helo_confirms = r->helo_confirms;
	}
}

static void
mode_config(int mode, struct pd_config *cfg)
{
	pd_config_init(cfg);
	snprintf(cfg->authserv_id, sizeof(cfg->authserv_id), "mx.test");
	if (mode != M_OBS)
		cfg->mode = PD_MODE_ENFORCE;
	if (mode == M_ENF_PTR)
		cfg->require = PD_REQUIRE_PTR;
	if (mode == M_ENF_550)
		cfg->reject_code = 550;
	if (mode == M_ENF_DUNNO)
		cfg->tempfail = PD_TEMPFAIL_DUNNO;
}

static void
test_clients(void **state)
{
	for (size_t i = 0; i < UTIL_ARRAY_LEN(client_rows); i++) {
		const struct client_row *r = &client_rows[i];
		struct pd_facts f;
		struct pd_verdict v;

		row_facts(r, &f);
		pd_judge(&f, &v);
		if (v.iprev != r->iprev)
			fail_msg("%s: iprev %s, want %s", r->what,
			    iprev_result_name(v.iprev),
			    iprev_result_name(r->iprev));
		for (int m = 0; m < M_NMODES; m++) {
			struct pd_config cfg;
			struct pd_decision d;
			const char *want = m == M_OBS ? r->obs_text :
			    m == M_ENF ? r->enf_text : NULL;

			mode_config(m, &cfg);
			pd_decide(&cfg, &f, &v, &d);
			if (d.kind != r->act[m])
				fail_msg("%s, mode %d: %s, want %s (%s)",
				    r->what, m, pd_action_kind_name(d.kind),
				    pd_action_kind_name(r->act[m]), d.action);
			if (want != NULL && strstr(d.action, want) == NULL)
				fail_msg("%s, mode %d: \"%s\" lacks \"%s\"",
				    r->what, m, d.action, want);
			/* One line, and what Postfix expects of it. */
			assert_null(strchr(d.action, '\n'));
			assert_null(strchr(d.action, '\r'));
			if (d.kind == PD_ACT_PREPEND)
				assert_true(strncmp(d.action, "PREPEND "
				    "Authentication-Results: ", 32) == 0);
			if (d.kind == PD_ACT_REJECT) {
				assert_true(strncmp(d.action, m == M_ENF_550 ?
				    "550 5.7.25 " : "450 4.7.25 ", 11) == 0);
				/* Never on a temporary failure. */
				assert_int_not_equal(v.iprev, IPREV_TEMPERROR);
			}
		}
		pd_facts_clear(&f);
	}
}

/* The longest names there can be still give a line Postfix takes. */
static void
test_long_names(void **state)
{
	struct client_row r = client_rows[3];
	char name[254];
	struct pd_config cfg;
	struct pd_facts f;
	struct pd_verdict v;
	struct pd_decision d;

	for (size_t i = 0; i < 253; i++)
		name[i] = (i % 64 == 63) ? '.' : 'a';
	name[253] = '\0';
	r.names[0] = name;
	r.helo = name;
	row_facts(&r, &f);
	pd_judge(&f, &v);
	for (int m = 0; m < M_NMODES; m++) {
		mode_config(m, &cfg);
		snprintf(cfg.authserv_id, sizeof(cfg.authserv_id), "%s", name);
		pd_decide(&cfg, &f, &v, &d);
		assert_true(strlen(d.action) + 1 < PD_ACTION_MAX);
		assert_int_equal(d.kind, r.act[m]);
		/* Whole: the header's comment is closed, nothing was cut. */
		if (d.kind == PD_ACT_PREPEND)
			assert_int_equal(d.action[strlen(d.action) - 1], ')');
	}
	pd_facts_clear(&f);
}

/* ---- the lookups, on answers from memory ---- */

struct check_out {
	bool		 done;
	struct pd_facts	 f;
	struct pd_verdict v;
};

static void
check_cb(struct pd_facts *f, void *arg)
{
	struct check_out *o = arg;

	o->done = true;
	pd_judge(f, &o->v);
	o->f = *f;	/* the verdict borrows names: keep what we compare */
	o->v.ptr_name = NULL;
	memset(o->f.ptr, 0, sizeof(o->f.ptr));
	o->f.helo = NULL;
}

static void
run_check(struct memdns *m, const char *ip, const char *helo,
    struct check_out *o)
{
	uint8_t a[16];
	int af = strchr(ip, ':') ? AF_INET6 : AF_INET;

	memset(o, 0, sizeof(*o));
	assert_int_equal(inet_pton(af, ip, a), 1);
	pd_check_start(memdns_lookup(m), af, a, helo, check_cb, o);
	assert_false(o->done);		/* never inside the call */
	memdns_run(m);
	assert_true(o->done);
}

static void
test_check_lookups(void **state)
{
	struct memdns *m = memdns_new();
	struct check_out o;
	size_t q;

	memdns_add_ptr(m, "1.2.0.192.in-addr.arpa", "mail.example.test");
	memdns_add_a(m, "mail.example.test", "192.0.2.1");
	memdns_add_ptr(m, "5.2.0.192.in-addr.arpa", "broken.example.test");
	memdns_add_a(m, "broken.example.test", "192.0.2.99");
	memdns_add_cname(m, "10.2.0.192.in-addr.arpa",
	    "10.0/25.2.0.192.in-addr.arpa");
	memdns_add_ptr(m, "10.0/25.2.0.192.in-addr.arpa",
	    "classless.example.test");
	memdns_add_a(m, "classless.example.test", "192.0.2.10");
	memdns_add_ptr(m,
	    "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2."
	    "ip6.arpa", "v6.example.test");
	memdns_add_aaaa(m, "v6.example.test", "2001:db8::25");
	memdns_set_outcome(m, "7.2.0.192.in-addr.arpa", 0, DNS_OUT_TIMEOUT);

	run_check(m, "192.0.2.1", "mail.example.test", &o);
	assert_int_equal(o.v.iprev, IPREV_PASS);
	assert_int_equal(o.v.helo_ptr, PD_HELO_PTR_MATCH);
	assert_true(o.f.helo_looked_up && o.f.helo_confirms);

	run_check(m, "192.0.2.5", "mail.example.test", &o);
	assert_int_equal(o.v.iprev, IPREV_FAIL);
	assert_string_equal(o.f.fwd_first[0], "192.0.2.99");
	assert_int_equal(o.v.helo_ptr, PD_HELO_PTR_MISMATCH);
	assert_false(o.f.helo_confirms);

	run_check(m, "192.0.2.10", NULL, &o);
	assert_int_equal(o.v.iprev, IPREV_PASS);
	assert_false(o.f.helo_looked_up);

	run_check(m, "2001:db8::25", "v6.example.test", &o);
	assert_int_equal(o.v.iprev, IPREV_PASS);
	assert_true(o.f.helo_confirms);

	run_check(m, "192.0.2.4", "nx.example.test", &o);
	assert_int_equal(o.v.iprev, IPREV_FAIL);
	assert_int_equal(o.f.ptr_outcome, DNS_OUT_NXDOMAIN);
	assert_int_equal(o.f.helo_outcome, DNS_OUT_NXDOMAIN);

	run_check(m, "192.0.2.7", "mail.example.test", &o);
	assert_int_equal(o.v.iprev, IPREV_TEMPERROR);

	/* A literal or a bare address is never looked up. */
	q = memdns_queries(m);
	run_check(m, "192.0.2.1", "[192.0.2.1]", &o);
	assert_int_equal(memdns_queries(m) - q, 2);	/* PTR, A */
	assert_true(o.f.helo_literal_matches);
	memdns_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_helo_forms),
		cmocka_unit_test(test_helo_v6_literal),
		cmocka_unit_test(test_nets),
		cmocka_unit_test(test_safe_copy),
		cmocka_unit_test(test_clients),
		cmocka_unit_test(test_long_names),
		cmocka_unit_test(test_check_lookups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
