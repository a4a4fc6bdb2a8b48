#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# dkim.sh: end-to-end TAP tests of `mxdiag dkim` against the test world's
# Knot, which serves tests/world/zones/extra/dkim.test.zone (keys of 512,
# 1024, 2048, 4096 and 8192 bits, Ed25519 and the RFC 8463 examples,
# revoked, testing, CNAME-delegated, broken records). Every run passes
# --resolver; every JSON report is validated against
# docs/mxdiag.dkim.schema.json. Uses $MXDIAG_WORLD when a world is up,
# else starts one.
set -u -o pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SCHEMA=$HERE/../../docs/mxdiag.dkim.schema.json
world_attach dkim.test


# run NAME EXPECTED_RC ARGS...: mxdiag dkim --format json into $OUT/NAME.json
run() {
	local name=$1 want=$2 rc
	shift 2
	"$MXDIAG" dkim --format json "${RES[@]}" "$@" > "$OUT/$name.json" 2> "$OUT/$name.err"
	rc=$?
	check_rc "$name" "$want" "$rc" "$OUT/$name.err"
}

# expect NAME 'JQ' [DESCRIPTION]: $s is the selector object named by
# $SEL (default: the first one found).
SEL=""
expect() {
	jq_check "$1: ${3:-$2}" "$OUT/$1.json" \
	    '(if $sel == "" then ([.selectors[] | select(.found)][0] // {}) else ([.selectors[] | select(.selector == $sel)][0] // {}) end) as $s | ('"$2"')' \
	    "$2" \
	    '{findings: [.findings[].code], selectors: [.selectors[] | select(.found) | {selector, bits, valid, codes: [.findings[] | .code + "=" + .status]}]}' \
	    --arg sel "$SEL"
}
has() { printf '[$s.findings[] | select(.code == "%s" and .status == "%s")] | length == 1' "$1" "$2"; }
dom_has() { printf '[.findings[] | select(.code == "%s" and .status == "%s")] | length == 1' "$1" "$2"; }

# --- good: 2048-bit key split in two strings, found by explicit selector;
# google (4096 bits) found by the default list too
SEL=s2048
run good 0 good.dkim.test --selector s2048 --selector ed
expect good '$s.bits == 2048 and $s.key_type == "rsa" and $s.key_format == "spki" and $s.valid' "2048-bit RSA key read"
expect good "$(has dkim.key_ok pass)"
expect good '$s.record | startswith("v=DKIM1; k=rsa; p=MIIBIjAN")' "record strings joined"
SEL=ed
expect good '$s.key_type == "ed25519" and $s.bits == 256 and $s.key_format == "raw" and $s.valid' "Ed25519 key read"
expect good "$(dom_has dkim.found pass)"
expect good '.summary.valid == 2 and .default_selectors == false' "summary"
SEL=""
run good_defaults 0 good.dkim.test
expect good_defaults '.default_selectors and $s.selector == "google" and $s.bits == 4096' "default selectors find google (4096 bits)"
expect good_defaults '[.selectors[] | select(.found) | .selector] == ["google", "s2048"]' "google and s2048 (a Yahoo-style name) among the defaults; ed is not"
expect good_defaults '(.selectors | length) == .summary.selectors_tried and .summary.selectors_tried > 20' "every default selector tried"

# --- weak: 1024 bits at selector1
run weak 1 weak.dkim.test
expect weak '$s.selector == "selector1" and $s.bits == 1024 and $s.valid' "1024-bit key, usable"
expect weak "$(has dkim.key_weak warning)"
expect weak '[$s.findings[] | select(.code == "dkim.key_weak") | .remediation[] | select(test("opendkim-genkey -b 2048"))] | length == 1' "remediation: opendkim-genkey -b 2048"
expect weak '[$s.findings[] | select(.code == "dkim.key_weak") | .remediation[] | select(test("Rotate-DkimSigningConfig"))] | length == 1' "Microsoft 365 remediation for selector1"

# --- tiny: 512 bits
run tiny 1 tiny.dkim.test
expect tiny '$s.bits == 512 and ($s.valid | not)' "512-bit key, not usable"
expect tiny "$(has dkim.key_too_small fail)"
expect tiny "$(dom_has dkim.no_valid_key fail)"
expect tiny '[$s.findings[] | .trips[] | select(.engine == "mailbox-providers")] | length >= 1' "trips mailbox providers"

# --- revoked
run revoked 1 revoked.dkim.test
expect revoked '$s.revoked and ($s.valid | not)' "revoked key"
expect revoked "$(has dkim.revoked info)"
expect revoked "$(dom_has dkim.no_valid_key fail)"

# --- testing mode
run testing 1 testing.dkim.test
expect testing '$s.testing and $s.valid' "t=y read, key still usable"
expect testing "$(has dkim.testing warning)"

# --- CNAME delegation to a sending service
run esp 0 esp.dkim.test --selector s1
expect esp '$s.lookup.cname_chain == ["esp-s1.keys.dkim.test"] and $s.bits == 2048' "CNAME followed"
expect esp "$(has dkim.cname info)"

# --- broken records
run multi 1 multi.dkim.test --selector k1
expect multi '$s.records == 2 and ($s.valid | not)' "two records at one selector"
expect multi "$(has dkim.multiple_records fail)"
run sha1 1 sha1.dkim.test --selector s1
expect sha1 "$(has dkim.sha1_only fail)"
expect sha1 '$s.hashes == ["sha1"]' "h= read"
run bad 1 bad.dkim.test --selector s1
expect bad "$(has dkim.key_invalid permerror)"
run mismatch 1 mismatch.dkim.test --selector s1
expect mismatch "$(has dkim.key_invalid permerror)"
expect mismatch '[$s.findings[] | .remediation[] | select(test("k=ed25519"))] | length == 1' "remediation: add k=ed25519"
run pkcs1 1 pkcs1.dkim.test --selector s1
expect pkcs1 '$s.key_format == "pkcs1" and $s.bits == 2048 and $s.valid' "bare RSAPublicKey read"
expect pkcs1 "$(has dkim.key_pkcs1 warning)"
run malformed 1 malformed.dkim.test --selector s1
expect malformed "$(has dkim.malformed permerror)"
run version 1 version.dkim.test --selector s1
expect version "$(has dkim.version permerror)"
run huge 1 huge.dkim.test --selector s1
expect huge '$s.bits == 8192' "8192-bit key read"
expect huge "$(has dkim.key_too_large warning)"

# --- RFC 8463 Appendix A.2 example records
SEL=brisbane
run rfc8463 1 rfc8463.dkim.test --selector brisbane --selector test
expect rfc8463 '$s.key_type == "ed25519" and $s.valid' "RFC 8463 Ed25519 key"
SEL=test
expect rfc8463 '$s.bits == 1024 and $s.valid' "RFC 8463 RSA key (1024 bits)"
expect rfc8463 "$(has dkim.key_weak warning)"
SEL=""

# --- nothing at any default selector; a selector given that is missing
run none 1 none.dkim.test
expect none "$(dom_has dkim.none_found warning)"
expect none '[.findings[0].evidence[] | select(test("selector1"))] | length == 1' "the selectors tried are listed"
expect none '.summary.found == 0' "nothing found"
run wildcard 1 wild.dkim.test
expect wildcard "$(dom_has dkim.none_found warning)"
expect wildcard '([.selectors[] | select(.not_dkim)] | length) == .summary.selectors_tried' "wildcard TXT is not taken for keys"
expect wildcard '[.selectors[].findings[]] | length == 0' "no per-selector noise"
SEL=nope
run none_given 1 none.dkim.test --selector nope
expect none_given "$(has dkim.selector_not_found fail)"
expect none_given '$s.lookup.outcome == "nxdomain"' "NXDOMAIN reported"
SEL=""

# --- draft mode: no DNS needed
"$MXDIAG" dkim --format json --resolver 127.0.0.1:9 --timeout 1 draft.example --selector s1 \
    --record "v=DKIM1; k=rsa; t=y; p=$(cat "$HERE/../dkim/keys/rsa2048.spki.b64")" > "$OUT/draft.json" 2> "$OUT/draft.err"
rc=$?
[ "$rc" = 1 ] && ok "draft: exit status 1" || not_ok "draft: exit status" "got $rc"
expect draft '.draft and $s.lookup == null and $s.bits == 2048' "draft judged without lookup"
expect draft "$(has dkim.testing warning)"

# --- usage errors
"$MXDIAG" dkim "${RES[@]}" good.dkim.test --record "p=" > /dev/null 2>&1
[ $? = 64 ] && ok "usage: --record without --selector" || not_ok "usage: --record without --selector"
"$MXDIAG" dkim "${RES[@]}" good.dkim.test --selector 'bad sel' > /dev/null 2>&1
[ $? = 64 ] && ok "usage: bad selector" || not_ok "usage: bad selector"

# --- temporary failure: a resolver that does not answer
"$MXDIAG" dkim --format json --resolver 127.0.0.1:9 --timeout 1 good.dkim.test --selector s2048 > "$OUT/temp.json" 2>/dev/null
rc=$?
[ "$rc" = 2 ] && ok "temperror: exit status 2" || not_ok "temperror: exit status" "got $rc"
SEL=s2048
expect temp "$(has dkim.temperror temperror)"
expect temp '[.findings[] | select(.code == "dkim.none_found" or .code == "dkim.no_valid_key")] | length == 0' "temperror is not 'no key'"
SEL=""

# --- text output
"$MXDIAG" dkim "${RES[@]}" weak.dkim.test > "$OUT/text.txt" 2>&1
grep -q "selector1._domainkey.weak.dkim.test: rsa 1024 bits" "$OUT/text.txt" && ok "text: key line" || not_ok "text: key line" "$(head -5 "$OUT/text.txt")"
grep -q "(dkim.key_weak)" "$OUT/text.txt" && ok "text: finding code shown" || not_ok "text: finding code shown"

# --- every report against the schema
validate_reports "$SCHEMA"

# --- memory
valgrind_run "no errors or leaks" dkim --format json "${RES[@]}" good.dkim.test

tap_finish
