"""Provisional blocks drawn by the view in one go, in the first frame at a new zoom level.

Zoomed out to about 0.3, the first frame at a level never shown before has some 500 cards in
view waiting for their text (text_refine): each would be drawn as its stage-coloured block, but
through Qt's device cache of it (a pixmap made, cleared and painted, for a picture thrown away a
few milliseconds later) and a call of its paint in Python: half of that frame's time.

BlockBatch takes those cards out of Qt's hands before the frame: when at least BATCH_MIN cards
in view have no text at the frame's level and no pixels kept at any level (level_pixmaps.holds),
all but the few the frame's time could lay out (left to their own paints, which lay out what
it allows: TextRefiner._take_blocks) are flagged ItemHasNoContents (Qt skips them, as it skips
every card under the overview, see content_flags) and the view draws their blocks over the items
(drawForeground), each exactly where and as its own paint draws it: the block pixmap of its look
and level (TextRefiner.block_pixmap) at its corner rounded to a whole pixel inside the device
pixmap Qt would have made for it (level_pixmaps.device_placement). A refined card gets its flag
back and paints itself; at a new level the cards still new there stay, the others are handed
back; under the overview they stay flagged (the overview draws them), and an export hands every
card back. Only a card still flagged is drawn (anything else that clears the flag hands it back).
Only on a device of pixel ratio 1 (where the device pixmaps' placement is known).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPixmap, QTransform
from PySide6.QtWidgets import QGraphicsItem

from app.ui.canvas import card_text as ct
from app.ui.canvas import style as st
from app.ui.canvas.component_item import ComponentItem
from app.ui.canvas.level_pixmaps import qt_round

if TYPE_CHECKING:
    from app.ui.canvas.scene import DesignScene
    from app.ui.canvas.text_refine import TextRefiner

BATCH_MIN = 100  # fewer new cards in view than this: each is drawn by its own paint
NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
_IDENTITY = QTransform()
_BOUNDS = Qt.ItemSelectionMode.IntersectsItemBoundingRect
_ORDER = Qt.SortOrder.AscendingOrder


class BlockBatch:
    """The cards `refiner`'s view draws as blocks itself (see module doc)."""

    def __init__(self, refiner: TextRefiner):
        self.refiner = refiner
        self.items: dict[ComponentItem, None] = {}
        self.level = 0.0  # the zoom they were taken at (a Where's scale)

    def take(self, scene: DesignScene, visible: QRectF, zoom: float, leave: int) -> list[ComponentItem]:
        """Flag the cards in `visible` that have no text at `zoom` and no kept pixels, all but
        `leave` of them, when they are at least BATCH_MIN (every other card taken before is given
        back); returns the cards taken."""
        bucket = (ct.name_size_for(zoom), ct.small_size_for(zoom))
        has_text = ct.card_text.has
        holds = scene.level_pixmaps.holds

        def new_in(items: list[QGraphicsItem]) -> list[ComponentItem]:
            return [
                item
                for item in items
                if type(item) is ComponentItem
                and not item.isSelected()  # a selected card paints itself (scene.selection_settled)
                and not item.has_bucket(bucket)
                and not has_text(item.name, *bucket, item.pinned)
                and not holds(item)
            ]

        # a level prepared while idle (zoom_warmup) has few new cards: a look at the middle
        # quarter of the view tells, for a quarter of the cost of the whole view
        middle = visible.adjusted(
            visible.width() / 4, visible.height() / 4, -visible.width() / 4, -visible.height() / 4
        )
        new = new_in(scene.items(middle, _BOUNDS, _ORDER)) if not self.items else []
        if self.items or len(new) * 4 >= BATCH_MIN:
            new = new_in(scene.content_flags.items_in(visible))  # the views seen lately: no query
        taken = new[leave:] if len(new) >= BATCH_MIN else []
        before, self.items = self.items, dict.fromkeys(taken)
        for item in before:
            if item not in self.items:
                self._unflag(item)
        for item in taken:
            if item not in before:  # taken at the last level too: flagged already
                item.setFlag(NO_CONTENTS, True)
        self.level = round(zoom, 6)
        return taken

    def give_back(self, item: ComponentItem) -> bool:
        """`item` paints itself again (its text is laid out, it was selected, or it left the
        scene); False when it was not taken."""
        if item not in self.items:
            return False
        del self.items[item]
        self._unflag(item)
        return True

    def items_selected(self) -> list[ComponentItem]:
        """The cards taken that are selected now (a selected card paints itself)."""
        return [item for item in self.items if shiboken6.isValid(item) and item.isSelected()]

    @staticmethod
    def _unflag(item: ComponentItem) -> None:
        """The card's flag is the overview's again (see content_flags)."""
        if shiboken6.isValid(item):
            owner = item.owner
            overview = owner is not None and owner.overview_active
            if bool(item.flags() & NO_CONTENTS) != overview:
                item.setFlag(NO_CONTENTS, overview)

    def release(self) -> None:
        """Every card taken paints itself again (the view's zoom changed)."""
        items, self.items = self.items, {}
        for item in items:
            self._unflag(item)

    def draw(self, painter: QPainter, rect: QRectF) -> None:
        """Draw the blocks of the cards taken that reach into `rect` (scene coordinates; the
        painter maps the scene to the viewport, as for the view's items)."""
        if not self.items:
            return
        transform = painter.worldTransform()
        scale = transform.m11()
        if round(scale, 6) != self.level or transform.m12() or transform.m21():
            return
        dx, dy = transform.dx(), transform.dy()
        bounds = st.CARD_BOUNDS
        left, top, right, bottom = rect.left(), rect.top(), rect.right(), rect.bottom()
        bl, bt, bw, bh = bounds.left(), bounds.top(), bounds.width(), bounds.height()
        sl, st_ = scale * bl, scale * bt  # the bounds' corner from the origin, in device pixels
        pixmap_of = self.refiner.block_pixmap
        margin = self.refiner.block_margin
        level = self.level
        pixmaps: dict[tuple[object, ...], QPixmap] = {}  # by look, for this draw
        painter.setWorldTransform(_IDENTITY)
        for item in self.items:
            if not shiboken6.isValid(item) or not item.flags() & NO_CONTENTS:
                continue  # gone, or handed back to its own paint by someone else
            pos = item.pos()
            x, y = pos.x(), pos.y()
            if x + bl >= right or x + bl + bw <= left or y + bt >= bottom or y + bt + bh <= top:
                continue
            # where its device pixmap would be (level_pixmaps.device_placement) and its block in
            # it: the origin's offset rounded as a Where has it, then to a whole pixel
            ox, oy = x * scale + dx, y * scale + dy
            x0, y0 = qt_round(sl + ox) - 1, qt_round(st_ + oy) - 1
            look = (item.stage_color, item.isSelected(), item.badge())
            pixmap = pixmaps.get(look)
            if pixmap is None:
                pixmap = pixmaps[look] = pixmap_of(item, level, 1.0)
            painter.drawPixmap(
                QPointF(x0 + round(round(ox - x0, 3)) - margin, y0 + round(round(oy - y0, 3)) - margin),
                pixmap,
            )
        painter.setWorldTransform(transform)
