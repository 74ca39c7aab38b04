#!/usr/bin/env bash
# Benchmark: persisting the seed and a 20,000-prototype catalogue in IndexedDB (one transaction)
# vs a raw JavaScript bulk put of the same records, in headless Chromium. Prints figures only.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
"$ROOT/scripts/setup.sh" test
use_wasm_test_runner
cd "$ROOT"
export WASM_BINDGEN_TEST_TIMEOUT=900
# Tests always unwind; the release profile aborts. Mixing both makes build-std build two cores.
export CARGO_PROFILE_RELEASE_PANIC=unwind
cargo test --release --locked --target wasm32-unknown-unknown --test bench_store -- --nocapture 2>&1 |
    grep -E "^BENCH|test result|panicked|^error"
