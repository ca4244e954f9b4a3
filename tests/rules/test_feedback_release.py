"""A training job whose output link is marked feedback (a warm-start or continual-training
loop closed on the job -> model link) still ships what it trains.

* R28 (validation gate): the fine-tuned model reaches the endpoint, or a consumer taking its
  scores with no endpoint, without passing a gated evaluation whether or not the job's output
  link is the one marked feedback; a gate on the way keeps it quiet either way."""

from __future__ import annotations

import pytest

from app.domain import ops
from app.rules.engine import RuleEngine
from tests.rules.helpers import findings, live_matches_fresh
from tests.rules.test_feedback_data_reach import _fine_tuned_loop

_UNGATED = "Fine-tune reaches endpoint Chat API without passing an evaluation with a gate"


def _messages(design, rule: str) -> list[str]:
    return [f.message for f in findings(design, rule)]


@pytest.mark.parametrize("feedback", [False, True])
def test_r28_fires_whether_or_not_the_jobs_output_link_is_marked_feedback(feedback):
    b, c = _fine_tuned_loop(feedback)
    [finding] = findings(b.design, "R28")
    assert (finding.message, finding.components) == (_UNGATED, (c["job"], c["endpoint"]))


@pytest.mark.parametrize("feedback", [False, True])
def test_r28_quiet_when_a_gate_stands_between_model_and_endpoint(feedback):
    b, c = _fine_tuned_loop(feedback)
    ops.remove_link(b.design, ops.find_link(b.design, c["model"], c["endpoint"]).id)
    gate = b.add("evaluation", "Offline eval", gate=True)
    b.chain(c["model"], gate, c["endpoint"])
    assert _messages(b.design, "R28") == []


@pytest.mark.parametrize("feedback", [False, True])
def test_r28_consumer_taking_scores_straight_from_the_model(feedback):
    b, c = _fine_tuned_loop(feedback)
    ops.remove_link(b.design, ops.find_link(b.design, c["model"], c["endpoint"]).id)
    reader = b.add("consumer", "Batch reader", consumer_type="internal_service", declared=True)
    b.link(c["model"], reader)
    assert _messages(b.design, "R28") == [
        "Fine-tune reaches consumer Batch reader without passing an evaluation with a gate"
    ]


def test_r28_unknown_gate_is_asked_about_across_the_mark():
    b, c = _fine_tuned_loop(True)
    ops.remove_link(b.design, ops.find_link(b.design, c["model"], c["endpoint"]).id)
    gate = b.add("evaluation", "Offline eval")
    b.chain(c["model"], gate, c["endpoint"])
    [finding] = findings(b.design, "R28")
    assert "evaluation.gate" in finding.message or "gate" in finding.message
    assert gate in finding.components


def test_incremental_engine_follows_r28_through_feedback_marks():
    b, c = _fine_tuned_loop(False)
    engine = RuleEngine(b.design, b.catalog)

    def r28() -> list[str]:
        return [f.message for f in engine.check().findings if f.rule == "R28"]

    assert r28() == [_UNGATED]
    engine.apply(ops.set_link_fields(b.design, c["output"], feedback=True)[1])
    live_matches_fresh(engine, b)
    assert r28() == [_UNGATED]
    engine.apply(ops.remove_link(b.design, c["output"])[1])
    live_matches_fresh(engine, b)
    assert r28() == []
    made = ops.make_link(b.design, b.catalog, c["job"], c["model"], feedback=True)
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    assert r28() == [_UNGATED]
    engine.apply(ops.set_link_fields(b.design, made.id, feedback=False)[1])
    live_matches_fresh(engine, b)
    assert r28() == [_UNGATED]
