#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Offline demo: installs what is needed, builds mxdiag, starts the bundled
# test world on loopback (Knot DNS on 127.0.0.1:5353 with the test zones,
# Postfix, Exim and scripted SMTP peers) and checks a few of its servers:
# the misaligned one first; then mxdiag policyd answering Postfix policy
# requests, mxdiag mcp answering an agent and mxdiag serve answering HTTP. Nothing leaves 127.0.0.0/8. Stops the world
# on exit. Pass mxdiag options after the script's name to add to them.
set -u -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
./scripts/deps.sh >&2 || exit 1
{ meson setup build-demo --buildtype=release > /dev/null 2>&1 ||
  meson setup --reconfigure build-demo > /dev/null; } && ninja -C build-demo > /dev/null || exit 1

WORLD=$(mktemp -d /tmp/mxdiag-demo.XXXXXX)
trap 'tests/world/world.sh down "$WORLD" > /dev/null 2>&1; rm -rf "$WORLD"' EXIT
SMTP_PEER=$ROOT/build-demo/tests/integration/smtp_peer \
	tests/world/world.sh up "$WORLD" >&2 || exit 1

MX="build-demo/mxdiag check --resolver 127.0.0.1:5353 --ehlo demo.example.test $*"
run() { printf '\n$ %s\n' "$*"; "$@"; printf '(exit status %d)\n' $?; }

echo
echo "== A Postfix server whose banner does not match its PTR record"
# shellcheck disable=SC2086 # word splitting wanted
run $MX 127.0.0.3:2525
echo
echo "== An aligned server, a server with no PTR, and an RFC 2317 delegation, as JSON summary"
# shellcheck disable=SC2086
# (192.0.2.10 is a documentation address: DNS only, never connected to.)
{ $MX --format json 127.0.0.2:2525 127.0.0.4:2525; $MX --format json --no-smtp 192.0.2.10; } |
	jq -c '.targets[].addresses[] | {address, ptr, iprev, banner_hostname, ehlo_hostname, mta, aligned, findings: [.findings[] | select(.status != "pass") | .code]}'
echo
echo "== The domain audit of audit.test (no SPF, no DMARC): grade and the fixes first"
# shellcheck disable=SC2086
build-demo/mxdiag audit --resolver 127.0.0.1:5353 --port 2525 --ehlo demo.example.test \
	--ca-file "$WORLD/ca/ca.pem" audit.test | sed -n '1,12p'
echo "(full report: build-demo/mxdiag audit --resolver 127.0.0.1:5353 --port 2525 --ca-file ... audit.test)"
echo
echo "== A sending pool in bulk (DNS checks only: no connection is made), one JSON line per address"
# 192.0.2.0/28 is a documentation range: its DNS data is in the test
# zones, and without --checks banner nothing connects to it.
printf '127.0.0.0/29\n192.0.2.0/28\nmail.example.test\n' |
	build-demo/mxdiag bulk --resolver 127.0.0.1:5353 --no-progress 2> "$WORLD/bulk.err" |
	jq -c '{line, address, iprev, status, problems: [.findings[] | select(.status != "pass" and .status != "skipped") | .code]}' |
	head -8
echo "(... and the summary, on stderr:)"
cat "$WORLD/bulk.err"
echo
echo "== The receiving side: mxdiag policyd answering Postfix policy requests (enforce mode)"
build-demo/mxdiag policyd --listen inet:127.0.0.1:10040 --resolver 127.0.0.1:5353 \
	--mode enforce --authserv-id mx.demo.test --log "$WORLD/policyd.log" &
PD=$!
for _ in $(seq 50); do nc -z 127.0.0.1 10040 2>/dev/null && break; sleep 0.1; done
# The attributes Postfix sends (a few of them), for three clients of the
# test world: aligned, FCrDNS failing, no PTR at all; one connection.
for c in "127.0.0.2 mail.example.test" "127.0.0.5 broken.example.test" "127.0.0.4 client4.example.test"; do
	printf 'request=smtpd_access_policy\nprotocol_state=RCPT\nclient_address=%s\nhelo_name=%s\ninstance=%s\n\n' \
		${c% *} ${c#* } "demo-${c% *}"
done | nc -N 127.0.0.1 10040 | grep -v '^$'
kill "$PD"; wait "$PD" 2>/dev/null
echo "(its log:)"
grep -E 'client=' "$WORLD/policyd.log" | cut -d' ' -f3-
echo
echo "== For AI agents: mxdiag mcp on stdio (MCP 2026-07-28), one tool call"
printf '%s\n' \
	'{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}' \
	'{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"check_identity","arguments":{"target":"127.0.0.3","port":2525},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}' |
	build-demo/mxdiag mcp --resolver 127.0.0.1:5353 --ehlo demo.example.test --allow-private 2>/dev/null |
	jq -c 'if .id == 1 then {id, supportedVersions: .result.supportedVersions} else {id, isError: .result.isError, summary: .result.content[0].text} end'
echo
echo "== For programs and people: mxdiag serve (JSON API, web page at /)"
build-demo/mxdiag serve --listen 127.0.0.1:8025 --resolver 127.0.0.1:5353 \
	--ehlo demo.example.test --allow-private --quiet 2>/dev/null &
SV=$!
for _ in $(seq 50); do nc -z 127.0.0.1 8025 2>/dev/null && break; sleep 0.1; done
echo "GET /api/v1/check?target=127.0.0.5&port=2525"
curl -s 'http://127.0.0.1:8025/api/v1/check?target=127.0.0.5&port=2525' |
	jq -c '{schema, summary, problems: [.targets[0].addresses[0].findings[] | select(.status == "fail" or .status == "warning") | .code]}'
echo "GET /api/v1/dmarc?domain=example.test"
curl -s 'http://127.0.0.1:8025/api/v1/dmarc?domain=example.test' | jq -c '{schema, domain, valid, summary}'
echo "GET / -> $(curl -s -o /dev/null -w '%{http_code} %{content_type}, %{size_download} bytes' http://127.0.0.1:8025/)"
kill "$SV"; wait "$SV" 2>/dev/null
echo "(Started by hand, the page is at http://127.0.0.1:8025/ ; docs/serve.md)"
