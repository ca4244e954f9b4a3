"""R41, R42 and the flaw-class behaviour of the reworked rules (skew, leakage, loops, unknowns)."""

from __future__ import annotations

from app.rules.registry import get_rule
from tests.rules.helpers import findings, fired

# ---- R41 ---------------------------------------------------------------------------------


def _two_pipelines(builder, shared=False):
    """Training on a batch pipeline; serving from an online store a streaming pipeline fills."""
    events = builder.add("data_source", "Events")
    batch = builder.add("feature_pipeline", "Spark features", shared_train_serve=False)
    job = builder.add("training_job", "Train")
    model = builder.add("model", "Scorer")
    endpoint = builder.add("endpoint", "Scoring API", mode="online")
    stream = builder.add("feature_pipeline", "Flink features", shared_train_serve=shared)
    store = builder.add("feature_store", "Online store", online=True)
    builder.chain(events, batch, job, model, endpoint)
    builder.chain(events, stream, store)
    builder.link(store, model, phase="serve")
    return batch, stream, store, model, endpoint


def test_r41_fires_for_training_and_serving_through_different_pipelines(builder):
    batch, stream, store, model, endpoint = _two_pipelines(builder)
    [finding] = findings(builder.design, "R41")
    assert finding.severity == "error" and not finding.unset
    assert set(finding.components) == {endpoint, model, store, stream}
    assert "trained on features from Spark features" in finding.message
    assert "computed by Flink features through Online store" in finding.message
    assert findings(builder.design, "R16") == []  # one report per pair


def test_r41_fires_for_a_serving_only_pipeline_feeding_the_model(builder):
    history = builder.add("data_source", "History")
    job, model = builder.add("training_job", "Train"), builder.add("model", "Scorer")
    builder.chain(history, job, model, builder.add("endpoint", "API", mode="batch"))
    pipeline = builder.add("feature_pipeline", "Request features", shared_train_serve=False)
    builder.link(pipeline, model, phase="serve")
    [finding] = findings(builder.design, "R41")
    assert pipeline in finding.components


def test_r41_fires_when_shared_train_serve_is_unset(builder):
    _, stream, _, _, _ = _two_pipelines(builder, shared=None)
    [finding] = findings(builder.design, "R41")
    assert finding.unset == (f"{stream}.shared_train_serve",) and finding.severity == "error"


def test_r41_quiet_when_the_serving_pipeline_shares_the_training_code(builder):
    _two_pipelines(builder, shared=True)
    assert findings(builder.design, "R41") == [] and findings(builder.design, "R16") == []


def test_r41_quiet_when_one_pipeline_feeds_training_and_the_online_store(builder):
    _, stream, _, _, _ = _two_pipelines(builder)
    builder.link(stream, builder.design.components[2].id)  # the streaming pipeline also feeds training
    assert findings(builder.design, "R41") == []


def test_r16_fires_for_an_input_only_the_first_stage_model_was_trained_on(builder):
    events, context = builder.add("data_source", "Events"), builder.add("data_source", "Session context")
    retrieval_job, ranker_job = builder.add("training_job", "Train retrieval"), builder.add("training_job")
    retrieval = builder.add("model", "Retrieval", provenance="trained_here")
    ranker = builder.add("model", "Ranker", provenance="trained_here")
    builder.chain(events, retrieval_job, retrieval)
    builder.chain(events, ranker_job, ranker, builder.add("endpoint", "API", mode="online"))
    builder.link(context, retrieval_job)
    builder.link(retrieval, ranker, phase="serve")
    builder.link(context, ranker, phase="serve")
    [finding] = findings(builder.design, "R16")
    assert finding.message.startswith("Ranker serves API with input Session context")


def _one_store_two_sides(builder, online_phase="serve", shared=False):
    """A batch pipeline fills the store's offline side, a streaming one its online side; the
    store feeds training (train phase) and the model (serve phase)."""
    events = builder.add("data_source", "Events")
    batch = builder.add("feature_pipeline", "Spark features", shared_train_serve=False)
    stream = builder.add("feature_pipeline", "Flink features", shared_train_serve=shared)
    store = builder.add("feature_store", "Feature store", offline=True, online=True)
    job, model = builder.add("training_job", "Train"), builder.add("model", "Scorer")
    builder.chain(events, batch)
    builder.chain(events, stream)
    builder.link(batch, store, phase="train")
    builder.link(stream, store, phase=online_phase)
    builder.link(store, job, phase="train")
    builder.chain(job, model, builder.add("endpoint", "Scoring API", mode="online"))
    builder.link(store, model, phase="serve")
    return stream, store


def test_r41_fires_for_a_store_whose_online_side_another_pipeline_fills(builder):
    stream, store = _one_store_two_sides(builder)
    [finding] = findings(builder.design, "R41")
    assert {stream, store} <= set(finding.components)
    assert "trained on features from Spark features but served" in finding.message
    assert "computed by Flink features through Feature store" in finding.message


def test_r41_quiet_when_the_online_side_pipeline_shares_the_training_code(builder):
    _one_store_two_sides(builder, shared=True)
    assert findings(builder.design, "R41") == [] and findings(builder.design, "R16") == []


def test_r41_quiet_when_both_pipelines_fill_both_sides_of_the_store(builder):
    _one_store_two_sides(builder, online_phase="both")
    assert findings(builder.design, "R41") == [] and findings(builder.design, "R16") == []


# ---- R42 ---------------------------------------------------------------------------------


def _delayed_training(builder, **store):
    labels = builder.add("label_source", "Chargebacks", label_type="delayed_outcome", delay_hours=720.0)
    store_id = builder.add("feature_store", "Store", **store)
    dataset = builder.add("dataset", "Transactions", split="time", is_time_series=False)
    job = builder.add("training_job", "Train")
    builder.chain(store_id, dataset, job)
    builder.link(labels, dataset)
    return store_id, job


def test_r42_fires_for_features_without_point_in_time_joins_and_delayed_labels(builder):
    store, job = _delayed_training(builder, point_in_time=False)
    [finding] = findings(builder.design, "R42")
    assert finding.components == (store, job) and finding.severity == "error"
    assert "label leakage" in finding.message and "Chargebacks arrive after the prediction" in finding.message


def test_r42_fires_for_a_pipeline_around_the_point_in_time_store(builder):
    store, job = _delayed_training(builder, point_in_time=True)
    pipeline = builder.add("feature_pipeline", "Aggregates", point_in_time=False)
    builder.link(pipeline, job)
    [finding] = findings(builder.design, "R42")
    assert set(finding.components) == {pipeline, job}


def test_r42_fires_as_a_warning_when_point_in_time_is_unset(builder):
    store, _ = _delayed_training(builder)
    [finding] = findings(builder.design, "R42")
    assert finding.severity == "warning" and finding.unset == (f"{store}.point_in_time",)


def test_r42_fires_for_a_feature_cache_read_by_training(builder):
    """A cache keeps today's values: joined into rows whose labels came weeks later, they are
    values from after the event, whatever the point-in-time store beside it does."""
    _, job = _delayed_training(builder, point_in_time=True)
    cache = builder.add("cache", "Profile cache", cache_type="feature")
    builder.link(cache, job)
    [finding] = findings(builder.design, "R42")
    assert set(finding.components) == {cache, job} and "a cache holds current values" in finding.message


def test_r42_quiet_for_a_cache_on_the_serving_path_only(builder):
    _, job = _delayed_training(builder, point_in_time=True)
    model = builder.add("model", "Scorer")
    builder.link(job, model)
    builder.chain(builder.add("cache", "Profile cache", cache_type="feature"), model, builder.add("endpoint"))
    assert findings(builder.design, "R42") == []


def test_r42_quiet_behind_a_point_in_time_store(builder):
    store, _ = _delayed_training(builder, point_in_time=True)
    builder.link(builder.add("feature_pipeline", "Aggregates"), store)  # behind the store: covered
    assert findings(builder.design, "R42") == []


def test_r42_quiet_for_immediate_labels_on_unordered_data(builder):
    labels = builder.add("label_source", "Annotations", label_type="explicit", delay_hours=0.0)
    store = builder.add("feature_store", "Store", point_in_time=False)
    job = builder.add("training_job", "Train")
    builder.chain(store, job)
    builder.link(labels, job)
    assert findings(builder.design, "R42") == []


# ---- flaw classes of the reworked rules --------------------------------------------------


def test_r17_fires_for_a_stratified_split_of_event_logs_with_delayed_outcomes(builder):
    events = builder.add("data_source", "Clickstream", source_type="logs")
    labels = builder.add("label_source", "Conversions", delay_hours=48.0)
    dataset = builder.add("dataset", "Sessions", split="stratified", is_time_series=False)
    builder.link(events, dataset)
    builder.link(labels, dataset)
    [finding] = findings(builder.design, "R17")
    assert "is split by stratified" in finding.message and "ordered in time" in finding.message


def test_r17_fires_for_an_unset_cv_on_forecast_data(builder):
    builder.add("problem_framing", task="forecast")
    dataset = builder.add("dataset", "Sales", split="time")
    job = builder.add("training_job", "Train")
    builder.link(dataset, job)
    [finding] = findings(builder.design, "R17")
    assert finding.unset == (f"{job}.cv",)


def test_r6_ignores_loops_closed_by_watch_and_measurement_links(builder):
    model = builder.add("model", "Model")
    endpoint = builder.add("endpoint", "API")
    monitor = builder.add("monitor", "Monitor")
    logger = builder.add("prediction_logger", "Log")
    evaluation = builder.add("evaluation", "Online eval")
    builder.link(model, endpoint)
    builder.link(endpoint, monitor, flow="data")
    builder.link(monitor, model, flow="watch")
    builder.link(endpoint, logger)
    builder.link(logger, evaluation, flow="eval")
    builder.link(evaluation, endpoint, flow="eval")
    assert findings(builder.design, "R6") == []
    builder.link(endpoint, model, flow="data")  # a real data loop
    assert len(findings(builder.design, "R6")) == 1


def test_r39_fires_for_a_loop_drawn_without_feedback_marks(builder):
    source = builder.add("data_source", "Outcomes")
    job, model = builder.add("training_job"), builder.add("model", "Model")
    endpoint = builder.add("endpoint", "API")
    builder.chain(source, job, model, endpoint)
    builder.link(endpoint, source)  # predictions become data, nobody marked it
    [finding] = findings(builder.design, "R39")
    assert "no exploration and no holdout" in finding.message
    assert len(findings(builder.design, "R6")) == 1


def test_r39_says_censoring_for_a_forecast_loop(builder):
    builder.add("problem_framing", task="forecast")
    source = builder.add("data_source", "Sales")
    job, model = builder.add("training_job"), builder.add("model", "Demand model")
    policy = builder.add("decision_policy", "Ordering", policy_type="optimizer", exploration_rate=0.1)
    builder.chain(source, job, model, policy)
    builder.link(policy, source, feedback=True)
    if get_rule("R50") is not None:  # censored outcomes are R50's: R39 defers to it
        assert findings(builder.design, "R39") == []
        return
    [finding] = fired(builder.design, "R39")
    assert "censoring" in finding.message


def test_r7_fires_as_unknown_without_provenance_and_quiet_for_vendor_models(builder):
    model = builder.add("model", "LLM", family="llm")
    [finding] = findings(builder.design, "R7")
    assert finding.unset == (f"{model}.provenance",) and finding.severity == "warning"
    builder.design.component_by_id()[model].properties["provenance"] = "vendor_api"
    assert findings(builder.design, "R7") == []
    builder.design.component_by_id()[model].properties["provenance"] = "trained_here"
    assert findings(builder.design, "R7")[0].severity == "error"


def test_r28_fires_as_an_error_for_an_unset_gate(builder):
    job, model = builder.add("training_job"), builder.add("model")
    gate = builder.add("evaluation", "Offline eval")
    builder.chain(job, model, gate, builder.add("endpoint"))
    [finding] = findings(builder.design, "R28")
    assert finding.severity == "error" and finding.unset == (f"{gate}.gate",)
