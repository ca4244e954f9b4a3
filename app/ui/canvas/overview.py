"""Zoomed-out painting: the whole scene drawn in a few batched calls.

Below LOD_THRESHOLD a card is a plain stage-coloured rounded rectangle and a link a thin
line, so per-item paint() calls (thousands of Python calls per frame) are replaced by a
handful of cached paths: one per stage colour, one per link family, one for the selection
and one per badge severity. The items stay in the scene for hit testing, selection and
dragging; they are only flagged ItemHasNoContents while the overview paints for them.

Selected, hovered and search-matched cards keep their names: a label above the block, drawn
in device pixels (LABEL_PX tall whatever the zoom). Labels do not cover one another: one that
would, or that would stand above the top of the view, goes below its block instead, or, with no
room there either, is left out (the selected cards' labels are placed first, then the hovered
card's: a card renamed in place has its editor where its label is, see rename.py).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QTransform

from app.ui.canvas import style as st
from app.ui.canvas.labels import LabelPlacer
from app.ui.canvas.link_item import LinkItem
from app.ui.canvas.overview_cells import OverviewCells
from app.ui.canvas.stacking import in_stacking_order

if TYPE_CHECKING:
    from app.ui.canvas.scene import DesignScene


def _cosmetic(color: QColor, width: float, dashed: bool = False) -> QPen:
    pen = QPen(color, width, Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine)
    pen.setCosmetic(True)
    return pen


AA_LINK_LIMIT = 2000  # more links than this are drawn without antialiasing when zoomed out
ROUNDED_MIN_ZOOM = 0.2  # below this, corners are under 1.5 px: plain rectangles are enough
LABEL_PX = 12  # on-screen size of the names above selected, hovered and matched blocks
LABEL_LIMIT = 400  # more labelled cards than this in view: only the first are labelled
LABEL_MAX_W = 220.0  # names are elided to this many pixels
LABEL_GAP = 3.0  # pixels between a block and its label
SLICE_MS = 20.0  # work per turn of the event loop in a rebuild in slices
STEP = 128  # items gathered between two looks at the clock


def _label_font() -> QFont:
    font = QFont()
    font.setPixelSize(LABEL_PX)
    font.setWeight(QFont.Weight.DemiBold)
    return font


class Overview:
    """Cached batch geometry of a DesignScene, rebuilt lazily after a change.

    Two parts, invalidated apart: the geometry (cards by stage colour, links by family; `dirty`,
    set by the scene's overview_dirty() when cards or links change) and the marks (selection,
    alerts, badges and labels; `marks_dirty`, set by marks_changed() when only those change).
    Both are tracked while zoomed in too, so zooming out again costs no rebuild when nothing
    changed, and a hover or a selection made meanwhile only the marks' pass.
    """

    def __init__(self, scene: DesignScene):
        self.scene = scene
        self.dirty = True
        self.marks_dirty = True
        self._cards: dict[str, list[QRectF]] = {}
        self._stacked: list[tuple[QRectF, str]] = []  # overlapping cards, bottom first
        self._selected_cards: list[QRectF] = []
        self._alert_cards: list[QRectF] = []
        self._selected_links = QPainterPath()
        self._badges: dict[str, list[QRectF]] = {}
        self._link_count = 0
        self._labels: list[tuple[QRectF, str]] = []
        self._labels_first: tuple[int, ...] = ()  # indices in _labels placed first, in order
        self._steps: Iterator[None] | None = None  # a rebuild in slices under way
        self._cells = OverviewCells({}, ())

    def marks_changed(self) -> None:
        """Selection, hover, alert, badge or search matches changed (not the geometry)."""
        if not self.marks_dirty:
            self.marks_dirty = True
            if self.scene.overview_active:
                self.scene.update()

    def _build(self) -> None:
        """Rebuild the geometry at once (cancelling a rebuild in slices under way)."""
        self._steps = None
        for _ in self._build_steps():
            pass

    def rebuild_in_slices(self) -> None:
        """Rebuild the geometry SLICE_MS at a time on the event loop (after a large design's
        build): the batches built so far are painted until the new ones are complete. Any
        other change (overview_dirty) cancels it: the next paint then rebuilds at once."""
        self.dirty = True
        self._steps = self._build_steps()
        QTimer.singleShot(0, self.scene, self._slice)

    def slicing(self) -> bool:
        return self._steps is not None

    def cancel_slices(self) -> None:
        self._steps = None

    def _slice(self) -> None:
        steps = self._steps
        if steps is None:
            return
        deadline = time.perf_counter() + SLICE_MS / 1000.0
        for _ in steps:
            if time.perf_counter() >= deadline:
                QTimer.singleShot(0, self.scene, self._slice)
                return
        if self._steps is steps:
            self._steps = None
            if self.scene.overview_active:
                self.scene.update()

    def _build_steps(self) -> Iterator[None]:
        """Gathers the batches, yielding every STEP items; sets them (and the marks) at the end."""
        scene = self.scene
        cards: dict[str, list[QRectF]] = {}
        w, h = st.CARD_W, st.CARD_H
        ordered = in_stacking_order(scene.component_items())
        yield
        corners = []
        for n, item in enumerate(ordered):
            corners.append(item.pos())
            if n % STEP == STEP - 1:
                yield
        overlapping: set[int] = set()
        yield from _overlapping_steps(corners, w, h, overlapping)
        stacked: list[tuple[QRectF, str]] = []
        for n, item in enumerate(ordered):
            pos = item.pos()
            rect = QRectF(pos.x(), pos.y(), w, h)
            if n in overlapping:  # painted one by one, bottom first, over the batches
                stacked.append((rect, item.stage_color))
            else:
                cards.setdefault(item.stage_color, []).append(rect)
            if n % STEP == STEP - 1:
                yield
        cells = OverviewCells()  # links and cards batched per cell of the scene
        for color, rects in cards.items():
            cells.add_cards(color, rects)
            yield
        items = scene.link_items()
        for n, link in enumerate(items):
            cells.add_link(link)
            if n % STEP == STEP - 1:
                yield
        cells.finish()
        self._cards, self._cells = cards, cells
        self._stacked = stacked
        # while a large design is built (or only its part in view, for a picture), as many
        # links as the design has: antialiasing does not change as the build goes on
        self._link_count = len(scene.document.design.links) if scene.builder.active else len(items)
        self.dirty = False
        self._build_marks()

    def _build_marks(self) -> None:
        scene = self.scene
        selected = set(scene.selectedItems())
        badges: dict[str, list[QRectF]] = {}
        chosen: list[QRectF] = []
        alert: list[QRectF] = []
        labels: list[tuple[QRectF, str]] = []
        chosen_labels: list[int] = []
        hovered_labels: list[int] = []
        matches = scene.matches
        w, h = st.CARD_W, st.CARD_H
        badge_d = st.BADGE_RADIUS * 3.2
        for item in scene.component_items():
            badge = item.badge()
            chosen_now = item in selected
            if not (badge or chosen_now or item.alerting() or item.hovered() or item.component_id in matches):
                continue
            pos = item.pos()
            x, y = pos.x(), pos.y()
            rect = QRectF(x, y, w, h)
            if chosen_now:
                chosen.append(rect.adjusted(-3, -3, 3, 3))
            if item.alerting():
                alert.append(rect.adjusted(-3, -3, 3, 3))
            if chosen_now or item.hovered() or item.component_id in matches:
                if chosen_now:
                    chosen_labels.append(len(labels))
                elif item.hovered():
                    hovered_labels.append(len(labels))
                labels.append((rect, item.name or "(unnamed)"))
            if badge is not None:
                badges.setdefault(badge[1], []).append(QRectF(x + w - badge_d, y, badge_d, badge_d))
        chosen_links = QPainterPath()
        for selected_item in selected:
            if isinstance(selected_item, LinkItem):
                chosen_links.addPath(selected_item.scene_path())
        self._badges, self._selected_cards, self._alert_cards = badges, chosen, alert
        self._selected_links = chosen_links
        self._labels, self._labels_first = labels, (*chosen_labels, *hovered_labels)
        self.marks_dirty = False

    def cells(self) -> OverviewCells:
        """The batches cut into cells of the scene, up to date (made at once if need be, ending a
        rebuild in slices under way)."""
        if self.dirty:
            self._build()
        return self._cells

    def paint(self, painter: QPainter, rect: QRectF, zoom: float) -> None:
        """Draw links, then cards, then selection and badges."""
        if self.dirty and self._steps is None:
            self._build()
        elif self.marks_dirty:
            self._build_marks()
        theme = self.scene.canvas_style.theme
        rounded = zoom >= ROUNDED_MIN_ZOOM
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, self._link_count <= AA_LINK_LIMIT)
        cells = self._cells.exposed(rect)  # in view; while rebuilt in slices, the last complete ones
        # kind by kind in one order, whatever the cells: links of two kinds cross the same way
        # however the design is cut into cells (or only partly built)
        for family, dashed in sorted({key for cell in cells for key in cell.links}):
            painter.setPen(_cosmetic(theme.flow_colors[family], 1.0, dashed))
            for cell in cells:
                path = cell.links.get((family, dashed))
                if path is not None:
                    painter.drawPath(path)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        if not self._selected_links.isEmpty():
            painter.setPen(_cosmetic(theme.selection_color, 2.0))
            painter.drawPath(self._selected_links)
        painter.setPen(Qt.PenStyle.NoPen)
        if zoom >= st.LINK_LOD_ARROW:
            for family in sorted({key for cell in cells for key in cell.arrows}):
                painter.setBrush(theme.link_brushes[family])
                for cell in cells:
                    heads = cell.arrows.get(family)
                    if heads is not None:
                        painter.drawPath(heads)
        for cell in cells:  # cards do not overlap here (overlapping ones are _stacked)
            for color, rects in cell.cards.items():
                painter.setBrush(theme.stage_brush(color))
                _fill(painter, rects, st.RADIUS if rounded else 0.0)
        for card, color in self._stacked:  # in stacking order: the card on top is the one a press picks
            painter.setBrush(theme.stage_brush(color))
            _fill(painter, [card], st.RADIUS if rounded else 0.0)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for rects, pen_color in (
            (self._selected_cards, theme.selection_color),
            (self._alert_cards, theme.flash_pen.color()),
        ):
            if rects:
                painter.setPen(_cosmetic(pen_color, 2.0))
                _fill(painter, rects, st.RADIUS + 3 if rounded else 0.0)
        painter.setPen(Qt.PenStyle.NoPen)
        for severity, rects in self._badges.items():
            painter.setBrush(theme.severity_brushes[severity])
            for badge in rects:
                painter.drawEllipse(badge)
        if self._labels:
            self._paint_labels(painter, rect, theme)

    def _paint_labels(self, painter: QPainter, exposed: QRectF, theme: st.Theme) -> None:
        """Names above the labelled blocks, in device pixels, on the label background."""
        transform = painter.worldTransform()
        device_exposed = transform.mapRect(exposed)
        placed = self.placed_labels(transform, QRectF(painter.viewport()))
        painter.save()
        painter.resetTransform()
        painter.setFont(_label_font())
        for box, text in placed:
            if not box.intersects(device_exposed):
                continue
            painter.setPen(theme.border_pen)
            painter.setBrush(theme.card_brush)
            painter.drawRoundedRect(box, 4, 4)
            painter.setPen(theme.name_pen)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def placed_labels(self, transform: QTransform, viewport: QRectF) -> list[tuple[QRectF, str]]:
        """Where the labels go in a view of `viewport` (device pixels) drawing the scene with
        `transform`: each label's box and its text, elided. Placed over the whole view, not
        only a repainted part: a partial repaint puts every label where the full paint did."""
        metrics = QFontMetricsF(_label_font())
        height = metrics.height() + 4
        view = viewport.adjusted(-LABEL_MAX_W, -2 * height, LABEL_MAX_W, 2 * height)
        taken = LabelPlacer()  # the boxes placed so far, in device pixels
        placed: list[tuple[QRectF, str]] = []
        for index in label_order(len(self._labels), self._labels_first):
            card, name = self._labels[index]
            if len(placed) >= LABEL_LIMIT:
                break
            if not transform.mapRect(card).intersects(view):
                continue
            text = metrics.elidedText(name, Qt.TextElideMode.ElideRight, LABEL_MAX_W)
            width = metrics.horizontalAdvance(text) + 10
            top = transform.map(QPointF(card.center().x(), card.top()))
            bottom = transform.map(QPointF(card.center().x(), card.bottom()))
            box = free_label_box(top, bottom, width, height, taken, viewport.top())
            if box is not None:
                taken.add((box.x(), box.y(), box.width(), box.height()))
                placed.append((box, text))
        return placed


def label_order(count: int, first: tuple[int, ...]) -> list[int]:
    """Indices of `count` labels: those in `first` (selected, then hovered), then the others."""
    placed_first = set(first)
    return [*first, *(i for i in range(count) if i not in placed_first)]


def fits_above(block_top: float, height: float, view_top: float) -> bool:
    """Whether a box `height` tall above a block (its top at `block_top`) stays in the view."""
    return block_top - height - LABEL_GAP >= view_top


def free_label_box(
    top: QPointF, bottom: QPointF, width: float, height: float, taken: LabelPlacer, view_top: float
) -> QRectF | None:
    """A label's box centred above its block (top middle `top`) when it stays below `view_top`,
    else below the block (bottom middle `bottom`), whichever first comes near none of the boxes
    `taken`; None when both would."""
    above = QRectF(top.x() - width / 2, top.y() - height - LABEL_GAP, width, height)
    below = QRectF(bottom.x() - width / 2, bottom.y() + LABEL_GAP, width, height)
    sides = (above, below) if fits_above(top.y(), height, view_top) else (below, above)
    for box in sides:
        if not taken.blocked(box.x(), box.y(), box.width(), box.height()):
            return box
    return None


def _overlapping(corners: list[QPointF], w: float, h: float) -> set[int]:
    """Indices of the cards (top-left corners, size w x h) that overlap another card."""
    found: set[int] = set()
    for _ in _overlapping_steps(corners, w, h, found):
        pass
    return found


def _overlapping_steps(corners: list[QPointF], w: float, h: float, found: set[int]) -> Iterator[None]:
    """_overlapping() into `found`, yielding every STEP cards."""
    points = []
    cells: dict[tuple[int, int], list[int]] = {}
    for n, p in enumerate(corners):
        x, y = p.x(), p.y()
        points.append((x, y))
        cells.setdefault((int(x // w), int(y // h)), []).append(n)
        if n % STEP == STEP - 1:
            yield
    done = 0
    for (cx, cy), members in cells.items():
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for n in members:
                    for m in cells.get((cx + dx, cy + dy), ()):
                        if (
                            m != n
                            and abs(points[n][0] - points[m][0]) < w
                            and abs(points[n][1] - points[m][1]) < h
                        ):
                            found.add(n)
        done += len(members)
        if done >= STEP:
            done = 0
            yield


def _fill(painter: QPainter, rects: list[QRectF], radius: float) -> None:
    if radius <= 0:
        painter.drawRects(rects)
        return
    for rect in rects:
        painter.drawRoundedRect(rect, radius, radius)
