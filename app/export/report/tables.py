"""Tables of the report: properties, findings, decisions, overrides and rules checked.

Every cell is a Paragraph, so text wraps inside its column instead of overflowing it.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from app.domain.catalog import Catalog, PropertySpec
from app.domain.model import Component, Design, PropertyValue
from app.export.report.fonts import markup
from app.export.report.styles import (
    ACCENT_LIGHT,
    GRID,
    MUTED,
    SEVERITY_COLORS,
    ZEBRA,
    Styles,
    hex_of,
    rich,
    text,
)
from app.rules.model import Finding, RuleSpec

_ACRONYMS = {
    "slo": "SLO", "qps": "QPS", "pii": "PII", "cv": "CV", "hpo": "HPO", "ttl": "TTL", "p99": "p99",
    "kpi": "KPI", "ml": "ML", "cd": "CD", "ct": "CT", "sla": "SLA", "id": "ID",
}  # fmt: skip
_UNIT_WORDS = {"ms", "s", "hours", "days", "pct", "millions", "month", "day", "per"}
_SPACED_UNITS = {"%": False, "fraction": False}
LEVEL_MEANING = {
    "off": "switched off: its findings are not reported",
    "info": "reported as information only",
    "warning": "reported as a warning",
    "error": "reported as an error (counts toward a failing check)",
}


def property_label(name: str, spec: PropertySpec | None = None) -> str:
    """A readable label: latency_slo_ms -> "Latency SLO", n_features -> "Number of features"."""
    words = name.split("_")
    if spec is not None and spec.unit:
        while len(words) > 1 and words[-1] in _UNIT_WORDS:
            words.pop()
    if words and words[0] == "n" and len(words) > 1:
        words = ["number", "of", *words[1:]]
    shown = [_ACRONYMS.get(w, w) for w in words]
    label = " ".join(shown)
    return label[:1].upper() + label[1:] if label[:1].islower() else label


def _number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.6g}" if abs(value) >= 1000 else f"{value:.6g}"


def format_value(value: PropertyValue, spec: PropertySpec | None = None) -> str:
    """A property value with its unit: 50.0 ms -> "50 ms", True -> "yes", 0.08 -> "0.08 (8%)"."""
    if value is None:
        return "unspecified"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        shown = _number(value)
        unit = spec.unit if spec else None
        if unit == "fraction":
            return f"{shown} ({value * 100:.3g}%)"
        if unit == "%":
            return f"{shown}%"
        return f"{shown} {unit}" if unit else shown
    if isinstance(value, list):
        if spec is not None and spec.type == "set":
            return ", ".join(v.replace("_", " ") for v in value) or "none"
        return ", ".join(str(v) for v in value) or "none"
    if spec is not None and spec.type == "enum":
        return str(value).replace("_", " ")
    return str(value)


def data_table(
    rows: Sequence[Sequence[Flowable]],
    widths: Sequence[float],
    *,
    header: bool = True,
    extra: Sequence[tuple] = (),
) -> Table:
    """A table of paragraphs with a tinted header row, hairline grid and zebra rows."""
    table = Table(
        [list(r) for r in rows], colWidths=list(widths), repeatRows=1 if header else 0, hAlign="LEFT"
    )
    commands: list[tuple] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, GRID),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), ACCENT_LIGHT))
        commands.append(("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#AEB6BF")))
    first = 1 if header else 0
    commands.extend(("BACKGROUND", (0, i), (-1, i), ZEBRA) for i in range(first + 1, len(rows), 2))
    commands.extend(extra)
    table.setStyle(TableStyle(commands))
    return table


def head_row(styles: Styles, *labels: str) -> list[Paragraph]:
    return [rich(label, styles.cell_head) for label in labels]


def properties_table(component: Component, catalog: Catalog, styles: Styles, width: float) -> Table | None:
    """Set properties of a component: label (and raw name), value with unit, meaning."""
    spec = catalog.kind(component.kind)
    rows: list[list[Flowable]] = []
    for name, value in component.properties.items():
        if value is None:
            continue
        prop = spec.property(name) if spec else None
        label = (
            f"<b>{markup(property_label(name, prop))}</b><br/>"
            f'<font size="6.8" color="{hex_of(MUTED)}">{markup(name)}</font>'
        )
        rows.append(
            [
                rich(label, styles.cell),
                text(format_value(value, prop), styles.cell),
                text(prop.description if prop else "", styles.cell),
            ]
        )
    if not rows:
        return None
    return data_table(
        [head_row(styles, "Property", "Value", "Meaning"), *rows], [width * 0.27, width * 0.28, width * 0.45]
    )


def unset_properties(component: Component, catalog: Catalog) -> list[str]:
    spec = catalog.kind(component.kind)
    if spec is None:
        return []
    return [property_label(p.name, p) for p in spec.properties if component.properties.get(p.name) is None]


def severity_cell(finding: Finding, styles: Styles) -> Paragraph:
    strong, _light = SEVERITY_COLORS.get(finding.severity, SEVERITY_COLORS["info"])
    parts = [f'<font color="{hex_of(strong)}"><b>{finding.severity}</b></font>']
    if finding.accepted:
        parts.append(f'<font color="{hex_of(SEVERITY_COLORS["accepted"][0])}">accepted</font>')
    if finding.overridden:
        parts.append(f'<font size="7" color="{hex_of(MUTED)}">(default {finding.default_severity})</font>')
    return rich("<br/>".join(parts), styles.cell)


def component_names(design: Design, ids: Sequence[str]) -> list[str]:
    index = design.component_by_id()
    return [(index[c].name or index[c].id) if c in index else c for c in ids]


def findings_table(
    findings: Sequence[Finding], design: Design, styles: Styles, width: float, *, with_sources: bool = True
) -> Table:
    """Rule, severity (colour-coded), finding with what it concerns, suggestion, source."""
    fracs = (0.06, 0.09, 0.40, 0.25, 0.20) if with_sources else (0.07, 0.10, 0.50, 0.33)
    header = ["Rule", "Severity", "Finding", "Suggestion", "Source"][: len(fracs)]
    rows: list[list[Flowable]] = [head_row(styles, *header)]
    extra: list[tuple] = []
    for row, finding in enumerate(findings, start=1):
        message = f"<b>{markup(finding.title)}</b><br/>{markup(finding.message)}"
        names = component_names(design, finding.components)
        if names:
            message += (
                f'<br/><font color="{hex_of(MUTED)}">Concerns: '
                + "; ".join(markup(n, newlines=False) for n in names)
                + "</font>"
            )
        if finding.accepted and finding.rationale:
            message += f"<br/><i>Accepted: {markup(finding.rationale)}</i>"
        cells: list[Flowable] = [
            text(finding.rule, styles.cell_bold),
            severity_cell(finding, styles),
            rich(message, styles.cell),
            text(finding.suggestion or "", styles.cell),
        ]
        if with_sources:
            cells.append(text("; ".join(finding.sources), styles.cell))
        rows.append(cells)
        light = SEVERITY_COLORS["accepted" if finding.accepted else finding.severity][1]
        extra.append(("BACKGROUND", (1, row), (1, row), light))
    return data_table(rows, [width * f for f in fracs], extra=extra)


def count_table(summary: dict[str, int], styles: Styles, width: float) -> Table:
    """One row of coloured cells: errors, warnings, info, accepted."""
    keys = ("error", "warning", "info", "accepted")
    labels = {"error": "Errors", "warning": "Warnings", "info": "Info", "accepted": "Accepted"}
    cells = []
    extra: list[tuple] = []
    for col, key in enumerate(keys):
        strong, light = SEVERITY_COLORS[key]
        cells.append(
            rich(
                f'<font size="18" color="{hex_of(strong)}"><b>{summary.get(key, 0)}</b></font><br/>'
                f'<font color="{hex_of(strong)}">{labels[key]}</font>',
                styles.cell_center.clone("count", leading=20),
            )
        )
        extra.append(("BACKGROUND", (col, 0), (col, 0), light))
    extra.append(("VALIGN", (0, 0), (-1, -1), "MIDDLE"))
    extra.append(("LINEAFTER", (0, 0), (-2, 0), 2, colors.white))
    return data_table([cells], [width / 4] * 4, header=False, extra=extra)


def decisions_table(design: Design, findings: Sequence[Finding], styles: Styles, width: float) -> Table:
    """The trade-off log: each accepted finding's rule, what it concerns, rationale and date."""
    live = {f.decision for f in findings if f.accepted and f.decision}
    rows: list[list[Flowable]] = [head_row(styles, "Rule", "Concerns", "Rationale", "Date", "Status")]
    for decision in design.decisions:
        names = component_names(design, decision.components) or ["the whole design"]
        status = "applies to a current finding" if decision.id in live else "no matching finding now"
        rows.append(
            [
                text(decision.rule, styles.cell_bold),
                text("; ".join(names), styles.cell),
                text(decision.rationale, styles.cell),
                text(decision.date[:10], styles.cell),
                text(status, styles.cell),
            ]
        )
    return data_table(rows, [width * f for f in (0.08, 0.22, 0.44, 0.12, 0.14)])


def overrides_table(
    overrides: dict[str, str], rules: Sequence[RuleSpec], styles: Styles, width: float
) -> Table:
    """Per-design severity overrides: rule, level, and what that means against the default."""
    by_id = {r.id: r for r in rules}
    rows: list[list[Flowable]] = [head_row(styles, "Rule", "Level", "What it means")]
    extra: list[tuple] = []
    for row, (rule_id, level) in enumerate(sorted(overrides.items()), start=1):
        spec = by_id.get(rule_id)
        meaning = LEVEL_MEANING.get(level, level)
        if spec is not None:
            meaning = f"{spec.title}: {meaning}"
            if level != "off" and level != spec.severity:
                meaning += f" (default: {spec.severity})"
        rows.append([text(rule_id, styles.cell_bold), text(level, styles.cell), text(meaning, styles.cell)])
        extra.append(
            ("BACKGROUND", (1, row), (1, row), SEVERITY_COLORS.get(level, SEVERITY_COLORS["off"])[1])
        )
    return data_table(rows, [width * 0.1, width * 0.14, width * 0.76], extra=extra)


def rules_table(rules: Sequence[RuleSpec], overrides: dict[str, str], styles: Styles, width: float) -> Table:
    """Appendix: every rule checked, with its stage, default severity and sources."""
    rows: list[list[Flowable]] = [head_row(styles, "ID", "Rule", "Stage", "Severity", "Sources")]
    for spec in rules:
        severity = spec.severity
        if spec.id in overrides:
            severity += f" → {overrides[spec.id]}"
        rows.append(
            [
                text(spec.id, styles.cell_bold),
                text(spec.title, styles.cell),
                text(spec.stage, styles.cell),
                text(severity, styles.cell),
                text("; ".join(spec.sources), styles.cell),
            ]
        )
    return data_table(rows, [width * f for f in (0.06, 0.34, 0.12, 0.12, 0.36)])
