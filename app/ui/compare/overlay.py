"""What the compare view draws over the canvas; none of it belongs to the document.

- CardMark: a coloured outline around a current card (a child item, so it follows the card
  while it is dragged): green for an added component, amber for a changed one.
- LinkMark: a graphics effect on a current link that paints a coloured halo along its path
  under the link (an effect follows the link's re-routing without any help). Zoomed out the
  scene paints links in batches and effects are not drawn: OverviewHalos paints them then.
- GhostCard / GhostLink: a removed component or link, drawn semi-transparent and red at its
  old place. They are plain scene items, never ComponentItem or LinkItem, so selection,
  editing and connecting ignore them.

Colours are chosen at paint time from the scene's current light or dark theme.
"""

from __future__ import annotations

from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsEffect, QGraphicsItem, QGraphicsScene

from app.domain.catalog import Catalog
from app.domain.model import Component
from app.ui.canvas import style as st
from app.ui.canvas.component_item import ComponentItem
from app.ui.canvas.link_item import LinkItem
from app.ui.canvas.plain_text import plain_line, plain_tooltip
from app.ui.canvas.routing import card_box, choose_sides, route

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
GHOST_OPACITY = 0.5
MARK_GAP = 6.0  # outline distance from the card's edge (the selection outline sits at 3)
Z_GHOST = 0.5  # above links (0), below cards (1)


@dataclass(frozen=True)
class MarkColors:
    added: QColor
    removed: QColor
    changed: QColor

    def of(self, action: str) -> QColor:
        return {ADDED: self.added, REMOVED: self.removed}.get(action, self.changed)


# Chosen to read on the light canvas (#FAFAFB-ish) and on the dark one (#1B1D21-ish), and to
# stay apart from the selection blue and the severity badges.
LIGHT = MarkColors(added=QColor("#1E8E3E"), removed=QColor("#D93025"), changed=QColor("#E37400"))
DARK = MarkColors(added=QColor("#4CD07D"), removed=QColor("#FF6B63"), changed=QColor("#FFB347"))


def colors_for(scene: QGraphicsScene | None) -> MarkColors:
    """The mark colours for the scene's current theme (light when unknown)."""
    style = getattr(scene, "canvas_style", None)
    return DARK if style is not None and style.theme.dark else LIGHT


def _with_alpha(color: QColor, alpha: int) -> QColor:
    c = QColor(color)
    c.setAlpha(alpha)
    return c


class CardMark(QGraphicsItem):
    """The outline of an added (green) or changed (amber) card; thicker while it is the
    change being looked at."""

    def __init__(self, card: ComponentItem, action: str):
        super().__init__(card)
        self.action = action
        self.current = False
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)

    def set_current(self, on: bool) -> None:
        if on != self.current:
            self.current = on
            self.update()

    def boundingRect(self) -> QRectF:
        pad = MARK_GAP + 4
        return st.CARD_RECT.adjusted(-pad, -pad, pad, pad)

    def shape(self) -> QPainterPath:
        return QPainterPath()  # never hit: clicks and hovers reach the card

    def paint(self, painter: QPainter, option, widget=None) -> None:
        color = colors_for(self.scene()).of(self.action)
        pen = QPen(color, 4.0 if self.current else 2.5)
        pen.setCosmetic(True)  # as visible zoomed out as at 1:1
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        r = st.RADIUS + MARK_GAP
        painter.drawRoundedRect(st.CARD_RECT.adjusted(-MARK_GAP, -MARK_GAP, MARK_GAP, MARK_GAP), r, r)


class LinkMark(QGraphicsEffect):
    """A halo along an added (green) or changed (amber) link, drawn under the link itself."""

    HALO = 7.0

    def __init__(self, link: LinkItem, action: str):
        super().__init__()
        self.link = link
        self.action = action
        self.current = False

    def set_current(self, on: bool) -> None:
        if on != self.current:
            self.current = on
            self.update()

    def boundingRectFor(self, rect: QRectF | QRect) -> QRectF:
        pad = self.HALO + 2
        return QRectF(rect).adjusted(-pad, -pad, pad, pad)

    def draw(self, painter: QPainter) -> None:
        color = colors_for(self.link.scene()).of(self.action)
        alpha, width = (200, self.HALO * 1.5) if self.current else (130, self.HALO)
        pen = QPen(_with_alpha(color, alpha), width)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.save()
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.link.path())
        painter.setBrush(QBrush(pen.color()))
        painter.setPen(Qt.PenStyle.NoPen)
        arrow = self.link.arrow()
        if not arrow.isEmpty():
            center = arrow.boundingRect().center()
            painter.drawEllipse(center, self.HALO, self.HALO)
        painter.restore()
        self.drawSource(painter)


class OverviewHalos(QGraphicsItem):
    """The halos of the marked links while the scene paints its zoomed-out overview."""

    def __init__(self, marks: list[LinkMark]):
        super().__init__()
        self.marks = marks
        bounds = QRectF()
        for mark in marks:
            bounds = bounds.united(mark.link.sceneBoundingRect())
        self._bounds = bounds.adjusted(-20, -20, 20, 20)
        self.setZValue(Z_GHOST)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        return QPainterPath()

    def paint(self, painter: QPainter, option, widget=None) -> None:
        scene = self.scene()
        if scene is None or not getattr(scene, "overview_active", False):
            return  # at normal zoom each link's LinkMark draws its own halo
        colors = colors_for(scene)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for mark in self.marks:
            if not (shiboken6.isValid(mark) and shiboken6.isValid(mark.link)):
                continue
            pen = QPen(_with_alpha(colors.of(mark.action), 150), 5.0)
            pen.setCosmetic(True)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setPen(pen)
            painter.drawPath(mark.link.scene_path())


class GhostCard(QGraphicsItem):
    """A removed component at its old position: the card as it was, faded, tinted red."""

    def __init__(self, component: Component, catalog: Catalog, canvas_style: st.CanvasStyle):
        super().__init__()
        self.component_id = component.id
        self.current = False
        # Draws the card; never added to a scene, so nothing can select or edit it.
        self._card = ComponentItem(component, catalog, canvas_style)
        self.setPos(component.position.x, component.position.y)
        self.setZValue(Z_GHOST)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        name = plain_line(component.name) or component.id
        self.setToolTip(plain_tooltip([f"Removed: {name}", f"Kind: {self._card.kind_label}"]))

    def set_current(self, on: bool) -> None:
        if on != self.current:
            self.current = on
            self.update()

    def card_rect(self) -> QRectF:
        return st.CARD_RECT.translated(self.pos())

    def boundingRect(self) -> QRectF:
        return st.CARD_BOUNDS

    def paint(self, painter: QPainter, option, widget=None) -> None:
        color = colors_for(self.scene()).removed
        painter.save()
        painter.setOpacity(GHOST_OPACITY)
        self._card.paint(painter, option, widget)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(_with_alpha(color, 60))
        painter.drawRoundedRect(st.CARD_RECT, st.RADIUS, st.RADIUS)
        painter.restore()
        pen = QPen(color, 3.0 if self.current else 2.0, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(st.CARD_RECT, st.RADIUS, st.RADIUS)


class GhostLink(QGraphicsItem):
    """A removed link, dashed red, between where its ends are now (or were, if removed too)."""

    def __init__(self, link_id: str, source: tuple[float, float], target: tuple[float, float], tip: str):
        super().__init__()
        self.link_id = link_id
        self.current = False
        src, tgt = card_box(*source), card_box(*target)
        out_side, in_side = choose_sides(src, tgt)
        geometry = route(src, tgt, out_side, in_side)
        self._path = geometry.path
        self._arrow = QPolygonF(geometry.arrow)
        self._bounds = geometry.bounds.adjusted(-4, -4, 4, 4)
        self.setZValue(Z_GHOST)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setToolTip(plain_tooltip([tip]))

    def set_current(self, on: bool) -> None:
        if on != self.current:
            self.current = on
            self.update()

    def path(self) -> QPainterPath:
        return self._path

    def boundingRect(self) -> QRectF:
        return self._bounds

    def midpoint(self) -> QPointF:
        return self._path.pointAtPercent(0.5)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        color = colors_for(self.scene()).removed
        pen = QPen(_with_alpha(color, 210), 3.0 if self.current else 2.0, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._path)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(_with_alpha(color, 210))
        painter.drawPolygon(self._arrow)
