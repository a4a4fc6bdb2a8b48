#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# mcp_clients.sh: `mxdiag mcp` under the official MCP TypeScript clients
# from npm (tests/mcp-clients: @modelcontextprotocol/sdk 1.x speaking
# 2025-11-25, @modelcontextprotocol/client 2.x speaking 2026-07-28), over
# stdio, against the test world. Each client script prints TAP; this
# script renumbers their lines into one TAP stream. Without node (>= 20)
# or the installed packages (`npm ci` in tests/mcp-clients) it skips,
# unless MXDIAG_REQUIRE_MCP_CLIENTS is set (CI): then that is a failure.
set -u -o pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
CLIENTS=$HERE/../mcp-clients

# skip_all REASON: nothing can run here.
skip_all() {
	if [ -n "${MXDIAG_REQUIRE_MCP_CLIENTS:-}" ]; then
		echo "1..1"
		echo "not ok 1 - $1 (required: MXDIAG_REQUIRE_MCP_CLIENTS is set)"
		exit 1
	fi
	echo "1..0 # SKIP $1"
	exit 0
}

command -v node > /dev/null || skip_all "node is not installed"
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)
[ "${node_major:-0}" -ge 18 ] ||
	skip_all "node $(node --version) is older than 18 (the SDKs need 18 and 20)"
for p in sdk client; do
	[ -f "$CLIENTS/node_modules/@modelcontextprotocol/$p/package.json" ] ||
		skip_all "@modelcontextprotocol/$p is not installed (run npm ci in tests/mcp-clients)"
done
world_attach

# run_client SCRIPT: run one client script, fold its TAP lines into ours.
run_client() {
	local script=$1 rc line plan=""
	MXDIAG=$MXDIAG MXDIAG_RESOLVER=$DNS:$PORT timeout 240 \
	    node "$CLIENTS/$script" > "$OUT/$script.tap" 2> "$OUT/$script.err"
	rc=$?
	while IFS= read -r line; do
		case $line in
		"not ok "*)
			n=$((n + 1)); failed=1
			printf 'not ok %d %s\n' "$n" "$(sed -E 's/^not ok [0-9]+ //' <<< "$line")" ;;
		"ok "*)
			n=$((n + 1))
			printf 'ok %d %s\n' "$n" "$(sed -E 's/^ok [0-9]+ //' <<< "$line")" ;;
		"#"*) printf '%s\n' "$line" ;;
		1..*) plan=${line#1..} ;;
		esac
	done < "$OUT/$script.tap"
	if [ "$rc" -le 1 ] && [ -n "$plan" ]; then
		ok "$script: ran to its plan (exit status $rc)"
	else
		not_ok "$script: ran to its plan" "exit status $rc, plan '${plan}'" \
		    "stderr: $(tail -c 1500 "$OUT/$script.err")"
	fi
}

run_client sdk1.mjs
if [ "$node_major" -ge 20 ]; then
	run_client client2.mjs
elif [ -n "${MXDIAG_REQUIRE_MCP_CLIENTS:-}" ]; then
	not_ok "client2.mjs: node $(node --version) is older than 20 (@modelcontextprotocol/client needs 20)"
else
	skip "client2.mjs: node $(node --version) is older than 20 (@modelcontextprotocol/client needs 20)"
fi
tap_finish
