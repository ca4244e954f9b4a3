"""Value types of the layout engine: card size, lanes, the result, aspect parsing."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from app.domain.errors import quoted

CARD_WIDTH = 200.0
CARD_HEIGHT = 90.0
OTHER_STAGE = "other"

Point = tuple[float, float]


@dataclass(frozen=True)
class Lane:
    """One framework stage's vertical band: `columns` sub-columns starting at `x`."""

    stage: str
    x: float
    width: float
    columns: int


@dataclass(frozen=True)
class LayoutResult:
    """Where each card goes and how each link is drawn.

    positions: component id -> top-left corner of its card (y down).
    routes: link id -> orthogonal polyline from the source card's border to the target's.
    lanes: one per stage that has placed components, in framework order.
    width, height: bounding box of all cards.
    """

    positions: dict[str, Point]
    routes: dict[str, tuple[Point, ...]]
    lanes: tuple[Lane, ...]
    width: float
    height: float


_RATIO = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[:x/]\s*(\d+(?:\.\d+)?)\s*$")
MIN_ASPECT, MAX_ASPECT = 0.1, 10.0


def parse_aspect(text: str) -> float:
    """Width / height from "16:10", "4:3", "16x9" or "1.6".

    Raises:
        ValueError: not a ratio, or outside 1:10 .. 10:1.
    """
    match = _RATIO.match(text)
    try:
        if match:
            width, height = float(match.group(1)), float(match.group(2))
            value = width / height if height else math.inf
        else:
            value = float(text.strip())
    except (ValueError, ZeroDivisionError):
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"aspect {quoted(text)} is not a ratio such as 16:10, 4:3 or 1.6")
    if not MIN_ASPECT <= value <= MAX_ASPECT:
        raise ValueError(f"aspect {quoted(text)} is outside 1:10 .. 10:1")
    return value
