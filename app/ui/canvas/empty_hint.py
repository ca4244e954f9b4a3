"""The hint painted in the middle of an empty canvas: how to begin, gone with the first card."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette

EMPTY_TITLE = "An empty design"
EMPTY_STEPS = (
    "Drag a kind from the palette onto the canvas, or double-click it, to add a card.",
    "Drag from a card's edge to another card to link them; release on empty canvas to add a linked card.",
    "Or start from a worked design: File ▸ New from Template…",
)
# In a timed interview the design is drawn from scratch: no worked design is offered.
INTERVIEW_STEPS = EMPTY_STEPS[:2]
HINT_WIDTH = 560.0


def paint_empty_hint(
    painter: QPainter, viewport: QRectF, palette: QPalette, steps: tuple[str, ...] = EMPTY_STEPS
) -> QRectF:
    """Paint the hint centred in `viewport` (device coordinates); returns the box it used."""
    painter.save()
    painter.resetTransform()
    width = min(HINT_WIDTH, viewport.width() - 40.0)
    title_font = QFont(painter.font())
    title_font.setPointSizeF(max(title_font.pointSizeF(), 9.0) * 1.5)
    title_font.setBold(True)
    body_font = QFont(painter.font())
    body_font.setPointSizeF(max(body_font.pointSizeF(), 9.0) * 1.1)
    body = "\n".join(f"•  {step}" for step in steps)
    flags = int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap)
    painter.setFont(title_font)
    title_box = painter.boundingRect(QRectF(0, 0, width, 1000), flags, EMPTY_TITLE)
    painter.setFont(body_font)
    body_box = painter.boundingRect(QRectF(0, 0, width, 1000), flags, body)
    height = title_box.height() + 10.0 + body_box.height()
    left = viewport.center().x() - width / 2
    top = viewport.center().y() - height / 2
    frame = QRectF(left - 20, top - 16, width + 40, height + 32)
    fill = QColor(palette.color(QPalette.ColorRole.Base))
    fill.setAlpha(230)
    painter.setPen(QColor(palette.color(QPalette.ColorRole.Mid)))
    painter.setBrush(fill)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.drawRoundedRect(frame, 10, 10)
    text = palette.color(QPalette.ColorRole.Text)
    painter.setPen(text)
    painter.setFont(title_font)
    painter.drawText(QRectF(left, top, width, title_box.height()), flags, EMPTY_TITLE)
    painter.setFont(body_font)
    painter.drawText(QRectF(left, top + title_box.height() + 10.0, width, body_box.height()), flags, body)
    painter.restore()
    return frame
