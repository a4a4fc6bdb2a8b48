/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the tag=value parser and every TXT-record parser
 * built on it (DMARC, BIMI, MTA-STS, TLS-RPT). The first byte picks the
 * limits and case rule; the checks turn broken invariants into crashes:
 * counts within the caps, lengths consistent, every printable copy really
 * printable.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy/bimi.h"
#include "policy/dmarc.h"
#include "policy/mtasts.h"
#include "policy/tagvalue.h"
#include "policy/tlsrpt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_printable(const char *s)
{
	if (s == NULL)
		return;
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e)
			abort();
}

static void
check_strvec(const struct strvec *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		check_printable(sv->v[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tagvalue_limits lim = { 512, 8, 8, 64, false };
	struct tagvalue_list l;
	const char *in;
	size_t len;

	if (size == 0)
		return 0;
	lim.icase = data[0] & 1;
	if (data[0] & 2)
		lim.tags_max = 64;
	in = (const char *)data + 1;
	len = size - 1;

	tagvalue_parse(in, len, (data[0] & 4) ? NULL : &lim, &l);
	if (tagvalue_strerror(l.status) == NULL)
		abort();
	if (l.ntags > TAGVALUE_TAGS_MAX || (!(data[0] & 4) &&
	    l.ntags > lim.tags_max))
		abort();
	for (size_t i = 0; i < l.ntags; i++) {
		const struct tagvalue_tag *t = &l.tags[i];

		if (t->offset > len || t->value_len > len ||
		    t->value[t->value_len] != '\0')
			abort();
		if ((t->flags & TAGVALUE_F_ERRORS) &&
		    tagvalue_problem(t->flags) == NULL)
			abort();
		if (!(t->flags & (TAGVALUE_F_BADNAME | TAGVALUE_F_DUPLICATE)) &&
		    tagvalue_get(&l, t->name) != t)
			abort();
	}
	tagvalue_list_clear(&l);

	{
		struct dmarc_record r;

		dmarc_record_parse(in, len, &r);
		check_printable(r.text);
		check_strvec(&r.unknown);
		check_strvec(&r.syntax);
		for (int i = 0; i < DMARC_TAG_COUNT; i++)
			check_printable(r.tags[i].value);
		dmarc_record_clear(&r);
	}
	{
		struct bimi_record r;

		bimi_record_parse(in, len, &r);
		check_printable(r.text);
		check_strvec(&r.syntax);
		check_strvec(&r.unknown);
		if (r.valid && !r.declined && (r.l.n != 1 ||
		    r.l.v[0].scheme != POLICY_URI_HTTPS))
			abort();
		bimi_record_clear(&r);
	}
	{
		struct mtasts_txt t;

		if (mtasts_txt_parse(in, len, &t) && t.valid &&
		    (t.id[0] == '\0' || strlen(t.id) > MTASTS_ID_MAX))
			abort();
		check_strvec(&t.errors);
		check_strvec(&t.warnings);
		mtasts_txt_clear(&t);
	}
	{
		struct tlsrpt_record r;

		if (tlsrpt_record_parse(in, len, &r) && r.valid &&
		    r.rua.n == 0)
			abort();
		check_strvec(&r.errors);
		tlsrpt_record_clear(&r);
	}
	return 0;
}
