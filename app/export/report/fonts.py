"""Fonts for the report, and user text turned into safe reportlab paragraph markup.

The body font is a Unicode TrueType font: DejaVu Sans when the system has it, else the
Bitstream Vera fonts that ship inside reportlab. Characters the body font lacks (CJK in
particular) are set in a CJK font: a system TrueType font when one is found (WenQuanYi,
Droid Sans Fallback, Microsoft YaHei, ...), else reportlab's built-in CID font STSong-Light,
which every PDF viewer can show without embedding.

``MLSD_REPORT_CJK_FONT`` overrides the CJK choice: a path to a .ttf/.ttc file, or ``cid`` for
the built-in font.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

from app.export.text import clean

ENV_CJK_FONT = "MLSD_REPORT_CJK_FONT"
CID_FONT = "STSong-Light"
FAMILY = "MLSDSans"
_LATIN_FILES = {
    "dejavu": (
        "DejaVuSans.ttf",
        "DejaVuSans-Bold.ttf",
        "DejaVuSans-Oblique.ttf",
        "DejaVuSans-BoldOblique.ttf",
    ),
    "vera": ("Vera.ttf", "VeraBd.ttf", "VeraIt.ttf", "VeraBI.ttf"),
}
# Preferred first. OpenType/CFF files (most Noto CJK builds) are tried but reportlab rejects them.
_CJK_FILES = (
    "wqy-microhei.ttc",
    "wqy-zenhei.ttc",
    "DroidSansFallbackFull.ttf",
    "DroidSansFallback.ttf",
    "NotoSansSC-Regular.ttf",
    "NotoSansCJKsc-Regular.ttf",
    "msyh.ttc",
    "msyh.ttf",
    "simhei.ttf",
    "simsun.ttc",
    "Arial Unicode.ttf",
    "ArialUnicodeMS.ttf",
    "NotoSansCJK-Regular.ttc",
)
_FONT_ROOTS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.fonts",
    "~/.local/share/fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "~/Library/Fonts",
    "C:/Windows/Fonts",
)
# Ranges the CID font STSong-Light (GB 2312 / GBK) is trusted to cover.
_CID_RANGES = ((0x2E80, 0x9FFF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF))


class FontSet:
    """Registered font names plus what the body and CJK fonts can draw.

    The CJK font is registered lazily, the first time a character needs it: loading a large
    CJK font costs more than a whole report of Latin text.
    """

    regular = FAMILY
    bold = FAMILY + "-Bold"
    italic = FAMILY + "-Italic"
    bold_italic = FAMILY + "-BoldItalic"

    def __init__(self, body_source: str, body_chars: frozenset[int], cjk_choice: str):
        self.body_source = body_source
        self.body_chars = body_chars
        self._cjk_choice = cjk_choice
        self._cjk: tuple[str, bool, str, frozenset[int]] | None = None

    def _cjk_font(self) -> tuple[str, bool, str, frozenset[int]]:
        if self._cjk is None:
            with _lock:
                if self._cjk is None:
                    self._cjk = _cjk_font(self._cjk_choice)
        return self._cjk

    @property
    def cjk(self) -> str:
        return self._cjk_font()[0]

    @property
    def cjk_is_cid(self) -> bool:
        return self._cjk_font()[1]

    @property
    def cjk_source(self) -> str:
        return self._cjk_font()[2]

    def body_covers(self, ch: str) -> bool:
        return ord(ch) in self.body_chars or ch in "\n "

    def cjk_covers(self, ch: str) -> bool:
        _name, is_cid, _source, chars = self._cjk_font()
        if is_cid:
            code = ord(ch)
            return any(lo <= code <= hi for lo, hi in _CID_RANGES)
        return ord(ch) in chars


def _find_files(names: tuple[str, ...]) -> dict[str, Path]:
    wanted = {n.lower() for n in names}
    found: dict[str, Path] = {}
    for root in _FONT_ROOTS:
        base = Path(os.path.expanduser(root))
        if not base.is_dir():
            continue
        for folder, _dirs, files in os.walk(base):
            for name in files:
                low = name.lower()
                if low in wanted and low not in found:
                    found[low] = Path(folder) / name
    return found


def _register_ttf(name: str, path: Path) -> TTFont:
    font = (
        TTFont(name, str(path), subfontIndex=0) if path.suffix.lower() == ".ttc" else TTFont(name, str(path))
    )
    pdfmetrics.registerFont(font)
    return font


def _register_family(name: str, regular: str, bold: str, italic: str, bold_italic: str) -> None:
    pdfmetrics.registerFontFamily(name, normal=regular, bold=bold, italic=italic, boldItalic=bold_italic)
    for b, i, face in ((0, 0, regular), (1, 0, bold), (0, 1, italic), (1, 1, bold_italic)):
        addMapping(name, b, i, face)


def _body_fonts() -> tuple[str, frozenset[int]]:
    found = _find_files(_LATIN_FILES["dejavu"])
    files = [found.get(n.lower()) for n in _LATIN_FILES["dejavu"]]
    source = "DejaVu Sans"
    if not all(files):
        folder = Path(reportlab.__file__).parent / "fonts"
        files = [folder / n for n in _LATIN_FILES["vera"]]
        source = "Bitstream Vera (bundled with reportlab)"
    faces = []
    for suffix, path in zip(("", "-Bold", "-Italic", "-BoldItalic"), files, strict=True):
        faces.append(_register_ttf(FAMILY + suffix, path))  # type: ignore[arg-type]
    _register_family(FAMILY, FAMILY, FAMILY + "-Bold", FAMILY + "-Italic", FAMILY + "-BoldItalic")
    return source, frozenset(faces[0].face.charToGlyph)


def _cjk_font(choice: str) -> tuple[str, bool, str, frozenset[int]]:
    candidates: list[Path] = []
    if choice and choice.lower() != "cid":
        candidates.append(Path(choice))
    elif not choice:
        found = _find_files(_CJK_FILES)
        candidates.extend(found[n.lower()] for n in _CJK_FILES if n.lower() in found)
    for path in candidates:
        name = "MLSDCJK-" + re.sub(r"[^A-Za-z0-9]", "", path.stem)
        try:
            font = _register_ttf(name, path)
        except Exception:  # unsupported outlines, broken file: try the next one
            continue
        _register_family(name, name, name, name, name)
        return name, False, path.name, frozenset(font.face.charToGlyph)
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    _register_family(CID_FONT, CID_FONT, CID_FONT, CID_FONT, CID_FONT)
    return CID_FONT, True, f"{CID_FONT} (built-in CID font)", frozenset()


_lock = threading.RLock()
_cache: dict[str, FontSet] = {}
_body: tuple[str, frozenset[int]] | None = None


def report_fonts() -> FontSet:
    """Register the report fonts once per process (and per CJK font choice)."""
    global _body
    key = os.environ.get(ENV_CJK_FONT, "").strip()
    with _lock:
        fonts = _cache.get(key)
        if fonts is None:
            if _body is None:
                _body = _body_fonts()
            fonts = _cache[key] = FontSet(_body[0], _body[1], key)
        return fonts


def font_runs(text: str, fonts: FontSet) -> list[tuple[str | None, str]]:
    """Split text into runs: (None, text) for the body font, (cjk font, text) for the rest."""
    runs: list[tuple[str | None, str]] = []
    current: str | None = None
    buffer: list[str] = []
    for ch in text:
        font = None if fonts.body_covers(ch) or not fonts.cjk_covers(ch) else fonts.cjk
        if font != current and buffer:
            runs.append((current, "".join(buffer)))
            buffer = []
        current = font
        buffer.append(ch)
    if buffer:
        runs.append((current, "".join(buffer)))
    return runs


def markup(text: object, fonts: FontSet | None = None, *, newlines: bool = True) -> str:
    """User text as reportlab paragraph markup: escaped, CJK runs in the CJK font.

    `<b>`, `&` and the like print as typed; newlines become line breaks unless `newlines`
    is false (then they become spaces).
    """
    fonts = fonts or report_fonts()
    value = clean("" if text is None else str(text))
    if not newlines:
        value = " ".join(value.split("\n"))
    parts = []
    for font, run in font_runs(value, fonts):
        escaped = escape(run)
        if newlines:
            escaped = escaped.replace("\n", "<br/>")
        parts.append(f'<font name="{font}">{escaped}</font>' if font else escaped)
    return "".join(parts)


def drawing_font(text: str, font_name: str, fonts: FontSet) -> str:
    """The font for a diagram string: standard Helvetica where it can encode the text (its
    metrics are what Graphviz laid the label out with), the Unicode body font, or CJK."""
    try:
        text.encode("cp1252")
        return font_name
    except UnicodeEncodeError:
        pass
    if all(fonts.body_covers(ch) for ch in text):
        bold = "Bold" in font_name
        italic = "Oblique" in font_name or "Italic" in font_name
        return {(0, 0): fonts.regular, (1, 0): fonts.bold, (0, 1): fonts.italic, (1, 1): fonts.bold_italic}[
            (int(bold), int(italic))
        ]
    return fonts.cjk
