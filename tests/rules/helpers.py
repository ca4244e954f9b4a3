"""Helpers for rule tests: run the engine and keep one rule's findings; a sound reference design."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from app.domain import ops
from app.domain.catalog import Catalog, default_catalog
from app.domain.model import Decision, DecisionOption, Design
from app.rules import Finding, RuleEngine, check_design
from tests.factories import DesignBuilder


def findings(design: Design, rule_id: str, severity: str | None = None) -> list[Finding]:
    """The findings of one rule (optionally of one severity) for a design."""
    result = check_design(design, default_catalog())
    return [f for f in result.findings if f.rule == rule_id and (severity is None or f.severity == severity)]


def random_link_edit(
    design: Design,
    catalog: Catalog,
    rng: random.Random,
    *,
    delete: float = 0.5,
    feedback: float = 0.3,
    flows: Sequence[str] = (),
    phases: Sequence[str] = (),
) -> list[ops.Change] | None:
    """Delete a random link (with probability `delete`) or draw one between two random
    components, marked feedback with probability `feedback`, with a random flow of `flows` and
    phase of `phases` when given; None when the two components drawn are linked already."""
    if rng.random() < delete and design.links:
        return ops.remove_link(design, rng.choice(design.links).id)[1]
    a, b = rng.sample(design.components, 2)
    if ops.find_link(design, a.id, b.id):
        return None
    link = ops.make_link(design, catalog, a.id, b.id, feedback=rng.random() < feedback)
    if flows:
        link.flow = rng.choice(flows)
    if phases:
        link.phase = rng.choice(phases)
    return ops.add_link(design, link)


def live_messages(engine: RuleEngine, rule_id: str) -> list[str]:
    """The messages of one rule in a live engine's check."""
    return [f.message for f in engine.check().findings if f.rule == rule_id]


def live_matches_fresh(engine: RuleEngine, b: DesignBuilder) -> None:
    """The live engine's findings after its edits are those of a fresh check of the design."""
    live = [(f.rule, f.message, f.components) for f in engine.check().findings]
    fresh = [(f.rule, f.message, f.components) for f in check_design(b.design, b.catalog).findings]
    assert live == fresh


def fired(design: Design, rule_id: str) -> list[Finding]:
    """Findings of a rule raised by a known flaw, not by an unset rule-critical property."""
    return [f for f in findings(design, rule_id) if not f.unset]


def unspecified(design: Design, rule_id: str) -> list[str]:
    """Messages of the rule's findings raised because a rule-critical property is unset, up to
    the "; set <prop> (...)" (or, after a question, " Set <prop> (...)") advice ending each."""
    return [
        re.split(r"; set |(?<=\?) (?=Set )", f.message, maxsplit=1)[0]
        for f in findings(design, rule_id)
        if f.unset
    ]


def add_metric(b: DesignBuilder, label: str, metric: str | None, **props: object) -> str:
    """Add a metric component: its `name` property clashes with DesignBuilder.add's name argument."""
    cid = b.add("metric", label, **props)
    if metric is not None:
        ops.set_property(b.design, b.catalog, cid, "name", metric)
    return cid


def sound_recommender(b: DesignBuilder) -> dict[str, str]:
    """A complete, sound video-feed recommender. Every rule should stay quiet on it.

    Returns the component ids by short name so tests can break one thing at a time.
    """
    c: dict[str, str] = {}
    c["framing"] = b.add(
        "problem_framing", "Feed ranking", task="ranking", ml_needed="yes",
        request_time_context=True, marketplace=False,
    )  # fmt: skip
    c["objective"] = b.add("business_objective", "Watch time", kpi="watch time per user",
                           target_delta="+3%", horizon_days=90)  # fmt: skip
    c["metric"] = add_metric(b, "NDCG@10", "ndcg", role="optimizing")
    c["guardrail"] = add_metric(b, "Recall@500", "recall", role="guardrail")
    c["latency"] = b.add("constraint", "Latency budget", type="latency", value=100.0, unit="ms")
    c["budget"] = b.add("constraint", "Cost budget", type="cost", value=20000.0, unit="USD/month")
    c["events"] = b.add(
        "data_source", "Interaction events", source_type="event_stream", contains_pii=True,
        freshness="realtime", owner="data-platform", versioned=True,
    )  # fmt: skip
    c["catalog"] = b.add(
        "data_source", "Video catalog", source_type="oltp_db", contains_pii=False,
        freshness="hourly", owner="content", versioned=True,
    )  # fmt: skip
    c["governance"] = b.add("governance", "Pseudonymise users",
                            controls=["anonymize", "access_control", "retention"],
                            regulation="gdpr")  # fmt: skip
    c["validation"] = b.add("data_validation", "Event validation", checks=["schema", "range", "null"],
                            blocking=True, where="both")  # fmt: skip
    c["stream"] = b.add("data_pipeline", "Stream processing", mode="streaming")
    c["labels"] = b.add("label_source", "Watch outcomes", label_type="natural", delay_hours=1.0,
                        positive_rate=0.12, position_correction="ipw")  # fmt: skip
    c["features"] = b.add(
        "feature_pipeline", "Feature pipeline", ops=["impute", "embed", "window_agg"], n_features=80,
        shared_train_serve=True, fit_on="train_only",
    )  # fmt: skip
    c["store"] = b.add("feature_store", "Feature store", offline=True, online=True, point_in_time=True,
                       online_latency_ms=8.0, max_qps=20000.0)  # fmt: skip
    c["importance"] = b.add("feature_importance", "SHAP analysis", method="shap", owners_documented=True)
    c["dataset"] = b.add("dataset", "Training set", split="time", is_time_series=False, version="v12")
    c["sampling"] = b.add("sampling_strategy", "Negative sampling", method="negative_sampling",
                          weighted_correction=True)  # fmt: skip
    c["training"] = b.add(
        "training_job", "Daily training", cv="holdout", hpo="bayesian", early_stopping=True,
        schedule="periodic", reproducible=True,
    )  # fmt: skip
    c["model"] = b.add(
        "model", "Ranking model", family="gbdt", learned=True, params_millions=5.0, interpretable=False,
        explainer="shap", p99_latency_ms=30.0, compressed=False, cold_start="content_features",
    )  # fmt: skip
    c["baseline"] = b.add("baseline_model", "Popularity baseline", baseline_type="popularity",
                          metric_value=0.21)  # fmt: skip
    c["evaluation"] = b.add("evaluation", "Offline evaluation", method="holdout",
                            slices=["new users", "country"], gate=True)  # fmt: skip
    c["registry"] = b.add("model_registry", "Model registry", versioned=True, lineage=True)
    c["release"] = b.add("release_strategy", "Canary release", release_type="canary", rollback="automated")
    c["endpoint"] = b.add("endpoint", "Feed API", mode="online", latency_slo_ms=80.0, qps=2000.0,
                          autoscale=True, fallback="cached")  # fmt: skip
    c["policy"] = b.add("decision_policy", "Re-ranker", policy_type="rerank", exploration_rate=0.05,
                        action_limits=True)  # fmt: skip
    c["app"] = b.add("consumer", "Mobile app", consumer_type="user_app", declared=True)
    c["logger"] = b.add("prediction_logger", "Prediction log", logs_features=True, logs_predictions=True,
                        holdout_pct=1.0, propensity_logged=True)  # fmt: skip
    c["drift"] = b.add("monitor", "Drift monitor", watches=["data_drift", "prediction_drift", "staleness"],
                       alerting=True, channel="Slack")  # fmt: skip
    c["ops"] = b.add("monitor", "Service monitor", watches=["latency", "errors", "cost"], alerting=True,
                     channel="pager")  # fmt: skip
    c["kpi"] = b.add("monitor", "KPI monitor", watches=["business_kpi", "model_quality"], alerting=True,
                     channel="Slack")  # fmt: skip
    c["experiment"] = b.add("experiment", "A/B test", experiment_type="ab", unit="user",
                            primary_metric="watch time", guardrails=["p99 latency"])  # fmt: skip
    c["cicd"] = b.add("cicd_pipeline", "CI/CD", tests=["unit", "data", "model"], cd=True, ct=True)
    c["infra"] = b.add("infrastructure", "Kubernetes", env="cloud", accelerator="cpu", cost_per_month=12000.0)

    link = b.link
    link(c["framing"], c["objective"])
    link(c["framing"], c["metric"])
    link(c["framing"], c["latency"])
    link(c["metric"], c["objective"])
    link(c["framing"], c["guardrail"])
    link(c["events"], c["governance"])
    link(c["governance"], c["validation"])
    link(c["catalog"], c["validation"])
    link(c["validation"], c["stream"])
    link(c["stream"], c["features"])
    link(c["features"], c["store"])
    link(c["validation"], c["labels"])
    link(c["store"], c["dataset"], phase="train")
    link(c["labels"], c["dataset"], phase="train")
    link(c["dataset"], c["sampling"], phase="train")
    link(c["sampling"], c["training"], phase="train")
    link(c["training"], c["model"], phase="train")
    link(c["store"], c["model"], phase="serve")
    link(c["importance"], c["features"])
    link(c["model"], c["evaluation"])
    link(c["baseline"], c["evaluation"])
    link(c["evaluation"], c["registry"])
    link(c["registry"], c["release"])
    link(c["release"], c["endpoint"])
    link(c["release"], c["experiment"])
    link(c["experiment"], c["app"])
    link(c["endpoint"], c["policy"])
    link(c["policy"], c["app"])
    link(c["endpoint"], c["logger"])
    link(c["app"], c["events"], feedback=True)
    link(c["drift"], c["store"])
    link(c["drift"], c["model"])
    link(c["ops"], c["endpoint"])
    link(c["kpi"], c["objective"])
    link(c["logger"], c["kpi"])
    link(c["cicd"], c["training"])
    link(c["infra"], c["endpoint"])
    b.design.decisions.append(
        Decision(
            id="ranker_and_serving",
            title="GBDT ranker scored online",
            components=[c["model"], c["endpoint"]],
            context="A few hundred candidates per request, 80 ms budget.",
            options=[
                DecisionOption(name="GBDT scored online", pros=["Fast on CPU"], cons=["Feature work"]),
                DecisionOption(name="Deep model, batch", pros=["Learns ids"], cons=["Stale feeds"]),
            ],
            chosen="GBDT scored online",
            consequences="CPU serving within 80 ms; feeds follow the session.",
            date="2026-12-06",
        )
    )
    return c
