"""The report's "Capacity and cost" section: the back-of-the-envelope estimates of the design.

A table of totals by stage (monthly cost, storage, peak load, accelerator-hours), the
assumptions the figures rest on, each component's figures with how they were worked out, and
the inputs still missing. Figures come from app.estimates; every user text is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from app.domain.catalog import Catalog
from app.domain.model import Design
from app.estimates import DesignEstimate, assumptions, estimate_design, format_quantity
from app.export.design_doc import property_label
from app.export.report.fonts import markup
from app.export.report.styles import ACCENT_LIGHT, GRID, MUTED, ZEBRA, Styles, heading, hex_of, rich

TITLE = "Capacity and cost"
# (key in the totals, column title, unit for format_quantity); widths as fractions of the text
COLUMNS = (
    ("monthly_cost", "Monthly cost", "USD/month"),
    ("storage_bytes", "Storage", "bytes"),
    ("peak_qps", "Peak load", "qps"),
    ("accelerator_hours_month", "Accelerator-hours / month", ""),  # the title has the unit
)
WIDTHS = (0.26, 0.2, 0.15, 0.16, 0.23)  # stage, then the columns above


def _cell(value: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(value, style)


def _quantity(values: Mapping[str, float], key: str, unit: str) -> str:
    value = values.get(key)
    return markup(format_quantity(value, unit), newlines=False) if value else "—"


def totals_table(estimate: DesignEstimate, catalog: Catalog, styles: Styles, width: float) -> Table:
    """Totals by stage (stages with a figure, in the catalog's order), then the design's total."""
    right = styles.cell.clone("capacity_right", alignment=2)
    right_bold = styles.cell_bold.clone("capacity_right_bold", alignment=2)
    rows: list[list[Paragraph]] = [
        [_cell("Stage", styles.cell_head)]
        + [
            _cell(title, styles.cell_head.clone("capacity_head_right", alignment=2))
            for _k, title, _u in COLUMNS
        ]
    ]
    labels = {s.id: f"{s.number}. {s.label}" for s in catalog.stages}
    order = [s.id for s in catalog.stages] + sorted(set(estimate.stage_totals) - set(labels))
    for stage_id in order:
        values = estimate.stage_totals.get(stage_id)
        if not values or not any(values.get(key) for key, _t, _u in COLUMNS):
            continue
        label = labels.get(stage_id, stage_id.replace("_", " ").capitalize())
        rows.append(
            [_cell(markup(label, newlines=False), styles.cell)]
            + [_cell(_quantity(values, key, unit), right) for key, _t, unit in COLUMNS]
        )
    rows.append(
        [_cell("Total", styles.cell_bold)]
        + [_cell(_quantity(estimate.totals, key, unit), right_bold) for key, _t, unit in COLUMNS]
    )
    table = Table(rows, colWidths=[width * share for share in WIDTHS], repeatRows=1)
    style: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT_LIGHT),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, MUTED),
        ("LINEABOVE", (0, -1), (-1, -1), 0.8, MUTED),
        ("GRID", (0, 0), (-1, -1), 0.3, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    style += [("BACKGROUND", (0, i), (-1, i), ZEBRA) for i in range(2, len(rows) - 1, 2)]
    table.setStyle(TableStyle(style))
    return table


def _figure_line(label: str, value: str, derivation: str, styles: Styles) -> Paragraph:
    body = f"<b>{markup(label, newlines=False)}</b>: {markup(value, newlines=False)}"
    if derivation:
        body += f' <font color="{hex_of(MUTED)}">({markup(derivation, styles.fonts)})</font>'
    return Paragraph(body, styles.bullet, bulletText="•")


def derivations(design: Design, estimate: DesignEstimate, catalog: Catalog, styles: Styles) -> list[Flowable]:
    """Each component with figures, stage by stage: its figures and how each was worked out."""
    story: list[Flowable] = []
    stage_rank = {s.id: i for i, s in enumerate(catalog.stages)}
    components = [c for c in design.components if estimate.figures.get(c.id)]
    components.sort(key=lambda c: stage_rank.get(catalog.stage_of(c.kind) or "", len(stage_rank)))
    for component in components:
        spec = catalog.kind(component.kind)
        kind = spec.label if spec else component.kind
        story.append(
            rich(
                f"<b>{markup(component.name or component.id, styles.fonts, newlines=False)}</b> "
                f'<font color="{hex_of(MUTED)}">{markup(kind, newlines=False)}</font>',
                styles.kind_line,
            )
        )
        for figure in estimate.figures[component.id]:
            story.append(
                _figure_line(
                    figure.label, format_quantity(figure.value, figure.unit), figure.derivation, styles
                )
            )
    return story


def capacity_section(
    design: Design,
    catalog: Catalog,
    styles: Styles,
    width: float,
    estimate: DesignEstimate | None = None,
) -> list[Flowable]:
    """The whole section (heading first); `estimate` is computed when not given."""
    estimate = estimate if estimate is not None else estimate_design(design, catalog)
    story: list[Flowable] = [heading(TITLE, styles, 0)]
    if not estimate.figures and not estimate.missing:
        story.append(
            rich(
                "No component carries the quantities the estimates need (request rates, data volumes, "
                "throughput, prices), so the design has no capacity or cost figures yet.",
                styles.body,
            )
        )
        return story
    story.append(
        rich(
            "Back-of-the-envelope figures worked out from the quantities entered on the components: "
            "load flows from sources and endpoints through the design, and each figure says how it "
            "was derived. They are orders of magnitude for a review, not a quote.",
            styles.muted,
        )
    )
    story.append(heading("Totals by stage", styles, 1))
    story.append(totals_table(estimate, catalog, styles, width))
    story.append(heading("Assumptions", styles, 1))
    story.extend(Paragraph(markup(line), styles.bullet, bulletText="•") for line in assumptions())
    story.append(heading("Figures by component", styles, 1))
    story.extend(derivations(design, estimate, catalog, styles))
    story.append(heading("Missing inputs", styles, 1))
    if not estimate.missing:
        story.append(rich("Every input the estimates use is filled in.", styles.body))
        return story
    story.append(
        rich("Quantities not entered yet; the figures that need them are left out or partial.", styles.muted)
    )
    index = design.component_by_id()
    names = {c.id: c.name or c.id for c in design.components}
    for item in estimate.missing:
        component = index.get(item.component)
        spec = catalog.kind(component.kind) if component is not None else None
        label = property_label(item.property, spec.property(item.property) if spec is not None else None)
        story.append(
            Paragraph(
                f"<b>{markup(names.get(item.component, item.component), styles.fonts, newlines=False)}</b>"
                f" · {markup(label, newlines=False)}: {markup(item.why, styles.fonts)}",
                styles.bullet,
                bulletText="•",
            )
        )
    return story


__all__ = ["TITLE", "capacity_section", "derivations", "totals_table"]
