"""The PDF design report: sections, content, fonts, outline, metadata and failure modes."""

from __future__ import annotations

import hashlib
import re

import pytest
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from app import __version__
from app.domain.model import Component, Design
from app.estimates import estimate_design
from app.export import build_report, report_bytes
from app.export.report.capacity import sizing_figures
from app.export.units import humanise_text
from app.persistence import DesignSaveError, design_to_bytes, load_design
from app.resources import resource_path
from app.rules import check_design
from app.rules.engine import CheckResult, stage_coverage
from tests.export.designs import HOSTILE_NAMES, LONG_NAME
from tests.export.pdfread import flat, font_names, outline, page_texts, reader, text_of

SECTIONS = [
    "Contents",
    "Summary",
    "Top risks",
    "Context and scope",
    "Architecture",
    "Design by stage",
    "Capacity and cost",
    "Decisions",
    "Accepted trade-offs",
    "Rule overrides",
    "Risks",
    "Open questions",
    "Appendix A. Rules and their result",
    "Appendix B. Glossary of properties",
]


@pytest.fixture
def recommender_pdf(recommender, recommender_check, catalog, any_renderer) -> bytes:
    return report_bytes(recommender, recommender_check, catalog, report_date="2024-05-02")


def test_report_has_every_section_component_and_finding(
    recommender_pdf, recommender, recommender_check, catalog
):
    text = text_of(recommender_pdf)
    for heading in SECTIONS:
        assert heading in text, heading
    for stage in catalog.stages:
        assert f"{stage.number}. {stage.label}" in text
    for component in recommender.components:
        assert flat(component.name) in text, component.name
    for finding in recommender_check.findings:
        assert finding.rule in text and flat(humanise_text(finding.message)) in text, finding.rule
    for rule in recommender_check.rules_checked:
        assert rule.title in text


def test_cover_states_version_hash_author_and_date(recommender, recommender_check, catalog, any_renderer):
    data = b'{"pretend": "file bytes"}\n'
    pdf = report_bytes(recommender, recommender_check, catalog, design_bytes=data, report_date="2024-05-02")
    cover = flat(page_texts(pdf)[0])
    assert "Video feed recommender" in cover and "Ada Lovelace" in cover and "2024-05-02" in cover
    assert f"MLSD Studio {__version__}" in cover
    assert f"sha256 {hashlib.sha256(data).hexdigest()[:12]}" in cover
    assert "Rank the videos in each user's home feed" in cover
    default = report_bytes(recommender, recommender_check, catalog)
    assert hashlib.sha256(design_to_bytes(recommender)).hexdigest()[:12] in flat(page_texts(default)[0])


def test_properties_print_with_units_and_labels(recommender_pdf):
    text = text_of(recommender_pdf)
    for expected in (
        "Latency SLO 80 ms",
        "5,000 QPS",
        "0.08 (8%)",
        "2 days",  # 48 hours, said as a reader would
        "2.5 M params",
        "90 days",
        "140 features",
        "schema, range, null",
        "Not specified:",
    ):
        assert expected in text, expected


def test_decisions_overrides_and_questions(recommender_pdf):
    text = text_of(recommender_pdf)
    assert "Online scoring is required: the feed depends on the session context." in text
    assert "applies to a current finding" in text
    assert re.search(r"R15 off .*switched off", text)
    assert "How will you detect data drift on the Feed API's inputs?" in text
    assert re.search(r"R15 .*switched off", text.split("Appendix A. Rules and their result")[-1])


def test_page_numbers_outline_and_metadata(recommender_pdf):
    pages = page_texts(recommender_pdf)
    total = len(pages)
    for number in range(2, total + 1):
        assert f"Page {number} of {total}" in pages[number - 1]
    assert "Page 1 of" not in pages[0]
    marks = outline(recommender_pdf)
    top = [title for level, title, _ in marks if level == 0]
    for heading in (
        "Summary",
        "Architecture",
        "Design by stage",
        "Risks",
        "Open questions",
        "Appendix A. Rules and their result",
    ):
        assert heading in top
    assert (2, "Feed API", marks[[t for _, t, _ in marks].index("Feed API")][2]) in marks
    pages_of = {title: page for _, title, page in marks}
    assert pages_of["Summary"] < pages_of["Architecture"] < pages_of["Design by stage"] <= pages_of["Risks"]
    contents = reader(recommender_pdf).pages[1].extract_text(extraction_mode="layout")
    for heading in (
        "Summary",
        "Architecture",
        "Design by stage",
        "Risks",
        "Appendix A. Rules and their result",
    ):
        line = rf"^\s*{re.escape(heading)}[ .]+{pages_of[heading]}\s*$"
        assert re.search(line, contents, re.MULTILINE), heading
    meta = reader(recommender_pdf).metadata
    assert meta.title == "Video feed recommender" and meta.author == "Ada Lovelace"
    assert meta.creator == f"MLSD Studio {__version__}"
    assert meta.subject.startswith("ML system design: Rank the videos")


def test_hostile_names_print_as_typed(hostile, hostile_check, catalog, any_renderer):
    pdf = report_bytes(hostile, hostile_check, catalog)
    text = text_of(pdf)
    for name in HOSTILE_NAMES:
        assert flat(name) in text, name
    assert flat(LONG_NAME) in text
    assert 'Hostile <title> & "quotes" 推荐' in text
    assert "Zoë <script>alert(1)</script>" in text
    assert "Notes with <tags>, & ampersands, and 推荐系统." in text
    assert 'tech <3> & "q"' in text


def test_cjk_falls_back_to_the_builtin_cid_font(hostile, hostile_check, catalog, monkeypatch):
    monkeypatch.setenv("MLSD_REPORT_CJK_FONT", "cid")
    pdf = report_bytes(hostile, hostile_check, catalog, diagram_error="not needed here")
    assert "/STSong-Light" in font_names(pdf)
    text = text_of(pdf)
    assert "推荐系统 召回模型" in text and "Notes with <tags>, & ampersands, and 推荐系统." in text


def test_cjk_uses_a_system_font_when_there_is_one(hostile, hostile_check, catalog):
    from app.export.report.fonts import report_fonts

    fonts = report_fonts()
    if fonts.cjk_is_cid:
        pytest.skip("no CJK TrueType font on this system (the CID fallback is tested separately)")
    pdf = report_bytes(hostile, hostile_check, catalog, diagram_error="not needed here")
    from reportlab.pdfbase.pdfmetrics import getFont

    face = getFont(fonts.cjk).face.name
    face = face.decode() if isinstance(face, bytes) else str(face)
    assert any(face in name for name in font_names(pdf)), (face, font_names(pdf))
    assert "/STSong-Light" not in font_names(pdf)
    assert "推荐系统 召回模型" in text_of(pdf)


def test_figures_need_no_renderer(recommender, recommender_check, catalog, monkeypatch, tmp_path):
    """The report draws its figures itself: no Graphviz on the machine changes nothing."""
    import app.export.renderer as renderer_module

    monkeypatch.setattr(renderer_module.shutil, "which", lambda name: None)
    monkeypatch.setattr(renderer_module.sys, "executable", str(tmp_path / "python"))
    data = report_bytes(recommender, recommender_check, catalog)
    text = text_of(data)
    assert "could not be drawn" not in text and "Architecture" in text
    assert sum(len(page.get("/Resources", {}).get("/XObject", {})) for page in reader(data).pages) == 1


def test_hostile_names_in_figures_are_drawn_as_text(hostile, hostile_check, catalog):
    pdf = reader(report_bytes(hostile, hostile_check, catalog))
    drawn = " ".join(
        page.extract_xform_text(form.get_object())
        for page in pdf.pages
        for form in page.get("/Resources", {}).get("/XObject", {}).values()
    )
    assert "could not be drawn" not in text_of(report_bytes(hostile, hostile_check, catalog))
    for name in HOSTILE_NAMES:
        first = flat(name).split(" ")[0]
        assert first[:8] in drawn, name  # drawn literally: markup in names is not interpreted


def test_extra_sections_hook(recommender, recommender_check, catalog):
    style = ParagraphStyle("rubric")
    extra = [("Interview rubric", [Paragraph("Problem translation: 4 of 5", style)])]
    pdf = report_bytes(recommender, recommender_check, catalog, extra_sections=extra, diagram_error="skipped")
    text = text_of(pdf)
    assert "Problem translation: 4 of 5" in text
    assert text.index("Interview rubric") > text.index("Open questions")
    assert text.rindex("Interview rubric") < text.rindex("Appendix A. Rules and their result")
    assert (0, "Interview rubric") in [(level, title) for level, title, _ in outline(pdf)]


def test_design_without_rules_components_or_findings(catalog):
    design = Design()
    result = CheckResult(findings=[], coverage=stage_coverage(design, catalog))
    data = report_bytes(design, result, catalog, diagram_error="nothing to draw")
    text = text_of(data)
    assert "No rules were registered" in text and "The rules report no finding on this design." in text
    assert "The design has no components yet" in text and "Business problem is not covered yet." in text
    titles = [title for level, title, _ in outline(data) if level == 0]
    assert "Architecture" not in titles and "Design by stage" not in titles and "Risks" not in titles
    assert all(float(page.mediabox.width) < float(page.mediabox.height) for page in reader(data).pages)


def test_unknown_kind_components_are_listed(catalog):
    design = Design(
        components=[Component(id="q", kind="quantum_oracle", name="Oracle", properties={"qubits": 7})]
    )
    result = CheckResult(findings=[], coverage=stage_coverage(design, catalog))
    text = text_of(report_bytes(design, result, catalog, diagram_error="skipped"))
    assert (
        "Components of unknown kinds" in text and "Oracle" in text and "quantum_oracle (unknown kind)" in text
    )


def test_build_report_writes_atomically(recommender, recommender_check, catalog, tmp_path):
    out = build_report(
        recommender, tmp_path / "design.pdf", recommender_check, catalog, diagram_error="skipped"
    )
    assert out == tmp_path / "design.pdf" and out.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir()] == ["design.pdf"]
    with pytest.raises(DesignSaveError):
        build_report(
            recommender,
            tmp_path / "missing" / "design.pdf",
            recommender_check,
            catalog,
            diagram_error="skipped",
        )


def test_result_defaults_to_a_fresh_check(recommender, catalog):
    text = text_of(report_bytes(recommender, None, catalog, diagram_error="skipped"))
    assert "Appendix A. Rules and their result" in text and "Feed API" in text


def test_a_rejected_acceptance_is_not_counted_or_shown_as_accepted(recommender, catalog, any_renderer):
    acceptance = next(d for d in recommender.decisions if d.is_acceptance)
    acceptance.status = "rejected"
    text = text_of(report_bytes(recommender, None, catalog, report_date="2024-05-02"))
    assert "rejected, so not applied" in text and "applies to a current finding" not in text
    assert "0 findings accepted as a trade-off" in text


@pytest.mark.parametrize("name", ["x" * 5000, "word " * 1200], ids=["one_word", "many_words"])
def test_a_name_taller_than_a_page_is_split_not_an_internal_error(catalog, name):
    # Its heading was split by reportlab as Heading(None, style, bulletText=, frags=): a
    # TypeError; then its row of the capacity figures (a plain Table) was a LayoutError.
    design = load_design(resource_path("examples") / "example.mlsd").design
    sized = sizing_figures(design, estimate_design(design, catalog), catalog)[0][0]  # in the capacity table
    component = next(c for c in design.components if c.name == sized)
    component.name = name
    pdf = report_bytes(design, check_design(design, catalog), catalog, report_date="2024-05-02")
    entries = [level for level, title, _page in outline(pdf) if name.strip()[:40] in title]
    assert entries == [2]  # one bookmark, at the component's heading
    assert name.replace(" ", "")[:200] in text_of(pdf).replace(" ", "")


def test_a_lone_component_with_a_long_name_is_no_internal_error(catalog):
    # The section after the summary holds a KeepTogether; measuring whether it fits whole
    # wrapped the KeepTogether without a canvas: an AttributeError ('canv').
    name = "Clicks " + "word " * 18 + "Kafka"
    design = Design(components=[Component(id="a", kind="data_source", name=name)])
    pdf = report_bytes(design, catalog=catalog, report_date="2024-05-02")
    assert name in text_of(pdf)


def test_a_long_problem_is_cut_at_a_word_in_the_subject(catalog):
    """The PDF's subject (a viewer's document properties) held the first 200 characters of the
    problem, cut inside a word: '... binary classification of each authorization reque'."""
    from app.persistence import load_design
    from app.resources import resource_path

    design = load_design(resource_path("templates", "fraud_detection.mlsd")).design
    problem = " ".join(design.meta.problem.split())
    subject = str(reader(report_bytes(design, catalog=catalog, diagram_error="skipped")).metadata.subject)
    assert subject.startswith("ML system design: ") and subject.endswith("\u2026"), subject
    shown = subject.removeprefix("ML system design: ").removesuffix("\u2026")
    assert problem.startswith(shown) and problem[len(shown)] in " ,.;:", shown[-20:]
    assert len(shown) <= 200


@pytest.mark.parametrize("template", ["churn_prediction", "eta_prediction", "recommendations"])
def test_no_heading_is_left_alone_at_the_foot_of_a_page(template, catalog):
    """reportlab keeps a heading with the next flowable only when that is no KeepTogether,
    and every decision and risk group is one: 'Decisions' was the last line of page 10 of the
    churn template's report (a fifth of the page empty below it), its decisions on page 11."""
    from app.persistence import load_design
    from app.resources import resource_path

    design = load_design(resource_path("templates", f"{template}.mlsd")).design
    data = report_bytes(design, catalog=catalog)
    pages = [page.extract_text() or "" for page in reader(data).pages]
    for _level, title, number in outline(data):
        lines = [line.strip() for line in pages[number - 1].splitlines() if line.strip()]
        footer = (design.meta.title, f"Page {number} of {len(pages)}")
        body = [line for line in lines if line not in footer]
        assert body[-1] != title, (title, number)


def test_the_contents_are_set_at_their_styles_spacing(hostile, catalog):
    """reportlab padded each contents entry, and its space before as a row of its own, by 3
    points above and below: 32 points an entry where the style says 20, so 11 entries took half
    the summary's page and a design without goals had a page holding only 'Context and scope'
    before the landscape architecture page."""
    from app.rules.engine import check_design

    data = report_bytes(hostile, check_design(hostile, catalog), catalog)
    pages = {title: number for _level, title, number in outline(data)}
    assert pages["Context and scope"] == pages["Summary"] == 2
    lines = [line for line in page_texts(data)[1].splitlines() if re.search(r"\. \d+$", line)]
    assert len(lines) >= 6
