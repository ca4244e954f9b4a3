"""The questions read as an interviewer asks them, and no text is asked twice in one output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.domain.catalog import default_catalog
from app.persistence import load_design
from app.rules.engine import check_design
from app.rules.questions import open_questions, question_items
from app.rules.questions.wording import RULE_ASK, finding_question, unknown_question
from app.rules.registry import all_rules
from app.rules.rubric import score_design
from app.templates import list_templates

ROOT = Path(__file__).resolve().parents[2]
DESIGNS = sorted(
    [t.path for t in list_templates()]
    + [ROOT / "resources" / "examples" / "example.mlsd"]
    + list((ROOT / "tests" / "rules" / "variants").glob("*/*.mlsd"))
)
# "1440 hours", "86400 s": a duration a person would say in days
UNSPOKEN = re.compile(r"\b(\d{2,})\s?(h|hours|s|seconds)\b")


def _normalised(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_no_question_is_asked_twice_and_none_in_the_old_boilerplate(path):
    catalog = default_catalog()
    design = load_design(path, catalog).design
    result = check_design(design, catalog)
    questions = open_questions(design, result, catalog)
    rubric = score_design(design, result, catalog)
    texts = questions + rubric.questions + [q for d in rubric.dimensions for q in d.questions]
    for output in (questions, rubric.questions, [q for d in rubric.dimensions for q in d.questions]):
        keys = [_normalised(q) for q in output]
        assert len(keys) == len(set(keys)), [q for q in output if keys.count(_normalised(q)) > 1]
    assert set(rubric.questions) <= set(questions)  # the same pool: the report prints each once
    for text in texts:
        assert "how would you fix or justify this" not in text
        assert "cannot be judged without it" not in text
        for value, unit in UNSPOKEN.findall(text):
            seconds = int(value) * (3600 if unit.startswith("h") else 1)
            assert seconds % 86400 or seconds < 86400, text


def test_every_rule_but_the_coverage_rule_has_its_own_question():
    assert {r.id for r in all_rules()} - set(RULE_ASK) == {"R4"}  # R4 asks the stage's question


def test_a_flaw_is_stated_then_asked_and_durations_are_said_aloud():
    text = finding_question("R45", "Labels from Chargebacks mature 1440 h after the prediction")
    assert text.startswith("Labels from Chargebacks mature 60 days after the prediction. ")
    assert text.endswith("?") and text.count("?") == 1
    assert finding_question("R999", "Something odd").endswith("why is it acceptable here?")


def test_an_unknown_asks_for_the_missing_values_and_says_what_they_decide():
    one = unknown_question("R24", "Latency budget", {"Ranker": ["p99 latency ms"]})
    assert one == (
        'Ranker does not say "p99 latency ms": what is it? Without it I cannot judge whether the '
        "request fits its latency budget."
    )
    two = unknown_question("R999", "Some check", {"A": ["x", "y"], "B": ["z"]})
    expected = 'A does not say "x" or "y"; B does not say "z": what are they? Without them I cannot judge '
    assert two == expected + 'the "Some check" check.'


def test_label_delay_gap_says_the_delay_in_days(catalog):
    from tests.factories import DesignBuilder

    b = DesignBuilder(catalog)
    b.add("problem_framing", "Fraud", task="binary")
    labels = b.add("label_source", "Chargebacks", delay_hours=1440.0)
    job = b.add("training_job", "Trainer")
    b.link(labels, job)
    texts = [q.text for q in question_items(b.design, None, catalog) if q.topic == "label_delay"]
    assert any("arrive after 60 days" in t for t in texts), texts
