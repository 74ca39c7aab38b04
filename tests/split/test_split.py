"""Tests of scripts/split.py, the build step that cuts the app's wasm into chunks.

Run from the checkout: `python3 -m unittest discover -s tests/split -v` (a layer of
scripts/test.sh). The whole step runs on a fake Trunk staging folder (`staging/`, whose
index.html is a real release build's, names aside; `sous-chemin/index.html` is the same built
for /prototheque/) with stand-ins for wasm-split-cli and wasm-bindgen (`tools/`), so it needs
neither the tools nor a build; `wasm.py` makes the tiny modules.
"""

import base64
import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the checkout
HERE = Path(__file__).resolve().parent
SCRIPT = HERE.parent.parent / "scripts" / "split.py"
sys.path.insert(0, str(HERE))
from wasm import CODE, CUSTOM, TYPE, custom, module, section, sections  # noqa: E402

spec = importlib.util.spec_from_file_location("split", SCRIPT)
split = importlib.util.module_from_spec(spec)
spec.loader.exec_module(split)

NAME = "prototheque-9f3c2a4b7d1e6f80"
TYPES = section(TYPE, b"\x01\x60\0\0")


def sri(content):
    return "sha384-" + base64.b64encode(hashlib.sha384(content).digest()).decode()


class CustomSections(unittest.TestCase):
    def test_only_custom_sections_are_dropped_in_order(self):
        code = section(CODE, b"\x01\x02\0\x0b")
        wasm = module(custom("name", b"abc"), TYPES, custom("producers"), code, custom("target_features"))
        self.assertEqual(split.without_custom_sections(wasm), module(TYPES, code))

    def test_sizes_of_several_leb128_bytes(self):
        long_custom = custom("name", b"x" * 300)  # size 305: two bytes
        self.assertEqual(long_custom[1:3], b"\xb1\x02")
        data = section(11, b"d" * 20000)  # three bytes
        self.assertEqual(split.without_custom_sections(module(long_custom, data, long_custom)), module(data))

    def test_a_module_without_custom_sections_is_unchanged(self):
        self.assertEqual(split.without_custom_sections(module(TYPES)), module(TYPES))
        self.assertEqual(split.without_custom_sections(module()), module())

    def test_broken_modules_are_refused(self):
        for broken in (b"", b"\0asm\x01", b"PK\x03\x04\x01\0\0\0", module(TYPES)[:-1], module() + b"\x01\x80"):
            with self.subTest(broken=broken), self.assertRaises(split.SplitError):
                split.without_custom_sections(broken)


class FolderName(unittest.TestCase):
    def test_named_after_the_contents_whatever_the_order(self):
        a = split.folder_name({"a.wasm": b"1", "b.js": b"2"})
        self.assertRegex(a, r"^split-[0-9a-f]{16}$")
        self.assertEqual(a, split.folder_name({"b.js": b"2", "a.wasm": b"1"}))
        self.assertNotEqual(a, split.folder_name({"a.wasm": b"1", "b.js": b"3"}))


class Imports(unittest.TestCase):
    LOADER = 'import { initSync } from "./app.js";\nimport { x } from "./other.js";\nconst s = "./app.js";\n'
    MAIN = 'import * as import1 from "./__wasm_split.js"\nimport { y } from "./snippets/a.js";\n'

    def test_the_loader_imports_the_main_module_one_folder_up(self):
        self.assertEqual(
            split.loader_importing_main(self.LOADER, "app.js"),
            'import { initSync } from "../app.js";\nimport { x } from "./other.js";\nconst s = "./app.js";\n',
        )

    def test_the_main_module_imports_the_loader_from_its_folder(self):
        self.assertEqual(
            split.main_importing_loader(self.MAIN, "split-0123456789abcdef", "app.js"),
            'import * as import1 from "./split-0123456789abcdef/__wasm_split.js"\nimport { y } from "./snippets/a.js";\n',
        )

    def test_only_whole_label_lines_leave_the_loader(self):
        loader = (
            "/* About, Book, Prototype */\n"
            "const __chunk_1 = makeLoad(() => {\n"
            "    /* kept: indented */\n"
            "}, []); /* kept: after code */\n"
            "/* kept */ run(); /* code between */\n"
            "/* Prototype */\n"
        )
        self.assertEqual(
            split.without_chunk_labels(loader),
            "const __chunk_1 = makeLoad(() => {\n    /* kept: indented */\n}, []); /* kept: after code */\n"
            "/* kept */ run(); /* code between */\n",
        )

    def test_a_missing_import_is_an_error_not_a_silent_build(self):
        with self.assertRaisesRegex(split.SplitError, "n'importe pas app.js"):
            split.loader_importing_main('import { a } from "./b.js";\n', "app.js")
        with self.assertRaisesRegex(split.SplitError, "app.js n'importe pas le chargeur"):
            split.main_importing_loader("export const a = 1;\n", "split-0", "app.js")
        with self.assertRaises(split.SplitError):  # only at the start of a line
            split.loader_importing_main('// import { a } from "./app.js"\n', "app.js")


class Integrity(unittest.TestCase):
    def test_minified_and_quoted_links_get_the_new_hashes(self):
        old = "sha384-" + "A" * 64
        html = (
            f"<link rel=modulepreload href=/sub/app.js crossorigin=anonymous integrity={old}>"
            f'<link rel="preload" href="/sub/app_bg.wasm" integrity="{old}" as="fetch">'
            f'<link rel=stylesheet href=/sub/main.css integrity={old}>'
        )
        out = split.with_integrity(html, {"app.js": b"js", "app_bg.wasm": b"wasm"})
        self.assertEqual(
            out,
            f"<link rel=modulepreload href=/sub/app.js crossorigin=anonymous integrity={sri(b'js')}>"
            f'<link rel="preload" href="/sub/app_bg.wasm" integrity="{sri(b"wasm")}" as="fetch">'
            f'<link rel=stylesheet href=/sub/main.css integrity={old}>',
        )

    def test_a_name_that_only_starts_the_same_is_not_rewritten(self):
        html = "<link href=/app.js.map integrity=sha384-old><link href=/app.js integrity=sha384-old>"
        out = split.with_integrity(html, {"app.js": b"js"})
        self.assertEqual(out, f"<link href=/app.js.map integrity=sha384-old><link href=/app.js integrity={sri(b'js')}>")

    def test_a_file_without_its_link_is_an_error(self):
        with self.assertRaisesRegex(split.SplitError, "app_bg.wasm"):
            split.with_integrity("<link href=/app.js integrity=sha384-old>", {"app_bg.wasm": b"wasm"})


class WholeStep(unittest.TestCase):
    """scripts/split.py run as Trunk runs it, on a copy of staging/, with the stand-in tools."""

    BASE = "/"  # the public URL the fixture's index.html was built with
    INDEX = HERE / "staging" / "index.html"

    def setUp(self):
        self.work = Path(tempfile.mkdtemp(prefix="split-test-"))
        self.addCleanup(shutil.rmtree, self.work)
        self.staging = self.work / "staging"
        shutil.copytree(HERE / "staging", self.staging)
        shutil.copyfile(self.INDEX, self.staging / "index.html")
        (self.staging / f"{NAME}_bg.wasm").write_bytes(module(TYPES, custom("trunk")))
        stale = self.staging / "split-00000000000000ff"  # an earlier build's chunks
        stale.mkdir()
        (stale / "chunk_9.wasm").write_bytes(module())
        self.cargo_wasm = self.work / "prototheque.wasm"
        self.cargo_wasm.write_bytes(module(TYPES, custom("reloc.CODE"), custom("name")))
        self.bin = self.work / "bin"  # the only PATH: no real tool can be picked up
        self.bin.mkdir()
        (self.bin / "python3").symlink_to(sys.executable)
        for tool in ("wasm-split-cli", "wasm-bindgen"):
            (self.bin / tool).symlink_to(HERE / "tools" / tool)
        self.env = {"PATH": str(self.bin), "PYTHONDONTWRITEBYTECODE": "1"}

    def run_split(self):
        env = {**self.env, "TRUNK_STAGING_DIR": str(self.staging), "TRUNK_PROFILE": "release"}
        return subprocess.run(
            [sys.executable, SCRIPT, "--wasm", self.cargo_wasm],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            universal_newlines=True,
        )

    def snapshot(self):
        return {
            str(path.relative_to(self.staging)): path.read_bytes()
            for path in sorted(self.staging.rglob("*"))
            if path.is_file()
        }

    def test_splits_into_a_folder_named_after_the_chunks(self):
        before = self.snapshot()
        done = self.run_split()
        self.assertEqual(done.returncode, 0, done.stderr)
        folders = sorted(p.name for p in self.staging.glob("split-*"))
        self.assertEqual(len(folders), 1, "the earlier build's chunks are gone")
        folder = self.staging / folders[0]
        self.assertIn(f"découpage : 2 morceaux dans {folders[0]}/", done.stderr)

        chunks = {p.name: p.read_bytes() for p in folder.iterdir()}
        self.assertEqual(sorted(chunks), ["__wasm_split.js", "chunk_0.wasm", "split_prototype_page.wasm"])
        self.assertEqual(sections(chunks["split_prototype_page.wasm"]), [TYPE, CODE])
        self.assertEqual(sections(chunks["chunk_0.wasm"]), [CODE])
        loader = chunks["__wasm_split.js"].decode()
        self.assertTrue(loader.startswith(f'import {{ initSync }} from "../{NAME}.js";\n'), loader)
        self.assertIn('import { helper } from "./helper.js";\n', loader)
        self.assertIn("// Loads a chunk once.\n", loader, "the JavaScript is left as written")
        self.assertNotIn("About, Prototype", loader, "but for the chunks' labels")
        self.assertIn("const s = 1; /* not a label */\n", loader)
        self.assertEqual(folder.name, split.folder_name(chunks), "named after what it holds")

        main_js = (self.staging / f"{NAME}.js").read_bytes()
        self.assertTrue(main_js.startswith(f'import * as import1 from "./{folder.name}/__wasm_split.js"\n'.encode()))
        self.assertIn(b"/** wasm-bindgen's glue. */\n", main_js)
        main_wasm = (self.staging / f"{NAME}_bg.wasm").read_bytes()
        self.assertEqual(main_wasm, module(TYPES), "wasm-bindgen's output replaced Trunk's")

        html = (self.staging / "index.html").read_text(encoding="utf-8")
        self.assertIn(f"href={self.BASE}{NAME}.js integrity={sri(main_js)} rel=modulepreload>", html)
        self.assertIn(f"href={self.BASE}{NAME}_bg.wasm integrity={sri(main_wasm)} rel=preload ", html)
        old_html = before["index.html"].decode()
        self.assertEqual(
            re.sub(r"sha384-[A-Za-z0-9+/=]+", "", html), re.sub(r"sha384-[A-Za-z0-9+/=]+", "", old_html)
        )
        css = re.search(r"href=" + self.BASE + r"main-[0-9a-f]+\.css integrity=([^\s>]+)", html).group(1)
        self.assertIn(css, old_html, "the stylesheet's hash is untouched")

        after = self.snapshot()
        for untouched in ("boot.js", "catalogue.json"):
            self.assertEqual(after[untouched], before[untouched])

    def test_a_wasm_without_relocations_stops_the_build_and_changes_nothing(self):
        self.cargo_wasm.write_bytes(module(TYPES))
        before = self.snapshot()
        done = self.run_split()
        self.assertEqual(done.returncode, 1)
        self.assertIn("No relocations found", done.stderr, "the tool's own message is shown")
        self.assertIn("erreur : wasm-split a échoué (compilé sans --emit-relocs ?", done.stderr)
        self.assertEqual(self.snapshot(), before)

    def test_missing_pieces_are_named(self):
        cases = {
            "wasm-split-cli manque : lancez scripts/setup.sh build": lambda: (self.bin / "wasm-split-cli").unlink(),
            "wasm-bindgen manque : lancez scripts/setup.sh build": lambda: (self.bin / "wasm-bindgen").unlink(),
            "prototheque.wasm introuvable": lambda: self.cargo_wasm.unlink(),
            f"{NAME}_bg.wasm absent de": lambda: (self.staging / f"{NAME}_bg.wasm").unlink(),
            "un seul prototheque-*.js, il y en a 2": lambda: (self.staging / "prototheque-0000.js").touch(),
            f"aucune empreinte d'intégrité pour {NAME}_bg.wasm": self.forget_the_wasm_preload,
        }
        for message, breaking in cases.items():
            with self.subTest(message=message):
                self.setUp()
                breaking()
                before = self.snapshot()
                done = self.run_split()
                self.assertEqual(done.returncode, 1)
                self.assertIn("erreur : ", done.stderr)
                self.assertIn(message, done.stderr)
                self.assertEqual(self.snapshot(), before)

    def forget_the_wasm_preload(self):
        index = self.staging / "index.html"
        html = index.read_text(encoding="utf-8")
        index.write_text(re.sub(r"<link as=fetch [^>]*>", "", html), encoding="utf-8")

    def test_without_trunk_it_asks_for_the_staging_folder(self):
        done = subprocess.run(
            [sys.executable, SCRIPT], env=self.env, stderr=subprocess.PIPE, universal_newlines=True
        )
        self.assertEqual(done.returncode, 2)
        self.assertIn("--staging manque", done.stderr)


class WholeStepUnderSubPath(WholeStep):
    """The same, on the index.html of a build hosted under /prototheque/."""

    BASE = "/prototheque/"
    INDEX = HERE / "sous-chemin" / "index.html"


if __name__ == "__main__":
    unittest.main()
