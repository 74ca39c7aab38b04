#!/usr/bin/env bash
# Benchmark: persisting the seed and a 20,000-prototype catalogue in IndexedDB (one transaction)
# vs a raw JavaScript bulk put of the same records, in headless Chromium. Prints figures only.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
"$ROOT/scripts/setup.sh" test
run_wasm_bench bench_store 900
