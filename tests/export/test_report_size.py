"""The report builds for any design size: a cell lists at most PLACE_LIMIT names ("and N more"),
and a table row taller than a page is split between pages instead of failing the build."""

from __future__ import annotations

import io
import re

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate, Spacer

from app.domain.catalog import default_catalog
from app.export.places import PLACE_LIMIT, capped_names
from app.export.report import report_bytes
from app.export.report.styles import make_styles, rich
from app.export.report.tables import TALL_ROW, data_table, head_row
from app.rules import check_design
from tests.export.pdfread import flat, page_texts
from tests.factories import DesignBuilder, large_design


def test_capped_names_count_the_rest(catalog):
    b = DesignBuilder(catalog)
    ids = [b.add("metric", f"Metric {i}") for i in range(25)]
    assert capped_names(b.design, ids[:PLACE_LIMIT]) == "; ".join(f"Metric {i}" for i in range(PLACE_LIMIT))
    capped = capped_names(b.design, ids)
    assert (
        capped
        == "; ".join(f"Metric {i}" for i in range(PLACE_LIMIT - 1)) + f" and {25 - PLACE_LIMIT + 1} more"
    )
    assert capped_names(b.design, ids, limit=None).count(";") == 24


def _build(story: list) -> list[str]:
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(story)
    return page_texts(out.getvalue())


def test_a_row_taller_than_any_page_is_split_between_pages():
    styles = make_styles()
    words = " ".join(f"w{i}" for i in range(4000))
    rows = [head_row(styles, "Concerns", "Finding"), [rich(words, styles.cell), rich("short", styles.cell)]]
    pages = _build([data_table(rows, [200, 200])])
    assert len(pages) > 2  # split over pages, not a LayoutError
    text = flat(" ".join(pages))
    assert "w0 " in text and "w3999" in text
    assert all("Concerns" in page for page in pages)  # the header repeats on every page


def test_a_row_that_fits_a_page_still_moves_whole():
    styles = make_styles()
    lines = "<br/>".join(f"line{i}" for i in range(12))
    assert 12 * styles.cell.leading < TALL_ROW
    table = data_table(
        [head_row(styles, "A", "B"), [rich(lines, styles.cell), rich("b", styles.cell)]], [200, 200]
    )
    pages = _build([Spacer(1, A4[1] - 2 * 72 - 12 - 60), table])  # about 60 points left on page 1
    assert "line0" not in pages[0] and "line0" in pages[1] and "line11" in pages[1]


@pytest.mark.slow
def test_the_report_of_a_1000_component_design_builds_with_capped_cells():
    catalog = default_catalog()
    design = large_design(catalog, 1000, 1200)
    kind = {c.id: c.kind for c in design.components}
    # no objective names a metric as its proxy: R1 names every metric and objective in one finding
    design.links = [
        lk for lk in design.links if (kind[lk.source], kind[lk.target]) != ("business_objective", "metric")
    ]
    result = check_design(design, catalog)
    assert max(len(f.components) for f in result.findings) > PLACE_LIMIT  # the cap is reached
    pages = page_texts(report_bytes(design, result, catalog))
    assert len(pages) > 50
    risks = flat(" ".join(pages[next(i for i, p in enumerate(pages) if "Concerns" in p) :]))
    assert re.search(r"Business objective \d+ and [\d,]+ more", risks)
    assert f"A finding about more than {PLACE_LIMIT} components names the first few" in risks
