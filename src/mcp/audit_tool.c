/* SPDX-License-Identifier: MIT */
/*
 * The audit_domain tool of `mxdiag mcp`: the whole-domain audit of
 * `mxdiag audit` (audit_start, audit_json) on a domain a model chose. The
 * audit connects to the MX hosts (SMTP, STARTTLS) and to the MTA-STS
 * policy host (HTTPS), so it runs with the audit's address gate on: only
 * addresses addr_connect_allowed() accepts, unless --allow-private.
 */
#include <arpa/inet.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "dkim/dkim.h"
#include "dnsbl/list.h"
#include "mcp/tools.h"
#include "policy/orgdomain.h"
#include "smtp/probe.h"
#include "smtp/reply.h"
#include "util/util.h"

static const char ad_description[] =
    "Audit the whole mail setup of a domain in one call: the MX records "
    "and every MX host's identity (PTR, iprev, banner, EHLO) and "
    "STARTTLS (protocol, certificate, name, expiry), SPF, DMARC, DKIM "
    "keys, BIMI, MTA-STS (the policy is fetched over HTTPS), TLS-RPT and "
    "DNS blacklists, with a grade (A to F) and the fixes that matter "
    "most. Call it first when asked whether a domain's e-mail is set up "
    "correctly or why its mail is rejected or lands in spam; use the "
    "check_* tools to dig into one part. The structuredContent is the "
    "JSON of `mxdiag audit --format json` (schema mxdiag.audit/1): "
    "summary (grade, counts, top_fixes), and sections, each with data "
    "and findings (status pass, info, warning, fail, temperror, "
    "permerror, with an explanation and remediation). temperror means "
    "a check could not finish (DNS timeout, host unreachable): retry "
    "later, it is not a verdict. ip gives the domain's sending addresses "
    "(their reverse DNS and the SPF result), helo the name they announce, "
    "selector the DKIM selectors (default: common ones); no_smtp skips "
    "every connection to the MX hosts. Only public addresses are "
    "connected to unless the server was started with --allow-private: "
    "a refused address is a finding (mx.address_refused, "
    "mtasts.policy_fetch). domain is a domain name, never a URL.";

static json_t *
ad_definition(void)
{
	return mcp_tool_definition("audit_domain", "Whole-domain mail audit",
	    ad_description,
	    "{\"type\": \"object\", \"properties\": {"
	    "\"domain\": {\"type\": \"string\", \"description\": "
	    "\"The domain (example.com), as after the @ of its addresses.\"},"
	    "\"ip\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}, "
	    "\"minItems\": 1, \"maxItems\": 16, \"description\": \"IPv4 or "
	    "IPv6 addresses the domain sends mail from.\"},"
	    "\"helo\": {\"type\": \"string\", \"description\": \"The "
	    "HELO/EHLO name the sending addresses announce.\"},"
	    "\"selector\": {\"type\": \"array\", \"items\": {\"type\": "
	    "\"string\"}, \"minItems\": 1, \"maxItems\": 64, \"description\": "
	    "\"DKIM selectors to check (the s= tag of DKIM-Signature).\"},"
	    "\"no_smtp\": {\"type\": \"boolean\", \"default\": false, "
	    "\"description\": \"DNS only: no SMTP connection to the MX "
	    "hosts.\"},"
	    "\"port\": {\"type\": \"integer\", \"minimum\": 1, "
	    "\"maximum\": 65535, \"default\": 25, \"description\": \"SMTP "
	    "port of the MX hosts (default 25).\"}},"
	    "\"required\": [\"domain\"], \"additionalProperties\": false}");
}

struct ad_call {
	struct mcp_tool_ctx	 ctx;
	mcp_tool_done		*done;
	void			*arg;
	struct dns_lookup	 lookup;
	struct audit_config	 cfg;
	struct orgdomain_psl	 psl;
	struct dnsbl_set	 lists;
	char			 domain[MCP_NAME_MAX + 1];
	char			 helo[MCP_NAME_MAX + 1];
	char			*selectors[DKIM_SELECTORS_MAX];
	size_t			 nselectors;
	struct audit		*audit;
};

static void
ad_free(struct ad_call *c)
{
	audit_free(c->audit);
	smtp_tls_ctx_free(c->cfg.id.smtp.ssl_ctx);
	smtp_tls_ctx_free(c->cfg.https_ctx);
	dnsbl_set_clear(&c->lists);
	orgdomain_psl_close(&c->psl);
	for (size_t i = 0; i < c->nselectors; i++)
		free(c->selectors[i]);
	free(c);
}

static void
ad_finish(evutil_socket_t fd, short what, void *arg)
{
	struct ad_call *c = arg;
	json_t *doc = audit_json(c->audit), *sum, *fixes;
	char *buf = NULL;
	size_t len = 0;
	FILE *m;

	(void)fd;
	(void)what;
	if ((m = open_memstream(&buf, &len)) == NULL) {
		json_decref(doc);
		c->done(mcp_tool_error("out of memory"), c->arg);
		ad_free(c);
		return;
	}
	sum = json_object_get(doc, "summary");
	fixes = json_object_get(sum, "top_fixes");
	fprintf(m, "%s: grade %s, %lld failure(s), %lld warning(s)", c->domain,
	    json_string_value(json_object_get(sum, "grade")),
	    json_integer_value(json_object_get(sum, "failures")),
	    json_integer_value(json_object_get(sum, "warnings")));
	if (json_integer_value(json_object_get(sum, "temperrors")) > 0)
		fprintf(m, ", %lld check(s) could not be completed (temporary: "
		    "retry later)", json_integer_value(json_object_get(sum,
		    "temperrors")));
	fputc('\n', m);
	for (size_t i = 0; i < json_array_size(fixes); i++) {
		json_t *f = json_array_get(fixes, i);

		fprintf(m, "- %s %s: %s. Fix: %s\n",
		    json_string_value(json_object_get(f, "status")),
		    json_string_value(json_object_get(f, "code")),
		    json_string_value(json_object_get(f, "title")),
		    json_string_value(json_object_get(f, "fix")));
	}
	c->done(mcp_tool_result(m, &buf, doc, json_array_size(fixes)),
	    c->arg);
	ad_free(c);
}

static void
ad_done(struct audit *a, void *arg)
{
	struct ad_call *c = arg;

	(void)a;
	mcp_defer(c->ctx.base, ad_finish, c);
}

/* Fill c->cfg from the arguments; returns NULL, or why they cannot be
 * used (the tool's isError). */
static const char *
ad_args(struct ad_call *c, json_t *args)
{
	json_t *ip = json_object_get(args, "ip");
	json_t *helo = json_object_get(args, "helo");
	json_t *sel = json_object_get(args, "selector");
	const char *s, *problem;

	s = mcp_arg_string(json_object_get(args, "domain"), MCP_NAME_MAX);
	if ((problem = mcp_domain_problem(s)) != NULL)
		return problem;
	snprintf(c->domain, sizeof(c->domain), "%s", s);
	c->cfg.domain = c->domain;
	if (json_array_size(ip) > AUDIT_IPS_MAX)
		return "at most 16 sending addresses (ip)";
	for (size_t i = 0; i < json_array_size(ip); i++) {
		s = mcp_arg_string(json_array_get(ip, i), INET6_ADDRSTRLEN);
		if (s == NULL)
			return "ip: each is an IPv4 or IPv6 address";
		c->cfg.ips[i].af = strchr(s, ':') ? AF_INET6 : AF_INET;
		if (inet_pton(c->cfg.ips[i].af, s, &c->cfg.ips[i].addr) != 1)
			return "ip: each is an IPv4 or IPv6 address (no port, "
			    "no URL)";
		inet_ntop(c->cfg.ips[i].af, &c->cfg.ips[i].addr,
		    c->cfg.ips[i].text, sizeof(c->cfg.ips[i].text));
		c->cfg.nips++;
	}
	if (helo != NULL) {
		s = mcp_arg_string(helo, MCP_NAME_MAX);
		if (s == NULL || !smtp_hostname_valid(s))
			return "helo is not a valid host name";
		snprintf(c->helo, sizeof(c->helo), "%s", s);
		c->cfg.helo = c->helo;
	}
	if (json_array_size(sel) > DKIM_SELECTORS_MAX)
		return "at most 64 DKIM selectors";
	for (size_t i = 0; i < json_array_size(sel); i++) {
		s = mcp_arg_string(json_array_get(sel, i), MCP_NAME_MAX);
		if (s == NULL || !dkim_selector_valid(s))
			return "selector: a selector is labels of letters, "
			    "digits, '-' and '_'";
		c->selectors[c->nselectors++] = xstrdup(s);
	}
	if (c->nselectors > 0) {
		c->cfg.selectors = (const char *const *)c->selectors;
		c->cfg.nselectors = c->nselectors;
	}
	c->cfg.id.no_smtp = json_is_true(json_object_get(args, "no_smtp"));
	return NULL;
}

static enum mcp_tools_status
ad_call(const struct mcp_tool_ctx *ctx, json_t *args, mcp_tool_done *done,
    void *arg, char *err, size_t errlen)
{
	static const struct mcp_arg spec[] = {
		{ "domain", MCP_ARG_STRING, true },
		{ "ip", MCP_ARG_STRINGS, false },
		{ "helo", MCP_ARG_STRING, false },
		{ "selector", MCP_ARG_STRINGS, false },
		{ "no_smtp", MCP_ARG_BOOL, false },
		{ "port", MCP_ARG_PORT, false },
	};
	struct ad_call *c;
	const char *problem;
	char msg[256];

	if (!mcp_args_check("audit_domain", spec, sizeof(spec) /
	    sizeof(spec[0]), args, err, errlen))
		return MCP_TOOLS_BAD_ARGS;
	c = xcalloc(1, sizeof(*c));
	c->ctx = *ctx;
	c->done = done;
	c->arg = arg;
	if ((problem = ad_args(c, args)) != NULL) {
		done(mcp_tool_error("%s", problem), arg);
		ad_free(c);
		return MCP_TOOLS_STARTED;
	}
	if (!mcp_have_dns(ctx, done, arg)) {
		ad_free(c);
		return MCP_TOOLS_STARTED;
	}
	/* As `mxdiag audit` sets it up, with the address gate on. */
	c->cfg.port = json_object_get(args, "port") ? (int)json_integer_value(
	    json_object_get(args, "port")) : 25;
	c->cfg.family = AF_UNSPEC;
	c->cfg.connect_gate = true;
	c->cfg.allow_private = ctx->allow_private;
	c->cfg.id.smtp.ehlo_name = ctx->ehlo;
	c->cfg.id.smtp.connect_timeout_ms = ctx->timeout_ms;
	c->cfg.id.smtp.greeting_timeout_ms = ctx->timeout_ms;
	c->cfg.id.smtp.command_timeout_ms = ctx->timeout_ms;
	(void)orgdomain_psl_open(&c->psl, NULL, msg, sizeof(msg));
	dnsbl_set_defaults(&c->lists);
	c->cfg.psl = &c->psl;
	c->cfg.lists = &c->lists;
	if (!c->cfg.id.no_smtp && (c->cfg.id.smtp.ssl_ctx =
	    smtp_tls_ctx_new(ctx->ca_file, msg, sizeof(msg))) == NULL) {
		done(mcp_tool_error("TLS set-up failed: %s", msg), arg);
		ad_free(c);
		return MCP_TOOLS_STARTED;
	}
	c->cfg.https_port = 443;
	if ((c->cfg.https_ctx = smtp_tls_ctx_new(ctx->ca_file, msg,
	    sizeof(msg))) == NULL) {
		done(mcp_tool_error("TLS set-up failed: %s", msg), arg);
		ad_free(c);
		return MCP_TOOLS_STARTED;
	}
	c->cfg.base = ctx->base;
	c->cfg.res = ctx->res;
	dns_lookup_from_resolver(&c->lookup, ctx->res);
	c->cfg.lookup = &c->lookup;
	c->audit = audit_start(&c->cfg, ad_done, c);
	return MCP_TOOLS_STARTED;
}

const struct mcp_tool mcp_tool_audit_domain = {
	"audit_domain", ad_definition, ad_call };
