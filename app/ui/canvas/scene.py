"""DesignScene: mirrors a DesignDocument, one item per component and per link.

The scene follows the document's signals only (one item added, removed or updated per
signal, scene_mirror.py; design_reset rebuilds everything) and changes the design only
through document methods: a finished mouse drag becomes one move_components() call
(card_drag.py), a finished connection drag one connect() call (connector.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsSceneMouseEvent

from app.rules.engine import CheckResult
from app.ui.canvas import style as st
from app.ui.canvas.badges import CardBadges
from app.ui.canvas.card_drag import CardDrag
from app.ui.canvas.component_item import ComponentItem
from app.ui.canvas.connector import Connections
from app.ui.canvas.content_flags import ContentFlags
from app.ui.canvas.labels import place_labels
from app.ui.canvas.level_pixmaps import LevelPixmaps
from app.ui.canvas.link_batches import LinkBatches
from app.ui.canvas.link_item import LinkItem
from app.ui.canvas.overview import Overview
from app.ui.canvas.progressive import SceneBuilder
from app.ui.canvas.routing import reroute
from app.ui.canvas.scene_mirror import SCENE_MARGIN, SceneMirror
from app.ui.canvas.stacking import CardStack
from app.ui.canvas.text_refine import TextRefiner
from app.ui.document import DesignDocument

LABELS_MS = 120  # labels are re-placed this long after the last change
_NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
# A shallow tree: long links span many leaves of a deep one, and every moved link is
# removed from and re-inserted into each leaf it touches (measured: depth 6 is best).
BSP_DEPTH = 6


class DesignScene(QGraphicsScene):
    """The canvas contents of one document."""

    message = Signal(str)
    link_dropped = Signal(str, QPointF)  # a new link released on empty canvas: source id, point
    contents_changed = Signal()  # components added, removed or moved (debounced)

    def __init__(self, document: DesignDocument, parent: QObject | None = None):
        super().__init__(parent)
        self.document = document
        self.canvas_style = st.CanvasStyle(st.theme_from_palette(QGuiApplication.palette()))
        self.exporting = False
        self.level_pixmaps = LevelPixmaps()  # cards as painted at the zoom levels shown (see there)
        self.text_refiner: TextRefiner | None = None  # the view's, bounding a frame's layouts
        self.snap_enabled = False
        self.overview = Overview(self)
        self.content_flags = ContentFlags(self)  # which items paint themselves (set_overview)
        self.link_batches = LinkBatches(self)  # settled links drawn in batches by the view
        self.overview_active = False
        self.matches: frozenset[str] = frozenset()  # ids of cards a search matched
        self._components: dict[str, ComponentItem] = {}
        self._links: dict[str, LinkItem] = {}
        self.pending_links: set[LinkItem] = set()  # to be re-routed at the next flush
        self.card_badges = CardBadges(self)
        self.card_drag = CardDrag(self)  # a drag of cards is one undo step
        self.stack = CardStack()
        self.connections = Connections(self)  # drawing a link from a card's handle
        self._pending_timer = self._single_shot(0, self.flush_link_updates)
        self.labels_timer = self._single_shot(LABELS_MS, self.place_labels)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self.setBspTreeDepth(BSP_DEPTH)
        self.mirror = SceneMirror(self)  # the document's signals, one item each
        self.selectionChanged.connect(self._selection_changed)
        self.builder = SceneBuilder(self)  # large designs are built in slices (progressive.py)
        self.rebuild()

    def _single_shot(self, interval: int, slot: Callable[[], None]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval)
        timer.timeout.connect(slot)
        return timer

    # ---- lookups ---------------------------------------------------------------------------------

    def component_item(self, component_id: str) -> ComponentItem | None:
        return self._components.get(component_id)

    def link_item(self, link_id: str) -> LinkItem | None:
        return self._links.get(link_id)

    def component_items(self) -> list[ComponentItem]:
        return list(self._components.values())

    def component_count(self) -> int:
        return len(self._components)

    def link_items(self) -> list[LinkItem]:
        return list(self._links.values())

    def link_count(self) -> int:
        return len(self._links)

    def selected_component_ids(self) -> list[str]:
        ids = [i.component_id for i in self.selectedItems() if isinstance(i, ComponentItem)]
        if len(ids) > 1:
            order = {cid: n for n, cid in enumerate(self._components)}
            ids.sort(key=lambda cid: order.get(cid, 0))
        return ids

    def selected_link_ids(self) -> list[str]:
        ids = [i.link_id for i in self.selectedItems() if isinstance(i, LinkItem)]
        if len(ids) > 1:
            order = {lid: n for n, lid in enumerate(self._links)}
            ids.sort(key=lambda lid: order.get(lid, 0))
        return ids

    def components_rect(self, ids: Iterable[str] | None = None) -> QRectF:
        """Bounding rectangle of the cards (all, or the given ids) in scene coordinates."""
        if ids is None and self.builder.active:  # still building: where the design's cards will be
            return QRectF(self.builder.extent)
        items = (
            self._components.values()
            if ids is None
            else [self._components[cid] for cid in ids if cid in self._components]
        )
        xs, ys = [], []
        for item in items:
            pos = item.pos()
            xs.append(pos.x())
            ys.append(pos.y())
        if not xs:
            return QRectF()
        return QRectF(min(xs), min(ys), max(xs) - min(xs) + st.CARD_W, max(ys) - min(ys) + st.CARD_H)

    # ---- mirroring the document -----------------------------------------------------------------------

    def rebuild(self) -> None:
        """Drop every item and build them again from the document's design."""
        self.connections.cancel()
        self.pending_links.clear()
        self.card_drag.forget()
        for item in self._components.values():
            item.owner = None
        for link_item in self._links.values():
            link_item.owner = None
        self.clear()
        self.link_batches.clear()
        self.level_pixmaps.clear()  # the old cards' pixels
        self._components.clear()
        self._links.clear()
        self.stack = CardStack()
        design = self.document.design
        self.builder.stop()
        if self.builder.wants(len(design.components)):
            self.builder.start()
            self.contents_settled()
            return
        for component in design.components:
            self.add_component_item(component.id)
        for link in design.links:
            self.add_link_item(link.id)
        self.contents_settled()
        self.place_labels()

    def add_component_item(self, component_id: str, z: float | None = None) -> None:
        component = self.document.component(component_id)
        item = ComponentItem(component, self.document.catalog, self.canvas_style)
        item.owner = self
        self._components[component_id] = item
        badge = self.card_badges.of(component_id)
        if badge:
            item.set_badge(*badge)
        if self.overview_active:
            item.setFlag(_NO_CONTENTS, True)
        if z is None:
            self.stack.raise_card(item, self._components.values())  # the newest card is on top
        else:
            item.setZValue(z)  # built progressively: the place the design gives it
        self.addItem(item)
        self.overview_dirty()

    def add_link_item(self, link_id: str) -> None:
        link = self.document.link(link_id)
        source = self._components.get(link.source)
        target = self._components.get(link.target)
        if source is None or target is None:
            if self.builder.active:  # a card not built yet: the link follows when it is
                self.builder.defer_link(link_id, link.source, link.target)
            return
        item = LinkItem(link, source, target, self.canvas_style)
        item.owner = self
        self._links[link_id] = item
        source.links.add(item)
        target.links.add(item)
        self.pending_links.add(item)
        if self.overview_active:
            item.setFlag(_NO_CONTENTS, True)
        self.addItem(item)
        self.link_batches.added(item)
        self.overview_dirty()

    # ---- links follow their cards ---------------------------------------------------------------------

    def links_need_update(self, links: Iterable[LinkItem]) -> None:
        """Called by a card that moved: its links are re-routed once, after the batch."""
        self.pending_links.update(links)
        if not self._pending_timer.isActive():
            self._pending_timer.start()

    def flush_link_updates(self) -> None:
        """Re-route every link whose card moved since the last flush."""
        self._pending_timer.stop()
        pending, self.pending_links = self.pending_links, set()
        if pending:
            reroute(pending)
            self.overview_dirty()
            self.labels_timer.start()

    def place_labels(self) -> None:
        """Move link labels off cards and off each other (runs after edits settle)."""
        self.labels_timer.stop()
        if self.builder.active:
            return  # the builder places every label once the links are all there
        self.flush_link_updates()
        place_labels(self)

    def itemsBoundingRect(self) -> QRectF:  # noqa: N802 (Qt's name)
        """The items' bounds; while a large design is still being built, its cards' extent."""
        if self.builder.active:
            return self.components_rect()
        return super().itemsBoundingRect()

    def is_building(self) -> bool:
        return self.builder.active

    def build_finished(self) -> None:
        """Called by the builder once every item exists and the labels are placed."""
        self.contents_settled(labels=False)
        self.overview_dirty()
        if len(self._components) >= self.builder.threshold:  # thousands of items: not in one go
            self.overview.rebuild_in_slices()

    def contents_settled(self, labels: bool = True) -> None:
        """The cards were added, removed or moved: fit the scene to them, emit contents_changed."""
        self.flush_link_updates()
        rect = self.components_rect()
        if rect.isNull():
            rect = QRectF(-600, -400, 1200, 800)
        margin = SCENE_MARGIN
        self.setSceneRect(rect.adjusted(-margin, -margin, margin, margin))
        if labels:
            self.labels_timer.start()
        self.contents_changed.emit()

    # ---- mouse: one undo step per drag (card_drag.py) ------------------------------------------------

    def snapping_now(self) -> bool:
        """True while the user drags cards with snap on (not when the document moves them)."""
        return self.card_drag.snapping()

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        super().mousePressEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and self.connections.drag is None:
            self.card_drag.pressed()

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            self.card_drag.commit()

    # ---- findings and theme ---------------------------------------------------------------------------

    def set_check_result(self, result: CheckResult | None) -> None:
        """Show each card's open (unaccepted) findings as a badge: count and worst severity."""
        self.card_badges.show(result)

    def finish_badges(self) -> None:
        """Give every card still waiting its badge now (a caller that needs them all)."""
        self.card_badges.finish()

    def badges_pending(self) -> bool:
        """True while cards still wait for the badges of the last check (see badges.py)."""
        return self.card_badges.pending()

    def badges(self) -> dict[str, tuple[int, str]]:
        return self.card_badges.current()

    def refresh_theme(self, palette: QPalette | None = None) -> None:
        """Re-read colours from the palette (light/dark switch) and repaint every item."""
        self.canvas_style.theme = st.theme_from_palette(palette or QGuiApplication.palette())
        self.level_pixmaps.clear()  # painted in the old colours (their keys are stale anyway)
        for item in self._components.values():
            item.refresh_style()
        for link in self._links.values():
            link.update()
        drag = self.connections.drag
        if drag is not None:
            drag.line.setPen(self.canvas_style.theme.rubber_pen)
        self.overview.dirty = True
        self.update()

    # ---- zoomed-out painting and export ------------------------------------------------------------

    def set_overview(self, active: bool, visible: QRectF | None = None) -> None:
        """Let the view paint everything in batches (zoomed out) instead of item by item.
        With `visible` (the view's rect) only the items there change at once (see content_flags)."""
        if active == self.overview_active:
            return
        self.overview_active = active
        self.content_flags.apply(active, visible)
        self.update()  # the batches are kept while zoomed in (see overview_dirty): no rebuild here

    def set_matches(self, component_ids: Iterable[str]) -> None:
        """Mark the cards a search matched: outlined, and zoomed out their names stay shown."""
        matches = frozenset(component_ids)
        if matches != self.matches:
            changed = matches ^ self.matches
            self.matches = matches
            self.overview.marks_changed()
            for component_id in changed:  # zoomed in, each paints its outline (or drops it)
                item = self.component_item(component_id)
                if item is not None:
                    item.update()

    def _selection_changed(self) -> None:
        self.selection_settled()

    def selection_settled(self) -> None:
        """The selection changed (also with the scene's signals blocked: select_components):
        the overview outlines and labels it, selected links and cards paint themselves."""
        self.overview.marks_changed()
        self.link_batches.selection_changed()
        if self.text_refiner is not None:
            for item in self.text_refiner.batch.items_selected():
                self.unbatch_card(item)

    def unbatch_card(self, item: ComponentItem) -> None:
        """A card the view drew as a block (block_batch) paints itself, or its place is cleared."""
        if self.text_refiner is not None and self.text_refiner.batch.give_back(item):
            self.update(item.sceneBoundingRect())  # Qt never painted it here: nothing to redraw

    def overview_dirty(self) -> None:
        """Something visible changed: the batched overview must be rebuilt before its next paint.
        Tracked while zoomed in too, so zooming out again reuses the batches when nothing changed."""
        self.content_flags.forget_views()  # items moved, added or changed: query the view again
        if self.builder.adding:
            return  # the builder marks it once per slice, not once per item
        self.overview.cancel_slices()  # the next paint rebuilds at once, with this change
        if not self.overview.dirty:
            self.overview.dirty = True
            if self.overview_active:
                self.update()
