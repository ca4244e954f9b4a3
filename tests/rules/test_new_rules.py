"""R43-R53: calibration, position bias, label maturity, metric alignment, cold start, PII in
prediction logs, correction cascades, censored outcomes, swap gates, adversarial systems and
label quality. Each rule fires on a small flawed design, names what is unset when an unknown
raised it, and stays quiet once the flaw is fixed."""

from __future__ import annotations

from app.rules.checks._signals import stated_cadence
from tests.factories import DesignBuilder
from tests.rules.helpers import add_metric, findings, fired, sound_recommender

# ---- R43 calibration ------------------------------------------------------------------------


def _scored(b: DesignBuilder, policy_type: str, **model_props: object) -> tuple[str, str]:
    model = b.add("model", "Scorer", family="gbdt", **model_props)
    policy = b.add("decision_policy", "Policy", policy_type=policy_type, threshold_source="manual")
    b.chain(model, b.add("endpoint", "API"), policy)
    return model, policy


def test_r43_fires_as_error_when_an_optimizer_reads_uncalibrated_scores(builder):
    model, policy = _scored(builder, "optimizer", calibration="none")
    [finding] = findings(builder.design, "R43")
    assert finding.severity == "error" and finding.components == (model, policy)
    assert finding.message == (
        "Scores of Scorer (gbdt) are read as probabilities by optimizer Policy, but its calibration is none"
    )
    assert finding.unset == ()


def test_r43_fires_when_calibration_is_unset_and_names_it(builder):
    model, _ = _scored(builder, "bandit")
    [finding] = findings(builder.design, "R43")
    assert finding.severity == "warning" and finding.unset == (f"{model}.calibration",)
    assert "calibration is unset" in finding.message and "bandit Policy" in finding.message


def test_r43_fires_for_a_hand_set_threshold(builder):
    _scored(builder, "threshold", calibration="none")
    [finding] = findings(builder.design, "R43")
    assert "the hand-set threshold of Policy" in finding.message


def test_r43_fires_for_a_probability_metric_on_the_final_model_only(builder):
    retrieval = builder.add("model", "Retrieval", family="deep_nn", calibration="none")
    ranker = builder.add("model", "Ranker", family="deep_nn", calibration="none")
    builder.chain(retrieval, builder.add("feature_store"), ranker)
    metric = add_metric(builder, "Log loss", "logloss", role="optimizing")
    [finding] = findings(builder.design, "R43")
    assert finding.components == (ranker, metric) and "metric Log loss (logloss)" in finding.message


def test_r43_fires_for_error_costs(builder):
    framing = builder.add("problem_framing", "Fraud", task="binary", false_negative_cost=120.0)
    model = builder.add("model", "Scorer", family="random_forest", calibration="none")
    [finding] = findings(builder.design, "R43")
    assert finding.components == (framing, model) and "the error costs of Fraud" in finding.message


def test_r43_fires_when_native_calibration_meets_unweighted_resampling(builder):
    sampling = builder.add("sampling_strategy", "Downsample", method="undersample", weighted_correction=False)
    model = builder.add("model", "LR", family="logistic", calibration="native")
    builder.chain(sampling, builder.add("training_job"), model)
    policy = builder.add("decision_policy", "Bids", policy_type="optimizer")
    builder.link(model, policy)
    [finding] = findings(builder.design, "R43")
    assert "native calibration is lost" in finding.message and sampling in finding.components


def test_r43_quiet_with_a_calibrated_model(builder):
    _scored(builder, "optimizer", calibration="isotonic")
    assert findings(builder.design, "R43") == []


def test_r43_quiet_for_a_validation_tuned_threshold(builder):
    model = builder.add("model", family="gbdt", calibration="none")
    policy = builder.add("decision_policy", policy_type="threshold", threshold_source="validation_tuned")
    builder.link(model, policy)
    assert findings(builder.design, "R43") == []


def test_r43_quiet_for_regression_with_a_probability_metric_name(builder):
    builder.add("problem_framing", task="regression")
    builder.add("model", family="gbdt", calibration="none")
    add_metric(builder, "Brier", "brier")
    assert findings(builder.design, "R43") == []


def test_r43_fires_for_a_rerank_that_combines_two_final_models(builder):
    click = builder.add("model", "p(click)", family="gbdt", calibration="isotonic")
    like = builder.add("model", "p(like)", family="deep_nn", calibration="none")
    policy = builder.add("decision_policy", "Value formula", policy_type="rerank")
    builder.link(click, policy)
    builder.link(like, policy)
    [finding] = findings(builder.design, "R43")
    assert finding.components == (like, policy)
    assert "combines the scores of p(click) and p(like)" in finding.message


def test_r43_quiet_for_a_retrieval_model_before_the_ranker(builder):
    retrieval = builder.add("model", "Retrieval", family="deep_nn", calibration="none")
    ranker = builder.add("model", "Ranker", family="gbdt", calibration="platt")
    policy = builder.add("decision_policy", policy_type="optimizer")
    builder.chain(retrieval, ranker, builder.add("endpoint"), policy)
    builder.link(retrieval, builder.add("evaluation"))
    assert findings(builder.design, "R43") == []


# ---- R44 position bias ----------------------------------------------------------------------


def test_r44_fires_for_clicks_without_position_correction(builder):
    builder.add("problem_framing", "Feed", task="ranking")
    labels = builder.add("label_source", "Clicks", label_type="natural", position_correction="none")
    [finding] = findings(builder.design, "R44")
    assert finding.components == (labels,) and finding.unset == ()
    assert "no position correction" in finding.message and "(the design ranks (Feed))" in finding.message


def test_r44_fires_when_the_correction_is_unset(builder):
    add_metric(builder, "MRR", "mrr")
    labels = builder.add("label_source", "Purchases", label_type="delayed_outcome")
    [finding] = findings(builder.design, "R44")
    assert finding.unset == (f"{labels}.position_correction",)


def test_r44_fires_when_the_label_type_is_unset_under_a_rerank_policy(builder):
    builder.add("decision_policy", "Rerank", policy_type="rerank")
    labels = builder.add("label_source", "Labels")
    [finding] = findings(builder.design, "R44")
    assert finding.unset == (f"{labels}.label_type", f"{labels}.position_correction")


def test_r44_quiet_for_a_classifier_beside_a_retriever(builder):
    """The assistant retrieves (a ranked list), but the ticket router's outcomes come from no
    list: its labels carry no position bias."""
    builder.add("problem_framing", "Triage", task="multiclass")
    retriever = builder.add("retriever", "KB retriever")
    llm = builder.add("model", "LLM", provenance="vendor_api")
    builder.chain(builder.add("vector_index"), retriever, llm, builder.add("endpoint", "Assistant"))
    outcomes = builder.add("label_source", "Resolutions", label_type="natural", position_correction="none")
    router = builder.add("model", "Ticket router")
    builder.chain(outcomes, builder.add("training_job"), router, builder.add("endpoint", "Router"))
    assert findings(builder.design, "R44") == []
    builder.link(retriever, router)  # the router now re-ranks what the retriever returns
    [finding] = fired(builder.design, "R44")
    assert finding.components == (outcomes,) and "(the design ranks (KB retriever))" in finding.message


def test_r44_quiet_with_a_correction(builder):
    builder.add("problem_framing", task="ranking")
    builder.add("label_source", label_type="natural", position_correction="randomized")
    assert findings(builder.design, "R44") == []


def test_r44_quiet_for_human_judgments_or_outside_ranking(builder):
    builder.add("problem_framing", task="ranking")
    builder.add("label_source", label_type="human_annotation")
    assert findings(builder.design, "R44") == []
    other = DesignBuilder(builder.catalog)
    other.add("problem_framing", task="binary")
    other.add("label_source", label_type="natural")
    assert findings(other.design, "R44") == []


def test_r44_fires_when_a_retriever_ranks_what_users_click(builder):
    builder.add("retriever", "Product search", method="hybrid")
    labels = builder.add("label_source", "Clicks", label_type="natural", position_correction="none")
    [finding] = findings(builder.design, "R44")
    assert labels in finding.components


# ---- R45 label maturity ---------------------------------------------------------------------


def _retrained(b: DesignBuilder, job_name: str, schedule: str, **label_props: object) -> tuple[str, str]:
    labels = b.add("label_source", "Conversions", **label_props)
    job = b.add("training_job", job_name, schedule=schedule)
    b.chain(labels, b.add("dataset"), job, b.add("model"))
    return labels, job


def test_r45_fires_when_labels_mature_after_the_next_run(builder):
    labels, job = _retrained(
        builder, "Daily training", "periodic", label_type="delayed_outcome", delay_hours=168.0
    )
    [finding] = findings(builder.design, "R45")
    assert finding.components == (labels, job)
    assert (
        "mature 168 h after the prediction, but Daily training retrains on them every 24 h" in finding.message
    )


def test_r45_fires_for_a_manual_job_that_continuous_training_drives(builder):
    labels, job = _retrained(builder, "Nightly training", "manual", label_type="delayed_outcome",
                             delay_hours=168.0)  # fmt: skip
    assert findings(builder.design, "R45") == []  # run by hand: whoever runs it waits for labels
    builder.link(builder.add("cicd_pipeline", "CT", ct=True), job)
    [finding] = fired(builder.design, "R45")
    assert finding.components == (labels, job) and "retrains on them every 24 h" in finding.message


def test_r45_fires_for_continual_training_on_slow_labels(builder):
    _retrained(builder, "Online learner", "continual", label_type="natural", delay_hours=6.0)
    [finding] = findings(builder.design, "R45")
    assert "retrains on them continually" in finding.message


def test_r45_fires_when_the_delay_is_unset(builder):
    labels, _ = _retrained(builder, "Weekly training", "periodic", label_type="natural")
    [finding] = findings(builder.design, "R45")
    assert finding.unset == (f"{labels}.delay_hours",)


def test_r45_fires_when_the_cadence_is_not_stated_and_labels_take_days(builder):
    _retrained(builder, "Trainer", "triggered", label_type="delayed_outcome", delay_hours=720.0)
    [finding] = findings(builder.design, "R45")
    assert "cadence its name and notes do not state" in finding.message


def test_r45_quiet_when_runs_are_further_apart_than_the_delay(builder):
    _retrained(builder, "Monthly retraining", "periodic", label_type="delayed_outcome", delay_hours=240.0)
    assert findings(builder.design, "R45") == []


def test_r45_quiet_with_importance_weighting_or_a_manual_schedule(builder):
    labels = builder.add("label_source", label_type="natural", delay_hours=72.0)
    weights = builder.add("sampling_strategy", method="importance_weight", weighted_correction=True)
    builder.chain(
        labels, weights, builder.add("training_job", "Daily", schedule="periodic"), builder.add("model")
    )
    assert findings(builder.design, "R45") == []
    other = DesignBuilder(builder.catalog)
    _retrained(other, "Daily", "manual", label_type="natural", delay_hours=72.0)
    assert findings(other.design, "R45") == []


def test_r45_quiet_for_human_annotation_labels(builder):
    _retrained(builder, "Daily", "periodic", label_type="human_annotation", delay_hours=48.0)
    assert findings(builder.design, "R45") == []


def test_r45_reads_the_cadence_from_words():
    assert stated_cadence("Daily training") == 24.0
    assert stated_cadence("retrains every 6 hours, weekly full refresh") == 6.0
    assert stated_cadence("every 2 weeks") == 336.0
    assert stated_cadence("every 15 minutes") == 0.25
    assert stated_cadence("Trainer") is None


# ---- R46 metric alignment -------------------------------------------------------------------


def _served_metric(b: DesignBuilder, **props: object) -> str:
    b.add("endpoint", "API")
    return add_metric(b, "AUC", "roc_auc", **props)


def test_r46_fires_for_an_optimizing_metric_with_no_online_tie(builder):
    metric = _served_metric(builder, role="optimizing")
    builder.add("monitor", "Drift", watches=["data_drift"])
    [finding] = findings(builder.design, "R46")
    assert finding.components == (metric,) and finding.unset == ()
    assert finding.message.startswith("Optimizing metric AUC (roc_auc) is tied to no online check")


def test_r46_fires_when_the_objective_is_not_watched_either(builder):
    metric = _served_metric(builder, role="optimizing")
    objective = builder.add("business_objective", "Revenue", kpi="revenue per user")
    builder.link(metric, objective)
    builder.link(builder.add("monitor", "Ops", watches=["latency"]), objective)
    [finding] = findings(builder.design, "R46")
    assert finding.components == (metric, objective) and "or to Revenue" in finding.message


def test_r46_fires_with_unset_role_and_unset_watches(builder):
    metric = _served_metric(builder)
    monitor = builder.add("monitor", "Watcher")
    builder.link(monitor, metric)
    [finding] = findings(builder.design, "R46")
    assert finding.unset == (f"{metric}.role", f"{monitor}.watches")


def test_r46_quiet_through_the_objective_kpi_monitor(builder):
    metric = _served_metric(builder, role="optimizing")
    objective = builder.add("business_objective", "Revenue", kpi="revenue per user")
    builder.link(metric, objective)
    builder.link(builder.add("monitor", watches=["business_kpi"]), objective)
    assert findings(builder.design, "R46") == []


def test_r46_quiet_when_an_experiment_measures_it(builder):
    _served_metric(builder, role="optimizing")
    builder.add("experiment", primary_metric="AUC on live traffic")
    assert findings(builder.design, "R46") == []


def test_r46_quiet_for_guardrails_and_offline_only_designs(builder):
    _served_metric(builder, role="guardrail")
    assert findings(builder.design, "R46") == []
    other = DesignBuilder(builder.catalog)
    add_metric(other, "AUC", "roc_auc", role="optimizing")
    assert findings(other.design, "R46") == []


# ---- R47 cold start -------------------------------------------------------------------------


def test_r47_fires_per_endpoint_when_no_model_handles_cold_start(builder):
    builder.add("problem_framing", task="ranking")
    model = builder.add("model", "Ranker", family="gbdt", cold_start="none")
    endpoint = builder.add("endpoint", "Feed")
    builder.link(model, endpoint)
    [finding] = findings(builder.design, "R47")
    assert finding.components == (model, endpoint) and finding.unset == ()
    assert "Ranker (cold_start none)" in finding.message


def test_r47_fires_without_endpoints_and_names_unset(builder):
    add_metric(builder, "NDCG", "ndcg")
    model = builder.add("model", "Recommender", family="factorization")
    [finding] = findings(builder.design, "R47")
    assert finding.unset == (f"{model}.cold_start",)


def test_r47_quiet_when_one_serving_model_handles_it(builder):
    builder.add("decision_policy", policy_type="rerank")
    retrieval = builder.add("model", family="deep_nn", cold_start="content_features")
    ranker = builder.add("model", family="gbdt", cold_start="none")
    endpoint = builder.add("endpoint")
    builder.link(retrieval, ranker)
    builder.link(ranker, endpoint)
    builder.link(retrieval, endpoint)
    assert findings(builder.design, "R47") == []


def test_r47_quiet_when_cold_start_is_drawn_as_exploration_or_a_popularity_baseline(builder):
    """The example's re-ranker reserves 5% of slots to explore new videos; cold_start is unset on
    its models. Exploration downstream, or a popularity baseline serving the endpoint, is a
    cold-start strategy drawn rather than set."""
    builder.add("problem_framing", task="ranking")
    ranker = builder.add("model", "Ranker", family="deep_nn")
    endpoint = builder.add("endpoint", "Feed")
    policy = builder.add("decision_policy", "Re-ranking", policy_type="rerank", exploration_rate=0.05)
    builder.chain(ranker, endpoint, policy)
    assert findings(builder.design, "R47") == []
    builder.design.component_by_id()[policy].properties["exploration_rate"] = 0.0
    assert len(findings(builder.design, "R47")) == 1
    builder.link(builder.add("baseline_model", "Most watched", baseline_type="popularity"), endpoint)
    assert findings(builder.design, "R47") == []


def test_r47_exploration_covers_only_what_serves_the_policy_not_what_trains_its_model(builder):
    """A bandit re-ranking the feed explores the feed; the search ranker, whose logged results
    only train the feed's model, still has no cold-start strategy (the walk up from the policy
    went on through the feed's training job and called the search endpoint handled)."""
    builder.add("problem_framing", task="ranking")
    search = builder.add("model", "Search ranker", family="gbdt")
    search_api = builder.add("endpoint", "Search API")
    log = builder.add("prediction_logger", "Search log")
    builder.chain(search, search_api, log)
    feed = builder.add("model", "Feed ranker", family="gbdt", cold_start="exploration")
    builder.chain(log, builder.add("dataset"), builder.add("training_job"), feed)
    bandit = builder.add("decision_policy", policy_type="bandit")
    builder.chain(feed, builder.add("endpoint", "Feed API"), bandit)
    [finding] = findings(builder.design, "R47")
    assert finding.components == (search, search_api)


def test_r47_quiet_outside_ranking(builder):
    builder.add("problem_framing", task="binary")
    builder.add("model", family="gbdt")
    assert findings(builder.design, "R47") == []


def test_r47_quiet_for_a_vendor_llm_behind_a_retriever(builder):
    add_metric(builder, "Recall@8", "recall_at_k", role="guardrail")
    retriever = builder.add("retriever", method="dense")
    llm = builder.add("model", "LLM", family="llm", provenance="vendor_api")
    builder.chain(retriever, llm, builder.add("endpoint"))
    assert findings(builder.design, "R47") == []


# ---- R48 PII in prediction logs -------------------------------------------------------------


def _logged(b: DesignBuilder, pii: object = True, logs: object = True) -> tuple[str, str, str]:
    source = b.add("data_source", "Users", contains_pii=pii)
    endpoint = b.add("endpoint", "API")
    logger = b.add("prediction_logger", "Log", logs_features=logs)
    b.chain(source, b.add("feature_store"), b.add("model"), endpoint, logger)
    return source, endpoint, logger


def test_r48_fires_for_personal_data_logged_without_governance(builder):
    source, _, logger = _logged(builder)
    [finding] = findings(builder.design, "R48")
    assert finding.severity == "error" and finding.components == (source, logger)
    assert finding.message.startswith("Prediction logger Log records request features built from personal")


def test_r48_fires_when_governance_has_the_wrong_controls(builder):
    source = builder.add("data_source", contains_pii=True)
    gov = builder.add("governance", controls=["consent"])
    logger = builder.add("prediction_logger", logs_features=True)
    builder.chain(source, gov, builder.add("endpoint"), logger)
    assert len(findings(builder.design, "R48")) == 1


def test_r48_fires_on_unknowns_and_names_them(builder):
    source, _, logger = _logged(builder, pii=None, logs=None)
    [finding] = findings(builder.design, "R48")
    assert finding.unset == (f"{source}.contains_pii", f"{logger}.logs_features")


def test_r48_quiet_with_governance_on_the_way_or_on_the_log(builder):
    source = builder.add("data_source", contains_pii=True)
    gov = builder.add("governance", controls=["anonymize"])
    builder.chain(source, gov, builder.add("endpoint"), builder.add("prediction_logger", logs_features=True))
    assert findings(builder.design, "R48") == []
    other = DesignBuilder(builder.catalog)
    _, _, logger = _logged(other)
    other.link(other.add("governance", controls=["retention", "encrypt"]), logger)
    assert findings(other.design, "R48") == []


def test_r48_quiet_when_personal_data_only_trains_the_model(builder):
    source = builder.add("data_source", contains_pii=True)
    model = builder.add("model")
    builder.chain(source, builder.add("dataset"), builder.add("training_job"), model)
    builder.chain(model, builder.add("endpoint"), builder.add("prediction_logger", logs_features=True))
    assert findings(builder.design, "R48") == []


# ---- R49 correction cascade -----------------------------------------------------------------


def test_r49_fires_for_model_outputs_used_as_data_undeclared_and_unwatched(builder):
    source = builder.add("data_source", "Partner scores", source_type="model_output")
    model = builder.add("model", "Ranker")
    builder.chain(source, builder.add("dataset"), builder.add("training_job"), model)
    [finding] = findings(builder.design, "R49")
    assert finding.components == (source, model)
    assert "no declared dependency" in finding.message and "no monitor watching upstream" in finding.message


def test_r49_fires_for_a_model_feeding_anothers_training_data_unwatched(builder):
    first, dataset = builder.add("model", "Spam model"), builder.add("dataset", "Ranking data")
    second = builder.add("model", "Ranker")
    builder.chain(first, builder.add("consumer", declared=True), dataset, builder.add("training_job"), second)
    [finding] = findings(builder.design, "R49")
    assert finding.components == (first, dataset, second)


def test_r49_fires_for_a_model_whose_scores_an_etl_feeds_anothers_training(builder):
    first, etl = builder.add("model", "Spam model"), builder.add("data_pipeline", "Score export ETL")
    second = builder.add("model", "Ranker")
    builder.chain(first, builder.add("consumer", declared=True), etl, builder.add("training_job"), second)
    [finding] = findings(builder.design, "R49")
    assert finding.components == (first, etl, second)


def test_r49_fires_with_unset_watches_and_declared(builder):
    source = builder.add("data_source", source_type="model_output")
    consumer = builder.add("consumer")
    monitor = builder.add("monitor")
    builder.link(consumer, source)
    builder.link(monitor, source)
    builder.chain(source, builder.add("training_job"), builder.add("model"))
    [finding] = findings(builder.design, "R49")
    assert finding.unset == (f"{consumer}.declared", f"{monitor}.watches")


def test_r49_quiet_when_declared_and_watched(builder):
    upstream = builder.add("model", "Upstream")
    source = builder.add("data_source", source_type="model_output")
    builder.link(upstream, source)
    builder.link(builder.add("monitor", watches=["upstream"]), source)
    builder.chain(source, builder.add("training_job"), builder.add("model"))
    assert findings(builder.design, "R49") == []


def test_r49_quiet_for_ordinary_sources(builder):
    builder.chain(
        builder.add("data_source", source_type="warehouse"), builder.add("training_job"), builder.add("model")
    )
    assert findings(builder.design, "R49") == []


def test_r49_fires_for_a_trained_embedder_feeding_another_models_index(builder):
    embedder = builder.add("model", "Embedder", family="transformer")
    index = builder.add("vector_index", "Index")
    llm = builder.add("model", "LLM", family="llm")
    builder.chain(embedder, index, builder.add("retriever"), llm)
    [finding] = findings(builder.design, "R49")
    assert finding.components == (embedder, index, llm)
    builder.link(builder.add("monitor", watches=["prediction_drift"]), embedder)
    assert findings(builder.design, "R49") == []


# ---- R50 censored outcomes ------------------------------------------------------------------


def test_r50_fires_for_censored_labels_learned_as_truth(builder):
    labels = builder.add("label_source", "Sales", censored=True)
    model = builder.add("model", "Demand model")
    builder.chain(labels, builder.add("dataset"), builder.add("training_job"), model)
    [finding] = findings(builder.design, "R50")
    assert finding.components == (labels, model) and "censored" in finding.message


def test_r50_fires_when_a_forecast_leaves_censoring_unset(builder):
    framing = builder.add("problem_framing", "Demand", task="forecast")
    labels = builder.add("label_source", "Sales")
    [finding] = findings(builder.design, "R50")
    assert finding.components == (framing, labels) and finding.unset == (f"{labels}.censored",)


def test_r50_quiet_with_propensity_weighting(builder):
    labels = builder.add("label_source", censored=True)
    weights = builder.add("sampling_strategy", method="importance_weight", weighted_correction=True)
    builder.chain(labels, weights, builder.add("training_job"), builder.add("model"))
    assert findings(builder.design, "R50") == []


def test_r50_quiet_for_uncensored_or_non_forecast(builder):
    builder.add("problem_framing", task="forecast")
    builder.add("label_source", censored=False)
    other = DesignBuilder(builder.catalog)
    other.add("problem_framing", task="binary")
    other.add("label_source")
    assert findings(builder.design, "R50") == [] and findings(other.design, "R50") == []


def test_r50_quiet_with_a_logged_random_holdout_for_decision_censoring(builder):
    builder.add("problem_framing", task="binary")
    labels, model, endpoint = (
        builder.add("label_source", censored=True),
        builder.add("model"),
        builder.add("endpoint"),
    )
    builder.chain(labels, builder.add("training_job"), model, endpoint)
    builder.link(endpoint, builder.add("prediction_logger", holdout_pct=0.5, propensity_logged=True))
    assert findings(builder.design, "R50") == []


def test_r50_holdout_does_not_fix_capped_values(builder):
    builder.add("problem_framing", task="forecast")
    labels, model, endpoint = (
        builder.add("label_source", censored=True),
        builder.add("model"),
        builder.add("endpoint"),
    )
    builder.chain(labels, builder.add("training_job"), model, endpoint)
    builder.link(endpoint, builder.add("prediction_logger", holdout_pct=0.5, propensity_logged=True))
    [finding] = findings(builder.design, "R50")
    assert "values beyond the cap" in finding.message


# ---- R51 swap gate --------------------------------------------------------------------------


def test_r51_fires_for_an_ungated_prompt_and_vendor_model(builder):
    prompt = builder.add("prompt_template", "Answer prompt", versioned=True)
    llm = builder.add("model", "Vendor LLM", family="llm", provenance="vendor_api", version_pinned=True)
    endpoint = builder.add("endpoint", "Chat")
    builder.chain(prompt, llm, endpoint)
    builder.link(builder.add("monitor", watches=["groundedness", "safety"]), endpoint)
    [finding] = findings(builder.design, "R51")
    assert finding.severity == "error" and finding.components == (prompt, llm, endpoint)
    assert "Answer prompt and Vendor LLM reach endpoint Chat without an evaluation gate" in finding.message


def test_r51_fires_for_an_unpinned_vendor_model_and_unversioned_prompt(builder):
    model = builder.add("model", "Embedder", provenance="vendor_api", version_pinned=False)
    prompt = builder.add("prompt_template", "Prompt")
    results = findings(builder.design, "R51")
    assert [(f.severity, f.components, f.unset) for f in results] == [
        ("warning", (model,), ()),
        ("warning", (prompt,), (f"{prompt}.versioned",)),
    ]


def test_r51_fires_for_an_unmonitored_generation_endpoint(builder):
    llm = builder.add("model", "LLM", family="llm", provenance="trained_here")
    endpoint = builder.add("endpoint", "Chat")
    builder.chain(builder.add("training_job"), llm, builder.add("evaluation", gate=True), endpoint)
    builder.link(builder.add("monitor", watches=["safety"]), endpoint)
    [finding] = findings(builder.design, "R51")
    assert finding.severity == "warning" and "watches its groundedness" in finding.message


def test_r51_counts_an_llm_of_unknown_provenance_and_an_unset_gate(builder):
    llm = builder.add("model", "LLM", family="llm")
    gate = builder.add("evaluation", "Eval")
    endpoint = builder.add("endpoint")
    builder.chain(llm, gate, endpoint)
    builder.link(builder.add("monitor", watches=["groundedness", "safety"]), endpoint)
    [finding] = findings(builder.design, "R51")
    assert finding.unset == (f"{llm}.provenance", f"{gate}.gate")


def test_r51_quiet_with_a_gate_pins_versions_and_monitors(builder):
    prompt = builder.add("prompt_template", versioned=True)
    llm = builder.add("model", family="llm", provenance="vendor_api", version_pinned=True)
    endpoint = builder.add("endpoint")
    gate = builder.add("evaluation", gate=True)
    builder.chain(prompt, llm, gate, endpoint)
    builder.link(builder.add("monitor", watches=["groundedness", "safety"]), endpoint)
    assert findings(builder.design, "R51") == []


# ---- R52 adversarial ------------------------------------------------------------------------


def test_r52_fires_listing_every_missing_piece(builder):
    framing = builder.add("problem_framing", "Spam", task="binary", adversarial=True)
    builder.add("training_job", schedule="manual")
    [finding] = findings(builder.design, "R52")
    assert framing in finding.components
    for piece in ("no monitor alerts on concept_drift", "no training job retrains it", "no human review"):
        assert piece in finding.message


def test_r52_fires_for_unknown_alerting(builder):
    builder.add("problem_framing", adversarial=True)
    monitor = builder.add("monitor", watches=["concept_drift"])
    builder.add("training_job", schedule="periodic")
    builder.add("human_review")
    [finding] = findings(builder.design, "R52")
    assert finding.unset == (f"{monitor}.alerting",)


def test_r52_asks_for_the_flag_in_an_enforcement_shaped_design(builder):
    framing = builder.add("problem_framing")
    builder.add("decision_policy", policy_type="threshold")
    builder.add("human_review")
    [finding] = findings(builder.design, "R52")
    assert finding.severity == "info" and finding.unset == (f"{framing}.adversarial",)


def test_r52_quiet_with_drift_alerts_retraining_and_label_feedback(builder):
    builder.add("problem_framing", adversarial=True)
    builder.add("monitor", watches=["data_drift"], alerting=True)
    labels, model = builder.add("label_source"), builder.add("model")
    consumer = builder.add("consumer")
    builder.chain(labels, builder.add("training_job", schedule="triggered"), model, consumer)
    builder.link(consumer, labels, feedback=True)
    assert findings(builder.design, "R52") == []


def test_r52_quiet_for_retraining_by_continuous_training_and_outcomes_fed_back_as_labels(builder):
    """The job is left 'manual' but a CT pipeline retrains it; chargebacks come back from the bank
    as a label link into the training set, with no label source box."""
    builder.add("problem_framing", "Fraud", adversarial=True)
    builder.add("monitor", watches=["concept_drift"], alerting=True)
    dataset, job = builder.add("dataset"), builder.add("training_job", schedule="manual")
    bank = builder.add("consumer", "Bank")
    builder.chain(dataset, job, builder.add("model"), bank)
    back = builder.link(bank, dataset, flow="label", feedback=True)
    ct = builder.link(builder.add("cicd_pipeline", ct=True), job)
    assert findings(builder.design, "R52") == []
    builder.design.links[:] = [lk for lk in builder.design.links if lk.id not in (back, ct)]
    builder.design.invalidate_indexes()
    [finding] = fired(builder.design, "R52")
    assert "no training job retrains it" in finding.message and "no human review" in finding.message


def test_r52_quiet_when_not_adversarial(builder):
    builder.add("problem_framing", adversarial=False)
    builder.add("decision_policy", policy_type="threshold")
    builder.add("human_review")
    assert findings(builder.design, "R52") == []


def test_r52_lets_a_vendor_only_system_adapt_through_a_gate(builder):
    builder.add("problem_framing", adversarial=True)
    builder.add("model", family="llm", provenance="vendor_api")
    builder.add("monitor", watches=["data_drift"], alerting=True)
    builder.add("human_review")
    gate = builder.add("evaluation", gate=False)
    [finding] = findings(builder.design, "R52")
    assert "no gated evaluation to ship updated defences through" in finding.message
    builder.design.component_by_id()[gate].properties["gate"] = True
    assert findings(builder.design, "R52") == []


# ---- R53 label quality ----------------------------------------------------------------------


def test_r53_fires_for_low_agreement(builder):
    labels = builder.add("label_source", "Reviews", label_type="human_annotation", annotator_agreement=0.45)
    [finding] = findings(builder.design, "R53")
    assert finding.components == (labels,) and "agree at 0.45, below 0.6" in finding.message


def test_r53_fires_for_unknown_agreement(builder):
    labels = builder.add("label_source", label_type="human_annotation")
    [finding] = findings(builder.design, "R53")
    assert finding.unset == (f"{labels}.annotator_agreement",)


def test_r53_fires_for_weak_labels_never_checked_against_human_labels(builder):
    weak = builder.add("label_source", "Heuristics", label_type="weak")
    model = builder.add("model", "Classifier")
    builder.chain(weak, builder.add("training_job"), model, builder.add("evaluation"))
    [finding] = findings(builder.design, "R53")
    assert (
        finding.components == (weak, model)
        and "no evaluation checks it against human_annotation labels" in finding.message
    )


def test_r53_quiet_with_good_agreement_and_a_human_test_set(builder):
    weak = builder.add("label_source", label_type="weak")
    gold = builder.add("label_source", label_type="human_annotation", annotator_agreement=0.8)
    model, evaluation = builder.add("model"), builder.add("evaluation")
    builder.chain(weak, builder.add("training_job"), model, evaluation)
    builder.link(gold, evaluation)
    assert findings(builder.design, "R53") == []


# ---- all of them on the sound reference design -------------------------------------------------


def test_new_rules_quiet_on_the_sound_recommender(builder):
    sound_recommender(builder)
    new = {f"R{n}" for n in range(43, 54)}
    assert [f.message for f in findings_all(builder) if f.rule in new] == []


def findings_all(builder: DesignBuilder) -> list:
    from app.rules import check_design

    return check_design(builder.design).findings


def test_r45_reads_an_unset_schedule_as_continual_and_names_it(builder):
    _, job = _retrained(builder, "Trainer", None, label_type="natural", delay_hours=6.0)
    [finding] = findings(builder.design, "R45")
    assert (
        finding.unset == (f"{job}.schedule",)
        and "retrains on them on a schedule left unset" in finding.message
    )
    builder.design.component_by_id()[job].properties["schedule"] = "periodic"
    assert findings(builder.design, "R45") == []  # a stated schedule with 6 h labels is fine


def test_r49_reports_a_named_model_output_source_once(builder):
    upstream, downstream = builder.add("model", "Upstream"), builder.add("model", "Downstream")
    source = builder.add("data_source", "Scores", source_type="model_output")
    builder.chain(upstream, source, builder.add("dataset"), builder.add("training_job"), downstream)
    [finding] = findings(builder.design, "R49")
    assert finding.components == (upstream, downstream, source)
    assert "no monitor watching upstream or data_drift" in finding.message
    assert "no declared dependency" not in finding.message  # the producing model is linked into it
