#!/usr/bin/env bash
# Prints the gzip size of what a browser downloads to start the app (wasm + js + css in dist/).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
dist="${1:-$ROOT/dist}"
[ -d "$dist" ] || die "$dist n'existe pas : lancez d'abord scripts/build.sh"
total=0
for f in "$dist"/*.wasm "$dist"/*.js "$dist"/*.css; do
    [ -e "$f" ] || continue
    raw=$(stat -c %s "$f")
    gz=$(gzip -9 -c "$f" | wc -c)
    total=$((total + gz))
    printf '%-48s %9d octets  %8d octets gzip\n' "$(basename "$f")" "$raw" "$gz"
done
printf "total gzip (wasm + js + css) : %d octets (%s Ko)\n" "$total" "$(awk "BEGIN { printf \"%.1f\", $total / 1024 }")"
