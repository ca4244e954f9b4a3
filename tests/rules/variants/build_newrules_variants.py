"""Write the variant designs of the flaw classes of R43-R54, each with its manifest in meta.notes.

    python -m tests.rules.variants.build_newrules_variants [FLAW_CLASS ...]

Each flaw class gets several structurally different designs that must raise its rule and one
sound design that must not. The .mlsd files are committed; this script only regenerates them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from app.domain import ops
from app.domain.catalog import default_catalog
from app.domain.model import Decision, DecisionOption
from app.persistence import save_design
from tests.factories import DesignBuilder

HERE = Path(__file__).resolve().parent
Build = Callable[[DesignBuilder], None]
VARIANTS: dict[str, dict[str, tuple[str, list[str], list[str], list[str], Build]]] = {}


def variant(
    flaw: str, file: str, title: str, fires: list[str], quiet: list[str], unset: list[str] | None = None
) -> Callable[[Build], Build]:
    """Register a design. `fires`: rules it must raise (by the flaw itself, or in the folder
    unknown_is_not_safe by the `unset` properties, which a finding must name); `quiet`: rules it
    must not raise."""

    def register(build: Build) -> Build:
        VARIANTS.setdefault(flaw, {})[file] = (title, fires, quiet, unset or [], build)
        return build

    return register


def metric(b: DesignBuilder, label: str, name: str, **props: object) -> str:
    cid = b.add("metric", label, **props)
    ops.set_property(b.design, b.catalog, cid, "name", name)
    return cid


def trained(b: DesignBuilder, source: str, model: str, job_name: str = "Training", **job: object) -> str:
    """source -> dataset -> training job -> model; returns the job."""
    job_id = b.add("training_job", job_name, **job)
    b.chain(source, b.add("dataset", "Training set"), job_id, model)
    return job_id


# ---- calibration (R43) ----------------------------------------------------------------------


@variant("calibration", "auction_bids.mlsd", "CTR model feeding an ad auction", ["R43"], [])
def _(b: DesignBuilder) -> None:
    events = b.add("data_source", "Impressions")
    model = b.add("model", "CTR DNN", family="deep_nn", calibration="none")
    trained(b, events, model)
    auction = b.add("decision_policy", "Second-price auction", policy_type="optimizer")
    b.chain(model, b.add("endpoint", "Ad server"), auction, b.add("consumer", "Ad slots"))


@variant(
    "unknown_is_not_safe",
    "calibration_unset.mlsd",
    "Log loss optimized, calibration unset",
    ["R43"],
    [],
    ["model_1.calibration"],
)
def _(b: DesignBuilder) -> None:
    framing = b.add("problem_framing", "Predict purchase", task="binary")
    loss = metric(b, "Log loss", "logloss", role="optimizing")
    b.link(framing, loss)
    model = b.add("model", "Purchase GBDT", family="gbdt")
    trained(b, b.add("data_source", "Orders"), model)
    b.link(model, b.add("endpoint", "Scoring API"))


@variant("calibration", "native_after_downsampling.mlsd", "Native calibration lost to sampling", ["R43"], [])
def _(b: DesignBuilder) -> None:
    events = b.add("data_source", "Sessions")
    sampling = b.add(
        "sampling_strategy", "Drop 90% negatives", method="negative_sampling", weighted_correction=False
    )
    job = b.add("training_job", "Training")
    model = b.add("model", "Logistic model", family="logistic", calibration="native")
    b.chain(events, b.add("dataset", "Sessions set"), sampling, job, model)
    bandit = b.add("decision_policy", "Offer bandit", policy_type="bandit")
    b.chain(model, b.add("endpoint", "Offers API"), bandit)


@variant("calibration", "error_costs_forest.mlsd", "Error costs on an uncalibrated forest", ["R43"], [])
def _(b: DesignBuilder) -> None:
    b.add(
        "problem_framing",
        "Flag risky claims",
        task="binary",
        false_positive_cost=20.0,
        false_negative_cost=900.0,
    )
    model = b.add("model", "Claims forest", family="random_forest", calibration="none")
    trained(b, b.add("data_source", "Claims"), model)
    policy = b.add(
        "decision_policy", "Investigate", policy_type="threshold", threshold_source="validation_tuned"
    )
    b.chain(model, b.add("endpoint", "Claims API"), policy)


@variant("calibration", "sound.mlsd", "Calibrated scores for an auction", [], ["R43"])
def _(b: DesignBuilder) -> None:
    b.add("problem_framing", "Predict click", task="binary", false_positive_cost=1.0, false_negative_cost=3.0)
    metric(b, "Log loss", "logloss", role="optimizing")
    events = b.add("data_source", "Impressions")
    sampling = b.add(
        "sampling_strategy", "Negative sampling", method="negative_sampling", weighted_correction=True
    )
    model = b.add("model", "CTR GBDT", family="gbdt", calibration="isotonic")
    b.chain(events, b.add("dataset", "Impressions set"), sampling, b.add("training_job", "Training"), model)
    b.chain(
        model, b.add("endpoint", "Ad server"), b.add("decision_policy", "Auction", policy_type="optimizer")
    )


# ---- position bias (R44) --------------------------------------------------------------------


@variant("position_bias", "feed_clicks_none.mlsd", "Feed ranker on raw clicks", ["R44"], [])
def _(b: DesignBuilder) -> None:
    b.add("problem_framing", "Rank the feed", task="ranking")
    clicks = b.add("label_source", "Clicks", label_type="natural", position_correction="none")
    model = b.add("model", "Feed ranker", family="gbdt")
    trained(b, clicks, model)
    b.link(model, b.add("endpoint", "Feed API"))


@variant(
    "unknown_is_not_safe",
    "position_correction_unset.mlsd",
    "Search purchases, correction unset",
    ["R44"],
    [],
    ["label_source_1.position_correction"],
)
def _(b: DesignBuilder) -> None:
    metric(b, "MRR", "mrr", role="optimizing")
    purchases = b.add(
        "label_source", "Purchases after search", label_type="delayed_outcome", delay_hours=24.0
    )
    model = b.add("model", "LTR model", family="gbdt")
    trained(b, purchases, model)
    b.link(model, b.add("endpoint", "Search API"))


@variant(
    "unknown_is_not_safe",
    "label_type_unset_ranking.mlsd",
    "Rerank policy, label type unset",
    ["R44"],
    [],
    ["label_source_1.label_type", "label_source_1.position_correction"],
)
def _(b: DesignBuilder) -> None:
    labels = b.add("label_source", "Engagement")
    model = b.add("model", "Scorer", family="deep_nn")
    trained(b, labels, model)
    policy = b.add("decision_policy", "Diversity rerank", policy_type="rerank")
    b.chain(model, b.add("endpoint", "Home API"), policy, b.add("consumer", "Home page"))


@variant("position_bias", "sound.mlsd", "Clicks weighted by inverse examination propensity", [], ["R44"])
def _(b: DesignBuilder) -> None:
    b.add("problem_framing", "Rank results", task="ranking")
    metric(b, "NDCG@10", "ndcg", role="optimizing")
    clicks = b.add("label_source", "Clicks", label_type="natural", position_correction="ipw")
    judged = b.add("label_source", "Relevance judgments", label_type="human_annotation")
    model = b.add("model", "LambdaMART", family="gbdt")
    job = trained(b, clicks, model)
    b.link(judged, job)
    b.link(model, b.add("endpoint", "Search API"))


# ---- label maturity (R45) -------------------------------------------------------------------


@variant("label_maturity", "conversions_daily.mlsd", "Week-long conversions, daily training", ["R45"], [])
def _(b: DesignBuilder) -> None:
    labels = b.add("label_source", "Conversions", label_type="delayed_outcome", delay_hours=168.0)
    model = b.add("model", "CVR model", family="gbdt")
    trained(b, labels, model, "Daily training", schedule="periodic")
    b.link(model, b.add("endpoint", "Bidding API"))


@variant("label_maturity", "continual_ctr.mlsd", "Continual training on slow labels", ["R45"], [])
def _(b: DesignBuilder) -> None:
    events = b.add("data_source", "Installs")
    labels = b.add("label_source", "Day-1 retention", label_type="natural", delay_hours=24.0)
    b.link(events, labels)
    model = b.add("model", "Install quality", family="deep_nn")
    trained(b, labels, model, "Online learner", schedule="continual")


@variant(
    "unknown_is_not_safe",
    "delay_hours_unset.mlsd",
    "Churn labels with unknown delay",
    ["R45"],
    [],
    ["label_source_1.delay_hours"],
)
def _(b: DesignBuilder) -> None:
    b.add("problem_framing", "Predict churn", task="binary")
    labels = b.add("label_source", "Cancellations", label_type="delayed_outcome")
    model = b.add("model", "Churn model", family="gbdt")
    trained(b, labels, model, "Weekly retraining", schedule="periodic")


@variant("label_maturity", "triggered_unstated.mlsd", "Drift-triggered retraining, chargebacks", ["R45"], [])
def _(b: DesignBuilder) -> None:
    labels = b.add("label_source", "Chargebacks", label_type="delayed_outcome", delay_hours=1440.0)
    model = b.add("model", "Fraud model", family="gbdt")
    job = trained(b, labels, model, "Retrain on drift", schedule="triggered")
    b.link(b.add("monitor", "Drift", watches=["data_drift"], alerting=True), job)


@variant("label_maturity", "sound.mlsd", "Delayed feedback re-weighted, slow labels monthly", [], ["R45"])
def _(b: DesignBuilder) -> None:
    conversions = b.add("label_source", "Conversions", label_type="delayed_outcome", delay_hours=72.0)
    weights = b.add(
        "sampling_strategy", "Delayed-feedback weights", method="importance_weight", weighted_correction=True
    )
    cvr = b.add("model", "CVR model", family="deep_nn")
    b.chain(conversions, weights, b.add("training_job", "Daily training", schedule="periodic"), cvr)
    churn = b.add("label_source", "Churn", label_type="delayed_outcome", delay_hours=500.0)
    trained(b, churn, b.add("model", "Churn model"), "Monthly retraining", schedule="periodic")


# ---- metric alignment (R46) -----------------------------------------------------------------


def _served(b: DesignBuilder) -> str:
    model = b.add("model", "Model", family="gbdt")
    b.link(model, b.add("endpoint", "API"))
    return model


@variant("metric_alignment", "unwatched_auc.mlsd", "Objective watched for latency only", ["R46"], [])
def _(b: DesignBuilder) -> None:
    _served(b)
    auc = metric(b, "AUC", "roc_auc", role="optimizing")
    objective = b.add("business_objective", "Repeat purchases", kpi="repeat purchase rate")
    b.link(auc, objective)
    b.link(b.add("monitor", "Service health", watches=["latency", "errors"], alerting=True), objective)


@variant(
    "unknown_is_not_safe",
    "metric_role_unset.mlsd",
    "Metric role unset, monitor watches unset",
    ["R46"],
    [],
    ["metric_1.role", "monitor_1.watches"],
)
def _(b: DesignBuilder) -> None:
    b.add("problem_framing", "Detect defects", task="binary")
    _served(b)
    recall = metric(b, "Recall", "recall")
    b.link(b.add("monitor", "Quality monitor"), recall)


@variant("metric_alignment", "experiment_elsewhere.mlsd", "Experiment measures something else", ["R46"], [])
def _(b: DesignBuilder) -> None:
    model = _served(b)
    f1 = metric(b, "F1", "f1", role="optimizing")
    objective = b.add("business_objective", "Support cost", kpi="tickets per 1k orders")
    b.link(f1, objective)
    experiment = b.add("experiment", "A/B test", experiment_type="ab", primary_metric="session length")
    b.link(experiment, model)
    b.link(b.add("monitor", "Drift", watches=["data_drift"]), model)


@variant("metric_alignment", "sound.mlsd", "Metric tied to a watched KPI and an A/B test", [], ["R46"])
def _(b: DesignBuilder) -> None:
    model = _served(b)
    ndcg = metric(b, "NDCG", "ndcg", role="optimizing")
    metric(b, "Latency guardrail", "other", role="guardrail")
    objective = b.add("business_objective", "Watch time", kpi="watch time per user")
    b.link(ndcg, objective)
    b.link(b.add("monitor", "KPI monitor", watches=["business_kpi"], alerting=True), objective)
    b.link(b.add("experiment", "A/B test", experiment_type="ab", primary_metric="watch time per user"), model)


# ---- cold start (R47) -----------------------------------------------------------------------


@variant("cold_start", "mf_recommender_none.mlsd", "Matrix factorisation, no cold start", ["R47"], [])
def _(b: DesignBuilder) -> None:
    b.add("problem_framing", "Recommend items", task="ranking")
    model = b.add("model", "Matrix factorisation", family="factorization", cold_start="none")
    trained(b, b.add("label_source", "Purchases", label_type="natural"), model)
    b.chain(model, b.add("endpoint", "Recs API"), b.add("consumer", "Shop"))


@variant(
    "unknown_is_not_safe",
    "cold_start_unset.mlsd",
    "Two-stage recommender, both unset",
    ["R47"],
    [],
    ["model_2.cold_start"],
)
def _(b: DesignBuilder) -> None:
    retrieval = b.add("model", "Two-tower retrieval", family="deep_nn")
    ranker = b.add("model", "Ranker", family="gbdt")
    endpoint = b.add("endpoint", "Feed API")
    b.chain(retrieval, b.add("feature_store", "Candidates"), ranker, endpoint)
    b.chain(endpoint, b.add("decision_policy", "Rerank", policy_type="rerank"), b.add("consumer", "App"))


@variant(
    "cold_start", "ndcg_no_endpoint.mlsd", "Ranking metric, model not yet served, no cold start", ["R47"], []
)
def _(b: DesignBuilder) -> None:
    metric(b, "NDCG@5", "ndcg", role="optimizing")
    model = b.add("model", "Job matcher", family="gbdt", cold_start="none")
    trained(b, b.add("label_source", "Applications", label_type="natural"), model)
    b.link(model, b.add("evaluation", "Offline evaluation"))


@variant("cold_start", "sound.mlsd", "Content features in retrieval", [], ["R47"])
def _(b: DesignBuilder) -> None:
    b.add("problem_framing", "Recommend videos", task="ranking")
    retrieval = b.add("model", "Content retrieval", family="deep_nn", cold_start="content_features")
    ranker = b.add("model", "Ranker", family="gbdt", cold_start="none")
    endpoint = b.add("endpoint", "Feed API")
    b.chain(retrieval, ranker, endpoint, b.add("consumer", "App"))
    b.link(retrieval, endpoint)


# ---- PII in prediction logs (R48) -----------------------------------------------------------


def _logger(b: DesignBuilder, endpoint: str, **props: object) -> str:
    logger = b.add("prediction_logger", "Prediction log", **props)
    b.link(endpoint, logger)
    return logger


@variant("pii_in_logs", "direct_logging.mlsd", "Profile features logged as they are", ["R48"], [])
def _(b: DesignBuilder) -> None:
    profiles = b.add("data_source", "User profiles", contains_pii=True)
    model = b.add("model", "Scorer")
    endpoint = b.add("endpoint", "API")
    b.chain(profiles, b.add("feature_store", "Online store"), model, endpoint)
    _logger(b, endpoint, logs_features=True)


@variant("pii_in_logs", "consent_only_governance.mlsd", "Governance without protective controls", ["R48"], [])
def _(b: DesignBuilder) -> None:
    users = b.add("data_source", "Patients", contains_pii=True)
    governance = b.add(
        "governance", "Consent check", controls=["consent", "access_control"], regulation="hipaa"
    )
    model = b.add("model", "Triage model")
    endpoint = b.add("endpoint", "Triage API")
    b.chain(users, governance, b.add("feature_pipeline", "Features"), model, endpoint)
    _logger(b, endpoint, logs_features=True)


@variant(
    "unknown_is_not_safe",
    "pii_flags_unset.mlsd",
    "Personal data and logging both unknown",
    ["R48"],
    [],
    ["data_source_1.contains_pii", "prediction_logger_1.logs_features"],
)
def _(b: DesignBuilder) -> None:
    b.add("problem_framing", "Score accounts", task="binary")
    source = b.add("data_source", "Accounts")
    model = b.add("model", "Scorer")
    endpoint = b.add("endpoint", "API")
    b.chain(source, model, endpoint)
    _logger(b, endpoint)


@variant("pii_in_logs", "request_bypass.mlsd", "Request data bypasses the anonymiser", ["R48"], [])
def _(b: DesignBuilder) -> None:
    users = b.add("data_source", "Users", contains_pii=True)
    governance = b.add("governance", "Pseudonymise", controls=["anonymize"])
    store = b.add("feature_store", "Feature store")
    model = b.add("model", "Scorer")
    endpoint = b.add("endpoint", "API")
    b.chain(users, governance, store, model, endpoint)
    request = b.add("feature_pipeline", "Request features")
    b.chain(users, request, model)
    _logger(b, endpoint, logs_features=True)


@variant("pii_in_logs", "sound.mlsd", "Pseudonymised features, governed log", [], ["R48"])
def _(b: DesignBuilder) -> None:
    users = b.add("data_source", "Users", contains_pii=True)
    governance = b.add("governance", "Pseudonymise", controls=["anonymize", "retention"])
    store = b.add("feature_store", "Feature store")
    model = b.add("model", "Scorer")
    endpoint = b.add("endpoint", "API")
    b.chain(users, governance, store, model, endpoint)
    raw = b.add("data_source", "Raw events", contains_pii=True)
    b.chain(raw, b.add("dataset", "Training set"), b.add("training_job", "Training"), model)
    logger = _logger(b, endpoint, logs_features=True)
    b.link(b.add("governance", "Log retention", controls=["retention", "encrypt"]), logger)


# ---- correction cascade (R49) ---------------------------------------------------------------


@variant("correction_cascade", "partner_scores.mlsd", "Another team's scores as training data", ["R49"], [])
def _(b: DesignBuilder) -> None:
    scores = b.add("data_source", "Risk team scores", source_type="model_output")
    model = b.add("model", "Credit limit model")
    trained(b, scores, model)
    b.link(model, b.add("endpoint", "Limits API"))


@variant("correction_cascade", "stacked_models.mlsd", "Declared but unwatched stacking", ["R49"], ["R33"])
def _(b: DesignBuilder) -> None:
    first = b.add("model", "Intent model")
    consumer = b.add("consumer", "Ranking team", consumer_type="downstream_model", declared=True)
    store = b.add("feature_store", "Shared features")
    second = b.add("model", "Ranker")
    b.chain(first, consumer, store, b.add("training_job", "Ranker training"), second)


@variant(
    "unknown_is_not_safe",
    "cascade_declared_unset.mlsd",
    "Consumer declaration and monitor unknown",
    ["R49"],
    [],
    ["consumer_1.declared", "monitor_1.watches"],
)
def _(b: DesignBuilder) -> None:
    consumer = b.add("consumer", "Fraud scores feed")
    scores = b.add("data_source", "Fraud scores", source_type="model_output")
    b.link(consumer, scores)
    b.link(b.add("monitor", "Feed monitor"), scores)
    trained(b, scores, b.add("model", "Collections model"))


@variant(
    "correction_cascade",
    "pseudo_labels.mlsd",
    "One model's predictions as another's labels",
    ["R49", "R33"],
    [],
)
def _(b: DesignBuilder) -> None:
    teacher = b.add("model", "Teacher", family="transformer")
    labels = b.add("label_source", "Pseudo-labels", label_type="weak")
    b.link(teacher, labels)
    trained(b, labels, b.add("model", "Student", family="logistic"))


@variant("correction_cascade", "sound.mlsd", "Upstream model named and watched", [], ["R49"])
def _(b: DesignBuilder) -> None:
    upstream = b.add("model", "Upstream scorer")
    scores = b.add("data_source", "Upstream scores", source_type="model_output")
    b.link(upstream, scores)
    b.link(b.add("monitor", "Upstream watch", watches=["upstream", "data_drift"], alerting=True), scores)
    trained(b, scores, b.add("model", "Downstream model"))


# ---- censored outcomes (R50) ----------------------------------------------------------------


@variant("censored_outcomes", "stockout_forecast.mlsd", "Sales as demand despite stock-outs", ["R50"], [])
def _(b: DesignBuilder) -> None:
    b.add("problem_framing", "Forecast demand", task="forecast")
    sales = b.add("label_source", "Daily sales", label_type="natural", censored=True)
    model = b.add("model", "Demand GBDT", family="gbdt")
    trained(b, sales, model)
    b.link(model, b.add("endpoint", "Replenishment batch", mode="batch"))


@variant(
    "unknown_is_not_safe",
    "censored_unset.mlsd",
    "Forecast with censoring unknown",
    ["R50"],
    [],
    ["label_source_1.censored"],
)
def _(b: DesignBuilder) -> None:
    b.add("problem_framing", "Forecast bookings", task="forecast")
    bookings = b.add("label_source", "Bookings", label_type="natural")
    trained(b, bookings, b.add("model", "Booking forecaster", family="rnn"))


@variant("censored_outcomes", "declined_loans.mlsd", "Defaults only of approved loans", ["R50"], [])
def _(b: DesignBuilder) -> None:
    b.add("problem_framing", "Predict default", task="binary")
    defaults = b.add("label_source", "Defaults", label_type="delayed_outcome", censored=True)
    model = b.add("model", "Credit model", family="gbdt")
    trained(b, defaults, model)
    endpoint = b.add("endpoint", "Credit API")
    b.chain(model, endpoint, b.add("decision_policy", "Approve", policy_type="threshold"))
    b.link(endpoint, b.add("prediction_logger", "Decision log", holdout_pct=0.0, propensity_logged=True))


@variant(
    "censored_outcomes", "holdout_without_propensity.mlsd", "Holdout whose propensities are lost", ["R50"], []
)
def _(b: DesignBuilder) -> None:
    b.add("problem_framing", "Rank offers", task="ranking")
    clicks = b.add("label_source", "Offer clicks", label_type="natural", censored=True)
    model = b.add("model", "Offer ranker")
    trained(b, clicks, model)
    endpoint = b.add("endpoint", "Offers API")
    b.link(model, endpoint)
    b.link(endpoint, b.add("prediction_logger", "Log", holdout_pct=2.0, propensity_logged=False))


@variant("censored_outcomes", "sound.mlsd", "Random approvals and re-weighted forecasts", [], ["R50"])
def _(b: DesignBuilder) -> None:
    b.add("problem_framing", "Predict default", task="binary")
    defaults = b.add("label_source", "Defaults", label_type="delayed_outcome", censored=True)
    model = b.add("model", "Credit model", family="gbdt")
    trained(b, defaults, model)
    endpoint = b.add("endpoint", "Credit API")
    b.link(model, endpoint)
    b.link(
        endpoint, b.add("prediction_logger", "Approve-anyway log", holdout_pct=0.5, propensity_logged=True)
    )
    demand = b.add("label_source", "Sales", censored=True)
    weights = b.add(
        "sampling_strategy", "Censoring weights", method="importance_weight", weighted_correction=True
    )
    b.chain(demand, weights, b.add("training_job", "Forecast training"), b.add("model", "Demand model"))


# ---- swap gate (R51) ------------------------------------------------------------------------


def _watched(b: DesignBuilder, endpoint: str) -> None:
    b.link(b.add("monitor", "Answer quality", watches=["groundedness", "safety"], alerting=True), endpoint)


@variant("swap_gate", "ungated_prompt.mlsd", "Prompt and vendor model straight to serving", ["R51"], [])
def _(b: DesignBuilder) -> None:
    prompt = b.add("prompt_template", "Answer prompt", version="v3", versioned=True)
    llm = b.add("model", "Vendor LLM", family="llm", provenance="vendor_api", version_pinned=True)
    endpoint = b.add("endpoint", "Assistant API")
    b.chain(prompt, llm, endpoint, b.add("consumer", "Chat widget"))
    _watched(b, endpoint)


@variant("swap_gate", "unpinned_vendor.mlsd", "Gated, but the vendor version floats", ["R51"], [])
def _(b: DesignBuilder) -> None:
    prompt = b.add("prompt_template", "Summary prompt", versioned=True)
    llm = b.add("model", "Vendor LLM", family="llm", provenance="vendor_api", version_pinned=False)
    endpoint = b.add("endpoint", "Summaries API")
    b.chain(prompt, llm, b.add("evaluation", "Golden-set gate", gate=True), endpoint)
    _watched(b, endpoint)


@variant(
    "swap_gate", "unmonitored_generation.mlsd", "Generation endpoint without answer monitors", ["R51"], []
)
def _(b: DesignBuilder) -> None:
    b.add("problem_framing", "Draft replies", task="generation")
    llm = b.add("model", "Fine-tuned LLM", family="llm", provenance="fine_tuned")
    endpoint = b.add("endpoint", "Drafts API")
    trained(b, b.add("data_source", "Past replies"), llm)
    b.chain(llm, b.add("evaluation", "Gate", gate=True), endpoint)
    b.link(b.add("monitor", "Ops", watches=["latency", "errors"], alerting=True), endpoint)


@variant(
    "swap_gate", "pretrained_embedder_bypass.mlsd", "Pretrained embedder reaches serving ungated", ["R51"], []
)
def _(b: DesignBuilder) -> None:
    embedder = b.add(
        "model", "Sentence embedder", family="transformer", provenance="pretrained", version_pinned=True
    )
    index = b.add("vector_index", "Product vectors", index_type="hnsw")
    retriever = b.add("retriever", "Semantic search", method="dense", top_k=50)
    b.chain(embedder, index, retriever, b.add("endpoint", "Search API"), b.add("consumer", "Shop search"))


@variant("swap_gate", "sound.mlsd", "Every swap passes the gate", [], ["R51"])
def _(b: DesignBuilder) -> None:
    prompt = b.add("prompt_template", "Answer prompt", version="v14", versioned=True)
    llm = b.add("model", "Vendor LLM", family="llm", provenance="vendor_api", version_pinned=True)
    endpoint = b.add("endpoint", "Assistant API")
    b.chain(prompt, llm, b.add("evaluation", "Offline gate", gate=True), endpoint)
    _watched(b, endpoint)


# ---- adversarial (R52) ----------------------------------------------------------------------


@variant("adversarial", "fraud_no_adaptation.mlsd", "Fraud model trained once", ["R52"], [])
def _(b: DesignBuilder) -> None:
    b.add("problem_framing", "Detect fraud", task="binary", adversarial=True)
    model = b.add("model", "Fraud model", family="gbdt")
    trained(b, b.add("label_source", "Chargebacks", label_type="delayed_outcome"), model, schedule="manual")
    b.chain(
        model, b.add("endpoint", "Scoring API"), b.add("decision_policy", "Decline", policy_type="threshold")
    )


@variant("adversarial", "spam_silent_monitor.mlsd", "Drift watched without alerts", ["R52"], [])
def _(b: DesignBuilder) -> None:
    b.add("problem_framing", "Filter spam", task="binary", adversarial=True)
    model = b.add("model", "Spam model")
    trained(b, b.add("label_source", "Reports"), model, "Daily training", schedule="periodic")
    b.link(b.add("monitor", "Drift dashboard", watches=["concept_drift"], alerting=False), model)
    b.chain(model, b.add("human_review", "Review queue"))


@variant(
    "unknown_is_not_safe",
    "adversarial_unset.mlsd",
    "Enforcement system, flag unset",
    ["R52"],
    [],
    ["problem_framing_1.adversarial"],
)
def _(b: DesignBuilder) -> None:
    b.add("problem_framing", "Detect fake accounts", task="binary")
    model = b.add("model", "Account model")
    policy = b.add("decision_policy", "Suspend", policy_type="rules")
    b.chain(model, b.add("endpoint", "Signup API"), policy, b.add("human_review", "Appeals"))


@variant("adversarial", "no_new_labels.mlsd", "Retrained and watched, but no new labels", ["R52"], [])
def _(b: DesignBuilder) -> None:
    b.add("problem_framing", "Block bots", task="binary", adversarial=True)
    model = b.add("model", "Bot model")
    trained(
        b, b.add("label_source", "Seed labels", label_type="human_annotation"), model, schedule="continual"
    )
    b.link(b.add("monitor", "Drift", watches=["data_drift"], alerting=True), model)


@variant("adversarial", "sound.mlsd", "Alerts, retraining and labels from outcomes", [], ["R52"])
def _(b: DesignBuilder) -> None:
    b.add("problem_framing", "Detect fraud", task="binary", adversarial=True)
    labels = b.add("label_source", "Chargebacks", label_type="delayed_outcome")
    model = b.add("model", "Fraud model")
    trained(b, labels, model, "Drift-triggered training", schedule="triggered")
    b.link(b.add("monitor", "Concept drift", watches=["concept_drift"], alerting=True), model)
    consumer = b.add("consumer", "Payments")
    b.chain(model, b.add("endpoint", "Scoring API"), consumer)
    b.link(consumer, labels, feedback=True)


# ---- label quality (R53) --------------------------------------------------------------------


@variant("label_quality", "low_kappa.mlsd", "Annotators disagree", ["R53"], [])
def _(b: DesignBuilder) -> None:
    labels = b.add("label_source", "Toxicity labels", label_type="human_annotation", annotator_agreement=0.41)
    model = b.add("model", "Toxicity model")
    trained(b, labels, model)
    b.link(model, b.add("evaluation", "Holdout"))


@variant(
    "unknown_is_not_safe",
    "annotator_agreement_unset.mlsd",
    "Agreement never measured",
    ["R53"],
    [],
    ["label_source_1.annotator_agreement"],
)
def _(b: DesignBuilder) -> None:
    labels = b.add("label_source", "Intent labels", label_type="human_annotation")
    model = b.add("model", "Intent classifier")
    trained(b, labels, model)
    b.link(model, b.add("evaluation", "Holdout"))


@variant("label_quality", "weak_only.mlsd", "Weak labels judged by weak labels", ["R53"], [])
def _(b: DesignBuilder) -> None:
    weak = b.add("label_source", "Keyword rules", label_type="weak")
    model = b.add("model", "Topic model")
    trained(b, weak, model)
    b.link(model, b.add("evaluation", "Holdout on rule labels"))


@variant(
    "label_quality",
    "human_labels_only_in_training.mlsd",
    "Human labels only mixed into training",
    ["R53"],
    [],
)
def _(b: DesignBuilder) -> None:
    weak = b.add("label_source", "Labeling functions", label_type="weak")
    gold = b.add("label_source", "Gold labels", label_type="human_annotation", annotator_agreement=0.85)
    model = b.add("model", "Classifier")
    job = trained(b, weak, model)
    b.link(gold, job)
    b.link(model, b.add("evaluation", "Evaluation"))


@variant("label_quality", "sound.mlsd", "Weak training, human test set with good agreement", [], ["R53"])
def _(b: DesignBuilder) -> None:
    weak = b.add("label_source", "Labeling functions", label_type="weak")
    gold = b.add("label_source", "Gold test labels", label_type="human_annotation", annotator_agreement=0.82)
    model = b.add("model", "Classifier")
    trained(b, weak, model)
    evaluation = b.add("evaluation", "Evaluation on gold labels", gate=True)
    b.link(model, evaluation)
    b.link(gold, evaluation)


# ---- more flawed designs, each raising its rule by the flaw itself -----------------------------


@variant("calibration", "logloss_multiclass_none.mlsd", "Multiclass log loss, uncalibrated net", ["R43"], [])
def _(b: DesignBuilder) -> None:
    framing = b.add("problem_framing", "Route tickets", task="multiclass")
    b.link(framing, metric(b, "Log loss", "logloss", role="optimizing"))
    model = b.add("model", "Ticket router", family="transformer", calibration="none")
    trained(b, b.add("label_source", "Agent routing", label_type="explicit"), model)
    b.link(model, b.add("endpoint", "Routing API"))


@variant("position_bias", "search_mrr_none.mlsd", "Search purchases, bias left in", ["R44"], [])
def _(b: DesignBuilder) -> None:
    metric(b, "MRR", "mrr", role="optimizing")
    purchases = b.add(
        "label_source", "Purchases after search", label_type="delayed_outcome", position_correction="none"
    )
    model = b.add("model", "LTR model", family="gbdt")
    trained(b, purchases, model)
    b.link(model, b.add("endpoint", "Search API"))


@variant("position_bias", "retriever_clicks_none.mlsd", "Retrieved lists, raw clicks", ["R44"], [])
def _(b: DesignBuilder) -> None:
    retriever = b.add("retriever", "Job search", method="hybrid", top_k=100)
    clicks = b.add("label_source", "Applications", label_type="natural", position_correction="none")
    model = b.add("model", "Job scorer", family="gbdt")
    trained(b, clicks, model)
    b.chain(retriever, model, b.add("endpoint", "Jobs API"))


@variant("label_maturity", "every_six_hours.mlsd", "Six-hourly retraining, two-day labels", ["R45"], [])
def _(b: DesignBuilder) -> None:
    labels = b.add("label_source", "Repeat visits", label_type="natural", delay_hours=48.0)
    model = b.add("model", "Visit model")
    job = trained(b, labels, model, "Retraining", schedule="periodic")
    b.design.component_by_id()[job].notes = "Retrains every 6 hours on the latest events."
    b.link(model, b.add("endpoint", "Personalisation API"))


@variant(
    "metric_alignment",
    "metric_unlinked.mlsd",
    "Monitor and experiment beside, not on, the metric",
    ["R46"],
    [],
)
def _(b: DesignBuilder) -> None:
    model = _served(b)
    metric(b, "PR-AUC", "pr_auc", role="optimizing")
    b.link(b.add("monitor", "Quality", watches=["model_quality"], alerting=True), model)
    b.link(b.add("experiment", "A/B test", experiment_type="ab", primary_metric="orders per visitor"), model)


@variant(
    "cold_start", "two_stage_none.mlsd", "Two-stage recommender, neither handles cold start", ["R47"], []
)
def _(b: DesignBuilder) -> None:
    retrieval = b.add("model", "Two-tower retrieval", family="deep_nn", cold_start="none")
    ranker = b.add("model", "Ranker", family="gbdt", cold_start="none")
    endpoint = b.add("endpoint", "Feed API")
    b.chain(retrieval, ranker, endpoint)
    b.link(retrieval, endpoint)
    b.chain(endpoint, b.add("decision_policy", "Rerank", policy_type="rerank"), b.add("consumer", "App"))



# ---- unrecorded_choice (R54) ----------------------------------------------------------------


def decide(
    b: DesignBuilder,
    components: list[str],
    options: int = 2,
    consequences: str = "Serving cost rises; the simpler option stays as the fallback.",
    status: str = "accepted",
) -> None:
    """A design decision concerning `components`, with `options` options considered."""
    named = [
        DecisionOption(name="Gradient-boosted trees", pros=["Fast on CPU"], cons=["Needs feature work"]),
        DecisionOption(name="Deep model", pros=["Learns from raw ids"], cons=["GPU serving"]),
        DecisionOption(name="Logistic regression", pros=["Transparent"], cons=["Misses interactions"]),
    ][:options]
    b.design.decisions.append(
        Decision(
            id=f"decision_{len(b.design.decisions) + 1}",
            title="Model family and serving",
            status=status,  # type: ignore[arg-type]
            components=components,
            context="Tabular features, 50 ms budget.",
            options=named,
            chosen=named[0].name,
            consequences=consequences,
            date="2026-12-06",
        )
    )


def scoring_design(b: DesignBuilder, family: str | None = "gbdt", mode: str | None = "online") -> list[str]:
    """data -> training -> model -> endpoint -> consumer; returns [model, endpoint]."""
    model = b.add("model", "Scorer", **({"family": family} if family else {}))
    trained(b, b.add("data_source", "Events"), model)
    endpoint = b.add("endpoint", "Scoring API", **({"mode": mode} if mode else {}))
    b.chain(model, endpoint, b.add("consumer", "App"))
    return [model, endpoint]


@variant("unrecorded_choice", "family_without_decision.mlsd", "GBDT chosen, nothing recorded", ["R54"], [])
def _(b: DesignBuilder) -> None:
    scoring_design(b, mode=None)


@variant("unrecorded_choice", "mode_without_decision.mlsd", "Batch scoring, nothing recorded", ["R54"], [])
def _(b: DesignBuilder) -> None:
    scoring_design(b, family=None, mode="batch")


@variant("unrecorded_choice", "one_option_only.mlsd", "A decision that weighs nothing", ["R54"], [])
def _(b: DesignBuilder) -> None:
    decide(b, scoring_design(b), options=1)


@variant("unrecorded_choice", "no_consequences.mlsd", "Options listed, consequences not", ["R54"], [])
def _(b: DesignBuilder) -> None:
    decide(b, scoring_design(b), consequences="")


@variant("unrecorded_choice", "rejected_decision.mlsd", "Only a rejected decision on record", ["R54"], [])
def _(b: DesignBuilder) -> None:
    decide(b, scoring_design(b), status="rejected")


@variant("unrecorded_choice", "model_decided_endpoint_not.mlsd", "Model decided, serving not", ["R54"], [])
def _(b: DesignBuilder) -> None:
    model, _endpoint = scoring_design(b)
    decide(b, [model])


@variant("unrecorded_choice", "sound.mlsd", "Model family and serving mode weighed", [], ["R54"])
def _(b: DesignBuilder) -> None:
    model, endpoint = scoring_design(b)
    decide(b, [model])
    decide(b, [endpoint], status="proposed")


def manifest_notes(fires: list[str], quiet: list[str], unset: list[str]) -> str:
    """The manifest in meta.notes, one item a line, as tests/rules/variants/build_variants.py
    writes it: `expect: R43`, `unset: model_1.calibration`, `quiet: R43`."""
    lines = [
        f"{key}: {', '.join(values)}"
        for key, values in (("expect", fires), ("unset", unset), ("quiet", quiet))
    ]
    return "\n".join(line for line, values in zip(lines, (fires, unset, quiet), strict=True) if values)


def main(only: list[str]) -> None:
    """Write every flaw class's designs, or only those of the classes named in `only`."""
    catalog = default_catalog()
    for flaw, files in VARIANTS.items():
        if only and flaw not in only:
            continue
        folder = HERE / flaw
        folder.mkdir(exist_ok=True)
        for file, (title, fires, quiet, unset, build) in files.items():
            builder = DesignBuilder(catalog, title=title)
            build(builder)
            builder.design.meta.notes = manifest_notes(fires, quiet, unset)
            save_design(builder.design, folder / file)
        print(f"{flaw}: {len(files)} designs")


if __name__ == "__main__":
    main(sys.argv[1:])
