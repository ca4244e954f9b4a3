"""Text sizes in the report's PDF, measured from its content streams: nothing under 7 pt, and
the glossary (set tighter to spare a near-empty last page) never under 7.5 pt."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.domain.catalog import default_catalog
from app.export import report_bytes
from app.export.report import passes
from app.export.report.glossary import GLOSSARY_MIN_PT
from app.persistence import load_design
from app.rules.engine import check_design
from tests.export.pdfread import outline, page_text_sizes

RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def _report(path: Path) -> bytes:
    catalog = default_catalog()
    design = load_design(path).design
    return report_bytes(design, check_design(design, catalog), catalog, report_date="2026-01-01")


def _glossary_sizes(data: bytes) -> list[float]:
    start = {title: number for _level, title, number in outline(data)}["Appendix B. Glossary of properties"]
    return [size for page in page_text_sizes(data)[start - 1 :] for size in page]


@pytest.mark.parametrize("tightest", [False, True])
def test_the_glossary_is_never_set_under_7_5_pt(tightest, monkeypatch):
    if tightest:  # every last page counts as near-empty: the glossary is set at its tightest
        monkeypatch.setattr(passes, "LAST_PAGE_MIN", 700.0)
    data = _report(RESOURCES / "templates" / "spam_filter.mlsd")
    sizes = _glossary_sizes(data)
    assert GLOSSARY_MIN_PT >= 7.5
    assert sizes and min(sizes) >= GLOSSARY_MIN_PT - 0.01


def test_the_example_report_has_no_text_under_7_pt_and_a_glossary_of_7_5_or_more():
    data = _report(RESOURCES / "examples" / "example.mlsd")
    assert min(size for page in page_text_sizes(data) for size in page) >= 7.0 - 0.01
    assert min(_glossary_sizes(data)) >= 7.5 - 0.01
