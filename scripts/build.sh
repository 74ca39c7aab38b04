#!/usr/bin/env bash
# Release build of the app into dist/ (assumes scripts/setup.sh has run).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
use_app_release_build
cd "$ROOT"
trunk build --release --offline --public-url "${PROTOTHEQUE_PUBLIC_URL:-/}" --dist "${PROTOTHEQUE_DIST:-dist}"
