"""The report's "Capacity and cost" section: the back-of-the-envelope estimates of the design.

A table of totals by stage (monthly cost, storage, peak load, accelerator-hours), the
assumptions the figures rest on, the figures that size the system (replicas, utilisation,
storage, accelerator-hours, cost) with how each was worked out, and the inputs still missing.
Figures come from app.estimates; every user text is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Table, TableStyle

from app.domain.catalog import Catalog
from app.domain.model import Design
from app.estimates import DesignEstimate, assumptions, estimate_design, format_quantity
from app.export.design_doc import property_label
from app.export.report.fonts import markup
from app.export.report.paragraph import Paragraph
from app.export.report.spans import quote, said
from app.export.report.styles import ACCENT_LIGHT, GRID, MUTED, ZEBRA, Styles, heading, rich
from app.export.report.tables import SplittingTable

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
    return rich(value, style)


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
    table = SplittingTable(rows, colWidths=[width * share for share in WIDTHS], repeatRows=1)
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


# The figures that size the system and its bill; the load and volume passed along at every
# component (events, bytes and requests per day or second) are their inputs, shown in the
# window's Estimates panel and by `mlsd estimate`, not repeated here.
SIZING_FIGURES = (
    "replicas_needed",
    "utilisation",
    "review_utilisation",
    "storage_bytes",
    "accelerator_hours_month",
    "monthly_cost",
)
FIGURE_WIDTHS = (0.22, 0.2, 0.58)  # component and figure, value, how it was worked out


def sizing_figures(design: Design, estimate: DesignEstimate, catalog: Catalog) -> list[tuple[str, Any]]:
    """(component name, figure) for every sizing figure, stage by stage, in the figures' order."""
    stage_rank = {s.id: i for i, s in enumerate(catalog.stages)}
    components = [c for c in design.components if estimate.figures.get(c.id)]
    components.sort(key=lambda c: stage_rank.get(catalog.stage_of(c.kind) or "", len(stage_rank)))
    rank = {name: i for i, name in enumerate(SIZING_FIGURES)}
    rows: list[tuple[str, Any]] = []
    for component in components:
        figures = [f for f in estimate.figures[component.id] if f.name in rank]
        figures.sort(key=lambda f: rank[f.name])
        rows += [(component.name or component.id, figure) for figure in figures]
    return rows


def derivations(
    design: Design, estimate: DesignEstimate, catalog: Catalog, styles: Styles, width: float
) -> list[Flowable]:
    """One table: each sizing figure with its component, its value and how it was worked out."""
    rows_data = sizing_figures(design, estimate, catalog)
    if not rows_data:
        return [rich("No figure sizes replicas, storage, accelerators or cost yet.", styles.body)]
    small = styles.cell.clone("capacity_small", fontSize=7.6, leading=9.4)
    muted = small.clone("capacity_how", textColor=MUTED)
    rows: list[list[Paragraph]] = [
        [_cell(title, styles.cell_head) for title in ("Component · figure", "Value", "How it was worked out")]
    ]
    for name, figure in rows_data:
        rows.append(
            [
                _cell(
                    f"<b>{quote(name, styles.fonts)}</b> · {markup(figure.label, newlines=False)}",
                    small,
                ),
                _cell(markup(format_quantity(figure.value, figure.unit), newlines=False), small),
                _cell(said(figure.derivation, styles.fonts), muted),
            ]
        )
    table = SplittingTable(rows, colWidths=[width * share for share in FIGURE_WIDTHS], repeatRows=1)
    style: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT_LIGHT),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, MUTED),
        ("GRID", (0, 0), (-1, -1), 0.3, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    style += [("BACKGROUND", (0, i), (-1, i), ZEBRA) for i in range(2, len(rows), 2)]
    table.setStyle(TableStyle(style))
    return [table]


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
            styles.muted.clone("capacity_intro", keepWithNext=1),  # with the first table, not alone
        )
    )
    story.append(heading("Totals by stage", styles, 1))
    if any(estimate.totals.get(key) for key, _t, _u in COLUMNS):
        story.append(totals_table(estimate, catalog, styles, width))
    else:  # not a table of dashes
        none = "No stage has a cost, storage, load or accelerator figure yet (see Missing inputs)."
        story.append(rich(none, styles.body))
    story.append(heading("Assumptions", styles, 1))
    story.append(rich(" ".join(markup(line) for line in assumptions()), styles.body))
    story.append(heading("What sizes the system", styles, 1))
    story.append(
        rich(
            "Replicas, utilisation, storage, accelerator-hours and cost, component by component. "
            "The load and volume each component passes on are their inputs (the window's "
            "Estimates panel and <i>mlsd estimate</i> list them all).",
            styles.muted,
        )
    )
    story.extend(derivations(design, estimate, catalog, styles, width))
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
            rich(
                f"<b>{quote(names.get(item.component, item.component), styles.fonts)}</b>"
                f" · {markup(label, newlines=False)}: {said(item.why, styles.fonts)}",
                styles.bullet,
                "•",
            )
        )
    return story


__all__ = ["TITLE", "capacity_section", "derivations", "sizing_figures", "totals_table"]
