"""Rebuild the fonts in this folder from their upstream files (a maintainer's tool, not run
by the application).

    python resources/fonts/build_fonts.py [--emoji PATH/NotoEmoji[wght].ttf]

Sources (all SIL Open Font License 1.1, see LICENSE-OFL.txt):

* Arimo (Debian package fonts-croscore): Latin, Greek, Cyrillic and Hebrew, with the metrics
  of Helvetica/Arial, which Graphviz lays labels out with. Hinting dropped.
* Noto Sans Arabic and Noto Sans Hebrew (fonts-noto-core), regular and bold. Hinting dropped.
* Noto Sans CJK SC (fonts-noto-cjk, face 2 of NotoSansCJK-Regular.ttc), cut down to the common
  repertoire below and converted from CFF to TrueType outlines (reportlab embeds TrueType
  outlines only), renamed "MLSD Sans CJK" as a modified version.
* Noto Emoji, the monochrome outline emoji font (PyPI package manimgx-fonts ships it as a
  variable font), fixed at weight 400.

The CJK repertoire: every character of GB 2312 (6,763 Simplified Chinese hanzi), JIS X 0208
(kana and 6,355 kanji, the Joyo kanji among them) and KS X 1001 (the 2,350 common Hangul
syllables), plus the CJK punctuation, kana, Hangul compatibility jamo and full-width forms
blocks.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable
from fontTools.varLib import instancer

HERE = Path(__file__).resolve().parent
NOTO = Path("/usr/share/fonts/truetype/noto")
CROSCORE = Path("/usr/share/fonts/truetype/croscore")
CJK_TTC = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CJK_SC_FACE = 2
CJK_FAMILY = "MLSD Sans CJK"
CJK_BLOCKS = ((0x3000, 0x303F), (0x3040, 0x30FF), (0x3130, 0x318F), (0x31F0, 0x31FF), (0xFF00, 0xFFEF))


def _codec_repertoire(codec: str) -> set[int]:
    """Every character of a double-byte EUC encoding (rows 0xA1-0xFE x cells 0xA1-0xFE)."""
    chars: set[int] = set()
    for lead in range(0xA1, 0xFF):
        for trail in range(0xA1, 0xFF):
            try:
                text = bytes((lead, trail)).decode(codec)
            except UnicodeDecodeError:
                continue
            if len(text) == 1:
                chars.add(ord(text))
    return chars


def cjk_repertoire() -> set[int]:
    chars = _codec_repertoire("gb2312") | _codec_repertoire("euc_jp") | _codec_repertoire("euc_kr")
    # KS X 1001 also has 4,888 hanja; only keep the Han characters GB 2312 or JIS X 0208 have.
    hanja = {c for c in _codec_repertoire("euc_kr") if 0x4E00 <= c <= 0x9FFF or 0xF900 <= c <= 0xFAFF}
    chars -= hanja - (_codec_repertoire("gb2312") | _codec_repertoire("euc_jp"))
    for lo, hi in CJK_BLOCKS:
        chars.update(range(lo, hi + 1))
    chars.update(range(0x20, 0x7F))
    return chars


def _options(**extra: object) -> subset.Options:
    options = subset.Options()
    options.hinting = False
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    for key, value in extra.items():
        setattr(options, key, value)
    return options


def _subset(font: TTFont, unicodes: set[int] | None, **extra: object) -> None:
    subsetter = subset.Subsetter(options=_options(**extra))
    if unicodes is None:
        unicodes = set(font.getBestCmap())
    subsetter.populate(unicodes=sorted(unicodes))
    subsetter.subset(font)


def _rename(font: TTFont, family: str, style: str = "Regular") -> None:
    full = f"{family} {style}".replace(" Regular", "") if style == "Regular" else f"{family} {style}"
    postscript = full.replace(" ", "-") if style != "Regular" else family.replace(" ", "") + "-Regular"
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = family
        elif record.nameID in (2, 17):
            record.string = style
        elif record.nameID == 4:
            record.string = full
        elif record.nameID == 6:
            record.string = postscript
        elif record.nameID == 3:
            record.string = f"{postscript};MLSD Studio subset"


def cff_to_truetype(font: TTFont, max_err: float = 1.0) -> None:
    """Replace CFF outlines with quadratic TrueType ones (glyf/loca), in place."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    for table in ("CFF ", "VORG"):
        if table in font:
            del font[table]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        width, _lsb = hmtx.metrics[name]
        hmtx.metrics[name] = (width, getattr(glyph, "xMin", 0))
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in (
        "maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
        "maxStackElements", "maxSizeOfInstructions", "maxComponentElements",
    ):  # fmt: skip
        setattr(maxp, attr, 1 if attr == "maxZones" else 0)
    post = font["post"]
    post.formatType = 3.0
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def build_cjk() -> Path:
    font = TTFont(str(CJK_TTC), fontNumber=CJK_SC_FACE, lazy=False)
    _subset(font, cjk_repertoire(), layout_features=["vert", "vrt2", "locl", "kern", "palt", "halt"])
    cff_to_truetype(font)
    _rename(font, CJK_FAMILY)
    out = HERE / "MLSDSansCJK-Regular.ttf"
    font.save(str(out))
    return out


def build_plain(source: Path, out_name: str) -> Path:
    font = TTFont(str(source))
    _subset(font, None)
    out = HERE / out_name
    font.save(str(out))
    return out


def build_emoji(source: Path) -> Path:
    font = TTFont(str(source))
    static = instancer.instantiateVariableFont(font, {"wght": 400})
    _subset(static, None)
    out = HERE / "NotoEmoji-Regular.ttf"
    static.save(str(out))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--emoji", type=Path, help="NotoEmoji[wght].ttf (from the manimgx-fonts wheel)")
    args = parser.parse_args()
    built = [
        build_plain(CROSCORE / f"Arimo-{style}.ttf", f"Arimo-{style}.ttf")
        for style in ("Regular", "Bold", "Italic", "BoldItalic")
    ]
    for script in ("Arabic", "Hebrew"):
        for style in ("Regular", "Bold"):
            built.append(build_plain(NOTO / f"NotoSans{script}-{style}.ttf", f"NotoSans{script}-{style}.ttf"))
    built.append(build_cjk())
    if args.emoji:
        built.append(build_emoji(args.emoji))
    for path in built:
        print(f"{path.name}: {path.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
