/* SPDX-License-Identifier: MIT */
/*
 * Tells a chosen PTR name from a generic one: provider default forms, the
 * address written into the name, and dynamic-pool keywords. It also names
 * the provider behind a PTR name or a reverse zone's SOA, so the report can
 * say exactly where the customer changes the PTR. Pure string work, no I/O.
 */
#include "check/generic.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "util/util.h"

/*
 * Caps on untrusted input. A presentation-form name is at most 253 octets
 * and each may be written as \DDD, so 1024 characters cover every valid name;
 * anything longer is not a name and is judged GENERIC_NONE unread.
 */
#define GEN_INPUT_MAX	1024
#define GEN_NAME_MAX	253	/* decoded octets, dots included */
#define GEN_LABEL_MAX	63
#define GEN_RUNS_MAX	128	/* a 253-octet name holds at most 127 runs */
#define GEN_MATCH_STEPS	20000	/* pattern-matcher steps per pattern */

/* A decoded name: lower-cased labels joined by '.', with every octet that
 * is not a letter, digit, '-' or '_' (an escaped dot included) replaced by
 * '?', so a '.' in s is always a label boundary and no pattern matches
 * binary junk. */
struct gname {
	char	s[GEN_NAME_MAX + 1];
	size_t	len;
	size_t	nlabels;
	uint8_t	off[GEN_NAME_MAX / 2 + 1];	/* start of each label in s */
};

enum provider_idx {
	P_NOBODY = -1,		/* SOA rule: a DNS host, not an address owner */
	P_AWS,
	P_GCP,
	P_AZURE,
	P_DIGITALOCEAN,
	P_HETZNER,
	P_OVH,
	P_LINODE,
	P_VULTR,
	P_CONTABO,
	P_ORACLE,
	P_SCALEWAY,
	P_IONOS,
	P_COMCAST,
	P_VERIZON,
	P_SPECTRUM,
	P_RIPE,
	P_ARIN,
	P_APNIC,
	P_LACNIC,
	P_AFRINIC,
	P_COUNT
};

#define RESIDENTIAL_SET_PTR \
	"Residential addresses cannot have a custom PTR; send outgoing mail " \
	"through a relay (smarthost), such as your mail provider's " \
	"authenticated submission service, instead of delivering directly."

#define REGISTRY_SET_PTR \
	"The registry still answers for this reverse zone, so it was never " \
	"delegated to the address holder and nobody can add a PTR in it. Ask " \
	"your IP provider (the organisation the registry lists for the block) " \
	"to have the zone delegated or to set the PTR for you."

static const struct provider providers[P_COUNT] = {
	[P_AWS] = {
		"aws", "Amazon Web Services (EC2)",
		"Allocate an Elastic IP and create the A record for the mail "
		"name first, then choose Elastic IPs > Actions > Update reverse "
		"DNS in the EC2 console, or run `aws ec2 "
		"modify-address-attribute --allocation-id eipalloc-... "
		"--domain-name mail.example.com`. Auto-assigned public IPs "
		"cannot have a custom PTR.",
		"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/"
		"elastic-ip-addresses-eip.html#Using_Elastic_Addressing_Reverse_DNS",
	},
	[P_GCP] = {
		"gcp", "Google Cloud (Compute Engine)",
		"Verify the domain for your account and create the A record "
		"for the instance's external IP, then run `gcloud compute "
		"instances update-access-config INSTANCE --zone ZONE "
		"--public-ptr --public-ptr-domain mail.example.com`.",
		"https://cloud.google.com/compute/docs/instances/create-ptr-record",
	},
	[P_AZURE] = {
		"azure", "Microsoft Azure",
		"Make the mail name resolve to the public IP (or CNAME it to "
		"the IP's cloudapp.azure.com label), then run `az network "
		"public-ip update --resource-group RG --name IP-NAME "
		"--reverse-fqdn mail.example.com.`.",
		"https://learn.microsoft.com/en-us/azure/dns/"
		"dns-reverse-dns-for-azure-services",
	},
	[P_DIGITALOCEAN] = {
		"digitalocean", "DigitalOcean",
		"Rename the Droplet to the mail server's FQDN (for example "
		"mail.example.com) in the control panel; DigitalOcean "
		"publishes the Droplet's name as its PTR.",
		"https://docs.digitalocean.com/products/networking/dns/"
		"how-to/manage-records/#ptr-records",
	},
	[P_HETZNER] = {
		"hetzner", "Hetzner",
		"Set the IP's reverse DNS to the mail server's FQDN: in Hetzner "
		"Robot under Servers > IPs, or in the Hetzner Cloud Console "
		"under the server's Networking tab (Edit reverse DNS).",
		"https://docs.hetzner.com/dns-console/dns/general/reverse-dns/",
	},
	[P_OVH] = {
		"ovh", "OVHcloud",
		"Create the A record for the mail server's FQDN first, then in "
		"the OVHcloud Control Panel open Network > Public IP "
		"addresses, choose the IP's \"...\" menu and select \"Modify "
		"the reverse path\".",
		"https://help.ovhcloud.com/csm/en-gb-dedicated-servers-reverse-dns",
	},
	[P_LINODE] = {
		"linode", "Akamai Cloud (Linode)",
		"Point the mail server's FQDN at the address first, then in "
		"Cloud Manager open the Linode's Network tab, find the IP and "
		"choose Edit RDNS.",
		"https://techdocs.akamai.com/cloud-computing/docs/"
		"configure-rdns-reverse-dns-on-a-compute-instance",
	},
	[P_VULTR] = {
		"vultr", "Vultr",
		"In the Vultr customer portal, open the server's Settings > "
		"IPv4 and set the address's Reverse DNS to the mail server's "
		"FQDN.",
		"https://docs.vultr.com/products/compute/cloud-compute/"
		"networking/reverse-dns",
	},
	[P_CONTABO] = {
		"contabo", "Contabo",
		"In the Contabo Customer Control Panel, open Reverse DNS "
		"Management and set the IP's PTR to the mail server's FQDN.",
		"https://contabo.com/en/customer-support/",
	},
	[P_ORACLE] = {
		"oracle", "Oracle Cloud Infrastructure",
		"Use a reserved public IP and create the A record for the mail "
		"server's FQDN, then open a service request with Oracle Cloud "
		"Support asking for the PTR record.",
		"https://docs.oracle.com/en-us/iaas/Content/Network/Tasks/"
		"managingpublicIPs.htm",
	},
	[P_SCALEWAY] = {
		"scaleway", "Scaleway",
		"Create the A record for the mail server's FQDN first, then in "
		"the Scaleway console open the Instance's flexible IP and edit "
		"its reverse DNS.",
		"https://www.scaleway.com/en/docs/instances/how-to/"
		"configure-reverse-dns/",
	},
	[P_IONOS] = {
		"ionos", "IONOS",
		"In the IONOS Cloud Panel, open Network > Public IP, select the "
		"address and set its Reverse DNS to the mail server's FQDN.",
		"https://www.ionos.com/help/server-cloud-infrastructure/",
	},
	[P_COMCAST] = {
		"comcast", "Comcast Xfinity (residential)",
		RESIDENTIAL_SET_PTR,
		"https://www.xfinity.com/support/articles/"
		"email-port-25-no-longer-supported",
	},
	[P_VERIZON] = {
		"verizon", "Verizon Fios (residential)",
		RESIDENTIAL_SET_PTR,
		"https://www.verizon.com/support/residential/internet/",
	},
	[P_SPECTRUM] = {
		"spectrum", "Charter Spectrum (residential)",
		RESIDENTIAL_SET_PTR,
		"https://www.spectrum.net/support/internet/",
	},
	[P_RIPE] = {
		"ripe", "RIPE NCC (regional Internet registry)",
		REGISTRY_SET_PTR,
		"https://www.ripe.net/manage-ips-and-asns/db/support/"
		"configuring-reverse-dns/",
	},
	[P_ARIN] = {
		"arin", "ARIN (regional Internet registry)",
		REGISTRY_SET_PTR,
		"https://www.arin.net/resources/manage/reverse/",
	},
	[P_APNIC] = {
		"apnic", "APNIC (regional Internet registry)",
		REGISTRY_SET_PTR,
		"https://www.apnic.net/manage-ip/manage-resources/reverse-dns/",
	},
	[P_LACNIC] = {
		"lacnic", "LACNIC (regional Internet registry)",
		REGISTRY_SET_PTR,
		"https://www.lacnic.net/en/web/lacnic/reverse-resolution",
	},
	[P_AFRINIC] = {
		"afrinic", "AFRINIC (regional Internet registry)",
		REGISTRY_SET_PTR,
		"https://afrinic.net/reverse-dns",
	},
};

/*
 * How PTR names map to providers. With a suffix, the rule applies to the
 * suffix itself and to names under it (label boundaries); its form, when
 * set, is matched against what is left of the suffix and says the name is
 * the provider's default. Without a form the rule only names the provider:
 * a customer's own name under the provider's domain stays a chosen name.
 * With no suffix, the form is matched against the whole name.
 *
 * Form syntax: '#' one or more digits, '%' one or more hex digits, '*' one
 * or more of [a-z0-9_-] (never crosses a label), any other character
 * literally. The form "+" alone means any non-empty prefix: nobody but the
 * provider can have names there.
 *
 * Order matters for provider_by_ptrname (first suffix wins) only across
 * providers, and no two providers share a suffix.
 *
 * Suffix lengths are kept next to the suffixes (SFX) because every PTR name
 * of a bulk run is checked against every rule.
 */
struct ptr_rule {
	enum provider_idx	 p;
	const char		*suffix;
	size_t			 suffixlen;
	const char		*form;
};

#define SFX(s)	(s), sizeof(s) - 1
#define NOSFX	NULL, 0

static const struct ptr_rule ptr_rules[] = {
	{ P_AWS,	SFX("compute-1.amazonaws.com"),	"ec2-#-#-#-#" },
	{ P_AWS,	SFX("compute.amazonaws.com"),	"ec2-#-#-#-#.*" },
	{ P_AWS,	SFX("compute.amazonaws.com.cn"), "ec2-#-#-#-#.*" },
	{ P_AWS,	SFX("ec2.internal"),		"ip-#-#-#-#" },
	{ P_AWS,	SFX("compute.internal"),	"ip-#-#-#-#.*" },
	{ P_AWS,	SFX("amazonaws.com"),		NULL },
	{ P_AWS,	SFX("amazonaws.com.cn"),	NULL },

	{ P_GCP,	SFX("bc.googleusercontent.com"), "+" },
	{ P_GCP,	SFX("googleusercontent.com"),	NULL },

	{ P_AZURE,	SFX("cloudapp.azure.com"),	"+" },
	{ P_AZURE,	SFX("cloudapp.net"),		"+" },

	/* The Droplet name is the PTR; the control panel's suggested name
	 * looks like "ubuntu-s-1vcpu-1gb-fra1-01". */
	{ P_DIGITALOCEAN, NOSFX,			"*-s-#vcpu-#*" },

	{ P_HETZNER,	SFX("clients.your-server.de"),	"static.#.#.#.#" },
	{ P_HETZNER,	SFX("your-server.de"),		NULL },

	/* OVH registered ip-A-B-C.{eu,net,us} for its own /24s. */
	{ P_OVH,	NOSFX,				"*.ip-#-#-#.eu" },
	{ P_OVH,	NOSFX,				"*.ip-#-#-#.net" },
	{ P_OVH,	NOSFX,				"*.ip-#-#-#.us" },
	{ P_OVH,	SFX("vps.ovh.net"),		"vps-%" },
	{ P_OVH,	SFX("ovh.net"),			"vps#" },
	{ P_OVH,	SFX("ovh.net"),			NULL },
	{ P_OVH,	SFX("ovh.ca"),			NULL },
	{ P_OVH,	SFX("ovh.us"),			NULL },

	{ P_LINODE,	SFX("members.linode.com"),	"li#-#" },
	{ P_LINODE,	SFX("ip.linodeusercontent.com"), "+" },
	{ P_LINODE,	SFX("linode.com"),		NULL },
	{ P_LINODE,	SFX("linodeusercontent.com"),	NULL },

	{ P_VULTR,	SFX("vultrusercontent.com"),	"+" },
	{ P_VULTR,	SFX("vultr.com"),		"#.#.#.#" },
	{ P_VULTR,	SFX("vultr.com"),		NULL },

	{ P_CONTABO,	SFX("contaboserver.net"),	"vmi#" },
	{ P_CONTABO,	SFX("contaboserver.net"),	"vmd#" },
	{ P_CONTABO,	SFX("contaboserver.net"),	NULL },

	{ P_ORACLE,	SFX("oraclevcn.com"),		"+" },
	{ P_ORACLE,	SFX("oraclecloud.com"),		NULL },

	{ P_SCALEWAY,	SFX("instances.scw.cloud"),	"+" },
	{ P_SCALEWAY,	SFX("rev.poneytelecom.eu"),	"+" },
	{ P_SCALEWAY,	SFX("scw.cloud"),		NULL },
	{ P_SCALEWAY,	SFX("poneytelecom.eu"),		NULL },

	{ P_IONOS,	SFX("onlinehome-server.info"),	"s#" },
	{ P_IONOS,	SFX("onlinehome-server.info"),	NULL },
	{ P_IONOS,	SFX("kundenserver.de"),		NULL },

	{ P_COMCAST,	SFX("comcast.net"),		"*.hsd1.*" },
	{ P_COMCAST,	SFX("comcast.net"),		NULL },

	{ P_VERIZON,	SFX("fios.verizon.net"),	"pool-#-#-#-#.*" },
	{ P_VERIZON,	SFX("verizon.net"),		NULL },

	{ P_SPECTRUM,	SFX("res.rr.com"),		"+" },
	{ P_SPECTRUM,	SFX("res.spectrum.com"),	"+" },
};

/*
 * Who runs a reverse zone, judged by suffixes of its SOA mname or rname.
 * These are heuristics from the names the operators publish, checked in
 * order. Managed DNS services also host customers' own (delegated) reverse
 * zones, so their hostmaster mailboxes come first and name nobody. ARIN's,
 * APNIC's, LACNIC's and AFRINIC's zones are partly served from RIPE NCC's
 * authdns cluster, so those mnames come before RIPE's own suffix.
 */
struct soa_rule {
	enum provider_idx	 p;
	const char		*suffix;
};

static const struct soa_rule soa_rules[] = {
	{ P_NOBODY,	"awsdns-hostmaster.amazon.com" },	/* Route 53 */
	{ P_NOBODY,	"azuredns-hostmaster.microsoft.com" },	/* Azure DNS */
	{ P_NOBODY,	"cloud-dns-hostmaster.google.com" },	/* Cloud DNS */

	{ P_ARIN,	"arin.authdns.ripe.net" },
	{ P_APNIC,	"apnic.authdns.ripe.net" },
	{ P_LACNIC,	"lacnic.authdns.ripe.net" },
	{ P_AFRINIC,	"afrinic.authdns.ripe.net" },
	{ P_ARIN,	"arin.net" },
	{ P_APNIC,	"apnic.net" },
	{ P_LACNIC,	"lacnic.net" },
	{ P_AFRINIC,	"afrinic.net" },
	{ P_RIPE,	"ripe.net" },

	{ P_AWS,	"amazon.com" },
	{ P_AWS,	"amazonaws.com" },
	{ P_GCP,	"google.com" },
	{ P_AZURE,	"microsoft.com" },
	{ P_AZURE,	"msft.net" },
	{ P_DIGITALOCEAN, "digitalocean.com" },
	{ P_HETZNER,	"your-server.de" },
	{ P_HETZNER,	"hetzner.com" },
	{ P_HETZNER,	"hetzner.de" },
	{ P_OVH,	"ovh.net" },
	{ P_OVH,	"ovh.ca" },
	{ P_LINODE,	"linode.com" },
	{ P_VULTR,	"vultr.com" },
	{ P_CONTABO,	"contabo.net" },
	{ P_CONTABO,	"contabo.de" },
	{ P_ORACLE,	"oracle.com" },
	{ P_ORACLE,	"oraclecloud.com" },
	{ P_SCALEWAY,	"online.net" },
	{ P_SCALEWAY,	"scaleway.com" },
	{ P_SCALEWAY,	"poneytelecom.eu" },
	{ P_IONOS,	"1and1.com" },
	{ P_IONOS,	"ionos.com" },
	{ P_COMCAST,	"comcast.net" },
	{ P_VERIZON,	"verizon.net" },
	{ P_SPECTRUM,	"charter.com" },
	{ P_SPECTRUM,	"rr.com" },
};

/*
 * Pool keywords, matched against whole tokens only. "host" and "static" are
 * left out on purpose: both are common in names chosen for real servers,
 * and a generic "static-..." name is caught by its embedded address anyway.
 * Weak keywords also occur in chosen names ("smtp-client", "nat-gw",
 * "mobile"), so they count only in a numbered label, as pools are.
 */
struct keyword {
	const char	*word;
	size_t		 len;	/* every token is compared with every word */
	bool		 weak;
};

#define KW(w, weak)	{ (w), sizeof(w) - 1, (weak) }

static const struct keyword keywords[] = {
	KW("dyn", false),	KW("dynamic", false),	KW("dhcp", false),
	KW("pool", false),	KW("dsl", false),	KW("adsl", false),
	KW("vdsl", false),	KW("xdsl", false),	KW("cable", false),
	KW("ppp", false),	KW("pppoe", false),	KW("cpe", false),
	KW("dial", false),	KW("dialup", false),	KW("dialin", false),
	KW("broadband", false),	KW("resid", false),	KW("residential", false),
	KW("fios", false),	KW("ftth", false),	KW("unassigned", false),
	KW("unknown", false),
	KW("client", true),	KW("customer", true),	KW("cust", true),
	KW("bb", true),		KW("res", true),	KW("user", true),
	KW("wireless", true),	KW("mobile", true),	KW("nat", true),
};

/* Second-level labels under which two-letter ccTLDs register names
 * (example.co.uk, example.com.au). */
static const char *const cc_slds[] = {
	"co", "com", "net", "org", "ac", "gov", "edu",
};

static const char reason_none[] =
    "The name does not look generic.";
static const char reason_cloud[] =
    "The name is the hosting provider's default for this address, not one "
    "chosen for a mail server; receivers read it as an unconfigured host.";
static const char reason_embedded[] =
    "The name contains the address itself, as names that an address owner "
    "assigns in bulk do; receivers and spam filters score it as generic.";
static const char reason_keyword[] =
    "The name carries a keyword used for dynamic or residential address "
    "pools; receivers and spam filters score it as generic.";

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_alpha(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool
is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f');
}

static bool
is_sep(char c)
{
	return c == '-' || c == '.' || c == '_';
}

static int
hex_value(char c)
{
	return is_digit(c) ? c - '0' : c - 'a' + 10;
}

/*
 * Decode a presentation-form name into *g. Returns false for anything that
 * is not a usable host name: NULL, empty, the root, too long, an empty
 * label, a bad escape. One trailing dot is accepted.
 */
static bool
gname_parse(const char *in, struct gname *g)
{
	size_t n, i = 0, llen = 0;

	g->len = 0;
	g->nlabels = 0;
	g->s[0] = '\0';
	if (in == NULL)
		return false;
	n = strnlen(in, GEN_INPUT_MAX + 1);
	if (n == 0 || n > GEN_INPUT_MAX)
		return false;

	g->off[g->nlabels++] = 0;
	while (i < n) {
		unsigned char c = (unsigned char)in[i];

		if (c == '.') {
			if (llen == 0)
				return false;
			if (i + 1 == n)
				break;		/* the trailing dot */
			if (g->len + 1 > GEN_NAME_MAX)
				return false;
			g->s[g->len++] = '.';
			g->off[g->nlabels++] = (uint8_t)g->len;
			llen = 0;
			i++;
			continue;
		}
		if (c == '\\') {
			if (i + 1 >= n)
				return false;
			if (is_digit(in[i + 1])) {
				unsigned v;

				if (i + 3 >= n || !is_digit(in[i + 2]) ||
				    !is_digit(in[i + 3]))
					return false;
				v = (unsigned)(in[i + 1] - '0') * 100 +
				    (unsigned)(in[i + 2] - '0') * 10 +
				    (unsigned)(in[i + 3] - '0');
				if (v > 255)
					return false;
				c = (unsigned char)v;
				i += 4;
			} else {
				c = (unsigned char)in[i + 1];
				i += 2;
			}
		} else {
			i++;
		}
		if (llen == GEN_LABEL_MAX || g->len + 1 > GEN_NAME_MAX)
			return false;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		if (!is_alpha((char)c) && !is_digit((char)c) && c != '-' &&
		    c != '_')
			c = '?';
		g->s[g->len++] = (char)c;
		llen++;
	}
	if (llen == 0)
		return false;
	g->s[g->len] = '\0';
	return true;
}

/*
 * Whether the name is suffix (of length sl) or ends in "." suffix. On
 * success *prefixlen is the length of what precedes the suffix, without
 * the joining dot (0 when the name is the suffix itself).
 */
static bool
gname_suffix(const struct gname *g, const char *suffix, size_t sl,
    size_t *prefixlen)
{
	/* Most names end in none of the suffixes: the last octet alone
	 * turns most away before memcmp is called. */
	if (sl == 0 || sl > g->len || g->s[g->len - 1] != suffix[sl - 1] ||
	    memcmp(g->s + g->len - sl, suffix, sl) != 0)
		return false;
	if (sl == g->len) {
		*prefixlen = 0;
		return true;
	}
	if (g->s[g->len - sl - 1] != '.')
		return false;
	*prefixlen = g->len - sl - 1;
	return true;
}

static bool
form_class(char f, char c)
{
	switch (f) {
	case '#':
		return is_digit(c);
	case '%':
		return is_hex(c);
	default:
		return is_alpha(c) || is_digit(c) || c == '-' || c == '_';
	}
}

/* Match form f against s[0..n) exactly. The quantifiers never cross a
 * label, so backtracking is bounded by the label length; the step budget
 * is a second guard in case a future form is careless. */
static bool
form_match(const char *f, const char *s, size_t n, unsigned *steps)
{
	size_t k;

	if (*steps == 0)
		return false;
	(*steps)--;
	if (*f == '\0')
		return n == 0;
	if (*f != '#' && *f != '%' && *f != '*')
		return n > 0 && *s == *f && form_match(f + 1, s + 1, n - 1, steps);
	for (k = 0; k < n && form_class(*f, s[k]); k++)
		;
	for (; k > 0; k--)
		if (form_match(f + 1, s + k, n - k, steps))
			return true;
	return false;
}

static bool
is_quantifier(char f)
{
	return f == '#' || f == '%' || f == '*';
}

/* Where s[0..n) contains needle[0..nl), or -1. Both ends of the needle
 * are compared before memcmp: the separators that start many needles
 * ("-s-", ".ip-") are common, a second matching octet much less so. */
static long
find_in(const char *s, size_t n, const char *needle, size_t nl)
{
	for (size_t i = 0; nl > 0 && i + nl <= n; i++)
		if (s[i] == needle[0] && s[i + nl - 1] == needle[nl - 1] &&
		    memcmp(s + i, needle, nl) == 0)
			return (long)i;
	return -1;
}

/* Whether s[0..n) starts or ends with p[0..pl). The edge octet is
 * compared first, so a mismatch usually costs no memcmp call. */
static bool
has_prefix(const char *s, size_t n, const char *p, size_t pl)
{
	return pl == 0 || (pl <= n && s[0] == p[0] && memcmp(s, p, pl) == 0);
}

static bool
has_suffix(const char *s, size_t n, const char *p, size_t pl)
{
	return pl == 0 || (pl <= n && s[n - 1] == p[pl - 1] &&
	    memcmp(s + n - pl, p, pl) == 0);
}

/*
 * A necessary condition for form_match: every literal run of the form is
 * in s, a leading run at the start and a trailing run at the end. Nearly
 * every name fails it at once, where the matcher would first backtrack
 * through the whole first label.
 */
static bool
form_literals_in(const char *f, const char *s, size_t n)
{
	size_t fl = strlen(f), i, j;

	/* The anchored ends first: one comparison each. */
	for (i = 0; i < fl && !is_quantifier(f[i]); i++)
		;
	for (j = fl; j > i && !is_quantifier(f[j - 1]); j--)
		;
	if (!has_prefix(s, n, f, i) || !has_suffix(s, n, f + j, fl - j))
		return false;
	/* Then the runs in between, anywhere. */
	while (i < j) {
		size_t k;

		if (is_quantifier(f[i])) {
			i++;
			continue;
		}
		for (k = i; k < j && !is_quantifier(f[k]); k++)
			;
		if (find_in(s, n, f + i, k - i) < 0)
			return false;
		i = k;
	}
	return true;
}

static bool
form_match_str(const char *form, const char *s, size_t n)
{
	unsigned steps = GEN_MATCH_STEPS;

	if (form[0] == '+' && form[1] == '\0')
		return n > 0;
	if (!form_literals_in(form, s, n))
		return false;
	return form_match(form, s, n, &steps);
}

/* Whether the rule names the provider of g (default form or not). */
static bool
rule_names(const struct ptr_rule *r, const struct gname *g)
{
	size_t plen;

	if (r->suffix == NULL)
		return form_match_str(r->form, g->s, g->len);
	return gname_suffix(g, r->suffix, r->suffixlen, &plen);
}

static const struct provider *
provider_of(const struct gname *g)
{
	for (size_t i = 0; i < UTIL_ARRAY_LEN(ptr_rules); i++)
		if (rule_names(&ptr_rules[i], g))
			return &providers[ptr_rules[i].p];
	return NULL;
}

/*
 * provider_of and the first rule whose default form g is, in one pass over
 * the rules: each suffix is compared and each suffix-less form matched once
 * instead of once for the provider and once for the default. Returns that
 * rule, or NULL with *named set as provider_of(g) would.
 */
static const struct ptr_rule *
rule_default_of(const struct gname *g, const struct provider **named)
{
	*named = NULL;
	for (size_t i = 0; i < UTIL_ARRAY_LEN(ptr_rules); i++) {
		const struct ptr_rule *r = &ptr_rules[i];
		size_t plen;

		if (r->suffix == NULL) {
			/* Naming and default are the same match here. */
			if (form_match_str(r->form, g->s, g->len))
				return r;
			continue;
		}
		if (!gname_suffix(g, r->suffix, r->suffixlen, &plen))
			continue;
		if (*named == NULL)
			*named = &providers[r->p];
		if (r->form != NULL && plen > 0 &&
		    form_match_str(r->form, g->s, plen))
			return r;
	}
	return NULL;
}

const struct provider *
provider_by_ptrname(const char *ptrname)
{
	struct gname g;

	if (!gname_parse(ptrname, &g))
		return NULL;
	return provider_of(&g);
}

const struct provider *
provider_by_soa(const char *mname, const char *rname)
{
	struct gname m, r;
	bool have_m = gname_parse(mname, &m);
	bool have_r = gname_parse(rname, &r);
	size_t plen;

	for (size_t i = 0; i < UTIL_ARRAY_LEN(soa_rules); i++) {
		const struct soa_rule *sr = &soa_rules[i];

		size_t sl = strlen(sr->suffix);

		if ((have_m && gname_suffix(&m, sr->suffix, sl, &plen)) ||
		    (have_r && gname_suffix(&r, sr->suffix, sl, &plen)))
			return sr->p == P_NOBODY ? NULL : &providers[sr->p];
	}
	return NULL;
}

const struct provider *
provider_table(size_t *n)
{
	if (n != NULL)
		*n = UTIL_ARRAY_LEN(providers);
	return providers;
}

/* Write "embedded <the part of the name found>" into m->detail. */
static void
set_embedded(struct generic_match *m, const struct gname *g, size_t start,
    size_t end)
{
	size_t len = end - start;

	if (len > 100)
		len = 100;
	snprintf(m->detail, sizeof(m->detail), "embedded %.*s", (int)len,
	    g->s + start);
}

/* Maximal runs of characters of one class in g->s. */
struct runs {
	size_t	n;
	uint8_t	start[GEN_RUNS_MAX];
	uint8_t	len[GEN_RUNS_MAX];
};

static void
runs_add(struct runs *r, size_t start, size_t end)
{
	if (r->n == GEN_RUNS_MAX)
		return;
	r->start[r->n] = (uint8_t)start;
	r->len[r->n] = (uint8_t)(end - start);
	r->n++;
}

/* The digit runs (d) and the hex runs (h) of g->s, in one pass: every
 * run of digits lies inside a run of hex digits. */
static void
runs_collect(const struct gname *g, struct runs *d, struct runs *h)
{
	size_t i = 0;

	d->n = h->n = 0;
	while (i < g->len) {
		size_t j, k;

		if (!is_hex(g->s[i])) {
			i++;
			continue;
		}
		for (j = i; j < g->len && is_hex(g->s[j]); j++)
			;
		runs_add(h, i, j);
		for (k = i; k < j; ) {
			size_t e;

			if (!is_digit(g->s[k])) {
				k++;
				continue;
			}
			for (e = k; e < j && is_digit(g->s[e]); e++)
				;
			runs_add(d, k, e);
			k = e;
		}
		i = j;
	}
}

/* The longest run in r, 0 when there is none. */
static size_t
runs_longest(const struct runs *r)
{
	size_t max = 0;

	for (size_t i = 0; i < r->n; i++)
		if (r->len[i] > max)
			max = r->len[i];
	return max;
}

/* The value of a run of up to three digits, or -1. */
static int
octet_value(const struct gname *g, const struct runs *r, size_t k)
{
	int v = 0;

	if (r->len[k] > 3)
		return -1;
	for (size_t i = 0; i < r->len[k]; i++)
		v = v * 10 + (g->s[r->start[k] + i] - '0');
	return v <= 255 ? v : -1;
}

/*
 * IPv4 octets written out: three or four octets of the address in a row,
 * in forward or reverse order, joined by single '-', '.' or '_'. Three is
 * the floor so that a lone number ("mail2", "mx-1") can never match, and
 * an address's /24 written in reverse ("3.2.1") still does.
 */
static bool
embedded_v4_octets(const struct gname *g, const struct runs *d,
    const uint8_t a[4], struct generic_match *m)
{
	uint8_t order[2][4] = {
		{ a[0], a[1], a[2], a[3] },
		{ a[3], a[2], a[1], a[0] },
	};
	size_t best = 0, bstart = 0, bend = 0;

	for (size_t i = 0; i < d->n && best < 4; i++) {
		for (size_t o = 0; o < 2; o++) {
			for (size_t k = 0; k < 2; k++) {
				size_t cnt = 0;

				while (k + cnt < 4 && i + cnt < d->n) {
					size_t j = i + cnt;

					if (cnt > 0 && (d->start[j] !=
					    d->start[j - 1] + d->len[j - 1] + 1 ||
					    !is_sep(g->s[d->start[j] - 1])))
						break;
					if (octet_value(g, d, j) !=
					    order[o][k + cnt])
						break;
					cnt++;
				}
				if (cnt >= 3 && cnt > best) {
					best = cnt;
					bstart = d->start[i];
					bend = (size_t)d->start[i + cnt - 1] +
					    d->len[i + cnt - 1];
				}
			}
		}
	}
	if (best < 3)
		return false;
	set_embedded(m, g, bstart, bend);
	return true;
}

/* Two lower-case hex digits of b at p (no NUL). */
static void
put_hex2(char *p, uint8_t b)
{
	static const char hex[] = "0123456789abcdef";

	p[0] = hex[b >> 4];
	p[1] = hex[b & 15];
}

/* Three decimal digits of b at p, zero padded (no NUL). */
static void
put_dec3(char *p, uint8_t b)
{
	p[0] = (char)('0' + b / 100);
	p[1] = (char)('0' + b / 10 % 10);
	p[2] = (char)('0' + b % 10);
}

/*
 * IPv4 written as one number: zero-padded octets run together (forward or
 * reverse, all four or three in a row), the 32-bit value in decimal, or the
 * 32-bit value in hex ("c0000201"). Unpadded concatenations ("19202") are
 * ambiguous and left alone.
 */
static bool
embedded_v4_number(const struct gname *g, const struct runs *d,
    const struct runs *h, const uint8_t a[4], struct generic_match *m)
{
	/* Windows into the padded forms: whole, then three octets a side. */
	static const struct {
		size_t	off, len;
	} win[] = { { 0, 12 }, { 0, 9 }, { 3, 9 } };
	char pad[2][13], word[16], hex[2][9];
	size_t wordlen;
	uint32_t v = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
	    (uint32_t)a[2] << 8 | a[3];

	/* Every form below takes a run of seven digits or eight hex digits
	 * at least; most names have none, so nothing needs writing out. */
	if (runs_longest(d) < 7 && runs_longest(h) < 8)
		return false;

	/* By hand, not snprintf: this runs for every PTR name of a bulk
	 * run, and twenty formatted calls were a tenth of its CPU. */
	for (size_t k = 0; k < 4; k++) {
		put_dec3(pad[0] + 3 * k, a[k]);
		put_dec3(pad[1] + 3 * k, a[3 - k]);
		put_hex2(hex[0] + 2 * k, a[k]);
		put_hex2(hex[1] + 2 * k, a[3 - k]);
	}
	pad[0][12] = pad[1][12] = hex[0][8] = hex[1][8] = '\0';
	{
		char tmp[16], *p = tmp + sizeof(tmp);
		uint32_t u = v;

		*--p = '\0';
		do {
			*--p = (char)('0' + u % 10);
			u /= 10;
		} while (u != 0);
		wordlen = (size_t)(tmp + sizeof(tmp) - 1 - p);
		memcpy(word, p, wordlen + 1);
	}

	for (size_t i = 0; i < d->n; i++) {
		const char *s = g->s + d->start[i];
		size_t n = d->len[i];

		for (size_t w = 0; w < UTIL_ARRAY_LEN(win); w++) {
			for (size_t o = 0; o < 2; o++) {
				long at = find_in(s, n, pad[o] + win[w].off,
				    win[w].len);

				if (at < 0)
					continue;
				set_embedded(m, g, d->start[i] + (size_t)at,
				    d->start[i] + (size_t)at + win[w].len);
				return true;
			}
		}
		/* Small addresses make short decimal words; demand seven
		 * digits and the whole run, so "10" never means 0.0.0.10. */
		if (n >= 7 && n == wordlen && memcmp(s, word, n) == 0) {
			set_embedded(m, g, d->start[i], d->start[i] + n);
			return true;
		}
	}
	for (size_t i = 0; i < h->n; i++) {
		for (size_t o = 0; o < 2; o++) {
			long at = find_in(g->s + h->start[i], h->len[i],
			    hex[o], 8);

			if (at < 0)
				continue;
			set_embedded(m, g, h->start[i] + (size_t)at,
			    h->start[i] + (size_t)at + 8);
			return true;
		}
	}
	return false;
}

/* Fields of the name split at '-', '.' and '_'; empty fields come from
 * doubled separators ("2001-db8--1"). */
struct fields {
	size_t	n;
	uint8_t	start[GEN_RUNS_MAX];
	uint8_t	len[GEN_RUNS_MAX];
};

static void
fields_collect(const struct gname *g, struct fields *f)
{
	size_t i = 0;

	f->n = 0;
	while (i <= g->len && f->n < GEN_RUNS_MAX) {
		size_t j;

		for (j = i; j < g->len && !is_sep(g->s[j]); j++)
			;
		f->start[f->n] = (uint8_t)i;
		f->len[f->n] = (uint8_t)(j - i);
		f->n++;
		i = j + 1;
	}
}

static bool
field_is_group(const struct gname *g, const struct fields *f, size_t k)
{
	if (f->len[k] == 0 || f->len[k] > 4)
		return false;
	for (size_t i = 0; i < f->len[k]; i++)
		if (!is_hex(g->s[f->start[k] + i]))
			return false;
	return true;
}

static unsigned
field_value(const struct gname *g, const struct fields *f, size_t k)
{
	unsigned v = 0;

	for (size_t i = 0; i < f->len[k]; i++)
		v = v * 16 + (unsigned)hex_value(g->s[f->start[k] + i]);
	return v;
}

/* Digits of a group without its leading zeros: how much it says. */
static unsigned
significant_digits(unsigned v)
{
	unsigned n = 0;

	for (; v != 0; v >>= 4)
		n++;
	return n;
}

/*
 * IPv6 hex groups written out. A window of fields with at most one empty
 * field (the "::") is read back as an address and compared whole. Without
 * compression, two or more groups in a row that equal consecutive groups
 * of the address count when they carry at least six significant hex
 * digits, so "0-1" or "db8-1" alone never do.
 */
static bool
embedded_v6_groups(const struct gname *g, const struct fields *f,
    const uint8_t a[16], struct generic_match *m)
{
	unsigned grp[8];

	for (size_t k = 0; k < 8; k++)
		grp[k] = (unsigned)a[2 * k] << 8 | a[2 * k + 1];

	for (size_t i = 0; i < f->n; i++) {
		char text[48];
		size_t tl = 0, empties = 0;

		if (!field_is_group(g, f, i))
			continue;
		/* Compressed (or full) forms, read back with inet_pton. */
		for (size_t j = i; j < f->n && j < i + 9; j++) {
			struct in6_addr back;

			if (f->len[j] == 0) {
				if (++empties > 1)
					break;
			} else if (!field_is_group(g, f, j)) {
				break;
			}
			if (j > i)
				text[tl++] = ':';
			memcpy(text + tl, g->s + f->start[j], f->len[j]);
			tl += f->len[j];
			text[tl] = '\0';
			if (f->len[j] == 0 || j - i < 2)
				continue;
			if ((empties == 1 || j - i == 7) &&
			    inet_pton(AF_INET6, text, &back) == 1 &&
			    memcmp(&back, a, 16) == 0) {
				set_embedded(m, g, f->start[i],
				    (size_t)f->start[j] + f->len[j]);
				return true;
			}
		}
		/* Partial runs against every alignment in the address. */
		for (size_t k = 0; k < 8; k++) {
			size_t cnt = 0;
			unsigned sig = 0;

			while (k + cnt < 8 && i + cnt < f->n &&
			    field_is_group(g, f, i + cnt) &&
			    field_value(g, f, i + cnt) == grp[k + cnt]) {
				sig += significant_digits(grp[k + cnt]);
				cnt++;
			}
			if (cnt >= 2 && sig >= 6) {
				set_embedded(m, g, f->start[i],
				    (size_t)f->start[i + cnt - 1] +
				    f->len[i + cnt - 1]);
				return true;
			}
		}
	}
	return false;
}

static size_t
count_nonzero(const char *s, size_t n)
{
	size_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += s[i] != '0';
	return c;
}

/*
 * IPv6 as hex digits run together: a run of twelve or more hex digits that
 * is part of the 32-digit address (or holds all of it), or sixteen or more
 * single-nibble labels, forward or reversed as in ip6.arpa. Runs of zeros
 * are in every address, so at least four digits must be non-zero.
 */
static bool
embedded_v6_run(const struct gname *g, const struct runs *h,
    const struct fields *f, const uint8_t a[16], struct generic_match *m)
{
	char full[33], nib[33], rev[33];

	for (size_t k = 0; k < 16; k++)
		put_hex2(full + 2 * k, a[k]);
	full[32] = '\0';

	for (size_t i = 0; i < h->n; i++) {
		const char *s = g->s + h->start[i];
		size_t n = h->len[i];
		long at;

		if (n < 12 || count_nonzero(s, n) < 4)
			continue;
		if (n <= 32) {
			if (find_in(full, 32, s, n) >= 0) {
				set_embedded(m, g, h->start[i], h->start[i] + n);
				return true;
			}
		} else if ((at = find_in(s, n, full, 32)) >= 0) {
			set_embedded(m, g, h->start[i] + (size_t)at,
			    h->start[i] + (size_t)at + 32);
			return true;
		}
	}

	for (size_t i = 0; i < f->n; i++) {
		size_t j, cnt;

		for (j = i; j < f->n && f->len[j] == 1 &&
		    is_hex(g->s[f->start[j]]) &&
		    (j == i || g->s[f->start[j] - 1] == '.'); j++)
			;
		cnt = j - i;
		if (cnt == 0)
			continue;
		if (cnt < 16) {
			i = j - 1;	/* field j may start the next chain */
			continue;
		}
		if (cnt > 32)
			cnt = 32;	/* an address has 32 nibbles */
		for (size_t k = 0; k < cnt; k++) {
			nib[k] = g->s[f->start[i + k]];
			rev[cnt - 1 - k] = nib[k];
		}
		nib[cnt] = rev[cnt] = '\0';
		if (count_nonzero(nib, cnt) >= 4 &&
		    (find_in(full, 32, nib, cnt) >= 0 ||
		    find_in(full, 32, rev, cnt) >= 0)) {
			set_embedded(m, g, f->start[i],
			    (size_t)f->start[i + cnt - 1] + 1);
			return true;
		}
		i = j - 1;
	}
	return false;
}

static bool
embedded_ip(const struct gname *g, int af, const void *addr,
    struct generic_match *m)
{
	struct runs digits, hexes;
	struct fields f;
	uint8_t a[16];

	if (addr == NULL)
		return false;
	runs_collect(g, &digits, &hexes);
	if (af == AF_INET) {
		memcpy(a, addr, 4);
		return embedded_v4_octets(g, &digits, a, m) ||
		    embedded_v4_number(g, &digits, &hexes, a, m);
	}
	if (af == AF_INET6) {
		memcpy(a, addr, 16);
		fields_collect(g, &f);
		return embedded_v6_groups(g, &f, a, m) ||
		    embedded_v6_run(g, &hexes, &f, a, m);
	}
	return false;
}

/* How many trailing labels make up the registered domain, by a simple
 * rule: two, or three under a ccTLD's second-level label (example.co.uk). */
static size_t
registered_labels(const struct gname *g)
{
	size_t last, prev;

	if (g->nlabels < 3)
		return g->nlabels;
	last = g->off[g->nlabels - 1];
	prev = g->off[g->nlabels - 2];
	if (g->len - last == 2 && is_alpha(g->s[last]) &&
	    is_alpha(g->s[last + 1])) {
		for (size_t i = 0; i < UTIL_ARRAY_LEN(cc_slds); i++) {
			size_t sl = strlen(cc_slds[i]);

			if (last - 1 - prev == sl &&
			    memcmp(g->s + prev, cc_slds[i], sl) == 0)
				return 3;
		}
	}
	return 2;
}

/* A token: a maximal run of letters or of digits within one label. */
struct token {
	size_t	start;
	size_t	len;
	bool	digits;
};

#define TOKENS_MAX	GEN_LABEL_MAX

static size_t
label_tokens(const struct gname *g, size_t start, size_t end,
    struct token *t)
{
	size_t n = 0, i = start;

	while (i < end && n < TOKENS_MAX) {
		size_t j;

		if (!is_alpha(g->s[i]) && !is_digit(g->s[i])) {
			i++;
			continue;
		}
		for (j = i; j < end && is_digit(g->s[j]) == is_digit(g->s[i]) &&
		    (is_alpha(g->s[j]) || is_digit(g->s[j])); j++)
			;
		t[n].start = i;
		t[n].len = j - i;
		t[n].digits = is_digit(g->s[i]);
		n++;
		i = j;
	}
	return n;
}

static bool
token_is(const struct gname *g, const struct token *t, const char *word,
    size_t wlen)
{
	return !t->digits && wlen == t->len && g->s[t->start] == word[0] &&
	    memcmp(g->s + t->start, word, wlen) == 0;
}

/* Pools are numbered: a label with a number of three or more digits, or
 * with two numbers, looks like one entry of many. */
static bool
label_numbered(const struct token *t, size_t n)
{
	size_t numbers = 0;

	for (size_t i = 0; i < n; i++) {
		if (!t[i].digits)
			continue;
		if (t[i].len >= 3 || ++numbers >= 2)
			return true;
	}
	return false;
}

static bool
pool_keyword(const struct gname *g, struct generic_match *m)
{
	size_t keep = registered_labels(g);
	struct token t[TOKENS_MAX];

	if (g->nlabels <= keep)
		return false;
	for (size_t l = 0; l < g->nlabels - keep; l++) {
		size_t start = g->off[l];
		size_t end = g->off[l + 1] - 1;	/* before the dot */
		size_t n = label_tokens(g, start, end, t);
		bool numbered = label_numbered(t, n);

		for (size_t i = 0; i < n; i++) {
			const char *hit = NULL;

			if (t[i].digits)
				continue;	/* no keyword is a number */
			/* "ip" alone is a word; "ip-1-2-3-4" and "ip1234"
			 * are addresses named by number. */
			if (token_is(g, &t[i], "ip", 2) && i + 1 < n &&
			    t[i + 1].digits)
				hit = "ip";
			for (size_t k = 0; hit == NULL &&
			    k < UTIL_ARRAY_LEN(keywords); k++)
				if (token_is(g, &t[i], keywords[k].word,
				    keywords[k].len) &&
				    (!keywords[k].weak || numbered))
					hit = keywords[k].word;
			if (hit != NULL) {
				snprintf(m->detail, sizeof(m->detail),
				    "keyword \"%s\"", hit);
				return true;
			}
		}
	}
	return false;
}

bool
generic_classify(const char *ptrname, int af, const void *addr,
    struct generic_match *m)
{
	struct gname g;
	const struct ptr_rule *r;

	if (m == NULL)
		return false;
	m->kind = GENERIC_NONE;
	m->reason = reason_none;
	m->detail[0] = '\0';
	m->provider = NULL;
	if (!gname_parse(ptrname, &g))
		return false;

	if ((r = rule_default_of(&g, &m->provider)) != NULL) {
		m->kind = GENERIC_CLOUD_DEFAULT;
		m->reason = reason_cloud;
		m->provider = &providers[r->p];
		snprintf(m->detail, sizeof(m->detail),
		    "%s default form", providers[r->p].name);
		return true;
	}
	if (embedded_ip(&g, af, addr, m)) {
		m->kind = GENERIC_EMBEDDED_IP;
		m->reason = reason_embedded;
		return true;
	}
	if (pool_keyword(&g, m)) {
		m->kind = GENERIC_POOL_KEYWORD;
		m->reason = reason_keyword;
		return true;
	}
	return false;
}
