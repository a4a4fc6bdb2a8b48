#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# check.sh: end-to-end TAP tests of `mxdiag check` against the real servers
# of the test world (Knot DNS on 127.0.0.1:5353, Postfix, Exim, scripted
# SMTP peers; see tests/world/world.sh). Each scenario runs the binary with
# an explicit --resolver and asserts the JSON report (schema
# mxdiag.check/1) and the exit status. It uses $MXDIAG_WORLD when a world
# is already up, else starts one in a temporary directory.
set -u -o pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SCHEMA=$HERE/../../docs/mxdiag.check.schema.json
world_attach
RES+=(--ehlo checker.example.test)
exim_up=0
grep -qx 'MXDIAG_WORLD_EXIM=1' "$WORLD/world.env" 2>/dev/null && exim_up=1

# run NAME EXPECTED_RC ARGS...: runs mxdiag --format json, keeps the output
# in $OUT/NAME.json, and checks the exit status.
run() {
	local name=$1 want=$2 rc
	shift 2
	"$MXDIAG" check --format json "${RES[@]}" "$@" > "$OUT/$name.json" 2> "$OUT/$name.err"
	rc=$?
	check_rc "$name" "$want" "$rc" "$OUT/$name.err"
}

# expect NAME 'JQ-EXPRESSION' [DESCRIPTION]: the expression must be true
# on the last report of NAME. .a is the first address object.
expect() {
	jq_check "$1: ${3:-$2}" "$OUT/$1.json" \
	    "(.targets[0].addresses[0] // {}) as \$a | ($2)" "$2" \
	    '.targets[0].addresses[0] | {ptr, iprev, banner_hostname, ehlo_hostname, mta, aligned, codes: [.findings[] | .code + "=" + .status]}'
}
has() { printf '[$a.findings[] | select(.code == "%s" and .status == "%s")] | length == 1' "$1" "$2"; }
lacks() { printf '[$a.findings[] | select(.code == "%s")] | length == 0' "$1"; }

# --- aligned: Postfix on 127.0.0.2, PTR mail.example.test -> A 127.0.0.2
run aligned 0 127.0.0.2:2525
expect aligned '$a.iprev == "pass" and $a.aligned == true' "iprev pass and aligned"
expect aligned '$a.ptr == ["mail.example.test"]' "PTR name"
expect aligned '$a.banner_hostname == "mail.example.test" and $a.ehlo_hostname == "mail.example.test"' "banner and EHLO names"
expect aligned '$a.mta == "postfix"' "MTA detected as Postfix"
expect aligned "$(has identity.aligned pass)"
expect aligned "$(has ehlo.forward_match pass)"
expect aligned '.schema == "mxdiag.check/1"' "schema version"
expect aligned '$a.reverse_zone.name == "127.in-addr.arpa" and $a.reverse_zone.mname == "ns1.example.test"' "reverse zone named from an SOA query"
expect aligned '$a.smtp.ehlo_sent == "checker.example.test"' "EHLO name sent"

# --- the demo's misaligned server: banner says mail.example.test, PTR host3
run banner_mismatch 1 127.0.0.3:2525
expect banner_mismatch '$a.iprev == "pass" and $a.aligned == false' "iprev pass, not aligned"
expect banner_mismatch "$(has banner.ptr_mismatch warning)"
expect banner_mismatch "$(has ehlo.ptr_mismatch warning)"
expect banner_mismatch "$(has ehlo.forward_mismatch warning)"
expect banner_mismatch '[$a.findings[] | select(.code == "ehlo.forward_mismatch") | .trips[] | select(.rule == "HFILTER_HELO_IP_A")] | length == 1' "trips rspamd HFILTER_HELO_IP_A"
expect banner_mismatch '[$a.findings[] | select(.code == "banner.ptr_mismatch") | .remediation[] | select(test("myhostname = host3.example.test"))] | length == 1' "Postfix remediation names myhostname"
expect banner_mismatch '$a.banner_forward.addresses == ["127.0.0.2"]' "banner name's own address reported"

# --- no PTR: 127.0.0.4 has none; the reverse zone 127.in-addr.arpa exists
run no_ptr 1 --no-smtp 127.0.0.4
expect no_ptr '$a.ptr == [] and $a.iprev == "fail"' "no PTR, iprev fail"
expect no_ptr "$(has ptr.none fail)"
expect no_ptr "$(has rdns.zone_owner info)"
expect no_ptr '$a.ptr_lookup.zone.name == "127.in-addr.arpa" and $a.ptr_lookup.zone.mname == "ns1.example.test"' "negative answer's SOA read"
expect no_ptr '[$a.findings[] | select(.code == "ptr.none") | .trips[] | select(.rule == "reject_unknown_reverse_client_hostname")] | length == 1' "trips Postfix reject_unknown_reverse_client_hostname"
expect no_ptr "$(has smtp.skipped skipped)"
expect no_ptr '$a.smtp == null and $a.banner_hostname == null' "no SMTP with --no-smtp"

# --- FCrDNS fails: PTR broken.example.test, whose A is 127.0.0.99
run fcrdns_fail 1 127.0.0.5:2525
expect fcrdns_fail '$a.iprev == "fail"' "iprev fail"
expect fcrdns_fail "$(has iprev.fail fail)"
expect fcrdns_fail '$a.forward[0].addresses == ["127.0.0.99"] and $a.forward[0].confirms == false' "forward addresses reported"
expect fcrdns_fail '$a.banner_hostname == "broken.example.test"' "banner read"

# --- several PTRs
run multi_ptr 1 --no-smtp 127.0.0.6
expect multi_ptr '($a.ptr | sort) == ["a.example.test", "b.example.test"]' "both PTR names"
expect multi_ptr "$(has ptr.multiple warning)"
expect multi_ptr '$a.iprev == "pass"' "iprev pass (both confirm)"

# --- RFC 2317 classless delegation through a CNAME
run ptr_cname 0 --no-smtp 192.0.2.10
expect ptr_cname '$a.ptr == ["classless.example.test"] and $a.iprev == "pass"' "PTR found through the CNAME"
expect ptr_cname "$(has ptr.cname info)"
expect ptr_cname '$a.ptr_lookup.cname_chain == ["10.0/25.2.0.192.in-addr.arpa"]' "CNAME chain reported"
expect ptr_cname '$a.reverse_zone.name == "0/25.2.0.192.in-addr.arpa"' "the delegated classless zone holds the PTR"

# --- IPv6 (DNS only)
run ipv6 0 --no-smtp 2001:db8::25
expect ipv6 '$a.ptr == ["v6.example.test"] and $a.iprev == "pass" and $a.family == "ipv6"' "ip6.arpa PTR and AAAA confirm"
expect ipv6 '$a.reverse_name | startswith("5.2.0.0.0.0.0.0")' "nibble reverse name"
run ipv6_none 1 --no-smtp 2001:db8::26
expect ipv6_none "$(has ptr.none fail)"

# --- PTR name with no address at all
run nofwd 1 --no-smtp 192.0.2.20
expect nofwd '$a.iprev == "fail" and $a.forward[0].outcome == "nxdomain"' "forward NXDOMAIN is iprev fail"

# --- generic names and providers
run generic_aws 1 --no-smtp 192.0.2.30
expect generic_aws '$a.iprev == "pass" and $a.generic.kind == "cloud_default" and $a.generic.provider == "aws"' "AWS default PTR is generic"
expect generic_aws "$(has ptr.generic warning)"
run generic_hetzner 1 --no-smtp 198.51.100.8
expect generic_hetzner '$a.generic.provider == "hetzner" and $a.reverse_zone_provider == "hetzner"' "Hetzner recognised by name and by the reverse zone's SOA"
run provider_zone 1 --no-smtp 198.51.100.7
expect provider_zone "$(has rdns.zone_owner info)"
expect provider_zone '$a.reverse_zone_provider == "hetzner"' "reverse zone's SOA names Hetzner"
run undelegated 1 --no-smtp 203.0.113.9
expect undelegated "$(has rdns.undelegated fail)"
expect undelegated '$a.ptr_lookup.zone.name == "."' "answered by the root zone"

# --- temporary DNS failures stay temporary
run servfail 2 --no-smtp 198.51.99.1
expect servfail '$a.iprev == "temperror"' "SERVFAIL is iprev temperror"
expect servfail "$(has ptr.temperror temperror)"
expect servfail '.summary.temporary_failures == true and .summary.problems == false' "summary says temporary"
"$MXDIAG" check --format json --resolver 127.0.0.1:5399 --timeout 2 --no-smtp 127.0.0.2 > "$OUT/dns_down.json" 2>/dev/null
rc=$?
[ "$rc" = 2 ] && ok "dns_down: exit status 2" || not_ok "dns_down: exit status" "want 2, got $rc"
expect dns_down "$(has ptr.temperror temperror)"
# Several resolvers: a dead one first, the real one second.
"$MXDIAG" check --format json --resolver 127.0.0.1:5399 --resolver 127.0.0.1:5353 --timeout 3 --no-smtp 127.0.0.2 > "$OUT/failover.json" 2>/dev/null
rc=$?
[ "$rc" = 0 ] && ok "failover: exit status 0" || not_ok "failover: exit status" "want 0, got $rc"
expect failover '$a.iprev == "pass"' "a dead first resolver is skipped"
# A DNS server that reads queries and never answers (no real server can be
# made to do this on purpose, so a silent UDP listener stands in).
nc -u -l 127.0.0.1 5398 > /dev/null 2>&1 &
silent_dns=$!
sleep 0.2
start=$(date +%s%N)
"$MXDIAG" check --format json --resolver 127.0.0.1:5398 --timeout 1.5 --no-smtp 127.0.0.2 > "$OUT/dns_timeout.json" 2>/dev/null
rc=$?
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
kill "$silent_dns" 2>/dev/null; wait "$silent_dns" 2>/dev/null
[ "$rc" = 2 ] && ok "dns_timeout: exit status 2" || not_ok "dns_timeout: exit status" "want 2, got $rc"
expect dns_timeout '$a.ptr_lookup.outcome == "timeout" and $a.iprev == "temperror"' "timeout is temperror"
[ "$elapsed" -lt 4000 ] && ok "dns_timeout: --timeout 1.5 bounds the run ($elapsed ms)" || not_ok "dns_timeout: took $elapsed ms"

# --- SMTP: banners and broken servers (scripted peers on 127.0.0.10-20)
run banner_none 0 127.0.0.8:2525
expect banner_none '$a.banner_hostname == null and $a.ehlo_hostname == "nobanner.example.test"' "no hostname in greeting, EHLO names it"
expect banner_none "$(has banner.no_hostname info)"
expect banner_none "$(lacks banner.ptr_mismatch)"
run multiline 1 127.0.0.11:2525
expect multiline "$(has smtp.starttls warning)"
expect multiline '($a.smtp.greeting.lines | length) == 3 and $a.banner_hostname == "peer11.example.test"' "3-line greeting, name from the first line"
run delayed 0 --timeout 8 127.0.0.12:2525
expect delayed '$a.smtp.status == "ok" and $a.smtp.greeting_ms >= 2500' "waited for the delayed greeting without talking first"
expect delayed "$(has smtp.greeting_delay info)"
run silent 2 --timeout 1.5 127.0.0.13:2525
expect silent "$(has smtp.greeting_timeout temperror)"
run closes 2 127.0.0.14:2525
expect closes "$(has smtp.closed temperror)"
run reject554 1 127.0.0.15:2525
expect reject554 "$(has smtp.rejected warning)"
expect reject554 '$a.banner_hostname == "peer15.example.test"' "name read from the 554 greeting"
run busy421 2 127.0.0.16:2525
expect busy421 "$(has smtp.busy temperror)"
run helo_fallback 0 127.0.0.17:2525
expect helo_fallback '$a.smtp.used_helo == true and $a.ehlo_hostname == "peer17.example.test"' "EHLO refused, HELO used"
expect helo_fallback "$(has smtp.helo_fallback info)"
run longline 1 127.0.0.18:2525
expect longline "$(has smtp.protocol permerror)"
expect longline '$a.smtp.error | test("512|long")' "says the line is too long"
run nohost 1 127.0.0.19:2525
expect nohost '$a.ehlo_hostname == "peer19.example.test" and $a.banner_hostname == null' "EHLO names the host the greeting did not"
expect nohost "$(has banner.no_hostname info)"
run garbage 1 127.0.0.20:2525
expect garbage "$(has smtp.protocol permerror)"
# 127.0.0.4 has no PTR (a definite problem) and nothing listens: the
# problem wins over the temporary failure (exit 1, docs/json.md).
run refused 1 127.0.0.4:2525
expect refused "$(has smtp.connect temperror)"
jq_check "refused: both the problem and the temporary failure counted" \
    "$OUT/refused.json" '.summary.problems and .summary.temporary_failures' \
    'summary' '.summary'

# --- a second MTA family
if [ "$exim_up" = 1 ]; then
	run exim 0 127.0.0.7:2525
	expect exim '$a.mta == "exim" and $a.banner_hostname == "exim.example.test"' "Exim detected"
	expect exim '$a.aligned == true' "Exim aligned"
else
	skip "exim: the test world could not start Exim (see world.sh up)"
fi

# --- STARTTLS (mxdiag tls): Postfix with a certificate from the world's
# test CA, the same without trusting that CA, Postfix without STARTTLS,
# Exim's self-signed certificate, and a peer that refuses STARTTLS.
CA="$WORLD/ca/ca.pem"
runtls() {
	local name=$1 want=$2 rc
	shift 2
	"$MXDIAG" tls --format json "${RES[@]}" "$@" > "$OUT/$name.json" 2> "$OUT/$name.err"
	rc=$?
	check_rc "$name" "$want" "$rc" "$OUT/$name.err"
}
runtls tls_good 0 --ca-file "$CA" --name mail.example.test 127.0.0.2:2525
expect tls_good "$(has tls.chain pass)"
expect tls_good "$(has tls.name pass)"
expect tls_good "$(has tls.expiry pass)"
expect tls_good '$a.smtp.tls.protocol | test("^TLSv1\\.[23]$")' "TLS 1.2 or 1.3 negotiated"
expect tls_good '$a.smtp.tls.ehlo_after_tls == true and ($a.smtp.tls.capabilities_after_tls | index("STARTTLS") == null)' "capabilities re-read inside TLS, STARTTLS gone"
runtls tls_hostname 0 --ca-file "$CA" mail.example.test:2525
expect tls_hostname '$a.smtp.tls.certificate.checked_name == "mail.example.test"' "a hostname target is the name checked"
runtls tls_untrusted 1 --name mail.example.test 127.0.0.2:2525
expect tls_untrusted "$(has tls.chain warning)"
runtls tls_wrong_name 1 --ca-file "$CA" --name other.example.test 127.0.0.2:2525
expect tls_wrong_name "$(has tls.name warning)"
runtls tls_none 1 --ca-file "$CA" 127.0.0.9:2525
expect tls_none "$(has smtp.starttls warning)"
expect tls_none '$a.smtp.tls == null and ([$a.findings[] | select(.code | startswith("tls."))] | length == 0)' "nothing to inspect without STARTTLS"
runtls tls_refused 1 --ca-file "$CA" 127.0.0.10:2525
expect tls_refused "$(has tls.starttls_refused fail)"
if [ "$exim_up" = 1 ]; then
	runtls tls_exim 1 --ca-file "$CA" --name exim.example.test 127.0.0.7:2525
	expect tls_exim "$(has tls.chain warning)"
	expect tls_exim '$a.smtp.tls.handshake == true' "Exim's handshake completes"
else
	skip "tls_exim: the test world could not start Exim"
fi

# --- a hostname target: every address is checked
run hostname 1 multi.example.test:2525
expect hostname '(.targets[0].addresses | length) == 2 and .targets[0].kind == "hostname"' "both A records checked"
expect hostname '[.targets[0].addresses[].address] | sort == ["127.0.0.2", "127.0.0.3"]' "the two addresses"
run only_v6 1 -6 multi.example.test:2525
expect only_v6 '.targets[0].findings[0].code == "target.no_address" and (.targets[0].addresses | length) == 0' "-6: a name without AAAA has no address to check"
run v6_name 0 -6 --no-smtp v6.example.test
expect v6_name '.targets[0].addresses[0].address == "2001:db8::25" and .targets[0].addresses[0].iprev == "pass"' "-6: the AAAA address is checked"
run nxname 1 nosuchhost.example.test
expect nxname '.targets[0].findings[0].code == "target.nxdomain"' "unknown hostname reported"
run several 1 --no-smtp 127.0.0.2 127.0.0.4 192.0.2.10
expect several '[.targets[].addresses[0].address] == ["127.0.0.2", "127.0.0.4", "192.0.2.10"]' "results in the order given"

# --- usage errors
for args in "" "not_a_host!" "--format xml 127.0.0.2" "--resolver 999.1.1.1 127.0.0.2" "-4 -6 127.0.0.2" "--timeout 0 127.0.0.2"; do
	# shellcheck disable=SC2086 # word splitting wanted
	"$MXDIAG" check $args > /dev/null 2>&1
	rc=$?
	[ "$rc" = 64 ] && ok "usage: check $args -> 64" || not_ok "usage: check $args" "want 64, got $rc"
done

# --- the JSON contract: every report validates against the schema
validate_reports "$SCHEMA"

# --- text output: no colour when not a terminal, NO_COLOR respected
"$MXDIAG" check "${RES[@]}" 127.0.0.3:2525 > "$OUT/text.txt" 2>&1
if grep -q $'\033' "$OUT/text.txt"; then not_ok "text: escape codes in piped output"; else ok "text: no colour when piped"; fi
grep -q "127.0.0.3 -> host3.example.test -> A 127.0.0.3" "$OUT/text.txt" && ok "text: chain drawn" || not_ok "text: chain drawn" "$(head -5 "$OUT/text.txt")"
grep -q "banner: mail.example.test" "$OUT/text.txt" && ok "text: banner shown" || not_ok "text: banner shown"
if command -v script > /dev/null; then
	script -qec "$MXDIAG check ${RES[*]} --no-smtp 127.0.0.2" /dev/null > "$OUT/tty.txt" 2>&1
	grep -q $'\033\[' "$OUT/tty.txt" && ok "text: colour on a terminal" || not_ok "text: colour on a terminal"
	NO_COLOR=1 script -qec "$MXDIAG check ${RES[*]} --no-smtp 127.0.0.2" /dev/null > "$OUT/tty2.txt" 2>&1
	grep -q $'\033\[' "$OUT/tty2.txt" && not_ok "text: NO_COLOR ignored" || ok "text: NO_COLOR respected"
else
	skip "colour tests: script(1) not available"
fi

# --- memory: one full run under valgrind
valgrind_run "no errors or leaks" check --format json "${RES[@]}" 127.0.0.2:2525 \
	127.0.0.3:2525 127.0.0.18:2525 127.0.0.12:2525 multi.example.test:2525

tap_finish
