#!/usr/bin/env bash
# Trunk's post_build hook: split the wasm into chunks, then list every file for the service worker.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# The splitter calls wasm-split-cli and wasm-bindgen, installed by scripts/setup.sh in $TOOLS.
PATH="$TOOLS/bin:$PATH" python3 "$ROOT/scripts/split.py"
bash "$ROOT/scripts/precache.sh"
