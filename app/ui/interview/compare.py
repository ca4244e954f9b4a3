"""Interview ▸ Compare with template: what a template has that the current design lacks.

The comparison itself is Qt-free (app.rules.compare); this dialog shows it: a template
picker, the stage coverage of both designs side by side, and per stage the kinds missing
(with the template's component names), the kinds in both (with counts) and the kinds only
the design has.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.domain.catalog import Catalog
from app.domain.model import Design
from app.persistence import DesignLoadError, load_design
from app.rules.compare import StageComparison, compare_designs
from app.rules.engine import CheckResult, stage_coverage
from app.templates import TemplateInfo, list_templates
from app.ui.coverage_strip import CoverageStrip


def coverage_result(design: Design, catalog: Catalog) -> CheckResult:
    """A CheckResult with only the stage coverage, for a CoverageStrip."""
    return CheckResult(findings=[], coverage=stage_coverage(design, catalog))


def comparison_html(comparisons: list[StageComparison]) -> str:
    """The per-stage details as escaped HTML."""
    esc = html.escape
    parts = []
    for c in comparisons:
        marker = "✓" if c.complete else f"{len(c.missing)} missing"
        parts.append(
            f"<h3 style='margin-top:10px; margin-bottom:2px'>"
            f"<span style='background:{c.color}; color:#1F2328'>&nbsp;{c.number}&nbsp;</span>&nbsp;"
            f"{esc(c.label)} <span style='color:gray; font-weight:normal'>· {esc(marker)}</span></h3>"
        )
        items = []
        for k in c.missing:
            names = (
                f" — template has {len(k.theirs)}: {esc('; '.join(k.theirs))}"
                if len(k.theirs) > 1
                else (f" — template: {esc(k.theirs[0])}")
            )
            items.append(f"<li><b>Missing {esc(k.label)}</b> <code>{esc(k.kind)}</code>{names}</li>")
        for k in c.shared:
            items.append(
                f"<li>{esc(k.label)} <code>{esc(k.kind)}</code>: you {len(k.mine)}, "
                f"template {len(k.theirs)}</li>"
            )
        for k in c.extra:
            items.append(f"<li style='color:gray'>Only yours: {esc(k.label)} <code>{esc(k.kind)}</code></li>")
        if not items:
            items.append("<li style='color:gray'>Neither design has a component here.</li>")
        parts.append(f"<ul style='margin-top:0'>{''.join(items)}</ul>")
    return "".join(parts)


class CompareDialog(QDialog):
    """Compares `design` with a chosen template; re-compares when the template changes."""

    def __init__(
        self,
        design: Design,
        catalog: Catalog,
        templates: list[TemplateInfo] | None = None,
        initial: str | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle("Compare with template")
        self.resize(820, 700)
        self.design = design
        self.catalog = catalog
        self.templates = list_templates() if templates is None else templates
        self.template_design: Design | None = None
        self.comparisons: list[StageComparison] = []
        self.picker = QComboBox()
        for template in self.templates:
            self.picker.addItem(template.title, template.name)
        self.mine_strip = CoverageStrip(catalog)
        self.theirs_strip = CoverageStrip(catalog)
        self.mine_strip.set_result(coverage_result(design, catalog))
        grid = QGridLayout()
        grid.addWidget(QLabel("Your design"), 0, 0)
        grid.addWidget(self.mine_strip, 0, 1)
        self.theirs_label = QLabel("Template")
        grid.addWidget(self.theirs_label, 1, 0)
        grid.addWidget(self.theirs_strip, 1, 1)
        grid.setColumnStretch(1, 1)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setObjectName("compare_summary")
        self.details = QTextBrowser()
        self.details.setOpenLinks(False)
        top = QHBoxLayout()
        top.addWidget(QLabel("Template"))
        top.addWidget(self.picker, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(grid)
        layout.addWidget(self.summary)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        index = self.picker.findData(initial) if initial else -1
        self.picker.setCurrentIndex(max(index, 0))
        self.picker.currentIndexChanged.connect(self._compare)
        self._compare()
        if not self.templates:
            self.summary.setText("No templates installed: nothing to compare with.")

    def chosen(self) -> TemplateInfo | None:
        name = self.picker.currentData()
        return next((t for t in self.templates if t.name == name), None)

    def _compare(self, *_args: object) -> None:
        template = self.chosen()
        if template is None:
            return
        try:
            self.template_design = load_design(template.path, self.catalog).design
        except DesignLoadError as exc:
            self.summary.setText(f"The template cannot be read: {exc}")
            self.details.clear()
            return
        self.theirs_label.setText(f"Template: {template.title}")
        self.theirs_strip.set_result(coverage_result(self.template_design, self.catalog))
        self.comparisons = compare_designs(self.design, self.template_design, self.catalog)
        missing = sum(len(c.missing) for c in self.comparisons)
        stages = sum(1 for c in self.comparisons if c.missing)
        if missing:
            self.summary.setText(
                f"The template has {missing} kind{'s' if missing != 1 else ''} of component your "
                f"design lacks, in {stages} of {len(self.comparisons)} stages."
            )
        else:
            self.summary.setText("Your design has every kind of component the template has.")
        self.details.setHtml(comparison_html(self.comparisons))
        self.details.setAlignment(Qt.AlignmentFlag.AlignLeft)
