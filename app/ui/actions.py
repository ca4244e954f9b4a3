"""The window's actions and menus, with standard shortcuts.

Actions that act on canvas items (cut, copy, paste, duplicate, delete, select all) are
bound to the canvas with a widget-with-children shortcut context, so the same keys still
edit text in the inspector and do not delete boxes while the palette has focus; their menu
entries work from anywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from app.ui import help_dialogs
from app.ui.accessibility import focus_inspector
from app.ui.canvas.connect_picker import pick_and_connect
from app.ui.export_actions import CANVAS_FORMATS, DIAGRAM_FORMATS
from app.ui.panel_cycle import PanelCycle
from app.ui.panel_keys import bind_panel, focus_in
from app.ui.theme import ThemeManager

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

Std = QKeySequence.StandardKey
ALIGN_EDGES = (
    ("left", "Left edges"),
    ("hcenter", "Horizontal centres"),
    ("right", "Right edges"),
    ("top", "Top edges"),
    ("vcenter", "Vertical centres"),
    ("bottom", "Bottom edges"),
)


def keys(standard: Std | None = None, *fallback: str) -> list[QKeySequence]:
    """The platform's keys for a standard action, else the given ones."""
    found = QKeySequence.keyBindings(standard) if standard is not None else []
    extra = [QKeySequence(k) for k in fallback]
    seen = {k.toString() for k in found}
    return list(found) + [k for k in extra if k.toString() not in seen] if found else extra


def without(found: list[QKeySequence], *taken: QAction) -> list[QKeySequence]:
    """`found` minus the keys of `taken` actions: X11's standard Delete keys include Ctrl+D,
    which here is Duplicate everywhere (as documented); pressing it must never delete."""
    claimed = {k.toString() for action in taken for k in action.shortcuts()}
    return [k for k in found if k.toString() not in claimed]


def _step_message(done: str, text: str) -> str:
    """The status bar's line after an undo or redo step: "Undone: Auto-layout"."""
    return f"{done}: {text}" if text else done


class WindowActions(QObject):
    """Creates every action and the menu bar of one MainWindow."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = w = window
        self.menus: list[tuple[str, list[QAction]]] = []
        canvas = w.canvas
        files, exports = w.files, w.exports

        # ---- File -------------------------------------------------------------------------
        file_menu = w.menuBar().addMenu("&File")
        self.new = self._add(file_menu, "&New", files.new_window, keys(Std.New, "Ctrl+N"))
        self.new_from_template = self._add(
            file_menu, "New from &Template…", files.new_from_template, [QKeySequence("Ctrl+Shift+N")]
        )
        self.open = self._add(file_menu, "&Open…", lambda: files.open(), keys(Std.Open, "Ctrl+O"))
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self.rebuild_recent_menu)
        file_menu.addSeparator()
        self.save = self._add(file_menu, "&Save", files.save, keys(Std.Save, "Ctrl+S"))
        self.save_as = self._add(file_menu, "Save &As…", files.save_as, keys(Std.SaveAs, "Ctrl+Shift+S"))
        file_menu.addSeparator()
        w.compare.add_menu_actions(self, file_menu)  # Compare With… (app/ui/compare)
        file_menu.addSeparator()
        export_menu = file_menu.addMenu("&Export")
        self.export_diagram = {
            fmt: self._add(export_menu, label, partial(exports.export_diagram, fmt))
            for fmt, (label, _f, _s) in DIAGRAM_FORMATS.items()
        }
        export_menu.addSeparator()
        self.export_report = self._add(
            export_menu, "PDF &Report…", exports.export_report, [QKeySequence("Ctrl+Shift+E")]
        )
        export_menu.addSeparator()
        self.export_canvas = {
            fmt: self._add(export_menu, label, partial(exports.export_canvas_image, fmt))
            for fmt, (label, _f, _s) in CANVAS_FORMATS.items()
        }
        file_menu.addSeparator()
        self.close = self._add(file_menu, "&Close", w.close, keys(Std.Close, "Ctrl+W"))
        self.quit = self._add(file_menu, "&Quit", w.quit_all, keys(Std.Quit, "Ctrl+Q"))
        self.quit.setMenuRole(QAction.MenuRole.QuitRole)

        # ---- Edit -------------------------------------------------------------------------
        edit_menu = w.menuBar().addMenu("&Edit")
        stack = w.document.undo_stack
        self.undo = stack.createUndoAction(w, "&Undo")
        self.undo.setShortcuts(keys(Std.Undo, "Ctrl+Z"))
        self.redo = stack.createRedoAction(w, "&Redo")
        self.redo.setShortcuts(keys(Std.Redo, "Ctrl+Y", "Ctrl+Shift+Z"))  # X11 lists only Ctrl+Shift+Z
        # The status bar says what was undone or redone: a message left by the edit itself
        # ("Auto-layout of the design") would otherwise still be showing after it is undone.
        self.undo.triggered.connect(lambda: w.show_message(_step_message("Undone", stack.redoText())))
        self.redo.triggered.connect(lambda: w.show_message(_step_message("Redone", stack.undoText())))
        help_dialogs.set_sheet_label(self.undo, "Undo")  # not "Undo Nudge"
        help_dialogs.set_sheet_label(self.redo, "Redo")
        edit_menu.addAction(self.undo)
        edit_menu.addAction(self.redo)
        self._remember(edit_menu, self.undo)
        self._remember(edit_menu, self.redo)
        edit_menu.addSeparator()
        self.cut = self._add(edit_menu, "Cu&t", canvas.cut_selection, keys(Std.Cut, "Ctrl+X"), on_canvas=True)
        self.copy = self._add(
            edit_menu, "&Copy", canvas.copy_selection, keys(Std.Copy, "Ctrl+C"), on_canvas=True
        )
        self.paste = self._add(edit_menu, "&Paste", canvas.paste, keys(Std.Paste, "Ctrl+V"), on_canvas=True)
        self.duplicate = self._add(
            edit_menu, "D&uplicate", canvas.duplicate_selection, [QKeySequence("Ctrl+D")], on_canvas=True
        )
        self.delete = self._add(
            edit_menu,
            "&Delete",
            canvas.delete_selection,
            without(keys(Std.Delete, "Delete"), self.duplicate) + [QKeySequence("Backspace")],
            on_canvas=True,
        )
        edit_menu.addSeparator()
        self.select_all = self._add(
            edit_menu, "Select &All", canvas.select_all, keys(Std.SelectAll, "Ctrl+A"), on_canvas=True
        )
        self.connect_to = self._add(  # keyboard linking (app/ui/canvas/connect_picker.py)
            edit_menu,
            "Co&nnect to…",
            partial(pick_and_connect, canvas),
            [QKeySequence("Ctrl+L")],
            on_canvas=True,
        )
        self.find = self._add(edit_menu, "&Find…", self.find_in_palette, keys(Std.Find, "Ctrl+F"))
        edit_menu.addSeparator()
        align_menu = edit_menu.addMenu("A&lign")
        self.align = {
            edge: self._add(align_menu, text, partial(canvas.align, edge)) for edge, text in ALIGN_EDGES
        }
        distribute_menu = edit_menu.addMenu("Dis&tribute")
        self.distribute = {
            "horizontal": self._add(
                distribute_menu, "&Horizontally", partial(canvas.distribute, "horizontal")
            ),
            "vertical": self._add(distribute_menu, "&Vertically", partial(canvas.distribute, "vertical")),
        }

        # ---- View -------------------------------------------------------------------------
        view_menu = w.menuBar().addMenu("&View")
        self.zoom_in = self._add(view_menu, "Zoom &In", canvas.zoom_in, keys(Std.ZoomIn, "Ctrl++", "Ctrl+="))
        self.zoom_out = self._add(view_menu, "Zoom &Out", canvas.zoom_out, keys(Std.ZoomOut, "Ctrl+-"))
        self.reset_zoom = self._add(view_menu, "&Actual Size", canvas.reset_zoom, [QKeySequence("Ctrl+1")])
        self.fit = self._add(
            view_menu,
            "&Fit to Window",
            canvas.fit_to_view,
            [QKeySequence("Ctrl+0"), QKeySequence("Ctrl+Shift+F")],
        )
        view_menu.addSeparator()
        self.snap = self._add(view_menu, "&Snap to Grid", None, [QKeySequence("Ctrl+Shift+G")])
        self.snap.setCheckable(True)
        self.snap.setChecked(w.settings.snap_to_grid())
        self.snap.toggled.connect(w.set_snap_to_grid)
        self.minimap = self._add(view_menu, "&Minimap", None, [QKeySequence("Ctrl+Shift+M")])
        self.minimap.setCheckable(True)
        self.minimap.setChecked(w.settings.minimap_visible())
        self.minimap.toggled.connect(w.set_minimap_visible)
        self.auto_layout = self._add(
            view_menu, "Auto-&Layout", canvas.auto_layout, [QKeySequence("Ctrl+Shift+L")]
        )
        view_menu.addSeparator()
        theme_menu = view_menu.addMenu("&Theme")
        self.theme_group = QActionGroup(self)
        self.theme: dict[str, QAction] = {}
        manager = ThemeManager.instance()
        for mode, text in (("system", "Follow &System"), ("light", "&Light"), ("dark", "&Dark")):
            action = QAction(text, self)
            action.setCheckable(True)
            action.setChecked(manager.mode == mode)
            action.triggered.connect(partial(self._set_theme, mode))
            self.theme_group.addAction(action)
            theme_menu.addAction(action)
            self.theme[mode] = action
        view_menu.addSeparator()
        panels = []
        def focus_on(widget: Callable[[], QWidget]) -> Callable[[], object]:
            return lambda: focus_in(widget())

        panel_focus = {
            w.palette_dock: focus_on(lambda: w.palette_panel.search),
            w.inspector_dock: lambda: focus_inspector(w),
            w.findings_dock: focus_on(lambda: w.findings.tree),
            w.history_dock: focus_on(lambda: w.history.view),
            w.decisions_dock: focus_on(lambda: w.decisions.tree),
            w.estimates_dock: focus_on(lambda: w.estimates.totals),
        }
        for number, dock in enumerate(panel_focus, start=1):
            # the key and the click differ (app/ui/panel_keys.py)
            toggle = bind_panel(dock, f"Ctrl+Alt+{number}", panel_focus[dock], home=canvas)
            view_menu.addAction(toggle)
            panels.append(toggle)
        self.panel_cycle = PanelCycle(w, canvas)
        to_canvas = partial(canvas.setFocus, Qt.FocusReason.ShortcutFocusReason)
        for panel in (w.palette_dock, canvas, w.inspector_dock, w.findings_dock, w.decisions_dock,
                      w.estimates_dock, w.history_dock):
            self.panel_cycle.add(panel, panel_focus.get(panel, to_canvas))
        view_menu.addSeparator()
        # window-wide, into each panel's first field (app/ui/panel_cycle.py)
        step = self.panel_cycle.step
        self.next_panel = self._add(view_menu, "&Next Panel", partial(step, True), [QKeySequence("Ctrl+Tab")])
        back = [QKeySequence("Ctrl+Shift+Tab")]
        self.previous_panel = self._add(view_menu, "&Previous Panel", partial(step, False), back)
        self.reset_layout = QAction("&Reset Panel Layout", self.window)
        self.reset_layout.triggered.connect(w.restore_default_layout)
        view_menu.addAction(self.reset_layout)
        self.menus.append(("View", panels))

        # ---- Interview (app/ui/interview) -------------------------------------------------
        w.interview.add_menu(self)

        # ---- Help -------------------------------------------------------------------------
        help_menu = w.menuBar().addMenu("&Help")
        self.shortcuts = self._add(
            help_menu, "&Keyboard Shortcuts", self.show_shortcuts, [QKeySequence("Ctrl+/")]
        )
        self.rules = self._add(
            help_menu,
            "&Rules Reference",
            lambda: help_dialogs.show_rules_reference(w),
            keys(Std.HelpContents, "F1"),
        )
        self.start_page = self._add(help_menu, "&Start Page", w.show_start_page)
        help_menu.addSeparator()
        self.about = self._add(help_menu, "&About MLSD Studio", w.show_about)
        self.about.setMenuRole(QAction.MenuRole.AboutRole)
        self.update_enabled([], [])

    # ---- helpers ----------------------------------------------------------------------------

    def _remember(self, menu: QMenu, action: QAction) -> None:
        title = menu.title().replace("&", "")
        for name, actions in self.menus:
            if name == title:
                actions.append(action)
                return
        self.menus.append((title, [action]))

    def _add(
        self,
        menu: QMenu,
        text: str,
        slot: Callable[[], object] | None,
        shortcuts: list[QKeySequence] | None = None,
        on_canvas: bool = False,
    ) -> QAction:
        action = QAction(text, self.window)
        if shortcuts:
            action.setShortcuts(shortcuts)
        if slot is not None:
            action.triggered.connect(lambda _checked=False, s=slot: s())
        if on_canvas:
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.window.canvas.addAction(action)
        else:
            self.window.addAction(action)
        menu.addAction(action)
        top = menu
        while isinstance(top.parent(), QMenu):
            top = top.parent()  # type: ignore[assignment]
        self._remember(top, action)
        return action

    def rebuild_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        recent = self.window.settings.recent_files()
        for i, path in enumerate(recent, start=1):
            action = menu.addAction(f"&{i % 10}  {path.replace('&', '&&')}")
            action.setData(path)
            action.triggered.connect(lambda _checked=False, p=path: self.window.files.open(p))
        if not recent:
            empty = menu.addAction("No recent files")
            empty.setEnabled(False)
        menu.addSeparator()
        clear = menu.addAction("Clear Menu", self.window.settings.clear_recent_files)
        clear.setEnabled(bool(recent))

    def update_enabled(self, component_ids: list[str], link_ids: list[str]) -> None:
        any_selected = bool(component_ids or link_ids)
        for action in (self.cut, self.copy, self.duplicate, self.connect_to):
            action.setEnabled(bool(component_ids))
        self.delete.setEnabled(any_selected)
        for action in self.align.values():
            action.setEnabled(len(component_ids) >= 2)
        for action in self.distribute.values():
            action.setEnabled(len(component_ids) >= 3)

    def find_in_palette(self) -> None:
        """The palette's search, its text selected: it filters the kinds and marks the cards
        whose name, id or technology holds the text."""
        self.window.palette_dock.show()
        self.window.palette_dock.raise_()
        search = self.window.palette_panel.search
        search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        search.selectAll()

    def show_shortcuts(self) -> None:
        help_dialogs.show_shortcuts(self.window)

    def _set_theme(self, mode: str, _checked: bool = False) -> None:
        ThemeManager.instance().set_mode(mode)
        for window in self.window.all_windows():
            window.actions.theme[mode].setChecked(True)
