"""The main window: the canvas in the middle, palette, inspector, findings and history docks.

Each window owns one DesignDocument (and its live checker and autosaver). File > New and
opening a file into a used window create another MainWindow; `open_windows()` lists them.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QChildEvent, QEvent, QPoint, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QIcon
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QMainWindow, QTabBar, QWidget

from app import APP_NAME
from app.domain.model import Design
from app.domain.text import isolate, left_to_right
from app.persistence import LoadedDesign
from app.persistence.loader import file_signature
from app.resources import resource_path
from app.rules.engine import CheckResult
from app.ui import dialogs, gc_pause, help_dialogs, todo
from app.ui.accessibility import focus_inspector, leave_inspector, name_window
from app.ui.actions import WindowActions
from app.ui.after_paint import after_next_paint
from app.ui.autosave import AutoSaver
from app.ui.canvas import CanvasView
from app.ui.card_finder import CardFinder
from app.ui.compare import CompareController
from app.ui.deferred_panel import DeferredPanel, build_decisions_panel, build_estimates_panel
from app.ui.document import DesignDocument
from app.ui.export_actions import ExportActions
from app.ui.file_actions import FileActions
from app.ui.findings_panel import FindingsPanel
from app.ui.focus_chain import step_focus
from app.ui.history_panel import HistoryPanel
from app.ui.inspector import Inspector
from app.ui.interview import InterviewController
from app.ui.live_check import LiveChecker
from app.ui.palette import Palette
from app.ui.settings import Settings
from app.ui.window_placement import CASCADE_STEP, place_window

if TYPE_CHECKING:
    from app.ui.decisions_panel import DecisionsPanel
    from app.ui.estimates_panel import EstimatesPanel

_WINDOWS: list[MainWindow] = []
SETTLE_POLL_MS = 20  # how often a large design's check looks whether the design is drawn


def open_windows() -> list[MainWindow]:
    """The main windows currently open, oldest first."""
    return list(_WINDOWS)


def app_icon() -> QIcon:
    path = resource_path("icons", "app.svg")
    return QIcon(str(path)) if path.is_file() else QIcon()


class MainWindow(QMainWindow):
    def __init__(
        self,
        document: DesignDocument | None = None,
        settings: Settings | None = None,
        parent: QWidget | None = None,
        restore_layout: bool = True,
    ):
        super().__init__(parent)
        self.persist_settings = True  # off for --screenshot runs
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowIcon(app_icon())
        self.setDockNestingEnabled(True)
        self.settings = settings or Settings()
        self.document = document or DesignDocument()
        self.showing_example = False  # the bundled example, as launched without a file (main.py)
        self.document.setParent(self)
        self.checker = LiveChecker(self.document, parent=self)
        self.autosaver = AutoSaver(self.document, self)

        self.canvas = CanvasView(self.document, self)
        self.canvas.setObjectName("canvas")
        self.setCentralWidget(self.canvas)
        self.palette_panel = Palette(self.document.catalog)
        self.inspector = Inspector(self.document)
        self.findings = FindingsPanel(self.document, self.checker, group_by=self.settings.findings_grouping())
        self.history = HistoryPanel(self.document.undo_stack)
        self.palette_dock = self._dock(
            "Components", "palette_dock", self.palette_panel, Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.inspector_dock = self._dock(
            "Inspector", "inspector_dock", self.inspector, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.findings_dock = self._dock(
            "Findings", "findings_dock", self.findings, Qt.DockWidgetArea.RightDockWidgetArea
        )
        right = Qt.DockWidgetArea.RightDockWidgetArea
        self.decisions_dock = self._dock("Decisions", "decisions_dock", None, right)
        self._decisions = DeferredPanel(self.decisions_dock, lambda: build_decisions_panel(self))
        self.history_dock = self._dock(
            "History", "history_dock", self.history, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.splitDockWidget(self.inspector_dock, self.findings_dock, Qt.Orientation.Vertical)
        self.tabifyDockWidget(self.findings_dock, self.decisions_dock)
        self.tabifyDockWidget(self.decisions_dock, self.history_dock)
        self.history_dock.hide()
        self.estimates_dock = self._dock("Estimates", "estimates_dock", None, right)
        self._estimates = DeferredPanel(self.estimates_dock, lambda: build_estimates_panel(self))
        self.tabifyDockWidget(self.findings_dock, self.estimates_dock)
        self.findings_dock.raise_()

        self.files = FileActions(self)
        self.exports = ExportActions(self)
        self.interview = InterviewController(self)
        self.compare = CompareController(self)
        self.actions = WindowActions(self)
        self.counts = QLabel()
        self.counts.setObjectName("status_counts")
        self.statusBar().addPermanentWidget(self.counts)
        doc = self.document
        self.canvas.selection_changed.connect(self._selection_changed)
        self.canvas.message.connect(self.show_message)
        self.palette_panel.kind_activated.connect(self.canvas.add_kind_at_center)
        self.finder = CardFinder(self)
        self.palette_panel.search.textChanged.connect(self.find_cards)
        self.palette_panel.search.left.connect(lambda: self.canvas.setFocus(Qt.FocusReason.OtherFocusReason))
        self.findings.components_activated.connect(self.show_components)
        self.findings.message.connect(self.show_message)
        self.inspector.message.connect(self.show_message)
        self.history.message.connect(self.show_message)
        self.inspector.decision_activated.connect(lambda decision: self.decisions.edit_decision(decision))
        self.canvas.decision_requested.connect(self.record_decision)
        self.canvas.inspector_requested.connect(lambda: focus_inspector(self))
        self.inspector.left.connect(lambda: leave_inspector(self))
        name_window(self)  # accessible names of the panels (app/ui/accessibility.py)
        self.checker.result_ready.connect(self._result_ready)
        self.autosaver.failed.connect(self.show_message)
        doc.undo_stack.cleanChanged.connect(self._clean_changed)
        doc.path_changed.connect(self.update_title)
        doc.meta_changed.connect(self.update_title)
        doc.design_reset.connect(self.update_title)
        doc.design_reset.connect(lambda: setattr(self, "showing_example", False))  # open_example sets it
        doc.changed.connect(self._update_counts)

        self.canvas.set_snap_to_grid(self.settings.snap_to_grid())
        self.canvas.set_minimap_visible(self.settings.minimap_visible())
        self.resize(1440, 900)
        self._default_state = self.saveState()
        self._needs_balance = not (restore_layout and self.settings.restore_window(self))
        if not self._needs_balance or _WINDOWS:  # restored, or not the first: never on top of another
            place_window(self, _WINDOWS)
        _WINDOWS.append(self)
        self.update_title()
        self.checker.check_now()

    def _dock(self, title: str, name: str, widget: QWidget | None, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        if widget is not None:  # None: a DeferredPanel puts its placeholder in
            dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(area, dock)
        return dock

    def childEvent(self, event: QChildEvent) -> None:
        super().childEvent(event)
        # The docks' tab bars are made by the main window's layout (with elided titles): a
        # tabbed column shows whole titles and scrolls when they do not all fit.
        tab_bar = event.child()
        if event.type() == QEvent.Type.ChildPolished and isinstance(tab_bar, QTabBar):
            tab_bar.setElideMode(Qt.TextElideMode.ElideNone)
            tab_bar.setUsesScrollButtons(True)

    def focusNextPrevChild(self, forward: bool) -> bool:  # noqa: N802 (Qt's name)
        return step_focus(self, forward, super().focusNextPrevChild)

    # ---- panels built when first needed (app/ui/deferred_panel.py) ---------------------------

    @property
    def decisions(self) -> DecisionsPanel:
        return self._decisions.get()

    @property
    def estimates(self) -> EstimatesPanel:
        return self._estimates.get()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._needs_balance:  # first start (or --screenshot): the default proportions
            self._needs_balance = False
            self.balance_docks()

    def balance_docks(self) -> None:
        """The default layout: the palette as wide as its names, a wider right column split
        between panels."""
        # The column's default width respects every panel's minimum, the tabs behind included:
        # those are built now (a restored layout has its sizes already and leaves them deferred).
        self._decisions.get()
        self._estimates.get()
        width, height = self.width(), self.height()
        # the palette shows every kind's name whole; the canvas keeps the rest, at least 60%
        palette = min(self.palette_panel.full_width(), int(width * 0.2))
        self.resizeDocks([self.palette_dock], [palette], Qt.Orientation.Horizontal)
        self.resizeDocks([self.inspector_dock], [max(280, int(width * 0.19))], Qt.Orientation.Horizontal)
        self.resizeDocks(
            [self.inspector_dock, self.findings_dock],
            [int(height * 0.46), int(height * 0.54)],
            Qt.Orientation.Vertical,
        )

    # ---- state shown in the window ----------------------------------------------------

    def update_title(self, *_args: object) -> None:
        # Qt reads "[*]" as the modified marker; doubled, a name's own "[*]" shows literally.
        # Isolated and marked left-to-right, a right-to-left name cannot turn the title around.
        name = isolate(self.document.display_name()).replace("[*]", "[*][*]")
        self.setWindowTitle(left_to_right(f"{name}[*] — {APP_NAME}"))
        self.setWindowModified(self.document.is_modified())

    def _clean_changed(self, clean: bool) -> None:
        self.setWindowModified(not clean)

    def _selection_changed(self, component_ids: list[str], link_ids: list[str]) -> None:
        self.inspector.show_selection(component_ids, link_ids)
        self.actions.update_enabled(component_ids, link_ids)

    def _result_ready(self, result: CheckResult) -> None:
        self.canvas.set_check_result(result)
        self._update_counts()

    def _update_counts(self) -> None:
        n = len(self.document.design.components)
        parts = [f"{n} component{'s' if n != 1 else ''}"]
        result = self.checker.result
        if result is not None:
            counts = todo.counts(result, self.document.design)  # a new design's gaps are "to do"
            if counts["todo"]:
                parts.append(f"{counts['todo']} to do")
            for key, word in (("error", "error"), ("warning", "warning")):
                parts.append(f"{counts[key]} {word}{'s' if counts[key] != 1 else ''}")
            if counts["accepted"]:
                parts.append(f"{counts['accepted']} accepted")
        self.counts.setText("  ·  ".join(parts))

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)

    def find_cards(self, text: str) -> None:
        """Edit > Find: the palette's search marks the cards it names (app/ui/card_finder.py)."""
        self.finder.find(text)

    def record_decision(self, component_ids: list[str]) -> None:
        """'Record a decision...' on cards: the editor, pre-filled with these components."""
        self.decisions_dock.show()
        self.decisions_dock.raise_()
        self.decisions.record_decision(component_ids)

    def show_components(self, component_ids: list[str]) -> None:
        ids = [c for c in component_ids if c in self.document.design.component_by_id()]
        if ids:
            self.canvas.select_components(ids)
            self.canvas.center_on_components(ids)

    def focus_property(self, component_id: str, name: str) -> None:
        """Select a component and put the cursor in one of its properties (a missing input)."""
        self.show_components([component_id])
        self.inspector_dock.show()
        self.inspector_dock.raise_()
        from app.ui.estimates_panel import focus_inspector_property

        if not focus_inspector_property(self.inspector, component_id, name):
            self.show_message(f"Selected the component: fill in {name} in the inspector")

    def set_snap_to_grid(self, on: bool) -> None:
        self.canvas.set_snap_to_grid(on)
        self.settings.set_snap_to_grid(on)

    def set_minimap_visible(self, on: bool) -> None:
        self.canvas.set_minimap_visible(on)
        self.settings.set_minimap_visible(on)

    # ---- documents -----------------------------------------------------------------------

    def show_start_page(self) -> None:
        """Help ▸ Start Page (and the first thing shown when launched without a file)."""
        from app.ui.start_page import show_start_page  # the page imports this module's window

        show_start_page(self)

    def is_pristine(self) -> bool:
        return self.document.path is None and not self.document.is_modified()

    def load_design(self, design: Design, path: Path | None) -> None:
        """Show another design in this window (open, template, restore); clears the history."""
        self.autosaver.discard()
        with gc_pause.paused():  # the new design's graph and items: live objects only
            self.document.reset(design, path)
        self.document.disk_signature = file_signature(path) if path else None
        scene = self.canvas.design_scene
        if scene.is_building():  # a large design: checked once it is drawn (see _settling)
            self.checker.hold_while(self._settling)
            scene.builder.finished.connect(self._check_when_settled, Qt.ConnectionType.SingleShotConnection)
        self.checker.check_soon()  # on a worker: the findings follow when it is done
        self.update_title()
        if scene.is_building():
            self.canvas.fit_to_view()  # at once: the cards this view shows are built first
        QTimer.singleShot(0, self.canvas.fit_to_view)

    def _settling(self) -> bool:
        """A large design still being drawn: its items built, then its overview and minimap
        gathered in slices. The worker's check waits for that: the window's thread would
        otherwise wait for the interpreter each time a call into Qt lets go of it."""
        scene = self.canvas.design_scene
        return scene.is_building() or scene.overview.slicing() or self.canvas.minimap.refreshing()

    def _check_when_settled(self) -> None:
        if self._settling():
            QTimer.singleShot(SETTLE_POLL_MS, self, self._check_when_settled)
        else:
            self.checker.release()

    def finish_opening(self, timeout: float = 120.0) -> bool:
        """Block until the design is fully drawn and its findings are applied (the screenshot);
        False if that takes longer than `timeout` s. The caller waits anyway, so what is left
        of a large design's build is done at once, in one slice, and the design is checked here
        unless a check on the worker is already under way."""
        deadline = time.monotonic() + timeout
        scene = self.canvas.design_scene
        scene.builder.finish_now()
        checker = self.checker
        if checker.pending() and not checker.busy():
            checker.check_now()  # nothing else runs meanwhile: check here, without copying the design
        checked = checker.wait(max(0.0, deadline - time.monotonic()))
        scene.finish_badges()
        return checked and not scene.is_building()

    def is_opening(self) -> bool:
        """True while the scene is still being built or the findings are not applied yet (to
        the cards too)."""
        scene = self.canvas.design_scene
        return scene.is_building() or self.checker.pending() or scene.badges_pending()

    def load_loaded(self, loaded: LoadedDesign) -> None:
        path = Path(loaded.path)
        self.load_design(loaded.design, path)
        self.settings.record_opened(path)  # written after the next frame: the file write waits
        after_next_paint(self.canvas.viewport(), self.settings.flush_opened)
        self.files.show_load_warnings(loaded)
        self.show_message(f"Opened {path}")

    def commit_typing(self) -> None:
        """Make what is being typed (the canvas's name editor, an inspector field) an edit: a save
        or a close from the keyboard leaves the focus, and the text, where it is."""
        self.canvas.renamer.commit()
        self.inspector.current_page().commit_pending()

    def after_save(self) -> None:
        self.inspector.meta_page.refresh_summary()
        self.update_title()

    def spawn(self) -> MainWindow:
        """A new empty window, cascaded from this one."""
        window = MainWindow(settings=self.settings)
        window.resize(self.size())
        window.move(self.geometry().topLeft() + QPoint(CASCADE_STEP, CASCADE_STEP))
        place_window(window, open_windows())
        window.show()
        return window

    def all_windows(self) -> list[MainWindow]:
        return open_windows()

    # ---- closing -----------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.files.maybe_save():
            event.ignore()
            return
        self.settings.flush_opened()
        if self.persist_settings:
            self.settings.save_window(self)
            self.settings.set_findings_grouping(self.findings.group_by())
        self.autosaver.discard()
        self.canvas.jobs.shutdown()  # cancel running exports and layouts, and wait for their threads
        self.checker.close(wait=False)  # a check under way ends on its own; its result is dropped
        self.canvas.design_scene.builder.stop()
        if self in _WINDOWS:
            _WINDOWS.remove(self)
        event.accept()

    def quit_all(self) -> None:
        """Close every window (each may ask to save); stops at the first Cancel."""
        for window in reversed(open_windows()):
            if not window.close():
                return
        app = QApplication.instance()
        if app is not None and not open_windows():
            app.quit()

    def show_about(self) -> None:
        dialogs.show_info(self, f"About {APP_NAME}", help_dialogs.about_text())

    def restore_default_layout(self) -> None:
        self.restoreState(QByteArray(self._default_state))
        self.balance_docks()
