#!/usr/bin/env bash
# Cuts the app's wasm into a first download and chunks fetched on first use, in a Trunk build.
# Runs as Trunk's post_build hook (scripts/post-build.sh), before the service worker's list is
# written, on a build made with the `split` feature (index.html) and relocations kept
# (`use_split_build` in lib.sh, which scripts/build.sh and scripts/serve.sh call).
#
# Trunk 0.21 cannot split, so this redoes its last step: Trunk ran wasm-bindgen on cargo's wasm;
# here wasm-split cuts cargo's wasm first (it needs the relocations, which wasm-bindgen drops),
# then wasm-bindgen turns the main part into the same two files Trunk wrote, under Trunk's names.
# The chunks and their loader go in a folder named after their contents, so that a browser never
# mixes chunks of two builds; the integrity hashes in index.html are written again.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
staging="${TRUNK_STAGING_DIR:?run as a Trunk hook}"
profile="${TRUNK_PROFILE:-release}"
wasm="${CARGO_TARGET_DIR:-$ROOT/target}/wasm32-unknown-unknown/$profile/prototheque.wasm"
PATH="$TOOLS/bin:$PATH"

command -v wasm-split-cli >/dev/null || die "wasm-split-cli manque : lancez scripts/setup.sh build"
[ -f "$wasm" ] || die "$wasm introuvable"
js=$(cd "$staging" && ls prototheque-*.js)
name="${js%.js}"
[ -f "$staging/${name}_bg.wasm" ] || die "${name}_bg.wasm absent de $staging"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! wasm-split-cli "$wasm" "$work/split" --out-name "$name" --target web >"$work/log" 2>&1; then
    cat "$work/log" >&2
    die "wasm-split a échoué (compilé sans --emit-relocs ? passez par scripts/build.sh)"
fi
# --keep-lld-exports: the chunks import the main module's function table and memory.
wasm-bindgen --target web --keep-lld-exports --remove-name-section --remove-producers-section \
    --out-name "$name" --out-dir "$work/main" "$work/split/$name.wasm" 2>"$work/log" ||
    { cat "$work/log" >&2; die "wasm-bindgen a échoué sur le module principal"; }
rm "$work/split/$name.wasm"

# Chunks keep cargo's names and target sections: only the code and data are needed.
python3 - "$work"/split/*.wasm <<'EOF'
import sys

def uleb(data, i):
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i

for path in sys.argv[1:]:
    data = open(path, "rb").read()
    kept, i = [data[:8]], 8
    while i < len(data):
        start = i
        section, i = data[i], i + 1
        size, i = uleb(data, i)
        if section != 0:  # 0 = custom section (names, producers, target features)
            kept.append(data[start:i + size])
        i += size
    open(path, "wb").write(b"".join(kept))
EOF

folder="split-$(cat "$work"/split/* | sha256sum | cut -c1-16)"
# Only the module specifiers move: the wasm still names its imports "./__wasm_split.js".
sed -i "s|^import \\(.*\\) from \"\\./$name\\.js\"|import \\1 from \"../$name.js\"|" "$work/split/__wasm_split.js"
sed -i "s|^import \\(.*\\) from \"\\./__wasm_split\\.js\"|import \\1 from \"./$folder/__wasm_split.js\"|" "$work/main/$name.js"
grep -q "\"../$name.js\"" "$work/split/__wasm_split.js" || die "le chargeur des morceaux n'importe pas $name.js"
grep -q "\"./$folder/__wasm_split.js\"" "$work/main/$name.js" || die "$name.js n'importe pas le chargeur des morceaux"

# wasm-bindgen's JavaScript and the chunk loader without comments and indentation (1.6 KB gzip): whole lines
# only, so no code changes (its template literals and strings never span lines).
python3 - "$work/main/$name.js" "$work/split/__wasm_split.js" <<'PY' || die "la compaction du JavaScript a échoué"
import sys
for path in sys.argv[1:]:
    kept, in_comment = [], False
    for line in open(path, encoding="utf-8").read().split("\n"):
        line = line.strip()
        if in_comment:
            in_comment = "*/" not in line
            line = line.split("*/", 1)[1].strip() if not in_comment else ""
        elif line.startswith("/*") and not line.startswith("/* @ts"):
            in_comment = "*/" not in line
            line = line.split("*/", 1)[1].strip() if not in_comment else ""
        if line and not line.startswith("//"):
            kept.append(line)
    open(path, "w", encoding="utf-8").write("\n".join(kept) + "\n")
PY

rm -rf "$staging"/split-*
mkdir "$staging/$folder"
cp "$work"/split/* "$staging/$folder/"
cp "$work/main/$name.js" "$work/main/${name}_bg.wasm" "$staging/"

# The <link> tags that preload the two rewritten files carry their hash (quoted or not: Trunk
# minifies index.html in release builds); each must now carry the new one.
python3 - "$staging" "$name.js" "${name}_bg.wasm" <<'PY' || die "index.html : les empreintes d'intégrité n'ont pas pu être réécrites"
import base64, hashlib, re, sys
staging, files = sys.argv[1], sys.argv[2:]
path = f"{staging}/index.html"
html = open(path, encoding="utf-8").read()
for name in files:
    digest = hashlib.sha384(open(f"{staging}/{name}", "rb").read()).digest()
    sri = "sha384-" + base64.b64encode(digest).decode()
    href = re.compile(r"""\bhref=["']?[^"'\s>]*/""" + re.escape(name) + r"""(?=["'\s>])""")
    def rewrite(tag):
        tag = tag.group(0)
        if not href.search(tag):
            return tag
        return re.sub(r"""(\bintegrity=["']?)[^"'\s>]+""", lambda m: m.group(1) + sri, tag)
    html = re.sub(r"<link\b[^>]*>", rewrite, html)
    if sri not in html:
        sys.exit(f"no integrity for {name}")
open(path, "w", encoding="utf-8").write(html)
PY

chunks=("$staging/$folder"/*.wasm)
echo "découpage : ${#chunks[@]} morceaux dans $folder/ (tailles : scripts/size.sh)" >&2
