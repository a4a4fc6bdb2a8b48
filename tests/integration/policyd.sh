#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# policyd.sh: end-to-end TAP tests of `mxdiag policyd` behind a real
# Postfix. This script starts its own Postfix instance (127.0.0.40:2540,
# delivering to a Maildir through the virtual agent) whose recipient
# domains each route to a differently configured policyd through
# check_policy_service: observe.test (observe mode), enforce.test
# (enforce, 450), enforce550.test (enforce, 550, --require ptr is tried on
# a third one), deaddns.test (enforce, a DNS server that is down) and
# exempt.test (enforce, 127.0.0.4 exempt). swaks sends from loopback
# addresses whose PTRs the test world's Knot serves (127.0.0.2 aligned,
# .3 HELO differs, .4 no PTR, .5 FCrDNS fails) and the replies and the
# delivered messages' headers are checked. Then the protocol itself on a
# raw socket: many requests per connection, unknown attributes, oversize
# and malformed requests (dropped without a reply), authenticated
# clients, a unix socket, the counters, and a run under valgrind.
set -u -o pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
world_attach example.test

PF_ADDR=127.0.0.40
PF_PORT=2540
PD_ADDR=127.0.0.41
RUN=$(mktemp -d /tmp/mxdiag-policyd.XXXXXX)
chmod 755 "$RUN"
PIDS=()

pd_cleanup() {
	local p
	postfix -c "$RUN/etc" stop >/dev/null 2>&1
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	[ "$failed" = 0 ] && rm -rf "$RUN"
	lib_cleanup
}
trap pd_cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

bail() {
	not_ok "$@"
	tap_finish
}

for b in postfix swaks python3; do
	command -v "$b" >/dev/null || bail "missing $b (scripts/deps.sh installs it)"
done

# policyd NAME PORT ARGS...: start one instance; its log is $RUN/NAME.log.
policyd() {
	local name=$1 port=$2
	shift 2
	"$MXDIAG" policyd --listen "inet:$PD_ADDR:$port" \
		--authserv-id mx.policyd.test --log "$RUN/$name.log" "$@" \
		2>"$RUN/$name.err" &
	PIDS+=($!)
}

policyd observe 10041 "${RES[@]}" --stats-listen "inet:$PD_ADDR:10049"
policyd enforce 10042 "${RES[@]}" --mode enforce
policyd enforce550 10043 "${RES[@]}" --mode enforce --reject-code 550
policyd deaddns 10044 --resolver 127.0.0.1:5399 --timeout 2 --mode enforce
policyd exempt 10045 "${RES[@]}" --mode enforce --exempt 127.0.0.4/32
policyd requireptr 10046 "${RES[@]}" --mode enforce --require ptr \
	--reject-code 550
V6LISTEN=()
ip -6 addr show lo 2>/dev/null | grep -q '::1/128' && V6LISTEN=(--listen "inet:[::1]:10050")
policyd raw 10047 "${RES[@]}" --mode enforce --request-timeout 2 \
	--listen "unix:$RUN/policyd.sock" --stats-listen "unix:$RUN/stats.sock" \
	"${V6LISTEN[@]}"

# --- Postfix ----------------------------------------------------------------

mkdir -p "$RUN/etc" "$RUN/queue" "$RUN/data" "$RUN/mail"
chown postfix "$RUN/data"
chown nobody:nogroup "$RUN/mail"
cat > "$RUN/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $RUN/queue
data_directory = $RUN/data
mail_owner = postfix
setgid_group = postdrop
maillog_file = $RUN/maillog
maillog_file_prefixes = $RUN
myhostname = mx.policyd.test
mydomain = policyd.test
inet_protocols = ipv4
inet_interfaces = 127.0.0.1
proxy_interfaces = $PF_ADDR
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
mydestination =
relay_domains =
mynetworks =
local_recipient_maps =
default_transport = discard:nothing leaves
relay_transport = discard:nothing leaves
local_transport = discard:nothing leaves
virtual_transport = virtual
virtual_mailbox_domains = observe.test enforce.test enforce550.test deaddns.test exempt.test requireptr.test
virtual_mailbox_base = $RUN/mail
virtual_mailbox_maps = static:box/
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
virtual_minimum_uid = 100
smtpd_policy_service_default_action = 451 4.3.5 policy service unavailable
smtpd_policy_service_timeout = 30s
smtpd_restriction_classes = pd_observe pd_enforce pd_enforce550 pd_deaddns pd_exempt pd_requireptr
pd_observe = check_policy_service inet:$PD_ADDR:10041
pd_enforce = check_policy_service inet:$PD_ADDR:10042
pd_enforce550 = check_policy_service inet:$PD_ADDR:10043
pd_deaddns = check_policy_service inet:$PD_ADDR:10044
pd_exempt = check_policy_service inet:$PD_ADDR:10045
pd_requireptr = check_policy_service inet:$PD_ADDR:10046
smtpd_relay_restrictions = permit_auth_destination, reject
smtpd_recipient_restrictions = check_recipient_access inline:{ observe.test=pd_observe, enforce.test=pd_enforce, enforce550.test=pd_enforce550, deaddns.test=pd_deaddns, exempt.test=pd_exempt, requireptr.test=pd_requireptr }, permit_auth_destination, reject
biff = no
EOF
cat > "$RUN/etc/master.cf" <<EOF
$PF_ADDR:$PF_PORT inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
virtual   unix  -       n       n       -       -       virtual
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
if ! postfix -c "$RUN/etc" start >"$RUN/postfix.out" 2>&1; then
	bail "private Postfix starts" "$(tail -5 "$RUN/postfix.out")" \
	    "$(tail -5 "$RUN/maillog" 2>/dev/null)"
fi
for _ in $(seq 50); do
	nc -z "$PF_ADDR" "$PF_PORT" 2>/dev/null && break
	sleep 0.1
done
for p in 10041 10042 10043 10044 10045 10046 10047; do
	for _ in $(seq 50); do
		nc -z "$PD_ADDR" "$p" 2>/dev/null && break
		sleep 0.1
	done
done
for p in "${PIDS[@]}"; do
	kill -0 "$p" 2>/dev/null ||
		bail "every policyd started" "$(cat "$RUN"/*.err)"
done
if nc -z "$PF_ADDR" "$PF_PORT" 2>/dev/null; then
	ok "private Postfix listens on $PF_ADDR:$PF_PORT"
else
	bail "private Postfix listens" "$(tail -5 "$RUN/maillog" 2>/dev/null)"
fi

# send NAME FROM-ADDR HELO RCPT-DOMAIN: one message; swaks's transcript in
# $RUN/NAME.swaks, its exit status in $RUN/NAME.rc (24: RCPT refused).
send() {
	local name=$1 src=$2 helo=$3 dom=$4 rc
	timeout 60 swaks --server "$PF_ADDR" --port "$PF_PORT" \
		--local-interface "$src" --helo "$helo" \
		--from "sender@example.test" --to "rcpt@$dom" \
		--header "X-Test: $name" --timeout 20 \
		>"$RUN/$name.swaks" 2>&1
	rc=$?
	echo "$rc" > "$RUN/$name.rc"
	return 0
}

# delivered NAME: the file of the message with X-Test: NAME (waits 15 s).
delivered() {
	local f _
	for _ in $(seq 150); do
		f=$(grep -l "^X-Test: $1\$" "$RUN"/mail/box/new/* 2>/dev/null | head -1)
		if [ -n "$f" ]; then
			echo "$f"
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# accepted NAME WANT-HEADER-REGEX: RCPT accepted and the delivered message
# carries exactly one Authentication-Results header matching the regex.
accepted() {
	local name=$1 want=$2 f hdr count
	if [ "$(cat "$RUN/$name.rc")" != 0 ]; then
		not_ok "$name: accepted" "swaks exit $(cat "$RUN/$name.rc")" \
		    "$(grep -E '^<[~*]* +[45][0-9][0-9]' "$RUN/$name.swaks" | tail -3)"
		return
	fi
	if ! f=$(delivered "$name"); then
		not_ok "$name: delivered" "no message in $RUN/mail/box/new" \
		    "$(tail -3 "$RUN/maillog" 2>/dev/null)"
		return
	fi
	count=$(grep -c '^Authentication-Results: mx.policyd.test;' "$f")
	hdr=$(grep '^Authentication-Results: mx.policyd.test;' "$f")
	if [ -z "$want" ]; then
		if [ "$count" = 0 ]; then
			ok "$name: accepted, no header (exempt)"
		else
			not_ok "$name: no header" "$hdr"
		fi
	elif [ "$count" = 1 ] && grep -Eq "$want" <<<"$hdr"; then
		ok "$name: accepted; header: ${hdr#Authentication-Results: }"
	else
		not_ok "$name: one header matching /$want/" "found $count:" "$hdr"
	fi
}

# refused NAME CODE-REGEX TEXT-REGEX: RCPT refused with such a reply.
refused() {
	local name=$1 code=$2 text=$3 line
	line=$(grep -E '^<[~*]* +[45][0-9][0-9] ' "$RUN/$name.swaks" | tail -1 | sed 's/^<[~*]* *//')
	if [ "$(cat "$RUN/$name.rc")" = 24 ] && grep -Eq "^$code" <<<"$line" &&
	    grep -Eq "$text" <<<"$line"; then
		ok "$name: refused: $line"
	else
		not_ok "$name: refused with /^$code/ and /$text/" \
		    "swaks exit $(cat "$RUN/$name.rc")" "reply: $line"
	fi
}

# --- the cases the issue names ------------------------------------------------

send obs_aligned 127.0.0.2 mail.example.test observe.test
accepted obs_aligned 'iprev=pass policy\.iprev=127\.0\.0\.2 \(mail\.example\.test; helo mail\.example\.test: matches PTR, resolves to client\)'
send obs_noptr 127.0.0.4 client4.example.test observe.test
accepted obs_noptr 'iprev=fail reason="no PTR record" policy\.iprev=127\.0\.0\.4 \(no PTR;'
send obs_fcrdns 127.0.0.5 broken.example.test observe.test
accepted obs_fcrdns 'iprev=fail reason="PTR broken\.example\.test resolves to 127\.0\.0\.99, not 127\.0\.0\.5"'

send enf_aligned 127.0.0.2 mail.example.test enforce.test
accepted enf_aligned 'iprev=pass policy\.iprev=127\.0\.0\.2'
send enf_noptr 127.0.0.4 client4.example.test enforce.test
refused enf_noptr '450 4\.7\.25' 'cannot find your reverse hostname, \[127\.0\.0\.4\]: no PTR record'
send enf_fcrdns 127.0.0.5 broken.example.test enforce.test
refused enf_fcrdns '450 4\.7\.25' 'PTR broken\.example\.test resolves to 127\.0\.0\.99, not 127\.0\.0\.5; publish broken\.example\.test A 127\.0\.0\.5'
send enf550_noptr 127.0.0.4 client4.example.test enforce550.test
refused enf550_noptr '550 5\.7\.25' 'no PTR record'
send reqptr_fcrdns 127.0.0.5 broken.example.test requireptr.test
accepted reqptr_fcrdns 'iprev=fail reason="PTR broken'
send reqptr_noptr 127.0.0.4 client4.example.test requireptr.test
refused reqptr_noptr '550 5\.7\.25' 'no PTR record'

# A HELO that matches nothing never rejects, even in enforce mode.
send enf_helo_mismatch 127.0.0.3 mail.example.test enforce.test
accepted enf_helo_mismatch 'iprev=pass policy\.iprev=127\.0\.0\.3 \(host3\.example\.test; helo mail\.example\.test: differs from PTR, resolves elsewhere\)'
send enf_helo_nx 127.0.0.2 nowhere.example.test enforce.test
accepted enf_helo_nx 'helo nowhere\.example\.test: differs from PTR, has no A record'
send enf_helo_literal 127.0.0.2 '[127.0.0.2]' enforce.test
accepted enf_helo_literal "helo \\[127\\.0\\.0\\.2\\]: address literal, the client's address"
send enf_helo_short 127.0.0.2 mail enforce.test
accepted enf_helo_short 'helo mail: not a fully qualified name'

# DNS down: a temporary failure, never a permanent rejection.
send dead_aligned 127.0.0.2 mail.example.test deaddns.test
refused dead_aligned '450 4\.7\.25' 'reverse DNS of \[127\.0\.0\.2\] cannot be checked now'
send dead_noptr 127.0.0.4 client4.example.test deaddns.test
refused dead_noptr '450' 'cannot be checked now'

# An exempt network is not judged: accepted, no header.
send exempt_noptr 127.0.0.4 client4.example.test exempt.test
accepted exempt_noptr ''
send exempt_other 127.0.0.5 broken.example.test exempt.test
refused exempt_other '450 4\.7\.25' 'broken\.example\.test'

# Several recipients of one message: one header, not one per recipient.
timeout 60 swaks --server "$PF_ADDR" --port "$PF_PORT" --local-interface 127.0.0.2 \
	--helo mail.example.test --from sender@example.test \
	--to a@observe.test,b@observe.test,c@observe.test \
	--header "X-Test: obs_three" --timeout 20 >"$RUN/obs_three.swaks" 2>&1
echo $? > "$RUN/obs_three.rc"
if f=$(delivered obs_three) && sleep 0.5 &&
    [ "$(grep -c '^Authentication-Results: mx.policyd.test;' "$f")" = 1 ]; then
	ok "three recipients: one Authentication-Results header"
else
	not_ok "three recipients: one header" "$(grep -c '^Authentication-Results' "${f:-/dev/null}")"
fi

# Concurrent Postfix connections: 12 clients at once, every one answered.
for i in $(seq 12); do
	send "conc$i" 127.0.0.2 mail.example.test observe.test &
done
wait_bad=0
for i in $(seq 12); do
	while [ ! -s "$RUN/conc$i.rc" ]; do sleep 0.1; done
	[ "$(cat "$RUN/conc$i.rc")" = 0 ] || wait_bad=$((wait_bad + 1))
done
if [ "$wait_bad" = 0 ]; then
	ok "12 concurrent clients accepted"
else
	not_ok "12 concurrent clients accepted" "$wait_bad refused"
fi

# The decision log: one line per decision with its fields.
sleep 0.5	# the log is flushed every 200 ms
if grep -q 'client=127.0.0.2 helo=mail.example.test ptr=mail.example.test iprev=pass helo_form=fqdn helo_ptr=match helo_fwd=pass state=RCPT queue_id=- action=PREPEND ms=' "$RUN/observe.log"; then
	ok "log: client, HELO, PTR, verdict, action, time"
else
	not_ok "log line" "$(grep client= "$RUN/observe.log" | head -2)"
fi
if grep -q 'client=127.0.0.4 helo=client4.example.test exempt="exempt network" action=DUNNO' "$RUN/exempt.log"; then
	ok "log: exempt client"
else
	not_ok "log: exempt client" "$(tail -2 "$RUN/exempt.log")"
fi

# --- the protocol on a raw socket --------------------------------------------

cat > "$RUN/raw.py" <<'PY'
import json, socket, sys, time

ADDR = sys.argv[1]

def conn():
    if ADDR.startswith("/"):
        s = socket.socket(socket.AF_UNIX)
        s.connect(ADDR)
    elif ADDR.startswith("["):
        h, p = ADDR[1:].split("]:")
        s = socket.create_connection((h, int(p)))
    else:
        h, p = ADDR.rsplit(":", 1)
        s = socket.create_connection((h, int(p)))
    s.settimeout(10)
    return s

def req(**kw):
    base = {"request": "smtpd_access_policy", "protocol_state": "RCPT",
            "protocol_name": "ESMTP", "client_address": "127.0.0.2",
            "client_name": "unknown", "reverse_client_name": "unknown",
            "helo_name": "mail.example.test", "sender": "a@example.test",
            "recipient": "b@example.test", "instance": "",
            "sasl_username": ""}
    base.update(kw)
    return "".join("%s=%s\n" % (k, v) for k, v in base.items()) + "\n"

def reply(s):
    buf = b""
    while not buf.endswith(b"\n\n"):
        d = s.recv(4096)
        if not d:
            return buf.decode() or "EOF"
        buf += d
    return buf.decode()

def closed_without_reply(s):
    try:
        d = s.recv(4096)
    except socket.timeout:
        return "no close (timeout)"
    except ConnectionResetError:
        return "closed"	# closed with our bytes unread: a reset
    return "closed" if d == b"" else "replied: %r" % d[:80]

case = sys.argv[2]
s = conn()
if case == "many":
    # 50 requests on one connection, alternating clients, with unknown
    # attributes; every reply in order.
    out = []
    for i in range(50):
        ip = "127.0.0.2" if i % 2 == 0 else "127.0.0.4"
        s.sendall(req(client_address=ip, instance="i%d" % i,
                      x_unknown_attr="whatever=x", ccert_subject="") .encode())
        out.append(reply(s))
    good = sum(1 for i, r in enumerate(out) if
               (i % 2 == 0 and r.startswith("action=PREPEND Authentication-Results: ")) or
               (i % 2 == 1 and r.startswith("action=450 4.7.25 ")))
    print("%d/50" % good)
elif case == "split":
    # one request written a byte at a time
    data = req(instance="split").encode()
    for b in data:
        s.send(bytes([b]))
    print(reply(s).split("\n")[0][:40])
elif case == "pipelined":
    # two requests in one write: two replies, in order
    s.sendall((req(client_address="127.0.0.4", instance="p1") +
               req(client_address="127.0.0.2", instance="p2")).encode())
    r1 = reply(s)
    r2 = r1[r1.index("\n\n") + 2:] if r1.count("\n\n") > 1 else reply(s)
    print(r1.split("\n")[0][:17], r2.split("\n")[0][:14])
elif case == "halfclose":
    # two requests, then our end of file: both answered, then closed
    s.sendall((req(client_address="127.0.0.4", instance="h1") +
               req(client_address="127.0.0.2", instance="h2")).encode())
    s.shutdown(socket.SHUT_WR)
    buf = b""
    while True:
        d = s.recv(4096)
        if not d:
            break
        buf += d
    print(" ".join(l[:17] for l in buf.decode().split("\n") if l))
elif case == "v6":
    # IPv6 clients: forward-confirmed, no PTR, and an IPv4-mapped one
    out = []
    for ip, helo in (("2001:db8::25", "v6.example.test"),
                     ("2001:db8::26", "v6.example.test"),
                     ("::ffff:127.0.0.2", "mail.example.test")):
        s.sendall(req(client_address=ip, helo_name=helo,
                      instance=ip).encode())
        out.append(reply(s).split("\n")[0])
    print(" | ".join(out))
elif case == "sasl":
    s.sendall(req(client_address="127.0.0.4", sasl_username="alice").encode())
    print(reply(s).strip())
elif case == "instance":
    # same instance twice: the header once, then DUNNO
    s.sendall(req(instance="same").encode())
    a = reply(s).split(" ")[0].strip()
    s.sendall(req(instance="same").encode())
    b = reply(s).strip()
    print(a, b)
elif case == "longline":
    s.sendall(("helo_name=" + "x" * 5000 + "\n").encode())
    print(closed_without_reply(s))
elif case == "noeq":
    s.sendall(b"request=smtpd_access_policy\nthis line has no equals\n\n")
    print(closed_without_reply(s))
elif case == "nul":
    s.sendall(b"request=smtpd_access_policy\nhelo_name=a\x00b\n\n")
    print(closed_without_reply(s))
elif case == "toomany":
    s.sendall(("request=smtpd_access_policy\n" +
               "".join("x%d=1\n" % i for i in range(500)) + "\n").encode())
    print(closed_without_reply(s))
elif case == "huge":
    s.sendall(("request=smtpd_access_policy\n" +
               "".join("y%d=%s\n" % (i, "z" * 1000) for i in range(40)) + "\n").encode())
    print(closed_without_reply(s))
elif case == "badtype":
    s.sendall(req(request="junk").encode())
    print(closed_without_reply(s))
elif case == "badaddr":
    s.sendall(req(client_address="999.1.1.1").encode())
    print(closed_without_reply(s))
elif case == "empty":
    s.sendall(b"\n")
    print(closed_without_reply(s))
elif case == "stall":
    # half a request, then nothing: dropped after --request-timeout 2
    s.sendall(b"request=smtpd_access_policy\nclient_address=127.0.0.2\n")
    t = time.time()
    r = closed_without_reply(s)
    print(r, "%.0f" % (time.time() - t))
elif case == "stats":
    buf = b""
    while True:
        d = s.recv(65536)
        if not d:
            break
        buf += d
    j = json.loads(buf)
    if len(sys.argv) > 3:
        open(sys.argv[3], "wb").write(buf)
    print(j["schema"], j["requests"] > 0, j["cache"]["hits"] > 0,
          j["actions"]["PREPEND"] > 0, "protocol_errors=%d" % j["protocol_errors"])
PY

raw() { timeout 30 python3 "$RUN/raw.py" "$@" 2>&1; }
expect_raw() {
	local label=$1 want=$2 got
	shift 2
	got=$(raw "$@")
	if [ "$got" = "$want" ]; then
		ok "$label: $got"
	else
		not_ok "$label" "want: $want" "got: $got"
	fi
}
RAW=$PD_ADDR:10047
expect_raw "50 requests on one connection, unknown attributes ignored" "50/50" "$RAW" many
expect_raw "a request sent byte by byte" "action=PREPEND Authentication-Results: m" "$RAW" split
expect_raw "two requests in one write: two replies in order" "action=450 4.7.25 action=PREPEND" "$RAW" pipelined
expect_raw "half-closed after two requests: both answered" "action=450 4.7.25 action=PREPEND Au" "$RAW" halfclose
expect_raw "IPv6 clients (and one IPv4-mapped)" \
	"action=PREPEND Authentication-Results: mx.policyd.test; iprev=pass policy.iprev=2001:db8::25 (v6.example.test; helo v6.example.test: matches PTR, resolves to client) | action=450 4.7.25 Client host rejected: cannot find your reverse hostname, [2001:db8::26]: no PTR record; whoever holds 2001:db8::26 must publish a PTR naming this host, a name whose AAAA record is 2001:db8::26 | action=PREPEND Authentication-Results: mx.policyd.test; iprev=pass policy.iprev=127.0.0.2 (mail.example.test; helo mail.example.test: matches PTR, resolves to client)" \
	"$RAW" v6
if ip -6 addr show lo 2>/dev/null | grep -q '::1/128'; then
	expect_raw "listening on inet:[::1]" "action=PREPEND Authentication-Results: m" "[::1]:10050" split
else
	skip "no ::1 on this machine's loopback"
fi
expect_raw "authenticated client exempt" "action=DUNNO" "$RAW" sasl
expect_raw "same instance again: DUNNO, no second header" "action=PREPEND action=DUNNO" "$RAW" instance
expect_raw "unix socket" "action=PREPEND Authentication-Results: m" "$RUN/policyd.sock" split
for c in longline noeq nul toomany huge badtype badaddr empty; do
	expect_raw "malformed ($c): dropped without a reply" "closed" "$RAW" "$c"
done
expect_raw "a stalled request is dropped after 2 s" "closed 2" "$RAW" stall
if kill -0 "${PIDS[6]}" 2>/dev/null &&
    [ "$(raw "$RAW" sasl)" = "action=DUNNO" ]; then
	ok "still serving after the malformed requests"
else
	not_ok "still serving after the malformed requests" "$(tail -3 "$RUN/raw.err")"
fi
expect_raw "counters while running (JSON on the stats socket)" \
	"mxdiag.policyd-stats/1 True True True protocol_errors=8" "$RUN/stats.sock" stats
expect_raw "counters over inet" "mxdiag.policyd-stats/1 True True True protocol_errors=0" \
	"$PD_ADDR:10049" stats "$OUT/stats-observe.json"
raw "$RUN/stats.sock" stats "$OUT/stats-raw.json" >/dev/null
validate_reports "$HERE/../../docs/mxdiag.policyd-stats.schema.json" \
	"$OUT/stats-observe.json" "$OUT/stats-raw.json"

# SIGUSR1 writes the counters to the log.
kill -USR1 "${PIDS[0]}"
sleep 0.5
if grep -q 'stats {"schema": *"mxdiag.policyd-stats/1"' "$RUN/observe.log"; then
	ok "SIGUSR1 logs the counters"
else
	not_ok "SIGUSR1 logs the counters" "$(tail -2 "$RUN/observe.log")"
fi

# SIGHUP after logrotate's rename: the next lines go to a new file.
mv "$RUN/observe.log" "$RUN/observe.log.1"
kill -HUP "${PIDS[0]}"
sleep 0.3
raw "$PD_ADDR:10041" split >/dev/null
sleep 0.5
if grep -q 'log reopened' "$RUN/observe.log" 2>/dev/null &&
    grep -q 'client=127.0.0.2' "$RUN/observe.log" &&
    grep -q 'listening on' "$RUN/observe.log.1"; then
	ok "SIGHUP reopens the log file"
else
	not_ok "SIGHUP reopens the log file" "$(ls "$RUN" | grep observe)" \
	    "$(tail -2 "$RUN/observe.log" 2>/dev/null)"
fi

# SIGTERM: a clean stop, exit 0, the unix socket removed.
kill -TERM "${PIDS[6]}"
wait "${PIDS[6]}"
rc=$?
if [ "$rc" = 0 ] && [ ! -e "$RUN/policyd.sock" ]; then
	ok "SIGTERM: exit 0, unix socket removed"
else
	not_ok "SIGTERM: exit 0, socket removed" "exit $rc" "$(ls "$RUN")"
fi

# --- usage errors -------------------------------------------------------------

for args in "--mode strict" "--reject-code 500" "--require helo" \
    "--exempt 10.0.0.0/33" "--listen inet:127.0.0.1" "--format json" \
    "--tempfail reject" "--sockets 0" "--sockets 33" "stray"; do
	# shellcheck disable=SC2086 # one word per argument
	"$MXDIAG" policyd $args >/dev/null 2>"$OUT/usage.err"
	check_rc "policyd $args" 64 $? "$OUT/usage.err"
done

# --- valgrind (or the sanitizers, in their build) ------------------------------

# The protocol cases once more against a server under valgrind; in the
# sanitizer build valgrind cannot run, and ASan's leak check at exit
# plays its part.
VGWRAP=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect
	--error-exitcode=99)
if [ -n "${MXDIAG_NO_VALGRIND:-}" ]; then
	VGWRAP=()
	VGWHAT="sanitizers"
elif command -v valgrind >/dev/null; then
	VGWHAT=valgrind
else
	VGWHAT=""
fi
if [ -n "$VGWHAT" ]; then
	"${VGWRAP[@]}" "$MXDIAG" policyd --listen "inet:$PD_ADDR:10048" \
		"${RES[@]}" --mode enforce --log "$RUN/vg.log" 2>"$RUN/vg.err" &
	VG=$!
	PIDS+=("$VG")
	for _ in $(seq 100); do
		nc -z "$PD_ADDR" 10048 2>/dev/null && break
		sleep 0.1
	done
	for c in many pipelined instance noeq huge split; do
		raw "$PD_ADDR:10048" "$c" >/dev/null
	done
	kill -TERM "$VG"
	wait "$VG"
	rc=$?
	if [ "$rc" = 0 ] && ! grep -q 'Sanitizer' "$RUN/vg.err"; then
		ok "$VGWHAT: clean (errors and leaks) over the protocol cases"
	else
		not_ok "$VGWHAT: clean" "exit $rc" "$(head -30 "$RUN/vg.err")"
	fi
else
	skip "valgrind not installed"
fi

tap_finish
