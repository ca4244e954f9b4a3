"""Labels joined back into training on the link that closes a loop (marked feedback) are the
same labels: the mark says the loop is meant, not that the labels stop there.

* R45 (label maturity): outcomes maturing after the next run are learned as negatives whether
  or not their way into the training set is marked feedback.
* R14 (delayed labels): the proxy monitor is asked for near the endpoints of the models the
  late labels train, along that link too ("near Scoring API", not "anywhere").
* R50 (censored outcomes): censored labels train the model along that link too.
* R53 (label quality): weak labels train a model along that link too, and human labels (or a
  human review's verdicts) reach an evaluation along it too."""

from __future__ import annotations

import pytest

from app.domain import ops
from app.domain.catalog import default_catalog
from app.rules.engine import RuleEngine
from tests.factories import DesignBuilder
from tests.rules.helpers import findings, live_matches_fresh, live_messages


def _outcomes_loop(feedback: bool, **labels: object):
    """A fraud model retrained daily on chargebacks (the outcomes of the decisions it served),
    joined into its training set on the link that closes the loop."""
    b = DesignBuilder(default_catalog(), "Outcomes loop")
    c = {
        "events": b.add("data_source", "Payments", source_type="event_stream", contains_pii=False),
        "dataset": b.add("dataset", "Transactions", split="time", is_time_series=True),
        "job": b.add("training_job", "Daily training", schedule="periodic", cv="holdout", reproducible=True),
        "model": b.add("model", "Fraud model", family="gbdt", learned=True, provenance="trained_here"),
        "endpoint": b.add("endpoint", "Scoring API", mode="online"),
        "labels": b.add("label_source", "Chargebacks", **labels),
    }
    b.chain(c["events"], c["dataset"], c["job"], c["model"], phase="train")
    b.link(c["model"], c["endpoint"], phase="serve")
    b.link(c["endpoint"], c["labels"])
    c["read"] = b.link(c["labels"], c["dataset"], phase="train", feedback=feedback)
    return b, c


# ---- R45: label maturity ----------------------------------------------------------------------

_MATURE = (
    "Labels from Chargebacks mature 720 h after the prediction, but Daily training retrains on them "
    "every 24 h: each run learns from recent examples whose outcome has not arrived yet, counted as "
    "negatives"
)
_UNKNOWN = (
    "delay_hours of Chargebacks is unset and Daily training retrains on them every 24 h: if its "
    "labels mature after the next run, recent examples are learned as negatives; set delay_hours"
)


@pytest.mark.parametrize("feedback", [False, True])
def test_r45_fires_whether_or_not_the_outcomes_link_is_marked_feedback(feedback):
    b, c = _outcomes_loop(feedback, label_type="delayed_outcome", delay_hours=720.0)
    [finding] = findings(b.design, "R45")
    assert (finding.message, finding.components) == (_MATURE, (c["job"], c["labels"]))


@pytest.mark.parametrize("feedback", [False, True])
def test_r45_asks_for_delay_hours_whether_or_not_the_outcomes_link_is_marked_feedback(feedback):
    b, c = _outcomes_loop(feedback, label_type="delayed_outcome")
    [finding] = findings(b.design, "R45")
    assert finding.message == _UNKNOWN
    assert finding.unset == (f"{c['labels']}.delay_hours",)


@pytest.mark.parametrize("feedback", [False, True])
def test_r45_asks_about_a_bare_label_source_whether_or_not_its_own_link_is_marked_feedback(feedback):
    """Labels joined into training on the loop's closing link are outcomes of served predictions,
    the labels most likely to mature late: a label source stating neither label_type nor
    delay_hours is asked about across that mark as without it."""
    b, c = _outcomes_loop(feedback)
    [finding] = findings(b.design, "R45")
    assert (finding.message, finding.components) == (_UNKNOWN, (c["job"], c["labels"]))
    assert finding.unset == (f"{c['labels']}.delay_hours", f"{c['labels']}.label_type")


def test_r45_follows_a_feedback_link_further_up_the_way_into_training():
    b, c = _outcomes_loop(False, label_type="delayed_outcome", delay_hours=720.0)
    joined = b.add("data_pipeline", "Label join", mode="batch")
    ops.remove_link(b.design, c["read"])
    b.link(c["labels"], joined)
    b.link(joined, c["dataset"], feedback=True)
    [finding] = findings(b.design, "R45")
    assert finding.message == _MATURE


@pytest.mark.parametrize("feedback", [False, True])
def test_r45_quiet_when_labels_mature_before_the_next_run(feedback):
    b, _ = _outcomes_loop(feedback, label_type="delayed_outcome", delay_hours=6.0)
    assert findings(b.design, "R45") == []


@pytest.mark.parametrize("feedback", [False, True])
def test_r45_quiet_with_importance_weights_on_the_way(feedback):
    b, c = _outcomes_loop(False, label_type="delayed_outcome", delay_hours=720.0)
    ops.remove_link(b.design, c["read"])
    weights = b.add(
        "sampling_strategy", "Delay weights", method="importance_weight", weighted_correction=True
    )
    b.link(c["labels"], weights, feedback=feedback)
    b.link(weights, c["dataset"])
    assert findings(b.design, "R45") == []


def test_r45_not_carried_past_the_model_by_a_feedback_link():
    """Labels that train one model do not retrain the jobs that model's output feeds back to."""
    b, c = _outcomes_loop(False, label_type="delayed_outcome", delay_hours=720.0)
    other = b.add("training_job", "Hourly student", schedule="periodic", reproducible=True)
    b.link(c["model"], other, feedback=True)  # a distillation job reading the model's scores
    [finding] = findings(b.design, "R45")
    assert finding.message == _MATURE


def test_incremental_engine_follows_r45_through_feedback_marks():
    b, c = _outcomes_loop(False, label_type="delayed_outcome", delay_hours=720.0)
    engine = RuleEngine(b.design, b.catalog)
    assert live_messages(engine, "R45") == [_MATURE]
    engine.apply(ops.set_link_fields(b.design, c["read"], feedback=True)[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R45") == [_MATURE]
    engine.apply(ops.remove_link(b.design, c["read"])[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R45") == []
    made = ops.make_link(b.design, b.catalog, c["labels"], c["dataset"], feedback=True)
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R45") == [_MATURE]
    engine.apply(ops.set_property(b.design, b.catalog, c["labels"], "delay_hours", 2.0)[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R45") == []


def test_incremental_engine_follows_a_bare_label_source_through_its_own_links_mark():
    b, c = _outcomes_loop(False)
    engine = RuleEngine(b.design, b.catalog)
    assert live_messages(engine, "R45") == [_UNKNOWN]
    engine.apply(ops.set_link_fields(b.design, c["read"], feedback=True)[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R45") == [_UNKNOWN]
    engine.apply(ops.remove_link(b.design, c["read"])[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R45") == []
    made = ops.make_link(b.design, b.catalog, c["labels"], c["job"], feedback=True)
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R45") == [_UNKNOWN]


# ---- R14: delayed labels, the proxy monitor near the endpoint they judge ------------------------

_NEAR = (
    "Labels from Chargebacks arrive 720 h late and no monitor near Scoring API in production watches "
    "prediction_drift or data_drift"
)


@pytest.mark.parametrize("feedback", [False, True])
def test_r14_names_the_endpoint_whether_or_not_the_labels_link_is_marked_feedback(feedback):
    b, c = _outcomes_loop(feedback, label_type="delayed_outcome", delay_hours=720.0)
    [finding] = findings(b.design, "R14")
    assert (finding.message, finding.components) == (_NEAR, (c["endpoint"], c["labels"]))


@pytest.mark.parametrize("feedback", [False, True])
def test_r14_quiet_with_a_drift_monitor_at_the_endpoint(feedback):
    b, c = _outcomes_loop(feedback, label_type="delayed_outcome", delay_hours=720.0)
    monitor = b.add("monitor", "Drift monitor", watches=["prediction_drift"], alerting=True)
    b.link(monitor, c["endpoint"])
    assert findings(b.design, "R14") == []


@pytest.mark.parametrize("feedback", [False, True])
def test_r14_a_drift_monitor_on_the_training_set_is_not_near_the_endpoint(feedback):
    b, c = _outcomes_loop(feedback, label_type="delayed_outcome", delay_hours=720.0)
    monitor = b.add("monitor", "Drift monitor", watches=["data_drift"], alerting=True)
    b.link(monitor, c["dataset"])
    [finding] = findings(b.design, "R14")
    assert finding.message == _NEAR


def test_incremental_engine_follows_r14_through_feedback_marks():
    b, c = _outcomes_loop(False, label_type="delayed_outcome", delay_hours=720.0)
    engine = RuleEngine(b.design, b.catalog)
    assert live_messages(engine, "R14") == [_NEAR]
    engine.apply(ops.set_link_fields(b.design, c["read"], feedback=True)[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R14") == [_NEAR]
    engine.apply(ops.remove_link(b.design, c["read"])[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R14") == [
        "Labels from Chargebacks arrive 720 h late and no monitor watches prediction_drift or data_drift"
    ]
    made = ops.make_link(b.design, b.catalog, c["labels"], c["dataset"], feedback=True)
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R14") == [_NEAR]


# ---- R50: censored outcomes -------------------------------------------------------------------


@pytest.mark.parametrize("feedback", [False, True])
def test_r50_fires_whether_or_not_the_censored_labels_link_is_marked_feedback(feedback):
    b, c = _outcomes_loop(feedback, label_type="delayed_outcome", delay_hours=6.0, censored=True)
    [finding] = findings(b.design, "R50")
    assert finding.components == (c["model"], c["labels"])
    assert finding.message.startswith("Outcomes in Chargebacks are censored and Fraud model learns them")


@pytest.mark.parametrize("feedback", [False, True])
def test_r50_quiet_with_importance_weights_whether_or_not_the_link_is_marked_feedback(feedback):
    b, c = _outcomes_loop(False, label_type="delayed_outcome", delay_hours=6.0, censored=True)
    ops.remove_link(b.design, c["read"])
    weights = b.add("sampling_strategy", "IPS weights", method="importance_weight", weighted_correction=True)
    b.link(c["labels"], weights, feedback=feedback)
    b.link(weights, c["dataset"])
    assert findings(b.design, "R50") == []


# ---- R53: weak labels and the human labels that judge their model ------------------------------

_WEAK = (
    "Triage model learns from weak labels (Heuristic labels) and no evaluation checks it against "
    "human_annotation labels: the evaluation inherits the labeling heuristics' errors"
)


def _weak_loop(weak_feedback: bool):
    """A triage model trained on heuristic labels of the tickets it routed, joined back into its
    training set (on the link closing the loop when `weak_feedback`), and evaluated offline."""
    b = DesignBuilder(default_catalog(), "Weak labels")
    c = {
        "events": b.add("data_source", "Tickets", source_type="logs", contains_pii=False),
        "dataset": b.add("dataset", "Training set"),
        "job": b.add("training_job", "Training", reproducible=True),
        "model": b.add(
            "model", "Triage model", family="transformer", learned=True, provenance="trained_here"
        ),
        "evaluation": b.add("evaluation", "Offline evaluation", method="holdout"),
        "endpoint": b.add("endpoint", "Triage API", mode="online"),
        "weak": b.add("label_source", "Heuristic labels", label_type="weak"),
    }
    b.chain(c["events"], c["dataset"], c["job"], c["model"], c["evaluation"])
    b.link(c["model"], c["endpoint"])
    b.link(c["endpoint"], c["weak"])
    c["read"] = b.link(c["weak"], c["dataset"], feedback=weak_feedback)
    return b, c


def _human_labels(b: DesignBuilder, c: dict[str, str], feedback: bool) -> str:
    """Expert labels of the served tickets, joined into the evaluation (on a link marked
    feedback when `feedback`)."""
    human = b.add("label_source", "Expert labels", label_type="human_annotation", annotator_agreement=0.8)
    b.link(c["endpoint"], human)
    return b.link(human, c["evaluation"], feedback=feedback)


@pytest.mark.parametrize("feedback", [False, True])
def test_r53_fires_whether_or_not_the_weak_labels_link_is_marked_feedback(feedback):
    b, c = _weak_loop(feedback)
    [finding] = findings(b.design, "R53")
    assert (finding.message, finding.components) == (_WEAK, (c["model"], c["weak"]))


@pytest.mark.parametrize("weak_feedback", [False, True])
@pytest.mark.parametrize("feedback", [False, True])
def test_r53_counts_human_labels_joined_into_the_evaluation_on_a_feedback_link(weak_feedback, feedback):
    b, c = _weak_loop(weak_feedback)
    _human_labels(b, c, feedback)
    assert findings(b.design, "R53") == []


@pytest.mark.parametrize("feedback", [False, True])
def test_r53_counts_human_labels_reaching_the_evaluation_through_a_feedback_marked_dataset(feedback):
    b, c = _weak_loop(False)
    human = b.add("label_source", "Expert labels", label_type="human_annotation", annotator_agreement=0.8)
    holdout = b.add("dataset", "Golden set")
    b.link(c["endpoint"], human)
    b.link(human, holdout, feedback=feedback)
    b.link(holdout, c["evaluation"])
    assert findings(b.design, "R53") == []


@pytest.mark.parametrize("feedback", [False, True])
def test_r53_counts_a_review_s_verdicts_joined_into_the_evaluation_on_a_feedback_link(feedback):
    b, c = _weak_loop(False)
    review = b.add("human_review", "Raters", capacity_per_day=500.0, items_per_day=200.0)
    b.link(c["endpoint"], review)
    b.link(review, c["evaluation"], flow="label", feedback=feedback)
    assert findings(b.design, "R53") == []


@pytest.mark.parametrize("feedback", [False, True])
def test_r53_human_labels_that_only_train_the_model_do_not_judge_it(feedback):
    b, c = _weak_loop(feedback)
    human = b.add("label_source", "Expert labels", label_type="human_annotation", annotator_agreement=0.8)
    b.link(c["endpoint"], human)
    b.link(human, c["dataset"], feedback=True)  # reaches the evaluation only through the model
    [finding] = findings(b.design, "R53")
    assert finding.message == _WEAK


def test_incremental_engine_follows_r53_through_feedback_marks():
    b, c = _weak_loop(False)
    human = b.add("label_source", "Expert labels", label_type="human_annotation", annotator_agreement=0.8)
    engine = RuleEngine(b.design, b.catalog)
    assert live_messages(engine, "R53") == [_WEAK]
    engine.apply(ops.set_link_fields(b.design, c["read"], feedback=True)[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R53") == [_WEAK]
    made = ops.make_link(b.design, b.catalog, human, c["evaluation"], feedback=True)
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R53") == []
    engine.apply(ops.set_link_fields(b.design, made.id, feedback=False)[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R53") == []
    engine.apply(ops.remove_link(b.design, made.id)[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R53") == [_WEAK]
