"""Drawing of the findings tree: severity icons, and a delegate that word-wraps each finding.

A finding row shows the severity icon, "R24  Latency budget" in bold (wrapped over up to two
lines), the message wrapped over up to three lines, and a muted line with the components'
names (or, for an accepted finding, its rationale). Group rows show a coloured bar, the group
name and its count.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QIcon,
    QPainter,
    QPainterPath,
    QPalette,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QStyle,
    QStyledItemDelegate,
    QStyleOptionFocusRect,
    QStyleOptionViewItem,
    QTreeWidget,
    QWidget,
)

from app.rules.model import Finding
from app.ui.theme import SEVERITY_COLORS, muted_text_color

FINDING_ROLE = Qt.ItemDataRole.UserRole + 10
GROUP_ROLE = Qt.ItemDataRole.UserRole + 11  # (key, title, count, colour)
DETAIL_ROLE = Qt.ItemDataRole.UserRole + 12  # the muted last line of a finding row
_PAD = 6
_ICON = 16
_MAX_MESSAGE_LINES = 3
_MAX_TITLE_LINES = 2
_HEIGHTS_KEPT = 20_000  # wrapped heights remembered by the delegate (cleared when full)


@cache
def severity_icon(severity: str, size: int = _ICON) -> QIcon:
    """A small badge per severity (and 'accepted'): red !, amber triangle, blue i, green check."""
    scale = 2
    pixmap = QPixmap(size * scale, size * scale)
    pixmap.setDevicePixelRatio(scale)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    color = QColor(SEVERITY_COLORS.get(severity, "#888888"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    box = QRectF(1, 1, size - 2, size - 2)
    if severity == "warning":
        path = QPainterPath()
        path.moveTo(size / 2, 1)
        path.lineTo(size - 1, size - 1.5)
        path.lineTo(1, size - 1.5)
        path.closeSubpath()
        painter.drawPath(path)
        box = QRectF(0, 3, size, size - 3)
    else:
        painter.drawEllipse(box)
    glyph = {"error": "!", "warning": "!", "info": "i", "accepted": "✓"}.get(severity, "?")
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * 0.68))
    painter.setFont(font)
    painter.setPen(QColor("#FFFFFF"))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, glyph)
    painter.end()
    return QIcon(pixmap)


def _head(finding: Finding) -> str:
    return f"{finding.rule}  {finding.title}"


class FindingTree(QTreeWidget):
    """A tree whose rows re-flow their height when the width changes."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._last_width = -1
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self.setUniformRowHeights(False)
        self.setIndentation(10)
        self.setRootIsDecorated(True)
        self.setAnimated(False)
        self.setWordWrap(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QTreeWidget.ScrollMode.ScrollPerPixel)
        self.setItemDelegate(FindingDelegate(self))
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        width = self.viewport().width()
        if width != self._last_width:
            self._last_width = width
            self.scheduleDelayedItemsLayout()


@dataclass(frozen=True)
class _FontSet:
    """The row fonts for one view font (the name line bold, the detail line smaller) and their
    metrics, made once: the tree asks for every row's size at each layout (hundreds of rows)."""

    key: str
    base: QFont
    bold: QFont
    small: QFont
    base_metrics: QFontMetrics
    bold_metrics: QFontMetrics
    small_metrics: QFontMetrics

    @staticmethod
    def of(font: QFont) -> _FontSet:
        base = QFont(font)
        bold = QFont(base)
        bold.setBold(True)
        small = QFont(base)
        small.setPointSizeF(max(base.pointSizeF() * 0.88, 7.0))
        return _FontSet(
            font.key(), base, bold, small, QFontMetrics(base), QFontMetrics(bold), QFontMetrics(small)
        )


class FindingDelegate(QStyledItemDelegate):
    def __init__(self, view: FindingTree):
        super().__init__(view)
        self.view = view
        self._heights: dict[tuple[str, int, str], int] = {}
        self._font_sets: dict[str, _FontSet] = {}
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):  # fonts added later may change what a font resolves to
            app.fontDatabaseChanged.connect(self._forget_fonts)

    def _forget_fonts(self) -> None:
        self._font_sets.clear()
        self._heights.clear()

    # ---- geometry -----------------------------------------------------------------------

    def _fonts(self, option: QStyleOptionViewItem) -> _FontSet:
        key = option.font.key()
        fonts = self._font_sets.get(key)
        if fonts is None:
            fonts = self._font_sets[key] = _FontSet.of(option.font)
        return fonts

    def _text_width(self, index: QModelIndex | QPersistentModelIndex) -> int:
        depth = 0
        parent = index.parent()
        while parent.isValid():
            depth += 1
            parent = parent.parent()
        indent = self.view.indentation() * (depth + (1 if self.view.rootIsDecorated() else 0))
        return max(self.view.viewport().width() - indent - _ICON - 3 * _PAD, 80)

    def _message_rect(self, fonts: _FontSet, text: str, width: int) -> QRect:
        return QRect(0, 0, width, self._message_height(fonts, text, width))

    def _message_height(self, fonts: _FontSet, text: str, width: int) -> int:
        """The wrapped text's height (at most _MAX_MESSAGE_LINES lines), remembered per font,
        width and text: the tree asks again for every row at each layout (hundreds of rows)."""
        return self._wrapped_height(fonts.key, fonts.base_metrics, _MAX_MESSAGE_LINES, text, width)

    def _head_height(self, fonts: _FontSet, text: str, width: int) -> int:
        """The bold "R23  title" line's height: one line, or two when the title is longer;
        remembered like the messages' (a design's thousands of findings share a few titles)."""
        key = (fonts.key + "/head", width, text)
        height = self._heights.get(key)
        if height is None:
            metrics = fonts.bold_metrics
            if metrics.horizontalAdvance(text) <= width:
                height = metrics.height()
            else:
                height = self._wrapped_height(fonts.key + "/bold", metrics, _MAX_TITLE_LINES, text, width)
            if len(self._heights) >= _HEIGHTS_KEPT:
                self._heights.clear()
            self._heights[key] = height
        return height

    def _wrapped_height(self, key: str, metrics: QFontMetrics, lines: int, text: str, width: int) -> int:
        cache_key = (key, width, text)
        height = self._heights.get(cache_key)
        if height is None:
            bound = metrics.boundingRect(QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, text)
            height = min(bound.height(), metrics.lineSpacing() * lines)
            if len(self._heights) >= _HEIGHTS_KEPT:
                self._heights.clear()
            self._heights[cache_key] = height
        return height

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        fonts = self._fonts(option)
        if index.data(GROUP_ROLE) is not None:
            return QSize(200, fonts.bold_metrics.height() + 2 * _PAD)
        finding: Finding | None = index.data(FINDING_ROLE)
        width = self._text_width(index)
        if finding is None:
            text = index.data(Qt.ItemDataRole.DisplayRole) or ""
            return QSize(200, self._message_height(fonts, text, width) + 2 * _PAD)
        height = self._head_height(fonts, _head(finding), width)
        height += 2 + self._message_height(fonts, finding.message, width)
        if index.data(DETAIL_ROLE):
            height += 2 + fonts.small_metrics.height()
        return QSize(200, height + 2 * _PAD)

    # ---- painting -----------------------------------------------------------------------

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        style = opt.widget.style() if opt.widget else None
        painter.save()
        if style is not None:
            opt_bg = QStyleOptionViewItem(opt)
            opt_bg.text = ""
            opt_bg.icon = QIcon()
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt_bg, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        text_color = opt.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        group = index.data(GROUP_ROLE)
        if group is not None:
            self._paint_group(painter, opt, group, text_color)
        else:
            self._paint_finding(painter, opt, index, text_color, selected)
        if style is not None and opt.state & QStyle.StateFlag.State_HasFocus:
            # the row the arrow keys move from: a list reached with Tab shows where it is
            focus = QStyleOptionFocusRect()
            focus.rect, focus.state, focus.palette = opt.rect, opt.state, opt.palette
            role = QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Base
            focus.backgroundColor = opt.palette.color(role)
            style.drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, focus, painter, opt.widget)
        painter.restore()

    def _paint_group(
        self,
        painter: QPainter,
        opt: QStyleOptionViewItem,
        group: tuple[str, str, int, str],
        text_color: QColor,
    ) -> None:
        _key, title, count, color = group
        fonts = self._fonts(opt)
        rect = opt.rect
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(color))
        painter.drawRoundedRect(QRectF(rect.left() + 2, rect.top() + 5, 4, rect.height() - 10), 2, 2)
        painter.setFont(fonts.bold)
        painter.setPen(text_color)
        text_rect = rect.adjusted(12, 0, -_PAD, 0)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, title)
        painter.setFont(fonts.small)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, str(count))

    def _paint_finding(
        self,
        painter: QPainter,
        opt: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
        text_color: QColor,
        selected: bool,
    ) -> None:
        fonts = self._fonts(opt)
        finding: Finding | None = index.data(FINDING_ROLE)
        rect = opt.rect.adjusted(_PAD, _PAD, -_PAD, -_PAD)
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(icon, QIcon):
            icon.paint(painter, QRect(rect.left(), rect.top() + 1, _ICON, _ICON))
        x = rect.left() + _ICON + _PAD
        width = rect.right() + 1 - x  # as sizeHint's: a line wraps where the row's height has it wrap
        painter.setPen(text_color)
        if finding is None:
            painter.setFont(fonts.base)
            painter.drawText(
                QRect(x, rect.top(), width, rect.height()),
                Qt.TextFlag.TextWordWrap,
                index.data(Qt.ItemDataRole.DisplayRole) or "",
            )
            return
        y = rect.top()
        painter.setFont(fonts.bold)
        head = _head(finding)
        head_height = self._head_height(fonts, head, width)
        head = self._elide_lines(fonts.bold_metrics, head, width, _MAX_TITLE_LINES)
        painter.drawText(QRect(x, y, width, head_height), Qt.TextFlag.TextWordWrap, head)
        y += head_height + 2
        painter.setFont(fonts.base)
        metrics = fonts.base_metrics
        message_rect = self._message_rect(fonts, finding.message, width).translated(x, y)
        message = self._elide_lines(metrics, finding.message, width)
        painter.drawText(message_rect, Qt.TextFlag.TextWordWrap, message)
        y = message_rect.bottom() + 3
        detail = index.data(DETAIL_ROLE)
        if detail:
            painter.setFont(fonts.small)
            small_metrics = fonts.small_metrics
            painter.setPen(text_color if selected else muted_text_color())
            text = small_metrics.elidedText(detail, Qt.TextElideMode.ElideRight, width)
            painter.drawText(QRect(x, y, width, small_metrics.height()), Qt.AlignmentFlag.AlignLeft, text)

    @staticmethod
    def _elide_lines(metrics: QFontMetrics, text: str, width: int, lines: int = _MAX_MESSAGE_LINES) -> str:
        """Cut the text after the last shown line, with an ellipsis (the tooltip has it all)."""
        bound = metrics.boundingRect(QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, text)
        if bound.height() <= metrics.lineSpacing() * lines:
            return text
        words = text.split()
        shown = ""
        for word in words:
            trial = f"{shown} {word}".strip()
            trial_h = metrics.boundingRect(QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, trial + " …")
            if trial_h.height() > metrics.lineSpacing() * lines:
                break
            shown = trial
        return shown + " …"
