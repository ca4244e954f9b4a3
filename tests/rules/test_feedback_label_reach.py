"""Labels joined back into training on the link that closes a loop (marked feedback) still label
the training job, set the base rate of what the model flags and decide what it is judged on.

* R9 (labels): chargebacks joined into the training set on the loop's closing link are a label
  source upstream of the training job (no false "no label source").
* R19 (imbalance): the metrics judging what those labels train are the ones linked into that
  model's evaluation (no false "judged only by no named metric" beside PR-AUC), whether or not
  the label source states its positive_rate.
* R27 (review capacity): their positive rate sets how many cases a day a policy without action
  limits sends to review (not hidden by the mark).
* R44 (position bias): a classifier trained on them beside a retriever serving another endpoint
  ranks nothing (no false alarm because the labels seemed to train no model)."""

from __future__ import annotations

import pytest

from app.domain import ops
from app.domain.catalog import default_catalog
from app.rules.engine import RuleEngine
from tests.factories import DesignBuilder
from tests.rules.helpers import add_metric, findings, live_matches_fresh, live_messages


def _fraud_loop(feedback: bool, **labels: object):
    """A fraud model retrained daily on chargebacks (the outcomes of the payments it scored),
    joined into its training set by a label join pipeline on the link that closes the loop."""
    b = DesignBuilder(default_catalog(), "Fraud loop")
    c = {
        "framing": b.add("problem_framing", "Fraud", task="binary"),
        "events": b.add("data_source", "Payments", source_type="event_stream", contains_pii=False),
        "dataset": b.add("dataset", "Transactions", split="time", is_time_series=True),
        "job": b.add("training_job", "Daily training", schedule="periodic", cv="holdout", reproducible=True),
        "model": b.add("model", "Fraud model", family="gbdt", learned=True, provenance="trained_here"),
        "endpoint": b.add("endpoint", "Scoring API", mode="online", qps=100.0),
        "labels": b.add("label_source", "Chargebacks", **labels),
        "join": b.add("data_pipeline", "Label join", mode="batch"),
    }
    b.chain(c["events"], c["dataset"], c["job"], c["model"], phase="train")
    b.link(c["model"], c["endpoint"], phase="serve")
    b.link(c["endpoint"], c["labels"])
    b.link(c["labels"], c["join"])
    c["read"] = b.link(c["join"], c["dataset"], feedback=feedback)
    return b, c


# ---- R9: a supervised task with no label source upstream of training ------------------------------

_NO_LABELS = "The task is supervised (binary) but no label source is upstream of Daily training"


@pytest.mark.parametrize("feedback", [False, True])
def test_r9_quiet_when_labels_reach_training_on_a_feedback_link(feedback):
    b, _ = _fraud_loop(feedback)
    assert findings(b.design, "R9") == []


@pytest.mark.parametrize("feedback", [False, True])
def test_r9_fires_when_no_labels_reach_training(feedback):
    b, c = _fraud_loop(feedback)
    ops.remove_link(b.design, c["read"])
    b.link(c["join"], c["endpoint"], feedback=feedback)  # joined into serving logs, not training
    [finding] = findings(b.design, "R9")
    assert (finding.message, finding.components) == (_NO_LABELS, (c["job"],))


def test_incremental_engine_follows_r9_through_feedback_marks():
    b, c = _fraud_loop(False)
    engine = RuleEngine(b.design, b.catalog)
    assert live_messages(engine, "R9") == []
    engine.apply(ops.set_link_fields(b.design, c["read"], feedback=True)[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R9") == []
    engine.apply(ops.remove_link(b.design, c["read"])[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R9") == [_NO_LABELS]
    made = ops.make_link(b.design, b.catalog, c["join"], c["dataset"], feedback=True)
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R9") == []


# ---- R19: rare positives judged only by accuracy ----------------------------------------------

_ACCURACY = (
    "Labels from Chargebacks are 1% positive and the model is judged only by accuracy: always "
    "predicting negative scores 99% accuracy"
)


def _judged(feedback: bool, *metrics: str):
    """The fraud loop, 1% positive, its model evaluated offline by `metrics`."""
    b, c = _fraud_loop(feedback, positive_rate=0.01)
    c["evaluation"] = b.add("evaluation", "Offline evaluation", method="holdout")
    b.link(c["model"], c["evaluation"])
    for name in metrics:
        b.link(add_metric(b, name.upper(), name, role="optimizing"), c["evaluation"])
    return b, c


@pytest.mark.parametrize("feedback", [False, True])
def test_r19_fires_on_accuracy_alone_whether_or_not_the_labels_link_is_marked_feedback(feedback):
    b, c = _judged(feedback, "accuracy")
    [finding] = findings(b.design, "R19")
    assert finding.message == _ACCURACY
    assert c["labels"] in finding.components


@pytest.mark.parametrize("feedback", [False, True])
def test_r19_quiet_with_pr_auc_beside_accuracy_whether_or_not_the_link_is_marked_feedback(feedback):
    b, _ = _judged(feedback, "accuracy", "pr_auc")
    assert findings(b.design, "R19") == []


def test_incremental_engine_follows_r19_through_feedback_marks():
    b, c = _judged(False, "accuracy", "pr_auc")
    engine = RuleEngine(b.design, b.catalog)
    assert live_messages(engine, "R19") == []
    engine.apply(ops.set_link_fields(b.design, c["read"], feedback=True)[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R19") == []
    pr_auc = next(x.id for x in b.design.components if x.name == "PR_AUC")
    engine.apply(ops.remove_component(b.design, pr_auc)[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R19") == [_ACCURACY]
    engine.apply(ops.set_property(b.design, b.catalog, c["labels"], "positive_rate", None)[1])
    live_matches_fresh(engine, b)
    engine.apply(ops.set_property(b.design, b.catalog, c["labels"], "positive_rate", 0.01)[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R19") == [_ACCURACY]


_RATE_UNSET = (
    "positive_rate of Chargebacks is unset: the metrics are accuracy, which hide a rare positive class; "
    "set positive_rate (fraction of positive labels, e.g. 0.02)"
)


def _judged_bare(feedback: bool, *metrics: str):
    b, c = _judged(feedback, *metrics)
    ops.set_property(b.design, b.catalog, c["labels"], "positive_rate", None)
    return b, c


@pytest.mark.parametrize("feedback", [False, True])
def test_r19_bare_label_source_asked_about_whether_or_not_the_labels_link_is_marked_feedback(feedback):
    """A label source with positive_rate unset is followed to its model across a feedback link
    like any other: the accuracy judging that model asks for its positive rate."""
    b, c = _judged_bare(feedback, "accuracy")
    [finding] = findings(b.design, "R19")
    assert (finding.message, finding.components) == (_RATE_UNSET, (c["labels"],))
    assert finding.unset == (f"{c['labels']}.positive_rate",)


@pytest.mark.parametrize("feedback", [False, True])
def test_r19_bare_label_source_quiet_with_pr_auc_beside_accuracy(feedback):
    b, _ = _judged_bare(feedback, "accuracy", "pr_auc")
    assert findings(b.design, "R19") == []


def test_incremental_engine_follows_a_bare_label_source_through_feedback_marks_for_r19():
    b, c = _judged_bare(True, "accuracy")
    engine = RuleEngine(b.design, b.catalog)
    assert live_messages(engine, "R19") == [_RATE_UNSET]
    engine.apply(ops.remove_link(b.design, c["read"])[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R19") == []
    made = ops.make_link(b.design, b.catalog, c["join"], c["dataset"], feedback=True)
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R19") == [_RATE_UNSET]
    engine.apply(ops.set_property(b.design, b.catalog, c["labels"], "positive_rate", 0.01)[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R19") == [_ACCURACY]
    engine.apply(ops.set_property(b.design, b.catalog, c["labels"], "positive_rate", None)[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R19") == [_RATE_UNSET]
    engine.apply(ops.set_link_fields(b.design, made.id, feedback=False)[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R19") == [_RATE_UNSET]


# ---- R27: a review queue fed more cases than it can review --------------------------------------

_FLOODED = (
    "Block payment has no action limits and sends about 864,000 cases a day (qps x positive rate) "
    "to Analysts, which reviews 1,000 a day"
)


def _reviewed(feedback: bool, capacity: float):
    """The fraud loop, 10% positive; a threshold policy on its scores sends every flag to analysts."""
    b, c = _fraud_loop(feedback, positive_rate=0.1)
    c["policy"] = b.add(
        "decision_policy", "Block payment", policy_type="threshold", threshold_source="validation_tuned",
        action_limits=False,
    )  # fmt: skip
    c["review"] = b.add("human_review", "Analysts", capacity_per_day=capacity)
    b.chain(c["endpoint"], c["policy"], c["review"])
    return b, c


@pytest.mark.parametrize("feedback", [False, True])
def test_r27_review_flood_whether_or_not_the_labels_link_is_marked_feedback(feedback):
    b, c = _reviewed(feedback, 1000.0)
    [finding] = findings(b.design, "R27")
    assert (finding.message, finding.components) == (_FLOODED, (c["policy"], c["review"]))


@pytest.mark.parametrize("feedback", [False, True])
def test_r27_quiet_when_the_review_keeps_up_whether_or_not_the_link_is_marked_feedback(feedback):
    b, _ = _reviewed(feedback, 1_000_000.0)
    assert findings(b.design, "R27") == []


def test_incremental_engine_follows_r27_through_feedback_marks():
    b, c = _reviewed(False, 1000.0)
    engine = RuleEngine(b.design, b.catalog)
    assert live_messages(engine, "R27") == [_FLOODED]
    engine.apply(ops.set_link_fields(b.design, c["read"], feedback=True)[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R27") == [_FLOODED]
    engine.apply(ops.remove_link(b.design, c["read"])[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R27") == []
    made = ops.make_link(b.design, b.catalog, c["join"], c["dataset"], feedback=True)
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R27") == [_FLOODED]


# ---- R44: position bias, placed by what the labels train --------------------------------------

_BIASED = (
    "Chargebacks collects natural labels from a ranked list with no position correction (the design "
    "ranks (Candidates)): the ranker learns where items were shown, not what users prefer"
)


def _beside_search(feedback: bool):
    """The fraud loop (no framing: the design's ranking is its search) on natural labels, beside
    a retriever serving a search endpoint the fraud model has nothing to do with."""
    b, c = _fraud_loop(feedback, label_type="natural", position_correction="none")
    ops.remove_component(b.design, c["framing"])
    queries = b.add("data_source", "Queries", source_type="logs", contains_pii=False)
    c["retriever"] = b.add("retriever", "Candidates")
    c["search"] = b.add("endpoint", "Search API", mode="online")
    b.chain(queries, c["retriever"], c["search"])
    return b, c


@pytest.mark.parametrize("feedback", [False, True])
def test_r44_quiet_for_a_classifier_beside_a_retriever_whether_or_not_the_link_is_marked_feedback(feedback):
    b, _ = _beside_search(feedback)
    assert findings(b.design, "R44") == []


@pytest.mark.parametrize("feedback", [False, True])
def test_r44_fires_when_the_labels_model_feeds_the_retriever(feedback):
    b, c = _beside_search(feedback)
    b.link(c["model"], c["retriever"], phase="serve")
    [finding] = findings(b.design, "R44")
    assert (finding.message, finding.components) == (_BIASED, (c["labels"],))


@pytest.mark.parametrize("feedback", [False, True])
def test_r44_names_the_ranking_metric_judging_the_labels_model(feedback):
    b, c = _beside_search(feedback)
    evaluation = b.add("evaluation", "Offline evaluation", method="holdout")
    b.link(c["model"], evaluation)
    b.link(add_metric(b, "NDCG@10", "ndcg", role="optimizing"), evaluation)
    [finding] = findings(b.design, "R44")
    assert "(the design ranks (NDCG@10))" in finding.message


def test_r44_bare_label_source_is_followed_across_no_feedback_link_but_its_own():
    """A label source with label_type unset is followed across its own output link marked
    feedback only, not one further down (on a large design of bare label sources that walk
    would cost every link edit): with no model trained off feedback links, it is asked about
    wherever the design ranks."""
    b, c = _beside_search(True)
    ops.set_property(b.design, b.catalog, c["labels"], "label_type", None)
    [finding] = findings(b.design, "R44")
    assert finding.message.startswith("label_type of Chargebacks is unset and the design ranks (Candidates)")
    ops.set_link_fields(b.design, c["read"], feedback=False)
    assert findings(b.design, "R44") == []


def _bare_own_link_marked(feedback: bool):
    """The design beside a search, its label source bare, with the label source's own output
    link (into the label join) the one marked feedback when `feedback`."""
    b, c = _beside_search(False)
    ops.set_property(b.design, b.catalog, c["labels"], "label_type", None)
    own = ops.find_link(b.design, c["labels"], c["join"])
    ops.set_link_fields(b.design, own.id, feedback=feedback)
    return b, c


@pytest.mark.parametrize("feedback", [False, True])
def test_r44_bare_label_source_quiet_beside_a_search_whether_or_not_its_own_link_is_marked(feedback):
    b, _ = _bare_own_link_marked(feedback)
    assert findings(b.design, "R44") == []


@pytest.mark.parametrize("feedback", [False, True])
def test_r44_bare_label_source_asked_about_when_its_model_feeds_the_retriever(feedback):
    b, c = _bare_own_link_marked(feedback)
    b.link(c["model"], c["retriever"], phase="serve")
    [finding] = findings(b.design, "R44")
    assert finding.message.startswith("label_type of Chargebacks is unset and the design ranks (Candidates)")
    assert finding.unset == (f"{c['labels']}.label_type",)


def test_incremental_engine_follows_r44_through_feedback_marks():
    b, c = _beside_search(False)
    engine = RuleEngine(b.design, b.catalog)
    assert live_messages(engine, "R44") == []
    engine.apply(ops.set_link_fields(b.design, c["read"], feedback=True)[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R44") == []
    made = ops.make_link(b.design, b.catalog, c["model"], c["retriever"], phase="serve")
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R44") == [_BIASED]
    engine.apply(ops.remove_link(b.design, made.id)[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R44") == []
    engine.apply(ops.set_property(b.design, b.catalog, c["labels"], "label_type", None)[1])
    live_matches_fresh(engine, b)
    engine.apply(ops.set_property(b.design, b.catalog, c["labels"], "label_type", "natural")[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R44") == []
