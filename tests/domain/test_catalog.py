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


# The names other parts of the program (rules, templates) are written against.
NEW_KINDS = {
    "vector_index": ("features", {"index_type", "embedding_model", "refresh", "versioned"}),
    "retriever": ("model", {"method", "top_k", "reranker"}),
    "prompt_template": ("model", {"version", "versioned"}),
    "experiment_tracker": ("model", {"tracks"}),
}


@pytest.mark.parametrize("kind_id", sorted(NEW_KINDS))
def test_kinds_for_retrieval_llm_and_tracking_sit_in_their_stage(catalog, kind_id):
    stage, props = NEW_KINDS[kind_id]
    kind = catalog.kind(kind_id)
    assert kind is not None and kind.stage == stage
    assert {p.name for p in kind.properties} == props
    assert resource_path("icons", kind.icon).name == f"{kind_id}.svg"


@pytest.mark.parametrize(
    ("kind", "prop", "type_", "values"),
    [
        ("problem_framing", "task", "enum", {"multilabel", "anomaly", "uplift", "binary"}),
        ("problem_framing", "false_positive_cost", "float", set()),
        ("problem_framing", "false_negative_cost", "float", set()),
        ("problem_framing", "adversarial", "bool", set()),
        (
            "metric",
            "name",
            "enum",
            {"brier", "ece", "map", "mrr", "quantile_loss", "mape", "recall_at_k", "groundedness", "other"},
        ),
        ("data_source", "source_type", "enum", {"model_output", "oltp_db"}),
        ("monitor", "watches", "set", {"groundedness", "safety", "calibration", "latency"}),
        ("label_source", "annotator_agreement", "float", set()),
        ("label_source", "censored", "bool", set()),
        ("label_source", "position_correction", "enum", {"none", "position_feature", "ipw", "randomized"}),
        ("feature_pipeline", "point_in_time", "bool", set()),
        ("model", "provenance", "enum", {"trained_here", "fine_tuned", "pretrained", "vendor_api"}),
        ("model", "version_pinned", "bool", set()),
        ("model", "calibration", "enum", {"none", "platt", "isotonic", "temperature", "native"}),
        ("model", "cold_start", "enum", {"none", "popularity_fallback", "content_features", "exploration"}),
        ("model", "cost_per_1k_tokens", "float", set()),
    ],
)
def test_properties_for_calibration_costs_censoring_and_provenance(catalog, kind, prop, type_, values):
    spec = catalog.kind(kind).property(prop)
    assert spec is not None and spec.type == type_
    assert values <= set(spec.values)


def test_new_numeric_properties_carry_units_and_bounds(catalog):
    agreement = catalog.kind("label_source").property("annotator_agreement")
    assert agreement.validate(0.82) == 0.82
    with pytest.raises(PropertyValueError, match="above the maximum"):
        agreement.validate(1.5)
    tokens = catalog.kind("model").property("cost_per_1k_tokens")
    assert tokens.unit == "USD per 1k tokens"
    with pytest.raises(PropertyValueError, match="below the minimum"):
        tokens.validate(-0.01)
    assert catalog.kind("problem_framing").property("false_negative_cost").unit == "per error"
    assert catalog.kind("retriever").property("top_k").validate(0.0 + 50) == 50
    with pytest.raises(PropertyValueError, match="below the minimum"):
        catalog.kind("retriever").property("top_k").validate(0)


def test_retrieval_kinds_link_with_sensible_default_flows(catalog):
    assert catalog.default_flow("vector_index", "retriever") == "feature"
    assert catalog.default_flow("retriever", "model") == "prediction"  # candidates to score
    assert catalog.default_flow("retriever", "prompt_template") == "feature"
    assert catalog.default_flow("prompt_template", "model") == "feature"
    assert catalog.default_flow("model", "vector_index") == "feature"
    assert catalog.default_flow("training_job", "experiment_tracker") == "artifact"
    assert catalog.default_flow("experiment_tracker", "model_registry") == "artifact"
    assert "FAISS" in catalog.technology_suggestions("vector_index")[:5]
    assert "MLflow" in catalog.technology_suggestions("experiment_tracker")[:5]
