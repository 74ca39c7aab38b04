#!/usr/bin/env bash
# Benchmark: the hub command (`prototheque-relais`) merging 2,000 centre feeds (2,000 centres ×
# 10 prototypes: 20,000 prototypes in the merged feed), from files on disk and from a loopback
# HTTP server; the first run (everything new: every signature verified, everything merged) and
# the second (nothing changed: a file's date, or a conditional request answered 304). Time and
# peak memory of each, next to baselines measured in the same run: `cat` of the same files, and
# reading each file through the door without verifying or merging (`examples/read_feeds.rs`).
# Prints figures only. PROTOTHEQUE_RELAIS_CENTRES / _PROTOTYPES change the size.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CENTRES="${PROTOTHEQUE_RELAIS_CENTRES:-2000}"
PER_CENTRE="${PROTOTHEQUE_RELAIS_PROTOTYPES:-10}"
WORK="$(mktemp -d)"
SERVER=""
cleanup() {
    if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# Native release build, in its own environment (no wasm toolchain variables).
(
    cd "$ROOT"
    cargo build --release --locked --bin prototheque-relais --example generate_feeds --example read_feeds 2>&1 |
        grep -E "^error|Finished" || true
)
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}/release"
FIGURES="$WORK/figures"
measure() { "$ROOT/scripts/measure.py" "$@" | tee -a "$FIGURES"; }

(
    "$TARGET/examples/generate_feeds" "$WORK/flux" "$CENTRES" "$PER_CENTRE"
)
files=("$WORK"/flux/*.json)
echo "BENCH relais: ${#files[@]} feed files, $(du -sm "$WORK/flux" | cut -f1) MB"

# Baselines.
(
    cd "$WORK/flux"
    measure "baseline cat of the feed files" sh -c 'cat ./*.json > /dev/null'
)
(
    measure "baseline door only (read_document of each file, no signature, no merge)" \
        "$TARGET/examples/read_feeds" "$WORK/flux"
)

run_hub() ( # label sources-file state-folder
    measure "$1" "$TARGET/prototheque-relais" --sources "$2" --sortie "$3/relais.json" \
        --etat "$3/etat" --editeur relais-banc --nom "Relais du banc d'essai" 2> "$3/log" || true
    tail -n 2 "$3/log" | sed 's/^/  /'
)

# From files on disk.
(
    mkdir -p "$WORK/disque"
    printf '%s\n' "${files[@]}" > "$WORK/disque/sources.txt"
    run_hub "hub, files, first run (all new)" "$WORK/disque/sources.txt" "$WORK/disque"
    run_hub "hub, files, second run (unchanged)" "$WORK/disque/sources.txt" "$WORK/disque"
    echo "BENCH relais: merged feed $(du -m "$WORK/disque/relais.json" | cut -f1) MB"
)

# Over a loopback HTTP server (Python's, which answers If-Modified-Since with 304).
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$WORK/flux" 2> "$WORK/http.log" > /dev/null &
SERVER=$!
until (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null; do sleep 0.2; done
(
    mkdir -p "$WORK/http"
    for f in "${files[@]}"; do echo "http://127.0.0.1:$port/$(basename "$f")"; done > "$WORK/http/sources.txt"
    count() { grep -c "\" $1 " "$WORK/http.log" || true; }
    run_hub "hub, HTTP, first run (all new)" "$WORK/http/sources.txt" "$WORK/http"
    echo "BENCH relais: HTTP first run: $(count 200) answers 200, $(count 304) answers 304"
    : > "$WORK/http.log"
    run_hub "hub, HTTP, second run (unchanged)" "$WORK/http/sources.txt" "$WORK/http"
    echo "BENCH relais: HTTP second run: $(count 200) answers 200, $(count 304) answers 304"
)

# Ratios to the door-only baseline of the same run.
python3 - "$FIGURES" << 'PY'
import re, sys
seconds = {}
for line in open(sys.argv[1]):
    m = re.match(r"BENCH (.*): ([0-9.]+) s,", line)
    if m:
        seconds[m.group(1)] = float(m.group(2))
base = next(v for k, v in seconds.items() if k.startswith("baseline door"))
for label, value in seconds.items():
    if label.startswith("hub"):
        print(f"BENCH ratio {label} / door only: {value / max(base, 0.01):.1f}×")
PY
