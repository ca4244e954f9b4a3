"""The start page: what to do first when the window opens without a file.

Launched without a file, the window opens on the bundled example (the README's quick start)
and this page floats over it: a new design, a new design from a template (with thumbnails),
open a file, a recent file, an interview, or simply close the page and look at the example.
It is shown again from Help ▸ Start Page, and a check box turns the startup showing off.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, QSize, Qt
from PySide6.QtGui import QIcon, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from app.domain.model import Design
from app.persistence import DesignLoadError
from app.templates import TemplateInfo, design_from_template_file, list_templates
from app.ui.template_dialog import template_thumbnail
from app.ui.theme import ThemeManager

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

START_THUMB = QSize(192, 120)
PATH_ROLE = Qt.ItemDataRole.UserRole + 1


class StartPage(QDialog):
    """Modeless, over its window; each choice acts on that window (or a new one) and closes it."""

    def __init__(self, window: MainWindow, templates: list[TemplateInfo] | None = None):
        super().__init__(window)
        self.window_ = window
        self.setObjectName("start_page")
        self.setWindowTitle("Start — MLSD Studio")
        self.setModal(False)
        self.resize(980, 600)
        self._centered_at: QPoint | None = None  # where it was put over its window; None once moved
        window.installEventFilter(self)
        heading = QLabel("<h2>Start a design</h2>")
        self.intro = intro = QLabel()
        intro.setWordWrap(True)
        self.new_button = QPushButton("New design")
        self.open_button = QPushButton("Open…")
        self.interview_button = QPushButton("Start an interview…")
        self.example_button = QPushButton("Explore the example")
        for button, tip in (
            (self.new_button, "An empty design in this window"),
            (self.open_button, "Open a design file (.mlsd)"),
            (self.interview_button, "A practice problem, a countdown and a rubric at the end"),
            (self.example_button, "Close this page and look around the bundled example"),
        ):
            button.setToolTip(tip)
            button.setMinimumHeight(34)
        actions = QVBoxLayout()
        actions.addWidget(QLabel("<b>Begin</b>"))
        for button in (self.new_button, self.open_button, self.interview_button, self.example_button):
            actions.addWidget(button)
        actions.addSpacing(12)
        actions.addWidget(QLabel("<b>Recent files</b>"))
        self.recent = QListWidget()
        self.recent.setObjectName("start_recent")
        self.recent.setAccessibleName("Recent files")
        actions.addWidget(self.recent, 1)

        self.templates = list_templates() if templates is None else templates
        self.template_list = QListWidget()
        self.template_list.setObjectName("start_templates")
        self.template_list.setAccessibleName("New from template")
        self.template_list.setViewMode(QListView.ViewMode.IconMode)
        self.template_list.setIconSize(START_THUMB)
        self.template_list.setGridSize(QSize(START_THUMB.width() + 24, START_THUMB.height() + 48))
        self.template_list.setResizeMode(QListView.ResizeMode.Adjust)
        self.template_list.setMovement(QListView.Movement.Static)
        self.template_list.setWordWrap(True)
        self.template_list.setSpacing(4)
        for template in self.templates:
            if template.error:
                continue
            item = QListWidgetItem(template.title)
            item.setData(PATH_ROLE, str(template.path))
            item.setToolTip(template.summary)
            self.template_list.addItem(item)
        self._draw_thumbnails()
        ThemeManager.instance().changed.connect(self._draw_thumbnails)
        middle = QVBoxLayout()
        middle.addWidget(QLabel("<b>New from template</b> — double-click or press Enter"))
        middle.addWidget(self.template_list, 1)

        body = QHBoxLayout()
        body.addLayout(actions, 1)
        body.addLayout(middle, 3)
        self.show_at_startup = QCheckBox("Show this page when MLSD Studio starts without a file")
        self.show_at_startup.setChecked(window.settings.show_start_page())
        self.show_at_startup.toggled.connect(window.settings.set_show_start_page)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        footer = QHBoxLayout()
        footer.addWidget(self.show_at_startup)
        footer.addStretch(1)
        footer.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(body, 1)
        layout.addLayout(footer)

        self.new_button.clicked.connect(self.new_design)
        self.open_button.clicked.connect(lambda: self.open_file())  # not clicked(bool) as a path
        self.interview_button.clicked.connect(self.start_interview)
        self.example_button.clicked.connect(self.close)
        self.template_list.itemActivated.connect(lambda item: self.use_template(item.data(PATH_ROLE)))
        self.recent.itemActivated.connect(lambda item: self.open_file(item.data(PATH_ROLE)))
        self.refresh_recent()

    def _draw_thumbnails(self, _dark: bool = False) -> None:
        """Each template's thumbnail on the current theme's background (again on a theme switch)."""
        for row in range(self.template_list.count()):
            item = self.template_list.item(row)
            image = template_thumbnail(Path(item.data(PATH_ROLE)), START_THUMB)
            item.setIcon(QIcon(QPixmap.fromImage(image)) if image is not None else QIcon())

    def refresh_recent(self) -> None:
        self.recent.clear()
        for path in self.window_.settings.recent_files():
            item = QListWidgetItem(Path(path).name)
            item.setToolTip(path)
            item.setData(PATH_ROLE, path)
            self.recent.addItem(item)
        if not self.recent.count():
            empty = QListWidgetItem("No recent files yet")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.recent.addItem(empty)

    # ---- the choices ---------------------------------------------------------------------

    def _target(self) -> MainWindow:
        window = self.window_
        return window if window.is_pristine() else window.spawn()

    def new_design(self) -> MainWindow:
        target = self._target()
        target.load_design(Design(), None)
        target.show_message("A new design: drag a kind from the palette to begin")
        self.close()
        return target

    def use_template(self, path: str | None) -> MainWindow | None:
        if not path:
            return None
        try:
            design = design_from_template_file(path)
        except DesignLoadError as exc:
            self.window_.show_message(f"Cannot use the template {path}: {exc}")
            return None
        target = self._target()
        target.load_design(design, None)
        self.close()
        return target

    def open_file(self, path: str | None = None) -> MainWindow | None:
        self.close()
        shown = self.window_.files.open(path)
        if shown is None and path is None and self.window_.is_pristine():
            self.show()  # the file dialog was cancelled: the page is still the way in
        return shown

    # ---- over the middle of its window, wherever the window manager puts the window -----------

    def _describe_window(self) -> None:
        """Say what is behind the page: Help > Start Page over another design said "The
        example design is open behind this page" and offered to explore it."""
        example = self.window_.showing_example
        behind = "The example design is open behind this page. " if example else ""
        self.intro.setText(
            f"{behind}Start a new design, begin from a template, open a file, or practise a timed interview."
        )
        self.example_button.setVisible(example)

    def showEvent(self, event: QShowEvent) -> None:
        self._describe_window()
        super().showEvent(event)
        self._fit_template_rows()
        self._center_on_window()

    def _fit_template_rows(self) -> None:
        """Grow the page, within its window, so the templates' rows it shows are whole: at 980 x
        600 the third row was cut through its names ("Spam filter (messages &" and half a line),
        23 px from fitting."""
        grid = self.template_list.gridSize()
        viewport = self.template_list.viewport()
        columns = max(1, viewport.width() // grid.width())
        rows = -(-self.template_list.count() // columns)
        if rows * grid.height() <= viewport.height():
            return
        cut_row = (grid.height() - viewport.height() % grid.height()) % grid.height()
        over = min(self.window_.screen().availableGeometry().height(), self.window_.frameGeometry().height())
        room = over - self.frameGeometry().height()  # it stays over its window, on the screen
        grow = min(cut_row, room)
        if grow > 0:
            self.resize(self.width(), self.height() + grow)

    def _center_on_window(self) -> None:
        frame = self.frameGeometry()
        frame.moveCenter(self.window_.frameGeometry().center())
        screen = self.window_.screen().availableGeometry()
        x = max(screen.left(), min(frame.left(), screen.right() - frame.width()))
        y = max(screen.top(), min(frame.top(), screen.bottom() - frame.height()))
        self.move(x, y)
        self._centered_at = self.geometry().topLeft()  # not pos(): the frame comes and goes

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Shown with the window at start, the page was centred on where the window was before
        the window manager placed it, and was left there, over the window's menu bar. It follows
        the window until the user moves it."""
        moved = event.type() in (QEvent.Type.Move, QEvent.Type.Resize)
        placed = self.geometry().topLeft() == self._centered_at
        if moved and watched is self.window_ and self.isVisible() and placed:
            self._center_on_window()
        return False

    def start_interview(self) -> MainWindow | None:
        self.close()
        return self.window_.interview.start_interview()


def show_start_page(window: MainWindow) -> StartPage:
    """Show (or raise) the window's start page."""
    page = window.findChild(StartPage, "start_page")
    if page is None:
        page = StartPage(window)
    page.refresh_recent()
    page.show()
    page.raise_()
    page.activateWindow()
    return page
