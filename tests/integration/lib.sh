# SPDX-License-Identifier: MIT
# lib.sh: what every integration script shares, sourced after `set -u`:
# TAP output (ok, not_ok, skip, tap_finish), the test world (world_attach:
# reuse $MXDIAG_WORLD when it is up, else start one and stop it on exit),
# the resolver arguments (RES), schema validation and a valgrind run.
#
# Sets: HERE, WORLD_SH, MXDIAG, PY, OUT (a scratch directory), WORLD,
# DNS, PORT, RES=(--resolver DNS:PORT --timeout 5).

HERE=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
WORLD_SH=${WORLD_SH:-$HERE/../world/world.sh}
MXDIAG=${MXDIAG:?set MXDIAG to the mxdiag binary}
PY=/usr/bin/python3; [ -x "$PY" ] || PY=python3

n=0
failed=0
OWN_WORLD=""
OUT=$(mktemp -d)

ok() { n=$((n + 1)); printf 'ok %d - %s\n' "$n" "$1"; }
not_ok() {
	local line
	n=$((n + 1)); failed=1
	printf 'not ok %d - %s\n' "$n" "$1"; shift
	for line in "$@"; do printf '#   %s\n' "$line"; done
}
skip() { n=$((n + 1)); printf 'ok %d # SKIP %s\n' "$n" "$1"; }
# check_rc NAME WANT GOT [STDERR-FILE]
check_rc() {
	if [ "$3" = "$2" ]; then
		ok "$1: exit status $3"
	else
		not_ok "$1: exit status" "want $2, got $3" \
		    "stderr: $(head -c 300 "${4:-/dev/null}" 2>/dev/null)"
	fi
}
# jq_check LABEL FILE PROGRAM EXPR DIAG [JQ-OPTION...]: one TAP line. The
# jq PROGRAM (a script's prelude with EXPR inside) must print true on
# FILE; when it does not, the line shows EXPR, what jq printed, and the
# DIAG jq program's view of FILE (700 bytes), so a failure says why.
jq_check() {
	local label=$1 file=$2 prog=$3 expr=$4 diag=$5 got
	shift 5
	got=$(jq -r "$@" "$prog" "$file" 2>&1)
	if [ "$got" = "true" ]; then
		ok "$label"
	else
		not_ok "$label" "jq: $expr -> $got" \
		    "report: $(jq -c "$@" "$diag" "$file" 2>/dev/null | head -c 700)"
	fi
}
tap_finish() {
	echo "1..$n"
	exit "$failed"
}

lib_cleanup() {
	if [ -n "$OWN_WORLD" ]; then
		"$WORLD_SH" down "$OWN_WORLD" >/dev/null 2>&1
		[ "$failed" = 0 ] && rm -rf "$OWN_WORLD"
	fi
	rm -rf "$OUT"
}
trap lib_cleanup EXIT

# world_attach [ZONE]: the running world, or a new one; with ZONE, fail
# early when the world does not serve it (started before the zone existed).
world_attach() {
	if [ -n "${MXDIAG_TEST_DNS:-}" ]; then
		# Developers: any Knot serving the zones (ADDR@PORT).
		WORLD=/nonexistent
	elif [ -n "${MXDIAG_WORLD:-}" ] &&
	    "$WORLD_SH" status "$MXDIAG_WORLD" >/dev/null 2>&1; then
		WORLD=$MXDIAG_WORLD
	else
		OWN_WORLD=$(mktemp -d /tmp/mxdiag-world.XXXXXX)
		WORLD=$OWN_WORLD
		if ! "$WORLD_SH" up "$OWN_WORLD" > "$OUT/world.log" 2>&1; then
			echo "1..1"
			echo "not ok 1 - test world did not start"
			sed 's/^/#   /' "$OUT/world.log"
			exit 1
		fi
	fi
	DNS=$(sed -n 's/^MXDIAG_WORLD_DNS=//p' "$WORLD/world.env" 2>/dev/null)
	PORT=$(sed -n 's/^MXDIAG_WORLD_DNS_PORT=//p' "$WORLD/world.env" 2>/dev/null)
	if [ -n "${MXDIAG_TEST_DNS:-}" ]; then
		DNS=${MXDIAG_TEST_DNS%@*}
		PORT=${MXDIAG_TEST_DNS#*@}
	fi
	DNS=${DNS:-127.0.0.1}
	PORT=${PORT:-5353}
	RES=(--resolver "$DNS:$PORT" --timeout 5)
	if [ -n "${1:-}" ] && [ -z "$(kdig @"$DNS" -p "$PORT" +short +timeout=2 \
	    +retry=0 "$1" SOA 2>/dev/null)" ]; then
		echo "1..1"
		echo "not ok 1 - the test world does not serve $1 (restart it: world.sh down/up)"
		exit 1
	fi
}

# validate_reports SCHEMA [FILES...]: one TAP line; every report (default:
# every $OUT/*.json) must validate; a FILE ending in .jsonl holds one
# report per line, each validated. Schemas may refer to
# mxdiag.check.schema.json beside them. A validator that cannot run (a
# missing schema, no file) fails the check, never passes it.
validate_reports() {
	local schema=$1 bad rc
	shift
	[ $# -gt 0 ] || set -- "$OUT"/*.json
	if ! "$PY" -c "import jsonschema" 2>/dev/null; then
		skip "schema validation: python3-jsonschema not installed"
		return
	fi
	bad=$("$PY" - "$schema" "$@" <<'PY'
import json, os, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
# Schemas may refer to each other by file name or by $id.
store = {}
sdir = os.path.dirname(sys.argv[1])
for name in os.listdir(sdir):
    if name.endswith(".schema.json"):
        doc = json.load(open(os.path.join(sdir, name)))
        store[name] = doc
        store["https://mxdiag.example/schemas/" + name] = doc
        if "$id" in doc:
            store[doc["$id"]] = doc
resolver = jsonschema.RefResolver(base_uri=schema.get("$id", ""), referrer=schema, store=store)
# One validator for every document: jsonschema.validate() checks the
# schema itself on each call, which makes a file of a thousand JSON lines
# take seconds.
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
validator = cls(schema, resolver=resolver)
if len(sys.argv) < 3:
    sys.exit("no report to validate")
for f in sys.argv[2:]:
    if f.endswith(".jsonl"):
        docs = [(f"{os.path.basename(f)}:{n}", line)
                for n, line in enumerate(open(f), 1)]
        if not docs:
            print(os.path.basename(f) + ": empty")
    else:
        docs = [(os.path.basename(f), open(f).read())]
    for where, text in docs:
        try:
            validator.validate(json.loads(text))
        except Exception as e:
            print(where + ": " + str(e).splitlines()[0])
PY
)
	rc=$?
	[ "$rc" -eq 0 ] || bad="${bad:+$bad
}validator exited with status $rc"
	if [ -z "$bad" ]; then
		ok "every report validates against $(basename "$schema")"
	else
		not_ok "schema validation against $(basename "$schema")" "$bad"
	fi
}

# valgrind_run DESCRIPTION ARGS...: one TAP line; mxdiag ARGS under
# valgrind must show no errors and no definite or indirect leaks.
valgrind_run() {
	local desc=$1
	shift
	if ! command -v valgrind > /dev/null || [ -n "${MXDIAG_NO_VALGRIND:-}" ]; then
		skip "valgrind not installed or disabled (sanitizer run)"
		return
	fi
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
	    --error-exitcode=99 "$MXDIAG" "$@" > /dev/null 2> "$OUT/valgrind.txt"
	if [ $? != 99 ]; then
		ok "valgrind: $desc"
	else
		not_ok "valgrind: $desc" "$(head -c 1500 "$OUT/valgrind.txt")"
	fi
}
