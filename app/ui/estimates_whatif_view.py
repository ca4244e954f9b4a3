"""The What-if tab of the Estimates dock: two factors and what they would change.

Peak QPS and data volume are multiplied by the factors; the list shows each figure that
changes (before → after) and each finding the scaled design would raise anew, no longer
raise, or word differently. Read only: the design is never edited (see estimates_whatif).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import partial

from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.estimates import DesignEstimate, EstimateEngine, format_quantity
from app.rules.model import Finding
from app.ui.document import DesignDocument
from app.ui.estimates_whatif import (
    FigureChange,
    FindingChange,
    WhatIfResult,
    compare_figures,
    compare_totals,
    findings_under,
)
from app.ui.live_check import LiveChecker
from app.ui.range_feedback import FeedbackDoubleSpinBox
from app.ui.theme import SEVERITY_COLORS, muted_text_color, tooltip_html

DEBOUNCE_MS = 300
SCALE_RANGE = (0.1, 10.0)
FINDING_WORDS = {"introduced": "New", "resolved": "Gone", "changed": "Reworded"}
FINDING_COLORS = {"introduced": "error", "resolved": "accepted"}
# Design totals the what-if reports: label and unit for format_quantity.
TOTALS = {
    "monthly_cost": ("Monthly cost", "USD/month"),
    "storage_bytes": ("Storage", "bytes"),
    "events_per_day": ("Events per day", "events/day"),
    "peak_qps": ("Peak load", "qps"),
    "replicas_needed": ("Replicas needed", "replicas"),
    "accelerator_hours_month": ("Accelerator-hours", "accelerator-hours/month"),
}


def _quantity(value: float, key: str) -> str:
    return format_quantity(value, TOTALS[key][1])


def change_line(change: FigureChange, names: dict[str, str]) -> str:
    """A figure change as one line: "Ranker · Replicas needed: 10 replicas → 20 replicas"."""
    before = "—" if change.before is None else format_quantity(change.before, change.unit)
    after = "—" if change.after is None else format_quantity(change.after, change.unit)
    return f"{names.get(change.component, change.component)} · {change.label}: {before} → {after}"


def finding_line(change: FindingChange) -> str:
    """A finding change as one line: New / Gone / Reworded (with the current wording)."""
    finding = change.finding
    line = f"{FINDING_WORDS[change.change]}: {finding.rule} {finding.message}"
    return f"{line} (now: {change.before.message})" if change.before is not None else line


def _attempt(job: Callable[[], tuple[FindingChange, ...]]) -> tuple[tuple[FindingChange, ...], str]:
    try:
        return job(), ""
    except Exception as exc:  # a rule failing on the scaled copy must not take the window down
        return (), f"The findings could not be checked: {exc}"


class WhatIfView(QWidget):
    """Factors, and the figures and findings they change; `run` recomputes."""

    components_activated = Signal(list)
    factors_changed = Signal()  # debounced
    refused = Signal(str)  # why a typed factor was not taken (out of range)

    _findings_ready = Signal(int, object, str)  # token, findings, error (from the worker thread)

    def __init__(
        self, document: DesignDocument, checker: LiveChecker | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self._token = 0
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="what-if")
        self._findings_ready.connect(self._deliver)
        self.document = document
        self.checker = checker
        self.result: WhatIfResult | None = None
        self.qps_spin = self._scale_spin("Multiply every peak and mean QPS by this factor")
        self.qps_spin.setObjectName("what_if_qps")
        self.volume_spin = self._scale_spin("Multiply every daily data volume by this factor")
        self.volume_spin.setObjectName("what_if_volume")
        self.reset_button = QPushButton("Reset")
        self.reset_button.clicked.connect(self.reset)
        self.view = QTextBrowser()
        self.view.setObjectName("what_if_changes")
        self.view.setOpenLinks(False)
        self.view.anchorClicked.connect(self._anchor_clicked)
        self._targets: list[list[str]] = []
        self._lines: list[str] = []
        factors = QHBoxLayout()
        factors.addWidget(QLabel("Peak QPS ×"))
        factors.addWidget(self.qps_spin)
        factors.addWidget(QLabel("Volume ×"))
        factors.addWidget(self.volume_spin)
        factors.addWidget(self.reset_button)
        factors.addStretch(1)
        note = QLabel("The design is not changed: this only shows what the factors would do.")
        note.setWordWrap(True)
        note.setStyleSheet("color: palette(placeholder-text);")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        layout.addLayout(factors)
        layout.addWidget(note)
        layout.addWidget(self.view, 1)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.factors_changed)
        self.show_result()  # the hint, not a blank box, until a factor is set

    def _scale_spin(self, tip: str) -> FeedbackDoubleSpinBox:
        spin = FeedbackDoubleSpinBox()
        spin.refused.connect(lambda text: self.refused.emit(f"What-if factor: {text}"))
        spin.setRange(*SCALE_RANGE)
        spin.setDecimals(2)
        spin.setSingleStep(0.5)
        spin.setValue(1.0)
        spin.setToolTip(tooltip_html(tip))
        spin.valueChanged.connect(lambda _v: self.timer.start())
        return spin

    def is_identity(self) -> bool:
        return self.qps_spin.value() == 1.0 and self.volume_spin.value() == 1.0

    def set_factors(self, qps_scale: float, volume_scale: float) -> None:
        self.qps_spin.setValue(qps_scale)
        self.volume_spin.setValue(volume_scale)

    def reset(self) -> None:
        self.set_factors(1.0, 1.0)

    def _current_findings(self) -> Sequence[Finding]:
        checker = self.checker
        if checker is None:
            return self.document.engine.check().findings
        if checker.result is None or checker.pending():
            checker.check_now()  # due anyway: publish it now rather than check twice
        assert checker.result is not None
        return checker.result.findings

    def run(self, engine: EstimateEngine, current: DesignEstimate, *, wait: bool = False) -> WhatIfResult:
        """Compare the figures and findings under the factors with the current ones (read only).

        The figures are shown at once. The findings need the rules run over a scaled copy of
        the design, which takes a while on large designs: that runs on a worker thread (the
        result says `checking` until it is back) unless `wait` is true.
        """
        self.timer.stop()
        self._token += 1
        qps, volume = self.qps_spin.value(), self.volume_spin.value()
        scaled = engine.estimate(qps_scale=qps, volume_scale=volume)
        figures, totals = compare_figures(current, scaled), compare_totals(current, scaled)
        if self.is_identity():
            self.result = WhatIfResult(qps, volume, figures, (), totals=totals)
            self.show_result()
            return self.result
        # Copies and snapshots are taken here, on the GUI thread: later edits cannot race them.
        job = partial(
            findings_under,
            self.document.design.model_dump(),  # a snapshot; the worker builds the scaled copy
            qps,
            volume,
            tuple(self._current_findings()),
            self.document.catalog,
            tuple(self.document.engine.rules),
        )
        self.result = WhatIfResult(qps, volume, figures, (), checking=True, totals=totals)
        if wait:
            self._deliver(self._token, *_attempt(job))
        else:
            self._executor.submit(self._work, self._token, job)
            self.show_result()
        return self.result

    def _work(self, token: int, job: Callable[[], tuple[FindingChange, ...]]) -> None:
        """On the worker thread: skip stale requests, else check and hand the result back."""
        if token != self._token:
            return
        outcome = _attempt(job)
        try:
            self._findings_ready.emit(token, outcome[0], outcome[1])
        except RuntimeError:  # the view was closed meanwhile
            pass

    def _deliver(self, token: int, findings: object, error: str) -> None:
        result = self.result
        if token != self._token or result is None:
            return
        changes = findings if isinstance(findings, tuple) else ()
        self.result = replace(result, findings=changes, checking=False, error=error)
        self.show_result()

    def show_result(self) -> None:
        """Render the result: each row a paragraph that wraps; a row's link shows its components."""
        result = self.result
        muted = muted_text_color().name()
        self._targets = []
        self._lines = []
        if result is None or result.is_identity():
            hint = "Set a factor above to see what would change."
            self._lines.append(hint)
            self.view.setHtml(f"<p style='color:{muted}'>{hint}</p>")
            return
        names = {c.id: c.name or c.id for c in self.document.design.components}
        parts: list[str] = []
        totals: list[tuple[str, str, list[str], str]] = [
            (f"{TOTALS[key][0]}: {_quantity(old, key)} → {_quantity(new, key)}", "", [], "")
            for key, old, new in result.totals
            if key in TOTALS
        ]
        self._group(parts, "Design totals", totals, muted)
        # What breaks comes before the long list of figures.
        if result.checking or result.error:
            note = "checking the scaled design…" if result.checking else result.error
            self._group(parts, "Findings that change", [], muted, empty=note)
        else:
            rows = []
            for change in result.findings:
                color = FINDING_COLORS.get(change.change)
                rows.append(
                    (
                        finding_line(change),
                        f"{FINDING_WORDS[change.change]}: {change.finding.rule}",
                        list(change.finding.components),
                        SEVERITY_COLORS[color] if color else "",
                    )
                )
            self._group(parts, f"Findings that change ({len(result.findings)})", rows, muted)
        rows = [
            (change_line(c, names), names.get(c.component, c.component), [c.component], "")
            for c in result.figures
        ]
        self._group(parts, f"Figures that change ({len(result.figures)})", rows, muted)
        self.view.setHtml("".join(parts))

    def _group(
        self,
        parts: list[str],
        title: str,
        rows: list[tuple[str, str, list[str], str]],
        muted: str,
        empty: str = "none",
    ) -> None:
        self._lines.append(title)
        parts.append(f"<p style='margin-top:6px; margin-bottom:2px'><b>{html.escape(title)}</b></p>")
        if not rows:
            self._lines.append("  " + empty)
            parts.append(f"<p style='margin:0 0 0 12px; color:{muted}'>{html.escape(empty)}</p>")
        for text, link, ids, color in rows:  # `link`: the start of `text` that shows `ids`
            self._lines.append("  " + text)
            style = f" color:{color};" if color else ""
            body = html.escape(text)
            if ids and text.startswith(link):
                self._targets.append(ids)
                body = (
                    f"<a href='show:{len(self._targets) - 1}' style='{style}'>{html.escape(link)}</a>"
                    + html.escape(text[len(link) :])
                )
            parts.append(f"<p style='margin:0 0 3px 12px;{style}'>{body}</p>")

    def lines(self) -> list[str]:
        """The list as text: group titles and their rows (indented)."""
        return list(self._lines)

    def _anchor_clicked(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("show:") and text[5:].isdigit() and int(text[5:]) < len(self._targets):
            self.components_activated.emit(list(self._targets[int(text[5:])]))
