"""Where links attach to cards and how they curve between them.

Each link leaves its source from the side facing the target and enters the target from the
side facing the source. Links sharing a side of a card get their own port along it, ordered
by where their other end is, so they fan out instead of piling up on one point.

Geometry is computed on plain floats (boxes are (x, y, width, height) tuples): rerouting the
links of 500 dragged cards happens on every mouse move.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainterPath, QPolygonF

from app.ui.canvas.style import CARD_H, CARD_W

if TYPE_CHECKING:
    from app.ui.canvas.component_item import ComponentItem
    from app.ui.canvas.link_item import LinkItem

Box = tuple[float, float, float, float]  # x, y, width, height
Side = tuple[float, float]  # outward direction of a card side
RIGHT: Side = (1.0, 0.0)
LEFT: Side = (-1.0, 0.0)
DOWN: Side = (0.0, 1.0)
UP: Side = (0.0, -1.0)

ARROW_LEN = 10.0
ARROW_HALF = 4.5
PORT_GAP = 16.0  # preferred distance between neighbouring ports on a side
PORT_SPAN = 0.8  # fraction of a side that ports may use


def card_box(x: float, y: float) -> Box:
    return (x, y, CARD_W, CARD_H)


def choose_sides(src: Box, tgt: Box) -> tuple[Side, Side]:
    """Outward directions of the facing sides of two boxes: the pair with the larger gap."""
    sx, sy, sw, sh = src
    tx, ty, tw, th = tgt
    gap_x = max(tx - (sx + sw), sx - (tx + tw))
    gap_y = max(ty - (sy + sh), sy - (ty + th))
    if gap_x >= gap_y:
        return (RIGHT, LEFT) if tx + tw / 2 >= sx + sw / 2 else (LEFT, RIGHT)
    return (DOWN, UP) if ty + th / 2 >= sy + sh / 2 else (UP, DOWN)


def side_point(box: Box, side: Side, t: float = 0.5) -> tuple[float, float]:
    """The point at fraction t along a side (top to bottom, or left to right)."""
    x, y, w, h = box
    if side[0]:
        return (x + w if side[0] > 0 else x), y + t * h
    return x + t * w, (y + h if side[1] > 0 else y)


def port_fractions(count: int, length: float) -> list[float]:
    """Fractions along a side of `length` for `count` ports, centred and evenly spaced."""
    if count <= 1:
        return [0.5]
    gap = min(PORT_GAP, PORT_SPAN * length / (count - 1)) / length
    first = 0.5 - gap * (count - 1) / 2
    return [first + i * gap for i in range(count)]


class Route:
    """One link's geometry: a path ending at the arrow's base, the arrow, the curve's four
    control points (x0, y0, x1, y1, x2, y2, x3, y3), its length and bounds."""

    __slots__ = ("path", "arrow", "curve", "length", "bounds")

    def __init__(
        self, path: QPainterPath, arrow: QPolygonF, curve: tuple[float, ...], length: float, bounds: QRectF
    ):
        self.path = path
        self.arrow = arrow
        self.curve = curve
        self.length = length
        self.bounds = bounds


def point_at(curve: tuple[float, ...], t: float) -> tuple[float, float]:
    """The point at parameter t of a cubic Bézier given as eight floats."""
    x0, y0, x1, y1, x2, y2, x3, y3 = curve
    mt = 1.0 - t
    a, b, c, d = mt * mt * mt, 3 * mt * mt * t, 3 * mt * t * t, t * t * t
    return a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3


def route(src: Box, tgt: Box, out_side: Side, in_side: Side, src_t: float = 0.5, tgt_t: float = 0.5) -> Route:
    """A straight line or a gentle cubic from a source port to a target port."""
    sx, sy = side_point(src, out_side, src_t)
    tx, ty = side_point(tgt, in_side, tgt_t)
    ix, iy = -in_side[0], -in_side[1]  # travel direction into the target
    ex, ey = tx - ix * ARROW_LEN, ty - iy * ARROW_LEN
    path = QPainterPath(QPointF(sx, sy))
    ox, oy = out_side
    if ox:
        cross, along = abs(ey - sy), abs(ex - sx)
    else:
        cross, along = abs(ex - sx), abs(ey - sy)
    forward = (ex - sx) * ox + (ey - sy) * oy > 0
    if cross < 0.5 and forward and (ox, oy) == (ix, iy):
        path.lineTo(ex, ey)
        third_x, third_y = (ex - sx) / 3, (ey - sy) / 3
        curve = (sx, sy, sx + third_x, sy + third_y, ex - third_x, ey - third_y, ex, ey)
        length = along
        xs, ys = (sx, ex, tx), (sy, ey, ty)
    else:
        reach = max(24.0, min(90.0, (along + cross) * 0.45))
        c1x, c1y = sx + ox * reach, sy + oy * reach
        c2x, c2y = ex - ix * reach, ey - iy * reach
        path.cubicTo(c1x, c1y, c2x, c2y, ex, ey)
        curve = (sx, sy, c1x, c1y, c2x, c2y, ex, ey)
        chord = ((ex - sx) ** 2 + (ey - sy) ** 2) ** 0.5
        net = (
            ((c1x - sx) ** 2 + (c1y - sy) ** 2) ** 0.5
            + ((c2x - c1x) ** 2 + (c2y - c1y) ** 2) ** 0.5
            + ((ex - c2x) ** 2 + (ey - c2y) ** 2) ** 0.5
        )
        length = (chord + net) / 2  # a good estimate of a cubic's arc length
        xs, ys = (sx, c1x, c2x, ex, tx), (sy, c1y, c2y, ey, ty)
    px, py = -iy * ARROW_HALF, ix * ARROW_HALF
    arrow = QPolygonF([QPointF(tx, ty), QPointF(ex + px, ey + py), QPointF(ex - px, ey - py)])
    left, top = min(xs) - ARROW_HALF, min(ys) - ARROW_HALF
    bounds = QRectF(left, top, max(xs) + ARROW_HALF - left, max(ys) + ARROW_HALF - top)
    return Route(path, arrow, curve, length, bounds)


def reroute(links: Iterable[LinkItem]) -> None:
    """Bring links up to date after their cards moved.

    A link whose cards moved together only follows them. Otherwise its sides are chosen
    again, the ports are reassigned on every side of both its cards, and each link whose
    sides or ports changed gets a new path.
    """
    boxes: dict[ComponentItem, Box] = {}

    def box(card: ComponentItem) -> Box:
        found = boxes.get(card)
        if found is None:
            pos = card.pos()
            found = boxes[card] = (pos.x(), pos.y(), CARD_W, CARD_H)
        return found

    changed: set[LinkItem] = set()
    rigid: list[LinkItem] = []
    cards: set[ComponentItem] = set()
    for link in links:
        if link.owner is None:
            continue
        source, target = box(link.source), box(link.target)
        rel = (target[0] - source[0], target[1] - source[1])
        if rel == link.rel:
            rigid.append(link)
            continue
        link.rel = rel
        link.src_side, link.tgt_side = choose_sides(source, target)
        changed.add(link)
        cards.add(link.source)
        cards.add(link.target)
    for card in cards:
        _assign_ports(card, box, changed)
    for link in changed:
        if link.owner is not None:
            link.set_route(box(link.source), box(link.target))
    for link in rigid:
        if link not in changed:
            link.follow(box(link.source))


def _assign_ports(card: ComponentItem, box, changed: set[LinkItem]) -> None:
    by_side: dict[Side, list[tuple[float, str, LinkItem, bool]]] = {}
    for link in card.links:
        outgoing = link.source is card
        side = link.src_side if outgoing else link.tgt_side
        other = box(link.target if outgoing else link.source)
        key = other[1] if side[0] else other[0]
        by_side.setdefault(side, []).append((key, link.link_id, link, outgoing))
    for side, entries in by_side.items():
        if len(entries) > 1:
            entries.sort(key=lambda e: (e[0], e[1]))
        fractions = port_fractions(len(entries), CARD_H if side[0] else CARD_W)
        for fraction, (_, _, link, outgoing) in zip(fractions, entries, strict=True):
            if outgoing:
                if link.src_port != fraction:
                    link.src_port = fraction
                    changed.add(link)
            elif link.tgt_port != fraction:
                link.tgt_port = fraction
                changed.add(link)
