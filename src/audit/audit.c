/* SPDX-License-Identifier: MIT */
/*
 * The audit's orchestration: one counter of outstanding operations,
 * sections filled as their lookups return, and the summary computed from
 * every finding at the end. Each section's logic lives in its own module;
 * this file only starts, collects and renders.
 */
#include "audit/audit.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "audit/mx.h"
#include "http/fetch.h"
#include "net/addrclass.h"
#include "policy/mtasts.h"
#include "policy/tlsrpt.h"
#include "dkim/dkim.h"
#include "dnsbl/dnsbl.h"
#include "policy/bimi.h"
#include "policy/dmarc.h"
#include "policy/render.h"
#include "spf/eval.h"
#include "spf/judge.h"
#include "spf/render.h"
#include "util/util.h"

struct audit_addr {
	enum audit_section_id	 section;	/* MX or SENDING */
	char			*host;		/* the MX host it belongs to */
	char			*text;
	json_t			*json;
	struct finding_list	 findings;
	bool			 aligned;
};

struct audit {
	struct audit_config	 cfg;
	char			*domain;
	audit_callback		*cb;
	void			*arg;
	int			 pending;
	struct audit_section	 sec[AUDIT_SECTIONS];
	struct mx_facts		 mx;
	/* MTA-STS: the TXT record, the policy host's address, the fetch. */
	bool			 sts_txt_ok;
	char			 sts_host[DNS_NAME_BUF];
	char			 sts_url[DNS_NAME_BUF + 64];
	bool			 sts_fetched;
	struct http_fetch_result sts;
	char			 sts_error[DNS_NAME_BUF + 128];
	bool			 sts_error_temporary;
	/* The modules' runs. */
	struct spf_check	*spf[1 + AUDIT_IPS_MAX];
	size_t			 nspf;
	struct dmarc_discovery	*dmarc;
	struct bimi_check	*bimi;
	struct dkim_report	*dkim;
	struct dnsbl_report	*bl;
	int			 hosts_pending;	/* MX host lookups out */
	bool			 bl_started;
	size_t			 naddrs;
	struct audit_addr	 addrs[MX_HOSTS_MAX * AUDIT_ADDRS_PER_HOST +
				    AUDIT_IPS_MAX];
	bool			 done;
};

struct audit_host_ctx {
	struct audit	*a;
	struct mx_host	*h;
};

struct audit_addr_ctx {
	struct audit	*a;
	size_t		 idx;
};

static void audit_mx_finish(struct audit *a);
static void audit_mtasts_finish(struct audit *a);
static void audit_modules_finish(struct audit *a);
static void audit_bl_start(struct audit *a);
static void audit_sending_finish(struct audit *a);
static bool audit_wants(const struct audit *a, enum audit_section_id id);

static void
audit_op_done(struct audit *a)
{
	if (--a->pending > 0)
		return;
	/* Every lookup is back: now the sections that need several answers
	 * are judged, then the caller is told. */
	if (audit_wants(a, AUDIT_MX))
		audit_mx_finish(a);
	if (a->sec[AUDIT_SENDING].ran)
		audit_sending_finish(a);
	if (a->sec[AUDIT_MTASTS].ran)
		audit_mtasts_finish(a);
	audit_modules_finish(a);
	a->done = true;
	a->cb(a, a->arg);
}

static void
audit_addr_done(struct identity_facts *f, void *arg)
{
	struct audit_addr_ctx *ctx = arg;
	struct audit *a = ctx->a;
	struct audit_addr *ad = &a->addrs[ctx->idx];
	struct identity_verdict v;
	struct report_style plain = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;

	identity_judge(f, &v);
	ad->aligned = v.aligned;
	ad->json = report_json_address(f, &v);
	if ((mem = open_memstream(&buf, &len)) != NULL) {
		report_text_address(mem, f, &v, &plain);
		fclose(mem);
		ad->text = buf;
	}
	/* The findings move to the audit for the summary. */
	ad->findings = v.findings;
	memset(&v.findings, 0, sizeof(v.findings));
	identity_verdict_clear(&v);
	free(ctx);
	audit_op_done(a);
}

/* The gate refused addr of h: no SMTP for it (its DNS checks still run),
 * and a finding that says so. */
static void
audit_refuse_addr(struct audit *a, const struct mx_host *h, int af,
    const void *addr, struct identity_options *id)
{
	char text[INET6_ADDRSTRLEN];
	struct finding *fd;

	inet_ntop(af, addr, text, sizeof(text));
	id->no_smtp = true;
	fd = finding_add(&a->sec[AUDIT_MX].findings, "mx.address_refused",
	    FINDING_WARNING, "MX host %s: %s not probed (not a public "
	    "address)", h->name, text);
	finding_explain(fd, "%s is %s. This server connects only to public "
	    "addresses unless it was started with --allow-private, so SMTP "
	    "and STARTTLS of this address were not checked. Senders on the "
	    "internet cannot reach a mail server at such an address either.",
	    text, addr_class_reason(addr_classify(af, addr)));
	strvec_pushf(&fd->evidence, "%s: %s (%s)", h->name, text,
	    addr_class_name(addr_classify(af, addr)));
	strvec_pushf(&fd->remediation, "Publish a public address for %s, or "
	    "run the audit where private addresses are allowed (mxdiag "
	    "audit, or mxdiag mcp --allow-private) if this is a test "
	    "network.", h->name);
}

static void
audit_start_addr(struct audit *a, struct mx_host *h, int af, const void *addr)
{
	struct audit_addr_ctx *ctx;
	struct identity_options id = a->cfg.id;
	struct audit_addr *ad;

	if (a->naddrs == UTIL_ARRAY_LEN(a->addrs))
		return;
	ad = &a->addrs[a->naddrs];
	ad->section = AUDIT_MX;
	ad->host = xstrdup(h->name);
	ctx = xcalloc(1, sizeof(*ctx));
	ctx->a = a;
	ctx->idx = a->naddrs++;
	/* The certificate must name the host as the MX record names it. */
	id.smtp.tls_name = ad->host;
	if (a->cfg.connect_gate && !id.no_smtp &&
	    !addr_connect_allowed(af, addr, a->cfg.allow_private))
		audit_refuse_addr(a, h, af, addr, &id);
	a->pending++;
	identity_start(a->cfg.base, a->cfg.res, &id, h->name, af, addr,
	    a->cfg.port, audit_addr_done, ctx);
}

static void
audit_host_done(const struct dns_answer *ans, void *arg)
{
	struct audit_host_ctx *ctx = arg;
	struct audit *a = ctx->a;
	struct mx_host *h = ctx->h;
	struct dns_answer *slot = ans->qtype == DNS_T_A ? &h->a : &h->aaaa;
	size_t started = 0;

	dns_answer_copy(slot, ans);
	if (ans->qtype == DNS_T_A)
		h->a_done = true;
	else
		h->aaaa_done = true;
	for (size_t i = 0; i < ans->nrr && started < AUDIT_ADDRS_PER_HOST;
	    i++) {
		if (ans->rr[i].type == DNS_T_A) {
			audit_start_addr(a, h, AF_INET, &ans->rr[i].u.a);
			started++;
		} else if (ans->rr[i].type == DNS_T_AAAA) {
			audit_start_addr(a, h, AF_INET6, &ans->rr[i].u.aaaa);
			started++;
		}
	}
	free(ctx);
	/* Blacklists need every MX address: start them after the last. */
	if (--a->hosts_pending == 0)
		audit_bl_start(a);
	audit_op_done(a);
}

static void
audit_host_lookup(struct audit *a, struct mx_host *h, uint16_t qtype)
{
	struct audit_host_ctx *ctx = xcalloc(1, sizeof(*ctx));

	ctx->a = a;
	ctx->h = h;
	a->hosts_pending++;
	a->pending++;
	dns_lookup_query(a->cfg.lookup, h->name, qtype, audit_host_done, ctx);
}

static void
audit_mx_done(const struct dns_answer *ans, void *arg)
{
	struct audit *a = arg;

	mx_facts_from_answer(&a->mx, ans);
	for (size_t i = 0; i < a->mx.nhosts; i++) {
		struct mx_host *h = &a->mx.hosts[i];

		if (h->ip_literal)
			continue;
		if (a->cfg.family != AF_INET6)
			audit_host_lookup(a, h, DNS_T_A);
		if (a->cfg.family != AF_INET)
			audit_host_lookup(a, h, DNS_T_AAAA);
	}
	if (a->hosts_pending == 0)
		audit_bl_start(a);
	audit_op_done(a);
}

static bool
audit_wants(const struct audit *a, enum audit_section_id id)
{
	return a->cfg.sections == 0 || (a->cfg.sections & (1u << id)) != 0;
}

/* The sending addresses: their reverse DNS identity (no SMTP: they send,
 * they need not listen), compared with the HELO name when given. */
static void
audit_start_sending(struct audit *a)
{
	struct identity_options id = a->cfg.id;

	id.no_smtp = true;
	id.expected_name = a->cfg.helo;
	for (size_t i = 0; i < a->cfg.nips; i++) {
		struct audit_addr_ctx *ctx;
		struct audit_addr *ad;

		if (a->naddrs == UTIL_ARRAY_LEN(a->addrs))
			break;
		ad = &a->addrs[a->naddrs];
		ad->section = AUDIT_SENDING;
		ad->host = xstrdup(a->cfg.ips[i].text);
		ctx = xcalloc(1, sizeof(*ctx));
		ctx->a = a;
		ctx->idx = a->naddrs++;
		a->pending++;
		identity_start(a->cfg.base, a->cfg.res, &id, a->cfg.ips[i].text,
		    a->cfg.ips[i].af, &a->cfg.ips[i].addr, 25, audit_addr_done,
		    ctx);
	}
	a->sec[AUDIT_SENDING].ran = true;
}

static void
audit_sending_finish(struct audit *a)
{
	struct audit_section *s = &a->sec[AUDIT_SENDING];
	json_t *addrs = json_array();

	for (size_t k = 0; k < a->naddrs; k++)
		if (a->addrs[k].section == AUDIT_SENDING && a->addrs[k].json)
			json_array_append(addrs, a->addrs[k].json);
	s->data = json_pack("{s:o}", "addresses", addrs);
	if (a->cfg.helo != NULL) {
		/* The HELO the sender uses against each address's PTR. */
		for (size_t k = 0; k < a->naddrs; k++) {
			json_t *ptr;
			bool match = false;
			struct finding *fd;

			if (a->addrs[k].section != AUDIT_SENDING)
				continue;
			ptr = json_object_get(a->addrs[k].json, "ptr");
			for (size_t i = 0; i < json_array_size(ptr); i++)
				if (util_name_eq(json_string_value(
				    json_array_get(ptr, i)), a->cfg.helo))
					match = true;
			fd = finding_add(&s->findings, match ?
			    "sending.helo_match" : "sending.helo_mismatch",
			    match ? FINDING_PASS : FINDING_WARNING, match ?
			    "HELO %s matches the PTR of %s" :
			    "HELO %s does not match the PTR of %s",
			    a->cfg.helo, a->addrs[k].host);
			finding_explain(fd, match ? "Receivers compare the HELO "
			    "name with the client's PTR name; these agree." :
			    "Receivers compare the HELO name with the client's "
			    "PTR name. A mismatch must not by itself cause "
			    "rejection (RFC 5321 §4.1.4), but spam filters score "
			    "it.");
			if (!match)
				strvec_pushf(&fd->remediation, "Make the sending "
				    "MTA announce its PTR name as HELO, or set the "
				    "PTR of %s to %s (and its A record back).",
				    a->addrs[k].host, a->cfg.helo);
		}
	}
}

/* ---- MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) ---- */

static void
audit_sts_fetched(struct http_fetch_result *res, void *arg)
{
	struct audit *a = arg;

	a->sts = *res;
	res->body = NULL;	/* taken */
	a->sts_fetched = true;
	audit_op_done(a);
}

static void
audit_sts_host_done(const struct dns_answer *ans, void *arg)
{
	struct audit *a = arg;
	struct sockaddr_storage ss;
	struct http_fetch_req req;

	memset(&ss, 0, sizeof(ss));
	for (size_t i = 0; i < ans->nrr; i++) {
		if (ans->rr[i].type != DNS_T_A)
			continue;
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)a->cfg.https_port);
		sin->sin_addr = ans->rr[i].u.a;
		break;
	}
	if (ss.ss_family == 0) {
		snprintf(a->sts_error, sizeof(a->sts_error), "%s has no "
		    "address (A lookup: %s)", a->sts_host,
		    dns_outcome_name(ans->outcome));
		a->sts_error_temporary = dns_outcome_is_temporary(ans->outcome);
		audit_op_done(a);
		return;
	}
	if (a->cfg.connect_gate && !addr_connect_allowed(AF_INET,
	    &((struct sockaddr_in *)&ss)->sin_addr, a->cfg.allow_private)) {
		char text[INET_ADDRSTRLEN];
		const struct in_addr *in = &((struct sockaddr_in *)&ss)->sin_addr;

		inet_ntop(AF_INET, in, text, sizeof(text));
		snprintf(a->sts_error, sizeof(a->sts_error), "%s resolves to "
		    "%s, %s: not fetched (only public addresses are allowed "
		    "unless --allow-private)", a->sts_host, text,
		    addr_class_reason(addr_classify(AF_INET, in)));
		a->sts_error_temporary = false;
		audit_op_done(a);
		return;
	}
	memset(&req, 0, sizeof(req));
	req.host = a->sts_host;
	req.path = "/.well-known/mta-sts.txt";
	req.addr = (struct sockaddr *)&ss;
	req.addrlen = sizeof(struct sockaddr_in);
	req.ssl_ctx = a->cfg.https_ctx;
	req.max_body = 65536;	/* RFC 8461 §3.3: 64 KiB at most */
	req.timeout_ms = a->cfg.id.smtp.command_timeout_ms > 0 ?
	    a->cfg.id.smtp.command_timeout_ms : 10000;
	http_fetch(a->cfg.base, &req, audit_sts_fetched, a);
}

static void
audit_sts_txt_done(const struct dns_answer *ans, void *arg)
{
	struct audit *a = arg;
	struct mtasts_txt txt;

	memset(&txt, 0, sizeof(txt));
	mtasts_judge_txt(a->domain, ans, &a->sec[AUDIT_MTASTS].findings, &txt);
	a->sts_txt_ok = ans->outcome == DNS_OUT_ANSWER && txt.id[0] != '\0';
	mtasts_txt_clear(&txt);
	/* Senders fetch the policy only when the TXT record announces one. */
	if (a->sts_txt_ok && a->cfg.https_ctx != NULL) {
		a->pending++;
		dns_lookup_query(a->cfg.lookup, a->sts_host, DNS_T_A,
		    audit_sts_host_done, a);
	}
	audit_op_done(a);
}

static void
audit_tlsrpt_done(const struct dns_answer *ans, void *arg)
{
	struct audit *a = arg;

	tlsrpt_judge_txt(a->domain, ans, &a->sec[AUDIT_TLSRPT].findings);
	a->sec[AUDIT_TLSRPT].ran = true;
	audit_op_done(a);
}

static void
audit_mtasts_finish(struct audit *a)
{
	struct mtasts_fetch fe;
	const char *mx[MX_HOSTS_MAX];
	size_t nmx = 0;

	if (!a->sts_fetched && a->sts_error[0] == '\0')
		return;		/* no policy announced, or no fetch asked */
	for (size_t i = 0; i < a->mx.nhosts; i++)
		if (a->mx.hosts[i].pref >= 0)
			mx[nmx++] = a->mx.hosts[i].name;
	memset(&fe, 0, sizeof(fe));
	fe.url = a->sts_url;
	if (a->sts_error[0] != '\0') {
		fe.error = a->sts_error;
		fe.error_temporary = a->sts_error_temporary;
	} else if (a->sts.status == 0 || !a->sts.cert_ok) {
		/* No usable response: RFC 8461 §3.3 wants a valid
		 * certificate for the policy host, or nothing. */
		snprintf(a->sts_error, sizeof(a->sts_error), "%s%s",
		    a->sts.status ? "certificate of the policy host not "
		    "valid: " : "", a->sts.cert_error[0] ? a->sts.cert_error :
		    a->sts.error[0] ? a->sts.error : "not verified");
		fe.error = a->sts_error;
		fe.error_temporary = a->sts.cert_error[0] == '\0' &&
		    strstr(a->sts.error, "timeout") != NULL;
	} else {
		fe.status = a->sts.status;
		fe.content_type = a->sts.content_type[0] ?
		    a->sts.content_type : NULL;
		fe.redirects = (a->sts.status >= 300 && a->sts.status < 400);
		fe.body = a->sts.body;
		fe.body_len = a->sts.body_len;
		fe.body_truncated = a->sts.too_large;
	}
	mtasts_judge_policy(a->domain, &fe, mx, nmx,
	    &a->sec[AUDIT_MTASTS].findings);
	a->sec[AUDIT_MTASTS].data = json_pack("{s:s, s:o, s:o, s:o}",
	    "policy_url", a->sts_url, "http_status", a->sts.status ?
	    json_integer(a->sts.status) : json_null(), "policy",
	    a->sts.body ? json_stringn(a->sts.body, a->sts.body_len) :
	    json_null(), "error", fe.error ? json_string(fe.error) :
	    json_null());
}

/* ---- SPF, DMARC, DKIM, BIMI, blacklists: the modules' own runs ---- */

static void
audit_spf_done(struct spf_check *c, void *arg)
{
	audit_op_done(arg);
}

static void
audit_dmarc_done(struct dmarc_discovery *d, void *arg)
{
	audit_op_done(arg);
}

static void
audit_bimi_done(struct bimi_check *b, void *arg)
{
	audit_op_done(arg);
}

static void
audit_dkim_done(struct dkim_report *r, void *arg)
{
	audit_op_done(arg);
}

static void
audit_bl_done(struct dnsbl_report *r, void *arg)
{
	audit_op_done(arg);
}

static void
audit_note_error(struct audit *a, enum audit_section_id id, const char *what)
{
	struct finding *fd = finding_add(&a->sec[id].findings, "audit.skipped",
	    FINDING_SKIPPED, "%s not checked", a->sec[id].title);

	finding_explain(fd, "%s", what);
	a->sec[id].ran = true;
}

static void
audit_spf_start(struct audit *a)
{
	char err[256], sender[DNS_NAME_BUF + 16];
	struct spf_request req;

	snprintf(sender, sizeof(sender), "postmaster@%s", a->domain);
	for (size_t i = 0; i <= a->cfg.nips; i++) {
		memset(&req, 0, sizeof(req));
		req.domain = a->domain;
		req.sender = sender;
		req.helo = a->cfg.helo;
		req.ip = i == 0 ? NULL : a->cfg.ips[i - 1].text;
		req.audit = true;
		if (spf_check_new(a->cfg.lookup, &req, &a->spf[a->nspf], err,
		    sizeof(err)) != 0) {
			if (i == 0) {
				audit_note_error(a, AUDIT_SPF, err);
				return;
			}
			continue;
		}
		a->pending++;
		spf_check_run(a->spf[a->nspf++], audit_spf_done, a);
	}
	a->sec[AUDIT_SPF].ran = true;
}

static void
audit_policy_start(struct audit *a)
{
	if (audit_wants(a, AUDIT_DMARC)) {
		a->dmarc = xcalloc(1, sizeof(*a->dmarc));
		a->pending++;
		if (dmarc_discover_start(a->cfg.lookup, a->cfg.psl, a->domain,
		    NULL, 0, a->dmarc, audit_dmarc_done, a) != 0) {
			a->pending--;
			free(a->dmarc);
			a->dmarc = NULL;
			audit_note_error(a, AUDIT_DMARC, "not a usable domain");
		} else {
			a->sec[AUDIT_DMARC].ran = true;
		}
	}
	if (audit_wants(a, AUDIT_BIMI)) {
		a->bimi = xcalloc(1, sizeof(*a->bimi));
		a->pending++;
		if (bimi_check_start(a->cfg.lookup, a->cfg.psl, a->domain, NULL,
		    NULL, 0, a->bimi, audit_bimi_done, a) != 0) {
			a->pending--;
			free(a->bimi);
			a->bimi = NULL;
			audit_note_error(a, AUDIT_BIMI, "not a usable domain");
		} else {
			a->sec[AUDIT_BIMI].ran = true;
		}
	}
	if (audit_wants(a, AUDIT_DKIM)) {
		char err[256];

		a->dkim = dkim_report_new(a->domain, a->cfg.selectors,
		    a->cfg.nselectors, err, sizeof(err));
		if (a->dkim == NULL) {
			audit_note_error(a, AUDIT_DKIM, err);
		} else {
			a->pending++;
			dkim_report_lookup(a->dkim, a->cfg.lookup, audit_dkim_done,
			    a);
			a->sec[AUDIT_DKIM].ran = true;
		}
	}
}

/* The blacklists: the domain, every MX address, every sending address. */
static void
audit_bl_start(struct audit *a)
{
	const char *targets[1 + MX_HOSTS_MAX * AUDIT_ADDRS_PER_HOST +
	    AUDIT_IPS_MAX];
	char addrs[UTIL_ARRAY_LEN(targets)][INET6_ADDRSTRLEN];
	size_t n = 0;
	char err[256];

	if (a->bl_started || a->cfg.lists == NULL || !audit_wants(a, AUDIT_BL))
		return;
	a->bl_started = true;
	targets[n++] = a->domain;
	for (size_t i = 0; i < a->mx.nhosts; i++) {
		const struct mx_host *h = &a->mx.hosts[i];
		const struct dns_answer *ans[2] = { &h->a, &h->aaaa };

		for (size_t k = 0; k < 2; k++)
			for (size_t r = 0; r < ans[k]->nrr &&
			    n < UTIL_ARRAY_LEN(targets) - AUDIT_IPS_MAX; r++)
				if (dns_rr_address(&ans[k]->rr[r], addrs[n],
				    sizeof(addrs[n])))
					targets[n] = addrs[n], n++;
	}
	for (size_t i = 0; i < a->cfg.nips; i++)
		targets[n++] = a->cfg.ips[i].text;
	a->bl = dnsbl_report_new(a->cfg.lists, targets, n, err, sizeof(err));
	if (a->bl == NULL) {
		audit_note_error(a, AUDIT_BL, err);
		return;
	}
	a->pending++;
	dnsbl_report_lookup(a->bl, a->cfg.lookup, audit_bl_done, a);
	a->sec[AUDIT_BL].ran = true;
}

static void
audit_modules_finish(struct audit *a)
{
	struct audit_section *s;

	if (a->nspf > 0) {
		struct finding_list fl = { 0 };

		s = &a->sec[AUDIT_SPF];
		spf_judge(a->spf[0], &fl);
		s->data = spf_render_json(a->spf[0], &fl, 0);
		json_object_del(s->data, "findings");
		finding_list_move(&s->findings, &fl);
		/* Each sending address: its check_host() result only; the
		 * record's other findings are the same as above. */
		if (a->nspf > 1) {
			json_t *per = json_array();

			for (size_t i = 1; i < a->nspf; i++) {
				struct finding *fd;

				spf_judge(a->spf[i], &fl);
				if ((fd = finding_list_take(&fl, "spf.result"))) {
					strvec_pushf(&fd->evidence, "address: %s",
					    a->cfg.ips[i - 1].text);
					finding_list_append(&s->findings, fd);
				}
				json_array_append_new(per, json_pack("{s:s, s:s}",
				    "address", a->cfg.ips[i - 1].text, "result",
				    spf_result_name(spf_check_result(a->spf[i]))));
				finding_list_clear(&fl);
			}
			json_object_set_new(s->data, "sending_results", per);
		}
	}
	if (a->dmarc != NULL) {
		s = &a->sec[AUDIT_DMARC];
		dmarc_judge(a->dmarc, &s->findings);
		s->data = dmarc_json(a->dmarc, &s->findings);
		json_object_del(s->data, "findings");
	}
	if (a->bimi != NULL) {
		s = &a->sec[AUDIT_BIMI];
		bimi_judge(a->bimi, &s->findings);
		s->data = bimi_json(a->bimi, &s->findings);
		json_object_del(s->data, "findings");
	}
	if (a->dkim != NULL) {
		s = &a->sec[AUDIT_DKIM];
		s->data = dkim_report_json(a->dkim);
		for (size_t i = 0; i < a->dkim->n; i++)
			finding_list_move(&s->findings,
			    &a->dkim->sel[i].findings);
		finding_list_move(&s->findings, &a->dkim->findings);
	}
	if (a->bl != NULL) {
		s = &a->sec[AUDIT_BL];
		s->data = dnsbl_report_json(a->bl);
		for (size_t i = 0; i < a->bl->set->n; i++)
			finding_list_move(&s->findings,
			    &a->bl->lists[i].findings);
		for (size_t i = 0; i < a->bl->ntargets; i++)
			finding_list_move(&s->findings,
			    &a->bl->targets[i].findings);
	}
}

static void
audit_mx_finish(struct audit *a)
{
	struct audit_section *s = &a->sec[AUDIT_MX];
	json_t *hosts = json_array();

	mx_judge(&a->mx, &s->findings);
	for (size_t i = 0; i < a->mx.nhosts; i++) {
		const struct mx_host *h = &a->mx.hosts[i];
		json_t *addrs = json_array(), *chain = json_array();
		const struct dns_answer *c = h->a.chain.n ? &h->a : &h->aaaa;

		for (size_t k = 0; k < c->chain.n; k++)
			json_array_append_new(chain, json_string(c->chain.v[k]));
		for (size_t k = 0; k < a->naddrs; k++)
			if (a->addrs[k].section == AUDIT_MX &&
			    util_name_eq(a->addrs[k].host, h->name) &&
			    a->addrs[k].json != NULL)
				json_array_append(addrs, a->addrs[k].json);
		json_array_append_new(hosts, json_pack("{s:s, s:o, s:b, s:o, "
		    "s:o}", "name", h->name, "preference", h->pref >= 0 ?
		    json_integer(h->pref) : json_null(), "ip_literal",
		    h->ip_literal, "cname_chain", chain, "addresses", addrs));
	}
	s->data = json_pack("{s:s, s:b, s:b, s:o}", "outcome",
	    dns_outcome_name(a->mx.mx.outcome), "null_mx", a->mx.null_mx,
	    "implicit", a->mx.implicit, "hosts", hosts);
	s->ran = true;
}

struct audit *
audit_start(const struct audit_config *cfg, audit_callback *cb, void *arg)
{
	struct audit *a = xcalloc(1, sizeof(*a));

	a->cfg = *cfg;
	a->domain = xstrdup(cfg->domain);
	a->cfg.domain = a->domain;
	a->cb = cb;
	a->arg = arg;
	a->sec[AUDIT_MX].id = "mx";
	a->sec[AUDIT_MX].title = "MX and mail hosts";
	a->sec[AUDIT_SENDING].id = "sending";
	a->sec[AUDIT_SENDING].title = "Sending addresses";
	a->sec[AUDIT_SPF].id = "spf";
	a->sec[AUDIT_SPF].title = "SPF";
	a->sec[AUDIT_DMARC].id = "dmarc";
	a->sec[AUDIT_DMARC].title = "DMARC";
	a->sec[AUDIT_DKIM].id = "dkim";
	a->sec[AUDIT_DKIM].title = "DKIM";
	a->sec[AUDIT_BIMI].id = "bimi";
	a->sec[AUDIT_BIMI].title = "BIMI";
	a->sec[AUDIT_BL].id = "blacklists";
	a->sec[AUDIT_BL].title = "Blacklists";
	a->sec[AUDIT_MTASTS].id = "mta_sts";
	a->sec[AUDIT_MTASTS].title = "MTA-STS";
	a->sec[AUDIT_TLSRPT].id = "tls_rpt";
	a->sec[AUDIT_TLSRPT].title = "TLS-RPT";
	snprintf(a->mx.domain, sizeof(a->mx.domain), "%s", a->domain);

	/* Hold one reference while starting, so that no callback can
	 * finish the audit before everything is started. */
	a->pending = 1;
	if (audit_wants(a, AUDIT_MX)) {
		a->pending++;
		dns_lookup_query(cfg->lookup, a->domain, DNS_T_MX,
		    audit_mx_done, a);
	}
	if (cfg->nips > 0 && audit_wants(a, AUDIT_SENDING))
		audit_start_sending(a);
	if (audit_wants(a, AUDIT_SPF))
		audit_spf_start(a);
	audit_policy_start(a);
	if (!audit_wants(a, AUDIT_MX))
		audit_bl_start(a);
	if (audit_wants(a, AUDIT_MTASTS)) {
		char name[DNS_NAME_BUF + 16];

		snprintf(a->sts_host, sizeof(a->sts_host), "mta-sts.%s",
		    a->domain);
		snprintf(a->sts_url, sizeof(a->sts_url),
		    "https://%s/.well-known/mta-sts.txt", a->sts_host);
		snprintf(name, sizeof(name), "_mta-sts.%s", a->domain);
		a->sec[AUDIT_MTASTS].ran = true;
		a->pending++;
		dns_lookup_query(cfg->lookup, name, DNS_T_TXT,
		    audit_sts_txt_done, a);
	}
	if (audit_wants(a, AUDIT_TLSRPT)) {
		char name[DNS_NAME_BUF + 16];

		snprintf(name, sizeof(name), "_smtp._tls.%s", a->domain);
		a->pending++;
		dns_lookup_query(cfg->lookup, name, DNS_T_TXT,
		    audit_tlsrpt_done, a);
	}
	audit_op_done(a);
	return a;
}

/* ---- summary ---- */

static int
audit_weight(enum finding_status st)
{
	switch (st) {
	case FINDING_FAIL:
	case FINDING_PERMERROR:
		return 15;
	case FINDING_WARNING:
		return 5;
	default:
		return 0;
	}
}

struct audit_tally {
	size_t	fails, warnings, temperrors, passes;
	int	score;
};

static void
audit_tally_list(const struct finding_list *fl, struct audit_tally *t)
{
	for (size_t i = 0; i < fl->n; i++) {
		switch (fl->v[i]->status) {
		case FINDING_FAIL:
		case FINDING_PERMERROR:
			t->fails++;
			break;
		case FINDING_WARNING:
			t->warnings++;
			break;
		case FINDING_TEMPERROR:
			t->temperrors++;
			break;
		case FINDING_PASS:
			t->passes++;
			break;
		default:
			break;
		}
		t->score -= audit_weight(fl->v[i]->status);
	}
}

static void
audit_tally(const struct audit *a, struct audit_tally *t)
{
	memset(t, 0, sizeof(*t));
	t->score = 100;
	for (size_t i = 0; i < AUDIT_SECTIONS; i++)
		audit_tally_list(&a->sec[i].findings, t);
	for (size_t i = 0; i < a->naddrs; i++)
		audit_tally_list(&a->addrs[i].findings, t);
}

static const char *
audit_grade(const struct audit_tally *t)
{
	if (t->fails == 0 && t->warnings == 0)
		return "A";
	if (t->score >= 90)
		return "A-";
	if (t->score >= 80)
		return "B";
	if (t->score >= 65)
		return "C";
	if (t->score >= 50)
		return "D";
	return "F";
}

/* The fixes that matter most: failures before warnings, sections in
 * report order, each code once. */
#define AUDIT_TOP_FIXES	3

static size_t
audit_top_fixes(const struct audit *a, const struct finding *top[],
    size_t max)
{
	size_t n = 0;
	static const enum finding_status order[] = {
		FINDING_FAIL, FINDING_PERMERROR, FINDING_WARNING,
	};

	for (size_t o = 0; o < UTIL_ARRAY_LEN(order) && n < max; o++) {
		for (size_t s = 0; s <= AUDIT_SECTIONS && n < max; s++) {
			/* Section s; the MX hosts' addresses after MX. */
			size_t nl = s < AUDIT_SECTIONS ? 1 : a->naddrs;

			for (size_t l = 0; l < nl && n < max; l++) {
				const struct finding_list *fl = s <
				    AUDIT_SECTIONS ? &a->sec[s].findings :
				    &a->addrs[l].findings;

				for (size_t i = 0; i < fl->n && n < max; i++) {
					const struct finding *f = fl->v[i];
					bool seen = false;

					if (f->status != order[o] ||
					    f->remediation.n == 0)
						continue;
					for (size_t k = 0; k < n; k++)
						if (strcmp(top[k]->code,
						    f->code) == 0)
							seen = true;
					if (!seen)
						top[n++] = f;
				}
			}
		}
	}
	return n;
}

json_t *
audit_json(const struct audit *a)
{
	struct audit_tally t;
	const struct finding *top[AUDIT_TOP_FIXES];
	size_t ntop = audit_top_fixes(a, top, AUDIT_TOP_FIXES);
	json_t *root, *fixes = json_array(), *sections = json_object();

	audit_tally(a, &t);
	for (size_t i = 0; i < ntop; i++)
		json_array_append_new(fixes, json_pack("{s:s, s:s, s:s, s:s}",
		    "code", top[i]->code, "status",
		    finding_status_name(top[i]->status), "title", top[i]->title,
		    "fix", top[i]->remediation.v[0]));
	for (size_t i = 0; i < AUDIT_SECTIONS; i++) {
		const struct audit_section *s = &a->sec[i];

		if (!s->ran)
			continue;
		json_object_set_new(sections, s->id, json_pack("{s:s, s:O, "
		    "s:o}", "title", s->title, "data", s->data ? s->data :
		    json_null(), "findings", report_json_findings(&s->findings)));
	}
	root = json_pack("{s:s, s:s, s:s}", "schema", AUDIT_SCHEMA,
	    "version", "0.1.0", "domain", a->domain);
	json_object_set_new(root, "summary", json_pack("{s:s, s:b, s:i, s:I, "
	    "s:I, s:I, s:o}", "grade", audit_grade(&t), "complete",
	    t.temperrors == 0, "score", t.score, "failures",
	    (json_int_t)t.fails, "warnings", (json_int_t)t.warnings,
	    "temperrors", (json_int_t)t.temperrors, "top_fixes", fixes));
	json_object_set_new(root, "sections", sections);
	json_object_set_new(root, "exit_code",
	    json_integer(audit_exit_status(a)));
	return root;
}

void
audit_text(FILE *out, const struct audit *a, const struct report_style *st)
{
	struct audit_tally t;
	const struct finding *top[AUDIT_TOP_FIXES];
	size_t ntop = audit_top_fixes(a, top, AUDIT_TOP_FIXES);
	const char *b = st->color ? "\033[1m" : "", *r = st->color ?
	    "\033[0m" : "";

	audit_tally(a, &t);
	fprintf(out, "%smxdiag audit %s%s\n", b, a->domain, r);
	fprintf(out, "grade %s%s%s: %zu failure%s, %zu warning%s%s", b,
	    audit_grade(&t), r, t.fails, t.fails == 1 ? "" : "s", t.warnings,
	    t.warnings == 1 ? "" : "s", t.temperrors ? ", " : "");
	if (t.temperrors)
		fprintf(out, "%zu check%s could not be completed (the grade "
		    "is provisional)", t.temperrors, t.temperrors == 1 ? "" :
		    "s");
	fputc('\n', out);
	if (ntop > 0) {
		fputs("fix first:\n", out);
		for (size_t i = 0; i < ntop; i++)
			fprintf(out, "  %zu. %s (%s)\n     %s\n", i + 1,
			    top[i]->title, top[i]->code, top[i]->remediation.v[0]);
	}
	for (size_t i = 0; i < AUDIT_SECTIONS; i++) {
		const struct audit_section *s = &a->sec[i];

		if (!s->ran)
			continue;
		fprintf(out, "\n%s== %s%s\n", b, s->title, r);
		if (s->text)
			fputs(s->text, out);
		for (size_t k = 0; k < s->findings.n; k++)
			report_text_finding(out, s->findings.v[k], st);
		for (size_t k = 0; k < a->naddrs; k++) {
			if (a->addrs[k].section != i)
				continue;
			if (i == AUDIT_MX)
				fprintf(out, "\n  -- MX host %s\n",
				    a->addrs[k].host);
			else
				fputc('\n', out);
			if (a->addrs[k].text)
				fputs(a->addrs[k].text, out);
		}
	}
}

int
audit_exit_status(const struct audit *a)
{
	struct audit_tally t;

	audit_tally(a, &t);
	if (t.fails || t.warnings)
		return 1;
	return t.temperrors ? 2 : 0;
}

void
audit_free(struct audit *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < AUDIT_SECTIONS; i++) {
		finding_list_clear(&a->sec[i].findings);
		json_decref(a->sec[i].data);
		free(a->sec[i].text);
	}
	for (size_t i = 0; i < a->naddrs; i++) {
		free(a->addrs[i].host);
		free(a->addrs[i].text);
		json_decref(a->addrs[i].json);
		finding_list_clear(&a->addrs[i].findings);
	}
	mx_facts_clear(&a->mx);
	for (size_t i = 0; i < a->nspf; i++)
		spf_check_free(a->spf[i]);
	if (a->dmarc) {
		dmarc_discovery_clear(a->dmarc);
		free(a->dmarc);
	}
	if (a->bimi) {
		bimi_check_clear(a->bimi);
		free(a->bimi);
	}
	dkim_report_free(a->dkim);
	dnsbl_report_free(a->bl);
	free(a->sts.body);
	free(a->domain);
	free(a);
}
