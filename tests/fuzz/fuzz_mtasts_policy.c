/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for MTA-STS policy files: the parser, mx matching and
 * the judgement of a fetched policy. The input is the body; the first
 * line also serves as an MX host name to match, so matching sees hostile
 * names too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/mtasts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	struct mtasts_policy p;
	struct finding_list fl = { 0 };
	struct mtasts_fetch f = { "https://mta-sts.example.com/.well-known/"
	    "mta-sts.txt", NULL, false, 200, "text/plain", 0, body, size,
	    false };
	const char *nl = memchr(body, '\n', size);
	size_t hl = nl ? (size_t)(nl - body) : size;
	char host[300];
	const char *mx[2] = { host, "mx1.example.com" };

	if (hl >= sizeof(host))
		hl = sizeof(host) - 1;
	memcpy(host, body, hl);
	host[hl] = '\0';

	if (mtasts_policy_parse(body, size, &p)) {
		if (p.mode == MTASTS_MODE_UNSET || !p.has_version ||
		    !p.has_max_age || p.max_age > MTASTS_MAX_AGE_MAX ||
		    (p.mode != MTASTS_MODE_NONE && p.mx.n == 0))
			abort();
	}
	if (p.mx.n > MTASTS_MX_MAX)
		abort();
	for (size_t i = 0; i < p.mx.n; i++) {
		if (!mtasts_mx_pattern_valid(p.mx.v[i], strlen(p.mx.v[i])))
			abort();
		/* A plain pattern matches itself. */
		if (p.mx.v[i][0] != '*' && !mtasts_mx_match(p.mx.v[i],
		    p.mx.v[i]))
			abort();
	}
	(void)mtasts_policy_match(&p, host);
	mtasts_policy_clear(&p);

	mtasts_judge_policy("example.com", &f, mx, 2, &fl);
	finding_list_clear(&fl);
	return 0;
}
