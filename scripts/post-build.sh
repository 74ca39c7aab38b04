#!/usr/bin/env bash
# Trunk's post_build hook: split the wasm into chunks, then list every file for the service worker.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
bash "$here/split.sh"
bash "$here/precache.sh"
