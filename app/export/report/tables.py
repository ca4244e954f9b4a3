"""Table helpers of the report: the zebra data table, the severity counts, rule overrides.

Every cell is a Paragraph (or a list of them), so text wraps inside its column instead of overflowing it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table, TableStyle

from app.export.report.fonts import FontSet
from app.export.report.styles import (
    ACCENT_LIGHT,
    GRID,
    LANDSCAPE,
    MARGIN,
    SEVERITY_COLORS,
    ZEBRA,
    Styles,
    hex_of,
    rich,
    text,
)
from app.rules.model import RuleSpec

LEVEL_MEANING = {
    "off": "switched off: its findings are not reported",
    "info": "reported as information only",
    "warning": "reported as a warning",
    "error": "reported as an error (counts toward a failing check)",
}


# A row taller than this fits on no page (the landscape frame is the shorter one): such a row
# is split between pages instead of ending the report with a LayoutError.
TALL_ROW = LANDSCAPE[1] - 2 * MARGIN - 6 * mm - 12  # the frame's margins and paddings


class ReportTable(Table):
    """A Table whose cells are set in the report's font: reportlab sets each cell's font before
    drawing it (Helvetica unless told), even a cell of paragraphs, which drew nothing with it but
    named on every page a font the PDF does not embed."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.setStyle([("FONT", (0, 0), (-1, -1), FontSet.regular)])


class SplittingTable(ReportTable):
    """A Table that splits inside a row taller than any page; shorter rows still move whole to
    the next page, as in a plain Table (so ordinary tables lay out exactly as before)."""

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        parts: list[Flowable] = super().split(availWidth, availHeight)
        if parts or self.splitInRow:
            return parts
        heights: list[float] = getattr(self, "_rowHeights", None) or []  # set by the split's _calc
        blocking = heights[: self.repeatRows + 1]  # the header and the first row after it
        if len(heights) <= self.repeatRows or sum(blocking) <= TALL_ROW:
            return parts
        self.splitInRow = 1
        try:
            parts = super().split(availWidth, availHeight)
        finally:
            self.splitInRow = 0
        for part in parts:  # each part again splits inside a row only when it must
            if isinstance(part, Table):
                part.splitInRow = 0
        return parts


def data_table(
    rows: Sequence[Sequence[Flowable | list[Flowable]]],
    widths: Sequence[float],
    *,
    header: bool = True,
    extra: Sequence[tuple[Any, ...]] = (),
) -> Table:
    """A table of paragraphs with a tinted header row, hairline grid and zebra rows."""
    table = SplittingTable(
        [list(r) for r in rows], colWidths=list(widths), repeatRows=1 if header else 0, hAlign="LEFT"
    )
    commands: list[tuple[Any, ...]] = [
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


def head_row(styles: Styles, *labels: str) -> list[Flowable]:
    return [rich(label, styles.cell_head) for label in labels]


def count_table(summary: dict[str, int], styles: Styles, width: float) -> Table:
    """One row of coloured cells: errors, warnings, info, accepted."""
    keys = ("error", "warning", "info", "accepted")
    labels = {"error": "Errors", "warning": "Warnings", "info": "Info", "accepted": "Accepted"}
    cells = []
    extra: list[tuple[Any, ...]] = []
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


def overrides_table(
    overrides: dict[str, str], rules: Sequence[RuleSpec], styles: Styles, width: float
) -> Table:
    """Per-design severity overrides: rule, level, and what that means against the default."""
    by_id = {r.id: r for r in rules}
    rows: list[list[Flowable]] = [head_row(styles, "Rule", "Level", "What it means")]
    extra: list[tuple[Any, ...]] = []
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
