"""The Estimates dock: capacity and cost figures of the design, live, with a what-if.

Totals by stage on top; below, tabs with the figures of the selected component (each with
how it was derived), the inputs still missing (activating one asks the window to select the
component and focus that property), and the what-if: scale peak QPS and data volume by a
factor and list the figures and findings that would change. The what-if never edits the
design: figures come from the estimate engine's scale factors, findings from the rules run
on a scaled copy.

The totals table is filled by estimates_totals.py, the what-if tab is estimates_whatif_view.py.
The panel keeps an EstimateEngine fed with the document's change records (collected from its
signals) and re-estimates a short while after the last edit, like the live findings.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.domain import ops
from app.estimates import DesignEstimate, EstimateEngine, Figure, MissingInput, format_quantity
from app.ui import estimates_totals
from app.ui.document import DesignDocument
from app.ui.estimates_whatif import WhatIfResult
from app.ui.estimates_whatif_view import WhatIfView
from app.ui.inspector import Inspector
from app.ui.inspector.property_text import humanize
from app.ui.live_check import LiveChecker
from app.ui.tab_keys import add_tab_keys
from app.ui.theme import ThemeManager, muted_text_color, tooltip_html

DEBOUNCE_MS = 150
MISSING_ROLE = Qt.ItemDataRole.UserRole + 21


class EstimatesPanel(QWidget):
    """Totals, the selected component's figures, missing inputs and the what-if."""

    components_activated = Signal(list)
    input_activated = Signal(str, str)  # component id, property name
    message = Signal(str)
    estimate_ready = Signal(object)

    def __init__(
        self, document: DesignDocument, checker: LiveChecker | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.document = document
        self.checker = checker
        self.engine = EstimateEngine(document.design, document.catalog)
        self.estimate: DesignEstimate | None = None
        self.selected: str | None = None
        self._pending: list[ops.Change] = []

        self.totals = estimates_totals.make_totals_tree()
        self.summary = QLabel("Not estimated yet")
        self.summary.setObjectName("estimate_summary")
        self.summary.setWordWrap(True)

        self.figures_view = QTextBrowser()
        self.figures_view.setObjectName("estimate_figures")
        self.figures_view.setOpenLinks(False)
        self.figures_view.anchorClicked.connect(self._anchor_clicked)
        self.missing_list = QListWidget()
        self.missing_list.setObjectName("estimate_missing")
        self.missing_list.setWordWrap(True)
        self.missing_list.setAlternatingRowColors(True)
        self.missing_list.setSpacing(1)
        self.missing_list.itemActivated.connect(self._missing_activated)
        self.missing_list.itemClicked.connect(self._missing_activated)

        self.what_if = WhatIfView(document, checker)
        self.what_if.refused.connect(self.message)
        self.what_if.factors_changed.connect(self.run_what_if)
        self.what_if.components_activated.connect(self.components_activated)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.figures_view, "Selected")
        self.tabs.addTab(self.missing_list, "Missing inputs")
        self.tabs.addTab(self.what_if, "What-if")
        self.next_tab, self.previous_tab = add_tab_keys(self, self.tabs)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self.summary)
        layout.addWidget(self.totals)
        layout.addWidget(self.tabs, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._refresh_when_shown)
        self._stale = False  # an update is due once the panel is shown
        self._connect_document()
        ThemeManager.instance().changed.connect(self._theme_changed)
        self.refresh()

    # ---- following the document -------------------------------------------------------------

    def _connect_document(self) -> None:
        doc = self.document
        for signal, what in (
            (doc.component_added, "component_added"),
            (doc.component_removed, "component_removed"),
            (doc.component_changed, "component_changed"),
            (doc.link_added, "link_added"),
            (doc.link_removed, "link_removed"),
            (doc.link_changed, "link_changed"),
        ):
            signal.connect(lambda item_id, w=what: self._record(ops.Change(w, item_id)))
        doc.meta_changed.connect(lambda: self._record(ops.Change("meta_changed")))
        doc.design_reset.connect(self._design_reset)

    def _record(self, change: ops.Change) -> None:
        self._pending.append(change)
        self._timer.start()

    def _design_reset(self) -> None:
        self._pending.clear()
        self.engine = EstimateEngine(self.document.design, self.document.catalog)
        self.selected = None
        self._timer.start()

    def pending(self) -> bool:
        return self._stale or self._timer.isActive() or self.what_if.timer.isActive()

    def _refresh_when_shown(self) -> None:
        """The debounced update: now if the panel is on screen, else once it is shown. A large
        design's estimate takes a while, and a tab behind another (as at start) shows nothing:
        Qt keeps it "visible", moved off screen, so what counts is whether any of it shows."""
        if self.isVisible() and not self.visibleRegion().isEmpty():
            self.refresh()
        else:
            self._stale = True

    def dock_visibility_changed(self, visible: bool) -> None:
        """Connected to the dock's visibilityChanged: its tab was chosen, or it was shown."""
        if visible and self._stale:
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> DesignEstimate:
        """Bring the estimate up to date with the design and show it."""
        self._timer.stop()
        self._stale = False
        changes, self._pending = self._pending, []
        if changes:
            self.engine.apply(changes)
        self.estimate = self.engine.estimate()
        self._show_totals()
        self._show_missing()
        self._show_selected()
        if not self.what_if.is_identity():
            self.what_if.timer.start()  # the findings check is the costly part: debounced
        elif self.what_if.result is not None:
            self.run_what_if()
        self.estimate_ready.emit(self.estimate)
        return self.estimate

    # ---- totals --------------------------------------------------------------------------------

    def _names(self) -> dict[str, str]:
        return {c.id: c.name or c.id for c in self.document.design.components}

    def _show_totals(self) -> None:
        if self.estimate is None:
            return
        estimates_totals.show_totals(self.totals, self.estimate, self.document.catalog)
        self.summary.setText(estimates_totals.summary_text(self.estimate))

    def totals_rows(self) -> list[list[str]]:
        """The totals table as text, row by row, shown columns only (for tests)."""
        return estimates_totals.totals_rows(self.totals)

    def property_label(self, component_id: str, name: str) -> str:
        """How the inspector labels a property ("throughput_per_replica" -> "Throughput per replica")."""
        component = self.document.design.component_by_id().get(component_id)
        spec = self.document.catalog.kind(component.kind) if component is not None else None
        prop = spec.property(name) if spec is not None else None
        return humanize(name, prop.unit if prop is not None else None)

    # ---- selected component ---------------------------------------------------------------------

    def show_selection(self, component_ids: list[str], _link_ids: list[str] | None = None) -> None:
        """Follow the canvas selection: one component shows its figures."""
        self.selected = component_ids[0] if len(component_ids) == 1 else None
        self._show_selected()
        if self.selected is not None and self.tabs.currentIndex() == 1:
            self.tabs.setCurrentIndex(0)

    def selected_figures(self) -> tuple[Figure, ...]:
        if self.estimate is None or self.selected is None:
            return ()
        return tuple(self.estimate.figures.get(self.selected, ()))

    def _show_selected(self) -> None:
        index = self.document.design.component_by_id()
        if self.selected not in index:
            self.selected = None
        muted = muted_text_color().name()
        if self.selected is None or self.estimate is None:
            self.figures_view.setHtml(
                f"<p style='color:{muted}'>Select one component on the canvas to see its figures "
                "and how each was worked out.</p>"
            )
            return
        component = index[self.selected]
        spec = self.document.catalog.kind(component.kind)
        parts = [
            f"<p><b>{html.escape(component.name or component.id)}</b>"
            f" <span style='color:{muted}'>{html.escape(spec.label if spec else component.kind)}</span></p>"
        ]
        figures = self.selected_figures()
        if not figures:
            parts.append(f"<p style='color:{muted}'>No figures for this component.</p>")
        for figure in figures:
            value = html.escape(format_quantity(figure.value, figure.unit))
            parts.append(
                f"<p style='margin-bottom:2px'><b>{html.escape(figure.label)}</b>: {value}</p>"
                f"<p style='margin-top:0; margin-left:10px; color:{muted}'>"
                f"{html.escape(figure.derivation)}</p>"
            )
        missing = [m for m in self.estimate.missing if m.component == self.selected]
        if missing:
            parts.append("<p><b>Missing inputs</b></p><ul style='margin-left:-20px'>")
            for item in missing:
                encoded = bytes(QUrl.toPercentEncoding(item.component).data()).decode()
                href = f"missing:{encoded}/{item.property}"
                parts.append(
                    f"<li><a href='{html.escape(href)}'>"
                    f"{html.escape(self.property_label(item.component, item.property))}</a>: "
                    f"{html.escape(item.why)}</li>"
                )
            parts.append("</ul>")
        self.figures_view.setHtml("".join(parts))

    def _anchor_clicked(self, url: QUrl) -> None:
        text = url.toString(QUrl.ComponentFormattingOption.FullyDecoded)
        if text.startswith("missing:") and "/" in text:
            component, prop = text[len("missing:") :].rsplit("/", 1)
            self.input_activated.emit(component, prop)

    # ---- missing inputs -------------------------------------------------------------------------

    def _show_missing(self) -> None:
        estimate = self.estimate
        if estimate is None:
            return
        names = self._names()
        self.missing_list.clear()
        for item in estimate.missing:
            name = names.get(item.component, item.component)
            label = self.property_label(item.component, item.property)
            row = QListWidgetItem(f"{name} · {label}: {item.why}")
            row.setData(MISSING_ROLE, item)
            row.setToolTip(tooltip_html("Click to select the component and fill this in."))
            self.missing_list.addItem(row)
        if not estimate.missing:
            done = QListWidgetItem("Every input the estimates use is filled in.")
            done.setFlags(Qt.ItemFlag.NoItemFlags)
            self.missing_list.addItem(done)
        self.tabs.setTabText(1, f"Missing inputs ({len(estimate.missing)})")

    def missing_inputs(self) -> list[MissingInput]:
        rows = (self.missing_list.item(i).data(MISSING_ROLE) for i in range(self.missing_list.count()))
        return [row for row in rows if row is not None]

    def _missing_activated(self, row: QListWidgetItem) -> None:
        item: MissingInput | None = row.data(MISSING_ROLE)
        if item is not None:
            self.input_activated.emit(item.component, item.property)

    def run_what_if(self, *, wait: bool = False) -> WhatIfResult:
        """Compare the figures and findings under the what-if factors with the current ones
        (the findings on a worker thread unless `wait`)."""
        if self._pending or self.estimate is None:
            self.refresh()
        assert self.estimate is not None
        return self.what_if.run(self.engine, self.estimate, wait=wait)

    def _theme_changed(self, _dark: bool) -> None:
        self._show_selected()
        self.what_if.show_result()


def focus_inspector_property(inspector: Inspector, component_id: str, name: str) -> bool:
    """Put the keyboard focus in the inspector's editor of one property of the component shown.

    False when the inspector does not show that component or its kind has no such property.
    """
    page = inspector.component_page
    editor = page.property_editors.get(name)
    if page.component_id != component_id or editor is None or inspector.current_page() is not page:
        return False
    area = editor.parentWidget()
    while area is not None and not isinstance(area, QScrollArea):
        area = area.parentWidget()
    if area is not None:
        area.ensureWidgetVisible(editor)
    editor.setFocus(Qt.FocusReason.OtherFocusReason)
    field = editor.focusProxy() or editor
    if isinstance(field, QAbstractSpinBox | QLineEdit):
        field.selectAll()  # typing replaces "unspecified" instead of being refused inside it
    return True
