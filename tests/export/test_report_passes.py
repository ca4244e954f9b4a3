"""The report's builds: deciding on a tighter glossary after a build's draft pass (without
drawing it) gives the very PDF that drawing every build gives, byte for byte."""

from __future__ import annotations

import functools
import itertools
from pathlib import Path

import pytest
from reportlab import rl_config

from app.domain.catalog import default_catalog
from app.export import report_bytes
from app.export.report import paragraph, passes, styles, template
from app.persistence import load_design
from app.rules.engine import check_design
from tests.export.pdfread import page_texts, reader

TEMPLATES = Path(__file__).resolve().parents[2] / "resources" / "templates"


@pytest.fixture(autouse=True)
def _invariant(monkeypatch):
    """The same PDF bytes for the same document (no creation time, no random document id)."""
    monkeypatch.setattr(rl_config, "invariant", 1)


def _pdf(name: str, monkeypatch) -> bytes:
    """The template's report, its headings' bookmarks named from 0 (as in a process of its own)."""
    monkeypatch.setattr(styles, "_heading_ids", itertools.count())
    catalog = default_catalog()
    design = load_design(TEMPLATES / name).design
    return report_bytes(design, check_design(design, catalog), catalog, report_date="2026-01-01")


@pytest.fixture
def builds(monkeypatch):
    """Counts the builds that are drawn and those abandoned after their draft pass."""
    counts = {"drawn": 0, "abandoned": 0}
    original = template.ReportDocTemplate.multiBuild

    def counting(self, story, *args, **kwargs):
        passes_made = original(self, story, *args, **kwargs)
        counts["drawn" if passes_made else "abandoned"] += 1
        return passes_made

    monkeypatch.setattr(template.ReportDocTemplate, "multiBuild", counting)
    return counts


def _plain(monkeypatch) -> None:
    monkeypatch.setattr(passes, "build_pdf", functools.partial(passes.build_pdf, skip_drafts=False))


# search_ranking's last page is near-empty with the loosest glossary (it tightens once);
# ad_ctr's is not.
@pytest.mark.parametrize(
    ("name", "drawn", "abandoned"), [("search_ranking.mlsd", 1, 1), ("ad_ctr.mlsd", 1, 0)]
)
def test_skipping_drafts_gives_the_same_pdf(name, drawn, abandoned, builds, monkeypatch):
    fast = _pdf(name, monkeypatch)
    assert builds == {"drawn": drawn, "abandoned": abandoned}
    _plain(monkeypatch)
    builds.update(drawn=0, abandoned=0)
    plain = _pdf(name, monkeypatch)
    assert builds == {"drawn": drawn + abandoned, "abandoned": 0}  # every build drawn
    assert fast == plain
    assert len(reader(fast).pages) <= 15
    assert any("Appendix B. Glossary of properties" in text for text in page_texts(fast))


def test_an_unconfirmed_draft_falls_back_to_drawing_every_build(builds, monkeypatch):
    """When the next build's draft reaches the glossary in another state than the abandoned
    one's, the decision is not trusted: the report is built again the plain way."""
    expected = _pdf("search_ranking.mlsd", monkeypatch)
    counter = itertools.count()
    layout_state = template.ReportDocTemplate.layout_state
    monkeypatch.setattr(
        template.ReportDocTemplate, "layout_state", lambda self: (*layout_state(self), next(counter))
    )
    builds.update(drawn=0, abandoned=0)
    assert _pdf("search_ranking.mlsd", monkeypatch) == expected
    # the first build abandoned after its draft, the second stopped by the refused confirmation,
    # then both drawn
    assert builds == {"drawn": 2, "abandoned": 1}


def test_reused_paragraph_fragments_give_the_same_pdf(
    hostile, hostile_check, recommender, catalog, monkeypatch
):
    """Paragraph markup parsed once per (text, style) and copied: the same PDF as parsing every
    paragraph, for hostile names (markup, entities, long words) and names in six scripts."""
    mixed = recommender.model_copy(deep=True)
    for i, component in enumerate(mixed.components):
        component.name = (
            f"{('نموذج', 'מודל', '推荐', 'モデル', '모델', '🚀')[i % 6]} {component.name} & <b>x</b>"
        )

    def both(design, result) -> tuple[bytes, bytes]:
        monkeypatch.setattr(styles, "_heading_ids", itertools.count())
        reused = report_bytes(design, result, catalog, report_date="2026-01-01")
        with monkeypatch.context() as plain:
            plain.setattr(paragraph.Paragraph, "_setup", paragraph._rl_setup)
            plain.setattr(styles, "_heading_ids", itertools.count())
            parsed = report_bytes(design, result, catalog, report_date="2026-01-01")
        return reused, parsed

    for design, result in ((hostile, hostile_check), (mixed, check_design(mixed, catalog))):
        reused, parsed = both(design, result)
        assert reused == parsed
    assert paragraph._parsed  # fragments were kept
