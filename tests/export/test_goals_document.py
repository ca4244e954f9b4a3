"""Goals, non-goals and assumptions: every shipped design states them, the report and the
Markdown print them after the context, and a figure never wraps away from its sign."""

from __future__ import annotations

import pytest
from reportlab.platypus import Paragraph

from app.domain.catalog import default_catalog
from app.domain.model import Design
from app.export import report_bytes
from app.export.design_doc import build_doc
from app.export.markdown import to_markdown
from app.export.report.docsections import goals_section
from app.export.report.styles import make_styles
from app.persistence import load_design
from app.resources import resource_path
from app.rules.engine import check_design
from tests.export.pdfread import text_of

SHIPPED = [
    *sorted(resource_path("templates").glob("*.mlsd")),
    resource_path("examples", "example.mlsd"),
]
COUNTS = {"goals": (3, 5), "non_goals": (2, 4), "assumptions": (3, 5)}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_design_states_short_goals_non_goals_and_assumptions(path):
    meta = load_design(path).design.meta
    for field, (low, high) in COUNTS.items():
        items = getattr(meta, field)
        assert low <= len(items) <= high, (path.stem, field, len(items))
        assert len(set(items)) == len(items), (path.stem, field)
        for item in items:
            assert item == item.strip() and "\n" not in item and 20 <= len(item) <= 140, (path.stem, item)


def _design(name: str) -> Design:
    return load_design(resource_path("templates", f"{name}.mlsd")).design


def test_the_report_prints_them_after_the_context_and_no_longer_says_none_written():
    catalog = default_catalog()
    design = _design("fraud_detection")
    text = text_of(report_bytes(design, check_design(design, catalog), catalog, diagram_error="skipped"))
    assert "No goals, non-goals or assumptions are written down yet" not in text
    context, goals = text.index("Context and scope Problem statement."), text.index(
        "Goals, non-goals and assumptions Goals"
    )
    assert context < goals
    section = text[goals:]
    shown = " ".join(section.split())
    for item in [*design.meta.goals, *design.meta.non_goals, *design.meta.assumptions]:
        assert " ".join(item.split()) in shown, item
    assert "Out of scope by choice: see the non-goals below." in text


def test_a_figure_stays_on_the_line_of_its_sign():
    """However the goal wraps, no line ends on a comparison sign whose figure went to the next."""
    catalog = default_catalog()
    design = Design()
    design.meta.goals = ["Cut fraud losses by 30% within 180 days, holding the approval rate >= 97.5% always"]
    design.meta.non_goals = ["Merchant risk ~ a separate system, p99 <= 80 ms"]
    doc = build_doc(design, check_design(design, catalog), catalog)
    paragraphs = [f for f in goals_section(doc, make_styles()) if isinstance(f, Paragraph)]
    bullets = [p for p in paragraphs if p.bulletText]
    assert len(bullets) == 2
    ends = set()
    for width in range(120, 420, 3):
        for paragraph in bullets:
            paragraph.wrap(width, 1000)
            for line in paragraph.blPara.lines:  # markup makes FragLines: their words are fragments
                shown = "".join(fragment.text for fragment in line.words)
                ends.add(shown.rstrip().split(" ")[-1])
    assert not ends & {">=", "<=", "~"}, ends
    assert any(end.endswith("97.5%") for end in ends)  # the sign went down with it


def test_the_markdown_states_them_after_the_scope():
    catalog = default_catalog()
    design = _design("eta_prediction")
    text = to_markdown(design, check_design(design, catalog), catalog, report_date="2026-12-01")
    scope = text.index("**Scope.**")
    assert "Out of scope by choice: see the non-goals below." in text[scope : text.index("\n", scope)]
    section = text[text.index("## Goals, non-goals and assumptions") : text.index("## Architecture")]
    for title in ("**Goals**", "**Non-goals**", "**Assumptions**"):
        assert title in section
    assert section.count("\n- ") == sum(len(getattr(design.meta, f)) for f in COUNTS)
