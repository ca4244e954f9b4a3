"""What each package adds to the desktop bundle: a table of sizes on disk.

Run after `pyinstaller build.spec`: python scripts/bundle_sizes.py [dist/mlsd-studio]

Files in the bundle's folder are grouped by the package that brings them (shared libraries
that Qt, Pillow or Python need are listed by what loads them); the executable's archive of
Python modules (PYZ) is split by top-level package, with compressed sizes. The figures add
up to the size of the folder (`du -sb`, give or take the directories themselves; symbolic links
count as nothing).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

MB = 1024 * 1024

# First matching prefix of a path under _internal/ names the group.
GROUPS: tuple[tuple[str, str], ...] = (
    ("PySide6/Qt/lib/libicu", "ICU data and libraries (Qt text)"),
    ("PySide6/Qt/plugins/", "Qt plugins"),
    ("PySide6/Qt/lib/", "Qt libraries"),
    ("PySide6/", "PySide6 bindings"),
    ("shiboken6", "PySide6 bindings"),
    ("libpyside6", "PySide6 bindings"),
    ("libshiboken6", "PySide6 bindings"),
    ("bin/graphviz-pure", "graphviz-pure (dot without a system Graphviz)"),
    ("resources/fonts/", "Noto fonts (every script)"),
    ("resources/", "catalog, templates, examples, icons"),
    ("pydantic", "pydantic"),
    ("uharfbuzz", "uharfbuzz (text shaping)"),
    ("bidi", "python-bidi"),
    ("resvg_py", "resvg (SVG to PNG)"),
    ("orjson", "orjson"),
    ("PIL", "Pillow (reportlab's images)"),
    ("pillow.libs", "Pillow (reportlab's images)"),
    ("charset_normalizer", "charset_normalizer"),
    ("libpython", "Python runtime"),
    ("python3", "Python runtime"),
    ("base_library.zip", "Python runtime"),
    ("lib", "system libraries (X11/xcb, glib, fontconfig, ...)"),
)


def group_of(relative: str) -> str:
    for prefix, group in GROUPS:
        if relative.startswith(prefix):
            return group
    return "other"


def folder_sizes(internal: Path) -> Counter[str]:
    sizes: Counter[str] = Counter()
    for root, _dirs, files in os.walk(internal):
        for name in files:
            path = Path(root) / name
            if path.is_symlink():
                continue
            sizes[group_of(path.relative_to(internal).as_posix())] += path.stat().st_size
    return sizes


def archive_sizes(executable: Path) -> tuple[int, Counter[str]]:
    """Bootloader bytes and the PYZ's compressed bytes per top-level package."""
    from PyInstaller.archive.readers import CArchiveReader, ZlibArchiveReader

    carchive = CArchiveReader(str(executable))
    with tempfile.TemporaryDirectory() as folder:
        pyz = Path(folder) / "PYZ.pyz"
        pyz.write_bytes(carchive.extract("PYZ.pyz"))
        pyz_size = pyz.stat().st_size
        modules: Counter[str] = Counter()
        for name, (_kind, _offset, length) in ZlibArchiveReader(str(pyz)).toc.items():
            modules[name.split(".")[0]] += length
    rest = executable.stat().st_size - sum(modules.values())
    modules["(archive index)"] += pyz_size - sum(modules.values())
    return rest - modules["(archive index)"], modules


def print_table(title: str, sizes: Counter[str], limit: int | None = None) -> None:
    print(f"\n{title}")
    rows = sizes.most_common()
    shown, rest = (rows[:limit], rows[limit:]) if limit else (rows, [])
    for name, size in shown:
        print(f"  {name:<52}{size / MB:7.1f} MB")
    if rest:
        print(f"  {f'{len(rest)} more':<52}{sum(s for _n, s in rest) / MB:7.1f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundle", nargs="?", default="dist/mlsd-studio", type=Path)
    args = parser.parse_args()
    executable, internal = args.bundle / "mlsd-studio", args.bundle / "_internal"
    if not executable.is_file() or not internal.is_dir():
        message = f"{args.bundle} is not a built bundle (run pyinstaller build.spec)"
        print(f"bundle_sizes: {message}", file=sys.stderr)
        return 2
    folder = folder_sizes(internal)
    bootloader, modules = archive_sizes(executable)
    folder["Python modules (PYZ, compressed; below)"] = sum(modules.values())
    folder["executable (bootloader and start-up scripts)"] = bootloader
    total = sum(folder.values())
    print(f"{args.bundle}: {total / MB:.1f} MB in all (target: at most 130 MB)")
    print_table("By what brings it:", folder)
    print_table("Python modules in the PYZ, by top-level package:", modules, limit=15)
    return 0


if __name__ == "__main__":
    sys.exit(main())
