"""Keyboard access to the canvas: move between cards, move cards, link, open the inspector.

- Tab / Shift+Tab select the next / previous card in reading order (stage lanes left to right,
  then top to bottom); past the last card (or before the first) the focus leaves the canvas,
  so the keyboard is never trapped in it. Ctrl+Tab / Ctrl+Shift+Tab leave it at once: they are
  View > Next Panel / Previous Panel (app/ui/panel_cycle.py), window-wide.
- Arrow keys select the nearest card in that direction.
- Alt+arrows move the selected cards (1 px, a grid step with snap on; Alt+Shift+arrows 10 px),
  one undo step per press. Alt, not Shift: Shift+arrows conventionally extend a selection, and
  Ctrl+arrows belong to text editing and, on macOS, to the desktop switcher.
- Enter / Return ask for the inspector on the selection (`inspector_requested`).
- F2 renames the one selected card in place (rename.py).
- "Connect to..." (`connect_selection_to`, the picker in connect_picker.py) links the selection.
- The Menu key (or Shift+F10) opens the card menu on the current card, not under the mouse.

The view also keeps an accessible description of the selection: Qt exposes no accessibility
interface for QGraphicsItems, so the canvas widget itself tells assistive tools which card is
selected, what it is and how it is linked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QKeyEvent

from app.domain.errors import DesignError
from app.ui.canvas import style as st

if TYPE_CHECKING:
    from app.ui.canvas.scene import DesignScene
    from app.ui.document import DesignDocument

ARROWS = {
    Qt.Key.Key_Left: (-1, 0),
    Qt.Key.Key_Right: (1, 0),
    Qt.Key.Key_Up: (0, -1),
    Qt.Key.Key_Down: (0, 1),
}
MOVE_MODIFIER = Qt.KeyboardModifier.AltModifier
LARGE_STEP = 10.0
CANVAS_NAME = "Design canvas"
_ARROW_NAMES = ("Left", "Right", "Up", "Down")
# The canvas keys that are not actions (handle_tab / handle_navigation_key below, Esc and Space in
# CanvasView.keyPressEvent; Ctrl+Tab is the action View > Next Panel), as
# (what it does, key sequences in Qt's portable text); Help > Keyboard Shortcuts lists them.
CANVAS_KEYS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Next card", ("Tab",)),
    ("Previous card", ("Shift+Tab",)),
    ("Nearest card in that direction", _ARROW_NAMES),
    ("Move the selection", tuple(f"Alt+{a}" for a in _ARROW_NAMES)),
    (f"Move the selection {LARGE_STEP:g} px", tuple(f"Alt+Shift+{a}" for a in _ARROW_NAMES)),
    ("Edit the selection in the inspector", ("Return", "Enter")),
    ("Rename the selected card in place", ("F2",)),
    ("Card menu on the current card", ("Menu", "Shift+F10")),
    ("Cancel a link being drawn and clear the selection", ("Esc",)),
    ("Pan the canvas (hold while dragging)", ("Space",)),
)
_HELP = (
    "Tab and Shift+Tab: next and previous card; Ctrl+Tab and Ctrl+Shift+Tab: next and previous "
    "panel; arrow keys: nearest card that way; "
    "Alt+arrows: move the selection; Ctrl+L: connect to a card; Enter: edit in the inspector; "
    "F2: rename the card."
)


class CanvasKeyboardMixin:
    """Mixed into CanvasView; expects `document`, `design_scene`, `message` and the edit API."""

    document: DesignDocument
    design_scene: DesignScene
    _current_card: str | None = None

    # ---- order and geometry ------------------------------------------------------------------------

    def reading_order(self) -> list[str]:
        """Component ids by stage lane (the catalog's stage order), then top to bottom, then left
        to right; cards of an unknown kind come last."""
        catalog = self.document.catalog
        rank = {stage.id: n for n, stage in enumerate(catalog.stages)}
        keyed = []
        for item in self.design_scene.component_items():
            stage = catalog.stage_of(self.document.component(item.component_id).kind)
            pos = item.pos()
            keyed.append((rank.get(stage or "", len(rank)), pos.y(), pos.x(), item.component_id))
        return [key[-1] for key in sorted(keyed)]

    def current_card(self) -> str | None:
        """The card keyboard navigation starts from: the last one reached, if still selected."""
        selected = self.design_scene.selected_component_ids()
        if self._current_card in selected:
            return self._current_card
        if not selected:
            return None
        order = self.reading_order()
        return min(selected, key=order.index)

    def _go_to(self, component_id: str) -> None:
        self.select_components([component_id])  # type: ignore[attr-defined]
        self._current_card = component_id
        item = self.design_scene.component_item(component_id)
        if item is not None:
            self.ensureVisible(item.card_rect(), 40, 40)  # type: ignore[attr-defined]

    def select_next_card(self, step: int) -> bool:
        """Select the next (+1) or previous (-1) card in reading order. False past either end."""
        order = self.reading_order()
        if not order:
            return False
        current = self.current_card()
        if current is None:
            index = 0 if step > 0 else len(order) - 1
        else:
            index = order.index(current) + step
            if not 0 <= index < len(order):
                return False
        self._go_to(order[index])
        return True

    def select_toward(self, dx: int, dy: int) -> bool:
        """Select the nearest card whose centre lies in the direction (dx, dy) of the current one;
        the distance across the direction counts double, so a card straight ahead wins."""
        current = self.current_card()
        if current is None:
            return self.select_next_card(1)
        here = self.document.position_of(current)
        best: tuple[float, str] | None = None
        for item in self.design_scene.component_items():
            if item.component_id == current:
                continue
            ox, oy = item.pos().x() - here.x, item.pos().y() - here.y
            ahead = ox * dx + oy * dy
            across = abs(ox * dy) + abs(oy * dx)
            if ahead <= 0 or across > 3 * ahead:
                continue
            score = ahead + 2 * across
            if best is None or score < best[0]:
                best = (score, item.component_id)
        if best is None:
            return False
        self._go_to(best[1])
        return True

    def keyboard_menu_pos(self) -> QPoint | None:
        """Where the Menu key opens the card menu: the middle of the current card (viewport)."""
        current = self.current_card()
        item = self.design_scene.component_item(current) if current is not None else None
        if item is None:
            return None
        return self.mapFromScene(item.card_rect().center())  # type: ignore[attr-defined, no-any-return]

    # ---- keys ------------------------------------------------------------------------------------

    def handle_tab(self, event: QKeyEvent) -> bool:
        """Tab / Shift+Tab between cards, Ctrl+Tab / Ctrl+Shift+Tab out of the canvas; False to
        let the focus leave the canvas."""
        mods = event.modifiers()
        if mods & (Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ControlModifier):
            return False  # Ctrl+Tab is View > Next Panel (app/ui/panel_cycle.py)
        backward = event.key() == Qt.Key.Key_Backtab or bool(mods & Qt.KeyboardModifier.ShiftModifier)
        return self.select_next_card(-1 if backward else 1)

    def handle_navigation_key(self, event: QKeyEvent) -> bool:
        """Arrows, Alt+arrows, Enter, F2 and Shift+F10; True when the key was used."""
        key = event.key()
        mods = event.modifiers()
        if key == Qt.Key.Key_F10 and mods == Qt.KeyboardModifier.ShiftModifier:
            pos = self.keyboard_menu_pos() or QPoint(0, 0)
            global_pos = self.viewport().mapToGlobal(pos)  # type: ignore[attr-defined]
            menu_event = QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, pos, global_pos)
            self.contextMenuEvent(menu_event)  # type: ignore[attr-defined]
            return True
        if key == Qt.Key.Key_F2 and not mods:
            self.renamer.rename_selection()  # type: ignore[attr-defined]
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if not self.design_scene.selected_component_ids() and not self.design_scene.selected_link_ids():
                return False
            self.inspector_requested.emit()  # type: ignore[attr-defined]
            return True
        arrow = ARROWS.get(Qt.Key(key))
        if arrow is None:
            return False
        dx, dy = arrow
        if mods & MOVE_MODIFIER:
            if not self.design_scene.selected_component_ids():
                self.message.emit("Select cards to move them with Alt+arrow keys")  # type: ignore[attr-defined]
                return True
            if self.design_scene.snap_enabled:
                step = float(st.GRID)
            elif mods & Qt.KeyboardModifier.ShiftModifier:
                step = LARGE_STEP
            else:
                step = 1.0
            self.nudge_selection(dx * step, dy * step)  # type: ignore[attr-defined]
            return True
        if mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier):
            return False
        if not self.design_scene.component_items():
            return False  # an empty canvas: the arrows scroll it
        self.select_toward(dx, dy)  # no card that way: the selection stays
        return True

    # ---- connect -------------------------------------------------------------------------------

    def connect_candidates(self) -> list[tuple[str, str]]:
        """(id, label) of every card the selection could be linked to, in reading order."""
        selected = set(self.design_scene.selected_component_ids())
        out = []
        for cid in self.reading_order():
            if cid in selected:
                continue
            component = self.document.component(cid)
            out.append((cid, f"{component.name} ({self._kind_name(component.kind)})"))
        return out

    def connect_selection_to(self, target_id: str) -> list[str]:
        """Link every selected card to the target through the document, one undo step; refusals
        are reported through `message`. Returns the new link ids."""
        sources = [cid for cid in self.design_scene.selected_component_ids() if cid != target_id]
        if not sources:
            self.message.emit("Select a card to connect first")  # type: ignore[attr-defined]
            return []
        target_name = self.document.component(target_id).name
        made: list[str] = []
        refused: list[str] = []
        stack = self.document.undo_stack
        before = stack.index()
        self.document.begin_macro(f"Connect to {target_name}")
        try:
            for source in sources:
                try:
                    made.append(self.document.connect(source, target_id))
                except DesignError as exc:
                    refused.append(f"{self.document.component(source).name}: {exc}")
        finally:
            self.document.end_macro()
        if not made and stack.index() > before:  # every link refused: leave no empty step behind
            stack.undo()
            stack.command(before).setObsolete(True)
            stack.redo()  # an obsolete command is dropped from the stack when stepped over
        if refused:
            self.message.emit("Cannot connect " + "; ".join(refused))  # type: ignore[attr-defined]
        elif made:
            count = "1 link" if len(made) == 1 else f"{len(made)} links"
            self.message.emit(f"Connected to {target_name}: {count}")  # type: ignore[attr-defined]
        return made

    # ---- accessibility -----------------------------------------------------------------------------

    def _kind_name(self, kind: str) -> str:
        spec = self.document.catalog.kinds.get(kind)
        return spec.label if spec is not None else kind

    def card_accessible_text(self, component_id: str) -> tuple[str, str]:
        """A card's accessible name ("Events, data source") and description (stage, links)."""
        component = self.document.component(component_id)
        name = f"{component.name}, {self._kind_name(component.kind)}"
        links = self.document.design.links
        outgoing = [lk.target for lk in links if lk.source == component_id]
        incoming = [lk.source for lk in links if lk.target == component_id]
        names = self.document.design.component_by_id()

        def listed(ids: list[str]) -> str:
            return ", ".join(names[i].name for i in ids if i in names) or "none"

        stage_id = self.document.catalog.stage_of(component.kind)
        stage = self.document.catalog.stage(stage_id).label if stage_id else "unknown"
        description = f"Stage: {stage}. Links to: {listed(outgoing)}. Linked from: {listed(incoming)}."
        if component.technology:
            description = f"Technology {component.technology}. " + description
        return name, description

    def update_accessible_selection(self, *_selection: object) -> None:
        """Name the canvas after the selection and describe it (what a screen reader announces)."""
        known = self.document.design.component_by_id()  # a card being removed may still be selected
        ids = [cid for cid in self.design_scene.selected_component_ids() if cid in known]
        links = self.design_scene.selected_link_ids()
        if len(ids) == 1 and not links:
            card, description = self.card_accessible_text(ids[0])
            name = f"{CANVAS_NAME}: {card}"
        elif ids or links:
            parts = [f"{len(ids)} cards"] if ids else []
            parts += [f"{len(links)} links"] if links else []
            name = f"{CANVAS_NAME}: {' and '.join(parts)} selected"
            description = "Selected: " + ", ".join(known[c].name for c in ids[:20])
        else:
            count = len(self.design_scene.component_items())
            name = f"{CANVAS_NAME}: {count} cards, none selected"
            description = ""
        self.setAccessibleName(name)  # type: ignore[attr-defined]
        self.setAccessibleDescription(f"{description} {_HELP}".strip())  # type: ignore[attr-defined]
