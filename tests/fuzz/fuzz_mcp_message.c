/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the MCP message handling of `mxdiag mcp`
 * (mcp/mcp.c, mcp/tools.c), without a resolver: one input is one line.
 * Broken invariants crash: at most one reply, and a reply is one line of
 * valid JSON, an object with jsonrpc "2.0", an id, and exactly one of
 * result and error.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcp/mcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int nreplies;

static void
check_reply(const char *line, size_t len, void *arg)
{
	json_error_t err;
	json_t *msg, *v;

	(void)arg;
	nreplies++;
	if (memchr(line, '\n', len) != NULL || memchr(line, '\r', len) != NULL)
		abort();
	msg = json_loadb(line, len, 0, &err);
	if (!json_is_object(msg))
		abort();
	v = json_object_get(msg, "jsonrpc");
	if (!json_is_string(v) || strcmp(json_string_value(v), "2.0") != 0)
		abort();
	if (json_object_get(msg, "id") == NULL)
		abort();
	if ((json_object_get(msg, "result") == NULL) ==
	    (json_object_get(msg, "error") == NULL))
		abort();
	json_decref(msg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mcp_config cfg;
	struct mcp_server *s;

	memset(&cfg, 0, sizeof(cfg));
	s = mcp_server_new(&cfg, check_reply, NULL);
	nreplies = 0;
	mcp_server_handle_line(s, (const char *)data, size);
	/* No resolver: every tool call answers at once. */
	if (nreplies > 1 || mcp_server_pending(s) != 0)
		abort();
	mcp_server_free(s);
	return 0;
}
