"""Designs and check results for the export tests: a realistic recommender and a hostile one.

The findings are constructed here (not produced by the rules), so the tests do not depend on
which rules exist.
"""

from __future__ import annotations

from app.domain.catalog import Catalog
from app.domain.model import Decision, Design
from app.rules.engine import CheckResult, stage_coverage
from app.rules.model import Finding, RuleSpec
from tests.factories import DesignBuilder

FIXED_DATE = "2024-05-01T09:30:00+00:00"


def recommender_design(catalog: Catalog) -> Design:
    """A video feed recommender over all six stages, with a few deliberate gaps."""
    b = DesignBuilder(catalog, title="Video feed recommender")
    d = b.design
    d.meta.author = "Ada Lovelace"
    d.meta.problem = (
        "Rank the videos in each user's home feed to increase 7-day retention. "
        "Framed as learning-to-rank on watch-time labels; p99 latency budget 100 ms at 5k QPS."
    )
    d.meta.created = d.meta.modified = FIXED_DATE
    framing = b.add(
        "problem_framing",
        "Feed ranking framing",
        id="framing",
        task="ranking",
        ml_needed="yes",
        request_time_context=True,
        marketplace=False,
    )
    objective = b.add(
        "business_objective",
        "Increase 7-day retention",
        id="objective",
        kpi="7-day retention",
        target_delta="+2%",
        horizon_days=90,
    )
    ndcg = b.add("metric", "NDCG@10", id="ndcg", role="optimizing", threshold=0.42)
    d.component_by_id()[ndcg].properties["name"] = "ndcg"
    latency = b.add("constraint", "Latency budget", id="latency", type="latency", value=100.0, unit="ms")
    clicks = b.add(
        "data_source",
        "Clickstream events",
        id="clicks",
        technology="Kafka",
        source_type="event_stream",
        contains_pii=True,
        freshness="realtime",
        owner="Data Platform",
        versioned=True,
    )
    catalog_db = b.add(
        "data_source",
        "Video catalog DB",
        id="catalog_db",
        technology="Postgres",
        source_type="oltp_db",
        contains_pii=False,
        freshness="hourly",
    )
    etl = b.add("data_pipeline", "Streaming ETL", id="etl", technology="Spark", mode="streaming")
    labels = b.add(
        "label_source",
        "Watch-time labels",
        id="labels",
        label_type="natural",
        delay_hours=48.0,
        positive_rate=0.08,
    )
    validation = b.add(
        "data_validation",
        "Schema and range checks",
        id="validation",
        technology="Great Expectations",
        checks=["schema", "range", "null"],
        blocking=True,
        where="train",
    )
    gov = b.add(
        "governance", "PII anonymiser", id="gov", controls=["anonymize", "access_control"], regulation="gdpr"
    )
    dataset = b.add(
        "dataset", "Training snapshots", id="dataset", split="time", is_time_series=True, version="v12"
    )
    features = b.add(
        "feature_pipeline",
        "Feature jobs",
        id="features",
        technology="Spark",
        ops=["impute", "embed", "window_agg"],
        n_features=140,
        shared_train_serve=True,
        fit_on="train_only",
    )
    store = b.add(
        "feature_store",
        "Feature store",
        id="store",
        technology="Feast",
        offline=True,
        online=True,
        point_in_time=True,
        online_latency_ms=8.0,
    )
    sampling = b.add(
        "sampling_strategy",
        "Negative sampling",
        id="sampling",
        method="negative_sampling",
        weighted_correction=True,
    )
    baseline = b.add(
        "baseline_model", "Popularity baseline", id="baseline", baseline_type="popularity", metric_value=0.31
    )
    model = b.add(
        "model",
        "GBDT ranker",
        id="ranker",
        technology="LightGBM",
        family="gbdt",
        learned=True,
        params_millions=2.5,
        interpretable=False,
        explainer="shap",
        p99_latency_ms=35.0,
        compressed=False,
    )
    training = b.add(
        "training_job",
        "Daily retraining",
        id="training",
        technology="Airflow",
        cv="time_series_cv",
        hpo="bayesian",
        early_stopping=True,
        schedule="periodic",
        reproducible=True,
    )
    evaluation = b.add(
        "evaluation",
        "Offline evaluation gate",
        id="evaluation",
        method="backtest",
        slices=["country", "new users"],
        gate=True,
    )
    registry = b.add(
        "model_registry", "Model registry", id="registry", technology="MLflow", versioned=True, lineage=True
    )
    endpoint = b.add(
        "endpoint",
        "Feed API",
        id="feed_api",
        technology="Kubernetes",
        mode="online",
        latency_slo_ms=80.0,
        qps=5000.0,
        autoscale=True,
        fallback="cached",
    )
    release = b.add(
        "release_strategy", "Canary rollout", id="release", release_type="canary", rollback="automated"
    )
    app_consumer = b.add("consumer", "Mobile app", id="app", consumer_type="user_app", declared=True)
    monitor = b.add(
        "monitor",
        "Latency and errors",
        id="ops_monitor",
        technology="Prometheus",
        watches=["latency", "errors"],
        alerting=True,
        channel="Slack #feed-oncall",
        window_hours=1.0,
    )
    experiment = b.add(
        "experiment",
        "Retention A/B test",
        id="ab",
        experiment_type="ab",
        unit="user",
        primary_metric="7-day retention",
        guardrails=["p99 latency", "crash rate"],
    )
    logger = b.add(
        "prediction_logger",
        "Impression logger",
        id="logger",
        logs_features=True,
        logs_predictions=True,
        holdout_pct=1.0,
        propensity_logged=False,
    )
    d.components[-1].notes = "Logs every served slate with the features seen at serving time."
    d.component_by_id()[
        "ranker"
    ].notes = "LambdaMART objective; two-tower retrieval narrows candidates to 500 before ranking."

    b.link(framing, objective)
    b.link(ndcg, objective, flow="proxy")
    b.link(latency, endpoint, flow="govern")
    b.chain(clicks, gov, etl, validation, dataset)
    b.link(catalog_db, etl)
    b.link(labels, dataset, flow="label")
    b.link(dataset, features)
    b.link(features, store)
    b.link(dataset, sampling)
    b.link(sampling, training)
    b.link(store, training, phase="train")
    b.link(baseline, evaluation, flow="eval")
    b.chain(training, model)
    b.link(model, evaluation, flow="eval")
    b.link(evaluation, registry)
    b.link(registry, endpoint, flow="artifact")
    b.link(store, endpoint, flow="feature", phase="serve")
    b.link(release, endpoint)
    b.link(endpoint, app_consumer)
    b.link(endpoint, logger)
    b.link(monitor, endpoint, flow="watch")
    b.link(experiment, app_consumer, flow="watch")
    b.link(app_consumer, labels, flow="label", feedback=True, label="watch time")
    d.decisions.append(
        Decision(
            id="d1",
            rule="R31",
            components=[endpoint],
            rationale="Online scoring is required: the feed depends on the session context.",
            date=FIXED_DATE,
        )
    )
    d.rule_overrides = {"R15": "off", "R21": "warning"}
    return d


def _spec(rule_id: str, title: str, stage: str, severity: str, sources: tuple[str, ...]) -> RuleSpec:
    return RuleSpec(
        rule_id,
        title,
        stage,
        severity,
        f"Rationale of {rule_id}.",
        f"Suggestion for {rule_id}.",
        sources,
        check=lambda ctx: [],
    )


RULES = [
    _spec("R4", "A stage has no component", "all", "warning", ("DMLS ch2",)),
    _spec("R14", "Delayed labels need proxy monitors", "data", "warning", ("DMLS ch4", "DMLS ch8")),
    _spec("R15", "Data source without owner or versioning", "data", "info", ("HTD §3", "RoML #11")),
    _spec("R21", "Many features, no importance analysis", "features", "info", ("MTS Data 2", "HTD §3")),
    _spec("R31", "Serving mode does not fit the context", "serving", "info", ("DMLS ch7", "RoML #8")),
    _spec("R35", "Endpoint without drift monitoring", "monitoring", "error", ("MTS Monitor 2", "AWS drift")),
    _spec("R40", "No feature logging on the serve path", "monitoring", "info", ("RoML #29",)),
]


def recommender_result(design: Design, catalog: Catalog) -> CheckResult:
    """Findings for the recommender as the rules would report them."""
    spec = {r.id: r for r in RULES}

    def finding(
        rule: str, message: str, components: tuple[str, ...], severity: str | None = None, **extra: object
    ) -> Finding:
        s = spec[rule]
        return Finding(
            rule=rule,
            severity=severity or s.severity,
            stage=s.stage,
            title=s.title,
            message=message,
            components=components,
            suggestion=s.suggestion,
            sources=s.sources,
            **extra,
        )

    findings = [
        finding(
            "R35",
            "Feed API has no monitor watching data drift or data quality, and none "
            "watching prediction drift or model quality.",
            ("feed_api",),
        ),
        finding(
            "R14",
            "Watch-time labels arrive after 48 h and no monitor watches prediction or data drift.",
            ("labels",),
        ),
        finding(
            "R21",
            "Feature jobs produce 140 features and no feature importance is measured.",
            ("features",),
            severity="warning",
            default_severity="info",
        ),
        finding(
            "R31",
            "Feed API is online although every serve-path source is hourly or slower.",
            ("feed_api",),
            accepted=True,
            decision="d1",
            rationale=design.decisions[0].rationale if design.decisions else None,
        ),
        finding(
            "R40", "No prediction logger with logs_features on the serve path of Feed API.", ("feed_api",)
        ),
    ]
    return CheckResult(
        findings=findings,
        coverage=stage_coverage(design, catalog),
        rules_checked=list(RULES),
        overrides_applied=dict(design.rule_overrides),
    )


LONG_NAME = ("Extraordinarily long component name " * 9)[:300]
HOSTILE_NAMES = [
    'a" -> b [image="/etc/passwd"',
    "<b>bold</b> & <i>markup</i>",
    "&amp; already escaped",
    "back\\slash \\N \\G \\",
    "line one\nline two",
    "推荐系统 召回模型",
    "Café naïve résumé",
    "{|} braces | pipes [x] (y) #quot; %% `tick`",
    "]; n0 -> n1 [label=pwned]; //",
    LONG_NAME,
]


def hostile_design(catalog: Catalog) -> Design:
    """Every stage present, names chosen to break naive escaping."""
    b = DesignBuilder(catalog, title='Hostile <title> & "quotes" 推荐')
    b.design.meta.author = "Zoë <script>alert(1)</script>"
    b.design.meta.problem = "Problem with <b>markup</b> & ampersands\nand a newline. 推荐系统"
    kinds = [
        "business_objective",
        "data_source",
        "feature_pipeline",
        "model",
        "endpoint",
        "monitor",
        "metric",
        "dataset",
        "training_job",
        "consumer",
    ]
    ids = []
    for index, (kind, name) in enumerate(zip(kinds, HOSTILE_NAMES, strict=True)):
        ids.append(b.add(kind, name, id=f"h{index}", technology=f'tech <{index}> & "q"'))
    b.design.components[0].notes = "Notes with <tags>, & ampersands, and 推荐系统."
    b.link("h1", "h7")
    b.link("h7", "h8")
    b.link("h8", "h3", label='edge "label" <x> {|}')
    b.link("h2", "h3")
    b.link("h3", "h4")
    b.link("h4", "h9")
    b.link("h5", "h4", flow="watch")
    b.link("h6", "h0", flow="proxy")
    b.link("h9", "h1", feedback=True, label="feedback\nloop")
    return b.design


def hostile_result(design: Design, catalog: Catalog) -> CheckResult:
    findings = [
        Finding(
            rule="R35",
            severity="error",
            stage="monitoring",
            title="Hostile <finding>",
            message=f"Component {c.name!s} & <friends> need attention",
            components=(c.id,),
            suggestion="Fix <it> & move on",
            sources=("<src>",),
        )
        for c in design.components[:3]
    ]
    return CheckResult(
        findings=findings,
        coverage=stage_coverage(design, catalog),
        rules_checked=list(RULES),
        overrides_applied={},
    )


# Share of a generated design's components per stage: a realistic mix, heavy on data and models.
STAGE_MIX = {
    "business": 0.08,
    "data": 0.25,
    "features": 0.17,
    "model": 0.22,
    "serving": 0.16,
    "monitoring": 0.12,
}
QUALIFIERS = ("Primary", "Regional", "Nightly", "Streaming", "Shadow", "Backup", "Experimental", "Legacy")


def staged_design(catalog: Catalog, n_components: int = 150, seed: int = 3) -> Design:
    """A big design shaped like real ones: stages in proportion (STAGE_MIX), each component
    linked to one of its own stage and often to the next stage, a few links skipping stages
    and a few feedback links back; names of varied length, unique."""
    import random

    from app.domain.model import Component, Link, Meta

    rng = random.Random(seed)
    kinds = {stage: [k for k in catalog.kinds if catalog.stage_of(k) == stage] for stage in STAGE_MIX}
    stages = list(STAGE_MIX)
    counts = {stage: max(1, round(share * n_components)) for stage, share in STAGE_MIX.items()}
    counts["data"] += n_components - sum(counts.values())
    by_stage: dict[str, list[str]] = {stage: [] for stage in stages}
    components = []
    for stage in stages:
        for k in range(counts[stage]):
            kind = kinds[stage][k % len(kinds[stage])]
            label = catalog.kinds[kind].label
            number = len(components)
            name = f"{rng.choice(QUALIFIERS)} {label.lower()} {number}" if number % 3 else f"{label} {number}"
            components.append(Component(id=f"c{number}", kind=kind, name=name))
            by_stage[stage].append(f"c{number}")
    kind_of = {c.id: c.kind for c in components}
    links: list[Link] = []
    pairs: set[tuple[str, str]] = set()

    def link(source: str, target: str, feedback: bool = False) -> None:
        if source != target and (source, target) not in pairs:
            pairs.add((source, target))
            flow = catalog.default_flow(kind_of[source], kind_of[target])
            number = f"l{len(links)}"
            links.append(Link(id=number, source=source, target=target, flow=flow, feedback=feedback))

    for position, stage in enumerate(stages):
        members = by_stage[stage]
        for index, member in enumerate(members[1:], 1):
            link(members[rng.randrange(index)], member)
        if position + 1 < len(stages):
            for member in members:
                if rng.random() < 0.35:
                    link(member, rng.choice(by_stage[stages[position + 1]]))
        if position + 2 < len(stages) and members:
            link(rng.choice(members), rng.choice(by_stage[stages[position + 2]]))
    for _ in range(max(1, n_components // 40)):
        target = rng.choice(by_stage["data"] + by_stage["model"])
        link(rng.choice(by_stage["monitoring"]), target, feedback=True)
    title = f"Generated platform ({n_components} components)"
    return Design(meta=Meta(title=title), components=components, links=links)


MERGED_TEMPLATES = ("fraud_detection", "rag_assistant", "churn_prediction", "content_moderation")


def merged_templates(names: tuple[str, ...] = MERGED_TEMPLATES) -> Design:
    """One design made of several shipped templates side by side (163 components for the
    default four): every id prefixed with its template's number, decisions and links kept."""
    import json

    from app.persistence import load_design_bytes
    from app.resources import resource_path

    merged: dict | None = None
    for number, name in enumerate(names):
        data = json.loads(resource_path("templates", f"{name}.mlsd").read_text(encoding="utf-8"))
        prefix = f"t{number}_"
        for component in data["components"]:
            component["id"] = prefix + component["id"]
            component["position"]["x"] += 4000 * number
        for link in data["links"]:
            link.update(
                id=prefix + link["id"], source=prefix + link["source"], target=prefix + link["target"]
            )
        for decision in data.get("decisions", []):
            decision["id"] = prefix + decision["id"]
            decision["components"] = [prefix + c for c in decision.get("components", [])]
            if decision.get("supersedes"):
                decision["supersedes"] = prefix + decision["supersedes"]
        if merged is None:
            merged = data
            merged["meta"]["title"] = "Four templates merged"
        else:
            for key in ("components", "links", "decisions"):
                merged.setdefault(key, []).extend(data.get(key, []))
    return load_design_bytes(json.dumps(merged).encode("utf-8"), "merged.mlsd").design
