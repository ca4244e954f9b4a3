"""The fonts shipped in resources/fonts, and which script each one draws.

Every export and the canvas draw user text in any script with these, whatever the system has
installed: a pip-only install and the desktop bundle included. All are under the SIL Open Font
License (resources/fonts/LICENSE-OFL.txt; build_fonts.py there rebuilds them).

* Arimo: Latin, Greek, Cyrillic, Hebrew, with Helvetica's metrics (Graphviz lays labels out
  with Helvetica metrics, so PNG text drawn in Arimo fits its box).
* Noto Sans Arabic, Noto Sans Hebrew: regular and bold.
* MLSD Sans CJK: Noto Sans CJK SC cut down to GB 2312 + JIS X 0208 + the KS X 1001 Hangul
  syllables (Simplified Chinese, Japanese kana and kanji, Korean), as TrueType outlines.
* Noto Emoji: monochrome outline emoji (colour bitmap emoji cannot be embedded in a PDF).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.resources import resource_path


@dataclass(frozen=True)
class ShippedFont:
    """One shipped family: its script key, family name and a file per style it has."""

    script: str
    family: str
    files: dict[str, str]

    def path(self, style: str = "regular") -> Path:
        """The file for a style, the regular face when the family has no such style."""
        name = self.files.get(style) or self.files.get("bold" if "bold" in style else "regular")
        return font_dir() / (name or self.files["regular"])


SHIPPED: tuple[ShippedFont, ...] = (
    ShippedFont(
        "latin",
        "Arimo",
        {
            "regular": "Arimo-Regular.ttf",
            "bold": "Arimo-Bold.ttf",
            "italic": "Arimo-Italic.ttf",
            "bold_italic": "Arimo-BoldItalic.ttf",
        },
    ),
    ShippedFont(
        "arabic",
        "Noto Sans Arabic",
        {"regular": "NotoSansArabic-Regular.ttf", "bold": "NotoSansArabic-Bold.ttf"},
    ),
    ShippedFont(
        "hebrew",
        "Noto Sans Hebrew",
        {"regular": "NotoSansHebrew-Regular.ttf", "bold": "NotoSansHebrew-Bold.ttf"},
    ),
    ShippedFont("cjk", "MLSD Sans CJK", {"regular": "MLSDSansCJK-Regular.ttf"}),
    ShippedFont("emoji", "Noto Emoji", {"regular": "NotoEmoji-Regular.ttf"}),
)
BY_SCRIPT = {font.script: font for font in SHIPPED}

# Code point ranges per script (the scripts whose fonts are chosen before the body font).
_RANGES: dict[str, tuple[tuple[int, int], ...]] = {
    "arabic": ((0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)),
    "hebrew": ((0x0590, 0x05FF), (0xFB1D, 0xFB4F)),
    "cjk": (
        (0x1100, 0x11FF),
        (0x2E80, 0x2FDF),
        (0x3000, 0x4DBF),
        (0x4E00, 0x9FFF),
        (0xA960, 0xA97F),
        (0xAC00, 0xD7FF),
        (0xF900, 0xFAFF),
        (0xFE30, 0xFE4F),
        (0xFF00, 0xFFEF),
        (0x20000, 0x3134F),
    ),
    "emoji": ((0x1F000, 0x1FAFF),),
}


def font_dir() -> Path:
    """resources/fonts, wherever resources/ is installed."""
    return resource_path("fonts")


def font_files() -> list[Path]:
    """Every shipped font file (all styles), in SHIPPED order."""
    seen: list[Path] = []
    for font in SHIPPED:
        for name in font.files.values():
            path = font_dir() / name
            if path not in seen:
                seen.append(path)
    return seen


@cache
def _script_pattern(script: str) -> re.Pattern[str]:
    return re.compile("[" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _RANGES[script]) + "]")


def has_script(text: str, script: str) -> bool:
    """Whether `text` holds a character of a shipped script font ("arabic", "hebrew", "cjk",
    "emoji"); fast on long texts (one regular expression search)."""
    return _script_pattern(script).search(text) is not None


def script_of(ch: str) -> str | None:
    """The shipped script font a character belongs to ("arabic", "hebrew", "cjk", "emoji"), or
    None for everything the body font draws first."""
    code = ord(ch)
    for script, ranges in _RANGES.items():
        if any(lo <= code <= hi for lo, hi in ranges):
            return script
    return None
