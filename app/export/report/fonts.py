"""Fonts for the report, user text turned into safe reportlab paragraph markup, and user text
drawn on a canvas in the right fonts and order.

The body font is a Unicode TrueType font: DejaVu Sans when the system has it, else the shipped
Arimo (resources/fonts). Each character of user text is set in the first font that has it: the
shipped font of its script (Noto Sans Arabic, Noto Sans Hebrew, MLSD Sans CJK for Chinese,
Japanese and Korean, Noto Emoji for emoji), then the body font, then any other shipped font.
A character no font has is drawn as U+FFFD (the replacement character), never dropped and
never a blank .notdef box. Right-to-left text is reordered and Arabic joined first
(shaping.visual_line).

``MLSD_REPORT_CJK_FONT`` overrides the CJK choice: a path to a TrueType .ttf/.ttc file, or
``cid`` for reportlab's built-in CID font STSong-Light (Chinese only, not embedded).

Figures draw every string through draw_text() and measure it with text_width()
(app/export/report/figtext.py adds their colours and line fitting).
"""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from pathlib import Path
from typing import Literal

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from app.export.report import fontcache, tounicode
from app.export.report.shaping import visual_line, visual_lines
from app.export.report.subsetting import SubsetTTFont
from app.export.text import clean, escape_xml
from app.fonts import BY_SCRIPT, script_of

ENV_CJK_FONT = "MLSD_REPORT_CJK_FONT"
CID_FONT = "STSong-Light"
FAMILY = "MLSDSans"
REPLACEMENT = "\ufffd"
_DEJAVU = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf", "DejaVuSans-BoldOblique.ttf")
_FONT_ROOTS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.fonts",
    "~/.local/share/fonts",
    "/Library/Fonts",
    "~/Library/Fonts",
    "C:/Windows/Fonts",
)
# Ranges the CID font STSong-Light (GB 2312 / GBK) is trusted to cover.
_CID_RANGES = ((0x2E80, 0x9FFF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF))
_SCRIPT_ORDER = ("arabic", "hebrew", "cjk", "emoji")
Direction = Literal["L", "R"]  # of a paragraph, for the bidi algorithm
_STYLE_SUFFIX = {"regular": "", "bold": "-Bold", "italic": "-Italic", "bold_italic": "-BoldItalic"}


class Face:
    """A registered family: face names per style, the characters it has, where it came from."""

    def __init__(
        self, name: str, chars: frozenset[int] | None, source: str, styles: dict[str, str], script: str = ""
    ):
        self.name = name  # the regular face, also the family name for paragraph markup
        self.chars = chars  # None: a CID font, trusted for _CID_RANGES
        self.source = source
        self.styles = styles
        self.script = script  # the shipped script font it is ("" for the body or another font)

    def covers(self, ch: str) -> bool:
        if self.chars is None:
            return any(lo <= ord(ch) <= hi for lo, hi in _CID_RANGES)
        return ord(ch) in self.chars

    def face(self, bold: bool = False, italic: bool = False) -> str:
        """The face name for a style (the regular face when the family lacks it)."""
        return self.styles.get(_STYLES[(bold, italic)], self.name)


_STYLES = {
    (False, False): "regular",
    (True, False): "bold",
    (False, True): "italic",
    (True, True): "bold_italic",
}


class FontSet:
    """The body font plus the script fonts, registered lazily the first time a character needs
    them (loading the CJK font costs more than a whole report of Latin text)."""

    regular = FAMILY
    bold = FAMILY + "-Bold"
    italic = FAMILY + "-Italic"
    bold_italic = FAMILY + "-BoldItalic"

    def __init__(self, body: Face, cjk_choice: str):
        self.body = body
        self._cjk_choice = cjk_choice
        self._scripts: dict[str, Face] = {}
        self._choices: dict[str, tuple[Face | None, bool]] = {}  # character -> (family, neutral)

    @property
    def body_source(self) -> str:
        return self.body.source

    def script_face(self, script: str) -> Face:
        face = self._scripts.get(script)
        if face is None:
            with _lock:
                face = self._scripts.get(script)
                if face is None:
                    face = _cjk_face(self._cjk_choice) if script == "cjk" else _shipped_face(script)
                    self._scripts[script] = face
        return face

    # The CJK face: its registered name, and whether it is a CID font (no file shipped).
    @property
    def cjk(self) -> str:
        return self.script_face("cjk").name

    @property
    def cjk_is_cid(self) -> bool:
        return self.script_face("cjk").chars is None

    def face_for(self, ch: str, current: Face | None = None) -> Face | None:
        """The family that draws a character: the current run's for spaces and punctuation
        it has, else its script's shipped font, the body font, any shipped font; None when
        no font has it."""
        choice = self._choices.get(ch)
        if choice is None:
            choice = self._choices[ch] = self._choose(ch)
        face, neutral = choice
        if neutral and current is not None and current.script != "emoji" and current.covers(ch):
            return current
        return face

    def _choose(self, ch: str) -> tuple[Face | None, bool]:
        script = script_of(ch)
        neutral = script is None and unicodedata.category(ch)[0] in "ZP"
        order = [script] if script else []
        order += ["body"] + [s for s in _SCRIPT_ORDER if s != script]
        for key in order:
            face = self.body if key == "body" else self.script_face(key)
            if face.covers(ch):
                return face, neutral
        return None, neutral

    def runs(self, line: str) -> list[tuple[Face, str]]:
        """A visual-order line as (family, text) runs; characters no font has become U+FFFD."""
        if line.isascii():  # printable ASCII (clean() removed the controls): the body font has it
            return [(self.body, line)] if line else []
        runs: list[tuple[Face, str]] = []
        current: Face | None = None
        buffer: list[str] = []
        for ch in line:
            face = self.face_for(ch, current)
            if face is None:
                ch = REPLACEMENT
                face = self.face_for(ch) or self.body
            if face is not current and buffer:
                runs.append((current or self.body, "".join(buffer)))
                buffer = []
            current = face
            buffer.append(ch)
        if buffer:
            runs.append((current or self.body, "".join(buffer)))
        return runs


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
    font: TTFont
    if path.suffix.lower() == ".ttc":
        font = SubsetTTFont(name, str(path), subfontIndex=0)
    else:  # parsed once, then read from the font cache
        font = fontcache.load_ttfont(name, path)
    pdfmetrics.registerFont(font)
    return font


def _register_family(name: str, regular: str, bold: str, italic: str, bold_italic: str) -> None:
    pdfmetrics.registerFontFamily(name, normal=regular, bold=bold, italic=italic, boldItalic=bold_italic)
    faces: tuple[tuple[Literal[0, 1], Literal[0, 1], str], ...] = (
        (0, 0, regular), (1, 0, bold), (0, 1, italic), (1, 1, bold_italic),
    )
    for b, i, face in faces:
        addMapping(name, b, i, face)


def _register_styles(name: str, files: dict[str, Path]) -> tuple[dict[str, str], frozenset[int]]:
    """Register a face per style under name + suffix (a missing style falls back to bold or
    regular); returns the style -> face name map and the regular face's characters."""
    styles: dict[str, str] = {}
    chars: frozenset[int] = frozenset()
    for style, suffix in _STYLE_SUFFIX.items():
        if style not in files:
            continue
        font = _register_ttf(name + suffix, files[style])
        styles[style] = name + suffix
        if style == "regular":
            chars = frozenset(font.face.charToGlyph)
    styles.setdefault("bold", styles["regular"])
    styles.setdefault("italic", styles["regular"])
    styles.setdefault("bold_italic", styles["bold"])
    _register_family(name, styles["regular"], styles["bold"], styles["italic"], styles["bold_italic"])
    return styles, chars


def _body_face() -> Face:
    found = _find_files(_DEJAVU)
    if all(n.lower() in found for n in _DEJAVU):
        files = {style: found[n.lower()] for style, n in zip(_STYLE_SUFFIX, _DEJAVU, strict=True)}
        source = "DejaVu Sans"
    else:
        latin = BY_SCRIPT["latin"]
        files = {style: latin.path(style) for style in _STYLE_SUFFIX}
        source = "Arimo (shipped)"
    styles, chars = _register_styles(FAMILY, files)
    return Face(FAMILY, chars, source, styles)


def _shipped_face(script: str) -> Face:
    shipped = BY_SCRIPT[script]
    name = re.sub(r"[^A-Za-z0-9]", "", shipped.family)
    name = name if name.startswith("MLSD") else "MLSD" + name
    files = {style: shipped.path(style) for style in shipped.files}
    styles, chars = _register_styles(name, files)
    return Face(name, chars, f"{shipped.family} (shipped)", styles, script)


def _cjk_face(choice: str) -> Face:
    if choice.lower() == "cid":
        pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
        _register_family(CID_FONT, CID_FONT, CID_FONT, CID_FONT, CID_FONT)
        styles = dict.fromkeys(_STYLE_SUFFIX, CID_FONT)
        return Face(CID_FONT, None, f"{CID_FONT} (built-in CID font)", styles)
    if choice:
        path = Path(choice)
        name = "MLSDCJK-" + re.sub(r"[^A-Za-z0-9]", "", path.stem)
        try:
            styles, chars = _register_styles(name, {"regular": path})
        except Exception:  # unsupported outlines, broken file: the shipped font instead
            return _shipped_face("cjk")
        return Face(name, chars, path.name, styles)
    return _shipped_face("cjk")


tounicode.install()
_lock = threading.RLock()
_cache: dict[str, FontSet] = {}
_body: Face | None = None


def report_fonts() -> FontSet:
    """Register the report fonts once per process (and per CJK font choice)."""
    global _body
    key = os.environ.get(ENV_CJK_FONT, "").strip()
    with _lock:
        fonts = _cache.get(key)
        if fonts is None:
            if _body is None:
                _body = _body_face()
            fonts = _cache[key] = FontSet(_body, key)
        return fonts


def shaped_runs(
    text: object, fonts: FontSet | None = None, *, bold: bool = False, italic: bool = False,
    base: Direction | None = None,
) -> list[tuple[str, str]]:  # fmt: skip
    """One line of user text (newlines become spaces) as (font name, visual text) runs to draw
    left to right: reordered (in a paragraph of direction `base`, else of its first strong
    letter's), Arabic joined, each run in a font that has all its glyphs."""
    fonts = fonts or report_fonts()
    value = "" if text is None else str(text)
    if base != "R" and value.isascii() and value.isprintable():  # the body font has it all
        return [(fonts.body.face(bold, italic), value)] if value else []
    line = visual_line(clean(value).replace("\n", " "), base)
    return [(face.face(bold, italic), run) for face, run in fonts.runs(line)]


def runs_width(runs: list[tuple[str, str]], font_size: float) -> float:
    return sum(stringWidth(run, font, font_size) for font, run in runs)


def text_width(
    text: object, font_size: float, fonts: FontSet | None = None, *, bold: bool = False, italic: bool = False
) -> float:
    """The width draw_text() gives one line of user text at font_size."""
    return runs_width(shaped_runs(text, fonts, bold=bold, italic=italic), font_size)


def fit_runs(
    text: object, font_size: float, max_width: float, fonts: FontSet | None = None, *,
    bold: bool = False, italic: bool = False, min_size: float | None = None, base: Direction | None = None,
) -> tuple[list[tuple[str, str]], float]:  # fmt: skip
    """Runs and font size for one line within max_width: shrunk down to min_size (60% by
    default), then cut at the end of the logical text with an ellipsis."""
    value = clean("" if text is None else str(text)).replace("\n", " ")
    runs = shaped_runs(value, fonts, bold=bold, italic=italic, base=base)
    width = runs_width(runs, font_size)
    if width <= max_width or width == 0:
        return runs, font_size
    smallest = min_size if min_size is not None else font_size * 0.6
    size = max(smallest, font_size * max_width / width)
    if runs_width(runs, size) <= max_width:
        return runs, size
    low, high = 0, len(value)
    while low < high:  # the longest logical prefix that fits with its ellipsis
        middle = (low + high + 1) // 2
        cut = shaped_runs(value[:middle].rstrip() + "…", fonts, bold=bold, italic=italic, base=base)
        if runs_width(cut, size) <= max_width:
            low = middle
        else:
            high = middle - 1
    return shaped_runs(value[:low].rstrip() + "…", fonts, bold=bold, italic=italic, base=base), size


def draw_text(
    canvas: Canvas, text: object, x: float, y: float, font_size: float, *,
    max_width: float | None = None, anchor: str = "start", bold: bool = False, italic: bool = False,
    fonts: FontSet | None = None, base: Direction | None = None,
) -> float:  # fmt: skip
    """Draw one line of user text with its baseline at y: anchor "start" (x is the left edge),
    "middle" or "end". Right-to-left text is reordered (a line of a wrapped text in the
    direction `base` of the whole, else its own) and Arabic joined, every character is
    set in a font that has it (U+FFFD when none has), and with max_width the text shrinks, then
    is cut with an ellipsis, to fit. Returns the width drawn."""
    if max_width is not None:
        runs, size = fit_runs(text, font_size, max_width, fonts, bold=bold, italic=italic, base=base)
    else:
        runs, size = shaped_runs(text, fonts, bold=bold, italic=italic, base=base), font_size
    width = runs_width(runs, size)
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    for font, run in runs:
        canvas.setFont(font, size)
        canvas.drawString(left, y, run)
        left += stringWidth(run, font, size)
    return width


def font_runs(text: str, fonts: FontSet) -> list[tuple[str | None, str]]:
    """A visual-order line as runs: (None, text) for the body font, (font name, text) else."""
    return [(None if face is fonts.body else face.name, run) for face, run in fonts.runs(text)]


def markup(text: object, fonts: FontSet | None = None, *, newlines: bool = True) -> str:
    """User text as reportlab paragraph markup: escaped, each line in visual order (bidi
    reordered, Arabic joined), runs the body font lacks in the font of their script.

    `<b>`, `&` and the like print as typed; newlines become line breaks unless `newlines`
    is false (then they become spaces). Bold and italic come from the paragraph's style.
    """
    fonts = fonts or report_fonts()
    value = clean("" if text is None else str(text))
    if newlines:
        lines = visual_lines(value)
    else:  # one line, never chunked (it is a heading or a table entry)
        lines = [visual_line(" ".join(value.split("\n")))]
    return lines_markup(lines, fonts)


def lines_markup(lines: list[str], fonts: FontSet) -> str:
    """Lines already in visual order as paragraph markup, one line break between each."""
    out = []
    for line in lines:
        parts = []
        for font, run in font_runs(line, fonts):
            escaped = escape_xml(run)
            parts.append(f'<font name="{font}">{escaped}</font>' if font else escaped)
        out.append("".join(parts))
    return "<br/>".join(out)
