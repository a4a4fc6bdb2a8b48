#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# world_smoke.sh: TAP test that the integration test world (tests/world)
# really shows the facts the mxdiag integration tests rely on: every PTR,
# NXDOMAIN and SERVFAIL case in Knot, and the first greeting line of each
# SMTP listener. It starts the world in a temporary directory and stops it
# again, or uses $MXDIAG_WORLD when that world is already up. SMTP is only
# greeted (EHLO/HELO/QUIT): this test never sends MAIL, RCPT or DATA.
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORLD_SH=$HERE/../world/world.sh
DNS=127.0.0.1
DNS_PORT=5353
SMTP_PORT=2525

n=0
failed=0
OWN_WORLD=""

ok() { n=$((n + 1)); printf 'ok %d - %s\n' "$n" "$1"; }
not_ok() {
	local line
	n=$((n + 1))
	failed=1
	printf 'not ok %d - %s\n' "$n" "$1"
	shift
	for line in "$@"; do printf '#   %s\n' "$line"; done
}
skip() { n=$((n + 1)); printf 'ok %d # SKIP %s\n' "$n" "$1"; }
# check DESCRIPTION GOT WANT
check() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "want: $3" "got:  $2"; fi
}
# check_prefix DESCRIPTION GOT WANT_PREFIX
check_prefix() {
	case $2 in
		"$3"*) ok "$1" ;;
		*) not_ok "$1" "want prefix: $3" "got: $2" ;;
	esac
}

# shellcheck disable=SC2317 # called through the EXIT trap
cleanup() {
	if [ -n "$OWN_WORLD" ]; then
		"$WORLD_SH" down "$OWN_WORLD" >/dev/null 2>&1
		if [ "$failed" = 0 ]; then
			rm -rf "$OWN_WORLD"
		else
			printf '# world logs kept in %s\n' "$OWN_WORLD"
		fi
	fi
}

# --- DNS helpers: one kdig query as JSON, summarised -----------------------

dns_json() {
	kdig @"$DNS" -p "$DNS_PORT" +json +timeout=2 +retry=1 "$@" 2>/dev/null
}
# RCODE name of the answer, e.g. NOERROR, NXDOMAIN, SERVFAIL
dns_rcode() {
	dns_json "$@" | jq -r '["NOERROR","FORMERR","SERVFAIL","NXDOMAIN","NOTIMP",
		"REFUSED"][.RCODE] // "RCODE\(.RCODE)"'
}
# answer section as sorted "TYPE rdata" joined by ", "
dns_answer() {
	dns_json "$@" | jq -r '[.answerRRs[]? | "\(.TYPEname) " +
		(to_entries | map(select(.key | startswith("rdata"))) | .[0].value)]
		| sort | join(", ")'
}
# owner, MNAME and RNAME of the SOA in the authority section
dns_soa() {
	dns_json "$@" | jq -r '[.authorityRRs[]? | select(.TYPEname == "SOA") |
		"\(.NAME) " + (.rdataSOA | split(" ") | .[0:2] | join(" "))] | join(", ")'
}

# --- SMTP helpers: bash /dev/tcp, so nothing but our bytes is sent ------------

# smtp_dialog ADDR TIMEOUT [COMMAND]...: prints the greeting and each
# reply (all lines, CR stripped). Stops at EOF or after TIMEOUT s of silence.
smtp_dialog() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	timeout 20 bash -c '
		addr=$1 port=$2 t=$3
		shift 3
		exec 3<>"/dev/tcp/$addr/$port" || exit 1
		reply() {
			local line
			while IFS= read -r -t "$t" line <&3; do
				line=${line%$'"'"'\r'"'"'}
				printf "%s\n" "$line"
				[ "${line:3:1}" = "-" ] || return 0
			done
			return 1
		}
		reply || exit 0
		for cmd in "$@"; do
			printf "%s\r\n" "$cmd" >&3 2>/dev/null || exit 0
			reply || exit 0
		done' _ "$1" "$SMTP_PORT" "$2" "${@:3}" 2>/dev/null
}
first_line() { smtp_dialog "$1" "${2:-5}" | head -n 1; }

# --- the world -------------------------------------------------------------

trap cleanup EXIT
if [ -n "${MXDIAG_WORLD:-}" ] && "$WORLD_SH" status "$MXDIAG_WORLD" >/dev/null 2>&1; then
	WORLD=$MXDIAG_WORLD
	printf '# using the running world in %s\n' "$WORLD"
else
	WORLD=$(mktemp -d /tmp/mxdiag-world-smoke.XXXXXX)
	OWN_WORLD=$WORLD
	if ! out=$("$WORLD_SH" up "$WORLD" 2>&1); then
		printf '%s\n' "$out" | sed 's/^/# /'
		printf 'Bail out! test world did not start\n'
		exit 1
	fi
	printf '%s\n' "$out" | sed 's/^/# /'
fi

# --- DNS facts ---------------------------------------------------------------

check "PTR 127.0.0.2 is mail.example.test (aligned Postfix)" \
	"$(dns_answer -x 127.0.0.2)" "PTR mail.example.test."
check "PTR 127.0.0.3 is host3.example.test (misaligned Postfix)" \
	"$(dns_answer -x 127.0.0.3)" "PTR host3.example.test."
check "127.0.0.4 has no PTR: NXDOMAIN" "$(dns_rcode -x 127.0.0.4)" NXDOMAIN
check "127.0.0.4 NXDOMAIN carries the 127.in-addr.arpa SOA" \
	"$(dns_soa -x 127.0.0.4)" "127.in-addr.arpa. ns1.example.test. hostmaster.example.test."
check "PTR 127.0.0.5 is broken.example.test" \
	"$(dns_answer -x 127.0.0.5)" "PTR broken.example.test."
check "broken.example.test points elsewhere (FCrDNS fails)" \
	"$(dns_answer broken.example.test A)" "A 127.0.0.99"
check "127.0.0.6 has two PTRs" \
	"$(dns_answer -x 127.0.0.6)" "PTR a.example.test., PTR b.example.test."
check "a.example.test and b.example.test both point to 127.0.0.6" \
	"$(dns_answer a.example.test A); $(dns_answer b.example.test A)" "A 127.0.0.6; A 127.0.0.6"
check "PTR 127.0.0.7 is exim.example.test" \
	"$(dns_answer -x 127.0.0.7)" "PTR exim.example.test."
check "PTR 127.0.0.8 is nobanner.example.test" \
	"$(dns_answer -x 127.0.0.8)" "PTR nobanner.example.test."
for o in 10 11 12 13 14 15 16 17 18 19 20; do
	check "peer$o: PTR 127.0.0.$o and A forward-confirm" \
		"$(dns_answer -x 127.0.0.$o) / $(dns_answer peer$o.example.test A)" \
		"PTR peer$o.example.test. / A 127.0.0.$o"
done
check "multi.example.test has two addresses" \
	"$(dns_answer multi.example.test A)" "A 127.0.0.2, A 127.0.0.3"
check "RFC 2317: 192.0.2.10 is a CNAME into 0/25" \
	"$(dns_answer -x 192.0.2.10)" "CNAME 10.0/25.2.0.192.in-addr.arpa."
check "RFC 2317: the CNAME target has the PTR classless.example.test" \
	"$(dns_answer 10.0/25.2.0.192.in-addr.arpa PTR)" "PTR classless.example.test."
check "classless.example.test forward-confirms 192.0.2.10" \
	"$(dns_answer classless.example.test A)" "A 192.0.2.10"
check "PTR 192.0.2.20 is nofwd.example.test" \
	"$(dns_answer -x 192.0.2.20)" "PTR nofwd.example.test."
check "nofwd.example.test has no address: NXDOMAIN" \
	"$(dns_rcode nofwd.example.test A)" NXDOMAIN
check "PTR 192.0.2.30 is a forward-confirmed cloud default" \
	"$(dns_answer -x 192.0.2.30) / $(dns_answer ec2-192-0-2-30.compute-1.amazonaws.com A)" \
	"PTR ec2-192-0-2-30.compute-1.amazonaws.com. / A 192.0.2.30"
check "198.51.100.7: NXDOMAIN with the provider's SOA" \
	"$(dns_rcode -x 198.51.100.7) $(dns_soa -x 198.51.100.7)" \
	"NXDOMAIN 100.51.198.in-addr.arpa. ns1.your-server.de. dns.hetzner.com."
check "PTR 198.51.100.8 is a forward-confirmed provider default" \
	"$(dns_answer -x 198.51.100.8) / $(dns_answer static.8.100.51.198.clients.your-server.de A)" \
	"PTR static.8.100.51.198.clients.your-server.de. / A 198.51.100.8"
check "203.0.113.7 looks undelegated: NXDOMAIN with the root SOA" \
	"$(dns_rcode -x 203.0.113.7) $(dns_soa -x 203.0.113.7)" \
	"NXDOMAIN . a.root.world.test. hostmaster.world.test."
check "198.51.99.1: broken zone answers SERVFAIL" "$(dns_rcode -x 198.51.99.1)" SERVFAIL
check "PTR 2001:db8::25 is v6.example.test" \
	"$(dns_answer -x 2001:db8::25) / $(dns_answer v6.example.test AAAA)" \
	"PTR v6.example.test. / AAAA 2001:db8::25"
check "2001:db8::26 has no PTR: NXDOMAIN in 8.b.d.0.1.0.0.2.ip6.arpa" \
	"$(dns_rcode -x 2001:db8::26) $(dns_soa -x 2001:db8::26)" \
	"NXDOMAIN 8.b.d.0.1.0.0.2.ip6.arpa. ns1.example.test. hostmaster.example.test."
check "Knot answers over TCP too" "$(dns_answer +tcp -x 127.0.0.3)" "PTR host3.example.test."
check "Knot answers on 127.0.0.53 port 53" \
	"$(DNS=127.0.0.53 DNS_PORT=53 dns_answer -x 127.0.0.2)" "PTR mail.example.test."

# --- SMTP greetings ------------------------------------------------------------

check "postfix 127.0.0.2 greets as mail.example.test" \
	"$(first_line 127.0.0.2)" "220 mail.example.test ESMTP Postfix"
check "postfix 127.0.0.3 greets as mail.example.test (not host3)" \
	"$(first_line 127.0.0.3)" "220 mail.example.test ESMTP Postfix"
check "postfix 127.0.0.5 greets as broken.example.test" \
	"$(first_line 127.0.0.5)" "220 broken.example.test ESMTP Postfix"
check "postfix 127.0.0.8 greets without a hostname" \
	"$(first_line 127.0.0.8)" "220 ESMTP ready"
out=$(swaks --server 127.0.0.8 --port "$SMTP_PORT" --helo smoke.example.test \
	--from smoke@example.test --to nobody@example.test --quit-after EHLO \
	--timeout 10 2>&1)
check "postfix 127.0.0.8 names nobanner.example.test in its EHLO reply (swaks)" \
	"$(printf '%s\n' "$out" | grep -m1 -o '<-  250-[^ ]*' | sed 's/^<-  //')" "250-nobanner.example.test"

if [ -r "$WORLD/skip.exim" ]; then
	skip "exim not available: $(cat "$WORLD/skip.exim")"
else
	check_prefix "exim 127.0.0.7 greets as exim.example.test" \
		"$(first_line 127.0.0.7)" "220 exim.example.test ESMTP Exim 4."
fi

check "peer10 (normal) greeting" "$(first_line 127.0.0.10)" \
	"220 peer10.example.test ESMTP mxdiag-peer"
check "peer10 (normal) EHLO reply and QUIT" \
	"$(smtp_dialog 127.0.0.10 5 'EHLO smoke.example.test' QUIT | tail -n +2 | tr '\n' '|')" \
	"250-peer10.example.test|250-PIPELINING|250 STARTTLS|221 2.0.0 Bye|"
check "peer11 (multiline) greeting has three lines" \
	"$(smtp_dialog 127.0.0.11 5 | tr '\n' '|')" \
	"220-peer11.example.test ESMTP first line|220-second line|220 third line|"
start=$(date +%s%N)
got=$(first_line 127.0.0.12 6)
ms=$((($(date +%s%N) - start) / 1000000))
check "peer12 (delay) greets after about 3 s" \
	"$got $([ "$ms" -ge 2500 ] && echo late || echo "early(${ms}ms)")" \
	"220 peer12.example.test ESMTP late"
# shellcheck disable=SC2016 # expanded by the inner bash
check "peer12 (delay) rejects an early talker" \
	"$(timeout 10 bash -c 'exec 3<>/dev/tcp/127.0.0.12/'"$SMTP_PORT"'
		printf "EHLO early.example.test\r\n" >&3
		IFS= read -r -t 6 l <&3; printf "%s" "${l%$'"'"'\r'"'"'}"')" \
	"554 5.5.1 Error: early talker"
check "peer13 (silent) sends nothing for 2 s" "$(smtp_dialog 127.0.0.13 2 | wc -c)" 0
# shellcheck disable=SC2016 # expanded by the inner bash
check "peer14 (close) closes without a byte" \
	"$(timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.14/'"$SMTP_PORT"'
		if IFS= read -r -t 3 l <&3; then echo "got: $l"; elif [ $? -gt 128 ]; then echo timeout; else echo eof; fi')" eof
check "peer15 (reject554) greeting" "$(first_line 127.0.0.15)" \
	"554 5.7.1 peer15.example.test No SMTP service here"
check "peer16 (busy421) greeting, then the server closes" \
	"$(smtp_dialog 127.0.0.16 5 QUIT | tr '\n' '|')" \
	"421 4.3.2 peer16.example.test Service not available|"
check "peer17 (noehlo) rejects EHLO, accepts HELO" \
	"$(smtp_dialog 127.0.0.17 5 'EHLO smoke.example.test' 'HELO smoke.example.test' QUIT | tr '\n' '|')" \
	"220 peer17.example.test ESMTP|502 5.5.2 Error: command not recognized|250 peer17.example.test|221 2.0.0 Bye|"
got=$(first_line 127.0.0.18)
check "peer18 (longline) greeting is 220 plus 2000 x" \
	"${#got} ${got:0:8}" "2004 220 xxxx"
check "peer19 (nohost) greeting and EHLO" \
	"$(smtp_dialog 127.0.0.19 5 'EHLO smoke.example.test' | tr '\n' '|')" \
	"220 ESMTP service ready|250-peer19.example.test|250 8BITMIME|"
check "peer20 (garbage) greeting" "$(first_line 127.0.0.20)" "2x0 hello"

printf '1..%d\n' "$n"
exit "$failed"
