"""Property test: setting an unset rule-critical property to a sound value never adds a finding.

Designs are the templates and the flaw-class variants; a finding is identified by its rule and
components (its severity or message may change as an unknown becomes known).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.catalog import default_catalog
from app.domain.model import Design
from app.persistence import load_design
from app.rules import check_design
from app.templates import list_templates

# kind.property -> a value that can only make a design sounder. Left out on purpose: properties
# with no universally sound value (is_time_series, consumer_type, marketplace, task), and
# exploration_rate, which is only sound together with logged propensities.
SOUND: dict[str, Any] = {
    "evaluation.gate": True,
    "evaluation.slices": ["new users", "region"],
    "governance.controls": ["anonymize", "access_control", "retention", "consent"],
    "data_validation.checks": ["schema", "range", "null"],
    "data_validation.blocking": True,
    "data_validation.where": "both",
    "feature_pipeline.shared_train_serve": True,
    "feature_pipeline.fit_on": "train_only",
    "feature_pipeline.point_in_time": True,
    "feature_store.point_in_time": True,
    "dataset.split": "time",
    "training_job.cv": "time_series_cv",
    "training_job.hpo": "bayesian",
    "training_job.early_stopping": True,
    "training_job.reproducible": True,
    "training_job.schedule": "periodic",
    "release_strategy.release_type": "canary",
    "release_strategy.rollback": "automated",
    "model_registry.versioned": True,
    "endpoint.fallback": "cached",
    "monitor.alerting": True,
    "monitor.channel": "PagerDuty",
    "sampling_strategy.weighted_correction": True,
    "prediction_logger.propensity_logged": True,
    "prediction_logger.logs_features": True,
    "experiment.guardrails": ["p99 latency", "retention"],
    "experiment.unit": "region_time",
    "consumer.declared": True,
    "decision_policy.action_limits": True,
    "decision_policy.threshold_source": "validation_tuned",
    "baseline_model.metric_value": 0.5,
    "data_source.contains_pii": False,
    "data_source.owner": "Data platform team",
    "data_source.versioned": True,
    "label_source.delay_hours": 0.0,
    "cicd_pipeline.tests": ["unit", "data", "model", "integration"],
    "cicd_pipeline.ct": True,
    "problem_framing.ml_needed": "yes",
}

ROOT = Path(__file__).resolve().parent / "variants"
PATHS = [t.path for t in list_templates()] + sorted(ROOT.glob("*/*.mlsd"))


def _load(path: Path) -> Design:
    return load_design(path, default_catalog()).design


def _candidates(design: Design) -> list[tuple[str, str]]:
    return [
        (c.id, prop)
        for c in design.components
        for key in SOUND
        if key.startswith(f"{c.kind}.") and c.properties.get(prop := key.split(".", 1)[1]) is None
    ]


def _signature(design: Design) -> set[tuple[str, frozenset[str]]]:
    return {(f.rule, frozenset(f.components)) for f in check_design(design, default_catalog()).findings}


WITH_UNSET = [p for p in PATHS if _candidates(_load(p))]


def test_the_designs_leave_sound_properties_unset():
    assert len(WITH_UNSET) >= 20


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_sound_value_never_adds_a_finding(data):
    path = data.draw(st.sampled_from(WITH_UNSET), label="design")
    design = _load(path)
    options = _candidates(design)
    chosen = data.draw(st.lists(st.sampled_from(options), min_size=1, max_size=4, unique=True), label="set")
    before = _signature(design)
    index = design.component_by_id()
    for cid, prop in chosen:
        index[cid].properties[prop] = SOUND[f"{index[cid].kind}.{prop}"]
    after = _signature(design)
    assert after <= before, f"{path.name}: setting {chosen} added {after - before}"
