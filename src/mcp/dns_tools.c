/* SPDX-License-Identifier: MIT */
/*
 * The DNS-only tools of `mxdiag mcp`: check_spf, check_dmarc, check_bimi,
 * check_dkim and check_blacklists. Each runs the same check and builds the
 * same JSON document as its command (`mxdiag spf|dmarc|bimi|dkim|bl
 * --format json`),
 * through the same module functions; nothing here connects anywhere but
 * to the DNS resolver.
 */
#include <arpa/inet.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dkim/dkim.h"
#include "dkim/tags.h"
#include "dns/lookup.h"
#include "dnsbl/dnsbl.h"
#include "dnsbl/list.h"
#include "mcp/tools.h"
#include "policy/bimi.h"
#include "policy/dmarc.h"
#include "policy/orgdomain.h"
#include "policy/render.h"
#include "policy/tagvalue.h"
#include "report/report.h"
#include "smtp/reply.h"
#include "spf/eval.h"
#include "spf/judge.h"
#include "spf/record.h"
#include "spf/render.h"
#include "util/util.h"

#define DT_ARG_MAX	1024	/* sender, helo (as `mxdiag spf` allows) */

/* ---- shared ---- */

/* A string argument as a C string: NULL when it holds a NUL, is longer
 * than max, or is not printable ASCII (peer text goes into DNS names and
 * reports). */
const char *
mcp_arg_string(json_t *v, size_t max)
{
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);

	if (s == NULL || len > max || strlen(s) != len)
		return NULL;
	for (size_t i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return NULL;
	return s;
}

/* Why s cannot be checked as a domain name, or NULL when it can. */
const char *
mcp_domain_problem(const char *s)
{
	struct in6_addr a;

	if (s == NULL || s[0] == '\0')
		return "not a domain name (printable ASCII, 1 to 253 "
		    "characters; A-labels for international names)";
	if (inet_pton(AF_INET, s, &a) == 1 || inet_pton(AF_INET6, s, &a) == 1)
		return "an IP address is not a domain: give the domain name "
		    "(example.com)";
	if (strlen(s) > MCP_NAME_MAX || !smtp_hostname_valid(s))
		return mcp_target_problem(s);
	return NULL;
}

/* Append the problems of fl to m, up to MCP_PROBLEMS_MAX in all. */
void
mcp_summary_problems(FILE *m, const char *what, const struct finding_list *fl,
    size_t *nprob)
{
	for (size_t i = 0; i < fl->n; i++) {
		const struct finding *fd = fl->v[i];

		if (!finding_status_is_problem(fd->status))
			continue;
		if ((*nprob)++ == MCP_PROBLEMS_MAX) {
			fputs("- ...\n", m);
			continue;
		}
		if (*nprob > MCP_PROBLEMS_MAX)
			continue;
		fprintf(m, "- %s%s%s %s: %s\n", what ? what : "",
		    what ? ": " : "", finding_status_name(fd->status),
		    fd->code, fd->title);
	}
}

/* The verdict line every summary starts with. */
void
mcp_summary_verdict(FILE *m, const char *subject, int exit_code,
    enum finding_status worst)
{
	fprintf(m, "%s: %s (worst finding: %s)\n", subject,
	    exit_code == FINDING_EXIT_PASS ? "all checks passed" :
	    exit_code == FINDING_EXIT_PROBLEMS ? "problems found" :
	    "some checks could not be completed (temporary: retry later, "
	    "this is no verdict)", finding_status_name(worst));
}

/* A CallToolResult: the text written to m (a memstream over *bufp;
 * closed and freed here) and doc (taken). */
json_t *
mcp_tool_result(FILE *m, char **bufp, json_t *doc, size_t nprob)
{
	char *buf;
	size_t len;
	json_t *r;

	if (nprob == 0)
		fputs("no problems found\n", m);
	fclose(m);
	buf = *bufp;
	len = strlen(buf);
	if (len > 0 && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	r = json_pack("{s:[{s:s, s:s}], s:o, s:b}", "content", "type", "text",
	    "text", buf, "structuredContent", doc, "isError", 0);
	free(buf);
	/* Text that is not UTF-8 cannot be packed (jansson has then
	 * released doc): the caller must still get a result. */
	return r != NULL ? r : mcp_tool_error("the result could not be "
	    "encoded as JSON text");
}

/*
 * Checks call back from inside the module, some before their start
 * function returns, and the SPF check may not be freed from its callback:
 * every tool finishes from a fresh turn of the loop instead.
 */
void
mcp_defer(struct event_base *base, event_callback_fn fn, void *arg)
{
	struct timeval now = { 0, 0 };

	if (event_base_once(base, -1, EV_TIMEOUT, fn, arg, &now) != 0)
		fn(-1, EV_TIMEOUT, arg);
}

bool
mcp_args_check(const char *tool, const struct mcp_arg *spec, size_t n,
    json_t *args, char *err, size_t errlen)
{
	static const char *const kind_names[] = {
		[MCP_ARG_STRING] = "a string",
		[MCP_ARG_BOOL] = "a boolean",
		[MCP_ARG_STRINGS] = "an array of 1 to 256 strings",
		[MCP_ARG_PORT] = "an integer from 1 to 65535",
	};
	const char *key;
	json_t *val;

	json_object_foreach(args, key, val) {
		size_t i;
		bool ok = true;

		for (i = 0; i < n; i++)
			if (strcmp(key, spec[i].name) == 0)
				break;
		if (i == n) {
			snprintf(err, errlen, "%s: unknown argument (see the "
			    "tool's inputSchema)", tool);
			return false;
		}
		switch (spec[i].kind) {
		case MCP_ARG_STRING:
			ok = json_is_string(val);
			break;
		case MCP_ARG_BOOL:
			ok = json_is_boolean(val);
			break;
		case MCP_ARG_PORT:
			ok = json_is_integer(val) &&
			    json_integer_value(val) >= 1 &&
			    json_integer_value(val) <= 65535;
			break;
		case MCP_ARG_STRINGS:
			ok = json_is_array(val) && json_array_size(val) > 0 &&
			    json_array_size(val) <= MCP_ARRAY_MAX;
			for (size_t k = 0; ok && k < json_array_size(val); k++)
				ok = json_is_string(json_array_get(val, k));
			break;
		}
		if (!ok) {
			snprintf(err, errlen, "%s: \"%s\" must be %s", tool,
			    spec[i].name, kind_names[spec[i].kind]);
			return false;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (spec[i].required && json_object_get(args, spec[i].name) ==
		    NULL) {
			snprintf(err, errlen, "%s: \"%s\" is required", tool,
			    spec[i].name);
			return false;
		}
	return true;
}

static const char dt_annotations_json[] = "{\"readOnlyHint\": true, "
    "\"destructiveHint\": false, \"idempotentHint\": true, "
    "\"openWorldHint\": true}";

/* A tool definition from its parts; schema is JSON text. */
json_t *
mcp_tool_definition(const char *name, const char *title,
    const char *description, const char *schema)
{
	json_error_t e;
	json_t *s = json_loads(schema, 0, &e);
	json_t *ann = json_loads(dt_annotations_json, 0, &e);

	if (s == NULL || ann == NULL)
		abort();	/* a typo in a literal below */
	return json_pack("{s:s, s:s, s:s, s:o, s:o}", "name", name, "title",
	    title, "description", description, "inputSchema", s,
	    "annotations", ann);
}

/* What every DNS tool needs before it starts. */
bool
mcp_have_dns(const struct mcp_tool_ctx *ctx, mcp_tool_done *done, void *arg)
{
	if (ctx->res != NULL && ctx->base != NULL)
		return true;
	done(mcp_tool_error("no DNS resolver available"), arg);
	return false;
}

/* ---- check_spf ---- */

static const char spf_description[] =
    "Check a domain's SPF record (RFC 7208): its syntax, the whole include "
    "and redirect tree with the DNS lookups each term costs (the limit is "
    "10), void lookups, and, when ip is given, the check_host() result "
    "for that client address (pass, fail, softfail, neutral, none, "
    "temperror, permerror) and which term decided it. Call it when mail "
    "is rejected or marked as spam for SPF, before publishing a new record "
    "(give it in record, judged as if published at domain), or to learn "
    "whether a sending server is authorized. The structuredContent is the "
    "JSON of `mxdiag spf --format json` (schema mxdiag.spf/1): the tree, "
    "the result, and findings with a status, an explanation and "
    "remediation. temperror means the DNS could not answer: retry later, "
    "it is not a verdict. Give domain (example.com), or record with "
    "sender or helo to say where it is published; never a URL.";

static json_t *
spf_definition(void)
{
	return mcp_tool_definition("check_spf", "SPF record and authorization",
	    spf_description,
	    "{\"type\": \"object\", \"properties\": {"
	    "\"domain\": {\"type\": \"string\", \"description\": "
	    "\"The domain whose SPF record is checked (example.com). "
	    "Default: the sender's domain, else helo.\"},"
	    "\"record\": {\"type\": \"string\", \"maxLength\": 4095, "
	    "\"description\": \"A draft record (v=spf1 ...) judged as if "
	    "published at domain; its includes are still looked up.\"},"
	    "\"ip\": {\"type\": \"string\", \"description\": \"The client "
	    "IPv4 or IPv6 address to evaluate (check_host()).\"},"
	    "\"sender\": {\"type\": \"string\", \"description\": \"MAIL "
	    "FROM address (local@domain).\"},"
	    "\"helo\": {\"type\": \"string\", \"description\": \"The "
	    "HELO/EHLO name.\"}},"
	    "\"anyOf\": [{\"required\": [\"domain\"]}, "
	    "{\"required\": [\"record\"]}],"
	    "\"additionalProperties\": false}");
}

struct spf_call {
	struct mcp_tool_ctx	 ctx;
	mcp_tool_done		*done;
	void			*arg;
	struct dns_lookup	 lookup;
	struct spf_check	*chk;
};

/*
 * The CallToolResult of a check with one list of findings: the verdict and
 * the problems of fl as text, doc (taken) as structuredContent.
 */
static json_t *
dt_list_result(const char *subject, const struct finding_list *fl,
    json_t *doc)
{
	char *buf = NULL;
	size_t len = 0, nprob = 0;
	FILE *m = open_memstream(&buf, &len);

	if (m == NULL) {
		json_decref(doc);
		return mcp_tool_error("out of memory");
	}
	mcp_summary_verdict(m, subject, finding_list_exit_code(fl),
	    finding_list_worst(fl));
	mcp_summary_problems(m, NULL, fl, &nprob);
	return mcp_tool_result(m, &buf, doc, nprob);
}

/* The required "domain", or NULL when it cannot be checked as a domain
 * name: done has then had isError. */
static const char *
dt_domain(json_t *args, mcp_tool_done *done, void *arg)
{
	const char *domain, *problem;

	domain = mcp_arg_string(json_object_get(args, "domain"), MCP_NAME_MAX);
	if ((problem = mcp_domain_problem(domain)) != NULL) {
		done(mcp_tool_error("domain: %s", problem), arg);
		return NULL;
	}
	return domain;
}

/* The optional draft "record" (NULL when absent). False when it is not
 * printable ASCII of at most max bytes: done has then had isError. */
static bool
dt_draft(json_t *record, size_t max, const char **draft, mcp_tool_done *done,
    void *arg)
{
	*draft = NULL;
	if (record != NULL && (*draft = mcp_arg_string(record, max)) == NULL) {
		done(mcp_tool_error("record must be printable ASCII of at most "
		    "%zu characters", max), arg);
		return false;
	}
	return true;
}

static void
spf_finish(evutil_socket_t fd, short what, void *arg)
{
	struct spf_call *c = arg;
	struct finding_list fl = { 0 };

	spf_judge(c->chk, &fl);
	c->done(dt_list_result(c->chk->domain, &fl, spf_render_json(c->chk,
	    &fl, finding_list_exit_code(&fl))), c->arg);
	finding_list_clear(&fl);
	spf_check_free(c->chk);
	free(c);
}

static void
spf_done(struct spf_check *chk, void *arg)
{
	struct spf_call *c = arg;

	(void)chk;
	mcp_defer(c->ctx.base, spf_finish, c);
}

static enum mcp_tools_status
spf_call(const struct mcp_tool_ctx *ctx, json_t *args, mcp_tool_done *done,
    void *arg, char *err, size_t errlen)
{
	static const struct mcp_arg spec[] = {
		{ "domain", MCP_ARG_STRING, false },
		{ "record", MCP_ARG_STRING, false },
		{ "ip", MCP_ARG_STRING, false },
		{ "sender", MCP_ARG_STRING, false },
		{ "helo", MCP_ARG_STRING, false },
	};
	json_t *domain = json_object_get(args, "domain");
	json_t *record = json_object_get(args, "record");
	json_t *ip = json_object_get(args, "ip");
	json_t *sender = json_object_get(args, "sender");
	json_t *helo = json_object_get(args, "helo");
	struct spf_request req;
	struct spf_call *c;
	const char *problem;
	char msg[256];

	if (!mcp_args_check("check_spf", spec, sizeof(spec) / sizeof(spec[0]),
	    args, err, errlen))
		return MCP_TOOLS_BAD_ARGS;
	if (domain == NULL && record == NULL) {
		snprintf(err, errlen, "check_spf: give \"domain\" or "
		    "\"record\"");
		return MCP_TOOLS_BAD_ARGS;
	}
	memset(&req, 0, sizeof(req));
	req.audit = true;
	if (domain != NULL) {
		req.domain = mcp_arg_string(domain, MCP_NAME_MAX);
		if ((problem = mcp_domain_problem(req.domain)) != NULL) {
			done(mcp_tool_error("domain: %s", problem), arg);
			return MCP_TOOLS_STARTED;
		}
	}
	if (!dt_draft(record, SPF_RECORD_MAX, &req.record, done, arg))
		return MCP_TOOLS_STARTED;
	if ((ip != NULL && (req.ip = mcp_arg_string(ip, INET6_ADDRSTRLEN)) ==
	    NULL) || (sender != NULL && (req.sender = mcp_arg_string(sender,
	    DT_ARG_MAX)) == NULL) || (helo != NULL && (req.helo =
	    mcp_arg_string(helo, DT_ARG_MAX)) == NULL)) {
		done(mcp_tool_error("ip, sender and helo must be printable "
		    "ASCII (an IP address; local@domain; a host name)"), arg);
		return MCP_TOOLS_STARTED;
	}
	if (req.domain == NULL && (req.sender == NULL ||
	    req.sender[0] == '\0') && req.helo == NULL) {
		done(mcp_tool_error("a record needs the domain it would be "
		    "published at: give domain (or sender or helo)"), arg);
		return MCP_TOOLS_STARTED;
	}
	if (!mcp_have_dns(ctx, done, arg))
		return MCP_TOOLS_STARTED;
	c = xcalloc(1, sizeof(*c));
	c->ctx = *ctx;
	c->done = done;
	c->arg = arg;
	dns_lookup_from_resolver(&c->lookup, ctx->res);
	if (spf_check_new(&c->lookup, &req, &c->chk, msg, sizeof(msg)) != 0) {
		free(c);
		done(mcp_tool_error("%s", msg), arg);
		return MCP_TOOLS_STARTED;
	}
	spf_check_run(c->chk, spf_done, c);
	return MCP_TOOLS_STARTED;
}

/* ---- check_dmarc ---- */

static const char dmarc_description[] =
    "Check a domain's DMARC policy (RFC 7489 and its successor): find the "
    "record that applies by the DNS tree walk and the public-suffix "
    "method, check every tag (p, sp, pct, rua, ruf, adkim, aspf, ...) "
    "with its default, and whether external report addresses authorize "
    "the reports. Call it when mail fails DMARC, when setting up or "
    "tightening a policy (give a draft in record, judged as if published "
    "at _dmarc.domain), or to see which policy receivers apply to a "
    "subdomain. The structuredContent is the JSON of `mxdiag dmarc "
    "--format json` (schema mxdiag.dmarc/1): the record, the effective "
    "policy, the discovery steps, and findings with a status, an "
    "explanation and remediation; summary.exit_code 2 (temperror) means "
    "the DNS could not answer: retry later. domain is a domain name, "
    "never a URL or an e-mail address.";

static json_t *
dmarc_definition(void)
{
	return mcp_tool_definition("check_dmarc", "DMARC policy", dmarc_description,
	    "{\"type\": \"object\", \"properties\": {"
	    "\"domain\": {\"type\": \"string\", \"description\": "
	    "\"The domain (example.com), as in the From: header.\"},"
	    "\"record\": {\"type\": \"string\", \"maxLength\": 8192, "
	    "\"description\": \"A draft record (v=DMARC1; p=...) judged "
	    "as if published at _dmarc.domain.\"}},"
	    "\"required\": [\"domain\"], \"additionalProperties\": false}");
}

/*
 * What the tools that need the public suffix list share (check_dmarc,
 * check_bimi): the call's context, the lookups through the resolver, the
 * list, and the domain asked about.
 */
struct dt_psl_call {
	struct mcp_tool_ctx	 ctx;
	mcp_tool_done		*done;
	void			*arg;
	struct dns_lookup	 lookup;
	struct orgdomain_psl	 psl;
	char			 domain[MCP_NAME_MAX + 1];
};

static void
dt_psl_init(struct dt_psl_call *h, const struct mcp_tool_ctx *ctx,
    mcp_tool_done *done, void *arg, const char *domain)
{
	char msg[256];

	h->ctx = *ctx;
	h->done = done;
	h->arg = arg;
	snprintf(h->domain, sizeof(h->domain), "%s", domain);
	dns_lookup_from_resolver(&h->lookup, ctx->res);
	/* Without the system's list the RFC 7489 method is "unavailable",
	 * as in the commands. */
	(void)orgdomain_psl_open(&h->psl, NULL, msg, sizeof(msg));
}

/* A finished call's document to its caller, and the head's PSL closed;
 * the caller frees its own parts and the call. */
static void
dt_psl_deliver(struct dt_psl_call *h, struct finding_list *fl, json_t *doc)
{
	h->done(dt_list_result(h->domain, fl, doc), h->arg);
	finding_list_clear(fl);
	orgdomain_psl_close(&h->psl);
}

/* A call whose check would not start: freed (h first in it), and the
 * error to the caller. */
static void
dt_psl_abort(struct dt_psl_call *h, json_t *error)
{
	mcp_tool_done *done = h->done;
	void *arg = h->arg;

	orgdomain_psl_close(&h->psl);
	free(h);
	done(error, arg);
}

struct dmarc_call {
	struct dt_psl_call	 h;	/* first: dt_psl_abort frees it */
	struct dmarc_discovery	 d;
};

static void
dmarc_finish(evutil_socket_t fd, short what, void *arg)
{
	struct dmarc_call *c = arg;
	struct finding_list fl = { 0 };

	dmarc_judge(&c->d, &fl);
	dt_psl_deliver(&c->h, &fl, dmarc_document(&c->d, &fl));
	dmarc_discovery_clear(&c->d);
	free(c);
}

static void
dmarc_done(struct dmarc_discovery *d, void *arg)
{
	struct dmarc_call *c = arg;

	(void)d;
	mcp_defer(c->h.ctx.base, dmarc_finish, c);
}

static enum mcp_tools_status
dmarc_call(const struct mcp_tool_ctx *ctx, json_t *args, mcp_tool_done *done,
    void *arg, char *err, size_t errlen)
{
	static const struct mcp_arg spec[] = {
		{ "domain", MCP_ARG_STRING, true },
		{ "record", MCP_ARG_STRING, false },
	};
	json_t *record = json_object_get(args, "record");
	const char *domain, *draft = NULL;
	struct dmarc_call *c;

	if (!mcp_args_check("check_dmarc", spec, sizeof(spec) / sizeof(spec[0]),
	    args, err, errlen))
		return MCP_TOOLS_BAD_ARGS;
	if ((domain = dt_domain(args, done, arg)) == NULL)
		return MCP_TOOLS_STARTED;
	if (!dt_draft(record, TAGVALUE_INPUT_MAX, &draft, done, arg))
		return MCP_TOOLS_STARTED;
	if (!mcp_have_dns(ctx, done, arg))
		return MCP_TOOLS_STARTED;
	c = xcalloc(1, sizeof(*c));
	dt_psl_init(&c->h, ctx, done, arg, domain);
	if (dmarc_discover_start(&c->h.lookup, &c->h.psl, c->h.domain, draft,
	    draft ? strlen(draft) : 0, &c->d, dmarc_done, c) != 0)
		dt_psl_abort(&c->h, mcp_tool_error("%s: not a domain name "
		    "(give the A-label form of an internationalised name)",
		    domain));
	return MCP_TOOLS_STARTED;
}

/* ---- check_bimi ---- */

static const char bimi_description[] =
    "Check a domain's BIMI record (brand logo in the inbox): find it at "
    "selector._bimi.domain or at the organizational domain, check its "
    "tags, the logo (l=) and certificate (a=) URLs, and the DMARC policy "
    "BIMI requires (p=quarantine or reject, pct=100). Call it when a "
    "logo does not show, or before publishing a record (give a draft in "
    "record). The structuredContent is the JSON of `mxdiag bimi --format "
    "json` (schema mxdiag.bimi/1); nothing is fetched from the URLs. "
    "summary.exit_code 2 (temperror) means the DNS could not answer: "
    "retry later. domain is a domain name, never a URL.";

static json_t *
bimi_definition(void)
{
	return mcp_tool_definition("check_bimi", "BIMI record", bimi_description,
	    "{\"type\": \"object\", \"properties\": {"
	    "\"domain\": {\"type\": \"string\", \"description\": "
	    "\"The domain (example.com), as in the From: header.\"},"
	    "\"selector\": {\"type\": \"string\", \"description\": "
	    "\"BIMI selector (default: default).\"},"
	    "\"record\": {\"type\": \"string\", \"maxLength\": 8192, "
	    "\"description\": \"A draft record (v=BIMI1; l=...) judged "
	    "as if published.\"}},"
	    "\"required\": [\"domain\"], \"additionalProperties\": false}");
}

struct bimi_call {
	struct dt_psl_call	 h;	/* first: dt_psl_abort frees it */
	struct bimi_check	 b;
};

static void
bimi_finish(evutil_socket_t fd, short what, void *arg)
{
	struct bimi_call *c = arg;
	struct finding_list fl = { 0 };

	bimi_judge(&c->b, &fl);
	dt_psl_deliver(&c->h, &fl, bimi_document(&c->b, &fl));
	bimi_check_clear(&c->b);
	free(c);
}

static void
bimi_done(struct bimi_check *b, void *arg)
{
	struct bimi_call *c = arg;

	mcp_defer(c->h.ctx.base, bimi_finish, c);
}

static enum mcp_tools_status
bimi_call(const struct mcp_tool_ctx *ctx, json_t *args, mcp_tool_done *done,
    void *arg, char *err, size_t errlen)
{
	static const struct mcp_arg spec[] = {
		{ "domain", MCP_ARG_STRING, true },
		{ "selector", MCP_ARG_STRING, false },
		{ "record", MCP_ARG_STRING, false },
	};
	json_t *record = json_object_get(args, "record");
	json_t *sel = json_object_get(args, "selector");
	const char *domain, *draft = NULL, *selector = NULL;
	struct bimi_call *c;

	if (!mcp_args_check("check_bimi", spec, sizeof(spec) / sizeof(spec[0]),
	    args, err, errlen))
		return MCP_TOOLS_BAD_ARGS;
	if ((domain = dt_domain(args, done, arg)) == NULL)
		return MCP_TOOLS_STARTED;
	if (sel != NULL &&
	    (selector = mcp_arg_string(sel, MCP_NAME_MAX)) == NULL) {
		done(mcp_tool_error("selector must be printable ASCII of at "
		    "most %d characters", MCP_NAME_MAX), arg);
		return MCP_TOOLS_STARTED;
	}
	if (!dt_draft(record, TAGVALUE_INPUT_MAX, &draft, done, arg))
		return MCP_TOOLS_STARTED;
	if (!mcp_have_dns(ctx, done, arg))
		return MCP_TOOLS_STARTED;
	c = xcalloc(1, sizeof(*c));
	dt_psl_init(&c->h, ctx, done, arg, domain);
	if (bimi_check_start(&c->h.lookup, &c->h.psl, c->h.domain, selector,
	    draft, draft ? strlen(draft) : 0, &c->b, bimi_done, c) != 0)
		dt_psl_abort(&c->h, mcp_tool_error("\"%s\"%s%s is not a usable "
		    "name", domain, selector ? " or selector " : "",
		    selector ? selector : ""));
	return MCP_TOOLS_STARTED;
}

/* ---- check_dkim ---- */

static const char dkim_description[] =
    "Check a domain's DKIM public keys (RFC 6376): look up the key record "
    "at each selector (selector._domainkey.domain) and check its syntax, "
    "version, key type, revocation, testing mode, hash algorithms and the "
    "real key size (RSA under 1024 bits is invalid, 1024 weak). Without "
    "selectors, the selectors common mail providers use are tried; the "
    "selector of a real message is the s= tag of its DKIM-Signature "
    "header. Call it when DKIM signatures fail, after rotating a key, or "
    "to judge a draft record (record, with exactly one selector; no DNS "
    "is asked then). The structuredContent is the JSON of `mxdiag dkim "
    "--format json` (schema mxdiag.dkim/1): each selector's key and "
    "findings with a status, an explanation and remediation. temperror "
    "means the DNS could not answer: retry later, it is not a verdict.";

static json_t *
dkim_definition(void)
{
	return mcp_tool_definition("check_dkim", "DKIM keys", dkim_description,
	    "{\"type\": \"object\", \"properties\": {"
	    "\"domain\": {\"type\": \"string\", \"description\": "
	    "\"The signing domain (the d= tag), e.g. example.com.\"},"
	    "\"selector\": {\"type\": \"array\", \"items\": {\"type\": "
	    "\"string\"}, \"minItems\": 1, \"maxItems\": 64, \"description\": "
	    "\"Selectors to look up (the s= tag). Default: common ones.\"},"
	    "\"record\": {\"type\": \"string\", \"maxLength\": 8192, "
	    "\"description\": \"A draft key record (v=DKIM1; k=rsa; p=...) "
	    "judged as the record of the one selector given.\"}},"
	    "\"required\": [\"domain\"], \"additionalProperties\": false}");
}

struct dkim_call {
	struct mcp_tool_ctx	 ctx;
	mcp_tool_done		*done;
	void			*arg;
	struct dns_lookup	 lookup;
	struct dkim_report	*rep;
};

static void
dkim_finish(evutil_socket_t fd, short what, void *arg)
{
	struct dkim_call *c = arg;
	const struct dkim_report *rep = c->rep;
	char *buf = NULL;
	size_t len = 0, nprob = 0;
	FILE *m;

	(void)fd;
	(void)what;
	if ((m = open_memstream(&buf, &len)) == NULL) {
		c->done(mcp_tool_error("out of memory"), c->arg);
	} else {
		mcp_summary_verdict(m, rep->domain, dkim_report_exit_code(rep),
		    dkim_report_worst(rep));
		for (size_t i = 0; i < rep->n; i++)
			mcp_summary_problems(m, rep->sel[i].selector,
			    &rep->sel[i].findings,
			    &nprob);
		mcp_summary_problems(m, NULL, &rep->findings, &nprob);
		c->done(mcp_tool_result(m, &buf, dkim_report_document(rep,
		    report_json_resolvers(c->ctx.dns)), nprob), c->arg);
	}
	dkim_report_free(c->rep);
	free(c);
}

static void
dkim_done(struct dkim_report *rep, void *arg)
{
	struct dkim_call *c = arg;

	(void)rep;
	mcp_defer(c->ctx.base, dkim_finish, c);
}

static enum mcp_tools_status
dkim_call(const struct mcp_tool_ctx *ctx, json_t *args, mcp_tool_done *done,
    void *arg, char *err, size_t errlen)
{
	static const struct mcp_arg spec[] = {
		{ "domain", MCP_ARG_STRING, true },
		{ "selector", MCP_ARG_STRINGS, false },
		{ "record", MCP_ARG_STRING, false },
	};
	json_t *sel = json_object_get(args, "selector");
	json_t *record = json_object_get(args, "record");
	const char *selectors[DKIM_SELECTORS_MAX];
	const char *domain, *draft = NULL;
	size_t nsel = 0;
	struct dkim_report *rep;
	struct dkim_call *c;
	char msg[256];

	if (!mcp_args_check("check_dkim", spec, sizeof(spec) / sizeof(spec[0]),
	    args, err, errlen))
		return MCP_TOOLS_BAD_ARGS;
	if ((domain = dt_domain(args, done, arg)) == NULL)
		return MCP_TOOLS_STARTED;
	if (sel != NULL && json_array_size(sel) > DKIM_SELECTORS_MAX) {
		done(mcp_tool_error("at most %d selectors", DKIM_SELECTORS_MAX),
		    arg);
		return MCP_TOOLS_STARTED;
	}
	for (size_t i = 0; sel != NULL && i < json_array_size(sel); i++) {
		selectors[nsel] = mcp_arg_string(json_array_get(sel, i), MCP_NAME_MAX);
		if (selectors[nsel] == NULL) {
			done(mcp_tool_error("a selector is printable ASCII "
			    "(labels of letters, digits, '-' and '_')"), arg);
			return MCP_TOOLS_STARTED;
		}
		nsel++;
	}
	if (!dt_draft(record, DKIM_TAGS_TEXT_MAX, &draft, done, arg))
		return MCP_TOOLS_STARTED;
	if (record != NULL) {
		if (nsel != 1) {
			done(mcp_tool_error("record needs exactly one "
			    "selector"), arg);
			return MCP_TOOLS_STARTED;
		}
	}
	rep = dkim_report_new(domain, selectors, nsel, msg, sizeof(msg));
	if (rep == NULL) {
		done(mcp_tool_error("%s", msg), arg);
		return MCP_TOOLS_STARTED;
	}
	c = xcalloc(1, sizeof(*c));
	c->ctx = *ctx;
	c->done = done;
	c->arg = arg;
	c->rep = rep;
	if (draft != NULL) {
		/* A draft is judged without DNS, at once. */
		dkim_report_judge_record(rep, 0, draft, strlen(draft));
		dkim_report_finish(rep);
		dkim_finish(-1, EV_TIMEOUT, c);
		return MCP_TOOLS_STARTED;
	}
	if (!mcp_have_dns(ctx, done, arg)) {
		dkim_report_free(rep);
		free(c);
		return MCP_TOOLS_STARTED;
	}
	dns_lookup_from_resolver(&c->lookup, ctx->res);
	dkim_report_lookup(rep, &c->lookup, dkim_done, c);
	return MCP_TOOLS_STARTED;
}

/* ---- check_blacklists ---- */

static const char bl_description[] =
    "Look IP addresses and domain names up on DNS blacklists (DNSBL/RBL, "
    "RFC 5782): IPv4 and IPv6 addresses on the IP lists, domain names on "
    "the domain lists of mxdiag's built-in set. Each list is trusted only "
    "when its test entries answer as they must, and an answer in "
    "127.255.255.0/24 is the list refusing the query, never a listing. "
    "Call it when mail from a server is rejected with a blocklist "
    "message, or before sending from a new address. The "
    "structuredContent is the JSON of `mxdiag bl --format json` (schema "
    "mxdiag.bl/1): each target's result per list (listed with its "
    "reason, not listed, not checked) and findings with a status, an "
    "explanation and delisting steps. A list that could not be checked "
    "is no verdict. targets are IP addresses or domain names, never "
    "URLs or e-mail addresses.";

static json_t *
bl_definition(void)
{
	return mcp_tool_definition("check_blacklists", "DNS blacklists",
	    bl_description,
	    "{\"type\": \"object\", \"properties\": {"
	    "\"targets\": {\"type\": \"array\", \"items\": {\"type\": "
	    "\"string\"}, \"minItems\": 1, \"maxItems\": 256, "
	    "\"description\": \"IPv4 or IPv6 addresses (of sending "
	    "servers) or domain names.\"}},"
	    "\"required\": [\"targets\"], \"additionalProperties\": false}");
}

struct bl_call {
	struct mcp_tool_ctx	 ctx;
	mcp_tool_done		*done;
	void			*arg;
	struct dns_lookup	 lookup;
	struct dnsbl_set	 set;
	struct dnsbl_report	*rep;
};

static void
bl_finish(evutil_socket_t fd, short what, void *arg)
{
	struct bl_call *c = arg;
	const struct dnsbl_report *rep = c->rep;
	enum finding_status worst = FINDING_SKIPPED;
	char *buf = NULL;
	size_t len = 0, nprob = 0;
	FILE *m;

	(void)fd;
	(void)what;
	for (size_t i = 0; i < rep->ntargets; i++)
		if (finding_status_rank(finding_list_worst(
		    &rep->targets[i].findings)) > finding_status_rank(worst))
			worst = finding_list_worst(&rep->targets[i].findings);
	if ((m = open_memstream(&buf, &len)) == NULL) {
		c->done(mcp_tool_error("out of memory"), c->arg);
	} else {
		mcp_summary_verdict(m, rep->ntargets == 1 ? rep->targets[0].spec :
		    "targets", dnsbl_report_exit_code(rep), worst);
		for (size_t i = 0; i < rep->ntargets; i++)
			mcp_summary_problems(m, rep->targets[i].spec,
			    &rep->targets[i].findings, &nprob);
		for (size_t l = 0; l < rep->set->n; l++)
			mcp_summary_problems(m, NULL, &rep->lists[l].findings, &nprob);
		c->done(mcp_tool_result(m, &buf, dnsbl_report_document(rep,
		    report_json_resolvers(c->ctx.dns)), nprob), c->arg);
	}
	dnsbl_report_free(c->rep);
	dnsbl_set_clear(&c->set);
	free(c);
}

static void
bl_done(struct dnsbl_report *rep, void *arg)
{
	struct bl_call *c = arg;

	(void)rep;
	mcp_defer(c->ctx.base, bl_finish, c);
}

static enum mcp_tools_status
bl_call(const struct mcp_tool_ctx *ctx, json_t *args, mcp_tool_done *done,
    void *arg, char *err, size_t errlen)
{
	static const struct mcp_arg spec[] = {
		{ "targets", MCP_ARG_STRINGS, true },
	};
	json_t *targets = json_object_get(args, "targets");
	const char *t[DNSBL_TARGETS_MAX];
	size_t n = 0;
	struct bl_call *c;
	char msg[512];

	if (!mcp_args_check("check_blacklists", spec, 1, args, err, errlen))
		return MCP_TOOLS_BAD_ARGS;
	if (json_array_size(targets) > DNSBL_TARGETS_MAX) {
		done(mcp_tool_error("at most %d targets", DNSBL_TARGETS_MAX),
		    arg);
		return MCP_TOOLS_STARTED;
	}
	/* The same vetting as check_identity's target: an address or a
	 * host name, never a URL. */
	for (size_t i = 0; i < json_array_size(targets); i++) {
		const char *s = mcp_arg_string(json_array_get(targets, i),
		    MCP_NAME_MAX);
		struct in6_addr a;

		if (s == NULL || s[0] == '\0') {
			done(mcp_tool_error("targets: not an IP address or a "
			    "valid host name"), arg);
			return MCP_TOOLS_STARTED;
		}
		if (inet_pton(AF_INET, s, &a) != 1 &&
		    inet_pton(AF_INET6, s, &a) != 1 &&
		    !smtp_hostname_valid(s)) {
			done(mcp_tool_error("%s: %s", s, mcp_target_problem(s)),
			    arg);
			return MCP_TOOLS_STARTED;
		}
		t[n++] = s;
	}
	if (!mcp_have_dns(ctx, done, arg))
		return MCP_TOOLS_STARTED;
	c = xcalloc(1, sizeof(*c));
	c->ctx = *ctx;
	c->done = done;
	c->arg = arg;
	dnsbl_set_defaults(&c->set);
	if ((c->rep = dnsbl_report_new(&c->set, t, n, msg, sizeof(msg))) ==
	    NULL) {
		dnsbl_set_clear(&c->set);
		free(c);
		done(mcp_tool_error("%s", msg), arg);
		return MCP_TOOLS_STARTED;
	}
	dns_lookup_from_resolver(&c->lookup, ctx->res);
	dnsbl_report_lookup(c->rep, &c->lookup, bl_done, c);
	return MCP_TOOLS_STARTED;
}

/* ---- the table's entries ---- */

const struct mcp_tool mcp_tool_check_spf = {
	"check_spf", spf_definition, spf_call };
const struct mcp_tool mcp_tool_check_dmarc = {
	"check_dmarc", dmarc_definition, dmarc_call };
const struct mcp_tool mcp_tool_check_bimi = {
	"check_bimi", bimi_definition, bimi_call };
const struct mcp_tool mcp_tool_check_dkim = {
	"check_dkim", dkim_definition, dkim_call };
const struct mcp_tool mcp_tool_check_blacklists = {
	"check_blacklists", bl_definition, bl_call };
