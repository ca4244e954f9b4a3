"""Exports of a design: DOT, SVG and PNG through Graphviz, Mermaid, and the PDF report.

Headless (no Qt). SVG and PNG are drawn from our own layout (app.layout, as in the report)
by default, or laid out by Graphviz (app.export.placed). Graphviz runs as a subprocess:
``dot`` when installed, else the ``graphviz-pure`` executable from PyPI, or whatever
``MLSD_DOT`` names; see app.export.renderer. The report needs no Graphviz.
"""

from app.export.dot import build_graph, to_dot
from app.export.mermaid import to_mermaid
from app.export.placed import to_png, to_svg
from app.export.renderer import Renderer, RenderError, find_renderer, render
from app.export.report import build_report, report_bytes
from app.rules.questions import open_questions

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
