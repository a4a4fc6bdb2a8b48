/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for mcp/mcp.c and mcp/tools.c without stdio and without DNS:
 * a table of input lines, each with the reply it must give (none, a
 * result, or an error code) and members the reply must or must not
 * have; then the tool calls that end before any lookup (refused targets)
 * and the line limit; then notifications/cancelled, with tool calls kept
 * running by a DNS server that is a socket of this test on 127.0.0.1,
 * answering (REFUSED) only when the test says.
 */
#include <arpa/inet.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "mcp/mcp.h"

#define V26	"\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":" \
		"\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}"
#define V25	"\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":" \
		"\"2025-11-25\"}"
#define NONE	1		/* no reply at all */

struct replies {
	int	 n;
	json_t	*last;
	json_t	*ids;		/* NULL, or every reply's id, in order */
};

static void
capture(const char *line, size_t len, void *arg)
{
	struct replies *r = arg;
	json_error_t err;

	assert_null(memchr(line, '\n', len));
	r->n++;
	json_decref(r->last);
	r->last = json_loadb(line, len, 0, &err);
	assert_non_null(r->last);
	if (r->ids != NULL)
		json_array_append(r->ids, json_object_get(r->last, "id"));
}

/* Follow a dotted path ("result.tools.0.name"); digits index arrays. */
static json_t *
path_get(json_t *j, const char *path)
{
	char buf[256], *save = NULL, *tok;

	snprintf(buf, sizeof(buf), "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok && j;
	    tok = strtok_r(NULL, ".", &save)) {
		if (json_is_array(j))
			j = json_array_get(j, strtoul(tok, NULL, 10));
		else
			j = json_object_get(j, tok);
	}
	return j;
}

static const struct {
	const char	*line;
	int		 code;		/* 0: a result; NONE: no reply */
	const char	*id;		/* the id as JSON text, "null" */
	const char	*has[6];	/* paths that must exist */
	const char	*lacks[3];	/* paths that must not */
	const char	*equal[3];	/* "path=json" */
} rows[] = {
	/* 2025-11-25: the handshake era */
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
	    "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
	    "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}", 0, "1",
	    { "result.capabilities.tools", "result.serverInfo.version",
	    "result.instructions" }, { "result.resultType" },
	    { "result.protocolVersion=\"2025-11-25\"",
	    "result.serverInfo.name=\"mxdiag\"" } },
	/* a version we do not speak: we answer with ours */
	{ "{\"jsonrpc\":\"2.0\",\"id\":\"i\",\"method\":\"initialize\","
	    "\"params\":{\"protocolVersion\":\"2024-11-05\",\"capabilities\":{},"
	    "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}", 0, "\"i\"",
	    { "result.serverInfo" }, { NULL },
	    { "result.protocolVersion=\"2025-11-25\"" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
	    "\"params\":{}}", -32602, "1", { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
	    NONE, NULL, { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}", 0, "2",
	    { "result" }, { "result.resultType" }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}", 0, "3",
	    { "result.tools.0.inputSchema.properties.target",
	    "result.tools.0.description" },
	    { "result.resultType", "result.ttlMs" },
	    { "result.tools.0.name=\"check_identity\"",
	    "result.tools.0.inputSchema.required=[\"target\"]",
	    "result.tools.0.inputSchema.type=\"object\"" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\",\"params\":{"
	    V25 "}}", 0, "4", { "result.tools.0" }, { "result.resultType",
	    "result.cacheScope" }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\",\"params\":"
	    "{\"cursor\":\"x\"}}", -32602, "5", { NULL }, { NULL }, { NULL } },

	/* 2026-07-28: stateless */
	{ "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"server/discover\","
	    "\"params\":{" V26 "}}", 0, "10",
	    { "result.capabilities.tools", "result.serverInfo.name",
	    "result.instructions", "result.ttlMs",
	    "result._meta" }, { NULL },
	    { "result.supportedVersions=[\"2026-07-28\",\"2025-11-25\"]",
	    "result.resultType=\"complete\"",
	    "result.cacheScope=\"public\"" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"tools/list\",\"params\":{"
	    V26 "}}", 0, "11", { "result.tools.0.inputSchema", "result.ttlMs" },
	    { NULL }, { "result.resultType=\"complete\"",
	    "result.cacheScope=\"public\"",
	    "result.tools.0.name=\"check_identity\"" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"tools/list\",\"params\":"
	    "{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":"
	    "\"1999-01-01\"}}}", -32022, "12", { NULL }, { NULL },
	    { "error.data.supported=[\"2026-07-28\",\"2025-11-25\"]",
	    "error.data.requested=\"1999-01-01\"" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":13,\"method\":\"server/discover\","
	    "\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":"
	    "\"2099-12-31\"}}}", -32022, "13", { "error.data.supported" },
	    { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":14,\"method\":\"tools/list\",\"params\":"
	    "{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":7}}}",
	    -32602, "14", { NULL }, { NULL }, { NULL } },
	/* removed in 2026-07-28 */
	{ "{\"jsonrpc\":\"2.0\",\"id\":15,\"method\":\"ping\",\"params\":{"
	    V26 "}}", -32601, "15", { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":16,\"method\":\"initialize\",\"params\":{"
	    V26 ",\"protocolVersion\":\"2026-07-28\"}}", -32601, "16", { NULL },
	    { NULL }, { NULL } },
	/* tools/call: errors of the protocol, not of the tool */
	{ "{\"jsonrpc\":\"2.0\",\"id\":17,\"method\":\"tools/call\",\"params\":{"
	    V26 ",\"name\":\"audit_domain\",\"arguments\":{}}}", -32602, "17",
	    { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":18,\"method\":\"tools/call\",\"params\":{"
	    V26 ",\"name\":\"check_identity\",\"arguments\":{}}}", -32602, "18",
	    { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":19,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_identity\",\"arguments\":"
	    "{\"target\":\"192.0.2.1\","
	    "\"port\":0}}}", -32602, "19", { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":20,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_identity\",\"arguments\":"
	    "{\"target\":\"192.0.2.1\","
	    "\"no_smtp\":\"yes\"}}}", -32602, "20", { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":21,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_identity\",\"arguments\":"
	    "{\"target\":\"192.0.2.1\","
	    "\"url\":\"x\"}}}", -32602, "21", { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":22,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":7}}", -32602, "22", { NULL }, { NULL }, { NULL } },
	/* tools/call: errors of the tool (isError), in both eras */
	{ "{\"jsonrpc\":\"2.0\",\"id\":23,\"method\":\"tools/call\",\"params\":{"
	    V26 ",\"name\":\"check_identity\",\"arguments\":{\"target\":"
	    "\"https://mail.example.com/\"}}}", 0, "23",
	    { "result.content.0.text" }, { "result.structuredContent" },
	    { "result.isError=true", "result.resultType=\"complete\"",
	    "result.content.0.type=\"text\"" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":24,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_identity\",\"arguments\":{\"target\":"
	    "\"smtp://mail.example.com\"}}}", 0, "24", { "result.content.0" },
	    { "result.resultType" }, { "result.isError=true" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":25,\"method\":\"tools/call\",\"params\":{"
	    V26 ",\"name\":\"check_identity\",\"arguments\":{\"target\":"
	    "\"10.1.2.3\",\"no_smtp\":true}}}", 0, "25", { "result.content.0" },
	    { NULL }, { "result.isError=true" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":26,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_identity\",\"arguments\":{\"target\":\"::1\"}}}",
	    0, "26", { NULL }, { NULL }, { "result.isError=true" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":27,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_identity\",\"arguments\":{\"target\":"
	    "\"mail.example.com:25\"}}}", 0, "27", { NULL }, { NULL },
	    { "result.isError=true" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":28,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_identity\",\"arguments\":{\"target\":"
	    "\"192.0.2.1\",\"expected_name\":\"not a name\"}}}", 0, "28",
	    { NULL }, { NULL }, { "result.isError=true" } },

	/* the DNS tools: arguments that break the schema (-32602) */
	{ "{\"jsonrpc\":\"2.0\",\"id\":50,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_spf\",\"arguments\":{}}}", -32602, "50",
	    { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":51,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_spf\",\"arguments\":"
	    "{\"domain\":7}}}", -32602, "51",
	    { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":52,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_spf\",\"arguments\":"
	    "{\"domain\":\"example.com\",\"url\":\"x\"}}}", -32602, "52",
	    { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":53,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_dmarc\",\"arguments\":{}}}", -32602, "53",
	    { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":54,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_dmarc\",\"arguments\":"
	    "{\"domain\":\"example.com\",\"record\":true}}}", -32602, "54",
	    { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":55,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_dkim\",\"arguments\":"
	    "{\"selector\":[\"s1\"]}}}", -32602, "55",
	    { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":56,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_dkim\",\"arguments\":"
	    "{\"domain\":\"example.com\",\"selector\":\"s1\"}}}", -32602, "56",
	    { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":57,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_dkim\",\"arguments\":"
	    "{\"domain\":\"example.com\",\"selector\":[]}}}", -32602, "57",
	    { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":58,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_blacklists\",\"arguments\":{}}}", -32602, "58",
	    { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":59,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_blacklists\",\"arguments\":"
	    "{\"targets\":[]}}}", -32602, "59",
	    { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":60,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_blacklists\",\"arguments\":"
	    "{\"targets\":\"192.0.2.1\"}}}", -32602, "60",
	    { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":61,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_blacklists\",\"arguments\":"
	    "{\"targets\":[7]}}}", -32602, "61",
	    { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":62,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_blacklists\",\"arguments\":"
	    "{\"targets\":[\"192.0.2.1\"],\"lists\":[\"x\"]}}}", -32602, "62",
	    { NULL }, { NULL }, { NULL } },
	/* the DNS tools: refused targets and no resolver (isError) */
	{ "{\"jsonrpc\":\"2.0\",\"id\":70,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_spf\",\"arguments\":"
	    "{\"domain\":\"https://example.com/\"}}}", 0, "70",
	    { "result.content.0.text" }, { "result.structuredContent" },
	    { "result.isError=true" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":71,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_spf\",\"arguments\":"
	    "{\"domain\":\"192.0.2.1\"}}}", 0, "71",
	    { "result.content.0.text" }, { "result.structuredContent" },
	    { "result.isError=true" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":72,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_spf\",\"arguments\":"
	    "{\"record\":\"v=spf1 -all\"}}}", 0, "72",
	    { "result.content.0.text" }, { "result.structuredContent" },
	    { "result.isError=true" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":73,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_spf\",\"arguments\":"
	    "{\"domain\":\"example.com\"}}}", 0, "73",
	    { "result.content.0.text" }, { "result.structuredContent" },
	    { "result.isError=true" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":74,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_dmarc\",\"arguments\":"
	    "{\"domain\":\"http://example.com\"}}}", 0, "74",
	    { "result.content.0.text" }, { "result.structuredContent" },
	    { "result.isError=true" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":75,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_dmarc\",\"arguments\":"
	    "{\"domain\":\"user@example.com\"}}}", 0, "75",
	    { "result.content.0.text" }, { "result.structuredContent" },
	    { "result.isError=true" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":76,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_dmarc\",\"arguments\":"
	    "{\"domain\":\"example.com\"}}}", 0, "76",
	    { "result.content.0.text" }, { "result.structuredContent" },
	    { "result.isError=true" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":77,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_dkim\",\"arguments\":"
	    "{\"domain\":\"example.com/x\"}}}", 0, "77",
	    { "result.content.0.text" }, { "result.structuredContent" },
	    { "result.isError=true" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":78,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_dkim\",\"arguments\":"
	    "{\"domain\":\"example.com\",\"record\":\"v=DKIM1; p=\"}}}",
	    0, "78",
	    { "result.content.0.text" }, { "result.structuredContent" },
	    { "result.isError=true" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":79,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_dkim\",\"arguments\":"
	    "{\"domain\":\"example.com\",\"selector\":[\"a b\"]}}}", 0, "79",
	    { "result.content.0.text" }, { "result.structuredContent" },
	    { "result.isError=true" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":80,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_dkim\",\"arguments\":"
	    "{\"domain\":\"example.com\"}}}", 0, "80",
	    { "result.content.0.text" }, { "result.structuredContent" },
	    { "result.isError=true" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":81,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_blacklists\",\"arguments\":"
	    "{\"targets\":[\"192.0.2.1\",\"https://evil.example/\"]}}}",
	    0, "81",
	    { "result.content.0.text" }, { "result.structuredContent" },
	    { "result.isError=true" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":82,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_blacklists\",\"arguments\":"
	    "{\"targets\":[\"mail.example.com:25\"]}}}", 0, "82",
	    { "result.content.0.text" }, { "result.structuredContent" },
	    { "result.isError=true" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":83,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_blacklists\",\"arguments\":"
	    "{\"targets\":[\"192.0.2.1\"]}}}", 0, "83",
	    { "result.content.0.text" }, { "result.structuredContent" },
	    { "result.isError=true" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":84,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_spf\",\"arguments\":"
	    "{\"domain\":\"example.com\",\"sender\":\"a\\u0001b@example.com\"}}}",
	    0, "84",
	    { "result.content.0.text" }, { "result.structuredContent" },
	    { "result.isError=true" } },
	/* audit_domain: schema violations, refused arguments, no resolver */
	{ "{\"jsonrpc\":\"2.0\",\"id\":63,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"audit_domain\",\"arguments\":"
	    "{\"domain\":\"example.com\",\"ip\":\"192.0.2.1\"}}}", -32602, "63",
	    { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":64,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"audit_domain\",\"arguments\":"
	    "{\"domain\":\"example.com\",\"no_smtp\":\"yes\"}}}", -32602, "64",
	    { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":65,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"audit_domain\",\"arguments\":"
	    "{\"domain\":\"example.com\",\"port\":0}}}", -32602, "65",
	    { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":86,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"audit_domain\",\"arguments\":"
	    "{\"domain\":\"https://example.com/\"}}}", 0, "86",
	    { "result.content.0.text" }, { "result.structuredContent" },
	    { "result.isError=true" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":87,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"audit_domain\",\"arguments\":"
	    "{\"domain\":\"example.com\",\"ip\":[\"192.0.2.1:25\"]}}}", 0, "87",
	    { "result.content.0.text" }, { "result.structuredContent" },
	    { "result.isError=true" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":88,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"audit_domain\",\"arguments\":"
	    "{\"domain\":\"example.com\",\"helo\":\"not a name\"}}}", 0, "88",
	    { "result.content.0.text" }, { "result.structuredContent" },
	    { "result.isError=true" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":89,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"audit_domain\",\"arguments\":"
	    "{\"domain\":\"example.com\",\"selector\":[\"a/b\"]}}}", 0, "89",
	    { "result.content.0.text" }, { "result.structuredContent" },
	    { "result.isError=true" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":90,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"audit_domain\",\"arguments\":"
	    "{\"domain\":\"example.com\",\"no_smtp\":true}}}", 0, "90",
	    { "result.content.0.text" }, { "result.structuredContent" },
	    { "result.isError=true" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":91,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"audit_domain\",\"arguments\":"
	    "{\"domain\":\"2001:db8::1\"}}}", 0, "91",
	    { "result.content.0.text" }, { "result.structuredContent" },
	    { "result.isError=true" } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":66,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"audit_domain\",\"arguments\":"
	    "{\"domain\":\"example.com\",\"selector\":[\"s1\"],\"url\":\"x\"}}}",
	    -32602, "66", { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":92,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"audit_domain\",\"arguments\":"
	    "{\"domain\":\"example.com\",\"port\":2525}}}", 0, "92",
	    { "result.content.0.text" }, { "result.structuredContent" },
	    { "result.isError=true" } },
	/* a DKIM draft needs no DNS: the whole document of `mxdiag dkim` */
	{ "{\"jsonrpc\":\"2.0\",\"id\":85,\"method\":\"tools/call\",\"params\":{"
	    "\"name\":\"check_dkim\",\"arguments\":{\"domain\":\"example.com\","
	    "\"selector\":[\"s1\"],\"record\":\"v=DKIM1; k=rsa; p=\"}}}", 0,
	    "85", { "result.content.0.text", "result.structuredContent.selectors",
	    "result.structuredContent.summary.exit_code",
	    "result.structuredContent.resolvers" }, { NULL },
	    { "result.isError=false",
	    "result.structuredContent.schema=\"mxdiag.dkim/1\"",
	    "result.structuredContent.domain=\"example.com\"" } },

	/* JSON-RPC */
	{ "{\"jsonrpc\":\"2.0\",\"id\":30,\"method\":\"tools/li", -32700, "null",
	    { NULL }, { NULL }, { NULL } },
	{ "not json at all", -32700, "null", { NULL }, { NULL }, { NULL } },
	{ "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]"
	    "]]]]]]]]]]]]]", -32700, "null", { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":31,\"method\":\"no/such\"}", -32601,
	    "31", { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":32,\"method\":\"no/such\",\"params\":{"
	    V26 "}}", -32601, "32", { NULL }, { NULL }, { NULL } },
	/* notifications are never answered, whatever they are */
	{ "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/no_such\"}", NONE,
	    NULL, { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"method\":42}", NONE, NULL, { NULL }, { NULL },
	    { NULL } },
	{ "{\"jsonrpc\":\"1.0\",\"method\":\"tools/list\"}", NONE, NULL,
	    { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
	    "\"params\":{\"requestId\":1}}", NONE, NULL, { NULL }, { NULL },
	    { NULL } },
	/* a response from the client: nothing to answer */
	{ "{\"jsonrpc\":\"2.0\",\"id\":33,\"result\":{}}", NONE, NULL, { NULL },
	    { NULL }, { NULL } },
	/* batches were removed from MCP */
	{ "[{\"jsonrpc\":\"2.0\",\"id\":34,\"method\":\"ping\"}]", -32600, "null",
	    { NULL }, { NULL }, { NULL } },
	{ "[]", -32600, "null", { NULL }, { NULL }, { NULL } },
	{ "42", -32600, "null", { NULL }, { NULL }, { NULL } },
	{ "\"ping\"", -32600, "null", { NULL }, { NULL }, { NULL } },
	/* invalid requests */
	{ "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}", -32600, "null",
	    { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}", -32600, "null",
	    { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}", -32600, "null",
	    { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}", -32600,
	    "null", { NULL }, { NULL }, { NULL } },
	{ "{\"id\":35,\"method\":\"ping\"}", -32600, "35", { NULL }, { NULL },
	    { NULL } },
	{ "{\"jsonrpc\":2,\"id\":36,\"method\":\"ping\"}", -32600, "36",
	    { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":37}", -32600, "37", { NULL }, { NULL },
	    { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":38,\"method\":[\"ping\"]}", -32600, "38",
	    { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":39,\"method\":\"ping\",\"params\":[1]}",
	    -32602, "39", { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":40,\"method\":\"ping\",\"params\":"
	    "{\"_meta\":3}}", -32602, "40", { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":41,\"id\":42,\"method\":\"ping\"}",
	    -32700, "null", { NULL }, { NULL }, { NULL } },
	{ "{\"jsonrpc\":\"2.0\",\"id\":\"\\u0000\",\"method\":\"ping\"}", -32700,
	    "null", { NULL }, { NULL }, { NULL } },
};

static void
test_table(void **state)
{
	struct mcp_config cfg;
	struct replies r = { 0, NULL, NULL };
	struct mcp_server *s;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	s = mcp_server_new(&cfg, capture, &r);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		json_t *id, *want;
		json_error_t err;

		r.n = 0;
		mcp_server_handle_line(s, rows[i].line, strlen(rows[i].line));
		assert_int_equal(mcp_server_pending(s), 0);
		if (rows[i].code == NONE) {
			if (r.n != 0)
				fail_msg("row %zu: answered a notification", i);
			continue;
		}
		if (r.n != 1)
			fail_msg("row %zu: %d replies", i, r.n);
		assert_string_equal(json_string_value(json_object_get(r.last,
		    "jsonrpc")), "2.0");
		id = json_object_get(r.last, "id");
		want = json_loads(rows[i].id, JSON_DECODE_ANY, &err);
		if (id == NULL || !json_equal(id, want))
			fail_msg("row %zu: wrong id", i);
		json_decref(want);
		if (rows[i].code == 0) {
			if (json_object_get(r.last, "result") == NULL)
				fail_msg("row %zu: error %lld, not a result", i,
				    json_integer_value(path_get(r.last,
				    "error.code")));
		} else if (json_integer_value(path_get(r.last, "error.code")) !=
		    rows[i].code) {
			fail_msg("row %zu: code %lld, want %d", i,
			    json_integer_value(path_get(r.last, "error.code")),
			    rows[i].code);
		}
		for (size_t k = 0; k < 6 && rows[i].has[k]; k++)
			if (path_get(r.last, rows[i].has[k]) == NULL)
				fail_msg("row %zu: no %s", i, rows[i].has[k]);
		for (size_t k = 0; k < 3 && rows[i].lacks[k]; k++)
			if (path_get(r.last, rows[i].lacks[k]) != NULL)
				fail_msg("row %zu: has %s", i, rows[i].lacks[k]);
		for (size_t k = 0; k < 3 && rows[i].equal[k]; k++) {
			const char *eq = strchr(rows[i].equal[k], '=');
			char path[128];
			json_t *got, *exp;

			snprintf(path, sizeof(path), "%.*s",
			    (int)(eq - rows[i].equal[k]), rows[i].equal[k]);
			got = path_get(r.last, path);
			exp = json_loads(eq + 1, JSON_DECODE_ANY, &err);
			assert_non_null(exp);
			if (got == NULL || !json_equal(got, exp))
				fail_msg("row %zu: %s", i, rows[i].equal[k]);
			json_decref(exp);
		}
		/* Every modern result says it is complete. */
		if (rows[i].code == 0 && strstr(rows[i].line, "2026-07-28") &&
		    (json_string_value(path_get(r.last, "result.resultType")) ==
		    NULL || strcmp(json_string_value(path_get(r.last,
		    "result.resultType")), "complete") != 0))
			fail_msg("row %zu: no resultType", i);
		if (rows[i].code == 0 && strstr(rows[i].line, "2026-07-28") &&
		    json_object_get(path_get(r.last, "result._meta"),
		    "io.modelcontextprotocol/serverInfo") == NULL)
			fail_msg("row %zu: no serverInfo in _meta", i);
	}
	json_decref(r.last);
	mcp_server_free(s);
}

/* The server keeps going after a parse error, and --allow-private lets
 * a private address through to the (here missing) resolver. */
static void
test_sequence_and_private(void **state)
{
	static const char bad[] = "{oops";
	static const char call[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
	    "\"tools/call\",\"params\":{\"name\":\"check_identity\","
	    "\"arguments\":{\"target\":\"10.1.2.3\"}}}";
	struct mcp_config cfg;
	struct replies r = { 0, NULL, NULL };
	struct mcp_server *s;
	const char *text;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	s = mcp_server_new(&cfg, capture, &r);
	mcp_server_handle_line(s, bad, strlen(bad));
	assert_int_equal(json_integer_value(path_get(r.last, "error.code")),
	    -32700);
	mcp_server_handle_line(s, call, strlen(call));
	assert_int_equal(r.n, 2);
	text = json_string_value(path_get(r.last, "result.content.0.text"));
	assert_non_null(text);
	assert_non_null(strstr(text, "private"));
	assert_non_null(strstr(text, "--allow-private"));
	mcp_server_free(s);

	cfg.allow_private = true;
	s = mcp_server_new(&cfg, capture, &r);
	mcp_server_handle_line(s, call, strlen(call));
	text = json_string_value(path_get(r.last, "result.content.0.text"));
	assert_non_null(text);
	assert_null(strstr(text, "--allow-private"));
	assert_non_null(strstr(text, "resolver"));
	json_decref(r.last);
	mcp_server_free(s);
}

/* tools/list names every tool once, each with a description and an
 * object inputSchema that says what it requires. */
static void
test_tools_list(void **state)
{
	static const char list[] = "{\"jsonrpc\":\"2.0\",\"id\":1,"
	    "\"method\":\"tools/list\"}";
	static const struct {
		const char	*name;
		const char	*required;	/* JSON, or NULL: anyOf */
	} want[] = {
		{ "check_identity", "[\"target\"]" },
		{ "check_spf", NULL },
		{ "check_dmarc", "[\"domain\"]" },
		{ "check_bimi", "[\"domain\"]" },
		{ "check_dkim", "[\"domain\"]" },
		{ "check_blacklists", "[\"targets\"]" },
		{ "audit_domain", "[\"domain\"]" },
	};
	struct mcp_config cfg;
	struct replies r = { 0, NULL, NULL };
	struct mcp_server *s;
	json_t *tools;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	s = mcp_server_new(&cfg, capture, &r);
	mcp_server_handle_line(s, list, strlen(list));
	tools = path_get(r.last, "result.tools");
	assert_true(json_is_array(tools));
	assert_int_equal(json_array_size(tools), sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		json_t *t = json_array_get(tools, i), *schema, *req, *exp;
		json_error_t err;

		assert_string_equal(json_string_value(json_object_get(t,
		    "name")), want[i].name);
		assert_true(json_string_length(json_object_get(t,
		    "description")) > 200);
		schema = json_object_get(t, "inputSchema");
		assert_string_equal(json_string_value(json_object_get(schema,
		    "type")), "object");
		assert_true(json_is_object(json_object_get(schema,
		    "properties")));
		assert_true(json_is_false(json_object_get(schema,
		    "additionalProperties")));
		assert_true(json_is_true(path_get(t,
		    "annotations.readOnlyHint")));
		req = json_object_get(schema, "required");
		if (want[i].required == NULL) {
			assert_null(req);
			assert_int_equal(json_array_size(json_object_get(schema,
			    "anyOf")), 2);
			continue;
		}
		exp = json_loads(want[i].required, JSON_DECODE_ANY, &err);
		assert_true(json_equal(req, exp));
		json_decref(exp);
	}
	json_decref(r.last);
	mcp_server_free(s);
}

/* A line over the limit is a parse error, without being parsed. */
static void
test_line_limit(void **state)
{
	struct mcp_config cfg;
	struct replies r = { 0, NULL, NULL };
	struct mcp_server *s;
	char *big = malloc(MCP_LINE_MAX + 2);

	(void)state;
	assert_non_null(big);
	memset(big, ' ', MCP_LINE_MAX + 1);
	memcpy(big, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", 40);
	memset(&cfg, 0, sizeof(cfg));
	s = mcp_server_new(&cfg, capture, &r);
	mcp_server_handle_line(s, big, MCP_LINE_MAX);
	assert_non_null(path_get(r.last, "result"));
	mcp_server_handle_line(s, big, MCP_LINE_MAX + 1);
	assert_int_equal(json_integer_value(path_get(r.last, "error.code")),
	    -32700);
	json_decref(r.last);
	mcp_server_free(s);
	free(big);
}

/* ---- notifications/cancelled ---- */

/* A DNS server that is this test: a UDP socket on 127.0.0.1 that answers
 * nothing until dns_answer_all(). */
struct fake_dns {
	int			 fd;
	struct sockaddr_in	 sin;
};

static void
fake_dns_open(struct fake_dns *d)
{
	socklen_t sl = sizeof(d->sin);

	d->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	assert_true(d->fd >= 0);
	memset(&d->sin, 0, sizeof(d->sin));
	d->sin.sin_family = AF_INET;
	d->sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(d->fd, (struct sockaddr *)&d->sin,
	    sizeof(d->sin)), 0);
	assert_int_equal(getsockname(d->fd, (struct sockaddr *)&d->sin, &sl),
	    0);
}

/* Answer every query waiting on the socket with REFUSED (the query
 * echoed, QR set, RCODE 5). Returns how many. */
static int
fake_dns_answer_all(struct fake_dns *d)
{
	unsigned char buf[512];
	struct sockaddr_storage from;
	socklen_t fl = sizeof(from);
	ssize_t n;
	int count = 0;

	while ((n = recvfrom(d->fd, buf, sizeof(buf), 0,
	    (struct sockaddr *)&from, &fl)) >= 12) {
		buf[2] |= 0x80;
		buf[3] = (unsigned char)((buf[3] & 0xf0) | 5);
		(void)sendto(d->fd, buf, (size_t)n, 0, (struct sockaddr *)&from,
		    fl);
		fl = sizeof(from);
		count++;
	}
	return count;
}

struct cancel_env {
	struct event_base	*base;
	dns_resolver		*res;
	struct fake_dns		 dns;
	struct replies		 r;
	struct mcp_server	*s;
};

static void
cancel_env_open(struct cancel_env *e, int timeout_ms)
{
	struct dns_config dc;
	struct mcp_config cfg;
	char err[256];

	memset(e, 0, sizeof(*e));
	fake_dns_open(&e->dns);
	e->base = event_base_new();
	assert_non_null(e->base);
	memset(&dc, 0, sizeof(dc));
	dc.nservers = 1;
	snprintf(dc.servers[0].host, sizeof(dc.servers[0].host), "127.0.0.1");
	dc.servers[0].port = ntohs(e->dns.sin.sin_port);
	dc.timeout_ms = timeout_ms;
	dc.tries = 1;
	dc.max_inflight = 256;
	e->res = dns_resolver_new(e->base, &dc, err, sizeof(err));
	if (e->res == NULL)
		fail_msg("resolver: %s", err);
	memset(&cfg, 0, sizeof(cfg));
	cfg.base = e->base;
	cfg.res = e->res;
	cfg.allow_private = true;
	cfg.timeout_ms = timeout_ms;
	e->r.ids = json_array();
	e->s = mcp_server_new(&cfg, capture, &e->r);
}

static void
cancel_env_close(struct cancel_env *e)
{
	mcp_server_free(e->s);
	dns_resolver_free(e->res);
	event_base_free(e->base);
	close(e->dns.fd);
	json_decref(e->r.last);
	json_decref(e->r.ids);
}

static void send_line(struct cancel_env *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Hand the server one line, built from fmt. */
static void
send_line(struct cancel_env *e, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(line));
	mcp_server_handle_line(e->s, line, (size_t)n);
}

/* A check_identity call that stays running until the DNS answers. */
static void
start_call(struct cancel_env *e, const char *id)
{
	send_line(e, "{\"jsonrpc\":\"2.0\",\"id\":%s,\"method\":"
	    "\"tools/call\",\"params\":{\"name\":\"check_identity\","
	    "\"arguments\":{\"target\":\"127.0.0.1\",\"no_smtp\":true}}}",
	    id);
}

static void
cancel_id(struct cancel_env *e, const char *id)
{
	send_line(e, "{\"jsonrpc\":\"2.0\",\"method\":"
	    "\"notifications/cancelled\",\"params\":{\"requestId\":%s,"
	    "\"reason\":\"test\"," V26 "}}", id);
}

/* Run the loop, answering the DNS when answer is true, until no call is
 * running (or 10 s: a failure). */
static void
drive(struct cancel_env *e, bool answer)
{
	time_t end = time(NULL) + 10;

	while (mcp_server_pending(e->s) > 0) {
		if (time(NULL) > end)
			fail_msg("%zu calls still running after 10 s",
			    mcp_server_pending(e->s));
		event_base_loop(e->base, EVLOOP_NONBLOCK);
		if (answer)
			fake_dns_answer_all(&e->dns);
		usleep(1000);
	}
}

/* How many replies carry id (JSON text). */
static int
replies_with_id(const struct replies *r, const char *id)
{
	json_error_t err;
	json_t *want = json_loads(id, JSON_DECODE_ANY, &err);
	size_t i;
	json_t *v;
	int n = 0;

	assert_non_null(want);
	json_array_foreach(r->ids, i, v)
		n += json_equal(v, want);
	json_decref(want);
	return n;
}

/* A cancelled call is never answered; other ids, unknown ones, ids of
 * another type, malformed cancels and cancels of finished calls change
 * nothing. Both eras. */
static void
test_cancel(void **state)
{
	static const char *const bad[] = {
		"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\"}",
		"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
		    "\"params\":{}}",
		"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
		    "\"params\":{\"requestId\":{\"7\":7}}}",
		"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
		    "\"params\":{\"requestId\":7.0}}",
		"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
		    "\"params\":[7]}",
	};
	struct cancel_env e;

	(void)state;
	cancel_env_open(&e, 5000);
	start_call(&e, "7");
	start_call(&e, "\"a\"");
	start_call(&e, "8");
	assert_int_equal(e.r.n, 0);
	assert_int_equal(mcp_server_pending(e.s), 3);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		mcp_server_handle_line(e.s, bad[i], strlen(bad[i]));
	cancel_id(&e, "99");		/* unknown */
	cancel_id(&e, "\"7\"");	/* a string, not the number 7 */
	cancel_id(&e, "\"8\"");
	assert_int_equal(e.r.n, 0);
	assert_int_equal(mcp_server_cancelled(e.s), 0);

	cancel_id(&e, "7");		/* the 2026-07-28 form */
	send_line(&e, "{\"jsonrpc\":\"2.0\",\"method\":"
	    "\"notifications/cancelled\",\"params\":{\"requestId\":\"a\"}}");
	assert_int_equal(e.r.n, 0);
	assert_int_equal(mcp_server_pending(e.s), 3);
	assert_int_equal(mcp_server_cancelled(e.s), 2);
	cancel_id(&e, "7");		/* again: nothing more */
	assert_int_equal(mcp_server_cancelled(e.s), 2);

	/* The server answers meanwhile. */
	send_line(&e, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}");
	assert_int_equal(e.r.n, 1);

	drive(&e, true);
	assert_int_equal(mcp_server_cancelled(e.s), 0);
	assert_int_equal(replies_with_id(&e.r, "7"), 0);
	assert_int_equal(replies_with_id(&e.r, "\"a\""), 0);
	assert_int_equal(replies_with_id(&e.r, "8"), 1);
	assert_int_equal(e.r.n, 2);
	/* It ran: its DNS was refused, a temporary failure. */
	assert_non_null(path_get(e.r.last, "result.structuredContent.ptr_lookup"));

	cancel_id(&e, "8");		/* finished: ignored */
	assert_int_equal(e.r.n, 2);
	assert_int_equal(mcp_server_pending(e.s), 0);
	cancel_env_close(&e);
}

/* A cancelled call gives its slot back at once; cancelled calls still
 * finishing are bounded too; both limits lift as the calls end. */
static void
test_cancel_slots(void **state)
{
	struct cancel_env e;
	char id[32];

	(void)state;
	cancel_env_open(&e, 5000);
	for (int i = 0; i < MCP_CALLS_MAX; i++) {
		snprintf(id, sizeof(id), "%d", 100 + i);
		start_call(&e, id);
	}
	assert_int_equal(e.r.n, 0);
	start_call(&e, "1");		/* one too many */
	assert_int_equal(e.r.n, 1);
	assert_int_equal(json_integer_value(path_get(e.r.last, "error.code")),
	    -32603);
	assert_non_null(strstr(json_string_value(path_get(e.r.last,
	    "error.message")), "too many tool calls"));

	cancel_id(&e, "100");
	start_call(&e, "2");		/* takes the freed slot */
	assert_int_equal(e.r.n, 1);
	assert_int_equal(mcp_server_pending(e.s), MCP_CALLS_MAX + 1);

	/* Cancel the rest: 65 cancelled, none answered, new calls refused
	 * until they finish. */
	for (int i = 1; i < MCP_CALLS_MAX; i++) {
		snprintf(id, sizeof(id), "%d", 100 + i);
		cancel_id(&e, id);
	}
	cancel_id(&e, "2");
	assert_int_equal(mcp_server_cancelled(e.s), MCP_CALLS_MAX + 1);
	assert_true(MCP_CANCELLED_MAX <= MCP_CALLS_MAX + 1);
	start_call(&e, "3");
	assert_int_equal(e.r.n, 2);
	assert_int_equal(json_integer_value(path_get(e.r.last, "id")), 3);
	assert_non_null(strstr(json_string_value(path_get(e.r.last,
	    "error.message")), "cancelled"));

	drive(&e, true);
	assert_int_equal(e.r.n, 2);
	start_call(&e, "4");
	drive(&e, true);
	assert_int_equal(e.r.n, 3);
	assert_int_equal(json_integer_value(path_get(e.r.last, "id")), 4);
	assert_non_null(path_get(e.r.last, "result.content"));
	cancel_env_close(&e);
}

/* Freeing the server with cancelled calls running: they end quietly. */
static void
test_cancel_free(void **state)
{
	struct cancel_env e;

	(void)state;
	cancel_env_open(&e, 5000);
	start_call(&e, "1");
	cancel_id(&e, "1");
	start_call(&e, "2");
	event_base_loop(e.base, EVLOOP_NONBLOCK);
	mcp_server_free(e.s);
	e.s = NULL;
	/* The resolver ends the queries; nothing may reach the gone server. */
	dns_resolver_free(e.res);
	e.res = NULL;
	event_base_loop(e.base, EVLOOP_NONBLOCK);
	assert_int_equal(e.r.n, 0);
	cancel_env_close(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_sequence_and_private),
		cmocka_unit_test(test_tools_list),
		cmocka_unit_test(test_line_limit),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_cancel_slots),
		cmocka_unit_test(test_cancel_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
