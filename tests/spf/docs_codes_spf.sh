#!/bin/sh
# SPDX-License-Identifier: MIT
# Every finding code src/spf/judge.c emits must be documented in
# docs/findings-spf.md, and every code documented there must be emitted.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
codes=$(grep -o '"spf\.[a-z_.]*"' "$root/src/spf/judge.c" | tr -d '"' | sort -u)
docs=$(grep -o '^| `spf\.[a-z_.]*`' "$root/docs/findings-spf.md" | tr -d '|` ' | sort -u)
echo "1..2"
missing=""
for c in $codes; do
	echo "$docs" | grep -qx "$c" || missing="$missing $c"
done
[ -z "$missing" ] && echo "ok 1 - all $(echo "$codes" | wc -w) codes documented" ||
	echo "not ok 1 - undocumented:$missing"
extra=""
for c in $docs; do
	echo "$codes" | grep -qx "$c" || extra="$extra $c"
done
[ -z "$extra" ] && echo "ok 2 - no documented code is unknown" ||
	echo "not ok 2 - documented but never emitted:$extra"
[ -z "$missing$extra" ]
