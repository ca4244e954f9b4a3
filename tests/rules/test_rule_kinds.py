"""`@rule(kinds=...)`: what each rule declares it inspects is enough.

The engine skips a rule whose kinds are all absent from a design, and after an edit of one
component re-runs only the rules that inspect its kind. Both are sound only if the
declarations are: a rule raises nothing without its kinds, and an edit of a property (or a
text field) of a kind a rule does not declare never changes what that rule finds.
"""

from __future__ import annotations

import ast
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.catalog import Catalog, PropertySpec, default_catalog
from app.domain.graph import design_to_graph
from app.domain.model import Component, Design, Link
from app.persistence import load_design
from app.rules import RuleEngine, all_rules
from app.rules.context import RuleContext
from app.rules.model import ALL, LINKS, Finding, RuleSpec
from app.rules.running import run_rule

ROOT = Path(__file__).resolve().parents[2]
DESIGN_FILES = sorted((ROOT / "resources" / "templates").glob("*.mlsd")) + sorted(
    (ROOT / "tests" / "rules" / "variants").glob("*/*.mlsd")
)
FLOWS = ("data", "feature", "artifact", "prediction", "eval", "watch", "govern", "proxy")
PHASES = ("train", "serve", "both")
CATALOG = default_catalog()
RULES = all_rules()


def _signature(findings: list[Finding]) -> list[tuple[Any, ...]]:
    return sorted((f.rule, f.severity, f.message, f.components, f.links, f.unset) for f in findings)


def _unskipped(design: Design, rules: list[RuleSpec] = RULES) -> dict[str, list[Finding]]:
    """Every rule run over the design, none skipped, each with a fresh context."""
    graph = design_to_graph(design, CATALOG)
    return {spec.id: run_rule(spec, RuleContext(design, graph, CATALOG)) for spec in rules}


def test_every_rule_declares_known_kinds():
    for spec in RULES:
        assert spec.kinds, spec.id
        if spec.kinds in ((ALL,), (LINKS,)):
            continue
        unknown = [k for k in spec.kinds if CATALOG.kind(k) is None]
        assert unknown == [], f"{spec.id} declares kinds the catalog does not have: {unknown}"
        assert list(spec.kinds) == sorted(set(spec.kinds)), f"{spec.id}: list kinds once, sorted"


def test_every_rule_says_what_it_inspects():
    """kinds= defaults to "all" (always safe, never skipped); every shipped rule states it."""
    for path in sorted((ROOT / "app" / "rules" / "checks").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "rule":
                named = {kw.arg for kw in node.keywords}
                assert "kinds" in named, f"{path.name}: a @rule without kinds= (line {node.lineno})"


def test_a_rule_without_its_kinds_is_skipped_and_reruns_only_for_its_kinds():
    [r8] = [s for s in RULES if s.id == "R8"]
    assert r8.kinds == ("endpoint",)
    assert not r8.may_fire({"model"}) and r8.may_fire({"model", "endpoint"})
    assert r8.inspects("endpoint") and not r8.inspects("model")
    [r6] = [s for s in RULES if s.id == "R6"]
    assert r6.kinds == (LINKS,) and r6.may_fire(set()) and not r6.inspects("model")


@pytest.mark.parametrize("path", DESIGN_FILES, ids=[f"{p.parent.name}/{p.stem}" for p in DESIGN_FILES])
def test_skipping_rules_by_kind_finds_what_running_every_rule_finds(path):
    design = load_design(path, CATALOG).design
    design.rule_overrides, design.decisions = {}, []  # compare what the rules find, nothing applied
    expected = [f for found in _unskipped(design).values() for f in found]
    assert _signature(RuleEngine(design, CATALOG).check().findings) == _signature(expected)


def _value(spec: PropertySpec, rng: random.Random) -> Any:
    """A random valid value of a catalog property."""
    if spec.type == "bool":
        return rng.choice([True, False])
    if spec.type == "enum":
        return rng.choice(spec.values)
    if spec.type == "set":
        return [v for v in spec.values if rng.random() < 0.4]
    if spec.type in ("int", "float"):
        low = spec.minimum if spec.minimum is not None else 0
        high = spec.maximum if spec.maximum is not None else 500
        picked = rng.choice([low, high, low + (high - low) * rng.random(), 1, 5, 10, 50, 100, 200])
        picked = min(max(picked, low), high)
        return int(picked) if spec.type == "int" else float(picked)
    words = ["daily", "hourly", "weekly", "after 30 days", "accuracy", "auc", "revenue", "ctr", "team"]
    if spec.type == "list":
        return rng.sample(words, rng.randint(0, 3))
    return rng.choice(words)


def random_design(rng: random.Random, catalog: Catalog = CATALOG, size: int = 10) -> Design:
    """A small design of random kinds with random properties and random links."""
    kinds = list(catalog.kinds)
    components = []
    for i in range(rng.randint(3, size)):
        kind = rng.choice(kinds)
        props = {p.name: _value(p, rng) for p in catalog.kinds[kind].properties if rng.random() < 0.6}
        components.append(Component(id=f"c{i}", kind=kind, name=f"C{i}", properties=props))
    links, seen = [], set()
    for _ in range(rng.randint(0, 2 * len(components))):
        a, b = rng.sample(range(len(components)), 2)
        if (a, b) in seen:
            continue
        seen.add((a, b))
        links.append(
            Link(
                id=f"l{len(links)}",
                source=f"c{a}",
                target=f"c{b}",
                flow=rng.choice(FLOWS),
                phase=rng.choice(PHASES),
                feedback=rng.random() < 0.2,
            )
        )
    return Design(components=components, links=links)


def _base_design(rng: random.Random) -> Design:
    """A random design, or a template or variant (where rules are close to firing)."""
    if rng.random() < 0.5:
        return random_design(rng)
    return load_design(rng.choice(DESIGN_FILES), CATALOG).design


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_an_edit_of_a_kind_a_rule_does_not_declare_never_changes_its_findings(rng):
    design = _base_design(rng)
    target = rng.choice(design.components)
    spec = CATALOG.kinds.get(target.kind)
    blind = [s for s in RULES if not s.inspects(target.kind)]
    before = _unskipped(design, blind)
    for _ in range(3):  # a few properties (or text fields) of the same component
        field = rng.choice([*(p.name for p in spec.properties), "technology", "notes"] if spec else ["notes"])
        if field in ("technology", "notes"):
            setattr(target, field, rng.choice(["", "Spark nightly", "retrained hourly", "Kafka"]))
        elif rng.random() < 0.2:
            target.properties.pop(field, None)
        else:
            target.properties[field] = _value(spec.property(field), rng)
    after = _unskipped(design, blind)
    for rule in blind:
        assert _signature(after[rule.id]) == _signature(before[rule.id]), (
            f"{rule.id} (kinds {rule.kinds}) changed after an edit of {target.kind} {target.id}"
        )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_a_rule_raises_nothing_without_its_kinds(rng):
    design = _base_design(rng)
    kept = {c.id for c in design.components if rng.random() < 0.5}  # some kinds go missing
    design.components = [c for c in design.components if c.id in kept]
    design.links = [lk for lk in design.links if lk.source in kept and lk.target in kept]
    for spec in RULES:
        if spec.may_fire({c.kind for c in design.components}):
            continue
        assert _unskipped(design, [spec])[spec.id] == [], spec.id


def test_a_decision_edit_reruns_the_rules_that_read_decisions():
    """R54 reads the decision records: recording a weighed decision about the model clears it
    in the incremental engine exactly as in a fresh check."""
    from app.domain.changes import Change
    from app.domain.model import Component, Decision, DecisionOption, Design
    from app.rules.engine import RuleEngine, check_design

    ranker = Component(id="m", kind="model", name="Ranker", properties={"family": "gbdt"})
    design = Design(components=[ranker])
    engine = RuleEngine(design)
    assert "R54" in {f.rule for f in engine.check().findings}
    design.decisions.append(
        Decision(
            id="d1", title="Ranker family", components=["m"], date="2026-12-06",
            options=[DecisionOption(name="GBDT", pros=["Strong on tabular features"]),
                     DecisionOption(name="Deep model", cons=["Needs GPUs to train"])],
            chosen="GBDT", consequences="Fast to train; needs feature crosses by hand.",
        )
    )
    engine.apply([Change("decisions_changed", "d1")])
    incremental = sorted(f.rule for f in engine.check().findings)
    assert "R54" not in incremental
    assert incremental == sorted(f.rule for f in check_design(design).findings)
