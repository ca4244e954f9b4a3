"""The canvas side of every script: the shipped fonts are registered with Qt at start-up."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6.QtGui")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QFont, QFontDatabase, QFontInfo, QFontMetricsF  # noqa: E402

from app.fonts import BY_SCRIPT  # noqa: E402


def test_shipped_fonts_are_registered_and_substitute_the_application_font(qapp):
    from app.ui.main import make_application
    from app.ui.shipped_fonts import register_fonts

    app = make_application()
    register_fonts(app)  # a second call is harmless
    families = set(QFontDatabase.families())
    for script in ("latin", "arabic", "hebrew", "cjk", "emoji"):
        assert BY_SCRIPT[script].family in families, script
    substitutes = [name.lower() for name in QFont.substitutes(QFontInfo(app.font()).family())]
    for script in ("arabic", "hebrew", "cjk"):
        assert BY_SCRIPT[script].family.lower() in substitutes, script
    # The application font itself is unchanged (the substitutes only fill in missing glyphs).
    script_families = {BY_SCRIPT[s].family for s in ("arabic", "hebrew", "cjk", "emoji")}
    assert QFontInfo(app.font()).family() not in script_families
    elided = QFontMetricsF(app.font()).elidedText("a long name " * 5, Qt.TextElideMode.ElideRight, 60)
    assert elided.endswith("…")
    cjk = QFontMetricsF(QFont(BY_SCRIPT["cjk"].family, 12))
    assert all(cjk.inFont(ch) for ch in "推荐模型推薦モデル추천모델")
    assert QFontMetricsF(QFont(BY_SCRIPT["emoji"].family, 12)).inFontUcs4(0x1F680)
