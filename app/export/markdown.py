"""The design document as GitHub-flavoured Markdown, for wikis and pull requests.

The same document as the PDF report (app.export.design_doc says what it contains), in the
same order: summary, context and scope, goals, architecture (the system figure as a
```mermaid block, app.export.mermaid), the design stage by stage, decisions, risks grouped by
rule, open questions, the rules' results and the glossary. User text is escaped for Markdown
(app.export.mdtext): it reads as typed and cannot add headings, links, HTML or table cells.
As in the report, a name past NAME_LIMIT characters is shortened wherever the document quotes
it (app.domain.long_names) and printed whole once, in its component's entry.

Built in a job (the window's export worker), it reports progress and honours Cancel through
app.progress: a checkpoint per section, per component, per decision and per risk group.
"""

from __future__ import annotations

from datetime import date

from app import __version__, progress
from app.domain.catalog import Catalog, default_catalog
from app.domain.decision_ops import alternatives_note
from app.domain.model import Component, Decision, Design, Link
from app.export.design_doc import (
    DesignDoc,
    RiskGroup,
    acceptance_status,
    build_doc,
    checks_line,
    decisions_line,
    plural,
    property_rows,
    unset_labels,
)
from app.export.mdtext import md_block, md_cell, md_inline, md_item, table
from app.export.mermaid import to_mermaid
from app.export.places import capped_names, component_names, finding_place, places_of
from app.export.shown import ShownDesign, shown_design
from app.export.units import humanise_text
from app.rules.engine import CheckResult


def _bullets(items: list[str], numbered: bool = False) -> str:
    return "\n".join(f"{i}. {md_item(t)}" if numbered else f"- {md_item(t)}" for i, t in enumerate(items, 1))


def _summary(doc: DesignDoc) -> list[str]:
    design, result = doc.design, doc.result
    problem = " ".join(design.meta.problem.split())
    first = problem.split(". ")[0].rstrip(".") + "." if problem else "No problem statement is written yet."
    covered = sum(1 for c in result.coverage.values() if c.covered)
    rows = []
    for stage in doc.catalog.stages:
        cov = result.coverage.get(stage.id)
        count = len(cov.components) if cov else 0
        rows.append([f"{stage.number}. {md_inline(stage.label)}", f"{count:,}" if count else "**missing**"])
    passed = sum(1 for r in doc.rules if r.status == "passed")
    out = [
        "## Summary",
        f"**Problem.** {md_inline(first)}",
        f"**Approach.** {md_inline(doc.approach)}",
        f"**Coverage.** {plural(len(design.components), 'component')} and "
        f"{plural(len(design.links), 'link')} cover {covered} of the {len(result.coverage)} stages.",
        table(["Stage", "Components"], rows),
        f"**Checks.** {checks_line(result, passed)}",
    ]
    if doc.decisions or doc.acceptances:
        out.append(f"**Decisions.** {md_inline(decisions_line(doc))}")
    out += [
        "### Top risks",
    ]
    if doc.top_risks:
        lines = []
        for number, group in enumerate(doc.top_risks, 1):
            where = places_of(group.open, design)
            lines.append(
                f"{number}. **{md_inline(group.rule)} · {group.severity}** {md_inline(group.title)} "
                f"({plural(len(group.open), 'finding')} about {md_inline(where)})"
            )
        out.append("\n".join(lines))
    else:
        out.append("No open error or warning.")
    notes = doc.empty_notes()
    if notes:
        out.append("**Not in this document.** " + " ".join(md_inline(n) for n in notes))
    return out


def _context(doc: DesignDoc) -> list[str]:
    meta = doc.design.meta
    out = ["## Context and scope", "**Problem statement.**", md_block(meta.problem) or "Not written yet."]
    if meta.notes.strip():
        out += ["**Notes.**", md_block(meta.notes)]
    covered = [s for s in doc.catalog.stages if (c := doc.result.coverage.get(s.id)) and c.covered]
    missing = [s for s in doc.catalog.stages if s not in covered]
    scope = "**Scope.** The design covers " + (
        ", ".join(f"{s.number}. {md_inline(s.label)}" for s in covered) if covered else "no stage yet"
    )
    if missing:
        scope += "; it leaves out " + ", ".join(f"{s.number}. {md_inline(s.label)}" for s in missing)
    scope += "."
    if doc.non_goals:
        scope += " Out of scope by choice: see the non-goals below."
    out.append(scope)
    if doc.has_goals():
        out.append("## Goals, non-goals and assumptions")
        for title, items in (
            ("Goals", doc.goals),
            ("Non-goals", doc.non_goals),
            ("Assumptions", doc.assumptions),
        ):
            out += [f"**{title}**", _bullets(items) if items else "None written down."]
    return out


def _component(component: Component, doc: DesignDoc, links: dict[str, list[Link]]) -> list[str]:
    spec = doc.catalog.kind(component.kind)
    kind = spec.label if spec else f"{component.kind} (unknown kind)"
    head = f"#### {md_inline(component.name.strip() or kind, name=True)}"
    line = f"*{md_inline(kind)}*"
    if component.technology.strip():
        line += f" · built with {md_inline(component.technology)}"
    out = [head, line]
    rows = property_rows(component, doc.catalog)
    if rows:
        out.append(table(["Property", "Value"], [[md_inline(r.label), md_cell(r.value)] for r in rows]))
    if component.notes.strip():
        out.append("**Notes.** " + md_block(component.notes))
    small = []
    unset = unset_labels(component, doc.catalog)
    if unset:
        small.append("*Not specified:* " + md_inline(", ".join(unset)))
    outgoing = links.get(component.id, [])
    if outgoing:
        targets = [
            f"{md_inline(component_names(doc.design, [lk.target])[0], name=True)} "
            f"({md_inline(lk.flow)}{': ' + md_inline(lk.label, name=True) if lk.label.strip() else ''})"
            for lk in outgoing
        ]
        small.append("**Sends to** " + "; ".join(targets))
    findings = doc.findings_for(component.id)
    if findings:
        rules = dict.fromkeys(f"{f.rule} ({'accepted' if f.accepted else f.severity})" for f in findings)
        small.append("**Risks:** " + ", ".join(md_inline(r) for r in rules))
    concerning = doc.decisions_for(component.id)
    if concerning:
        small.append("**Decisions:** " + "; ".join(md_inline(d.label) for d in concerning))
    if small:
        out.append("  \n".join(small))
    full = doc.full_names.get(component.id)
    if full is not None:  # shortened everywhere else (app.domain.long_names)
        out.append(f"*Full name ({len(full):,} characters):* {md_inline(full, name=True)}")
    return out


def _design(doc: DesignDoc) -> list[str]:
    if not doc.design.components:
        return []
    outgoing: dict[str, list[Link]] = {}
    for link in doc.design.links:
        outgoing.setdefault(link.source, []).append(link)
    by_stage: dict[str | None, list[Component]] = {}
    for component in doc.design.components:
        by_stage.setdefault(doc.catalog.stage_of(component.kind), []).append(component)
    out = [
        "## Architecture",
        "The system figure: one box per component, grouped by stage; dashed arrows are intended "
        "feedback loops.",
        "```mermaid\n" + _figure(doc).rstrip("\n") + "\n```",
        "## Design by stage",
        "Each stage's components with their properties (what each property means is in the glossary at "
        "the end), notes, links, and the risks and decisions that concern them.",
    ]
    done, total = 0, len(doc.design.components)

    def written(c: Component) -> list[str]:
        nonlocal done
        progress.checkpoint(FIGURE_SHARE + (1 - FIGURE_SHARE) * done / total)
        done += 1
        return _component(c, doc, outgoing)

    for stage in doc.catalog.stages:
        out.append(f"### {stage.number}. {md_inline(stage.label)}")
        components = by_stage.get(stage.id, [])
        if not components:
            out.append(
                "**No component covers this stage.** " + " ".join(md_inline(p) for p in stage.prompts[:2])
            )
            continue
        out.append(f"*{md_inline(stage.description)}*")
        for each in components:
            out += written(each)
    if by_stage.get(None):
        out.append("### Components of unknown kinds")
        for each in by_stage[None]:
            out += written(each)
    return out


FIGURE_SHARE = 0.2  # of the design section's progress: the Mermaid figure


def _figure(doc: DesignDoc) -> str:
    with progress.phase(0.0, FIGURE_SHARE, "Drawing the figure"):
        return to_mermaid(doc.design, doc.catalog)


def _decision(decision: Decision, doc: DesignDoc) -> list[str]:
    facts = f"*{md_inline(decision.status)} · {md_inline(decision.date[:10])}*"
    if decision.components:
        facts += " · concerns " + md_inline(capped_names(doc.design, decision.components))
    if decision.supersedes:
        old = next((d for d in doc.design.decisions if d.id == decision.supersedes), None)
        facts += " · supersedes " + md_inline(old.label if old else decision.supersedes)
    out = [f"### {md_inline(decision.label)}", facts]
    if decision.context.strip():
        out.append("**Context.** " + md_block(decision.context))
    if decision.options:
        rows = []
        for option in decision.options:
            name = md_cell(option.name) + (" **(chosen)**" if option.name == decision.chosen else "")
            pros = "<br>".join("+ " + md_inline(p) for p in option.pros) or "—"
            cons = "<br>".join("− " + md_inline(c) for c in option.cons) or "—"
            rows.append([name, pros, cons])
        out.append(table(["Option", "Pros", "Cons"], rows))
        out.append("**Choice.** " + (md_inline(decision.chosen) if decision.chosen else "Not made yet."))
    note = alternatives_note(decision)
    if note:  # it quotes option names: user text, escaped like the rest
        out.append("**Alternatives.** " + md_inline(note))
    if decision.consequences.strip():
        out.append("**Consequences.** " + md_block(decision.consequences))
    if decision.rationale.strip():
        out.append("**Rationale.** " + md_block(decision.rationale))
    return out


def _decisions(doc: DesignDoc) -> list[str]:
    overrides: dict[str, str] = dict(doc.design.rule_overrides)
    overrides.update(doc.result.overrides_applied)
    if not doc.decisions and not doc.acceptances and not overrides:
        return []
    out = ["## Decisions"]
    for decision in doc.decisions:
        progress.checkpoint()
        out += _decision(decision, doc)
    if doc.acceptances:
        rows = [
            [
                md_cell(d.rule),
                md_cell(capped_names(doc.design, d.components) or "the whole design"),
                md_cell(d.rationale),
                acceptance_status(d, doc.result),
            ]
            for d in doc.acceptances
        ]
        out += ["### Accepted trade-offs", table(["Rule", "Concerns", "Rationale", "Status"], rows)]
    if overrides:
        rows = [[md_cell(rule), md_cell(level)] for rule, level in sorted(overrides.items())]
        out += ["### Rule overrides", table(["Rule", "Level"], rows)]
    return out


def _risk(group: RiskGroup, doc: DesignDoc) -> list[str]:
    accepted = len(group.findings) - len(group.open)
    out = [
        f"### {md_inline(group.rule)} · {md_inline(group.title)}",
        f"*{group.severity} · {group.status} · {len(group.open):,} open, {accepted:,} accepted*",
    ]
    if group.rationale:
        out.append("**Why it matters.** " + md_inline(group.rationale))
    if group.suggestion:
        out.append("**Suggestion.** " + md_inline(group.suggestion))
    if group.sources:
        out.append("*Sources: " + md_inline("; ".join(group.sources)) + "*")
    rows = [
        [
            md_cell(finding_place(f, doc.design)),
            md_cell(humanise_text(f.message)),
            "accepted (see Decisions)" if f.accepted else "**open**",
        ]
        for f in group.findings
    ]
    out.append(table(["Concerns", "Finding", "Status"], rows))
    return out


def _closing(doc: DesignDoc) -> list[str]:
    out: list[str] = []
    if doc.risks:
        out += ["## Risks", "The rules' findings grouped by rule, open ones first and most severe first."]
        for number, group in enumerate(doc.risks):
            progress.checkpoint(number / len(doc.risks))
            out += _risk(group, doc)
    if doc.questions or doc.answered:
        out += ["## Open questions", _bullets(doc.questions, numbered=True) if doc.questions else "None."]
        if doc.answered:
            out += ["### Answered by the design", _bullets(doc.answered)]
    out.append("## Appendix A. Rules and their result")
    if doc.rules:
        rows = []
        for r in doc.rules:
            result = r.status + (f" ({r.findings:,})" if r.findings else "")
            rows.append(
                [
                    md_cell(r.spec.id),
                    md_cell(r.spec.title),
                    md_cell(r.spec.stage),
                    md_cell(r.spec.severity),
                    result,
                ]
            )
        out.append(table(["ID", "Rule", "Stage", "Severity", "Result"], rows))
    else:
        out.append("No rules were registered when this document was built.")
    if doc.glossary:
        repeated = {e.label for e in doc.glossary if sum(1 for o in doc.glossary if o.label == e.label) > 1}
        rows = [
            [
                md_cell(e.label + (f" ({', '.join(e.kinds)})" if e.label in repeated else "")),
                md_cell(e.meaning),
            ]
            for e in doc.glossary
        ]
        out += ["## Appendix B. Glossary of properties", table(["Property", "Meaning"], rows)]
    return out


# Each section's share of the progress bar (after the document's facts, about a tenth).
SECTIONS = (
    (0.10, 0.12, "Writing the summary"),
    (0.12, 0.14, "Writing the context"),
    (0.14, 0.80, "Writing the design by stage"),
    (0.80, 0.85, "Writing the decisions"),
    (0.85, 1.00, "Writing the risks and appendices"),
)


def to_markdown(
    design: Design,
    result: CheckResult | None = None,
    catalog: Catalog | None = None,
    *,
    report_date: str | None = None,
    shown: ShownDesign | None = None,
) -> str:
    """The design document as GitHub-flavoured Markdown. `shown`: the design as documents show
    it (app.export.shown), when the caller made it for another document too."""
    catalog = catalog or default_catalog()
    if shown is None:  # names shortened as the PDF report shows them
        progress.checkpoint(0.0, "Checking the design")
        shown = shown_design(design, catalog, result)
    progress.checkpoint(0.0, "Preparing the document")
    doc = build_doc(shown.design, shown.result, catalog)
    doc.full_names = shown.full_names
    byline = "ML system design document"
    if design.meta.author.strip():
        byline += " by " + md_inline(design.meta.author, name=True)
    byline += f" · {report_date or date.today().isoformat()} · MLSD Studio {__version__}"
    parts = [f"# {md_inline(doc.title, name=True)}", f"*{byline}*"]
    sections = (_summary, _context, _design, _decisions, _closing)
    for (start, end, text), section in zip(SECTIONS, sections, strict=True):
        with progress.phase(start, end, text):
            parts += section(doc)
    return "\n\n".join(parts) + "\n"
