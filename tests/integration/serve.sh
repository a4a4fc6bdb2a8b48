#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# serve.sh: TAP tests of `mxdiag serve` over real HTTP against the test
# world (Knot DNS, Postfix, the scripted SMTP peers): the API's documents
# against the CLI's and their schemas, the OpenAPI document, the page and
# its headers, the address gate (SSRF), the rate limit (429), the cap on
# running checks (503), slow and oversized requests, the connection cap,
# SIGTERM, and a run under valgrind (ASan in the sanitizer build).
#
# Servers (all on loopback): PUB (no --allow-private) 127.0.0.44:8044 and
# [::1]:8044; PRIV (--allow-private, no rate limit) 127.0.0.44:8045;
# LIM (--rate 60 --burst 3 --max-checks 1 --header-timeout 2) :8046;
# CONN (--max-connections 3) :8047.
set -u -o pipefail

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
world_attach

PIDS=()
stop_servers() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	lib_cleanup
}
trap stop_servers EXIT

# start NAME ADDR:PORT [OPTION...]: mxdiag serve in the background, its
# stderr in $OUT/NAME.log; waits until /healthz answers.
start() {
	local name=$1 listen=$2
	shift 2
	${WRAP:-} "$MXDIAG" serve --listen "$listen" "${RES[@]}" \
	    --ehlo checker.example.test "$@" 2> "$OUT/$name.log" &
	PIDS+=($!)
	eval "PID_$name=$!"
	for _ in $(seq 100); do
		fetch "http://$listen/healthz" > /dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# fetch URL [METHOD [SOURCE-ADDR [HEADER:VALUE]]]: prints the status line
# number, then "Header: value" lines, a blank line and the body.
fetch() {
	"$PY" - "$@" <<'PY'
import http.client, sys, urllib.parse
url = urllib.parse.urlsplit(sys.argv[1])
method = sys.argv[2] if len(sys.argv) > 2 else "GET"
src = sys.argv[3] if len(sys.argv) > 3 and sys.argv[3] else None
hdrs = dict([sys.argv[4].split(":", 1)]) if len(sys.argv) > 4 else {}
c = http.client.HTTPConnection(url.hostname, url.port, timeout=20,
                               source_address=(src, 0) if src else None)
path = url.path + ("?" + url.query if url.query else "")
c.request(method, path, headers=hdrs)
r = c.getresponse()
print(r.status)
for k, v in r.getheaders():
    print("%s: %s" % (k, v))
print()
sys.stdout.write(r.read().decode())
PY
}

# get NAME URL [METHOD [SOURCE]]: fetch into $OUT/NAME.{status,headers,json}
get() {
	local name=$1
	shift
	fetch "$@" > "$OUT/$name.raw" 2> "$OUT/$name.err"
	sed -n '1p' "$OUT/$name.raw" > "$OUT/$name.status"
	sed -n '2,/^$/p' "$OUT/$name.raw" > "$OUT/$name.headers"
	sed '1,/^$/d' "$OUT/$name.raw" > "$OUT/$name.json"
}

# want_status NAME CODE
want_status() {
	local got
	got=$(cat "$OUT/$1.status" 2>/dev/null)
	if [ "$got" = "$2" ]; then
		ok "$1: HTTP $2"
	else
		not_ok "$1: HTTP $2" "got '${got}'" \
		    "body: $(head -c 400 "$OUT/$1.json" 2>/dev/null)" \
		    "$(head -c 300 "$OUT/$1.err" 2>/dev/null)"
	fi
}

# want NAME 'JQ' [DESCRIPTION]: jq expression true on the body.
want() {
	jq_check "$1: ${3:-$2}" "$OUT/$1.json" "$2" "$2" "."
}

# want_header NAME REGEX
want_header() {
	if grep -qiE "$2" "$OUT/$1.headers"; then
		ok "$1: header $2"
	else
		not_ok "$1: header $2" "$(cat "$OUT/$1.headers")"
	fi
}

PUB=127.0.0.44:8044
PRIV=127.0.0.44:8045
LIM=127.0.0.44:8046
CONN=127.0.0.44:8047

start pub "$PUB" --listen "[::1]:8044" --rate 6000 --burst 1000 ||
	not_ok "serve (public) did not start" "$(cat "$OUT/pub.log")"
start priv "$PRIV" --allow-private --rate 0 ||
	not_ok "serve (private) did not start" "$(cat "$OUT/priv.log")"

# --- usage ----------------------------------------------------------------------
for bad in nonsense 127.0.0.1 127.0.0.1:0 ::1:80; do
	"$MXDIAG" serve --listen "$bad" "${RES[@]}" > /dev/null 2> "$OUT/usage.err"
	check_rc "--listen $bad refused" 64 $? "$OUT/usage.err"
done
"$MXDIAG" serve --listen "$PUB" "${RES[@]}" > /dev/null 2> "$OUT/inuse.err"
check_rc "--listen on an address in use" 70 $? "$OUT/inuse.err"

# --- service endpoints -------------------------------------------------------
get healthz "http://$PUB/healthz"
want_status healthz 200
want healthz '.status == "ok" and (.checks_running | type) == "number"'

get openapi "http://$PUB/api/v1/openapi.json"
want_status openapi 200
want openapi '.openapi == "3.1.0" and ([.paths | keys[]] | sort) == (["/api/v1/audit","/api/v1/bimi","/api/v1/bl","/api/v1/check","/api/v1/dkim","/api/v1/dmarc","/api/v1/spf","/healthz"])' \
    "OpenAPI 3.1 with every endpoint"
want openapi '[.. | objects | select(has("$ref")) | ."$ref" | select(startswith("#/components/schemas/")) | ltrimstr("#/components/schemas/")] - (.components.schemas | keys) == []' \
    "every component \$ref resolves"
want openapi '[.paths | to_entries[] | select(.key | startswith("/api/")) | .value.get.responses | has("429") and has("503")] | all' \
    "429 and 503 documented"
"$PY" - "$OUT/openapi.json" "$HERE/../../docs" > "$OUT/openapi.diff" 2>&1 <<'PY'
import json, sys, os
api = json.load(open(sys.argv[1]))
for name in ("check", "audit", "spf", "dmarc", "bimi", "dkim", "bl"):
    doc = json.load(open(os.path.join(sys.argv[2], "mxdiag.%s.schema.json" % name)))
    if api["components"]["schemas"]["mxdiag." + name] != doc:
        print("mxdiag.%s differs from docs/" % name)
PY
if [ ! -s "$OUT/openapi.diff" ]; then
	ok "openapi: response schemas are the CLI's docs/*.schema.json"
else
	not_ok "openapi: response schemas are the CLI's" "$(cat "$OUT/openapi.diff")"
fi

get page "http://$PUB/"
want_status page 200
want_header page '^Content-Type: text/html'
want_header page "^Content-Security-Policy: default-src 'self'"
want_header page '^X-Content-Type-Options: nosniff'
if grep -q '<form' "$OUT/page.json" && grep -q 'app.js' "$OUT/page.json"; then
	ok "page: the form and its script"
else
	not_ok "page: the form and its script" "$(head -c 300 "$OUT/page.json")"
fi
etag=$(sed -n 's/^ETag: //Ip' "$OUT/page.headers" | tr -d '\r')
fetch "http://$PUB/" GET "" "If-None-Match:$etag" > "$OUT/etag.raw" 2>&1
if [ "$(head -1 "$OUT/etag.raw")" = 304 ]; then
	ok "page: If-None-Match gives 304"
else
	not_ok "page: If-None-Match gives 304" "$(head -3 "$OUT/etag.raw")"
fi
get appjs "http://$PUB/app.js"
want_status appjs 200
want_header appjs '^Content-Type: text/javascript'

get notfound "http://$PUB/nope"
want_status notfound 404
get noendpoint "http://$PUB/api/v1/nope?x=1"
want_status noendpoint 404
want noendpoint '.error.code == "not_found"'
get post "http://$PUB/api/v1/check?target=192.0.2.1" POST
want_status post 405
want_header post '^Allow: GET, HEAD'

# --- the address gate (no --allow-private) -------------------------------------
gate() {
	local name=$1 target=$2 pattern=$3
	get "$name" "http://$PUB/api/v1/check?target=$target&no_smtp=true"
	want_status "$name" 422
	want "$name" ".error.code == \"refused_target\" and (.error.message | test(\"$pattern\"))"
}
gate gate_loopback 127.0.0.2 "loopback"
gate gate_private 10.1.2.3 "private"
gate gate_linklocal 169.254.169.254 "link-local"
gate gate_cgnat 100.64.0.1 "100.64.0.0/10"
gate gate_mapped "::ffff:127.0.0.1" "IPv4"
gate gate_nat64 "64:ff9b::7f00:1" "IPv4"
gate gate_v6loop "::1" "loopback"
gate gate_name mail.example.test "mail.example.test resolves to 127.0.0.2"
get gate_v6listener "http://[::1]:8044/api/v1/check?target=127.0.0.3"
want_status gate_v6listener 422

get bad_url "http://$PUB/api/v1/check?target=http://192.0.2.1/"
want_status bad_url 400
want bad_url '.error.code == "bad_request" and (.error.message | test("URL"))'
get bad_hostport "http://$PUB/api/v1/check?target=mail.example.test:25"
want_status bad_hostport 400
get bad_port "http://$PUB/api/v1/check?target=192.0.2.1&port=22"
want_status bad_port 400
want bad_port '.error.message | test("25, 587 or 2525")'
get bad_param "http://$PUB/api/v1/check?target=192.0.2.1&verbose=1"
want_status bad_param 400
want bad_param '.error.message | test("unknown parameter")'
get bad_dup "http://$PUB/api/v1/check?target=192.0.2.1&target=192.0.2.2"
want_status bad_dup 400
get bad_missing "http://$PUB/api/v1/dmarc"
want_status bad_missing 400
want bad_missing '.error.message | test("domain is required")'
get bad_nul "http://$PUB/api/v1/dmarc?domain=a%00b"
want_status bad_nul 400
get bad_domain "http://$PUB/api/v1/spf?domain=192.0.2.1"
want_status bad_domain 400

# The audit runs (DNS is fine), but the loopback MX gets no SMTP.
get gate_audit "http://$PUB/api/v1/audit?domain=good.test&port=2525"
want_status gate_audit 200
want gate_audit '[.. | objects | select(.code? == "mx.address_refused")] | length > 0' \
    "the loopback MX is refused, not probed"

# --- documents (--allow-private), the same as the CLI's -----------------------
get check_ok "http://$PRIV/api/v1/check?target=mail.example.test&port=2525"
want_status check_ok 200
want check_ok '.schema == "mxdiag.check/1" and .summary.exit_code == 0 and .targets[0].addresses[0].aligned == true and .targets[0].addresses[0].smtp != null' \
    "mail.example.test aligned, with its SMTP greeting"
get check_fail "http://$PRIV/api/v1/check?target=127.0.0.5&no_smtp=true"
want_status check_fail 200
want check_fail '.summary.exit_code == 1 and .targets[0].addresses[0].iprev == "fail" and .options.smtp == false'
get check_temp "http://$PRIV/api/v1/check?target=198.51.99.1&no_smtp=true"
want check_temp '.summary.exit_code == 2 and .summary.temporary_failures == true' \
    "a SERVFAIL stays temporary (exit_code 2)"
get check_v6 "http://$PRIV/api/v1/check?target=2001:db8::25&no_smtp=true"
want check_v6 '.targets[0].addresses[0].ptr == ["v6.example.test"] and .targets[0].addresses[0].iprev == "pass"'
validate_reports "$HERE/../../docs/mxdiag.check.schema.json" \
    "$OUT/check_ok.json" "$OUT/check_fail.json" "$OUT/check_temp.json" \
    "$OUT/check_v6.json"

same_as_cli() {
	local name=$1 path=$2
	shift 2
	get "$name" "http://$PRIV/api/v1/$path"
	"$MXDIAG" "$@" "${RES[@]}" --format json > "$OUT/$name.cli" 2>/dev/null
	# Times differ from run to run ("answered by ... in 3 ms").
	if jq -S . "$OUT/$name.json" 2>/dev/null | sed -E 's/ in [0-9]+ ms/ in N ms/; s/"(elapsed|duration)_ms": [0-9]+/"\1_ms": N/' > "$OUT/$name.a" &&
	    jq -S . "$OUT/$name.cli" | sed -E 's/ in [0-9]+ ms/ in N ms/; s/"(elapsed|duration)_ms": [0-9]+/"\1_ms": N/' > "$OUT/$name.b" &&
	    diff -q "$OUT/$name.a" "$OUT/$name.b" > /dev/null; then
		ok "$name: the same document as mxdiag $*"
	else
		not_ok "$name: the same document as mxdiag $*" \
		    "$(diff "$OUT/$name.a" "$OUT/$name.b" | head -20)"
	fi
}
same_as_cli spf "spf?domain=example.test" spf example.test
same_as_cli dmarc "dmarc?domain=example.test" dmarc example.test
same_as_cli dkim "dkim?domain=example.test&selector=mail" dkim example.test --selector mail
same_as_cli bimi "bimi?domain=good.test" bimi good.test
same_as_cli check_nosmtp "check?target=127.0.0.2&no_smtp=true" check --no-smtp --ehlo checker.example.test 127.0.0.2
get bl "http://$PRIV/api/v1/bl?targets=127.0.0.2,example.test"
want_status bl 200
want bl '.schema == "mxdiag.bl/1"'
get audit "http://$PRIV/api/v1/audit?domain=example.test&port=2525&no_smtp=true"
want_status audit 200
want audit '.schema == "mxdiag.audit/1" and .domain == "example.test"'
get head "http://$PRIV/api/v1/dmarc?domain=example.test" HEAD
want_status head 200
if [ ! -s "$OUT/head.json" ]; then ok "head: no body"; else not_ok "head: no body"; fi

# --- limits ----------------------------------------------------------------
start lim "$LIM" --allow-private --rate 60 --burst 3 --max-checks 1 \
    --header-timeout 2 ||
	not_ok "serve (limits) did not start" "$(cat "$OUT/lim.log")"
# Five requests at once from one client (one process: no time to refill).
"$PY" - "$LIM" > "$OUT/burst.txt" 2>&1 <<'PY'
import http.client, json, sys
host, port = sys.argv[1].rsplit(":", 1)
codes = []
for i in range(5):
    c = http.client.HTTPConnection(host, int(port), timeout=10,
                                   source_address=("127.0.0.45", 0))
    c.request("GET", "/api/v1/dmarc?domain=example.test")
    r = c.getresponse()
    body = json.loads(r.read())
    codes.append("%d%s" % (r.status, "/" + body["error"]["code"] + "/retry=" +
                 str(r.getheader("Retry-After")) if r.status != 200 else ""))
print(" ".join(codes))
PY
if grep -qE '^200 200 200 429/rate_limited/retry=[0-9]+ 429/rate_limited/retry=[0-9]+$' "$OUT/burst.txt"; then
	ok "rate limit: a burst of 3 is answered, then 429 with Retry-After"
else
	not_ok "rate limit: a burst of 3, then 429 with Retry-After" "$(cat "$OUT/burst.txt")"
fi
get other_client "http://$LIM/api/v1/dmarc?domain=example.test" GET 127.0.0.46
want_status other_client 200
sleep 1.1
get refilled "http://$LIM/api/v1/dmarc?domain=example.test" GET 127.0.0.45
want_status refilled 200

# One check holds the only slot (a silent SMTP server: the greeting
# timeout); another client's request meanwhile is 503.
get slow "http://$LIM/api/v1/check?target=127.0.0.13&port=2525" GET 127.0.0.47 &
slowpid=$!
sleep 0.5
get busy "http://$LIM/api/v1/dmarc?domain=example.test" GET 127.0.0.48
want_status busy 503
want_header busy '^Retry-After: [0-9]+'
want busy '.error.code == "busy"'
wait "$slowpid"
want_status slow 200
want slow '.summary.exit_code == 2' "a silent server is a temporary failure"

# Slow, oversized and malformed requests.
"$PY" - "$LIM" > "$OUT/slow.txt" 2>&1 <<'PY'
import socket, sys, time
host, port = sys.argv[1].rsplit(":", 1)
def conn():
    return socket.create_connection((host, int(port)), timeout=10)
# A request trickled one header line a second is cut off (header-timeout 2).
s = conn(); t0 = time.time(); cut = None
s.sendall(b"GET /healthz HTTP/1.1\r\n")
for i in range(8):
    try:
        s.sendall(b"X-Slow-%d: y\r\n" % i)
    except OSError:
        cut = time.time() - t0; break
    s.settimeout(1.0)
    try:
        if s.recv(100) == b"":
            cut = time.time() - t0; break
    except socket.timeout:
        pass
print("slow_cut", cut is not None and cut < 4.5, cut)
# 20 KB of headers: refused, nothing held.
s = conn()
s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-Big: " + b"a" * 20000 + b"\r\n\r\n")
data = b""
try:
    while True:
        d = s.recv(4096)
        if not d: break
        data += d
except OSError:
    pass
print("big_headers", not data.startswith(b"HTTP/1.1 200"), data[:40])
# A 5000-byte query string: 400.
s = conn()
s.sendall(b"GET /api/v1/dmarc?domain=" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
print("long_query", s.recv(100)[:12] in (b"HTTP/1.1 400", b"HTTP/1.1 414", b"HTTP/1.1 413"))
# Garbage: no crash, the connection ends.
s = conn()
s.sendall(b"\x00\xff\x16\x03\x01 garbage\r\n\r\n")
s.settimeout(5)
try:
    print("garbage", s.recv(100)[:12])
except OSError as e:
    print("garbage", e)
PY
grep -q '^slow_cut True' "$OUT/slow.txt" && ok "a client trickling its headers is cut off" ||
	not_ok "a client trickling its headers is cut off" "$(cat "$OUT/slow.txt")"
grep -q '^big_headers True' "$OUT/slow.txt" && ok "20 KB of headers refused" ||
	not_ok "20 KB of headers refused" "$(cat "$OUT/slow.txt")"
grep -q '^long_query True' "$OUT/slow.txt" && ok "a 5000-byte query refused" ||
	not_ok "a 5000-byte query refused" "$(cat "$OUT/slow.txt")"
get after_abuse "http://$LIM/healthz"
want_status after_abuse 200

# The connection cap: three idle connections fill it; a fourth is not
# served until one closes.
start conn "$CONN" --max-connections 3 --header-timeout 30 ||
	not_ok "serve (connection cap) did not start" "$(cat "$OUT/conn.log")"
"$PY" - "$CONN" > "$OUT/conncap.txt" 2>&1 <<'PY'
import socket, sys, time, http.client
host, port = sys.argv[1].rsplit(":", 1)
idle = []
for i in range(3):
    idle.append(socket.create_connection((host, int(port)), timeout=5))
time.sleep(0.3)
c = http.client.HTTPConnection(host, int(port), timeout=1.0)
try:
    c.request("GET", "/healthz"); c.getresponse().read()
    print("fourth_served_while_full True")
except OSError:
    print("fourth_served_while_full False")
for s in idle:
    s.close()
time.sleep(0.6)
c = http.client.HTTPConnection(host, int(port), timeout=5)
c.request("GET", "/healthz")
print("served_after_close", c.getresponse().status == 200)
PY
grep -q 'fourth_served_while_full False' "$OUT/conncap.txt" &&
    grep -q 'served_after_close True' "$OUT/conncap.txt" &&
	ok "connection cap: the 4th waits, and is served once one closes" ||
	not_ok "connection cap" "$(cat "$OUT/conncap.txt")"

# --- SIGTERM ---------------------------------------------------------------
kill -TERM "$PID_pub"
wait "$PID_pub"
check_rc "SIGTERM" 0 $? "$OUT/pub.log"
grep -q 'mxdiag serve: done: ' "$OUT/pub.log" && ok "SIGTERM: the tally is logged" ||
	not_ok "SIGTERM: the tally is logged" "$(tail -3 "$OUT/pub.log")"

# SIGTERM while a check runs: no new requests, the running one answered.
get drain "http://$LIM/api/v1/check?target=127.0.0.13&port=2525" GET 127.0.0.49 &
drainpid=$!
sleep 0.5
kill -TERM "$PID_lim"
sleep 0.2
get after_term "http://$LIM/healthz"
wait "$drainpid"
want_status drain 200
want drain '.summary.exit_code == 2' "the running check is answered after SIGTERM"
if [ "$(cat "$OUT/after_term.status")" != 200 ]; then
	ok "after SIGTERM: no new requests"
else
	not_ok "after SIGTERM: no new requests" "healthz answered 200"
fi
wait "$PID_lim"
check_rc "SIGTERM with a check running" 0 $? "$OUT/lim.log"

# --- valgrind (ASan in the sanitizer build) --------------------------------
if command -v valgrind > /dev/null && [ -z "${MXDIAG_NO_VALGRIND:-}" ]; then
	WRAP="valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99"
fi
start vg 127.0.0.44:8048 --allow-private --rate 60 --burst 2 ||
	not_ok "serve under valgrind did not start" "$(cat "$OUT/vg.log")"
WRAP=""
for u in "check?target=127.0.0.2&port=2525" "check?target=127.0.0.5&no_smtp=true" \
    "dmarc?domain=example.test" "spf?domain=example.test" "audit?domain=example.test&no_smtp=true" \
    "check?target=http://x" "nope"; do
	fetch "http://127.0.0.44:8048/api/v1/$u" > /dev/null 2>&1
done
fetch "http://127.0.0.44:8048/" > /dev/null 2>&1
kill -TERM "$PID_vg"
wait "$PID_vg"
rc=$?
if [ "$rc" = 0 ]; then
	ok "valgrind/ASan: no errors or leaks over every kind of request"
else
	not_ok "valgrind/ASan: no errors or leaks" "exit $rc" "$(head -c 1500 "$OUT/vg.log")"
fi

tap_finish
