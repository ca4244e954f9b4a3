"""The palette: the catalog's kinds grouped by the six stages, searchable and draggable.

A QStandardItemModel adapts the catalog (stage rows with their kinds as children); a filter
proxy hides kinds that do not match the search text and stages left empty. Dragging a kind
carries only its id under KIND_MIME_TYPE; double-clicking (or Enter) emits `kind_activated`.
"""

from __future__ import annotations

import re
from functools import cache

from PySide6.QtCore import (
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QDrag,
    QFont,
    QIcon,
    QIconEngine,
    QKeyEvent,
    QPainter,
    QPixmap,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLineEdit,
    QStyleOption,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.domain.catalog import Catalog, KindSpec, Stage
from app.resources import resource_path
from app.ui.canvas import KIND_MIME_TYPE
from app.ui.theme import ThemeManager, is_dark, tooltip_html

KIND_ROLE = Qt.ItemDataRole.UserRole + 1
STAGE_ROLE = Qt.ItemDataRole.UserRole + 2
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 3


_DARK_INK = re.compile(rb'(stroke|fill)="#([0-9A-Fa-f]{6})"')


def _lighten(match: re.Match[bytes]) -> bytes:
    color = QColor("#" + match.group(2).decode())
    if color.lightness() < 110:
        return match.group(1) + b'="#C9D1DB"'
    return match.group(0)


def kind_icon(icon_file: str, dark: bool | None = None) -> QIcon:
    """The kind's SVG icon from resources/icons, with light ink on the dark theme."""
    return _kind_icon(icon_file, is_dark() if dark is None else dark)


@cache
def _kind_icon(icon_file: str, dark: bool) -> QIcon:
    path = resource_path("icons", icon_file) if icon_file else None
    if path is None or not path.is_file():
        return QIcon()
    data = path.read_bytes()
    if dark:
        data = _DARK_INK.sub(_lighten, data)
    return QIcon(_SvgIconEngine(data))


_CLONES: list[QIconEngine] = []  # PySide gives C++ no ownership of clone()'s result: kept here


class _SvgIconEngine(QIconEngine):
    """An SVG icon rendered only at the sizes asked for, when first asked (then cached).

    The palette lists 35 kinds: rendering each at every size a view might use would cost
    far more than the one size the tree paints, and all of it before the window's first frame.
    """

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._data = data
        self._renderer: QSvgRenderer | None = None
        self._pixmaps: dict[tuple[int, int, QIcon.Mode], QPixmap] = {}

    def _render(self, size: QSize) -> QPixmap:
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        if self._renderer is None:
            self._renderer = QSvgRenderer(QByteArray(self._data))
        if self._renderer.isValid():
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._renderer.render(painter)
            painter.end()
        return pixmap

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        key = (size.width(), size.height(), mode)
        cached = self._pixmaps.get(key)
        if cached is None:
            cached = self._render(size)
            if mode in (QIcon.Mode.Disabled, QIcon.Mode.Selected):  # as Qt's own engines do
                cached = QApplication.style().generatedIconPixmap(mode, cached, QStyleOption())
            self._pixmaps[key] = cached
        return QPixmap(cached)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        scale = max(1.0, scale)
        pixmap = self.pixmap(QSize(round(size.width() * scale), round(size.height() * scale)), mode, state)
        pixmap.setDevicePixelRatio(scale)
        return pixmap

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        device = painter.device()
        scale = device.devicePixelRatioF() if device is not None else 1.0
        painter.drawPixmap(rect, self.scaledPixmap(rect.size(), mode, state, scale))

    def actualSize(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QSize:
        return QSize(size)

    def isNull(self) -> bool:
        return False

    def clone(self) -> QIconEngine:
        twin = _SvgIconEngine(self._data)
        _CLONES.append(twin)
        return twin


def stage_badge(stage: Stage, size: int = 18) -> QIcon:
    """A round badge in the stage colour carrying the stage number."""
    pixmap = QPixmap(size * 2, size * 2)
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(stage.color))
    painter.drawEllipse(1, 1, size - 2, size - 2)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * 0.62))
    painter.setFont(font)
    painter.setPen(QColor("#1F2328"))
    painter.drawText(QRect(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, str(stage.number))
    painter.end()
    return QIcon(pixmap)


class KindModel(QStandardItemModel):
    """Stages as top rows, kinds as their children; drags carry only the kind id."""

    def __init__(self, catalog: Catalog, parent=None):
        super().__init__(parent)
        self.catalog = catalog
        self.populate()

    def populate(self) -> None:
        self.clear()
        dark = is_dark()
        for stage in self.catalog.stages:
            header = QStandardItem(stage_badge(stage), stage.label)
            header.setData(stage.id, STAGE_ROLE)
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = header.font()
            font.setBold(True)
            header.setFont(font)
            tint = QColor(stage.color)
            tint.setAlpha(70 if dark else 55)
            header.setBackground(QBrush(tint))
            header.setToolTip(tooltip_html(stage.description, f"{stage.number}. {stage.label}"))
            for kind in self.catalog.kinds_in_stage(stage.id):
                header.appendRow(self._kind_item(kind, stage))
            self.appendRow(header)

    def _kind_item(self, kind: KindSpec, stage: Stage) -> QStandardItem:
        item = QStandardItem(kind_icon(kind.icon), kind.label)
        item.setData(kind.id, KIND_ROLE)
        item.setData(stage.id, STAGE_ROLE)
        item.setData(" ".join((kind.label, kind.id, kind.description, stage.label)).lower(), SEARCH_ROLE)
        item.setToolTip(tooltip_html(kind.description, kind.label))
        item.setFlags(
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        )
        return item

    def mimeTypes(self) -> list[str]:
        return [KIND_MIME_TYPE]

    def mimeData(self, indexes) -> QMimeData | None:
        for index in indexes:
            kind = index.data(KIND_ROLE)
            if kind:
                return kind_mime_data(kind)
        return None

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction


def kind_mime_data(kind: str) -> QMimeData:
    """Mime data of a dragged kind: its id in UTF-8 under KIND_MIME_TYPE, and nothing else."""
    mime = QMimeData()
    mime.setData(KIND_MIME_TYPE, kind.encode("utf-8"))
    return mime


class KindFilter(QSortFilterProxyModel):
    """Shows kinds whose label, id, description or stage contains every word of the query."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._words: list[str] = []
        self.setRecursiveFilteringEnabled(True)

    def set_query(self, text: str) -> None:
        self.beginFilterChange()
        self._words = text.lower().split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        index = self.sourceModel().index(row, 0, parent)
        haystack = index.data(SEARCH_ROLE)
        if haystack is None:  # a stage row: shown when one of its kinds is
            return not self._words
        return all(word in haystack for word in self._words)


class _KindTree(QTreeView):
    kind_entered = Signal(QModelIndex)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.kind_entered.emit(self.currentIndex())
            return
        super().keyPressEvent(event)

    def startDrag(self, _supported_actions: Qt.DropAction) -> None:
        index = self.currentIndex()
        kind = index.data(KIND_ROLE)
        if not kind:
            return
        drag = QDrag(self)
        drag.setMimeData(kind_mime_data(kind))
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(icon, QIcon) and not icon.isNull():
            drag.setPixmap(icon.pixmap(QSize(40, 40), self.devicePixelRatioF()))
            drag.setHotSpot(QPoint(20, 20))
        drag.exec(Qt.DropAction.CopyAction)


class _SearchField(QLineEdit):
    activated_first = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.activated_first.emit()
            return
        if event.key() == Qt.Key.Key_Down:
            self.focusNextChild()
            return
        super().keyPressEvent(event)


class Palette(QWidget):
    """The left dock: search box over the kind tree."""

    kind_activated = Signal(str)

    def __init__(self, catalog: Catalog, parent: QWidget | None = None):
        super().__init__(parent)
        self.catalog = catalog
        self.search = _SearchField(self)
        self.search.setPlaceholderText("Search components…")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip(tooltip_html("Filter by name, id or description. Esc clears."))
        self.model = KindModel(catalog, self)
        self.proxy = KindFilter(self)
        self.proxy.setSourceModel(self.model)
        self.tree = _KindTree(self)
        self.tree.setModel(self.proxy)
        self.tree.setHeaderHidden(True)
        self.tree.setIconSize(QSize(20, 20))
        self.tree.setIndentation(14)
        self.tree.setUniformRowHeights(False)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setExpandsOnDoubleClick(False)
        self.tree.setAnimated(False)
        self.tree.setStyleSheet("QTreeView::item { padding: 3px 2px; }")
        self.tree.expandAll()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        self.search.textChanged.connect(self.set_filter)
        self.search.activated_first.connect(self._activate_first)
        self.tree.doubleClicked.connect(self._activate)
        self.tree.kind_entered.connect(self._activate)  # not `activated`: no single-click adds
        self.tree.clicked.connect(self._toggle_stage)
        ThemeManager.instance().changed.connect(self._retint)

    def set_filter(self, text: str) -> None:
        self.proxy.set_query(text)
        self.tree.expandAll()

    def visible_kinds(self) -> list[str]:
        """Kind ids currently shown, in display order."""
        kinds = []
        for row in range(self.proxy.rowCount()):
            stage = self.proxy.index(row, 0)
            for child in range(self.proxy.rowCount(stage)):
                kinds.append(self.proxy.index(child, 0, stage).data(KIND_ROLE))
        return kinds

    def visible_stages(self) -> list[str]:
        return [self.proxy.index(row, 0).data(STAGE_ROLE) for row in range(self.proxy.rowCount())]

    def index_of_kind(self, kind: str) -> QModelIndex:
        for row in range(self.proxy.rowCount()):
            stage = self.proxy.index(row, 0)
            for child in range(self.proxy.rowCount(stage)):
                index = self.proxy.index(child, 0, stage)
                if index.data(KIND_ROLE) == kind:
                    return index
        return QModelIndex()

    def mime_data_for(self, kind: str) -> QMimeData | None:
        """What a drag of `kind` from the tree would carry (through the filter model)."""
        index = self.index_of_kind(kind)
        return self.proxy.mimeData([index]) if index.isValid() else None

    def _activate(self, index: QModelIndex) -> None:
        kind = index.data(KIND_ROLE)
        if kind:
            self.kind_activated.emit(kind)

    def _activate_first(self) -> None:
        kinds = self.visible_kinds()
        if kinds:
            self.kind_activated.emit(kinds[0])

    def _toggle_stage(self, index: QModelIndex) -> None:
        if index.data(KIND_ROLE) is None and index.isValid():
            self.tree.setExpanded(index, not self.tree.isExpanded(index))

    def _retint(self, _dark: bool) -> None:
        query = self.search.text()
        self.model.populate()
        self.set_filter(query)
