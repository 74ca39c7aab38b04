#!/usr/bin/env bash
# Benchmarks at national scale (20,000 prototypes from 2,000 centres), in headless Chromium, each
# next to its JavaScript baseline measured in the same run: parse + validate vs JSON.parse, index
# build and per-keystroke search vs MiniSearch, startup with the catalogue stored; then persisting
# (scripts/bench-store.sh), the app (scripts/bench-app.sh), the app refreshing feeds
# (scripts/bench-feeds.sh), the hub command merging 2,000 feeds (scripts/bench-relais.sh) and the
# bundle size (scripts/size.sh). Prints figures only.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
"$ROOT/scripts/setup.sh" test
run_wasm_bench bench 1200
"$ROOT/scripts/bench-store.sh"
"$ROOT/scripts/bench-app.sh"
"$ROOT/scripts/bench-feeds.sh"
"$ROOT/scripts/bench-relais.sh"
[ -d "$ROOT/dist" ] || "$ROOT/scripts/build.sh" >/dev/null
"$ROOT/scripts/size.sh"
