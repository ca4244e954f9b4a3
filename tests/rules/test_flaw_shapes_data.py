"""More shapes of a flaw (see test_flaw_shapes.py): R22 for a model that reaches an evaluation
only through the model it feeds."""

from __future__ import annotations

from app.domain import ops
from app.rules.engine import RuleEngine
from tests.rules.helpers import findings, fired
from tests.rules.test_flaw_shapes import _live_matches_fresh, _recommender

# ---- R22: a model upstream of the evaluated model is not evaluated beside its baseline -------


def _retrieval_feeding_the_ranker():
    b, c = _recommender()
    c["retrieval"] = b.add(
        "model", "Candidate retrieval", family="deep_nn", learned=True, provenance="trained_here",
        calibration="none",
    )  # fmt: skip
    c["retrieval_job"] = b.add("training_job", "Retrieval training", reproducible=True)
    b.link(c["dataset"], c["retrieval_job"], phase="train")
    b.link(c["retrieval_job"], c["retrieval"], phase="train")
    b.link(c["retrieval"], c["model"], flow="prediction", phase="serve")
    return b, c


def test_r22_fires_for_a_model_reaching_the_evaluation_only_through_the_model_it_feeds():
    b, c = _retrieval_feeding_the_ranker()
    [finding] = fired(b.design, "R22")
    assert finding.message == (
        "No baseline is evaluated beside Candidate retrieval (deep_nn): Popularity baseline shares no "
        "evaluation or experiment with it"
    )
    assert finding.severity == "error"
    assert finding.components == (c["retrieval"],)


def test_r22_counts_the_upstream_model_s_own_evaluation_beside_a_baseline():
    b, c = _retrieval_feeding_the_ranker()
    evaluation = b.add("evaluation", "Retrieval evaluation", method="holdout", gate=True)
    baseline = b.add("baseline_model", "Co-visitation", baseline_type="heuristic", metric_value=0.3)
    b.link(c["retrieval"], evaluation)
    b.link(baseline, evaluation)
    assert findings(b.design, "R22") == []


def test_r22_counts_the_upstream_model_linked_to_the_shared_evaluation():
    b, c = _retrieval_feeding_the_ranker()
    b.link(c["retrieval"], c["evaluation"])
    assert findings(b.design, "R22") == []


def test_incremental_engine_follows_r22_past_the_evaluated_model():
    b, c = _recommender()
    engine = RuleEngine(b.design, b.catalog)
    engine.check()
    retrieval = b.add("model", "Candidate retrieval", family="deep_nn", learned=True)
    engine.reset(b.design)

    def link(source: str, target: str, **fields: object) -> str:
        made = ops.make_link(b.design, b.catalog, source, target, **fields)
        engine.apply(ops.add_link(b.design, made))
        _live_matches_fresh(engine, b)
        return made.id

    feeds = link(retrieval, c["model"], flow="prediction", phase="serve")
    assert any(f.rule == "R22" and retrieval in f.components for f in engine.check().findings)
    judged = link(retrieval, c["evaluation"])
    assert not any(f.rule == "R22" for f in engine.check().findings)
    engine.apply(ops.remove_link(b.design, judged)[1])
    _live_matches_fresh(engine, b)
    engine.apply(ops.set_link_fields(b.design, feeds, phase="both")[1])
    _live_matches_fresh(engine, b)
    engine.apply(ops.remove_link(b.design, feeds)[1])
    _live_matches_fresh(engine, b)
    assert any(f.rule == "R22" and retrieval in f.components for f in engine.check().findings)
