#!/bin/sh
# SPDX-License-Identifier: MIT
# Every finding code that advice.c words and check_cmd.c emits must be
# documented in docs/findings.md, and every documented code must exist.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
codes=$(sed -n 's/^[[:space:]]*{ "\([a-z_]*\.[a-z_.]*\)", a_.*/\1/p' "$root/src/check/advice.c"
	grep -o '"target\.[a-z_]*"' "$root/src/check/names.c" | tr -d '"'
	grep -oh '"\(mx\|sending\|audit\)\.[a-z_]*"' "$root/src/audit/mx.c" "$root/src/audit/audit.c" | tr -d '"' | sort -u)
echo "1..2"
missing=""
for c in $codes; do
	cat "$root"/docs/findings*.md | grep -q "\`$c\`" || missing="$missing $c"
done
[ -z "$missing" ] && echo "ok 1 - all $(echo "$codes" | wc -w) codes documented" ||
	echo "not ok 1 - undocumented:$missing"
extra=""
for c in $(cat "$root/docs/findings.md" "$root/docs/findings-audit.md" | grep -o '`[a-z]*\.[a-z_]\+`' | grep -v localdomain | tr -d '`' | sort -u); do
	echo "$codes" | grep -qx "$c" || extra="$extra $c"
done
[ -z "$extra" ] && echo "ok 2 - no documented code is unknown" ||
	echo "not ok 2 - documented but never emitted:$extra"
[ -z "$missing$extra" ]
