#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# spf.sh: end-to-end TAP tests of `mxdiag spf` against the test world's
# Knot, which serves tests/world/zones/extra/spf.test.zone (a good record,
# nested includes over the lookup limit, void lookups, two records, badly
# split strings, ptr, mx, +all, a missing include, exp=, a SERVFAIL during
# an a mechanism, a syntax error, an oversized answer). Every run passes
# --resolver. Uses $MXDIAG_WORLD when a world is up, else starts one;
# MXDIAG_TEST_DNS=ADDR@PORT points at any Knot serving the zones.
set -u -o pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
world_attach spf.test


# run NAME EXPECTED_RC ARGS...: mxdiag spf --format json into $OUT/NAME.json
run() {
	local name=$1 want=$2 rc
	shift 2
	"$MXDIAG" spf --format json "${RES[@]}" "$@" > "$OUT/$name.json" 2> "$OUT/$name.err"
	rc=$?
	if [ "$rc" = "$want" ]; then
		ok "$name: exit status $rc"
	else
		not_ok "$name: exit status" "want $want, got $rc" \
		    "stderr: $(head -c 300 "$OUT/$name.err")" \
		    "report: $(jq -c '{result, reason, findings: [.findings[] | .code + "=" + .status]}' "$OUT/$name.json" 2>/dev/null | head -c 600)"
	fi
}

# expect NAME 'JQ' [DESCRIPTION]
expect() {
	jq_check "$1: ${3:-$2}" "$OUT/$1.json" "$2" "$2" \
	    '{result, reason, lookups, tree_lookups, findings: [.findings[] | .code + "=" + .status]}'
}
has() { printf '[.findings[] | select(.code == "%s" and .status == "%s")] | length >= 1' "$1" "$2"; }
schema='.schema == "mxdiag.spf/1" and (.tree | type) == "object"'

# --- a good record: the walk alone, then check_host() for three addresses
run good 0 good.spf.test
expect good "$schema" "schema and tree"
expect good '.mode == "audit" and .result == "fail" and .tree_lookups == 1' "unlisted addresses fail; one lookup"
expect good "$(has spf.all_fail pass)"
expect good '.tree.terms[1].child.record == "v=spf1 ip4:192.0.2.0/24 ~all"' "include followed"
run good_pass 0 good.spf.test --ip 127.0.0.2
expect good_pass '.mode == "check_host" and .result == "pass" and .lookups == 0' "ip4 matches, no lookup"
expect good_pass '.tree.terms[0].state == "match" and .tree.terms[1].state == "not_evaluated"' "term states"
run good_include 0 good.spf.test --ip 192.0.2.7
expect good_include '.result == "pass" and .lookups == 1 and .tree.terms[1].state == "match"' "pass through the include"
run good_fail 1 good.spf.test --ip 198.51.100.1
expect good_fail '.result == "fail" and .explanation == null' "fail"
expect good_fail "$(has spf.result fail)"

# --- the domain from the sender, else from HELO (RFC 7208 §2.3-2.4)
run from_sender 0 --ip 127.0.0.2 --sender bob@good.spf.test --helo mail.example.test
expect from_sender '.domain == "good.spf.test" and .sender == "bob@good.spf.test" and .result == "pass"' "sender's domain checked"
run from_helo 0 --ip 127.0.0.2 --sender '' --helo good.spf.test
expect from_helo '.domain == "good.spf.test" and .sender == "postmaster@good.spf.test" and .result == "pass"' "null sender: postmaster@HELO"

# --- over the limit through nested includes
run over 1 over.spf.test
expect over '.tree_lookups == 12 and .result == "permerror"' "12 lookups counted past the limit"
expect over '.tipping_term.top_level_term == "include:b.over.spf.test" and .tipping_term.domain == "b.over.spf.test"' "tipping include named"
expect over "$(has spf.lookup_limit permerror)"
expect over '[.findings[] | select(.code == "spf.lookup_limit") | .remediation[] | select(test("Flatten include:b.over.spf.test"))] | length == 1' "remediation: flatten it"
expect over '.tree.terms[0].child.terms[4].child.terms[1].running_total == 8 and .tree.terms[1].child.terms[1].tips_limit' "running totals through the tree"
run over_ip 1 over.spf.test --ip 192.0.2.200
expect over_ip '.result == "pass" and .lookups == 2 and .tree_lookups == 12' "an early match passes; the tree is still over"
run over_ip2 1 over.spf.test --ip 198.51.100.1
expect over_ip2 '.result == "permerror" and .lookups == 11' "an unlisted address meets the 11th lookup"

# --- void lookups
run void 1 void.spf.test
expect void '.result == "permerror" and .void_lookups == 3' "three void lookups"
expect void "$(has spf.void_limit permerror)"
run void_ip 1 void.spf.test --ip 192.0.2.1
expect void_ip '.result == "permerror" and .void_lookups == 3' "check_host(): permerror at the third"

# --- two records, a split record, a syntax error
run multi 1 multi.spf.test --ip 192.0.2.1
expect multi "$(has spf.multiple_records permerror)"
expect multi '.result == "permerror" and (.tree.records | length) == 2' "both records reported"
run split 1 split.spf.test
expect split "$(has spf.txt_split warning)"
expect split '.tree.strings == 2' "two TXT strings"
expect split "$(has spf.permerror.syntax permerror)"
run syntax 1 syntax.spf.test
expect syntax "$(has spf.permerror.syntax permerror)"
expect syntax '.tree.error.term == "ip4:192.0.2.1/33"' "offending term named"

# --- ptr and mx through the world's example.test
run ptr 1 ptr.spf.test --ip 127.0.0.2
expect ptr '.result == "pass"' "ptr: validated mail.example.test"
expect ptr "$(has spf.ptr_used warning)"
run ptr_no 1 ptr.spf.test --ip 127.0.0.4
expect ptr_no '.result == "fail"' "ptr: no PTR, no match"
run mx 0 mx.spf.test --ip 127.0.0.2
expect mx '.result == "pass" and .lookups == 1' "mx matches"

# --- +all, a missing include, exp=
run plus 1 plus.spf.test
expect plus "$(has spf.all_pass fail)"
expect plus '.result == "pass"' "every address passes"
run missing 1 missing.spf.test
expect missing "$(has spf.include_missing permerror)"
expect missing '.result == "permerror"' "permerror"
run exp 1 exp.spf.test --ip 198.51.100.1
expect exp '.explanation == "198.51.100.1 may not send for exp.spf.test"' "explanation expanded"

# --- a DNS error stays temporary
run temp 2 temp.spf.test --ip 192.0.2.1
expect temp '.result == "temperror"' "temperror"
expect temp "$(has spf.result temperror)"
expect temp '[.findings[] | select(.status == "fail" or .status == "permerror")] | length == 0' "not turned into a failure"

# --- size
run long 1 long.spf.test
expect long "$(has spf.record_long warning)"
expect long '.tree.txt_records == 2 and .tree.txt_octets > 450' "all TXT records at the name counted"

# --- no record
run none 1 nothing.spf.test
expect none '.result == "none"' "none"
expect none "$(has spf.none fail)"

# --- a draft record, judged as if published (its includes looked up)
run draft 1 good.spf.test --record 'v=spf1 include:over.spf.test ?all'
expect draft '.draft and .tree.draft and .tree_lookups == 13' "draft with the over-limit include"
expect draft "$(has spf.lookup_limit permerror)"
expect draft "$(has spf.all_neutral warning)"

# --- text output: the tree with counts and the tipping term
"$MXDIAG" spf "${RES[@]}" over.spf.test > "$OUT/over.txt" 2>&1
rc=$?
[ "$rc" = 1 ] && ok "text: exit status 1" || not_ok "text: exit status" "got $rc"
if grep -q 'include:b.over.spf.test' "$OUT/over.txt" && grep -q '<- lookup 11' "$OUT/over.txt" &&
    grep -q 'spf.lookup_limit' "$OUT/over.txt"; then
	ok "text: tree, tipping term and finding shown"
else
	not_ok "text: tree, tipping term and finding shown" "$(head -c 800 "$OUT/over.txt")"
fi

# --- usage errors
"$MXDIAG" spf "${RES[@]}" > /dev/null 2>&1
rc=$?
[ "$rc" = 64 ] && ok "usage: no domain, sender or HELO" || not_ok "usage: no domain" "got $rc"
"$MXDIAG" spf "${RES[@]}" good.spf.test --ip 300.1.2.3 > /dev/null 2>&1
rc=$?
[ "$rc" = 64 ] && ok "usage: bad address" || not_ok "usage: bad address" "got $rc"
"$MXDIAG" spf "${RES[@]}" a.spf.test b.spf.test > /dev/null 2>&1
rc=$?
[ "$rc" = 64 ] && ok "usage: two domains" || not_ok "usage: two domains" "got $rc"

# Every report against its JSON Schema.
validate_reports "$HERE/../../docs/mxdiag.spf.schema.json" $(grep -l '"schema": "mxdiag.spf/1"' "$OUT"/*.json)
tap_finish
