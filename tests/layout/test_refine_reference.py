"""The fast crossing refinement gives exactly the positions of the plain one it replaced.

`tests/layout/reference_refine.py` keeps the plain implementation (every count a full scan of
every link); layouts are computed with each and must agree to the last bit, as must the
budget of segment tests that decides where a refinement stops.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import app.layout.engine as engine
from app.domain.catalog import Catalog
from app.domain.model import Design
from app.layout import layout_design
from app.layout.refine import CrossingModel, refine
from app.persistence import load_design
from tests.factories import staged_design
from tests.layout import reference_refine as reference
from tests.layout.test_properties import designs

TEMPLATES = sorted((Path(__file__).resolve().parents[2] / "resources" / "templates").glob("*.mlsd"))


def _both_ways(monkeypatch: pytest.MonkeyPatch, design: Design, **options: object) -> tuple[object, object]:
    fast = layout_design(design, **options)  # type: ignore[arg-type]
    with monkeypatch.context() as patch:
        patch.setattr(engine, "CrossingModel", reference.CrossingModel)
        patch.setattr(engine, "refine", reference.refine)
        plain = layout_design(design, **options)  # type: ignore[arg-type]
    return fast, plain


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
@pytest.mark.parametrize("card_size", [None, (260.0, 64.0)])
def test_templates_lay_out_exactly_as_before(
    monkeypatch: pytest.MonkeyPatch, path: Path, card_size: tuple[float, float] | None
) -> None:
    design = load_design(path).design
    options = {} if card_size is None else {"card_size": card_size, "aspect": 1.977}
    fast, plain = _both_ways(monkeypatch, design, **options)
    assert fast.positions == plain.positions  # type: ignore[attr-defined]
    assert fast.routes == plain.routes  # type: ignore[attr-defined]


def test_a_staged_design_lays_out_exactly_as_before(
    monkeypatch: pytest.MonkeyPatch, catalog: Catalog
) -> None:
    design = staged_design(catalog, 120, seed=3)
    fast, plain = _both_ways(monkeypatch, design)
    assert fast.positions == plain.positions  # type: ignore[attr-defined]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(designs(), st.sampled_from([16 / 10, 1.0, 3.0]))
def test_random_designs_lay_out_exactly_as_before(
    monkeypatch: pytest.MonkeyPatch, design: Design, aspect: float
) -> None:
    fast, plain = _both_ways(monkeypatch, design, aspect=aspect)
    assert fast.positions == plain.positions  # type: ignore[attr-defined]


def _points(rng: random.Random, n: int, grid: bool) -> tuple[list[float], list[float]]:
    if grid:  # collinear and touching links are common on a grid
        return [rng.randrange(4) * 100.0 for _ in range(n)], [rng.randrange(4) * 50.0 for _ in range(n)]
    return [rng.uniform(-500, 500) for _ in range(n)], [rng.uniform(-500, 500) for _ in range(n)]


@pytest.mark.parametrize("seed", range(30))
def test_total_and_refinement_match_the_plain_count(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randrange(3, 30)
    xs, ys = _points(rng, n, grid=seed % 2 == 0)
    edges = [(a, b) for a, b in ((rng.randrange(n), rng.randrange(n)) for _ in range(2 * n)) if a != b]
    fast, plain = CrossingModel(list(xs), list(ys), edges), reference.CrossingModel(list(xs), list(ys), edges)
    assert fast.total() == plain.total()
    assert fast.tests == plain.tests
    # Refinement: the first half of the nodes move on a 3-column grid, the rest stay put.
    moving = n // 2
    columns, rows = 3, moving
    cells = [(i % columns, i // columns) for i in range(moving)]

    def centre(cell: tuple[int, int]) -> tuple[float, float]:
        return cell[0] * 300.0 + 130.0, cell[1] * 104.0 + 32.0 + (seed % 3) * 0.1

    for model in (fast, plain):
        for i, cell in enumerate(cells):
            model.move(i, *centre(cell))
    blocked = {(rng.randrange(columns), rng.randrange(rows or 1)) for _ in range(2)} - set(cells)
    got, want = list(cells), list(cells)
    refine(fast, got, lambda i: range(columns), rows, centre, lambda c: c not in blocked)
    reference.refine(plain, want, lambda i: range(columns), rows, centre, lambda c: c not in blocked)
    assert got == want
    assert fast.tests == plain.tests
