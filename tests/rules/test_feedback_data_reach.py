"""Data read back into training on the link that closes a loop (marked feedback) is read like
any other: the mark says the loop is meant, not that the data stops there.

* R5 (unused data): decision logs joined into the training set on the loop's closing link train
  the model (no false "does not reach any model").
* R13 (data not validated): those logs reach the training job unvalidated along that link too.
* R17 (temporal leakage): a time-ordered log dataset read by a k-fold job on that link is
  cross-validated with k-fold all the same, and one whose is_time_series is unset is asked about.
* R42 (label leakage): an operational database read raw by the training job on that link holds
  current values all the same.
* R20 (sampled data not re-weighted): an undersampler on the way back into the training set
  shifts the base rate the model learns along that link too (one whose method is unset is
  asked about).
* R43 (calibration): that undersampler, wherever the loop is marked, loses the native
  calibration of the model whose scores a threshold reads.
* R25 (early stopping): a training job whose output link closes the loop still trains the deep
  model it feeds.
* R27 (fixed threshold): a training job whose output link closes the loop still retrains the
  model whose scores a hand-set threshold cuts.
* R49 (correction cascade): a source of model outputs read back into training, or fed by the
  endpoint, on that link is learned from, and declared, all the same.
* R51 (model swaps): a model fine-tuned by a training job whose output link closes the loop
  (marked feedback) is trained here, not a swap that ships untested."""

from __future__ import annotations

import pytest

from app.domain import ops
from app.domain.catalog import default_catalog
from app.rules.engine import RuleEngine
from tests.factories import DesignBuilder
from tests.rules.helpers import findings, live_matches_fresh, live_messages


def _logs_loop(feedback: bool):
    """A fraud model trained on validated payments and on the logs of its own decisions, joined
    into the training set on the link that closes the loop (marked feedback when `feedback`)."""
    b = DesignBuilder(default_catalog(), "Decision logs loop")
    owned = {"owner": "payments", "versioned": True, "contains_pii": False}
    c = {
        "events": b.add("data_source", "Payments", source_type="event_stream", **owned),
        "validation": b.add("data_validation", "Checks", checks=["schema"], blocking=True, where="both"),
        "dataset": b.add("dataset", "Transactions", split="time", is_time_series=True),
        "job": b.add("training_job", "Daily training", schedule="periodic", cv="holdout", reproducible=True),
        "model": b.add("model", "Fraud model", family="gbdt", learned=True, provenance="trained_here"),
        "endpoint": b.add("endpoint", "Scoring API", mode="online"),
        "logs": b.add("data_source", "Decision logs", source_type="logs", **owned),
    }
    b.chain(c["events"], c["validation"], c["dataset"], c["job"], c["model"], phase="train")
    b.link(c["model"], c["endpoint"], phase="serve")
    b.link(c["endpoint"], c["logs"])
    c["read"] = b.link(c["logs"], c["dataset"], feedback=feedback)
    return b, c


# ---- R5: unused data dependency ---------------------------------------------------------------

_UNUSED = "Decision logs does not reach any model: an unused data dependency"


@pytest.mark.parametrize("feedback", [False, True])
def test_r5_quiet_when_logs_reach_training_on_a_feedback_link(feedback):
    b, _ = _logs_loop(feedback)
    assert findings(b.design, "R5") == []


@pytest.mark.parametrize("feedback", [False, True])
def test_r5_fires_when_the_logs_reach_no_model(feedback):
    b, c = _logs_loop(feedback)
    ops.remove_link(b.design, c["read"])
    archive = b.add("dataset", "Log archive")
    b.link(c["logs"], archive, feedback=feedback)
    [finding] = findings(b.design, "R5")
    assert (finding.message, finding.components) == (_UNUSED, (c["logs"],))


def test_incremental_engine_follows_r5_through_feedback_marks():
    b, c = _logs_loop(False)
    engine = RuleEngine(b.design, b.catalog)
    assert live_messages(engine, "R5") == []
    engine.apply(ops.set_link_fields(b.design, c["read"], feedback=True)[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R5") == []
    engine.apply(ops.remove_link(b.design, c["read"])[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R5") == [_UNUSED]
    made = ops.make_link(b.design, b.catalog, c["logs"], c["dataset"], feedback=True)
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R5") == []


# ---- R13: data reaching training unvalidated -------------------------------------------------

_UNCHECKED = "Training job Daily training reads Decision logs with no blocking data validation on the way"


def _r13_training(design) -> list[str]:
    return [m for m in (f.message for f in findings(design, "R13")) if m.startswith("Training job")]


@pytest.mark.parametrize("feedback", [False, True])
def test_r13_fires_whether_or_not_the_logs_link_is_marked_feedback(feedback):
    b, _ = _logs_loop(feedback)
    assert _r13_training(b.design) == [_UNCHECKED]


@pytest.mark.parametrize("feedback", [False, True])
def test_r13_quiet_when_the_logs_pass_the_validation(feedback):
    b, c = _logs_loop(feedback)
    ops.remove_link(b.design, c["read"])
    b.link(c["logs"], c["validation"], feedback=feedback)
    assert _r13_training(b.design) == []


@pytest.mark.parametrize("feedback", [False, True])
def test_r13_bare_source_is_followed_across_its_own_link_marked_feedback(feedback):
    """A data source with source_type unset is judged all the same: unvalidated data reaches
    training whatever the source holds, and marking its link into the training set as the
    loop's closing link does not validate it."""
    b, c = _logs_loop(feedback)
    ops.set_property(b.design, b.catalog, c["logs"], "source_type", None)
    assert _r13_training(b.design) == [_UNCHECKED]


def test_incremental_engine_follows_r13_through_feedback_marks():
    b, c = _logs_loop(False)
    engine = RuleEngine(b.design, b.catalog)

    def training() -> list[str]:
        return [m for m in live_messages(engine, "R13") if m.startswith("Training job")]

    assert training() == [_UNCHECKED]
    engine.apply(ops.set_link_fields(b.design, c["read"], feedback=True)[1])
    live_matches_fresh(engine, b)
    assert training() == [_UNCHECKED]
    engine.apply(ops.remove_link(b.design, c["read"])[1])
    live_matches_fresh(engine, b)
    assert training() == []
    made = ops.make_link(b.design, b.catalog, c["logs"], c["validation"], feedback=True)
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    assert training() == []
    engine.apply(ops.set_property(b.design, b.catalog, c["validation"], "blocking", False)[1])
    live_matches_fresh(engine, b)
    assert len(training()) == 1
    engine.apply(ops.set_property(b.design, b.catalog, c["logs"], "source_type", None)[1])
    live_matches_fresh(engine, b)
    engine.apply(ops.set_property(b.design, b.catalog, c["logs"], "source_type", "logs")[1])
    live_matches_fresh(engine, b)


# ---- R17 and R42: time-ordered logs and current state read back by the training job ------------


def _read_back(feedback: bool, kind: str, **props: object):
    """A fraud model cross-validated with k-fold on its time-ordered transactions, whose training
    job also reads back a `kind` component its endpoint writes to (on the link that closes the
    loop, marked feedback when `feedback`)."""
    b = DesignBuilder(default_catalog(), "Read back")
    c = {
        "events": b.add("data_source", "Payments", source_type="event_stream", contains_pii=False),
        "dataset": b.add("dataset", "Transactions", split="time", is_time_series=True),
        "job": b.add("training_job", "Daily training", schedule="periodic", cv="kfold", reproducible=True),
        "model": b.add("model", "Fraud model", family="gbdt", learned=True, provenance="trained_here"),
        "endpoint": b.add("endpoint", "Scoring API", mode="online"),
        "back": b.add(kind, "Decision logs", **props),
    }
    b.chain(c["events"], c["dataset"], c["job"], c["model"], phase="train")
    b.link(c["model"], c["endpoint"], phase="serve")
    b.link(c["endpoint"], c["back"])
    c["read"] = b.link(c["back"], c["job"], feedback=feedback)
    return b, c


_KFOLD = (
    "Dataset Decision logs is a time series and is cross-validated with k-fold in Daily training: "
    "temporal leakage"
)
_CURRENT = (
    "Data source Decision logs (oltp_db) feeds Daily training, which reads no feature store or feature "
    "pipeline, where data in Transactions is a time series: its records hold current values, not values "
    "as of each prediction (label leakage)"
)


def _r17_logs(design) -> list[str]:
    return [f.message for f in findings(design, "R17") if "Decision logs" in f.message]


@pytest.mark.parametrize("feedback", [False, True])
def test_r17_kfold_on_logs_read_back_whether_or_not_the_link_is_marked_feedback(feedback):
    b, _ = _read_back(feedback, "dataset", split="time", is_time_series=True)
    assert _r17_logs(b.design) == [_KFOLD]


@pytest.mark.parametrize("feedback", [False, True])
def test_r17_quiet_on_logs_read_back_with_time_series_cv(feedback):
    b, c = _read_back(feedback, "dataset", split="time", is_time_series=True)
    ops.set_property(b.design, b.catalog, c["job"], "cv", "time_series_cv")
    assert findings(b.design, "R17") == []


_KFOLD_UNSET = (
    "is_time_series of Decision logs is unset: it is cross-validated with k-fold in Daily training, "
    "which leaks if its rows are ordered in time; set is_time_series (true or false)"
)


@pytest.mark.parametrize("feedback", [False, True])
def test_r17_kfold_on_a_bare_dataset_read_back_whether_or_not_the_link_is_marked_feedback(feedback):
    """A dataset with is_time_series unset is read by the job along a feedback link too: its
    k-fold cross-validation is asked about wherever the loop is marked."""
    b, c = _read_back(feedback, "dataset", split="time")
    [finding] = [f for f in findings(b.design, "R17") if "Decision logs" in f.message]
    assert (finding.message, finding.components) == (_KFOLD_UNSET, (c["job"], c["back"]))
    assert finding.unset == (f"{c['back']}.is_time_series",)


@pytest.mark.parametrize("feedback", [False, True])
def test_r17_quiet_on_a_bare_dataset_read_back_with_time_series_cv(feedback):
    b, c = _read_back(feedback, "dataset", split="time")
    ops.set_property(b.design, b.catalog, c["job"], "cv", "time_series_cv")
    assert findings(b.design, "R17") == []


def test_incremental_engine_follows_a_bare_dataset_through_feedback_marks_for_r17():
    b, c = _read_back(True, "dataset", split="time")
    engine = RuleEngine(b.design, b.catalog)
    assert _r17_logs(b.design) == [_KFOLD_UNSET]
    assert [m for m in live_messages(engine, "R17") if "Decision logs" in m] == [_KFOLD_UNSET]
    engine.apply(ops.remove_link(b.design, c["read"])[1])
    live_matches_fresh(engine, b)
    assert [m for m in live_messages(engine, "R17") if "Decision logs" in m] == []
    made = ops.make_link(b.design, b.catalog, c["back"], c["job"], feedback=True)
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    assert [m for m in live_messages(engine, "R17") if "Decision logs" in m] == [_KFOLD_UNSET]
    engine.apply(ops.set_property(b.design, b.catalog, c["job"], "cv", "holdout")[1])
    live_matches_fresh(engine, b)
    assert [m for m in live_messages(engine, "R17") if "Decision logs" in m] == []
    engine.apply(ops.set_property(b.design, b.catalog, c["job"], "cv", "kfold")[1])
    live_matches_fresh(engine, b)
    assert [m for m in live_messages(engine, "R17") if "Decision logs" in m] == [_KFOLD_UNSET]
    engine.apply(ops.set_property(b.design, b.catalog, c["back"], "is_time_series", True)[1])
    live_matches_fresh(engine, b)
    assert [m for m in live_messages(engine, "R17") if "Decision logs" in m] == [_KFOLD]
    engine.apply(ops.set_property(b.design, b.catalog, c["back"], "is_time_series", None)[1])
    live_matches_fresh(engine, b)
    assert [m for m in live_messages(engine, "R17") if "Decision logs" in m] == [_KFOLD_UNSET]


@pytest.mark.parametrize("feedback", [False, True])
def test_r42_current_state_read_back_whether_or_not_the_link_is_marked_feedback(feedback):
    b, c = _read_back(feedback, "data_source", source_type="oltp_db", contains_pii=False)
    [finding] = findings(b.design, "R42")
    assert (finding.message, finding.components) == (_CURRENT, (c["job"], c["back"]))


@pytest.mark.parametrize("feedback", [False, True])
def test_r42_quiet_when_the_read_back_source_is_a_log(feedback):
    b, _ = _read_back(feedback, "data_source", source_type="logs", contains_pii=False)
    assert findings(b.design, "R42") == []


def test_incremental_engine_follows_r17_and_r42_through_feedback_marks():
    b, c = _read_back(False, "dataset", split="time", is_time_series=True)
    engine = RuleEngine(b.design, b.catalog)
    assert [m for m in live_messages(engine, "R17") if "Decision logs" in m] == [_KFOLD]
    engine.apply(ops.set_link_fields(b.design, c["read"], feedback=True)[1])
    live_matches_fresh(engine, b)
    assert [m for m in live_messages(engine, "R17") if "Decision logs" in m] == [_KFOLD]
    engine.apply(ops.set_property(b.design, b.catalog, c["back"], "is_time_series", None)[1])
    live_matches_fresh(engine, b)
    engine.apply(ops.set_property(b.design, b.catalog, c["back"], "is_time_series", True)[1])
    live_matches_fresh(engine, b)
    b2, c2 = _read_back(False, "data_source", source_type="oltp_db", contains_pii=False)
    engine = RuleEngine(b2.design, b2.catalog)
    assert live_messages(engine, "R42") == [_CURRENT]
    engine.apply(ops.set_link_fields(b2.design, c2["read"], feedback=True)[1])
    live_matches_fresh(engine, b2)
    assert live_messages(engine, "R42") == [_CURRENT]
    engine.apply(ops.remove_link(b2.design, c2["read"])[1])
    live_matches_fresh(engine, b2)
    assert live_messages(engine, "R42") == []
    made = ops.make_link(b2.design, b2.catalog, c2["back"], c2["job"], feedback=True)
    engine.apply(ops.add_link(b2.design, made))
    live_matches_fresh(engine, b2)
    assert live_messages(engine, "R42") == [_CURRENT]


# ---- R51: a model fine-tuned here, its training job's output link marked feedback ---------------

_SWAP = (
    "Assistant reaches endpoint Chat API without an evaluation gate: a prompt edit or a model version "
    "swap ships untested"
)


def _fine_tuned_loop(feedback: bool):
    """An assistant fine-tuned on its own chat logs; the loop closed on the job's output link
    (marked feedback when `feedback`)."""
    b = DesignBuilder(default_catalog(), "Fine-tuned loop")
    c = {
        "logs": b.add("data_source", "Chat logs", source_type="logs", contains_pii=False),
        "dataset": b.add("dataset", "Tuning set"),
        "job": b.add("training_job", "Fine-tune", schedule="periodic", reproducible=True),
        "model": b.add("model", "Assistant", family="llm", learned=True, provenance="fine_tuned"),
        "endpoint": b.add("endpoint", "Chat API", mode="online"),
    }
    b.chain(c["logs"], c["dataset"], c["job"])
    c["output"] = b.link(c["job"], c["model"], feedback=feedback)
    b.chain(c["model"], c["endpoint"], c["logs"])
    return b, c


@pytest.mark.parametrize("feedback", [False, True])
def test_r51_a_model_fine_tuned_here_is_no_swap_whether_or_not_its_output_link_is_marked(feedback):
    b, _ = _fine_tuned_loop(feedback)
    assert [f.message for f in findings(b.design, "R51") if "swap" in f.message] == []


@pytest.mark.parametrize("feedback", [False, True])
def test_r51_a_model_fine_tuned_elsewhere_is_a_swap(feedback):
    b, c = _fine_tuned_loop(feedback)
    ops.remove_link(b.design, c["output"])
    b.link(c["job"], c["endpoint"], feedback=feedback)  # the job feeds something else
    assert [f.message for f in findings(b.design, "R51") if "swap" in f.message] == [_SWAP]


def test_incremental_engine_follows_r51_through_feedback_marks():
    b, c = _fine_tuned_loop(False)
    engine = RuleEngine(b.design, b.catalog)

    def swaps() -> list[str]:
        return [m for m in live_messages(engine, "R51") if "swap" in m]

    assert swaps() == []
    engine.apply(ops.set_link_fields(b.design, c["output"], feedback=True)[1])
    live_matches_fresh(engine, b)
    assert swaps() == []
    engine.apply(ops.remove_link(b.design, c["output"])[1])
    live_matches_fresh(engine, b)
    assert swaps() == [_SWAP]
    made = ops.make_link(b.design, b.catalog, c["job"], c["model"], feedback=True)
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    assert swaps() == []


# ---- R20 and R27: a sampler on the loop's way back, a retrained model's hand-set threshold --------

_SHIFTED = (
    "Undersample uses undersample without weighted correction and feeds Block, which read the scores "
    "as probabilities: they are miscalibrated"
)
_MANUAL = (
    "Decision policy Block uses a manually set threshold while Daily training retrains the model (periodic)"
)


def _threshold_loop(marked: str | None, threshold_source: str = "manual", weighted: bool = False):
    """A fraud model whose hand-set threshold blocks payments; the blocked payments' logs are
    undersampled back into its training set. `marked` says which link of the loop is marked
    feedback: "sampled" (undersampler -> training set) or "output" (training job -> model)."""
    b = DesignBuilder(default_catalog(), "Threshold loop")
    c = {
        "dataset": b.add("dataset", "Transactions"),
        "job": b.add("training_job", "Daily training", schedule="periodic", reproducible=True),
        "model": b.add("model", "Fraud model", family="gbdt", learned=True, provenance="trained_here"),
        "policy": b.add(
            "decision_policy", "Block", policy_type="threshold", threshold_source=threshold_source,
            action_limits=True,
        ),
        "endpoint": b.add("endpoint", "Scoring API", mode="online"),
        "logs": b.add("data_source", "Payment logs", source_type="logs", contains_pii=False),
        "sampler": b.add(
            "sampling_strategy", "Undersample", method="undersample", weighted_correction=weighted
        ),
    }  # fmt: skip
    b.link(c["dataset"], c["job"])
    c["output"] = b.link(c["job"], c["model"], feedback=marked == "output")
    b.chain(c["model"], c["policy"], c["endpoint"], c["logs"], c["sampler"])
    c["sampled"] = b.link(c["sampler"], c["dataset"], feedback=marked == "sampled")
    return b, c


@pytest.mark.parametrize("marked", ["sampled", "output"])
def test_r20_undersampled_logs_shift_the_model_wherever_the_loop_is_marked(marked):
    b, _ = _threshold_loop(marked, threshold_source="validation_tuned")
    assert [f.message for f in findings(b.design, "R20")] == [_SHIFTED]


@pytest.mark.parametrize("marked", ["sampled", "output"])
def test_r20_quiet_with_importance_weights(marked):
    b, _ = _threshold_loop(marked, threshold_source="validation_tuned", weighted=True)
    assert findings(b.design, "R20") == []


_UNTYPED = (
    "method of Undersample is unset: Block read the scores as probabilities; set method (none, "
    "undersample, class_weight, ...)"
)


def _untyped_loop(marked: str | None, weighted: bool = False):
    b, c = _threshold_loop(marked, threshold_source="validation_tuned", weighted=weighted)
    ops.set_property(b.design, b.catalog, c["sampler"], "method", None)
    return b, c


@pytest.mark.parametrize("marked", [None, "sampled", "output"])
def test_r20_bare_sampler_asked_about_wherever_the_loop_is_marked(marked):
    """A sampler with method unset is followed across a feedback link like any other: whether it
    shifts the base rate of the model it trains is asked wherever the loop is marked."""
    b, c = _untyped_loop(marked)
    [finding] = findings(b.design, "R20")
    assert (finding.message, finding.components) == (_UNTYPED, (c["policy"], c["sampler"]))


@pytest.mark.parametrize("marked", [None, "sampled", "output"])
def test_r20_bare_sampler_quiet_with_importance_weights(marked):
    b, _ = _untyped_loop(marked, weighted=True)
    assert findings(b.design, "R20") == []


def test_incremental_engine_follows_a_bare_sampler_through_feedback_marks_for_r20():
    b, c = _untyped_loop("sampled")
    engine = RuleEngine(b.design, b.catalog)
    assert live_messages(engine, "R20") == [_UNTYPED]
    engine.apply(ops.remove_link(b.design, c["sampled"])[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R20") == []
    made = ops.make_link(b.design, b.catalog, c["sampler"], c["dataset"], feedback=True)
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R20") == [_UNTYPED]
    engine.apply(ops.set_property(b.design, b.catalog, c["sampler"], "method", "undersample")[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R20") == [_SHIFTED]
    engine.apply(ops.set_property(b.design, b.catalog, c["sampler"], "method", None)[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R20") == [_UNTYPED]


@pytest.mark.parametrize("marked", ["sampled", "output"])
def test_r27_manual_threshold_on_a_retrained_model_wherever_the_loop_is_marked(marked):
    b, c = _threshold_loop(marked, weighted=True)
    [finding] = findings(b.design, "R27")
    assert (finding.message, finding.components) == (_MANUAL, (c["job"], c["policy"]))


@pytest.mark.parametrize("marked", ["sampled", "output"])
def test_r27_quiet_with_a_validation_tuned_threshold(marked):
    b, _ = _threshold_loop(marked, threshold_source="validation_tuned", weighted=True)
    assert findings(b.design, "R27") == []


def test_incremental_engine_follows_r20_and_r27_through_feedback_marks():
    b, c = _threshold_loop("sampled")
    engine = RuleEngine(b.design, b.catalog)
    assert (live_messages(engine, "R20"), live_messages(engine, "R27")) == ([_SHIFTED], [_MANUAL])
    engine.apply(ops.set_link_fields(b.design, c["sampled"], feedback=False)[1])
    engine.apply(ops.set_link_fields(b.design, c["output"], feedback=True)[1])
    live_matches_fresh(engine, b)
    assert (live_messages(engine, "R20"), live_messages(engine, "R27")) == ([_SHIFTED], [_MANUAL])
    engine.apply(ops.remove_link(b.design, c["output"])[1])
    live_matches_fresh(engine, b)
    assert (live_messages(engine, "R20"), live_messages(engine, "R27")) == ([], [])
    made = ops.make_link(b.design, b.catalog, c["job"], c["model"], feedback=True)
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    assert (live_messages(engine, "R20"), live_messages(engine, "R27")) == ([_SHIFTED], [_MANUAL])
    engine.apply(ops.set_property(b.design, b.catalog, c["sampler"], "weighted_correction", True)[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R20") == []


# ---- R49: model outputs read back into training ------------------------------------------------

_UNWATCHED = (
    "Score logs holds another model's outputs and Ranker learns from it, with no monitor watching "
    "upstream or data_drift on it: a change upstream silently shifts what is learned here"
)


def _scores_loop(marked: str | None, watched: bool = False):
    """A ranker trained on the logged scores its endpoint serves; `marked` says which link of
    the loop is marked feedback: "in" (endpoint -> score logs) or "out" (score logs -> training
    set)."""
    b = DesignBuilder(default_catalog(), "Scores loop")
    c = {
        "dataset": b.add("dataset", "Training set"),
        "job": b.add("training_job", "Training", schedule="periodic", reproducible=True),
        "model": b.add("model", "Ranker", family="gbdt", learned=True, provenance="trained_here"),
        "endpoint": b.add("endpoint", "Ranking API", mode="online"),
        "scores": b.add("data_source", "Score logs", source_type="model_output", contains_pii=False),
    }
    b.chain(c["dataset"], c["job"], c["model"], c["endpoint"])
    c["in"] = b.link(c["endpoint"], c["scores"], feedback=marked == "in")
    c["out"] = b.link(c["scores"], c["dataset"], feedback=marked == "out")
    if watched:
        monitor = b.add("monitor", "Score drift", watches=["data_drift"], alerting=True)
        b.link(monitor, c["scores"], flow="watch")
    return b, c


@pytest.mark.parametrize("marked", [None, "in", "out"])
def test_r49_unwatched_model_outputs_learned_from_wherever_the_loop_is_marked(marked):
    b, c = _scores_loop(marked)
    [finding] = findings(b.design, "R49")
    assert finding.message == _UNWATCHED
    assert c["scores"] in finding.components


@pytest.mark.parametrize("marked", [None, "in", "out"])
def test_r49_quiet_when_watched_wherever_the_loop_is_marked(marked):
    b, _ = _scores_loop(marked, watched=True)
    assert findings(b.design, "R49") == []


def test_incremental_engine_follows_r49_through_feedback_marks():
    b, c = _scores_loop(None)
    engine = RuleEngine(b.design, b.catalog)
    assert live_messages(engine, "R49") == [_UNWATCHED]
    engine.apply(ops.set_link_fields(b.design, c["in"], feedback=True)[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R49") == [_UNWATCHED]
    engine.apply(ops.set_link_fields(b.design, c["in"], feedback=False)[1])
    engine.apply(ops.set_link_fields(b.design, c["out"], feedback=True)[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R49") == [_UNWATCHED]
    engine.apply(ops.remove_link(b.design, c["out"])[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R49") == []
    made = ops.make_link(b.design, b.catalog, c["scores"], c["dataset"], feedback=True)
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R49") == [_UNWATCHED]


# ---- R25: a deep model's training job, its output link marked feedback ---------------------------

_NO_EARLY_STOP = "Training job Training trains transformer model Net without early stopping"


def _deep_loop(feedback: bool, early_stopping: bool = False):
    """A transformer retrained on the logs of its own answers; the loop closed on the job's
    output link (marked feedback when `feedback`)."""
    b = DesignBuilder(default_catalog(), "Deep loop")
    c = {
        "logs": b.add("data_source", "Chat logs", source_type="logs", contains_pii=False),
        "dataset": b.add("dataset", "Training set"),
        "job": b.add(
            "training_job", "Training", schedule="periodic", reproducible=True, cv="holdout", hpo="random",
            early_stopping=early_stopping,
        ),
        "model": b.add("model", "Net", family="transformer", learned=True, provenance="trained_here"),
        "endpoint": b.add("endpoint", "API", mode="online"),
    }  # fmt: skip
    b.chain(c["logs"], c["dataset"], c["job"])
    c["output"] = b.link(c["job"], c["model"], feedback=feedback)
    b.chain(c["model"], c["endpoint"], c["logs"])
    return b, c


@pytest.mark.parametrize("feedback", [False, True])
def test_r25_no_early_stopping_whether_or_not_the_output_link_is_marked_feedback(feedback):
    b, c = _deep_loop(feedback)
    [finding] = findings(b.design, "R25")
    assert (finding.message, finding.components) == (_NO_EARLY_STOP, (c["job"], c["model"]))


@pytest.mark.parametrize("feedback", [False, True])
def test_r25_quiet_with_early_stopping(feedback):
    b, _ = _deep_loop(feedback, early_stopping=True)
    assert findings(b.design, "R25") == []


def test_incremental_engine_follows_r25_through_feedback_marks():
    b, c = _deep_loop(False)
    engine = RuleEngine(b.design, b.catalog)
    assert live_messages(engine, "R25") == [_NO_EARLY_STOP]
    engine.apply(ops.set_link_fields(b.design, c["output"], feedback=True)[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R25") == [_NO_EARLY_STOP]
    engine.apply(ops.remove_link(b.design, c["output"])[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R25") == []
    made = ops.make_link(b.design, b.catalog, c["job"], c["model"], feedback=True)
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R25") == [_NO_EARLY_STOP]


# ---- R43: native calibration lost to an undersampler on the loop's way back ---------------------

_LOST = (
    "Scores of Fraud model (gbdt) are read as probabilities by the hand-set threshold of Block, but its "
    "native calibration is lost: it learns from data resampled by Undersample without re-weighting"
)


@pytest.mark.parametrize("marked", ["sampled", "output"])
def test_r43_native_calibration_lost_wherever_the_loop_is_marked(marked):
    b, c = _threshold_loop(marked)
    ops.set_property(b.design, b.catalog, c["model"], "calibration", "native")
    assert [f.message for f in findings(b.design, "R43")] == [_LOST]


@pytest.mark.parametrize("marked", ["sampled", "output"])
def test_r43_quiet_with_importance_weights(marked):
    b, c = _threshold_loop(marked, weighted=True)
    ops.set_property(b.design, b.catalog, c["model"], "calibration", "native")
    assert findings(b.design, "R43") == []


def test_incremental_engine_follows_r43_through_feedback_marks():
    b, c = _threshold_loop("sampled")
    ops.set_property(b.design, b.catalog, c["model"], "calibration", "native")
    engine = RuleEngine(b.design, b.catalog)
    assert live_messages(engine, "R43") == [_LOST]
    engine.apply(ops.set_link_fields(b.design, c["sampled"], feedback=False)[1])
    engine.apply(ops.set_link_fields(b.design, c["output"], feedback=True)[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R43") == [_LOST]
    engine.apply(ops.remove_link(b.design, c["sampled"])[1])
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R43") == []
    made = ops.make_link(b.design, b.catalog, c["sampler"], c["dataset"], feedback=True)
    engine.apply(ops.add_link(b.design, made))
    live_matches_fresh(engine, b)
    assert live_messages(engine, "R43") == [_LOST]
