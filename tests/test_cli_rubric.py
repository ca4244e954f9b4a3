"""`mlsd check --rubric` and `mlsd export --pdf --rubric` on an empty and a thin design: every
reason prints its points one way ("+0", "+1", "+0.5": never "+0.0"), an empty design reads
as empty (no "0 of 0 components"), and the uncovered stages are asked in the framework's
order; the PDF report prints the same reasons and questions in the same order."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.cli import main
from app.domain.catalog import default_catalog
from app.domain.model import Component, Design, Meta
from app.persistence import save_design
from tests.export.pdfread import text_of

POINTS = re.compile(r"^[+-](\d+|\d+\.[1-9]) ")
STAGE_LABELS = [stage.label for stage in default_catalog().stages]


def _empty(tmp_path: Path) -> Path:
    path = tmp_path / "x.mlsd"
    assert main(["new", str(path)]) == 0
    return path


def _thin(tmp_path: Path) -> Path:
    """One model with its properties set: one stage of six covered."""
    properties = {"family": "gbdt", "params_millions": 2, "p99_latency_ms": 20}
    model = Component(id="m", kind="model", name="Ranker", properties=properties)
    path = tmp_path / "thin.mlsd"
    save_design(Design(meta=Meta(title="Thin"), components=[model]), path)
    return path


def _rubric_text(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[list[str], list[str]]:
    """(every dimension's reason lines, the follow-up questions) of `check --rubric`."""
    capsys.readouterr()
    main(["check", "--rubric", str(path)])
    out = capsys.readouterr().out
    rubric = out[out.index("Interview rubric:") :].splitlines()
    reasons = [line.strip() for line in rubric if line.startswith("      ")]
    start = rubric.index("Follow-up questions:")
    questions = [line.removeprefix("  - ") for line in rubric[start + 1 :]]
    return reasons, questions


def _stage_order(questions: list[str]) -> list[str]:
    asked = [q.split(" is not covered yet.")[0] for q in questions if " is not covered yet." in q]
    return asked


@pytest.mark.parametrize("make", [_empty, _thin], ids=["empty", "thin"])
def test_check_rubric_prints_points_one_way(make, tmp_path, capsys):
    reasons, _questions = _rubric_text(make(tmp_path), capsys)
    points = [line for line in reasons if line[:1] in "+-"]
    assert points, reasons
    for line in points:
        assert POINTS.match(line), f"points not printed as '+0', '+1' or '+0.5': {line!r}"
    assert not any(" 0 of 0 " in line for line in reasons), reasons


def test_an_empty_design_reads_as_empty(tmp_path, capsys):
    reasons, _questions = _rubric_text(_empty(tmp_path), capsys)
    assert "+0 none of the 6 stages has substantive components yet" in reasons
    assert "+0 the design has no components yet" in reasons
    assert any(line.startswith("+0 no stage with substantive components: ") for line in reasons)


def test_the_thin_design_counts_its_half_point(tmp_path, capsys):
    reasons, _questions = _rubric_text(_thin(tmp_path), capsys)
    assert "+0.5 1 of 6 stages has substantive components" in reasons


@pytest.mark.parametrize("make", [_empty, _thin], ids=["empty", "thin"])
def test_uncovered_stages_are_asked_in_the_framework_order(make, tmp_path, capsys):
    _reasons, questions = _rubric_text(make(tmp_path), capsys)
    asked = _stage_order(questions)
    assert asked == [label for label in STAGE_LABELS if label in asked]
    assert len(asked) >= 5
    assert questions[: len(asked)] == [q for q in questions if " is not covered yet." in q]  # asked first


def test_json_rubric_matches_the_text(tmp_path, capsys):
    path = _empty(tmp_path)
    reasons, questions = _rubric_text(path, capsys)
    main(["check", "--rubric", "--format", "json", str(path)])
    data = json.loads(capsys.readouterr().out)["rubric"]
    assert [r for d in data["dimensions"] for r in d["reasons"]] == reasons
    assert data["questions"] == questions


def test_pdf_rubric_prints_the_same_reasons_and_order(tmp_path, capsys):
    path = _empty(tmp_path)
    reasons, questions = _rubric_text(path, capsys)
    pdf = tmp_path / "x.pdf"
    assert main(["export", str(path), "--pdf", str(pdf), "--rubric"]) == 0
    text = text_of(pdf.read_bytes())
    section = text[text.rindex("Interview rubric") :]
    at = [section.index(" ".join(reason.split())) for reason in reasons]
    assert "+0.0" not in section and " 0 of 0 " not in section
    order = [section.index(f"{label} is not covered yet.") for label in _stage_order(questions)]
    assert order == sorted(order) and at == sorted(at)
