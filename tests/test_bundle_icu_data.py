"""build.spec ships ICU's data library cut to its collation items: the cut library must be a valid
ICU common-data table (ICU finds every kept item byte for byte) and Qt must collate with it as it
does with the full data."""

from __future__ import annotations

import ast
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _spec_functions(workpath: Path) -> dict[str, Any]:
    """The ICU helpers of build.spec, executed on their own (build.spec runs only under PyInstaller)."""
    tree = ast.parse((ROOT / "build.spec").read_text(encoding="utf-8"))
    wanted = {"ICU_KEPT_ITEMS", "_icu_data_subset", "_icu_collation_data"}
    nodes: list[ast.stmt] = [
        n for n in tree.body
        if (isinstance(n, ast.FunctionDef) and n.name in wanted)
        or (isinstance(n, ast.Assign) and ast.unparse(n.targets[0]) in wanted)
    ]
    assert len(nodes) == len(wanted)
    namespace: dict[str, Any] = {"re": re, "sys": sys, "Path": Path, "workpath": str(workpath)}
    exec(compile(ast.Module(body=nodes, type_ignores=[]), "build.spec", "exec"), namespace)
    return namespace


def _icu_data_library() -> Path:
    qt_lib = Path(pytest.importorskip("PySide6").__file__).parent / "Qt" / "lib"
    found = sorted(qt_lib.glob("libicudata.so.*"))
    if not sys.platform.startswith("linux") or not found:
        pytest.skip("PySide6 bundles no ICU data library here")
    return found[0]


def _table(blob: bytes, start: int) -> dict[str, bytes]:
    """Name -> bytes of every item of an ICU common-data table starting at `start`."""
    assert blob[start + 2:start + 4] == b"\xda\x27" and blob[start + 12:start + 16] == b"CmnD"
    toc = start + struct.unpack_from("<H", blob, start)[0]
    count = struct.unpack_from("<I", blob, toc)[0]
    entries = [struct.unpack_from("<II", blob, toc + 4 + 8 * i) for i in range(count)]
    names = [blob[toc + n:blob.index(b"\0", toc + n)].decode("ascii") for n, _ in entries]
    ends = [d for _, d in entries[1:]] + [len(blob) - toc]
    return {name: blob[toc + d:toc + end] for name, (_, d), end in zip(names, entries, ends, strict=True)}


def test_the_cut_table_keeps_every_collation_item_byte_for_byte(tmp_path: Path) -> None:
    library = _icu_data_library()
    spec = _spec_functions(tmp_path)
    symbol = spec["_icu_data_subset"](library, tmp_path / "cut.bin")
    assert symbol == f"icudt{library.name.rsplit('.', 1)[1]}_dat"
    original_bytes = library.read_bytes()
    original = _table(original_bytes, original_bytes.find(b"CmnD") - 12)
    cut = _table((tmp_path / "cut.bin").read_bytes(), 0)
    collation = sorted(name for name in original if "/coll/" in name)
    assert len(collation) > 100 and any(name.endswith("/coll/ucadata.icu") for name in collation)
    assert sorted(cut) == collation == list(cut)  # ICU looks names up by binary search
    for name in collation:
        # Items are padded to 16 bytes in the cut table; the original pads the same way.
        assert cut[name].rstrip(b"\0") == original[name].rstrip(b"\0"), name
    assert (tmp_path / "cut.bin").stat().st_size < library.stat().st_size / 5


COLLATE = """
from PySide6.QtCore import QCollator, QLocale
for name in ("de_DE", "sv_SE", "en_US", "zh_CN"):
    collator = QCollator(QLocale(name))
    collator.setNumericMode(True)
    words = ["b", "A", "\\u00e4", "z", "a10", "a9", "\\u00c5ngstr\\u00f6m", "Zebra"]
    print(name, sorted(words, key=collator.sortKey))
"""


def test_qt_collates_with_the_cut_library_as_with_the_full_data(tmp_path: Path) -> None:
    _icu_data_library()
    if not (shutil.which("cc") or shutil.which("gcc")):
        pytest.skip("no C compiler: build.spec keeps the full ICU data")
    library = _icu_data_library()
    spec = _spec_functions(tmp_path)
    entries = spec["_icu_collation_data"]([(f"PySide6/Qt/lib/{library.name}", str(library), "BINARY")])
    cut = Path(entries[0][1])
    assert cut.parent == tmp_path / "icu-data" and cut.name == library.name

    def collate(library_path: str | None) -> subprocess.CompletedProcess[str]:
        env = {"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen", "LC_ALL": "C.UTF-8"}
        if library_path:
            env["LD_LIBRARY_PATH"] = library_path  # searched before the Qt libraries' RUNPATH
        return subprocess.run([sys.executable, "-c", COLLATE], capture_output=True, text=True, env=env,
                              timeout=60, check=True)

    full, with_cut = collate(None), collate(str(cut.parent))
    assert "sv_SE" in full.stdout and with_cut.stdout == full.stdout
    assert "collator" not in with_cut.stderr.lower()  # no "Could not create collator"
    # Swedish sorts ä after z, German beside a: the locale's own collation data was found.
    swedish = next(line for line in with_cut.stdout.splitlines() if line.startswith("sv_SE"))
    german = next(line for line in with_cut.stdout.splitlines() if line.startswith("de_DE"))
    assert swedish.index("'z'") < swedish.index("'\u00e4'") and german.index("'\u00e4'") < german.index("'z'")
