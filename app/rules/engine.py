"""Running the rules: overrides, decisions, coverage and the incremental engine."""

from __future__ import annotations

import gc
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import networkx as nx

from app.domain.catalog import STAGE_IDS, Catalog, default_catalog
from app.domain.graph import GraphMirror
from app.domain.model import Design
from app.domain.ops import Change
from app.rules.context import RuleContext, ShapeCache
from app.rules.model import SEVERITY_RANK, Finding, RuleSpec
from app.rules.registry import all_rules

FAIL_LEVELS = ("error", "warning", "info", "never")
# Edits that change which components exist or which links join them. A link_changed edit
# only drops what reads the changed flow, phase or feedback flag; property, name, position,
# meta, decision and override edits keep every graph traversal.
SHAPE_CHANGES = frozenset({"component_added", "component_removed", "link_added", "link_removed"})


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
    for component in design.components:
        kind = component.kind
        if kind not in stage_of:
            stage_of[kind] = catalog.stage_of(kind)
        stage = stage_of[kind]
        if stage:
            by_stage[stage].append(component.id)
    return {
        stage.id: StageCoverage(
            stage=stage.id,
            label=stage.label,
            components=by_stage[stage.id],
            missing_kinds=[] if by_stage[stage.id] else [k.id for k in catalog.kinds_in_stage(stage.id)],
        )
        for stage in catalog.stages
    }


def run_rule(spec: RuleSpec, context: RuleContext) -> list[Finding]:
    """Run one rule; an exception becomes an 'internal error' finding, never silence."""
    try:
        hits = list(spec.check(context))
    except Exception as exc:  # a broken rule must be visible, not a clean result
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return [
            Finding(
                rule=spec.id,
                severity="error",
                stage=spec.stage,
                title=f"Internal error in rule {spec.id}",
                message=f"internal error in rule {spec.id}: {type(exc).__name__}: {exc} "
                f"({where.name}, line {where.lineno})",
                suggestion="Report this as a bug in MLSD Studio; the other rules still ran.",
                sources=spec.sources,
                internal_error=True,
            )
        ]
    return [
        Finding(
            rule=spec.id,
            severity=hit.severity or spec.severity,
            stage=spec.stage,
            title=spec.title,
            message=hit.message,
            components=tuple(hit.components),
            links=tuple(hit.links),
            subject=hit.subject,
            suggestion=spec.suggestion,
            sources=spec.sources,
            unset=tuple(hit.unset),
        )
        for hit in hits
    ]


def _apply_overrides_and_decisions(
    design: Design, findings: Iterable[Finding]
) -> tuple[list[Finding], dict[str, str]]:
    if not design.rule_overrides and not design.decisions:
        return list(findings), {}
    decisions = {}
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
        decision = decisions.get((finding.rule, frozenset(finding.components), finding.subject))
        if decision is not None and not finding.internal_error:
            finding = finding.with_changes(accepted=True, rationale=decision.rationale, decision=decision.id)
        result.append(finding)
    return result, applied


def sort_findings(findings: list[Finding]) -> list[Finding]:
    stage_order = {s: i for i, s in enumerate((*STAGE_IDS, "structure", "all"))}
    return sorted(
        findings,
        key=lambda f: (-SEVERITY_RANK[f.severity], stage_order.get(f.stage, 99), _num(f.rule)),
    )


@lru_cache(maxsize=256)
def _num(rule_id: str) -> int:
    digits = "".join(ch for ch in rule_id if ch.isdigit())
    return int(digits) if digits else 0


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


@dataclass(frozen=True)
class LinkEdit:
    """One link drawn (added) or deleted, with the attributes that decide which traversals see it."""

    source: str
    target: str
    feedback: bool
    train: bool
    added: bool

    def seen_by(self, feedback: bool, serve: bool) -> bool:
        """Whether a traversal that skips feedback links unless `feedback`, and train-phase
        links when `serve`, follows this link."""
        return (feedback or not self.feedback) and not (serve and self.train)


def _follows(data: dict[str, Any], feedback: bool, serve: bool) -> bool:
    return (feedback or not data["feedback"]) and not (serve and data["phase"] == "train")


def update_shape_for_link(shape: ShapeCache, graph: nx.DiGraph, edit: LinkEdit) -> None:
    """After one link is drawn or deleted (`graph` already shows it), patch the cached
    neighbour lists, keep or extend the traversals it cannot invalidate, drop the rest.

    For a traversal following the link as a -> b: a new link changes nothing when the
    traversal never leaves a, and otherwise only adds what b now gets (grown in place); a
    deleted link changes nothing when the traversal never left a or, in a graph without
    loops, when b still gets the same from its other neighbours. Values derived from
    traversals are dropped and recomputed from the kept ones at the next check.
    """
    u, v = edit.source, edit.target
    values = shape.values
    acyclic = {k[1]: not val[2] for k, val in values.items() if isinstance(k, tuple) and k[0] == "topology"}
    for key, value in list(values.items()):  # neighbour lists first: growing traversals walks them
        if isinstance(key, tuple) and key[0] == "adjacency" and edit.seen_by(key[2], key[3]):
            a, b = (u, v) if key[1] else (v, u)
            value[a] = [*value[a], b] if edit.added else [n for n in value[a] if n != b]
        elif key == "special_links":
            values[key] = tuple(
                ([*pairs, (u, v)] if edit.added else [p for p in pairs if p != (u, v)]) if wanted else pairs
                for pairs, wanted in zip(value, (edit.feedback, edit.train), strict=True)
            )
    drop = []
    for key, value in list(values.items()):
        kind = key[0] if isinstance(key, tuple) else key
        if kind in ("adjacency", "special_links"):
            continue
        if kind == "topology":
            where = value[1]
            if edit.seen_by(key[1], False) and not (
                where[u] <= where[v] if edit.added else where[u] != where[v]
            ):
                drop.append(key)
        elif kind in ("reach", "reach_bits"):
            _, sources, forward, stop, feedback, serve = key[:6]
            if not edit.seen_by(feedback, serve):
                continue
            a, b = (u, v) if forward else (v, u)
            walk = values.get(("adjacency", forward, feedback, serve))
            if kind == "reach":
                kept = _update_reach(values, key, walk, a, b, edit.added)
            else:
                kept = _update_bits(value, sources, stop, walk, a, b, edit.added)
            if not kept and not edit.added and acyclic.get(feedback, False):
                pulls = graph._pred[b] if forward else graph._succ[b]
                others = [w for w, data in pulls.items() if w != a and _follows(data, feedback, serve)]
                kept = _removal_harmless(kind, value, sources, stop, a, others)
            if not kept:
                drop.append(key)
        elif key == "feedback_loops" and _loops_unchanged(values, graph, edit):
            continue
        else:
            drop.append(key)  # derived from traversals: recomputed from what is kept
    for key in drop:
        del values[key]
        shape.depends.pop(key, None)


def _loops_unchanged(values: dict[Any, Any], graph: nx.DiGraph, edit: LinkEdit) -> bool:
    """R39's loops stay as they are when the link joins two different strongly connected
    components in topological order (a link inside a loop can split or join the data loops
    R39 reads, whatever its flow), and it does not attach a prediction logger beside one."""
    topology = values.get(("topology", True))
    if topology is None:
        return False
    where = topology[1]
    if not (
        where[edit.source] < where[edit.target] if edit.added else where[edit.source] != where[edit.target]
    ):
        return False
    return not edit.feedback and "prediction_logger" not in (
        graph.nodes[edit.source].get("kind"),
        graph.nodes[edit.target].get("kind"),
    )


def _own_bits(seeds: tuple[str, ...], node: str) -> int:
    mine = 0
    for i, seed in enumerate(seeds):
        if seed == node:
            mine |= 1 << i
    return mine


def _update_reach(values: dict[Any, Any], key: tuple, walk: Any, a: str, b: str, added: bool) -> bool:
    """Whether a cached reach set survives the link a -> b; a new link grows it in place."""
    _, sources, _, stop, _, _, through_stop = key
    reached = values[key]
    if not (a in sources or (a in reached and a not in stop)):
        return True  # the traversal never leaves a
    if not added:
        return b not in reached  # (only when b is a stop the traversal does not enter)
    if b in reached or (b in stop and not through_stop):
        return True
    if walk is None:
        return False
    grown = {b}
    frontier = [] if b in stop else [b]
    while frontier:
        for nxt in walk[frontier.pop()]:
            if nxt in reached or nxt in grown or (nxt in stop and not through_stop):
                continue
            grown.add(nxt)
            if nxt not in stop:
                frontier.append(nxt)
    values[key] = reached | grown
    return True


def _update_bits(
    bits: dict[str, int], seeds: tuple[str, ...], stop: frozenset[str], walk: Any, a: str, b: str, added: bool
) -> bool:
    """Whether cached reach bits survive the link a -> b; a new link spreads a's bits in place."""
    own = _own_bits(seeds, a)
    brought = own if a in stop else own | bits.get(a, 0)
    if not brought:
        return True
    if not added:
        return False
    new = brought & ~bits.get(b, 0)
    if not new:
        return True
    if walk is None:
        return False
    work = [(b, new)]
    while work:  # bits only grow: spread what is new until nothing changes
        node, incoming = work.pop()
        fresh = incoming & ~bits.get(node, 0)
        if not fresh:
            continue
        bits[node] = bits.get(node, 0) | fresh
        if node not in stop:
            work.extend((nxt, fresh) for nxt in walk[node])
    return True


def _removal_harmless(
    kind: str, value: Any, sources: Any, stop: frozenset[str], a: str, others: list[str]
) -> bool:
    """In a graph without loops, b keeps everything a gave it when its other neighbours give it too."""
    if kind == "reach":
        return any(w in sources or (w in value and w not in stop) for w in others)

    def out(node: str) -> int:
        own = _own_bits(sources, node)
        return own if node in stop else own | value.get(node, 0)

    rest = 0
    for w in others:
        rest |= out(w)
    return not out(a) & ~rest


class RuleEngine:
    """Checks one design, keeping its graph in step with edits between checks."""

    def __init__(self, design: Design, catalog: Catalog | None = None):
        self.catalog = catalog or default_catalog()
        self.mirror = GraphMirror(design, self.catalog)
        self.rules = all_rules()
        self.shape = ShapeCache()

    @property
    def design(self) -> Design:
        return self.mirror.design

    def reset(self, design: Design) -> None:
        """Follow a different design (e.g. after opening a file)."""
        self.mirror.reset(design)
        self.shape.clear()

    def apply(self, changes: Iterable[Change]) -> None:
        """Update the graph after edit operations, instead of rebuilding it, and keep the
        cached graph traversals that the edit cannot change."""
        changes = list(changes)
        edit = self._single_link_edit(changes)
        reshaped, changed = self._shape_changes(changes)
        self.mirror.apply(changes)
        if edit is not None:
            update_shape_for_link(self.shape, self.mirror.graph, edit)
        elif reshaped:
            self.shape.clear()
        elif changed:
            self.shape.invalidate(changed)

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
            return LinkEdit(link.source, link.target, link.feedback, link.phase == "train", added=True)
        ends = self.mirror.link_ends(changes[0].id)
        if ends is None or not graph.has_edge(*ends):
            return None
        data = graph.edges[ends]
        return LinkEdit(ends[0], ends[1], data["feedback"], data["phase"] == "train", added=False)

    def _shape_changes(self, changes: list[Change]) -> tuple[bool, set[str]]:
        """Whether components or links come or go, else which link attributes change.

        Read before the mirror applies the changes: its edges still hold the old values.
        """
        changed: set[str] = set()
        for change in changes:
            if change.what in SHAPE_CHANGES:
                return True, changed
            if change.what == "link_changed":
                link = self.design.link_by_id().get(change.id)
                data = self.mirror.graph.get_edge_data(link.source, link.target) if link else None
                if data is None:
                    return True, changed
                changed.update(a for a in ("flow", "phase", "feedback") if data[a] != getattr(link, a))
        return False, changed

    def check(self) -> CheckResult:
        with _gc_paused():
            return self._check()

    def _check(self) -> CheckResult:
        design = self.mirror.design
        context = RuleContext(design, self.mirror.graph, self.catalog, self.shape)
        raw: list[Finding] = []
        for spec in self.rules:
            raw.extend(run_rule(spec, context))
        findings, applied = _apply_overrides_and_decisions(design, raw)
        for rule_id, level in design.rule_overrides.items():
            applied.setdefault(rule_id, level)
        return CheckResult(
            findings=sort_findings(findings),
            coverage=stage_coverage(design, self.catalog),
            rules_checked=list(self.rules),
            overrides_applied=applied,
        )


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
