/* SPDX-License-Identifier: MIT */
/*
 * The tools `mxdiag mcp` offers (tools.c), behind a small interface for
 * the protocol layer (mcp.c): the list of definitions, and a call that
 * finishes through a callback. Internal to src/mcp.
 */
#ifndef MXDIAG_MCP_TOOLS_H
#define MXDIAG_MCP_TOOLS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "report/finding.h"

#include "mcp/mcp.h"

struct mcp_tool_ctx {
	struct event_base	*base;
	dns_resolver		*res;		/* NULL: no DNS (tests) */
	bool			 allow_private;
	int			 timeout_ms;
	const char		*ehlo;
	const struct dns_config	*dns;		/* for reports; may be NULL */
	const char		*ca_file;	/* TLS trust; NULL: system */
};

/*
 * Called exactly once with a CallToolResult (content, structuredContent,
 * isError; no resultType: the protocol layer adds what the era needs).
 * The caller of mcp_tools_call() owns result from then on.
 */
typedef void mcp_tool_done(json_t *result, void *arg);

/* The tool definitions for tools/list (a new array). */
json_t *mcp_tools_list(void);

enum mcp_tools_status {
	MCP_TOOLS_STARTED = 0,	/* done will be (or was already) called */
	MCP_TOOLS_UNKNOWN,	/* no tool of that name */
	MCP_TOOLS_BAD_ARGS,	/* arguments break the input schema */
};

/*
 * Start tool name with args (an object, borrowed for the call). On
 * MCP_TOOLS_STARTED, done is called exactly once, possibly before this
 * returns (a refused target); otherwise never, and err says why.
 */
enum mcp_tools_status mcp_tools_call(const struct mcp_tool_ctx *ctx,
    const char *name, json_t *args, mcp_tool_done *done, void *arg,
    char *err, size_t errlen);

/* Problems named in a tool's text summary. */
#define MCP_PROBLEMS_MAX	3

/* One tool: its definition for tools/list (new) and its call, as
 * mcp_tools_call() describes. */
struct mcp_tool {
	const char		*name;
	json_t			*(*definition)(void);
	enum mcp_tools_status	(*call)(const struct mcp_tool_ctx *, json_t *,
				    mcp_tool_done *, void *, char *, size_t);
};
extern const struct mcp_tool mcp_tool_check_spf, mcp_tool_check_dmarc,
    mcp_tool_check_bimi, mcp_tool_check_dkim, mcp_tool_check_blacklists, mcp_tool_audit_domain;

/* Why spec is not a host name or an address, for a target that is
 * neither (a URL, a path, a port): a sentence for the model. */
const char *mcp_target_problem(const char *spec);

/* ---- helpers shared by the tools (dns_tools.c) ---- */

#define MCP_NAME_MAX	253	/* a domain name, no final dot */
#define MCP_ARRAY_MAX	256	/* items of an array argument */

/* Argument kinds, checked before anything starts: a violation of the
 * input schema is a protocol error (-32602), as for check_identity. */
enum mcp_arg_kind {
	MCP_ARG_STRING,
	MCP_ARG_BOOL,
	MCP_ARG_STRINGS,	/* 1 to MCP_ARRAY_MAX strings */
	MCP_ARG_PORT,		/* an integer from 1 to 65535 */
};

struct mcp_arg {
	const char		*name;
	enum mcp_arg_kind	 kind;
	bool			 required;
};

/* False with a message in err when args has a key spec does not name,
 * a value of the wrong kind, or lacks a required one. */
bool mcp_args_check(const char *tool, const struct mcp_arg *spec, size_t n,
    json_t *args, char *err, size_t errlen);
/* A string argument (borrowed from v), or NULL when it holds a NUL, is
 * longer than max, or is not printable ASCII. */
const char *mcp_arg_string(json_t *v, size_t max);
/* Why s cannot be checked as a domain name (NULL s included: a bad
 * string), or NULL when it can. */
const char *mcp_domain_problem(const char *s);
/* A tool definition (new); schema is JSON text. */
json_t *mcp_tool_definition(const char *name, const char *title,
    const char *description, const char *schema);
/* Run fn(-1, EV_TIMEOUT, arg) from the next turn of base's loop. */
void mcp_defer(struct event_base *base, event_callback_fn fn, void *arg);
/* Append the problems of fl to m as "- [what: ]status code: title"
 * lines, MCP_PROBLEMS_MAX in all across calls (*nprob counts). */
void mcp_summary_problems(FILE *m, const char *what,
    const struct finding_list *fl, size_t *nprob);

/* The first line of a summary: subject, the verdict of exit_code
 * (FINDING_EXIT_*), the worst status. */
void mcp_summary_verdict(FILE *m, const char *subject, int exit_code,
    enum finding_status worst);
/* A CallToolResult: the text written to m (an open_memstream over
 * *bufp; closed and freed here), doc as structuredContent (taken). */
json_t *mcp_tool_result(FILE *m, char **bufp, json_t *doc, size_t nprob);
/* True when ctx has a resolver and a loop; else done gets isError and
 * false is returned. */
bool mcp_have_dns(const struct mcp_tool_ctx *ctx, mcp_tool_done *done,
    void *arg);

/* A CallToolResult with isError true and one text block (new). */
json_t *mcp_tool_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

#endif
