#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# policy.sh: end-to-end TAP tests of `mxdiag dmarc` and `mxdiag bimi`
# against the test world's Knot (zone dmarc.test, from
# tests/world/zones/extra/dmarc.test.zone). Every run passes --resolver
# 127.0.0.1:5353 (or $MXDIAG_TEST_DNS as ADDR@PORT) and asserts the JSON report and the exit
# status. It uses $MXDIAG_WORLD when a world is up, else starts one.
set -u -o pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
WORLD_PSL=$HERE/../policy/world.psl
world_attach dmarc.test

# run CMD NAME EXPECTED_RC ARGS...: mxdiag CMD --format json, output kept in
# $OUT/NAME.json, exit status checked.
run() {
	local cmd=$1 name=$2 want=$3 rc
	shift 3
	"$MXDIAG" "$cmd" --format json "${RES[@]}" "$@" > "$OUT/$name.json" 2> "$OUT/$name.err"
	rc=$?
	if [ "$rc" = "$want" ]; then
		ok "$name: exit status $rc"
	else
		not_ok "$name: exit status" "want $want, got $rc" \
		    "stderr: $(head -c 300 "$OUT/$name.err")" \
		    "codes: $(jq -c '[.findings[]? | .code + "=" + .status]' "$OUT/$name.json" 2>/dev/null)"
	fi
}

# expect NAME 'JQ-EXPRESSION' [DESCRIPTION]
expect() {
	jq_check "$1: ${3:-$2}" "$OUT/$1.json" "$2" "$2" \
	    '[.findings[]? | .code + "=" + .status]'
}

# has NAME CODE [STATUS]: a finding with that code (and status).
has() {
	local st=${3:-}
	if [ -n "$st" ]; then
		expect "$1" "any(.findings[]; .code == \"$2\" and .status == \"$st\")" "$2 ($st)"
	else
		expect "$1" "any(.findings[]; .code == \"$2\")" "$2"
	fi
}

# --- DMARC ---

run dmarc good 0 good.dmarc.test
expect good '.schema == "mxdiag.dmarc/1" and .mode == "live" and .valid'
expect good '.policy == "reject" and .subdomain_policy == "reject"'
expect good '.tags.p.source == "explicit" and .tags.sp.source == "default" and .tags.pct.value == "100"'
expect good '.discovery.same_record == true and .discovery.tree_walk.policy_domain == "good.dmarc.test"'
has good dmarc.discovery_org_differs info
expect good '.summary.exit_code == 0'

run dmarc none 1 none.dmarc.test
has none dmarc.policy warning

run dmarc badtags 1 badtags.dmarc.test
has badtags dmarc.tag_invalid fail
has badtags dmarc.uri_invalid fail
expect badtags '.tags.pct.valid == false and .tags.adkim.valid == false and .valid == false'
expect badtags '.policy == "none"' "invalid p reads as p=none"

run dmarc multi 1 multi.dmarc.test
has multi dmarc.multiple fail
has multi dmarc.none fail

run dmarc typo 1 typo.dmarc.test
has typo dmarc.not_dmarc fail
expect typo 'any(.findings[]; .code == "dmarc.none" and (.trips | length) >= 1)' "dmarc.none trips mailbox-provider rules"

run dmarc nothing 1 nothing.example.test
has nothing dmarc.none fail

# The parent's record: found by the tree walk; the system PSL puts the
# organizational domain at dmarc.test, so RFC 7489 finds nothing.
run dmarc suborg 1 sub.org.dmarc.test
expect suborg '.policy_domain == "org.dmarc.test" and .applied_policy.policy == "reject" and .applied_policy.tag == "sp"'
expect suborg '.discovery.agree == false and .discovery.psl.organizational_domain == "dmarc.test"'
has suborg dmarc.discovery_disagree warning
has suborg dmarc.inherited info
run dmarc suborg_psl 0 --psl "$WORLD_PSL" sub.org.dmarc.test
expect suborg_psl '.discovery.agree == true and .discovery.psl.organizational_domain == "org.dmarc.test"' "with dmarc.test as a public suffix both methods agree"

run dmarc dept 1 a.dept.org.dmarc.test
expect dept '.discovery.tree_walk.organizational_domain == "dept.org.dmarc.test" and .policy == "reject"' "psd=n stops the walk"

run dmarc deep 1 a.b.c.d.e.f.g.h.deep.dmarc.test
expect deep '(.discovery.tree_walk.queries | length) == 8 and .policy_domain == "deep.dmarc.test"' "eight queries, the psd=n record skipped"
has deep dmarc.walk_shortcut info

run dmarc ext 1 --psl "$WORLD_PSL" ext.dmarc.test
expect ext 'any(.reports[]; .destination == "reports.dmarc.test" and .authorization == "authorized")'
expect ext 'any(.reports[]; .destination == "noauth.dmarc.test" and .authorization == "unauthorized")'
has ext dmarc.report_unauthorized fail
run dmarc ext_internal 0 ext.dmarc.test
expect ext_internal 'all(.reports[]; .authorization == "internal")' "same organization under the system PSL"

run dmarc draft 0 --record 'v=DMARC1; p=reject; rua=mailto:d@good.dmarc.test' none.dmarc.test
expect draft '.mode == "draft" and .policy == "reject" and .record == "v=DMARC1; p=reject; rua=mailto:d@good.dmarc.test"'
has draft dmarc.draft info

"$MXDIAG" dmarc --format json --resolver 127.0.0.1:9 --timeout 1 good.dmarc.test > "$OUT/temp.json" 2>/dev/null
rc=$?
[ "$rc" = 2 ] && ok "temp: a dead resolver gives exit status 2" || not_ok "temp: exit status" "want 2, got $rc"
has temp dmarc.temperror temperror
expect temp 'all(.findings[]; .status != "fail" and .status != "permerror")' "no permanent verdict from a timeout"

"$MXDIAG" dmarc "${RES[@]}" > /dev/null 2>&1; rc=$?
[ "$rc" = 64 ] && ok "usage: no domain is exit status 64" || not_ok "usage: no domain" "got $rc"
"$MXDIAG" dmarc "${RES[@]}" 'bad..domain' > /dev/null 2>&1; rc=$?
[ "$rc" = 64 ] && ok "usage: a bad domain is exit status 64" || not_ok "usage: bad domain" "got $rc"
"$MXDIAG" dmarc "${RES[@]}" --psl "$WORLD_PSL" good.dmarc.test > "$OUT/text.txt" 2>&1; rc=$?
if [ "$rc" = 0 ] && grep -q '^  p      reject' "$OUT/text.txt" && grep -q 'methods    agree' "$OUT/text.txt"; then
	ok "text output: tag table and discovery"
else
	not_ok "text output" "rc=$rc" "$(head -c 400 "$OUT/text.txt")"
fi

# --- BIMI ---

run bimi bgood 0 good.dmarc.test
expect bgood '.schema == "mxdiag.bimi/1" and .location == "https://good.dmarc.test/bimi/logo.svg" and .valid'
has bgood bimi.dmarc_enforcing pass

run bimi bnone 1 none.dmarc.test
has bnone bimi.dmarc_not_enforcing fail
has bnone bimi.evidence_missing warning

run bimi bbad 1 badbimi.dmarc.test
has bbad bimi.location_invalid fail
has bbad bimi.evidence_invalid fail

run bimi bfallback 0 --selector brand sub.org.dmarc.test
expect bfallback '.record_name == "default._bimi.org.dmarc.test" and .lookups.selector.name == "brand._bimi.sub.org.dmarc.test"' "custom selector falls back to default at the organizational domain"

run bimi bdraft 1 --record 'v=BIMI1; l=https://none.dmarc.test/logo.svg; a=https://none.dmarc.test/vmc.pem' none.dmarc.test
expect bdraft '.mode == "draft" and .valid'
has bdraft bimi.dmarc_not_enforcing fail

# Every report against its JSON Schema.
validate_reports "$HERE/../../docs/mxdiag.dmarc.schema.json" $(grep -l '"schema": "mxdiag.dmarc/1"' "$OUT"/*.json)
validate_reports "$HERE/../../docs/mxdiag.bimi.schema.json" $(grep -l '"schema": "mxdiag.bimi/1"' "$OUT"/*.json)
tap_finish
