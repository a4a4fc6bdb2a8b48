#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# world.sh: starts, stops and reports the mxdiag integration "test world":
# Knot DNS with the test zones, one Postfix instance with four identities,
# Exim (unpacked from .debs, optional) and the scripted SMTP peers. Every
# listener is on 127.0.0.0/8; nothing here talks to any other address.
#
#   world.sh up RUNDIR      start everything (stops an older world in RUNDIR first)
#   world.sh down RUNDIR    stop what RUNDIR's pid files name
#   world.sh status RUNDIR  one line per server; exit 0 if all are running
#
# Environment: SMTP_PEER (prebuilt peer binary), CC, MXDIAG_WORLD_CACHE
# (.deb cache, default /var/cache/mxdiag-world), MXDIAG_WORLD_SKIP
# ("exim" to leave Exim out), MXDIAG_WORLD_PEER_LIFETIME (s, default 3600).
set -u -o pipefail

WORLD_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ZONE_DIR=$WORLD_SRC/zones
CACHE_DIR=${MXDIAG_WORLD_CACHE:-/var/cache/mxdiag-world}
PEER_LIFETIME=${MXDIAG_WORLD_PEER_LIFETIME:-3600}
SKIP_LIST=" ${MXDIAG_WORLD_SKIP:-} "
LOCK_FILE=/tmp/mxdiag-world.lock   # ports are global, so is the lock

DNS_ADDRS="127.0.0.1@5353 127.0.0.53@53"
SMTP_PORT=2525
# Postfix listeners: address=myhostname (see postfix/master.cf.in)
POSTFIX_MAP="127.0.0.2=mail.example.test 127.0.0.3=mail.example.test
127.0.0.5=broken.example.test 127.0.0.8=nobanner.example.test
127.0.0.9=notls.example.test"
EXIM_ADDR=127.0.0.7
# Scripted peers: last octet=mode (peerNN.example.test on 127.0.0.NN)
PEER_MAP="10=normal 11=multiline 12=delay 13=silent 14=close 15=reject554
16=busy421 17=noehlo 18=longline 19=nohost 20=garbage"

say() { printf '%s\n' "$*"; }
die() { printf 'world.sh: %s\n' "$*" >&2; exit 1; }

# Prints the last lines of each named file that exists, for a failure report.
show_logs() {
	local f
	for f in "$@"; do
		[ -s "$f" ] || continue
		printf -- '--- tail of %s\n' "$f" >&2
		tail -n 15 "$f" >&2
	done
}

# True if PID runs and is not a zombie: PID 1 here does not reap orphans,
# so a stopped daemon can linger as Z and kill -0 would still succeed.
pid_alive() {
	local st
	[ -n "${1:-}" ] && [ -r "/proc/$1/stat" ] || return 1
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# pid files: RUNDIR/pids/NAME holds "PID WHERE MARKER": the process is
# ours only if /proc/PID/WHERE (cmdline or environ) contains MARKER, so a
# recycled PID is never killed.
record_pid() { printf '%s %s %s\n' "$2" "$3" "$4" > "$RUNDIR/pids/$1"; }

# Prints the PID recorded for NAME if that process is alive and ours.
owned_pid() {
	local pid where marker
	[ -r "$RUNDIR/pids/$1" ] || return 1
	read -r pid where marker < "$RUNDIR/pids/$1" || return 1
	pid_alive "$pid" || return 1
	tr '\0' '\n' < "/proc/$pid/$where" 2>/dev/null | grep -qF -- "$marker" || return 1
	printf '%s\n' "$pid"
}

# Stops NAME's process (TERM, then KILL after 5 s) and forgets it.
stop_one() {
	local name=$1 pid
	if pid=$(owned_pid "$name"); then
		kill -TERM "$pid" 2>/dev/null
		for _ in $(seq 50); do
			pid_alive "$pid" || break
			sleep 0.1
		done
		if pid_alive "$pid"; then
			kill -KILL "$pid" 2>/dev/null
			sleep 0.2
		fi
		say "down: $name (pid $pid)"
	fi
	rm -f "$RUNDIR/pids/$name"
}

# Runs "$@" in a private mount namespace whose /etc/resolv.conf names the
# world's Knot on 127.0.0.53@53: the real one points off this machine.
# Lookups are also switched off in the daemons' configs; this is the
# second fence. Falls back to a plain exec where unshare is not allowed.
run_fenced() {
	if [ "$HAVE_UNSHARE" = 1 ]; then
		# shellcheck disable=SC2016 # expanded by the inner sh
		exec unshare -m sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' \
			"$RUNDIR/resolv.conf" "$@"
	fi
	exec "$@"
}

# Reads the first line a server sends on ADDR:PORT within T seconds.
read_banner() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	timeout "$3" bash -c 'exec 3<>"/dev/tcp/$1/$2" || exit 1
		IFS= read -r line <&3 || exit 1
		printf "%s\n" "${line%$'"'"'\r'"'"'}"' _ "$1" "$2" 2>/dev/null
}

# Polls "$@" every 0.1 s for up to 5 s; true once it succeeds.
wait_for() {
	local _
	for _ in $(seq 50); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

port_busy() { # PROTO(t|u) ADDR PORT
	ss -Hln"$1" 2>/dev/null | awk '{print $4}' |
		grep -qE "^($2|0\.0\.0\.0|\*|\[::\]):$3\$"
}

fill_template() { # SRC DST [extra sed args]
	local src=$1 dst=$2
	shift 2
	sed -e "s|@RUNDIR@|$RUNDIR|g" -e "s|@ZONEDIR@|$ZONE_DIR|g" "$@" "$src" > "$dst"
}

# --- Knot -----------------------------------------------------------------

knot_start() {
	mkdir -p "$RUNDIR/knot/db"
	fill_template "$WORLD_SRC/knot.conf.in" "$RUNDIR/knot/knot.conf"
	# Zones of later checks: every tests/world/zones/extra/NAME.zone is
	# served as zone NAME, so a subsystem adds test zones without
	# touching this configuration.
	local z
	for z in "$ZONE_DIR"/extra/*.zone; do
		[ -e "$z" ] || continue
		printf '  - domain: %s\n    file: %s\n' \
			"$(basename "$z" .zone)" "$z" >> "$RUNDIR/knot/knot.conf"
	done
	knotd -c "$RUNDIR/knot/knot.conf" </dev/null >"$RUNDIR/knot/knotd.out" 2>&1 9>&- &
	record_pid knot $! cmdline "$RUNDIR/knot/knot.conf"
}

knot_ready() {
	local a
	for a in $DNS_ADDRS; do
		[ -n "$(kdig @"${a%@*}" -p "${a#*@}" +short +timeout=1 +retry=0 \
			example.test SOA 2>/dev/null)" ] || return 1
	done
}

# --- Postfix --------------------------------------------------------------

# Names the test world's Postfix certificate carries.
TLS_NAMES="DNS:mail.example.test,DNS:broken.example.test,DNS:nobanner.example.test,DNS:host3.example.test,DNS:*.audit.test,DNS:mx.good.test"

make_test_ca() {
	mkdir -p "$RUNDIR/ca"
	[ -s "$RUNDIR/ca/ca.pem" ] && return 0
	openssl req -x509 -newkey rsa:2048 -nodes -days 365 \
		-subj "/CN=mxdiag test world CA" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" \
		-keyout "$RUNDIR/ca/ca.key" -out "$RUNDIR/ca/ca.pem" >/dev/null 2>&1 ||
		die "openssl could not make the test CA"
}

# MTA-STS policy servers: tests/world/https/ADDRESS/ served on ADDRESS:443.
HTTPS_NAMES="DNS:mta-sts.audit.test,DNS:mta-sts.twomx.audit.test,DNS:mta-sts.good.test"

https_start() {
	local dir addr d=$RUNDIR/https
	mkdir -p "$d"
	make_test_ca
	openssl req -new -newkey rsa:2048 -nodes -subj "/CN=mta-sts.audit.test" \
		-keyout "$d/key.pem" -out "$d/req.pem" >/dev/null 2>&1 &&
	openssl x509 -req -in "$d/req.pem" -CA "$RUNDIR/ca/ca.pem" \
		-CAkey "$RUNDIR/ca/ca.key" -CAcreateserial -days 60 \
		-extfile <(printf 'subjectAltName=%s\n' "$HTTPS_NAMES") \
		-out "$d/cert.pem" >/dev/null 2>&1 ||
		die "openssl could not make the HTTPS test certificate"
	for dir in "$WORLD_SRC"/https/127.*; do
		[ -d "$dir" ] || continue
		addr=$(basename "$dir")
		# s_server -WWW serves files below its working directory.
		( cd "$dir" && exec openssl s_server -quiet -WWW -naccept 1000000 \
			-accept "$addr:443" -cert "$d/cert.pem" -key "$d/key.pem" \
			</dev/null >"$d/$addr.log" 2>&1 9>&- ) &
		record_pid "https-$addr" $! cmdline "$d/cert.pem"
	done
}

postfix_start() {
	local d=$RUNDIR/postfix proxies
	# config and queue apart: postfix-script wants the config tree root-owned
	mkdir -p "$d/etc" "$d/queue" "$d/data"
	chown postfix "$d/data"
	proxies=$(for m in $POSTFIX_MAP; do printf '%s, ' "${m%%=*}"; done)
	fill_template "$WORLD_SRC/postfix/main.cf.in" "$d/etc/main.cf" \
		-e "s|@PROXY_INTERFACES@|${proxies%, }|"
	fill_template "$WORLD_SRC/postfix/master.cf.in" "$d/etc/master.cf"
	# A test CA and a certificate it signs, so STARTTLS verifies with
	# --ca-file RUNDIR/ca/ca.pem as it would against a public CA.
	make_test_ca
	openssl req -new -newkey rsa:2048 -nodes -subj "/CN=mail.example.test" \
		-keyout "$d/etc/key.pem" -out "$d/etc/req.pem" >/dev/null 2>&1 &&
	openssl x509 -req -in "$d/etc/req.pem" -CA "$RUNDIR/ca/ca.pem" \
		-CAkey "$RUNDIR/ca/ca.key" -CAcreateserial -days 60 \
		-extfile <(printf 'subjectAltName=%s\n' "$TLS_NAMES") \
		-out "$d/etc/cert.pem" >/dev/null 2>&1 ||
		die "openssl could not make the Postfix test certificate"
	chmod 0600 "$d/etc/key.pem"
	# postfix start returns once the master runs (~2 s, mostly its check)
	( run_fenced postfix -c "$d/etc" start ) </dev/null >"$d/start.out" 2>&1 9>&- &
	POSTFIX_JOB=$!
}

postfix_finish() {
	local d=$RUNDIR/postfix pid
	if ! wait "$POSTFIX_JOB"; then
		return 1
	fi
	pid=$(tr -d ' \n' < "$d/queue/pid/master.pid" 2>/dev/null)
	[ -n "$pid" ] || return 1
	record_pid postfix "$pid" environ "MAIL_CONFIG=$d/etc"
}

# --- Exim -----------------------------------------------------------------

EXIM_ROOT=$CACHE_DIR/exim-root
EXIM_SKIP=""

# Fetches and unpacks Exim once into the cache (apt-get download: the
# packages would replace postfix if installed). Sets EXIM_SKIP on failure.
exim_prepare() {
	local debs=$CACHE_DIR/debs tmp missing f
	case $SKIP_LIST in *" exim "*) EXIM_SKIP="MXDIAG_WORLD_SKIP names it"; return 1 ;; esac
	if [ ! -x "$EXIM_ROOT/usr/sbin/exim4" ]; then
		mkdir -p "$debs" 2>/dev/null || { EXIM_SKIP="cannot create $debs"; return 1; }
		if ! ls "$debs"/exim4-daemon-light_*.deb "$debs"/libidn12_*.deb >/dev/null 2>&1; then
			say "world: downloading exim .debs into $debs (first run only)"
			if ! (cd "$debs" && timeout 180 apt-get -q -o APT::Sandbox::User=root \
				download exim4-daemon-light exim4-base exim4-config libidn12) \
				>"$RUNDIR/exim/download.out" 2>&1; then
				EXIM_SKIP="apt-get download failed, see $RUNDIR/exim/download.out"
				return 1
			fi
		fi
		tmp=$(mktemp -d "$CACHE_DIR/exim-root.XXXXXX")
		for f in "$debs"/exim4-daemon-light_*.deb "$debs"/exim4-base_*.deb \
			"$debs"/exim4-config_*.deb "$debs"/libidn12_*.deb; do
			dpkg-deb -x "$f" "$tmp" || { rm -rf "$tmp"; EXIM_SKIP="dpkg-deb -x $f failed"; return 1; }
		done
		rm -rf "$EXIM_ROOT"
		mv "$tmp" "$EXIM_ROOT"
	fi
	EXIM_LIBS=$(dirname "$(find "$EXIM_ROOT/usr/lib" -name 'libidn.so.12' | head -n1)")
	missing=$(LD_LIBRARY_PATH=$EXIM_LIBS ldd "$EXIM_ROOT/usr/sbin/exim4" 2>&1 |
		awk '/not found/ {print $1}' | tr '\n' ' ')
	if [ -n "$missing" ]; then
		EXIM_SKIP="exim4 needs libraries not found: $missing"
		return 1
	fi
	if ! getent passwd Debian-exim >/dev/null; then
		adduser --system --group --no-create-home --home /nonexistent \
			--allow-bad-names Debian-exim >/dev/null 2>&1 ||
		useradd --system --user-group --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin Debian-exim >/dev/null 2>&1 ||
		{ EXIM_SKIP="cannot create user Debian-exim"; return 1; }
	fi
	return 0
}

exim_start() {
	local d=$RUNDIR/exim
	mkdir -p "$d/spool" "$d/log"
	chown Debian-exim:Debian-exim "$d/spool" "$d/log"
	fill_template "$WORLD_SRC/exim/exim.conf.in" "$d/exim.conf"
	( export LD_LIBRARY_PATH=$EXIM_LIBS
	  run_fenced "$EXIM_ROOT/usr/sbin/exim4" -C "$d/exim.conf" -bdf \
		-oX "$SMTP_PORT" -oP "$d/exim.pid" ) </dev/null >"$d/exim.out" 2>&1 9>&- &
	record_pid exim $! cmdline "$d/exim.conf"
}

# --- scripted peers -------------------------------------------------------

peer_start() {
	local bin=${SMTP_PEER:-$RUNDIR/smtp_peer} args=() m
	if [ -z "${SMTP_PEER:-}" ] &&
		{ [ ! -x "$bin" ] || [ "$WORLD_SRC/smtp_peer.c" -nt "$bin" ]; }; then
		"${CC:-cc}" -std=c17 -O2 -Wall -Wextra -Wpedantic -o "$bin" \
			"$WORLD_SRC/smtp_peer.c" >"$RUNDIR/peer/build.out" 2>&1 || return 1
	fi
	[ -x "$bin" ] || { say "world: SMTP_PEER=$bin is not executable" >&2; return 1; }
	for m in $PEER_MAP; do
		args+=(--listen "127.0.0.${m%%=*}:$SMTP_PORT" --mode "${m#*=}")
	done
	"$bin" "${args[@]}" --lifetime "$PEER_LIFETIME" \
		</dev/null >"$RUNDIR/peer/peer.log" 2>&1 9>&- &
	record_pid smtp_peer $! cmdline "127.0.0.10:$SMTP_PORT"
}

# --- subcommands ----------------------------------------------------------

do_down() {
	local n
	[ -d "$RUNDIR/pids" ] || return 0
	for n in smtp_peer exim postfix knot "$RUNDIR"/pids/https-*; do
		[ -e "$RUNDIR/pids/${n##*/}" ] || continue
		stop_one "${n##*/}"
	done
	rm -f "$RUNDIR/world.env"
}

do_up() {
	local t0 t1 fail=0 pfail=0 m a b line busy=""
	t0=$(date +%s.%N)
	[ "$(id -u)" = 0 ] || die "must run as root (Postfix, Exim and port 53 need it)"
	for b in knotd kdig postfix ss; do
		command -v "$b" >/dev/null || die "missing $b (apt-get install knot knot-dnsutils postfix iproute2)"
	done
	do_down >/dev/null
	for a in $DNS_ADDRS; do
		port_busy u "${a%@*}" "${a#*@}" && busy="$busy ${a%@*}:${a#*@}/udp"
		port_busy t "${a%@*}" "${a#*@}" && busy="$busy ${a%@*}:${a#*@}/tcp"
	done
	for m in $POSTFIX_MAP $EXIM_ADDR $PEER_MAP; do
		a=${m%%=*}
		case $a in [0-9][0-9]) a=127.0.0.$a ;; esac
		port_busy t "$a" "$SMTP_PORT" && busy="$busy $a:$SMTP_PORT"
	done
	[ -z "$busy" ] || die "already in use:$busy (another test world? see 'ss -ltnp')"

	# Start from clean state: old queues, spools and zone databases could
	# leak into this run. Logs of the previous run go too; the peer binary
	# stays (rebuilt only when its source is newer).
	rm -rf "$RUNDIR/pids" "$RUNDIR/knot" "$RUNDIR/postfix" "$RUNDIR/exim" "$RUNDIR/https" \
		"$RUNDIR/peer" "$RUNDIR/skip.exim" "$RUNDIR/world.env"
	# Postfix and Exim work as their own users below RUNDIR, and knotd
	# runs as root but drops CAP_DAC_OVERRIDE: RUNDIR must be root-owned
	# and open to all (mktemp -d makes it 0700; an Exim killed after its
	# rundir was deleted recreates it as Debian-exim 0750).
	{ chown root:root "$RUNDIR" && chmod 0755 "$RUNDIR"; } ||
		die "cannot make $RUNDIR root-owned 0755"
	runuser -u postfix -- test -x "$RUNDIR" ||
		die "user postfix cannot reach $RUNDIR: a parent directory is closed (chmod o+x it, or use a RUNDIR under /tmp)"
	mkdir -p "$RUNDIR/pids" "$RUNDIR/peer" "$RUNDIR/exim"
	printf 'nameserver 127.0.0.53\noptions timeout:1 attempts:1\n' > "$RUNDIR/resolv.conf"
	HAVE_UNSHARE=0
	unshare -m true 2>/dev/null && HAVE_UNSHARE=1

	knot_start
	postfix_start
	https_start
	if ! peer_start; then
		say "fail: smtp_peer (build or start)"
		show_logs "$RUNDIR/peer/build.out" "$RUNDIR/peer/peer.log"
		fail=1
	fi
	if exim_prepare; then
		exim_start
	fi

	if wait_for knot_ready; then
		say "up: knot ${DNS_ADDRS// /, } (pid $(owned_pid knot))"
	else
		say "fail: knot"
		show_logs "$RUNDIR/knot/knot.log" "$RUNDIR/knot/knotd.out"
		fail=1
	fi

	if postfix_finish; then
		for m in $POSTFIX_MAP; do
			a=${m%%=*}
			if wait_for read_banner "$a" "$SMTP_PORT" 2; then
				line=$(read_banner "$a" "$SMTP_PORT" 2)
				say "up: postfix $a:$SMTP_PORT myhostname ${m#*=}: $line"
			else
				say "fail: postfix $a:$SMTP_PORT (no banner)"
				pfail=1
			fi
		done
	else
		say "fail: postfix (postfix start failed)"
		pfail=1
	fi
	if [ "$pfail" != 0 ]; then
		# Errors found while Postfix reads its config go to syslog only
		# (absent here) unless stderr is a terminal: rerun the check
		# under script(1) to see them.
		script -qec "postfix -c '$RUNDIR/postfix/etc' check" /dev/null \
			</dev/null >"$RUNDIR/postfix/check.out" 2>&1
		show_logs "$RUNDIR/postfix/start.out" "$RUNDIR/postfix/maillog" \
			"$RUNDIR/postfix/check.out"
		fail=1
	fi

	if [ -z "$EXIM_SKIP" ]; then
		if wait_for read_banner "$EXIM_ADDR" "$SMTP_PORT" 2 && owned_pid exim >/dev/null; then
			say "up: exim $EXIM_ADDR:$SMTP_PORT: $(read_banner "$EXIM_ADDR" "$SMTP_PORT" 2)"
		else
			EXIM_SKIP="daemon did not start, see $RUNDIR/exim/exim.out and log/mainlog"
			show_logs "$RUNDIR/exim/exim.out" "$RUNDIR/exim/log/mainlog"
			stop_one exim >/dev/null
		fi
	fi
	if [ -n "$EXIM_SKIP" ]; then
		printf '%s\n' "$EXIM_SKIP" > "$RUNDIR/skip.exim"
		say "skip: exim ($EXIM_SKIP)"
	fi

	for dir in "$WORLD_SRC"/https/127.*; do
		[ -d "$dir" ] || continue
		a=$(basename "$dir")
		if wait_for nc -z -w 1 "$a" 443 && owned_pid "https-$a" >/dev/null; then
			say "up: https $a:443 (MTA-STS policy)"
		else
			say "fail: https $a:443"
			show_logs "$RUNDIR/https/$a.log"
			fail=1
		fi
	done

	if owned_pid smtp_peer >/dev/null; then
		for m in $PEER_MAP; do
			a=127.0.0.${m%%=*}
			if wait_for nc -z -w 1 "$a" "$SMTP_PORT"; then
				say "up: smtp_peer $a:$SMTP_PORT peer${m%%=*}.example.test mode ${m#*=}"
			else
				say "fail: smtp_peer $a:$SMTP_PORT"
				fail=1
			fi
		done
	elif [ "$fail" = 0 ]; then
		say "fail: smtp_peer exited"
		show_logs "$RUNDIR/peer/peer.log"
		fail=1
	fi

	if [ "$fail" != 0 ]; then
		say "world: start failed; stopping what did start (logs stay in $RUNDIR)"
		do_down
		return 1
	fi
	{
		say "MXDIAG_WORLD=$RUNDIR"
		say "MXDIAG_WORLD_DNS=127.0.0.1"
		say "MXDIAG_WORLD_DNS_PORT=5353"
		say "MXDIAG_WORLD_DNS53=127.0.0.53"
		say "MXDIAG_WORLD_SMTP_PORT=$SMTP_PORT"
		say "MXDIAG_WORLD_EXIM=$([ -z "$EXIM_SKIP" ] && echo 1 || echo 0)"
		say "MXDIAG_WORLD_CA=$RUNDIR/ca/ca.pem"
	} > "$RUNDIR/world.env"
	t1=$(date +%s.%N)
	say "world: up in $(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }") s; env in $RUNDIR/world.env"
}

do_status() {
	local n pid rc=0
	for n in knot postfix exim smtp_peer $(cd "$RUNDIR/pids" 2>/dev/null && ls -d https-* 2>/dev/null); do
		if pid=$(owned_pid "$n"); then
			say "up: $n (pid $pid)"
		elif [ "$n" = exim ] && [ -r "$RUNDIR/skip.exim" ]; then
			say "skip: exim ($(cat "$RUNDIR/skip.exim"))"
		else
			say "down: $n"
			rc=3
		fi
	done
	return $rc
}

[ $# -eq 2 ] || die "usage: world.sh up|down|status RUNDIR"
case $2 in
	/) die "refusing RUNDIR /" ;;
esac
mkdir -p "$2" || die "cannot create $2"
RUNDIR=$(cd "$2" && pwd)

case $1 in
	up|down)
		exec 9>"$LOCK_FILE"
		flock -w 60 9 || die "another world.sh holds $LOCK_FILE"
		if [ "$1" = up ]; then do_up; else do_down; fi
		;;
	status) do_status ;;
	*) die "usage: world.sh up|down|status RUNDIR" ;;
esac
