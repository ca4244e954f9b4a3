"""R1-R11: business framing, stage coverage and structure."""

from __future__ import annotations

from app.cli import main
from app.domain import ops
from app.persistence import save_design
from tests.rules.helpers import add_metric, findings, fired, unspecified

# ---- R1 ----------------------------------------------------------------------------------


def test_r1_fires_without_business_objective(builder):
    add_metric(builder, "AUC", "roc_auc")
    found = findings(builder.design, "R1")
    assert len(found) == 1 and found[0].severity == "error"
    assert "No business objective" in found[0].message and "AUC" in found[0].message


def test_r1_fires_when_metric_has_no_proxy_link_to_objective(builder):
    metric = add_metric(builder, "AUC", "roc_auc", role="optimizing")
    add_metric(builder, "Recall", "recall", role="guardrail")
    objective = builder.add("business_objective", "Retention")
    builder.link(metric, objective, flow="eval")
    [finding] = fired(builder.design, "R1")
    assert "AUC and Recall are not tied to Retention" in finding.message
    assert set(finding.components) >= {metric, objective}


def test_r1_quiet_when_metric_proxies_the_objective(builder):
    metric = add_metric(builder, "AUC", "roc_auc", role="optimizing")
    guard = add_metric(builder, "Recall", "recall", role="guardrail")
    objective = builder.add("business_objective", "Retention")
    builder.link(metric, objective)  # the canvas default flow is proxy
    builder.link(guard, objective)
    assert findings(builder.design, "R1") == []


def test_r1_fires_when_only_a_guardrail_is_tied_and_the_optimized_metric_is_not(builder):
    metric = add_metric(builder, "PR-AUC", "pr_auc", role="optimizing")
    guard = add_metric(builder, "False-decline rate", "false_positive_rate", role="guardrail")
    objective = builder.add("business_objective", "Fraud losses")
    builder.link(guard, objective)
    [finding] = findings(builder.design, "R1")
    assert finding.severity == "error" and finding.components == (metric, objective)
    assert finding.message.startswith("Optimizing metric PR-AUC has no proxy link into a business objective")


def test_r1_fires_for_a_nameless_tied_metric_and_missing_roles(builder):
    metric = add_metric(builder, "Offline metric", None)
    objective = builder.add("business_objective", "Retention")
    builder.link(metric, objective)
    found = findings(builder.design, "R1")
    assert {u for f in found for u in f.unset} == {f"{metric}.name", f"{metric}.role"}
    assert all(f.severity == "warning" for f in found)
    ops.set_property(builder.design, builder.catalog, metric, "name", "pr_auc")
    ops.set_property(builder.design, builder.catalog, metric, "role", "optimizing")
    [finding] = findings(builder.design, "R1")
    assert finding.message.startswith("No metric has role guardrail") and not finding.unset


# ---- R2 ----------------------------------------------------------------------------------


def test_r2_fires_when_ml_is_not_needed_but_a_model_learns(builder):
    framing = builder.add("problem_framing", "Framing", ml_needed="no")
    model = builder.add("model", "Churn model", family="gbdt", learned=True)
    [finding] = findings(builder.design, "R2")
    assert finding.severity == "warning" and "ml_needed: no" in finding.message
    assert finding.components == (framing, model)


def test_r2_quiet_when_ml_is_needed(builder):
    builder.add("problem_framing", "Framing", ml_needed="yes")
    builder.add("model", "Churn model", family="gbdt")
    assert findings(builder.design, "R2") == []


def test_r2_quiet_for_a_rule_based_model(builder):
    builder.add("problem_framing", "Framing", ml_needed="tbd")
    builder.add("model", "Rules", family="rule")
    assert findings(builder.design, "R2") == []


def test_r2_says_when_ml_needed_is_unspecified(builder):
    builder.add("problem_framing", "Framing")
    builder.add("model", "Churn model")
    assert unspecified(builder.design, "R2") == [
        "ml_needed of Framing is unset: the design has learned models (Churn model)"
    ]


# ---- R3 ----------------------------------------------------------------------------------


def test_r3_fires_for_online_endpoint_without_slo_or_qps(builder):
    endpoint = builder.add("endpoint", "Feed API", mode="online", qps=100.0)
    [finding] = findings(builder.design, "R3")
    assert finding.components == (endpoint,)
    assert "Online endpoint Feed API has no latency_slo_ms" in finding.message


def test_r3_quiet_with_latency_and_throughput_constraints(builder):
    builder.add("endpoint", "Feed API", mode="online")
    builder.add("constraint", "Latency", type="latency", value=50.0)
    builder.add("constraint", "Peak load", type="throughput", value=3000.0, unit="QPS")
    assert findings(builder.design, "R3") == []


def test_r3_fires_when_a_latency_constraint_is_the_only_target(builder):
    endpoint = builder.add("endpoint", "Feed API", mode="online")
    builder.add("constraint", "Latency", type="latency", value=50.0)
    [finding] = findings(builder.design, "R3")
    assert finding.message == (
        "Online endpoint Feed API has no qps and the design has no throughput constraint"
    )
    assert finding.unset == (f"{endpoint}.qps",)


def test_r3_quiet_when_slo_and_qps_are_set(builder):
    builder.add("endpoint", "Feed API", mode="streaming", latency_slo_ms=50.0, qps=100.0)
    assert findings(builder.design, "R3") == []


def test_r3_says_when_endpoint_mode_is_unspecified(builder):
    builder.add("endpoint", "Feed API")
    [message] = unspecified(builder.design, "R3")
    assert message.startswith("mode of Feed API is unset")


# ---- R4 ----------------------------------------------------------------------------------


def test_r4_fires_for_each_missing_stage_naming_it(builder, tmp_path, capsys):
    source = builder.add("data_source", "Events")
    model = builder.add("model", "Model")
    builder.link(source, model)
    found = findings(builder.design, "R4")
    by_stage = {f.message.split(" stage")[0]: f for f in found}
    assert set(by_stage) == {
        "No Business problem",
        "No Feature engineering",
        "No Serving and deployment",
        "No Evaluation and monitoring",
    }
    assert by_stage["No Serving and deployment"].severity == "error"
    assert "endpoint" in by_stage["No Serving and deployment"].message
    assert by_stage["No Business problem"].severity == "warning"
    path = tmp_path / "two.mlsd"
    save_design(builder.design, path)
    assert main(["check", str(path)]) == 1
    assert "No Serving and deployment stage" in capsys.readouterr().out


def test_r4_quiet_when_every_stage_has_a_component(builder):
    for kind in ("business_objective", "data_source", "feature_store", "model", "endpoint", "monitor"):
        builder.add(kind)
    assert findings(builder.design, "R4") == []


# ---- R5 ----------------------------------------------------------------------------------


def test_r5_fires_for_a_component_without_links(builder):
    orphan = builder.add("feature_store", "Lonely store")
    [finding] = findings(builder.design, "R5")
    assert finding.components == (orphan,) and "orphan" in finding.message


def test_r5_fires_for_a_data_source_that_reaches_no_model(builder):
    source = builder.add("data_source", "Clicks")
    builder.link(source, builder.add("dashboard", "Ops board"))
    [finding] = findings(builder.design, "R5")
    assert finding.components == (source,) and "does not reach any model" in finding.message


def test_r5_quiet_for_data_that_judges_the_model(builder):
    job, model = builder.add("training_job"), builder.add("model", "Model")
    evaluation, experiment = builder.add("evaluation", "Gate"), builder.add("experiment", "A/B test")
    builder.chain(builder.add("data_source", "Events"), job, model, evaluation)
    builder.link(builder.add("data_source", "Golden set"), evaluation)
    builder.link(builder.add("data_source", "Orders ledger"), experiment)
    builder.link(experiment, model)
    assert findings(builder.design, "R5") == []


def test_r5_quiet_when_data_reaches_a_model(builder):
    source = builder.add("data_source", "Clicks")
    pipeline = builder.add("feature_pipeline", "Features")
    builder.chain(source, pipeline, builder.add("model", "Model"))
    builder.add("constraint", "Budget", type="cost")  # constraints apply to the whole design
    assert findings(builder.design, "R5") == []


# ---- R6 ----------------------------------------------------------------------------------


def test_r6_fires_for_an_unmarked_loop_and_marking_a_link_clears_it(builder):
    a = builder.add("data_source", "Logs")
    b = builder.add("model", "Model")
    c = builder.add("consumer", "App")
    links = builder.chain(a, b, c)
    back = builder.link(c, a)
    [finding] = findings(builder.design, "R6")
    assert finding.severity == "error"
    assert finding.components == (a, b, c)
    assert set(finding.links) == {*links, back}
    assert "Logs → Model → App → Logs" in finding.message
    ops.set_link_fields(builder.design, back, feedback=True)
    assert findings(builder.design, "R6") == []


def test_r6_fires_when_only_one_of_two_loops_is_marked(builder):
    a, b, c = builder.add("data_source", "A"), builder.add("model", "B"), builder.add("consumer", "C")
    builder.chain(a, b, c)
    builder.link(c, a, feedback=True)
    builder.link(b, a)  # a second loop A -> B -> A with no feedback link
    [finding] = findings(builder.design, "R6")
    assert finding.components == (a, b)


def test_r6_quiet_without_loops(builder):
    builder.chain(builder.add("data_source"), builder.add("model"), builder.add("endpoint"))
    assert findings(builder.design, "R6") == []


# ---- R7 ----------------------------------------------------------------------------------


def test_r7_fires_for_a_learned_model_without_training_job(builder):
    model = builder.add("model", "Model", learned=True)
    [finding] = findings(builder.design, "R7")
    assert finding.components == (model,) and "no training job produces it" in finding.message


def test_r7_fires_when_the_training_job_reads_no_data(builder):
    builder.link(builder.add("training_job", "Train"), builder.add("model", "Model"))
    [finding] = findings(builder.design, "R7")
    assert "reads from no data source" in finding.message


def test_r7_quiet_with_full_lineage(builder):
    job = builder.add("training_job", reproducible=True)
    builder.chain(builder.add("data_source"), job, builder.add("model"))
    builder.add("model", "Rules", learned=False)
    assert findings(builder.design, "R7") == []


def test_r7_fires_for_a_second_stage_model_fed_by_a_trained_one(builder):
    job = builder.add("training_job", "Train retrieval", reproducible=True)
    retrieval = builder.add("model", "Two-tower retrieval", provenance="trained_here")
    ranker = builder.add("model", "Ranker", provenance="trained_here")
    builder.chain(builder.add("data_source", "Events"), job, retrieval)
    builder.link(retrieval, ranker, phase="serve")  # candidates for the ranker, not its training
    [finding] = findings(builder.design, "R7")
    assert finding.components == (ranker,) and "no training job produces it" in finding.message


def test_r7_fires_for_a_training_job_that_is_not_reproducible(builder):
    job = builder.add("training_job", "Notebook", reproducible=False)
    builder.chain(builder.add("data_source"), job, builder.add("model"))
    [finding] = findings(builder.design, "R7")
    assert finding.severity == "warning" and finding.components == (job,)


# ---- R8 ----------------------------------------------------------------------------------


def test_r8_fires_for_an_endpoint_without_a_model(builder):
    endpoint = builder.add("endpoint", "API")
    builder.link(builder.add("data_source", "DB"), endpoint)
    [finding] = findings(builder.design, "R8")
    assert finding.components == (endpoint,) and finding.severity == "error"


def test_r8_quiet_when_a_model_or_baseline_feeds_the_endpoint(builder):
    builder.link(builder.add("model"), builder.add("endpoint"))
    builder.link(builder.add("baseline_model"), builder.add("endpoint"))
    assert findings(builder.design, "R8") == []


def test_r8_fires_when_a_model_reaches_the_endpoint_only_as_training_data(builder):
    """The second-stage model was left out: the retrieval model's scores train the ranker's job,
    whose registry feeds the endpoint, but no model is on the way."""
    scorer = builder.add("model", "Retrieval model")
    endpoint = builder.add("endpoint", "Feed API", mode="online")
    builder.chain(scorer, builder.add("dataset"), builder.add("training_job"), builder.add("model_registry"),
                  endpoint)  # fmt: skip
    [finding] = findings(builder.design, "R8")
    assert finding.components == (endpoint,) and "only through a training job" in finding.message


def test_r8_fires_when_a_model_reaches_the_endpoint_only_through_user_behaviour(builder):
    """Model A's endpoint drives the app, whose events feed endpoint B's features: B serves no model."""
    first = builder.add("endpoint", "A API")
    second = builder.add("endpoint", "B API")
    app = builder.add("consumer", "App")
    builder.chain(builder.add("model", "A"), first, app, builder.add("data_source"),
                  builder.add("feature_pipeline"), second)  # fmt: skip
    [finding] = findings(builder.design, "R8")
    assert finding.components == (second,)


def test_r8_quiet_for_predictions_served_from_a_store_or_through_a_registry(builder):
    model = builder.add("model")
    builder.chain(model, builder.add("feature_store"), builder.add("endpoint"))
    builder.chain(model, builder.add("evaluation"), builder.add("model_registry"), builder.add("endpoint"))
    builder.chain(model, builder.add("human_review"), builder.add("endpoint"))
    assert findings(builder.design, "R8") == []


# ---- R9 ----------------------------------------------------------------------------------


def test_r9_fires_for_a_supervised_task_without_labels(builder):
    builder.add("problem_framing", task="binary")
    job = builder.add("training_job", "Train")
    builder.link(builder.add("data_source"), job)
    [finding] = findings(builder.design, "R9")
    assert finding.components == (job,) and "binary" in finding.message


def test_r9_quiet_with_a_label_source(builder):
    builder.add("problem_framing", task="binary")
    builder.link(builder.add("label_source"), builder.add("training_job"))
    assert findings(builder.design, "R9") == []


def test_r9_quiet_when_a_review_queue_labels_the_training_set(builder):
    builder.add("problem_framing", task="binary")
    model, review = builder.add("model", "Classifier"), builder.add("human_review", "Moderators")
    dataset, job = builder.add("dataset", "Training set"), builder.add("training_job", "Train")
    builder.chain(builder.add("data_source"), dataset, job, model, review)
    builder.link(review, dataset, flow="label", feedback=True)  # verdicts become the labels
    assert findings(builder.design, "R9") == []


def test_r9_fires_when_the_only_label_link_feeds_another_training_job(builder):
    builder.add("problem_framing", task="binary")
    labelled, unlabelled = builder.add("training_job", "Labelled"), builder.add("training_job", "Unlabelled")
    builder.link(builder.add("human_review"), labelled, flow="label")
    builder.link(builder.add("data_source"), unlabelled)
    [finding] = findings(builder.design, "R9")
    assert finding.components == (unlabelled,)


def test_r9_quiet_for_clustering(builder):
    builder.add("problem_framing", task="clustering")
    builder.add("training_job")
    assert findings(builder.design, "R9") == []


def test_r9_says_when_the_task_is_unspecified(builder):
    builder.add("problem_framing", "Framing")
    builder.add("training_job")
    assert unspecified(builder.design, "R9") == [
        "task of Framing is unset: a supervised task needs a label source for training"
    ]


# ---- R10 ---------------------------------------------------------------------------------


def test_r10_fires_for_a_monitor_without_signals_or_links(builder):
    monitor = builder.add("monitor", "Monitor", watches=[])
    [finding] = findings(builder.design, "R10")
    assert finding.components == (monitor,)
    assert "watches no signal and has no watch link" in finding.message


def test_r10_quiet_for_an_attached_monitor_with_signals(builder):
    monitor = builder.add("monitor", "Monitor", watches=["latency"])
    builder.link(monitor, builder.add("endpoint"))
    fed = builder.add("monitor", "Fed monitor", watches=["prediction_drift"])
    builder.link(builder.add("prediction_logger"), fed)
    assert findings(builder.design, "R10") == []


def test_r10_says_when_watches_is_unspecified(builder):
    builder.link(builder.add("monitor", "Monitor"), builder.add("endpoint"))
    assert fired(builder.design, "R10") == []
    assert unspecified(builder.design, "R10")[0].startswith("watches of Monitor is unset")


# ---- R11 ---------------------------------------------------------------------------------


def test_r11_fires_when_no_monitor_alerts(builder):
    first = builder.add("monitor", "Drift", alerting=False)
    second = builder.add("monitor", "Latency", alerting=False)
    [finding] = findings(builder.design, "R11")
    assert finding.components == (first, second) and "alerting off" in finding.message


def test_r11_quiet_when_one_monitor_alerts(builder):
    builder.add("monitor", "Drift", alerting=False)
    builder.add("monitor", "Latency", alerting=True, channel="PagerDuty")
    assert findings(builder.design, "R11") == []


def test_r11_says_when_the_only_alerting_monitor_names_no_channel(builder):
    monitor = builder.add("monitor", "Latency", alerting=True)
    [finding] = findings(builder.design, "R11")
    assert finding.severity == "info" and finding.unset == (f"{monitor}.channel",)


def test_r11_says_when_alerting_is_unspecified(builder):
    builder.add("monitor", "Drift")
    assert unspecified(builder.design, "R11") == [
        "alerting of Drift is unset: no monitor is known to alert anyone"
    ]
