"""The interview rubric: scores, reasons, questions; `mlsd check --rubric`; the report section."""

from __future__ import annotations

import json

import pytest

from app.cli import main
from app.domain import ops
from app.domain.model import Design, Meta
from app.export.report import report_bytes
from app.export.report.rubric import RUBRIC_HEADING, rubric_section
from app.persistence import load_design, save_design
from app.rules.engine import check_design
from app.rules.rubric import Rubric, format_rubric_text, score_design
from app.templates import find_template, list_templates
from tests.export.pdfread import text_of

DIMENSIONS = ["Problem translation", "Decision-making", "Breadth and depth"]
TEMPLATE_NAMES = [t.name for t in list_templates()]


def rubric_of(design: Design, catalog) -> Rubric:
    return score_design(design, check_design(design, catalog), catalog)


def template_design(name: str, catalog) -> Design:
    return load_design(find_template(name).path, catalog).design


def test_an_empty_design_scores_zero_on_breadth_and_is_asked_about_every_stage(catalog):
    rubric = rubric_of(Design(), catalog)
    assert [d.name for d in rubric.dimensions] == DIMENSIONS
    assert rubric.dimension("Breadth and depth").score == 0
    assert rubric.dimension("Decision-making").score == 0
    assert rubric.dimension("Problem translation").score == 0
    for stage in catalog.stages:
        assert any(q.startswith(f"{stage.label} is not covered yet.") for q in rubric.questions)


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_every_template_scores_at_least_4_on_every_dimension(name, catalog):
    rubric = rubric_of(template_design(name, catalog), catalog)
    scores = {d.name: d.score for d in rubric.dimensions}
    assert all(score >= 4 for score in scores.values()), scores
    assert all(d.reasons for d in rubric.dimensions)


def test_removing_the_business_objective_lowers_translation_and_asks_about_it(catalog):
    design = template_design("recommendations", catalog)
    before = rubric_of(design, catalog)
    objectives = [c.id for c in design.components if c.kind == "business_objective"]
    assert objectives
    for component_id in objectives:
        ops.remove_component(design, component_id)
    after = rubric_of(design, catalog)
    assert after.dimension("Problem translation").score < before.dimension("Problem translation").score
    assert "+0 no business objective with a KPI" in after.dimension("Problem translation").reasons
    new = [q for q in after.questions if q not in before.questions]
    assert any("business objective" in q or "KPI" in q for q in new), new


def test_a_design_with_two_stages_cannot_score_high_on_decision_making(catalog, builder):
    framing = builder.add("problem_framing", "Framing", task="binary", ml_needed="yes")
    source = builder.add("data_source", "Events", owner="data team")
    builder.link(source, framing)
    rubric = rubric_of(builder.design, catalog)
    decisions = rubric.dimension("Decision-making")
    assert decisions.score <= 1
    assert any("not designed yet" in r for r in decisions.reasons)


def test_rubric_json_and_text(catalog):
    rubric = rubric_of(template_design("spam_filter", catalog), catalog)
    data = rubric.to_json_data()
    assert [d["name"] for d in data["dimensions"]] == DIMENSIONS
    assert data["max"] == 15 and data["total"] == rubric.total == sum(d["score"] for d in data["dimensions"])
    text = format_rubric_text(rubric)
    assert text.startswith(f"Interview rubric: {rubric.total}/15")
    for name in DIMENSIONS:
        assert f"  {name}: " in text


# ---- mlsd check --rubric ------------------------------------------------------------------


@pytest.fixture
def partial_file(tmp_path, builder):
    objective = builder.add("business_objective", "Watch time", kpi="watch minutes per user")
    metric = builder.add("metric", "NDCG")
    builder.link(metric, objective, flow="proxy")
    builder.add("data_source", "Events")
    path = tmp_path / "partial.mlsd"
    save_design(builder.design, path)
    return path


def test_check_rubric_prints_the_rubric_after_the_findings(partial_file, capsys):
    main(["check", str(partial_file), "--rubric"])
    out = capsys.readouterr().out
    assert "Interview rubric: " in out
    for name in DIMENSIONS:
        assert f"{name}: " in out
    assert "Follow-up questions:" in out
    assert out.index("Interview rubric: ") > 0


def test_check_rubric_json_has_a_rubric_object(partial_file, capsys):
    main(["check", str(partial_file), "--rubric", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    rubric = data["rubric"]
    assert [d["name"] for d in rubric["dimensions"]] == DIMENSIONS
    assert all(0 <= d["score"] <= 5 and d["reasons"] for d in rubric["dimensions"])
    assert rubric["max"] == 15 and isinstance(rubric["questions"], list) and rubric["questions"]
    main(["check", str(partial_file), "--format", "json"])
    assert "rubric" not in json.loads(capsys.readouterr().out)


# ---- the report section -------------------------------------------------------------------


def test_rubric_section_in_the_report_with_escaped_user_text(catalog, builder):
    builder.add("business_objective", "Revenue <b>&</b> growth", kpi="<i>revenue</i> & margin")
    builder.add("data_source", "Events")
    design = builder.design
    result = check_design(design, catalog)
    rubric = score_design(design, result, catalog)
    heading, flowables = rubric_section(rubric, [("Problem", "Spam <script> & co")])
    assert heading == RUBRIC_HEADING and flowables
    pdf = report_bytes(
        design, result, catalog, extra_sections=[(heading, flowables)], diagram_error="skipped"
    )
    text = text_of(pdf)
    start = text.rindex("Interview rubric")
    section = text[start : text.rindex("Appendix: rules checked")]
    for name in DIMENSIONS:
        assert name in section
    assert "Follow-up questions" in section
    assert "<i>revenue</i> & margin" in section  # printed as typed, not read as markup
    assert "Spam <script> & co" in section
    assert f"Total: {rubric.total} of 15" in section


def test_export_rubric_flag_adds_the_section_to_the_pdf(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MLSD_DOT", str(tmp_path / "no-dot"))  # no Graphviz needed: a note instead
    source = tmp_path / "design.mlsd"
    save_design(Design(meta=Meta(title="Rubric export", problem="Rank videos")), source)
    out = tmp_path / "report.pdf"
    main(["export", str(source), "--pdf", str(out), "--rubric"])
    text = text_of(out.read_bytes())
    assert "Interview rubric" in text and "Follow-up questions" in text
    for name in DIMENSIONS:
        assert name in text
    plain = tmp_path / "plain.pdf"
    main(["export", str(source), "--pdf", str(plain)])
    assert "Interview rubric" not in text_of(plain.read_bytes())


def test_export_rubric_needs_a_pdf(tmp_path, capsys):
    source = tmp_path / "design.mlsd"
    save_design(Design(), source)
    assert main(["export", str(source), "--mermaid", str(tmp_path / "d.mmd"), "--rubric"]) == 2
    assert "--rubric" in capsys.readouterr().err
