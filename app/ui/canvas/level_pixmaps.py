"""Cards painted at a zoom level, kept for the next time the view shows that level.

On screen each card is cached by Qt as a device pixmap (QGraphicsItem.DeviceCoordinateCache),
but Qt keeps one per card, for the current zoom only: after a zoom change every card in view
is painted again, text laid out and drawn at the new size. Zooming back to a level seen a moment
before (wheel out and in again, blocks back to cards) would repaint every card once more.

LevelPixmaps keeps what each card's paint produced, per zoom level, within BUDGET_BYTES (least
recently used first out). The key says everything the paint depends on: the card and the
version of its contents (bumped when its text, badge or theme change), its selection, hover and
alert states, and the device pixmap Qt asked it to fill (size, pixel ratio, render hints, and the
painter's scale and sub-pixel offset). A paint with the same key draws the kept pixels instead:
the same pixels, since Qt's device pixmap is cleared to transparent before an item paints into
it. Keeping costs no copy: the kept pixmap shares Qt's pixels (a QPixmap is implicitly shared,
and Qt detaches its own before it paints into it again).

Only Qt's device pixmaps are kept: a raster QPixmap painted without a clip (a whole card) and an
unrotated transform. Exports, printers and SVG paint the card itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPixmap, QTransform

from app.ui.canvas.pixmap_lru import PixmapLru

BUDGET_BYTES = 96 * 1024 * 1024  # a level's cards in view fill about one viewport (6 MB at 1600 x 1000)
_IDENTITY = QTransform()
_ORIGIN = QPointF(0.0, 0.0)

Where = tuple[float, float, float, int, int, float, int]


def device_key(painter: QPainter, transform: QTransform) -> Where | None:
    """Where a paint goes, when it fills a device pixmap of its own that can be kept: the scale,
    the sub-pixel offset, the pixmap's size and pixel ratio, and the render hints. None for
    any other device (the viewport itself, an export, a printer) or a clipped or rotated paint."""
    device = painter.device()
    if type(device) is not QPixmap or painter.hasClipping():
        return None
    scale = transform.m11()
    if transform.m12() or transform.m21() or transform.m22() != scale or not transform.isAffine():
        return None
    ratio = device.devicePixelRatioF()
    return where(transform, device.width(), device.height(), ratio, painter.renderHints())


def where(transform: QTransform, width: int, height: int, ratio: float, hints: object) -> Where:
    """The key part of a paint by `transform` on a `width` x `height` pixmap (see device_key)."""
    return (
        round(transform.m11(), 6),
        round(transform.dx(), 3),
        round(transform.dy(), 3),
        width,
        height,
        ratio,
        int(getattr(hints, "value", hints)),  # type: ignore[call-overload]
    )


def device_placement(x: float, y: float, scale: float, bounds: QRectF) -> tuple[QTransform, int, int]:
    """The transform and pixmap size with which Qt's device cache has an item at scene point
    (x, y) painted at `scale` (on a device of pixel ratio 1, the view scrolled by whole pixels):
    the item's bounds mapped to the device, rounded to whole pixels (QRectF.toRect) and widened
    by one pixel on every side, the item's origin at its sub-pixel offset inside. Painting a
    card this way ahead of time (zoom_warmup) makes the key its first real paint there looks up."""
    left, top = (x + bounds.left()) * scale, (y + bounds.top()) * scale
    x0, y0 = qt_round(left), qt_round(top)
    # QRectF.toRect: the corner rounded, the size rounded after half the corner's rounding
    width = qt_round(bounds.width() * scale + (left - x0) / 2) + 2
    height = qt_round(bounds.height() * scale + (top - y0) / 2) + 2
    x0, y0 = x0 - 1, y0 - 1
    return QTransform(scale, 0.0, 0.0, scale, x * scale - x0, y * scale - y0), width, height


def qt_round(value: float) -> int:
    """Qt's qRound: halves away from zero (Python's round() takes halves to even)."""
    return math.floor(value + 0.5) if value >= 0 else -math.floor(-value + 0.5)


def paint_ahead(
    paint: Callable[[QPainter], None], transform: QTransform, size: tuple[int, int], hints: int
) -> None:
    """Run `paint` on a transparent pixmap placed as Qt's device cache would place it (see
    device_placement), with the view's render hints: what it keeps is found by the real paint."""
    pixmap = QPixmap(max(1, size[0]), max(1, size[1]))
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHints(QPainter.RenderHint(hints))
    painter.setWorldTransform(transform)
    paint(painter)
    painter.end()


@dataclass(frozen=True)
class Provisional:
    """The key of a card's provisional pixels at a level (see text_refine), kept apart from its
    final pixels (never found as them) and dropped when those are kept."""

    key: tuple[object, ...]


class LevelPixmaps(PixmapLru):
    """Painted cards by key (see module doc), at most `budget` bytes of pixels."""

    def __init__(self, budget: int = BUDGET_BYTES):
        super().__init__(budget)
        self.hits = 0
        self.kept = 0
        self._latest: dict[Hashable, tuple[object, ...]] = {}  # key without its Where -> the last key kept
        self._cards: dict[object, int] = {}  # card -> how many of its keys are kept (see holds)

    def clear(self) -> None:
        super().clear()
        self._latest.clear()
        self._cards.clear()

    def holds(self, card: object) -> bool:
        """Whether any pixels of `card` (the first item of its keys) are kept, at any level, final
        or provisional: when none are, no lookup of its keys can find any."""
        return card in self._cards

    def _put(self, key: Hashable, pixmap: QPixmap) -> None:
        super()._put(key, pixmap)  # _pop first: a replaced key is counted once
        card = _card_of(key)
        self._cards[card] = self._cards.get(card, 0) + 1

    def _pop(self, key: Hashable) -> None:
        if key in self._pixmaps:
            self._forget_card(key)
        super()._pop(key)

    def _forget_card(self, key: Hashable) -> None:
        card = _card_of(key)
        left = self._cards.get(card, 0) - 1
        if left > 0:
            self._cards[card] = left
        else:
            self._cards.pop(card, None)

    def draw(self, painter: QPainter, key: Hashable, transform: QTransform) -> bool:
        """Draw the pixels kept for `key` over the whole device; False when none are kept."""
        pixmap = self._get(key)
        if pixmap is None:
            return False
        self.hits += 1
        painter.setWorldTransform(_IDENTITY)
        painter.drawPixmap(_ORIGIN, pixmap)
        painter.setWorldTransform(transform)
        return True

    def keep(self, painter: QPainter, key: Hashable) -> None:
        """Keep what was just painted on the painter's device (a QPixmap: see device_key)."""
        device = painter.device()
        if type(device) is not QPixmap:
            return
        self._put(key, QPixmap(device))  # shares the pixels: no copy
        self.kept += 1
        if isinstance(key, tuple) and key:
            self._latest[key[:-1]] = key
            self._pop(Provisional(key))  # the card's final pixels replace them
        self._trim()

    def _dropped(self, key: Hashable) -> None:
        self._forget_card(key)
        if isinstance(key, tuple) and key and self._latest.get(key[:-1]) == key:
            del self._latest[key[:-1]]

    def latest(self, state: tuple[object, ...]) -> tuple[Where, QPixmap] | None:
        """The Where and pixels last kept for a key `state` + (Where,): the same card in the same
        state painted at another level (a provisional picture, see text_refine); None if none."""
        key = self._latest.get(state)
        pixmap = self._pixmaps.get(key) if key is not None else None
        if key is None or pixmap is None:
            return None
        return key[-1], pixmap  # type: ignore[return-value]


def _card_of(key: Hashable) -> object:
    """The card a key belongs to: its first item (a provisional key's too); else the key itself."""
    if isinstance(key, Provisional):
        key = key.key
    return key[0] if isinstance(key, tuple) and key else key
