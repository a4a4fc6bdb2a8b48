/* SPDX-License-Identifier: MIT */
/*
 * The MCP protocol layer of `mxdiag mcp`: JSON-RPC 2.0 framing and
 * validation, the two protocol eras, dispatch to the tools (tools.c), and
 * the stdio loop on libevent. stdout carries JSON-RPC only; logs go to
 * stderr.
 *
 * What we followed (modelcontextprotocol/modelcontextprotocol, read
 * 2026-12-07):
 *  - JSON-RPC 2.0 (jsonrpc.org/specification): error codes -32700,
 *    -32600, -32601, -32602, -32603; a parse error or an invalid request
 *    whose id cannot be read is answered with id null; a notification
 *    (no id) is never answered.
 *  - 2025-11-25 (legacy era), basic/lifecycle and schema.ts: initialize
 *    -> InitializeResult {protocolVersion, capabilities, serverInfo
 *    {name, version}, instructions}; when the client asks for a version
 *    we do not speak we answer with ours; notifications/initialized;
 *    ping -> {}; RequestId is a string or a number, never null; batches
 *    are not part of MCP since 2025-06-18. CallToolResult {content,
 *    structuredContent (an object in this era), isError}.
 *  - 2026-07-28 (modern era), basic/versioning and schema/2026-07-28:
 *    no handshake; params._meta["io.modelcontextprotocol/protocolVersion"]
 *    on every request; an unsupported version -> UnsupportedProtocolVersion
 *    Error code -32022, data {supported: [...], requested}; every Result
 *    carries resultType ("complete"); DiscoverResult and ListToolsResult
 *    are CacheableResults with ttlMs (>= 0) and cacheScope
 *    ("public"|"private"); DiscoverResult {supportedVersions,
 *    capabilities, instructions} plus serverInfo as the server/discover
 *    page shows it; _meta["io.modelcontextprotocol/serverInfo"] on every
 *    result (SHOULD); initialize and ping were removed (-32601 in this
 *    era); structuredContent may be any JSON value.
 *  - basic/utilities/cancellation (both eras): notifications/cancelled
 *    {requestId, reason?}; the receiver SHOULD stop the work and MUST NOT
 *    answer the cancelled request; an unknown or finished id is ignored.
 *    We cannot stop a check (the check modules have no cancel), so the
 *    call gives up its slot at once and its result is dropped when it
 *    comes.
 *  - A request without a protocol version in _meta is served in the
 *    legacy era (the dual-era rule: an initialize selects legacy
 *    semantics; we do not refuse requests that skip it).
 */
#include "mcp/mcp.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mcp/tools.h"
#include "net/ratelimit.h"
#include "util/util.h"

#define MCP_META_VERSION	"io.modelcontextprotocol/protocolVersion"
#define MCP_META_SERVERINFO	"io.modelcontextprotocol/serverInfo"
/* The tool list changes only with the binary: clients may keep it. */
#define MCP_LIST_TTL_MS		3600000

static const char mcp_instructions[] =
    "mxdiag diagnoses e-mail setups: audit_domain audits a whole domain "
    "(MX hosts, SPF, DMARC, DKIM, MTA-STS, blacklists, with a grade); "
    "check_identity checks one mail server's identity (PTR, iprev, banner, "
    "EHLO); check_spf, check_dmarc, check_dkim and check_blacklists check "
    "one part. Give domain names, host names or IP addresses, never URLs. "
    "Results are the same JSON as the mxdiag command line's "
    "--format json; a finding "
    "with status fail, warning or permerror is a problem, temperror means "
    "the check could not finish (try again later), never a verdict.";

enum mcp_era { MCP_ERA_LEGACY, MCP_ERA_MODERN };

struct mcp_call {
	struct mcp_server	*srv;	/* NULL once the server is gone */
	struct mcp_call		*next, *prev;
	json_t			*id;
	enum mcp_era		 era;
	/* notifications/cancelled named it: no reply, its slot is free, the
	 * check runs on until its callback (the check modules have no way
	 * to stop a run) and its result is dropped there. */
	bool			 cancelled;
};

struct mcp_server {
	struct mcp_config	 cfg;
	mcp_reply_fn		*reply;
	void			*arg;
	struct mcp_call		*calls;		/* running, cancelled ones too */
	size_t			 ncalls;	/* running, not cancelled: slots */
	size_t			 ncancelled;	/* cancelled, still running */
	bool			 initialized;	/* legacy handshake seen */
	struct ratelimit	*rl;		/* NULL: no rate limit */
	void			(*idle)(void *);
	void			*idle_arg;
};

/* Log to stderr, at most 64 bytes of peer text, escaped. */
static void
mcp_log_peer(const char *what, const char *s, size_t len)
{
	char out[64 * 4 + 1];
	size_t o = 0;

	for (size_t i = 0; i < len && i < 64; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, sizeof(out) - o,
			    "\\x%02x", c);
	}
	out[o] = '\0';
	fprintf(stderr, "mxdiag mcp: %s \"%s%s\"\n", what, out,
	    len > 64 ? "..." : "");
}

struct mcp_server *
mcp_server_new(const struct mcp_config *cfg, mcp_reply_fn *reply, void *arg)
{
	struct mcp_server *s = xcalloc(1, sizeof(*s));

	s->cfg = *cfg;
	if (s->cfg.version == NULL)
		s->cfg.version = "0.1.0";
	if (s->cfg.ehlo == NULL)
		s->cfg.ehlo = "mxdiag.invalid";
	if (s->cfg.timeout_ms <= 0)
		s->cfg.timeout_ms = 10000;
	s->reply = reply;
	s->arg = arg;
	if (cfg->rate_milli > 0) {
		struct ratelimit_config rc = { cfg->rate_milli,
		    cfg->burst ? cfg->burst : 1, 1 };

		s->rl = ratelimit_new(&rc);
	}
	return s;
}

void
mcp_server_free(struct mcp_server *s)
{
	if (s == NULL)
		return;
	for (struct mcp_call *c = s->calls; c != NULL; c = c->next)
		c->srv = NULL;
	ratelimit_free(s->rl);
	free(s);
}

size_t
mcp_server_pending(const struct mcp_server *s)
{
	return s->ncalls + s->ncancelled;
}

size_t
mcp_server_cancelled(const struct mcp_server *s)
{
	return s->ncancelled;
}

void
mcp_server_on_idle(struct mcp_server *s, void (*fn)(void *), void *arg)
{
	s->idle = fn;
	s->idle_arg = arg;
}

/* Serialise msg (stolen) on one line and hand it to the reply callback. */
static void
mcp_send(struct mcp_server *s, json_t *msg)
{
	char *text = json_dumps(msg, JSON_COMPACT);

	json_decref(msg);
	if (text == NULL) {
		fprintf(stderr, "mxdiag mcp: cannot serialise a reply\n");
		return;
	}
	s->reply(text, strlen(text), s->arg);
	free(text);
}

/* An error response; id and data are stolen (either may be NULL). */
static void
mcp_send_error(struct mcp_server *s, json_t *id, int code, const char *msg,
    json_t *data)
{
	json_t *err = json_pack("{s:i, s:s}", "code", code, "message", msg);

	if (data != NULL)
		json_object_set_new(err, "data", data);
	mcp_send(s, json_pack("{s:s, s:o, s:o}", "jsonrpc", "2.0", "id",
	    id ? id : json_null(), "error", err));
}

static json_t *
mcp_server_info(const struct mcp_server *s)
{
	return json_pack("{s:s, s:s}", "name", "mxdiag", "version",
	    s->cfg.version);
}

/* A result response; result and id are stolen. The modern era adds
 * resultType and the serverInfo _meta to every result. */
static void
mcp_send_result(struct mcp_server *s, json_t *id, enum mcp_era era,
    json_t *result)
{
	if (era == MCP_ERA_MODERN) {
		json_t *meta = json_object_get(result, "_meta");

		json_object_set_new(result, "resultType", json_string(
		    "complete"));
		if (!json_is_object(meta)) {
			meta = json_object();
			json_object_set_new(result, "_meta", meta);
		}
		json_object_set_new(meta, MCP_META_SERVERINFO,
		    mcp_server_info(s));
	}
	mcp_send(s, json_pack("{s:s, s:o, s:o}", "jsonrpc", "2.0", "id", id,
	    "result", result));
}

static json_t *
mcp_supported_versions(void)
{
	return json_pack("[s, s]", MCP_VERSION_MODERN, MCP_VERSION_LEGACY);
}

/*
 * The deepest nesting of arrays and objects in text, outside strings;
 * stops counting at limit + 1. Jansson has no run-time depth limit, and
 * a line of a million '[' must not reach its recursive parser.
 */
static int
mcp_json_depth(const char *p, size_t len, int limit)
{
	int depth = 0, max = 0;
	bool in_str = false;

	for (size_t i = 0; i < len; i++) {
		char c = p[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '"')
			in_str = true;
		else if (c == '[' || c == '{') {
			if (++depth > max && (max = depth) > limit)
				return max;
		} else if (c == ']' || c == '}')
			depth--;
	}
	return max;
}

/* ---- tool calls ---- */

static void
mcp_call_unlink(struct mcp_server *s, struct mcp_call *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		s->calls = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->next = c->prev = NULL;
}

static void
mcp_call_done(json_t *result, void *arg)
{
	struct mcp_call *c = arg;
	struct mcp_server *s = c->srv;

	if (s != NULL && !c->cancelled) {
		json_t *sc = json_object_get(result, "structuredContent");

		/* The legacy era's structuredContent is an object. */
		if (c->era == MCP_ERA_LEGACY && json_is_array(sc))
			json_object_set_new(result, "structuredContent",
			    json_pack("{s:O}", "addresses", sc));
		mcp_call_unlink(s, c);
		s->ncalls--;
		mcp_send_result(s, c->id, c->era, result);
		if (s->idle)
			s->idle(s->idle_arg);
	} else {
		/* The server is gone, or the client cancelled: no reply. */
		if (s != NULL) {
			mcp_call_unlink(s, c);
			s->ncancelled--;
		}
		json_decref(result);
		json_decref(c->id);
		if (s != NULL && s->idle)
			s->idle(s->idle_arg);
	}
	free(c);
}

/*
 * notifications/cancelled (both eras): every running tool call with that
 * id stops counting against MCP_CALLS_MAX and will never be answered.
 * Other requests are answered before the next line is read, so an id
 * that names none of the running calls (unknown, finished, not a tool
 * call) is ignored, as the spec asks.
 */
static void
mcp_cancel(struct mcp_server *s, json_t *params)
{
	json_t *rid = json_object_get(params, "requestId");
	const char *why = json_string_value(json_object_get(params, "reason"));
	char num[32] = "", *text;
	size_t found = 0;

	if (!json_is_string(rid) && !json_is_integer(rid))
		return;
	for (struct mcp_call *c = s->calls; c != NULL; c = c->next) {
		if (c->cancelled || !json_equal(c->id, rid))
			continue;
		c->cancelled = true;
		s->ncalls--;
		s->ncancelled++;
		found++;
	}
	/* One log line: the id, then the reason (a NUL in either just cuts
	 * the log short). */
	if (json_is_integer(rid))
		snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(rid));
	text = xasprintf(json_is_string(rid) ? "id \"%s\"%s%s" : "id %s%s%s",
	    json_is_string(rid) ? json_string_value(rid) : num,
	    why != NULL ? ": " : "", why != NULL ? why : "");
	mcp_log_peer(found ? "cancelled, will not answer" :
	    "cancel ignored, no tool call running with", text, strlen(text));
	free(text);
}

static void
mcp_tools_call_req(struct mcp_server *s, json_t *id, enum mcp_era era,
    json_t *params)
{
	json_t *name = json_object_get(params, "name");
	json_t *args = json_object_get(params, "arguments");
	struct mcp_tool_ctx ctx;
	struct mcp_call *c;
	json_t *empty = NULL;
	char err[256];
	enum mcp_tools_status st;

	if (!json_is_string(name)) {
		mcp_send_error(s, id, MCP_ERR_PARAMS, "params.name must be a "
		    "string", NULL);
		return;
	}
	if (args != NULL && !json_is_object(args)) {
		mcp_send_error(s, id, MCP_ERR_PARAMS, "params.arguments must "
		    "be an object", NULL);
		return;
	}
	if (s->rl != NULL) {
		/* One client on stdio: one bucket. */
		struct sockaddr sa = { .sa_family = AF_UNSPEC };
		uint64_t wait = ratelimit_take(s->rl, &sa,
		    (uint64_t)util_now_ms());

		if (wait > 0) {
			mcp_send_error(s, id, MCP_ERR_INTERNAL, "rate limit: "
			    "too many tool calls; try again later",
			    json_pack("{s:I}", "retryAfterMs",
			    (json_int_t)wait));
			return;
		}
	}
	if (s->ncalls >= MCP_CALLS_MAX) {
		mcp_send_error(s, id, MCP_ERR_INTERNAL, "too many tool calls "
		    "running; try again when some have answered", NULL);
		return;
	}
	/* Cancelled calls no longer hold a slot but still hold sockets and
	 * queries until their timeouts: bound them too. */
	if (s->ncancelled >= MCP_CANCELLED_MAX) {
		mcp_send_error(s, id, MCP_ERR_INTERNAL, "too many cancelled "
		    "tool calls still finishing; try again in a few seconds",
		    NULL);
		return;
	}
	if (args == NULL)
		args = empty = json_object();
	ctx.base = s->cfg.base;
	ctx.res = s->cfg.res;
	ctx.allow_private = s->cfg.allow_private;
	ctx.timeout_ms = s->cfg.timeout_ms;
	ctx.ehlo = s->cfg.ehlo;
	ctx.dns = s->cfg.dns;
	ctx.ca_file = s->cfg.ca_file;

	c = xcalloc(1, sizeof(*c));
	c->srv = s;
	c->id = id;
	c->era = era;
	c->next = s->calls;
	if (s->calls)
		s->calls->prev = c;
	s->calls = c;
	s->ncalls++;
	mcp_log_peer("tools/call", json_string_value(name),
	    json_string_length(name));
	st = mcp_tools_call(&ctx, json_string_value(name), args, mcp_call_done,
	    c, err, sizeof(err));
	json_decref(empty);
	if (st == MCP_TOOLS_STARTED)
		return;
	/* Not started: unlink, and answer with the protocol error. */
	s->calls = c->next;
	if (c->next)
		c->next->prev = NULL;
	s->ncalls--;
	free(c);
	mcp_send_error(s, id, MCP_ERR_PARAMS, err, NULL);
}

/* ---- requests ---- */

static void
mcp_initialize(struct mcp_server *s, json_t *id, json_t *params)
{
	json_t *pv = json_object_get(params, "protocolVersion");

	if (!json_is_string(pv)) {
		mcp_send_error(s, id, MCP_ERR_PARAMS, "params.protocolVersion "
		    "must be a string", NULL);
		return;
	}
	/* We speak one legacy version: a client asking for another gets
	 * ours and decides whether it can use it (lifecycle, version
	 * negotiation). A modern client does not send initialize. */
	s->initialized = true;
	mcp_send_result(s, id, MCP_ERA_LEGACY, json_pack(
	    "{s:s, s:{s:{}}, s:o, s:s}", "protocolVersion", MCP_VERSION_LEGACY,
	    "capabilities", "tools", "serverInfo", mcp_server_info(s),
	    "instructions", mcp_instructions));
}

static void
mcp_discover(struct mcp_server *s, json_t *id)
{
	mcp_send_result(s, id, MCP_ERA_MODERN, json_pack(
	    "{s:o, s:{s:{}}, s:o, s:s, s:i, s:s}", "supportedVersions",
	    mcp_supported_versions(), "capabilities", "tools", "serverInfo",
	    mcp_server_info(s), "instructions", mcp_instructions, "ttlMs",
	    MCP_LIST_TTL_MS, "cacheScope", "public"));
}

static void
mcp_tools_list_req(struct mcp_server *s, json_t *id, enum mcp_era era,
    json_t *params)
{
	json_t *cursor = json_object_get(params, "cursor");
	json_t *result;

	/* One page: no cursor we hand out, so none is valid. */
	if (cursor != NULL && !json_is_null(cursor)) {
		mcp_send_error(s, id, MCP_ERR_PARAMS, "invalid cursor", NULL);
		return;
	}
	result = json_pack("{s:o}", "tools", mcp_tools_list());
	if (era == MCP_ERA_MODERN) {
		json_object_set_new(result, "ttlMs", json_integer(
		    MCP_LIST_TTL_MS));
		json_object_set_new(result, "cacheScope", json_string("public"));
	}
	mcp_send_result(s, id, era, result);
}

/* A request (it has an id; id is stolen). */
static void
mcp_request(struct mcp_server *s, json_t *id, const char *method,
    json_t *params)
{
	json_t *meta = json_object_get(params, "_meta");
	json_t *pv = json_object_get(meta, MCP_META_VERSION);
	enum mcp_era era = MCP_ERA_LEGACY;

	if (meta != NULL && !json_is_object(meta)) {
		mcp_send_error(s, id, MCP_ERR_PARAMS, "params._meta must be an "
		    "object", NULL);
		return;
	}
	if (pv != NULL) {
		const char *v = json_string_value(pv);

		if (v == NULL) {
			mcp_send_error(s, id, MCP_ERR_PARAMS, "the protocol "
			    "version in _meta must be a string", NULL);
			return;
		}
		if (strcmp(v, MCP_VERSION_MODERN) == 0)
			era = MCP_ERA_MODERN;
		else if (strcmp(v, MCP_VERSION_LEGACY) != 0) {
			mcp_log_peer("unsupported protocol version", v,
			    json_string_length(pv));
			mcp_send_error(s, id, MCP_ERR_UNSUPPORTED_VERSION,
			    "Unsupported protocol version", json_pack(
			    "{s:o, s:O}", "supported", mcp_supported_versions(),
			    "requested", pv));
			return;
		}
	}

	if (strcmp(method, "server/discover") == 0)
		mcp_discover(s, id);
	else if (strcmp(method, "tools/list") == 0)
		mcp_tools_list_req(s, id, era, params);
	else if (strcmp(method, "tools/call") == 0)
		mcp_tools_call_req(s, id, era, params);
	else if (era == MCP_ERA_LEGACY && strcmp(method, "initialize") == 0)
		mcp_initialize(s, id, params);
	else if (era == MCP_ERA_LEGACY && strcmp(method, "ping") == 0)
		mcp_send_result(s, id, era, json_object());
	else
		mcp_send_error(s, id, MCP_ERR_METHOD, "Method not found",
		    json_pack("{s:s}", "method", method));
}

void
mcp_server_handle_line(struct mcp_server *s, const char *line, size_t len)
{
	json_error_t jerr;
	json_t *msg, *id, *method, *params, *version;

	if (len > MCP_LINE_MAX) {
		mcp_send_error(s, NULL, MCP_ERR_PARSE, "Parse error: line "
		    "longer than 1 MiB", NULL);
		return;
	}
	if (mcp_json_depth(line, len, MCP_DEPTH_MAX) > MCP_DEPTH_MAX) {
		mcp_send_error(s, NULL, MCP_ERR_PARSE, "Parse error: nested "
		    "too deeply", NULL);
		return;
	}
	/* JSON_DECODE_ANY: a bare scalar is valid JSON, so it is an invalid
	 * request rather than a parse error. No JSON_ALLOW_NUL. */
	msg = json_loadb(line, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES,
	    &jerr);
	if (msg == NULL) {
		mcp_log_peer("parse error on", line, len);
		mcp_send_error(s, NULL, MCP_ERR_PARSE, "Parse error", NULL);
		return;
	}
	if (json_is_array(msg)) {
		mcp_send_error(s, NULL, MCP_ERR_INVALID_REQUEST, "Invalid "
		    "Request: batches are not supported by MCP", NULL);
		goto out;
	}
	if (!json_is_object(msg)) {
		mcp_send_error(s, NULL, MCP_ERR_INVALID_REQUEST, "Invalid "
		    "Request: not an object", NULL);
		goto out;
	}
	id = json_object_get(msg, "id");
	method = json_object_get(msg, "method");
	params = json_object_get(msg, "params");
	version = json_object_get(msg, "jsonrpc");

	/* A notification is never answered, whatever it holds. */
	if (id == NULL) {
		const char *m = json_string_value(method);

		if (m != NULL && strcmp(m, "notifications/initialized") == 0)
			s->initialized = true;
		else if (m != NULL && strcmp(m, "notifications/cancelled") == 0)
			mcp_cancel(s, params);
		goto out;
	}
	/* Responses from the client: we send no requests, so ignore. */
	if (method == NULL && (json_object_get(msg, "result") != NULL ||
	    json_object_get(msg, "error") != NULL))
		goto out;
	if (!json_is_string(id) && !json_is_integer(id)) {
		mcp_send_error(s, NULL, MCP_ERR_INVALID_REQUEST, "Invalid "
		    "Request: id must be a string or an integer", NULL);
		goto out;
	}
	if (!json_is_string(version) || strcmp(json_string_value(version),
	    "2.0") != 0) {
		mcp_send_error(s, json_incref(id), MCP_ERR_INVALID_REQUEST,
		    "Invalid Request: jsonrpc must be \"2.0\"", NULL);
		goto out;
	}
	if (!json_is_string(method)) {
		mcp_send_error(s, json_incref(id), MCP_ERR_INVALID_REQUEST,
		    "Invalid Request: method must be a string", NULL);
		goto out;
	}
	if (params != NULL && !json_is_object(params)) {
		mcp_send_error(s, json_incref(id), MCP_ERR_PARAMS, "params must "
		    "be an object", NULL);
		goto out;
	}
	mcp_request(s, json_incref(id), json_string_value(method), params);
out:
	json_decref(msg);
}

/* ---- stdio ---- */

struct mcp_stdio {
	struct event_base	*base;
	struct mcp_server	*srv;
	struct event		*rd;
	char			*buf;		/* MCP_LINE_MAX + 1 */
	size_t			 len;
	bool			 discarding;	/* inside a too-long line */
	bool			 eof;
	bool			 file;		/* stdin is a regular file */
	int			 rc;
};

void
mcp_stdio_reply(const char *line, size_t len, void *arg)
{
	const char *p = line;
	size_t left = len;
	bool nl = false;

	(void)arg;
	/* Blocking writes: a reply is out whole before the next begins, so
	 * lines never interleave. */
	while (left > 0 || !nl) {
		ssize_t n;

		if (left == 0) {
			p = "\n";
			left = 1;
			nl = true;
		}
		n = write(STDOUT_FILENO, p, left);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "mxdiag mcp: stdout: %s\n",
			    strerror(errno));
			return;
		}
		p += n;
		left -= (size_t)n;
	}
}

static void
mcp_stdio_maybe_done(void *arg)
{
	struct mcp_stdio *io = arg;

	/* loopexit, not loopbreak: this runs inside the last call's
	 * callback, and what that call's modules made active to free
	 * themselves (the SMTP probe's reap event) must still run. */
	if (io->eof && mcp_server_pending(io->srv) == 0)
		event_base_loopexit(io->base, NULL);
}

/* Hand every complete line in the buffer to the server. */
static void
mcp_stdio_lines(struct mcp_stdio *io)
{
	size_t start = 0;
	char *nl;

	while ((nl = memchr(io->buf + start, '\n', io->len - start)) != NULL) {
		size_t end = (size_t)(nl - io->buf), llen = end - start;

		if (io->discarding) {
			io->discarding = false;
		} else {
			if (llen > 0 && io->buf[start + llen - 1] == '\r')
				llen--;
			if (llen > 0)
				mcp_server_handle_line(io->srv, io->buf + start,
				    llen);
		}
		start = end + 1;
	}
	memmove(io->buf, io->buf + start, io->len - start);
	io->len -= start;
	if (io->len == MCP_LINE_MAX + 1) {
		/* No newline in MCP_LINE_MAX + 1 bytes: too long. Answer
		 * once and drop the rest of the line as it comes. */
		if (!io->discarding) {
			fprintf(stderr, "mxdiag mcp: line longer than %d "
			    "bytes discarded\n", MCP_LINE_MAX);
			mcp_send_error(io->srv, NULL, MCP_ERR_PARSE, "Parse "
			    "error: line longer than 1 MiB", NULL);
		}
		io->discarding = true;
		io->len = 0;
	}
}

static void
mcp_stdio_read(evutil_socket_t fd, short what, void *arg)
{
	struct mcp_stdio *io = arg;
	ssize_t n;

	(void)what;
	(void)fd;
	n = read(STDIN_FILENO, io->buf + io->len, MCP_LINE_MAX + 1 - io->len);
	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return;
		fprintf(stderr, "mxdiag mcp: stdin: %s\n", strerror(errno));
		io->rc = -1;
		n = 0;
	}
	if (n > 0) {
		io->len += (size_t)n;
		mcp_stdio_lines(io);
		/* A file never blocks, and epoll cannot watch one: read on
		 * from the loop, after what the calls have to do. */
		if (io->file)
			event_active(io->rd, EV_READ, 0);
		return;
	}
	/* EOF: a last line without its newline still counts. */
	if (io->len > 0 && !io->discarding)
		mcp_server_handle_line(io->srv, io->buf, io->len);
	io->len = 0;
	io->eof = true;
	event_del(io->rd);
	fprintf(stderr, "mxdiag mcp: end of input, %zu call%s running "
	    "(%zu cancelled)\n", mcp_server_pending(io->srv),
	    mcp_server_pending(io->srv) == 1 ? "" : "s",
	    mcp_server_cancelled(io->srv));
	mcp_stdio_maybe_done(io);
}

int
mcp_stdio_run(struct event_base *base, struct mcp_server *s)
{
	struct mcp_stdio io;
	struct stat st;
	int added;

	memset(&io, 0, sizeof(io));
	io.base = base;
	io.srv = s;
	io.buf = xcalloc(1, MCP_LINE_MAX + 1);
	io.file = fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode);
	io.rd = event_new(base, io.file ? -1 : STDIN_FILENO,
	    io.file ? 0 : EV_READ | EV_PERSIST, mcp_stdio_read, &io);
	added = io.rd == NULL ? -1 : io.file ? (event_active(io.rd, EV_READ, 0),
	    0) : event_add(io.rd, NULL);
	if (added != 0) {
		fprintf(stderr, "mxdiag mcp: cannot watch stdin\n");
		if (io.rd)
			event_free(io.rd);
		free(io.buf);
		return -1;
	}
	mcp_server_on_idle(s, mcp_stdio_maybe_done, &io);
	event_base_dispatch(base);
	mcp_server_on_idle(s, NULL, NULL);
	event_free(io.rd);
	free(io.buf);
	return io.rc;
}
