#!/usr/bin/env bash
# Benchmark: the built app refreshing catalogue feeds from loopback hosts, driven in headless
# Chromium like a person would — 200 subscribed centre feeds (unchanged → 304, changed, failing)
# and one hub file of 20,000 prototypes: requests made, bytes transferred, time until the page
# says the outcome, longest main-thread task, on this machine's CPU and slowed down four times.
# Prints figures only.
#   scripts/bench-feeds.sh [feeds] [prototypes per centre] [hub centres] [hub prototypes per centre]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
"$ROOT/scripts/setup.sh" test
F="${1:-200}" P="${2:-10}" HC="${3:-2000}" HP="${4:-10}"
SEQUENCE=1780000000
bench="$ROOT/target/bench"
feeds="$bench/flux-$F-$P"
hub="$bench/relais-$HC-$HP"

# Signed feeds (tests keys derived from each centre's id), written once. The second folder is the
# same centres publishing again: a higher sequence, and one more prototype each (the synthetic
# catalogue with more prototypes per centre begins with the same records).
generate() ( # folder centres per-centre sequence [more arguments]
    [ -s "$1/.fait" ] && exit 0
    rm -rf "$1" && mkdir -p "$1"
    cd "$ROOT" && cargo run --quiet --release --example generate_feeds -- "$1" "$2" "$3" 42 --sequence "$4" "${@:5}"
    echo ok >"$1/.fait"
)
generate "$feeds/avant" "$F" "$P" "$SEQUENCE"
generate "$feeds/apres" "$F" "$((P + 1))" "$((SEQUENCE + 1))"
generate "$hub/centres" "$HC" "$HP" "$SEQUENCE" --relais "$hub/prototheque-flux-relais-synthese.json"

"$ROOT/scripts/build.sh" >/dev/null
cd "$ROOT/tests/e2e" && node bench-feeds.mjs "$feeds/avant" "$feeds/apres" "$hub/prototheque-flux-relais-synthese.json" "$ROOT/dist"
