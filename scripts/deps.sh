#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs what mxdiag needs to build and test, from Debian 12 packages.
# Runs apt only when something is missing, so it is cheap to call again.
set -eu

PKGS="build-essential meson ninja-build pkg-config clang libclang-rt-14-dev
libc-ares-dev libevent-dev libssl-dev libjansson-dev libcmocka-dev libpsl-dev
knot knot-dnsutils postfix swaks netcat-openbsd jq valgrind
python3 python3-jsonschema bsdutils openssl ca-certificates curl chromium
fonts-dejavu-core"

# The official MCP clients of tests/mcp-clients run on Node.js (>= 20 for
# @modelcontextprotocol/client 2.x). A node already on the machine (a newer
# one than Debian's 18) is kept: Debian's is only the fallback.
command -v node > /dev/null || PKGS="$PKGS nodejs npm"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
echo "deps.sh: installing:$missing"
# Postfix asks a question at install; the tests bring their own config.
echo "postfix postfix/main_mailer_type select No configuration" |
	$SUDO debconf-set-selections
$SUDO apt-get update -qq
# shellcheck disable=SC2086 # one word per package
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
