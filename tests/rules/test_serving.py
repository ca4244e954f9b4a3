"""R28-R34: serving and deployment."""

from __future__ import annotations

import pytest

from tests.rules.helpers import findings, fired, unspecified

# ---- R28 ---------------------------------------------------------------------------------


def test_r28_fires_when_training_reaches_serving_without_a_gate(builder):
    job, model = builder.add("training_job", "Train"), builder.add("model")
    endpoint = builder.add("endpoint", "API")
    builder.chain(job, model, endpoint)
    [finding] = findings(builder.design, "R28")
    assert finding.severity == "error" and finding.components == (job, endpoint)
    assert finding.message == "Train reaches endpoint API without passing an evaluation with a gate"


def test_r28_fires_when_the_evaluation_does_not_gate(builder):
    job, model = builder.add("training_job"), builder.add("model")
    builder.chain(job, model, builder.add("evaluation", gate=False), builder.add("endpoint"))
    assert len(findings(builder.design, "R28")) == 1


def test_r28_quiet_behind_a_gated_evaluation(builder):
    job, model = builder.add("training_job"), builder.add("model")
    evaluation, registry = builder.add("evaluation", gate=True), builder.add("model_registry")
    builder.chain(job, model, evaluation, registry, builder.add("endpoint"))
    assert findings(builder.design, "R28") == []


def test_r28_says_when_gate_is_unspecified(builder):
    job, model = builder.add("training_job"), builder.add("model")
    builder.chain(job, model, builder.add("evaluation", "Offline eval"), builder.add("endpoint"))
    assert fired(builder.design, "R28") == []
    assert unspecified(builder.design, "R28")[0].startswith("gate of Offline eval is unset")


# ---- R29 ---------------------------------------------------------------------------------


def _user_facing(builder, consumer_type="user_app"):
    model = builder.add("model")
    endpoint = builder.add("endpoint", "Feed API", mode="online")
    builder.link(endpoint, builder.add("consumer", "App", consumer_type=consumer_type))
    return model, endpoint


def test_r29_fires_for_user_facing_endpoint_without_safe_rollout(builder):
    model, endpoint = _user_facing(builder)
    builder.link(model, endpoint)
    [finding] = findings(builder.design, "R29")
    assert finding.components == (endpoint,)
    assert finding.message == (
        "Endpoint Feed API (serving App) has no release strategy and no model registry on its path"
    )


def test_r29_fires_for_a_big_bang_release_without_rollback(builder):
    model, endpoint = _user_facing(builder)
    registry = builder.add("model_registry", versioned=True)
    release = builder.add("release_strategy", "Release", release_type="big_bang", rollback="none")
    builder.chain(model, registry, release, endpoint)
    [finding] = findings(builder.design, "R29")
    assert finding.components == (endpoint, release) and finding.severity == "error"
    assert "has a big bang release and no rollback" in finding.message


def test_r29_quiet_with_canary_rollback_and_registry(builder):
    model, endpoint = _user_facing(builder)
    registry = builder.add("model_registry", versioned=True)
    release = builder.add("release_strategy", release_type="canary", rollback="automated")
    builder.chain(model, registry, release, endpoint)
    assert findings(builder.design, "R29") == []


def test_r29_fires_for_an_endpoint_fed_by_another_endpoints_predictions(builder):
    """The embeddings endpoint ships by canary from a versioned registry; the ranking endpoint
    its embeddings feed has neither: it borrows nothing from the first one's release."""
    model, embeddings = _user_facing(builder)
    registry = builder.add("model_registry", versioned=True)
    canary = builder.add("release_strategy", release_type="canary", rollback="automated")
    builder.chain(model, registry, canary, embeddings)
    ranking = builder.add("endpoint", "Ranking API", mode="online")
    builder.chain(embeddings, builder.add("feature_store"), builder.add("model", "Ranker"), ranking,
                  builder.add("consumer", "Search page", consumer_type="user_app"))  # fmt: skip
    [finding] = fired(builder.design, "R29")
    assert finding.components == (ranking,) and "no release strategy and no model registry" in finding.message


def test_r29_quiet_for_a_release_beside_the_registry_that_serves_the_endpoint(builder):
    model, endpoint = _user_facing(builder)
    registry = builder.add("model_registry", versioned=True)
    builder.chain(model, registry, endpoint)
    release = builder.add("release_strategy", release_type="canary", rollback="automated")
    builder.chain(registry, release, builder.add("experiment", experiment_type="ab"))
    assert findings(builder.design, "R29") == []


def test_r29_fires_for_an_internal_payments_service(builder):
    model, endpoint = _user_facing(builder, consumer_type="internal_service")
    release = builder.add("release_strategy", "Release", release_type="big_bang", rollback="none")
    builder.chain(model, release, endpoint)
    [finding] = findings(builder.design, "R29")
    assert finding.severity == "error" and "no model registry" in finding.message


def test_r29_fires_for_an_unversioned_registry(builder):
    model, endpoint = _user_facing(builder)
    registry = builder.add("model_registry", "Registry", versioned=False)
    release = builder.add("release_strategy", release_type="canary", rollback="automated")
    builder.chain(model, registry, release, endpoint)
    [finding] = findings(builder.design, "R29")
    assert finding.severity == "warning" and "unversioned model registry" in finding.message


def test_r29_fires_as_info_for_analysts_only(builder):
    model, endpoint = _user_facing(builder, consumer_type="analyst")
    builder.link(model, endpoint)
    [finding] = findings(builder.design, "R29")
    assert finding.severity == "info"


# ---- R30 ---------------------------------------------------------------------------------


def test_r30_fires_for_online_endpoint_without_fallback(builder):
    endpoint = builder.add("endpoint", "API", mode="online", fallback="none")
    [finding] = findings(builder.design, "R30")
    assert finding.components == (endpoint,) and finding.severity == "warning"


def test_r30_quiet_with_a_fallback(builder):
    builder.add("endpoint", "API", mode="online", fallback="cached")
    builder.add("endpoint", "Nightly", mode="batch", fallback="none")
    assert findings(builder.design, "R30") == []


def test_r30_says_when_fallback_is_unspecified(builder):
    builder.add("endpoint", "API", mode="online")
    assert unspecified(builder.design, "R30") == [
        "fallback of API is unset: what answers when the model fails?"
    ]


# ---- R31 ---------------------------------------------------------------------------------


def test_r31_fires_for_batch_serving_of_request_time_context(builder):
    framing = builder.add("problem_framing", "Search ranking", request_time_context=True)
    endpoint = builder.add("endpoint", "Nightly scores", mode="batch")
    [finding] = findings(builder.design, "R31")
    assert finding.severity == "info" and finding.components == (framing, endpoint)


def test_r31_quiet_for_batch_candidates_beside_an_online_ranker(builder):
    builder.add("problem_framing", "Feed ranking", request_time_context=True)
    retrieval, ranker = builder.add("model", "Retrieval"), builder.add("model", "Ranker")
    candidates = builder.add("endpoint", "Nightly candidates", mode="batch")
    builder.chain(retrieval, candidates, builder.add("cache", "Candidate cache"), ranker)
    builder.link(ranker, builder.add("endpoint", "Feed API", mode="online"))
    assert findings(builder.design, "R31") == []


def test_r31_fires_for_online_serving_of_daily_data(builder):
    builder.add("problem_framing", "Churn", request_time_context=False)
    source = builder.add("data_source", "Warehouse", freshness="daily")
    model = builder.add("model")
    endpoint = builder.add("endpoint", "Churn API", mode="online")
    builder.link(source, model, phase="serve")
    builder.link(model, endpoint)
    [finding] = findings(builder.design, "R31")
    assert finding.components == (source, endpoint)
    assert "consider precomputing predictions in batch" in finding.message


def test_r31_quiet_for_online_serving_of_realtime_data(builder):
    builder.add("problem_framing", "Churn", request_time_context=False)
    source = builder.add("data_source", "Events", freshness="realtime")
    model = builder.add("model")
    builder.link(source, model, phase="serve")
    builder.link(model, builder.add("endpoint", mode="online"))
    assert findings(builder.design, "R31") == []


# ---- R32 ---------------------------------------------------------------------------------


def test_r32_fires_for_manual_training_without_staleness_monitor(builder):
    job = builder.add("training_job", "Notebook run", schedule="manual")
    builder.add("cicd_pipeline", ct=True, tests=["data", "model"])
    [finding] = findings(builder.design, "R32")
    assert finding.severity == "warning" and finding.components == (job,)
    assert "MLOps level 0" in finding.message


def test_r32_quiet_for_a_manual_job_that_a_continuous_training_pipeline_drives(builder):
    job = builder.add("training_job", "Retrain", schedule="manual")
    builder.link(builder.add("cicd_pipeline", ct=True, cd=True, tests=["data", "model"]), job)
    assert findings(builder.design, "R32") == []


def test_r32_fires_for_a_manual_job_downstream_of_what_a_continuous_training_pipeline_deploys(builder):
    # CT retrains and deploys one model; a second model's manual job trains on data its
    # predictions reach (endpoint -> consumer -> ETL -> dataset): nothing retrains that job.
    pipeline = builder.add("cicd_pipeline", ct=True, cd=True, tests=["data", "model"])
    ct_job, endpoint = builder.add("training_job", schedule="manual"), builder.add("endpoint")
    builder.link(pipeline, ct_job)
    builder.link(pipeline, endpoint)
    job = builder.add("training_job", "Second model", schedule="manual")
    consumer, etl, dataset = builder.add("consumer"), builder.add("data_pipeline"), builder.add("dataset")
    builder.chain(ct_job, builder.add("model"), endpoint, consumer, etl, dataset, job)
    [finding] = findings(builder.design, "R32")
    assert finding.components == (job,) and "MLOps level 0" in finding.message


def test_r32_fires_as_info_without_continuous_training(builder):
    builder.add("training_job", schedule="periodic")
    pipeline = builder.add("cicd_pipeline", "CI", ct=False)
    [finding] = findings(builder.design, "R32")
    assert finding.severity == "info" and finding.components == (pipeline,)


def test_r32_quiet_with_staleness_monitor_and_continuous_training(builder):
    builder.add("training_job", schedule="manual")
    builder.add("monitor", watches=["staleness"])
    builder.add("cicd_pipeline", ct=True, tests=["unit", "data", "model"])
    assert findings(builder.design, "R32") == []


def test_r32_fires_for_continuous_training_without_data_or_model_tests(builder):
    builder.add("training_job", schedule="periodic")
    builder.add("monitor", watches=["staleness"])
    pipeline = builder.add("cicd_pipeline", "CT", ct=True, cd=True, tests=["unit"])
    [finding] = findings(builder.design, "R32")
    assert finding.components == (pipeline,) and "without data or model tests" in finding.message


# ---- R33 ---------------------------------------------------------------------------------


def test_r33_fires_for_an_undeclared_consumer(builder):
    consumer = builder.add("consumer", "Reporting service", declared=False)
    [finding] = fired(builder.design, "R33")
    assert finding.components == (consumer,)


def test_r33_fires_for_predictions_feeding_another_models_data(builder):
    first, dataset = builder.add("model", "Spam model"), builder.add("dataset", "Ranking data")
    job, second = builder.add("training_job"), builder.add("model", "Ranker")
    builder.chain(first, dataset, job, second)
    [finding] = findings(builder.design, "R33")
    assert finding.components == (first, dataset, second)
    assert "Predictions of Spam model feed Ranking data, which Ranker learns from" in finding.message


def test_r33_fires_for_predictions_piped_straight_into_another_models_training(builder):
    first, etl = builder.add("model", "Spam model"), builder.add("data_pipeline", "Score export ETL")
    job, second = builder.add("training_job"), builder.add("model", "Ranker")
    builder.chain(first, etl, job, second)
    [finding] = findings(builder.design, "R33")
    assert finding.components == (first, etl, second)


def test_r33_quiet_with_a_declared_consumer_in_between(builder):
    first = builder.add("model", "Spam model")
    consumer = builder.add("consumer", consumer_type="downstream_model", declared=True)
    dataset, job, second = builder.add("dataset"), builder.add("training_job"), builder.add("model")
    builder.chain(first, consumer, dataset, job, second)
    assert findings(builder.design, "R33") == []


# ---- R34 ---------------------------------------------------------------------------------


def test_r34_fires_when_infrastructure_exceeds_the_cost_budget(builder):
    budget = builder.add("constraint", "Budget", type="cost", value=20000.0, unit="USD/month")
    cluster = builder.add("infrastructure", "GPU cluster", cost_per_month=15000.0)
    storage = builder.add("infrastructure", "Storage", cost_per_month=8000.0)
    [finding] = findings(builder.design, "R34")
    assert finding.components == (budget, cluster, storage)
    assert finding.message == (
        "Computed monthly cost GPU cluster ($15,000/month) + Storage ($8,000/month) = $23,000/month "
        "exceeds the 20,000 USD/month budget of Budget"
    )


def test_r34_quiet_within_budget(builder):
    builder.add("constraint", type="cost", value=20000.0)
    builder.add("infrastructure", cost_per_month=15000.0)
    assert findings(builder.design, "R34") == []


def test_r34_fires_for_a_gpu_endpoint_without_cost_monitor(builder):
    gpus = builder.add("infrastructure", "GPU pool", accelerator="gpu")
    endpoint = builder.add("endpoint", "Embeddings API")
    builder.link(gpus, endpoint)
    builder.add("monitor", watches=["latency"])
    [finding] = findings(builder.design, "R34")
    assert finding.components == (gpus, endpoint)


@pytest.mark.parametrize("drawn", ["gpus hosting the serving model", "the serving model's own accelerator"])
def test_r34_fires_for_accelerators_running_the_endpoint_drawn_another_way(builder, drawn):
    model = builder.add("model", "Embedder", family="transformer")
    endpoint = builder.add("endpoint", "Embeddings API")
    builder.link(model, endpoint)
    builder.add("monitor", watches=["latency"])
    if drawn == "gpus hosting the serving model":
        host = builder.add("infrastructure", "GPU pool", accelerator="gpu")
        builder.link(host, model)
    else:  # no infrastructure drawn: the model says where it runs
        builder.design.component_by_id()[model].properties["accelerator"] = "gpu"
        host = model
    [finding] = fired(builder.design, "R34")
    assert set(finding.components) == {host, endpoint}


def test_r34_quiet_for_gpus_that_only_train_the_model(builder):
    gpus = builder.add("infrastructure", "Training GPUs", accelerator="gpu")
    model = builder.add("model", "Ranker", accelerator="cpu")
    builder.link(gpus, model, phase="train")
    builder.link(gpus, builder.add("training_job"), phase="train")
    builder.link(model, builder.add("endpoint"))
    builder.add("monitor", watches=["latency"])
    assert findings(builder.design, "R34") == []


def test_r34_quiet_for_a_gpu_endpoint_with_cost_monitor(builder):
    builder.link(builder.add("infrastructure", accelerator="gpu"), builder.add("endpoint"))
    builder.add("monitor", watches=["cost"])
    assert findings(builder.design, "R34") == []


def test_r34_fires_for_a_vendor_llm_whose_token_cost_nobody_watches(builder):
    llm = builder.add("model", "Vendor LLM", family="llm", provenance="vendor_api", cost_per_1k_tokens=0.01)
    builder.link(llm, builder.add("endpoint", "Assistant API"))
    builder.add("monitor", watches=["latency", "errors"])
    [finding] = findings(builder.design, "R34")
    assert finding.components == (llm,)
    assert "billed per token" in finding.message and not finding.unset


def test_r34_asks_for_the_token_price_and_the_budget_when_unset(builder):
    llm = builder.add("model", "Vendor LLM", family="llm", provenance="vendor_api")
    builder.link(llm, builder.add("endpoint"))
    builder.add("monitor", watches=["cost"])
    budget = builder.add("constraint", "Token budget", type="cost")
    unset = {u for f in findings(builder.design, "R34") for u in f.unset}
    assert unset == {f"{llm}.cost_per_1k_tokens", f"{budget}.value"}


def test_r34_quiet_for_a_priced_llm_with_a_cost_monitor(builder):
    llm = builder.add("model", family="llm", provenance="vendor_api", cost_per_1k_tokens=0.002)
    builder.link(llm, builder.add("endpoint"))
    builder.add("monitor", watches=["cost", "groundedness"])
    builder.add("constraint", type="cost", value=6000.0, unit="USD/month")
    assert findings(builder.design, "R34") == []
