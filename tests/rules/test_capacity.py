"""R55-R58 and the computed cost of R34: rules on the estimated figures, quoting the numbers."""

from __future__ import annotations

from tests.rules.helpers import findings, fired


def _served(builder, *, qps: float, throughput: float, replicas: int | None, price: float | None = None):
    endpoint = builder.add("endpoint", "API", qps=qps)
    model = builder.add("model", "Ranker", throughput_per_replica=throughput, accelerator="cpu")
    infra = builder.add("infrastructure", "Fleet", replicas=replicas, unit_price_per_hour=price)
    builder.link(model, endpoint, flow="artifact")
    builder.link(infra, endpoint)
    return endpoint, model, infra


# ---- R55 ---------------------------------------------------------------------------------


def test_r55_fires_when_replicas_are_below_peak_load(builder):
    """1,200 QPS / (100 x 0.7) = 17.1 -> 18 replicas needed; 10 provisioned."""
    _, model, infra = _served(builder, qps=1200.0, throughput=100.0, replicas=10)
    [finding] = fired(builder.design, "R55")
    assert finding.severity == "error" and finding.components == (model, infra)
    assert finding.message == (
        "Fleet provisions 10 replicas and peak load needs 18 (Ranker: 1,200 QPS / (100 predictions/s "
        "per replica x 0.7 utilisation) = 17.1 -> 18 replicas)"
    )


def test_r55_quiet_with_enough_replicas(builder):
    _served(builder, qps=1200.0, throughput=100.0, replicas=18)
    assert findings(builder.design, "R55") == []


def test_r55_fires_at_twice_the_traffic_only_in_a_design_that_says_so(builder):
    endpoint, _, _ = _served(builder, qps=1200.0, throughput=100.0, replicas=20)
    assert findings(builder.design, "R55") == []
    builder.design.component_by_id()[endpoint].properties["qps"] = 2400.0
    assert fired(builder.design, "R55")


def test_r55_asks_for_replicas_or_throughput_as_info(builder):
    _, model, infra = _served(builder, qps=1200.0, throughput=100.0, replicas=None)
    [finding] = findings(builder.design, "R55")
    assert finding.severity == "info" and finding.unset == (f"{infra}.replicas",)
    assert "peak load needs 18" in finding.message
    builder.design.component_by_id()[infra].properties["replicas"] = 4
    builder.design.component_by_id()[model].properties.pop("throughput_per_replica")
    [finding] = findings(builder.design, "R55")
    assert finding.severity == "info" and finding.unset == (f"{model}.throughput_per_replica",)


# ---- R56 ---------------------------------------------------------------------------------


def test_r56_fires_when_review_is_routed_more_than_its_capacity(builder):
    review = builder.add("human_review", "Analyst queue", items_per_day=5000.0, capacity_per_day=4000.0)
    [finding] = fired(builder.design, "R56")
    assert finding.components == (review,)
    assert finding.message == (
        "Analyst queue is routed 5,000 items a day and handles 4,000 (125% of capacity): the backlog "
        "grows by 1,000 a day"
    )


def test_r56_fires_for_a_review_with_no_capacity(builder):
    """capacity_per_day 0 (no reviewers staffed yet) divided by zero: an internal error finding
    instead of the backlog the estimate itself reports ('against no capacity')."""
    review = builder.add("human_review", "Analyst queue", items_per_day=500.0, capacity_per_day=0.0)
    [finding] = fired(builder.design, "R56")
    assert finding.components == (review,) and not finding.internal_error
    assert finding.message == (
        "Analyst queue is routed 500 items a day and handles 0 (no capacity): the backlog grows by 500 a day"
    )


def test_r56_quiet_within_capacity(builder):
    builder.add("human_review", items_per_day=3000.0, capacity_per_day=4000.0)
    builder.add("human_review")  # no load stated: left to the estimate's missing inputs
    assert findings(builder.design, "R56") == []


def test_r56_asks_for_capacity_when_items_are_routed(builder):
    review = builder.add("human_review", items_per_day=3000.0)
    [finding] = findings(builder.design, "R56")
    assert finding.unset == (f"{review}.capacity_per_day",)


# ---- R57 ---------------------------------------------------------------------------------


def test_r57_fires_when_a_store_serves_more_than_it_sustains(builder):
    """The model's 1,200 QPS reach the store directly and as the cache's 300 misses: 1,500."""
    endpoint = builder.add("endpoint", "API", qps=1200.0)
    model = builder.add("model", "Ranker")
    store = builder.add("feature_store", "Store", online_latency_ms=5.0, max_qps=1000.0)
    cache = builder.add("cache", "Cache", hit_rate=0.75, max_qps=10_000.0)
    builder.link(model, endpoint, flow="artifact")
    builder.link(store, model, flow="feature", phase="serve")
    builder.chain(store, cache, model, flow="feature", phase="serve")
    [finding] = fired(builder.design, "R57")
    assert finding.severity == "error" and finding.components == (model, store, cache)
    assert finding.message == (
        "Store serves 1,500 QPS at peak (300 from Cache + 1,200 from Ranker = 1,500 QPS) and sustains "
        "1,000 QPS within 5 ms"
    )


def test_r57_quiet_when_the_cache_absorbs_the_load(builder):
    endpoint, model = builder.add("endpoint", qps=1200.0), builder.add("model")
    store = builder.add("feature_store", max_qps=1000.0)
    cache = builder.add("cache", hit_rate=0.5, max_qps=10_000.0)
    builder.link(model, endpoint, flow="artifact")
    builder.chain(store, cache, model, flow="feature", phase="serve")
    assert findings(builder.design, "R57") == []  # 600 misses reach the store


def test_r57_asks_for_max_qps_as_info(builder):
    endpoint, model, store = (
        builder.add("endpoint", qps=50.0),
        builder.add("model"),
        builder.add("feature_store"),
    )
    builder.link(model, endpoint, flow="artifact")
    builder.link(store, model, flow="feature", phase="serve")
    [finding] = findings(builder.design, "R57")
    assert finding.severity == "info" and finding.unset == (f"{store}.max_qps",)


# ---- R58 ---------------------------------------------------------------------------------


def test_r58_fires_for_volume_without_retention(builder):
    """2M events x 500 bytes = 1 GB a day, 30 GB a month, kept for ever."""
    source = builder.add("data_source", "Clicks", events_per_day=2e6, bytes_per_event=500.0)
    pipeline, dataset = builder.add("data_pipeline"), builder.add("dataset", "Training set")
    builder.chain(source, pipeline, dataset)
    [finding] = fired(builder.design, "R58")
    assert finding.components == (source, dataset)
    assert finding.message == (
        "Clicks adds 1 GB/day to Training set with no retention_days: storage grows by 30 GB a month "
        "without a limit"
    )


def test_r58_quiet_with_retention_or_without_volume(builder):
    kept = builder.add("data_source", events_per_day=2e6, bytes_per_event=500.0, retention_days=90.0)
    unknown = builder.add("data_source")
    dataset = builder.add("dataset")
    builder.link(kept, dataset)
    builder.link(unknown, dataset)
    assert findings(builder.design, "R58") == []


def test_r58_fires_behind_a_governance_step_drawn_with_its_default_flow(builder):
    """Governance links out with flow govern by default: the data still goes on to the dataset."""
    source = builder.add("data_source", "Clicks", events_per_day=2e6, bytes_per_event=500.0)
    governance, dataset = builder.add("governance", "Encrypt", controls=["encrypt"]), builder.add("dataset")
    builder.chain(source, governance, dataset)
    assert builder.design.links[-1].flow == "govern"
    [finding] = fired(builder.design, "R58")
    assert finding.components == (source, dataset)


def test_r58_quiet_when_governance_with_retention_bounds_the_dataset(builder):
    source = builder.add("data_source", "Clicks", events_per_day=2e6, bytes_per_event=500.0)
    governance = builder.add("governance", "Privacy", controls=["encrypt"])
    dataset = builder.add("dataset")
    builder.chain(source, governance, builder.add("data_pipeline"), dataset)
    assert len(fired(builder.design, "R58")) == 1
    builder.design.component_by_id()[governance].properties["controls"] = ["encrypt", "retention"]
    assert findings(builder.design, "R58") == []
    other = builder.add("data_source", "Views", events_per_day=2e6, bytes_per_event=500.0)
    builder.link(other, dataset)  # a second way in, not through the governance step
    assert [set(f.components) for f in fired(builder.design, "R58")] == [{other, dataset}]
    builder.link(builder.add("governance", "Retention", controls=["retention"]), dataset)
    assert findings(builder.design, "R58") == []


def test_r58_quiet_when_only_a_monitor_links_past_the_retention_step(builder):
    """All the data reaches the training set through the retention step; the drift monitor fed
    by the serving predictions only watches the training set (its reference)."""
    source = builder.add("data_source", "Clicks", events_per_day=2e6, bytes_per_event=500.0)
    retention = builder.add("governance", "Retention", controls=["retention"])
    training_set = builder.add("dataset", "Training set")
    builder.chain(source, retention, builder.add("data_pipeline", "Batch ETL"), training_set)
    stream, endpoint = builder.add("data_pipeline", "Stream"), builder.add("endpoint")
    builder.chain(source, stream, builder.add("feature_store"), builder.add("model"), endpoint)
    monitor = builder.add("monitor", "Drift")
    builder.chain(endpoint, monitor, training_set)
    assert builder.design.links[-1].flow == "watch"
    assert findings(builder.design, "R58") == []
    builder.link(stream, training_set)  # the stream also writes the training set: a way around
    [finding] = fired(builder.design, "R58")
    assert finding.components == (source, training_set)


# ---- R34 on the computed cost --------------------------------------------------------------


def test_r34_fires_on_the_computed_cost_of_the_components_the_budget_governs(builder):
    """18 replicas needed, none provisioned, at $2/h: 18 x 2 x 730 = $26,280 > $20,000."""
    _, _, infra = _served(builder, qps=1200.0, throughput=100.0, replicas=None, price=2.0)
    other = builder.add("infrastructure", "Warehouse", cost_per_month=50_000.0)  # not governed
    budget = builder.add("constraint", "Serving budget", type="cost", value=20_000.0, unit="USD/month")
    builder.link(budget, infra, flow="govern")
    [finding] = fired(builder.design, "R34")
    assert finding.components == (infra, budget)
    assert other not in finding.components
    assert finding.message == (
        "Computed monthly cost Fleet ($26,280/month) = $26,280/month exceeds the 20,000 USD/month budget "
        "of Serving budget"
    )


def test_r34_quiet_when_the_computed_cost_fits(builder):
    _, _, infra = _served(builder, qps=1200.0, throughput=100.0, replicas=10, price=2.0)
    budget = builder.add("constraint", type="cost", value=20_000.0, unit="USD/month")
    builder.link(budget, infra, flow="govern")
    assert fired(builder.design, "R34") == []  # 10 x 2 x 730 = $14,600


def test_r55_says_one_replica_in_the_singular(builder):
    """The estimates and the report say '1 replica'; R55's finding, printed in the
    same report, still read 'Fleet provisions 1 replicas'."""
    _served(builder, qps=200.0, throughput=100.0, replicas=1)
    [finding] = fired(builder.design, "R55")
    assert finding.message.startswith("Fleet provisions 1 replica and peak load needs 3 (")
    assert "1 replicas" not in finding.message
