#!/usr/bin/env bash
# Installs what building and testing Prototèque needs, skipping whatever is already there at the
# pinned version. Idempotent: a second run changes nothing and takes seconds.
#   scripts/setup.sh build   toolchain + python3 + Trunk + wasm-bindgen + wasm-split-cli (enough to
#                            build and serve)
#   scripts/setup.sh test    the above + Chromium, ChromeDriver and the end-to-end test packages
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
what="${1:-test}"

missing_debs() {
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
    done
}

apt_install() {
    local need
    need=$(missing_debs "$@")
    [ -z "$need" ] && return 0
    say "Installation des paquets Debian : $(echo $need)"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $need >/dev/null
}

debs=()
rustup_has_wasm || debs+=("${DEBIAN_RUST_PACKAGES[@]}")
# The build's split step (scripts/split.py) is a Python 3 program; any python3 on PATH will do.
command -v python3 >/dev/null 2>&1 || debs+=(python3)
[ "$what" = test ] && debs+=("${BROWSER_PACKAGES[@]}")
[ ${#debs[@]} -gt 0 ] && apt_install "${debs[@]}"

# Host tools are built with the machine's own stable cargo (not Debian's), into $TOOLS.
cargo_install() { # crate version [extra args…]
    local crate="$1" version="$2"
    shift 2
    say "Compilation de $crate $version (une seule fois, mise en cache dans $TOOLS)"
    cargo install "$crate" --version "$version" --root "$TOOLS" --force "$@"
}

wbg="$(wasm_bindgen_version)"
[ -n "$wbg" ] || die "version de wasm-bindgen introuvable dans Cargo.lock"
if [ "$("$TOOLS/bin/wasm-bindgen" --version 2>/dev/null)" != "wasm-bindgen $wbg" ] ||
    [ "$("$TOOLS/bin/wasm-bindgen-test-runner" --version 2>/dev/null)" != "wasm-bindgen-test-runner $wbg" ]; then
    # Not --locked: the CLI's own lock file pins a crate version crates.io no longer serves.
    cargo_install wasm-bindgen-cli "$wbg"
fi
if [ "$("$TOOLS/bin/trunk" --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    # No update check: Trunk must never reach the network.
    cargo_install trunk "$TRUNK_VERSION" --locked --no-default-features --features rustls
fi
# The splitter has no --version: a stamp beside it records which version is there.
split_stamp="$TOOLS/bin/.wasm-split-cli-version"
if [ ! -x "$TOOLS/bin/wasm-split-cli" ] || [ "$(cat "$split_stamp" 2>/dev/null)" != "$WASM_SPLIT_VERSION" ]; then
    cargo_install wasm_split_cli_support "$WASM_SPLIT_VERSION" --locked --features build-binary
    echo "$WASM_SPLIT_VERSION" >"$split_stamp"
fi

if [ "$what" = test ]; then
    e2e="$ROOT/tests/e2e"
    stamp="$e2e/node_modules/.lock-hash"
    hash="$(sha256sum "$e2e/package-lock.json" | cut -d' ' -f1)"
    if [ "$(cat "$stamp" 2>/dev/null)" != "$hash" ]; then
        say "Installation des paquets npm des tests de bout en bout"
        (cd "$e2e" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
        echo "$hash" >"$stamp"
    fi
fi
say "Outils prêts."
