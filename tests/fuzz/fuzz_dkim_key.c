/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for DKIM key records: the tag-list parser, the meaning
 * of each tag, the key read with OpenSSL, the judgement and its JSON. The
 * input is the record as a TXT lookup would deliver it (any bytes); the
 * checks turn broken invariants into crashes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dkim/dkim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			abort();
}

static void
check_findings(const struct finding_list *fl)
{
	for (size_t i = 0; i < fl->n; i++) {
		const struct finding *f = fl->v[i];

		if (f->code == NULL || f->title == NULL || f->title[0] == '\0' ||
		    f->explanation == NULL)
			abort();
		for (size_t k = 0; k < f->evidence.n; k++)
			check_printable(f->evidence.v[k]);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *sel[] = { "s1" };
	const char *text = (const char *)data;
	struct dkim_key_record rec;
	struct dkim_key_info info;
	struct dkim_report *rep;
	char err[128];
	json_t *j;
	char *dump;

	if (size > DKIM_TAGS_TEXT_MAX + 16)
		return 0;

	dkim_key_record_parse(text, size, &rec);
	if (rec.syntax == DKIM_TAGS_OK) {
		if (rec.tags.n > DKIM_TAGS_MAX || rec.p_len > DKIM_P_MAX)
			abort();
		for (size_t i = 0; i < rec.tags.n; i++)
			if (rec.tags.v[i].value < text ||
			    rec.tags.v[i].value + rec.tags.v[i].len > text + size)
				abort();
		check_printable(rec.v);
		check_printable(rec.k);
		check_printable(rec.notes);
	} else if (rec.syntax_off > size) {
		abort();
	}
	dkim_key_analyze(&rec, &info);
	if (info.status == DKIM_KEYST_OK && (info.bits <= 0 ||
	    info.der_len == 0 || info.der_len > DKIM_KEY_DER_MAX))
		abort();
	dkim_key_record_clear(&rec);

	/* The whole judgement, as the draft mode runs it. */
	rep = dkim_report_new("example.com", sel, 1, err, sizeof(err));
	if (rep == NULL)
		abort();
	dkim_report_judge_record(rep, 0, text, size);
	dkim_report_finish(rep);
	check_findings(&rep->sel[0].findings);
	check_findings(&rep->findings);
	if (rep->sel[0].valid && rep->sel[0].key.status != DKIM_KEYST_OK)
		abort();
	j = dkim_report_json(rep);
	if (j == NULL || (dump = json_dumps(j, 0)) == NULL)
		abort();
	free(dump);
	json_decref(j);
	dkim_report_free(rep);

	/* The same bytes as a TXT answer at a guessed selector (default
	 * discovery, where non-DKIM records are set aside). */
	if (size <= DNS_TXT_MAX) {
		struct dns_answer ans;

		rep = dkim_report_new("example.com", NULL, 0, err, sizeof(err));
		if (rep == NULL)
			abort();
		dns_answer_init(&ans, rep->sel[0].name, DNS_T_TXT,
		    DNS_OUT_ANSWER);
		ans.rr = calloc(1, sizeof(*ans.rr));
		if (ans.rr == NULL)
			abort();
		ans.nrr = 1;
		ans.rr[0].type = DNS_T_TXT;
		dns_rr_set_txt(&ans.rr[0], (const char *)data, size);
		dkim_report_judge_answer(rep, 0, &ans);
		dns_answer_clear(&ans);
		for (size_t i = 1; i < rep->n; i++) {
			dns_answer_init(&ans, rep->sel[i].name, DNS_T_TXT,
			    DNS_OUT_NXDOMAIN);
			dkim_report_judge_answer(rep, i, &ans);
			dns_answer_clear(&ans);
		}
		dkim_report_finish(rep);
		if (rep->sel[0].found == rep->sel[0].foreign)
			abort();
		check_findings(&rep->sel[0].findings);
		check_findings(&rep->findings);
		j = dkim_report_json(rep);
		if (j == NULL)
			abort();
		json_decref(j);
		dkim_report_free(rep);
	}
	return 0;
}
