"""Write the flaw-class variant designs (tests/rules/variants/<flaw_class>/*.mlsd).

    python -m tests.rules.variants.build_variants

Each flaw class has at least three structurally different designs that must raise it and
one sound design that must not. A design's meta.notes carries its manifest, one item a line:
`expect: R41` (rules that must fire), `unset: pipe.shared_train_serve` (properties a finding of
an expected rule must name as unset), `quiet: R16, R41` (rules that must not fire).
The .mlsd files are committed; this script is how they were written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.domain import ops
from app.domain.catalog import default_catalog
from app.persistence import save_design
from tests.factories import DesignBuilder

HERE = Path(__file__).resolve().parent

# (id, kind, name, properties); links as (source, target, options).
Comp = tuple[str, str, str, dict[str, Any]]
LinkSpec = tuple[str, str, dict[str, Any]]


def design(title: str, notes: str, comps: list[Comp], links: list[LinkSpec]) -> DesignBuilder:
    b = DesignBuilder(default_catalog(), title)
    for cid, kind, name, props in comps:
        metric_name = props.pop("metric_name", None) if kind == "metric" else None
        b.add(kind, name, id=cid, **props)
        if metric_name is not None:
            ops.set_property(b.design, b.catalog, cid, "name", metric_name)
    for source, target, options in links:
        b.link(source, target, **options)
    b.design.meta.notes = notes
    return b


def L(source: str, target: str, **options: Any) -> LinkSpec:  # noqa: N802 (reads like a link)
    return (source, target, options)


def C(cid: str, kind: str, name: str, **props: Any) -> Comp:  # noqa: N802
    return (cid, kind, name, props)


def _trained(model_props: dict[str, Any] | None = None, endpoint_mode: str = "online") -> list[Comp]:
    """History → training → model → endpoint: the spine most variants hang their flaw on."""
    return [
        C("history", "data_source", "History", source_type="warehouse"),
        C("train", "training_job", "Training", cv="holdout"),
        C("model", "model", "Model", family="gbdt", provenance="trained_here", **(model_props or {})),
        C("api", "endpoint", "Scoring API", mode=endpoint_mode),
    ]


def _spine() -> list[LinkSpec]:
    return [L("history", "train"), L("train", "model"), L("model", "api")]


VARIANTS: dict[str, dict[str, tuple[str, list[Comp], list[LinkSpec]]]] = {
    "skew": {
        "two_pipelines_online_store": (
            "expect: R41\nquiet: R16",
            [
                C("events", "data_source", "Events", source_type="event_stream"),
                C("spark", "feature_pipeline", "Spark batch features", shared_train_serve=False),
                C("flink", "feature_pipeline", "Flink streaming features", shared_train_serve=False),
                C("store", "feature_store", "Online store", online=True, point_in_time=True),
                C("train", "training_job", "Training"),
                C("model", "model", "Model", provenance="trained_here"),
                C("api", "endpoint", "Scoring API", mode="online"),
                C("app", "consumer", "App", consumer_type="user_app"),
            ],
            [
                L("events", "spark"),
                L("spark", "train"),
                L("train", "model"),
                L("model", "api"),
                L("api", "app"),
                L("events", "flink"),
                L("flink", "store"),
                L("store", "model", phase="serve"),
            ],
        ),
        "serving_only_pipeline_batch": (
            "expect: R41",
            [
                *_trained(endpoint_mode="batch"),
                C("request_fp", "feature_pipeline", "Scoring-time features", shared_train_serve=False),
            ],
            [*_spine(), L("request_fp", "model", phase="serve")],
        ),
        "raw_request_input": (
            "expect: R16",
            [*_trained(), C("request", "data_source", "Request context", source_type="api")],
            [*_spine(), L("request", "model", phase="serve")],
        ),
        "store_filled_by_raw_stream": (
            "expect: R16",
            [
                *_trained(),
                C("fp", "feature_pipeline", "Training features", shared_train_serve=True),
                C("stream", "data_source", "Click stream", source_type="event_stream"),
                C("store", "feature_store", "Online store", online=True),
            ],
            [
                *_spine(),
                L("history", "fp"),
                L("fp", "train"),
                L("stream", "store"),
                L("store", "model", phase="serve"),
            ],
        ),
        "sound": (
            "quiet: R16, R41",
            [
                *_trained(),
                C("fp", "feature_pipeline", "Shared features", shared_train_serve=True),
                C("store", "feature_store", "Feature store", online=True, offline=True, point_in_time=True),
            ],
            [
                *_spine(),
                L("history", "fp"),
                L("fp", "store"),
                L("store", "train", phase="train"),
                L("store", "model", phase="serve"),
            ],
        ),
    },
    "temporal_leakage": {
        "stratified_time_series": (
            "expect: R17",
            [
                C("sales", "data_source", "Sales", source_type="warehouse"),
                C("ds", "dataset", "Daily sales", is_time_series=True, split="stratified"),
                C("train", "training_job", "Training", cv="holdout"),
                C("model", "model", "Model", provenance="trained_here"),
            ],
            [L("sales", "ds"), L("ds", "train"), L("train", "model")],
        ),
        "kfold_forecast": (
            "expect: R17",
            [
                C("framing", "problem_framing", "Demand forecast", task="forecast"),
                C("sales", "data_source", "Sales", source_type="warehouse"),
                C("ds", "dataset", "Sales history", split="time"),
                C("train", "training_job", "Training", cv="kfold"),
                C("model", "model", "Forecaster", provenance="trained_here"),
            ],
            [L("sales", "ds"), L("ds", "train"), L("train", "model")],
        ),
        "random_split_event_logs": (
            "expect: R17",
            [
                C("logs", "data_source", "Session logs", source_type="logs"),
                C("conv", "label_source", "Conversions", label_type="delayed_outcome", delay_hours=168.0),
                C("ds", "dataset", "Sessions", is_time_series=False, split="random"),
                C("train", "training_job", "Training", cv="holdout"),
                C("model", "model", "Model", provenance="trained_here"),
            ],
            [L("logs", "ds"), L("conv", "ds"), L("ds", "train"), L("train", "model")],
        ),
        "store_without_point_in_time": (
            "expect: R42",
            [
                C("txn", "data_source", "Transactions", source_type="oltp_db"),
                C("store", "feature_store", "Feature store", point_in_time=False),
                C("cb", "label_source", "Chargebacks", label_type="delayed_outcome", delay_hours=720.0),
                C("ds", "dataset", "Training set", split="time", is_time_series=False),
                C("train", "training_job", "Training", cv="holdout"),
                C("model", "model", "Model", provenance="trained_here"),
            ],
            [L("txn", "store"), L("store", "ds"), L("cb", "ds"), L("ds", "train"), L("train", "model")],
        ),
        "target_encoding_fit_on_all_data": (
            "expect: R18",
            [
                C("users", "data_source", "Users", source_type="warehouse"),
                C("fp", "feature_pipeline", "Encoders", ops=["target_encode", "scale"], fit_on="all_data"),
                C("train", "training_job", "Training", cv="holdout"),
                C("model", "model", "Model", provenance="trained_here"),
            ],
            [L("users", "fp"), L("fp", "train"), L("train", "model")],
        ),
        "sound": (
            "quiet: R17, R18, R42",
            [
                C("logs", "data_source", "Session logs", source_type="logs"),
                C(
                    "fp",
                    "feature_pipeline",
                    "Features",
                    ops=["scale", "window_agg"],
                    fit_on="train_only",
                    point_in_time=True,
                ),
                C("store", "feature_store", "Feature store", point_in_time=True),
                C("conv", "label_source", "Conversions", label_type="delayed_outcome", delay_hours=168.0),
                C("ds", "dataset", "Sessions", is_time_series=True, split="time"),
                C("train", "training_job", "Training", cv="time_series_cv"),
                C("model", "model", "Model", provenance="trained_here"),
            ],
            [
                L("logs", "fp"),
                L("fp", "store"),
                L("store", "ds"),
                L("conv", "ds"),
                L("ds", "train"),
                L("train", "model"),
            ],
        ),
    },
    "uncorrected_sampling": {
        "negatives_into_auction": (
            "expect: R20",
            [
                C(
                    "neg",
                    "sampling_strategy",
                    "Negative sampling",
                    method="negative_sampling",
                    weighted_correction=False,
                ),
                *_trained(),
                C("auction", "decision_policy", "Auction", policy_type="optimizer"),
            ],
            [L("neg", "train"), *_spine(), L("api", "auction")],
        ),
        "undersampling_into_threshold": (
            "expect: R20",
            [
                C(
                    "under",
                    "sampling_strategy",
                    "Undersampling",
                    method="undersample",
                    weighted_correction=False,
                ),
                *_trained(),
                C("block", "decision_policy", "Block above t", policy_type="threshold"),
            ],
            [L("under", "train"), *_spine(), L("api", "block")],
        ),
        "oversampling_into_calibrated_model": (
            "expect: R20",
            [
                C(
                    "over",
                    "sampling_strategy",
                    "Oversampling",
                    method="oversample",
                    weighted_correction=False,
                ),
                *_trained({"calibration": "platt"}),
            ],
            [L("over", "train"), *_spine()],
        ),
        "smote_judged_by_brier": (
            "expect: R20",
            [
                C("smote", "sampling_strategy", "SMOTE", method="smote", weighted_correction=False),
                *_trained(),
                C("brier", "metric", "Brier score", metric_name="brier", role="optimizing"),
            ],
            [L("smote", "train"), *_spine()],
        ),
        "sound": (
            "quiet: R20",
            [
                C(
                    "neg",
                    "sampling_strategy",
                    "Negative sampling",
                    method="negative_sampling",
                    weighted_correction=True,
                ),
                *_trained(),
                C("auction", "decision_policy", "Auction", policy_type="optimizer"),
            ],
            [L("neg", "train"), *_spine(), L("api", "auction")],
        ),
    },
    "class_imbalance_metrics": {
        "accuracy_with_class_weights": (
            "expect: R19",
            [
                C("labels", "label_source", "Fraud labels", positive_rate=0.01),
                C("weights", "sampling_strategy", "Class weights", method="class_weight"),
                C("acc", "metric", "Accuracy", metric_name="accuracy", role="optimizing"),
                *_trained(),
            ],
            [L("labels", "train"), L("weights", "train"), *_spine()],
        ),
        "roc_auc_with_corrected_undersampling": (
            "expect: R19",
            [
                C("labels", "label_source", "Defaults", positive_rate=0.02),
                C(
                    "under",
                    "sampling_strategy",
                    "Undersampling",
                    method="undersample",
                    weighted_correction=True,
                ),
                C("auc", "metric", "ROC-AUC", metric_name="roc_auc", role="optimizing"),
                *_trained(),
            ],
            [L("labels", "under"), L("under", "train"), *_spine()],
        ),
        "accuracy_and_roc_auc": (
            "expect: R19",
            [
                C("labels", "label_source", "Churners", positive_rate=0.03),
                C("acc", "metric", "Accuracy", metric_name="accuracy", role="guardrail"),
                C("auc", "metric", "ROC-AUC", metric_name="roc_auc", role="optimizing"),
                *_trained(),
            ],
            [L("labels", "train"), *_spine()],
        ),
        "sound": (
            "quiet: R19",
            [
                C("labels", "label_source", "Fraud labels", positive_rate=0.01),
                C("prauc", "metric", "PR-AUC", metric_name="pr_auc", role="optimizing"),
                C("auc", "metric", "ROC-AUC", metric_name="roc_auc", role="guardrail"),
                *_trained(),
            ],
            [L("labels", "train"), *_spine()],
        ),
    },
    "release_safety": {
        "big_bang_internal_payments": (
            "expect: R29",
            [
                *_trained(),
                C("bang", "release_strategy", "Big-bang deploy", release_type="big_bang", rollback="none"),
                C("payments", "consumer", "Payments service", consumer_type="internal_service"),
            ],
            [
                L("history", "train"),
                L("train", "model"),
                L("model", "bang"),
                L("bang", "api"),
                L("api", "payments"),
            ],
        ),
        "unversioned_registry_downstream_model": (
            "expect: R29",
            [
                *_trained(),
                C("registry", "model_registry", "Registry", versioned=False),
                C("canary", "release_strategy", "Canary", release_type="canary", rollback="automated"),
                C("ranker", "consumer", "Ranking model", consumer_type="downstream_model"),
            ],
            [
                L("history", "train"),
                L("train", "model"),
                L("model", "registry"),
                L("registry", "canary"),
                L("canary", "api"),
                L("api", "ranker"),
            ],
        ),
        "no_release_user_app": (
            "expect: R29",
            [*_trained(), C("app", "consumer", "Mobile app", consumer_type="user_app")],
            [*_spine(), L("api", "app")],
        ),
        "gate_off": (
            "expect: R28",
            [*_trained(), C("eval", "evaluation", "Offline evaluation", gate=False)],
            [L("history", "train"), L("train", "model"), L("model", "eval"), L("eval", "api")],
        ),
        "sound": (
            "quiet: R28, R29",
            [
                *_trained(),
                C("eval", "evaluation", "Gate", gate=True),
                C("registry", "model_registry", "Registry", versioned=True),
                C("canary", "release_strategy", "Canary", release_type="canary", rollback="automated"),
                C("payments", "consumer", "Payments service", consumer_type="internal_service"),
            ],
            [
                L("history", "train"),
                L("train", "model"),
                L("model", "eval"),
                L("eval", "registry"),
                L("registry", "canary"),
                L("canary", "api"),
                L("api", "payments"),
            ],
        ),
    },
    "online_evaluation": {
        "internal_service_untested": (
            "expect: R37",
            [
                *_trained(),
                C("dispatch", "consumer", "Dispatch service", consumer_type="internal_service"),
                C("goal", "business_objective", "On-time rate"),
                C("kpi", "monitor", "KPI monitor", watches=["business_kpi"]),
            ],
            [*_spine(), L("api", "dispatch"), L("kpi", "goal")],
        ),
        "downstream_model_shadow_only": (
            "expect: R37",
            [
                *_trained(),
                C("ranker", "consumer", "Ranker", consumer_type="downstream_model"),
                C("shadow", "experiment", "Shadow run", experiment_type="shadow", unit="request"),
                C("goal", "business_objective", "Revenue"),
                C("kpi", "monitor", "KPI monitor", watches=["business_kpi"]),
            ],
            [*_spine(), L("api", "ranker"), L("shadow", "ranker"), L("kpi", "goal")],
        ),
        "ab_without_guardrails": (
            "expect: R37",
            [
                *_trained(),
                C("app", "consumer", "App", consumer_type="user_app"),
                C("ab", "experiment", "A/B test", experiment_type="ab", unit="user", guardrails=[]),
                C("goal", "business_objective", "Retention"),
                C("kpi", "monitor", "KPI monitor", watches=["business_kpi"]),
            ],
            [*_spine(), L("api", "app"), L("ab", "app"), L("kpi", "goal")],
        ),
        "sound": (
            "quiet: R37",
            [
                *_trained(),
                C("app", "consumer", "App", consumer_type="user_app"),
                C("ab", "experiment", "A/B test", experiment_type="ab", unit="user", guardrails=["latency"]),
                C("goal", "business_objective", "Retention"),
                C("kpi", "monitor", "KPI monitor", watches=["business_kpi"]),
            ],
            [*_spine(), L("api", "app"), L("ab", "app"), L("kpi", "goal")],
        ),
    },
    "interference": {
        "reranker_by_session": (
            "expect: R38",
            [
                C("market", "problem_framing", "Two-sided marketplace", marketplace=True, task="ranking"),
                *_trained(),
                C("rerank", "decision_policy", "Re-ranker", policy_type="rerank"),
                C("test", "experiment", "Ranking test", experiment_type="ab", unit="session"),
            ],
            [*_spine(), L("api", "rerank"), L("test", "api", flow="eval")],
        ),
        "bandit_by_request": (
            "expect: R38",
            [
                C("market", "problem_framing", "Ride marketplace", marketplace=True),
                *_trained(),
                C("bandit", "decision_policy", "Incentive bandit", policy_type="bandit"),
                C("test", "experiment", "Incentive test", experiment_type="ab", unit="request"),
            ],
            [*_spine(), L("api", "bandit")],
        ),
        "ranking_task_without_policy": (
            "expect: R38",
            [
                C("market", "problem_framing", "Rental search", marketplace=True, task="ranking"),
                *_trained(),
                C("test", "experiment", "Search A/B", experiment_type="ab", unit="user"),
            ],
            [*_spine()],
        ),
        "pricing_rules_by_user": (
            "expect: R38",
            [
                C("market", "problem_framing", "Delivery fees", marketplace=True, task="regression"),
                *_trained(),
                C("pricing", "decision_policy", "Surge pricing rules", policy_type="rules"),
                C("test", "experiment", "Fee test", experiment_type="ab", unit="user"),
            ],
            [*_spine(), L("api", "pricing")],
        ),
        "sound": (
            "quiet: R38",
            [
                C("market", "problem_framing", "Ride marketplace", marketplace=True),
                *_trained(),
                C("opt", "decision_policy", "Matching optimizer", policy_type="optimizer"),
                C("test", "experiment", "Switchback", experiment_type="switchback", unit="region_time"),
            ],
            [*_spine(), L("api", "opt")],
        ),
    },
    "feedback_loop": {
        "unmarked_prediction_to_data": (
            "expect: R39, R6",
            [*_trained()],
            [*_spine(), L("api", "history")],
        ),
        "actions_become_labels": (
            "expect: R39",
            [
                *_trained(),
                C("labels", "label_source", "Confirmed fraud", label_type="delayed_outcome"),
                C(
                    "policy",
                    "decision_policy",
                    "Block above t",
                    policy_type="threshold",
                    exploration_rate=0.0,
                ),
                C("review", "human_review", "Analysts"),
            ],
            [
                *_spine(),
                L("labels", "train"),
                L("api", "policy"),
                L("policy", "review"),
                L("review", "labels", flow="label", feedback=True),
            ],
        ),
        "bandit_without_propensities": (
            "expect: R39",
            [
                *_trained(),
                C("bandit", "decision_policy", "Bandit", policy_type="bandit"),
                C("app", "consumer", "App", consumer_type="user_app"),
                C("log", "prediction_logger", "Log", propensity_logged=False, holdout_pct=0.0),
            ],
            [
                *_spine(),
                L("api", "bandit"),
                L("bandit", "app"),
                L("api", "log"),
                L("app", "history", feedback=True),
            ],
        ),
        "loop_through_the_gate": (
            "expect: R39",
            [
                *_trained(),
                C("eval", "evaluation", "Gate", gate=True),
                C("app", "consumer", "App", consumer_type="user_app"),
            ],
            [
                L("history", "train"),
                L("train", "model"),
                L("model", "eval"),
                L("eval", "api"),
                L("api", "app"),
                L("app", "history", feedback=True),
            ],
        ),
        "sound": (
            "quiet: R39, R6",
            [
                *_trained(),
                C("rerank", "decision_policy", "Re-ranker", policy_type="rerank", exploration_rate=0.05),
                C("app", "consumer", "App", consumer_type="user_app"),
                C("log", "prediction_logger", "Log", propensity_logged=True),
                C("watch", "monitor", "Monitor", watches=["prediction_drift"]),
            ],
            [
                *_spine(),
                L("api", "rerank"),
                L("rerank", "app"),
                L("api", "log"),
                L("app", "history", feedback=True),
                L("api", "watch", flow="data"),
                L("watch", "model"),
            ],
        ),
    },
    "unknown_is_not_safe": {
        "gate_unset": (
            "expect: R28\nunset: eval.gate",
            [*_trained(), C("eval", "evaluation", "Offline evaluation")],
            [L("history", "train"), L("train", "model"), L("model", "eval"), L("eval", "api")],
        ),
        "governance_controls_unset": (
            "expect: R12\nunset: gov.controls",
            [
                C("users", "data_source", "Users", contains_pii=True),
                C("gov", "governance", "Privacy review"),
                C("ds", "dataset", "Training set"),
                C("train", "training_job", "Training"),
                C("model", "model", "Model", provenance="trained_here"),
            ],
            [L("users", "gov"), L("gov", "ds"), L("ds", "train"), L("train", "model")],
        ),
        "rollback_unset": (
            "expect: R29\nunset: canary.rollback",
            [
                *_trained(),
                C("registry", "model_registry", "Registry", versioned=True),
                C("canary", "release_strategy", "Canary", release_type="canary"),
                C("app", "consumer", "App", consumer_type="user_app"),
            ],
            [
                L("history", "train"),
                L("train", "model"),
                L("model", "registry"),
                L("registry", "canary"),
                L("canary", "api"),
                L("api", "app"),
            ],
        ),
        "shared_train_serve_unset": (
            "expect: R41\nunset: stream_fp.shared_train_serve",
            [*_trained(), C("stream_fp", "feature_pipeline", "Streaming features")],
            [*_spine(), L("stream_fp", "model", phase="serve")],
        ),
        "tied_metric_nameless": (
            "expect: R1\nunset: m.name",
            [
                C("goal", "business_objective", "Revenue"),
                C("m", "metric", "Offline metric", role="optimizing"),
                C("g", "metric", "Latency guardrail", role="guardrail"),
            ],
            [L("m", "goal")],
        ),
        "sound": (
            "quiet: R28",
            [*_trained(), C("eval", "evaluation", "Offline evaluation", gate=True)],
            [L("history", "train"), L("train", "model"), L("model", "eval"), L("eval", "api")],
        ),
    },
}


def build() -> list[Path]:
    written = []
    for flaw, variants in VARIANTS.items():
        folder = HERE / flaw
        folder.mkdir(exist_ok=True)
        for name, (notes, comps, links) in variants.items():
            copies = [(c[0], c[1], c[2], dict(c[3])) for c in comps]
            b = design(f"{flaw}: {name.replace('_', ' ')}", notes, copies, links)
            b.design.meta.created = b.design.meta.modified = "2026-12-06T00:00:00+00:00"
            path = folder / f"{name}.mlsd"
            save_design(b.design, path, touch_modified=False)
            written.append(path)
    return written


if __name__ == "__main__":
    for path in build():
        print(path.relative_to(HERE))
