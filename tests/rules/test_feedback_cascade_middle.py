"""A link marked feedback in the middle of a correction cascade, and a model's own output link
marked feedback read at serving time.

* R33, R49: a model's scores kept as data (a scores table, a prediction cache) and written on
  a marked link into the data another model learns from (its training job, a feature pipeline)
  are still a hidden, unwatched cascade; a declared consumer before the store still declares it.
* R43, R47, R51 (readers of `model_reach`): a model's own output link marked feedback still
  carries its scores to the policy reading them and to the endpoint it serves."""

from __future__ import annotations

import pytest

from app.domain import ops
from app.rules.engine import RuleEngine
from tests.factories import DesignBuilder
from tests.rules.helpers import findings, live_matches_fresh
from tests.rules.test_feedback_release import _HIDDEN, _UNWATCHED, _cascade, _cascade_messages, _messages


def _scores_into_training(marked: bool):
    """The ranker's scores table read straight by the candidate model's training job, the
    closing link marked feedback or not."""
    b, c = _cascade()
    ops.remove_link(b.design, ops.find_link(b.design, c["scores"], c["dataset"]).id)
    c["close"] = b.link(c["scores"], c["job"], feedback=marked)
    return b, c


@pytest.mark.parametrize("marked", [False, True])
def test_r33_r49_scores_table_into_the_other_models_training_on_a_marked_link(marked):
    b, c = _scores_into_training(marked)
    hidden, unwatched = _cascade_messages(b.design)
    assert hidden == [_HIDDEN]
    assert unwatched == [_UNWATCHED]
    [r33] = findings(b.design, "R33")
    assert r33.components == (c["retriever"], c["ranker"], c["scores"])


def _cache_into_pipeline(marked: bool, declared: bool | None = None):
    """The ranker's scores kept in a prediction cache, written back into the feature pipeline
    of the candidate model's training data on a link marked feedback or not; with `declared`,
    a consumer of the scores stands between the ranker and the cache."""
    b, c = _cascade()
    ops.remove_link(b.design, c["write"])
    ops.remove_link(b.design, ops.find_link(b.design, c["scores"], c["dataset"]).id)
    cache = b.add("cache", "Score cache")
    pipeline = b.add("feature_pipeline", "Candidate features")
    if declared is None:
        b.link(c["ranker"], cache)
    else:
        consumer = b.add("consumer", "Score export", consumer_type="downstream_model", declared=declared)
        b.chain(c["ranker"], consumer, cache)
    c["close"] = b.link(cache, pipeline, feedback=marked)
    b.link(pipeline, c["dataset"])
    c["pipeline"] = pipeline
    return b, c


_HIDDEN_PIPELINE = _HIDDEN.replace("Ranker scores", "Candidate features")
_UNWATCHED_PIPELINE = _UNWATCHED.replace("Ranker scores", "Candidate features")


@pytest.mark.parametrize("marked", [False, True])
def test_r33_r49_prediction_cache_into_a_feature_pipeline_on_a_marked_link(marked):
    b, c = _cache_into_pipeline(marked)
    hidden, unwatched = _cascade_messages(b.design)
    assert hidden == [_HIDDEN_PIPELINE]
    # unmarked, the whole cascade is one loop: its first landing in design order is named
    assert [m.replace("Candidates set", "Candidate features") for m in unwatched] == [_UNWATCHED_PIPELINE]
    [r33] = findings(b.design, "R33")
    assert r33.components == (c["retriever"], c["ranker"], c["pipeline"])


@pytest.mark.parametrize("marked", [False, True])
def test_r33_quiet_when_a_declared_consumer_stands_before_the_marked_link(marked):
    b, c = _cache_into_pipeline(marked, declared=True)
    assert _messages(b.design, "R33") == []
    monitor = b.add("monitor", "Feature drift", watches=["data_drift"], alerting=True)
    b.link(monitor, c["pipeline"], flow="watch")
    assert _cascade_messages(b.design) == ([], [])
    undeclared = _cache_into_pipeline(marked, declared=False)[0]
    assert _HIDDEN_PIPELINE in _messages(undeclared.design, "R33")


def test_r33_the_cache_read_by_the_other_job_on_a_marked_link():
    b, c = _cache_into_pipeline(True)
    cache = next(link.source for link in b.design.links if link.id == c["close"])
    ops.remove_link(b.design, c["close"])
    b.link(cache, c["job"], feedback=True)
    assert _messages(b.design, "R33") == [_HIDDEN.replace("Ranker scores", "Candidate training")]


def test_incremental_engine_follows_a_mark_in_the_middle_of_a_cascade():
    b, c = _scores_into_training(False)
    engine = RuleEngine(b.design, b.catalog)

    def cascade() -> list[str]:
        return sorted(f.message for f in engine.check().findings if f.rule in ("R33", "R49"))

    both = sorted([_HIDDEN, _UNWATCHED])
    assert cascade() == both
    engine.apply(ops.set_link_fields(b.design, c["close"], feedback=True)[1])
    live_matches_fresh(engine, b)
    assert cascade() == both
    engine.apply(ops.remove_link(b.design, c["close"])[1])
    live_matches_fresh(engine, b)
    assert cascade() == []
    made = ops.make_link(b.design, b.catalog, c["scores"], c["job"], feedback=True)
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    assert cascade() == both


# ---- a model's own output link marked feedback, read at serving time -------------------------


def test_r43_policy_reading_scores_over_the_models_marked_output_link(builder: DesignBuilder):
    model = builder.add("model", "Scorer", family="gbdt", calibration="none")
    endpoint = builder.add("endpoint", "API")
    policy = builder.add("decision_policy", "Policy", policy_type="optimizer")
    builder.link(model, endpoint, feedback=True)
    builder.link(endpoint, policy)
    [finding] = findings(builder.design, "R43")
    assert finding.severity == "error" and finding.components == (model, policy)


def test_r47_endpoint_served_over_the_models_marked_output_link(builder: DesignBuilder):
    builder.add("problem_framing", task="ranking")
    model = builder.add("model", "Ranker", family="gbdt", cold_start="none")
    endpoint = builder.add("endpoint", "Feed")
    builder.link(model, endpoint, feedback=True)
    [finding] = findings(builder.design, "R47")
    assert finding.components == (model, endpoint)
    assert finding.message.startswith("Endpoint Feed ranks with Ranker (cold_start none)")


def test_r51_vendor_model_feeding_a_model_that_serves_over_its_marked_output_link(builder: DesignBuilder):
    vendor = builder.add("model", "Embedder", family="deep_nn", provenance="vendor_api", version_pinned=True)
    model = builder.add("model", "Ranker", family="gbdt", provenance="trained_here")
    endpoint = builder.add("endpoint", "Search API")
    builder.link(vendor, model, phase="serve")
    builder.link(model, endpoint, feedback=True)
    gated = [f for f in findings(builder.design, "R51") if "without an evaluation gate" in f.message]
    assert [f.message.split(":")[0] for f in gated] == [
        "Embedder reaches endpoint Search API without an evaluation gate (through Ranker at serving, "
        "whose gate judges its training, not what feeds it)"
    ]
