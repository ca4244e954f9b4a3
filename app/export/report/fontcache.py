"""Parsed TrueType fonts kept between runs, so that a report does not parse its body font's four
faces (about 10 ms each) every time.

An entry is the parsed face (reportlab's TTFontFace: metrics, character map and the font's
bytes for subsetting) pickled under a name derived from the font file's path, size and
modification time, reportlab's version, Python's and this cache's FORMAT: a changed, moved or
replaced font, or another reportlab, never finds a stale entry. Entries are written atomically
(a temporary file renamed into place) in MLSD_CACHE_DIR/fonts, else
$XDG_CACHE_HOME/mlsd-studio/fonts, else ~/.cache/mlsd-studio/fonts. A cache folder that is
missing and cannot be made, is read-only, or holds a broken entry only means parsing the
font as before.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from fnmatch import fnmatch
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

import reportlab
from reportlab import rl_config
from reportlab.pdfbase import ttfonts
from reportlab.pdfbase.ttfonts import TTEncoding, TTFont, TTFontFace

from app.export.report.subsetting import SubsetTTFont

ENV_CACHE_DIR = "MLSD_CACHE_DIR"
FORMAT = 1
_UNPICKLABLE = ("_pdfScale",)  # a lambda reportlab derives from unitsPerEm


def cache_dir() -> Path | None:
    """The folder of the font cache (None when there is no home to put it in)."""
    chosen = os.environ.get(ENV_CACHE_DIR, "").strip()
    if chosen:
        return Path(chosen) / "fonts"
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.expanduser("~/.cache")
    return None if base.startswith("~") else Path(base) / "mlsd-studio" / "fonts"


def entry_path(font_file: Path) -> Path | None:
    """Where the parsed face of `font_file`, as it is now, is kept (None: not cacheable)."""
    folder = cache_dir()
    try:
        status = font_file.stat()
        where = font_file.resolve()
    except OSError:
        return None
    if folder is None:
        return None
    key = "|".join(
        map(str, (FORMAT, reportlab.Version, sys.version_info[:2], where, status.st_size, status.st_mtime_ns))
    )
    return folder / f"{hashlib.sha256(key.encode()).hexdigest()[:40]}.pickle"


def load_ttfont(name: str, font_file: Path) -> TTFont:
    """reportlab's TTFont(name, font_file), its face parsed once and then read from the cache."""
    entry = entry_path(font_file)
    face = _read(entry, font_file) if entry is not None else None
    if face is None:
        font = _parse(name, font_file)
        if entry is not None:
            _write(entry, font.face)
        return font
    return _font(name, face)


def _parse(name: str, font_file: Path) -> TTFont:
    return SubsetTTFont(name, str(font_file))


def _read(entry: Path, font_file: Path) -> TTFontFace | None:
    try:
        state = pickle.loads(entry.read_bytes())
    except FileNotFoundError:
        return None
    except Exception:  # unreadable or broken: parse the font again (and replace the entry)
        return None
    if not isinstance(state, dict) or state.get("filename") != str(font_file):
        return None
    face: TTFontFace = TTFontFace.__new__(TTFontFace)
    face.__dict__.update(state)
    cast_face: Any = face
    cast_face._pdfScale = _scale(state["unitsPerEm"])
    return face


def _scale(units_per_em: int) -> Callable[[float], float]:
    """reportlab's glyph units to PDF units (thousandths of the size), as it derives it."""
    if units_per_em == 1000:
        return lambda x: x
    factor = 1000 / units_per_em
    return lambda x: x * factor


def _write(entry: Path, face: TTFontFace) -> None:
    state = {k: v for k, v in vars(face).items() if k not in _UNPICKLABLE}
    try:
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(prefix=entry.stem, suffix=".partial", dir=entry.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(state, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(partial, entry)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    except (OSError, pickle.PicklingError):  # no cache then: the font was parsed all the same
        pass


def _font(name: str, face: TTFontFace) -> TTFont:
    """A TTFont around an already parsed face: what TTFont.__init__ sets, the face aside
    (tests/export/test_fontcache.py compares the two)."""
    font: TTFont = SubsetTTFont.__new__(SubsetTTFont)
    attrs: Any = font
    attrs.fontName = name
    attrs.face = face
    attrs.encoding = TTEncoding()
    attrs.state = WeakKeyDictionary()
    attrs._asciiReadable = rl_config.ttfAsciiReadable
    attrs.shapable = not any(fnmatch(name, glob) for glob in getattr(ttfonts, "unShapedFontGlob", ()))
    return font
