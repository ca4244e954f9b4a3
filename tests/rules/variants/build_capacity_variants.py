"""Write the variant designs of the capacity flaw class (R34 on the computed cost, R55-R58),
each with its manifest in meta.notes.

    python -m tests.rules.variants.build_capacity_variants

Each design states the figures the estimates need (app/estimates); the flawed ones break one
capacity at a time, the sound one carries a load it can bear. The .mlsd files are committed;
this script only regenerates them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.domain.catalog import default_catalog
from app.persistence import save_design
from tests.factories import DesignBuilder
from tests.rules.variants.build_newrules_variants import manifest_notes

FOLDER = Path(__file__).resolve().parent / "capacity"
ALL = ["R34", "R55", "R56", "R57", "R58"]
Build = Callable[[DesignBuilder], None]
DESIGNS: dict[str, tuple[str, list[str], Build]] = {}


def design(file: str, title: str, fires: list[str]) -> Callable[[Build], Build]:
    def register(build: Build) -> Build:
        DESIGNS[file] = (title, fires, build)
        return build

    return register


def serving(
    b: DesignBuilder,
    *,
    qps: float = 2000.0,
    throughput: float = 200.0,
    replicas: int = 16,
    store_max_qps: float = 10_000.0,
    hit_rate: float = 0.8,
    price: float = 0.68,
) -> dict[str, str]:
    """Endpoint <- model <- feature store (directly and through a cache), on a priced fleet."""
    c = {
        "endpoint": b.add("endpoint", "Scoring API", mode="online", qps=qps, mean_qps=qps / 3),
        "model": b.add("model", "Scorer", throughput_per_replica=throughput, accelerator="cpu"),
        "store": b.add("feature_store", "Feature store", online_latency_ms=5.0, max_qps=store_max_qps),
        "cache": b.add("cache", "Feature cache", hit_rate=hit_rate, latency_ms=1.0, max_qps=100_000.0),
        "fleet": b.add(
            "infrastructure",
            "Serving fleet",
            instance_type="c6i.4xlarge",
            replicas=replicas,
            unit_price_per_hour=price,
        ),  # fmt: skip
    }
    b.link(c["model"], c["endpoint"], flow="artifact")
    b.link(c["store"], c["model"], flow="feature", phase="serve")
    b.chain(c["store"], c["cache"], c["model"], flow="feature", phase="serve")
    b.link(c["fleet"], c["endpoint"])
    return c


def data(b: DesignBuilder, *, retention: float | None = 90.0) -> dict[str, str]:
    """Events -> pipeline -> dataset, 50M events a day of 400 bytes (20 GB a day)."""
    c = {
        "events": b.add(
            "data_source", "Events", events_per_day=5e7, bytes_per_event=400.0, retention_days=retention
        ),
        "pipeline": b.add("data_pipeline", "Daily ETL", mode="batch"),
        "dataset": b.add("dataset", "Training set"),
    }
    b.chain(c["events"], c["pipeline"], c["dataset"])
    return c


@design("underprovisioned_fleet.mlsd", "Fleet below peak load", ["R55"])
def _(b: DesignBuilder) -> None:
    # 2,000 QPS / (200 x 0.7) = 14.3 -> 15 replicas needed; 8 provisioned
    serving(b, replicas=8)
    data(b)


@design("traffic_outgrew_the_fleet.mlsd", "Peak traffic grew past the fleet", ["R55"])
def _(b: DesignBuilder) -> None:
    # a GPU model sized by its per-prediction compute: 20,000 GFLOP/s / 100 GFLOPs = 200/s a
    # replica; 6,000 QPS / 140 = 42.9 -> 43 replicas needed; 30 provisioned
    c = serving(b, qps=6000.0, replicas=30, store_max_qps=50_000.0)
    props = b.design.component_by_id()[c["model"]].properties
    props.pop("throughput_per_replica")
    props.update(gflops=100.0, accelerator="gpu")


@design("review_overflow.mlsd", "Gray band beyond reviewer capacity", ["R56"])
def _(b: DesignBuilder) -> None:
    c = serving(b)
    policy = b.add("decision_policy", "Threshold policy", policy_type="threshold", action_limits=True)
    review = b.add("human_review", "Review queue", items_per_day=60_000.0, capacity_per_day=40_000.0)
    b.chain(c["endpoint"], policy, review)


@design("saturated_feature_store.mlsd", "Feature store past its capacity", ["R57"])
def _(b: DesignBuilder) -> None:
    # 2,000 direct + 2,000 x (1 - 0.2) misses = 3,600 QPS against 3,000
    serving(b, store_max_qps=3000.0, hit_rate=0.2)


@design("unbounded_storage.mlsd", "Event log kept for ever", ["R58"])
def _(b: DesignBuilder) -> None:
    serving(b)
    data(b, retention=None)


@design("over_budget.mlsd", "Computed cost over the budget", ["R34"])
def _(b: DesignBuilder) -> None:
    # 40 replicas x $3/h x 730 h = $87,600 against $50,000
    c = serving(b, replicas=40, price=3.0)
    budget = b.add("constraint", "Serving budget", type="cost", value=50_000.0, unit="USD/month")
    b.link(budget, c["fleet"], flow="govern")


@design("sound.mlsd", "Sized for its peak load", [])
def _(b: DesignBuilder) -> None:
    c = serving(b)  # 15 replicas needed, 16 provisioned; the store serves 2,400 of 10,000 QPS
    data(b)
    policy = b.add("decision_policy", "Threshold policy", policy_type="threshold", action_limits=True)
    review = b.add("human_review", "Review queue", items_per_day=30_000.0, capacity_per_day=40_000.0)
    b.chain(c["endpoint"], policy, review)
    # 16 x $0.68 x 730 = $7,943 + 1.8 TB stored ($41) within $10,000
    budget = b.add("constraint", "Budget", type="cost", value=10_000.0, unit="USD/month")
    b.link(budget, c["fleet"], flow="govern")


def main() -> None:
    catalog = default_catalog()
    FOLDER.mkdir(exist_ok=True)
    for file, (title, fires, build) in DESIGNS.items():
        builder = DesignBuilder(catalog, title=title)
        build(builder)
        quiet = [r for r in ALL if r not in fires] if fires else ALL
        builder.design.meta.notes = manifest_notes(fires, quiet, [])
        save_design(builder.design, FOLDER / file)
    print(f"capacity: {len(DESIGNS)} designs")


if __name__ == "__main__":
    main()
