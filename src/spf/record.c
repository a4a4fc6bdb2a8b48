/* SPDX-License-Identifier: MIT */
/*
 * The SPF record parser. Terms are split on runs of spaces only (any other
 * byte between terms is a syntax error, RFC 7208 §4.6.1), classified as a
 * modifier when they start with name "=", else as a mechanism with an
 * optional qualifier; every argument is checked against the ABNF of §5 and
 * §6, macro-strings through spf/macro.c.
 */
#include "spf/record.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "spf/macro.h"
#include "util/util.h"

static const struct {
	const char	*name;
	enum spf_kind	 kind;
} mechanisms[] = {
	{ "all",	SPF_MECH_ALL },
	{ "include",	SPF_MECH_INCLUDE },
	{ "a",		SPF_MECH_A },
	{ "mx",		SPF_MECH_MX },
	{ "ptr",	SPF_MECH_PTR },
	{ "ip4",	SPF_MECH_IP4 },
	{ "ip6",	SPF_MECH_IP6 },
	{ "exists",	SPF_MECH_EXISTS },
};

const char *
spf_kind_name(enum spf_kind k)
{
	switch (k) {
	case SPF_MECH_ALL:	return "all";
	case SPF_MECH_INCLUDE:	return "include";
	case SPF_MECH_A:	return "a";
	case SPF_MECH_MX:	return "mx";
	case SPF_MECH_PTR:	return "ptr";
	case SPF_MECH_IP4:	return "ip4";
	case SPF_MECH_IP6:	return "ip6";
	case SPF_MECH_EXISTS:	return "exists";
	case SPF_MOD_REDIRECT:	return "redirect";
	case SPF_MOD_EXP:	return "exp";
	case SPF_MOD_UNKNOWN:	return "unknown-modifier";
	}
	return "?";
}

char
spf_qual_char(enum spf_qual q)
{
	switch (q) {
	case SPF_QUAL_PASS:	return '+';
	case SPF_QUAL_FAIL:	return '-';
	case SPF_QUAL_SOFTFAIL:	return '~';
	case SPF_QUAL_NEUTRAL:	return '?';
	}
	return '?';
}

bool
spf_term_counts(const struct spf_term *t)
{
	switch (t->kind) {
	case SPF_MECH_INCLUDE:
	case SPF_MECH_A:
	case SPF_MECH_MX:
	case SPF_MECH_PTR:
	case SPF_MECH_EXISTS:
	case SPF_MOD_REDIRECT:
		return true;
	default:
		return false;
	}
}

bool
spf_term_is_mechanism(const struct spf_term *t)
{
	return t->kind <= SPF_MECH_EXISTS;
}

bool
spf_record_is_spf(const char *txt, size_t len)
{
	return len >= 6 && strncasecmp(txt, "v=spf1", 6) == 0 &&
	    (len == 6 || txt[6] == ' ');
}

static void
perr(struct spf_parse_error *err, const char *term, size_t termlen,
    size_t offset, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
perr(struct spf_parse_error *err, const char *term, size_t termlen,
    size_t offset, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	if (term != NULL)
		util_printable(err->term, sizeof(err->term), term, termlen);
	else
		err->term[0] = '\0';
	err->offset = offset;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * A CIDR length: "0", or a nonzero digit and more digits, at most max.
 * Leading zeros are refused as RFC 7208 refuses them in ip4-network.
 */
static bool
parse_cidr(const char *p, size_t n, int max, int *out, char *why, size_t whylen)
{
	int v = 0;

	if (n == 0) {
		snprintf(why, whylen, "a CIDR length needs digits after '/'");
		return false;
	}
	for (size_t i = 0; i < n; i++)
		if (!is_digit(p[i])) {
			snprintf(why, whylen, "CIDR length \"%.*s\" is not a "
			    "number", (int)(n > 16 ? 16 : n), p);
			return false;
		}
	if (n > 1 && p[0] == '0') {
		snprintf(why, whylen, "CIDR length \"%.*s\" has a leading zero",
		    (int)(n > 16 ? 16 : n), p);
		return false;
	}
	if (n > 3) {
		snprintf(why, whylen, "CIDR length \"%.*s\" is out of range "
		    "(0-%d)", (int)(n > 16 ? 16 : n), p, max);
		return false;
	}
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	if (v > max) {
		snprintf(why, whylen, "CIDR length /%d is out of range (0-%d)",
		    v, max);
		return false;
	}
	*out = v;
	return true;
}

/* ip4-network: four qnums 0..255 without leading zeros. */
static bool
parse_ip4(const char *p, size_t n, struct in_addr *out)
{
	uint32_t a = 0;
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		size_t start = i;
		unsigned v = 0;

		while (i < n && is_digit(p[i]) && i - start < 4)
			v = v * 10 + (unsigned)(p[i++] - '0');
		if (i == start || i - start > 3 || v > 255 ||
		    (i - start > 1 && p[start] == '0'))
			return false;
		a = (a << 8) | v;
		if (part < 3) {
			if (i >= n || p[i] != '.')
				return false;
			i++;
		}
	}
	if (i != n)
		return false;
	out->s_addr = htonl(a);
	return true;
}

/* ip6-network: RFC 4291 §2.2 text forms, IPv4 tail included. */
static bool
parse_ip6(const char *p, size_t n, struct in6_addr *out)
{
	char buf[INET6_ADDRSTRLEN + 8];

	if (n == 0 || n >= sizeof(buf))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_digit(p[i]) && !strchr("abcdefABCDEF:.", p[i]))
			return false;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return inet_pton(AF_INET6, buf, out) == 1;
}

/* Check a domain-spec argument of a term. */
static bool
check_domain_spec(const char *p, size_t n, const char *term, size_t tlen,
    size_t off, struct spf_parse_error *err)
{
	char why[160];

	if (n == 0) {
		perr(err, term, tlen, off, "empty domain-spec after ':'");
		return false;
	}
	if (spf_macro_check(p, n, SPF_MACRO_DOMAIN, why, sizeof(why)) != 0) {
		perr(err, term, tlen, off, "bad domain-spec: %s", why);
		return false;
	}
	return true;
}

/*
 * a and mx: [ ":" domain-spec ] [ dual-cidr-length ]. The CIDR suffix is
 * taken from the end ("//N" then "/N"), since a domain-spec may itself
 * contain '/'.
 */
static bool
parse_a_mx(struct spf_term *t, const char *arg, size_t n, const char *term,
    size_t tlen, size_t off, struct spf_parse_error *err)
{
	char why[120];
	size_t e = n, d;

	/* "//" ip6-cidr-length at the end */
	for (d = e; d > 0 && is_digit(arg[d - 1]); d--)
		;
	if (d >= 2 && d < e && arg[d - 1] == '/' && arg[d - 2] == '/') {
		if (!parse_cidr(arg + d, e - d, 128, &t->cidr6, why,
		    sizeof(why))) {
			perr(err, term, tlen, off, "%s", why);
			return false;
		}
		t->has_cidr6 = true;
		e = d - 2;
	}
	/* "/" ip4-cidr-length before it */
	for (d = e; d > 0 && is_digit(arg[d - 1]); d--)
		;
	if (d >= 1 && d < e && arg[d - 1] == '/' &&
	    (d < 2 || arg[d - 2] != '/')) {
		if (!parse_cidr(arg + d, e - d, 32, &t->cidr4, why,
		    sizeof(why))) {
			perr(err, term, tlen, off, "%s (IPv4 prefix; the "
			    "IPv6 one is written //N)", why);
			return false;
		}
		t->has_cidr4 = true;
		e = d - 1;
	}
	if (e == 0)
		return true;
	if (arg[0] != ':') {
		perr(err, term, tlen, off, "unexpected \"%.*s\" after \"%s\"",
		    (int)(e > 32 ? 32 : e), arg, spf_kind_name(t->kind));
		return false;
	}
	if (!check_domain_spec(arg + 1, e - 1, term, tlen, off, err))
		return false;
	t->domain_spec = xstrndup(arg + 1, e - 1);
	return true;
}

static bool
parse_mechanism(struct spf_term *t, const char *term, size_t tlen, size_t off,
    struct spf_parse_error *err)
{
	const char *p = term, *arg;
	size_t n = tlen, namelen = 0, alen;
	char why[120];
	bool known = false;

	t->qual = SPF_QUAL_PASS;
	switch (*p) {
	case '+': t->qual = SPF_QUAL_PASS; break;
	case '-': t->qual = SPF_QUAL_FAIL; break;
	case '~': t->qual = SPF_QUAL_SOFTFAIL; break;
	case '?': t->qual = SPF_QUAL_NEUTRAL; break;
	default: break;
	}
	if (strchr("+-~?", *p) != NULL) {
		t->qual_explicit = true;
		p++;
		n--;
	}
	while (namelen < n && p[namelen] != ':' && p[namelen] != '/')
		namelen++;
	for (size_t i = 0; i < UTIL_ARRAY_LEN(mechanisms); i++)
		if (strlen(mechanisms[i].name) == namelen &&
		    strncasecmp(p, mechanisms[i].name, namelen) == 0) {
			t->kind = mechanisms[i].kind;
			known = true;
			break;
		}
	if (!known) {
		if (namelen == 0)
			perr(err, term, tlen, off, "a term without a mechanism "
			    "name");
		else if (memchr(p, '=', n) != NULL)
			perr(err, term, tlen, off, "unknown mechanism, and not "
			    "a valid modifier (a modifier name is a letter "
			    "followed by letters, digits, '-', '_' or '.', "
			    "then '=')");
		else
			perr(err, term, tlen, off, "unknown mechanism \"%.*s\"",
			    (int)(namelen > 32 ? 32 : namelen), p);
		return false;
	}
	arg = p + namelen;
	alen = n - namelen;
	switch (t->kind) {
	case SPF_MECH_ALL:
		if (alen != 0) {
			perr(err, term, tlen, off, "\"all\" takes no argument");
			return false;
		}
		return true;
	case SPF_MECH_INCLUDE:
	case SPF_MECH_EXISTS:
		if (alen == 0 || arg[0] != ':') {
			perr(err, term, tlen, off, "\"%s\" needs ':' and a "
			    "domain (%s:example.com)", spf_kind_name(t->kind),
			    spf_kind_name(t->kind));
			return false;
		}
		if (alen > 2 && is_digit(arg[alen - 1])) {
			size_t d = alen;

			while (d > 0 && is_digit(arg[d - 1]))
				d--;
			if (d > 1 && arg[d - 1] == '/') {
				perr(err, term, tlen, off, "\"%s\" takes no "
				    "CIDR length", spf_kind_name(t->kind));
				return false;
			}
		}
		if (!check_domain_spec(arg + 1, alen - 1, term, tlen, off, err))
			return false;
		t->domain_spec = xstrndup(arg + 1, alen - 1);
		return true;
	case SPF_MECH_A:
	case SPF_MECH_MX:
		return parse_a_mx(t, arg, alen, term, tlen, off, err);
	case SPF_MECH_PTR:
		if (alen == 0)
			return true;
		if (arg[0] != ':') {
			perr(err, term, tlen, off, "\"ptr\" takes no CIDR "
			    "length");
			return false;
		}
		if (!check_domain_spec(arg + 1, alen - 1, term, tlen, off, err))
			return false;
		t->domain_spec = xstrndup(arg + 1, alen - 1);
		return true;
	case SPF_MECH_IP4:
	case SPF_MECH_IP6: {
		bool v4 = t->kind == SPF_MECH_IP4;
		const char *slash;
		size_t alen2;

		if (alen < 2 || arg[0] != ':') {
			perr(err, term, tlen, off, "\"%s\" needs ':' and an "
			    "address (%s)", v4 ? "ip4" : "ip6", v4 ?
			    "ip4:192.0.2.0/24" : "ip6:2001:db8::/32");
			return false;
		}
		arg++;
		alen--;
		slash = memchr(arg, '/', alen);
		alen2 = slash ? (size_t)(slash - arg) : alen;
		if (v4 ? !parse_ip4(arg, alen2, &t->ip4) :
		    !parse_ip6(arg, alen2, &t->ip6)) {
			perr(err, term, tlen, off, "\"%.*s\" is not a valid "
			    "%s address%s", (int)(alen2 > 48 ? 48 : alen2), arg,
			    v4 ? "IPv4" : "IPv6", v4 ? " (four numbers 0-255 "
			    "without leading zeros; no port, no shortened "
			    "forms)" : "");
			return false;
		}
		if (slash == NULL)
			return true;
		if (slash + 1 < arg + alen && slash[1] == '/') {
			perr(err, term, tlen, off, "\"%s\" takes one CIDR length "
			    "(the dual //N form is for a and mx)",
			    v4 ? "ip4" : "ip6");
			return false;
		}
		if (!parse_cidr(slash + 1, (size_t)(arg + alen - slash - 1),
		    v4 ? 32 : 128, v4 ? &t->cidr4 : &t->cidr6, why,
		    sizeof(why))) {
			perr(err, term, tlen, off, "%s", why);
			return false;
		}
		if (v4)
			t->has_cidr4 = true;
		else
			t->has_cidr6 = true;
		return true;
	}
	default:
		break;
	}
	return false;
}

/* name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ), then "=". Returns the
 * length of the name when term is a modifier, else 0. */
static size_t
modifier_name_len(const char *term, size_t n)
{
	size_t i = 0;

	if (n == 0 || !is_alpha(term[0]))
		return 0;
	while (i < n && (is_alpha(term[i]) || is_digit(term[i]) ||
	    term[i] == '-' || term[i] == '_' || term[i] == '.'))
		i++;
	return i < n && term[i] == '=' ? i : 0;
}

static bool
parse_modifier(struct spf_record *r, struct spf_term *t, const char *term,
    size_t tlen, size_t namelen, size_t off, struct spf_parse_error *err)
{
	const char *val = term + namelen + 1;
	size_t vlen = tlen - namelen - 1;
	char why[160];

	t->mod_name = xstrndup(term, namelen);
	t->mod_value = xstrndup(val, vlen);
	if (namelen == 8 && strncasecmp(term, "redirect", 8) == 0)
		t->kind = SPF_MOD_REDIRECT;
	else if (namelen == 3 && strncasecmp(term, "exp", 3) == 0)
		t->kind = SPF_MOD_EXP;
	else
		t->kind = SPF_MOD_UNKNOWN;
	if (t->kind == SPF_MOD_UNKNOWN) {
		/* Ignored, but its value must still be a macro-string. */
		if (spf_macro_check(val, vlen, SPF_MACRO_MODIFIER, why,
		    sizeof(why)) != 0) {
			perr(err, term, tlen, off, "bad value of modifier "
			    "\"%s\": %s", t->mod_name, why);
			return false;
		}
		return true;
	}
	if ((t->kind == SPF_MOD_REDIRECT && r->redirect >= 0) ||
	    (t->kind == SPF_MOD_EXP && r->exp >= 0)) {
		perr(err, term, tlen, off, "\"%s=\" appears more than once "
		    "(allowed once, RFC 7208 §6)", t->kind == SPF_MOD_EXP ?
		    "exp" : "redirect");
		return false;
	}
	if (vlen == 0) {
		perr(err, term, tlen, off, "\"%s=\" needs a domain",
		    t->kind == SPF_MOD_EXP ? "exp" : "redirect");
		return false;
	}
	if (!check_domain_spec(val, vlen, term, tlen, off, err))
		return false;
	t->domain_spec = xstrndup(val, vlen);
	if (t->kind == SPF_MOD_REDIRECT)
		r->redirect = (int)r->nterms;
	else
		r->exp = (int)r->nterms;
	return true;
}

void
spf_record_free(struct spf_record *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nterms; i++) {
		free(r->terms[i].text);
		free(r->terms[i].domain_spec);
		free(r->terms[i].mod_name);
		free(r->terms[i].mod_value);
	}
	free(r->terms);
	free(r->text);
	free(r);
}

int
spf_record_parse(const char *txt, size_t len, struct spf_record **out,
    struct spf_parse_error *err)
{
	struct spf_record *r;
	size_t i = 6, cap = 0;

	*out = NULL;
	memset(err, 0, sizeof(*err));
	if (!spf_record_is_spf(txt, len)) {
		perr(err, NULL, 0, 0, "not an SPF record (it must start with "
		    "\"v=spf1\" and a space)");
		return -1;
	}
	if (len > SPF_RECORD_MAX) {
		perr(err, NULL, 0, 0, "the record is %zu octets; mxdiag judges "
		    "records of up to %d", len, SPF_RECORD_MAX);
		return -1;
	}
	r = xcalloc(1, sizeof(*r));
	r->text = xstrndup(txt, len);
	r->len = len;
	r->redirect = r->exp = r->all = -1;
	while (i < len) {
		size_t start, tlen, namelen;
		struct spf_term *t;
		bool ok;

		while (i < len && txt[i] == ' ')
			i++;
		if (i >= len)
			break;
		start = i;
		while (i < len && txt[i] != ' ')
			i++;
		tlen = i - start;
		for (size_t k = start; k < i; k++) {
			unsigned char c = (unsigned char)txt[k];

			if (c < 0x21 || c > 0x7e) {
				perr(err, txt + start, tlen, start, "byte "
				    "\\x%02x inside a term: SPF records are "
				    "7-bit ASCII and terms are separated by "
				    "spaces only", c);
				goto fail;
			}
		}
		if (r->nterms == SPF_TERMS_MAX) {
			perr(err, txt + start, tlen, start, "more than %d terms "
			    "(mxdiag's cap)", SPF_TERMS_MAX);
			goto fail;
		}
		if (r->nterms == cap) {
			cap = cap ? 2 * cap : 8;
			r->terms = xreallocarray(r->terms, cap,
			    sizeof(*r->terms));
		}
		t = &r->terms[r->nterms];
		memset(t, 0, sizeof(*t));
		t->offset = start;
		t->cidr4 = 32;
		t->cidr6 = 128;
		t->text = xstrndup(txt + start, tlen);
		namelen = modifier_name_len(txt + start, tlen);
		if (namelen > 0)
			ok = parse_modifier(r, t, txt + start, tlen, namelen,
			    start, err);
		else
			ok = parse_mechanism(t, txt + start, tlen, start, err);
		r->nterms++;
		if (!ok)
			goto fail;
		if (t->kind == SPF_MECH_ALL && r->all < 0)
			r->all = (int)(r->nterms - 1);
		if (spf_term_counts(t))
			r->dns_terms++;
	}
	*out = r;
	return 0;
fail:
	spf_record_free(r);
	return -1;
}
