"""A fix to the ToUnicode maps reportlab writes for embedded TrueType subsets.

reportlab writes a character beyond the Basic Multilingual Plane (an emoji) as its bare code
point (``<1F680>``); the PDF format wants UTF-16 (``<D83DDE80>``), or text extraction, search
and copy-paste lose it. install() replaces reportlab's function with one that writes surrogate
pairs; everything else is as reportlab writes it.
"""

from __future__ import annotations

from reportlab.pdfbase import ttfonts


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap with characters beyond the BMP (emoji) written as UTF-16
    surrogate pairs, as the PDF format requires; reportlab writes their bare code point, which
    text extraction and copy-paste cannot read."""
    entries = []
    for code, value in enumerate(subset):
        if value > 0xFFFF:
            value -= 0x10000
            target = f"{0xD800 + (value >> 10):04X}{0xDC00 + (value & 0x3FF):04X}"
        else:
            target = f"{value:04X}"
        entries.append(f"<{code:02X}> <{target}>")
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({fontname})",
            f"/Ordering ({fontname})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *entries,
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


def install() -> None:
    """Make reportlab write its ToUnicode maps with _to_unicode_cmap (idempotent)."""
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap  # looked up by name when a subset is written
