"""The inspector dock: shows the page that fits the canvas selection."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QFrame, QScrollArea, QStackedWidget, QVBoxLayout, QWidget

from app.domain.text import isolate, left_to_right
from app.ui.document import DesignDocument
from app.ui.inspector.field_keys import escape_override, escape_pressed
from app.ui.inspector.pages import ComponentPage, LinkPage, MetaPage, Page, muted_label, title_label


class MultiPage(Page):
    """Several items selected: a count and what can be done with them."""

    def __init__(self, document: DesignDocument, parent: QWidget | None = None):
        super().__init__(document, parent)
        self.heading = title_label()
        self.heading.setObjectName("multi_heading")
        self.names = muted_label()
        hint = muted_label(
            "Shared actions: Edit ▸ Align and Distribute, Duplicate (Ctrl+D), Cut, Copy, Delete, "
            "or drag to move them together. Select a single component to edit its properties."
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(8)
        layout.addWidget(self.heading)
        layout.addWidget(self.names)
        layout.addWidget(hint)
        layout.addStretch(1)

    def show_items(self, component_ids: list[str], link_ids: list[str]) -> None:
        n, m = len(component_ids), len(link_ids)
        parts = []
        if n:
            parts.append(f"{n} component{'s' if n != 1 else ''}")
        if m:
            parts.append(f"{m} link{'s' if m != 1 else ''}")
        self.heading.setText(" and ".join(parts) + " selected")
        index = self.document.design.component_by_id()
        # each name isolated: two right-to-left names side by side keep their order, and the line
        # reads left to right even when it begins with one
        names = [isolate(index[c].name or c) for c in component_ids if c in index]
        shown = ", ".join(names[:12]) + (f" and {len(names) - 12} more" if len(names) > 12 else "")
        self.names.setText(left_to_right(shown))


class Inspector(QWidget):
    """Edits the selected component or link, or the design's meta when nothing is selected."""

    message = Signal(str)
    decision_activated = Signal(str)  # a decision about the component shown was clicked
    left = Signal()  # Esc in a field: its typing dropped, done with the inspector

    def __init__(self, document: DesignDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.document = document
        self.meta_page = MetaPage(document)
        self.component_page = ComponentPage(document)
        self.link_page = LinkPage(document)
        self.multi_page = MultiPage(document)
        self.stack = QStackedWidget()
        for page in (self.meta_page, self.component_page, self.link_page, self.multi_page):
            self.stack.addWidget(page)
            page.message.connect(self.message)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.stack)
        self.scroll = scroll
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self._selection: tuple[list[str], list[str]] = ([], [])

        document.component_changed.connect(self._component_changed)
        document.component_removed.connect(self._item_removed)
        document.link_changed.connect(self._link_changed)
        document.link_removed.connect(self._item_removed)
        document.component_added.connect(self._refresh_summary)
        document.meta_changed.connect(self._meta_changed)
        document.decisions_changed.connect(self._refresh_summary)
        document.decisions_changed.connect(self._decisions_changed)
        self.component_page.decisions_box.activated.connect(self.decision_activated)
        document.changed.connect(self._refresh_summary)
        document.design_reset.connect(self._design_reset)
        document.undo_stack.indexChanged.connect(self._undo_index_changed)
        self.show_selection([], [])

    def event(self, event: QEvent) -> bool:
        # Esc from any field in here (sent on by the field, unaccepted) is the inspector's, not
        # a window action's: in compare mode it left the comparison, the typing kept
        if escape_override(event) or escape_pressed(event):
            event.accept()
            if event.type() == QEvent.Type.KeyPress:
                self.left.emit()
            return True
        return super().event(event)

    def current_page(self) -> Page:
        return self.stack.currentWidget()  # type: ignore[return-value]

    def selection(self) -> tuple[list[str], list[str]]:
        return list(self._selection[0]), list(self._selection[1])

    def show_selection(self, component_ids: Sequence[str], link_ids: Sequence[str] = ()) -> None:
        """Follow the canvas selection; pending edits are committed to the item shown before."""
        self.current_page().commit_pending()
        component_ids = [c for c in component_ids if c in self.document.design.component_by_id()]
        link_ids = [lk for lk in link_ids if lk in self.document.design.link_by_id()]
        self._selection = (component_ids, link_ids)
        if len(component_ids) == 1 and not link_ids:
            self.component_page.show_component(component_ids[0])
            page: Page = self.component_page
        elif len(link_ids) == 1 and not component_ids:
            self.link_page.show_link(link_ids[0])
            page = self.link_page
        elif component_ids or link_ids:
            self.multi_page.show_items(component_ids, link_ids)
            page = self.multi_page
        else:
            self.meta_page.refresh()
            page = self.meta_page
        if self.stack.currentWidget() is not page:
            self.stack.setCurrentWidget(page)
            self.scroll.verticalScrollBar().setValue(0)

    def _component_changed(self, component_id: str) -> None:
        if (
            self.stack.currentWidget() is self.component_page
            and self.component_page.component_id == component_id
        ):
            self.component_page.refresh()
        elif self.stack.currentWidget() is self.link_page:
            self.link_page.refresh()  # a renamed end shows in the heading
        elif self.stack.currentWidget() is self.multi_page:
            self.multi_page.show_items(*self._selection)

    def _link_changed(self, link_id: str) -> None:
        if self.stack.currentWidget() is self.link_page and self.link_page.link_id == link_id:
            self.link_page.refresh()

    def _item_removed(self, item_id: str) -> None:
        components, links = self._selection
        if item_id in components or item_id in links:
            self.show_selection(
                [c for c in components if c != item_id], [lk for lk in links if lk != item_id]
            )
        self._refresh_summary()

    def _design_reset(self) -> None:
        self.show_selection([], [])

    def _undo_index_changed(self, _index: int) -> None:
        self.current_page().refresh()

    def _meta_changed(self) -> None:
        if self.stack.currentWidget() is self.meta_page:
            self.meta_page.refresh()

    def _decisions_changed(self) -> None:
        if self.stack.currentWidget() is self.component_page:
            self.component_page.refresh()

    def _refresh_summary(self, *_args: object) -> None:
        if self.stack.currentWidget() is self.meta_page:
            self.meta_page.refresh_summary()
