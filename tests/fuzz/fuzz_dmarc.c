/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for DMARC records: parse, judge and suggest. The
 * strongest check: the suggested correction of any record is itself a
 * valid DMARC record. Every finding must be printable and worded.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/dmarc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_printable(const char *s)
{
	if (s == NULL)
		abort();
	for (; *s != '\0'; s++)
		if ((*s < 0x20 || *s > 0x7e) && *s != '\n')
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dmarc_record r, r2;
	struct finding_list fl = { 0 };
	char *s;

	dmarc_record_parse((const char *)data, size, &r);
	if (r.is_dmarc) {
		if (r.p == DMARC_POLICY_UNSET || r.sp == DMARC_POLICY_UNSET ||
		    r.np == DMARC_POLICY_UNSET || r.pct < 0 || r.pct > 100)
			abort();
		if (r.ignored && !r.unenforced)
			abort();
	}
	dmarc_judge_record("example.com", "example.com", &r, &fl);
	dmarc_judge_record("mail.example.com", "example.com", &r, &fl);
	for (size_t i = 0; i < fl.n; i++) {
		const struct finding *f = fl.v[i];

		if (f->code == NULL || strncmp(f->code, "dmarc.", 6) != 0)
			abort();
		check_printable(f->title);
		for (size_t k = 0; k < f->evidence.n; k++)
			check_printable(f->evidence.v[k]);
		for (size_t k = 0; k < f->remediation.n; k++)
			check_printable(f->remediation.v[k]);
	}
	finding_list_clear(&fl);
	if (r.is_dmarc) {
		s = dmarc_record_suggest(&r, "mailto:dmarc@example.com");
		if (!dmarc_record_parse(s, strlen(s), &r2) || !r2.valid)
			abort();
		dmarc_record_clear(&r2);
		free(s);
	}
	dmarc_record_clear(&r);
	return 0;
}
