"""The "Design by stage" section: each stage's components with their properties (humanised;
what each property means is in the glossary at the back), notes, links, and the risks and
decisions that concern them. Also the hook for extra sections (e.g. the interview rubric).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.platypus import Flowable, KeepTogether, Table

from app.domain.model import Component, Design, Link
from app.export.design_doc import DesignDoc, PropertyRow, property_rows, unset_labels
from app.export.report.flow import lead_kept
from app.export.report.fonts import markup
from app.export.report.paragraph import Paragraph
from app.export.report.rtl import labelled, user_text
from app.export.report.spans import quote
from app.export.report.styles import GRID, MUTED, SEVERITY_COLORS, Heading, Styles, heading, hex_of, rich
from app.export.report.tables import data_table
from app.rules.model import Finding

ExtraSection = tuple[str, Sequence[Flowable]]


class AskingSection(tuple[str, Sequence[Flowable]]):
    """An extra section that asks questions of its own (the interview rubric's follow-ups): the
    report's "Open questions" leaves those out, so no question is printed twice."""

    asks: tuple[str, ...]

    def __new__(cls, title: str, flowables: Sequence[Flowable], asks: Sequence[str]) -> AskingSection:
        section = super().__new__(cls, (title, flowables))
        section.asks = tuple(asks)
        return section


def asked_elsewhere(sections: Sequence[ExtraSection]) -> dict[str, str]:
    """Question text -> title of the extra section that asks it."""
    return {q: s[0] for s in sections if isinstance(s, AskingSection) for q in s.asks}


LONG_VALUE = 38  # characters (label and value) beyond which a property gets a whole row
COLUMNS = 3  # properties per row
TIGHT = [("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)]


def links_by_component(design: Design) -> dict[str, tuple[list[Link], list[Link]]]:
    """Component id -> (incoming links, outgoing links)."""
    table: dict[str, tuple[list[Link], list[Link]]] = {}
    for link in design.links:
        table.setdefault(link.target, ([], []))[0].append(link)
        table.setdefault(link.source, ([], []))[1].append(link)
    return table


def _neighbours(component: Component, design: Design, links: dict[str, tuple[list[Link], list[Link]]]) -> str:
    index = design.component_by_id()

    def name(cid: str) -> str:
        other = index.get(cid)
        return quote((other.name or other.id) if other else cid)

    def what(link: Link) -> str:  # the flow, and the link's own label: "data: tokenized"
        label = " ".join(link.label.split())
        return f"{link.flow}: {quote(label)}" if label else link.flow

    inputs, outputs = links.get(component.id, ([], []))
    if outputs:  # each link once, at its source (the figures show both ends)
        return "<b>Sends to</b> " + "; ".join(f"{name(lk.target)} ({what(lk)})" for lk in outputs)
    return "" if inputs else "Not linked to any other component."


def _cell(row: PropertyRow, styles: Styles) -> Paragraph:
    return user_text(row.value, styles.cell, styles.fonts, prefix=f"<b>{markup(row.label)}</b> ")


def properties_grid(rows: list[PropertyRow], styles: Styles, width: float) -> Table | None:
    """ "Label value" cells three to a row; a long value gets a whole row."""
    if not rows:
        return None
    grid: list[list[Flowable | str]] = []
    spans: list[tuple[Any, ...]] = []
    pending: list[Flowable | str] = []
    for row in rows:
        if len(row.label) + len(row.value) > LONG_VALUE:
            grid.append([_cell(row, styles), "", ""])
            spans.append(("SPAN", (0, len(grid) - 1), (2, len(grid) - 1)))
            continue
        pending.append(_cell(row, styles))
        if len(pending) == COLUMNS:
            grid.append(pending)
            pending = []
    if pending:
        grid.append(pending + [""] * (COLUMNS - len(pending)))
    return data_table(
        grid,  # type: ignore[arg-type]
        [width / COLUMNS] * COLUMNS,
        header=False,
        extra=[*spans, ("LINEAFTER", (0, 0), (-2, -1), 0.4, GRID), *TIGHT],
    )


def _risk_line(findings: Sequence[Finding], styles: Styles) -> str:
    """ "Risks: R5 warning (open), R45 warning (accepted)" in the severities' colours."""
    seen: dict[str, Finding] = {}
    for finding in findings:
        if finding.rule not in seen or (seen[finding.rule].accepted and not finding.accepted):
            seen[finding.rule] = finding
    parts = []
    for rule, finding in seen.items():
        key = "accepted" if finding.accepted else finding.severity
        strong = SEVERITY_COLORS.get(key, SEVERITY_COLORS["info"])[0]
        state = "accepted" if finding.accepted else finding.severity
        parts.append(f'<font color="{hex_of(strong)}"><b>{markup(rule)}</b> {state}</font>')
    return "<b>Risks</b> (see Risks): " + ", ".join(parts)


def component_block(
    component: Component,
    doc: DesignDoc,
    styles: Styles,
    width: float,
    links: dict[str, tuple[list[Link], list[Link]]],
) -> list[Flowable]:
    """Heading, kind and technology, properties, notes, links, risks and decisions, kept
    together (moved whole to the next page rather than leave its last lines alone at the top of
    one); then a shortened name's full text, free to split."""
    spec = doc.catalog.kind(component.kind)
    kind_label = spec.label if spec else f"{component.kind} (unknown kind)"
    name = component.name.strip() or kind_label
    line = quote(name, styles.fonts)
    line += f'<font size="8.5" color="{hex_of(MUTED)}">  ·  {markup(kind_label)}'
    if component.technology.strip():
        line += f" · built with {quote(component.technology, styles.fonts)}"
    line += "</font>"
    table = properties_grid(property_rows(component, doc.catalog), styles, width)
    story: list[Flowable] = [Heading(line, styles.h3, plain=name, level=2, toc=False)]
    if table is not None:
        story.append(table)
    if component.notes.strip():
        story += labelled("<b>Notes.</b>", component.notes, styles.body, styles.kind_line, styles.fonts)
    small = []
    unset = unset_labels(component, doc.catalog)
    if unset:
        small.append(f"<i>Not specified:</i> {markup(', '.join(unset))}")
    small.append(_neighbours(component, doc.design, links))
    findings = doc.findings_for(component.id)
    if findings:
        small.append(_risk_line(findings, styles))
    concerning = doc.decisions_for(component.id)
    if concerning:
        titles = "; ".join(quote(d.label, styles.fonts) for d in concerning)
        small.append(f"<b>Decisions</b> (see Decisions): {titles}")
    if any(small):
        story.append(rich(" · ".join(part for part in small if part), styles.small))
    block: list[Flowable] = [KeepTogether(story)]
    full = doc.full_names.get(component.id)
    if full is not None:  # shortened everywhere else (app.domain.long_names)
        label = f"<i>Full name ({len(full):,} characters):</i>"
        block.append(rich(f"{label} {quote(full, styles.fonts)}", styles.small))
    return block


def stage_sections(doc: DesignDoc, styles: Styles, width: float) -> list[Flowable]:
    """The "Design by stage" section (nothing when the design has no components)."""
    design, catalog = doc.design, doc.catalog
    if not design.components:
        return []
    lead: list[Flowable] = [heading("Design by stage", styles, 0)]  # kept with the next block
    lead.append(
        rich(
            "Each stage of the design, in order, with its components: their properties (what each "
            "property means is in the glossary at the back), notes, links, and the risks and decisions "
            "that concern them.",
            styles.muted,
        )
    )
    links = links_by_component(design)
    by_stage: dict[str | None, list[Component]] = {}
    for component in design.components:
        by_stage.setdefault(catalog.stage_of(component.kind), []).append(component)
    story: list[Flowable] = []
    for stage in catalog.stages:
        components = by_stage.get(stage.id, [])
        lead.append(heading(f"{stage.number}. {stage.label}", styles, 1))
        if not components:
            prompts = " ".join(markup(p) for p in stage.prompts[:2])
            story += [*lead, rich(f"<b>No component covers this stage.</b> {prompts}", styles.body)]
            lead = []
            continue
        lead.append(rich(f"<i>{markup(stage.description)}</i>", styles.muted))
        story += lead_kept([*lead, *_blocks(components, doc, styles, width, links)])
        lead = []
    others = by_stage.get(None, [])
    if others:
        lead.append(heading("Components of unknown kinds", styles, 1))
        story += lead_kept([*lead, *_blocks(others, doc, styles, width, links)])
    return story


def _blocks(
    components: list[Component],
    doc: DesignDoc,
    styles: Styles,
    width: float,
    links: dict[str, tuple[list[Link], list[Link]]],
) -> list[Flowable]:
    return [f for component in components for f in component_block(component, doc, styles, width, links)]


def extra_sections(sections: Sequence[ExtraSection], styles: Styles) -> list[Flowable]:
    story: list[Flowable] = []
    for title, flowables in sections:
        story.append(heading(title, styles, 0))
        story.extend(flowables)
    return story
