"""The editing half of CanvasView's public API: selection, clipboard, arrange, layout, export.

Every change goes through the DesignDocument, one undo step per user action.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QPoint, QPointF, QRectF, SignalInstance
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QMenu, QWidget

from app.domain.errors import DesignError
from app.rules.engine import CheckResult
from app.ui.canvas import arrange, clipboard, layout
from app.ui.canvas import style as st
from app.ui.canvas.context_menu import card_menu
from app.ui.canvas.image_export import render_to_image as _render_to_image
from app.ui.jobs import JobRunner

if TYPE_CHECKING:
    from app.ui.canvas.scene import DesignScene
    from app.ui.document import DesignDocument


LAYOUT_JOB = "layout"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class CanvasEditMixin:
    """Mixed into CanvasView; expects `document`, `design_scene` and the `message` signal."""

    document: DesignDocument
    design_scene: DesignScene
    # CanvasView's (declared there; named here for the type checker only)
    message: SignalInstance
    selection_changed: SignalInstance
    fit_to_view: Callable[[], None]
    visible_scene_rect: Callable[[], QRectF]
    _fit_rect: Callable[[QRectF], None]
    centerOn: Callable[[QPointF], None]  # noqa: N815 (Qt's name)
    viewport: Callable[[], QWidget]
    _paste_key: bytes | None = None
    _paste_count: int = 0
    _undo_index: int = 0
    _jobs: JobRunner | None = None

    # ---- selection -------------------------------------------------------------------------------

    def selected_component_ids(self) -> list[str]:
        return self.design_scene.selected_component_ids()

    def selected_link_ids(self) -> list[str]:
        return self.design_scene.selected_link_ids()

    def select_components(self, ids: Iterable[str], link_ids: Iterable[str] = ()) -> None:
        """Make exactly these components (and links) the selection."""
        scene = self.design_scene
        scene.blockSignals(True)
        try:
            scene.clearSelection()
            for cid in ids:
                item = scene.component_item(cid)
                if item is not None:
                    item.setSelected(True)
            for lid in link_ids:
                link = scene.link_item(lid)
                if link is not None:
                    link.setSelected(True)
        finally:
            scene.blockSignals(False)
        scene.selection_settled()  # what the blocked selectionChanged would have done
        self._emit_selection()

    def select_all(self) -> None:
        scene = self.design_scene
        scene.builder.finish_now()  # every card, also those of a large design still being built
        self.select_components(
            [i.component_id for i in scene.component_items()], [i.link_id for i in scene.link_items()]
        )

    def _emit_selection(self) -> None:
        self.selection_changed.emit(self.selected_component_ids(), self.selected_link_ids())

    def mark_matching(self, text: str) -> list[str]:
        """Mark the cards whose name, id or technology contains `text` (case-insensitive):
        outlined, and zoomed out to blocks their names stay shown. Empty text clears the marks."""
        needle = text.strip().casefold()
        ids = []
        if needle:
            for component in self.document.design.components:
                haystack = f"{component.name} {component.id} {component.technology}".casefold()
                if needle in haystack:
                    ids.append(component.id)
        self.design_scene.set_matches(ids)
        return ids

    def center_on_components(self, ids: Iterable[str]) -> None:
        """Select the components and bring them into view, zooming out if they do not fit."""
        ids = [cid for cid in ids if self.design_scene.component_item(cid) is not None]
        if not ids:
            return
        self.select_components(ids)
        rect = self.design_scene.components_rect(ids).adjusted(-40, -40, 40, 40)
        visible = self.visible_scene_rect()
        if rect.width() > visible.width() or rect.height() > visible.height():
            self._fit_rect(rect)
        else:
            self.centerOn(rect.center())

    # ---- edits -------------------------------------------------------------------------------------

    def delete_selection(self) -> None:
        components, links = self.selected_component_ids(), self.selected_link_ids()
        if components or links:
            self.document.remove_items(components, links)

    def nudge_selection(self, dx: float, dy: float) -> None:
        """Move the selected components by (dx, dy): one undo step."""
        ids = self.selected_component_ids()
        if not ids:
            return
        positions = {cid: (p.x, p.y) for cid in ids for p in [self.document.position_of(cid)]}
        self.document.move_components(arrange.nudge(positions, dx, dy), text="Nudge")

    def _selected_rects(self) -> dict[str, arrange.Rect]:
        rects = {}
        for cid in self.selected_component_ids():
            p = self.document.position_of(cid)
            rects[cid] = (p.x, p.y, st.CARD_W, st.CARD_H)
        return rects

    def align(self, edge: str) -> None:
        """Align the selected components: left, right, top, bottom, hcenter or vcenter."""
        rects = self._selected_rects()
        if len(rects) < 2:
            self.message.emit("Select at least two components to align them")
            return
        self.document.move_components(arrange.align(rects, edge), text=f"Align {edge}")

    def distribute(self, axis: str) -> None:
        """Spread three or more selected components evenly: horizontal or vertical."""
        rects = self._selected_rects()
        if len(rects) < 3:
            self.message.emit("Select at least three components to distribute them")
            return
        self.document.move_components(arrange.distribute(rects, axis), text=f"Distribute {axis}ly")

    @property
    def jobs(self) -> JobRunner:
        """The runner of this view's (and its window's) long jobs, made on first use."""
        if self._jobs is None:
            self._jobs = JobRunner(self)  # type: ignore[arg-type]
        return self._jobs

    def auto_layout(self) -> bool:
        """Lay out the selection (two or more components) or the whole design, stages left to
        right, shaped like the view. The engine runs on a worker thread from a snapshot (editing
        goes on); its result is one undo step, applied if it still fits the document
        (layout.still_fits), then the view is fitted. Pinned cards stay. True when started."""
        if self.jobs.busy(LAYOUT_JOB):
            self.message.emit("Auto-layout is already running")
            return False
        size = self.viewport().size()
        aspect = size.width() / size.height() if size.height() > 0 and size.width() > 0 else 16 / 10
        selected = self.selected_component_ids()
        plan = layout.plan_layout(
            self.document, self.message.emit, aspect=aspect, only=selected if len(selected) >= 2 else None
        )
        if plan is None:
            return False

        def done(targets: layout.Moves) -> None:
            if layout.apply_positions(self.document, plan, targets, self.message.emit):
                self.fit_to_view()

        def failed(error: BaseException) -> None:
            self.message.emit(f"Auto-layout failed: {error}")

        def cancelled() -> None:
            self.message.emit("Auto-layout cancelled; nothing moved")

        work = partial(layout.compute_positions, plan)
        return self.jobs.start(LAYOUT_JOB, "Auto-layout", work, done, failed, cancelled) is not None

    def _undo_index_changed(self, index: int) -> None:
        """Fit the view after undoing or redoing an auto-layout (the cards moved far)."""
        stack = self.document.undo_stack
        previous, self._undo_index = self._undo_index, index
        if not shiboken6.isValid(stack) or index == previous or stack.count() == 0:
            return  # the stack is being cleared or destroyed, not stepped
        # one step (Undo, Redo) or a jump in the History panel: any layout crossed moved cards far
        low, high = sorted((previous, index))
        crossed = (stack.command(i) for i in range(low, min(high, stack.count())))
        if any(step is not None and step.text() == layout.UNDO_TEXT for step in crossed):
            self.fit_to_view()

    def set_selection_pinned(self, pinned: bool) -> None:
        """Pin (auto-layout leaves them in place) or unpin the selected components: one step."""
        ids = self.selected_component_ids()
        if not ids:
            self.message.emit("Select components to pin or unpin their position")
            return
        self.document.set_pinned(ids, pinned)

    def add_kind_at(self, kind: str, scene_pos: QPointF, avoid_stacking: bool = False) -> str | None:
        """Add a component of `kind` centred on a scene point (snapped when snap is on)."""
        x, y = scene_pos.x() - st.CARD_W / 2, scene_pos.y() - st.CARD_H / 2
        if self.design_scene.snap_enabled:
            x, y = st.snap_value(x), st.snap_value(y)
        if avoid_stacking:
            x, y = self._free_position(x, y)
        try:
            component_id = self.document.add_component(kind, x, y)
        except DesignError as exc:
            self.message.emit(f"Cannot add component: {exc}")
            return None
        self.select_components([component_id])
        return component_id

    def add_kind_at_center(self, kind: str) -> str | None:
        """Add a component in free space nearest the middle of the view, never over another card."""
        return self.add_kind_at(kind, self.visible_scene_rect().center(), avoid_stacking=True)

    def _free_position(self, x: float, y: float) -> tuple[float, float]:
        """The free spot for a new card nearest (x, y), inside the visible area when there is room."""
        taken = []
        for item in self.design_scene.component_items():
            r = item.card_rect()
            taken.append((r.x(), r.y(), r.width(), r.height()))
        v = self.visible_scene_rect()
        return arrange.free_position(
            x,
            y,
            (st.CARD_W, st.CARD_H),
            taken,
            step=float(st.GRID),
            gap=float(st.GRID),
            bounds=(v.x(), v.y(), v.width(), v.height()),
        )

    def set_check_result(self, result: CheckResult | None) -> None:
        self.design_scene.set_check_result(result)

    # ---- clipboard ---------------------------------------------------------------------------------

    def copy_selection(self) -> bool:
        payload = clipboard.items_payload(self.document, self.selected_component_ids())
        if payload is None:
            self.message.emit("Nothing to copy: select one or more components")
            return False
        clipboard.write_clipboard(payload)
        self._paste_key, self._paste_count = clipboard.encode(payload), 0
        self.message.emit(f"Copied {_plural(len(payload['components']), 'component')}")
        return True

    def cut_selection(self) -> bool:
        """Copy, then delete the selection in one undo step; the first paste lands in place."""
        if not self.copy_selection():
            return False
        self._paste_count = -1
        components = self.selected_component_ids()
        links = self.selected_link_ids()
        self.document.begin_macro(f"Cut {_plural(len(components), 'component')}")
        try:
            self.document.remove_items(components, links)
        finally:
            self.document.end_macro()
        return True

    def paste(self) -> list[str]:
        """Paste copied items (fresh ids, offset +30 per repeated paste) and select them."""
        try:
            data = clipboard.read_clipboard()
            components, links = clipboard.decode(data)
            if data != self._paste_key:
                self._paste_key, self._paste_count = data, 0
            offset = clipboard.PASTE_OFFSET * (self._paste_count + 1)
            ids, link_ids, skipped = clipboard.paste_items(self.document, components, links, offset)
        except clipboard.ClipboardError as exc:
            self.message.emit(f"Cannot paste: {exc}")
            return []
        self._paste_count += 1
        return self._after_paste(ids, link_ids, skipped, "Pasted")

    def duplicate_selection(self) -> list[str]:
        """Copy and paste the selection in one step without touching the clipboard."""
        payload = clipboard.items_payload(self.document, self.selected_component_ids())
        if payload is None:
            self.message.emit("Nothing to duplicate: select one or more components")
            return []
        components, links = clipboard.decode(payload)
        ids, link_ids, skipped = clipboard.paste_items(
            self.document, components, links, clipboard.PASTE_OFFSET, text="Duplicate"
        )
        return self._after_paste(ids, link_ids, skipped, "Duplicated")

    def _after_paste(self, ids: list[str], link_ids: list[str], skipped: int, verb: str) -> list[str]:
        self.select_components(ids, link_ids)
        text = f"{verb} {_plural(len(ids), 'component')}"
        if skipped:
            text += f"; skipped {_plural(skipped, 'component')} of unknown kind"
        self.message.emit(text)
        return ids

    # ---- context menu ------------------------------------------------------------------------

    def context_menu_at(self, pos: QPoint) -> QMenu | None:
        """The menu of a right click at `pos` (viewport coordinates), or None off the cards."""
        return card_menu(self, pos)  # type: ignore[arg-type]

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        pos = event.pos()
        if event.reason() == QContextMenuEvent.Reason.Keyboard:  # the Menu key, Shift+F10
            pos = self.keyboard_menu_pos() or pos  # type: ignore[attr-defined]
        menu = self.context_menu_at(pos)
        if menu is None:
            super().contextMenuEvent(event)  # type: ignore[misc]
            return
        menu.exec(self.viewport().mapToGlobal(pos))
        menu.deleteLater()
        event.accept()

    # ---- export ------------------------------------------------------------------------------------

    def render_to_image(self, path: str | Path, fmt: str = "png") -> QRectF:
        """Export the canvas as PNG (2x) or SVG, as it looks (without selection outlines)."""
        return _render_to_image(self.design_scene, path, fmt)
