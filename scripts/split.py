#!/usr/bin/env python3
"""Cuts the app's wasm into a first download and chunks fetched on first use, in a Trunk build.

Runs as Trunk's post_build hook (scripts/post-build.sh), before the service worker's list is
written, on a build made with the `split` feature (index.html) and relocations kept
(`keep_relocations_for_split` in scripts/lib.sh, through scripts/build.sh and scripts/serve.sh).

Trunk 0.21 cannot split, so this redoes its last step. Trunk ran wasm-bindgen on cargo's wasm;
here wasm-split cuts cargo's wasm first (it needs the relocations, which wasm-bindgen drops),
then wasm-bindgen turns the main part into the same two files Trunk wrote, under Trunk's names.
The chunks and their loader go in a folder named after their contents, so that a browser never
mixes chunks of two builds; the integrity hashes in index.html are written again.

Python 3.8 or later, standard library only. Tested by tests/split/ (`python3 -m unittest
discover -s tests/split`, a layer of scripts/test.sh), with stand-ins for the two tools.
"""

import argparse
import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOADER = "__wasm_split.js"
WASM_MAGIC = b"\0asm"
CUSTOM_SECTION = 0  # names, producers, target features: nothing a browser needs


class SplitError(Exception):
    """A build that cannot be split; the message is French, for whoever runs the build."""


def read_uleb(data, i):
    """The unsigned LEB128 number at `data[i:]`, and the index after it."""
    value = shift = 0
    while True:
        if i >= len(data):
            raise SplitError("wasm tronqué (nombre LEB128 inachevé)")
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def without_custom_sections(wasm):
    """The module without its custom sections: chunks keep cargo's names and target sections,
    and only their code and data are needed."""
    if wasm[:4] != WASM_MAGIC or len(wasm) < 8:
        raise SplitError("ce n'est pas un module wasm")
    kept, i = [wasm[:8]], 8
    while i < len(wasm):
        start = i
        section = wasm[i]
        size, i = read_uleb(wasm, i + 1)
        if i + size > len(wasm):
            raise SplitError("wasm tronqué (section plus longue que le fichier)")
        if section != CUSTOM_SECTION:
            kept.append(wasm[start : i + size])
        i += size
    return b"".join(kept)


def folder_name(files):
    """`split-` and a hash of the folder's files (name → bytes), taken in name order."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(files[name])
    return "split-" + digest.hexdigest()[:16]


def _moved_import(js, old, new, problem):
    """`js` with its `import … from "old"` statements (at the start of a line) taking `new`:
    only the module specifiers move, the wasm still names its imports "./__wasm_split.js"."""
    pattern = re.compile(r'^(import .* from )"' + re.escape(old) + '"', re.MULTILINE)
    js, count = pattern.subn(lambda m: m.group(1) + '"' + new + '"', js)
    if count == 0:
        raise SplitError(problem)
    return js


def loader_importing_main(loader_js, main_js_name):
    """The chunk loader, which moves one folder down, importing the main module's JavaScript."""
    return _moved_import(
        loader_js,
        "./" + main_js_name,
        "../" + main_js_name,
        f"le chargeur des morceaux n'importe pas {main_js_name}",
    )


def without_chunk_labels(loader_js):
    """The chunk loader without the comment wasm-split writes above each chunk's loader, which
    names the pages sharing that chunk (`/* About, Book, Prototype */`, one line each): the loader
    is part of the first download, and the labels were a sixth of its gzip (435 of 2,630 bytes,
    93 labels). Only lines that are such a comment, whole, go."""
    return re.sub(r"^/\* [^*\n]* \*/\n", "", loader_js, flags=re.MULTILINE)


def main_importing_loader(main_js, folder, main_js_name):
    """wasm-bindgen's JavaScript importing the chunk loader from its folder."""
    return _moved_import(
        main_js,
        "./" + LOADER,
        f"./{folder}/{LOADER}",
        f"{main_js_name} n'importe pas le chargeur des morceaux",
    )


def subresource_integrity(content):
    return "sha384-" + base64.b64encode(hashlib.sha384(content).digest()).decode()


def with_integrity(html, files):
    """index.html with the `integrity` of each `<link>` whose href ends in one of `files`
    (name → new bytes) set to that file's hash. The attributes may be quoted or not: Trunk
    minifies index.html in release builds."""
    for name, content in files.items():
        sri = subresource_integrity(content)
        href = re.compile(r"""\bhref=["']?[^"'\s>]*/""" + re.escape(name) + r"""(?=["'\s>])""")

        def rewrite(tag):
            tag = tag.group(0)
            if not href.search(tag):
                return tag
            return re.sub(r"""(\bintegrity=["']?)[^"'\s>]+""", lambda m: m.group(1) + sri, tag)

        html = re.sub(r"<link\b[^>]*>", rewrite, html)
        if sri not in html:
            raise SplitError(f"index.html : aucune empreinte d'intégrité pour {name}")
    return html


def trunk_name(staging):
    """The stem Trunk gave the app's files (`prototheque-<hash>`), from its JavaScript."""
    found = sorted(staging.glob("prototheque-*.js"))
    if len(found) != 1:
        raise SplitError(f"{staging} devrait contenir un seul prototheque-*.js, il y en a {len(found)}")
    name = found[0].name[: -len(".js")]
    if not (staging / f"{name}_bg.wasm").is_file():
        raise SplitError(f"{name}_bg.wasm absent de {staging}")
    return name


def run(command, problem):
    """Runs a tool, showing its output only when it fails."""
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        sys.stderr.write(done.stdout.decode(errors="replace"))
        raise SplitError(problem)


def split(staging, cargo_wasm):
    """Splits `cargo_wasm` and puts the result in Trunk's `staging` folder; returns the chunk
    folder's name and how many chunks it holds."""
    for tool in ("wasm-split-cli", "wasm-bindgen"):
        if shutil.which(tool) is None:
            raise SplitError(f"{tool} manque : lancez scripts/setup.sh build")
    if not cargo_wasm.is_file():
        raise SplitError(f"{cargo_wasm} introuvable")
    name = trunk_name(staging)
    main_js_name = f"{name}.js"

    with tempfile.TemporaryDirectory() as work:
        parts, main = Path(work, "split"), Path(work, "main")
        run(
            ["wasm-split-cli", cargo_wasm, parts, "--out-name", name, "--target", "web"],
            "wasm-split a échoué (compilé sans --emit-relocs ? passez par scripts/build.sh)",
        )
        # --keep-lld-exports: the chunks import the main module's function table and memory.
        run(
            ["wasm-bindgen", "--target", "web", "--keep-lld-exports", "--remove-name-section",
             "--remove-producers-section", "--out-name", name, "--out-dir", main,
             parts / f"{name}.wasm"],
            "wasm-bindgen a échoué sur le module principal",
        )
        (parts / f"{name}.wasm").unlink()

        chunks = {}
        for path in parts.iterdir():
            content = path.read_bytes()
            chunks[path.name] = without_custom_sections(content) if path.suffix == ".wasm" else content
        if LOADER not in chunks:
            raise SplitError(f"wasm-split n'a pas écrit {LOADER}")
        loader = chunks[LOADER].decode("utf-8")
        loader = without_chunk_labels(loader_importing_main(loader, main_js_name))
        chunks[LOADER] = loader.encode("utf-8")
        folder = folder_name(chunks)
        main_js = (main / main_js_name).read_text(encoding="utf-8")
        main_js = main_importing_loader(main_js, folder, main_js_name).encode("utf-8")
        main_wasm = (main / f"{name}_bg.wasm").read_bytes()
    index = staging / "index.html"
    html = with_integrity(
        index.read_text(encoding="utf-8"),
        {main_js_name: main_js, f"{name}_bg.wasm": main_wasm},
    )

    # Everything is ready: only now does the staging folder change.
    for old in staging.glob("split-*"):
        shutil.rmtree(old)
    (staging / folder).mkdir()
    for chunk, content in chunks.items():
        (staging / folder / chunk).write_bytes(content)
    (staging / main_js_name).write_bytes(main_js)
    (staging / f"{name}_bg.wasm").write_bytes(main_wasm)
    index.write_text(html, encoding="utf-8")
    return folder, sum(1 for chunk in chunks if chunk.endswith(".wasm"))


def arguments():
    target = Path(os.environ.get("CARGO_TARGET_DIR") or ROOT / "target")
    profile = os.environ.get("TRUNK_PROFILE") or "release"
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--staging",
        type=Path,
        default=os.environ.get("TRUNK_STAGING_DIR"),
        help="Trunk's staging folder (default: $TRUNK_STAGING_DIR, set by Trunk for its hooks)",
    )
    parser.add_argument(
        "--wasm",
        type=Path,
        default=target / "wasm32-unknown-unknown" / profile / "prototheque.wasm",
        help="cargo's wasm, with its relocations (default: from $CARGO_TARGET_DIR and $TRUNK_PROFILE)",
    )
    args = parser.parse_args()
    if args.staging is None:
        parser.error("--staging manque (ou lancez ce programme comme crochet de Trunk)")
    return args


def main():
    args = arguments()
    try:
        folder, count = split(args.staging, args.wasm)
    except SplitError as error:
        sys.exit(f"erreur : {error}")
    print(f"découpage : {count} morceaux dans {folder}/ (tailles : scripts/size.sh)", file=sys.stderr)


if __name__ == "__main__":
    main()
