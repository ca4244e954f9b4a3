import xml.etree.ElementTree as ET

import pytest

from app.domain.catalog import STAGE_IDS
from app.domain.errors import PropertyValueError
from app.domain.model import FLOWS
from app.resources import resource_path

SPEC_KINDS = {
    "business": ["problem_framing", "business_objective", "metric", "constraint"],
    "data": [
        "data_source",
        "data_pipeline",
        "label_source",
        "data_validation",
        "governance",
        "dataset",
    ],
    "features": ["feature_pipeline", "feature_store", "sampling_strategy", "feature_importance"],
    "model": [
        "baseline_model",
        "model",
        "training_job",
        "evaluation",
        "model_registry",
        "decision_policy",
    ],
    "serving": [
        "endpoint",
        "release_strategy",
        "cicd_pipeline",
        "infrastructure",
        "consumer",
        "cache",
        "human_review",
    ],
    "monitoring": ["monitor", "dashboard", "experiment", "prediction_logger"],
}


def test_catalog_has_the_31_spec_kinds_in_their_stages(catalog):
    assert [s.id for s in catalog.stages] == list(STAGE_IDS)
    for stage, kinds in SPEC_KINDS.items():
        assert [k.id for k in catalog.kinds_in_stage(stage)][: len(kinds)] == kinds
    assert len(catalog.kinds) >= 31


def test_every_kind_has_label_description_icon_and_typed_properties(catalog):
    for kind in catalog.kinds.values():
        assert kind.label and kind.description, kind.id
        icon = resource_path("icons", kind.icon)
        assert icon.exists(), kind.id
        assert ET.parse(icon).getroot().tag.endswith("svg")
        assert kind.out_flow in FLOWS
        for prop in kind.properties:
            assert prop.description, f"{kind.id}.{prop.name}"
            if prop.type in ("enum", "set"):
                assert prop.values


@pytest.mark.parametrize(
    ("kind", "prop", "values"),
    [
        ("model", "family", ["rule", "linear", "gbdt", "transformer", "llm", "ensemble"]),
        ("endpoint", "mode", ["online", "batch", "streaming", "nearline", "edge", "library"]),
        ("monitor", "watches", ["data_drift", "prediction_drift", "business_kpi", "fairness"]),
        ("label_source", "label_type", ["natural", "delayed_outcome"]),
    ],
)
def test_spec_enum_values_are_present(catalog, kind, prop, values):
    spec = catalog.kind(kind).property(prop)
    assert set(values) <= set(spec.values)


def test_property_validation_canonicalises_and_rejects(catalog):
    endpoint = catalog.kind("endpoint")
    assert endpoint.property("latency_slo_ms").validate(50) == 50.0
    assert endpoint.property("mode").validate("online") == "online"
    with pytest.raises(PropertyValueError, match="not one of"):
        endpoint.property("mode").validate("realtime")
    with pytest.raises(PropertyValueError, match="expected"):
        endpoint.property("autoscale").validate("yes")
    watches = catalog.kind("monitor").property("watches")
    assert watches.validate(["latency", "data_drift"]) == ["data_drift", "latency"]
    with pytest.raises(PropertyValueError, match="not among"):
        watches.validate(["vibes"])
    assert catalog.kind("model").property("params_millions").validate(None) is None


def test_default_flows_follow_common_neighbours(catalog):
    assert catalog.default_flow("label_source", "training_job") == "label"
    assert catalog.default_flow("monitor", "endpoint") == "watch"
    assert catalog.default_flow("metric", "business_objective") == "proxy"
    assert catalog.default_flow("training_job", "model") == "artifact"


def test_every_kind_suggests_technologies(catalog):
    names = catalog.technology_suggestions("feature_store")
    assert "Feast" in names[:5]
    assert {"Kafka", "MLflow", "Redis"} <= set(names)
