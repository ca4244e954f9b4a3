"""Open questions generated from the gaps of a design."""

from __future__ import annotations

from app.domain.model import Design
from app.export import open_questions


def test_every_uncovered_stage_is_asked_about(catalog):
    questions = open_questions(Design(), None, catalog)
    assert len(questions) == len(catalog.stages)
    for stage, question in zip(catalog.stages, questions, strict=True):
        assert question.startswith(f"{stage.label} is not covered yet.")


def test_endpoint_without_drift_monitor(recommender, recommender_check, catalog):
    questions = open_questions(recommender, recommender_check, catalog)
    assert "How will you detect data drift on the Feed API's inputs?" in questions
    assert "Labels from Watch-time labels arrive after 48 hours" in " ".join(questions)
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
