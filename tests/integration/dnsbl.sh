#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# dnsbl.sh: end-to-end TAP tests of `mxdiag bl` against the test world's
# Knot, which serves tests/world/zones/extra/bl.test.zone: a conforming IP
# list with listings, a domain list, a bitmask list, a list refusing with
# 127.255.255.254, one refusing with its own code, a dead list, a list
# listing everything and a wildcard answering outside 127/8. The lists are
# described by tests/dnsbl/world.conf. Every run passes --resolver; every
# JSON report is validated against docs/mxdiag.bl.schema.json.
set -u -o pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SCHEMA=$HERE/../../docs/mxdiag.bl.schema.json
LISTS=$HERE/../dnsbl/world.conf
world_attach bl.test


# run NAME EXPECTED_RC ARGS...: mxdiag bl --format json into $OUT/NAME.json
run() {
	local name=$1 want=$2 rc
	shift 2
	"$MXDIAG" bl --format json "${RES[@]}" --lists "$LISTS" "$@" > "$OUT/$name.json" 2> "$OUT/$name.err"
	rc=$?
	check_rc "$name" "$want" "$rc" "$OUT/$name.err"
}

# expect NAME 'JQ' [DESCRIPTION]: $t is the first target, $l(ID) a list,
# $r(ID) the first target's result on list ID.
expect() {
	jq_check "$1: ${3:-$2}" "$OUT/$1.json" \
	    'def l($id): [.lists[] | select(.id == $id)][0];
	    (.targets[0] // {}) as $t |
	    def r($id): [$t.results[] | select(.list == $id)][0];
	    ('"$2"')' "$2" \
	    '{lists: [.lists[] | {id, t: [.tests[] | .trust]}], targets: [.targets[] | {target, results: [.results[] | .list + "=" + .verdict], codes: [.findings[] | .code + "=" + .status]}]}'
}
has() { printf '[$t.findings[] | select(.code == "%s" and .status == "%s")] | length == 1' "$1" "$2"; }

# --- a listed address: two codes on ip.bl.test, with its TXT reason
run listed 1 192.0.2.10
expect listed 'l("ip").tests.ipv4.trust == "trusted"' "ip.bl.test passes its test entries"
expect listed 'r("ip").verdict == "listed"' "listed on ip.bl.test"
expect listed '[r("ip").query.answers[].meaning] == ["a spam source", "an exploited host"]' "both codes interpreted"
expect listed 'r("ip").query.name == "10.2.0.192.ip.bl.test"' "RFC 5782 query name"
expect listed 'r("ip").query.txt | test("spam trap hits")' "TXT reason fetched"
expect listed "$(has bl.listed fail)"
expect listed '[$t.findings[] | select(.code == "bl.listed") | .trips[] | select(.rule == "RCVD_IN_TEST")] | length == 1' "list trip named"
expect listed '[$t.findings[] | select(.code == "bl.listed") | .trips[] | select(.effect | test("\\[192.0.2.10\\] blocked using ip.bl.test"))] | length == 1' "Postfix reply named"
expect listed '$t.listed and .summary.listed_targets == 1' "summary"

# --- refusals are never listings
expect listed 'l("refuse").tests.ipv4.trust == "refused" and r("refuse").verdict == "refused"' "127.255.255.254: refused, not listed"
expect listed 'l("refuse").tests.ipv4.listed.answers[0].address == "127.255.255.254"' "refusal answer shown"
expect listed '[l("refuse").findings[] | select(.code == "bl.list_refused" and .status == "skipped")] | length == 1' "bl.list_refused"
expect listed '[l("refuse").findings[0].remediation[] | select(test("--resolver"))] | length == 1' "advice: own resolver"
expect listed 'l("uref").tests.ipv4.trust == "refused" and r("uref").verdict == "refused"' "a list's own refusal code (127.0.0.1)"
# --- lists failing their test entries are not trusted
expect listed 'l("dead").tests.ipv4.trust == "failed" and r("dead").verdict == "skipped"' "dead list skipped"
expect listed 'l("all").tests.ipv4.trust == "failed" and r("all").verdict == "skipped"' "list-everything list skipped"
expect listed 'r("all").query.verdict == "listed"' "its 'listed' answer is shown, not believed"
expect listed '[l("all").findings[] | select(.code == "bl.list_failed")] | length == 1' "bl.list_failed"
expect listed 'l("wild").tests.ipv4.trust == "broken" and r("wild").verdict == "skipped"' "wildcard outside 127/8: broken"
expect listed '[l("wild").findings[] | select(.code == "bl.list_broken")] | length == 1' "bl.list_broken"

# --- a clean address: pass on the trusted list, but some lists unusable
run clean 2 192.0.2.1
expect clean "$(has bl.not_listed pass)"
expect clean 'r("ip").verdict == "not_listed"' "not listed on ip.bl.test"
expect clean '$t.listed | not' "not listed"
# --- only the trusted list: a clean pass
printf 'list ip ip.bl.test ip4,ip6\n' > "$OUT/one.conf"
"$MXDIAG" bl --format json "${RES[@]}" --lists "$OUT/one.conf" 192.0.2.1 > "$OUT/clean_one.json" 2>/dev/null
rc=$?
[ "$rc" = 0 ] && ok "clean_one: exit status 0" || not_ok "clean_one: exit status" "got $rc"
expect clean_one "$(has bl.not_listed pass)"

# --- IPv6: nibble query names and the ::ffff:7f00:2 test entry
run ipv6 1 2001:db8::25
expect ipv6 'l("ip").tests.ipv6.trust == "trusted"' "IPv6 test entries pass"
expect ipv6 'r("ip").verdict == "listed" and (r("ip").query.name | startswith("5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip.bl.test"))' "IPv6 listed, nibble name"
expect ipv6 '[$t.results[].list] == ["ip"]' "only IPv6 lists asked"

# --- domains: a value list and a bitmask list
run domain 1 spam.example.test mixed.example.test clean.example.test
expect domain 'l("dbl").tests.domain.trust == "trusted" and l("bits").tests.domain.trust == "trusted"' "domain lists pass test/invalid"
expect domain 'r("dbl").verdict == "listed" and r("dbl").query.name == "spam.example.test.dbl.bl.test"' "spam.example.test listed"
expect domain '.targets[1].results[] | select(.list == "bits") | .query.answers[0].meaning == "black: a spam domain + red: a young domain + listed (bits 0x20: meaning unknown)"' "bitmask decoded, unknown bit named"
expect domain '[.targets[2].findings[] | select(.code == "bl.not_listed")] | length == 1' "clean domain"
expect domain 'r("refuse").verdict == "refused"' "refusing list refuses domains too"
expect domain '.summary.listed_targets == 2' "two domains listed"

# --- temporary failure: nothing answers
"$MXDIAG" bl --format json --resolver 127.0.0.1:9 --timeout 1 --lists "$LISTS" 192.0.2.10 > "$OUT/temp.json" 2>/dev/null
rc=$?
[ "$rc" = 2 ] && ok "temperror: exit status 2" || not_ok "temperror: exit status" "got $rc"
expect temp 'l("ip").tests.ipv4.trust == "temperror" and r("ip").verdict == "temperror"' "temperror stays temperror"
expect temp "$(has bl.unchecked temperror)"
expect temp '[$t.findings[] | select(.code == "bl.listed" or .code == "bl.not_listed")] | length == 0' "neither listed nor clean"

# --- built-in lists and usage
"$MXDIAG" bl --show-lists > "$OUT/defaults.conf" 2>&1
grep -q '^list spamhaus-zen zen.spamhaus.org ip4,ip6' "$OUT/defaults.conf" && ok "built-in lists shown" || not_ok "built-in lists shown"
"$MXDIAG" bl --lists "$OUT/defaults.conf" --resolver 127.0.0.1:9 --timeout 1 not_a_target > /dev/null 2>&1
[ $? = 64 ] && ok "usage: bad target" || not_ok "usage: bad target"
printf 'list x x.test ip5\n' > "$OUT/bad.conf"
"$MXDIAG" bl --lists "$OUT/bad.conf" 192.0.2.1 > /dev/null 2> "$OUT/bad.err"
[ $? = 64 ] && grep -q "line 1: unknown kind" "$OUT/bad.err" && ok "usage: bad list file, line named" || not_ok "usage: bad list file" "$(cat "$OUT/bad.err")"

# --- text output
"$MXDIAG" bl "${RES[@]}" --lists "$LISTS" 192.0.2.10 > "$OUT/text.txt" 2>&1
grep -q "(bl.listed)" "$OUT/text.txt" && grep -q "refuse.bl.test *ipv4:refused" "$OUT/text.txt" && ok "text: listing and list trust" || not_ok "text" "$(head -12 "$OUT/text.txt")"

# --- every report against the schema
validate_reports "$SCHEMA"

# --- memory
valgrind_run "no errors or leaks" bl --format json "${RES[@]}" --lists "$LISTS" \
	192.0.2.10 2001:db8::25 spam.example.test

tap_finish
