"""Links on screen drawn in batches under the cards, instead of one item paint per link.

The first frame at a new zoom level paints every link in view again: zoomed out to 0.3 that is
a thousand LinkItem.paint calls, each a crossing into Python that costs several times the
stroke it draws. In a design of more than MIN_LINKS links, LinkBatches draws the links that
have settled in a few calls per part of the scene: each link's path, arrow head and label join
the batches of its cell (the overview's cells, overview_cells._key: a long link goes with the
other long links of its place; appended to them, so joining costs the links joining only),
one path per family and dash, one filled path of arrow heads per family, and the labels; the
view draws the batches of the cells in view from drawBackground, with the pens a link's own
paint would use at that zoom (faint when zoomed out, aliased when the design has many links).
They are kept in scene coordinates: nothing is remade per frame or per zoom level.

A batched link is flagged ItemHasNoContents (it stays in the scene for hit tests, selection,
tooltips and routing). Any change to a batched link (moved, re-routed, label placed, flow
changed, selected, removed) takes it out of its cell's batches at once (the cell is made again
at its next paint, the area it covered drawn again) and it paints itself as before, so an edit
shows at once and dragging cards pays nothing extra per frame; links added, changed or
deselected join the batches once the scene has been idle for ABSORB_DELAY_MS, in slices of at
most SLICE_MS. Selected links and links with a graphics effect (the compare view's marks) always
paint themselves. Exports, prints and thumbnails draw the scene with QGraphicsScene.render, which
never calls the view's drawBackground: while exporting every link paints itself (suspended()).

What differs from each link painting itself: batches draw all lines, then all arrow heads, then
all labels, so where two links cross, the later one drawn is of the other family, and a label
covers every line under it. A design of up to MIN_LINKS links is never batched and looks exactly
as before.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

import shiboken6
from PySide6.QtCore import QObject, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QPainter, QPainterPath
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QStyleOptionGraphicsItem

from app.ui.canvas import style as st
from app.ui.canvas.link_item import ALIASED_FAINT_LINKS, LinkItem
from app.ui.canvas.overview_cells import CellKey, _key

if TYPE_CHECKING:
    from app.ui.canvas.scene import DesignScene

MIN_LINKS = 250  # designs with more links than this draw their settled links in batches
ABSORB_DELAY_MS = 200  # idle time after the last change before changed links join the batches
SLICE_MS = 8.0  # longest run of joining before input and painting get their turn
NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
_BACKGROUND = QGraphicsScene.SceneLayer.BackgroundLayer
_ANTIALIASING = QPainter.RenderHint.Antialiasing
_NO_BRUSH = Qt.BrushStyle.NoBrush
_NO_PEN = Qt.PenStyle.NoPen
_lod_of = QStyleOptionGraphicsItem.levelOfDetailFromTransform


class _Parts(NamedTuple):
    """What a batched link adds to its cell, in scene coordinates (made when it joins)."""

    family: str
    feedback: bool
    path: QPainterPath
    head: QPainterPath
    label: QRectF | None
    box: tuple[float, float, float, float]  # left, top, right, bottom of its bounds

    @staticmethod
    def of(link: LinkItem, x: float, y: float, rect: QRectF) -> _Parts:
        head = QPainterPath()
        head.addPolygon(link.arrow().translated(x, y))
        head.closeSubpath()
        label = link.label_rect().translated(x, y) if link.label_visible() else None
        box = (x + rect.left(), y + rect.top(), x + rect.right(), y + rect.bottom())
        return _Parts(link.family, link.feedback, link.path().translated(x, y), head, label, box)


@dataclass
class _Cell:
    """The batched links of one cell and, once made (`made`), their batches."""

    links: dict[LinkItem, _Parts] = field(default_factory=dict)
    made: bool = False
    bounds: QRectF = field(default_factory=QRectF)
    lines: dict[tuple[str, bool], QPainterPath] = field(default_factory=dict)
    arrows: dict[str, QPainterPath] = field(default_factory=dict)
    labels: list[tuple[QRectF, LinkItem]] = field(default_factory=list)

    def make(self) -> None:
        lines: dict[tuple[str, bool], QPainterPath] = {}
        arrows: dict[str, QPainterPath] = {}
        labels: list[tuple[QRectF, LinkItem]] = []
        left = top = float("inf")
        right = bottom = float("-inf")
        for link, parts in self.links.items():
            _append(lines, arrows, labels, link, parts)
            box = parts.box
            left, top = min(left, box[0]), min(top, box[1])
            right, bottom = max(right, box[2]), max(bottom, box[3])
        bounds = QRectF(left, top, right - left, bottom - top) if self.links else QRectF()
        self.lines, self.arrows, self.labels, self.bounds = lines, arrows, labels, bounds
        self.made = True

    def add(self, link: LinkItem, parts: _Parts) -> None:
        """A link joins: appended to the batches if they are made (no remaking of the others)."""
        self.links[link] = parts
        if not self.made:
            return
        _append(self.lines, self.arrows, self.labels, link, parts)
        left, top, right, bottom = parts.box
        self.bounds = self.bounds.united(QRectF(left, top, right - left, bottom - top))

    def drop(self, link: LinkItem) -> None:
        del self.links[link]
        self.made = False


def _append(
    lines: dict[tuple[str, bool], QPainterPath],
    arrows: dict[str, QPainterPath],
    labels: list[tuple[QRectF, LinkItem]],
    link: LinkItem,
    parts: _Parts,
) -> None:
    """Add a link's line, arrow head and label to a cell's batches."""
    key = (parts.family, parts.feedback)
    path = lines.get(key)
    if path is None:
        path = lines[key] = QPainterPath()
    path.addPath(parts.path)
    heads = arrows.get(parts.family)
    if heads is None:
        heads = arrows[parts.family] = QPainterPath()
        heads.setFillRule(Qt.FillRule.WindingFill)  # every head turns the same way (routing)
    heads.addPath(parts.head)
    if parts.label is not None:
        labels.append((parts.label, link))


class LinkBatches(QObject):
    """The batched links of a DesignScene (see module doc); the view paints them."""

    def __init__(self, scene: DesignScene):
        super().__init__(scene)
        self.scene = scene
        self.enabled = True
        self.min_links = MIN_LINKS
        self._own: dict[LinkItem, None] = {}  # links painting themselves, to join when idle
        self._cell_of: dict[LinkItem, tuple[CellKey, QRectF]] = {}  # batched links: cell, scene bounds
        self._cells: dict[CellKey, _Cell] = {}
        self._selected: set[LinkItem] = set()  # the selected links at the last selection change
        self._changed_at = 0.0  # perf_counter() at the last change
        self._waiting = False  # the timer runs (started once per quiet spell, not once per change)
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._due)

    # ---- which links are batched ----------------------------------------------------------------

    def active(self) -> bool:
        return self.enabled and self.scene.link_count() > self.min_links

    def batched(self, link: LinkItem) -> bool:
        return link in self._cell_of

    def count(self) -> int:
        return len(self._cell_of)

    def own_links(self) -> list[LinkItem]:
        """The links that paint themselves (the scene's other links are batched)."""
        return [link for link in self.scene.link_items() if link not in self._cell_of]

    def added(self, link: LinkItem) -> None:
        """A new link: it paints itself until it joins the batches."""
        self._own[link] = None
        self._soon()

    def removed(self, link: LinkItem) -> None:
        self._own.pop(link, None)
        if link in self._cell_of:
            self._leave(link)
        if self._cell_of and not self.active():  # too few links left: all paint themselves
            self.release_all()

    def changed(self, link: LinkItem) -> None:
        """The link moved, was re-routed or restyled: it paints itself (again) at once."""
        if link in self._cell_of:
            self._leave(link)
            link.setFlag(NO_CONTENTS, self.scene.overview_active)
            self.scene.content_flags.settled((link,))
            link.update()
        self._own[link] = None
        self._soon()

    def selection_changed(self) -> None:
        """Selected links paint themselves (with the selection's pen); deselected ones join again."""
        selected = {item for item in self.scene.selectedItems() if isinstance(item, LinkItem)}
        for link in selected:
            if link in self._cell_of:
                self.changed(link)
        for link in self._selected - selected:
            if shiboken6.isValid(link) and link.owner is self.scene:
                self._own[link] = None
        self._selected = selected
        if self._own:
            self._soon()

    def clear(self) -> None:
        """The scene dropped every item."""
        self._timer.stop()
        self._waiting = False
        self._own.clear()
        self._selected.clear()
        self._cell_of.clear()
        self._cells.clear()

    def release_all(self) -> None:
        """Every batched link paints itself again (a small design; see active)."""
        for link in list(self._cell_of):
            self.changed(link)

    @contextmanager
    def suspended(self) -> Iterator[None]:
        """Every link paints itself meanwhile (QGraphicsScene.render: exports, thumbnails)."""
        batched = [link for link in self._cell_of if shiboken6.isValid(link)]
        for link in batched:
            link.setFlag(NO_CONTENTS, False)
        try:
            yield
        finally:
            for link in batched:
                if shiboken6.isValid(link) and link in self._cell_of:
                    link.setFlag(NO_CONTENTS, True)

    def _leave(self, link: LinkItem) -> None:
        key, bounds = self._cell_of.pop(link)
        self.scene.invalidate(bounds, _BACKGROUND)  # drawn again without it
        cell = self._cells[key]
        cell.drop(link)
        if not cell.links:
            del self._cells[key]

    def _soon(self) -> None:
        """Something changed: absorb once the scene has been idle ABSORB_DELAY_MS (the timer is
        started once, not on every change: a drag changes hundreds of links per mouse move)."""
        self._changed_at = time.perf_counter()
        if not self._waiting:
            self._waiting = True
            self._timer.start(ABSORB_DELAY_MS)

    def _due(self) -> None:
        self._waiting = False
        quiet = (time.perf_counter() - self._changed_at) * 1000
        if quiet < ABSORB_DELAY_MS:  # changed meanwhile: wait for the rest of the delay
            self._waiting = True
            self._timer.start(int(ABSORB_DELAY_MS - quiet) + 1)
            return
        if self.scene.builder.active:  # a design still being built: its links are routed again
            self._waiting = True
            self._timer.start(ABSORB_DELAY_MS)
            return
        self.absorb()

    def absorb(self) -> None:
        """Let the links that paint themselves join the batches, SLICE_MS at a time (only in a
        scene a view shows: nothing else draws the batches)."""
        if not self.active() or not self.scene.views():
            return
        deadline = time.perf_counter() + SLICE_MS / 1000
        scene = self.scene
        joined: list[LinkItem] = []
        area = QRectF()
        own = self._own
        while own:
            link, _ = own.popitem()  # from the end: taking the first is slow once many are gone
            if not shiboken6.isValid(link) or link.owner is not scene:
                continue
            if link.isSelected() or link.graphicsEffect() is not None:
                continue  # painted by itself (it joins when deselected or unmarked and changed)
            pos, rect = link.pos(), link.rect()
            x, y = pos.x(), pos.y()
            parts = _Parts.of(link, x, y, rect)
            key = _key(*parts.box)
            cell = self._cells.get(key)
            if cell is None:
                cell = self._cells[key] = _Cell()
            cell.add(link, parts)
            bounds = rect.translated(x, y)
            self._cell_of[link] = (key, bounds)
            area = bounds if not joined else area.united(bounds)
            joined.append(link)
            link.setFlag(NO_CONTENTS, True)
            if len(joined) % 16 == 0 and time.perf_counter() > deadline:
                break
        for key in {self._cell_of[link][0] for link in joined}:
            cell = self._cells[key]
            if not cell.made:  # new, or a link left it: made whole once; else appended to
                cell.make()
        scene.content_flags.settled(joined)
        if joined:
            scene.invalidate(area, _BACKGROUND)  # the batches draw them now
        if own:
            self._waiting = True
            self._timer.start(0)

    # ---- painting -------------------------------------------------------------------------------

    def paint(self, painter: QPainter, rect: QRectF, hints: QPainter.RenderHint) -> None:
        """Draw the batched links meeting `rect` (scene coordinates) as their items would with the
        view's render `hints` (the painter of the view's cached background has none set)."""
        if not self._cells:
            return
        cells = []
        for cell in self._cells.values():
            # a cell only loses links between makes (joining makes it): its old bounds hold it
            if cell.bounds.intersects(rect):
                if not cell.made:
                    cell.make()
                if cell.bounds.intersects(rect):
                    cells.append(cell)
        if not cells:
            return
        theme = self.scene.canvas_style.theme
        lod = _lod_of(painter.worldTransform())
        faint = lod < st.LINK_FAINT_ZOOM
        painter.setBrush(_NO_BRUSH)
        before = painter.renderHints()
        painter.setRenderHints(hints)
        smooth = painter.testRenderHint(_ANTIALIASING)
        if smooth and faint and self.scene.link_count() > ALIASED_FAINT_LINKS:
            painter.setRenderHint(_ANTIALIASING, False)
        for family, feedback in sorted({key for cell in cells for key in cell.lines}):
            if faint:
                painter.setPen(theme.faint_link_pen(family, feedback))
            else:
                painter.setPen(theme.link_pen(family, feedback, False))
            for cell in cells:
                path = cell.lines.get((family, feedback))
                if path is not None:
                    painter.drawPath(path)
        painter.setRenderHint(_ANTIALIASING, smooth)
        if lod >= st.LINK_LOD_ARROW:
            self._paint_heads(painter, cells, faint, rect, lod)
        painter.setRenderHints(hints, False)
        painter.setRenderHints(before, True)

    def _paint_heads(
        self, painter: QPainter, cells: list[_Cell], faint: bool, rect: QRectF, lod: float
    ) -> None:
        """Arrow heads, then labels (at LINK_LABEL_LOD and closer)."""
        theme = self.scene.canvas_style.theme
        brushes = theme.faint_link_brushes if faint else theme.link_brushes
        for family in sorted({family for cell in cells for family in cell.arrows}):
            brush = brushes[family]
            for cell in cells:
                heads = cell.arrows.get(family)
                if heads is not None:
                    painter.fillPath(heads, brush)
        if lod >= st.LINK_LABEL_LOD:
            self._paint_labels(painter, cells, rect)

    def _paint_labels(self, painter: QPainter, cells: list[_Cell], rect: QRectF) -> None:
        theme = self.scene.canvas_style.theme
        painter.setFont(theme.link_font)
        for cell in cells:
            for box, link in cell.labels:
                if not box.intersects(rect):
                    continue
                painter.setPen(_NO_PEN)
                painter.setBrush(theme.label_brush)
                radius = box.height() / 2
                painter.drawRoundedRect(box, radius, radius)
                painter.setPen(theme.link_text_pens[link.family])
                painter.drawStaticText(QPointF(box.x() + 5, box.y() + 1.5), link.label_static())
