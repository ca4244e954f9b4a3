"""Auto-layout positions for the canvas."""

from __future__ import annotations

import shutil

import pytest

from app.export import RenderError, layout_positions, render, stage_grid_positions
from app.export.dot import CARD_HEIGHT_PT, CARD_WIDTH_PT, build_graph
from app.export.layout import _parse_json, _parse_plain
from app.export.renderer import ENV_DOT, which_tool
from tests.factories import large_design


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return abs(a[0] - b[0]) < CARD_WIDTH_PT and abs(a[1] - b[1]) < CARD_HEIGHT_PT


def _check_layout(design, catalog, positions) -> None:
    assert set(positions) == {c.id for c in design.components}
    assert min(x for x, _ in positions.values()) == 0 and min(y for _, y in positions.values()) == 0
    cards = list(positions.values())
    for i, a in enumerate(cards):
        for b in cards[i + 1 :]:
            assert not _overlap(a, b), (a, b)
    order = {s.id: i for i, s in enumerate(catalog.stages)}
    columns: dict[int, list[float]] = {}
    for component in design.components:
        columns.setdefault(order[catalog.stage_of(component.kind)], []).append(positions[component.id][0])
    stages = sorted(columns)
    for left, right in zip(stages, stages[1:], strict=False):
        assert max(columns[left]) < min(columns[right]), (left, right)


def test_positions_are_cards_with_stages_left_to_right(recommender, catalog, renderer):
    _check_layout(recommender, catalog, layout_positions(recommender, catalog))


def test_large_design_layout(catalog, renderer):
    design = large_design(catalog, 60, 80)
    _check_layout(design, catalog, layout_positions(design, catalog))


def test_layout_is_deterministic(recommender, catalog, any_renderer):
    assert layout_positions(recommender, catalog) == layout_positions(recommender, catalog)


def test_empty_design_needs_no_renderer(catalog):
    from app.domain.model import Design

    assert layout_positions(Design(), catalog) == {}


def test_json_and_plain_agree(recommender, catalog, any_renderer):
    source = build_graph(recommender, catalog, cards=True).source
    plain = _parse_plain(render(source, "plain").decode())
    as_json = _parse_json(render(source, "json").decode())
    assert plain.keys() == as_json.keys()
    for name, (x, y) in plain.items():
        jx, jy = as_json[name]
        assert abs(x - jx) < 1.5 and abs(y - jy) < 1.5, name


def test_falls_back_to_json_when_plain_is_missing(recommender, catalog, monkeypatch, fake_renderer):
    real = shutil.which("dot") or which_tool("graphviz-pure")
    if not real:
        pytest.skip("no Graphviz renderer to wrap")
    script = fake_renderer(
        'case "$*" in *-Tplain*) echo \'Format: "plain" not recognized. Use one of: json svg\' >&2; exit 1;; '
        f'esac\nexec "{real}" "$@"'
    )
    monkeypatch.setenv(ENV_DOT, script)
    _check_layout(recommender, catalog, layout_positions(recommender, catalog))


def test_failing_renderer_raises_and_grid_is_the_fallback(recommender, catalog, monkeypatch, fake_renderer):
    monkeypatch.setenv(ENV_DOT, fake_renderer("echo boom >&2; exit 1"))
    with pytest.raises(RenderError, match="boom"):
        layout_positions(recommender, catalog)
    grid = stage_grid_positions(recommender, catalog)
    _check_layout(recommender, catalog, grid)
