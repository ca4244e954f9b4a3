"""LinkItem: a typed arrow from a port on one card's edge to a port on another's.

The path, arrow head, label position, bounds and hit shape are computed in update_path() when
an endpoint moves (see routing.reroute), never in paint().
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
    QStaticText,
)
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QStyleOptionGraphicsItem, QWidget

from app.domain.model import Link
from app.ui.canvas import style as st
from app.ui.canvas.component_item import ComponentItem
from app.ui.canvas.plain_text import plain_line, plain_tooltip
from app.ui.canvas.routing import ARROW_LEN, Box, card_box, choose_sides, point_at, route

if TYPE_CHECKING:
    from app.ui.canvas.scene import DesignScene

LABEL_MAX = 32
ALIASED_FAINT_LINKS = 1000  # designs with more links stroke their faint links without antialiasing
LABEL_TEXTS = 4096  # distinct label texts kept (see label_text)
LABEL_POSITIONS = (0.5, 0.38, 0.62, 0.27, 0.73)  # where along the link a label may sit
_lod_of = QStyleOptionGraphicsItem.levelOfDetailFromTransform
_NO_BRUSH = Qt.BrushStyle.NoBrush  # looked up once: enum members cost microseconds each, per link and frame
_NO_PEN = Qt.PenStyle.NoPen
_ANTIALIASING = QPainter.RenderHint.Antialiasing


class LinkItem(QGraphicsRectItem):
    """One link; the scene re-routes it when either card moves.

    A QGraphicsRectItem only for its bounding rectangle, which Qt then reads without calling
    into Python: the scene asks every link in view for it several times a frame (900 links
    zoomed out: 15 ms a frame through a Python boundingRect). The rectangle is never drawn
    (paint draws the link) and is kept equal to the link's bounds (see _set_label)."""

    def __init__(
        self, link: Link, source: ComponentItem, target: ComponentItem, canvas_style: st.CanvasStyle
    ):
        super().__init__()
        self.link_id = link.id
        self.source = source
        self.target = target
        self.owner: DesignScene | None = None
        self._style = canvas_style
        self.src_side, self.tgt_side = choose_sides(self._box(source), self._box(target))
        self.src_port = 0.5
        self.tgt_port = 0.5
        self._path = QPainterPath()
        self._arrow = QPolygonF()
        self._arrow_cache: QPainterPath | None = None  # the arrow as a path (see _arrow_path)
        self._faint: tuple[st.Theme, QPen, QBrush] | None = None  # pen and brush when zoomed out
        self._shape: QPainterPath | None = None
        self.setPen(_NO_PEN)  # the rectangle's bounds are the link's bounds exactly (no pen width)
        self._label_rect = QRectF()
        self._label_visible = False
        self._curve: tuple[float, ...] = (0.0,) * 8
        self._length = 0.0
        self._route_bounds = QRectF()
        self._routed = False
        self.rel: tuple[float, float] | None = None  # target corner minus source corner when routed
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(0.0)
        self.set_link(link)

    def set_link(self, link: Link) -> None:
        """Take flow, feedback and label from the link (its ends never change)."""
        self.flow = link.flow
        self.feedback = link.feedback
        self.phase = link.phase
        label = plain_line(link.label)
        if len(label) > LABEL_MAX:
            label = label[: LABEL_MAX - 1] + "…"
        self.label = label
        self.text = f"{link.flow} · {label}" if label else link.flow
        self.family = st.FLOW_FAMILY.get(link.flow, "govern")
        self._faint = None
        self._label_text = label_text(self.text)
        metrics = QFontMetricsF(self._style.theme.link_font)
        self._label_size = (metrics.horizontalAdvance(self.text) + 10, metrics.height() + 3)
        source = self.source.name or self.source.component_id
        target = self.target.name or self.target.component_id
        lines = [
            f"{source} → {target}",
            f"Flow: {link.flow}" + (" (feedback loop)" if link.feedback else ""),
            f"Phase: {link.phase}",
        ]
        if label:
            lines.append(f"Label: {plain_line(link.label)}")
        self.setToolTip(plain_tooltip(lines))
        if self._routed:  # a new link is routed by the scene, together with its neighbours
            self.update_path()
        else:
            self._changed()

    @staticmethod
    def _box(card: ComponentItem) -> Box:
        pos = card.pos()
        return card_box(pos.x(), pos.y())

    def update_path(self) -> None:
        """Recompute the geometry from the cards' positions and this link's sides and ports."""
        source, target = self._box(self.source), self._box(self.target)
        self.rel = (target[0] - source[0], target[1] - source[1])
        self.set_route(source, target)

    def set_route(self, source: Box, target: Box) -> None:
        """Recompute the geometry for cards at these boxes (see routing.reroute).

        The geometry is kept relative to the source card's corner, which becomes the item's
        position: when both cards move together the link only moves (see follow()).
        """
        sx, sy = source[0], source[1]
        local_source = (0.0, 0.0, source[2], source[3])
        local_target = (target[0] - sx, target[1] - sy, target[2], target[3])
        geometry = route(
            local_source, local_target, self.src_side, self.tgt_side, self.src_port, self.tgt_port
        )
        self.prepareGeometryChange()
        self._routed = True
        self._path = geometry.path
        self._arrow = geometry.arrow
        self._arrow_cache = None
        self._curve = geometry.curve
        self._length = geometry.length
        self._route_bounds = geometry.bounds
        self._shape = None
        # a first guess: mid-way unless it covers one of the two cards; the scene's label pass
        # (place_label) then avoids every card and the other labels
        w, h = self._label_size
        mx, my = point_at(geometry.curve, 0.5)
        lx, ly = mx - w / 2, my - h / 2
        fits = (
            self._length >= w + 2 * ARROW_LEN
            and not _overlaps(lx, ly, w, h, local_source)
            and not _overlaps(lx, ly, w, h, local_target)
        )
        self._set_label(QRectF(lx, ly, w, h) if fits else None)
        self.setPos(sx, sy)
        self._changed()

    def _changed(self) -> None:
        """Geometry, label or style changed: out of the scene's link batches (link_batches)."""
        owner = self.owner
        if owner is not None:
            owner.link_batches.changed(self)

    def _set_label(self, rect: QRectF | None) -> None:
        self._label_visible = rect is not None
        if rect is not None:
            self._label_rect = rect
        bounds = self._route_bounds.united(rect) if rect is not None else self._route_bounds
        self.setRect(bounds.adjusted(-2, -2, 2, 2))  # boundingRect() (QGraphicsRectItem's)
        self._shape = None

    def place_label(self, blocked: Callable[[float, float, float, float], bool]) -> QRectF | None:
        """Put the label on the first free spot along the link, or hide it.

        `blocked(x, y, w, h)` tells whether a rectangle in scene coordinates overlaps a card
        or a label placed before. Returns the label's scene rectangle, or None if hidden.
        """
        w, h = self._label_size
        pos = self.pos()
        px, py = pos.x(), pos.y()
        choice = None
        if self._routed and self._length >= w + 2 * ARROW_LEN:
            for t in LABEL_POSITIONS:
                mx, my = point_at(self._curve, t)
                lx, ly = mx - w / 2, my - h / 2
                if not blocked(lx + px, ly + py, w, h):
                    choice = QRectF(lx, ly, w, h)
                    break
        if choice != (self._label_rect if self._label_visible else None):
            self.prepareGeometryChange()
            self._set_label(choice)
            self.update()
            self._changed()
        return choice.translated(px, py) if choice is not None else None

    def follow(self, source: Box) -> None:
        """Both cards moved by the same amount: move the link along, its shape unchanged."""
        self.setPos(source[0], source[1])
        self._changed()

    def path(self) -> QPainterPath:
        """The link's path in item coordinates (relative to the source card's corner)."""
        return self._path

    def scene_path(self) -> QPainterPath:
        """The link's path in scene coordinates."""
        return self._path.translated(self.pos())

    def arrow(self) -> QPolygonF:
        return self._arrow

    def label_visible(self) -> bool:
        return self._label_visible

    def label_rect(self) -> QRectF:
        return QRectF(self._label_rect)

    def label_static(self) -> QStaticText:
        """The label's text as drawn (shared by the links showing the same text)."""
        return self._label_text

    # ---- QGraphicsItem ------------------------------------------------------------------------------

    def shape(self) -> QPainterPath:
        if self._shape is None:
            stroker = QPainterPathStroker()
            stroker.setWidth(10.0)
            shape = stroker.createStroke(self._path)
            shape.addPolygon(self._arrow)
            if self._label_visible:
                shape.addRect(self._label_rect)
            shape.setFillRule(Qt.FillRule.WindingFill)
            self._shape = shape
        return self._shape

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        theme = self._style.theme
        lod = _lod_of(painter.worldTransform())
        owner = self.owner
        exporting = owner is not None and owner.exporting
        if lod < st.LINK_FAINT_ZOOM and not exporting and not self.isSelected():
            many = owner is not None and owner.link_count() > ALIASED_FAINT_LINKS
            self._paint_faint(painter, theme, lod, many)
            return
        selected = self.isSelected() and not exporting
        painter.setBrush(_NO_BRUSH)
        painter.setPen(theme.link_pen(self.family, self.feedback, selected, exporting))
        painter.drawPath(self._path)
        if lod < st.LINK_LOD_ARROW:
            return
        painter.setPen(_NO_PEN)
        painter.setBrush(theme.selection_pen.brush() if selected else theme.link_brushes[self.family])
        if exporting:
            painter.drawPolygon(self._arrow)  # a polygon in SVG and PDF, as before
        else:
            painter.drawPath(self._arrow_path())
        self._paint_label(painter, theme, lod)

    def _paint_faint(self, painter: QPainter, theme: st.Theme, lod: float, many: bool) -> None:
        """An unselected link on screen, zoomed out: the faint pen and brush of its family
        (looked up once per theme). With many links in the design the line is stroked without
        antialiasing: a faint 1 px line looks about the same aliased and strokes in half the
        time (its arrow head stays smooth)."""
        faint = self._faint
        if faint is None or faint[0] is not theme:
            faint = self._faint = (
                theme,
                theme.faint_link_pen(self.family, self.feedback),
                theme.faint_link_brushes[self.family],
            )
        painter.setBrush(_NO_BRUSH)
        painter.setPen(faint[1])
        if many and painter.testRenderHint(_ANTIALIASING):
            painter.setRenderHint(_ANTIALIASING, False)
            painter.drawPath(self._path)
            painter.setRenderHint(_ANTIALIASING, True)
        else:
            painter.drawPath(self._path)
        if lod < st.LINK_LOD_ARROW:
            return
        painter.fillPath(self._arrow_path(), faint[2])  # the pixels of NoPen + brush + drawPath
        if lod >= st.LINK_LABEL_LOD and self._label_visible:
            self._paint_label(painter, theme, lod)

    def _arrow_path(self) -> QPainterPath:
        """The arrow head as a closed path: filled with the same pixels as the polygon, and a
        path is passed to Qt without converting a point list on every paint."""
        path = self._arrow_cache
        if path is None:
            path = self._arrow_cache = QPainterPath()
            path.addPolygon(self._arrow)
            path.closeSubpath()
        return path

    def _paint_label(self, painter: QPainter, theme: st.Theme, lod: float) -> None:
        if lod < st.LINK_LABEL_LOD or not self._label_visible:
            return
        painter.setPen(_NO_PEN)
        painter.setBrush(theme.label_brush)
        rect = self._label_rect
        painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
        painter.setPen(theme.link_text_pens[self.family])
        painter.setFont(theme.link_font)
        painter.drawStaticText(QPointF(rect.x() + 5, rect.y() + 1.5), self._label_text)


@lru_cache(maxsize=LABEL_TEXTS)
def label_text(text: str) -> QStaticText:
    """A label's text, shared by the links showing the same text: most labels are a flow's name
    alone, and a QStaticText keeps its glyphs laid out for the last zoom it was drawn at, so after
    a zoom change each distinct label is laid out once, not once per link."""
    static = QStaticText(text)
    static.setTextFormat(Qt.TextFormat.PlainText)
    static.setPerformanceHint(QStaticText.PerformanceHint.AggressiveCaching)
    return static


def _overlaps(x: float, y: float, w: float, h: float, box: Box) -> bool:
    bx, by, bw, bh = box
    return x < bx + bw and bx < x + w and y < by + bh and by < y + h
