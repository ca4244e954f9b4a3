"""The design document's prose sections: context and scope; goals, non-goals and
assumptions; decisions; risks (findings grouped by rule); open questions; the appendix of
rules with their result (the glossary of property meanings is glossary.py). Each returns []
when it has nothing to say (the summary then says so in one line)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from reportlab.platypus import Flowable, KeepTogether, Spacer

from app.domain.decision_ops import alternatives_note
from app.domain.long_names import Quote, quoting_names
from app.domain.model import Decision
from app.domain.text import isolate
from app.export.design_doc import DesignDoc, RiskGroup, acceptance_status
from app.export.places import PLACE_LIMIT, capped_names, finding_place
from app.export.report.flow import lead_kept
from app.export.report.fonts import markup
from app.export.report.paragraph import Paragraph
from app.export.report.rtl import (
    bullet_item,
    concerns_cell,
    is_rtl,
    labelled,
    right_aligned,
    sentence,
    user_text,
)
from app.export.report.spans import quote, said
from app.export.report.styles import (
    GRID,
    MUTED,
    OK_GREEN_LIGHT,
    SEVERITY_COLORS,
    Styles,
    heading,
    hex_of,
    rich,
    text,
)
from app.export.report.tables import LEVEL_MEANING, data_table, head_row, overrides_table
from app.export.units import humanise_text

RESULT_COLORS = {
    "passed": SEVERITY_COLORS["accepted"],
    "accepted": SEVERITY_COLORS["accepted"],
    "open": SEVERITY_COLORS["warning"],
    "switched off": SEVERITY_COLORS["off"],
}


def _bullets(items: list[str], styles: Styles) -> list[Flowable]:
    """User text as bullets, each in its own direction."""
    return [bullet_item(item, styles.bullet, "•", styles.fonts) for item in items]


def _sentences(items: list[str], styles: Styles, numbered: bool = False) -> list[Flowable]:
    """The report's own sentences as bullets, left to right whatever names they quote."""
    return [sentence(item, styles.bullet, f"{i}." if numbered else "•") for i, item in enumerate(items, 1)]


# A comparison or approximation sign and the figure after it stay on one line ("<= 0.3%").
_OPERATOR_SPACE = re.compile(r"(?<!\S)(<=|>=|[<>≤≥~±]|\+/-) (?=\S)")


def _keep_figures_whole(text: str) -> str:
    return _OPERATOR_SPACE.sub("\\1\u00a0", text)


def context_section(doc: DesignDoc, styles: Styles, width: float) -> list[Flowable]:
    """The problem statement in full, the design's notes, and what is in and out of scope."""
    meta = doc.design.meta
    story: list[Flowable] = [heading("Context and scope", styles, 0)]
    problem = meta.problem.strip() or "No problem statement is written yet."
    story += labelled("<b>Problem statement.</b>", problem, styles.body, styles.kind_line, styles.fonts)
    if meta.notes.strip():
        story += labelled("<b>Notes.</b>", meta.notes, styles.body, styles.kind_line, styles.fonts)
    covered = [
        s for s in doc.catalog.stages if doc.result.coverage.get(s.id) and doc.result.coverage[s.id].covered
    ]
    missing = [s for s in doc.catalog.stages if s not in covered]
    scope = "<b>Scope.</b> The design covers " + (
        ", ".join(f"{s.number}. {markup(s.label)}" for s in covered) if covered else "no stage yet"
    )
    if missing:
        scope += "; it leaves out " + ", ".join(f"{s.number}. {markup(s.label)}" for s in missing)
    scope += "."
    if doc.non_goals:
        scope += " Out of scope by choice: see the non-goals below."
    story.append(rich(scope, styles.body))
    return story


def goals_section(doc: DesignDoc, styles: Styles) -> list[Flowable]:
    if not doc.has_goals():
        return []
    story: list[Flowable] = [heading("Goals, non-goals and assumptions", styles, 0)]
    for title, items, empty in (
        ("Goals", doc.goals, "No goal is written down."),
        ("Non-goals", doc.non_goals, "No non-goal is written down."),
        ("Assumptions", doc.assumptions, "No assumption is written down."),
    ):
        story.append(rich(f"<b>{title}</b>", styles.kind_line))
        shown = [_keep_figures_whole(item) for item in items]
        story.extend(_bullets(shown, styles) if shown else [rich(empty, styles.muted)])
    return story


def _listed(doc: DesignDoc, ids: list[str]) -> str:
    """The components' names, each isolated, or "the whole design"."""
    return capped_names(doc.design, ids, quote=isolate) or "the whole design"


def _names(doc: DesignDoc, ids: list[str]) -> str:
    """Markup of the components' names (each in its own direction, report.spans)."""
    return said(_listed(doc, ids), newlines=False)


def _signed(sign: str, items: list[str], styles: Styles) -> list[Flowable]:
    """An option's pros or cons for its table cell, a line each after its sign: each in its own
    direction (a right-to-left one right-aligned, its sign on the right)."""
    if not items:
        return [rich("—", styles.cell)]
    return [user_text(f"{sign} {item}", styles.cell, styles.fonts) for item in items]


def _design_decision(decision: Decision, doc: DesignDoc, styles: Styles, width: float) -> list[Flowable]:
    fonts = styles.fonts
    title = decision.label
    status = decision.status
    story: list[Flowable] = [heading(title, styles, 1, toc=False)]  # bookmarked, not in the contents
    facts = f'<font color="{hex_of(MUTED)}">{markup(status)} · {markup(decision.date[:10])}'
    if decision.components:
        facts += f" · concerns {_names(doc, list(decision.components))}"
    supersedes = decision.supersedes
    if supersedes:
        old = next((d for d in doc.design.decisions if d.id == supersedes), None)
        shown = old.label if old else supersedes
        facts += f" · supersedes {quote(shown, fonts)}"
    story.append(rich(facts + "</font>", styles.kind_line))
    context = decision.context
    if context.strip():
        story += labelled("<b>Context.</b>", context, styles.body, styles.kind_line, fonts)
    options = decision.options
    chosen = decision.chosen
    if options:
        rows: list[list[Flowable | list[Flowable]]] = [[*head_row(styles, "Option", "Pros", "Cons")]]
        extra: list[tuple[Any, ...]] = []
        for row, option in enumerate(options, start=1):
            name: list[Flowable] = [user_text(option.name, styles.cell, fonts)]
            if option.name == chosen:
                name = [user_text(option.name, styles.cell_bold, fonts)]
                mark = f'<font color="{hex_of(SEVERITY_COLORS["accepted"][0])}">chosen</font>'
                name.append(rich(mark, right_aligned(styles.cell) if is_rtl(option.name) else styles.cell))
                extra.append(("BACKGROUND", (0, row), (0, row), OK_GREEN_LIGHT))
            rows.append([name, _signed("+", option.pros, styles), _signed("−", option.cons, styles)])
        story.append(data_table(rows, [width * 0.24, width * 0.38, width * 0.38], extra=extra))
        story.append(Spacer(1, 4))
    if chosen:
        story += labelled("<b>Choice.</b>", chosen, styles.body, styles.kind_line, fonts)
    elif options:
        story.append(rich("<b>Choice.</b> Not made yet.", styles.body))
    note = alternatives_note(decision)
    if note:  # a report sentence quoting option names, each isolated (report.spans)
        story.append(rich(f"<b>Alternatives.</b> {said(note, fonts, newlines=False)}", styles.body))
    consequences = decision.consequences
    if consequences.strip():
        story += labelled("<b>Consequences.</b>", consequences, styles.body, styles.kind_line, fonts)
    if decision.rationale.strip():
        story += labelled("<b>Rationale.</b>", decision.rationale, styles.body, styles.kind_line, fonts)
    return story


def decisions_section(doc: DesignDoc, styles: Styles, width: float) -> list[Flowable]:
    overrides: dict[str, str] = dict(doc.design.rule_overrides)
    overrides.update(doc.result.overrides_applied)
    if not doc.decisions and not doc.acceptances and not overrides:
        return []
    story: list[Flowable] = [heading("Decisions", styles, 0)]
    for decision in doc.decisions:
        story.append(KeepTogether(_design_decision(decision, doc, styles, width)))
    story = lead_kept(story)
    if doc.acceptances:
        story.append(heading("Accepted trade-offs", styles, 1))
        story.append(rich("Findings accepted on purpose, with the reasoning behind them.", styles.muted))
        specs = {r.id: r for r in doc.result.rules_checked}
        rows: list[list[Flowable]] = [head_row(styles, "Rule", "Concerns", "Rationale", "Status")]
        for decision in doc.acceptances:
            spec = specs.get(decision.rule)
            rule = f"<b>{markup(decision.rule)}</b>" + (f"<br/>{markup(spec.title)}" if spec else "")
            status = acceptance_status(decision, doc.result)
            rows.append(
                [
                    rich(rule, styles.cell),
                    concerns_cell(_listed(doc, list(decision.components)), styles.cell),
                    text(decision.rationale, styles.cell, styles.fonts),
                    rich(f"{status}<br/>{markup(decision.date[:10])}", styles.cell),
                ]
            )
        story.append(data_table(rows, [width * f for f in (0.16, 0.18, 0.48, 0.18)]))
    if overrides:
        story.append(heading("Rule overrides", styles, 1))
        meaning = "; ".join(f"<i>{k}</i>: {v}" for k, v in LEVEL_MEANING.items())
        story.append(rich(f"Severities this design sets for particular rules. {meaning}.", styles.muted))
        story.append(overrides_table(overrides, doc.result.rules_checked, styles, width))
    return story


def _risk_group(
    group: RiskGroup, doc: DesignDoc, styles: Styles, width: float, quoted: Quote
) -> list[Flowable]:
    """A rule's findings; `quoted` isolates the names a finding's message quotes."""
    key = "accepted" if group.status == "accepted" else group.severity
    strong = SEVERITY_COLORS.get(key, SEVERITY_COLORS["info"])[0]
    counts = f"{len(group.open):,} open" + (
        f", {len(group.findings) - len(group.open):,} accepted"
        if len(group.open) < len(group.findings)
        else ""
    )
    story: list[Flowable] = [
        heading(f"{group.rule} · {group.title}", styles, 1, toc=False, style=styles.h3),
        rich(
            f'<font color="{hex_of(strong)}"><b>{group.severity}</b> · {group.status}</font>'
            f'<font color="{hex_of(MUTED)}"> · {counts}</font>',
            styles.kind_line,
        ),
    ]
    if group.rationale:
        story.append(rich(f"<b>Why it matters.</b> {markup(group.rationale, styles.fonts)}", styles.body))
    if group.suggestion:
        story.append(rich(f"<b>Suggestion.</b> {markup(group.suggestion, styles.fonts)}", styles.body))
    if group.sources:
        story.append(rich(f"<i>Sources: {markup('; '.join(group.sources), styles.fonts)}</i>", styles.small))
    rows: list[list[Flowable]] = [head_row(styles, "Concerns", "Finding", "Status")]
    extra: list[tuple[Any, ...]] = []
    for row, finding in enumerate(group.findings, start=1):
        state = "accepted" if finding.accepted else "open"
        if finding.accepted:
            state += " (see Decisions)"
        rows.append(
            [
                concerns_cell(finding_place(finding, doc.design, quote=isolate), styles.cell),
                rich(said(quoted(humanise_text(finding.message))), styles.cell),
                rich(state, styles.cell),
            ]
        )
        fill = SEVERITY_COLORS["accepted" if finding.accepted else finding.severity][1]
        extra.append(("BACKGROUND", (2, row), (2, row), fill))
    story.append(data_table(rows, [width * 0.22, width * 0.6, width * 0.18], extra=extra))
    if any(len(f.components) > PLACE_LIMIT for f in group.findings):
        story.append(
            rich(
                f"A finding about more than {PLACE_LIMIT} components names the first few; each "
                "component's risks are listed with it under Design by stage.",
                styles.small,
            )
        )
    return story


def risks_section(doc: DesignDoc, styles: Styles, width: float) -> list[Flowable]:
    if not doc.risks:
        return []
    story: list[Flowable] = [heading("Risks", styles, 0)]
    story.append(
        rich(
            "The rules' findings grouped by rule, open ones first and most severe first: why each "
            "rule matters, what to do about it and where it comes from, once, then every place it "
            "concerns with its status.",
            styles.muted,
        )
    )
    names = (n for c in doc.design.components for n in (c.name or c.id, " ".join(c.name.split())))
    quoted = quoting_names(names, isolate)
    for group in doc.risks:  # a group moves whole to the next page rather than split from its table
        story.append(KeepTogether(_risk_group(group, doc, styles, width, quoted)))
    return lead_kept(story)


def questions_section(
    doc: DesignDoc, styles: Styles, elsewhere: Mapping[str, str] | None = None
) -> list[Flowable]:
    """Open questions (less those another section asks: `elsewhere`, text -> its title) and
    the standard questions the design already answers."""
    elsewhere = elsewhere or {}
    moved = [q for q in doc.questions if q in elsewhere]
    questions = [q for q in doc.questions if q not in elsewhere]
    if not questions and not moved and not doc.answered:
        return []
    story: list[Flowable] = [heading("Open questions", styles, 0)]
    if moved:
        where = " and ".join(f'"{w}"' for w in sorted({elsewhere[q] for q in moved}))
        count = "1 question is" if len(moved) == 1 else f"{len(moved)} questions are"
        story.append(rich(markup(f"{count} asked in {where}, not repeated here."), styles.muted))
    if questions:
        intro = rich("What a reviewer or interviewer would ask next, most important first.", styles.muted)
        story = _kept_with_first([*story, intro], _sentences(questions, styles, numbered=True))
    elif not moved:
        story.append(rich("No question is left open.", styles.body))
    if doc.answered:
        known = "The standard questions for this kind of task that the design already answers."
        lead: list[Flowable] = [heading("Answered by the design", styles, 1), rich(known, styles.muted)]
        story += _kept_with_first(lead, _sentences(doc.answered, styles))
    return story


def _kept_with_first(lead: list[Flowable], items: list[Flowable]) -> list[Flowable]:
    """A heading and its introduction kept on one page with the first item under them."""
    return [KeepTogether([*lead, *items[:1]]), *items[1:]]


def appendix(doc: DesignDoc, styles: Styles, width: float) -> list[Flowable]:
    story: list[Flowable] = [heading("Appendix A. Rules and their result", styles, 0)]
    if not doc.rules:
        story.append(rich("No rules were registered when this document was built.", styles.body))
        return story
    tally: dict[str, int] = {}
    for row in doc.rules:
        tally[row.status] = tally.get(row.status, 0) + 1
    summary = ", ".join(f"{tally.get(k, 0):,} {k}" for k in ("passed", "open", "accepted", "switched off"))
    story.append(rich(f"Every rule checked on this design with its result: {summary}.", styles.muted))
    # Rules with something to say (open, accepted, switched off, or a changed severity) get a
    # table; the rules that simply passed are listed together after it.
    passed = [
        row for row in doc.rules if row.status == "passed" and row.spec.id not in doc.result.overrides_applied
    ]
    noted = [row for row in doc.rules if row not in passed]
    cells: list[list[Flowable]] = []
    for row in noted:
        severity = row.spec.severity
        override = doc.result.overrides_applied.get(row.spec.id)
        if override and override != "off" and override != severity:
            severity += f" → {override}"
        result = row.status + (f" ({row.findings:,})" if row.findings else "")
        cells.append(
            [
                rich(f"<b>{markup(row.spec.id)}</b>", styles.cell),
                Paragraph(
                    f'{markup(row.spec.title)} <font color="{hex_of(MUTED)}">· {markup(severity)}</font>',
                    styles.cell,
                ),
                Paragraph(markup(result), styles.cell),
            ]
        )
    if len(cells) == 1:  # one rule: not a second, empty, column of headings beside it
        alone: list[list[Flowable]] = [head_row(styles, "ID", "Rule · severity", "Result"), cells[0]]
        background = ("BACKGROUND", (2, 1), (2, 1), RESULT_COLORS[noted[0].status][1])
        story.append(data_table(alone, [width * f for f in (0.08, 0.67, 0.25)], extra=[background]))
    elif cells:
        rows: list[list[Flowable]] = [head_row(styles, "ID", "Rule · severity", "Result") * 2]
        extra: list[tuple[Any, ...]] = [("LINEAFTER", (2, 0), (2, -1), 0.8, GRID)]
        for i in range(0, len(cells), 2):  # two rules a row, in order across then down
            pair = cells[i : i + 2]
            rows.append([*pair[0], *(pair[1] if len(pair) > 1 else ["", "", ""])])
            for col, outcome in ((2, noted[i]), (5, noted[i + 1] if i + 1 < len(cells) else None)):
                if outcome is not None:
                    extra.append(
                        (
                            "BACKGROUND",
                            (col, len(rows) - 1),
                            (col, len(rows) - 1),
                            RESULT_COLORS[outcome.status][1],
                        )
                    )
        fracs = (0.055, 0.32, 0.125) * 2
        story.append(data_table(rows, [width * f for f in fracs], extra=extra))
    if passed:
        listed = " · ".join(
            f'<b>{markup(row.spec.id)}</b> {markup(row.spec.title)} <font color="{hex_of(MUTED)}">'
            f"({markup(row.spec.severity)})</font>"
            for row in passed
        )
        story.append(Spacer(1, 4))
        story.append(
            rich(
                f"<b>Passed ({len(passed):,}):</b> {listed}.",
                styles.cell.clone("appendix_passed", spaceAfter=0),
            )
        )
    return story
