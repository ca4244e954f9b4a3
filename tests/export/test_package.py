"""Package hygiene of app.export: no Qt, modest module sizes, the public API."""

from __future__ import annotations

import re
from pathlib import Path

import app.export

PACKAGE = Path(app.export.__file__).parent


def test_no_qt_imports_in_export():
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"^\s*(from|import)\s+(PySide6|PyQt\d|shiboken6)", source, re.MULTILINE), path


def test_modules_stay_small():
    for path in PACKAGE.rglob("*.py"):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= 400, f"{path.relative_to(PACKAGE)} has {lines} lines"


def test_public_api():
    for name in (
        "to_dot",
        "render",
        "to_svg",
        "to_png",
        "to_mermaid",
        "build_report",
        "RenderError",
        "open_questions",
    ):
        assert hasattr(app.export, name), name
