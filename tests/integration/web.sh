#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# web.sh: the web page of `mxdiag serve` in a real browser. Starts two
# servers on free loopback ports against the test world (one with
# --allow-private, which the page is tested on; one without, where a
# loopback target must be refused and the next request is rate limited),
# runs tests/browser/page.mjs (headless
# Debian chromium driven by playwright-core; TAP), stops the servers.
# Skips when node, tests/browser/node_modules or /usr/bin/chromium are
# missing (scripts/deps.sh installs chromium; `npm ci` in tests/browser
# installs playwright-core). Screenshots go to $SCREENSHOT_DIR (default:
# web-screenshots/ in the current directory).
set -u -o pipefail

HERE_WEB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BROWSER_DIR=$HERE_WEB/../browser
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

# cannot REASON: a skip, or a failure where the browser test is required
# (MXDIAG_REQUIRE_BROWSER, set by scripts/test.sh for CI).
cannot() {
	if [ -n "${MXDIAG_REQUIRE_BROWSER:-}" ]; then
		echo "1..1"
		echo "not ok 1 - $1 (required: MXDIAG_REQUIRE_BROWSER is set)"
		exit 1
	fi
	echo "1..0 # SKIP $1"; exit 0
}
command -v node > /dev/null || cannot "node is not installed"
[ -d "$BROWSER_DIR/node_modules/playwright-core" ] ||
	cannot "tests/browser/node_modules missing (run npm ci in tests/browser)"
[ -x "$CHROMIUM" ] || cannot "$CHROMIUM not installed (apt-get install chromium)"
command -v curl > /dev/null || cannot "curl is not installed"
"${MXDIAG:?set MXDIAG to the mxdiag binary}" serve --help > /dev/null 2>&1 ||
	cannot "this mxdiag has no serve command"

. "$HERE_WEB/lib.sh"
world_attach

SMTP_PORT=$(sed -n 's/^MXDIAG_WORLD_SMTP_PORT=//p' "$WORLD/world.env" 2>/dev/null)
SMTP_PORT=${SMTP_PORT:-2525}
SHOTS=${SCREENSHOT_DIR:-$PWD/web-screenshots}
mkdir -p "$SHOTS"

free_port() {
	"$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

PIDS=()
stop_servers() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	PIDS=()
}
trap 'stop_servers; lib_cleanup' EXIT

# serve NAME PORT [OPTION...]: start `mxdiag serve` in the background and
# wait (10 s at most) until it answers GET /.
serve() {
	local name=$1 port=$2 i
	shift 2
	"$MXDIAG" serve --listen "127.0.0.1:$port" --resolver "$DNS:$PORT" --timeout 3 "$@" \
	    > "$OUT/$name.log" 2>&1 &
	PIDS+=($!)
	for i in $(seq 1 100); do
		if curl -fsS -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then
			ok "$name: mxdiag serve answers on 127.0.0.1:$port"
			return 0
		fi
		sleep 0.1
	done
	not_ok "$name: mxdiag serve answers on 127.0.0.1:$port" "$(tail -c 600 "$OUT/$name.log")"
	return 1
}

P1=$(free_port)
P2=$(free_port)
while [ "$P2" = "$P1" ]; do P2=$(free_port); done
# The open server does not rate limit (the test makes more requests than
# a client's burst); the strict one allows one API request a minute.
if serve open "$P1" --allow-private --rate 0 && serve strict "$P2" --rate 1 --burst 1; then
	# page.mjs prints its own TAP; renumber it after ours.
	BASE_URL="http://127.0.0.1:$P1" STRICT_URL="http://127.0.0.1:$P2" \
	SMTP_PORT=$SMTP_PORT SCREENSHOT_DIR=$SHOTS CHROMIUM=$CHROMIUM \
	    node "$BROWSER_DIR/page.mjs" > "$OUT/page.tap" 2> "$OUT/page.err"
	rc=$?
	while IFS= read -r line; do
		case $line in
		"ok "*" - "*) ok "${line#* - }" ;;
		"not ok "*" - "*)
			n=$((n + 1)); failed=1
			printf 'not ok %d - %s\n' "$n" "${line#* - }" ;;
		"1.."*) ;;
		"Bail out!"*) not_ok "page.mjs: ${line#Bail out! }" ;;
		*) printf '%s\n' "$line" ;;
		esac
	done < "$OUT/page.tap"
	if [ "$rc" != 0 ] && [ "$failed" = 0 ]; then
		not_ok "page.mjs exited with status $rc" "$(tail -c 800 "$OUT/page.err")"
	fi
	echo "# screenshots: $SHOTS"
fi
stop_servers
tap_finish
