"""Idle preparation of the zoom levels a user is likely to go to next.

The first frame at a zoom level not seen before lays out and shapes every visible card's text
at the new font size and rasterises each look's chrome at the new scale. While the view is
idle (IDLE_DELAY_MS after the last zoom, scroll or change), ZoomWarmup does that work ahead
for the levels one step away: the next wheel notch in and out, the next zoom_in/zoom_out step,
and 1:1 (wheel notches first: they are most of a user's zooming). For each level it takes
the cards that level would show (the view's size at that zoom around the last zoom anchor),
nearest the anchor first, and makes each card's text layout and lays out its static texts for
that transform (QStaticText.prepare), and paints one card of each look into a scratch pixmap
at that scale for the chrome and the glyphs: they are then ready when the real frame comes.
Cards whose text is laid out at that font size already are skipped, except one card per look:
the chrome is made per exact scale.

The work runs in slices of at most SLICE_MS (checked after every card, so a slice overruns by
at most one card's preparation), each slice a zero-delay timer, so input is never held longer
than that. Any zoom, scroll or change starts over from the new position.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QPainter, QPixmap, QTransform
from PySide6.QtWidgets import QStyleOptionGraphicsItem

from app.ui.canvas import card_text as ct
from app.ui.canvas import level_pixmaps
from app.ui.canvas import style as st
from app.ui.canvas.component_item import ComponentItem

_BOUNDS = Qt.ItemSelectionMode.IntersectsItemBoundingRect  # no shape() call per item
_ANY_ORDER = Qt.SortOrder.AscendingOrder

if TYPE_CHECKING:
    from app.ui.canvas.view import CanvasView

IDLE_DELAY_MS = 10  # after the last zoom or scroll (the new frame, a posted event, is painted first)
SLICE_MS = 8.0  # longest run of preparation before input gets its turn
WHEEL_FACTOR = 1.0015**120  # one notch of a mouse wheel (see CanvasView.wheelEvent)
MAX_CARDS_PER_LEVEL = 1200  # a level showing more cards than this is only partly prepared
_MARGIN = st.CARD_W  # cards partly in view are painted too
TEXT, LOOK, AHEAD = 0, 1, 2  # how a card is prepared for a level (see prepare)


def neighbour_levels(zoom: float, direction: int, step: float, low: float, high: float) -> list[float]:
    """The zooms one step away from `zoom` that show cards with text, in the order a user is
    likely to reach them: the wheel notch in the last direction, then back, then the
    zoom_in/out step in the last direction and back, then 1:1. Clamped to [low, high]; `zoom`
    itself is not listed."""
    wheel = WHEEL_FACTOR if direction >= 0 else 1 / WHEEL_FACTOR
    key = step if direction >= 0 else 1 / step
    levels: list[float] = []
    for factor in (wheel, 1 / wheel, key, 1 / key):
        level = min(high, max(low, zoom * factor))
        levels.append(level)
    levels.append(1.0)
    chosen: list[float] = []
    for level in levels:
        if st.is_block_zoom(level) or math.isclose(level, zoom, rel_tol=1e-9):
            continue  # blocks have no text; the current level is painted already
        if not any(math.isclose(level, seen, rel_tol=1e-9) for seen in chosen):
            chosen.append(level)
    return chosen


class ZoomWarmup(QObject):
    """Prepares, while `view` is idle, the cards of the levels around its zoom (see module doc).

    `clock` returns seconds (time.perf_counter); a test passes a fake one to count slices.
    """

    def __init__(self, view: CanvasView, clock: Callable[[], float] = time.perf_counter):
        super().__init__(view)
        self.view = view
        self.clock = clock
        self.slice_ms = SLICE_MS
        self.prepared = 0  # cards painted ahead (all levels), for the benchmark and tests
        self.slices = 0
        self.anchor: QPointF | None = None  # viewport point of the last zoom (None: the centre)
        self.direction = -1  # the last zoom's direction: +1 in, -1 out
        self.enabled = True  # off where the view is never zoomed (a --screenshot process)
        self._queue: deque[tuple[ComponentItem, float, int]] | None = None
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.run_slice)

    def schedule(self) -> None:
        """The view moved or changed: start over once it has been idle IDLE_DELAY_MS."""
        self._queue = None
        if self.enabled:
            self._timer.start(IDLE_DELAY_MS)
        else:
            self._timer.stop()

    def pending(self) -> int:
        return len(self._queue) if self._queue is not None else 0

    def active(self) -> bool:
        return self._timer.isActive()

    def plan(self) -> deque[tuple[ComponentItem, float, int]]:
        """(card, level, how) to prepare: per neighbouring level, its cards nearest the anchor
        first; `how`: AHEAD (the whole card), LOOK (one card per look) or TEXT (see prepare)."""
        view = self.view
        zoom = view.zoom_factor()
        viewport = view.viewport().rect()
        anchor = self.anchor if self.anchor is not None else QPointF(viewport.center())
        fixed = view.mapToScene(anchor.toPoint())
        queue: deque[tuple[ComponentItem, float, int]] = deque()
        buckets: set[tuple[int, int]] = set()  # font sizes planned: levels close together share them
        # cards painted as Qt will ask (see prepare) at the wheel notches and 1:1; the text only
        # at the Zoom In/Out steps (kept pixmaps of every level would crowd each other out)
        whole = view.viewport().devicePixelRatioF() == 1.0
        wheel = (zoom * WHEEL_FACTOR, zoom / WHEEL_FACTOR, 1.0)
        for level in neighbour_levels(zoom, self.direction, st.ZOOM_STEP, st.MIN_ZOOM, st.MAX_ZOOM):
            if math.isclose(level, 1.0) and not math.isclose(zoom * st.ZOOM_STEP, 1.0):
                center = view.mapToScene(viewport.center())  # reset_zoom keeps the view's centre
                left, top = center.x() - viewport.width() / 2, center.y() - viewport.height() / 2
            else:  # the point under the anchor stays where it is
                left, top = fixed.x() - anchor.x() / level, fixed.y() - anchor.y() / level
            rect = QRectF(left, top, viewport.width() / level, viewport.height() / level)
            middle = rect.center()
            around = rect.adjusted(-_MARGIN, -_MARGIN, _MARGIN, _MARGIN)
            near = view.design_scene.items(around, _BOUNDS, _ANY_ORDER)
            cards = [item for item in near if isinstance(item, ComponentItem)]
            ahead = whole and any(math.isclose(level, near, rel_tol=1e-9) for near in wheel)
            if ahead:  # every card in view painted ahead (prepare skips the ones kept already)
                shown = [item for item in cards if _shows(item, rect)]
                shown.sort(key=lambda item: _distance(item, middle))
                queue.extend((item, level, AHEAD) for item in shown[:MAX_CARDS_PER_LEVEL])
                buckets.add((ct.name_size_for(level), ct.small_size_for(level)))
                continue
            looks: dict[tuple[object, ...], ComponentItem] = {}
            for item in cards:  # one card per look: the chromes at this very scale
                looks.setdefault(item.look(), item)
            bucket = (ct.name_size_for(level), ct.small_size_for(level))
            todo = [item for item in cards if not item.has_level(level)] if bucket not in buckets else []
            buckets.add(bucket)
            painted = set(looks.values())
            chosen = sorted(painted.union(todo), key=lambda item: _distance(item, middle))
            chosen = chosen[:MAX_CARDS_PER_LEVEL]
            queue.extend((item, level, LOOK if item in painted else TEXT) for item in chosen)
        return queue

    def run_slice(self) -> None:
        """Prepare cards until the slice's time is used up; schedule the next slice if any remain."""
        if self._queue is None:
            self._queue = self.plan()
        queue = self._queue
        if not queue:
            return
        self.slices += 1
        ratio = self.view.viewport().devicePixelRatioF()
        start = self.clock()
        budget = self.slice_ms / 1000.0
        while queue:
            item, level, paint = queue.popleft()
            if shiboken6.isValid(item) and item.scene() is self.view.design_scene:
                prepare(item, level, ratio, paint)
                self.prepared += 1
            if self.clock() - start >= budget:
                break
        if queue:
            self._timer.start(0)


def _shows(item: ComponentItem, rect: QRectF) -> bool:
    """Whether the card's bounds (shadow and badge included) reach into `rect`."""
    pos, bounds = item.pos(), st.CARD_BOUNDS
    left, top = pos.x() + bounds.left(), pos.y() + bounds.top()
    return (
        left < rect.right()
        and rect.left() < left + bounds.width()
        and top < rect.bottom()
        and rect.top() < top + bounds.height()
    )


def _distance(item: ComponentItem, point: QPointF) -> float:
    pos = item.pos()
    dx = pos.x() + st.CARD_W / 2 - point.x()
    dy = pos.y() + st.CARD_H / 2 - point.y()
    return dx * dx + dy * dy


def prepare(item: ComponentItem, level: float, ratio: float, paint: int) -> None:
    """Make `item` ready to show at `level`. AHEAD (on a device of pixel ratio 1): paint it as
    Qt's device cache will ask for it at that level, with the view's render hints, into a
    transparent pixmap; the card keeps those pixels (level_pixmaps) and its first real paint
    there draws them. TEXT: its text only, the layout and its static texts laid out for the
    transform its device cache will be painted with. LOOK: paint it once at that scale into a
    scratch pixmap (its look's chrome and the glyphs at that size are made then)."""
    scene = item.scene()
    views = scene.views() if scene is not None else []
    if paint == AHEAD and ratio == 1.0 and views and item.owner is not None:
        hints = int(views[0].renderHints().value)
        pos = item.pos()
        transform, width, height = level_pixmaps.device_placement(pos.x(), pos.y(), level, st.CARD_BOUNDS)
        key = item.kept_key(level_pixmaps.where(transform, width, height, ratio, hints))
        if key in item.owner.level_pixmaps:
            return
        option = QStyleOptionGraphicsItem()
        level_pixmaps.paint_ahead(lambda p: item.paint(p, option, None), transform, (width, height), hints)
        return
    if not paint:
        statics = item.text_statics(level)
        if statics is not None:
            matrix = QTransform.fromScale(level * ratio, level * ratio)
            for line in statics.lines:
                line.prepare(matrix, statics.name_font)
            for small in (statics.kind, statics.tech):
                if small is not None:
                    small.prepare(matrix, statics.small_font)
        return
    bounds = st.CARD_BOUNDS
    scale = level * ratio
    scratch = QPixmap(max(1, math.ceil(bounds.width() * scale)), max(1, math.ceil(bounds.height() * scale)))
    scratch.setDevicePixelRatio(ratio)
    scratch.fill(Qt.GlobalColor.transparent)  # a card may keep what it paints (level_pixmaps)
    painter = QPainter(scratch)
    painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
    painter.setWorldTransform(QTransform.fromScale(level, level).translate(-bounds.left(), -bounds.top()))
    item.paint(painter, QStyleOptionGraphicsItem(), None)
    painter.end()
