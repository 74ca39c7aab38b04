#!/usr/bin/env bash
# Prints the gzip size of what a browser downloads to start the app (the wasm, js and css at the
# top of dist/, and the chunk loader), then of the chunks that pages fetch when first shown
# (dist/split-*/, see scripts/split.py). KB = 1,024 bytes. Data files (the seed, the network's
# list, the centres' feeds in dist/flux/) are not code and are not counted.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
dist="${1:-$ROOT/dist}"
[ -d "$dist" ] || die "$dist n'existe pas : lancez d'abord scripts/build.sh"
kb() { awk "BEGIN { printf \"%.1f\", $1 / 1024 }"; }
gz() { gzip -9 -c "$1" | wc -c; }

first=0
for f in "$dist"/*.wasm "$dist"/*.js "$dist"/*.css "$dist"/split-*/*.js; do
    [ -e "$f" ] || continue
    size=$(gz "$f")
    first=$((first + size))
    printf '%-48s %9d octets  %8d octets gzip\n' "${f#"$dist"/}" "$(stat -c %s "$f")" "$size"
done
chunks=0 count=0 largest=0
for f in "$dist"/split-*/*.wasm; do
    [ -e "$f" ] || continue
    size=$(gz "$f")
    chunks=$((chunks + size)) count=$((count + 1))
    [ "$size" -gt "$largest" ] && largest=$size
done
printf "premier chargement, gzip (wasm + js + css) : %d octets (%s Ko)\n" "$first" "$(kb "$first")"
if [ "$count" -gt 0 ]; then
    printf "pages chargées à la demande : %d morceaux, %s Ko gzip en tout, le plus gros %s Ko\n" \
        "$count" "$(kb "$chunks")" "$(kb "$largest")"
fi
