"""The Estimates dock's totals table: one row per stage with figures and a Total row, and
the summary line above it. Plain functions over a QTreeWidget (see estimates_panel.py)."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem

from app.domain.catalog import Catalog
from app.estimates import DesignEstimate, format_quantity

# (key in totals, column title, unit for format_quantity, what the column holds)
COLUMNS = (
    ("monthly_cost", "Cost/mo", "USD/month", "Monthly cost"),
    ("storage_bytes", "Storage", "bytes", "Storage over retention"),
    ("peak_qps", "QPS", "qps", "Peak load"),
    ("accelerator_hours_month", "Accel-h/mo", "accelerator-hours/month", "Accelerator-hours per month"),
)


def compact(value: float, unit: str) -> str:
    """A short figure for a table cell (the column title carries the unit)."""
    if unit == "bytes":
        return format_quantity(value, unit)
    sign = "$" if unit.startswith("USD") else ""
    for divisor, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= divisor:
            return f"{sign}{value / divisor:.3g}{suffix}"
    return f"{sign}{value:,.0f}" if abs(value) >= 10 or value == 0 else f"{sign}{value:.2g}"


def make_totals_tree() -> QTreeWidget:
    """The empty table: a stage column and one right-aligned column per figure."""
    totals = QTreeWidget()
    totals.setObjectName("estimate_totals")
    totals.setColumnCount(1 + len(COLUMNS))
    totals.setHeaderLabels(["Stage", *(title for _key, title, _unit, _tip in COLUMNS)])
    head = totals.headerItem()
    for column, (_key, _title, _unit, tip) in enumerate(COLUMNS, start=1):
        head.setToolTip(column, tip)
    totals.setTextElideMode(Qt.TextElideMode.ElideRight)
    totals.setRootIsDecorated(False)
    totals.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    totals.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    header = totals.header()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, 1 + len(COLUMNS)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    return totals


def show_totals(totals: QTreeWidget, estimate: DesignEstimate, catalog: Catalog) -> None:
    """Fill the table: the stages with any figure in the catalog's order, then Total (bold);
    columns without a total are hidden, and the table is as tall as its rows."""
    totals.clear()
    labels = {s.id: (f"{s.number}. {s.label}", s.color) for s in catalog.stages}
    order = [s.id for s in catalog.stages] + sorted(set(estimate.stage_totals) - set(labels))
    for stage_id in order:
        values = estimate.stage_totals.get(stage_id)
        if not values or not any(values.get(key) for key, *_rest in COLUMNS):
            continue
        title, color = labels.get(stage_id, (stage_id.replace("_", " ").capitalize(), ""))
        item = _totals_row(totals, title, values)
        item.setToolTip(0, title)
        if color:
            item.setIcon(0, _swatch(color))
    total = _totals_row(totals, "Total", estimate.totals)
    bold = QFont(totals.font())
    bold.setBold(True)
    for column in range(totals.columnCount()):
        total.setFont(column, bold)
    for column, (key, *_rest) in enumerate(COLUMNS, start=1):  # no room for empty columns
        totals.setColumnHidden(column, not estimate.totals.get(key))
    rows = totals.topLevelItemCount()
    row_height = totals.sizeHintForRow(0) if rows else 20
    totals.setFixedHeight(totals.header().sizeHint().height() + rows * row_height + 6)


def summary_text(estimate: DesignEstimate) -> str:
    """The line above the table: the total monthly cost and how many inputs are missing."""
    cost = estimate.totals.get("monthly_cost")
    parts = [f"{format_quantity(cost, 'USD/month')} in total" if cost else "No cost figures yet"]
    if estimate.missing:
        n = len(estimate.missing)
        parts.append(f"{n} missing input{'s' if n != 1 else ''}")
    return " · ".join(parts)


def _totals_row(totals: QTreeWidget, title: str, values: Mapping[str, float]) -> QTreeWidgetItem:
    item = QTreeWidgetItem(totals)
    item.setText(0, title)
    for column, (key, _title, unit, _tip) in enumerate(COLUMNS, start=1):
        value = values.get(key)
        item.setText(column, compact(value, unit) if value else "—")
        item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if value:
            item.setToolTip(column, format_quantity(value, unit))
    return item


def totals_rows(totals: QTreeWidget) -> list[list[str]]:
    """The table as text, row by row, shown columns only."""
    shown = [c for c in range(totals.columnCount()) if not totals.isColumnHidden(c)]
    rows = [[totals.headerItem().text(c) for c in shown]]
    items = (totals.topLevelItem(i) for i in range(totals.topLevelItemCount()))
    rows += [[item.text(c) for c in shown] for item in items if item is not None]
    return rows


def _swatch(color: str) -> QIcon:
    pixmap = QPixmap(10, 10)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)
