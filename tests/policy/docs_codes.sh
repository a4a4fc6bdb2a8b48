#!/bin/sh
# SPDX-License-Identifier: MIT
# Every finding code the policy checks emit is documented in
# docs/findings-policy.md, and every code documented there is emitted.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
codes=$(grep -oh '"\(dmarc\|bimi\|mtasts\|tlsrpt\)\.[a-z_]*"' "$root"/src/policy/*.c |
	tr -d '"' | sort -u)
doc=$(grep -o '^| `\(dmarc\|bimi\|mtasts\|tlsrpt\)\.[a-z_]*`' "$root/docs/findings-policy.md" |
	tr -d '|` ' | sort -u)
echo "1..2"
tmp=$(mktemp -d)
echo "$codes" > "$tmp/codes"
echo "$doc" > "$tmp/doc"
missing=$(comm -23 "$tmp/codes" "$tmp/doc" | tr '\n' ' ')
extra=$(comm -13 "$tmp/codes" "$tmp/doc" | tr '\n' ' ')
rm -rf "$tmp"
[ -z "$missing" ] && echo "ok 1 - all $(echo "$codes" | wc -l) codes documented" ||
	echo "not ok 1 - undocumented: $missing"
[ -z "$extra" ] && echo "ok 2 - no documented code is unknown" ||
	echo "not ok 2 - documented but never emitted: $extra"
[ -z "$missing$extra" ]
