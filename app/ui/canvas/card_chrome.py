"""A card's chrome (shadow, body, stage header with icon and kind, border) shared per zoom level.

On screen every card is cached as a device pixmap (QGraphicsItem.DeviceCoordinateCache), so
after a zoom change every visible card is painted again. Most of that paint is the same for
every card of one kind: the antialiased rounded rectangles of shadow, body and border, the
header, the icon and the kind's text. That part is rasterised once per look and zoom level into
a shared pixmap (ChromeCache) and each card draws it with one drawPixmap, aligned to whole
device pixels so it stays as crisp as drawing it directly; only the card's own text is drawn
per card. The two soft shadows, the costliest part, are one pixmap per zoom level for every
look; an idle view prepares the 1:1 chromes of the looks it shows (warm). Exports and
transformed painters draw the vectors (see ComponentItem.paint). At most BUDGET_BYTES are kept.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Hashable, Iterable
from typing import Protocol

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QImage, QPaintEngine, QPainter, QPixmap, QTransform
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

from app.ui.canvas import card_text
from app.ui.canvas import style as st
from app.ui.canvas.card_text import CardStatics
from app.ui.canvas.pixmap_lru import PixmapLru

CHROME_RECT = st.CARD_RECT.adjusted(-2.0, -2.0, 2.0, 5.0)  # body, border and shadow (item units)
MAX_SCALE = 2.0  # device pixels per scene unit above which cards are painted directly (few show)
BUDGET_BYTES = 64 * 1024 * 1024  # every look at a few dozen levels; least recently used dropped first
_RASTER_DEVICES = (QPixmap, QImage)
_IDENTITY = QTransform()
_SERIALS = itertools.count(1)


class ChromeCache(PixmapLru):
    """Pixmaps of card chromes keyed by look and device scale, bounded by BUDGET_BYTES."""

    def __init__(self, budget: int = BUDGET_BYTES):
        super().__init__(budget)
        self.rendered = 0  # how many pixmaps were rasterised (a cache miss each)

    def pixmap(
        self, key: Hashable, scale: float, ratio: float, paint: Callable[[QPainter, float], None]
    ) -> QPixmap:
        """The chrome `key` at `scale` device pixels per item unit on a device of pixel ratio
        `ratio`; `paint(painter, lod)` draws it in item coordinates when it is not cached yet."""
        full = (key, round(scale, 4), ratio)
        found = self._get(full)
        if found is not None:
            return found
        width = math.ceil(CHROME_RECT.width() * scale)
        height = math.ceil(CHROME_RECT.height() * scale)
        pixmap = QPixmap(max(1, width), max(1, height))
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        painter.scale(scale, scale)
        painter.translate(-CHROME_RECT.left(), -CHROME_RECT.top())
        paint(painter, scale)
        painter.end()
        pixmap.setDevicePixelRatio(ratio)
        self.rendered += 1
        self._put(full, pixmap)
        self._trim()
        return pixmap


CHROMES = ChromeCache()  # shared by every card of every scene


def draw_shared(
    painter: QPainter,
    key: Hashable,
    paint: Callable[[QPainter, float], None],
    transform: QTransform | None = None,
) -> bool:
    """Draw the chrome `key` from CHROMES, its corner on a whole device pixel (the card's text,
    drawn after it, keeps its exact position: the two differ by half a pixel at most).

    Only where a pixmap is what the painter makes anyway: a raster device (the item's device
    cache, an image) and a transform that scales uniformly, up to MAX_SCALE, and translates.
    Returns False otherwise, and the caller paints the vectors (SVG, PDF, printer, rotation).
    """
    device = painter.device()
    if not isinstance(device, _RASTER_DEVICES):
        return False
    if transform is None:  # the painter's, when the caller has not asked for it already
        transform = painter.worldTransform()
    zoom = transform.m11()
    if transform.m12() or transform.m21() or transform.m22() != zoom or not transform.isAffine():
        return False
    ratio = device.devicePixelRatioF()
    scale = zoom * ratio
    if not 0 < scale <= MAX_SCALE:
        return False
    pixmap = CHROMES.pixmap(key, scale, ratio, paint)
    x = round((transform.dx() + CHROME_RECT.left() * zoom) * ratio)
    y = round((transform.dy() + CHROME_RECT.top() * zoom) * ratio)
    painter.setWorldTransform(_IDENTITY)
    painter.drawPixmap(QPointF(x / ratio, y / ratio), pixmap)
    painter.setWorldTransform(transform)
    return True


def invalidate() -> None:
    """Forget every cached chrome and text layout: the palette or the application font changed."""
    CHROMES.clear()
    card_text.invalidate()


def theme_serial(theme: st.Theme) -> int:
    """A number naming this theme object for as long as it lives (ids of freed themes are reused)."""
    serial = vars(theme).get("_chrome_serial")
    if serial is None:
        serial = vars(theme)["_chrome_serial"] = next(_SERIALS)
    return serial


def paint_chrome(
    painter: QPainter,
    theme: st.Theme,
    lod: float,
    statics: CardStatics,
    stage_brush: QBrush,
    icon_file: str | None,
    shadow: QPixmap | None = None,
) -> None:
    """Shadow, body, stage header with icon and kind text, and border, in item coordinates.
    `shadow`: the shadows made by shadow_pixmap, when painting a chrome pixmap of that scale."""
    if shadow is None:
        paint_shadows(painter, theme)
    else:  # the chrome's corner is the shadow's: copy it pixel for pixel
        transform = painter.worldTransform()
        painter.setWorldTransform(_IDENTITY)
        painter.drawPixmap(0, 0, shadow)
        painter.setWorldTransform(transform)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(theme.card_brush)
    painter.drawRoundedRect(st.CARD_RECT, st.RADIUS, st.RADIUS)
    painter.setBrush(stage_brush)
    painter.drawPath(st.header_path(statics.layout.header_h))
    if statics.kind is not None:
        _paint_icon(painter, lod, statics, icon_file)
        painter.setPen(theme.header_pen)
        painter.setFont(statics.small_font)
        painter.drawStaticText(QPointF(statics.kind_x, statics.kind_y), statics.kind)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(theme.border_pen)
    painter.drawRoundedRect(st.CARD_RECT, st.RADIUS, st.RADIUS)


def paint_shadows(painter: QPainter, theme: st.Theme) -> None:
    """The card's two soft shadows (the costliest part of its chrome: made once per zoom level)."""
    painter.setPen(Qt.PenStyle.NoPen)
    for offset, brush in zip((2.5, 1.0), theme.shadow_brushes, strict=True):
        painter.setBrush(brush)
        painter.drawRoundedRect(st.CARD_RECT.adjusted(-0.5, offset, 0.5, offset + 0.5), st.RADIUS, st.RADIUS)


def shadow_pixmap(theme: st.Theme, scale: float) -> QPixmap:
    """The shadows of every card at `scale` device pixels per unit, laid out as a chrome pixmap."""
    return CHROMES.pixmap((theme_serial(theme), "shadow"), scale, 1.0, lambda p, _: paint_shadows(p, theme))


def _paint_icon(painter: QPainter, lod: float, statics: CardStatics, icon_file: str | None) -> None:
    if icon_file is None or not statics.icon:
        return
    size = statics.icon
    target = QRectF(st.PAD, (statics.layout.header_h - size) / 2, size, size)
    engine = painter.paintEngine()
    if engine is not None and engine.type() == QPaintEngine.Type.SVG:
        renderer = st.icon_renderer(icon_file)  # vector icons in SVG export
        if renderer is not None:
            renderer.render(painter, target)
        return
    device = painter.device()
    ratio = device.devicePixelRatioF() if device is not None else 1.0
    scale = lod * size / st.ICON_SIZE * ratio
    pixmap = st.icon_pixmap(icon_file, scale)
    if pixmap is not None:
        painter.drawPixmap(target, pixmap, QRectF(pixmap.rect()))


class Look(Protocol):
    """A card as warm() sees it (ComponentItem)."""

    def look(self) -> tuple[object, ...]: ...

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None: ...


def warm(cards: Iterable[Look], ratio: float, done: set[Hashable]) -> int:
    """Paint one card of each look not in `done` at 1:1 into a scratch pixmap, so the first
    frame at 1:1 finds its chrome, icon and glyphs ready; returns how many were painted.
    Run when the view is idle (the cards stay where they are; nothing is shown)."""
    scratch = QPixmap(math.ceil(CHROME_RECT.width() * ratio), math.ceil(CHROME_RECT.height() * ratio))
    scratch.setDevicePixelRatio(ratio)
    painted = 0
    option = QStyleOptionGraphicsItem()
    for card in cards:
        look = card.look()
        if look in done:
            continue
        done.add(look)
        scratch.fill(Qt.GlobalColor.transparent)  # a card may keep what it paints (level_pixmaps)
        painter = QPainter(scratch)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        painter.translate(-CHROME_RECT.left(), -CHROME_RECT.top())
        card.paint(painter, option, None)
        painter.end()
        painted += 1
    return painted
