#!/usr/bin/env bash
# Runs every test of Prototèque, installing what is missing first:
#   1. native: `cargo test` (model, exchange, search, label);
#   2. build step: scripts/split.py on a fixture (tests/split/, Python's unittest);
#   3. browser: wasm-bindgen-test in headless Chromium through ChromeDriver (ui, store);
#   4. end to end: the release build in dist/, served on loopback, driven by Playwright;
#   5. Firefox: a few journeys in Debian's Firefox ESR on the same build (tests/e2e/firefox.mjs).
# Every layer runs even if an earlier one failed; the exit code is non-zero if any failed.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
"$ROOT/scripts/setup.sh" test || die "l'installation des outils a échoué"
cd "$ROOT"

failed=()
layer() { # name command…
    local name="$1" start=$SECONDS
    shift
    say "$name"
    if "$@"; then
        say "$name : réussi ($((SECONDS - start)) s)"
    else
        say "$name : ÉCHEC ($((SECONDS - start)) s)"
        failed+=("$name")
    fi
}

native() { cargo test --locked --no-fail-fast; }

split_step() { python3 -m unittest discover --start-directory tests/split --verbose; }

browser() (
    use_wasm_test_runner
    export WASM_BINDGEN_TEST_TIMEOUT=120
    cargo test --locked --target wasm32-unknown-unknown --test browser
)

end_to_end() {
    "$ROOT/scripts/build.sh" || return 1
    # The same app hosted under a sub-path, for the offline and deep-link tests.
    PROTOTHEQUE_PUBLIC_URL=/prototheque/ PROTOTHEQUE_DIST=dist-sous-chemin "$ROOT/scripts/build.sh" || return 1
    "$ROOT/scripts/size.sh"
    # The loopback feed hosts the feeds spec relies on, checked on their own first.
    (cd "$ROOT/tests/e2e" && node --test feed-hosts.test.mjs && npx playwright test)
}

# The build end_to_end made (or one made now, if that layer stopped before).
firefox() {
    [ -f "$ROOT/dist/index.html" ] || "$ROOT/scripts/build.sh" || return 1
    (cd "$ROOT/tests/e2e" && node firefox.mjs)
}

layer "Tests natifs" native
layer "Tests de l'étape de découpage" split_step
layer "Tests navigateur" browser
layer "Tests de bout en bout" end_to_end
layer "Tests Firefox" firefox

if [ ${#failed[@]} -gt 0 ]; then
    printf 'Échec : %s\n' "${failed[*]}" >&2
    exit 1
fi
say "Tous les tests sont passés."
