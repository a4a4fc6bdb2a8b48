/* SPDX-License-Identifier: MIT */
/*
 * The judgement of one address's identity facts: iprev (RFC 8601 §3), the
 * alignment of banner and EHLO names with the PTR name, generic names, the
 * reverse zone's owner, and the SMTP session's health. Pure: facts in,
 * findings out. The words of each finding come from advice.c.
 */
#include "check/identity.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check/advice.h"
#include "util/util.h"

#define GREETING_SLOW_MS	2000

/* Whether fd gets evidence and advice: always, except in a brief
 * judgement for a finding that is no problem (nobody will read it). */
static bool
judge_detail(const struct advice_ctx *ctx, const struct finding *fd)
{
	return !ctx->brief || finding_status_is_problem(fd->status);
}

/* One line describing a lookup's outcome, for evidence. */
static void
judge_evidence_lookup(const struct advice_ctx *ctx, struct finding *fd,
    const char *label, const struct dns_answer *ans)
{
	char addrs[512];

	if (!judge_detail(ctx, fd))
		return;

	switch (ans->outcome) {
	case DNS_OUT_ANSWER:
		if (ans->qtype == DNS_T_PTR) {
			char names[1024];
			size_t off = 0;

			names[0] = '\0';
			for (size_t i = 0; i < ans->nrr && off < sizeof(names); i++)
				off += (size_t)snprintf(names + off,
				    sizeof(names) - off, "%s%s", off ? ", " : "",
				    ans->rr[i].u.target);
			strvec_pushf(&fd->evidence, "%s: PTR %s (TTL %u)",
			    label, names, ans->nrr ? ans->rr[0].ttl : 0);
		} else {
			dns_answer_address_list(ans, addrs, sizeof(addrs));
			strvec_pushf(&fd->evidence, "%s: %s %s (TTL %u)", label,
			    ans->qtype == DNS_T_AAAA ? "AAAA" : "A", addrs,
			    ans->nrr ? ans->rr[0].ttl : 0);
		}
		break;
	case DNS_OUT_NXDOMAIN:
	case DNS_OUT_NODATA:
		if (ans->has_soa)
			strvec_pushf(&fd->evidence, "%s: %s (zone %s, SOA %s %s, "
			    "negative TTL %u)", label,
			    dns_outcome_name(ans->outcome), ans->soa_zone,
			    ans->soa.mname, ans->soa.rname,
			    ans->soa.minimum < ans->soa_ttl ?
			    ans->soa.minimum : ans->soa_ttl);
		else
			strvec_pushf(&fd->evidence, "%s: %s (no SOA in the "
			    "answer)", label, dns_outcome_name(ans->outcome));
		break;
	default:
		strvec_pushf(&fd->evidence, "%s: %s%s%s%s%s", label,
		    dns_outcome_name(ans->outcome), ans->error[0] ? " (" : "",
		    ans->error, ans->error[0] ? ")" : "",
		    ans->server[0] ? "" : "");
		break;
	}
	if (ans->server[0])
		strvec_pushf(&fd->evidence, "%s: answered by %s in %ld ms",
		    label, ans->server, ans->elapsed_ms);
}

static bool
judge_zone_undelegated(const struct dns_answer *ans)
{
	static const char *const parents[] = {
		".", "", "arpa", "in-addr.arpa", "ip6.arpa",
	};

	if (!ans->has_soa)
		return false;
	for (size_t i = 0; i < UTIL_ARRAY_LEN(parents); i++)
		if (strcasecmp(ans->soa_zone, parents[i]) == 0)
			return true;
	return false;
}

/* Reverse DNS: PTR presence, several names, CNAMEs, the zone's owner. */
static void
judge_ptr(const struct identity_facts *f, struct identity_verdict *v,
    const struct advice_ctx *ctx)
{
	const struct dns_answer *ans = &f->ptr;
	struct finding *fd;
	char lbl[128];

	snprintf(lbl, sizeof(lbl), "PTR %s", f->revname);
	switch (ans->outcome) {
	case DNS_OUT_ANSWER:
		if (f->nfwd > 1 || f->ptr_names_truncated) {
			fd = finding_add(&v->findings, "ptr.multiple",
			    FINDING_WARNING, "%zu PTR records for %s",
			    f->nfwd, f->address);
		} else {
			fd = finding_add(&v->findings, "ptr.present",
			    FINDING_PASS, "PTR: %s -> %s", f->address,
			    f->fwd[0].name);
		}
		judge_evidence_lookup(ctx, fd, lbl, ans);
		advice_apply(fd, ctx);
		if (f->ptr_chain.n > 0) {
			fd = finding_add(&v->findings, "ptr.cname", FINDING_INFO,
			    "PTR reached through a CNAME (RFC 2317 classless "
			    "delegation)");
			for (size_t i = 0; i < f->ptr_chain.n; i++)
				strvec_pushf(&fd->evidence, "CNAME hop %zu: %s",
				    i + 1, f->ptr_chain.v[i]);
			advice_apply(fd, ctx);
		}
		for (size_t i = 0; i < f->nfwd; i++) {
			if (smtp_hostname_valid(f->fwd[i].name))
				continue;
			fd = finding_add(&v->findings, "ptr.invalid_name",
			    FINDING_FAIL, "PTR name \"%s\" is not a valid "
			    "hostname", f->fwd[i].name);
			advice_apply(fd, ctx);
		}
		if (f->nfwd > 0 && generic_classify(f->fwd[0].name, f->af,
		    &f->addr, &v->generic)) {
			fd = finding_add(&v->findings, "ptr.generic",
			    FINDING_WARNING, "PTR name %s looks generic",
			    f->fwd[0].name);
			strvec_pushf(&fd->evidence, "why: %s (%s)",
			    v->generic.reason, v->generic.detail);
			if (v->generic.provider)
				strvec_pushf(&fd->evidence, "provider: %s",
				    v->generic.provider->name);
			advice_apply(fd, ctx);
		}
		break;
	case DNS_OUT_NXDOMAIN:
	case DNS_OUT_NODATA:
		fd = finding_add(&v->findings, "ptr.none", FINDING_FAIL,
		    "No PTR record for %s", f->address);
		judge_evidence_lookup(ctx, fd, lbl, ans);
		for (size_t i = 0; i < f->ptr_chain.n; i++)
			strvec_pushf(&fd->evidence, "CNAME hop %zu: %s", i + 1,
			    f->ptr_chain.v[i]);
		advice_apply(fd, ctx);
		if (!ans->has_soa) {
			fd = finding_add(&v->findings, "rdns.zone_unknown",
			    FINDING_INFO, "The negative answer named no "
			    "reverse zone");
			advice_apply(fd, ctx);
		} else if (judge_zone_undelegated(ans) ||
		    (v->zone_provider && strncmp(v->zone_provider->id, "rir-",
		    4) == 0)) {
			fd = finding_add(&v->findings, "rdns.undelegated",
			    FINDING_FAIL, "The reverse zone for %s looks "
			    "undelegated (answered by %s)", f->address,
			    strcmp(ans->soa_zone, ".") == 0 ? "the root zone" :
			    ans->soa_zone);
			strvec_pushf(&fd->evidence, "SOA owner: %s",
			    ans->soa_zone);
			strvec_pushf(&fd->evidence, "SOA mname: %s, rname: %s",
			    ans->soa.mname, ans->soa.rname);
			advice_apply(fd, ctx);
		} else {
			fd = finding_add(&v->findings, "rdns.zone_owner",
			    FINDING_INFO, "Reverse zone %s is run by %s%s%s%s",
			    ans->soa_zone, ans->soa.mname,
			    v->zone_provider ? " (" : "",
			    v->zone_provider ? v->zone_provider->name : "",
			    v->zone_provider ? ")" : "");
			strvec_pushf(&fd->evidence, "SOA owner: %s",
			    ans->soa_zone);
			strvec_pushf(&fd->evidence, "SOA mname: %s, rname: %s",
			    ans->soa.mname, ans->soa.rname);
			advice_apply(fd, ctx);
		}
		break;
	default: {
		/* wire.c decides what is temporary; nothing here second-
		 * guesses it, so temporary stays temporary. */
		bool temp = dns_outcome_is_temporary(ans->outcome);

		fd = finding_add(&v->findings, temp ? "ptr.temperror" :
		    "ptr.permerror", temp ? FINDING_TEMPERROR :
		    FINDING_PERMERROR, "The PTR lookup for %s failed %s (%s)",
		    f->address, temp ? "temporarily" : "permanently",
		    dns_outcome_name(ans->outcome));
		judge_evidence_lookup(ctx, fd, lbl, ans);
		advice_apply(fd, ctx);
		break;
	}
	}
}

/* RFC 8601 §3 iprev: pass when any PTR name resolves back. */
static void
judge_iprev(const struct identity_facts *f, struct identity_verdict *v,
    const struct advice_ctx *ctx)
{
	bool temp = false, perm = false;
	const struct identity_forward *pass = NULL;
	struct finding *fd;

	switch (f->ptr.outcome) {
	case DNS_OUT_ANSWER:
		break;
	case DNS_OUT_NXDOMAIN:
	case DNS_OUT_NODATA:
		v->iprev = IPREV_FAIL;
		return;		/* ptr.none says it all */
	default:
		v->iprev = dns_outcome_is_temporary(f->ptr.outcome) ?
		    IPREV_TEMPERROR : IPREV_PERMERROR;
		return;
	}
	for (size_t i = 0; i < f->nfwd; i++) {
		const struct identity_forward *fw = &f->fwd[i];

		if (fw->confirms && pass == NULL)
			pass = fw;
		if (dns_outcome_is_temporary(fw->ans.outcome))
			temp = true;
		else if (fw->ans.outcome != DNS_OUT_ANSWER &&
		    fw->ans.outcome != DNS_OUT_NODATA &&
		    fw->ans.outcome != DNS_OUT_NXDOMAIN)
			perm = true;
	}
	if (pass) {
		v->iprev = IPREV_PASS;
		fd = finding_add(&v->findings, "iprev.pass", FINDING_PASS,
		    "Forward-confirmed: %s -> %s -> %s", f->address, pass->name,
		    f->address);
	} else if (temp) {
		v->iprev = IPREV_TEMPERROR;
		fd = finding_add(&v->findings, "iprev.temperror",
		    FINDING_TEMPERROR, "Forward confirmation of %s could not "
		    "be completed (DNS failing temporarily)", f->address);
	} else if (perm) {
		v->iprev = IPREV_PERMERROR;
		fd = finding_add(&v->findings, "iprev.permerror",
		    FINDING_PERMERROR, "Forward confirmation of %s failed "
		    "permanently (broken DNS answers)", f->address);
	} else {
		v->iprev = IPREV_FAIL;
		fd = finding_add(&v->findings, "iprev.fail", FINDING_FAIL,
		    "Forward confirmation failed: %s does not resolve back to "
		    "%s", f->nfwd == 1 ? f->fwd[0].name : "no PTR name",
		    f->address);
	}
	for (size_t i = 0; i < f->nfwd && judge_detail(ctx, fd); i++) {
		char lbl[DNS_NAME_BUF + 16];

		snprintf(lbl, sizeof(lbl), "%s %s", f->af == AF_INET6 ?
		    "AAAA" : "A", f->fwd[i].name);
		judge_evidence_lookup(ctx, fd, lbl, &f->fwd[i].ans);
		if (f->nfwd > 1)
			strvec_pushf(&fd->evidence, "%s: %s", f->fwd[i].name,
			    f->fwd[i].confirms ? "confirms" : "does not confirm");
	}
	advice_apply(fd, ctx);
}

static void
judge_smtp(const struct identity_facts *f, struct identity_verdict *v,
    const struct advice_ctx *ctx)
{
	const struct smtp_probe_result *s = &f->smtp;
	struct finding *fd = NULL;
	char *joined;

	if (f->smtp_skipped) {
		fd = finding_add(&v->findings, "smtp.skipped", FINDING_SKIPPED,
		    "SMTP not checked (DNS checks only)");
		advice_apply(fd, ctx);
		return;
	}
	switch (s->status) {
	case SMTP_PROBE_OK:
		break;
	case SMTP_PROBE_REFUSED:
	case SMTP_PROBE_UNREACHABLE:
		fd = finding_add(&v->findings, "smtp.connect",
		    FINDING_TEMPERROR, "Cannot connect to %s port %d",
		    f->address, f->port);
		break;
	case SMTP_PROBE_TIMEOUT:
		fd = finding_add(&v->findings, s->phase == SMTP_PHASE_CONNECT ?
		    "smtp.connect" : s->phase == SMTP_PHASE_GREETING ?
		    "smtp.greeting_timeout" : "smtp.timeout", FINDING_TEMPERROR,
		    s->phase == SMTP_PHASE_CONNECT ?
		    "Cannot connect to %s port %d (timeout)" :
		    s->phase == SMTP_PHASE_GREETING ?
		    "%s port %d accepted the connection but sent no greeting" :
		    "%s port %d stopped answering", f->address, f->port);
		break;
	case SMTP_PROBE_CLOSED:
		fd = finding_add(&v->findings, "smtp.closed", FINDING_TEMPERROR,
		    "%s port %d closed the connection during the %s",
		    f->address, f->port, smtp_probe_phase_name(s->phase));
		break;
	case SMTP_PROBE_PROTOCOL:
		fd = finding_add(&v->findings, "smtp.protocol",
		    FINDING_PERMERROR, "%s port %d sent a malformed SMTP reply",
		    f->address, f->port);
		break;
	case SMTP_PROBE_REJECTED:
		fd = finding_add(&v->findings, "smtp.rejected", FINDING_WARNING,
		    "%s port %d refuses SMTP service (greeting %d)", f->address,
		    f->port, s->greeting.code);
		break;
	case SMTP_PROBE_BUSY:
		fd = finding_add(&v->findings, "smtp.busy", FINDING_TEMPERROR,
		    "%s port %d is not accepting mail now (%d)", f->address,
		    f->port, s->has_ehlo ? s->ehlo.code : s->greeting.code);
		break;
	case SMTP_PROBE_EHLO_FAILED:
		fd = finding_add(&v->findings, "smtp.ehlo_failed",
		    FINDING_WARNING, "%s port %d refused both EHLO and HELO",
		    f->address, f->port);
		break;
	}
	if (fd != NULL) {
		strvec_pushf(&fd->evidence, "detail: %s", s->error);
		if (s->has_greeting) {
			joined = smtp_reply_join(&s->greeting);
			strvec_pushf(&fd->evidence, "greeting: %s", joined);
			free(joined);
		}
		advice_apply(fd, ctx);
	}
	if (!s->has_greeting)
		return;

	if (s->greeting_ms >= GREETING_SLOW_MS) {
		fd = finding_add(&v->findings, "smtp.greeting_delay",
		    FINDING_INFO, "The greeting took %.1f s",
		    (double)s->greeting_ms / 1000.0);
		strvec_pushf(&fd->evidence, "connect to complete greeting: "
		    "%ld ms", s->greeting_ms);
		advice_apply(fd, ctx);
	}
	if (s->early_data) {
		fd = finding_add(&v->findings, "smtp.unsolicited",
		    FINDING_WARNING, "The server sent data nobody asked for");
		advice_apply(fd, ctx);
	}
	if (s->greeting.bare_lf || (s->has_ehlo && s->ehlo.bare_lf)) {
		fd = finding_add(&v->findings, "smtp.bare_lf", FINDING_WARNING,
		    "The server ends reply lines with a bare LF");
		advice_apply(fd, ctx);
	}
	if (s->used_helo) {
		fd = finding_add(&v->findings, "smtp.helo_fallback",
		    FINDING_INFO, "EHLO refused (%d); HELO accepted",
		    s->ehlo_code);
		advice_apply(fd, ctx);
	}
	if (s->has_ehlo && !s->used_helo) {
		fd = finding_add(&v->findings, "smtp.starttls",
		    s->caps.starttls ? FINDING_PASS : FINDING_WARNING,
		    s->caps.starttls ? "STARTTLS offered" :
		    "STARTTLS not offered");
		joined = smtp_reply_join(&s->ehlo);
		strvec_pushf(&fd->evidence, "EHLO reply: %s", joined);
		free(joined);
		advice_apply(fd, ctx);
	}
}

#define TLS_EXPIRY_WARN_DAYS	14

/* STARTTLS, when the probe was asked to try it (RFC 3207). */
static void
judge_tls(const struct identity_facts *f, struct identity_verdict *v,
    const struct advice_ctx *ctx)
{
	const struct smtp_tls_result *t = &f->smtp.tls;
	struct finding *fd;

	if (!t->attempted)
		return;
	if (t->starttls_code != 0 && t->starttls_code != 220) {
		fd = finding_add(&v->findings, "tls.starttls_refused",
		    FINDING_FAIL, "STARTTLS is offered but refused (%d)",
		    t->starttls_code);
		strvec_pushf(&fd->evidence, "detail: %s", t->error);
		advice_apply(fd, ctx);
		return;
	}
	if (!t->handshake_ok) {
		bool temp = t->starttls_code == 0 || strstr(t->error,
		    "no answer") != NULL;

		fd = finding_add(&v->findings, temp ? "tls.temperror" :
		    "tls.handshake_failed", temp ? FINDING_TEMPERROR :
		    FINDING_FAIL, temp ? "STARTTLS could not be completed" :
		    "The TLS handshake failed");
		strvec_pushf(&fd->evidence, "detail: %s", t->error);
		advice_apply(fd, ctx);
		return;
	}
	fd = finding_add(&v->findings, "tls.protocol",
	    (strcmp(t->protocol, "TLSv1") == 0 ||
	    strcmp(t->protocol, "TLSv1.1") == 0) ? FINDING_WARNING :
	    FINDING_PASS, "%s, %s (%d bits)", t->protocol, t->cipher,
	    t->cipher_bits);
	advice_apply(fd, ctx);
	if (!t->has_cert) {
		fd = finding_add(&v->findings, "tls.no_certificate",
		    FINDING_FAIL, "The server sent no certificate");
		advice_apply(fd, ctx);
		return;
	}
	fd = finding_add(&v->findings, "tls.chain",
	    t->chain_ok ? FINDING_PASS : FINDING_WARNING, t->chain_ok ?
	    "Certificate chain verified" : "Certificate not trusted: %s",
	    t->verify_error);
	strvec_pushf(&fd->evidence, "subject: %s", t->subject);
	strvec_pushf(&fd->evidence, "issuer: %s", t->issuer);
	advice_apply(fd, ctx);
	if (t->verified_name[0] != '\0') {
		fd = finding_add(&v->findings, "tls.name",
		    t->name_ok ? FINDING_PASS : FINDING_WARNING, t->name_ok ?
		    "Certificate matches %s" :
		    "Certificate does not match %s", t->verified_name);
		for (size_t i = 0; i < t->names.n; i++)
			strvec_pushf(&fd->evidence, "subjectAltName: %s",
			    t->names.v[i]);
		strvec_pushf(&fd->evidence, "subject: %s", t->subject);
		advice_apply(fd, ctx);
	}
	if (t->days_left < 0 || t->not_yet_valid)
		fd = finding_add(&v->findings, "tls.expiry", FINDING_FAIL,
		    t->not_yet_valid ? "Certificate not valid yet" :
		    "Certificate expired %ld days ago", -t->days_left);
	else
		fd = finding_add(&v->findings, "tls.expiry",
		    t->days_left < TLS_EXPIRY_WARN_DAYS ? FINDING_WARNING :
		    FINDING_PASS, "Certificate valid for %ld more days",
		    t->days_left);
	advice_apply(fd, ctx);
	if (!t->has_ehlo) {
		fd = finding_add(&v->findings, "tls.ehlo_failed",
		    FINDING_WARNING, "EHLO inside TLS failed");
		strvec_pushf(&fd->evidence, "detail: %s", t->error);
		advice_apply(fd, ctx);
	} else if (t->caps.starttls) {
		fd = finding_add(&v->findings, "tls.starttls_again",
		    FINDING_WARNING, "STARTTLS still offered inside TLS");
		advice_apply(fd, ctx);
	}
}

/* Does name equal one of the PTR names? */
static bool
judge_name_in_ptr(const struct identity_facts *f, const char *name)
{
	for (size_t i = 0; i < f->nfwd; i++)
		if (util_name_eq(f->fwd[i].name, name))
			return true;
	return false;
}

static bool
judge_is_localhost(const char *name)
{
	return strcasecmp(name, "localhost") == 0 ||
	    strncasecmp(name, "localhost.", 10) == 0 ||
	    strcasecmp(name, "localhost.localdomain") == 0;
}

/*
 * One announced name (banner or EHLO) against the PTR name and against
 * its own forward records. Returns true when the name is aligned.
 */
static bool
judge_announced(const struct identity_facts *f, struct identity_verdict *v,
    const struct advice_ctx *ctx, const char *face, const char *name,
    const struct identity_forward *fw, const char *raw)
{
	struct finding *fd;
	char code[64];
	bool aligned = true;

	if (name[0] == '\0') {
		snprintf(code, sizeof(code), "%s.no_hostname", face);
		fd = finding_add(&v->findings, code, FINDING_INFO,
		    "The %s names no host", strcmp(face, "banner") == 0 ?
		    "greeting" : "EHLO reply");
		strvec_pushf(&fd->evidence, "%s: %s", face, raw);
		advice_apply(fd, ctx);
		/* A greeting without a name is allowed; an EHLO reply
		 * without one leaves the outbound face unknown. */
		return strcmp(face, "banner") == 0;
	}
	if (judge_is_localhost(name) || (strchr(name, '.') == NULL &&
	    name[0] != '[')) {
		snprintf(code, sizeof(code), "%s.not_fqdn", face);
		fd = finding_add(&v->findings, code, FINDING_FAIL,
		    "The %s name \"%s\" is not a public fully-qualified name",
		    face, name);
		strvec_pushf(&fd->evidence, "%s: %s", face, raw);
		advice_apply(fd, ctx);
		aligned = false;
	}
	if (f->nfwd > 0) {
		bool match = judge_name_in_ptr(f, name);

		snprintf(code, sizeof(code), "%s.%s", face,
		    match ? "ptr_match" : "ptr_mismatch");
		fd = finding_add(&v->findings, code,
		    match ? FINDING_PASS : FINDING_WARNING,
		    match ? "%s name %s matches the PTR name" :
		    "%s name %s does not match the PTR name %s",
		    strcmp(face, "banner") == 0 ? "Banner" : "EHLO", name,
		    f->fwd[0].name);
		strvec_pushf(&fd->evidence, "%s: %s", face, raw);
		for (size_t i = 0; i < f->nfwd; i++)
			strvec_pushf(&fd->evidence, "PTR: %s", f->fwd[i].name);
		advice_apply(fd, ctx);
		aligned = aligned && match;
	} else {
		aligned = false;
	}
	if (fw != NULL && fw->done) {
		const char *st;
		enum finding_status fs;

		if (fw->confirms) {
			st = "forward_match";
			fs = FINDING_PASS;
		} else if (dns_outcome_is_temporary(fw->ans.outcome)) {
			st = "forward_temperror";
			fs = FINDING_TEMPERROR;
		} else {
			st = "forward_mismatch";
			fs = FINDING_WARNING;
		}
		snprintf(code, sizeof(code), "%s.%s", face, st);
		fd = finding_add(&v->findings, code, fs, fw->confirms ?
		    "%s resolves to %s" : fs == FINDING_TEMPERROR ?
		    "%s could not be resolved to check it against %s" :
		    "%s does not resolve to %s", name, f->address);
		{
			char lbl[DNS_NAME_BUF + 16];

			snprintf(lbl, sizeof(lbl), "%s %s", f->af == AF_INET6 ?
			    "AAAA" : "A", name);
			judge_evidence_lookup(ctx, fd, lbl, &fw->ans);
		}
		advice_apply(fd, ctx);
		aligned = aligned && fw->confirms;
	}
	return aligned;
}

static void
judge_run(const struct identity_facts *f, struct identity_verdict *v,
    bool brief)
{
	const struct smtp_probe_result *s = &f->smtp;
	struct advice_ctx ctx;
	bool aligned;

	memset(v, 0, sizeof(*v));
	memset(&ctx, 0, sizeof(ctx));
	ctx.brief = brief;
	ctx.f = f;
	ctx.v = v;
	ctx.ptrname = f->nfwd > 0 ? f->fwd[0].name : NULL;
	ctx.mta = s->mta;
	/* The reverse zone: a negative answer carries its SOA; with a PTR,
	 * the SOA query for the reverse name tells. */
	if (f->ptr.has_soa) {
		v->rzone_name = f->ptr.soa_zone;
		v->rzone_soa = &f->ptr.soa;
	} else if (f->rzone_done && f->rzone.has_soa) {
		v->rzone_name = f->rzone.soa_zone;
		v->rzone_soa = &f->rzone.soa;
	} else if (f->rzone_done && f->rzone.nrr > 0 &&
	    f->rzone.rr[0].type == DNS_T_SOA) {
		v->rzone_name = f->rzone.rr[0].name;
		v->rzone_soa = &f->rzone.rr[0].u.soa;
	}
	if (v->rzone_soa != NULL)
		v->zone_provider = provider_by_soa(v->rzone_soa->mname,
		    v->rzone_soa->rname);
	/* The name everything should converge on: the PTR name when it
	 * forward-confirms, else what the server calls itself. */
	ctx.want_name = ctx.ptrname;
	for (size_t i = 0; i < f->nfwd; i++)
		if (f->fwd[i].confirms) {
			ctx.want_name = f->fwd[i].name;
			break;
		}
	if (ctx.want_name == NULL && f->expected_name[0])
		ctx.want_name = f->expected_name;
	if (ctx.want_name == NULL && s->ehlo_hostname[0])
		ctx.want_name = s->ehlo_hostname;
	if (ctx.want_name == NULL && s->banner_hostname[0])
		ctx.want_name = s->banner_hostname;

	judge_ptr(f, v, &ctx);
	judge_iprev(f, v, &ctx);
	aligned = v->iprev == IPREV_PASS;
	judge_smtp(f, v, &ctx);
	judge_tls(f, v, &ctx);
	if (f->smtp_skipped) {
		/* DNS-only: alignment is the DNS side's. */
	} else if (s->has_greeting) {
		char *raw = smtp_reply_join(&s->greeting);
		const struct identity_forward *bfw = &f->banner_fwd;

		/* One forward verdict per name: when the EHLO reply names the
		 * same host, it carries the verdict (it is the face receivers
		 * check), and the banner's alignment still requires it. */
		bool same = s->has_ehlo && util_name_eq(s->banner_hostname,
		    s->ehlo_hostname);

		aligned = judge_announced(f, v, &ctx, "banner",
		    s->banner_hostname, bfw->done && !same ? bfw : NULL, raw) &&
		    aligned;
		free(raw);
		if (s->has_ehlo) {
			const struct identity_forward *efw;

			raw = smtp_reply_join(&s->ehlo);
			/* The EHLO name was looked up only if it differs. */
			efw = f->ehlo_fwd.done ? &f->ehlo_fwd :
			    (util_name_eq(s->ehlo_hostname, s->banner_hostname)
			    && bfw->done) ? bfw : NULL;
			aligned = judge_announced(f, v, &ctx, "ehlo",
			    s->ehlo_hostname, efw, raw) && aligned;
			free(raw);
			if (s->banner_hostname[0] && s->ehlo_hostname[0] &&
			    !util_name_eq(s->banner_hostname,
			    s->ehlo_hostname)) {
				struct finding *fd = finding_add(&v->findings,
				    "smtp.names_differ", FINDING_INFO,
				    "Banner says %s, EHLO says %s",
				    s->banner_hostname, s->ehlo_hostname);
				advice_apply(fd, &ctx);
			}
		} else {
			aligned = false;
		}
	} else {
		aligned = false;
	}
	v->aligned = aligned;
	if (aligned) {
		struct finding *fd = finding_add(&v->findings,
		    "identity.aligned", FINDING_PASS, f->smtp_skipped ?
		    "DNS identity holds: %s <-> %s (SMTP not checked)" :
		    "Identity aligned: %s, PTR, A/AAAA, banner and EHLO agree "
		    "on %s", f->address, ctx.want_name ? ctx.want_name : "");
		advice_apply(fd, &ctx);
	}
}

void
identity_judge(const struct identity_facts *f, struct identity_verdict *v)
{
	judge_run(f, v, false);
}

void
identity_judge_brief(const struct identity_facts *f,
    struct identity_verdict *v)
{
	judge_run(f, v, true);
}

void
identity_verdict_clear(struct identity_verdict *v)
{
	finding_list_clear(&v->findings);
}
