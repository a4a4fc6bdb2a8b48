/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for the generic-PTR classifier and the provider tables: one
 * table of PTR names with the kind and provider each must get, one table of
 * SOA mname/rname pairs, and a few hostile-input checks. Every table row
 * runs as its own cmocka test, so a failure names the row.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "check/generic.h"
#include "util/util.h"

#define NONE	GENERIC_NONE
#define CLOUD	GENERIC_CLOUD_DEFAULT
#define EMBED	GENERIC_EMBEDDED_IP
#define KEYW	GENERIC_POOL_KEYWORD

#define V4	AF_INET
#define V6	AF_INET6

struct gen_case {
	const char		*name;		/* the PTR name */
	int			 af;
	const char		*addr;		/* NULL: pass no address */
	enum generic_kind	 kind;
	const char		*provider;	/* expected id, or NULL */
	const char		*detail;	/* substring of detail, or NULL */
};

/*
 * Decisions recorded here: the registered domain never counts for keywords
 * ("mail.dsl-provider-name-example.com" is that company's own name), the
 * weak keywords (client, user, nat, mobile, ...) need a numbered label,
 * "static" and "host" are never keywords, and a name that embeds a
 * different address is not generic just for having numbers in it.
 */
static struct gen_case cases[] = {
	/* Provider default forms. */
	{ "ec2-54-12-34-56.compute-1.amazonaws.com", V4, "54.12.34.56", CLOUD, "aws", "default form" },
	{ "ec2-3-120-1-2.eu-central-1.compute.amazonaws.com", V4, "3.120.1.2", CLOUD, "aws", NULL },
	{ "ec2-52-80-1-2.cn-north-1.compute.amazonaws.com.cn", V4, "52.80.1.2", CLOUD, "aws", NULL },
	{ "ip-10-0-1-23.ec2.internal", V4, "10.0.1.23", CLOUD, "aws", NULL },
	{ "ip-172-31-5-6.eu-west-1.compute.internal", V4, "172.31.5.6", CLOUD, "aws", NULL },
	{ "EC2-54-12-34-56.Compute-1.AmazonAWS.com.", V4, "54.12.34.56", CLOUD, "aws", NULL },
	{ "56.34.12.35.bc.googleusercontent.com", V4, "35.12.34.56", CLOUD, "gcp", NULL },
	{ "myvm.westeurope.cloudapp.azure.com", V4, "20.1.2.3", CLOUD, "azure", NULL },
	{ "legacy-svc.cloudapp.net", V4, "40.1.2.3", CLOUD, "azure", NULL },
	{ "ubuntu-s-1vcpu-1gb-fra1-01", V4, "164.90.1.2", CLOUD, "digitalocean", NULL },
	{ "debian-s-2vcpu-4gb-amd-nyc3-01", V4, "164.90.1.2", CLOUD, "digitalocean", NULL },
	{ "static.88.198.10.20.clients.your-server.de", V4, "88.198.10.20", CLOUD, "hetzner", NULL },
	{ "ns3012345.ip-51-68-1.eu", V4, "51.68.1.5", CLOUD, "ovh", NULL },
	{ "ip42.ip-147-135-2.net", V4, "147.135.2.42", CLOUD, "ovh", NULL },
	{ "vps-1a2b3c4d.vps.ovh.net", V4, "51.1.2.3", CLOUD, "ovh", NULL },
	{ "li1234-56.members.linode.com", V4, "45.79.56.1", CLOUD, "linode", NULL },
	{ "172-104-1-2.ip.linodeusercontent.com", V4, "172.104.1.2", CLOUD, "linode", NULL },
	{ "2600-3c00--f03c-91ff-fe12-3456.ip.linodeusercontent.com", V6, "2600:3c00::f03c:91ff:fe12:3456", CLOUD, "linode", NULL },
	{ "45.76.1.2.vultrusercontent.com", V4, "45.76.1.2", CLOUD, "vultr", NULL },
	{ "45.32.1.2.vultr.com", V4, "45.32.1.2", CLOUD, "vultr", NULL },
	{ "vmi123456.contaboserver.net", V4, "5.189.1.2", CLOUD, "contabo", NULL },
	{ "instance-1.subnet1.vcn1.oraclevcn.com", V4, "10.0.0.5", CLOUD, "oracle", NULL },
	{ "163-172-1-2.rev.poneytelecom.eu", V4, "163.172.1.2", CLOUD, "scaleway", NULL },
	{ "51-15-1-2.instances.scw.cloud", V4, "51.15.1.2", CLOUD, "scaleway", NULL },
	{ "s12345678.onlinehome-server.info", V4, "74.208.1.2", CLOUD, "ionos", NULL },
	{ "c-73-162-1-2.hsd1.ca.comcast.net", V4, "73.162.1.2", CLOUD, "comcast", NULL },
	{ "pool-71-105-1-2.nycmny.fios.verizon.net", V4, "71.105.1.2", CLOUD, "verizon", NULL },
	{ "cpe-74-71-1-2.nyc.res.rr.com", V4, "74.71.1.2", CLOUD, "spectrum", NULL },
	/* Forms at their edges: the leading and trailing literals are
	 * anchored, quantifiers need one character and stay in a label. */
	{ "vps12.ovh.net", V4, "51.1.2.3", CLOUD, "ovh", NULL },
	{ "vps.ovh.net", V4, "51.1.2.3", NONE, "ovh", NULL },
	{ "vpsx.ovh.net", V4, "51.1.2.3", NONE, "ovh", NULL },
	{ "s.onlinehome-server.info", V4, "74.208.1.2", NONE, "ionos", NULL },
	{ "ip-51-68-1.eu", V4, "51.68.1.5", EMBED, NULL, "51-68-1" },
	{ "ns1.ip-51-68-1.eu.example.com", V4, "51.68.1.5", EMBED, NULL, NULL },
	{ "s-1vcpu-1gb", V4, "164.90.1.2", NONE, NULL, NULL },
	{ "ubuntu-s-1vcpu-1gb.example.com", V4, "164.90.1.2", NONE, NULL, NULL },

	/* A custom name under a provider's domain stays custom. */
	{ "mail.mydomain.your-server.de", V4, "88.198.10.20", NONE, "hetzner", NULL },
	{ "mail.your-server.de", V4, "88.198.10.20", NONE, "hetzner", NULL },
	{ "mail.example.amazonaws.com", V4, "54.12.34.56", NONE, "aws", NULL },
	{ "smtp.linode.com", V4, "45.79.56.1", NONE, "linode", NULL },
	{ "relay.verizon.net", V4, "71.105.1.2", NONE, "verizon", NULL },
	/* Suffixes match on label boundaries only. */
	{ "mail.notyour-server.de", V4, "88.198.10.20", NONE, NULL, NULL },
	{ "ec2-1-2-3-4.xcompute-1.amazonaws.com", V4, "1.2.3.4", EMBED, "aws", "1-2-3-4" },
	{ "ec2-54-12-34-56.compute-1.amazonaws.com.evil.example", V4, "54.12.34.56", EMBED, NULL, NULL },

	/* IPv4 written into the name. */
	{ "203-0-113-45.static.isp.example", V4, "203.0.113.45", EMBED, NULL, "embedded 203-0-113-45" },
	{ "45.113.0.203.dyn.isp.example", V4, "203.0.113.45", EMBED, NULL, "45.113.0.203" },
	{ "host-45-113-0-203.isp.example", V4, "203.0.113.45", EMBED, NULL, NULL },
	{ "203_0_113_45.isp.example", V4, "203.0.113.45", EMBED, NULL, NULL },
	{ "static-203-0-113-45.example.net", V4, "203.0.113.45", EMBED, NULL, NULL },
	{ "customer-0-113-45.isp.example", V4, "203.0.113.45", EMBED, NULL, "0-113-45" },
	{ "113.0.203.in-addr.isp.example", V4, "203.0.113.45", EMBED, NULL, NULL },
	{ "ip203000113045.isp.example", V4, "203.0.113.45", EMBED, NULL, "203000113045" },
	{ "045113000203.isp.example", V4, "203.0.113.45", EMBED, NULL, NULL },
	{ "cb00712d.isp.example", V4, "203.0.113.45", EMBED, NULL, "cb00712d" },
	{ "h2d7100cb.isp.example", V4, "203.0.113.45", EMBED, NULL, NULL },
	{ "3405803821.isp.example", V4, "203.0.113.45", EMBED, NULL, NULL },
	{ "host-4-3-2-1.isp.example", V4, "1.2.3.4", EMBED, NULL, "4-3-2-1" },
	{ "192-0-2-1.example.net", V4, "192.0.2.1", EMBED, NULL, "embedded 192-0-2-1" },
	/* Another address's name, and too little of ours. */
	{ "198-51-100-7.isp.example", V4, "203.0.113.45", NONE, NULL, NULL },
	{ "mx-113-45.example.com", V4, "203.0.113.45", NONE, NULL, NULL },
	{ "mail2.example.com", V4, "192.0.2.2", NONE, NULL, NULL },

	/* IPv6 written into the name. */
	{ "2001-db8--1.dyn6.isp.example", V6, "2001:db8::1", EMBED, NULL, "2001-db8--1" },
	{ "2001-0db8-0000-0000-0000-0000-0000-0001.isp.example", V6, "2001:db8::1", EMBED, NULL, NULL },
	{ "9abc-def0-1234-5678.isp.example", V6, "2001:db8:1234:5678:9abc:def0:1234:5678", EMBED, NULL, NULL },
	{ "host-1234-5678.isp.example", V6, "2001:db8:aaaa:bbbb:cccc:dddd:1234:5678", EMBED, NULL, "1234-5678" },
	{ "20010db8123456789abcdef012345678.isp.example", V6, "2001:db8:1234:5678:9abc:def0:1234:5678", EMBED, NULL, NULL },
	{ "ip6-9abcdef012345678.isp.example", V6, "2001:db8:1234:5678:9abc:def0:1234:5678", EMBED, NULL, "9abcdef012345678" },
	{ "8.7.6.5.4.3.2.1.0.f.e.d.c.b.a.9.isp.example", V6, "2001:db8:1234:5678:9abc:def0:1234:5678", EMBED, NULL, NULL },
	{ "mx-0-1.example.com", V6, "2001:db8::1", NONE, NULL, NULL },
	{ "db8-1.example.com", V6, "2001:db8::1", NONE, NULL, NULL },
	{ "cafe.example.com", V6, "2001:db8::cafe", NONE, NULL, NULL },
	{ "mail.example.com", V6, "2001:db8::25", NONE, NULL, NULL },
	{ "000000000000.example.com", V6, "2001:db8::1", NONE, NULL, NULL },

	/* Pool keywords, left of the registered domain only. */
	{ "dyn123.isp.example", V4, "203.0.113.45", KEYW, NULL, "keyword \"dyn\"" },
	{ "dsl-pool-77.isp.example", V4, "203.0.113.45", KEYW, NULL, "\"dsl\"" },
	{ "adsl2-broadband.isp.co.uk", V4, "203.0.113.45", KEYW, NULL, "\"adsl\"" },
	{ "ppp0.isp.example", V4, "203.0.113.45", KEYW, NULL, "\"ppp\"" },
	{ "dhcp-12-34.isp.example", V4, "203.0.113.45", KEYW, NULL, "\"dhcp\"" },
	{ "cable-modem.isp.example", V4, "203.0.113.45", KEYW, NULL, "\"cable\"" },
	{ "unknown.isp.example", V4, "203.0.113.45", KEYW, NULL, "\"unknown\"" },
	{ "ip1234.isp.example", V4, "203.0.113.45", KEYW, NULL, "\"ip\"" },
	{ "user-123.isp.example", V4, "203.0.113.45", KEYW, NULL, "\"user\"" },
	{ "client-77-12.isp.example", V4, "203.0.113.45", KEYW, NULL, "\"client\"" },
	{ "pppoe.sub.isp.example", V4, "203.0.113.45", KEYW, NULL, "\"pppoe\"" },
	{ "mobile-5g-1234.carrier.example", V4, "203.0.113.45", KEYW, NULL, "\"mobile\"" },
	{ "pool.example.co.uk", V4, "203.0.113.45", KEYW, NULL, "\"pool\"" },
	{ "\\068YN-1.isp.example", V4, "203.0.113.45", KEYW, NULL, "\"dyn\"" },
	{ "mail\\000dsl.example.com", V4, "203.0.113.45", KEYW, NULL, "\"dsl\"" },
	{ "dsl-12-34.isp.example", V4, NULL, KEYW, NULL, NULL },

	/* Names chosen for mail servers. */
	{ "mail.example.com", V4, "203.0.113.45", NONE, NULL, NULL },
	{ "mx1.example.com", V4, "203.0.113.45", NONE, NULL, NULL },
	{ "smtp-out-2.example.com", V4, "203.0.113.45", NONE, NULL, NULL },
	{ "a.b.c.d", V4, "203.0.113.45", NONE, NULL, NULL },
	{ "static.example.com", V4, "203.0.113.45", NONE, NULL, NULL },
	{ "mx-1.example.com", V4, "203.0.113.45", NONE, NULL, NULL },
	{ "mail.dsl-provider-name-example.com", V4, "203.0.113.45", NONE, NULL, NULL },
	{ "whirlpool.example.com", V4, "203.0.113.45", NONE, NULL, NULL },
	{ "dynamo.example.com", V4, "203.0.113.45", NONE, NULL, NULL },
	{ "host.example.com", V4, "203.0.113.45", NONE, NULL, NULL },
	{ "smtp-client-2.example.com", V4, "203.0.113.45", NONE, NULL, NULL },
	{ "nat-gw.example.com", V4, "203.0.113.45", NONE, NULL, NULL },
	{ "mail.dyn.com", V4, "203.0.113.45", NONE, NULL, NULL },
	{ "mail.pool.co.uk", V4, "203.0.113.45", NONE, NULL, NULL },
	{ "mail1234.example.com", V4, "203.0.113.45", NONE, NULL, NULL },
	{ "mail-2023.example.com", V4, "203.0.113.45", NONE, NULL, NULL },
	{ "ip.example.com", V4, "203.0.113.45", NONE, NULL, NULL },
	{ "mx.203.example", V4, "203.0.113.45", NONE, NULL, NULL },
	{ "outbound-mail-relay.example.org", V4, "203.0.113.45", NONE, NULL, NULL },
	{ "203-0-113-45.isp.example", V4, NULL, NONE, NULL, NULL },

	/* Not names at all. */
	{ NULL, V4, "203.0.113.45", NONE, NULL, NULL },
	{ "", V4, "203.0.113.45", NONE, NULL, NULL },
	{ ".", V4, "203.0.113.45", NONE, NULL, NULL },
	{ "dyn..isp.example", V4, "203.0.113.45", NONE, NULL, NULL },
	{ ".dyn.isp.example", V4, "203.0.113.45", NONE, NULL, NULL },
	{ "dyn.isp.example\\", V4, "203.0.113.45", NONE, NULL, NULL },
	{ "\\999dyn.isp.example", V4, "203.0.113.45", NONE, NULL, NULL },
	{ "\\06", V4, "203.0.113.45", NONE, NULL, NULL },
};

struct soa_case {
	const char	*mname;
	const char	*rname;
	const char	*provider;	/* expected id, or NULL */
};

/*
 * SOA names as the registries and providers publish them. They are
 * heuristics: managed DNS services (Route 53, Azure DNS, Cloud DNS) host
 * customers' delegated zones too, so their hostmaster names give no owner.
 */
static struct soa_case soa_cases[] = {
	{ "pri.authdns.ripe.net", "dns.ripe.net", "ripe" },
	{ "PRI.AUTHDNS.RIPE.NET.", NULL, "ripe" },
	{ NULL, "dns.ripe.net.", "ripe" },
	{ "arin.authdns.ripe.net", "dns-ops.arin.net", "arin" },
	{ "ns1.arin.net", NULL, "arin" },
	{ "ns1.apnic.net", "read-txt-record-of-zone-first-dns-admin.apnic.net", "apnic" },
	{ "apnic.authdns.ripe.net", NULL, "apnic" },
	{ "ns.lacnic.net", "hostmaster.lacnic.net", "lacnic" },
	{ "ns1.afrinic.net", "hostmaster.afrinic.net", "afrinic" },
	{ "ns-1234.awsdns-56.org", "awsdns-hostmaster.amazon.com", NULL },
	{ "ns1-01.azure-dns.com", "azuredns-hostmaster.microsoft.com", NULL },
	{ "ns-cloud-a1.googledomains.com", "cloud-dns-hostmaster.google.com", NULL },
	{ "ns1.google.com", "dns-admin.google.com", "gcp" },
	{ "ns1.your-server.de", "postmaster.your-server.de", "hetzner" },
	{ "ns1.digitalocean.com", "hostmaster.digitalocean.com", "digitalocean" },
	{ "dns.ovh.net", "tech.ovh.net", "ovh" },
	{ "ns1.linode.com", "hostmaster.linode.com", "linode" },
	{ "ns1.example.com", "john\\.doe.ripe.net", "ripe" },
	{ "ns1.example.com", "hostmaster.example.com", NULL },
	{ "ns1.notripe.net", "hostmaster.notripe.net", NULL },
	{ NULL, NULL, NULL },
	{ "", "", NULL },
};

static void
parse_addr(int af, const char *text, unsigned char buf[16])
{
	memset(buf, 0, 16);
	assert_int_equal(inet_pton(af, text, buf), 1);
}

static void
test_classify(void **state)
{
	const struct gen_case *c = *state;
	struct generic_match m;
	unsigned char addr[16];
	bool flagged;

	if (c->addr != NULL)
		parse_addr(c->af, c->addr, addr);
	memset(&m, 0xa5, sizeof(m));	/* every field must be set */
	flagged = generic_classify(c->name, c->af,
	    c->addr != NULL ? addr : NULL, &m);

	assert_int_equal(m.kind, c->kind);
	assert_int_equal(flagged, c->kind != GENERIC_NONE);
	assert_non_null(m.reason);
	assert_true(strlen(m.detail) < sizeof(m.detail));
	if (c->kind == GENERIC_NONE)
		assert_string_equal(m.detail, "");
	else
		assert_true(m.detail[0] != '\0');
	if (c->detail != NULL && strstr(m.detail, c->detail) == NULL)
		fail_msg("detail \"%s\" lacks \"%s\"", m.detail, c->detail);
	if (c->provider == NULL) {
		assert_null(m.provider);
		assert_null(provider_by_ptrname(c->name));
	} else {
		assert_non_null(m.provider);
		assert_string_equal(m.provider->id, c->provider);
	}
}

static void
test_soa(void **state)
{
	const struct soa_case *c = *state;
	const struct provider *p = provider_by_soa(c->mname, c->rname);

	if (c->provider == NULL) {
		if (p != NULL)
			fail_msg("expected no provider, got %s", p->id);
	} else {
		assert_non_null(p);
		assert_string_equal(p->id, c->provider);
	}
}

/* Every provider can be shown to a user as is. */
static void
test_table(void **state)
{
	size_t n;
	const struct provider *t = provider_table(&n);

	(void)state;
	assert_true(n >= 15);
	for (size_t i = 0; i < n; i++) {
		size_t sl = strlen(t[i].set_ptr);

		assert_non_null(t[i].id);
		assert_true(t[i].name != NULL && t[i].name[0] != '\0');
		assert_true(sl > 20 && t[i].set_ptr[sl - 1] == '.');
		assert_true(strncmp(t[i].reference, "https://", 8) == 0);
		for (const char *s = t[i].id; *s != '\0'; s++)
			assert_true((*s >= 'a' && *s <= 'z') || *s == '-');
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(t[i].id, t[j].id);
	}
	assert_null(provider_by_ptrname(NULL));
	assert_ptr_equal(provider_table(NULL), t);
}

/* Overlong, maximal and hostile input: no reads past the end, and a name
 * past the caps is simply not a name. */
static void
test_limits(void **state)
{
	static char big[4096];
	struct generic_match m;
	unsigned char a4[4] = { 1, 1, 1, 1 };
	size_t o;

	(void)state;
	assert_false(generic_classify("dyn.isp.example", AF_INET, a4, NULL));

	memset(big, 'a', sizeof(big) - 1);
	memcpy(big + 2000, ".dsl.example.com", 16);
	big[2016] = '\0';
	assert_false(generic_classify(big, AF_INET, a4, &m));
	assert_null(m.provider);

	/* 256 escaped octets: within 1024 characters, over 253 octets. */
	for (o = 0; o < 256; o++)
		memcpy(big + 4 * o, "\\100", 4);
	big[1024] = '\0';
	assert_false(generic_classify(big, AF_INET, a4, &m));

	/* A 64-octet label is not allowed. */
	memset(big, 'a', 64);
	memcpy(big + 64, ".example.com", 13);
	assert_false(generic_classify(big, AF_INET, a4, &m));

	/* A 253-octet name of "1-1-..." labels: the longest run there is. */
	for (o = 0; o + 1 < 253; o += 2) {
		big[o] = '1';
		big[o + 1] = (o % 60 == 58) ? '.' : '-';
	}
	big[252] = '1';
	big[253] = '\0';
	assert_true(generic_classify(big, AF_INET, a4, &m));
	assert_int_equal(m.kind, GENERIC_EMBEDDED_IP);
	assert_true(strlen(m.detail) < sizeof(m.detail));
}

/* Random bytes and random name-like text: the sanitizers are the oracle.
 * A fixed seed keeps the run reproducible. */
static void
test_noise(void **state)
{
	static const char alphabet[] = "0123456789abcdef-._\\.vdynsplx";
	unsigned char a6[16], a4[4] = { 10, 1, 2, 3 };
	uint32_t seed = 12345;
	char buf[1100];
	struct generic_match m;

	(void)state;
	parse_addr(AF_INET6, "2001:db8:1:2:3:4:5:6", a6);
	for (int iter = 0; iter < 20000; iter++) {
		size_t len;

		seed = seed * 1103515245u + 12345u;
		len = (seed >> 8) % (sizeof(buf) - 1);
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (iter & 1) ? (char)(seed >> 16) :
			    alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
			if (buf[i] == '\0')
				buf[i] = '.';
		}
		buf[len] = '\0';
		generic_classify(buf, AF_INET, a4, &m);
		assert_true(strlen(m.detail) < sizeof(m.detail));
		generic_classify(buf, AF_INET6, a6, &m);
		assert_true(strlen(m.detail) < sizeof(m.detail));
		(void)provider_by_soa(buf, buf);
	}
}

#define N_CASES	UTIL_ARRAY_LEN(cases)
#define N_SOA	UTIL_ARRAY_LEN(soa_cases)
#define N_MISC	3

int
main(void)
{
	static struct CMUnitTest tests[N_CASES + N_SOA + N_MISC];
	static char names[N_CASES + N_SOA][160];
	size_t n = 0;

	for (size_t i = 0; i < N_CASES; i++, n++) {
		snprintf(names[n], sizeof(names[n]), "classify %.*s (%s)", 100,
		    cases[i].name ? cases[i].name : "(null)",
		    cases[i].addr ? cases[i].addr : "no address");
		tests[n] = (struct CMUnitTest){ .name = names[n],
		    .test_func = test_classify, .initial_state = &cases[i] };
	}
	for (size_t i = 0; i < N_SOA; i++, n++) {
		snprintf(names[n], sizeof(names[n]), "soa %.60s %.60s",
		    soa_cases[i].mname ? soa_cases[i].mname : "(null)",
		    soa_cases[i].rname ? soa_cases[i].rname : "(null)");
		tests[n] = (struct CMUnitTest){ .name = names[n],
		    .test_func = test_soa, .initial_state = &soa_cases[i] };
	}
	tests[n++] = (struct CMUnitTest){ .name = "provider table",
	    .test_func = test_table };
	tests[n++] = (struct CMUnitTest){ .name = "limits",
	    .test_func = test_limits };
	tests[n++] = (struct CMUnitTest){ .name = "noise",
	    .test_func = test_noise };
	assert_int_equal(n, UTIL_ARRAY_LEN(tests));
	return cmocka_run_group_tests_name("generic", tests, NULL, NULL);
}
