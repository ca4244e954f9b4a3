"""A model's or a training job's own link marked feedback (the loop closed there) still
carries what it carries.

* R28 (validation gate): the fine-tuned model reaches the endpoint, or a consumer taking its
  scores with no endpoint, without passing a gated evaluation whether or not the job's output
  link is the one marked feedback; a gate on the way keeps it quiet either way.
* R33, R49 (correction cascade): a model's predictions written into the data another model
  learns from are a hidden, unwatched cascade whether the loop is closed on the producing
  model's output link or on the learning model's training link."""

from __future__ import annotations

import pytest

from app.domain import ops
from app.domain.catalog import default_catalog
from app.rules.engine import RuleEngine
from tests.factories import DesignBuilder
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


# ---- R33, R49: a model's own link marked feedback ---------------------------------------------

_HIDDEN = (
    "Predictions of Ranker feed Ranker scores, which Candidate model learns from, with no declared "
    "consumer in between: a hidden correction cascade"
)
_UNWATCHED = (
    "Predictions of Ranker land in Ranker scores, which Candidate model learns from, and no monitor "
    "watches them there (upstream or data_drift) or at the source (upstream or prediction_drift): a "
    "retrained upstream model silently changes the downstream one"
)


def _cascade(marked: str | None = None):
    """A ranker reranking a candidate model's output, its scores written to a table the candidate
    model is trained on; the loop closed (marked feedback) on the ranker's output link ("write"),
    on the candidate model's training link ("trains"), or nowhere."""
    b = DesignBuilder(default_catalog(), "Cascade loop")
    c = {
        "events": b.add("data_source", "Clicks", source_type="event_stream", contains_pii=False),
        "dataset": b.add("dataset", "Candidates set"),
        "job": b.add("training_job", "Candidate training", schedule="periodic", reproducible=True),
        "retriever": b.add(
            "model", "Candidate model", family="deep_nn", learned=True, provenance="trained_here"
        ),
        "ranker": b.add("model", "Ranker", family="gbdt", learned=True, provenance="trained_here"),
        "scores": b.add("dataset", "Ranker scores"),
        "endpoint": b.add("endpoint", "Feed API", mode="online"),
    }
    b.chain(c["events"], c["dataset"], c["job"])
    c["trains"] = b.link(c["job"], c["retriever"], feedback=marked == "trains")
    b.link(c["retriever"], c["ranker"], phase="serve")
    b.link(c["ranker"], c["endpoint"], phase="serve")
    c["write"] = b.link(c["ranker"], c["scores"], feedback=marked == "write")
    b.link(c["scores"], c["dataset"])
    return b, c


def _cascade_messages(design) -> tuple[list[str], list[str]]:
    return _messages(design, "R33"), _messages(design, "R49")


def test_r33_r49_cascade_in_an_unmarked_loop():
    b, _ = _cascade()
    hidden, unwatched = _cascade_messages(b.design)
    assert hidden == [_HIDDEN]
    assert [m.replace("Candidates set", "Ranker scores") for m in unwatched] == [_UNWATCHED]


@pytest.mark.parametrize("marked", ["write", "trains"])
def test_r33_r49_cascade_wherever_the_models_own_link_closing_the_loop_is_marked(marked):
    b, c = _cascade(marked)
    assert _cascade_messages(b.design) == ([_HIDDEN], [_UNWATCHED])
    [r33] = findings(b.design, "R33")
    assert r33.components == (c["retriever"], c["ranker"], c["scores"])


def test_r33_r49_cascade_through_a_prediction_logger_behind_the_marked_link():
    b, c = _cascade()
    ops.remove_link(b.design, c["write"])
    logger = b.add("prediction_logger", "Score log", logs_features=False, logs_predictions=True)
    b.link(c["ranker"], logger, feedback=True)
    b.link(logger, c["scores"])
    assert _cascade_messages(b.design) == ([_HIDDEN], [_UNWATCHED])


def test_r33_the_models_scores_read_by_the_other_job_on_a_marked_link():
    b, c = _cascade()
    ops.remove_link(b.design, c["write"])
    b.link(c["ranker"], c["job"], flow="prediction", feedback=True)
    [r33] = findings(b.design, "R33")
    assert r33.message == (
        "Predictions of Ranker feed Candidate training, which Candidate model learns from, with no "
        "declared consumer in between: a hidden correction cascade"
    )


@pytest.mark.parametrize("marked", ["write", "trains"])
def test_r33_r49_quiet_when_the_cascade_is_declared_and_watched(marked):
    b, c = _cascade(marked)
    ops.remove_link(b.design, c["write"])
    consumer = b.add("consumer", "Score export", consumer_type="downstream_model", declared=True)
    b.link(c["ranker"], consumer, feedback=marked == "write")
    b.link(consumer, c["scores"])
    monitor = b.add("monitor", "Score drift", watches=["upstream"], alerting=True)
    b.link(monitor, c["scores"], flow="watch")
    assert _cascade_messages(b.design) == ([], [])


def test_r33_r49_a_models_own_scores_read_back_are_no_cascade():
    b, c = _cascade("write")
    ops.remove_link(b.design, ops.find_link(b.design, c["scores"], c["dataset"]).id)
    job = b.add("training_job", "Ranker training", schedule="periodic", reproducible=True)
    b.chain(c["scores"], job)
    b.link(job, c["ranker"], feedback=True)
    assert _cascade_messages(b.design) == ([], [])


def test_incremental_engine_follows_cascades_through_feedback_marks():
    b, c = _cascade("write")
    engine = RuleEngine(b.design, b.catalog)

    def cascade() -> list[str]:
        return sorted(f.message for f in engine.check().findings if f.rule in ("R33", "R49"))

    assert cascade() == sorted([_HIDDEN, _UNWATCHED])
    engine.apply(ops.remove_link(b.design, c["write"])[1])
    live_matches_fresh(engine, b)
    assert cascade() == []
    made = ops.make_link(b.design, b.catalog, c["ranker"], c["scores"], feedback=True)
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    assert cascade() == sorted([_HIDDEN, _UNWATCHED])
    engine.apply(ops.set_link_fields(b.design, made.id, feedback=False)[1])
    live_matches_fresh(engine, b)
    engine.apply(ops.set_link_fields(b.design, c["trains"], feedback=True)[1])
    live_matches_fresh(engine, b)
    assert cascade() == sorted([_HIDDEN, _UNWATCHED])
    engine.apply(ops.remove_link(b.design, c["trains"])[1])
    live_matches_fresh(engine, b)
    assert cascade() == []
