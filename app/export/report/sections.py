"""Body sections of the report: one per stage, findings, decisions, open questions, appendix."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from reportlab.platypus import CondPageBreak, Flowable, NextPageTemplate, PageBreak, Paragraph

from app.domain.catalog import Catalog
from app.domain.model import Component, Design
from app.export.report.diagram import StageFigure
from app.export.report.fonts import markup
from app.export.report.styles import MUTED, SEVERITY_COLORS, Styles, heading, hex_of, rich
from app.export.report.tables import (
    LEVEL_MEANING,
    decisions_table,
    findings_table,
    overrides_table,
    properties_table,
    rules_table,
    unset_properties,
)
from app.rules.engine import CheckResult
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


class StageFigures(Protocol):
    """The figures stage sections open with (diagram.DiagramJobs)."""

    def any_diagram(self) -> bool:
        """Whether some stage has a diagram."""
        ...

    def figure(self, stage_id: str) -> StageFigure | None:
        """The figure of a stage ("other" for components of unknown kinds), or None."""
        ...


def _finding_line(finding: Finding, styles: Styles) -> Paragraph:
    key = "accepted" if finding.accepted else finding.severity
    strong = SEVERITY_COLORS.get(key, SEVERITY_COLORS["info"])[0]
    tag = f"{finding.rule} · {finding.severity}" + (" · accepted" if finding.accepted else "")
    body = (
        f'<font color="{hex_of(strong)}"><b>{markup(tag)}</b></font> {markup(finding.message, styles.fonts)}'
    )
    if finding.accepted and finding.rationale:
        body += f" <i>Accepted because: {markup(finding.rationale, styles.fonts)}</i>"
    return Paragraph(body, styles.bullet, bulletText="•")


def _neighbours(component: Component, design: Design, links: dict[str, tuple[list, list]]) -> str:
    index = design.component_by_id()

    def name(cid: str) -> str:
        other = index.get(cid)
        return markup((other.name or other.id) if other else cid, newlines=False)

    inputs, outputs = links.get(component.id, ([], []))
    parts = []
    if inputs:
        parts.append("<b>Receives from</b> " + "; ".join(f"{name(lk.source)} ({lk.flow})" for lk in inputs))
    if outputs:
        parts.append("<b>Sends to</b> " + "; ".join(f"{name(lk.target)} ({lk.flow})" for lk in outputs))
    return " · ".join(parts) if parts else "Not linked to any other component."


def links_by_component(design: Design) -> dict[str, tuple[list, list]]:
    """Component id -> (incoming links, outgoing links)."""
    table: dict[str, tuple[list, list]] = {}
    for link in design.links:
        table.setdefault(link.target, ([], []))[0].append(link)
        table.setdefault(link.source, ([], []))[1].append(link)
    return table


def component_block(
    component: Component,
    design: Design,
    result: CheckResult,
    catalog: Catalog,
    styles: Styles,
    width: float,
    links: dict[str, tuple[list, list]] | None = None,
) -> list[Flowable]:
    """Heading, kind and technology, properties, notes, links and findings of a component."""
    spec = catalog.kind(component.kind)
    kind_label = spec.label if spec else f"{component.kind} (unknown kind)"
    line = f'<font color="{hex_of(MUTED)}">{markup(kind_label)}'
    if component.technology.strip():
        line += f" · built with </font><b>{markup(component.technology, styles.fonts, newlines=False)}</b>"
    else:
        line += "</font>"
    table = properties_table(component, catalog, styles, width)
    story: list[Flowable] = [
        heading(component.name or kind_label, styles, 2),
        rich(line, styles.kind_line if table is not None else styles.body),
    ]
    if table is not None:
        story.append(table)
    if component.notes.strip():
        story.append(rich(f"<b>Notes.</b> {markup(component.notes, styles.fonts)}", styles.body))
    small = []
    unset = unset_properties(component, catalog)
    if unset:
        small.append(f"<i>Not specified:</i> {markup(', '.join(unset))}")
    small.append(_neighbours(component, design, links if links is not None else links_by_component(design)))
    story.append(rich("<br/>".join(small), styles.small))
    findings = result.findings_for(component.id)
    if findings:
        story.append(rich("<b>Findings</b>", styles.kind_line))
        story.extend(_finding_line(f, styles) for f in findings)
    return story


def _opening(
    title: Flowable, intro: Paragraph | None, figure: StageFigure | None, width: float
) -> list[Flowable]:
    """A stage section's heading and intro, with its figure: after them in the text (keeping
    room for the figure at its smallest), or together on a page of their own."""
    lead = [title] if intro is None else [title, intro]
    if figure is None:
        return lead
    if figure.page is not None:
        tail = [NextPageTemplate("portrait"), PageBreak()] if figure.page != "portrait" else []
        return [NextPageTemplate(figure.page), PageBreak(), *lead, *figure.flowables, *tail]
    if intro is not None and figure.room:
        # A diagram may shrink to the rest of the page: the intro must not tie them together.
        intro.style = intro.style.clone("stage_intro_figure", keepWithNext=0)
    needed = figure.room + sum(f.wrap(width, 1e6)[1] + f.getSpaceAfter() for f in lead)
    return [CondPageBreak(needed), *lead, *figure.flowables]


def stage_sections(
    design: Design,
    result: CheckResult,
    catalog: Catalog,
    styles: Styles,
    width: float,
    figures: StageFigures | None = None,
) -> list[Flowable]:
    """The "Design by stage" section. `figures` gives each stage section its diagram; it is
    called after the stage's text is built, so diagrams may still be rendering meanwhile."""
    story: list[Flowable] = [heading("Design by stage", styles, 0)]
    intro = (
        "The design follows the six stages of an ML system design, in order. Each component "
        "is listed with its properties (units as entered), notes, links and the findings that "
        "concern it."
    )
    if figures is not None and figures.any_diagram():
        intro += (
            " Each stage opens with its diagram: its components and, in grey, the components of "
            "other stages linked to them (earlier stages first, later ones last)."
        )
    story.append(rich(intro, styles.muted))
    links = links_by_component(design)
    by_stage: dict[str | None, list[Component]] = {}
    for component in design.components:
        by_stage.setdefault(catalog.stage_of(component.kind), []).append(component)
    for stage in catalog.stages:
        components = by_stage.get(stage.id, [])
        body: list[Flowable] = []
        stage_findings = [f for f in result.findings if f.stage == stage.id and not f.components]
        if not components:
            body.append(
                rich("<b>No component covers this stage.</b> Questions it should answer:", styles.body)
            )
            body.extend(Paragraph(markup(p), styles.bullet, bulletText="•") for p in stage.prompts)
        for finding in stage_findings:
            body.append(_finding_line(finding, styles))
        for component in components:
            body.extend(component_block(component, design, result, catalog, styles, width, links))
        title = heading(f"{stage.number}. {stage.label}", styles, 1)
        intro_line = rich(
            f"<i>{markup(stage.description)}</i>", styles.muted.clone("stage_intro", keepWithNext=1)
        )
        figure = figures.figure(stage.id) if figures is not None and components else None
        story += [*_opening(title, intro_line, figure, width), *body]
    others = by_stage.get(None, [])
    if others:
        body = []
        for component in others:
            body.extend(component_block(component, design, result, catalog, styles, width, links))
        figure = figures.figure("other") if figures is not None else None
        story += [*_opening(heading("Components of unknown kinds", styles, 1), None, figure, width), *body]
    return story


def findings_section(design: Design, result: CheckResult, styles: Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = [heading("Findings", styles, 0)]
    if not result.findings:
        story.append(rich("The rule engine reported no findings.", styles.body))
        return story
    story.append(
        rich(
            "Every finding of the rule engine, most severe first. Accepted findings stay listed with "
            "the rationale recorded for them.",
            styles.muted,
        )
    )
    story.append(findings_table(result.findings, design, styles, width))
    return story


def decisions_section(design: Design, result: CheckResult, styles: Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = [heading("Decisions and overrides", styles, 0)]
    story.append(heading("Decisions log", styles, 1))
    if design.decisions:
        story.append(
            rich("Findings accepted as deliberate trade-offs, with the reasoning behind them.", styles.muted)
        )
        story.append(decisions_table(design, result.findings, styles, width))
    else:
        story.append(rich("No finding has been accepted as a trade-off.", styles.body))
    story.append(heading("Rule overrides", styles, 1))
    overrides = dict(design.rule_overrides)
    overrides.update(result.overrides_applied)
    if overrides:
        story.append(
            rich(
                "Severities this design sets for particular rules. "
                + "; ".join(f"<i>{k}</i>: {v}" for k, v in LEVEL_MEANING.items())
                + ".",
                styles.muted,
            )
        )
        story.append(overrides_table(overrides, result.rules_checked, styles, width))
    else:
        story.append(rich("Every rule runs at its default severity.", styles.body))
    return story


def questions_section(
    questions: Sequence[str], styles: Styles, elsewhere: Mapping[str, str] | None = None
) -> list[Flowable]:
    """The open questions, less those another section asks (`elsewhere`: text -> section)."""
    story: list[Flowable] = [heading("Open questions", styles, 0)]
    elsewhere = elsewhere or {}
    moved = [q for q in questions if q in elsewhere]
    questions = [q for q in questions if q not in elsewhere]
    if moved:
        where = sorted({elsewhere[q] for q in moved})
        count = "1 question" if len(moved) == 1 else f"{len(moved)} questions"
        verb = "is" if len(moved) == 1 else "are"
        sections_named = " and ".join(f'"{w}"' for w in where)
        story.append(
            rich(markup(f"{count} {verb} asked in {sections_named}, not repeated here."), styles.muted)
        )
    if not questions:
        if not moved:
            story.append(rich("The design leaves no obvious question open.", styles.body))
        return story
    story.append(
        rich(
            "Questions a reviewer or interviewer is likely to ask, generated from what the design "
            "leaves open.",
            styles.muted,
        )
    )
    story.extend(Paragraph(markup(q), styles.bullet, bulletText=f"{i}.") for i, q in enumerate(questions, 1))
    return story


def extra_sections(sections: Sequence[ExtraSection], styles: Styles) -> list[Flowable]:
    story: list[Flowable] = []
    for title, flowables in sections:
        story.append(heading(title, styles, 0))
        story.extend(flowables)
    return story


def appendix(result: CheckResult, styles: Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = [heading("Appendix: rules checked", styles, 0)]
    if not result.rules_checked:
        story.append(rich("No rules were registered when this report was built.", styles.body))
        return story
    story.append(
        rich(
            f"The {len(result.rules_checked)} rules run against this design, with their default "
            "severity (and the design's override, if any) and the literature they come from.",
            styles.muted,
        )
    )
    story.append(rules_table(result.rules_checked, dict(result.overrides_applied), styles, width))
    return story
