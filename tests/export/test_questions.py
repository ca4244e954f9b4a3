"""Open questions generated from the gaps of a design."""

from __future__ import annotations

from app.domain.model import Design
from app.rules.engine import check_design
from app.rules.questions import open_questions, question_items
from app.templates import list_templates
from tests.rules.helpers import add_metric
from tests.rules.rubric_cases import (
    flawed_designs,
    half_finished_recommender,
    pad,
    rubric_of,
    template_design,
    with_property,
)


def test_every_uncovered_stage_is_asked_about(catalog):
    questions = open_questions(Design(), None, catalog)
    assert len(questions) == len(catalog.stages)
    for stage, question in zip(catalog.stages, questions, strict=True):
        assert question.startswith(f"{stage.label} is not covered yet.")


def test_endpoint_without_drift_monitor(recommender, recommender_check, catalog):
    questions = open_questions(recommender, recommender_check, catalog)
    assert "How will you detect data drift on the Feed API's inputs?" in questions
    assert "Labels from Watch-time labels arrive after 2 days" in " ".join(questions)
    assert not any("is not covered yet" in q for q in questions)


def test_a_drift_monitor_answers_the_question(recommender, catalog):
    from tests.factories import DesignBuilder

    builder = DesignBuilder(catalog)
    builder.design = recommender
    monitor = builder.add(
        "monitor", "Drift monitor", watches=["data_drift", "prediction_drift"], alerting=True
    )
    builder.link(monitor, "feed_api", flow="watch")
    questions = open_questions(recommender, None, catalog)
    assert not any("data drift on the Feed API" in q for q in questions)
    assert not any("Feed API's predictions are getting worse" in q for q in questions)


def test_structural_gaps(builder, catalog):
    source = builder.add("data_source", "Users DB", contains_pii=True)
    labels = builder.add("label_source", "Chargebacks", delay_hours=None)
    training = builder.add("training_job", "Nightly training")
    model = builder.add("model", "Fraud model", learned=True)
    endpoint = builder.add("endpoint", "Scoring API", mode="online")
    app = builder.add("consumer", "Checkout", consumer_type="user_app")
    builder.add("problem_framing", "Framing", task="binary", ml_needed="tbd")
    builder.chain(source, training, model, endpoint, app)
    builder.link(labels, training)
    builder.link(app, labels, feedback=True)
    text = "\n".join(open_questions(builder.design, None, catalog))
    for expected in (
        "personal data in Users DB",
        "How long after a prediction do the labels from Chargebacks arrive?",
        "What baseline does Fraud model have to beat",
        "Why is ML needed here",
        "Which p99 latency and peak QPS must the Scoring API meet?",
        "What does the Scoring API return when the model is slow or unavailable?",
        "How does a new model reach the Scoring API's users safely",
        "How often is Nightly training re-run",
        "feedback loop",
    ):
        assert expected in text, expected


def test_no_duplicates_and_stable(recommender, catalog):
    first = open_questions(recommender, None, catalog)
    assert first == open_questions(recommender, None, catalog)
    assert len(first) == len(set(first))


# ---- ranked, deduplicated, task-aware ----------------------------------------------------------

POSITION_BIAS = "position bias"
COLD_START = "before they have any history"
LABELS_FROM = "labels that"


def _normalised(text: str) -> str:
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


def _designs(catalog):
    yield from ((t.name, template_design(t.name, catalog)) for t in list_templates())
    yield "half-finished", half_finished_recommender(catalog)
    yield "padded", pad(half_finished_recommender(catalog), catalog)
    for name, (flawed, _, _) in flawed_designs(catalog).items():
        yield name, flawed


def test_rubric_questions_at_most_five_per_dimension_without_duplicates(catalog):
    for name, design in _designs(catalog):
        rubric = rubric_of(design, catalog)
        for dimension in rubric.dimensions:
            assert len(dimension.questions) <= 5, (name, dimension.name, dimension.questions)
        assert sorted(rubric.questions) == sorted(q for d in rubric.dimensions for q in d.questions)
        normalised = [_normalised(q) for q in rubric.questions]
        assert len(normalised) == len(set(normalised)), name


def test_questions_are_ranked_and_one_per_topic(catalog):
    for name, design in _designs(catalog):
        items = question_items(design, check_design(design, catalog), catalog)
        priorities = [q.priority for q in items]
        assert priorities == sorted(priorities, reverse=True), name
        topics = [q.topic for q in items]
        assert len(topics) == len(set(topics)), name


def test_a_weak_design_gets_few_questions_most_important_first(catalog):
    half = half_finished_recommender(catalog)
    every = open_questions(half, check_design(half, catalog), catalog)  # the report lists them all
    rubric = rubric_of(half, catalog)
    assert len(rubric.questions) <= 15 < len(every)
    assert set(rubric.questions) <= set(every)
    # Uncovered stages come first: they are what an interviewer asks about first.
    assert [q.split(" is not covered yet.")[0] for q in rubric.questions[:2]] == [
        "Serving and deployment",
        "Evaluation and monitoring",
    ]


def test_a_real_error_is_asked_before_the_standard_probes(catalog):
    flawed, _, _ = flawed_designs(catalog)["random split on time-series data"]
    flawed.component_by_id()["labels"].properties.pop("position_correction", None)
    decisions = rubric_of(flawed, catalog).dimension("Decision-making").questions
    assert "is ordered in time" in decisions[0], decisions
    assert any(POSITION_BIAS in q for q in decisions[1:]), decisions


def test_a_recommender_gets_the_position_bias_and_cold_start_probes_unless_answered(catalog):
    template = template_design("recommendations", catalog)
    assert template.component_by_id()["labels"].prop("position_correction") not in (None, "none")
    answered = rubric_of(template, catalog).questions
    assert not any(POSITION_BIAS in q or COLD_START in q for q in answered), answered
    bare = template.model_copy(deep=True)
    bare.invalidate_indexes()
    bare.component_by_id()["labels"].properties.pop("position_correction")
    for component in bare.components:
        if component.kind == "model":
            component.properties.pop("cold_start", None)
    asked = rubric_of(bare, catalog).dimension("Decision-making").questions
    assert any(POSITION_BIAS in q for q in asked) and any(COLD_START in q for q in asked), asked
    corrected = with_property(bare, "labels", "position_correction", "ipw")
    asked = rubric_of(corrected, catalog).questions
    assert not any(POSITION_BIAS in q for q in asked) and any(COLD_START in q for q in asked), asked


def _forecaster(builder, **framing):
    framing_id = builder.add(
        "problem_framing", framing.pop("name", "Daily demand"), task="forecast", **framing
    )
    objective = builder.add("business_objective", "Fewer stock-outs", kpi="stock-out rate")
    metric = add_metric(builder, "MAPE", "other", role="optimizing")
    builder.link(metric, objective, flow="proxy")
    builder.link(framing_id, objective, flow="proxy")
    sales = builder.add("data_source", "Sales history", source_type="warehouse", owner="Retail data")
    dataset = builder.add("dataset", "Daily sales", split="time", is_time_series=True)
    training = builder.add("training_job", "Weekly training", schedule="periodic")
    model = builder.add("model", "Demand GBDT", family="gbdt", learned=True)
    evaluation = builder.add("evaluation", "Holdout", method="holdout", gate=True)
    endpoint = builder.add("endpoint", "Nightly forecasts", mode="batch")
    builder.chain(sales, dataset, training, model, evaluation)
    builder.link(model, endpoint)
    return {"dataset": dataset, "evaluation": evaluation, "training": training}


def test_a_forecaster_is_asked_forecasting_probes_and_never_where_labels_come_from(builder, catalog):
    _forecaster(builder)
    design = builder.design
    result = check_design(design, catalog)
    every = open_questions(design, result, catalog)
    assert not any(LABELS_FROM in q or "labels come from" in q.lower() for q in every), every
    rubric = rubric_of(design, catalog)
    text = "\n".join(rubric.questions)
    assert "true demand during stock-outs" in text
    assert "forecast horizon" in text
    assert "backtest" in text
    # R17 and R25 both miss the training job's cv: one question asks for it.
    assert sum('Weekly training does not say "cv"' in q for q in every) == 1, every


def test_a_forecaster_that_answers_the_probes_is_not_asked_them(builder, catalog):
    ids = _forecaster(builder, name="14-day-ahead demand per store")
    labels = builder.add(
        "label_source", "Sales as labels", label_type="natural", delay_hours=24.0, censored=True
    )
    builder.link(labels, ids["dataset"], flow="label")
    builder.design.component_by_id()[ids["evaluation"]].properties["method"] = "backtest"
    text = "\n".join(open_questions(builder.design, None, catalog))
    assert "true demand during stock-outs" not in text
    assert "forecast horizon" not in text
    assert "How do you backtest" not in text


def _classifier(builder, **framing):
    framing_id = builder.add("problem_framing", "Card fraud", task="binary", ml_needed="yes", **framing)
    source = builder.add("data_source", "Payments", source_type="event_stream", owner="Payments")
    labels = builder.add("label_source", "Chargebacks", label_type="delayed_outcome", delay_hours=1000.0)
    training = builder.add("training_job", "Training", schedule="manual")
    model = builder.add("model", "Fraud GBDT", family="gbdt", learned=True)
    endpoint = builder.add("endpoint", "Scoring API", mode="online")
    policy = builder.add("decision_policy", "Block or review", policy_type="threshold")
    builder.chain(source, training, model, endpoint, policy)
    builder.link(labels, training, flow="label")
    return framing_id


def test_an_acting_classifier_is_asked_thresholds_calibration_imbalance_and_label_delay(builder, catalog):
    _classifier(builder, adversarial=False)
    text = "\n".join(open_questions(builder.design, None, catalog))
    for probe in ("false positive versus a false negative", "calibrated probabilities", "positive class"):
        assert probe in text, probe
    assert "Labels from Chargebacks arrive after 1,000 hours" in text
    assert "Adversaries change tactics" not in text
    # Without an objective, the objective is asked for, not how a metric ties to it.
    assert "What business objective does this system serve" in text
    assert "ML metric not tied to a business KPI" not in "\n".join(
        rubric_of(builder.design, catalog).questions
    )


def test_error_costs_answer_the_threshold_probe(builder, catalog):
    _classifier(builder, adversarial=False, false_positive_cost=5.0, false_negative_cost=120.0)
    text = "\n".join(open_questions(builder.design, None, catalog))
    assert "false positive versus a false negative" not in text


def test_an_adversarial_system_is_asked_about_adaptation_and_review_capacity(builder, catalog):
    _classifier(builder, adversarial=True)
    text = "\n".join(open_questions(builder.design, None, catalog))
    assert "Adversaries change tactics" in text
    assert "human reviewers" in text
    fraud = template_design("fraud_detection", catalog)
    answered = "\n".join(open_questions(fraud, None, catalog))
    assert "Adversaries change tactics" not in answered and "human reviewers" not in answered


def test_a_generation_system_is_asked_the_llm_probes(builder, catalog):
    builder.add("problem_framing", "Answer support questions", task="generation", ml_needed="yes")
    prompt = builder.add("prompt_template", "Answer prompt")
    model = builder.add("model", "Vendor LLM", family="llm", provenance="vendor_api")
    endpoint = builder.add("endpoint", "Assistant API", mode="online")
    builder.chain(prompt, model, endpoint)
    text = "\n".join(open_questions(builder.design, None, catalog))
    for probe in ("grounded in the retrieved sources", "evaluation set", "prompt edit", "cost in tokens"):
        assert probe in text, probe
    assert LABELS_FROM not in text
    rag = "\n".join(open_questions(template_design("rag_assistant", catalog), None, catalog))
    for probe in ("grounded in the retrieved sources", "evaluation set", "prompt edit", "cost in tokens"):
        assert probe not in rag, probe


def test_delayed_labels_are_not_asked_about_when_drift_monitors_watch(recommender, catalog):
    from tests.factories import DesignBuilder

    assert "Labels from Watch-time labels arrive after 2 days" in " ".join(
        open_questions(recommender, None, catalog)
    )
    builder = DesignBuilder(catalog)
    builder.design = recommender
    monitor = builder.add("monitor", "Quality monitor", watches=["prediction_drift"], alerting=True)
    builder.link(monitor, "feed_api", flow="watch")
    assert "arrive after 2 days" not in " ".join(open_questions(recommender, None, catalog))


def test_an_accepted_trade_off_is_not_asked_again(catalog):
    eta = template_design("eta_prediction", catalog)
    assert any(d.rule == "R39" for d in eta.decisions)
    assert not any("feedback loop" in q for q in open_questions(eta, None, catalog))


def _label_question_and_r9(catalog, *tasks: str) -> tuple[bool, bool]:
    from tests.factories import DesignBuilder

    b = DesignBuilder(catalog)
    for task in tasks:
        b.add("problem_framing", f"Framing {task}", task=task)
    source = b.add("data_source", "Events", source_type="event_stream")
    job = b.add("training_job", "Trainer", schedule="periodic")
    b.link(source, job)
    design = b.design
    result = check_design(design, catalog)
    asked = any(q.topic == "labels_origin" for q in question_items(design, result, catalog))
    fired = any(f.rule == "R9" and not f.unset for f in result.findings)
    return asked, fired


def test_questions_and_rule_r9_agree_on_which_tasks_need_labels(catalog):
    # One definition of "supervised": a forecaster learns its own series (no label source asked
    # for), a classifier beside it still needs labels, whether the question or R9 says so.
    assert _label_question_and_r9(catalog, "forecast") == (False, False)
    assert _label_question_and_r9(catalog, "binary") == (True, True)
    assert _label_question_and_r9(catalog, "binary", "forecast") == (True, True)
