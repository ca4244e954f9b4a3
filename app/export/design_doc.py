"""What the design document says, independent of its format: the PDF report
(app.export.report) and the Markdown export (app.export.markdown) both render this.

Sections, in order: summary (problem, approach, coverage, top risks as distinct rules);
context and scope; goals, non-goals and assumptions; architecture (figures); the design
stage by stage; decisions; risks (findings grouped by rule); open questions (answered and
unanswered); appendix (every rule's result on this design); glossary (what the catalog's
properties mean, once). A section with nothing to say is one line in the summary instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from app.domain.catalog import Catalog, PropertySpec
from app.domain.model import Component, Decision, Design, PropertyValue
from app.export.units import humanise_text, humanise_value
from app.rules.engine import CheckResult
from app.rules.model import SEVERITY_RANK, Finding, RuleSpec
from app.rules.questions import open_questions
from app.rules.questions.gaps import context_of
from app.rules.questions.probes import PROBES, families

TOP_RISKS = 5

_ACRONYMS = {
    "slo": "SLO", "qps": "QPS", "pii": "PII", "cv": "CV", "hpo": "HPO", "ttl": "TTL", "p99": "p99",
    "kpi": "KPI", "ml": "ML", "cd": "CD", "ct": "CT", "sla": "SLA", "id": "ID",
}  # fmt: skip
_UNIT_WORDS = {"ms", "s", "hours", "days", "pct", "millions", "month", "day", "per"}


def property_label(name: str, spec: PropertySpec | None = None) -> str:
    """A readable label: latency_slo_ms -> "Latency SLO", n_features -> "Number of features"."""
    words = name.split("_")
    if spec is not None and spec.unit:
        while len(words) > 1 and words[-1] in _UNIT_WORDS:
            words.pop()
    if words and words[0] == "n" and len(words) > 1:
        words = ["number", "of", *words[1:]]
    label = " ".join(_ACRONYMS.get(w, w) for w in words)
    return label[:1].upper() + label[1:] if label[:1].islower() else label


def format_value(value: PropertyValue, spec: PropertySpec | None = None) -> str:
    """A property value as read: 1440 hours -> "60 days", True -> "yes", 0.08 -> "0.08 (8%)"."""
    if value is None:
        return "unspecified"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return humanise_value(value, spec.unit if spec else None)
    if isinstance(value, list):
        if spec is not None and spec.type == "set":
            return ", ".join(v.replace("_", " ") for v in value) or "none"
        return ", ".join(str(v) for v in value) or "none"
    if spec is not None and spec.type == "enum":
        return str(value).replace("_", " ")
    return str(value)


def plural(count: int, noun: str) -> str:
    """ "1 error", "2 errors" (with thousands separators)."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def checks_line(result: CheckResult, passed: int) -> str:
    """ "53 rules checked: 52 passed; 0 errors, 0 warnings and 0 notes open; 1 finding accepted
    as a deliberate trade-off." """
    counts = result.summary()
    accepted = counts["accepted"]
    return (
        f"{plural(len(result.rules_checked), 'rule')} checked: {passed:,} passed; "
        f"{plural(counts['error'], 'error')}, {plural(counts['warning'], 'warning')} and "
        f"{plural(counts['info'], 'note')} open; {plural(accepted, 'finding')} accepted as "
        + ("a deliberate trade-off." if accepted == 1 else "deliberate trade-offs.")
    )


def decisions_line(doc: DesignDoc) -> str:
    """ "3 design decisions recorded (3 weigh alternatives); 1 finding accepted as a trade-off."
    (Only acceptances in force count: a proposed, rejected or superseded one accepts nothing.)"""
    weighed = sum(1 for d in doc.decisions if d.weighs_alternatives)
    accepted = sum(1 for d in doc.acceptances if d.status == "accepted")
    return (
        f"{plural(len(doc.decisions), 'design decision')} recorded ({weighed:,} weighing alternatives); "
        f"{plural(accepted, 'finding')} accepted as a trade-off."
    )


def acceptance_status(decision: Decision, result: CheckResult) -> str:
    """An acceptance's standing: in force on a current finding, in force on none, or not in force."""
    if decision.status != "accepted":
        return f"{decision.status}, so not applied"
    live = any(f.accepted and f.decision == decision.id for f in result.findings)
    return "applies to a current finding" if live else "no matching finding now"


@dataclass(frozen=True)
class RiskGroup:
    """The findings of one rule: said once, then the places it concerns."""

    rule: str
    title: str
    severity: str  # the most severe of its findings
    rationale: str
    suggestion: str
    sources: tuple[str, ...]
    findings: tuple[Finding, ...]

    @property
    def open(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.accepted)

    @property
    def status(self) -> str:
        """ "open", "accepted" or "partly accepted"."""
        if not self.open:
            return "accepted"
        return "open" if len(self.open) == len(self.findings) else "partly accepted"


@dataclass(frozen=True)
class RuleResult:
    spec: RuleSpec
    status: str  # passed, open, accepted, switched off
    findings: int


@dataclass(frozen=True)
class GlossaryEntry:
    label: str
    name: str
    meaning: str
    kinds: tuple[str, ...]  # labels of the kinds having it


@dataclass(frozen=True)
class PropertyRow:
    label: str
    value: str


@dataclass
class DesignDoc:
    design: Design
    result: CheckResult
    catalog: Catalog
    title: str = ""
    approach: str = ""
    risks: list[RiskGroup] = field(default_factory=list)
    rules: list[RuleResult] = field(default_factory=list)
    glossary: list[GlossaryEntry] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    non_goals: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)  # design decisions
    acceptances: list[Decision] = field(default_factory=list)
    full_names: dict[str, str] = field(default_factory=dict)  # by id: names shown shortened
    _by_component: dict[str, tuple[list[Finding], list[Decision]]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def _concerning(self, component_id: str) -> tuple[list[Finding], list[Decision]]:
        """Indexed once per document (asking the result per component is quadratic)."""
        if self._by_component is None:
            index: dict[str, tuple[list[Finding], list[Decision]]] = {}
            for finding in self.result.findings:
                for cid in dict.fromkeys(finding.components):
                    index.setdefault(cid, ([], []))[0].append(finding)
            for decision in self.decisions:
                for cid in dict.fromkeys(decision.components):
                    index.setdefault(cid, ([], []))[1].append(decision)
            self._by_component = index
        return self._by_component.get(component_id, ([], []))

    def findings_for(self, component_id: str) -> list[Finding]:
        """The findings concerning a component, in the result's order."""
        return self._concerning(component_id)[0]

    def decisions_for(self, component_id: str) -> list[Decision]:
        """The design decisions concerning a component, in the design's order."""
        return self._concerning(component_id)[1]

    @property
    def top_risks(self) -> list[RiskGroup]:
        """The most severe open risks, one per rule."""
        open_groups = [g for g in self.risks if g.open and g.severity in ("error", "warning")]
        return open_groups[:TOP_RISKS]

    def has_goals(self) -> bool:
        return bool(self.goals or self.non_goals or self.assumptions)

    def empty_notes(self) -> list[str]:
        """One line each for the sections left out because they have nothing to say."""
        notes = []
        if not self.design.components:
            notes.append("The design has no components yet, so there is no architecture to draw.")
        if not self.has_goals():
            notes.append("No goals, non-goals or assumptions are written down yet.")
        if not self.decisions and not self.acceptances:
            notes.append("No decision is recorded yet.")
        if not self.risks:
            notes.append("The rules report no finding on this design.")
        if not self.questions and not self.answered:
            notes.append("The design leaves no obvious question open.")
        return notes


def _text_list(values: Sequence[str]) -> list[str]:
    return [" ".join(v.split()) for v in values if v.strip()]


def risk_groups(result: CheckResult) -> list[RiskGroup]:
    """Findings grouped by rule: open errors first, then by severity, then by rule number."""
    specs = {r.id: r for r in result.rules_checked}
    by_rule: dict[str, list[Finding]] = {}
    for finding in result.findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    groups = []
    for rule, findings in by_rule.items():
        spec = specs.get(rule)
        first = findings[0]
        worst = max(findings, key=lambda f: SEVERITY_RANK.get(f.severity, 0)).severity
        groups.append(
            RiskGroup(
                rule=rule,
                title=spec.title if spec else first.title,
                severity=worst,
                rationale=spec.rationale if spec else "",
                suggestion=humanise_text(first.suggestion or (spec.suggestion if spec else "")),
                sources=first.sources or (spec.sources if spec else ()),
                findings=tuple(findings),
            )
        )

    def key(group: RiskGroup) -> tuple[bool, int, int, str]:
        number = int(group.rule[1:]) if group.rule[1:].isdigit() else 10**6
        return (not group.open, -SEVERITY_RANK.get(group.severity, 0), number, group.rule)

    return sorted(groups, key=key)


def rule_results(result: CheckResult) -> list[RuleResult]:
    """Every rule checked with its result on this design."""
    counts: dict[str, list[Finding]] = {}
    for finding in result.findings:
        counts.setdefault(finding.rule, []).append(finding)
    rows = []
    for spec in result.rules_checked:
        found = counts.get(spec.id, [])
        if result.overrides_applied.get(spec.id) == "off":
            status = "switched off"
        elif any(not f.accepted for f in found):
            status = "open"
        elif found:
            status = "accepted"
        else:
            status = "passed"
        rows.append(RuleResult(spec, status, len(found)))
    return rows


def glossary(design: Design, catalog: Catalog) -> list[GlossaryEntry]:
    """Meanings of the properties the design sets, once each, alphabetically."""
    found: dict[tuple[str, str], tuple[str, str, set[str]]] = {}
    for component in design.components:
        spec = catalog.kind(component.kind)
        if spec is None:
            continue
        for name, value in component.properties.items():
            prop = spec.property(name)
            if value is None or prop is None or not prop.description:
                continue
            label = property_label(name, prop)
            entry = found.setdefault((label, prop.description), (label, name, set()))
            entry[2].add(spec.label)
    entries = [
        GlossaryEntry(label, name, meaning, tuple(sorted(kinds)))
        for (label, meaning), (_l, name, kinds) in found.items()
    ]
    return sorted(entries, key=lambda e: (e.label.lower(), e.meaning))


def property_rows(component: Component, catalog: Catalog) -> list[PropertyRow]:
    """The properties a component sets, labelled and humanised."""
    spec = catalog.kind(component.kind)
    rows = []
    for name, value in component.properties.items():
        if value is None:
            continue
        prop = spec.property(name) if spec else None
        rows.append(PropertyRow(property_label(name, prop), format_value(value, prop)))
    return rows


def unset_labels(component: Component, catalog: Catalog) -> list[str]:
    spec = catalog.kind(component.kind)
    if spec is None:
        return []
    return [property_label(p.name, p) for p in spec.properties if component.properties.get(p.name) is None]


def answered_questions(design: Design, catalog: Catalog) -> list[str]:
    """The standard probes for the design's kind of task that the design already answers."""
    if not design.components:
        return []
    view = context_of(design, catalog)
    found = families(view)
    return [p.text for p in PROBES if p.family in found and p.answered(view)]


def approach(design: Design, catalog: Catalog, result: CheckResult) -> str:
    """One paragraph: how the design solves the problem, stage by stage, from its components."""
    if not design.components:
        return "No component is drawn yet."
    parts = []
    for stage in catalog.stages:
        cov = result.coverage.get(stage.id)
        ids = cov.components if cov else []
        if not ids:
            continue
        index = design.component_by_id()
        named = []
        for cid in ids[:3]:
            component = index.get(cid)
            if component is None:
                continue
            spec = catalog.kind(component.kind)
            name = " ".join((component.name or (spec.label if spec else component.kind)).split())
            named.append(name)
        more = f" and {len(ids) - 3:,} more" if len(ids) > 3 else ""
        # "; " between names: "Latency, errors & cost, KPI, quality & freshness" was two names
        parts.append(f"{stage.label}: {'; '.join(named)}{more}.")
    missing = [
        s.label.lower()
        for s in catalog.stages
        if not (result.coverage.get(s.id) and result.coverage[s.id].covered)
    ]
    text = " ".join(parts)
    if missing:
        text += " Not covered yet: " + ", ".join(missing) + "."
    return text


def build_doc(design: Design, result: CheckResult, catalog: Catalog) -> DesignDoc:
    """The design document's content."""
    decisions = list(design.decisions)
    acceptances = [d for d in decisions if d.is_acceptance]
    return DesignDoc(
        design=design,
        result=result,
        catalog=catalog,
        title=" ".join(design.meta.title.split()) or "Untitled design",
        approach=approach(design, catalog, result),
        risks=risk_groups(result),
        rules=rule_results(result),
        glossary=glossary(design, catalog),
        questions=[humanise_text(q) for q in open_questions(design, result, catalog)],
        answered=answered_questions(design, catalog),
        goals=_text_list(design.meta.goals),
        non_goals=_text_list(design.meta.non_goals),
        assumptions=_text_list(design.meta.assumptions),
        decisions=[d for d in decisions if not d.is_acceptance],
        acceptances=acceptances,
    )
