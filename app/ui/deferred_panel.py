"""A dock's panel built the first time it is needed, not while the window starts.

The window opens with some panels behind others (the Estimates and Decisions tabs behind the
Findings): nothing of them shows in the first frame, so building them (and importing their
modules) only delays it. `DeferredPanel` puts an empty placeholder in the dock and builds the
real panel when the dock first becomes visible (its tab chosen, the dock shown, a restored
layout that shows it at once) or when the window first asks for it (`get()`: a menu command,
a signal to forward, a test). Once built, the panel is the dock's widget as before and
nothing else differs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

from PySide6.QtWidgets import QApplication, QDockWidget, QWidget

from app.ui.accessibility import name_decisions, name_estimates
from app.ui.focus_chain import behind_a_tab

if TYPE_CHECKING:
    from app.ui.decisions_panel import DecisionsPanel
    from app.ui.estimates_panel import EstimatesPanel
    from app.ui.main_window import MainWindow

P = TypeVar("P", bound=QWidget)


class DeferredPanel(Generic[P]):
    """The panel of `dock`, made by `build()` on first need; `get()` returns it."""

    def __init__(self, dock: QDockWidget, build: Callable[[], P]) -> None:
        self._dock = dock
        self._build: Callable[[], P] | None = build
        self._panel: P | None = None
        placeholder = QWidget()
        placeholder.setObjectName(f"{dock.objectName()}_placeholder")
        dock.setWidget(placeholder)
        dock.visibilityChanged.connect(self._visibility_changed)

    def _visibility_changed(self, visible: bool) -> None:
        if visible:
            self.get()

    def is_built(self) -> bool:
        return self._panel is not None

    def get(self) -> P:
        """The panel, built now if it was not yet."""
        if self._panel is None:
            build, self._build = self._build, None
            if build is None:  # asked again while being built (a signal of the build itself)
                raise RuntimeError(f"{self._dock.objectName()}: panel requested while it is built")
            panel = build()
            self._panel = panel
            placeholder = self._dock.widget()
            self._dock.setWidget(panel)
            if placeholder is not None and placeholder is not panel:
                placeholder.deleteLater()
        return self._panel


# ---- the main window's panels behind the Findings tab ------------------------------------------


def build_decisions_panel(window: MainWindow) -> DecisionsPanel:
    """The Decisions panel of `window`, connected and named as if built with the window."""
    from app.ui.decisions_panel import DecisionsPanel

    panel = DecisionsPanel(window.document)
    panel.message.connect(window.show_message)
    panel.components_activated.connect(window.show_components)
    window.document.reselect_decision.connect(lambda _decision: _bring_decisions_forward(window))
    name_decisions(panel)
    return panel


def _bring_decisions_forward(window: MainWindow) -> None:
    """An undo or redo selected a decision: its tab comes in front of the Findings, so the
    change is seen; not in front of the History, where the user is stepping through the edits,
    nor of a panel of its group with the keyboard focus (which would be left behind its tab)."""
    dock, history = window.decisions_dock, window.history_dock
    if dock.isHidden() or (history.isVisible() and not behind_a_tab(window, history)):
        return
    group = window.tabifiedDockWidgets(dock)
    focus = QApplication.focusWidget()
    if focus is not None and any(other.isAncestorOf(focus) for other in group):
        return
    if behind_a_tab(window, dock):
        dock.raise_()


def build_estimates_panel(window: MainWindow) -> EstimatesPanel:
    """The Estimates panel of `window`, following the canvas selection from now on (and the one
    made before it was built)."""
    from app.ui.estimates_panel import EstimatesPanel

    panel = EstimatesPanel(window.document, window.checker)
    window.estimates_dock.visibilityChanged.connect(panel.dock_visibility_changed)
    window.canvas.selection_changed.connect(panel.show_selection)
    panel.show_selection(window.canvas.selected_component_ids())
    panel.components_activated.connect(window.show_components)
    panel.input_activated.connect(window.focus_property)
    panel.message.connect(window.show_message)
    name_estimates(panel)
    return panel
