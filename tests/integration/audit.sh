#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# audit.sh: end-to-end TAP tests of `mxdiag audit` and `mxdiag mx` against
# the test world (Knot on 127.0.0.1:5353 serving tests/world/zones, Postfix
# with the world's test CA, Postfix without STARTTLS). Uses $MXDIAG_WORLD
# when a world is up, else starts one.
set -u -o pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
world_attach good.test
W=$WORLD
ARGS=(--resolver 127.0.0.1:5353 --port 2525 --ehlo checker.example.test --timeout 5 --ca-file "$W/ca/ca.pem")

# run CMD NAME EXPECTED_RC DOMAIN [ARGS]
run() {
	local cmd=$1 name=$2 want=$3 rc
	shift 3
	"$MXDIAG" "$cmd" --format json "${ARGS[@]}" "$@" > "$OUT/$name.json" 2> "$OUT/$name.err"
	rc=$?
	check_rc "$name" "$want" "$rc" "$OUT/$name.err"
}
expect() {
	jq_check "$1: ${3:-$2}" "$OUT/$1.json" "($2)" "$2" \
	    '{summary, mx: [.sections.mx.findings[]? | .code + "=" + .status]}'
}
mxhas() { printf '[.sections.mx.findings[] | select(.code == "%s" and .status == "%s")] | length == 1' "$1" "$2"; }

run mx good 0 audit.test
expect good "$(mxhas mx.records pass)"
expect good '.sections.mx.data.hosts[0].name == "mx1.audit.test" and .sections.mx.data.hosts[0].preference == 10' "MX host and preference"
expect good '.sections.mx.data.hosts[0].addresses[0].address == "127.0.0.2"' "the MX host's address checked"
expect good '[.sections.mx.data.hosts[0].addresses[0].findings[] | select(.code == "tls.name" and .status == "pass")] | length == 1' "certificate checked against the MX name"
expect good '.summary.grade == "A" and .schema == "mxdiag.audit/1"' "grade A"
run mx nullmx 0 nullmx.audit.test
expect nullmx "$(mxhas mx.null info)"
expect nullmx '.sections.mx.data.null_mx == true and (.sections.mx.data.hosts | length) == 0' "no host to check"
run mx implicit 1 nomx.audit.test
expect implicit "$(mxhas mx.implicit warning)"
expect implicit '.sections.mx.data.hosts[0].name == "nomx.audit.test" and .sections.mx.data.hosts[0].preference == null' "the domain is its own MX"
run mx cname 1 cname.audit.test
expect cname "$(mxhas mx.cname warning)"
expect cname '.sections.mx.data.hosts[0].cname_chain == ["mx-real.audit.test"]' "alias chain reported"
run mx literal 1 literal.audit.test
expect literal "$(mxhas mx.ip_literal fail)"
expect literal '.sections.mx.data.hosts[0].addresses == []' "never connected to the literal"
run mx noaddr 1 noaddr.audit.test
expect noaddr "$(mxhas mx.no_address fail)"
run mx twomx 1 twomx.audit.test
expect twomx '[.sections.mx.data.hosts[].name] == ["mx1.audit.test", "notls.example.test"]' "hosts in preference order"
expect twomx '.summary.top_fixes[0].code == "smtp.starttls"' "missing STARTTLS is the fix to make"
run mx nxdomain 1 nosuch.audit.test
expect nxdomain "$(mxhas mx.nxdomain fail)"
"$MXDIAG" mx --format json --resolver 127.0.0.1:5399 --timeout 1 --no-smtp audit.test > "$OUT/temp.json" 2>/dev/null
rc=$?
[ "$rc" = 2 ] && ok "temp: exit status 2" || not_ok "temp: exit status" "want 2, got $rc"
expect temp "$(mxhas mx.temperror temperror)"
expect temp '.summary.complete == false' "summary says incomplete"
run audit sending 1 audit.test --ip 127.0.0.2 --ip 127.0.0.4 --helo mail.example.test
expect sending '[.sections.sending.data.addresses[] | {address, iprev}] == [{"address": "127.0.0.2", "iprev": "pass"}, {"address": "127.0.0.4", "iprev": "fail"}]' "each sending address's identity"
expect sending '[.sections.sending.findings[] | .code + "=" + .status] == ["sending.helo_match=pass", "sending.helo_mismatch=warning"]' "HELO compared with each PTR"
expect sending '[.sections.sending.data.addresses[1].findings[] | select(.code == "ptr.none") | .remediation[0] | test("set to mail.example.test")] == [true]' "the fix names the HELO as the PTR to publish"
expect sending '.sections.sending.data.addresses[0].smtp == null' "sending addresses are not connected to"
# MTA-STS: the policy is fetched over HTTPS from the world's policy server
# (test-CA certificate) and its mx patterns matched against the real MX.
sts() { printf '[.sections.mta_sts.findings[] | select(.code == "%s" and .status == "%s")] | length >= 1' "$1" "$2"; }
run audit sts_good 0 good.test
expect sts_good "$(sts mtasts.mx_matched pass)"
expect sts_good '.sections.mta_sts.data.http_status == 200 and (.sections.mta_sts.data.policy | test("mode: enforce"))' "policy fetched"
expect sts_good '[.sections.tls_rpt.findings[] | select(.code == "tlsrpt.record" and .status == "pass")] | length == 1' "TLS-RPT record read"
run audit sts_unmatched 1 twomx.audit.test
expect sts_unmatched "$(sts mtasts.mx_unmatched fail)"
"$MXDIAG" audit --format json --resolver 127.0.0.1:5353 --port 2525 --ehlo checker.example.test --timeout 5 good.test > "$OUT/sts_untrusted.json" 2>/dev/null
expect sts_untrusted "$(sts mtasts.policy_fetch fail)"
expect sts_untrusted '.sections.mta_sts.data.error | test("certificate")' "an untrusted policy certificate is refused"
# The whole audit of a domain configured right, and of one that lacks SPF
# and DMARC (audit.test), with the world's test blacklists.
LISTS=$HERE/../dnsbl/world.conf
sec() { printf '[.sections.%s.findings[] | select(.code == "%s" and .status == "%s")] | length >= 1' "$1" "$2" "$3"; }
run audit full_good 0 good.test --ip 127.0.0.2 --helo mail.example.test
expect full_good '.summary.grade == "A" and .summary.failures == 0 and .summary.warnings == 0' "grade A, nothing to fix"
expect full_good '(.sections | keys | sort) == (["blacklists", "bimi", "dkim", "dmarc", "mta_sts", "mx", "sending", "spf", "tls_rpt"] | sort)' "every section ran"
expect full_good '.sections.spf.data.sending_results == [{"address": "127.0.0.2", "result": "pass"}]' "SPF result for the sending address"
expect full_good "$(sec dkim dkim.found pass)" "DKIM key found among the default selectors"
expect full_good '.sections.dmarc.data.policy == "reject"' "DMARC policy read"
expect full_good "$(sec mta_sts mtasts.mx_matched pass)"
run audit full_listed 1 good.test --ip 127.0.0.2 --lists "$LISTS"
expect full_listed "$(sec blacklists bl.listed fail)" "the test list lists 127.0.0.2 (its RFC 5782 test entry)"
run audit full_bad 1 audit.test
expect full_bad '[.summary.top_fixes[].code] | map(startswith("spf.") or startswith("dmarc.")) | any' "missing SPF or DMARC is among the fixes first"
expect full_bad '.summary.grade != "A"' "not graded A"
run audit text_ok 0 good.test
"$MXDIAG" audit "${ARGS[@]}" audit.test > "$OUT/text.txt" 2>&1
grep -q '^grade ' "$OUT/text.txt" && grep -q '^fix first:' "$OUT/text.txt" && ok "text: grade and fixes first" ||
	not_ok "text: grade and fixes first" "$(head -5 "$OUT/text.txt")"
"$MXDIAG" mx audit.test nonsense > /dev/null 2>&1; rc=$?
[ "$rc" = 64 ] && ok "usage: two domains -> 64" || not_ok "usage: two domains" "got $rc"

# Every report validates against docs/mxdiag.audit.schema.json (which
# refers to the check schema for address objects and findings).
validate_reports "$HERE/../../docs/mxdiag.audit.schema.json"
valgrind_run "a whole audit, no errors or leaks" audit --format json "${ARGS[@]}" \
	--ip 127.0.0.2 --helo mail.example.test good.test

tap_finish
