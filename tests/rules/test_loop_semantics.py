"""Links whose flow is watch, govern, proxy or eval (from a measurement) describe observation,
control and measurement, not data flowing: a loop that closes only through such links is not a
feedback loop. R6 (unmarked loop), R39 (degenerate feedback loop) and R52 (labels coming back
through a feedback link) must agree."""

from __future__ import annotations

import pytest

from app.domain.catalog import default_catalog
from tests.factories import DesignBuilder
from tests.rules.helpers import findings

NOT_DATA = [
    ("monitor", "watch"),
    ("governance", "govern"),
    ("metric", "proxy"),
    ("metric", "eval"),
    ("experiment", "eval"),
    ("prediction_logger", "eval"),
]


def _pipeline(b: DesignBuilder) -> dict[str, str]:
    ids = {
        "source": b.add("data_source", "Events"),
        "labels": b.add("label_source", "Clicks"),
        "job": b.add("training_job", "Train"),
        "model": b.add("model", "Ranker"),
        "endpoint": b.add("endpoint", "API", mode="online"),
        "app": b.add("consumer", "App", consumer_type="user_app"),
    }
    b.chain(ids["source"], ids["job"], ids["model"], ids["endpoint"], ids["app"])
    b.link(ids["labels"], ids["job"])
    return ids


@pytest.mark.parametrize(("kind", "flow"), NOT_DATA)
def test_r6_ignores_a_loop_closed_only_through_observation_or_measurement(kind, flow):
    b = DesignBuilder(default_catalog())
    ids = _pipeline(b)
    observer = b.add(kind, "Observer")
    b.link(ids["endpoint"], observer)  # the observer reads the served predictions ...
    b.link(observer, ids["source"], flow=flow)  # ... and the loop closes through its link only
    assert findings(b.design, "R6") == []


@pytest.mark.parametrize("closing", ["data", "prediction"])
def test_r6_reports_the_same_loop_when_data_closes_it(closing):
    b = DesignBuilder(default_catalog())
    ids = _pipeline(b)
    logger = b.add("prediction_logger", "Log")
    b.link(ids["endpoint"], logger)
    b.link(logger, ids["source"], flow=closing)
    [finding] = findings(b.design, "R6")
    assert set(finding.components) >= {ids["source"], ids["model"], ids["endpoint"], logger}


def test_r6_counts_eval_links_of_the_model_path():
    b = DesignBuilder(default_catalog())
    ids = _pipeline(b)
    gate = b.add("evaluation", "Gate", gate=True)
    b.link(ids["model"], gate, flow="eval")
    b.link(gate, ids["job"], flow="eval")  # model -> evaluation -> training job: the model itself flows
    assert [f.rule for f in findings(b.design, "R6")] == ["R6"]


@pytest.mark.parametrize("flow", ["watch", "govern", "proxy", "eval"])
def test_r39_ignores_a_feedback_link_that_carries_no_data(flow):
    b = DesignBuilder(default_catalog())
    ids = _pipeline(b)
    b.link(ids["app"], ids["labels"], flow=flow, feedback=True)  # app -> labels: observation only
    assert findings(b.design, "R39") == []
    assert findings(b.design, "R6") == []


def test_r39_reports_outcomes_flowing_back_as_labels():
    b = DesignBuilder(default_catalog())
    ids = _pipeline(b)
    b.link(ids["app"], ids["labels"], flow="data", feedback=True)
    [finding] = findings(b.design, "R39")
    assert {ids["model"], ids["labels"]} <= set(finding.components)
    assert findings(b.design, "R6") == []  # marked feedback: deliberate


def _adversarial(flow: str) -> list[str]:
    b = DesignBuilder(default_catalog())
    b.add("problem_framing", "Fraud", adversarial=True, task="binary")
    ids = _pipeline(b)
    b.link(ids["app"], ids["labels"], flow=flow, feedback=True)
    return [m for f in findings(b.design, "R52") for m in [f.message]]


@pytest.mark.parametrize("flow", ["watch", "govern", "proxy", "eval"])
def test_r52_does_not_take_an_observing_feedback_link_for_labels_coming_back(flow):
    assert any("no feedback link bringing new labels back" in m for m in _adversarial(flow))


def test_r52_takes_a_data_feedback_link_into_the_labels_for_labels_coming_back():
    [message] = _adversarial("data")  # still raised for its missing drift monitor, not for labels
    assert "concept_drift" in message and "no feedback link bringing new labels back" not in message


def test_r6_and_r39_follow_the_data_through_a_governance_step_drawn_with_its_default_flow():
    """Events are pseudonymised on their way to training; the link out of the governance step
    has flow govern (its default), yet the data goes on: the app's events close a loop."""
    b = DesignBuilder(default_catalog())
    ids = _pipeline(b)
    b.design.links[:] = [lk for lk in b.design.links if lk.source != ids["source"]]
    b.design.invalidate_indexes()
    governance = b.add("governance", "Pseudonymise", controls=["anonymize"])
    b.chain(ids["source"], governance, ids["job"])
    assert b.design.links[-1].flow == "govern"
    closing = b.link(ids["app"], ids["source"])
    [loop] = findings(b.design, "R6")
    assert governance in loop.components and closing in loop.links
    [degenerate] = findings(b.design, "R39")
    assert ids["model"] in degenerate.components


def test_drawing_data_into_a_governance_step_in_a_loop_updates_the_live_check():
    """The app's predictions reach a governance step whose govern link feeds the training set:
    no data flows in, so no loop. A data link drawn into it from outside the loop makes it pass
    data on, and the loop appear; the window's engine kept the feedback loops it had (the link
    joins two parts of the graph in order), so R39 showed in a fresh check (mlsd check, the
    report) and not in the window."""
    from app.domain import ops
    from app.domain.model import Link
    from app.rules.engine import RuleEngine, check_design

    catalog = default_catalog()
    b = DesignBuilder(catalog)
    app = b.add("consumer", "Feed app", consumer_type="user_app")
    governance = b.add("governance", "Pseudonymise")
    b.link(app, governance, flow="prediction")
    training_set = b.add("dataset", "Training set")
    b.link(governance, training_set, flow="govern")
    model, endpoint = b.add("model", "Ranker", family="gbdt"), b.add("endpoint", "Feed API")
    b.chain(training_set, b.add("training_job", "Train"), model, endpoint, app)
    clicks = b.add("data_source", "Clicks")
    engine = RuleEngine(b.design, catalog)
    assert "R39" not in {f.rule for f in engine.check().findings}

    def rules(result):
        return sorted((f.rule, f.message) for f in result.findings)

    engine.apply(ops.add_link(b.design, Link(id="clicks", source=clicks, target=governance, flow="data")))
    assert "R39" in {f.rule for f in engine.check().findings}
    assert rules(engine.check()) == rules(check_design(b.design, catalog))
    _, changes = ops.remove_link(b.design, "clicks")
    engine.apply(changes)
    assert rules(engine.check()) == rules(check_design(b.design, catalog))
