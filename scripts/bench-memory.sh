#!/usr/bin/env bash
# Benchmark: peak memory while reading a ~100 MB catalogue file through the door in wasm (headless
# Chromium), as a multiple of the file's size, for a national-scale catalogue and for a hostile file
# whose one unknown field is a 50-million-item array. Prints figures only (issue 19.7: target ≤ 4×).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
"$ROOT/scripts/setup.sh" test
run_wasm_bench bench_memory 1200
