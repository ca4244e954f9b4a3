"""Rule engine benchmarks (pytest-benchmark). Targets, measured by scripts/bench_rules.py:
full check of 1,000 components / 2,000 links < 50 ms, of 10,000 / 20,000 < 500 ms, and a
re-check after one edit on the 1,000-component design < 16 ms.

pytest runs with --benchmark-disable by default, so in CI each case runs once as a test;
there are no timing asserts here.
"""

from __future__ import annotations

import itertools

import pytest

from app.domain import ops
from app.domain.catalog import default_catalog
from app.rules import CheckResult, RuleEngine, check_design
from app.rules.registry import all_rules
from tests.factories import large_design


@pytest.fixture(scope="module")
def design_1k():
    return large_design(default_catalog(), 1000, 2000)


@pytest.fixture(scope="module")
def design_10k():
    return large_design(default_catalog(), 10000, 20000)


def _sane(result: CheckResult, n_components: int) -> None:
    assert not [f for f in result.findings if f.internal_error]
    assert len(result.rules_checked) == len(all_rules())
    assert sum(len(c.components) for c in result.coverage.values()) == n_components


def _fresh_engine(design):
    catalog = default_catalog()
    return lambda: ((RuleEngine(design, catalog),), {})


def test_full_check_1k_components(benchmark, design_1k):
    result = benchmark.pedantic(RuleEngine.check, setup=_fresh_engine(design_1k), rounds=20)
    _sane(result, 1000)


def test_full_check_10k_components(benchmark, design_10k):
    result = benchmark.pedantic(RuleEngine.check, setup=_fresh_engine(design_10k), rounds=5)
    _sane(result, 10000)


def test_recheck_after_property_edit_1k_components(benchmark):
    catalog = default_catalog()
    design = large_design(catalog, 1000, 2000)
    engine = RuleEngine(design, catalog)
    engine.check()
    endpoints = itertools.cycle([c.id for c in design.components if c.kind == "endpoint"])
    modes = itertools.cycle(["online", "batch", "streaming"])

    def edit_and_check() -> CheckResult:
        _, changes = ops.set_property(design, catalog, next(endpoints), "mode", next(modes))
        engine.apply(changes)
        return engine.check()

    result = benchmark.pedantic(edit_and_check, rounds=30)
    _sane(result, 1000)
    assert [f.message for f in result.findings] == [f.message for f in check_design(design, catalog).findings]


def test_recheck_after_link_edit_1k_components(benchmark):
    catalog = default_catalog()
    design = large_design(catalog, 1000, 2000)
    engine = RuleEngine(design, catalog)
    engine.check()
    links = itertools.cycle(list(design.links))

    def edit_and_check() -> CheckResult:
        link = next(links)
        _, changes = ops.set_link_fields(design, link.id, phase="serve" if link.phase != "serve" else "both")
        engine.apply(changes)
        return engine.check()

    result = benchmark.pedantic(edit_and_check, rounds=30)
    _sane(result, 1000)
    assert [f.message for f in result.findings] == [f.message for f in check_design(design, catalog).findings]


def test_recheck_after_drawing_or_deleting_a_link_1k_components(benchmark):
    catalog = default_catalog()
    design = large_design(catalog, 1000, 2000)
    engine = RuleEngine(design, catalog)
    engine.check()
    pairs = ((a.id, b.id) for a, b in zip(design.components[::7], design.components[500::3], strict=False))
    drawn: list[str] = []

    def edit_and_check() -> CheckResult:
        if drawn:
            _, changes = ops.remove_link(design, drawn.pop())
        else:
            source, target = next(p for p in pairs if ops.find_link(design, *p) is None)
            link = ops.make_link(design, catalog, source, target)
            drawn.append(link.id)
            changes = ops.add_link(design, link)
        engine.apply(changes)
        return engine.check()

    result = benchmark.pedantic(edit_and_check, rounds=30)
    _sane(result, 1000)
    assert [f.message for f in result.findings] == [f.message for f in check_design(design, catalog).findings]
