"""The fonts MLSD Studio ships (resources/fonts) for names in Arabic, Hebrew, CJK and emoji:
added to Qt at start, the 7 MB CJK one after the first frame when that frame shows no CJK."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QFontInfo
from PySide6.QtWidgets import QApplication

from app.fonts import BY_SCRIPT, SHIPPED, font_dir, has_script
from app.resources import resource_path

_FALLBACK_SCRIPTS = ("arabic", "hebrew", "cjk")  # emoji: the system's colour font first, if any
LATER_SCRIPTS = ("cjk",)  # a 7 MB font: added after the first frame when that frame has no CJK
PEEK_BYTES = 1 << 20  # a design file read ahead for its scripts, at most (larger: fonts at once)


def register_fonts(app: QApplication, skip: Collection[str] = ()) -> list[str]:
    """Add the shipped fonts (resources/fonts) to Qt, each family once, but those of the
    scripts in `skip` (a later call adds them), and make the Arabic, Hebrew and CJK ones
    substitutes of the application font's family, so names in those scripts draw with real
    glyphs on a system without such fonts (a pip-only install, the bundle; on Linux fontconfig
    also falls back to them). Returns the families added."""
    done = set(app.property("mlsd_font_scripts") or ())
    fonts = [font for font in SHIPPED if font.script not in done and font.script not in skip]
    if not fonts:
        return []
    # The family the application font resolves to, not its name: a generic name such as
    # "Sans Serif" names no installed family, and would resolve to the first substitute.
    app_family = app.property("mlsd_app_family") or QFontInfo(app.font()).family()
    families: list[str] = []
    for font in fonts:
        for name in dict.fromkeys(font.files.values()):
            font_id = QFontDatabase.addApplicationFont(str(font_dir() / name))
            if font_id >= 0:
                new = QFontDatabase.applicationFontFamilies(font_id)
                families.extend(f for f in new if f not in families)
    added = {font.script for font in fonts}
    substitutes = [BY_SCRIPT[s].family for s in _FALLBACK_SCRIPTS if s in added]
    substitutes = [family for family in substitutes if family in families]
    if substitutes:
        QFont.insertSubstitutions(app_family, substitutes)
    app.setProperty("mlsd_app_family", app_family)
    app.setProperty("mlsd_font_scripts", sorted(done | added))
    return families


def scripts_not_needed(path: str | Path | None) -> tuple[str, ...]:
    """The LATER_SCRIPTS no text of the design file at `path` uses (the bundled example when
    None): their fonts can wait for the first frame. None of them for a file that is large,
    unreadable or holds escaped characters (its text is not read here)."""
    target = Path(path) if path is not None else resource_path("examples", "example.mlsd")
    try:
        with open(target, "rb") as stream:
            raw = stream.read(PEEK_BYTES + 1)
    except OSError:
        return ()
    if len(raw) > PEEK_BYTES or b"\\u" in raw:
        return ()
    text = raw.decode("utf-8", "replace")
    return tuple(script for script in LATER_SCRIPTS if not has_script(text, script))
