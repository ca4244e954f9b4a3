"""Which items paint themselves: all of them zoomed in, none while the overview paints for them.

Crossing the zoom where cards become blocks flags every card and link ItemHasNoContents (or
clears the flag). Each setFlag on a card goes through ComponentItem.itemChange in Python twice
(flags changing, flags changed): over 10,000 items that is tens of milliseconds before the
frame. ContentFlags sets the flag at once only on the items in view (what the next frame
shows), and on the rest in idle slices of at most SLICE_ITEMS items. Until a slice reaches it,
an item out of view keeps its old flag, which nobody sees: scrolling or zooming calls sync()
with the new visible rect first (the view does, before it paints), and an item that still paints
itself while the overview is active draws the same plain block the overview draws.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtWidgets import QGraphicsItem

_BOUNDS = Qt.ItemSelectionMode.IntersectsItemBoundingRect  # no shape() call per item
_ANY_ORDER = Qt.SortOrder.AscendingOrder

if TYPE_CHECKING:
    from app.ui.canvas.scene import DesignScene

NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
SLICE_ITEMS = 300  # items flagged per idle slice (a few milliseconds)
RECENT_VIEWS = 4  # queries kept (see ContentFlags._items_in)
RECENT_SLACK = 1.25  # a kept query serves a view this much smaller (its extra items are flagged early)


class ContentFlags:
    """Keeps every card's and link's ItemHasNoContents equal to the scene's overview state."""

    def __init__(self, scene: DesignScene):
        self.scene = scene
        self.slice_items = SLICE_ITEMS
        self.slices = 0
        self._pending: list[QGraphicsItem] = []  # in the order the slices take them (from the end)
        self._waiting: set[QGraphicsItem] = set()  # the pending items not flagged yet
        self._synced: list[QRectF] = []  # rects whose items are flagged: no query inside them
        # the items found in the last few views (zooming back and forth across the block zoom
        # shows the same views again), kept while no item is added, removed or moved
        self._recent: list[tuple[QRectF, list[QGraphicsItem]]] = []
        self._count = 0  # items in the scene when _recent was filled
        self._timer = QTimer(scene, singleShot=True, interval=0)
        self._timer.timeout.connect(self.run_slice)

    def apply(self, active: bool, visible: QRectF | None = None) -> None:
        """Flag every item for `active`: all at once without `visible`, else the items in
        `visible` now and the others in idle slices."""
        scene = self.scene
        # batched links are flagged by the batches (link_batches), zoomed in or out
        items: list[QGraphicsItem] = [*scene.component_items(), *scene.link_batches.own_links()]
        refiner = scene.text_refiner
        if not active and refiner is not None and refiner.batch.items:
            held = refiner.batch.items  # cards the view draws as blocks: flagged (see block_batch)
            items = [item for item in items if item not in held]
        if visible is None:
            self._pending, self._waiting = [], set()
            self._timer.stop()
            _flag(items, active)
            return
        self._pending, self._waiting, self._synced = items, set(items), []
        if len(items) != self._count:
            self._recent, self._count = [], len(items)
        self.sync(visible)
        self._timer.start()

    def pending(self) -> int:
        """Items whose flag is not set yet."""
        return len(self._waiting)

    def sync(self, visible: QRectF) -> None:
        """Before the view paints `visible`: the items there get their flag now."""
        waiting = self._waiting
        if not waiting or any(rect.contains(visible) for rect in self._synced):
            return  # zooming in or scrolling back: those items are flagged already
        now = [item for item in self._items_in(visible) if item in waiting]
        _flag(now, self.scene.overview_active)
        waiting.difference_update(now)
        self._synced.append(QRectF(visible))

    def items_in(self, visible: QRectF) -> list[QGraphicsItem]:
        """The items in `visible` (see _items_in): for block_batch, whose views are these."""
        return self._items_in(visible)

    def _items_in(self, visible: QRectF) -> list[QGraphicsItem]:
        """The items in `visible`: a recent query's when one covered about the same rect."""
        area = visible.width() * visible.height()
        for rect, items in self._recent:
            if rect.contains(visible) and rect.width() * rect.height() <= RECENT_SLACK * area:
                return [item for item in items if shiboken6.isValid(item) and item.scene() is self.scene]
        items = self.scene.items(visible, _BOUNDS, _ANY_ORDER)
        self._recent = [(QRectF(visible), items), *self._recent[: RECENT_VIEWS - 1]]
        return items

    def settled(self, items: Iterable[QGraphicsItem]) -> None:
        """These items got their flag elsewhere (links joining or leaving the link batches)."""
        if self._waiting:
            self._waiting.difference_update(items)

    def forget_views(self) -> None:
        """Items moved, were added or changed: the kept queries no longer tell what is where."""
        self._recent = []

    def moved(self, visible: QRectF) -> None:
        """Items may have moved (an edit, undo, auto-layout): check what is in view again."""
        self._synced = []
        self._recent = []
        self.sync(visible)

    def run_slice(self) -> None:
        """Flag the next SLICE_ITEMS pending items; schedule another slice while some remain."""
        active = self.scene.overview_active
        batch: list[QGraphicsItem] = []
        while self._pending and len(batch) < self.slice_items:
            item = self._pending.pop()
            if item not in self._waiting:
                continue  # flagged by sync() already
            self._waiting.discard(item)
            if shiboken6.isValid(item) and item.scene() is self.scene:
                batch.append(item)
        self.slices += 1
        _flag(batch, active)
        if self._pending:
            self._timer.start()


def _flag(items: Iterable[QGraphicsItem], active: bool) -> None:
    for item in items:
        item.setFlag(NO_CONTENTS, active)
