"""R7 (no training lineage) follows links marked feedback: the link that closes a loop still
carries data (interaction logs read back by the training job) and models (a job's output), so
marking it is no reason to say a model has no lineage. A model with no data at all still has none."""

from __future__ import annotations

import pytest

from app.domain import ops
from app.domain.catalog import default_catalog
from app.rules.engine import RuleEngine
from tests.factories import DesignBuilder
from tests.rules.helpers import findings
from tests.rules.test_flaw_shapes import _live_matches_fresh

_NO_DATA = "Learned model Ranker has no training lineage: its training job reads from no data source or dataset"


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
    _live_matches_fresh(engine, b)
    assert [f.message for f in engine.check().findings if f.rule == "R7"] == [_NO_DATA]
    made = ops.make_link(b.design, b.catalog, c["logs"], c["job"], phase="train", feedback=True)
    engine.apply(ops.add_link(b.design, made))
    _live_matches_fresh(engine, b)
    assert not [f for f in engine.check().findings if f.rule == "R7"]
    engine.apply(ops.set_link_fields(b.design, made.id, feedback=False)[1])
    _live_matches_fresh(engine, b)
    assert not [f for f in engine.check().findings if f.rule == "R7"]
