"""Links marked feedback still carry data: the link that closes a loop (interaction logs read
back by the training job, late outcomes joined into the training set) is where a loop is drawn
as meant, not where the data stops.

* R7 (no training lineage): logs or a job's output on that link are lineage; a model with no
  data at all still has none.
* R42 (label leakage) and R17 (temporal leakage): outcomes that arrive late are late along that
  link too, so the features joined to them and the rows they join are judged as on any link."""

from __future__ import annotations

import pytest

from app.domain import ops
from app.domain.catalog import default_catalog
from app.rules.engine import RuleEngine
from tests.factories import DesignBuilder
from tests.rules.helpers import findings, live_matches_fresh

_NO_DATA = (
    "Learned model Ranker has no training lineage: its training job reads from no data source or dataset"
)


def _served_loop(marked: str | None):
    """Ranker trained on the interaction logs its own served predictions cause; `marked` says
    which link of the loop is marked feedback: "logs" (logs -> training), "output" (training ->
    model), "app" (app -> logs), or None for a design whose logs are not linked to training."""
    b = DesignBuilder(default_catalog(), "Served loop")
    c = {
        "logs": b.add("data_source", "Interaction logs", source_type="logs", contains_pii=False),
        "job": b.add("training_job", "Training", reproducible=True),
        "model": b.add("model", "Ranker", family="gbdt", learned=True, provenance="trained_here"),
        "endpoint": b.add("endpoint", "Ranking API", mode="online"),
        "app": b.add("consumer", "App"),
    }
    b.link(c["job"], c["model"], phase="train", feedback=marked == "output")
    b.link(c["model"], c["endpoint"], phase="serve")
    b.link(c["endpoint"], c["app"], phase="serve")
    b.link(c["app"], c["logs"], feedback=marked == "app")
    if marked is not None:
        c["read"] = b.link(c["logs"], c["job"], phase="train", feedback=marked == "logs")
    return b, c


@pytest.mark.parametrize("marked", ["logs", "output", "app"])
def test_r7_finds_lineage_whichever_link_of_the_loop_is_marked_feedback(marked):
    b, _ = _served_loop(marked)
    assert findings(b.design, "R7") == []


def test_r7_still_fires_for_a_job_that_reads_no_data():
    b, c = _served_loop(None)
    [finding] = findings(b.design, "R7")
    assert (finding.severity, finding.message, finding.components) == ("error", _NO_DATA, (c["model"],))


def test_r7_names_the_job_it_reaches_along_a_feedback_link():
    b, c = _served_loop(None)
    for link in b.design.links:
        if link.source == c["job"]:
            ops.set_link_fields(b.design, link.id, feedback=True)
    [finding] = findings(b.design, "R7")
    assert finding.message == _NO_DATA  # not "no training job produces it"


def test_incremental_engine_follows_r7_through_feedback_marks():
    b, c = _served_loop("logs")
    engine = RuleEngine(b.design, b.catalog)
    assert not [f for f in engine.check().findings if f.rule == "R7"]
    engine.apply(ops.remove_link(b.design, c["read"])[1])
    live_matches_fresh(engine, b)
    assert [f.message for f in engine.check().findings if f.rule == "R7"] == [_NO_DATA]
    made = ops.make_link(b.design, b.catalog, c["logs"], c["job"], phase="train", feedback=True)
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    assert not [f for f in engine.check().findings if f.rule == "R7"]
    engine.apply(ops.set_link_fields(b.design, made.id, feedback=False)[1])
    live_matches_fresh(engine, b)
    assert not [f for f in engine.check().findings if f.rule == "R7"]


# ---- R42 and R17: late outcomes read back on the link that closes the loop -------------------


def _late_outcomes_closing_the_loop(feedback: bool, **dataset: object):
    """A fraud model whose chargebacks (late outcomes of the decisions it served) are joined into
    its training set on the link that closes the loop; features from a store without
    point-in-time joins."""
    b = DesignBuilder(default_catalog(), "Late outcomes")
    c = {
        "events": b.add("data_source", "Payments", source_type="event_stream", contains_pii=False),
        "store": b.add("feature_store", "Store", point_in_time=False),
        "dataset": b.add("dataset", "Transactions", **dataset),
        "job": b.add("training_job", "Train", cv="holdout", reproducible=True),
        "model": b.add("model", "Fraud model", family="gbdt", learned=True, provenance="trained_here"),
        "endpoint": b.add("endpoint", "Scoring API", mode="online"),
        "labels": b.add("label_source", "Chargebacks", label_type="delayed_outcome", delay_hours=720.0),
    }
    b.chain(c["events"], c["store"], c["dataset"], c["job"], c["model"], c["endpoint"])
    b.link(c["endpoint"], c["labels"])
    c["read"] = b.link(c["labels"], c["dataset"], feedback=feedback)
    return b, c


@pytest.mark.parametrize("feedback", [False, True])
def test_r42_fires_whether_or_not_the_late_labels_link_is_marked_feedback(feedback):
    b, c = _late_outcomes_closing_the_loop(feedback, split="time", is_time_series=False)
    [finding] = findings(b.design, "R42")
    assert finding.components == (c["store"], c["job"]) and finding.severity == "error"
    assert "Chargebacks arrive after the prediction" in finding.message


@pytest.mark.parametrize("feedback", [False, True])
def test_r17_fires_whether_or_not_the_late_outcomes_link_is_marked_feedback(feedback):
    b, c = _late_outcomes_closing_the_loop(feedback, split="random")
    [finding] = findings(b.design, "R17")
    assert finding.components[0] == c["dataset"]
    assert "joins events from Payments with outcomes that arrive later (Chargebacks)" in finding.message


def test_r42_and_r17_quiet_with_point_in_time_features_and_a_time_split():
    b, c = _late_outcomes_closing_the_loop(True, split="time", is_time_series=True)
    ops.set_property(b.design, b.catalog, c["store"], "point_in_time", True)
    assert findings(b.design, "R42") == [] and findings(b.design, "R17") == []


def test_incremental_engine_follows_late_outcomes_through_feedback_marks():
    b, c = _late_outcomes_closing_the_loop(False, split="random")
    engine = RuleEngine(b.design, b.catalog)
    assert {f.rule for f in engine.check().findings} >= {"R17", "R42"}
    engine.apply(ops.set_link_fields(b.design, c["read"], feedback=True)[1])
    live_matches_fresh(engine, b)
    assert {f.rule for f in engine.check().findings} >= {"R17", "R42"}
    engine.apply(ops.remove_link(b.design, c["read"])[1])
    live_matches_fresh(engine, b)
    left = [f for f in engine.check().findings if f.rule in ("R17", "R42")]
    assert left and not any("Chargebacks" in f.message for f in left)  # R17 asks is_time_series now
