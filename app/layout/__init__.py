"""The layout engine: stage lanes, crossing-reduced order inside them, orthogonal routes.

Qt-free; used by the canvas's auto-layout, by exports and by `mlsd layout`.
"""

from app.layout.engine import layout_design
from app.layout.routing import route_links
from app.layout.types import CARD_HEIGHT, CARD_WIDTH, Lane, LayoutResult, Point, parse_aspect

__all__ = [
    "CARD_HEIGHT",
    "CARD_WIDTH",
    "Lane",
    "LayoutResult",
    "Point",
    "layout_design",
    "parse_aspect",
    "route_links",
]
