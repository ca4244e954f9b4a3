"""The parts of a card painted over its chrome and text, as plain functions: the block drawn
when zoomed far out, the pin of a pinned card, the state outline and hover handles, and the
findings badge (see component_item.py for when each is drawn)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QPainter, QStaticText

from app.ui.canvas import card_text as ct
from app.ui.canvas import style as st


def paint_block(
    painter: QPainter, theme: st.Theme, stage_brush: QBrush, selected: bool, badge: tuple[int, str] | None
) -> None:
    """The card as a stage-coloured block with the badge's colour as a dot (below BLOCK_ZOOM)."""
    painter.setPen(theme.selection_pen if selected else Qt.PenStyle.NoPen)
    painter.setBrush(stage_brush)
    painter.drawRoundedRect(st.CARD_RECT, st.RADIUS, st.RADIUS)
    if badge is not None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(theme.severity_brushes[badge[1]])
        r = st.BADGE_RADIUS * 1.6
        painter.drawEllipse(QPointF(st.CARD_W - r, r), r, r)


def paint_pin(painter: QPainter, theme: st.Theme, layout: ct.CardText) -> None:
    """A small pin right of the name's last line on a pinned card (room kept by the layout)."""
    size = layout.pin_size
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(theme.pin_brush)
    painter.drawPath(st.pin_path(st.CARD_W - layout.text_x - size, layout.pin_y, size))


def paint_state(
    painter: QPainter,
    theme: st.Theme,
    *,
    flash: bool,
    drop_target: bool,
    selected: bool,
    hover: bool,
    matched: bool = False,
) -> None:
    """The outline of a flashing, targeted, selected or search-matched card, and the edge
    handles on hover."""
    outline = None
    if flash:
        outline = theme.flash_pen
    elif drop_target:
        outline = theme.target_pen
    elif selected:
        outline = theme.selection_pen
    elif matched:
        outline = theme.match_pen
    if outline is not None:
        painter.setPen(outline)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        r = st.RADIUS + 3
        painter.drawRoundedRect(st.CARD_RECT.adjusted(-3, -3, 3, 3), r, r)
    if hover:
        painter.setPen(theme.handle_pen)
        painter.setBrush(theme.handle_brush)
        radius = st.HANDLE_RADIUS
        for x, y in st.HANDLE_POINTS:
            painter.drawEllipse(QPointF(x, y), radius, radius)


def paint_badge(painter: QPainter, theme: st.Theme, badge: tuple[int, str], text: QStaticText | None) -> None:
    """The open findings' count in the worst severity's colour, at the card's top right corner."""
    count, severity = badge
    r = st.BADGE_RADIUS
    center = QPointF(st.CARD_W - 3, 3)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(theme.severity_brushes[severity])
    width = r if count < 10 else r + 4
    painter.drawRoundedRect(QRectF(center.x() - width, center.y() - r, 2 * width, 2 * r), r, r)
    painter.setPen(theme.severity_text_pens[severity])
    painter.setFont(theme.badge_font)
    if text is None:
        return
    size = text.size()
    painter.drawStaticText(QPointF(center.x() - size.width() / 2, center.y() - size.height() / 2), text)
