"""A report with the interview rubric prints each question once: the rubric's follow-ups are left
out of "Open questions", which says where they are."""

from __future__ import annotations

import io
import re
from pathlib import Path

from pypdf import PdfReader

from app.export.report import report_bytes
from app.export.report.rubric import rubric_section
from app.persistence import load_design
from app.rules.engine import check_design
from app.rules.questions import open_questions
from app.rules.rubric import score_design


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_rubric_follow_ups_are_not_repeated_among_the_open_questions(catalog):
    path = Path(__file__).resolve().parents[1] / "rules" / "variants" / "adversarial" / "sound.mlsd"
    design = load_design(path, catalog).design
    result = check_design(design, catalog)
    rubric = score_design(design, result, catalog)
    assert rubric.questions
    pdf = report_bytes(design, result, catalog, [rubric_section(rubric)], report_date="2026-01-01")
    text = _flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    for question in open_questions(design, result, catalog):
        head = _flat(question)[:60]
        assert text.count(head) == 1, question
    n = len(rubric.questions)
    assert re.search(rf'{n} questions are asked in "Interview rubric", not repeated here', text)


def test_a_heading_of_the_questions_never_ends_a_page(catalog):
    # the example's "Answered by the design" fell at the foot of a page with its introduction,
    # the questions under it on the next
    from app.export.design_doc import build_doc
    from app.resources import resource_path

    design = load_design(resource_path("examples") / "example.mlsd", catalog).design
    result = check_design(design, catalog)
    answered = build_doc(design, result, catalog).answered
    assert answered
    pdf = report_bytes(design, result, catalog, report_date="2026-01-01")
    pages = [_flat(page.extract_text() or "") for page in PdfReader(io.BytesIO(pdf)).pages]
    page = next(p for p in pages if "Answered by the design" in p)
    assert _flat(answered[0])[:40] in page[page.index("Answered by the design") :]
