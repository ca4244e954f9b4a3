"""More shapes of a flaw (see test_flaw_shapes.py): R34, R40, R46 and R51 at a consumer taking
a model's output with no endpoint (and not the baseline it was compared with), R51 only along
links that act at serving, and R58 naming what features derived from a source's records keep."""

from __future__ import annotations

import pytest

from app.domain import ops
from app.domain.catalog import default_catalog
from app.rules.engine import RuleEngine
from tests.factories import DesignBuilder
from tests.rules.helpers import findings, fired, live_matches_fresh
from tests.rules.test_flaw_shapes import (
    _catalog_with_volume,
    _direct_scores,
    _llm_feeding_the_ranker,
    _recommender,
    _through_endpoint,
    _unlink,
)

# ---- R40: the features a model scored a consumer with, no endpoint on the way -------------


def test_r40_fires_for_a_consumer_taking_a_model_s_scores_with_no_endpoint():
    b, c = _direct_scores()
    [finding] = fired(b.design, "R40")
    assert finding.message == (
        "Consumer App takes the predictions of Model with no endpoint, and no prediction logger "
        "records the features they were scored with"
    )
    assert finding.severity == "info"
    assert set(finding.components) == {c["app"], c["model"]}


@pytest.mark.parametrize("on", ["model", "app"])
def test_r40_counts_a_feature_logger_on_the_model_or_on_the_consumer(on):
    b, c = _direct_scores()
    logger = b.add("prediction_logger", "Score log", logs_features=True, logs_predictions=True)
    b.link(c[on], logger)
    assert findings(b.design, "R40") == []


def test_r40_still_fires_for_a_logger_without_features_or_one_fed_in_training_only():
    b, c = _direct_scores()
    no_features = b.add("prediction_logger", "Score log", logs_features=False, logs_predictions=True)
    b.link(c["model"], no_features)
    training_log = b.add("prediction_logger", "Training log", logs_features=True)
    b.link(c["model"], training_log, phase="train")
    [finding] = fired(b.design, "R40")
    assert finding.message.startswith("Consumer App takes the predictions of Model")


def test_r40_asks_a_nearby_logger_s_logs_features_for_a_consumer():
    b, c = _direct_scores()
    logger = b.add("prediction_logger", "Score log", logs_predictions=True)
    b.link(c["model"], logger)
    assert fired(b.design, "R40") == []
    [note] = findings(b.design, "R40")
    assert note.unset == (f"{logger}.logs_features",)
    assert "it logs what Model scores App with" in note.message


def test_r40_judges_a_consumer_behind_an_endpoint_at_the_endpoint_only():
    b, c = _direct_scores()
    assert fired(b.design, "R40")[0].message.startswith("Consumer App")
    _through_endpoint(b, c)
    [finding] = findings(b.design, "R40")
    assert finding.message == "No prediction logger records the features Scores API serves with"


def test_r40_judges_a_model_serving_an_endpoint_at_the_endpoint_when_it_also_feeds_a_consumer():
    b, c = _direct_scores()
    endpoint = b.add("endpoint", "Scores API", mode="online")
    b.link(c["model"], endpoint, flow="prediction", phase="serve")  # the app still reads the model
    assert [f.message for f in findings(b.design, "R40")] == [
        "No prediction logger records the features Scores API serves with"
    ]


def test_r40_fires_for_the_recommender_scoring_its_app_with_no_endpoint():
    b, c = _recommender()
    assert findings(b.design, "R40") == []
    ops.remove_component(b.design, c["endpoint"])  # the feature log hung off the endpoint
    b.link(c["model"], c["policy"])
    [finding] = fired(b.design, "R40")
    assert finding.message.startswith("Consumer Mobile app takes the predictions of Ranking model")
    b.link(c["model"], c["logger"], phase="serve")
    assert findings(b.design, "R40") == []


def test_incremental_engine_follows_r40_at_a_consumer_with_no_endpoint():
    b, c = _direct_scores()
    engine = RuleEngine(b.design, b.catalog)
    live_matches_fresh(engine, b)
    logger = b.add("prediction_logger", "Score log", logs_features=False)
    engine.reset(b.design)
    made = ops.make_link(b.design, b.catalog, c["model"], logger, phase="serve")
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    engine.apply(ops.set_property(b.design, b.catalog, logger, "logs_features", True)[1])
    live_matches_fresh(engine, b)
    assert not any(f.rule == "R40" for f in engine.check().findings)
    engine.apply(ops.set_link_fields(b.design, made.id, phase="train")[1])
    live_matches_fresh(engine, b)
    assert any(f.rule == "R40" for f in engine.check().findings)
    [direct] = [x.id for x in b.design.links if x.source == c["model"] and x.target == c["app"]]
    engine.apply(ops.remove_link(b.design, direct)[1])  # no served point left
    live_matches_fresh(engine, b)
    assert not any(f.rule == "R40" for f in engine.check().findings)


# ---- R51: only a link acting at serving carries a swap into the served model ----------------


@pytest.mark.parametrize("phase", ["serve", "both"])
def test_r51_fires_for_an_llm_feeding_the_gated_model_at_serving(phase):
    b, c = _llm_feeding_the_ranker()
    ops.set_link_fields(b.design, c["llm_link"], phase=phase)
    [finding] = fired(b.design, "R51")
    assert finding.message.startswith("Query rewriter reaches endpoint Feed API without an evaluation gate")


def test_r51_leaves_an_llm_linked_into_the_model_in_training_only():
    b, c = _llm_feeding_the_ranker()
    ops.set_link_fields(b.design, c["llm_link"], phase="train")  # it labels the ranker's examples
    assert findings(b.design, "R51") == []


def test_r51_leaves_a_pretrained_teacher_distilled_in_training():
    b, c = _recommender()
    teacher = b.add("model", "Teacher", family="transformer", provenance="pretrained", version_pinned=True)
    b.link(teacher, c["model"], phase="train")
    assert findings(b.design, "R51") == []


def test_r51_follows_the_phase_of_an_llm_s_way_through_the_feature_pipeline():
    b, c = _recommender()
    llm = b.add("model", "Item tagger", family="llm", provenance="vendor_api", version_pinned=True)
    tags = b.link(llm, c["features"], phase="train")  # tags computed for training only
    assert findings(b.design, "R51") == []
    ops.set_link_fields(b.design, tags, phase="both")  # ... and at serving, through the store
    [finding] = fired(b.design, "R51")
    assert finding.message.startswith("Item tagger reaches endpoint Feed API without an evaluation gate")


def test_incremental_engine_follows_the_phase_of_a_swap_link():
    b, c = _llm_feeding_the_ranker()
    engine = RuleEngine(b.design, b.catalog)
    live_matches_fresh(engine, b)
    for phase, raised in [("train", False), ("both", True), ("train", False), ("serve", True)]:
        engine.apply(ops.set_link_fields(b.design, c["llm_link"], phase=phase)[1])
        live_matches_fresh(engine, b)
        assert any(f.rule == "R51" for f in engine.check().findings) == raised, phase


def _batch_generation(gated: bool = False) -> tuple[DesignBuilder, dict[str, str]]:
    """Products → vendor LLM → catalog app: descriptions written in batch, no endpoint."""
    b = DesignBuilder(default_catalog())
    c = {
        "products": b.add("data_source", "Products"),
        "prompt": b.add("prompt_template", "Description prompt", versioned=True),
        "llm": b.add("model", "Writer LLM", family="llm", provenance="vendor_api", version_pinned=True),
        "app": b.add("consumer", "Catalog app", consumer_type="user_app"),
    }
    b.link(c["products"], c["llm"], phase="serve")
    b.link(c["prompt"], c["llm"], phase="serve")
    if gated:
        c["gate"] = b.add("evaluation", "Golden set replay", gate=True)
        b.link(c["llm"], c["gate"], phase="serve")
        b.link(c["gate"], c["app"], flow="prediction", phase="serve")
    else:
        c["out"] = b.link(c["llm"], c["app"], flow="prediction", phase="serve")
    return b, c


def test_r51_fires_for_a_vendor_llm_whose_output_a_consumer_takes_with_no_endpoint():
    b, c = _batch_generation()
    [finding] = [f for f in fired(b.design, "R51") if f.severity == "error"]
    assert finding.message == (
        "Description prompt and Writer LLM reach consumer Catalog app (with no endpoint) without an "
        "evaluation gate: a prompt edit or a model version swap ships untested"
    )
    assert set(finding.components) == {c["prompt"], c["llm"], c["app"]}


def test_r51_fires_for_a_vendor_llm_feeding_a_model_that_scores_a_consumer_directly():
    b, c = _direct_scores()
    llm = b.add("model", "Query rewriter", family="llm", provenance="vendor_api", version_pinned=True)
    b.link(llm, c["model"], phase="serve")
    [finding] = fired(b.design, "R51")
    assert finding.message == (
        "Query rewriter reaches consumer App (with no endpoint) without an evaluation gate: a prompt "
        "edit or a model version swap ships untested"
    )
    assert set(finding.components) == {llm, c["app"]}


def test_r51_leaves_a_consumer_whose_generated_output_passes_a_gate():
    b, _ = _batch_generation(gated=True)
    assert [f.severity for f in findings(b.design, "R51")] == ["warning"]  # monitoring, not the gate


def test_r51_judges_a_consumer_behind_an_endpoint_at_the_endpoint_only():
    b, c = _batch_generation()
    _unlink(b, c["llm"], c["app"])
    endpoint = b.add("endpoint", "Descriptions API", mode="batch")
    b.link(c["llm"], endpoint, flow="prediction", phase="serve")
    b.link(endpoint, c["app"], flow="prediction", phase="serve")
    assert [f.message.split(":")[0] for f in fired(b.design, "R51")] == [
        "Description prompt and Writer LLM reach endpoint Descriptions API without an evaluation gate",
        "Endpoint Descriptions API generates with Writer LLM and no monitor watches its groundedness "
        "or safety",
    ]


def test_r51_asks_for_groundedness_and_safety_monitoring_of_generated_output_with_no_endpoint():
    b, c = _batch_generation()
    [warning] = [f for f in fired(b.design, "R51") if f.severity == "warning"]
    assert warning.message == (
        "Consumer Catalog app takes what Writer LLM generates with no endpoint, and no monitor "
        "watches its groundedness or safety: hallucinated or unsafe answers go unnoticed"
    )
    monitor = b.add("monitor", "Output quality", watches=["groundedness", "safety"])
    b.link(monitor, c["app"])
    assert [f.severity for f in fired(b.design, "R51")] == ["error"]


def test_incremental_engine_follows_a_swap_reaching_a_consumer_directly():
    b, c = _batch_generation()
    engine = RuleEngine(b.design, b.catalog)
    live_matches_fresh(engine, b)
    assert any(f.rule == "R51" and f.severity == "error" for f in engine.check().findings)
    made = ops.make_component(b.design, b.catalog, "evaluation", name="Golden set replay")
    made.properties["gate"] = True
    engine.apply(ops.add_component(b.design, b.catalog, made))
    gate = made.id
    for source, target in [(c["llm"], gate), (gate, c["app"])]:
        made = ops.make_link(b.design, b.catalog, source, target, flow="prediction", phase="serve")
        engine.apply(ops.add_link(b.design, made))
        live_matches_fresh(engine, b)
    assert any(f.rule == "R51" and f.severity == "error" for f in engine.check().findings)  # still direct
    engine.apply(ops.remove_link(b.design, c["out"])[1])
    live_matches_fresh(engine, b)
    assert not any(f.rule == "R51" and f.severity == "error" for f in engine.check().findings)


# ---- R58: what features derived from a source's records keep --------------------------------


def test_r58_quotes_the_raw_bytes_only_for_a_dataset_keeping_the_records_as_they_are():
    b, c = _catalog_with_volume()
    snapshot = b.add("dataset", "Catalog snapshot", split="time", version="v1")
    b.link(c["catalog"], snapshot, phase="train")
    [finding] = fired(b.design, "R58")
    assert finding.message == (
        "Video catalog adds 2 GB/day to Catalog snapshot with no retention_days: storage grows by "
        "60 GB a month without a limit, and features derived from its records keep them in Training set"
    )
    assert set(finding.components) == {c["catalog"], snapshot, c["dataset"]}


def test_r58_quotes_the_raw_bytes_for_a_dataset_reached_raw_and_through_features():
    b, c = _catalog_with_volume()
    b.link(c["catalog"], c["dataset"], phase="train")
    [finding] = fired(b.design, "R58")
    assert finding.message == (
        "Video catalog adds 2 GB/day to Training set with no retention_days: storage grows by 60 GB a "
        "month without a limit"
    )


def test_r58_names_the_features_when_the_raw_way_passes_a_retention_step():
    b, c = _catalog_with_volume()
    retention = b.add("governance", "Catalog retention", controls=["retention"], regulation="none")
    export = b.add("data_pipeline", "Catalog export", mode="batch")
    b.chain(c["catalog"], retention, export)
    b.link(export, c["dataset"], phase="train")  # bounded as it is, unbounded through the features
    [finding] = fired(b.design, "R58")
    assert finding.message.startswith("Video catalog has no retention_days, and features derived")
    _unlink(b, c["catalog"], c["validation"])
    assert findings(b.design, "R58") == []


def test_r58_leaves_the_storage_estimate_to_the_records_kept_as_they_are():
    from app.estimates.engine import estimate_design

    b, c = _catalog_with_volume()
    assert estimate_design(b.design, b.catalog).figure(c["dataset"], "storage_bytes") is None


def test_incremental_engine_follows_what_a_source_s_records_reach_as_they_are():
    b, c = _catalog_with_volume()
    engine = RuleEngine(b.design, b.catalog)

    def r58() -> list[str]:
        return [f.message for f in engine.check().findings if f.rule == "R58"]

    live_matches_fresh(engine, b)
    assert r58()[0].startswith("Video catalog has no retention_days")
    raw = ops.make_link(b.design, b.catalog, c["catalog"], c["dataset"], phase="train")
    engine.apply(ops.add_link(b.design, raw))
    live_matches_fresh(engine, b)
    assert r58()[0].startswith("Video catalog adds 2 GB/day to Training set")
    engine.apply(ops.set_link_fields(b.design, raw.id, flow="artifact")[1])  # carries no records
    live_matches_fresh(engine, b)
    assert r58()[0].startswith("Video catalog has no retention_days")
    engine.apply(ops.set_property(b.design, b.catalog, c["catalog"], "retention_days", 90.0)[1])
    live_matches_fresh(engine, b)
    assert r58() == []


# ---- a baseline compared in the offline evaluation is not what a consumer takes ------------


def _recommender_without_endpoint() -> tuple[DesignBuilder, dict[str, str]]:
    b, c = _recommender()
    for target in ("policy", "logger"):
        _unlink(b, c["endpoint"], c[target])
    _unlink(b, c["release"], c["endpoint"])
    _unlink(b, c["ops"], c["endpoint"])
    ops.remove_component(b.design, c["endpoint"])
    b.link(c["model"], c["app"], flow="prediction", phase="serve")
    return b, c


def test_a_consumer_with_no_endpoint_takes_the_model_s_predictions_not_the_baseline_s():
    b, c = _recommender_without_endpoint()
    [r40] = fired(b.design, "R40")
    assert r40.message == (
        "Consumer Mobile app takes the predictions of Ranking model with no endpoint, and no "
        "prediction logger records the features they were scored with"
    )
    assert c["baseline"] not in r40.components


def test_a_baseline_is_taken_when_it_reaches_the_consumer_past_no_evaluation_of_a_model():
    b, c = _recommender_without_endpoint()
    b.link(c["baseline"], c["app"], flow="prediction", phase="serve")  # the cold-start fallback
    [r40] = fired(b.design, "R40")
    assert "predictions of Ranking model and Popularity baseline with no endpoint" in r40.message


def test_incremental_engine_follows_a_baseline_s_way_to_a_consumer():
    b, c = _recommender_without_endpoint()
    engine = RuleEngine(b.design, b.catalog)
    live_matches_fresh(engine, b)
    made = ops.make_link(b.design, b.catalog, c["baseline"], c["app"], flow="prediction", phase="serve")
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    engine.apply(ops.remove_link(b.design, made.id)[1])
    live_matches_fresh(engine, b)
    [model_in] = [x.id for x in b.design.links if x.source == c["model"] and x.target == c["evaluation"]]
    engine.apply(ops.remove_link(b.design, model_in)[1])  # the evaluation now judges the baseline only
    live_matches_fresh(engine, b)


# ---- R46: batch scores are served too, so the optimizing metric needs an online check -------


def test_r46_fires_for_a_design_serving_scores_to_a_consumer_with_no_endpoint():
    b, c = _direct_scores()
    metric = b.add("metric", "AUC", role="optimizing", name="roc_auc")
    [finding] = findings(b.design, "R46")
    assert finding.components == (metric,)
    assert finding.message.startswith("Optimizing metric AUC (roc_auc) is tied to no online check")
    kpi = b.add("monitor", "Retention KPI", watches=["business_kpi"])
    b.link(kpi, metric)
    assert findings(b.design, "R46") == []


def test_r46_stays_quiet_for_a_design_that_scores_nothing_yet():
    b, c = _direct_scores()
    b.add("metric", "AUC", role="optimizing", name="roc_auc")
    _unlink(b, c["model"], c["app"])  # trained, not yet served
    assert findings(b.design, "R46") == []


def test_incremental_engine_follows_a_design_starting_to_serve_scores_directly():
    b, c = _direct_scores()
    b.add("metric", "AUC", role="optimizing", name="roc_auc")
    _unlink(b, c["model"], c["app"])
    engine = RuleEngine(b.design, b.catalog)
    live_matches_fresh(engine, b)
    made = ops.make_link(b.design, b.catalog, c["model"], c["app"], flow="prediction", phase="serve")
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    assert any(f.rule == "R46" for f in engine.check().findings)


# ---- R34: tokens billed for batch generation, no endpoint on the way ------------------------


def test_r34_fires_for_an_llm_generating_for_a_consumer_with_no_endpoint_and_no_cost_monitor():
    b, c = _batch_generation(gated=True)
    [finding] = [f for f in fired(b.design, "R34") if "billed per token" in f.message]
    assert finding.message == "Writer LLM is billed per token and no monitor watches cost"
    b.link(b.add("monitor", "Spend", watches=["cost"]), c["llm"])
    assert not [f for f in fired(b.design, "R34") if "billed per token" in f.message]


def test_r34_leaves_an_llm_that_serves_nothing_yet():
    b, c = _batch_generation()
    _unlink(b, c["llm"], c["app"])
    assert not [f for f in fired(b.design, "R34") if "billed per token" in f.message]
