#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mcp.sh: end-to-end TAP tests of `mxdiag mcp`: raw JSON-RPC over stdio
# against the real servers of the test world (Knot DNS, Postfix; see
# tests/world/world.sh). Each session writes its requests to the server's
# stdin and closes it; the server must answer every request, exit 0 once
# the calls in flight are done (cancelled ones included), print nothing but JSON-RPC on stdout and
# its logs on stderr. Uses $MXDIAG_WORLD when a world is up, else starts
# one.
set -u -o pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
world_attach

M26='"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}'

# session NAME [MCP-OPTION...] < requests: run one server, keep stdout in
# $OUT/NAME.out and stderr in $OUT/NAME.err, check the exit status and
# that every stdout line is a JSON-RPC 2.0 response.
session() {
	local name=$1 rc bad
	shift
	"$MXDIAG" mcp "${RES[@]}" --ehlo checker.example.test "$@" \
	    > "$OUT/$name.out" 2> "$OUT/$name.err"
	rc=$?
	check_rc "$name" 0 "$rc" "$OUT/$name.err"
	bad=$("$PY" -c '
import json, sys
for i, line in enumerate(open(sys.argv[1]), 1):
    try:
        m = json.loads(line)
    except ValueError:
        print("line %d is not JSON: %s" % (i, line[:120])); continue
    if not isinstance(m, dict) or m.get("jsonrpc") != "2.0" or "id" not in m \
       or (("result" in m) == ("error" in m)):
        print("line %d is not a JSON-RPC response: %s" % (i, line[:120]))
' "$OUT/$name.out" 2>&1)
	if [ -z "$bad" ] && [ -s "$OUT/$name.out" ]; then
		ok "$name: stdout holds only JSON-RPC responses"
	else
		not_ok "$name: stdout holds only JSON-RPC responses" "$bad"
	fi
	if grep -q '^mxdiag mcp: ' "$OUT/$name.err"; then
		ok "$name: logs on stderr"
	else
		not_ok "$name: logs on stderr" "$(head -c 300 "$OUT/$name.err")"
	fi
}

# expect NAME ID 'JQ-EXPRESSION' [DESCRIPTION]: true on the response with
# that id ($r; $sc its structuredContent).
expect() {
	jq_check "$1 #$2: ${4:-$3}" "$OUT/$1.out" \
	    "[.[] | select(.id == $2)] as \$m | (\$m | length == 1) and (\$m[0] as \$r | (\$r.result.structuredContent // {}) as \$sc | ($3))" \
	    "$3" "[.[] | select(.id == $2)] | .[0] | (.result.content // .error)" -s
}

# --- the handshake era, 2025-11-25
session legacy --allow-private <<REQ
{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"mcp.sh","version":"1"}}}
{"jsonrpc":"2.0","method":"notifications/initialized"}
{"jsonrpc":"2.0","id":2,"method":"tools/list"}
{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"check_identity","arguments":{"target":"127.0.0.2","port":2525}}}
{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"check_identity","arguments":{"target":"127.0.0.4","port":2525}}}
{"jsonrpc":"2.0","id":5,"method":"ping"}
{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"check_identity","arguments":{"target":"multi.example.test","port":2525,"no_smtp":true}}}
REQ
expect legacy 1 '$r.result.protocolVersion == "2025-11-25" and $r.result.serverInfo.name == "mxdiag" and $r.result.capabilities.tools == {}' "initialize result"
expect legacy 2 '$r.result.tools[0].name == "check_identity" and ($r.result | has("resultType") | not)' "tools/list, no resultType in this era"
expect legacy 3 '$r.result.isError == false and $sc.iprev == "pass" and $sc.aligned == true' "127.0.0.2: aligned, iprev pass"
expect legacy 3 '$r.result.content[0].type == "text" and ($r.result.content[0].text | test("aligned") and test("PTR: mail.example.test") and test("iprev: pass"))' "text summary"
expect legacy 4 '$r.result.isError == false and $sc.ptr == [] and $sc.iprev == "fail" and ($r.result.content[0].text | test("PTR: none"))' "127.0.0.4: no PTR"
expect legacy 5 '$r.result == {}' "ping"
expect legacy 6 '$r.result.isError == false and ($sc.addresses | type == "array" and length >= 2)' "several addresses: an object holding an array in this era"
if [ "$(wc -l < "$OUT/legacy.out")" -eq 6 ]; then
	ok "legacy: one reply per request, none to the notification"
else
	not_ok "legacy: one reply per request" "$(wc -l < "$OUT/legacy.out") lines"
fi

# --- the current era, 2026-07-28: no handshake
session modern --allow-private <<REQ
{"jsonrpc":"2.0","id":10,"method":"server/discover","params":{$M26}}
{"jsonrpc":"2.0","id":11,"method":"tools/list","params":{$M26}}
{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{$M26,"name":"check_identity","arguments":{"target":"127.0.0.2","port":2525}}}
{"jsonrpc":"2.0","id":13,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"1999-01-01"}}}
this is not JSON
{"jsonrpc":"2.0","id":14,"method":"tools/call","params":{$M26,"name":"check_identity","arguments":{"target":"multi.example.test","port":2525,"no_smtp":true}}}
{"jsonrpc":"2.0","id":15,"method":"tools/call","params":{$M26,"name":"check_identity","arguments":{"target":"http://mail.example.test/"}}}
{"jsonrpc":"2.0","method":"notifications/whatever","params":{$M26}}
REQ
expect modern 10 '$r.result.supportedVersions == ["2026-07-28","2025-11-25"] and $r.result.resultType == "complete" and $r.result.ttlMs >= 0 and $r.result.cacheScope == "public" and $r.result.serverInfo.name == "mxdiag"' "server/discover"
expect modern 11 '$r.result.resultType == "complete" and ($r.result.ttlMs | type == "number") and $r.result.cacheScope == "public" and $r.result.tools[0].name == "check_identity"' "tools/list with cache hints"
expect modern 12 '$r.result.resultType == "complete" and $r.result.isError == false and $sc.iprev == "pass" and $sc.aligned == true and $sc.address == "127.0.0.2"' "127.0.0.2: aligned"
expect modern 13 '$r.error.code == -32022 and $r.error.data.supported == ["2026-07-28","2025-11-25"]' "unsupported version"
jq_check "modern: parse error answered with id null, server kept going" "$OUT/modern.out" \
    '[.[] | select(.id == null and .error.code == -32700)] | length == 1' "-32700" '.' -s
expect modern 14 '$r.result.isError == false and ($r.result.structuredContent | type == "array" and length >= 2)' "several addresses: an array in this era"
expect modern 15 '$r.result.isError == true and ($r.result.content[0].text | test("URL"))' "a URL is refused"

# --- without --allow-private, loopback targets are refused
session private <<REQ
{"jsonrpc":"2.0","id":20,"method":"tools/call","params":{$M26,"name":"check_identity","arguments":{"target":"127.0.0.2","port":2525}}}
{"jsonrpc":"2.0","id":21,"method":"tools/call","params":{$M26,"name":"check_identity","arguments":{"target":"mail.example.test","port":2525}}}
REQ
expect private 20 '$r.result.isError == true and ($r.result.content[0].text | test("loopback") and test("--allow-private"))' "127.0.0.2 refused"
expect private 21 '$r.result.isError == true and ($r.result.content[0].text | test("127.0.0.2") and test("loopback"))' "a name resolving to loopback refused"
expect private 20 '($r.result | has("structuredContent") | not)' "nothing checked (no report)"

# --- a line over 1 MiB: refused, the line discarded, the next answered
{
	head -c 1100000 /dev/zero | tr '\0' 'x'
	printf '\n{"jsonrpc":"2.0","id":30,"method":"ping"}\n'
} > "$OUT/longline.in"
session longline < "$OUT/longline.in"
expect longline 30 '$r.result == {}' "next line answered"
jq_check "longline: the long line got -32700" "$OUT/longline.out" \
    '[.[] | select(.id == null and .error.code == -32700)] | length == 1' "-32700" '.' -s

# --- the domain tools, against the world's good.test
session domain <<REQ
{"jsonrpc":"2.0","id":40,"method":"tools/call","params":{"name":"check_spf","arguments":{"domain":"good.test","ip":"127.0.0.2"},$M26}}
{"jsonrpc":"2.0","id":41,"method":"tools/call","params":{"name":"check_dmarc","arguments":{"domain":"good.test"},$M26}}
{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"check_dkim","arguments":{"domain":"good.test"},$M26}}
{"jsonrpc":"2.0","id":43,"method":"tools/call","params":{"name":"check_blacklists","arguments":{"targets":["127.0.0.2"]},$M26}}
{"jsonrpc":"2.0","id":44,"method":"tools/call","params":{"name":"audit_domain","arguments":{"domain":"good.test"},$M26}}
{"jsonrpc":"2.0","id":45,"method":"tools/call","params":{"name":"check_spf","arguments":{"domain":"https://good.test/"},$M26}}
{"jsonrpc":"2.0","id":46,"method":"tools/list","params":{$M26}}
REQ
expect domain 40 '$r.result.isError == false and $sc.schema == "mxdiag.spf/1" and ($r.result.content[0].text | length > 0)' "check_spf: the spf document"
expect domain 41 '$r.result.isError == false and $sc.schema == "mxdiag.dmarc/1"' "check_dmarc: the dmarc document"
expect domain 42 '$r.result.isError == false and $sc.schema == "mxdiag.dkim/1"' "check_dkim: the dkim document"
expect domain 43 '$r.result.isError == false and $sc.schema == "mxdiag.bl/1"' "check_blacklists: the bl document"
expect domain 44 '$r.result.isError == false and $sc.schema == "mxdiag.audit/1" and ([$sc | .. | objects | select(.code? == "mx.address_refused")] | length > 0)' "audit_domain: loopback MX addresses refused (mx.address_refused), the rest audited"
expect domain 45 '$r.result.isError == true' "a URL as domain is refused"
expect domain 46 '[$r.result.tools[].name] | sort == ["audit_domain","check_bimi","check_blacklists","check_dkim","check_dmarc","check_identity","check_spf"]' "seven tools listed"
expect domain 46 '[$r.result.tools[] | select((.inputSchema.type == "object") and (.description | length > 80))] | length == 7' "each with an input schema and a description"

# --- notifications/cancelled (both eras), against the silent SMTP peer
# (127.0.0.13 accepts and never greets; --timeout 2 ends each probe): a
# cancelled call is never answered, the others are, an unknown id changes
# nothing. The official clients (mcp_clients.sh) found that the server
# used to answer a cancelled call.
session cancel --allow-private --timeout 2 <<REQ
{"jsonrpc":"2.0","id":50,"method":"tools/call","params":{$M26,"name":"check_identity","arguments":{"target":"127.0.0.13","port":2525}}}
{"jsonrpc":"2.0","id":"s51","method":"tools/call","params":{"name":"check_identity","arguments":{"target":"127.0.0.13","port":2525}}}
{"jsonrpc":"2.0","id":54,"method":"tools/call","params":{$M26,"name":"check_identity","arguments":{"target":"127.0.0.13","port":2525}}}
{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":50,"reason":"user gave up",$M26}}
{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"s51"}}
{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":999}}
{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"54"}}
{"jsonrpc":"2.0","id":52,"method":"ping"}
{"jsonrpc":"2.0","id":53,"method":"tools/call","params":{$M26,"name":"check_identity","arguments":{"target":"127.0.0.2","no_smtp":true}}}
REQ
jq_check "cancel: no response to the cancelled ids 50 and \"s51\"" "$OUT/cancel.out" \
    '[.[] | select(.id == 50 or .id == "s51")] | length == 0' "none" '[.[].id]' -s
expect cancel 52 '$r.result == {}' "ping answered after the cancels"
expect cancel 53 '$r.result.isError == false and $sc.iprev == "pass"' "the next tool call answered"
expect cancel 54 '$r.result.isError == false and $sc.smtp.phase == "greeting" and $sc.smtp.status == "timeout"' "the same call not cancelled (\"54\" is another id) is answered: greeting timeout"
if [ "$(wc -l < "$OUT/cancel.out")" -eq 3 ] &&
    grep -q 'cancelled, will not answer "id 50: user gave up"' "$OUT/cancel.err" &&
    grep -q 'cancel ignored.*"id 999"' "$OUT/cancel.err"; then
	ok "cancel: three replies; the cancels and the ignored one logged"
else
	not_ok "cancel: three replies, cancels logged" "$(cat "$OUT/cancel.out" | cut -c1-200)" \
	    "$(grep cancel "$OUT/cancel.err")"
fi

# The last call to finish is an SMTP probe, cancelled or not: the server
# must still let the probe free itself (it does so from the next loop
# turn) before it exits. Under ASan the exit statuses above say so;
# valgrind says it for the other builds.
printf '%s\n' \
    "{\"jsonrpc\":\"2.0\",\"id\":60,\"method\":\"tools/call\",\"params\":{\"name\":\"check_identity\",\"arguments\":{\"target\":\"127.0.0.13\",\"port\":2525}}}" \
    "{\"jsonrpc\":\"2.0\",\"id\":61,\"method\":\"tools/call\",\"params\":{\"name\":\"check_identity\",\"arguments\":{\"target\":\"127.0.0.13\",\"port\":2525}}}" \
    '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":61}}' \
    > "$OUT/probe-last.in"
valgrind_run "mcp: an SMTP probe is the last call to end, one cancelled" \
    mcp "${RES[@]}" --allow-private --timeout 2 < "$OUT/probe-last.in"

# --- check_bimi: the same document as mxdiag bimi
session bimi --allow-private <<REQ
{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"check_bimi","arguments":{"domain":"good.test"},$M26}}
{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"check_bimi","arguments":{"domain":"http://good.test/"},$M26}}
{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"check_bimi","arguments":{"domain":"good.test","logo":"x"},$M26}}
REQ
expect bimi 1 '$r.result.isError == false and $sc.schema == "mxdiag.bimi/1" and $sc.domain == "good.test"' "check_bimi: the mxdiag.bimi/1 document"
expect bimi 2 '$r.result.isError == true' "check_bimi: a URL is refused (isError)"
expect bimi 3 '$r.error.code == -32602' "check_bimi: an unknown argument is -32602"
jq -c 'select(.id == 1) | .result.structuredContent' "$OUT/bimi.out" > "$OUT/bimi.tool.json"
"$MXDIAG" bimi "${RES[@]}" --format json good.test > "$OUT/bimi.cli.json" 2>/dev/null
if [ -s "$OUT/bimi.tool.json" ] && diff <(jq -S . "$OUT/bimi.tool.json") <(jq -S . "$OUT/bimi.cli.json") > /dev/null; then
	ok "check_bimi: the same JSON as mxdiag bimi"
else
	not_ok "check_bimi: the same JSON as mxdiag bimi" "$(diff <(jq -S . "$OUT/bimi.tool.json") <(jq -S . "$OUT/bimi.cli.json") 2>&1 | head -10)"
fi

# --- the rate limit on tool calls (--rate 6 a minute, bursts of 2)
session ratelimit --rate 6 --burst 2 <<REQ
{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"check_dmarc","arguments":{"domain":"example.test"},$M26}}
{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"check_dmarc","arguments":{"domain":"example.test"},$M26}}
{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"check_dmarc","arguments":{"domain":"example.test"},$M26}}
{"jsonrpc":"2.0","id":4,"method":"tools/list","params":{$M26}}
REQ
expect ratelimit 1 '$r.result.isError == false' "the burst is served"
expect ratelimit 3 '$r.error.code == -32603 and $r.error.data.retryAfterMs > 0 and ($r.error.message | test("rate limit"))' "over the rate: -32603 with retryAfterMs"
expect ratelimit 4 '$r.result.tools | length == 7' "tools/list is not limited"

tap_finish
