# Shared by the scripts in this folder: where tools live and how to build for wasm32.
# Source it; it changes nothing on the machine by itself.

# rustup's cargo, even where the caller's PATH lacks it (CI runs with a bare environment).
[ -d "$HOME/.cargo/bin" ] && PATH="$HOME/.cargo/bin:$PATH"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Tools built from crates.io are cached outside the checkout, so fresh clones (CI) reuse them.
TOOLS="${PROTOTHEQUE_TOOLS:-$HOME/.cache/prototheque}"
TRUNK_VERSION="0.21.14"
WASM_SPLIT_VERSION="0.2.4"
DEBIAN_RUST_PACKAGES=(rustc-web cargo-web rust-web-src rust-web-llvm lld-22)
# Chromium for Playwright and the browser tests; Firefox ESR for the second engine's journeys.
BROWSER_PACKAGES=(chromium chromium-driver firefox-esr)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'erreur : %s\n' "$*" >&2; exit 1; }

# The wasm-bindgen version the app links against: the CLI must be exactly the same.
wasm_bindgen_version() {
    awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

# True when rustup already provides the wasm32 standard library (a usual laptop).
rustup_has_wasm() {
    command -v rustup >/dev/null 2>&1 &&
        rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown
}

# Puts the environment in the state where `cargo … --target wasm32-unknown-unknown` and Trunk
# work: rustup's wasm target if present, else Debian's rustc-web, which builds std from source.
use_wasm_toolchain() {
    export PATH="$TOOLS/bin:$PATH"
    # Leptos erases component types: about 12 % less wasm (gzip), same behaviour.
    export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--cfg erase_components"
    if ! rustup_has_wasm; then
        export PATH="$TOOLS/bin:/usr/bin:$PATH"
        export RUSTC_BOOTSTRAP=1
        export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
    fi
}

# The app's release build (scripts/build.sh, scripts/serve.sh): the wasm toolchain, the
# relocations the split step needs, and the flags that make the download smaller (no panic or
# `Debug` text, std built for size). Each is a function below.
use_app_release_build() {
    use_wasm_toolchain
    keep_relocations_for_split
    drop_panic_and_debug_text
    use_std_for_size
}

# The `split` feature (index.html) needs cargo's wasm with its relocations and symbols, which
# scripts/split.py reads before wasm-bindgen strips them.
keep_relocations_for_split() {
    export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="${CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS:-} -C link-args=--emit-relocs"
    export CARGO_PROFILE_RELEASE_STRIP=false
}

# Where std is built from source, a panic stops the app at once, without formatting its
# message: 21 KB (gzip) less to download. Either way the app cannot go on after a panic;
# public/boot.js tells people so in French. Nor is any `Debug` formatting kept (derived or
# std's): 5.8 KB less. Nothing shown to people or decided by the app reads `Debug` text (the
# store tells a full storage by the exception's name); the console details use `Display` or
# the browser's own error. PROTOTHEQUE_PANIC_MESSAGES=1 keeps both (in the browser console)
# for whoever is chasing a bug.
drop_panic_and_debug_text() {
    if [ -n "${CARGO_UNSTABLE_BUILD_STD:-}" ] && [ -z "${PROTOTHEQUE_PANIC_MESSAGES:-}" ]; then
        export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="${CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS:-} -Zunstable-options -Cpanic=immediate-abort -Zfmt-debug=none"
    fi
}

# Where std is built from source, it is built for size: a plain merge sort instead of
# driftsort/ipnsort (one copy per element type and order, 44 KB of code before compression) and
# the smaller integer formatting: 8.6 KB (gzip) less. The benchmarks use it too, so that they
# measure the std that ships (search and index build within noise of the default std).
use_std_for_size() {
    if [ -n "${CARGO_UNSTABLE_BUILD_STD:-}" ]; then
        export CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
    fi
}

# For wasm-bindgen-test in headless Chromium through ChromeDriver.
use_wasm_test_runner() {
    use_wasm_toolchain
    export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
    export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
}

# Runs one wasm benchmark file of tests/ (release build, headless Chromium) and keeps its figures.
# Runs in a subshell: the wasm toolchain's variables (CARGO_UNSTABLE_BUILD_STD, RUSTC_BOOTSTRAP,
# PATH…) never reach the caller's next step, whose native cargo would then ask rustup's
# toolchain for a std source it does not have.
run_wasm_bench() ( # test-name timeout-seconds
    use_wasm_test_runner
    use_std_for_size
    export WASM_BINDGEN_TEST_TIMEOUT="$2"
    # Tests always unwind; the release profile aborts. Mixing both makes build-std build two cores.
    export CARGO_PROFILE_RELEASE_PANIC=unwind
    (cd "$ROOT" && cargo test --release --locked --target wasm32-unknown-unknown --test "$1" -- --nocapture 2>&1) |
        grep -E "^BENCH|test result|panicked|^error"
)
