/* SPDX-License-Identifier: MIT */
/*
 * `mxdiag mcp`: a Model Context Protocol server speaking newline-delimited
 * JSON-RPC 2.0. The message handling is separate from stdio so that it can
 * be tested line by line: mcp_server_handle_line() takes one input line and
 * hands every reply line to the caller's callback. Tool calls run on the
 * event loop with the DNS engine, so their replies may come later and out
 * of order (JSON-RPC allows it).
 */
#ifndef MXDIAG_MCP_MCP_H
#define MXDIAG_MCP_MCP_H

#include <event2/event.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/resolver.h"

/* The two protocol eras served by one process (docs/mcp.md). */
#define MCP_VERSION_MODERN	"2026-07-28"	/* stateless, server/discover */
#define MCP_VERSION_LEGACY	"2025-11-25"	/* initialize handshake */

/* A line longer than this is refused (-32700) and discarded. */
#define MCP_LINE_MAX		(1024 * 1024)
/* JSON nesting deeper than this is refused as a parse error. */
#define MCP_DEPTH_MAX		32
/* Tool calls running at once; more are answered with an error. */
#define MCP_CALLS_MAX		64
/* Cancelled tool calls still finishing (each ends within its timeouts);
 * a new call beyond this is answered with an error. */
#define MCP_CANCELLED_MAX	64

/* JSON-RPC and MCP error codes. */
#define MCP_ERR_PARSE		(-32700)
#define MCP_ERR_INVALID_REQUEST	(-32600)
#define MCP_ERR_METHOD		(-32601)
#define MCP_ERR_PARAMS		(-32602)
#define MCP_ERR_INTERNAL	(-32603)
#define MCP_ERR_UNSUPPORTED_VERSION (-32022)

struct mcp_config {
	struct event_base	*base;
	dns_resolver		*res;	/* borrowed; NULL: tools that need DNS
					 * answer isError (unit tests) */
	bool			 allow_private;	/* --allow-private */
	int			 timeout_ms;	/* DNS and SMTP phases */
	const char		*ehlo;		/* borrowed; outlives the server */
	/* borrowed; the DNS servers named in reports ("resolvers"), NULL:
	 * none named */
	const struct dns_config	*dns;
	const char		*ca_file;	/* borrowed; --ca-file, NULL:
						 * the system's trust store */
	const char		*version;	/* serverInfo.version */
	/* tools/call: rate_milli calls per 1000 s, bursts of burst (the
	 * token bucket of `mxdiag serve`); 0: no limit. */
	uint32_t		 rate_milli;
	uint32_t		 burst;
};

struct mcp_server;

/*
 * Called with one reply line (valid JSON, no newline; borrowed for the
 * call). Replies to tool calls come from the event loop, others before
 * mcp_server_handle_line() returns.
 */
typedef void mcp_reply_fn(const char *line, size_t len, void *arg);

/* Returns a server; cfg is copied (its pointers are borrowed). */
struct mcp_server *mcp_server_new(const struct mcp_config *cfg,
    mcp_reply_fn *reply, void *arg);
/* Calls still running are detached: their results are dropped. NULL is a
 * no-op. */
void mcp_server_free(struct mcp_server *s);

/*
 * Handle one message: line is the text between two newlines (len bytes,
 * not NUL-terminated, may hold anything). Produces zero replies (a
 * notification, or a tool call that answers later) or one.
 */
void mcp_server_handle_line(struct mcp_server *s, const char *line,
    size_t len);
/* Tool calls still running, cancelled ones included (the loop must run
 * until they finish). */
size_t mcp_server_pending(const struct mcp_server *s);
/* Of those, the cancelled ones: they will never be answered. */
size_t mcp_server_cancelled(const struct mcp_server *s);
/* Called each time a running call finishes (for the stdio loop's EOF
 * handling); NULL clears it. */
void mcp_server_on_idle(struct mcp_server *s, void (*fn)(void *), void *arg);

/*
 * Serve stdin/stdout on base until EOF on stdin and every call has
 * answered. Lines are read into a bounded buffer (MCP_LINE_MAX). Returns
 * 0, or -1 on a read error (logged to stderr).
 */
int mcp_stdio_run(struct event_base *base, struct mcp_server *s);
/* The reply callback for mcp_stdio_run(): writes line and '\n' to fd 1. */
void mcp_stdio_reply(const char *line, size_t len, void *arg);

#endif
