/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the DNSBL answer interpreter and the trust of a
 * list. Input: byte 0 picks the list (none, a value list, a bitmask list)
 * and byte 1 the DNS outcome; the rest is a set of A records, 4 octets
 * each, split in two halves for the listed and unlisted test entries.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dnsbl/answer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char cfg[] =
    "list v v.bl.test ip4,ip6\n"
    "code 127.0.0.2 spam\n"
    "code 127.0.0.4-127.0.0.7 exploited\n"
    "refused 127.0.1.255 wrong query\n"
    "list b b.bl.test domain\n"
    "bit 2 black\n"
    "bit 4 grey\n"
    "bit 128 cracked\n"
    "refused 127.0.0.1 blocked\n";

static struct dnsbl_set set;

static void
check_interp(const struct dnsbl_interp *in, enum dns_outcome o,
    const struct in_addr *a, size_t n)
{
	bool refused = false, outside = false;

	if (in->nhits > DNSBL_HITS_MAX)
		abort();
	if (o != DNS_OUT_ANSWER || n == 0) {
		if (in->nhits != 0 || in->verdict == DNSBL_LISTED ||
		    in->verdict == DNSBL_REFUSED || in->verdict == DNSBL_BROKEN)
			abort();
		return;
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t v = ntohl(a[i].s_addr);

		refused |= (v >> 8) == 0x7fffffu;
		outside |= (v >> 24) != 127;
	}
	/* The invariants that matter: 127.255.255.0/24 is never a listing,
	 * nor is anything outside 127/8. */
	if (refused && in->verdict != DNSBL_REFUSED)
		abort();
	if (outside && in->verdict == DNSBL_LISTED)
		abort();
	for (size_t i = 0; i < in->nhits; i++) {
		const char *m = in->hits[i].meaning;

		if (memchr(m, '\0', sizeof(in->hits[i].meaning)) == NULL ||
		    m[0] == '\0')
			abort();
		for (; *m; m++)
			if ((unsigned char)*m < 0x20 || (unsigned char)*m > 0x7e)
				abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in_addr addrs[64];
	struct dnsbl_interp in, half2;
	const struct dnsbl_list *l;
	enum dns_outcome o;
	size_t n, h;
	char why[160];

	if (set.n == 0) {
		char err[256];

		if (dnsbl_set_parse(&set, cfg, sizeof(cfg) - 1, err,
		    sizeof(err)) != 0)
			abort();
	}
	if (size < 2)
		return 0;
	l = data[0] % 3 == 0 ? NULL : &set.v[data[0] % 3 - 1];
	o = (enum dns_outcome)(data[1] % (DNS_OUT_OTHER + 1));
	n = (size - 2) / 4;
	if (n > sizeof(addrs) / sizeof(addrs[0]))
		n = sizeof(addrs) / sizeof(addrs[0]);
	for (size_t i = 0; i < n; i++)
		memcpy(&addrs[i].s_addr, data + 2 + 4 * i, 4);

	dnsbl_interpret(l, o, addrs, n, &in);
	check_interp(&in, o, addrs, n);

	h = n / 2;
	dnsbl_interpret(l, o, addrs, h, &in);
	check_interp(&in, o, addrs, h);
	dnsbl_interpret(l, DNS_OUT_ANSWER, addrs + h, n - h, &half2);
	check_interp(&half2, DNS_OUT_ANSWER, addrs + h, n - h);
	switch (dnsbl_trust_judge(&in, &half2, why, sizeof(why))) {
	case DNSBL_TRUST_OK:
		if (in.verdict != DNSBL_LISTED ||
		    half2.verdict != DNSBL_NOT_LISTED || why[0] != '\0')
			abort();
		break;
	case DNSBL_TRUST_REFUSED:
		if (in.verdict != DNSBL_REFUSED &&
		    half2.verdict != DNSBL_REFUSED)
			abort();
		break;
	default:
		if (why[0] == '\0')
			abort();
		break;
	}
	return 0;
}
