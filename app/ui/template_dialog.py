"""File > New from template: pick one of resources/templates/*.mlsd.

The templates come from `app.templates` (the library the CLI uses too). The list shows each
template's title, summary and a thumbnail (the PNG shipped beside the template, else its
design drawn by the canvas itself, cached in memory per file and modification time);
the side pane shows a larger thumbnail and the problem statement. A template that cannot be
read is listed, disabled, with the loader's message, so one broken file does not hide the
others.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication, QIcon, QImage, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.model import Design
from app.persistence import DesignLoadError, load_design
from app.templates import TemplateInfo, scan_templates, templates_dir
from app.ui.theme import muted_text_color, tooltip_html

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 2
_PAD = 8
THUMB_SIZE = QSize(320, 200)  # the detail pane's picture
LIST_THUMB_SIZE = QSize(96, 60)  # the picture in each row
THUMB_SCALE = 2.0  # rendered at twice the size, for high-DPI screens
_THUMBNAILS: dict[tuple, QImage] = {}


def render_design_thumbnail(design: Design, size: QSize = THUMB_SIZE, scale: float = THUMB_SCALE) -> QImage:
    """The design drawn by the canvas scene into an image of `size` (logical pixels)."""
    from app.ui.canvas.image_export import export_mode, export_rect
    from app.ui.canvas.scene import DesignScene
    from app.ui.document import DesignDocument

    document = DesignDocument(design)
    scene = DesignScene(document)
    try:
        image = QImage(
            round(size.width() * scale),
            round(size.height() * scale),
            QImage.Format.Format_ARGB32_Premultiplied,
        )
        image.setDevicePixelRatio(scale)
        image.fill(scene.canvas_style.theme.background)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        with export_mode(scene):
            target = QRectF(0, 0, size.width(), size.height())
            scene.render(painter, target, export_rect(scene, 30), Qt.AspectRatioMode.KeepAspectRatio)
        painter.end()
        return image
    finally:
        scene.clear()
        scene.deleteLater()
        document.deleteLater()


def template_thumbnail(path: Path, size: QSize = THUMB_SIZE) -> QImage | None:
    """A thumbnail of the template's design, None when it cannot be read.

    Cached per (path, modification time, size, theme background), so an edited template
    gets a new picture and switching theme redraws it.
    """
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return None
    background = QGuiApplication.palette().color(QPalette.ColorRole.Window).name()
    key = (str(path.resolve()), stamp, size.width(), size.height(), background)
    if key not in _THUMBNAILS:
        try:
            design = load_design(path).design
        except DesignLoadError:
            return None
        _THUMBNAILS[key] = render_design_thumbnail(design, size)
    return _THUMBNAILS[key]


class _TemplateList(QListWidget):
    """Rows re-flow their height when the width changes."""

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.scheduleDelayedItemsLayout()


class _TemplateDelegate(QStyledItemDelegate):
    """Title in bold over a muted, word-wrapped summary (and a thumbnail when there is one)."""

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        bold = QFont(option.font)
        bold.setBold(True)
        small = QFont(option.font)
        small.setPointSizeF(option.font.pointSizeF() * 0.92)
        return bold, small

    def _icon_size(self) -> QSize:
        view = self.parent()
        return view.iconSize() if view is not None else QSize(64, 44)

    def _text_left(self, index) -> int:
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        return _PAD + (
            self._icon_size().width() + _PAD if isinstance(icon, QIcon) and not icon.isNull() else 0
        )

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        bold, small = self._fonts(option)
        view = self.parent()
        width = (view.viewport().width() if view else 300) - self._text_left(index) - _PAD
        summary = index.data(SUMMARY_ROLE) or ""
        height = QFontMetrics(bold).height() + 2 * _PAD
        if summary:
            flags = Qt.TextFlag.TextWordWrap
            height += (
                2
                + QFontMetrics(small)
                .boundingRect(QRect(0, 0, max(width, 50), 10_000), flags, summary)
                .height()
            )
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(icon, QIcon) and not icon.isNull():
            height = max(height, self._icon_size().height() + 2 * _PAD)
        return QSize(200, height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        opt.icon = QIcon()
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        enabled = bool(index.flags() & Qt.ItemFlag.ItemIsEnabled)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        group = QPalette.ColorGroup.Normal if enabled else QPalette.ColorGroup.Disabled
        text_color = opt.palette.color(group, role)
        bold, small = self._fonts(opt)
        rect = opt.rect.adjusted(self._text_left(index), _PAD, -_PAD, -_PAD)
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(icon, QIcon) and not icon.isNull():
            icon_size = self._icon_size()
            icon.paint(
                painter,
                QRect(opt.rect.left() + _PAD, opt.rect.top() + _PAD, icon_size.width(), icon_size.height()),
            )
        painter.save()
        painter.setPen(text_color)
        painter.setFont(bold)
        title = QFontMetrics(bold).elidedText(
            index.data(Qt.ItemDataRole.DisplayRole) or "", Qt.TextElideMode.ElideRight, rect.width()
        )
        painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, title)
        summary = index.data(SUMMARY_ROLE) or ""
        if summary:
            painter.setFont(small)
            painter.setPen(text_color if selected else muted_text_color())
            top = rect.top() + QFontMetrics(bold).height() + 2
            painter.drawText(
                QRect(rect.left(), top, rect.width(), rect.bottom() - top), Qt.TextFlag.TextWordWrap, summary
            )
        painter.restore()


class TemplateDialog(QDialog):
    """Lists the templates; `selected_path()` after exec() is the chosen file."""

    def __init__(self, parent: QWidget | None = None, folder: Path | None = None):
        super().__init__(parent)
        self.setWindowTitle("New from template")
        self.resize(900, 580)
        self.entries = scan_templates(folder)
        self.list = _TemplateList()
        self.list.setIconSize(LIST_THUMB_SIZE)
        self.list.setItemDelegate(_TemplateDelegate(self.list))
        self.list.setUniformItemSizes(False)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.list.setMinimumWidth(300)
        for entry in self.entries:
            item = QListWidgetItem(self.list)
            item.setText(entry.title)
            item.setData(SUMMARY_ROLE, entry.error or entry.summary)
            item.setData(PATH_ROLE, str(entry.path))
            item.setToolTip(tooltip_html(entry.error or entry.problem or entry.summary, entry.title))
            if entry.thumbnail is not None:
                item.setIcon(QIcon(str(entry.thumbnail)))
            elif entry.error is None:
                thumb = template_thumbnail(entry.path)
                if thumb is not None:
                    item.setIcon(QIcon(QPixmap.fromImage(thumb)))
            if entry.error is not None:
                item.setFlags(Qt.ItemFlag.NoItemFlags)
        self.title = QLabel()
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.meta = QLabel()
        self.meta.setWordWrap(True)
        self.meta.setTextFormat(Qt.TextFormat.PlainText)
        self.meta.setStyleSheet("color: palette(placeholder-text);")
        self.problem = QPlainTextEdit()
        self.problem.setReadOnly(True)
        self.preview = QLabel()
        self.preview.setObjectName("template_preview")
        self.preview.setFixedSize(THUMB_SIZE)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("QLabel#template_preview { border: 1px solid palette(mid); }")
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.preview)
        detail_layout.addWidget(self.title)
        detail_layout.addWidget(self.meta)
        detail_layout.addWidget(QLabel("Problem statement"))
        detail_layout.addWidget(self.problem, 1)
        self.empty = QLabel(
            "No templates found.\n\nTemplates are design files (*.mlsd) in\n"
            f"{templates_dir()}\nAdd one there, or start from File ▸ New."
        )
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setObjectName("empty_state")
        body = QHBoxLayout()
        body.addWidget(self.list, 1)
        body.addWidget(detail, 1)
        content = QWidget()
        content.setLayout(body)
        self.stack = QStackedWidget()
        self.stack.addWidget(content)
        self.stack.addWidget(self.empty)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.buttons)
        self.list.currentItemChanged.connect(self._show_current)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        has_any = any(e.error is None for e in self.entries)
        self.stack.setCurrentWidget(content if self.entries else self.empty)
        if has_any:
            self.list.setCurrentRow(0)
        self._show_current()

    def is_empty(self) -> bool:
        return self.stack.currentWidget() is self.empty

    def selected_entry(self) -> TemplateInfo | None:
        item = self.list.currentItem()
        if item is None or not item.flags() & Qt.ItemFlag.ItemIsEnabled:
            return None
        path = item.data(PATH_ROLE)
        return next((e for e in self.entries if str(e.path) == path), None)

    def selected_path(self) -> Path | None:
        entry = self.selected_entry()
        return entry.path if entry else None

    def _show_current(self, *_args: object) -> None:
        entry = self.selected_entry()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(entry is not None)
        if entry is None:
            self.title.setText("")
            self.meta.setText("")
            self.problem.setPlainText("")
            self.preview.clear()
            return
        self.title.setText(entry.title)
        thumb = (
            QImage(str(entry.thumbnail)) if entry.thumbnail is not None else template_thumbnail(entry.path)
        )
        if thumb is not None and not thumb.isNull():
            self.preview.setPixmap(QPixmap.fromImage(thumb))
        else:
            self.preview.clear()
        count = f"{entry.components} component{'s' if entry.components != 1 else ''}"
        self.meta.setText(f"{entry.summary}\n{count} · {entry.path.name}" if entry.summary else count)
        self.problem.setPlainText(entry.problem or "(no problem statement)")


def choose_template(parent: QWidget | None = None) -> Path | None:
    """Show the dialog; the chosen template file or None (tests monkeypatch this)."""
    dialog = TemplateDialog(parent)
    try:
        return dialog.selected_path() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()
