"""Export benchmarks (pytest-benchmark; no timed asserts).

Targets: a 200-component report in < 2 s, a 200-component SVG in < 3 s (checked by
reading the figures, not asserted). Run with timings:
python -m pytest tests/benchmarks/test_export_bench.py --benchmark-enable
(scripts/bench_export.py prints the same figures without pytest).
"""

from __future__ import annotations

import pytest

from app.export import report_bytes, to_dot, to_mermaid, to_svg
from app.export.renderer import RenderError, find_renderer
from app.export.report.fonts import report_fonts
from app.layout import layout_design
from app.rules.engine import CheckResult, stage_coverage
from tests.factories import large_design

N_COMPONENTS, N_LINKS = 200, 300


@pytest.fixture(scope="module")
def big(request):
    from app.domain.catalog import default_catalog

    catalog = default_catalog()
    design = large_design(catalog, N_COMPONENTS, N_LINKS)
    return design, CheckResult(findings=[], coverage=stage_coverage(design, catalog)), catalog


@pytest.fixture
def needs_renderer():
    try:
        find_renderer()
    except RenderError as exc:
        pytest.skip(str(exc))


def test_bench_dot_200(benchmark, big):
    design, result, catalog = big
    source = benchmark(to_dot, design, catalog, result)
    assert source.count(" [label=<<B>") >= N_COMPONENTS


def test_bench_mermaid_200(benchmark, big):
    design, _result, catalog = big
    assert benchmark(to_mermaid, design, catalog).count('["<b>') == N_COMPONENTS


def test_bench_svg_200(benchmark, big, needs_renderer):
    design, result, catalog = big
    svg = benchmark.pedantic(to_svg, args=(design, catalog, result), rounds=3, iterations=1)
    assert svg.lstrip().startswith(b"<?xml")


def test_bench_layout_200(benchmark, big):
    design, _result, catalog = big
    layout = benchmark.pedantic(layout_design, args=(design, catalog), rounds=3, iterations=1)
    assert len(layout.positions) == N_COMPONENTS


def test_bench_report_200(benchmark, big, needs_renderer):
    design, result, catalog = big
    report_fonts()  # registered once per process, as in the app
    pdf = benchmark.pedantic(report_bytes, args=(design, result, catalog), rounds=3, iterations=1)
    assert pdf.startswith(b"%PDF-")
