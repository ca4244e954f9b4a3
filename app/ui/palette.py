"""The palette: the catalog's kinds grouped by the six stages, searchable and draggable.

A QStandardItemModel adapts the catalog (stage rows with their kinds as children); a filter
proxy hides kinds that do not match the search text and stages left empty. Dragging a kind
carries only its id under KIND_MIME_TYPE; double-clicking (or Enter) emits `kind_activated`.
A click or Enter on a stage folds or unfolds it (Left and Right too, as in any tree).
"""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
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
    QFontMetrics,
    QIcon,
    QKeyEvent,
    QPainter,
    QPixmap,
    QResizeEvent,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from app.domain.catalog import Catalog, KindSpec, Stage
from app.ui.canvas import KIND_MIME_TYPE
from app.ui.kind_icons import kind_icon
from app.ui.theme import ThemeManager, is_dark, tooltip_html

KIND_ROLE = Qt.ItemDataRole.UserRole + 1
STAGE_ROLE = Qt.ItemDataRole.UserRole + 2
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 3
TREE_STYLE = "QTreeView::item { padding: 3px 2px; }"


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


class _StageWrap(QStyledItemDelegate):
    """A stage's name longer than the tree is wide takes two lines rather than being elided:
    the palette is as wide as the kinds' names, which are shorter."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        view = option.widget  # type: ignore[attr-defined]
        if index.data(KIND_ROLE) is not None or not isinstance(view, QTreeView):
            return size
        room = view.viewport().width() - (view.indentation() if view.rootIsDecorated() else 0)
        if room <= 0 or size.width() <= room:
            return size
        styled = QStyleOptionViewItem(option)
        self.initStyleOption(styled, index)  # the stage's bold font
        metrics = QFontMetrics(styled.font)  # type: ignore[attr-defined]
        text = str(index.data())
        text_room = room - (size.width() - metrics.horizontalAdvance(text))  # less icon and padding
        lines = metrics.boundingRect(QRect(0, 0, max(text_room, 1), 1 << 16), Qt.TextFlag.TextWordWrap, text)
        return QSize(room, size.height() + lines.height() - metrics.height())


class _KindTree(QTreeView):
    kind_entered = Signal(QModelIndex)

    def viewportEvent(self, event: QEvent) -> bool:
        # the viewport, not the tree: it narrows when the scroll bar appears
        if isinstance(event, QResizeEvent) and event.size().width() != event.oldSize().width():
            self.scheduleDelayedItemsLayout()  # a stage's name may take one line more or less
        return super().viewportEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        index = self.currentIndex()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and index.isValid():
            if index.data(KIND_ROLE) is None:  # a stage folds as a click folds it (no arrow to press)
                self.setExpanded(index, not self.isExpanded(index))
            else:
                self.kind_entered.emit(index)
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
    down_pressed = Signal()
    left = Signal()  # Esc on an empty search: done with it

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if event.key() == Qt.Key.Key_Escape and self.text():
                event.accept()  # Esc clears the search first, before a window action's Esc
                return True  # (Leave Compare), which took it, leaving the text
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            if self.text():
                self.clear()
            else:
                self.left.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.activated_first.emit()
            return
        if event.key() == Qt.Key.Key_Down:
            self.down_pressed.emit()
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
        self.search.setToolTip(
            tooltip_html("Filter by name, id or description. Esc clears; Esc again goes back to the canvas.")
        )
        self.no_match = QLabel()  # an empty tree alone looked like a broken panel
        self.no_match.setObjectName("palette_no_match")
        self.no_match.setWordWrap(True)
        self.no_match.setEnabled(False)  # the muted text of the theme
        self.no_match.hide()
        self.model = KindModel(catalog, self)
        self.proxy = KindFilter(self)
        self.proxy.setSourceModel(self.model)
        self.tree = _KindTree(self)
        self.tree.setModel(self.proxy)
        self.tree.setHeaderHidden(True)
        self.tree.setIconSize(QSize(20, 20))
        self.tree.setIndentation(9)
        self.tree.setRootIsDecorated(False)  # a click on a stage folds it; its band needs no arrow
        self.tree.setWordWrap(True)
        self.tree.setItemDelegate(_StageWrap(self.tree))
        self.tree.setUniformRowHeights(False)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setExpandsOnDoubleClick(False)
        self.tree.setAnimated(False)
        self.tree.setStyleSheet(TREE_STYLE)
        self.tree.expandAll()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 6)
        layout.setSpacing(6)
        layout.addWidget(self.search)
        layout.addWidget(self.no_match)
        layout.addWidget(self.tree, 1)
        self.search.textChanged.connect(self.set_filter)
        self.search.activated_first.connect(self._activate_first)
        self.search.down_pressed.connect(self._enter_tree)
        self.tree.doubleClicked.connect(self._activate)
        self.tree.kind_entered.connect(self._activate)  # not `activated`: no single-click adds
        self.tree.clicked.connect(self._toggle_stage)
        ThemeManager.instance().changed.connect(self._retint)

    def full_width(self) -> int:
        """The panel's width that shows every kind's name whole at the current font,
        beside the tree's scroll bar (the 35 kinds never fit a window's height), whatever the
        search hides or which stages are collapsed."""
        tree = self.tree
        option = QStyleOptionViewItem()
        tree.initViewItemOption(option)
        delegate = tree.itemDelegate()
        root = tree.indentation() if tree.rootIsDecorated() else 0
        widest = 0
        for row in range(self.model.rowCount()):  # a stage's name may wrap (_StageWrap)
            stage = self.model.index(row, 0)
            for child in range(self.model.rowCount(stage)):
                kind = self.model.index(child, 0, stage)
                widest = max(widest, root + tree.indentation() + delegate.sizeHint(option, kind).width())
        extent = QStyle.PixelMetric.PM_ScrollBarExtent
        scroll_bar = tree.style().pixelMetric(extent, None, tree.verticalScrollBar())
        margins = self.layout().contentsMargins()
        return widest + scroll_bar + 2 * tree.frameWidth() + margins.left() + margins.right()

    def set_filter(self, text: str) -> None:
        self.proxy.set_query(text)
        self.tree.expandAll()
        query = " ".join(text.split())
        self.no_match.setText(f"No component kind matches “{query}”.")  # Esc clears: the tooltip
        self.no_match.setVisible(bool(query) and self.proxy.rowCount() == 0)

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

    def best_kind(self) -> str | None:
        """The shown kind the search most likely names: its name equal to the query, else
        starting with it, else a word of it starting with it, else the first shown (a kind
        found by its description, "model" finding Feature pipeline before Model, comes last)."""
        kinds = self.visible_kinds()
        query = " ".join(self.search.text().lower().split())

        def rank(kind: str) -> int:
            label = self.catalog.kinds[kind].label.lower()
            names = (label, kind.replace("_", " "))
            if query in names:
                return 0
            if any(name.startswith(query) for name in names):
                return 1
            return 2 if any(word.startswith(query) for word in label.split()) else 3

        return min(kinds, key=rank) if kinds and query else (kinds[0] if kinds else None)

    def _activate_first(self) -> None:
        kind = self.best_kind()
        if kind:
            self.kind_activated.emit(kind)

    def _enter_tree(self) -> None:
        """Down from the search: into the tree, on the kind Enter in the search would add."""
        kind = self.best_kind()
        if kind:
            self.tree.setCurrentIndex(self.index_of_kind(kind))
        self.tree.setFocus(Qt.FocusReason.TabFocusReason)

    def _toggle_stage(self, index: QModelIndex) -> None:
        if index.data(KIND_ROLE) is None and index.isValid():
            self.tree.setExpanded(index, not self.tree.isExpanded(index))

    def _retint(self, _dark: bool) -> None:
        query = self.search.text()
        self.model.populate()
        self.set_filter(query)
        # a widget with a style sheet keeps the palette it was polished with: polished again,
        # the list takes the new theme's (it stayed white, its text light, after View > Theme > Dark)
        self.tree.setStyleSheet("")
        self.tree.setStyleSheet(TREE_STYLE)
