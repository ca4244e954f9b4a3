"""R35-R40: evaluation and monitoring."""

from __future__ import annotations

import pytest

from tests.factories import DesignBuilder
from tests.rules.helpers import add_metric, findings, fired, unspecified


def _served(builder, name="API", mode="online"):
    model = builder.add("model", f"{name} model")
    endpoint = builder.add("endpoint", name, mode=mode)
    builder.link(model, endpoint)
    return model, endpoint


# ---- R35 ---------------------------------------------------------------------------------


def test_r35_fires_for_an_unmonitored_endpoint(builder):
    _, endpoint = _served(builder)
    [finding] = findings(builder.design, "R35")
    assert finding.severity == "error" and finding.components == (endpoint,)


def test_r35_fires_when_the_monitor_watches_other_signals(builder):
    _, endpoint = _served(builder)
    builder.link(builder.add("monitor", "Ops", watches=["latency", "errors"]), endpoint)
    [finding] = findings(builder.design, "R35")
    assert "(Ops watches other signals)" in finding.message


def test_r35_fires_for_the_endpoint_the_monitor_does_not_reach(builder):
    model, watched = _served(builder, "Feed API")
    _, unwatched = _served(builder, "Search API")
    builder.link(builder.add("monitor", "Drift", watches=["data_drift"]), model)
    [finding] = findings(builder.design, "R35")
    assert finding.components == (unwatched,)


def test_r35_quiet_with_a_drift_monitor_on_the_model(builder):
    model, _ = _served(builder)
    builder.link(builder.add("monitor", watches=["data_drift"]), model)
    assert findings(builder.design, "R35") == []


def test_r35_quiet_with_a_model_quality_monitor_fed_by_the_logger(builder):
    _, endpoint = _served(builder)
    logger = builder.add("prediction_logger")
    builder.chain(endpoint, logger, builder.add("monitor", watches=["model_quality"]))
    assert findings(builder.design, "R35") == []


def _trained_and_served(builder, mode="online"):
    """ETL -> training set -> training job -> model -> endpoint, links as drawn (phase both)."""
    etl, dataset = builder.add("data_pipeline", "Nightly ETL"), builder.add("dataset", "Training set")
    job, model = builder.add("training_job", "Train"), builder.add("model", "Model")
    endpoint = builder.add("endpoint", "API", mode=mode)
    builder.chain(builder.add("data_source", "Events"), etl, dataset, job, model, endpoint)
    return etl, dataset, job, endpoint


def test_r35_fires_when_only_the_training_side_is_watched(builder):
    _, dataset, job, endpoint = _trained_and_served(builder)
    builder.link(builder.add("monitor", "Training data", watches=["data_quality", "data_drift"]), dataset)
    builder.link(builder.add("monitor", "Training runs", watches=["model_quality"]), job)
    [finding] = findings(builder.design, "R35")
    assert finding.components == (endpoint,) and "Training data" not in finding.message


def test_r35_quiet_with_a_quality_monitor_on_the_labels_its_outcomes_come_back_to(builder):
    _, dataset, _, endpoint = _trained_and_served(builder)
    labels, consumer = builder.add("label_source", "Chargebacks"), builder.add("consumer", "Payments")
    builder.link(endpoint, consumer)
    builder.link(consumer, labels, flow="label", feedback=True)
    builder.link(labels, dataset)
    builder.link(labels, builder.add("monitor", "Live precision", watches=["model_quality"]))
    assert findings(builder.design, "R35") == []


def test_r35_says_when_watches_is_unspecified(builder):
    _, endpoint = _served(builder)
    builder.link(builder.add("monitor", "Monitor"), endpoint)
    assert fired(builder.design, "R35") == []
    assert unspecified(builder.design, "R35") == [
        "watches of Monitor is unset: is API watched for drift or quality?"
    ]


# ---- R36 ---------------------------------------------------------------------------------


def test_r36_fires_for_online_endpoint_without_latency_monitor(builder):
    _, endpoint = _served(builder)
    builder.link(builder.add("monitor", watches=["data_drift"]), endpoint)
    [finding] = findings(builder.design, "R36")
    assert finding.components == (endpoint,)


def test_r36_quiet_with_an_errors_monitor(builder):
    _, endpoint = _served(builder)
    builder.link(builder.add("monitor", watches=["errors"]), endpoint)
    assert findings(builder.design, "R36") == []


def test_r36_fires_when_only_the_training_pipeline_is_watched_for_errors(builder):
    etl, _, _, endpoint = _trained_and_served(builder)
    builder.link(builder.add("monitor", "ETL health", watches=["latency", "errors"]), etl)
    [finding] = findings(builder.design, "R36")
    assert finding.components == (endpoint,)


def test_r36_quiet_with_a_latency_monitor_fed_by_the_logger(builder):
    _, _, _, endpoint = _trained_and_served(builder)
    builder.chain(endpoint, builder.add("prediction_logger"), builder.add("monitor", watches=["latency"]))
    assert findings(builder.design, "R36") == []


@pytest.mark.parametrize("kind", ["infrastructure", "release_strategy"])
def test_r35_r36_quiet_with_monitors_on_what_serves_the_endpoint(builder, kind):
    # The serving fleet (or the canary) deploys onto the endpoint; its monitors watch the endpoint.
    _, _, _, endpoint = _trained_and_served(builder)
    serving = builder.add(kind, "Serving")
    builder.link(serving, endpoint, phase="serve")
    for watches in (["latency", "errors"], ["data_drift", "model_quality"]):
        builder.link(builder.add("monitor", watches=watches), serving, phase="serve")
    assert findings(builder.design, "R36") == [] and findings(builder.design, "R35") == []


def test_r36_fires_when_the_monitored_infrastructure_only_trains(builder):
    _, _, job, endpoint = _trained_and_served(builder)
    cluster = builder.add("infrastructure", "Training cluster")
    builder.link(cluster, job, phase="train")
    builder.link(builder.add("monitor", "Ops", watches=["latency", "errors"]), cluster, phase="serve")
    [finding] = findings(builder.design, "R36")
    assert finding.components == (endpoint,)


def test_r36_quiet_for_a_batch_endpoint(builder):
    _served(builder, mode="batch")
    assert findings(builder.design, "R36") == []


# ---- R37 ---------------------------------------------------------------------------------


def _user_facing(builder):
    _, endpoint = _served(builder, "Feed API")
    app = builder.add("consumer", "App", consumer_type="user_app")
    builder.link(endpoint, app)
    objective = builder.add("business_objective", "Watch time")
    return endpoint, app, objective


def test_r37_fires_without_experiment_or_kpi_monitor(builder):
    endpoint, _, _ = _user_facing(builder)
    [finding] = findings(builder.design, "R37")
    assert finding.components == (endpoint,)
    assert finding.message == (
        "Endpoint Feed API has no A/B, interleaving, switchback, bandit or holdback experiment "
        "and no monitor watching the business KPI of the business objective"
    )


def test_r37_fires_for_a_shadow_test_and_an_untied_kpi_monitor(builder):
    endpoint, app, _ = _user_facing(builder)
    builder.link(builder.add("experiment", experiment_type="shadow"), app)
    builder.add("monitor", watches=["business_kpi"])  # not linked to the objective
    [finding] = findings(builder.design, "R37")
    assert "holdback experiment and no monitor" in finding.message


def test_r37_quiet_with_ab_test_and_kpi_monitor(builder):
    endpoint, app, objective = _user_facing(builder)
    builder.link(builder.add("experiment", experiment_type="ab", guardrails=["latency"]), app)
    builder.link(builder.add("monitor", watches=["business_kpi"]), objective)
    assert findings(builder.design, "R37") == []


def test_r37_fires_for_an_internal_service_and_for_an_experiment_without_guardrails(builder):
    _, endpoint = _served(builder, "Scoring API")
    payments = builder.add("consumer", "Payments", consumer_type="internal_service")
    builder.link(endpoint, payments)
    objective = builder.add("business_objective", "Losses")
    builder.link(builder.add("monitor", watches=["business_kpi"]), objective)
    test = builder.add("experiment", "A/B", experiment_type="ab", guardrails=[])
    builder.link(test, payments)
    [finding] = findings(builder.design, "R37")
    assert finding.components == (endpoint, test) and "no guardrail metrics in A/B" in finding.message


def test_r37_quiet_for_guardrails_drawn_as_guardrail_metrics(builder):
    endpoint, app, objective = _user_facing(builder)
    builder.link(builder.add("monitor", watches=["business_kpi"]), objective)
    test = builder.add("experiment", "A/B", experiment_type="ab", guardrails=[])
    builder.link(test, app)
    latency = add_metric(builder, "p99 latency", "other", role="guardrail")
    builder.link(latency, test)
    assert findings(builder.design, "R37") == []
    builder.design.component_by_id()[latency].properties["role"] = "optimizing"
    [finding] = fired(builder.design, "R37")
    assert "no guardrail metrics in A/B" in finding.message


def test_r37_fires_for_blank_guardrails(builder):
    endpoint, app, objective = _user_facing(builder)
    builder.link(builder.add("monitor", watches=["business_kpi"]), objective)
    builder.link(builder.add("experiment", "A/B", experiment_type="ab", guardrails=[" "]), app)
    [finding] = fired(builder.design, "R37")
    assert "no guardrail metrics in A/B" in finding.message


def test_r37_quiet_for_analysts_only(builder):
    _, endpoint = _served(builder, "Reports")
    builder.link(endpoint, builder.add("consumer", "Analysts", consumer_type="analyst"))
    assert findings(builder.design, "R37") == []


# ---- R38 ---------------------------------------------------------------------------------


def _marketplace(builder, unit="user", marketplace=True):
    builder.add("problem_framing", "Pricing", marketplace=marketplace)
    policy = builder.add("decision_policy", "Price optimizer", policy_type="optimizer")
    experiment = builder.add("experiment", "Price test", unit=unit)
    return policy, experiment


def test_r38_fires_for_user_randomised_test_of_a_marketplace_optimizer(builder):
    policy, experiment = _marketplace(builder)
    [finding] = findings(builder.design, "R38")
    assert finding.components == (policy, experiment)
    assert "randomises by user" in finding.message


def test_r38_quiet_for_a_switchback(builder):
    _marketplace(builder, unit="region_time")
    assert findings(builder.design, "R38") == []


def test_r38_quiet_for_a_shadow_test_and_for_a_switchback_with_no_unit_set(builder):
    _, experiment = _marketplace(builder, unit="request")
    props = builder.design.component_by_id()[experiment].properties
    props["experiment_type"] = "shadow"  # scores requests, acts on none: nothing interferes
    assert findings(builder.design, "R38") == []
    props.update(experiment_type="switchback", unit=None)
    assert findings(builder.design, "R38") == []
    props["experiment_type"] = "ab"
    assert unspecified(builder.design, "R38")[0].startswith("unit of Price test is unset")


def test_r38_quiet_outside_a_marketplace(builder):
    _marketplace(builder, marketplace=False)
    assert findings(builder.design, "R38") == []


def test_r38_says_when_marketplace_is_unspecified(builder):
    _marketplace(builder, marketplace=None)
    assert unspecified(builder.design, "R38") == [
        "marketplace of Pricing is unset: Price test randomises by user while Price optimizer makes "
        "shared-resource decisions"
    ]


def test_r38_fires_for_a_marketplace_reranker_by_session(builder):
    builder.add("problem_framing", "Two-sided market", marketplace=True)
    rerank = builder.add("decision_policy", "Re-ranker", policy_type="rerank")
    experiment = builder.add("experiment", "Ranking test", unit="session")
    [finding] = findings(builder.design, "R38")
    assert finding.components == (rerank, experiment)
    assert any("Kohavi" in source for source in finding.sources)


# ---- R39 ---------------------------------------------------------------------------------


def _loop(builder, **policy):
    source = builder.add("data_source", "Interactions")
    job, model = builder.add("training_job"), builder.add("model", "Recommender")
    endpoint = builder.add("endpoint", "Feed API", mode="online")
    app = builder.add("consumer", "App", consumer_type="user_app")
    builder.chain(source, job, model, endpoint)
    if policy:
        chooser = builder.add("decision_policy", "Chooser", **policy)
        builder.chain(endpoint, chooser, app)
    else:
        builder.link(endpoint, app)
    back = builder.link(app, source, feedback=True)
    return source, model, endpoint, app, back


def test_r39_fires_for_a_feedback_loop_without_exploration(builder):
    source, model, _, app, back = _loop(builder)
    [finding] = findings(builder.design, "R39")
    assert finding.components == (source, model, app) and finding.links == (back,)
    assert "no exploration and no holdout" in finding.message


def test_r39_fires_with_zero_exploration(builder):
    _loop(builder, policy_type="rerank", exploration_rate=0.0)
    assert len(findings(builder.design, "R39")) == 1


def test_r39_fires_for_exploration_without_logged_propensities(builder):
    _, _, endpoint, _, _ = _loop(builder, policy_type="rerank", exploration_rate=0.05)
    [finding] = findings(builder.design, "R39")
    assert "records propensities" in finding.message
    logger = builder.add("prediction_logger", "Log")
    builder.link(endpoint, logger)
    [finding] = findings(builder.design, "R39")
    assert finding.unset == (f"{logger}.propensity_logged",)


def test_r39_quiet_with_exploration_and_logged_propensities(builder):
    _, _, endpoint, _, _ = _loop(builder, policy_type="rerank", exploration_rate=0.05)
    builder.link(endpoint, builder.add("prediction_logger", propensity_logged=True))
    assert findings(builder.design, "R39") == []


def test_r39_quiet_with_a_logged_holdout(builder):
    _, _, endpoint, _, _ = _loop(builder)
    builder.link(endpoint, builder.add("prediction_logger", holdout_pct=2.0))
    assert findings(builder.design, "R39") == []


def test_r39_quiet_without_a_loop(builder):
    source = builder.add("data_source")
    builder.chain(source, builder.add("training_job"), builder.add("model"), builder.add("consumer"))
    assert findings(builder.design, "R39") == []


# ---- R40 ---------------------------------------------------------------------------------


def test_r40_fires_without_feature_logging(builder):
    _, endpoint = _served(builder)
    [finding] = findings(builder.design, "R40")
    assert finding.severity == "info" and finding.components == (endpoint,)


def test_r40_fires_when_the_logger_skips_features(builder):
    _, endpoint = _served(builder)
    builder.link(endpoint, builder.add("prediction_logger", logs_features=False))
    assert len(findings(builder.design, "R40")) == 1


def test_r40_quiet_with_a_feature_logger(builder):
    _, endpoint = _served(builder)
    builder.link(endpoint, builder.add("prediction_logger", logs_features=True))
    assert findings(builder.design, "R40") == []


def test_r40_fires_for_an_endpoint_whose_training_data_is_another_endpoints_log(builder):
    """The retrieval endpoint's log trains the ranker: it records what retrieval served, not the
    features the ranking endpoint serves with."""
    _, retrieval = _served(builder, "Retrieval API")
    ranking = builder.add("endpoint", "Ranking API", mode="online")
    log = builder.add("prediction_logger", "Retrieval log", logs_features=True)
    builder.chain(retrieval, log, builder.add("dataset"), builder.add("training_job"), builder.add("model"),
                  ranking)  # fmt: skip
    [finding] = fired(builder.design, "R40")
    assert finding.components == (ranking,)
    builder.link(ranking, builder.add("prediction_logger", "Ranking log", logs_features=True))
    assert findings(builder.design, "R40") == []


def test_r40_quiet_for_a_logger_fed_by_the_serving_model_or_its_policy(builder):
    model, endpoint = _served(builder)
    builder.link(model, builder.add("prediction_logger", logs_features=True))
    assert findings(builder.design, "R40") == []
    other = DesignBuilder(builder.catalog)
    _, endpoint = _served(other)
    other.chain(endpoint, other.add("decision_policy"), other.add("prediction_logger", logs_features=True))
    assert findings(other.design, "R40") == []


def test_r40_says_when_logs_features_is_unspecified(builder):
    _, endpoint = _served(builder)
    builder.link(endpoint, builder.add("prediction_logger", "Log"))
    assert unspecified(builder.design, "R40") == [
        "logs_features of Log is unset: it logs what API serves"
    ]


def test_an_unset_property_after_a_question_is_advised_in_a_sentence_of_its_own(builder):
    """The report's risks read "watches of Drift is unset: is API watched for drift or
    quality?; set watches (...)": a question mark then a semicolon. After a question the
    advice is its own sentence; after a statement it still follows a semicolon."""
    _, endpoint = _served(builder)
    builder.link(builder.add("monitor", "Drift"), endpoint, flow="watch")
    [finding] = [f for f in findings(builder.design, "R35") if f.unset]
    said = "watches of Drift is unset: is API watched for drift or quality? Set watches"
    assert finding.message.startswith(said), finding.message
    assert "?;" not in finding.message


def test_r39_fires_for_a_loop_through_the_prediction_log_into_the_training_set(builder):
    """No data or label source in the loop: the log of what the model showed is written
    straight into its training set."""
    dataset, model = builder.add("dataset", "Training set"), builder.add("model", "Recommender")
    endpoint = builder.add("endpoint", "Feed API", mode="online")
    builder.chain(dataset, builder.add("training_job"), model, endpoint, builder.add("consumer", "App"))
    log = builder.add("prediction_logger", "Impression log", holdout_pct=0.0)
    builder.link(endpoint, log)
    back = builder.link(log, dataset, feedback=True)
    [finding] = fired(builder.design, "R39")
    assert finding.links == (back,) and set(finding.components) >= {dataset, model}
    assert "no exploration and no holdout" in finding.message
    builder.design.component_by_id()[log].properties["holdout_pct"] = 1.0
    assert findings(builder.design, "R39") == []


def test_r39_fires_for_review_verdicts_of_flagged_cases_fed_back_as_labels(builder):
    dataset, model = builder.add("dataset", "Training set"), builder.add("model", "Fraud model")
    review = builder.add("human_review", "Review queue")
    builder.chain(dataset, builder.add("training_job"), model, review)
    builder.link(review, dataset, feedback=True)
    [finding] = fired(builder.design, "R39")
    assert "Fraud model into Training set" in finding.message
