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

#include "mcp/mcp.h"

struct mcp_tool_ctx {
	struct event_base	*base;
	dns_resolver		*res;		/* NULL: no DNS (tests) */
	bool			 allow_private;
	int			 timeout_ms;
	const char		*ehlo;
	const struct dns_config	*dns;		/* for reports; may be NULL */
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
    mcp_tool_check_dkim, mcp_tool_check_blacklists;

/* Why spec is not a host name or an address, for a target that is
 * neither (a URL, a path, a port): a sentence for the model. */
const char *mcp_target_problem(const char *spec);

/* A CallToolResult with isError true and one text block (new). */
json_t *mcp_tool_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

#endif
