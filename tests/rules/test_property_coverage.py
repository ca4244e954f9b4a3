"""Every catalog property is read by a rule or documented as descriptive, so that properties no
rule reads cannot creep back in unnoticed."""

from __future__ import annotations

import inspect
import sys

import app.rules.checks._common  # noqa: F401  (its source is read below)
import app.rules.checks._flows  # noqa: F401  (likewise)
import app.rules.checks._review_load  # noqa: F401  (R27 reads positive_rate through it)
import app.rules.checks.capacity  # noqa: F401  (R34 reads the cost budget through it)
from app.domain.catalog import default_catalog
from app.rules.registry import get_rule

# "kind.property" -> the rules that read it, or a "descriptive: why no rule judges it" reason.
READ_BY: dict[str, tuple[str, ...] | str] = {
    "problem_framing.task": ("R9", "R17", "R38", "R39"),
    "problem_framing.ml_needed": ("R2",),
    "problem_framing.request_time_context": ("R31",),
    "problem_framing.marketplace": ("R38",),
    "problem_framing.false_positive_cost": ("R43",),
    "problem_framing.false_negative_cost": ("R43",),
    "problem_framing.adversarial": ("R52",),
    "business_objective.kpi": "descriptive: the KPI's wording; R1 and R37 judge the objective's links",
    "business_objective.target_delta": "descriptive: the target is for people; no rule can compare it",
    "business_objective.horizon_days": "descriptive: the review horizon of the objective",
    "metric.name": ("R1", "R19", "R20"),
    "metric.role": ("R1",),
    "metric.threshold": "descriptive: the acceptance bar of a metric; its value depends on the metric",
    "constraint.type": ("R3", "R23", "R24", "R26", "R34"),
    "constraint.value": ("R24", "R34"),
    "constraint.unit": ("R24", "R34"),
    "data_source.source_type": ("R17",),
    "data_source.contains_pii": ("R12",),
    "data_source.freshness": ("R31",),
    "data_source.owner": ("R15",),
    "data_source.versioned": ("R15",),
    "data_pipeline.mode": "descriptive: batch or streaming is how data moves; skew is judged by R41",
    "data_pipeline.schedule": "descriptive: free text, e.g. 'daily 02:00 UTC'",
    "label_source.label_type": ("R17", "R42"),
    "label_source.delay_hours": ("R14", "R17", "R42"),
    "label_source.positive_rate": ("R19", "R27"),
    "label_source.annotator_agreement": ("R53",),
    "label_source.censored": ("R50",),
    "label_source.position_correction": ("R44",),
    "data_validation.checks": ("R13",),
    "data_validation.blocking": ("R13",),
    "data_validation.where": ("R13",),
    "governance.controls": ("R12",),
    "governance.regulation": ("R12",),
    "dataset.split": ("R17",),
    "dataset.is_time_series": ("R17",),
    "dataset.version": "descriptive: a version label; R15 judges the versioning of the sources",
    "feature_pipeline.ops": ("R18",),
    "feature_pipeline.n_features": ("R21",),
    "feature_pipeline.shared_train_serve": ("R41",),
    "feature_pipeline.fit_on": ("R18",),
    "feature_pipeline.point_in_time": ("R42",),
    "feature_store.offline": "descriptive: the store's training tier; R42 judges its point_in_time joins",
    "feature_store.online": "descriptive: the serving tier; what fills the store decides skew (R16, R41)",
    "feature_store.point_in_time": ("R42",),
    "feature_store.online_latency_ms": ("R24",),
    "sampling_strategy.method": ("R18", "R20"),
    "sampling_strategy.weighted_correction": ("R20",),
    "feature_importance.method": "descriptive: any method satisfies R21; the choice is the team's",
    "feature_importance.owners_documented": "descriptive: documentation practice with no graph to check",
    "vector_index.index_type": "descriptive: an ANN trade-off of recall against latency and memory",
    "vector_index.embedding_model": "descriptive: free text naming the embedding model",
    "vector_index.refresh": "descriptive: index freshness; a stale index shows in quality monitors",
    "vector_index.versioned": "descriptive: the index's versions; R51 gates prompt and model swaps",
    "baseline_model.baseline_type": "descriptive: any baseline satisfies R22",
    "baseline_model.metric_value": ("R22",),
    "model.family": ("R22", "R23", "R24", "R25", "R54"),
    "model.learned": ("R2", "R7", "R22", "R23"),
    "model.params_millions": ("R24",),
    "model.interpretable": ("R23",),
    "model.explainer": ("R23",),
    "model.p99_latency_ms": ("R24",),
    "model.compressed": ("R24",),
    "model.provenance": ("R7", "R16", "R41"),
    "model.version_pinned": ("R51",),
    "model.calibration": ("R20", "R43"),
    "model.cold_start": ("R47",),
    "model.cost_per_1k_tokens": "descriptive: token cost needs a token volume the catalog does not hold",
    "training_job.cv": ("R17", "R25"),
    "training_job.hpo": ("R25",),
    "training_job.early_stopping": ("R25",),
    "training_job.schedule": ("R27", "R32"),
    "training_job.reproducible": ("R7",),
    "evaluation.method": "descriptive: holdout, backtest or simulation all gate; R17 judges the split",
    "evaluation.slices": ("R26",),
    "evaluation.gate": ("R28",),
    "model_registry.versioned": ("R29",),
    "model_registry.lineage": "descriptive: lineage tracking in the registry; R7 reads the drawn lineage",
    "decision_policy.policy_type": ("R20", "R27", "R38", "R39"),
    "decision_policy.threshold_source": ("R27",),
    "decision_policy.exploration_rate": ("R39",),
    "decision_policy.action_limits": ("R27",),
    "retriever.method": "descriptive: dense, sparse or hybrid retrieval is a quality trade-off",
    "retriever.top_k": "descriptive: a retrieval tuning knob with no flaw of its own",
    "retriever.reranker": "descriptive: a quality trade-off; latency shows in R24",
    "prompt_template.version": "descriptive: a version label; R51 reads versioned",
    "prompt_template.versioned": ("R51",),
    "experiment_tracker.tracks": "descriptive: what the tracker records; R7 reads the drawn lineage",
    "endpoint.mode": ("R3", "R13", "R24", "R29", "R30", "R31", "R54"),
    "endpoint.latency_slo_ms": ("R3", "R24"),
    "endpoint.qps": ("R3", "R27"),
    "endpoint.autoscale": "descriptive: an operations choice with no flaw of its own",
    "endpoint.fallback": ("R30",),
    "release_strategy.release_type": ("R29",),
    "release_strategy.rollback": ("R29",),
    "cicd_pipeline.tests": ("R32",),
    "cicd_pipeline.cd": ("R32",),
    "cicd_pipeline.ct": ("R27", "R32"),
    "infrastructure.env": "descriptive: cloud, on-prem or device; edge serving is read from endpoint.mode",
    "infrastructure.accelerator": ("R34",),
    "infrastructure.cost_per_month": ("R34",),
    "consumer.consumer_type": ("R26", "R29", "R37"),
    "consumer.declared": ("R33",),
    "cache.cache_type": "descriptive: what the cache holds; every cache passes its inputs through (R16)",
    "cache.ttl_s": "descriptive: staleness of cached answers, a product trade-off",
    "cache.latency_ms": ("R24",),
    "human_review.capacity_per_day": ("R27", "R56"),
    "human_review.sla_hours": "descriptive: a service level for reviewers with no volume to check it against",
    "monitor.watches": ("R10", "R13", "R14", "R32", "R34", "R35", "R36", "R37"),
    "monitor.alerting": ("R11",),
    "monitor.channel": ("R11",),
    "monitor.window_hours": "descriptive: the aggregation window, a tuning knob",
    "dashboard.audience": "descriptive: who reads the dashboard",
    "dashboard.metrics": "descriptive: free-text metric names",
    "experiment.experiment_type": ("R37",),
    "experiment.unit": ("R38",),
    "experiment.primary_metric": "descriptive: free text; R1 ties the metrics to the objective",
    "experiment.guardrails": ("R37",),
    "prediction_logger.logs_features": ("R40",),
    "prediction_logger.logs_predictions": "descriptive: logging predictions is assumed by every logger",
    "prediction_logger.holdout_pct": ("R39",),
    "prediction_logger.propensity_logged": ("R39",),
    # Quantities the estimates (app/estimates) read; rules judge the figures derived from them.
    "data_source.events_per_day": "estimates: daily volume flowing to datasets and their storage",
    "data_source.bytes_per_event": "estimates: bytes per day and the storage of the datasets it fills",
    "data_source.retention_days": ("R58",),
    "label_source.labelled_fraction": "estimates: labelled examples per day of the datasets it labels",
    "endpoint.mean_qps": "estimates: requests per month and per-token cost",
    "endpoint.payload_bytes": "estimates: peak bandwidth of the endpoint",
    "infrastructure.instance_type": "estimates: names the machine the unit price is for",
    "infrastructure.replicas": ("R55",),
    "infrastructure.unit_price_per_hour": "estimates: computed monthly cost (R34)",
    "cache.hit_rate": "estimates: a cache forwards only its misses upstream",
    "cache.max_qps": ("R57",),
    "feature_store.max_qps": ("R57",),
    "human_review.items_per_day": ("R56",),
    "model.throughput_per_replica": "estimates: replicas needed at peak QPS (R55)",
    "model.cpu_ms": "estimates: replicas needed at peak QPS when throughput_per_replica is unset",
    "model.gflops": "estimates: replicas needed at peak QPS from per-prediction compute",
    "model.accelerator": "estimates: serving accelerator-hours and GFLOPs-based throughput",
    "model.tokens_per_request": "estimates: monthly token cost of a model priced per token",
    "training_job.hours_per_run": "estimates: training accelerator-hours and their cost",
    "training_job.runs_per_month": "estimates: training accelerator-hours and their cost",
    "training_job.accelerator_count": "estimates: training accelerator-hours and their cost",
}


_COMMON = "".join(
    inspect.getsource(sys.modules[name])
    for name in (
        "app.rules.checks._common",
        "app.rules.checks._flows",
        "app.rules.checks._review_load",  # R27's review load
        "app.rules.checks.capacity",
    )
)


def _catalog_properties() -> set[str]:
    catalog = default_catalog()
    return {f"{kind_id}.{p.name}" for kind_id, kind in catalog.kinds.items() for p in kind.properties}


def test_every_catalog_property_is_read_by_a_rule_or_descriptive():
    properties = _catalog_properties()
    assert sorted(properties - READ_BY.keys()) == [], "new properties need a reader or a reason"
    assert sorted(READ_BY.keys() - properties) == [], "properties gone from the catalog"
    for key, readers in READ_BY.items():
        if isinstance(readers, str):
            assert readers.startswith(("descriptive: ", "estimates: ")) and len(readers) > 30, key


def test_estimate_quantities_are_read_by_the_estimates():
    import app.estimates.cost
    import app.estimates.load
    import app.estimates.volume

    source = "".join(
        inspect.getsource(m) for m in (app.estimates.cost, app.estimates.load, app.estimates.volume)
    )
    for key, readers in READ_BY.items():
        if isinstance(readers, str) and readers.startswith("estimates: "):
            prop = key.split(".", 1)[1]
            assert f'"{prop}"' in source, f"app/estimates does not read {key}"


def test_each_named_rule_reads_the_property():
    for key, readers in READ_BY.items():
        if isinstance(readers, str):
            continue
        prop = key.split(".", 1)[1]
        registered = [r for r in readers if get_rule(r) is not None]
        if not registered:
            # Only rules written on another branch may be absent (R43 and above).
            assert all(int(r[1:]) > 42 for r in readers), key
            continue
        for rule_id in registered:
            spec = get_rule(rule_id)
            assert spec is not None
            # The rule's module, or the shared helpers it reads properties through.
            source = inspect.getsource(sys.modules[spec.check.__module__]) + _COMMON
            assert f'"{prop}"' in source, f"{rule_id} ({spec.check.__module__}) does not read {key}"
