"""Exports of a design: DOT, SVG and PNG through Graphviz, Mermaid, and the PDF report.

Headless (no Qt). SVG and PNG are drawn from our own layout (app.layout, as in the report)
by default, or laid out by Graphviz (app.export.placed). Graphviz runs as a subprocess:
``dot`` when installed, else the ``graphviz-pure`` executable from PyPI, or whatever
``MLSD_DOT`` names; see app.export.renderer. The report needs no Graphviz.

The names below are imported on first use, so `mlsd export --png` does not load reportlab
and the report's fonts, nor `mlsd export --pdf` the Graphviz plumbing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.export.dot import build_graph, to_dot
    from app.export.mermaid import to_mermaid
    from app.export.placed import to_png, to_svg
    from app.export.renderer import Renderer, RenderError, find_renderer, render
    from app.export.report import build_report, report_bytes
    from app.rules.questions import open_questions

_HOMES = {
    "build_graph": "app.export.dot",
    "to_dot": "app.export.dot",
    "to_mermaid": "app.export.mermaid",
    "to_png": "app.export.placed",
    "to_svg": "app.export.placed",
    "RenderError": "app.export.renderer",
    "Renderer": "app.export.renderer",
    "find_renderer": "app.export.renderer",
    "render": "app.export.renderer",
    "build_report": "app.export.report",
    "report_bytes": "app.export.report",
    "open_questions": "app.rules.questions",
}

__all__ = [
    "RenderError",
    "Renderer",
    "build_graph",
    "build_report",
    "find_renderer",
    "open_questions",
    "render",
    "report_bytes",
    "to_dot",
    "to_mermaid",
    "to_png",
    "to_svg",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
