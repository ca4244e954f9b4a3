"""scene.least_size: lower bounds of a figure's size known before its layout, which let the
report pass over a card size that cannot be legible without laying the figure out."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from reportlab import rl_config

from app.domain.catalog import default_catalog
from app.export import report_bytes
from app.export.report import diagram, styles
from app.export.report.figure import FIGURE_CARD, FLAT_CARD
from app.export.scene import build_scene, layout_for, least_size
from app.persistence import load_design
from app.rules.engine import check_design
from tests.factories import large_design

TEMPLATES = sorted((Path(__file__).resolve().parents[2] / "resources" / "templates").glob("*.mlsd"))


def _check_bound(design, catalog, aspect, only, card) -> tuple[float, float, float, float]:
    width, height = least_size(design, catalog, aspect, only, card)
    layout = layout_for(design, catalog, aspect, only=only, card_size=card)
    scene = build_scene(design, catalog, None, layout, card_size=card)
    assert width <= scene.width + 1e-6
    assert height <= scene.height + 1e-6
    return width, height, scene.width, scene.height


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.stem)
def test_least_size_bounds_the_figures_of_the_templates(path):
    catalog = default_catalog()
    design = load_design(path).design
    stage = {c.id: catalog.stage_of(c.kind) for c in design.components}
    first_stage = {c.id for c in design.components if stage[c.id] == stage[design.components[0].id]}
    for aspect, card in itertools.product((1.0, 2.2), (FIGURE_CARD, FLAT_CARD)):
        width, height, real_width, real_height = _check_bound(design, catalog, aspect, None, card)
        assert width > 0.8 * real_width  # a bound worth having, not just true
        _check_bound(design, catalog, aspect, first_stage, card)


def test_least_size_bounds_large_designs():
    catalog = default_catalog()
    for n, m in ((7, 9), (60, 90), (150, 240)):
        design = large_design(catalog, n, m)
        _check_bound(design, catalog, 1.9, None, FLAT_CARD)
        _check_bound(design, catalog, 0.7, {c.id for c in design.components[::3]}, FIGURE_CARD)


def test_an_empty_selection_has_no_size():
    catalog = default_catalog()
    assert least_size(large_design(catalog, 5, 4), catalog, 1.6, set(), FLAT_CARD) == (0.0, 0.0)


def test_passing_over_card_sizes_leaves_the_report_as_it_was(monkeypatch):
    """The report of a template whose figures are drawn with flat cards (the full cards are
    too wide for a page) is the same PDF, byte for byte, whether the full cards are laid out
    first or passed over."""
    monkeypatch.setattr(rl_config, "invariant", 1)
    catalog = default_catalog()
    design = load_design(TEMPLATES[0]).design
    result = check_design(design, catalog)
    laid_out: list[tuple[float, float]] = []
    real_figure = diagram._figure

    def counting(*args, **kwargs):
        laid_out.append(args[7] if len(args) > 7 else kwargs.get("card", FIGURE_CARD))
        return real_figure(*args, **kwargs)

    monkeypatch.setattr(diagram, "_figure", counting)

    def pdf() -> bytes:
        monkeypatch.setattr(styles, "_heading_ids", itertools.count())
        return report_bytes(design, result, catalog, report_date="2026-01-01")

    quick = pdf()
    assert FIGURE_CARD not in laid_out and FLAT_CARD in laid_out
    laid_out.clear()
    monkeypatch.setattr(diagram, "_too_wide", lambda *args: False)
    assert pdf() == quick
    assert FIGURE_CARD in laid_out
