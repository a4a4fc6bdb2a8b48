#!/bin/sh
# SPDX-License-Identifier: MIT
# Every finding code a subsystem emits must be documented in its findings
# file, and every code documented there must be emitted. Arguments: the
# code prefix (dkim, bl), the source directory, the docs file.
set -u
prefix=$1 src=$2 doc=$3
codes=$(grep -ho "\"$prefix\.[a-z0-9_]*\"" "$src"/*.c | tr -d '"' | sort -u)
documented=$(grep -o "\`$prefix\.[a-z0-9_]*\`" "$doc" | tr -d '`' | sort -u)
echo "1..3"
[ -n "$codes" ] && echo "ok 1 - $(echo "$codes" | wc -l) $prefix codes emitted" ||
	echo "not ok 1 - no $prefix code found in $src"
missing=""
for c in $codes; do
	echo "$documented" | grep -qx "$c" || missing="$missing $c"
done
[ -z "$missing" ] && echo "ok 2 - all documented in $(basename "$doc")" ||
	echo "not ok 2 - undocumented:$missing"
extra=""
for c in $documented; do
	echo "$codes" | grep -qx "$c" || extra="$extra $c"
done
[ -z "$extra" ] && echo "ok 3 - no documented code is unknown" ||
	echo "not ok 3 - documented but never emitted:$extra"
[ -n "$codes" ] && [ -z "$missing$extra" ]
