"""Shapes of a flaw the catalog lets a user draw in more than one way: each must be judged like
the plainest one, and the sound variants must stay quiet (starting from the sound recommender)."""

from __future__ import annotations

from app.domain import ops
from app.domain.catalog import default_catalog
from app.rules import check_design
from app.rules.rubric import score_design
from tests.factories import DesignBuilder
from tests.rules.helpers import findings, fired, live_matches_fresh, sound_recommender


def _recommender() -> tuple[DesignBuilder, dict[str, str]]:
    builder = DesignBuilder(default_catalog())
    return builder, sound_recommender(builder)


def _unlink(builder: DesignBuilder, source: str, target: str) -> None:
    [link] = [x.id for x in builder.design.links if x.source == source and x.target == target]
    ops.remove_link(builder.design, link)


# ---- a governance step that data flows into passes it on at request time too -----------------


def test_r16_sees_a_raw_serving_input_through_a_masking_step():
    b, c = _recommender()
    request = b.add("data_source", "Request payload", source_type="api", contains_pii=True,
                    freshness="realtime", owner="api", versioned=True)  # fmt: skip
    masking = b.add("governance", "Mask identifiers", controls=["anonymize"], regulation="gdpr")
    b.link(request, masking)
    b.link(masking, c["model"], phase="serve")
    [finding] = fired(b.design, "R16")
    assert "input Request payload" in finding.message


def test_r13_counts_a_serving_validation_before_a_governance_step():
    b, c = _recommender()
    _unlink(b, c["events"], c["governance"])
    _unlink(b, c["governance"], c["validation"])
    _unlink(b, c["validation"], c["stream"])
    b.chain(c["events"], c["validation"], c["governance"], c["stream"])
    ops.set_property(b.design, b.catalog, c["kpi"], "watches", ["business_kpi"])
    ops.set_property(b.design, b.catalog, c["drift"], "watches", ["data_drift"])
    assert fired(b.design, "R13") == []


def test_r35_counts_a_drift_monitor_on_a_source_behind_a_governance_step():
    b, c = _recommender()
    ops.set_property(b.design, b.catalog, c["kpi"], "watches", ["business_kpi"])
    _unlink(b, c["drift"], c["store"])
    _unlink(b, c["drift"], c["model"])
    assert fired(b.design, "R35")  # no drift monitor near the endpoint
    b.link(c["drift"], c["events"])  # events → governance → validation → ... → store → model
    assert fired(b.design, "R35") == []


# ---- R28: batch scores taken straight from the model are served too --------------------------


def test_r28_fires_for_a_model_serving_its_consumer_with_no_endpoint():
    b, c = _recommender()
    ops.remove_component(b.design, c["endpoint"])
    b.link(c["model"], c["policy"])  # scores go straight to the re-ranker and the app
    ops.set_property(b.design, b.catalog, c["evaluation"], "gate", False)
    [finding] = fired(b.design, "R28")
    assert "consumer Mobile app" in finding.message


def test_r28_reports_a_job_once_at_the_endpoint_it_reaches():
    b, c = _recommender()
    ops.set_property(b.design, b.catalog, c["evaluation"], "gate", False)
    [finding] = fired(b.design, "R28")  # the app behind the endpoint is not a second finding
    assert "endpoint Feed API" in finding.message


# ---- R29, R35, R37: a consumer taking a model's predictions with no endpoint is served too ----


def _direct_scores(consumer_type: str | None = "user_app") -> tuple[DesignBuilder, dict[str, str]]:
    """Events → training → model → app: scores taken straight from the model, no endpoint."""
    b = DesignBuilder(default_catalog())
    c = {
        "events": b.add("data_source", "Events"),
        "training": b.add("training_job", "Train"),
        "model": b.add("model", "Model"),
        "app": b.add("consumer", "App", consumer_type=consumer_type),
    }
    b.link(c["events"], c["training"], phase="train")
    b.link(c["training"], c["model"], phase="train")
    b.link(c["model"], c["app"], flow="prediction", phase="serve")
    return b, c


def _through_endpoint(b: DesignBuilder, c: dict[str, str]) -> None:
    _unlink(b, c["model"], c["app"])
    c["endpoint"] = b.add("endpoint", "Scores API", mode="batch")
    b.link(c["model"], c["endpoint"], flow="prediction", phase="serve")
    b.link(c["endpoint"], c["app"], flow="prediction", phase="serve")


def test_r29_fires_for_a_consumer_taking_a_model_s_scores_with_no_endpoint():
    b, c = _direct_scores()
    [finding] = fired(b.design, "R29")
    assert finding.message == (
        "Consumer App takes the predictions of Model with no endpoint, with no release strategy "
        "and no model registry on its path"
    )
    assert set(finding.components) == {c["app"], c["model"]}


def test_r29_counts_a_gradual_release_from_a_versioned_registry_on_the_way():
    b, c = _direct_scores()
    assert fired(b.design, "R29")
    registry = b.add("model_registry", "Registry", versioned=True)
    release = b.add("release_strategy", "Canary", release_type="canary", rollback="automated")
    b.chain(c["model"], registry, release, c["app"])
    assert findings(b.design, "R29") == []


def test_r35_fires_for_a_consumer_taking_a_model_s_scores_with_no_endpoint_and_r36_does_not():
    b, c = _direct_scores()
    [finding] = fired(b.design, "R35")
    assert finding.message.startswith(
        "Consumer App takes the predictions of Model with no endpoint and no monitor watching"
    )
    assert finding.severity == "error"
    assert findings(b.design, "R36") == []  # batch scores have no request latency of their own


def test_r35_counts_a_drift_monitor_on_the_model_or_on_the_consumer():
    for watched in ("model", "app"):
        b, c = _direct_scores()
        assert fired(b.design, "R35")
        monitor = b.add("monitor", "Drift", watches=["prediction_drift"], alerting=True)
        b.link(monitor, c[watched])
        assert findings(b.design, "R35") == [], watched


def test_r35_asks_the_consumer_type_when_nobody_is_known_to_act():
    b, c = _direct_scores(consumer_type=None)
    assert fired(b.design, "R35") == []
    assert any("consumer_type" in f.message for f in findings(b.design, "R35"))


def test_r37_fires_for_a_consumer_taking_a_model_s_scores_with_no_endpoint():
    b, c = _direct_scores()
    [finding] = fired(b.design, "R37")
    assert finding.message.startswith(
        "Consumer App takes the predictions of Model with no endpoint, with no A/B, interleaving"
    )


def test_r37_counts_an_experiment_on_the_consumer_and_a_kpi_monitor():
    b, c = _direct_scores()
    assert fired(b.design, "R37")
    objective = b.add("business_objective", "Revenue", kpi="revenue per user")
    kpi = b.add("monitor", "KPI monitor", watches=["business_kpi"], alerting=True)
    b.link(kpi, objective)
    test = b.add("experiment", "A/B test", experiment_type="ab", unit="user", guardrails=["churn"])
    b.link(test, c["app"])
    assert findings(b.design, "R37") == []


def test_a_consumer_behind_an_endpoint_is_judged_at_the_endpoint_only():
    b, c = _direct_scores()
    assert all(fired(b.design, rule) for rule in ("R29", "R35", "R37"))
    _through_endpoint(b, c)
    for rule in ("R29", "R35", "R37"):
        messages = [f.message for f in findings(b.design, rule)]
        assert messages and all(m.startswith("Endpoint Scores API") for m in messages), rule


def test_an_analyst_taking_a_model_s_scores_directly_gets_info():
    b, c = _direct_scores()
    assert fired(b.design, "R29")[0].severity == "warning"
    ops.set_property(b.design, b.catalog, c["app"], "consumer_type", "analyst")
    assert [f.severity for f in fired(b.design, "R29")] == ["info"]
    assert [f.severity for f in fired(b.design, "R35")] == ["info"]
    assert findings(b.design, "R37") == []


def test_the_recommender_scoring_its_app_with_no_endpoint_is_judged_by_what_is_near_the_app():
    b, c = _recommender()
    ops.remove_component(b.design, c["endpoint"])
    b.link(c["model"], c["policy"])  # release, experiment and drift monitor stay near the app
    _unlink(b, c["drift"], c["model"])
    _unlink(b, c["drift"], c["store"])
    [finding] = fired(b.design, "R35")
    assert finding.message.startswith("Consumer Mobile app takes the predictions of Ranking model")
    b.link(c["drift"], c["model"])
    assert fired(b.design, "R29") == fired(b.design, "R35") == fired(b.design, "R37") == []


# ---- R53: a human review's verdicts are human labels ---------------------------------------


def _weak_labels() -> tuple[DesignBuilder, dict[str, str]]:
    b, c = _recommender()
    ops.set_property(b.design, b.catalog, c["labels"], "label_type", "weak")
    c["review"] = b.add("human_review", "Raters", capacity_per_day=500.0, items_per_day=200.0)
    return b, c


def test_r53_counts_human_review_labels_into_the_evaluation():
    b, c = _weak_labels()
    assert fired(b.design, "R53")
    b.link(c["review"], c["evaluation"], flow="label")
    assert fired(b.design, "R53") == []


def test_r53_still_fires_when_reviewers_only_feed_the_training_set():
    b, c = _weak_labels()
    b.link(c["review"], c["dataset"], flow="label")  # reaches the evaluation only through the model
    assert fired(b.design, "R53")


# ---- R33: a training job reading another model's predictions -------------------------------


def _second_model() -> tuple[DesignBuilder, dict[str, str]]:
    b, c = _recommender()
    c["job_b"] = b.add("training_job", "Train B", cv="holdout", hpo="random", schedule="periodic",
                       reproducible=True)  # fmt: skip
    c["model_b"] = b.add("model", "Model B", family="gbdt", learned=True, provenance="trained_here")
    b.link(c["dataset"], c["job_b"])
    b.link(c["job_b"], c["model_b"])
    return b, c


def test_r33_fires_for_predictions_cached_and_read_by_another_training_job():
    b, c = _second_model()
    cache = b.add("cache", "Score cache", cache_type="prediction")
    b.link(c["model"], cache)
    b.link(cache, c["job_b"])
    [finding] = fired(b.design, "R33")
    assert "feed Train B, which Model B learns from" in finding.message


def test_r33_does_not_name_a_model_read_through_a_declared_consumer():
    """Model C's scores reach Train B through a declared consumer: the cascade is known, and the
    finding about the cached scores beside them names only the model behind the cache."""
    b, c = _second_model()
    cache = b.add("cache", "Score cache", cache_type="prediction")
    b.link(c["model"], cache)
    b.link(cache, c["job_b"])
    other = b.add("model", "Model C", family="gbdt", learned=True, provenance="pretrained")
    consumer = b.add("consumer", "Scores API", declared=True)
    b.link(other, consumer)
    b.link(consumer, c["job_b"])
    [finding] = fired(b.design, "R33")
    assert finding.message.startswith("Predictions of Ranking model feed Train B")
    assert other not in finding.components


def test_r33_leaves_a_warm_start_from_another_model_alone():
    b, c = _second_model()
    b.link(c["model"], c["job_b"])  # artifact: B starts from A's weights
    assert fired(b.design, "R33") == []


# ---- R47: a popularity baseline compared offline serves no cold user -------------------------


def _no_cold_start() -> tuple[DesignBuilder, dict[str, str]]:
    b, c = _recommender()
    ops.set_property(b.design, b.catalog, c["model"], "cold_start", "none")
    ops.set_property(b.design, b.catalog, c["policy"], "exploration_rate", 0.0)
    return b, c


def test_r47_fires_when_the_popularity_baseline_is_only_evaluated():
    b, _ = _no_cold_start()  # baseline → evaluation gate → registry → release → endpoint
    [finding] = fired(b.design, "R47")
    assert "Endpoint Feed API ranks with Ranking model" in finding.message


def test_r47_counts_a_popularity_baseline_behind_a_fallback_cache():
    b, c = _no_cold_start()
    cache = b.add("cache", "Fallback feed", cache_type="prediction")
    b.link(c["baseline"], cache)
    b.link(cache, c["endpoint"])
    assert fired(b.design, "R47") == []


# ---- R24: an on-device or in-process endpoint that states an SLO is held to it --------------


def test_r24_fires_for_an_edge_endpoint_over_its_own_slo():
    b, c = _recommender()
    ops.set_property(b.design, b.catalog, c["endpoint"], "mode", "edge")
    ops.set_property(b.design, b.catalog, c["model"], "p99_latency_ms", 200.0)
    [finding] = fired(b.design, "R24")
    assert "exceeds the 80 ms SLO of Feed API" in finding.message


def test_r24_holds_an_edge_endpoint_to_no_budget_it_does_not_state():
    b, c = _recommender()  # the design's 100 ms constraint is not linked to the endpoint
    ops.set_property(b.design, b.catalog, c["endpoint"], "mode", "edge")
    ops.set_property(b.design, b.catalog, c["endpoint"], "latency_slo_ms", None)
    ops.set_property(b.design, b.catalog, c["model"], "p99_latency_ms", 200.0)
    assert findings(b.design, "R24") == []


# ---- R1, R46 and the rubric: a proxy link drawn from the objective to the metric -------------


def test_a_proxy_link_from_the_objective_ties_the_metric():
    b, c = _recommender()
    _unlink(b, c["metric"], c["objective"])
    assert fired(b.design, "R1") and fired(b.design, "R46")
    b.link(c["objective"], c["metric"])  # the catalog's default flow from an objective: proxy
    assert fired(b.design, "R1") == [] and fired(b.design, "R46") == []
    rubric = score_design(b.design, check_design(b.design, b.catalog), b.catalog)
    reasons = [r for dimension in rubric.dimensions for r in dimension.reasons]
    assert "+1 the metric is tied to the business objective (proxy link)" in reasons


# ---- R41: a shared pipeline fed by a different chain in training and at serving -------------


def _before_features(b: DesignBuilder, c: dict[str, str], phase: str, shared: bool | None = False) -> str:
    """A feature pipeline between stream processing and the (shared) feature pipeline, on one path."""
    extra = b.add("feature_pipeline", "Session aggregates", ops=["window_agg"], shared_train_serve=shared)
    b.link(c["stream"], extra, phase=phase)
    b.link(extra, c["features"], phase=phase)
    return extra


def test_r41_fires_when_the_shared_pipeline_reads_an_extra_pipeline_in_training_only():
    b, c = _recommender()
    _unlink(b, c["stream"], c["features"])
    b.link(c["stream"], c["features"], phase="serve")
    _before_features(b, c, "train")
    [finding] = fired(b.design, "R41")
    assert finding.message == (
        "Ranking model is served at Feed API with features from Feature pipeline, whose input passes "
        "Session aggregates in training but no feature pipeline at serving: Session aggregates runs only "
        "in training, so the two code paths compute different features: training/serving skew"
    )


def test_r41_fires_for_an_unshared_pipeline_before_the_shared_one_at_serving_only():
    b, c = _recommender()
    _unlink(b, c["stream"], c["features"])
    b.link(c["stream"], c["features"], phase="train")
    extra = _before_features(b, c, "serve", shared=None)
    [finding] = findings(b.design, "R41")  # unset: an unknown code path is not the training one
    assert "served at Feed API with features from Feature pipeline and Session aggregates" in finding.message
    assert "Session aggregates runs only at serving, not shared with training" in finding.message
    assert finding.unset == (f"{extra}.shared_train_serve",)


def test_r41_fires_for_a_shared_pipeline_at_serving_only_that_training_skips():
    b, c = _recommender()
    _unlink(b, c["stream"], c["features"])
    b.link(c["stream"], c["features"], phase="train")
    _before_features(b, c, "serve", shared=True)  # its claim does not make training run it
    [finding] = fired(b.design, "R41")
    assert "Session aggregates runs only at serving" in finding.message


def test_r41_fires_for_an_unshared_pipeline_feeding_a_shared_serving_only_pipeline():
    b, c = _recommender()
    online = b.add("feature_pipeline", "Online features", shared_train_serve=True)
    raw = b.add("feature_pipeline", "Request parsing", shared_train_serve=False)
    b.chain(c["stream"], raw, online, phase="serve")
    b.link(online, c["model"], phase="serve")
    [finding] = fired(b.design, "R41")
    assert "Request parsing runs only at serving, not shared with training" in finding.message


def _set_phase(b: DesignBuilder, source: str, target: str, phase: str) -> None:
    link = ops.find_link(b.design, source, target)
    assert link is not None
    ops.set_link_fields(b.design, link.id, phase=phase)


def test_r41_quiet_when_the_same_chain_feeds_both_paths():
    b, c = _recommender()
    _unlink(b, c["stream"], c["features"])
    extra = _before_features(b, c, "train")
    b.link(c["stream"], c["features"], phase="serve")
    assert fired(b.design, "R41")
    _unlink(b, c["stream"], c["features"])  # serving passes Session aggregates too
    _set_phase(b, c["stream"], extra, "both")
    _set_phase(b, extra, c["features"], "both")
    assert findings(b.design, "R41") == []


def test_r41_quiet_when_a_shared_serving_pipeline_stands_in_for_a_training_one_in_the_chain():
    b, c = _recommender()
    _unlink(b, c["stream"], c["features"])
    _before_features(b, c, "train")
    online = _before_features(b, c, "serve", shared=False)
    assert fired(b.design, "R41")
    ops.set_property(b.design, b.catalog, online, "shared_train_serve", True)
    assert findings(b.design, "R41") == []


# ---- R16: a source training reads only through feature pipelines, served raw ---------------


def _history_through_features(into: str = "endpoint") -> tuple[DesignBuilder, dict[str, str]]:
    """Watch history reaches training only through History aggregates, and at serving reaches
    `into` (the endpoint or the model) raw."""
    b, c = _recommender()
    c["history"] = b.add("data_source", "Watch history", source_type="oltp_db", contains_pii=False,
                         freshness="hourly", owner="data-platform", versioned=True)  # fmt: skip
    c["aggregates"] = b.add(
        "feature_pipeline", "History aggregates", ops=["window_agg"], shared_train_serve=True
    )
    b.chain(c["history"], c["aggregates"], c["dataset"], phase="train")
    c["raw"] = b.link(c["history"], c[into], phase="serve")
    return b, c


def test_r16_fires_for_a_source_trained_through_features_but_served_raw_at_the_endpoint():
    b, c = _history_through_features()
    [finding] = fired(b.design, "R16")
    assert finding.message == (
        "Ranking model is trained on Watch history through History aggregates but served Watch history "
        "raw at Feed API: it learned on computed features, not on the raw records: training/serving skew"
    )
    assert set(finding.components) == {c["endpoint"], c["model"], c["history"], c["aggregates"]}


def test_r16_fires_for_a_source_trained_through_features_but_served_raw_into_the_model():
    b, _ = _history_through_features(into="model")
    [finding] = fired(b.design, "R16")
    assert (
        "trained on Watch history through History aggregates but served Watch history raw" in finding.message
    )


def test_r16_sees_a_source_served_raw_through_pass_through_steps():
    b, c = _history_through_features()
    _unlink(b, c["history"], c["endpoint"])
    _unlink(b, c["history"], c["aggregates"])
    check = b.add("data_validation", "History checks", checks=["schema"], blocking=True, where="both")
    mask = b.add("governance", "Mask history", controls=["anonymize"], regulation="gdpr")
    b.chain(c["history"], mask, check, phase="both")
    b.link(check, c["aggregates"], phase="train")
    b.link(check, c["endpoint"], phase="serve")  # validated and masked, still raw records
    [finding] = fired(b.design, "R16")
    assert "served Watch history raw at Feed API" in finding.message


def test_r16_quiet_when_training_also_reads_the_source_raw():
    b, c = _history_through_features()
    b.link(c["history"], c["dataset"], phase="train")
    assert fired(b.design, "R16") == []


def test_r16_quiet_for_request_context_the_model_takes_raw_in_both_phases():
    b, c = _history_through_features(into="model")
    assert fired(b.design, "R16")
    _set_phase(b, c["history"], c["model"], "both")
    assert fired(b.design, "R16") == []


def test_r16_quiet_when_the_training_pipeline_is_on_the_serving_path_too():
    b, c = _history_through_features()
    ops.set_property(b.design, b.catalog, c["aggregates"], "shared_train_serve", None)
    b.link(c["aggregates"], c["model"], phase="serve")  # the same pipeline computes them at serving
    assert fired(b.design, "R16") == []


def test_r16_quiet_when_a_shared_pipeline_computes_the_features_at_serving():
    b, c = _history_through_features()
    online = b.add(
        "feature_pipeline", "Online history features", ops=["window_agg"], shared_train_serve=False
    )
    b.chain(c["history"], online, c["model"], phase="serve")
    assert fired(b.design, "R16")  # and R41: a separate code path
    ops.set_property(b.design, b.catalog, online, "shared_train_serve", True)
    assert fired(b.design, "R16") == []


def test_r16_quiet_when_the_pipeline_fills_the_store_read_at_serving():
    b, c = _history_through_features()
    _unlink(b, c["aggregates"], c["dataset"])
    b.link(c["aggregates"], c["store"], phase="train")  # the store feeds training and serving
    assert fired(b.design, "R16") == []
    assert findings(b.design, "R41") == []


def test_r16_leaves_a_label_source_served_raw_alone():
    b, c = _history_through_features()
    ops.remove_component(b.design, c["history"])
    outcomes = b.add(
        "label_source", "Reported abuse", label_type="human_annotation", delay_hours=24.0, positive_rate=0.01
    )
    b.link(outcomes, c["aggregates"], phase="train", flow="data")
    b.link(outcomes, c["endpoint"], phase="serve", flow="data")
    assert fired(b.design, "R16") == []


# ---- R51: a vendor model feeding a gated model at serving is swapped past that gate ----------


def _llm_feeding_the_ranker() -> tuple[DesignBuilder, dict[str, str]]:
    b, c = _recommender()
    c["llm"] = b.add("model", "Query rewriter", family="llm", provenance="vendor_api", version_pinned=True)
    c["llm_link"] = b.link(c["llm"], c["model"], phase="serve")
    return b, c


def test_r51_fires_for_a_vendor_llm_feeding_a_gated_model_at_serving():
    b, c = _llm_feeding_the_ranker()
    [finding] = fired(b.design, "R51")
    assert finding.message == (
        "Query rewriter reaches endpoint Feed API without an evaluation gate (through Ranking model at "
        "serving, whose gate judges its training, not what feeds it): a prompt edit or a model version "
        "swap ships untested"
    )
    assert set(finding.components) == {c["llm"], c["model"], c["endpoint"]}


def test_r51_fires_for_a_prompt_template_feeding_a_gated_model_at_serving():
    b, c = _recommender()
    prompt = b.add("prompt_template", "Query rewrite prompt", versioned=True)
    b.link(prompt, c["model"], phase="serve")
    [finding] = fired(b.design, "R51")
    assert finding.message.startswith("Query rewrite prompt reaches endpoint Feed API")


def test_r51_counts_a_gate_on_the_llm_s_own_way_into_the_model():
    b, c = _llm_feeding_the_ranker()
    assert fired(b.design, "R51")
    ops.remove_link(b.design, c["llm_link"])
    gate = b.add("evaluation", "Rewrite replay gate", method="holdout", slices=["locale"], gate=True)
    b.link(c["llm"], gate)
    b.link(gate, c["model"], phase="serve")
    assert findings(b.design, "R51") == []


def test_r51_leaves_an_llm_that_only_labels_training_data_to_the_training_gate():
    b, c = _llm_feeding_the_ranker()
    assert fired(b.design, "R51")
    ops.remove_link(b.design, c["llm_link"])
    b.link(c["llm"], c["dataset"], phase="train")  # its labels pass the ranker's training and gate
    assert findings(b.design, "R51") == []


# ---- R58: a source whose records reach the training set through feature pipelines ----------


def _catalog_with_volume() -> tuple[DesignBuilder, dict[str, str]]:
    """The video catalog reaches the training set only through the feature pipeline and store."""
    b, c = _recommender()
    ops.set_property(b.design, b.catalog, c["catalog"], "events_per_day", 2_000_000.0)
    ops.set_property(b.design, b.catalog, c["catalog"], "bytes_per_event", 1_000.0)
    return b, c


def test_r58_fires_for_a_source_reaching_the_dataset_through_a_feature_pipeline():
    b, c = _catalog_with_volume()
    [finding] = fired(b.design, "R58")
    assert finding.message == (
        "Video catalog has no retention_days, and features derived from its records (2,000,000 "
        "events/day) keep them in Training set: storage grows every day without a limit"
    )
    assert set(finding.components) == {c["catalog"], c["dataset"]}


def test_r58_counts_retention_days_on_a_source_behind_a_feature_pipeline():
    b, c = _catalog_with_volume()
    assert fired(b.design, "R58")
    ops.set_property(b.design, b.catalog, c["catalog"], "retention_days", 365.0)
    assert findings(b.design, "R58") == []


def test_r58_counts_a_retention_step_on_the_way_to_a_feature_pipeline():
    b, c = _catalog_with_volume()
    assert fired(b.design, "R58")
    _unlink(b, c["catalog"], c["validation"])
    b.link(c["catalog"], c["governance"])  # pseudonymise and retain, then validation and features
    assert findings(b.design, "R58") == []


# ---- the live engine follows these shapes edit by edit --------------------------------------


def test_incremental_engine_matches_fresh_checks_on_the_new_shapes():
    from app.rules.engine import RuleEngine

    b, c = _recommender()
    engine = RuleEngine(b.design, b.catalog)
    engine.check()

    def link(source: str, target: str, **fields: object) -> str:
        made = ops.make_link(b.design, b.catalog, source, target, **fields)
        engine.apply(ops.add_link(b.design, made))
        live_matches_fresh(engine, b)
        return made.id

    request = b.add("data_source", "Request payload", source_type="api", contains_pii=True,
                    freshness="realtime", owner="api", versioned=True)  # fmt: skip
    masking = b.add("governance", "Mask identifiers", controls=["anonymize"], regulation="gdpr")
    engine.reset(b.design)
    link(masking, c["model"], phase="serve")
    data_in = link(request, masking)  # the step becomes inline: Request payload is a serving input
    assert any(f.rule == "R16" for f in engine.check().findings)
    engine.apply(ops.remove_link(b.design, data_in)[1])
    live_matches_fresh(engine, b)
    cache = b.add("cache", "Score cache", cache_type="prediction")
    job_b = b.add("training_job", "Train B")
    model_b = b.add("model", "Model B", family="gbdt", learned=True, provenance="trained_here")
    engine.reset(b.design)
    link(job_b, model_b)
    link(c["model"], cache)
    link(cache, job_b)
    assert any(f.rule == "R33" for f in engine.check().findings)
    link(c["objective"], c["metric"])
    engine.apply(ops.set_property(b.design, b.catalog, c["endpoint"], "mode", "edge")[1])
    live_matches_fresh(engine, b)
    direct = link(c["model"], c["app"], flow="prediction", phase="serve")
    engine.apply(ops.remove_link(b.design, direct)[1])
    live_matches_fresh(engine, b)


def test_incremental_engine_follows_a_consumer_taking_scores_with_no_endpoint():
    from app.rules.engine import RuleEngine

    b, c = _direct_scores()
    engine = RuleEngine(b.design, b.catalog)

    live_matches_fresh(engine, b)
    assert any(f.message.startswith("Consumer App takes") for f in engine.check().findings)
    [direct] = [x.id for x in b.design.links if x.source == c["model"] and x.target == c["app"]]
    engine.apply(ops.remove_link(b.design, direct)[1])
    live_matches_fresh(engine, b)
    assert not any(f.message.startswith("Consumer App takes") for f in engine.check().findings)
    made = ops.make_link(b.design, b.catalog, c["model"], c["app"], flow="prediction", phase="serve")
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    engine.apply(ops.set_property(b.design, b.catalog, c["app"], "consumer_type", "analyst")[1])
    live_matches_fresh(engine, b)


def test_incremental_engine_follows_chains_swaps_and_feature_paths():
    from app.rules.engine import RuleEngine

    b, c = _catalog_with_volume()
    engine = RuleEngine(b.design, b.catalog)

    live_matches_fresh(engine, b)
    [into_features] = [x.id for x in b.design.links if x.source == c["stream"] and x.target == c["features"]]
    engine.apply(ops.remove_link(b.design, into_features)[1])  # the catalog no longer reaches features
    live_matches_fresh(engine, b)
    extra = b.add("feature_pipeline", "Session aggregates", shared_train_serve=False)
    llm = b.add("model", "Query rewriter", family="llm", provenance="vendor_api", version_pinned=True)
    engine.reset(b.design)
    for source, target, phase in [
        (c["stream"], extra, "train"),
        (extra, c["features"], "train"),
        (c["stream"], c["features"], "serve"),
        (llm, c["model"], "serve"),
    ]:
        engine.apply(ops.add_link(b.design, ops.make_link(b.design, b.catalog, source, target, phase=phase)))
        live_matches_fresh(engine, b)
    assert {"R41", "R51", "R58"} <= {f.rule for f in engine.check().findings}


def test_incremental_engine_follows_a_source_served_raw_beside_its_features():
    from app.rules.engine import RuleEngine

    b, c = _history_through_features()
    engine = RuleEngine(b.design, b.catalog)

    def raw_served() -> bool:
        return any(f.rule == "R16" and "raw at Feed API" in f.message for f in engine.check().findings)

    live_matches_fresh(engine, b)
    assert raw_served()
    engine.apply(ops.remove_link(b.design, c["raw"])[1])  # served through the pipeline only
    live_matches_fresh(engine, b)
    assert not raw_served()
    raw = ops.make_link(b.design, b.catalog, c["history"], c["endpoint"], phase="serve")
    engine.apply(ops.add_link(b.design, raw))
    live_matches_fresh(engine, b)
    assert raw_served()
    direct = ops.make_link(b.design, b.catalog, c["history"], c["dataset"], phase="train")
    engine.apply(ops.add_link(b.design, direct))  # training reads it raw too
    live_matches_fresh(engine, b)
    assert not raw_served()
    engine.apply(ops.set_link_fields(b.design, direct.id, phase="serve")[1])
    live_matches_fresh(engine, b)
    assert raw_served()
    engine.apply(ops.set_property(b.design, b.catalog, c["aggregates"], "shared_train_serve", False)[1])
    live_matches_fresh(engine, b)
