/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the SPF record parser, and through it the whole
 * SPF path: the input is parsed, then evaluated as a draft record (audit
 * walk and check_host()) over a DNS that answers every TXT query with the
 * input itself, so includes and redirects recurse into the fuzzed record
 * and meet every limit; the result is judged and rendered. The checks
 * turn broken invariants into crashes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/lookup.h"
#include "spf/eval.h"
#include "spf/judge.h"
#include "spf/macro.h"
#include "spf/record.h"
#include "spf/render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A DNS whose answers are queued and delivered by run(), never from
 * inside the query, as the lookup contract requires. */
struct fake_q {
	struct fake_q	*next;
	char		 name[DNS_NAME_BUF];
	uint16_t	 qtype;
	dns_callback	*cb;
	void		*arg;
};

struct fake {
	struct dns_lookup	 lk;
	struct fake_q		*head, *tail;
	const uint8_t		*txt;
	size_t			 txtlen;
	size_t			 n;
};

static void
fake_query(struct dns_lookup *lk, const char *name, uint16_t qtype,
    dns_callback *cb, void *arg)
{
	struct fake *f = lk->impl;
	struct fake_q *q = calloc(1, sizeof(*q));

	if (q == NULL)
		abort();
	snprintf(q->name, sizeof(q->name), "%s", name);
	q->qtype = qtype;
	q->cb = cb;
	q->arg = arg;
	if (f->tail)
		f->tail->next = q;
	else
		f->head = q;
	f->tail = q;
	if (++f->n > 10000)
		abort();	/* the caps must hold */
}

/* Answers vary with the name's length so that every outcome is met. */
static void
fake_answer(struct fake *f, const struct fake_q *q, struct dns_answer *ans)
{
	size_t k = strlen(q->name) % 7;
	struct dns_rr *rr;

	if (k == 5) {
		dns_answer_init(ans, q->name, q->qtype, DNS_OUT_NXDOMAIN);
		return;
	}
	if (k == 6) {
		dns_answer_init(ans, q->name, q->qtype, DNS_OUT_TIMEOUT);
		return;
	}
	dns_answer_init(ans, q->name, q->qtype, DNS_OUT_ANSWER);
	rr = calloc(k == 4 ? 12 : 1, sizeof(*rr));
	if (rr == NULL)
		abort();
	ans->rr = rr;
	ans->nrr = 1;
	rr->type = q->qtype;
	switch (q->qtype) {
	case DNS_T_TXT:
		dns_rr_set_txt(rr, (const char *)f->txt, f->txtlen);
		rr->u.txt.nstrings = 2;
		rr->u.txt.bounds[0] = (uint16_t)(rr->u.txt.len / 2);
		rr->u.txt.bounds[1] = (uint16_t)rr->u.txt.len;
		break;
	case DNS_T_A:
		rr->u.a.s_addr = htonl(0xc0000201);	/* 192.0.2.1 */
		break;
	case DNS_T_AAAA:
		rr->u.aaaa.s6_addr[0] = 0x20;
		rr->u.aaaa.s6_addr[1] = 0x01;
		rr->u.aaaa.s6_addr[15] = 1;
		break;
	case DNS_T_MX:
		/* k == 4: more MX names than allowed */
		ans->nrr = k == 4 ? 12 : 1;
		for (size_t i = 0; i < ans->nrr; i++) {
			rr[i].type = DNS_T_MX;
			char name[32];

			snprintf(name, sizeof(name), "mx%zu.example", i);
			dns_str_set(&rr[i].u.mx.exchange, name);
		}
		break;
	case DNS_T_PTR:
		dns_str_set(&rr->u.target, k == 3 ? "." : "host.example");
		break;
	default:
		ans->nrr = 0;
		ans->outcome = DNS_OUT_NODATA;
		break;
	}
}

static void
fake_run(struct fake *f)
{
	struct fake_q *q;

	while ((q = f->head) != NULL) {
		struct dns_answer ans;

		f->head = q->next;
		if (f->head == NULL)
			f->tail = NULL;
		fake_answer(f, q, &ans);
		q->cb(&ans, q->arg);
		dns_answer_clear(&ans);
		free(q);
	}
}

static void
check_term(const struct spf_record *r, const struct spf_term *t)
{
	char err[200];

	if (t->offset >= r->len || t->text == NULL || t->text[0] == '\0')
		abort();
	for (const char *p = t->text; *p; p++)
		if (*p < 0x21 || *p > 0x7e)
			abort();
	if (t->cidr4 < 0 || t->cidr4 > 32 || t->cidr6 < 0 || t->cidr6 > 128)
		abort();
	if (t->domain_spec != NULL && spf_macro_check(t->domain_spec,
	    strlen(t->domain_spec), SPF_MACRO_DOMAIN, err, sizeof(err)) != 0)
		abort();
	if (spf_kind_name(t->kind)[0] == '?')
		abort();
}

static void
evaluate(const char *txt, const uint8_t *data, size_t size, const char *ip)
{
	struct fake f;
	struct spf_request req;
	struct spf_check *c = NULL;
	struct finding_list fl;
	char err[256], *buf = NULL;
	size_t len = 0;
	FILE *mem;
	json_t *doc;
	struct report_style st = { false, true };

	memset(&f, 0, sizeof(f));
	f.lk.query = fake_query;
	f.lk.impl = &f;
	f.txt = data;
	f.txtlen = size;
	memset(&req, 0, sizeof(req));
	req.domain = "fuzz.example";
	req.sender = "user@fuzz.example";
	req.helo = "helo.example";
	req.ip = ip;
	req.record = txt;
	req.audit = true;
	req.now = 1;
	if (spf_check_new(&f.lk, &req, &c, err, sizeof(err)) != 0)
		abort();
	spf_check_run(c, NULL, NULL);
	fake_run(&f);
	if (!spf_check_done(c))
		abort();
	if (c->has_ip && c->lookups > SPF_LOOKUP_LIMIT + 1)
		abort();
	if (c->nnodes > SPF_AUDIT_NODES + SPF_LOOKUP_LIMIT + 2)
		abort();
	memset(&fl, 0, sizeof(fl));
	spf_judge(c, &fl);
	doc = spf_render_json(c, &fl, 0);
	if (doc == NULL)
		abort();
	json_decref(doc);
	if ((mem = open_memstream(&buf, &len)) != NULL) {
		spf_render_text(mem, c, &fl, &st);
		fclose(mem);
		free(buf);
	}
	finding_list_clear(&fl);
	spf_check_free(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spf_record *r = NULL;
	struct spf_parse_error err;
	const char *txt = (const char *)data;
	char *cstr;

	if (spf_record_parse(txt, size, &r, &err) == 0) {
		if (r == NULL || !spf_record_is_spf(txt, size))
			abort();
		for (size_t i = 0; i < r->nterms; i++)
			check_term(r, &r->terms[i]);
		if ((r->redirect >= 0 && r->terms[r->redirect].kind !=
		    SPF_MOD_REDIRECT) || (r->exp >= 0 &&
		    r->terms[r->exp].kind != SPF_MOD_EXP))
			abort();
		spf_record_free(r);
	} else {
		if (r != NULL || err.message[0] == '\0')
			abort();
		for (const char *p = err.term; *p; p++)
			if (*p < 0x20 || *p > 0x7e)
				abort();
	}
	/* The draft path takes a C string: cut at the first NUL. */
	if (size > SPF_RECORD_MAX + 1)
		return 0;
	cstr = calloc(1, size + 1);
	if (cstr == NULL)
		abort();
	memcpy(cstr, data, size);
	evaluate(cstr, data, size, "192.0.2.1");
	evaluate(cstr, data, size, "2001:db8::1");
	free(cstr);
	return 0;
}
