#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The whole test suite, from a fresh Debian 12 machine:
#   1. gcc build (warnings are errors): unit + integration suites
#   2. clang build with ASan+UBSan (warnings are errors): unit + integration
#   3. unit suite under valgrind
#   4. libFuzzer targets (clang): each runs briefly from its corpus
# The integration suites share one test world (Knot, Postfix, Exim, the
# scripted SMTP peers on 127.0.0.0/8), started here and stopped on exit.
# Before the stages, `npm ci` installs the official MCP clients that
# mcp_clients.sh runs (tests/mcp-clients/package-lock.json).
# The last line is "N passed, N failed", counting TAP subtests.
#
# Environment: FUZZ_SECONDS (per target, default 20), SKIP_SAN=1,
# SKIP_VALGRIND=1, SKIP_FUZZ=1 to leave a stage out.
set -u -o pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3
LOGS=$ROOT/build-logs
rm -rf "$LOGS"; mkdir -p "$LOGS"

./scripts/deps.sh || { echo "deps.sh failed"; echo "0 passed, 1 failed"; exit 1; }

stage_fail=0
note_fail() { echo "FAILED: $*"; stage_fail=$((stage_fail + 1)); }

# The Node.js test drivers from their committed lock files, whenever
# node_modules is missing or older than the lock: the official MCP clients
# (tests/mcp-clients, mcp_clients.sh) and playwright-core driving Debian's
# Chromium (tests/browser, web.sh). Here they are required: those tests
# fail instead of skipping.
export MXDIAG_REQUIRE_MCP_CLIENTS=1 MXDIAG_REQUIRE_BROWSER=1
for npmdir in tests/mcp-clients tests/browser; do
	if [ ! -f "$npmdir/node_modules/.package-lock.json" ] ||
	   [ "$npmdir/package-lock.json" -nt "$npmdir/node_modules/.package-lock.json" ]; then
		echo "=== npm ci ($npmdir)"
		log=$LOGS/npm-ci-$(basename "$npmdir").log
		if ! (cd "$npmdir" && npm ci --no-audit --no-fund) > "$log" 2>&1; then
			tail -20 "$log"; note_fail "npm ci in $npmdir"
		fi
	fi
done

WORLD=$(mktemp -d /tmp/mxdiag-world.XXXXXX)
cleanup() { tests/world/world.sh down "$WORLD" > /dev/null 2>&1; }
trap cleanup EXIT

# meson_stage NAME BUILDDIR MESON-OPTIONS... -- MESON-TEST-OPTIONS...
meson_stage() {
	local name=$1 dir=$2; shift 2
	local setup=() testopts=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do setup+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	testopts=("$@")
	echo "=== $name"
	if ! { [ -d "$dir" ] && meson setup --reconfigure "$dir" "${setup[@]}" > "$LOGS/$name.setup" 2>&1; } &&
	   ! meson setup --wipe "$dir" "${setup[@]}" > "$LOGS/$name.setup" 2>&1 &&
	   ! meson setup "$dir" "${setup[@]}" > "$LOGS/$name.setup" 2>&1; then
		cat "$LOGS/$name.setup"; note_fail "$name: meson setup"; return
	fi
	if ! ninja -C "$dir" > "$LOGS/$name.build" 2>&1; then
		tail -40 "$LOGS/$name.build"; note_fail "$name: build"; return
	fi
	meson test -C "$dir" --print-errorlogs "${testopts[@]}" 2>&1 | tee "$LOGS/$name.test" |
		grep -E '^ *[0-9]+/[0-9]+ |^(Ok|Fail|Skipped|Timeout): '
	cp "$dir/meson-logs/testlog.json" "$LOGS/$name.testlog.json" 2>/dev/null
}

# Build the peer once for the world, start it, share it with every stage.
meson setup build > "$LOGS/world.setup" 2>&1 || meson setup --reconfigure build > "$LOGS/world.setup" 2>&1
ninja -C build tests/integration/smtp_peer > /dev/null 2>&1
if SMTP_PEER=$ROOT/build/tests/integration/smtp_peer tests/world/world.sh up "$WORLD"; then
	export MXDIAG_WORLD=$WORLD
else
	note_fail "test world did not start (integration tests will try on their own)"
fi

meson_stage gcc build -Dwerror=true --buildtype=debugoptimized --
if [ -z "${SKIP_SAN:-}" ]; then
	# Valgrind cannot run under ASan; the sanitizers check memory here.
	export MXDIAG_NO_VALGRIND=1 CC=clang \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
	meson_stage asan build-asan -Dwerror=true -Db_sanitize=address,undefined \
		-Db_lundef=false --buildtype=debug --
	unset MXDIAG_NO_VALGRIND CC UBSAN_OPTIONS ASAN_OPTIONS
fi
if [ -z "${SKIP_VALGRIND:-}" ]; then
	meson_stage valgrind build -- --suite unit --no-rebuild \
		--wrap='valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99'
fi

fuzz_results=$LOGS/fuzz.results
: > "$fuzz_results"
if [ -z "${SKIP_FUZZ:-}" ]; then
	echo "=== fuzz ($FUZZ_SECONDS s per target)"
	if CC=clang meson setup build-fuzz -Dfuzz=true --buildtype=debug > "$LOGS/fuzz.setup" 2>&1 ||
	   CC=clang meson setup --reconfigure build-fuzz -Dfuzz=true > "$LOGS/fuzz.setup" 2>&1; then
		if ninja -C build-fuzz > "$LOGS/fuzz.build" 2>&1; then
			for f in build-fuzz/tests/fuzz/fuzz_*; do
				[ -f "$f" ] && [ -x "$f" ] || continue
				t=$(basename "$f"); t=${t#fuzz_}
				work=$(mktemp -d)
				cp tests/fuzz/corpus/"$t"/* "$work"/
				if "$f" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=1024 \
				    -artifact_prefix="$LOGS/fuzz-$t-" "$work" > "$LOGS/fuzz-$t.log" 2>&1; then
					echo "pass fuzz_$t" >> "$fuzz_results"
					echo "fuzz_$t: $(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$LOGS/fuzz-$t.log" | tail -1)"
				else
					echo "fail fuzz_$t" >> "$fuzz_results"
					tail -30 "$LOGS/fuzz-$t.log"; note_fail "fuzz_$t"
				fi
				rm -rf "$work"
			done
		else
			tail -40 "$LOGS/fuzz.build"; note_fail "fuzz build"
		fi
	else
		cat "$LOGS/fuzz.setup"; note_fail "fuzz setup"
	fi
fi

# Count: a TAP test counts its subtests, any other test counts once.
"$PY" - "$LOGS" "$stage_fail" <<'PY'
import glob, json, re, sys
logs, stage_fail = sys.argv[1], int(sys.argv[2])
passed = failed = skipped = 0
for path in sorted(glob.glob(logs + "/*.testlog.json")):
    for line in open(path):
        t = json.loads(line)
        out = t.get("stdout") or ""
        oks = re.findall(r"^(not ok|ok)\b[^\n]*", out, re.M)
        if oks and re.search(r"^1\.\.\d+", out, re.M):
            for m in re.finditer(r"^(not ok|ok)\b([^\n]*)", out, re.M):
                if m.group(1) == "not ok":
                    failed += 1
                elif "# SKIP" in m.group(2):
                    skipped += 1
                else:
                    passed += 1
            if t["result"] not in ("OK", "SKIP") and not re.search(r"^not ok", out, re.M):
                failed += 1  # the test itself failed (crash, bad plan)
        elif t["result"] == "OK":
            passed += 1
        elif t["result"] == "SKIP":
            skipped += 1
        else:
            failed += 1
for line in open(logs + "/fuzz.results"):
    if line.startswith("pass"):
        passed += 1
    else:
        failed += 1
failed += stage_fail if failed == 0 else 0
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
sys.exit(1 if failed else 0)
PY
