#!/usr/bin/env bash
# Benchmark: the built app at national scale, driven in headless Chromium like a person would —
# start-up with and without 20,000 stored prototypes, and importing a 20,000-prototype file
# through the import page (time, progress shown, longest freeze). Prints figures only.
#   scripts/bench-app.sh [prototypes] [centres]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
"$ROOT/scripts/setup.sh" test
N="${1:-20000}" C="${2:-2000}"
file="$ROOT/target/bench/catalogue-$N.json"
if [ ! -s "$file" ]; then
    mkdir -p "$ROOT/target/bench"
    (cd "$ROOT" && cargo run --quiet --release --example generate_catalogue -- "$N" "$C" 42 >"$file")
fi
"$ROOT/scripts/build.sh" >/dev/null
cd "$ROOT/tests/e2e" && node bench-app.mjs "$file" "$ROOT/dist"
