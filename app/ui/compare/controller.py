"""Compare mode of one window: the current design against another version of it.

File > Compare With… picks a git revision of the file or another design file; the canvas then
shows added cards and links outlined green, removed ones as red ghosts at their old places and
changed ones amber, and the Changes dock lists every change to step through. It is a read-only
overlay: the document is never touched (no undo step, never marked modified). Edits made while
comparing are followed (the comparison is recomputed shortly after each); opening another
design, Esc or Close leave compare mode and remove every mark and ghost.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QGraphicsItem, QMenu

from app.domain.model import Design
from app.persistence import DesignLoadError, load_design, load_design_bytes
from app.ui import dialogs

# The diff, the overlay, the dock and git are imported when compare mode is first used: every
# window makes a controller (for its menu), and the window's first frame needs none of them.
if TYPE_CHECKING:
    from app.diff import DesignDiff
    from app.ui.actions import WindowActions
    from app.ui.compare import overlay
    from app.ui.compare.entries import Entry
    from app.ui.compare.panel import ComparePanel
    from app.ui.main_window import MainWindow

    Focusable = overlay.CardMark | overlay.LinkMark | overlay.GhostCard | overlay.GhostLink
    Mark = Focusable | overlay.OverviewHalos

REFRESH_MS = 250  # the comparison follows edits this long after the last one
GHOST_MARGIN = 400.0  # room kept around ghosts so the view can scroll to them


class CompareController(QObject):
    """Owns the overlay items, the Changes dock and the compare actions of one window."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.old: Design | None = None
        self.label = ""
        self.diff: DesignDiff | None = None
        self.positions = False
        self.dock: QDockWidget | None = None
        self.panel: ComparePanel | None = None
        self.actions: dict[str, QAction] = {}
        self._marks: dict[tuple[str, str], Mark] = {}  # (target, id) -> item or effect
        self._current: Focusable | None = None
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        window.document.changed.connect(self._document_changed)
        window.document.design_reset.connect(self.leave)

    # ---- menu ----------------------------------------------------------------------------------

    def add_menu_actions(self, actions: WindowActions, menu: QMenu) -> None:
        """File > Compare With… and the stepping actions, built with the window's helper."""
        add = actions._add
        self.actions["compare"] = add(menu, "Compare &With…", self.compare_with, [QKeySequence("Ctrl+Alt+D")])
        self.actions["next"] = add(menu, "Next Change", lambda: self.step(1), [QKeySequence("F8")])
        self.actions["previous"] = add(
            menu, "Previous Change", lambda: self.step(-1), [QKeySequence("Shift+F8")]
        )
        self.actions["leave"] = add(menu, "Leave Compare", self.leave, [QKeySequence("Esc")])
        self._update_actions()

    def _update_actions(self) -> None:
        for key in ("next", "previous", "leave"):
            if key in self.actions:  # Esc reaches the canvas as usual when not comparing
                self.actions[key].setEnabled(self.is_active())

    # ---- choosing what to compare with -----------------------------------------------------------

    def compare_with(self) -> None:
        from app.ui.compare import source_dialog
        from app.ui.compare.revisions import GitError, file_revisions

        w = self.window
        path = w.document.path
        revisions = []
        note = ""
        if path is None:
            note = "Save the design to compare it with its earlier versions in git."
        else:
            try:
                revisions = file_revisions(path)
            except GitError as exc:
                note = f"No git history: {exc}."
            else:
                if not revisions:
                    note = f"{path.name} has no commits in its git repository yet."
        directory = str(path.parent) if path is not None else str(w.settings.last_folder() or "")
        choice = source_dialog.ask_compare_source(w, revisions, note, directory)
        if choice is None:
            return
        kind, value = choice
        if kind == "revision" and path is not None:
            self.compare_revision(value)
        elif kind == "file":
            self.compare_file(value)

    def compare_file(self, path: str | Path) -> bool:
        try:
            loaded = load_design(path, self.window.document.catalog)
        except DesignLoadError as exc:
            dialogs.show_error(self.window, "Cannot compare", str(exc))
            return False
        self.start(loaded.design, Path(path).name)
        return True

    def compare_revision(self, revision: str) -> bool:
        from app.ui.compare.revisions import GitError, describe, revision_bytes

        path = self.window.document.path
        if path is None:
            dialogs.show_error(self.window, "Cannot compare", "The design is not saved in a file yet.")
            return False
        label = describe(path, revision)
        try:
            raw = revision_bytes(path, revision)
            loaded = load_design_bytes(raw, label, self.window.document.catalog)
        except (GitError, DesignLoadError) as exc:
            dialogs.show_error(self.window, "Cannot compare", str(exc))
            return False
        self.start(loaded.design, label)
        return True

    # ---- compare mode ----------------------------------------------------------------------------

    def is_active(self) -> bool:
        return self.old is not None

    def start(self, old: Design, label: str) -> None:
        """Compare the window's design with `old` (named `label` in the dock)."""
        from app.ui.compare.entries import count_line

        self.old = old
        self.label = label
        self._ensure_dock()
        assert self.dock is not None
        self.dock.show()
        self.dock.raise_()
        self._update_actions()
        self.refresh()
        self.window.canvas.fit_to_view()
        self.window.show_message(f"Comparing with {label}: {count_line(self.diff)}" if self.diff else "")

    def refresh(self) -> None:
        """Recompute the comparison with the design as it is now and redraw the overlay."""
        self._refresh_timer.stop()
        if self.old is None or self.panel is None:
            return
        from app.diff import diff_designs
        from app.ui.compare.entries import build_entries, count_line

        design = self.window.document.design
        self.diff = diff_designs(
            self.old, design, positions=self.positions, catalog=self.window.document.catalog
        )
        self._clear_marks()
        self._draw(self.diff, self.old, design)
        entries = build_entries(self.diff, self.old, design)
        self.panel.show_entries(f"Comparing with {self.label}", count_line(self.diff), entries)
        row = self.panel.current_row()  # kept across a refresh: its item is marked again
        if 0 <= row < len(entries):
            self._set_current(self._focusable(entries[row]))

    def leave(self) -> None:
        """Back to normal editing: every mark and ghost removed, the dock hidden."""
        self._refresh_timer.stop()
        was_active = self.old is not None
        self.old = None
        self.diff = None
        self._clear_marks()
        if self.dock is not None and shiboken6.isValid(self.dock):
            self.dock.hide()
        self._update_actions()
        if was_active:
            self.window.findings_dock.raise_()
            self.window.show_message("Left compare mode")

    def set_positions(self, on: bool) -> None:
        if on != self.positions:
            self.positions = on
            self.refresh()

    def _document_changed(self) -> None:
        if self.old is not None:
            self._refresh_timer.start()

    def _ensure_dock(self) -> None:
        if self.dock is not None:
            return
        from app.ui.compare.panel import ComparePanel

        w = self.window
        self.panel = ComparePanel()
        self.panel.activated.connect(self.focus)
        self.panel.closed.connect(self.leave)
        self.panel.moves_toggled.connect(self.set_positions)
        self.dock = w._dock("Changes", "compare_dock", self.panel, Qt.DockWidgetArea.RightDockWidgetArea)
        w.tabifyDockWidget(w.findings_dock, self.dock)
        self.dock.visibilityChanged.connect(self._dock_visibility)

    def _dock_visibility(self, visible: bool) -> None:
        # the dock's own close button ends compare mode too (a tab switch only hides it)
        if not visible and self.dock is not None and self.dock.isHidden() and self.old is not None:
            self.leave()

    # ---- the overlay ---------------------------------------------------------------------------

    def marks(self) -> dict[tuple[str, str], Mark]:
        """The overlay's items and effects by (target, id), and ("overview", "") for the halos
        of the marked links drawn when zoomed out."""
        return dict(self._marks)

    def _draw(self, diff: DesignDiff, old: Design, new: Design) -> None:
        from app.ui.compare import overlay

        scene = self.window.canvas.design_scene
        old_components = old.component_by_id()
        new_components = new.component_by_id()
        old_links = {link.id: link for link in old.links}
        component_action: dict[str, str] = {}
        link_action: dict[str, str] = {}
        for change in diff.changes:
            table = {"component": component_action, "link": link_action}.get(change.target)
            if table is None:
                continue
            # added or removed wins over a field change of the same item
            if table.get(change.id) in ("added", "removed"):
                continue
            table[change.id] = change.action
        ghosts = QRectF()
        for cid, action in component_action.items():
            if action == "removed":
                component = old_components.get(cid)
                if component is None or cid in new_components:
                    continue
                ghost = overlay.GhostCard(component, self.window.document.catalog, scene.canvas_style)
                scene.addItem(ghost)
                ghosts = ghosts.united(ghost.card_rect())
                self._marks[("component", cid)] = ghost
            else:
                item = scene.component_item(cid)
                if item is not None:
                    self._marks[("component", cid)] = overlay.CardMark(item, action)
        for lid, action in link_action.items():
            if action == "removed":
                link = old_links.get(lid)
                if link is None:
                    continue
                ends = [self._end_position(cid, old_components) for cid in (link.source, link.target)]
                if ends[0] is None or ends[1] is None:
                    continue
                source, target = (diff.name_of(c) for c in (link.source, link.target))
                tip = f"Removed: {source} → {target} ({link.flow})"
                ghost_link = overlay.GhostLink(lid, ends[0], ends[1], tip)
                scene.addItem(ghost_link)
                self._marks[("link", lid)] = ghost_link
            else:
                link_item = scene.link_item(lid)
                if link_item is not None:
                    mark = overlay.LinkMark(link_item, action)
                    link_item.setGraphicsEffect(mark)
                    scene.link_batches.changed(link_item)  # a marked link paints itself
                    self._marks[("link", lid)] = mark
        link_marks = [m for m in self._marks.values() if isinstance(m, overlay.LinkMark)]
        if link_marks:
            halos = overlay.OverviewHalos(link_marks)
            scene.addItem(halos)
            self._marks[("overview", "")] = halos
        if not ghosts.isNull():
            margin = GHOST_MARGIN
            scene.setSceneRect(scene.sceneRect().united(ghosts.adjusted(-margin, -margin, margin, margin)))

    def _end_position(self, cid: str, old_components: dict) -> tuple[float, float] | None:
        """Where a removed link's end is drawn: the card now, else where it was."""
        item = self.window.canvas.design_scene.component_item(cid)
        if item is not None:
            return (item.pos().x(), item.pos().y())
        component = old_components.get(cid)
        return (component.position.x, component.position.y) if component is not None else None

    def _clear_marks(self) -> None:
        if not self._marks:  # as after every open: nothing to import or remove
            self._current = None
            return
        from app.ui.compare import overlay

        scene = self.window.canvas.design_scene
        for mark in self._marks.values():
            if not shiboken6.isValid(mark):  # its card or link was deleted with the scene's items
                continue
            if isinstance(mark, overlay.LinkMark):
                link = mark.link
                if shiboken6.isValid(link) and link.graphicsEffect() is mark:
                    link.setGraphicsEffect(None)  # type: ignore[arg-type]  # deletes the effect
                    scene.link_batches.changed(link)  # may join the batches again
                continue
            assert isinstance(mark, QGraphicsItem)
            mark.setParentItem(None)  # type: ignore[arg-type]
            if mark.scene() is scene:
                scene.removeItem(mark)
        self._marks.clear()
        self._current = None

    # ---- stepping through the changes ---------------------------------------------------------------

    def step(self, delta: int) -> None:
        if self.panel is not None and self.is_active():
            self.panel.step(delta)

    def focus(self, row: int) -> None:
        """Select and centre what the change at `row` concerns; mark it as the current one."""
        if self.panel is None:
            return
        from app.ui.compare import overlay

        entries = self.panel.entries()
        if not 0 <= row < len(entries):
            return
        entry = entries[row]
        canvas = self.window.canvas
        scene = canvas.design_scene
        self._set_current(self._focusable(entry))
        if entry.target == "component":
            if scene.component_item(entry.id) is not None:
                canvas.center_on_components([entry.id])
                return
            ghost = self._marks.get(("component", entry.id))
            canvas.select_components([])
            if isinstance(ghost, overlay.GhostCard):
                canvas.centerOn(ghost.card_rect().center())
        elif entry.target == "link":
            link_item = scene.link_item(entry.id)
            if link_item is not None:
                canvas.select_components([], [entry.id])
                canvas.centerOn(link_item.sceneBoundingRect().center())
                return
            canvas.select_components([])
            ghost_link = self._marks.get(("link", entry.id))
            if isinstance(ghost_link, overlay.GhostLink):
                canvas.centerOn(ghost_link.midpoint())
        elif entry.components:
            self._focus_components(entry)
        else:
            canvas.select_components([])
            self.window.show_message(entry.text)

    def _focus_components(self, entry: Entry) -> None:
        from app.ui.compare import overlay

        canvas = self.window.canvas
        present = [c for c in entry.components if canvas.design_scene.component_item(c) is not None]
        if present:
            canvas.center_on_components(present)
        else:
            canvas.select_components([])
            ghosts = [self._marks.get(("component", c)) for c in entry.components]
            ghost = next((g for g in ghosts if isinstance(g, overlay.GhostCard)), None)
            if ghost is not None:
                canvas.centerOn(ghost.card_rect().center())
        self.window.show_message(entry.text)

    def _focusable(self, entry: Entry) -> Focusable | None:
        from app.ui.compare import overlay

        found = self._marks.get((entry.target, entry.id))
        return None if isinstance(found, overlay.OverviewHalos) else found

    def _set_current(self, mark: Focusable | None) -> None:
        previous, self._current = self._current, mark
        if previous is not None and previous is not mark and shiboken6.isValid(previous):
            previous.set_current(False)
        if mark is not None and shiboken6.isValid(mark):
            mark.set_current(True)

    def current_point(self) -> QPointF:
        """The centre of the view in scene coordinates (where focus() brought the change)."""
        canvas = self.window.canvas
        return canvas.mapToScene(canvas.viewport().rect().center())
