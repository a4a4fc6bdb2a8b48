/* SPDX-License-Identifier: MIT */
/*
 * The tools of `mxdiag mcp`. check_identity runs the identity check of
 * `mxdiag check` (identity_start, identity_judge, report_json_address) on
 * a host name or an IP address chosen by a model, so every address is
 * vetted with addr_connect_allowed() before anything connects to it, and
 * the check then goes to exactly that address.
 */
#include "mcp/tools.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/identity.h"
#include "dns/hostaddr.h"
#include "dns/resolver.h"
#include "net/addrclass.h"
#include "report/report.h"
#include "smtp/reply.h"
#include "util/util.h"

#define CI_ADDRS_MAX	16	/* addresses of one host name checked */

json_t *
mcp_tool_error(const char *fmt, ...)
{
	va_list ap;
	char *text;
	json_t *r;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	r = json_pack("{s:[{s:s, s:s}], s:b}", "content", "type", "text",
	    "text", text, "isError", 1);
	free(text);
	return r;
}

/* ---- check_identity ---- */

static const char ci_description[] =
    "Check the identity of a mail server the way receiving mail servers "
    "judge it: reverse DNS (PTR) of the IP address, forward confirmation "
    "of the PTR name (iprev, RFC 8601), the SMTP greeting banner and the "
    "EHLO name, and whether they all agree (\"aligned\"). Call it when "
    "mail from or to a server is rejected or lands in spam, when setting "
    "up a new outgoing server, or to see which name a server announces. "
    "target is an IP address or a host name (every A and AAAA address is "
    "checked), never a URL. The result's structuredContent is the JSON of "
    "`mxdiag check --format json` for each address: \"aligned\", "
    "\"iprev\", and \"findings\" with a status (pass, info, warning, fail, "
    "temperror, permerror), an explanation and remediation steps. "
    "temperror means the check could not finish (DNS timeout, server "
    "unreachable): retry later, it is not a verdict. no_smtp skips the "
    "SMTP connection (DNS only). Private and loopback addresses are "
    "refused unless the server was started with --allow-private.";

static json_t *
ci_definition(void)
{
	return json_pack("{s:s, s:s, s:s, s:{s:s, s:{s:{s:s, s:s}, "
	    "s:{s:s, s:i, s:i, s:i, s:s}, s:{s:s, s:b, s:s}, s:{s:s, s:s}}, "
	    "s:[s], s:b}, s:{s:b, s:b, s:b, s:b}}",
	    "name", "check_identity",
	    "title", "Mail server identity (PTR, iprev, banner, EHLO)",
	    "description", ci_description,
	    "inputSchema", "type", "object", "properties",
	    "target", "type", "string", "description",
	    "An IPv4 or IPv6 address, or a host name such as "
	    "mail.example.com. Not a URL, no port.",
	    "port", "type", "integer", "minimum", 1, "maximum", 65535,
	    "default", 25, "description", "SMTP port (default 25).",
	    "no_smtp", "type", "boolean", "default", 0, "description",
	    "DNS checks only: do not connect to the server.",
	    "expected_name", "type", "string", "description",
	    "The host name the server should carry (its HELO name), when "
	    "nothing else says.",
	    "required", "target", "additionalProperties", 0,
	    "annotations", "readOnlyHint", 1, "destructiveHint", 0,
	    "idempotentHint", 1, "openWorldHint", 1);
}

struct ci_addr {
	struct ci_call	*call;
	int		 af;
	union {
		struct in_addr	v4;
		struct in6_addr	v6;
	} addr;
	json_t		*json;
	char		*summary;	/* text lines */
};

struct ci_call {
	struct mcp_tool_ctx	 ctx;
	mcp_tool_done		*done;
	void			*arg;
	char			 target[256];
	int			 port;
	char			 expected[256];
	struct identity_options	 id;
	struct dns_lookup	 lookup;
	int			 pending;	/* lookups and checks running */
	struct dns_answer	 a, aaaa;
	bool			 have_a, have_aaaa;
	size_t			 naddrs;
	struct ci_addr		 addrs[CI_ADDRS_MAX];
	struct strvec		 refused;	/* addresses not checked */
};

static void
ci_free(struct ci_call *c)
{
	for (size_t i = 0; i < c->naddrs; i++) {
		json_decref(c->addrs[i].json);
		free(c->addrs[i].summary);
	}
	dns_answer_clear(&c->a);
	dns_answer_clear(&c->aaaa);
	strvec_clear(&c->refused);
	free(c);
}

static void
ci_finish(struct ci_call *c, json_t *result)
{
	c->done(result, c->arg);
	ci_free(c);
}

/* The 2-4 line summary of one address, for the model to read first. */
static char *
ci_summary(const struct identity_facts *f, const struct identity_verdict *v)
{
	char *buf = NULL;
	size_t len = 0, nprob = 0;
	FILE *m = open_memstream(&buf, &len);
	enum finding_status worst = finding_list_worst(&v->findings);

	if (m == NULL)
		return xstrdup("");
	fprintf(m, "%s port %d: %s (worst finding: %s)\n", f->address, f->port,
	    v->aligned ? "aligned" : "not aligned", finding_status_name(worst));
	fputs("PTR: ", m);
	if (f->ptr.outcome != DNS_OUT_ANSWER)
		fprintf(m, "none (%s)", dns_outcome_name(f->ptr.outcome));
	for (size_t i = 0, n = 0; i < f->ptr.nrr; i++)
		if (f->ptr.rr[i].type == DNS_T_PTR)
			fprintf(m, "%s%s", n++ ? ", " : "", f->ptr.rr[i].u.target);
	fprintf(m, "; iprev: %s\n", iprev_result_name(v->iprev));
	for (size_t i = 0; i < v->findings.n; i++) {
		const struct finding *fd = v->findings.v[i];

		if (!finding_status_is_problem(fd->status))
			continue;
		if (nprob++ == MCP_PROBLEMS_MAX) {
			fputs("; ...", m);
			break;
		}
		fprintf(m, "%s%s %s: %s", nprob == 1 ? "problems: " : "; ",
		    finding_status_name(fd->status), fd->code, fd->title);
	}
	fputs(nprob ? "\n" : "no problems found\n", m);
	fclose(m);
	return buf;
}

static void
ci_result(struct ci_call *c)
{
	json_t *sc, *content;
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (m == NULL) {
		ci_finish(c, mcp_tool_error("out of memory"));
		return;
	}
	for (size_t i = 0; i < c->naddrs; i++)
		fputs(c->addrs[i].summary, m);
	for (size_t i = 0; i < c->refused.n; i++)
		fprintf(m, "not checked: %s\n", c->refused.v[i]);
	fclose(m);
	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (c->naddrs == 1) {
		sc = json_incref(c->addrs[0].json);
	} else {
		sc = json_array();
		for (size_t i = 0; i < c->naddrs; i++)
			json_array_append(sc, c->addrs[i].json);
	}
	content = json_pack("[{s:s, s:s}]", "type", "text", "text", buf);
	free(buf);
	ci_finish(c, json_pack("{s:o, s:o, s:b}", "content", content,
	    "structuredContent", sc, "isError", 0));
}

static void
ci_addr_done(struct identity_facts *f, void *arg)
{
	struct ci_addr *a = arg;
	struct ci_call *c = a->call;
	struct identity_verdict v;

	identity_judge(f, &v);
	a->json = report_json_address(f, &v);
	a->summary = ci_summary(f, &v);
	identity_verdict_clear(&v);
	if (--c->pending == 0)
		ci_result(c);
}

/*
 * Vet one address and queue it. Returns false when it is refused (the
 * reason goes to c->refused).
 */
static bool
ci_add_addr(struct ci_call *c, int af, const void *addr)
{
	struct ci_addr *a;
	char text[INET6_ADDRSTRLEN];

	inet_ntop(af, addr, text, sizeof(text));
	if (!addr_connect_allowed(af, addr, c->ctx.allow_private)) {
		strvec_pushf(&c->refused, "%s is %s; refused (mxdiag mcp "
		    "checks only public addresses unless started with "
		    "--allow-private)", text,
		    addr_class_reason(addr_classify(af, addr)));
		return false;
	}
	if (c->naddrs == CI_ADDRS_MAX)
		return false;
	a = &c->addrs[c->naddrs++];
	a->call = c;
	a->af = af;
	memcpy(&a->addr, addr, af == AF_INET ? sizeof(struct in_addr) :
	    sizeof(struct in6_addr));
	return true;
}

/* Start every queued address (pending counts them first, so that no
 * callback can see zero before the last has started). */
static void
ci_start(struct ci_call *c)
{
	c->pending += (int)c->naddrs;
	for (size_t i = 0; i < c->naddrs; i++)
		identity_start(c->ctx.base, c->ctx.res, &c->id, c->target,
		    c->addrs[i].af, &c->addrs[i].addr, c->port, ci_addr_done,
		    &c->addrs[i]);
}

/* Why nothing was checked: refused addresses, else the lookups. */
static void
ci_fail_nothing(struct ci_call *c)
{
	if (c->refused.n > 0) {
		ci_finish(c, mcp_tool_error("%s: nothing checked: %s",
		    c->target, c->refused.v[0]));
		return;
	}
	ci_finish(c, mcp_tool_error("%s: no address to check: A %s, AAAA %s%s",
	    c->target, c->have_a ? dns_outcome_name(c->a.outcome) : "not asked",
	    c->have_aaaa ? dns_outcome_name(c->aaaa.outcome) : "not asked",
	    (c->have_a && dns_outcome_is_temporary(c->a.outcome)) ||
	    (c->have_aaaa && dns_outcome_is_temporary(c->aaaa.outcome)) ?
	    " (a temporary DNS failure: try again later)" : ""));
}

static void
ci_name_done(const struct dns_hostaddr_result *r, void *arg)
{
	struct ci_call *c = arg;

	if (r->a != NULL) {
		dns_answer_copy(&c->a, r->a);
		c->have_a = true;
	}
	if (r->aaaa != NULL) {
		dns_answer_copy(&c->aaaa, r->aaaa);
		c->have_aaaa = true;
	}
	c->pending--;
	for (size_t i = 0; i < r->naddrs; i++)
		ci_add_addr(c, r->addrs[i].af, &r->addrs[i].u);
	if (c->naddrs == 0) {
		ci_fail_nothing(c);
		return;
	}
	ci_start(c);
}

/* Why spec is not a host name or an address, or NULL when it is one. */
const char *
mcp_target_problem(const char *spec)
{
	if (strstr(spec, "://") != NULL || strpbrk(spec, "/?#@") != NULL)
		return "a URL or path is not a target: give a host name "
		    "(mail.example.com) or an IP address";
	if (strchr(spec, ':') != NULL)
		return "not an IP address, and a host name has no ':' (give "
		    "the port in the \"port\" argument)";
	return "not an IP address or a valid host name";
}

static enum mcp_tools_status
ci_call(const struct mcp_tool_ctx *ctx, json_t *args, mcp_tool_done *done,
    void *arg, char *err, size_t errlen)
{
	json_t *target = json_object_get(args, "target");
	json_t *port = json_object_get(args, "port");
	json_t *no_smtp = json_object_get(args, "no_smtp");
	json_t *expected = json_object_get(args, "expected_name");
	const char *key;
	json_t *val;
	struct ci_call *c;
	union {
		struct in_addr	v4;
		struct in6_addr	v6;
	} addr;
	const char *t;

	json_object_foreach(args, key, val) {
		if (strcmp(key, "target") != 0 && strcmp(key, "port") != 0 &&
		    strcmp(key, "no_smtp") != 0 &&
		    strcmp(key, "expected_name") != 0) {
			snprintf(err, errlen, "check_identity: unknown "
			    "argument (known: target, port, no_smtp, "
			    "expected_name)");
			return MCP_TOOLS_BAD_ARGS;
		}
	}
	if (!json_is_string(target)) {
		snprintf(err, errlen, "check_identity: \"target\" (a string) "
		    "is required");
		return MCP_TOOLS_BAD_ARGS;
	}
	if (port != NULL && (!json_is_integer(port) ||
	    json_integer_value(port) < 1 || json_integer_value(port) > 65535)) {
		snprintf(err, errlen, "check_identity: \"port\" must be an "
		    "integer from 1 to 65535");
		return MCP_TOOLS_BAD_ARGS;
	}
	if (no_smtp != NULL && !json_is_boolean(no_smtp)) {
		snprintf(err, errlen, "check_identity: \"no_smtp\" must be a "
		    "boolean");
		return MCP_TOOLS_BAD_ARGS;
	}
	if (expected != NULL && !json_is_string(expected)) {
		snprintf(err, errlen, "check_identity: \"expected_name\" must "
		    "be a string");
		return MCP_TOOLS_BAD_ARGS;
	}

	c = xcalloc(1, sizeof(*c));
	c->ctx = *ctx;
	c->done = done;
	c->arg = arg;
	c->port = port ? (int)json_integer_value(port) : 25;
	c->id.no_smtp = json_is_true(no_smtp);
	c->id.smtp.ehlo_name = ctx->ehlo;
	c->id.smtp.connect_timeout_ms = ctx->timeout_ms;
	c->id.smtp.greeting_timeout_ms = ctx->timeout_ms;
	c->id.smtp.command_timeout_ms = ctx->timeout_ms;

	/* From here on, what is wrong is the tool's answer (isError), for
	 * the model to read and correct, not a protocol error. */
	t = json_string_value(target);
	if (json_string_length(target) == 0 ||
	    json_string_length(target) >= sizeof(c->target) ||
	    strlen(t) != json_string_length(target)) {
		ci_finish(c, mcp_tool_error("target must be a host name or an "
		    "IP address of 1 to 255 characters"));
		return MCP_TOOLS_STARTED;
	}
	memcpy(c->target, t, json_string_length(target) + 1);
	if (expected != NULL) {
		const char *e = json_string_value(expected);

		if (json_string_length(expected) >= sizeof(c->expected) ||
		    !smtp_hostname_valid(e)) {
			ci_finish(c, mcp_tool_error("expected_name is not a "
			    "valid host name"));
			return MCP_TOOLS_STARTED;
		}
		strcpy(c->expected, e);
		c->id.expected_name = c->expected;
	}
	if (inet_pton(AF_INET, c->target, &addr.v4) == 1 ||
	    inet_pton(AF_INET6, c->target, &addr.v6) == 1) {
		int af = strchr(c->target, ':') ? AF_INET6 : AF_INET;

		if (!ci_add_addr(c, af, &addr)) {
			ci_fail_nothing(c);
			return MCP_TOOLS_STARTED;
		}
	} else if (!smtp_hostname_valid(c->target)) {
		ci_finish(c, mcp_tool_error("%s: %s", c->target,
		    mcp_target_problem(c->target)));
		return MCP_TOOLS_STARTED;
	}
	if (ctx->res == NULL || ctx->base == NULL) {
		ci_finish(c, mcp_tool_error("no DNS resolver available"));
		return MCP_TOOLS_STARTED;
	}
	if (c->naddrs > 0) {
		ci_start(c);
		return MCP_TOOLS_STARTED;
	}
	c->pending = 1;
	dns_lookup_from_resolver(&c->lookup, ctx->res);
	dns_hostaddr_resolve(&c->lookup, c->target, AF_UNSPEC, ci_name_done,
	    c);
	return MCP_TOOLS_STARTED;
}

/* ---- the table ---- */

static const struct mcp_tool mcp_tool_check_identity = {
	"check_identity", ci_definition, ci_call };

static const struct mcp_tool *const mcp_tools[] = {
	&mcp_tool_check_identity,
	&mcp_tool_check_spf,
	&mcp_tool_check_dmarc,
	&mcp_tool_check_bimi,
	&mcp_tool_check_dkim,
	&mcp_tool_check_blacklists,
	&mcp_tool_audit_domain,
};

json_t *
mcp_tools_list(void)
{
	json_t *a = json_array();

	for (size_t i = 0; i < sizeof(mcp_tools) / sizeof(mcp_tools[0]); i++)
		json_array_append_new(a, mcp_tools[i]->definition());
	return a;
}

enum mcp_tools_status
mcp_tools_call(const struct mcp_tool_ctx *ctx, const char *name, json_t *args,
    mcp_tool_done *done, void *arg, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(mcp_tools) / sizeof(mcp_tools[0]); i++)
		if (strcmp(mcp_tools[i]->name, name) == 0)
			return mcp_tools[i]->call(ctx, args, done, arg, err,
			    errlen);
	snprintf(err, errlen, "unknown tool (this server has: "
	    "check_identity, check_spf, check_dmarc, check_dkim, "
	    "check_blacklists, audit_domain)");
	return MCP_TOOLS_UNKNOWN;
}
