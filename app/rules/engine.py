"""Running the rules: overrides, decisions, coverage and the incremental engine."""

from __future__ import annotations

import gc
from collections.abc import Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from app import progress
from app.domain.catalog import STAGE_IDS, Catalog, default_catalog
from app.domain.changes import Change
from app.domain.graph import GraphMirror
from app.domain.model import Component, Decision, Design
from app.rules.context import RuleContext
from app.rules.finding_order import Key, group_findings, merge_groups, sort_findings
from app.rules.model import SEVERITY_RANK, Finding, RuleSpec
from app.rules.registry import all_rules
from app.rules.running import Made, run_rule
from app.rules.shape import LinkEdit, ShapeCache
from app.rules.shape_links import update_shape_for_link

FAIL_LEVELS = ("error", "warning", "info", "never")  # `mlsd check --fail-on`: a severity or never
# Edits that change which components exist or which links join them. A link_changed edit
# only drops what reads the changed flow, phase or feedback flag; property, name, position,
# meta, decision and override edits keep every graph traversal.
SHAPE_CHANGES = frozenset({"component_added", "component_removed", "link_added", "link_removed"})
# Edits no rule reads: overrides and acceptances are applied to the rules' findings afterwards
# (decision edits re-run only the rules that read the decision records).
_NO_RERUN = frozenset({"component_moved", "meta_changed", "overrides_changed"})
# Edits of links only: they re-run the rules that read the links (`RuleContext.read_links`) or
# a value of the shape cache the edit changed (`RuleContext.read_shapes`).
_LINK_EDITS = frozenset({"link_added", "link_removed", "link_changed"})
# Edits that leave every component's kind, name and properties as they were (a move changes
# only a position, which no rule reads): the next check reuses what the last one computed of
# the components alone (`ComponentQueries.component_caches`) and the stage coverage.
_COMPONENTS_KEPT = _NO_RERUN | _LINK_EDITS | {"decisions_changed"}


@dataclass
class StageCoverage:
    stage: str
    label: str
    components: list[str]
    missing_kinds: list[str]

    @property
    def covered(self) -> bool:
        return bool(self.components)


@dataclass
class CheckResult:
    findings: list[Finding]
    coverage: dict[str, StageCoverage]
    rules_checked: list[RuleSpec] = field(default_factory=list)
    overrides_applied: dict[str, str] = field(default_factory=dict)

    def summary(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0, "accepted": 0}
        for finding in self.findings:
            if finding.accepted:
                counts["accepted"] += 1
            else:
                counts[finding.severity] += 1
        return counts

    def open_findings(self) -> list[Finding]:
        return [f for f in self.findings if not f.accepted]

    def fails(self, fail_on: str = "error") -> bool:
        """True if an unaccepted finding is at or above `fail_on`."""
        if fail_on == "never":
            return False
        floor = SEVERITY_RANK[fail_on]
        return any(SEVERITY_RANK[f.severity] >= floor for f in self.open_findings())

    def findings_for(self, component_id: str) -> list[Finding]:
        return [f for f in self.findings if component_id in f.components]


def stage_coverage(design: Design, catalog: Catalog) -> dict[str, StageCoverage]:
    by_stage: dict[str, list[str]] = {s: [] for s in STAGE_IDS}
    stage_of: dict[str, str | None] = {}
    for fields in map(vars, design.components):  # a pydantic attribute read costs more than a dict's
        kind = fields["kind"]
        if kind not in stage_of:
            stage_of[kind] = catalog.stage_of(kind)
        stage = stage_of[kind]
        if stage:
            by_stage[stage].append(fields["id"])
    return {
        stage.id: StageCoverage(
            stage=stage.id,
            label=stage.label,
            components=by_stage[stage.id],
            missing_kinds=[] if by_stage[stage.id] else [k.id for k in catalog.kinds_in_stage(stage.id)],
        )
        for stage in catalog.stages
    }


def _apply_overrides_and_decisions(
    design: Design, findings: Iterable[Finding]
) -> tuple[list[Finding], dict[str, str]]:
    if not design.rule_overrides and not design.decisions:
        return list(findings), {}
    decisions: dict[tuple[str, frozenset[str], str], Decision] = {}
    for decision in design.decisions:
        if not decision.is_acceptance or decision.status != "accepted":
            continue  # design decisions, and acceptances proposed, rejected or superseded
        decisions.setdefault((decision.rule, frozenset(decision.components), decision.subject), decision)
    applied: dict[str, str] = {}
    result = []
    for finding in findings:
        level = design.rule_overrides.get(finding.rule)
        if level and not finding.internal_error:
            applied[finding.rule] = level
            if level == "off":
                continue
            finding = finding.with_changes(severity=level, default_severity=finding.severity)
        accepted = decisions.get((finding.rule, frozenset(finding.components), finding.subject))
        if accepted is not None and not finding.internal_error:
            finding = finding.with_changes(accepted=True, rationale=accepted.rationale, decision=accepted.id)
        result.append(finding)
    return result, applied


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: a check allocates many short-lived objects, and
    a full collection over a large design's graph would cost more than the check itself.
    Reference counting still frees everything the check drops."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class RuleEngine:
    """Checks one design, keeping its graph in step with edits between checks.

    Every edit between two checks must reach the engine through `apply` (the window's
    document does this for every command): the engine keeps what the last check found per
    rule and, after edits of components only, re-runs just the rules that inspect their kinds
    (`RuleSpec.inspects`). Rules whose kinds are all absent from the design are skipped.
    """

    def __init__(self, design: Design, catalog: Catalog | None = None):
        self.catalog = catalog or default_catalog()
        self.mirror = GraphMirror(design, self.catalog)
        self.rules = all_rules()
        self.shape = ShapeCache()
        # What each rule found at the last check (with the RuleSpec that found it), the rules
        # edits since then may change (None: all of them), and each component's name then.
        self._found: dict[str, tuple[RuleSpec, list[Finding]]] = {}
        self._rerun: set[str] | None = None
        self._names: dict[str, str] = {}
        # What each rule read at its last run: whether the links, and which values of the
        # shape cache (a link edit changing none keeps its findings); the findings it made of
        # its hits (see `run_rule`).
        self._reads: dict[str, tuple[bool, frozenset[Hashable]]] = {}
        self._made: dict[RuleSpec, Made] = {}
        # What the last check computed of the components alone, and its stage coverage, while
        # the edits since then leave the components as they were (None: recompute).
        self._components: dict[str, Any] | None = None
        self._coverage: dict[str, StageCoverage] | None = None
        # Each rule's findings at the last check grouped for listing (`group_findings`), kept
        # while the rule's findings stay the same list.
        self._groups: dict[str, tuple[list[Finding], dict[Key, list[Finding]]]] = {}

    @property
    def design(self) -> Design:
        return self.mirror.design

    def reset(self, design: Design) -> None:
        """Follow a different design (e.g. after opening a file)."""
        self.mirror.reset(design)
        self.shape.clear()
        self._rerun = None
        self._made.clear()
        self._components = self._coverage = None

    def apply(self, changes: Iterable[Change]) -> None:
        """Update the graph after edit operations, instead of rebuilding it, and keep the
        cached graph traversals that the edit cannot change."""
        changes = list(changes)
        if any(change.what not in _COMPONENTS_KEPT for change in changes):
            self._components = self._coverage = None
        edit = self._single_link_edit(changes)
        reshaped, changed, relinked = self._shape_changes(changes)
        self.mirror.apply(changes)
        touched: set[Hashable] | None  # the shape cache's values changed or dropped (None: all)
        if edit is not None:
            touched = update_shape_for_link(self.shape, self.design, self.mirror.graph, edit)
        elif reshaped:
            self.shape.clear()
            touched = None
        else:
            touched = set()
            for source, target in relinked:
                touched |= self.shape.relink_values(self.design, source, target)
            touched |= self.shape.invalidate(changed)
        self._note_reruns(changes, touched)

    def _note_reruns(self, changes: list[Change], touched: set[Hashable] | None) -> None:
        """Note which rules the edits may change: none for moves, meta and overrides (overrides
        and acceptances apply after the rules), those reading decision records after a
        decision edit, those inspecting the kind of an edited
        component (all of them when its name changed: messages name components), those that
        read the links or a value of the shape cache the edit `touched` when links come, go or
        change, and every rule when components come or go."""
        if self._rerun is None:
            return
        index: dict[str, Component] | None = None
        for change in changes:
            if change.what in _NO_RERUN:
                continue
            if change.what == "decisions_changed":
                self._rerun.update(spec.id for spec in self.rules if spec.reads_decisions)
                continue
            if change.what in _LINK_EDITS:
                self._rerun.update(spec.id for spec in self.rules if self._reads_touched(spec.id, touched))
                continue
            if change.what != "component_changed":
                self._rerun = None
                return
            index = index if index is not None else self.design.component_by_id()
            component = index.get(change.id)
            if component is None or component.name != self._names.get(change.id):
                self._rerun = None
                return
            self._rerun.update(spec.id for spec in self.rules if spec.inspects(component.kind))

    def _reads_touched(self, rule_id: str, touched: set[Hashable] | None) -> bool:
        reads = self._reads.get(rule_id)
        if reads is None:
            return True
        links, shapes = reads
        return links or (bool(shapes) if touched is None else not shapes.isdisjoint(touched))

    def _single_link_edit(self, changes: list[Change]) -> LinkEdit | None:
        """The one link drawn or deleted by `changes`, if that is all they do (read before
        the mirror applies them)."""
        if len(changes) != 1 or changes[0].what not in ("link_added", "link_removed"):
            return None
        graph = self.mirror.graph
        if changes[0].what == "link_added":
            link = self.design.link_by_id().get(changes[0].id)
            if link is None or link.source not in graph or link.target not in graph:
                return None
            if graph.has_edge(link.source, link.target):
                return None
            return LinkEdit(
                link.source, link.target, link.feedback, link.phase == "train", added=True, flow=link.flow
            )
        ends = self.mirror.link_ends(changes[0].id)
        if ends is None or not graph.has_edge(*ends):
            return None
        data = graph.edges[ends]
        return LinkEdit(
            ends[0], ends[1], data["feedback"], data["phase"] == "train", added=False, flow=data["flow"]
        )

    def _shape_changes(self, changes: list[Change]) -> tuple[bool, set[str], list[tuple[str, str]]]:
        """Whether components or links come or go, else which aspects of the links change
        (the phase only when a link enters or leaves the train phase) and the ends of the
        links whose flow, phase or feedback flag changes.

        Read before the mirror applies the changes: its edges still hold the old values.
        """
        changed: set[str] = set()
        relinked: list[tuple[str, str]] = []
        for change in changes:
            if change.what in SHAPE_CHANGES:
                return True, changed, relinked
            if change.what == "link_changed":
                link = self.design.link_by_id().get(change.id)
                data = self.mirror.graph.get_edge_data(link.source, link.target) if link else None
                if data is None or link is None:
                    return True, changed, relinked
                differ = {a for a in ("flow", "phase", "feedback") if data[a] != getattr(link, a)}
                if differ:
                    relinked.append((link.source, link.target))
                if "phase" in differ and (data["phase"] == "train") == (link.phase == "train"):
                    differ.discard("phase")
                changed |= differ
        return False, changed, relinked

    def check(self) -> CheckResult:
        with _gc_paused():
            return self._check()

    def _check(self) -> CheckResult:
        design = self.mirror.design
        context = RuleContext(design, self.mirror.graph, self.catalog, self.shape)
        same_components = self._components is not None
        if self._components is not None:
            context.adopt_components(self._components)
        present = context.by_kind
        rerun, previous = self._rerun, self._found
        found: dict[str, tuple[RuleSpec, list[Finding]]] = {}
        raw: list[Finding] = []
        reads = self._reads
        for spec in self.rules:
            progress.checkpoint()  # inside a job (an export's own check): Cancel stops it here
            kept = previous.get(spec.id) if rerun is not None and spec.id not in rerun else None
            if kept is not None and kept[0] is spec:
                hits = kept[1]
            elif spec.may_fire(present):
                context.read_links, context.read_shapes = False, set()
                hits = run_rule(spec, context, self._made.setdefault(spec, Made()))
                broken = any(f.internal_error for f in hits)
                reads[spec.id] = (context.read_links or broken, frozenset(context.read_shapes))
            else:
                hits = []
                reads[spec.id] = (False, frozenset())
            found[spec.id] = (spec, hits)
            raw.extend(hits)
        self._found, self._rerun = found, set()
        if not same_components:
            self._names = {fields["id"]: fields["name"] for fields in context.fields}
        self._components = context.component_caches()
        if self._coverage is None:
            self._coverage = stage_coverage(design, self.catalog)
        if design.rule_overrides or design.decisions:
            findings, applied = _apply_overrides_and_decisions(design, raw)
            findings = sort_findings(findings)
        else:  # the findings as the rules made them: listed from each rule's groups
            findings, applied = self._listed(found), {}
        for rule_id, level in design.rule_overrides.items():
            applied.setdefault(rule_id, level)
        return CheckResult(
            findings=findings,
            coverage=dict(self._coverage),
            rules_checked=list(self.rules),
            overrides_applied=applied,
        )

    def _listed(self, found: dict[str, tuple[RuleSpec, list[Finding]]]) -> list[Finding]:
        """`sort_findings` of every rule's findings, grouping again only those of the rules
        whose findings are not the very list of the last check."""
        groups = {}
        for rule_id, (_, hits) in found.items():
            kept = self._groups.get(rule_id)
            groups[rule_id] = kept if kept is not None and kept[0] is hits else (hits, group_findings(hits))
        self._groups = groups
        return merge_groups(part for _, part in groups.values())


def check_design(design: Design, catalog: Catalog | None = None) -> CheckResult:
    """Run every rule over a design once."""
    return RuleEngine(design, catalog).check()


def result_to_json_data(result: CheckResult, file: str | None = None) -> dict[str, Any]:
    """The JSON shape of `mlsd check --format json`."""
    return {
        "file": file,
        "stages": {
            stage: {
                "covered": cov.covered,
                "components": list(cov.components),
                **({"missing_kinds": cov.missing_kinds} if not cov.covered else {}),
            }
            for stage, cov in result.coverage.items()
        },
        "findings": [f.to_json_data() for f in result.findings],
        "summary": result.summary(),
        "overrides": dict(result.overrides_applied),
        "rules_checked": [r.id for r in result.rules_checked],
    }
