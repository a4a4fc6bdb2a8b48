/* SPDX-License-Identifier: MIT */
/*
 * policyd's judgement, pure: the HELO name's form, the iprev verdict from
 * the facts, and the action Postfix gets with its header or reply text.
 * No I/O, no clock: every rule here has a table-driven unit test.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policyd/policyd.h"
#include "util/util.h"

void
pd_config_init(struct pd_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mode = PD_MODE_OBSERVE;
	cfg->require = PD_REQUIRE_IPREV;
	cfg->reject_code = 450;
	cfg->tempfail = PD_TEMPFAIL_DEFER;
	cfg->exempt_sasl = true;
	snprintf(cfg->authserv_id, sizeof(cfg->authserv_id), "localhost");
}

int
pd_net_parse(const char *s, struct pd_net *n, char *err, size_t errlen)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned max;

	memset(n, 0, sizeof(*n));
	if (alen == 0 || alen >= sizeof(buf)) {
		snprintf(err, errlen, "bad network \"%s\"", s);
		return -1;
	}
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET, buf, n->addr) == 1) {
		n->af = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, n->addr) == 1) {
		n->af = AF_INET6;
		max = 128;
	} else {
		snprintf(err, errlen, "bad network \"%s\" (an IPv4 or IPv6 "
		    "address, optionally /prefix)", s);
		return -1;
	}
	n->prefix = max;
	if (slash) {
		char *end;
		unsigned long p = strtoul(slash + 1, &end, 10);

		if (slash[1] < '0' || slash[1] > '9' || *end != '\0' ||
		    p > max) {
			snprintf(err, errlen, "bad prefix in \"%s\" (0-%u)", s,
			    max);
			return -1;
		}
		n->prefix = (unsigned)p;
	}
	/* Host bits set: the network meant is the one they fall in. */
	for (unsigned bit = n->prefix; bit < max; bit++)
		n->addr[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
	return 0;
}

bool
pd_net_contains(const struct pd_net *n, int af, const void *addr)
{
	const uint8_t *a = addr;
	unsigned full = n->prefix / 8, rest = n->prefix % 8;

	if (n->af != af)
		return false;
	if (memcmp(n->addr, a, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((n->addr[full] ^ a[full]) & (uint8_t)(0xff00u >> rest)) == 0;
}

/* 1 for the bytes that stand for themselves (letters, digits and
 * - . _ : [ ]), 0 for those written '?': a table, as this runs on every
 * field of every log line. */
static const char pd_safe_keep[257] =
	"0000000000000000"	/* 0x00 */
	"0000000000000000"	/* 0x10 */
	"0000000000000110"	/* 0x20 */
	"1111111111100000"	/* 0x30 */
	"0111111111111111"	/* 0x40 */
	"1111111111110101"	/* 0x50 */
	"0111111111111111"	/* 0x60 */
	"1111111111100000"	/* 0x70 */
	"0000000000000000"	/* 0x80 */
	"0000000000000000"	/* 0x90 */
	"0000000000000000"	/* 0xa0 */
	"0000000000000000"	/* 0xb0 */
	"0000000000000000"	/* 0xc0 */
	"0000000000000000"	/* 0xd0 */
	"0000000000000000"	/* 0xe0 */
	"0000000000000000"	/* 0xf0 */;

void
pd_safe_copy(char *dst, size_t dstlen, const char *src)
{
	size_t i, n = 0;

	if (dstlen == 0)
		return;
	if (src == NULL)
		src = "";
	for (i = 0; src[i] != '\0' && n + 1 < dstlen; i++)
		dst[n++] = pd_safe_keep[(unsigned char)src[i]] == '1' ?
		    src[i] : '?';
	dst[n] = '\0';
	if (src[i] != '\0' && dstlen >= 4)
		memcpy(dst + dstlen - 4, "...", 4);
}

const char *
pd_helo_form_name(enum pd_helo_form form)
{
	switch (form) {
	case PD_HELO_NONE:	return "none";
	case PD_HELO_NAME:	return "fqdn";
	case PD_HELO_LITERAL:	return "literal";
	case PD_HELO_BARE_IP:	return "bare-ip";
	case PD_HELO_LOCALHOST:	return "localhost";
	case PD_HELO_NOT_FQDN:	return "not-fqdn";
	case PD_HELO_INVALID:	return "invalid";
	}
	return "invalid";
}

static bool
pd_same_addr(int af, const void *a, int baf, const void *b)
{
	if (af != baf)
		return false;
	return memcmp(a, b, af == AF_INET ? 4 : 16) == 0;
}

/* RFC 1123 host name syntax: LDH labels of 1-63, no hyphen at either
 * end, 253 octets in all (one trailing dot allowed). Sets *labels. */
static bool
pd_hostname_syntax(const char *s, size_t *labels)
{
	size_t len = strlen(s), lab = 0;

	*labels = 0;
	if (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 0 || len > 253)
		return false;
	for (size_t i = 0; i <= len; i++) {
		char c = i < len ? s[i] : '.';

		if (c == '.') {
			if (lab == 0 || lab > 63 || s[i - 1] == '-')
				return false;
			(*labels)++;
			lab = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-'))
			return false;
		if (lab == 0 && c == '-')
			return false;
		lab++;
	}
	return true;
}

enum pd_helo_form
pd_helo_classify(const char *helo, int af, const void *addr,
    bool *literal_matches)
{
	uint8_t buf[16];
	char lit[INET6_ADDRSTRLEN + 8];
	size_t len, labels;

	*literal_matches = false;
	if (helo == NULL || helo[0] == '\0')
		return PD_HELO_NONE;
	len = strlen(helo);
	if (helo[0] == '[') {
		const char *in = helo + 1;
		size_t inlen = len - 2;
		int laf = AF_INET;

		if (len < 3 || helo[len - 1] != ']')
			return PD_HELO_INVALID;
		if (inlen > 5 && strncasecmp(in, "IPv6:", 5) == 0) {
			in += 5;
			inlen -= 5;
			laf = AF_INET6;
		}
		if (inlen >= sizeof(lit))
			return PD_HELO_INVALID;
		memcpy(lit, in, inlen);
		lit[inlen] = '\0';
		if (inet_pton(laf, lit, buf) != 1)
			return PD_HELO_INVALID;
		*literal_matches = pd_same_addr(laf, buf, af, addr);
		return PD_HELO_LITERAL;
	}
	if (inet_pton(AF_INET, helo, buf) == 1 ||
	    inet_pton(AF_INET6, helo, buf) == 1)
		return PD_HELO_BARE_IP;
	if (strncasecmp(helo, "localhost", 9) == 0 &&
	    (helo[9] == '\0' || helo[9] == '.'))
		return PD_HELO_LOCALHOST;
	if (!pd_hostname_syntax(helo, &labels))
		return PD_HELO_INVALID;
	return labels < 2 ? PD_HELO_NOT_FQDN : PD_HELO_NAME;
}

/* ---- verdict ---- */

/* Names inside a reason, a note or a header are cut to this (with "..."),
 * so that the longest action still fits PD_ACTION_MAX whole: a header
 * cut at the end would lose its closing quote or parenthesis. */
#define PD_NAME_SHOWN	128

/* snprintf for texts whose parts are bounded above: never cut in practice,
 * and the compiler cannot see that. */
static void pd_fmt(char *dst, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
pd_fmt(char *dst, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst, len, fmt, ap);
	va_end(ap);
}

static const char *
pd_rr_word(int af)
{
	return af == AF_INET6 ? "AAAA" : "A";
}

static void
pd_judge_iprev(const struct pd_facts *f, struct pd_verdict *v)
{
	char name[PD_NAME_SHOWN];
	bool temp = false, perm = false;
	size_t first_temp = 0, first_perm = 0;

	if (f->ptr_outcome == DNS_OUT_NXDOMAIN ||
	    f->ptr_outcome == DNS_OUT_NODATA ||
	    (f->ptr_outcome == DNS_OUT_ANSWER && f->nptr == 0)) {
		v->iprev = IPREV_FAIL;
		pd_fmt(v->reason, sizeof(v->reason), "no PTR record");
		return;
	}
	if (f->ptr_outcome != DNS_OUT_ANSWER) {
		v->iprev = dns_outcome_is_temporary(f->ptr_outcome) ?
		    IPREV_TEMPERROR : IPREV_PERMERROR;
		pd_fmt(v->reason, sizeof(v->reason), "PTR lookup: %s",
		    dns_outcome_name(f->ptr_outcome));
		return;
	}
	v->ptr_name = f->ptr[0];
	for (size_t i = 0; i < f->nptr; i++) {
		enum dns_outcome o = f->fwd_outcome[i];

		if (f->fwd_confirms[i]) {
			v->iprev = IPREV_PASS;
			v->ptr_name = f->ptr[i];
			return;
		}
		if (dns_outcome_is_temporary(o)) {
			if (!temp)
				first_temp = i;
			temp = true;
		} else if (o != DNS_OUT_ANSWER && o != DNS_OUT_NODATA &&
		    o != DNS_OUT_NXDOMAIN) {
			if (!perm)
				first_perm = i;
			perm = true;
		}
	}
	if (temp) {
		v->iprev = IPREV_TEMPERROR;
		pd_safe_copy(name, sizeof(name), f->ptr[first_temp]);
		pd_fmt(v->reason, sizeof(v->reason), "%s lookup of %s: %s",
		    pd_rr_word(f->af), name,
		    dns_outcome_name(f->fwd_outcome[first_temp]));
		return;
	}
	if (perm) {
		v->iprev = IPREV_PERMERROR;
		pd_safe_copy(name, sizeof(name), f->ptr[first_perm]);
		pd_fmt(v->reason, sizeof(v->reason), "%s lookup of %s: %s",
		    pd_rr_word(f->af), name,
		    dns_outcome_name(f->fwd_outcome[first_perm]));
		return;
	}
	v->iprev = IPREV_FAIL;
	pd_safe_copy(name, sizeof(name), f->ptr[0]);
	if (f->fwd_first[0][0] != '\0')
		pd_fmt(v->reason, sizeof(v->reason), "PTR %s resolves to "
		    "%s, not %s", name, f->fwd_first[0], f->address);
	else
		pd_fmt(v->reason, sizeof(v->reason), "PTR %s has no %s "
		    "record", name, pd_rr_word(f->af));
}

static void
pd_judge_helo(const struct pd_facts *f, struct pd_verdict *v)
{
	char helo[PD_NAME_SHOWN];
	const char *ptr, *fwd;

	pd_safe_copy(helo, sizeof(helo), f->helo);
	switch (f->helo_form) {
	case PD_HELO_NONE:
		pd_fmt(v->helo_note, sizeof(v->helo_note), "no HELO");
		return;
	case PD_HELO_LITERAL:
		pd_fmt(v->helo_note, sizeof(v->helo_note), "%s: address "
		    "literal%s", helo, f->helo_literal_matches ?
		    ", the client's address" : " of another address");
		return;
	case PD_HELO_BARE_IP:
		pd_fmt(v->helo_note, sizeof(v->helo_note), "%s: an address "
		    "without brackets", helo);
		return;
	case PD_HELO_LOCALHOST:
		pd_fmt(v->helo_note, sizeof(v->helo_note), "%s: localhost",
		    helo);
		return;
	case PD_HELO_NOT_FQDN:
		pd_fmt(v->helo_note, sizeof(v->helo_note), "%s: not a fully "
		    "qualified name", helo);
		return;
	case PD_HELO_INVALID:
		pd_fmt(v->helo_note, sizeof(v->helo_note), "%s: not a valid "
		    "host name", helo);
		return;
	case PD_HELO_NAME:
		break;
	}
	if (f->nptr == 0) {
		v->helo_ptr = PD_HELO_PTR_NA;
		ptr = "no PTR to compare";
	} else {
		v->helo_ptr = PD_HELO_PTR_MISMATCH;
		ptr = "differs from PTR";
		for (size_t i = 0; i < f->nptr; i++) {
			if (util_name_eq(f->helo, f->ptr[i])) {
				v->helo_ptr = PD_HELO_PTR_MATCH;
				ptr = "matches PTR";
				break;
			}
		}
	}
	if (!f->helo_looked_up)
		fwd = "not looked up";
	else if (f->helo_confirms)
		fwd = "resolves to client";
	else if (f->helo_outcome == DNS_OUT_ANSWER)
		fwd = "resolves elsewhere";
	else if (f->helo_outcome == DNS_OUT_NXDOMAIN ||
	    f->helo_outcome == DNS_OUT_NODATA)
		fwd = f->af == AF_INET6 ? "has no AAAA record" :
		    "has no A record";
	else if (dns_outcome_is_temporary(f->helo_outcome))
		fwd = "lookup failed temporarily";
	else
		fwd = "lookup failed";
	pd_fmt(v->helo_note, sizeof(v->helo_note), "%s: %s, %s", helo, ptr,
	    fwd);
}

void
pd_judge(const struct pd_facts *f, struct pd_verdict *v)
{
	memset(v, 0, sizeof(*v));
	pd_judge_iprev(f, v);
	if (v->ptr_name != NULL) {
		struct generic_match m;

		generic_classify(v->ptr_name, f->af, &f->addr, &m);
		v->generic = m.kind;
	}
	pd_judge_helo(f, v);
}

/* ---- decision ---- */

const char *
pd_action_kind_name(enum pd_action_kind k)
{
	switch (k) {
	case PD_ACT_PREPEND:	return "PREPEND";
	case PD_ACT_REJECT:	return "REJECT";
	case PD_ACT_DEFER:	return "DEFER_IF_PERMIT";
	case PD_ACT_DUNNO:	return "DUNNO";
	}
	return "DUNNO";
}

/* RFC 8601 header, prepended. The reason is a quoted-string and the PTR
 * and HELO go in a comment: both only ever hold pd_safe_copy() text (no
 * quotes, parentheses or backslashes). */
static void
pd_header(const struct pd_config *cfg, const struct pd_facts *f,
    const struct pd_verdict *v, struct pd_decision *d)
{
	char ptr[PD_NAME_SHOWN];

	pd_safe_copy(ptr, sizeof(ptr), v->ptr_name);
	d->kind = PD_ACT_PREPEND;
	pd_fmt(d->action, sizeof(d->action),
	    "PREPEND Authentication-Results: %s; iprev=%s%s%s%s "
	    "policy.iprev=%s (%s%s; helo %s)", cfg->authserv_id,
	    iprev_result_name(v->iprev), v->reason[0] ? " reason=\"" : "",
	    v->reason, v->reason[0] ? "\"" : "", f->address,
	    v->ptr_name ? ptr : "no PTR",
	    v->generic != GENERIC_NONE ? ", generic name" : "", v->helo_note);
}

static void
pd_reject(const struct pd_config *cfg, const struct pd_facts *f,
    const struct pd_verdict *v, struct pd_decision *d)
{
	char ptr[PD_NAME_SHOWN];
	int code = cfg->reject_code;
	const char *ext = code >= 500 ? "5.7.25" : "4.7.25";
	const char *rr = pd_rr_word(f->af);

	d->kind = PD_ACT_REJECT;
	if (f->nptr == 0) {
		pd_fmt(d->action, sizeof(d->action), "%d %s Client host "
		    "rejected: cannot find your reverse hostname, [%s]: no "
		    "PTR record; whoever holds %s must publish a PTR naming "
		    "this host, a name whose %s record is %s", code, ext,
		    f->address, f->address, rr, f->address);
		return;
	}
	pd_safe_copy(ptr, sizeof(ptr), f->ptr[0]);
	pd_fmt(d->action, sizeof(d->action), "%d %s Client host rejected: "
	    "cannot find your hostname, [%s]: %s; publish %s %s %s or point "
	    "the PTR of %s at a name that has it", code, ext, f->address,
	    v->reason, ptr, rr, f->address, f->address);
}

void
pd_decide(const struct pd_config *cfg, const struct pd_facts *f,
    const struct pd_verdict *v, struct pd_decision *d)
{
	bool has_ptr = f->nptr > 0;

	memset(d, 0, sizeof(*d));
	if (cfg->mode == PD_MODE_OBSERVE) {
		pd_header(cfg, f, v, d);
		return;
	}
	switch (v->iprev) {
	case IPREV_PASS:
	case IPREV_PERMERROR:	/* broken answers: never a rejection */
	case IPREV_NONE:
		break;
	case IPREV_TEMPERROR:
		/* A PTR that exists is all --require ptr asks for. */
		if (cfg->require == PD_REQUIRE_PTR && has_ptr)
			break;
		if (cfg->tempfail == PD_TEMPFAIL_DEFER) {
			d->kind = PD_ACT_DEFER;
			pd_fmt(d->action, sizeof(d->action),
			    "DEFER_IF_PERMIT 4.7.25 Service unavailable: the "
			    "reverse DNS of [%s] cannot be checked now (%s); "
			    "try again later", f->address, v->reason);
			return;
		}
		break;
	case IPREV_FAIL:
		if (cfg->require == PD_REQUIRE_PTR && has_ptr)
			break;
		pd_reject(cfg, f, v, d);
		return;
	}
	pd_header(cfg, f, v, d);
}
