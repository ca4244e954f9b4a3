"""Progressive text after a zoom change: the first frame at a new level stays short.

The first frame at a zoom level never shown before lays out every visible card's name at the
new font size (card_text) before it can draw it: about 0.1 ms a card, 50 ms and more for the
500 cards of a view zoomed out to 0.3, on top of the frame itself. TextRefiner bounds that:
a frame lays out at most NEW_LAYOUTS_PER_FRAME names; every further card whose text is not
laid out at the frame's level is drawn provisionally, and laid out afterwards on the event loop
in slices of at most SLICE_MS, each card repainted as soon as its text is ready. A provisional
card is the same card as last painted at another level (its kept pixels, see level_pixmaps),
scaled to this level; a card not painted at any kept level is drawn as the stage-coloured
block of the zoomed-out view for that moment. Once the slices are done the view is exactly the
frame it would have drawn in one go: a provisional paint from another level's pixels is kept
apart from the cards' pixels (drawn again, cheaply, when the view comes back to that level before
the card is refined, and dropped when its final pixels are kept), a card drawn as a block at a
level is drawn as a block again there (one pixmap per look and level, shared by the cards showing
it, at a whole pixel: it is not kept),
and a refined card is painted afresh. Once a frame's layouts are spent (LAYOUT_MS at 1:1, less
zoomed out: layout_ms) its further new cards take a short path to their block (paint_spent), and
when many cards in view are new the view draws most of their blocks itself (block_batch). Per
card the checks are few: the font sizes of the frame's level are worked out once per frame.

Only a large design (more than FULL_UP_TO components: a smaller one lays out all its names in
view within a frame's time) is ever drawn provisionally, only in the first frame after a zoom
change (never the view's first frame), only in a view's own frames, and only in a view that is
zoomed interactively
(zoom_warmup enabled: not a --screenshot process); exports and prints paint every card in full
(ComponentItem.paint goes to the card's own paint for them), and settle() lays out whatever
is pending at once.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, cast

import shiboken6
from PySide6.QtCore import QObject, QPointF, Qt, QTimer
from PySide6.QtGui import QPainter, QPixmap, QTransform
from PySide6.QtWidgets import QGraphicsView, QStyleOptionGraphicsItem

from app.ui.canvas import card_chrome as chrome
from app.ui.canvas import card_text as ct
from app.ui.canvas import style as st
from app.ui.canvas.block_batch import BlockBatch
from app.ui.canvas.level_pixmaps import Provisional, Where

if TYPE_CHECKING:
    from app.ui.canvas.component_item import ComponentItem
    from app.ui.canvas.scene import DesignScene

NEW_LAYOUTS_PER_FRAME = 60  # names laid out within one frame at most; further cards are provisional
LAYOUT_MS = 4.0  # and only for so long after the frame's first card needing a new layout (at 1:1,
# less zoomed out: see layout_ms)
QUICKEST_LAYOUT_MS = 0.1  # a name laid out takes at least this long (its fonts ready)
FULL_UP_TO = 200  # a design of at most this many components is always drawn in full
SLICE_MS = 8.0  # longest run of layouts before input and painting get their turn
BLOCK_LOOKS = 64  # block pixmaps kept (a few stage colours, selected or not, badges: per level)
BLOCK_MARGIN = 2  # pixels around a block pixmap's card (the selection outline)
_IDENTITY = QTransform()
_ORIGIN = QPointF(0.0, 0.0)
_SMOOTH = QPainter.RenderHint.SmoothPixmapTransform
_lod_of = QStyleOptionGraphicsItem.levelOfDetailFromTransform


class TextRefiner(QObject):
    """Bounds the layouts a frame of `view` makes; lays out the rest while idle (see module doc).

    `active` says whether frames may be provisional (the view's zoom warm-up decides: off in a
    view that is never zoomed); `clock` returns seconds (a test passes a fake one)."""

    def __init__(
        self,
        view: QGraphicsView,
        active: Callable[[], bool],
        clock: Callable[[], float] = time.perf_counter,
    ):
        super().__init__(view)
        self.view = view
        self.enabled = True
        self.provisional = 0  # cards drawn provisionally so far (figures and tests)
        self._active = active
        self._clock = clock
        self._layouts = 0  # names laid out in the current frame
        self._in_frame = False  # a frame after a zoom change is being painted
        self._last_zoom: float | None = None  # the zoom of the view's last frame
        self._zoom = 1.0  # the zoom of the frame being painted
        self._lod = -1.0  # the last card's zoom, its font sizes and whether provisional cards are allowed
        self._bucket = (0, 0)
        self._allowed = False
        self._until = 0.0  # the frame's time for layouts ends then (clock seconds)
        # the frame's layouts are used up: its further new cards are blocks (see paint_spent), at
        # the scale and pixel ratio of the device pixmaps of that frame's cards
        self.spent = False
        self._spent_scale = 0.0  # the frame's scale (the painter's m11)
        self._spent_level = 0.0  # and as the keys of the card's pixels have it (Where[0])
        self._spent_ratio = 0.0
        self._blocks: dict[ComponentItem, None] = {}  # drawn as blocks: refined first
        self._scaled: dict[ComponentItem, None] = {}  # drawn from another level's pixels
        self._block_levels: set[tuple[ComponentItem, float]] = set()  # (card, scale) drawn as a block
        self._block_pixmaps: dict[tuple[object, ...], QPixmap] = {}  # blocks by look and level
        self.block_margin = BLOCK_MARGIN
        self.batch = BlockBatch(self)  # the blocks the view draws itself (see block_batch)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._slice)

    @contextmanager
    def frame(self) -> Iterator[None]:
        """While the view paints a frame: only then may cards be drawn provisionally, and only
        in the first frame after a zoom change (not the view's first frame, nor a frame after a
        scroll, an edit or a resize); the frame's budget of layouts is whole at its start (other
        paints, such as the zoom warm-up's, are always in full)."""
        zoom = self.view.transform().m11()
        self._layouts = 0
        self._lod = -1.0
        self.spent = False
        self._zoom = zoom
        self._in_frame = self._last_zoom is not None and zoom != self._last_zoom
        batch = self.batch
        taken = self._in_frame and self._take_blocks(zoom)  # before Qt looks at the items
        scene = cast("DesignScene", self.view.scene())
        if not taken and batch.items and round(zoom, 6) != batch.level and not scene.overview_active:
            # another level: its cards paint themselves, provisionally or not (the overview draws
            # them meanwhile: flagged as they are, and taken again when the view comes back)
            batch.release()
        try:
            yield
        finally:
            self._in_frame = False
            self.spent = False
            self._last_zoom = zoom

    def _take_blocks(self, zoom: float) -> bool:
        """Before a frame at a new level: the view draws the blocks of the many cards in view
        it would otherwise draw one by one (see block_batch); not for an export or the overview,
        nor in a small design, a view never zoomed or on a device of pixel ratio other than 1."""
        scene = cast("DesignScene", self.view.scene())
        if (
            st.is_block_zoom(zoom)
            or not self.enabled
            or not self._active()
            or self.view.viewport().devicePixelRatioF() != 1.0
            or scene.overview_active
            or scene.exporting
            or scene.component_count() <= FULL_UP_TO
        ):
            return False
        level = round(zoom, 6)
        visible = self.view.mapToScene(self.view.viewport().rect()).boundingRect()
        # left to their own paints: as many as the frame's time for layouts could lay out at most
        leave = min(NEW_LAYOUTS_PER_FRAME, max(1, math.ceil(layout_ms(zoom) / QUICKEST_LAYOUT_MS)))
        for item in self.batch.take(scene, visible, zoom, leave):
            self._block_levels.add((item, level))
            self._queue(self._blocks, item)
        return True

    def pending(self) -> int:
        """How many provisional cards wait for their text."""
        return len(self._blocks) + len(self._scaled)

    def paint(
        self, item: ComponentItem, painter: QPainter, transform: QTransform, key: tuple[object, ...]
    ) -> bool:
        """Draw `item` provisionally into Qt's device pixmap of it (`key`: its kept key at this
        paint, see ComponentItem.kept_key) when its text is not laid out at this level and this
        frame has laid out its share already; False when the card is to be painted in full."""
        if not self._in_frame:
            return False
        lod = _lod_of(transform)
        if lod != self._lod:  # the same for every card of a frame: the font sizes once per frame
            self._lod = lod
            self._bucket = (ct.name_size_for(lod), ct.small_size_for(lod))
            self._allowed = self.enabled and self._active()
        bucket = self._bucket
        if st.is_block_zoom(lod) or not self._allowed or item.has_bucket(bucket):
            return False
        if ct.card_text.has(item.name, *bucket, item.pinned):
            return False  # only the card's static texts to make: cheap
        owner = item.owner
        if owner is None or owner.component_count() <= FULL_UP_TO:
            return False
        where: Where = key[-1]  # type: ignore[assignment]
        if (item, where[0]) in self._block_levels:  # a block at this level already: again
            self._draw_block(item, painter, transform, where[0], where[1], where[2], where[5])
            self._queue(self._blocks, item)
            return True
        kept = owner.level_pixmaps
        provisional = Provisional(key)
        if kept.draw(painter, provisional, transform):  # provisional at this level before: again
            self._queue(self._scaled, item)
            return True
        if not self._layouts:
            self._until = self._clock() + layout_ms(self._zoom) / 1000
        if self._layouts < NEW_LAYOUTS_PER_FRAME and (self._layouts < 1 or self._clock() < self._until):
            self._layouts += 1
            return False
        if not self.spent:  # from now on in this frame: paint_spent first
            self.spent = True
            self._spent_scale, self._spent_level, self._spent_ratio = transform.m11(), where[0], where[5]
        found = kept.latest(key[:-1])
        if found is not None and found[0][5] == where[5]:  # painted at the same pixel ratio
            old = found[0]
            scale = where[0] / old[0]
            painter.setWorldTransform(
                QTransform(scale, 0.0, 0.0, scale, where[1] - scale * old[1], where[2] - scale * old[2])
            )
            smooth = painter.testRenderHint(_SMOOTH)
            painter.setRenderHint(_SMOOTH, False)  # a moment's picture: the quickest scaling
            painter.drawPixmap(_ORIGIN, found[1])
            painter.setRenderHint(_SMOOTH, smooth)
            painter.setWorldTransform(transform)
            self._queue(self._scaled, item)
            kept.keep(painter, provisional)  # for a return to this level before the card is refined
        else:  # a block: as quickly drawn again as a kept pixmap, so not kept
            self._draw_block(item, painter, transform, where[0], where[1], where[2], where[5])
            self._block_levels.add((item, where[0]))
            self._queue(self._blocks, item)
        return True

    def paint_spent(self, item: ComponentItem, painter: QPainter, transform: QTransform) -> bool:
        """What paint() draws for a card it would draw as a new block once the frame's layouts
        are spent (`spent`), with fewer checks: nothing is laid out any more in this frame, and a
        card none of whose pixels are kept at any level (level_pixmaps.holds) has none to draw
        at this one. False for any other card (its kept pixels, a provisional picture or a full
        paint: ComponentItem.paint goes on as before)."""
        scale = self._spent_scale
        if not self._in_frame or transform.m11() != scale or transform.m22() != scale or transform.m12():
            return False
        device = painter.device()
        ratio = self._spent_ratio
        if type(device) is not QPixmap or painter.hasClipping() or device.devicePixelRatioF() != ratio:
            return False
        bucket = self._bucket
        if item.has_bucket(bucket) or ct.card_text.has(item.name, *bucket, item.pinned):
            return False
        owner = item.owner
        if owner is None or owner.exporting or owner.level_pixmaps.holds(item):
            return False
        level = self._spent_level
        self._block_levels.add((item, level))
        x, y = round(transform.dx(), 3), round(transform.dy(), 3)  # as in a Where
        self._draw_block(item, painter, transform, level, x, y, ratio)
        self._queue(self._blocks, item)
        return True

    def _draw_block(
        self,
        item: ComponentItem,
        painter: QPainter,
        transform: QTransform,
        scale: float,
        dx: float,
        dy: float,
        ratio: float,
    ) -> None:
        """The card as its stage-coloured block: one pixmap per look and level, shared by the
        cards showing it and drawn at the card's corner (device offset dx, dy, as in a Where)
        rounded to a whole pixel (a moment's picture: half a pixel off at most; one pixmap drawn
        costs a fraction of the block's antialiased outline)."""
        pixmap = self.block_pixmap(item, scale, ratio)
        painter.setWorldTransform(_IDENTITY)
        painter.drawPixmap(QPointF(round(dx) - BLOCK_MARGIN, round(dy) - BLOCK_MARGIN), pixmap)
        painter.setWorldTransform(transform)

    def block_pixmap(self, item: ComponentItem, scale: float, ratio: float) -> QPixmap:
        """The pixmap of `item`'s block at `scale` (see _draw_block), shared by its look."""
        badge = item.badge()
        owner = item.owner
        theme = owner.canvas_style.theme if owner is not None else None
        look = (
            chrome.theme_serial(theme) if theme is not None else 0,
            item.stage_color,
            item.isSelected(),
            badge[1] if badge is not None else None,
            scale,
            ratio,
        )
        pixmap = self._block_pixmaps.get(look)
        if pixmap is None:
            if len(self._block_pixmaps) >= BLOCK_LOOKS:
                self._block_pixmaps.clear()
            pixmap = self._block_pixmaps[look] = _block_pixmap(item, scale, ratio)
        return pixmap

    def _queue(self, queue: dict[ComponentItem, None], item: ComponentItem) -> None:
        queue[item] = None
        self.provisional += 1
        if not self._timer.isActive():
            self._timer.start()

    def settle(self) -> None:
        """Lay out every pending card now and have it repainted (a picture is taken next)."""
        self._timer.stop()
        while self.pending():
            self._refine_next()
        self._block_levels.clear()

    def _slice(self) -> None:
        deadline = self._clock() + SLICE_MS / 1000
        while self.pending() and self._clock() < deadline:
            self._refine_next()
        if self.pending():
            self._timer.start()
        else:
            self._block_levels.clear()  # every card laid out

    def _refine_next(self) -> None:
        queue = self._blocks if self._blocks else self._scaled
        item = next(iter(queue))
        del queue[item]
        self.batch.give_back(item)  # it paints itself from now on
        if not shiboken6.isValid(item) or item.scene() is not self.view.scene():
            return  # removed meanwhile
        item.text_statics(self.view.transform().m11())  # laid out at the view's level now
        item.update()  # Qt's device pixmap of it is painted again, in full


def layout_ms(zoom: float) -> float:
    """The time a frame at `zoom` gives to laying out names: LAYOUT_MS at 1:1 and closer, less
    zoomed out, in proportion to a card's area on screen. A view zoomed out to `zoom` shows
    1 / zoom² as many cards, each of which costs the frame its fixed share (Qt's device pixmap of
    it, its paint call, a block for the cards waiting for their text), and the first names laid
    out at new font sizes cost the most (the fonts and glyphs at those sizes): at 0.3 the 500
    cards in view leave room for one name (the frame lays out one at least), which is no worse a
    picture than a few dozen names out of 500 and refined as quickly."""
    return LAYOUT_MS * min(1.0, zoom * zoom)


def _block_pixmap(item: ComponentItem, scale: float, ratio: float) -> QPixmap:
    """`item`'s block (ComponentItem.paint_block) at `scale`, its corner BLOCK_MARGIN pixels in."""
    margin = BLOCK_MARGIN
    width = math.ceil((st.CARD_W * scale + 2 * margin) * ratio)
    height = math.ceil((st.CARD_H * scale + 2 * margin) * ratio)
    pixmap = QPixmap(max(1, width), max(1, height))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(margin, margin)
    painter.scale(scale, scale)
    item.paint_block(painter)
    painter.end()
    return pixmap
