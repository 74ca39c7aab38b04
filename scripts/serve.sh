#!/usr/bin/env bash
# Builds Prototèque and serves it on http://127.0.0.1:8080 (installs what is missing first).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
"$ROOT/scripts/setup.sh" build
use_app_release_build
cd "$ROOT"
say "Prototèque sur http://127.0.0.1:8080 (Ctrl+C pour arrêter)"
exec trunk serve --release --offline --address 127.0.0.1 --port 8080
