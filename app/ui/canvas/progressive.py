"""Building a large design's scene in slices on the event loop, the region in view first.

A design of thousands of components takes seconds to turn into items (cards, links, their
routes and labels). Built in one go the window would hang for that long; instead the scene
builds at most SLICE_MS of items per turn of the event loop, cards in view first (then by
distance from the view's centre, re-ordered whenever the view moves), each link as soon as
both its cards exist. A last pass places the link labels, in slices too.

The end result is the scene a synchronous build gives: the same items, positions, z order
(the design's order), routes, ports and labels, and the scene's item lists in the design's
order. Edits made meanwhile go through the scene's usual handlers: a removed component not
built yet is simply never built, a link whose card is missing waits for it
(`defer_link`), and any change during the label pass starts that pass again.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRectF, QTimer, Signal

from app.ui import gc_pause
from app.ui.canvas import style as st
from app.ui.canvas.labels import LabelPlacer
from app.ui.canvas.stacking import CARD_Z, Z_STEP

if TYPE_CHECKING:
    from app.domain.model import Link
    from app.ui.canvas.component_item import ComponentItem
    from app.ui.canvas.scene import DesignScene

STREAM_MIN = 400  # designs with at least this many components are built progressively
SLICE_MS = 25.0  # work done per turn of the event loop
_CHECK_EVERY = 8  # items built between two looks at the clock
VIEW_MARGIN = 200.0  # around a picture's rectangle (build_in_view): shadows, badges, link bends


def design_extent(scene: DesignScene) -> QRectF:
    """The rectangle the document's cards cover, read from the design (no items needed)."""
    components = scene.document.design.components
    if not components:
        return QRectF()
    xs = [c.position.x for c in components]
    ys = [c.position.y for c in components]
    left, top = min(xs), min(ys)
    return QRectF(left, top, max(xs) - left + st.CARD_W, max(ys) - top + st.CARD_H)


def _release_held(held: list[bool]) -> None:
    """Resume collections paused by a builder (also when its scene is destroyed mid-build)."""
    if held[0]:
        held[0] = False
        gc_pause.release()


class SceneBuilder(QObject):
    """Builds a DesignScene's items progressively (see the module's docstring)."""

    visible_ready = Signal()  # the cards in view when the build started are drawn
    finished = Signal()  # every item is built and the labels are placed

    def __init__(self, scene: DesignScene) -> None:
        super().__init__(scene)
        self.scene = scene
        self.threshold = STREAM_MIN
        self.active = False
        self._paused = False  # by build_in_view: no more slices on the event loop
        self.adding = False  # the builder adds items: the scene's overview waits for it
        self.visible_done = False
        self.extent = QRectF()
        self._labels = False  # in the label pass
        self._order: dict[str, int] = {}
        self._remaining: set[str] = set()
        self._queue: list[str] = []  # unbuilt component ids, the next one last
        self._waiting: dict[str, list[str]] = {}  # link ids waiting for this component's card
        self._view_rect: QRectF | None = None
        self._placer: LabelPlacer | None = None
        self._label_at = 0
        self._cards: list[ComponentItem] = []  # the label pass's cards, added to the placer first
        self._card_at = 0
        self._positions: dict[str, tuple[float, float]] = {}
        self._route_cost = 1e-4  # seconds per link routed, measured as the build goes
        held = self._gc_held = [False]  # shared with the clean-up below, which must not hold self
        self.destroyed.connect(lambda *_: _release_held(held))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._slice)
        scene.document.changed.connect(self._document_changed)

    # ---- control -------------------------------------------------------------------------

    def wants(self, count: int) -> bool:
        return count >= self.threshold

    def start(self) -> None:
        """Begin building the document's design into the (emptied) scene."""
        design = self.scene.document.design
        self._order = {c.id: n for n, c in enumerate(design.components)}
        self._positions = {c.id: (c.position.x, c.position.y) for c in design.components}
        self._remaining = set(self._order)
        self._queue = []
        self._view_rect = None
        self._waiting = {}
        for link in design.links:
            self._waiting.setdefault(link.source, []).append(link.id)
            self._waiting.setdefault(link.target, []).append(link.id)
        self.scene.stack.top = len(self._order)  # cards get z values by their place in the design
        self.extent = design_extent(self.scene)
        self.active, self.visible_done, self._labels = True, False, False
        self._paused = False
        self._placer = None
        if not self._gc_held[0]:  # only live objects are made until the end: no collections
            gc_pause.hold()
            self._gc_held[0] = True
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self.active = self._labels = False
        self._queue, self._remaining, self._waiting, self._placer = [], set(), {}, None
        self._cards = []
        self._positions = {}
        self._release_gc()

    def _release_gc(self) -> None:
        _release_held(self._gc_held)

    def z_of(self, component_id: str) -> float | None:
        """The z value a card built by the builder gets: its place in the design at the start."""
        n = self._order.get(component_id)
        return None if n is None else CARD_Z + (n + 1) * Z_STEP

    def defer_link(self, link_id: str, source: str, target: str) -> None:
        """A link whose card is not built yet: build it when both cards are."""
        for end in (source, target):
            self._waiting.setdefault(end, []).append(link_id)

    def build_in_view(self, rect: QRectF, zoom: float) -> None:
        """Build at once what a picture of `rect` at `zoom` shows, and pause: the rest of the
        design is never built (a --screenshot process, which then exits). That is every card
        near the rectangle and every link whose cards' box comes near it, with each of those
        cards' whole connected group (a card's ports depend on all its links, and their other
        ends), so the part in view is exactly what the whole build draws there. Zoomed in to
        where link labels show (their places depend on every other label), everything is built."""
        if not self.active:
            return
        if zoom >= st.LINK_LABEL_LOD or self._labels:
            self.finish_now()
            return
        scene = self.scene
        design = scene.document.design
        area = rect.adjusted(-VIEW_MARGIN, -VIEW_MARGIN, VIEW_MARGIN, VIEW_MARGIN)
        boxes = {c.id: QRectF(c.position.x, c.position.y, st.CARD_W, st.CARD_H) for c in design.components}
        wanted = {cid for cid, box in boxes.items() if area.intersects(box)}
        neighbours: dict[str, list[str]] = {}
        for link in design.links:
            a, b = boxes.get(link.source), boxes.get(link.target)
            if a is None or b is None:
                continue
            neighbours.setdefault(link.source, []).append(link.target)
            neighbours.setdefault(link.target, []).append(link.source)
            if area.intersects(a.united(b)):
                wanted.update((link.source, link.target))
        todo = list(wanted)
        while todo:
            for other in neighbours.get(todo.pop(), ()):
                if other not in wanted:
                    wanted.add(other)
                    todo.append(other)
        self._timer.stop()
        self._paused = True
        components, links = design.component_by_id(), design.link_by_id()
        self.adding = True
        try:
            for component in design.components:
                cid = component.id
                if cid not in wanted or cid in scene._components:
                    continue
                self._remaining.discard(cid)
                self._add_card(cid, links)
            scene.flush_link_updates()
        finally:
            self.adding = False
        self._queue = [cid for cid in self._queue if cid not in scene._components and cid in components]
        items, link_items = scene._components, scene._links  # in the design's order, as when done
        scene._components = {c.id: items[c.id] for c in design.components if c.id in items}
        scene._links = {lk.id: link_items[lk.id] for lk in design.links if lk.id in link_items}
        scene.overview_dirty()

    def finish_now(self) -> None:
        """Build everything that is left at once (tests, or a caller that needs the items); the
        overview's batches are then rebuilt at once too, by the next paint."""
        was_active = self.active
        while self.active:
            self._slice(budget=math.inf)
        if was_active:
            self.scene.overview.cancel_slices()

    # ---- slices ------------------------------------------------------------------------------

    def _slice(self, budget: float = SLICE_MS) -> None:
        if not self.active or (self._paused and budget == SLICE_MS):
            return
        deadline = time.perf_counter() + budget / 1000.0
        if self._labels:
            self._label_slice(deadline)
        else:
            self._item_slice(deadline)
        if self.active:
            self._timer.start()

    def _view(self) -> QRectF | None:
        views = self.scene.views()
        if not views:
            return None
        view = views[0]
        return view.mapToScene(view.viewport().rect()).boundingRect()

    def _prioritize(self, rect: QRectF | None) -> None:
        """Order the unbuilt cards: those in view first, then nearest the view's centre."""
        self._view_rect = rect
        positions = self._positions  # as at the start: only the order depends on them
        centre = rect.center() if rect is not None else self.extent.center()
        cx, cy = centre.x(), centre.y()
        left, top, right, bottom = (
            (rect.left() - st.CARD_W, rect.top() - st.CARD_H, rect.right(), rect.bottom())
            if rect is not None
            else (0.0, 0.0, -1.0, -1.0)
        )

        def key(cid: str) -> tuple[bool, float]:
            x, y = positions.get(cid, (cx, cy))
            inside = left <= x <= right and top <= y <= bottom
            return (inside, -((x - cx) ** 2 + (y - cy) ** 2))

        self._queue = sorted(self._remaining, key=key)

    def _add_card(self, cid: str, links: dict[str, Link]) -> None:
        """Add a card, and the links that waited for it whose other end is built too."""
        scene = self.scene
        scene.add_component_item(cid, self.z_of(cid))
        for lid in self._waiting.pop(cid, ()):
            link = links.get(lid)
            if link is None or lid in scene._links:
                continue
            if link.source in scene._components and link.target in scene._components:
                scene.add_link_item(lid)

    def _item_slice(self, deadline: float) -> None:
        scene = self.scene
        rect = self._view()
        if rect != self._view_rect:
            self._prioritize(rect)
        design = scene.document.design
        components, links = design.component_by_id(), design.link_by_id()
        built_visible = False
        count = 0
        self.adding = True
        try:
            while self._queue:
                cid = self._queue.pop()
                self._remaining.discard(cid)
                component = components.get(cid)
                if component is None or cid in scene._components:
                    continue  # removed since the start, or built by an edit (undo of a removal)
                self._add_card(cid, links)
                if rect is not None and not built_visible:
                    x, y = component.position.x, component.position.y
                    built_visible = rect.intersects(QRectF(x, y, st.CARD_W, st.CARD_H))
                count += 1
                # the new links are routed once, at the end of the slice (routing a card's links
                # as they come would route most of them again): their estimated cost counts
                if count % _CHECK_EVERY == 0:
                    if time.perf_counter() + len(scene.pending_links) * self._route_cost >= deadline:
                        break
            routed, started = len(scene.pending_links), time.perf_counter()
            scene.flush_link_updates()
            if routed:
                self._route_cost = 0.5 * self._route_cost + 0.5 * (time.perf_counter() - started) / routed
        finally:
            self.adding = False
        if built_visible:  # the rest shows in the overview once the build is finished
            scene.overview_dirty()
        if not self.visible_done and (not self._queue or not self._in_view(self._queue[-1], rect)):
            self.visible_done = True
            self.visible_ready.emit()
        if not self._queue:
            self._items_done()

    def _in_view(self, cid: str, rect: QRectF | None) -> bool:
        component = self.scene.document.design.component_by_id().get(cid)
        if component is None or rect is None:
            return False
        x, y = component.position.x, component.position.y
        return rect.intersects(QRectF(x, y, st.CARD_W, st.CARD_H))

    def _items_done(self) -> None:
        """Every card and link exists: put the scene's lists in the design's order."""
        scene = self.scene
        design = scene.document.design
        items, link_items = scene._components, scene._links
        scene._components = {c.id: items[c.id] for c in design.components if c.id in items}
        scene._links = {lk.id: link_items[lk.id] for lk in design.links if lk.id in link_items}
        self._waiting, self._order = {}, {}
        self._labels = True
        self._start_labels()

    def _start_labels(self) -> None:
        """The label pass starts with an empty placer: the cards are added to it in slices too."""
        self.scene.flush_link_updates()
        self._placer = LabelPlacer()
        self._cards = self.scene.component_items()
        self._card_at = 0
        self._label_at = 0

    def _label_slice(self, deadline: float) -> None:
        """Place labels exactly as labels.place_labels does, a part of the links at a time."""
        placer = self._placer
        if placer is None:
            self._start_labels()
            placer = self._placer
            assert placer is not None
        cards = self._cards
        while self._card_at < len(cards):  # first every card, as labels.place_labels has them
            pos = cards[self._card_at].pos()
            placer.add((pos.x(), pos.y(), st.CARD_W, st.CARD_H))
            self._card_at += 1
            if self._card_at % _CHECK_EVERY == 0 and time.perf_counter() >= deadline:
                return
        links = self.scene.link_items()
        at = self._label_at
        while at < len(links):
            rect = links[at].place_label(placer.blocked)
            if rect is not None:
                placer.add((rect.x(), rect.y(), rect.width(), rect.height()))
            at += 1
            if at % _CHECK_EVERY == 0 and time.perf_counter() >= deadline:
                break
        self._label_at = at
        if at >= len(links):
            self._finish()

    def _finish(self) -> None:
        self.active = self._labels = False
        self._placer = None
        self._cards = []
        self.extent = QRectF()
        self._positions = {}
        self.scene.build_finished()
        self._release_gc()
        self.finished.emit()

    def _document_changed(self) -> None:
        if self._labels:  # cards or links changed under the label pass: place them all again
            self._placer = None
