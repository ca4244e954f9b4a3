"""More shapes of a flaw (see test_flaw_shapes.py): R22 for a model that reaches an evaluation
only through the model it feeds; R42 for a current-state source read raw into training on
delayed labels; R48 for a log of the text a model generates from personal data; R12 and R48
for personal data whose way into ML data or into a prediction log closes a loop on a link
marked feedback; R8 for an endpoint its model reaches only through a monitor or a metric;
R17 for k-fold cross-validation of time-ordered data by a job that reads no dataset; R39 for a
loop whose outcomes reach a training job directly (review verdicts as labels)."""

from __future__ import annotations

import pytest

from app.domain import ops
from app.domain.catalog import default_catalog
from app.rules.engine import RuleEngine
from tests.factories import DesignBuilder
from tests.rules.helpers import findings, fired, live_matches_fresh, unspecified
from tests.rules.test_flaw_shapes import _recommender, _unlink

# ---- R22: a model upstream of the evaluated model is not evaluated beside its baseline -------


def _retrieval_feeding_the_ranker():
    b, c = _recommender()
    c["retrieval"] = b.add(
        "model", "Candidate retrieval", family="deep_nn", learned=True, provenance="trained_here",
        calibration="none",
    )  # fmt: skip
    c["retrieval_job"] = b.add("training_job", "Retrieval training", reproducible=True)
    b.link(c["dataset"], c["retrieval_job"], phase="train")
    b.link(c["retrieval_job"], c["retrieval"], phase="train")
    b.link(c["retrieval"], c["model"], flow="prediction", phase="serve")
    return b, c


def test_r22_fires_for_a_model_reaching_the_evaluation_only_through_the_model_it_feeds():
    b, c = _retrieval_feeding_the_ranker()
    [finding] = fired(b.design, "R22")
    assert finding.message == (
        "No baseline is evaluated beside Candidate retrieval (deep_nn): Popularity baseline shares no "
        "evaluation or experiment with it"
    )
    assert finding.severity == "error"
    assert finding.components == (c["retrieval"],)


def test_r22_counts_the_upstream_model_s_own_evaluation_beside_a_baseline():
    b, c = _retrieval_feeding_the_ranker()
    evaluation = b.add("evaluation", "Retrieval evaluation", method="holdout", gate=True)
    baseline = b.add("baseline_model", "Co-visitation", baseline_type="heuristic", metric_value=0.3)
    b.link(c["retrieval"], evaluation)
    b.link(baseline, evaluation)
    assert findings(b.design, "R22") == []


def test_r22_counts_the_upstream_model_linked_to_the_shared_evaluation():
    b, c = _retrieval_feeding_the_ranker()
    b.link(c["retrieval"], c["evaluation"])
    assert findings(b.design, "R22") == []


def test_incremental_engine_follows_r22_past_the_evaluated_model():
    b, c = _recommender()
    engine = RuleEngine(b.design, b.catalog)
    engine.check()
    retrieval = b.add("model", "Candidate retrieval", family="deep_nn", learned=True)
    engine.reset(b.design)

    def link(source: str, target: str, **fields: object) -> str:
        made = ops.make_link(b.design, b.catalog, source, target, **fields)
        engine.apply(ops.add_link(b.design, made))
        live_matches_fresh(engine, b)
        return made.id

    feeds = link(retrieval, c["model"], flow="prediction", phase="serve")
    assert any(f.rule == "R22" and retrieval in f.components for f in engine.check().findings)
    judged = link(retrieval, c["evaluation"])
    assert not any(f.rule == "R22" for f in engine.check().findings)
    engine.apply(ops.remove_link(b.design, judged)[1])
    live_matches_fresh(engine, b)
    engine.apply(ops.set_link_fields(b.design, feeds, phase="both")[1])
    live_matches_fresh(engine, b)
    engine.apply(ops.remove_link(b.design, feeds)[1])
    live_matches_fresh(engine, b)
    assert any(f.rule == "R22" and retrieval in f.components for f in engine.check().findings)


# ---- R42: a current-state source read raw by a job training on delayed labels -----------------


def _raw_accounts(source_type: str = "oltp_db", via: str | None = None):
    b = DesignBuilder(default_catalog())
    c = {}
    c["framing"] = b.add("problem_framing", "Fraud", task="binary", ml_needed="yes")
    c["accounts"] = b.add("data_source", "Accounts", source_type=source_type, contains_pii=False)
    c["labels"] = b.add("label_source", "Chargebacks", label_type="delayed_outcome", delay_hours=1440.0)
    c["dataset"] = b.add("dataset", "Training rows", split="time", is_time_series=False, version="v1")
    c["job"] = b.add("training_job", "Weekly training", cv="holdout", reproducible=True)
    c["model"] = b.add("model", "Fraud model", family="gbdt", learned=True, provenance="trained_here")
    if via is None:
        b.link(c["accounts"], c["dataset"], phase="train")
    else:
        c["via"] = b.add(via, "On the way")
        b.link(c["accounts"], c["via"], phase="train")
        b.link(c["via"], c["dataset"], phase="train")
    b.link(c["labels"], c["dataset"], phase="train", flow="label")
    b.link(c["dataset"], c["job"], phase="train")
    b.link(c["job"], c["model"], phase="train")
    return b, c


@pytest.mark.parametrize("via", [None, "data_pipeline", "data_validation", "sampling_strategy"])
@pytest.mark.parametrize("source_type", ["oltp_db", "api"])
def test_r42_fires_for_a_current_state_source_read_raw_on_delayed_labels(source_type, via):
    b, c = _raw_accounts(source_type, via)
    [finding] = fired(b.design, "R42")
    assert finding.message == (
        f"Data source Accounts ({source_type}) feeds Weekly training, which reads no feature store or "
        "feature pipeline, where labels from Chargebacks arrive after the prediction: its records hold "
        "current values, not values as of each prediction (label leakage)"
    )
    assert set(finding.components) == {c["accounts"], c["job"]}


def test_r42_fires_for_a_current_state_source_on_time_ordered_data():
    b, c = _raw_accounts()
    ops.set_property(b.design, b.catalog, c["labels"], "label_type", "natural")
    ops.set_property(b.design, b.catalog, c["labels"], "delay_hours", 0.0)
    assert fired(b.design, "R42") == []
    ops.set_property(b.design, b.catalog, c["dataset"], "is_time_series", True)
    [finding] = fired(b.design, "R42")
    assert finding.message.startswith(
        "Data source Accounts (oltp_db) feeds Weekly training, which reads no feature store or feature "
        "pipeline, where data in Training rows is a time series: its records hold current values"
    )


@pytest.mark.parametrize("source_type", ["event_stream", "logs", "warehouse"])
def test_r42_leaves_sources_of_events_or_history_read_raw(source_type):
    b, _ = _raw_accounts(source_type)
    assert findings(b.design, "R42") == []


def test_r42_leaves_a_current_state_source_when_labels_arrive_at_once_and_rows_are_unordered():
    b, c = _raw_accounts()
    ops.set_property(b.design, b.catalog, c["labels"], "label_type", "natural")
    ops.set_property(b.design, b.catalog, c["labels"], "delay_hours", 0.0)
    assert findings(b.design, "R42") == []


def test_r42_leaves_a_source_that_only_feeds_the_labels():
    b, c = _raw_accounts()
    _unlink(b, c["accounts"], c["dataset"])
    b.link(c["accounts"], c["labels"], phase="train")  # chargebacks are read from the accounts
    assert findings(b.design, "R42") == []


def test_r42_judges_a_job_reading_point_in_time_features_by_its_feature_components():
    b, c = _raw_accounts()
    store = b.add("feature_store", "Feature store", offline=True, online=True, point_in_time=True)
    b.link(c["accounts"], store, phase="both")
    b.link(store, c["job"], phase="train", flow="feature")
    assert findings(b.design, "R42") == []  # the rows carry keys and labels; features come as of time


def test_incremental_engine_follows_r42_at_a_raw_current_state_source():
    b, c = _raw_accounts()
    engine = RuleEngine(b.design, b.catalog)
    assert any(f.rule == "R42" for f in engine.check().findings)
    store = b.add("feature_store", "Feature store", offline=True, point_in_time=True)
    engine.reset(b.design)
    made = ops.make_link(b.design, b.catalog, store, c["job"], phase="train", flow="feature")
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    assert not any(f.rule == "R42" for f in engine.check().findings)
    engine.apply(ops.set_link_fields(b.design, made.id, phase="serve")[1])
    live_matches_fresh(engine, b)
    engine.apply(ops.remove_link(b.design, made.id)[1])
    live_matches_fresh(engine, b)
    assert any(f.rule == "R42" for f in engine.check().findings)
    engine.apply(ops.set_property(b.design, b.catalog, c["accounts"], "source_type", "event_stream")[1])
    live_matches_fresh(engine, b)
    assert not any(f.rule == "R42" for f in engine.check().findings)
    engine.apply(ops.set_property(b.design, b.catalog, c["accounts"], "source_type", "api")[1])
    live_matches_fresh(engine, b)
    assert any(f.rule == "R42" for f in engine.check().findings)


# ---- R48: a log of generated text, built from personal data, keeps it without the features ----


def _rag_logging_answers(family: str = "llm", task: str = "generation"):
    b = DesignBuilder(default_catalog())
    c = {}
    c["framing"] = b.add("problem_framing", "Support answers", task=task, ml_needed="yes")
    c["tickets"] = b.add("data_source", "Support tickets", source_type="oltp_db", contains_pii=True)
    c["index"] = b.add("vector_index", "Ticket index", index_type="hnsw", versioned=True)
    c["retriever"] = b.add("retriever", "Retriever", method="dense", top_k=8)
    c["prompt"] = b.add("prompt_template", "Answer prompt", version="v3", versioned=True)
    c["llm"] = b.add("model", "Vendor LLM", family=family, learned=True, provenance="vendor_api")
    c["endpoint"] = b.add("endpoint", "Answer API", mode="online", fallback="cached")
    c["log"] = b.add("prediction_logger", "Answer log", logs_features=False, logs_predictions=True)
    b.link(c["tickets"], c["index"])
    b.link(c["index"], c["retriever"], phase="serve", flow="feature")
    b.link(c["retriever"], c["prompt"], phase="serve", flow="feature")
    b.link(c["prompt"], c["llm"], phase="serve", flow="feature")
    b.link(c["llm"], c["endpoint"], phase="serve", flow="prediction")
    b.link(c["endpoint"], c["log"], phase="serve", flow="prediction")
    return b, c


_ANSWER_LOG = (
    "Prediction logger Answer log records the text Vendor LLM generates from personal data from Support "
    "tickets with no anonymize, encrypt or retention governance on the way or on the log: generated text "
    "can quote the personal data it was given"
)


def test_r48_fires_for_a_log_of_text_generated_from_personal_data():
    b, c = _rag_logging_answers()
    [finding] = fired(b.design, "R48")
    assert finding.message == _ANSWER_LOG
    assert finding.severity == "error"
    assert set(finding.components) == {c["log"], c["llm"], c["tickets"]}


def test_r48_fires_for_generated_text_whatever_the_family_when_the_task_is_generation():
    b, _ = _rag_logging_answers(family="transformer")
    [finding] = fired(b.design, "R48")
    assert finding.message == _ANSWER_LOG


def test_r48_fires_for_generated_text_reaching_the_log_through_a_registry_and_a_policy():
    b, c = _rag_logging_answers()
    _unlink(b, c["llm"], c["endpoint"])
    _unlink(b, c["endpoint"], c["log"])
    registry = b.add("model_registry", "Registry", versioned=True)
    policy = b.add("decision_policy", "Answer policy", policy_type="rules")
    b.link(c["llm"], registry, flow="artifact")
    b.link(registry, c["endpoint"], phase="serve", flow="artifact")
    b.link(c["endpoint"], policy, phase="serve", flow="prediction")
    b.link(policy, c["log"], phase="serve", flow="action")
    [finding] = fired(b.design, "R48")
    assert finding.message == _ANSWER_LOG


def test_r48_asks_whether_a_log_without_features_keeps_the_generated_text():
    b, c = _rag_logging_answers()
    ops.set_property(b.design, b.catalog, c["log"], "logs_predictions", None)
    assert fired(b.design, "R48") == []
    [note] = findings(b.design, "R48")
    assert note.unset == (f"{c['log']}.logs_predictions",)
    assert note.message.startswith(
        "Prediction logger Answer log may record (logs_predictions unset) the text Vendor LLM generates"
    )


@pytest.mark.parametrize(
    "change",
    ["masked_index", "governed_log", "no_predictions", "scores_only", "training_only_index"],
)
def test_r48_leaves_generated_text_that_is_protected_not_kept_or_not_generated(change):
    b, c = _rag_logging_answers()
    if change == "masked_index":
        masking = b.add("governance", "Redact PII", controls=["anonymize"], regulation="none")
        _unlink(b, c["tickets"], c["index"])
        b.link(c["tickets"], masking)
        b.link(masking, c["index"])
    elif change == "governed_log":
        expiry = b.add("governance", "Log retention", controls=["retention", "encrypt"], regulation="gdpr")
        b.link(expiry, c["log"], flow="govern")
    elif change == "no_predictions":
        ops.set_property(b.design, b.catalog, c["log"], "logs_predictions", False)
    elif change == "scores_only":
        b, c = _rag_logging_answers(family="gbdt", task="binary")
    else:
        _unlink(b, c["prompt"], c["llm"])
        job = b.add("training_job", "Fine-tuning", reproducible=True)
        b.link(c["prompt"], job, phase="train")
        b.link(job, c["llm"], phase="train")
    assert findings(b.design, "R48") == []


def test_incremental_engine_follows_r48_at_a_log_of_generated_text():
    b, c = _rag_logging_answers()
    engine = RuleEngine(b.design, b.catalog)
    assert [f.message for f in engine.check().findings if f.rule == "R48"] == [_ANSWER_LOG]
    engine.apply(ops.set_property(b.design, b.catalog, c["log"], "logs_predictions", False)[1])
    live_matches_fresh(engine, b)
    engine.apply(ops.set_property(b.design, b.catalog, c["log"], "logs_predictions", True)[1])
    live_matches_fresh(engine, b)
    [served] = [x.id for x in b.design.links if x.source == c["llm"] and x.target == c["endpoint"]]
    engine.apply(ops.set_link_fields(b.design, served, phase="train")[1])
    live_matches_fresh(engine, b)
    engine.apply(ops.set_link_fields(b.design, served, phase="serve")[1])
    live_matches_fresh(engine, b)
    expiry = b.add("governance", "Log retention", controls=["retention"], regulation="none")
    engine.reset(b.design)
    made = ops.make_link(b.design, b.catalog, expiry, c["log"], flow="govern")
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    assert not any(f.rule == "R48" for f in engine.check().findings)
    engine.apply(ops.remove_link(b.design, made.id)[1])
    live_matches_fresh(engine, b)
    engine.apply(ops.set_property(b.design, b.catalog, c["llm"], "family", "gbdt")[1])
    live_matches_fresh(engine, b)  # the framing's task still says generation
    engine.apply(ops.set_property(b.design, b.catalog, c["framing"], "task", "binary")[1])
    live_matches_fresh(engine, b)
    assert not any(f.rule == "R48" for f in engine.check().findings)


# ---- R12: the link marked feedback in a loop does not stop personal data --------------------


def _events_closing_the_loop(feedback_at: str):
    """The recommender with its personal events ungoverned, the loop's feedback mark on the
    app's outcomes (`app`) or on the events' way into ML data (`events`)."""
    b, c = _recommender()
    _unlink(b, c["events"], c["governance"])
    _unlink(b, c["governance"], c["validation"])
    _unlink(b, c["app"], c["events"])
    b.link(c["app"], c["events"], feedback=feedback_at == "app")
    c["events_out"] = b.link(c["events"], c["validation"], feedback=feedback_at == "events")
    return b, c


_UNGOVERNED_EVENTS = (
    "Interaction events contains personal data and reaches Feature store and Training set without "
    "passing a governance component that protects it"
)


@pytest.mark.parametrize("feedback_at", ["app", "events"])
def test_r12_fires_whichever_link_of_the_loop_is_marked_feedback(feedback_at):
    b, c = _events_closing_the_loop(feedback_at)
    [finding] = fired(b.design, "R12")
    assert finding.message == _UNGOVERNED_EVENTS
    assert set(finding.components) == {c["events"], c["store"], c["dataset"]}


def test_r12_fires_for_personal_data_entering_a_dataset_by_a_feedback_link_only():
    b, c = _recommender()
    tickets = b.add("data_source", "Support tickets", source_type="oltp_db", contains_pii=True)
    b.link(c["app"], tickets)
    b.link(tickets, c["dataset"], phase="train", feedback=True)
    [finding] = fired(b.design, "R12")
    assert finding.message == (
        "Support tickets contains personal data and reaches Training set without passing a governance "
        "component that protects it"
    )


def test_r12_counts_the_governance_step_on_a_loop_closed_by_a_feedback_link():
    b, c = _recommender()
    _unlink(b, c["governance"], c["validation"])
    b.link(c["governance"], c["validation"], feedback=True)
    assert findings(b.design, "R12") == []
    _unlink(b, c["events"], c["governance"])
    b.link(c["events"], c["governance"], feedback=True)
    assert findings(b.design, "R12") == []


def test_incremental_engine_follows_r12_through_feedback_marks():
    b, c = _events_closing_the_loop("app")
    engine = RuleEngine(b.design, b.catalog)
    assert [f.message for f in engine.check().findings if f.rule == "R12"] == [_UNGOVERNED_EVENTS]
    [closing] = [x.id for x in b.design.links if x.source == c["app"] and x.target == c["events"]]
    engine.apply(ops.set_link_fields(b.design, closing, feedback=False)[1])
    engine.apply(ops.set_link_fields(b.design, c["events_out"], feedback=True)[1])
    live_matches_fresh(engine, b)
    assert [f.message for f in engine.check().findings if f.rule == "R12"] == [_UNGOVERNED_EVENTS]
    engine.apply(ops.remove_link(b.design, c["events_out"])[1])
    live_matches_fresh(engine, b)
    assert not any(f.rule == "R12" for f in engine.check().findings)
    made = ops.make_link(b.design, b.catalog, c["events"], c["validation"], feedback=True)
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    assert any(f.rule == "R12" for f in engine.check().findings)


@pytest.mark.parametrize("feedback_at", ["app", "events"])
def test_r48_fires_whichever_link_of_the_loop_is_marked_feedback(feedback_at):
    b, c = _events_closing_the_loop(feedback_at)
    [finding] = fired(b.design, "R48")
    assert finding.message == (
        "Prediction logger Prediction log records request features built from personal data from "
        "Interaction events with no anonymize, encrypt or retention governance on the way or on the log"
    )
    assert set(finding.components) == {c["events"], c["logger"]}


def test_r48_counts_the_governance_step_on_a_loop_closed_by_a_feedback_link():
    b, c = _recommender()
    _unlink(b, c["events"], c["governance"])
    b.link(c["events"], c["governance"], feedback=True)
    assert findings(b.design, "R48") == []


def test_incremental_engine_follows_r48_through_feedback_marks():
    b, c = _events_closing_the_loop("app")
    engine = RuleEngine(b.design, b.catalog)
    assert any(f.rule == "R48" for f in engine.check().findings)
    [closing] = [x.id for x in b.design.links if x.source == c["app"] and x.target == c["events"]]
    engine.apply(ops.set_link_fields(b.design, closing, feedback=False)[1])
    engine.apply(ops.set_link_fields(b.design, c["events_out"], feedback=True)[1])
    live_matches_fresh(engine, b)
    assert any(f.rule == "R48" for f in engine.check().findings)
    engine.apply(ops.set_link_fields(b.design, c["events_out"], phase="train")[1])
    live_matches_fresh(engine, b)
    assert not any(f.rule == "R48" for f in engine.check().findings)


# ---- R8: a monitor or a metric between a model and an endpoint serves nothing ---------------


def _endpoint_behind(middle: str):
    """The recommender whose Feed API no longer gets the released model, and whose model's
    output goes to a monitor (which watches Feed API) or a metric (a proxy for it)."""
    b, c = _recommender()
    _unlink(b, c["release"], c["endpoint"])
    if middle == "monitor":
        b.link(c["model"], c["ops"])  # the monitor reads the model's output
    else:
        metric = b.add("metric", "Served CTR", role="guardrail")
        b.link(c["model"], metric)
        b.link(metric, c["endpoint"])  # a proxy link by default
    return b, c


_NOTHING_SERVED = (
    "Endpoint Feed API serves no model: the models upstream of it reach it only along watch or proxy "
    "links (a monitor or a metric between them), which carry no predictions"
)


@pytest.mark.parametrize("middle", ["monitor", "metric"])
def test_r8_fires_for_an_endpoint_reached_only_through_a_monitor_or_a_metric(middle):
    b, c = _endpoint_behind(middle)
    [finding] = fired(b.design, "R8")
    assert finding.message == _NOTHING_SERVED
    assert finding.components == (c["endpoint"],)


@pytest.mark.parametrize("served_by", ["model", "registry", "governance", "experiment"])
def test_r8_leaves_an_endpoint_its_model_reaches_along_a_carrying_link(served_by):
    b, c = _endpoint_behind("monitor")
    if served_by == "model":
        b.link(c["model"], c["endpoint"], flow="prediction", phase="serve")
    elif served_by == "registry":
        b.link(c["registry"], c["endpoint"], phase="serve")
    elif served_by == "governance":  # output redaction between the model and the endpoint
        redact = b.add("governance", "Redact outputs", controls=["anonymize"], regulation="gdpr")
        b.link(c["model"], redact)
        b.link(redact, c["endpoint"])
    else:  # the experiment routes the traffic to the variants
        b.link(c["experiment"], c["endpoint"])
    assert findings(b.design, "R8") == []


def test_r8_keeps_its_other_reasons():
    b, c = _endpoint_behind("monitor")
    _unlink(b, c["model"], c["ops"])
    _unlink(b, c["endpoint"], c["policy"])
    b.link(c["app"], c["endpoint"])  # only behaviour comes back
    [finding] = fired(b.design, "R8")
    assert finding.message == (
        "Endpoint Feed API serves no model: the models upstream of it reach it only through a training "
        "job, a consumer or a prediction log"
    )


def test_incremental_engine_follows_r8_as_a_link_s_flow_changes():
    b, c = _endpoint_behind("monitor")
    engine = RuleEngine(b.design, b.catalog)
    assert [f.message for f in engine.check().findings if f.rule == "R8"] == [_NOTHING_SERVED]
    [watch] = [x.id for x in b.design.links if x.source == c["ops"] and x.target == c["endpoint"]]
    engine.apply(ops.set_link_fields(b.design, watch, flow="data")[1])
    live_matches_fresh(engine, b)
    assert not any(f.rule == "R8" for f in engine.check().findings)
    engine.apply(ops.set_link_fields(b.design, watch, flow="proxy")[1])
    live_matches_fresh(engine, b)
    assert any(f.rule == "R8" for f in engine.check().findings)
    made = ops.make_link(b.design, b.catalog, c["model"], c["endpoint"], flow="prediction", phase="serve")
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    assert not any(f.rule == "R8" for f in engine.check().findings)
    engine.apply(ops.remove_link(b.design, made.id)[1])
    live_matches_fresh(engine, b)
    assert any(f.rule == "R8" for f in engine.check().findings)


# ---- R17: a job reading no dataset cross-validates time-ordered data with k-fold --------------


def _job_without_dataset(task: str = "binary", cv: str | None = "kfold"):
    b = DesignBuilder(default_catalog())
    c = {}
    c["framing"] = b.add("problem_framing", "Conversions", task=task, ml_needed="yes")
    c["clicks"] = b.add("data_source", "Clicks", source_type="event_stream", contains_pii=False)
    c["conversions"] = b.add("label_source", "Conversions", label_type="delayed_outcome", delay_hours=72.0)
    c["features"] = b.add("feature_pipeline", "Click features", point_in_time=True, fit_on="train_only")
    c["job"] = b.add("training_job", "Nightly fit", reproducible=True)
    if cv is not None:
        ops.set_property(b.design, b.catalog, c["job"], "cv", cv)
    c["model"] = b.add("model", "Conversion model", family="gbdt", learned=True, provenance="trained_here")
    b.link(c["clicks"], c["features"])
    b.link(c["features"], c["job"], phase="train", flow="feature")
    b.link(c["conversions"], c["job"], phase="train", flow="label")
    b.link(c["job"], c["model"], phase="train")
    return b, c


def test_r17_fires_for_k_fold_over_events_and_late_outcomes_with_no_dataset():
    b, c = _job_without_dataset()
    [finding] = fired(b.design, "R17")
    assert finding.message == (
        "Training job Nightly fit reads no dataset and cross-validates with k-fold, but it joins events "
        "from Clicks with outcomes that arrive later (Conversions): its folds train on the future and "
        "test on the past (temporal leakage)"
    )
    assert finding.components == (c["job"],)


def test_r17_fires_for_k_fold_in_a_forecast_with_no_dataset():
    b, c = _job_without_dataset(task="forecast")
    ops.set_property(b.design, b.catalog, c["clicks"], "source_type", "warehouse")
    [finding] = fired(b.design, "R17")
    assert finding.message == (
        "Training job Nightly fit reads no dataset and cross-validates with k-fold, but the task is "
        "forecasting: its folds train on the future and test on the past (temporal leakage)"
    )


def test_r17_asks_for_the_cv_of_a_job_with_no_dataset_on_time_ordered_data():
    b, c = _job_without_dataset(cv=None)
    assert fired(b.design, "R17") == []
    assert unspecified(b.design, "R17") == [
        "cv of Nightly fit is unset: it reads no dataset split by time and it joins events from Clicks "
        "with outcomes that arrive later (Conversions)"
    ]


@pytest.mark.parametrize("change", ["time_series_cv", "holdout", "labels_at_once", "no_events"])
def test_r17_leaves_a_job_with_no_dataset_that_keeps_time_order_or_reads_unordered_data(change):
    b, c = _job_without_dataset()
    if change in ("time_series_cv", "holdout"):
        ops.set_property(b.design, b.catalog, c["job"], "cv", change)
    elif change == "labels_at_once":
        ops.set_property(b.design, b.catalog, c["conversions"], "label_type", "natural")
        ops.set_property(b.design, b.catalog, c["conversions"], "delay_hours", 0.0)
    else:
        ops.set_property(b.design, b.catalog, c["clicks"], "source_type", "oltp_db")
    assert findings(b.design, "R17") == []


def test_r17_judges_a_job_reading_a_dataset_at_the_dataset():
    b, c = _job_without_dataset()
    dataset = b.add("dataset", "Click rows", split="time", is_time_series=True, version="v2")
    b.link(c["clicks"], dataset, phase="train")
    b.link(dataset, c["job"], phase="train")
    [finding] = fired(b.design, "R17")
    assert finding.message == (
        "Dataset Click rows is a time series and is cross-validated with k-fold in Nightly fit: temporal "
        "leakage"
    )


def test_incremental_engine_follows_r17_at_a_job_with_no_dataset():
    b, c = _job_without_dataset()
    engine = RuleEngine(b.design, b.catalog)
    assert any(f.rule == "R17" for f in engine.check().findings)
    engine.apply(ops.set_property(b.design, b.catalog, c["job"], "cv", "time_series_cv")[1])
    live_matches_fresh(engine, b)
    assert not any(f.rule == "R17" for f in engine.check().findings)
    engine.apply(ops.set_property(b.design, b.catalog, c["job"], "cv", "kfold")[1])
    live_matches_fresh(engine, b)
    dataset = b.add("dataset", "Click rows", split="time", is_time_series=False, version="v2")
    engine.reset(b.design)
    made = ops.make_link(b.design, b.catalog, dataset, c["job"], phase="train")
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    assert not any(f.rule == "R17" for f in engine.check().findings)
    engine.apply(ops.remove_link(b.design, made.id)[1])
    live_matches_fresh(engine, b)
    [labels] = [x.id for x in b.design.links if x.source == c["conversions"]]
    engine.apply(ops.set_link_fields(b.design, labels, feedback=True)[1])
    live_matches_fresh(engine, b)
    engine.apply(ops.set_property(b.design, b.catalog, c["framing"], "task", "forecast")[1])
    live_matches_fresh(engine, b)
    assert any(f.rule == "R17" for f in engine.check().findings)


# ---- R39: review verdicts (or logged outcomes) fed straight into the training job -------------


def _reviewed_cases_as_labels(through: str = "human_review"):
    b = DesignBuilder(default_catalog())
    c = {}
    c["framing"] = b.add("problem_framing", "Fraud", task="binary", ml_needed="yes")
    c["txns"] = b.add("data_source", "Transactions", source_type="oltp_db", contains_pii=False)
    c["job"] = b.add("training_job", "Weekly retraining", cv="holdout", reproducible=True)
    c["model"] = b.add("model", "Fraud model", family="gbdt", learned=True, provenance="trained_here")
    c["endpoint"] = b.add("endpoint", "Scoring API", mode="online", fallback="heuristic")
    c["policy"] = b.add("decision_policy", "Review threshold", policy_type="threshold",
                        threshold_source="validation_tuned", exploration_rate=0.0)  # fmt: skip
    if through == "human_review":
        c["back"] = b.add("human_review", "Analyst queue")
    else:
        c["back"] = b.add("prediction_logger", "Decision log", logs_predictions=True, holdout_pct=0.0)
    b.link(c["txns"], c["job"], phase="train")
    b.link(c["job"], c["model"], phase="train")
    b.link(c["model"], c["endpoint"], phase="serve", flow="prediction")
    b.link(c["endpoint"], c["policy"], phase="serve", flow="prediction")
    b.link(c["policy"], c["back"], phase="serve", flow="action")
    c["verdicts"] = b.link(c["back"], c["job"], flow="label", feedback=True)
    return b, c


@pytest.mark.parametrize("through", ["human_review", "prediction_logger"])
def test_r39_fires_for_a_loop_whose_outcomes_reach_the_training_job_directly(through):
    b, c = _reviewed_cases_as_labels(through)
    [finding] = fired(b.design, "R39")
    assert finding.message == (
        "Feedback loop from Fraud model through Review threshold into Weekly retraining, back to its "
        "training has no exploration and no holdout: the model only learns from what it already chose"
    )
    assert set(finding.components) == {c["job"], c["model"], c["policy"]}
    assert finding.links == (c["verdicts"],)


@pytest.mark.parametrize("fix", ["exploration", "holdout"])
def test_r39_leaves_a_direct_loop_that_explores_or_keeps_a_holdout(fix):
    b, c = _reviewed_cases_as_labels()
    logger = b.add("prediction_logger", "Decision log", logs_predictions=True, propensity_logged=True,
                   holdout_pct=2.0 if fix == "holdout" else 0.0)  # fmt: skip
    b.link(c["policy"], logger, phase="serve", flow="action")
    if fix == "exploration":
        ops.set_property(b.design, b.catalog, c["policy"], "exploration_rate", 0.05)
    assert findings(b.design, "R39") == []


def test_r39_leaves_a_warm_start_loop_of_a_model_and_its_training_job():
    b, c = _reviewed_cases_as_labels()
    _unlink(b, c["back"], c["job"])
    b.link(c["model"], c["job"], flow="artifact", phase="train", feedback=True)  # fine-tune the last one
    assert findings(b.design, "R39") == []


def test_incremental_engine_follows_r39_at_a_loop_into_the_training_job():
    b, c = _reviewed_cases_as_labels()
    engine = RuleEngine(b.design, b.catalog)
    assert any(f.rule == "R39" for f in engine.check().findings)
    engine.apply(ops.remove_link(b.design, c["verdicts"])[1])
    live_matches_fresh(engine, b)
    assert not any(f.rule == "R39" for f in engine.check().findings)
    dataset = b.add("dataset", "Reviewed cases", split="time", version="v1")
    engine.reset(b.design)

    def link(source: str, target: str, **fields: object) -> str:
        made = ops.make_link(b.design, b.catalog, source, target, **fields)
        engine.apply(ops.add_link(b.design, made))
        live_matches_fresh(engine, b)
        return made.id

    direct = link(c["back"], c["job"], flow="label", feedback=True)
    assert any(f.rule == "R39" for f in engine.check().findings)
    engine.apply(ops.set_link_fields(b.design, direct, flow="watch")[1])
    live_matches_fresh(engine, b)
    assert not any(f.rule == "R39" for f in engine.check().findings)
    engine.apply(ops.remove_link(b.design, direct)[1])
    live_matches_fresh(engine, b)
    link(c["back"], dataset, flow="label", feedback=True)
    link(dataset, c["job"], phase="train")
    assert any(f.rule == "R39" and dataset in f.components for f in engine.check().findings)


# ---- the walk R12 and R48 cross feedback links with equals the walk with feedback links in ----


@pytest.mark.parametrize("numbered", [False, True])
@pytest.mark.parametrize("serve", [False, True])
def test_reach_bits_across_feedback_equals_the_walk_with_feedback_links(serve, numbered, monkeypatch):
    """Both ways of crossing (sweeps over numbered nodes, rounds of dict walks) on random
    designs, large and small, with and without loops of links not marked feedback."""
    import random

    from app.rules import bitwalk
    from app.rules.checks._feedback_reach import reach_bits_across_feedback
    from app.rules.context import RuleContext
    from app.rules.shape import ShapeCache
    from tests.factories import large_design

    monkeypatch.setattr(bitwalk, "pays", lambda seeds, topo: numbered)
    catalog = default_catalog()
    for size, links, seed in ((1500, 3000, 5), (60, 180, 1), (200, 200, 2), (300, 900, 3)):
        design = large_design(catalog, size, links, seed=seed)
        rng = random.Random(seed + 10)
        for link in design.links:  # some loops closed by links not marked feedback
            if link.feedback and rng.random() < 0.2:
                link.feedback = False
        engine = RuleEngine(design, catalog)
        ids = [c.id for c in design.components]
        for _ in range(4):
            ctx = RuleContext(design, engine.mirror.graph, catalog, ShapeCache())
            seeds = rng.sample(ids, min(30, size // 4))
            stop = set(rng.sample(ids, size // 10))
            crossed = reach_bits_across_feedback(ctx, seeds, stop, serve)
            fresh = RuleContext(design, engine.mirror.graph, catalog, ShapeCache())  # the two share a key
            walked = fresh.reach_bits(seeds, stop=stop, feedback=True, serve=serve)
            assert {k: v for k, v in crossed.items() if v} == {k: v for k, v in walked.items() if v}


@pytest.mark.parametrize("serve", [False, True])
def test_reach_bits_across_feedback_kept_through_link_edits(serve):
    """The crossing masks are kept with the engine's walks: a drawn link grows them in place, a
    deleted one keeps or drops them; either way they are the walk with feedback links after it."""
    import random

    from app.rules.checks._feedback_reach import reach_bits_across_feedback
    from app.rules.context import RuleContext
    from app.rules.shape import ShapeCache
    from tests.factories import large_design

    catalog = default_catalog()
    design = large_design(catalog, 300, 600, seed=4)
    engine = RuleEngine(design, catalog)
    rng = random.Random(7)
    ids = [c.id for c in design.components]
    seeds = rng.sample(ids, 12)
    stop = set(rng.sample(ids, 30))
    drawn: list[str] = []
    for step in range(40):
        reach_bits_across_feedback(
            RuleContext(design, engine.mirror.graph, catalog, engine.shape), seeds, stop, serve
        )
        if drawn and step % 3 == 2:
            changes = ops.remove_link(design, drawn.pop(rng.randrange(len(drawn))))[1]
        else:
            source, target = rng.sample(ids, 2)
            if ops.find_link(design, source, target) is not None:
                continue
            link = ops.make_link(design, catalog, source, target, phase=rng.choice(["train", "both"]))
            drawn.append(link.id)
            changes = ops.add_link(design, link)
        engine.apply(changes)
        kept = RuleContext(design, engine.mirror.graph, catalog, engine.shape)
        fresh = RuleContext(design, engine.mirror.graph, catalog, ShapeCache())
        crossed = reach_bits_across_feedback(kept, seeds, stop, serve)
        assert dict(crossed) == dict(fresh.reach_bits(seeds, stop=stop, feedback=True, serve=serve))
