/* SPDX-License-Identifier: MIT */
/*
 * The blacklist configuration: a line format parsed with a cap on every
 * length and count, and the built-in set of public lists written in it.
 * Return codes below come from each operator's published documentation;
 * codes we could not confirm are left out, and an answer without a known
 * meaning is reported as "listed (code meaning unknown)".
 */
#include "dnsbl/list.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smtp/reply.h"
#include "util/util.h"

/*
 * The format, one directive per line ('#' starts a comment line):
 *
 *   list ID ZONE KINDS        start a list; KINDS: ip4, ip6, domain,
 *                             joined by ',' (ip4,ip6)
 *   name TEXT                 display name
 *   url URL                   lookup / delisting page
 *   code ADDR[-ADDR] TEXT     what an answer (or range) means
 *   bit N TEXT                bitmask list: bit N (1, 2, 4 ... 128) of the
 *                             answer's last octet means TEXT
 *   refused ADDR[-ADDR] TEXT  an answer meaning the query was refused or
 *                             wrong (127.255.255.0/24 always means that)
 *   public-resolvers refused  the list refuses queries that come through
 *                             large public resolvers
 *   test-listed NAME          domain lists: the name the list must list
 *                             (default "test", RFC 5782 §5)
 *   test-unlisted NAME        domain lists: the name it must not list
 *                             (default "invalid")
 *   trip ENGINE RULE          a receiver rule a listing trips
 */
static const char default_config[] =
"# Spamhaus ZEN: SBL, XBL and PBL in one zone.\n"
"# https://docs.spamhaus.com/datasets/docs/source/10-data-type-documentation/datasets/040-zones.html\n"
"list spamhaus-zen zen.spamhaus.org ip4,ip6\n"
"name Spamhaus ZEN\n"
"url https://check.spamhaus.org/\n"
"public-resolvers refused\n"
"code 127.0.0.2 SBL: a known spam source or spam operation\n"
"code 127.0.0.3 SBL CSS: automated listing of a snowshoe spam source\n"
"code 127.0.0.4-127.0.0.7 XBL: an exploited host (malware, botnet, open proxy)\n"
"code 127.0.0.9 SBL DROP: a hijacked or criminal netblock\n"
"code 127.0.0.10 PBL: the ISP says this range should not send mail directly\n"
"code 127.0.0.11 PBL: Spamhaus says this range should not send mail directly\n"
"code 127.0.0.30 BCL: a botnet controller\n"
"refused 127.255.255.252 the query named the list wrongly\n"
"refused 127.255.255.254 the query came through a public or open resolver\n"
"refused 127.255.255.255 too many queries from this resolver\n"
"trip spamassassin RCVD_IN_SBL / RCVD_IN_XBL / RCVD_IN_PBL\n"
"trip rspamd RBL_SPAMHAUS_SBL / RBL_SPAMHAUS_XBL / RBL_SPAMHAUS_PBL\n"
"\n"
"list spamhaus-dbl dbl.spamhaus.org domain\n"
"name Spamhaus DBL\n"
"url https://check.spamhaus.org/\n"
"public-resolvers refused\n"
"test-listed dbltest.com\n"
"code 127.0.1.2 a low-reputation domain (spam)\n"
"code 127.0.1.4 a phishing domain\n"
"code 127.0.1.5 a malware domain\n"
"code 127.0.1.6 a botnet command-and-control domain\n"
"code 127.0.1.102 an abused legitimate domain (spam)\n"
"code 127.0.1.103 an abused redirector or URL shortener\n"
"code 127.0.1.104 an abused legitimate domain (phishing)\n"
"code 127.0.1.105 an abused legitimate domain (malware)\n"
"code 127.0.1.106 an abused legitimate domain (botnet command and control)\n"
"refused 127.0.1.255 an IP address was queried against this domain list\n"
"refused 127.255.255.252 the query named the list wrongly\n"
"refused 127.255.255.254 the query came through a public or open resolver\n"
"refused 127.255.255.255 too many queries from this resolver\n"
"trip spamassassin URIBL_DBL_SPAM\n"
"\n"
"list spamcop bl.spamcop.net ip4\n"
"name SpamCop Blocking List\n"
"url https://www.spamcop.net/bl.shtml\n"
"code 127.0.0.2 reported as a spam source by SpamCop users and traps\n"
"trip spamassassin RCVD_IN_BL_SPAMCOP_NET\n"
"\n"
"# Barracuda answers only resolvers registered (free) with it.\n"
"list barracuda b.barracudacentral.org ip4\n"
"name Barracuda Reputation Block List\n"
"url https://www.barracudacentral.org/lookups\n"
"public-resolvers refused\n"
"code 127.0.0.2 poor sending reputation\n"
"\n"
"list uceprotect-1 dnsbl-1.uceprotect.net ip4\n"
"name UCEPROTECT Level 1\n"
"url https://www.uceprotect.net/en/rblcheck.php\n"
"code 127.0.0.2 this address sent mail to UCEPROTECT spam traps\n"
"\n"
"list psbl psbl.surriel.com ip4\n"
"name Passive Spam Block List\n"
"url https://psbl.org/\n"
"code 127.0.0.2 this address sent mail to PSBL spam traps\n"
"trip spamassassin RCVD_IN_PSBL\n"
"\n"
"list mailspike bl.mailspike.net ip4\n"
"name Mailspike Blacklist\n"
"code 127.0.0.2 a spam source (zombie or spam-sending host)\n"
"code 127.0.0.10 the worst sending reputation\n"
"code 127.0.0.11 a very bad sending reputation\n"
"code 127.0.0.12 a bad sending reputation\n"
"trip spamassassin RCVD_IN_MSPIKE_BL\n"
"trip rspamd RBL_MAILSPIKE_ZOMBIE / _WORST / _VERYBAD / _BAD\n"
"\n"
"# SURBL: domains seen in message bodies; bitmask in the last octet;\n"
"# 127.0.0.1 means the query was blocked.\n"
"list surbl multi.surbl.org domain\n"
"name SURBL multi\n"
"url https://surbl.org/\n"
"public-resolvers refused\n"
"test-listed test.surbl.org\n"
"bit 8 PH: phishing\n"
"bit 16 MW: malware\n"
"bit 64 ABUSE: spam and other abuse\n"
"bit 128 CR: cracked (compromised) site\n"
"refused 127.0.0.1 the query was blocked (public resolver or volume)\n"
"trip spamassassin URIBL_PH_SURBL / URIBL_MW_SURBL / URIBL_ABUSE_SURBL / URIBL_CR_SURBL\n"
"\n"
"# URIBL: bitmask in the last octet; 127.0.0.1 means \"query refused\".\n"
"list uribl multi.uribl.com domain\n"
"name URIBL multi\n"
"url https://uribl.com/\n"
"public-resolvers refused\n"
"test-listed test.uribl.com\n"
"bit 2 black: a domain used by spammers\n"
"bit 4 grey: a bulk-mail domain that may honour opt-outs\n"
"bit 8 red: a young or privacy-protected domain seen in mail\n"
"refused 127.0.0.1 the query was refused (public resolver or volume)\n"
"trip spamassassin URIBL_BLACK / URIBL_GREY / URIBL_RED\n";

const char *
dnsbl_default_config(void)
{
	return default_config;
}

static void
list_free_one(struct dnsbl_list *l)
{
	free(l->id);
	free(l->name);
	free(l->zone);
	free(l->url);
	free(l->test_listed);
	free(l->test_unlisted);
	for (size_t i = 0; i < l->ncodes; i++)
		free(l->codes[i].meaning);
	free(l->codes);
	for (size_t i = 0; i < l->ntrips; i++) {
		free(l->trips[i].engine);
		free(l->trips[i].rule);
	}
	free(l->trips);
	memset(l, 0, sizeof(*l));
}

void
dnsbl_set_clear(struct dnsbl_set *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->n; i++)
		list_free_one(&set->v[i]);
	free(set->v);
	memset(set, 0, sizeof(*set));
}

void
dnsbl_kinds_format(unsigned kinds, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s%s%s%s%s",
	    kinds & DNSBL_KIND_IP4 ? "ip4" : "",
	    (kinds & DNSBL_KIND_IP4) && (kinds & ~DNSBL_KIND_IP4) ? "," : "",
	    kinds & DNSBL_KIND_IP6 ? "ip6" : "",
	    (kinds & DNSBL_KIND_IP6) && (kinds & DNSBL_KIND_DOMAIN) ? "," : "",
	    kinds & DNSBL_KIND_DOMAIN ? "domain" : "");
}

/* ---- the parser ---- */

struct cfg {
	struct dnsbl_set	*set;
	size_t			 first;		/* lists before this call */
	size_t			 line;
	char			*err;
	size_t			 errlen;
};

static int
cfg_fail(struct cfg *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
cfg_fail(struct cfg *c, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "line %zu: %s", c->line, msg);
	return -1;
}

/* Next whitespace-separated word of *p (advanced past it); NULL at the
 * end. The line is modified in place. */
static char *
cfg_word(char **p)
{
	char *s = *p, *w;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0') {
		*p = s;
		return NULL;
	}
	w = s;
	while (*s != '\0' && *s != ' ' && *s != '\t')
		s++;
	if (*s != '\0')
		*s++ = '\0';
	*p = s;
	return w;
}

/* The rest of the line, trimmed; NULL when empty. */
static char *
cfg_rest(char **p)
{
	char *s = *p, *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	*p = e;
	return *s ? s : NULL;
}

static bool
cfg_text_ok(const char *s)
{
	if (strlen(s) > DNSBL_TEXT_MAX)
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

static bool
cfg_id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > DNSBL_ID_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		    *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

static bool
cfg_addr(const char *s, uint32_t *out)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		return false;
	*out = ntohl(a.s_addr);
	return true;
}

/* "ADDR" or "ADDR-ADDR" into [lo, hi]. */
static bool
cfg_range(char *s, uint32_t *lo, uint32_t *hi)
{
	char *dash = strchr(s, '-');

	if (dash != NULL)
		*dash = '\0';
	if (!cfg_addr(s, lo))
		return false;
	if (dash == NULL) {
		*hi = *lo;
		return true;
	}
	return cfg_addr(dash + 1, hi) && *lo <= *hi;
}

static int
cfg_kinds(struct cfg *c, char *s, unsigned *kinds)
{
	char *save = NULL, *tok;

	*kinds = 0;
	for (tok = strtok_r(s, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "ip4") == 0)
			*kinds |= DNSBL_KIND_IP4;
		else if (strcmp(tok, "ip6") == 0)
			*kinds |= DNSBL_KIND_IP6;
		else if (strcmp(tok, "domain") == 0)
			*kinds |= DNSBL_KIND_DOMAIN;
		else
			return cfg_fail(c, "unknown kind \"%.20s\" (ip4, ip6, "
			    "domain)", tok);
	}
	if (*kinds == 0)
		return cfg_fail(c, "no kind given");
	return 0;
}

static struct dnsbl_list *
cfg_current(struct cfg *c)
{
	return c->set->n > c->first ? &c->set->v[c->set->n - 1] : NULL;
}

static int
cfg_list(struct cfg *c, char *p)
{
	char *id = cfg_word(&p), *zone = cfg_word(&p), *kinds = cfg_word(&p);
	struct dnsbl_list *l;
	unsigned k;
	size_t zl;

	if (id == NULL || zone == NULL || kinds == NULL || cfg_word(&p) != NULL)
		return cfg_fail(c, "want: list ID ZONE KINDS");
	if (!cfg_id_ok(id))
		return cfg_fail(c, "bad list id \"%.40s\" (a-z, 0-9, '-', '_', "
		    "'.', at most %d)", id, DNSBL_ID_MAX);
	zl = strlen(zone);
	if (zl > 0 && zone[zl - 1] == '.')
		zone[--zl] = '\0';
	/* The zone plus the longest query prefix (an IPv6 address: 64
	 * octets) must fit in a name. */
	if (zl == 0 || zl > 253 - 64 || !smtp_hostname_valid(zone))
		return cfg_fail(c, "bad zone \"%.60s\"", zone);
	if (cfg_kinds(c, kinds, &k) != 0)
		return -1;
	for (size_t i = 0; i < c->set->n; i++)
		if (strcmp(c->set->v[i].id, id) == 0)
			return cfg_fail(c, "list \"%s\" defined twice", id);
	if (c->set->n == DNSBL_LISTS_MAX)
		return cfg_fail(c, "more than %d lists", DNSBL_LISTS_MAX);
	c->set->v = xreallocarray(c->set->v, c->set->n + 1, sizeof(*c->set->v));
	l = &c->set->v[c->set->n++];
	memset(l, 0, sizeof(*l));
	l->id = xstrdup(id);
	l->zone = xstrdup(zone);
	l->kinds = k;
	return 0;
}

static int
cfg_code(struct cfg *c, struct dnsbl_list *l, enum dnsbl_code_kind kind,
    char *p)
{
	char *what = cfg_word(&p), *text = cfg_rest(&p);
	struct dnsbl_code *code;
	uint32_t lo = 0, hi = 0;

	if (what == NULL || text == NULL)
		return cfg_fail(c, "want: %s %s TEXT", kind == DNSBL_CODE_BIT ?
		    "bit" : kind == DNSBL_CODE_REFUSED ? "refused" : "code",
		    kind == DNSBL_CODE_BIT ? "N" : "ADDR[-ADDR]");
	if (!cfg_text_ok(text))
		return cfg_fail(c, "meaning too long or not printable");
	if (kind == DNSBL_CODE_BIT) {
		char *end;
		unsigned long b;

		errno = 0;
		b = strtoul(what, &end, 10);
		if (*end != '\0' || errno != 0 || b == 0 || b > 128 ||
		    (b & (b - 1)) != 0)
			return cfg_fail(c, "bad bit \"%.20s\" (1, 2, 4 ... 128)",
			    what);
		lo = hi = (uint32_t)b;
		l->bitmask = true;
	} else if (!cfg_range(what, &lo, &hi)) {
		return cfg_fail(c, "bad address or range \"%.40s\"", what);
	}
	if (l->ncodes == DNSBL_CODES_MAX)
		return cfg_fail(c, "more than %d codes in list \"%s\"",
		    DNSBL_CODES_MAX, l->id);
	l->codes = xreallocarray(l->codes, l->ncodes + 1, sizeof(*l->codes));
	code = &l->codes[l->ncodes++];
	code->kind = kind;
	code->lo = lo;
	code->hi = hi;
	code->meaning = xstrdup(text);
	return 0;
}

/* A setter of one text field: once per list. */
static int
cfg_text_field(struct cfg *c, char **field, const char *what, char *p)
{
	char *text = cfg_rest(&p);

	if (text == NULL)
		return cfg_fail(c, "%s needs a value", what);
	if (!cfg_text_ok(text))
		return cfg_fail(c, "%s too long or not printable", what);
	if (*field != NULL)
		return cfg_fail(c, "%s given twice", what);
	*field = xstrdup(text);
	return 0;
}

static int
cfg_test_name(struct cfg *c, struct dnsbl_list *l, char **field,
    const char *what, char *p)
{
	char *name = cfg_word(&p);

	if (name == NULL || cfg_word(&p) != NULL)
		return cfg_fail(c, "want: %s NAME", what);
	if (!(l->kinds & DNSBL_KIND_DOMAIN))
		return cfg_fail(c, "%s is for domain lists (IP lists use the "
		    "RFC 5782 addresses)", what);
	if (strlen(name) + 1 + strlen(l->zone) > 253 ||
	    !smtp_hostname_valid(name))
		return cfg_fail(c, "bad %s name \"%.60s\"", what, name);
	if (*field != NULL)
		return cfg_fail(c, "%s given twice", what);
	*field = xstrdup(name);
	return 0;
}

static int
cfg_line(struct cfg *c, char *line)
{
	char *p = line, *kw = cfg_word(&p);
	struct dnsbl_list *l;

	if (kw == NULL || kw[0] == '#')
		return 0;
	if (strcmp(kw, "list") == 0)
		return cfg_list(c, p);
	if ((l = cfg_current(c)) == NULL)
		return cfg_fail(c, "\"%.20s\" before any \"list\"", kw);
	if (strcmp(kw, "name") == 0)
		return cfg_text_field(c, &l->name, "name", p);
	if (strcmp(kw, "url") == 0)
		return cfg_text_field(c, &l->url, "url", p);
	if (strcmp(kw, "code") == 0)
		return cfg_code(c, l, DNSBL_CODE_VALUE, p);
	if (strcmp(kw, "bit") == 0)
		return cfg_code(c, l, DNSBL_CODE_BIT, p);
	if (strcmp(kw, "refused") == 0)
		return cfg_code(c, l, DNSBL_CODE_REFUSED, p);
	if (strcmp(kw, "test-listed") == 0)
		return cfg_test_name(c, l, &l->test_listed, "test-listed", p);
	if (strcmp(kw, "test-unlisted") == 0)
		return cfg_test_name(c, l, &l->test_unlisted, "test-unlisted",
		    p);
	if (strcmp(kw, "public-resolvers") == 0) {
		char *v = cfg_word(&p);

		if (v == NULL || cfg_word(&p) != NULL ||
		    (strcmp(v, "refused") != 0 && strcmp(v, "allowed") != 0))
			return cfg_fail(c, "want: public-resolvers "
			    "refused|allowed");
		l->public_refused = strcmp(v, "refused") == 0;
		return 0;
	}
	if (strcmp(kw, "trip") == 0) {
		char *engine = cfg_word(&p), *rule = cfg_rest(&p);

		if (engine == NULL || rule == NULL)
			return cfg_fail(c, "want: trip ENGINE RULE");
		if (!cfg_text_ok(engine) || !cfg_text_ok(rule))
			return cfg_fail(c, "trip too long or not printable");
		if (l->ntrips == DNSBL_TRIPS_MAX)
			return cfg_fail(c, "more than %d trips in list \"%s\"",
			    DNSBL_TRIPS_MAX, l->id);
		l->trips = xreallocarray(l->trips, l->ntrips + 1,
		    sizeof(*l->trips));
		l->trips[l->ntrips].engine = xstrdup(engine);
		l->trips[l->ntrips].rule = xstrdup(rule);
		l->ntrips++;
		return 0;
	}
	return cfg_fail(c, "unknown directive \"%.20s\"", kw);
}

int
dnsbl_set_parse(struct dnsbl_set *set, const char *text, size_t len,
    char *err, size_t errlen)
{
	struct cfg c = { set, set->n, 0, err, errlen };
	char line[DNSBL_LINE_MAX + 1];
	size_t b = 0;

	if (len > DNSBL_CONFIG_MAX) {
		snprintf(err, errlen, "configuration larger than %d octets",
		    DNSBL_CONFIG_MAX);
		return -1;
	}
	while (b < len) {
		size_t e = b, n;

		while (e < len && text[e] != '\n')
			e++;
		n = e - b;
		c.line++;
		if (n > 0 && text[e - 1] == '\r')
			n--;
		if (n > DNSBL_LINE_MAX || memchr(text + b, '\0', n) != NULL) {
			cfg_fail(&c, n > DNSBL_LINE_MAX ? "line too long" :
			    "NUL octet");
			goto fail;
		}
		memcpy(line, text + b, n);
		line[n] = '\0';
		if (cfg_line(&c, line) != 0)
			goto fail;
		b = e + 1;
	}
	if (set->n == c.first) {
		snprintf(err, errlen, "no list defined");
		return -1;
	}
	for (size_t i = c.first; i < set->n; i++)
		if (set->v[i].name == NULL)
			set->v[i].name = xstrdup(set->v[i].id);
	return 0;
fail:
	while (set->n > c.first)
		list_free_one(&set->v[--set->n]);
	if (set->n == 0) {
		free(set->v);
		set->v = NULL;
	}
	return -1;
}

int
dnsbl_set_load(struct dnsbl_set *set, const char *path, char *err,
    size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;
	int rc;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf = xcalloc(1, DNSBL_CONFIG_MAX + 2);
	n = fread(buf, 1, DNSBL_CONFIG_MAX + 1, f);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		rc = -1;
	} else if (n > DNSBL_CONFIG_MAX) {
		snprintf(err, errlen, "%s: larger than %d octets", path,
		    DNSBL_CONFIG_MAX);
		rc = -1;
	} else {
		char msg[256];

		rc = dnsbl_set_parse(set, buf, n, msg, sizeof(msg));
		if (rc != 0)
			snprintf(err, errlen, "%s: %s", path, msg);
	}
	fclose(f);
	free(buf);
	return rc;
}

void
dnsbl_set_defaults(struct dnsbl_set *set)
{
	char err[256];

	if (dnsbl_set_parse(set, default_config, sizeof(default_config) - 1,
	    err, sizeof(err)) != 0) {
		/* The built-in text is tested; this is a programmer error. */
		fprintf(stderr, "mxdiag: built-in blacklist table: %s\n", err);
		abort();
	}
}
