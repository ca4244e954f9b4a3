"""R22-R27: model design, including the latency budget (R24)."""

from __future__ import annotations

import pytest

from app.domain import ops
from tests.rules.helpers import findings, fired, unspecified

# ---- R22 ---------------------------------------------------------------------------------


def test_r22_fires_as_warning_for_a_simple_model_without_baseline(builder):
    model = builder.add("model", "Churn GBDT", family="gbdt")
    [finding] = findings(builder.design, "R22")
    assert finding.severity == "warning" and finding.components == (model,)
    assert finding.message == "No baseline model is evaluated beside Churn GBDT (gbdt)"


def test_r22_fires_as_error_for_a_deep_model_without_baseline(builder):
    builder.add("model", "Ranker", family="transformer")
    [finding] = findings(builder.design, "R22")
    assert finding.severity == "error"


def test_r22_fires_when_the_baseline_is_evaluated_elsewhere(builder):
    model = builder.add("model", "Ranker", family="gbdt")
    builder.link(model, builder.add("evaluation", "Offline eval"))
    builder.link(builder.add("baseline_model", "Popularity"), builder.add("evaluation", "Other eval"))
    [finding] = findings(builder.design, "R22")
    assert "Popularity shares no evaluation or experiment" in finding.message


def test_r22_quiet_with_a_baseline_in_the_same_evaluation(builder):
    evaluation = builder.add("evaluation")
    builder.link(builder.add("model", family="gbdt"), evaluation)
    baseline = builder.add("baseline_model", "Heuristic")
    builder.link(baseline, evaluation)
    [finding] = findings(builder.design, "R22")  # nobody recorded the score to beat
    assert finding.severity == "info" and finding.unset == (f"{baseline}.metric_value",)
    builder.design.component_by_id()[baseline].properties["metric_value"] = 0.4
    assert findings(builder.design, "R22") == []


def test_r22_quiet_for_a_rule_model(builder):
    builder.add("model", "Rules", family="rule")
    assert findings(builder.design, "R22") == []


# ---- R23 ---------------------------------------------------------------------------------


def test_r23_fires_for_a_black_box_under_interpretability_constraint(builder):
    constraint = builder.add("constraint", "Explain credit decisions", type="regulatory")
    model = builder.add("model", "Scorer", family="gbdt", interpretable=False, explainer="none")
    [finding] = findings(builder.design, "R23")
    assert finding.components == (constraint, model)
    assert "not interpretable and has no explainer" in finding.message


def test_r23_quiet_with_an_explainer(builder):
    builder.add("constraint", type="interpretability")
    builder.add("model", family="gbdt", interpretable=False, explainer="shap")
    assert findings(builder.design, "R23") == []


def test_r23_quiet_for_an_interpretable_family(builder):
    builder.add("constraint", type="interpretability")
    builder.add("model", family="logistic")
    assert findings(builder.design, "R23") == []


def test_r23_quiet_without_the_constraint(builder):
    builder.add("model", family="gbdt", interpretable=False, explainer="none")
    assert findings(builder.design, "R23") == []


def test_r23_says_when_interpretability_is_unspecified(builder):
    builder.add("constraint", "Explain", type="interpretability")
    builder.add("model", "Scorer", family="gbdt")
    assert sorted(unspecified(builder.design, "R23")) == [
        "explainer of Scorer is unset: Explain requires explainable predictions",
        "interpretable of Scorer is unset: Explain requires explainable predictions",
    ]


# ---- R24 ---------------------------------------------------------------------------------


def _serving_path(builder, p99=45.0, store_ms=12.0, slo=50.0, **model_props):
    store = builder.add("feature_store", "Online features", online=True, online_latency_ms=store_ms)
    model = builder.add("model", "Ranking model", p99_latency_ms=p99, **model_props)
    endpoint = builder.add("endpoint", "Feed API", mode="online", latency_slo_ms=slo)
    builder.link(store, model, phase="serve")
    builder.link(model, endpoint)
    return store, model, endpoint


def test_r24_fires_when_path_exceeds_slo(builder):
    store, model, endpoint = _serving_path(builder)
    [finding] = findings(builder.design, "R24")
    assert finding.severity == "error"
    assert finding.message == (
        "Serving path Ranking model (45 ms) + Online features (12 ms) = 57 ms "
        "exceeds the 50 ms SLO of Feed API"
    )
    assert finding.components == (store, model, endpoint)


def test_r24_quiet_within_slo(builder):
    _serving_path(builder, slo=80.0)
    assert findings(builder.design, "R24") == []


def test_r24_counts_caches_after_the_model_and_ignores_train_phase_inputs(builder):
    store = builder.add("feature_store", "Offline features", online_latency_ms=12.0)
    model = builder.add("model", "Ranking model", p99_latency_ms=30.0)
    cache = builder.add("cache", "Prediction cache", latency_ms=15.0)
    endpoint = builder.add("endpoint", "Feed API", mode="online", latency_slo_ms=40.0)
    builder.link(store, model, phase="train")  # read in training only: not on the request path
    builder.chain(model, cache, endpoint)
    [finding] = findings(builder.design, "R24")
    assert finding.components == (model, cache, endpoint)
    assert finding.message == (
        "Serving path Ranking model (30 ms) + Prediction cache (15 ms) = 45 ms "
        "exceeds the 40 ms SLO of Feed API"
    )


def test_r24_uses_the_latency_constraint_when_the_endpoint_has_no_slo(builder):
    _serving_path(builder, slo=None)
    builder.add("constraint", "Latency budget", type="latency", value=50.0, unit="ms")
    [finding] = findings(builder.design, "R24")
    assert finding.message.endswith("exceeds the 50 ms latency constraint Latency budget")


def test_r24_reads_a_latency_constraint_written_in_ms_p99_or_seconds(builder):
    _serving_path(builder, slo=None)
    budget = builder.add("constraint", "Latency budget", type="latency", value=50.0, unit="ms p99")
    [finding] = findings(builder.design, "R24")
    assert finding.message.endswith("exceeds the 50 ms latency constraint Latency budget")
    ops.set_property(builder.design, builder.catalog, budget, "value", 0.05)
    ops.set_property(builder.design, builder.catalog, budget, "unit", "s")
    [finding] = findings(builder.design, "R24")
    assert finding.message.endswith("exceeds the 50 ms latency constraint Latency budget")


@pytest.mark.parametrize(
    "value, unit",
    [
        (50000.0, "\u03bcs p99"),  # Greek small mu
        (50000.0, "\u00b5s p99"),  # micro sign
        (50000.0, "micro-seconds"),
        (50000.0, "microseconds"),
        (50000.0, "usec"),
        (50.0, "milli-seconds"),
        (50.0, "milliseconds"),
        (50.0, "msec"),
        (0.05, "sec"),
        (0.05, "seconds"),
    ],
)
def test_r24_reads_micro_milli_and_seconds_however_spelled(builder, value, unit):
    _serving_path(builder, slo=None)
    builder.add("constraint", "Latency budget", type="latency", value=value, unit=unit)
    [finding] = findings(builder.design, "R24")
    assert finding.message.endswith("exceeds the 50 ms latency constraint Latency budget")


def test_r24_uses_the_design_latency_constraint_when_only_other_constraints_are_linked(builder):
    _, _, endpoint = _serving_path(builder, slo=None)
    peak = builder.add("constraint", "Peak load", type="throughput", value=2000.0, unit="QPS")
    builder.link(peak, endpoint)
    builder.add("constraint", "Latency budget", type="latency", value=50.0, unit="ms")
    [finding] = findings(builder.design, "R24")
    assert finding.severity == "error"
    assert finding.message.endswith("exceeds the 50 ms latency constraint Latency budget")


def test_r24_holds_the_path_to_a_linked_constraint_tighter_than_the_endpoint_slo(builder):
    _, _, endpoint = _serving_path(builder, slo=500.0)
    budget = builder.add("constraint", "Checkout budget", type="latency", value=50.0, unit="ms")
    builder.link(budget, endpoint)
    builder.add("constraint", "Elsewhere", type="latency", value=10.0, unit="ms")  # governs no endpoint
    [finding] = findings(builder.design, "R24")
    assert finding.message.endswith("= 57 ms exceeds the 50 ms latency constraint Checkout budget")


def test_r24_ignores_an_unlinked_constraint_when_the_endpoint_has_an_slo(builder):
    _serving_path(builder, slo=80.0)
    builder.add("constraint", "Elsewhere", type="latency", value=10.0, unit="ms")
    assert findings(builder.design, "R24") == []


def test_r24_fires_as_warning_for_a_large_model_on_a_tight_slo(builder):
    _serving_path(builder, p99=None, slo=30.0, family="transformer", params_millions=350.0)
    [finding] = findings(builder.design, "R24")
    assert finding.severity == "warning"
    assert "(transformer, 350M params) has no p99 latency" in finding.message


def test_r24_fires_as_warning_for_a_large_uncompressed_model_on_the_edge(builder):
    model = builder.add("model", "Vision model", params_millions=120.0, compressed=False)
    endpoint = builder.add("endpoint", "Phone app", mode="edge")
    builder.link(model, endpoint)
    [finding] = findings(builder.design, "R24")
    assert finding.severity == "warning" and finding.components == (model, endpoint)
    assert "120M params, not compressed" in finding.message


def test_r24_quiet_for_a_compressed_edge_model(builder):
    builder.link(
        builder.add("model", params_millions=120.0, compressed=True), builder.add("endpoint", mode="edge")
    )
    assert findings(builder.design, "R24") == []


def test_r24_says_when_p99_latency_is_unspecified(builder):
    _serving_path(builder, p99=None, family="gbdt")
    assert fired(builder.design, "R24") == []
    assert unspecified(builder.design, "R24") == [
        "p99_latency_ms of Ranking model is unset: needed for the latency budget of Feed API"
    ]


# ---- R25 ---------------------------------------------------------------------------------


def test_r25_fires_without_cross_validation_or_tuning(builder):
    job = builder.add("training_job", "Train", cv="none", hpo="none")
    [finding] = findings(builder.design, "R25")
    assert finding.severity == "warning" and finding.components == (job,)


def test_r25_fires_as_info_for_deep_model_without_early_stopping(builder):
    job = builder.add("training_job", "Train", cv="holdout", hpo="random", early_stopping=False)
    model = builder.add("model", "Net", family="cnn")
    builder.link(job, model)
    [finding] = findings(builder.design, "R25")
    assert finding.severity == "info" and finding.components == (job, model)
    assert "without early stopping" in finding.message


def test_r25_quiet_with_tuning_and_early_stopping(builder):
    job = builder.add("training_job", cv="holdout", hpo="bayesian", early_stopping=True)
    builder.link(job, builder.add("model", family="cnn"))
    assert findings(builder.design, "R25") == []


def test_r25_quiet_for_the_job_of_a_model_that_feeds_a_deep_model(builder):
    """The retrieval job has no early stopping, but it trains gradient-boosted trees; the
    transformer ranker it feeds is trained by its own job."""
    retrieval_job = builder.add("training_job", cv="holdout", hpo="random", early_stopping=False)
    ranker = builder.add("model", "Ranker", family="transformer")
    builder.chain(retrieval_job, builder.add("model", "Retrieval", family="gbdt"), ranker)
    builder.link(builder.add("training_job", cv="holdout", hpo="random", early_stopping=True), ranker)
    assert findings(builder.design, "R25") == []


# ---- R26 ---------------------------------------------------------------------------------


def test_r26_fires_for_an_evaluation_without_slices(builder):
    evaluation = builder.add("evaluation", "Offline eval", slices=[])
    [finding] = findings(builder.design, "R26")
    assert finding.severity == "warning" and finding.components == (evaluation,)


def test_r26_fires_for_blank_slices_or_only_the_aggregate(builder):
    for slices in ([" "], ["Overall"], ["all", ""]):
        evaluation = builder.add("evaluation", "Offline eval", slices=slices)
        [finding] = fired(builder.design, "R26")
        assert finding.components == (evaluation,), slices
        builder.design.component_by_id()[evaluation].properties["slices"] = [*slices, "new users"]
        assert findings(builder.design, "R26") == []


def test_r26_fires_as_error_for_regulated_user_facing_systems(builder):
    evaluation = builder.add("evaluation", "Offline eval", slices=[])
    builder.add("consumer", "Loan app", consumer_type="user_app")
    regulation = builder.add("constraint", "Fair lending", type="regulatory")
    [finding] = findings(builder.design, "R26")
    assert finding.severity == "error" and finding.components == (evaluation, regulation)
    assert "under regulatory constraint Fair lending" in finding.message


def test_r26_quiet_with_slices(builder):
    builder.add("evaluation", slices=["new users", "region"])
    assert findings(builder.design, "R26") == []


def test_r26_says_when_slices_are_unspecified(builder):
    builder.add("evaluation", "Offline eval")
    assert unspecified(builder.design, "R26")[0].startswith("slices of Offline eval is unset")


# ---- R27 ---------------------------------------------------------------------------------


def _threshold_after(builder, schedule, **policy):
    job = builder.add("training_job", "Retrain", schedule=schedule)
    model = builder.add("model")
    props = {"policy_type": "threshold", "threshold_source": "manual", "action_limits": True, **policy}
    policy_id = builder.add("decision_policy", "Block above 0.8", **props)
    builder.chain(job, model, policy_id)
    return job, policy_id


def test_r27_fires_for_a_manual_threshold_in_a_retrained_system(builder):
    job, policy = _threshold_after(builder, "periodic")
    [finding] = findings(builder.design, "R27")
    assert finding.severity == "warning" and finding.components == (job, policy)
    assert "manually set threshold while Retrain retrains the model (periodic)" in finding.message


def test_r27_quiet_for_a_validation_tuned_threshold(builder):
    _threshold_after(builder, "periodic", threshold_source="validation_tuned")
    assert findings(builder.design, "R27") == []


def test_r27_quiet_when_training_is_manual(builder):
    _threshold_after(builder, "manual")
    assert findings(builder.design, "R27") == []


def test_r27_fires_when_a_continuous_training_pipeline_retrains_a_manual_job(builder):
    job, policy = _threshold_after(builder, "manual")
    builder.link(builder.add("cicd_pipeline", "CT pipeline", ct=True, cd=True), job)
    [finding] = findings(builder.design, "R27")
    assert finding.components == (job, policy)
    assert "while Retrain retrains the model (continuous training)" in finding.message


def test_r27_quiet_when_the_pipeline_driving_the_job_does_not_retrain(builder):
    job, _ = _threshold_after(builder, "manual")
    builder.link(builder.add("cicd_pipeline", "CI only", ct=False, cd=True), job)
    assert findings(builder.design, "R27") == []


def test_r27_quiet_for_a_manual_job_downstream_of_what_a_continuous_training_pipeline_deploys(builder):
    # The pipeline only deploys the first model; its predictions reach, through a consumer and
    # an ETL, the data a second model's manual job trains on: CT triggers neither job.
    pipeline = builder.add("cicd_pipeline", "CT pipeline", ct=True, cd=True)
    ct_job, endpoint = builder.add("training_job", "First job", schedule="manual"), builder.add("endpoint")
    builder.link(pipeline, endpoint)
    job, _ = _threshold_after(builder, "manual")
    consumer, etl, dataset = builder.add("consumer"), builder.add("data_pipeline"), builder.add("dataset")
    builder.chain(ct_job, builder.add("model"), endpoint, consumer, etl, dataset, job)
    assert findings(builder.design, "R27") == []


def test_r27_fires_as_info_for_automated_actions_without_limits(builder):
    policy = builder.add("decision_policy", "Auto-ban", policy_type="rules", action_limits=False)
    [finding] = findings(builder.design, "R27")
    assert finding.severity == "info" and finding.components == (policy,)


def test_r27_quiet_when_actions_go_through_human_review(builder):
    policy = builder.add("decision_policy", "Auto-ban", policy_type="rules", action_limits=False)
    builder.link(policy, builder.add("human_review", "Trust & safety queue"))
    assert findings(builder.design, "R27") == []


def test_r24_fires_when_the_model_reaches_the_endpoint_through_a_gate_and_registry(builder):
    store = builder.add("feature_store", "Online features", online=True, online_latency_ms=12.0)
    model = builder.add("model", "Ranking model", p99_latency_ms=45.0)
    gate = builder.add("evaluation", "Offline gate", gate=True)
    registry = builder.add("model_registry", "Registry")
    endpoint = builder.add("endpoint", "Feed API", mode="online", latency_slo_ms=50.0)
    builder.link(store, model, phase="both")
    builder.link(model, gate, phase="train")
    builder.chain(gate, registry, endpoint, phase="train")
    [finding] = findings(builder.design, "R24")
    assert finding.message == (
        "Serving path Ranking model (45 ms) + Online features (12 ms) = 57 ms "
        "exceeds the 50 ms SLO of Feed API"
    )


def test_r24_counts_an_upstream_retrieval_model_before_the_ranker(builder):
    retrieval = builder.add("model", "Retrieval", p99_latency_ms=12.0)
    ranker = builder.add("model", "Ranker", p99_latency_ms=40.0)
    endpoint = builder.add("endpoint", "Feed API", mode="online", latency_slo_ms=50.0)
    builder.link(retrieval, ranker, flow="feature", phase="serve")
    builder.link(ranker, endpoint)
    [finding] = findings(builder.design, "R24")
    assert (
        finding.message
        == "Serving path Ranker (40 ms) + Retrieval (12 ms) = 52 ms exceeds the 50 ms SLO of Feed API"
    )


def test_r24_quiet_when_retrieval_and_ranker_fit_the_slo(builder):
    retrieval = builder.add("model", "Retrieval", p99_latency_ms=12.0)
    ranker = builder.add("model", "Ranker", p99_latency_ms=30.0)
    endpoint = builder.add("endpoint", "Feed API", mode="online", latency_slo_ms=50.0)
    builder.link(retrieval, ranker, flow="feature", phase="serve")
    builder.link(ranker, endpoint)
    assert findings(builder.design, "R24") == []


def test_r24_reports_a_two_model_chain_once_when_both_models_are_registered(builder):
    retrieval = builder.add("model", "Retrieval", p99_latency_ms=12.0)
    ranker = builder.add("model", "Ranker", p99_latency_ms=45.0)
    registry = builder.add("model_registry", "Registry")
    endpoint = builder.add("endpoint", "Feed API", mode="online", latency_slo_ms=50.0)
    builder.link(retrieval, ranker, flow="feature", phase="serve")
    builder.link(retrieval, registry, phase="train")
    builder.link(ranker, registry, phase="train")
    builder.link(registry, endpoint, phase="serve")
    [finding] = findings(builder.design, "R24")
    assert finding.message == (
        "Serving path Ranker (45 ms) + Retrieval (12 ms) = 57 ms exceeds the 50 ms SLO of Feed API"
    )
