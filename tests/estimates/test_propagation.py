"""Each propagation of the estimates on a small design whose figures are worked out by hand."""

from __future__ import annotations

import pytest

from app.estimates import UTILISATION, estimate_design, format_quantity
from app.estimates.model import HOURS_PER_MONTH, SECONDS_PER_MONTH, STORAGE_USD_PER_GB_MONTH


def _value(estimate, component, name):
    fig = estimate.figure(component, name)
    assert fig is not None, (
        f"{component}.{name} missing; has {[f.name for f in estimate.figures.get(component, ())]}"
    )
    return fig.value


def test_volume_flows_from_sources_through_pipelines_to_datasets(builder):
    """Clicks: 1,000,000 events/day x 500 bytes = 500 MB/day, kept 30 days -> 15 GB.
    Orders: 200,000 events/day x 1,000 bytes = 200 MB/day, kept 365 days -> 73 GB.
    Both pass the pipeline (1.2M events/day, 700 MB/day); Orders also reaches the validation
    directly, and still counts once there. The dataset stores 15 + 73 = 88 GB, which costs
    88 x $0.023 = $2.024 a month. Labels with a labelled fraction of 0.1 label 1.2M x 0.1 =
    120,000 examples a day."""
    clicks = builder.add(
        "data_source", "Clicks", events_per_day=1e6, bytes_per_event=500.0, retention_days=30.0
    )
    orders = builder.add(
        "data_source", "Orders", events_per_day=2e5, bytes_per_event=1000.0, retention_days=365.0
    )
    pipeline, validation = builder.add("data_pipeline", "ETL"), builder.add("data_validation", "Checks")
    dataset = builder.add("dataset", "Training set")
    labels = builder.add("label_source", "Labels", labelled_fraction=0.1)
    builder.chain(clicks, pipeline, validation, dataset)
    builder.link(orders, pipeline)
    builder.link(orders, validation)
    builder.link(labels, dataset, flow="label")
    estimate = estimate_design(builder.design)

    assert _value(estimate, clicks, "bytes_per_day") == 500e6
    assert _value(estimate, pipeline, "events_per_day") == 1.2e6
    assert _value(estimate, pipeline, "bytes_per_day") == 700e6
    assert _value(estimate, validation, "events_per_day") == 1.2e6  # Orders once, not twice
    assert _value(estimate, dataset, "storage_bytes") == pytest.approx(88e9)
    assert _value(estimate, dataset, "monthly_cost") == pytest.approx(88 * STORAGE_USD_PER_GB_MONTH)
    assert _value(estimate, labels, "labels_per_day") == pytest.approx(120_000)
    storage = estimate.figure(dataset, "storage_bytes")
    assert storage.derivation == ("500 MB/day x 30 days (Clicks) + 200 MB/day x 365 days (Orders) = 88 GB")
    assert estimate.totals["storage_bytes"] == pytest.approx(88e9)
    assert estimate.stage_totals["data"]["storage_bytes"] == pytest.approx(88e9)
    assert estimate.missing == ()


def test_peak_load_reaches_models_stores_and_caches_and_sizes_replicas(builder):
    """The endpoint takes 1,200 QPS at peak. The model it serves takes all of it: at 100
    predictions/s per replica and 0.7 utilisation it needs 1,200 / 70 = 17.1 -> 18 replicas,
    GPU replicas: 18 x 730 = 13,140 GPU-hours a month. The model reads the store directly
    (1,200) and through a cache with a 0.75 hit rate (1,200 x 0.25 = 300 misses): the store
    serves 1,500 QPS, 150% of the 1,000 it sustains. The fleet provisions 10 replicas at $2/h:
    10 x 2 x 730 = $14,600 a month."""
    endpoint = builder.add("endpoint", "API", qps=1200.0, mean_qps=400.0, payload_bytes=2000.0)
    model = builder.add("model", "Ranker", throughput_per_replica=100.0, accelerator="gpu")
    store = builder.add("feature_store", "Store", online_latency_ms=5.0, max_qps=1000.0)
    cache = builder.add("cache", "Cache", hit_rate=0.75, max_qps=50_000.0)
    infra = builder.add(
        "infrastructure", "Fleet", replicas=10, unit_price_per_hour=2.0, instance_type="g5.xlarge"
    )
    builder.link(model, endpoint, flow="artifact")
    builder.link(store, model, flow="feature", phase="serve")
    builder.chain(store, cache, model, flow="feature", phase="serve")
    builder.link(infra, endpoint)
    estimate = estimate_design(builder.design)

    assert _value(estimate, model, "peak_qps") == 1200
    assert _value(estimate, model, "replicas_needed") == 18
    assert estimate.figure(model, "replicas_needed").derivation == (
        "1,200 QPS / (100 predictions/s per replica x 0.7 utilisation) = 17.1 -> 18 replicas"
    )
    assert _value(estimate, model, "accelerator_hours_month") == 18 * HOURS_PER_MONTH
    assert _value(estimate, cache, "peak_qps") == 1200
    assert _value(estimate, cache, "miss_qps") == 300
    assert _value(estimate, store, "peak_qps") == 1500
    assert _value(estimate, store, "utilisation") == 1.5
    assert _value(estimate, infra, "replicas_needed") == 18
    assert _value(estimate, infra, "monthly_cost") == 14_600
    assert (
        estimate.figure(infra, "monthly_cost").derivation == "10 g5.xlarge replicas x $2/h x 730 h = $14,600"
    )
    assert _value(estimate, endpoint, "requests_per_month") == 400 * SECONDS_PER_MONTH
    assert _value(estimate, endpoint, "peak_bandwidth") == 2.4e6
    assert estimate.totals["gpu_hours_month"] == 13_140
    assert estimate.missing == ()


@pytest.mark.parametrize(
    ("props", "qps", "needed"),
    [
        # 1,000 / 20 CPU-ms = 50 predictions/s a core; 70 / (50 x 0.7) = 2 exactly -> 2
        ({"cpu_ms": 20.0, "accelerator": "cpu"}, 70.0, 2),
        # 20,000 GFLOP/s / 40 GFLOPs = 500/s a GPU; 1,000 / 350 = 2.86 -> 3
        ({"gflops": 40.0, "accelerator": "gpu"}, 1000.0, 3),
        # throughput_per_replica wins over the others
        ({"throughput_per_replica": 1000.0, "cpu_ms": 20.0, "accelerator": "cpu"}, 1400.0, 2),
    ],
)
def test_throughput_from_cpu_ms_or_gflops(builder, props, qps, needed):
    endpoint = builder.add("endpoint", qps=qps)
    model = builder.add("model", **props)
    builder.link(model, endpoint, flow="artifact")
    assert _value(estimate_design(builder.design), model, "replicas_needed") == needed


def test_models_serve_through_evaluation_registry_and_release(builder):
    """A model reaches its endpoint through the gate, the registry and the release: it takes
    the endpoint's 500 QPS; a second endpoint's 300 QPS adds up to 800."""
    model = builder.add("model", "Model")
    api, batch = builder.add("endpoint", "API", qps=500.0), builder.add("endpoint", "Batch", qps=300.0)
    gate, registry, release = (
        builder.add("evaluation"),
        builder.add("model_registry"),
        builder.add("release_strategy"),
    )
    builder.chain(model, gate, registry, release, api, flow="artifact")
    builder.link(release, batch, flow="artifact")
    estimate = estimate_design(builder.design)
    assert _value(estimate, model, "peak_qps") == 800
    assert estimate.figure(model, "peak_qps").derivation == "500 from API + 300 from Batch = 800 QPS"
    assert [(m.component, m.property) for m in estimate.missing] == [(model, "throughput_per_replica")]


def test_training_accelerator_hours_and_their_cost(builder):
    """8 GPUs x 5 h a run x 4 runs a month = 160 GPU-hours, at $3 an hour: $480 a month on the
    cluster that hosts the job (it serves nothing, so no always-on replicas)."""
    job = builder.add(
        "training_job", "Retraining", accelerator_count=8, hours_per_run=5.0, runs_per_month=4.0
    )
    cluster = builder.add("infrastructure", "GPU cluster", accelerator="gpu", unit_price_per_hour=3.0)
    builder.link(cluster, job)
    estimate = estimate_design(builder.design)
    fig = estimate.figure(job, "accelerator_hours_month")
    assert (fig.value, fig.unit) == (160, "GPU-hours/month")
    assert _value(estimate, cluster, "monthly_cost") == 480
    assert estimate.totals["gpu_hours_month"] == 160
    assert estimate.totals["monthly_cost"] == 480
    assert estimate.stage_totals["serving"]["monthly_cost"] == 480


def test_declared_cost_is_the_fallback_and_a_fleet_without_replicas_costs_what_it_needs(builder):
    """Declared: $5,000. Priced without replicas: the model needs 300 / (100 x 0.7) = 4.3 ->
    5 replicas, 5 x $1 x 730 = $3,650."""
    declared = builder.add("infrastructure", "Declared", cost_per_month=5000.0)
    priced = builder.add("infrastructure", "Priced", unit_price_per_hour=1.0)
    endpoint, model = builder.add("endpoint", qps=300.0), builder.add("model", throughput_per_replica=100.0)
    builder.link(model, endpoint, flow="artifact")
    builder.link(priced, endpoint)
    estimate = estimate_design(builder.design)
    assert _value(estimate, declared, "monthly_cost") == 5000
    assert _value(estimate, priced, "monthly_cost") == 3650
    assert "none provisioned" in estimate.figure(priced, "monthly_cost").derivation
    assert estimate.totals["monthly_cost"] == 8650


def test_human_review_load_against_capacity_and_the_what_if(builder):
    """500 items a day against 400 = 125%; at twice the traffic, 1,000 = 250%."""
    review = builder.add("human_review", "Queue", items_per_day=500.0, capacity_per_day=400.0)
    estimate = estimate_design(builder.design)
    assert _value(estimate, review, "review_utilisation") == 1.25
    assert estimate.figure(review, "review_items_per_day").derivation == (
        "500 items/day against 400 capacity = 125% of capacity"
    )
    doubled = estimate_design(builder.design, qps_scale=2.0)
    assert _value(doubled, review, "review_items_per_day") == 1000
    assert _value(doubled, review, "review_utilisation") == 2.5


def test_token_cost_of_a_vendor_model(builder):
    """10 QPS on average x 2,628,000 s = 26.28M requests a month x 1,000 tokens / 1,000 x
    $0.002 = $52,560. A vendor API needs no replicas."""
    endpoint = builder.add("endpoint", qps=30.0, mean_qps=10.0)
    llm = builder.add(
        "model",
        "LLM",
        family="llm",
        provenance="vendor_api",
        cost_per_1k_tokens=0.002,
        tokens_per_request=1000.0,
    )
    builder.link(llm, endpoint, flow="artifact")
    estimate = estimate_design(builder.design)
    assert _value(estimate, llm, "monthly_cost") == pytest.approx(52_560)
    assert estimate.figure(llm, "replicas_needed") is None
    assert estimate.missing == ()


def test_what_if_scales_volume_and_load_without_touching_the_design(builder):
    source = builder.add("data_source", events_per_day=1e6, bytes_per_event=100.0, retention_days=10.0)
    dataset = builder.add("dataset")
    builder.link(source, dataset)
    endpoint, model = builder.add("endpoint", qps=100.0), builder.add("model", throughput_per_replica=10.0)
    builder.link(model, endpoint, flow="artifact")
    before = builder.design.model_dump()
    scaled = estimate_design(builder.design, qps_scale=2.0, volume_scale=3.0)
    assert builder.design.model_dump() == before
    assert _value(scaled, dataset, "storage_bytes") == pytest.approx(3e9)
    assert _value(scaled, model, "replicas_needed") == 29  # 200 / 7 = 28.6 -> 29
    assert "(x 2 traffic)" in scaled.figure(endpoint, "peak_qps").derivation
    with pytest.raises(ValueError, match="positive"):
        estimate_design(builder.design, qps_scale=0.0)


def test_missing_inputs_are_named_and_limit_the_figures(builder):
    """Sized: 1 GB/day kept 10 days -> 10 GB. Unsized: no bytes_per_event, and Growing: no
    retention; both are named on the storage figure and in the missing inputs."""
    sized = builder.add(
        "data_source", "Sized", events_per_day=1e6, bytes_per_event=1000.0, retention_days=10.0
    )
    unsized = builder.add("data_source", "Unsized", events_per_day=1e6)
    growing = builder.add("data_source", "Growing", events_per_day=1e3, bytes_per_event=10.0)
    dataset = builder.add("dataset", "Set")
    for source in (sized, unsized, growing):
        builder.link(source, dataset)
    estimate = estimate_design(builder.design)
    storage = estimate.figure(dataset, "storage_bytes")
    assert storage.value == 10e9
    assert storage.missing == tuple(sorted((f"{growing}.retention_days", f"{unsized}.bytes_per_event")))
    assert {(m.component, m.property) for m in estimate.missing} == {
        (unsized, "bytes_per_event"),
        (growing, "retention_days"),
    }


def test_format_quantity():
    assert format_quantity(1.2e12, "bytes") == "1.2 TB"
    assert format_quantity(14_300.0, "USD/month") == "$14,300/month"
    assert format_quantity(1200.0, "qps") == "1,200 QPS"
    assert format_quantity(2.5e9, "bytes/day") == "2.5 GB/day"
    assert format_quantity(0.7, "fraction") == "70%"
    assert format_quantity(12.0, "replicas") == "12 replicas"
    assert UTILISATION == 0.7
