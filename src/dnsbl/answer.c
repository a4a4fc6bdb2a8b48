/* SPDX-License-Identifier: MIT */
/*
 * What a DNSBL answer says. The rule that matters most: an answer in
 * 127.255.255.0/24 (or a list's own refusal code) is the list refusing
 * the query, never a listing, and an answer outside 127.0.0.0/8 is a
 * broken list, never a listing (RFC 5782 §2.3, §5).
 */
#include "dnsbl/answer.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

static const char *const verdict_names[] = {
	[DNSBL_NOT_LISTED] = "not_listed",
	[DNSBL_LISTED] = "listed",
	[DNSBL_REFUSED] = "refused",
	[DNSBL_BROKEN] = "broken",
	[DNSBL_TEMPERROR] = "temperror",
	[DNSBL_DNSERROR] = "dnserror",
	[DNSBL_SKIPPED] = "skipped",
};

const char *
dnsbl_verdict_name(enum dnsbl_verdict v)
{
	if ((size_t)v < sizeof(verdict_names) / sizeof(verdict_names[0]))
		return verdict_names[v];
	return "unknown";
}

static const char *const trust_names[] = {
	[DNSBL_TRUST_UNUSED] = "unused",
	[DNSBL_TRUST_OK] = "trusted",
	[DNSBL_TRUST_REFUSED] = "refused",
	[DNSBL_TRUST_FAILED] = "failed",
	[DNSBL_TRUST_BROKEN] = "broken",
	[DNSBL_TRUST_TEMPERROR] = "temperror",
};

const char *
dnsbl_trust_name(enum dnsbl_trust t)
{
	if ((size_t)t < sizeof(trust_names) / sizeof(trust_names[0]))
		return trust_names[t];
	return "unknown";
}

static bool
answer_join(char *out, size_t outlen, const char *zone)
{
	size_t n = strlen(out), z = strlen(zone);

	if (n + 1 + z + 1 > outlen || n + 1 + z > 253)
		return false;
	out[n] = '.';
	memcpy(out + n + 1, zone, z + 1);
	return true;
}

bool
dnsbl_query_name_addr(const struct dnsbl_list *l, int af, const void *addr,
    char *out, size_t outlen)
{
	char rev[DNS_NAME_BUF];
	const char *suffix = af == AF_INET ? ".in-addr.arpa" : ".ip6.arpa";
	size_t n, s = strlen(suffix);

	if ((af != AF_INET && af != AF_INET6) ||
	    !dns_reverse_name(af, addr, rev, sizeof(rev)))
		return false;
	n = strlen(rev);
	if (n <= s || strcmp(rev + n - s, suffix) != 0 || n - s >= outlen)
		return false;
	memcpy(out, rev, n - s);
	out[n - s] = '\0';
	return answer_join(out, outlen, l->zone);
}

bool
dnsbl_query_name_domain(const struct dnsbl_list *l, const char *domain,
    char *out, size_t outlen)
{
	size_t n = strlen(domain);

	if (n > 0 && domain[n - 1] == '.')
		n--;
	if (n == 0 || n >= outlen)
		return false;
	memcpy(out, domain, n);
	out[n] = '\0';
	return answer_join(out, outlen, l->zone);
}

/* Append text to the hit's meaning, " + " between parts. */
static void
hit_append(struct dnsbl_hit *h, const char *text)
{
	size_t n = strlen(h->meaning);

	snprintf(h->meaning + n, sizeof(h->meaning) - n, "%s%s",
	    n ? " + " : "", text);
}

/* One A record against the list's codes. */
static void
interpret_one(const struct dnsbl_list *l, struct in_addr a,
    struct dnsbl_hit *h)
{
	uint32_t v = ntohl(a.s_addr);
	unsigned unknown_bits;

	memset(h, 0, sizeof(*h));
	h->addr = a;
	if (l != NULL)
		for (size_t i = 0; i < l->ncodes; i++) {
			const struct dnsbl_code *c = &l->codes[i];

			if (c->kind == DNSBL_CODE_REFUSED && v >= c->lo &&
			    v <= c->hi) {
				h->kind = DNSBL_REFUSED;
				hit_append(h, c->meaning);
				return;
			}
		}
	if ((v >> 8) == 0x7fffffu) {
		h->kind = DNSBL_REFUSED;
		hit_append(h, "the list refused the query (an answer in "
		    "127.255.255.0/24: public or open resolver, or rate limit)");
		return;
	}
	if ((v >> 24) != 127) {
		h->kind = DNSBL_BROKEN;
		hit_append(h, "an answer outside 127.0.0.0/8: the list is "
		    "broken or its domain lapsed (wildcard)");
		return;
	}
	h->kind = DNSBL_LISTED;
	if (l == NULL)
		goto unknown;
	if (l->bitmask) {
		/* Only the last octet carries bits; the middle ones are
		 * reserved (SURBL, URIBL). */
		unknown_bits = v & 0xffu;
		for (size_t i = 0; i < l->ncodes; i++) {
			const struct dnsbl_code *c = &l->codes[i];

			if (c->kind == DNSBL_CODE_BIT && (v & c->lo)) {
				hit_append(h, c->meaning);
				unknown_bits &= ~c->lo;
			}
		}
		if (unknown_bits != 0) {
			char b[64];

			snprintf(b, sizeof(b), "listed (bits 0x%02x: meaning "
			    "unknown)", unknown_bits);
			hit_append(h, b);
		}
		if (h->meaning[0] == '\0')
			goto unknown;
		return;
	}
	for (size_t i = 0; i < l->ncodes; i++) {
		const struct dnsbl_code *c = &l->codes[i];

		if (c->kind == DNSBL_CODE_VALUE && v >= c->lo && v <= c->hi) {
			hit_append(h, c->meaning);
			return;
		}
	}
unknown:
	hit_append(h, "listed (code meaning unknown)");
}

void
dnsbl_interpret(const struct dnsbl_list *l, enum dns_outcome outcome,
    const struct in_addr *addrs, size_t n, struct dnsbl_interp *out)
{
	bool refused = false, broken = false;

	memset(out, 0, sizeof(*out));
	if (dns_outcome_is_temporary(outcome)) {
		out->verdict = DNSBL_TEMPERROR;
		return;
	}
	switch (outcome) {
	case DNS_OUT_NXDOMAIN:
	case DNS_OUT_NODATA:
		out->verdict = DNSBL_NOT_LISTED;
		return;
	case DNS_OUT_ANSWER:
		break;
	default:
		out->verdict = DNSBL_DNSERROR;
		return;
	}
	if (n == 0) {
		/* An answer without A records is a NODATA in all but name. */
		out->verdict = DNSBL_NOT_LISTED;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct dnsbl_hit h;

		interpret_one(l, addrs[i], &h);
		refused |= h.kind == DNSBL_REFUSED;
		broken |= h.kind == DNSBL_BROKEN;
		if (out->nhits < DNSBL_HITS_MAX)
			out->hits[out->nhits++] = h;
		else
			out->hits_truncated = true;
	}
	out->verdict = refused ? DNSBL_REFUSED : broken ? DNSBL_BROKEN :
	    DNSBL_LISTED;
}

void
dnsbl_interpret_answer(const struct dnsbl_list *l,
    const struct dns_answer *ans, struct dnsbl_interp *out)
{
	struct in_addr addrs[DNS_ANS_MAX];
	size_t n = 0;

	for (size_t i = 0; i < ans->nrr && n < DNS_ANS_MAX; i++)
		if (ans->rr[i].type == DNS_T_A)
			addrs[n++] = ans->rr[i].u.a;
	dnsbl_interpret(l, ans->outcome, addrs, n, out);
}

enum dnsbl_trust
dnsbl_trust_judge(const struct dnsbl_interp *listed,
    const struct dnsbl_interp *unlisted, char *why, size_t whylen)
{
	why[0] = '\0';
	if (listed->verdict == DNSBL_REFUSED ||
	    unlisted->verdict == DNSBL_REFUSED) {
		const struct dnsbl_interp *r = listed->verdict == DNSBL_REFUSED ?
		    listed : unlisted;

		snprintf(why, whylen, "%s", r->nhits ? r->hits[0].meaning :
		    "the list refused the query");
		return DNSBL_TRUST_REFUSED;
	}
	if (listed->verdict == DNSBL_TEMPERROR ||
	    unlisted->verdict == DNSBL_TEMPERROR) {
		snprintf(why, whylen, "a test query failed temporarily");
		return DNSBL_TRUST_TEMPERROR;
	}
	if (listed->verdict == DNSBL_BROKEN || unlisted->verdict == DNSBL_BROKEN) {
		snprintf(why, whylen, "a test query got an answer outside "
		    "127.0.0.0/8 (wildcard or lapsed domain)");
		return DNSBL_TRUST_BROKEN;
	}
	if (listed->verdict == DNSBL_DNSERROR ||
	    unlisted->verdict == DNSBL_DNSERROR) {
		snprintf(why, whylen, "a test query got a DNS error");
		return DNSBL_TRUST_BROKEN;
	}
	if (listed->verdict != DNSBL_LISTED) {
		snprintf(why, whylen, "the entry every list must list is not "
		    "listed (the list is dead, moved, or not answering us)");
		return DNSBL_TRUST_FAILED;
	}
	if (unlisted->verdict != DNSBL_NOT_LISTED) {
		snprintf(why, whylen, "the entry no list may list is listed "
		    "(the list answers \"listed\" for everything)");
		return DNSBL_TRUST_FAILED;
	}
	return DNSBL_TRUST_OK;
}

enum dnsbl_verdict
dnsbl_verdict_with_trust(enum dnsbl_verdict v, enum dnsbl_trust t)
{
	switch (t) {
	case DNSBL_TRUST_OK:
	case DNSBL_TRUST_UNUSED:
		return v;
	case DNSBL_TRUST_REFUSED:
		return DNSBL_REFUSED;
	case DNSBL_TRUST_TEMPERROR:
		/* Unverified: a refusal is still a refusal; anything else
		 * cannot be relied on, but it is temporary. */
		return v == DNSBL_REFUSED ? DNSBL_REFUSED : DNSBL_TEMPERROR;
	case DNSBL_TRUST_FAILED:
	case DNSBL_TRUST_BROKEN:
		return DNSBL_SKIPPED;
	}
	return DNSBL_SKIPPED;
}
