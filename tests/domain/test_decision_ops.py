import pytest

from app.domain import decision_ops as dops
from app.domain.decision_ops import DecisionError, UnknownDecisionError, alternatives_note, decision_problem
from app.domain.errors import DesignError, DuplicateIdError
from app.domain.model import Decision, DecisionOption, Design
from app.persistence import design_to_bytes


def _design_decision(id_: str = "d1", **fields) -> Decision:
    values = {
        "title": "Retrieval",
        "options": [
            DecisionOption(name="Two-tower", pros=["Scales to 10M items"], cons=["Needs ANN index"]),
            DecisionOption(name="Matrix factorisation", pros=["Simple"], cons=["No cold start"]),
        ],
        "chosen": "Two-tower",
        "consequences": "An ANN index to build nightly.",
        "date": "2026-01-05",
    }
    values.update(fields)
    return Decision(id=id_, **values)


def test_add_update_supersede_remove_round():
    design = Design()
    assert dops.add_decision(design, _design_decision())[0].what == "decisions_changed"
    assert design.decisions[0].weighs_alternatives
    old, _ = dops.update_decision(design, _design_decision(title="Candidate retrieval"))
    assert old.title == "Retrieval" and design.decisions[0].title == "Candidate retrieval"
    previous, changes = dops.supersede_decision(design, "d1", _design_decision("d2", supersedes="d1"))
    assert previous == "accepted" and {c.id for c in changes} == {"d1", "d2"}
    assert [d.status for d in design.decisions] == ["superseded", "accepted"]
    with pytest.raises(DecisionError, match="superseded by 'Retrieval' \\(d2\\)"):
        dops.remove_decision(design, "d1")
    (index, removed), _ = dops.remove_decision(design, "d2")
    assert (index, removed.id) == (1, "d2")
    dops.remove_decision(design, "d1")
    assert design.decisions == []


@pytest.mark.parametrize(
    ("decision", "error", "message"),
    [
        (_design_decision("d9", title=""), DecisionError, "needs a title"),
        (Decision(id="d9", rule="R4", rationale=" "), DecisionError, "no rationale"),
        (_design_decision("d9", chosen="Bandit"), DecisionError, "'Bandit' of decision 'd9' is not one of"),
        (
            _design_decision("d9", options=[DecisionOption(name="A"), DecisionOption(name="A")], chosen=""),
            DecisionError,
            "appears twice",
        ),
        (_design_decision("d9", supersedes="d9"), DecisionError, "cannot supersede itself"),
        (_design_decision("d9", supersedes="nope"), DecisionError, "'nope', which is not a decision"),
        (_design_decision("d1"), DuplicateIdError, "already used"),
    ],
)
def test_bad_decisions_are_refused_and_leave_the_design_untouched(decision, error, message):
    design = Design()
    dops.add_decision(design, _design_decision())
    before = design_to_bytes(design)
    with pytest.raises(error, match=message):
        dops.add_decision(design, decision)
    assert design_to_bytes(design) == before


def test_refused_update_supersede_and_status_leave_the_design_untouched():
    design = Design()
    dops.add_decision(design, _design_decision())
    before = design_to_bytes(design)
    with pytest.raises(DecisionError):
        dops.update_decision(design, _design_decision(chosen="Nothing"))
    with pytest.raises(UnknownDecisionError):
        dops.update_decision(design, _design_decision("d7"))
    with pytest.raises(DecisionError, match="must name 'd1'"):
        dops.supersede_decision(design, "d1", _design_decision("d2"))
    with pytest.raises(DecisionError):
        dops.supersede_decision(design, "d1", _design_decision("d2", supersedes="d1", title=""))
    with pytest.raises(DecisionError, match="unknown status"):
        dops.set_decision_status(design, "d1", "maybe")
    assert design_to_bytes(design) == before


def test_meta_lists_are_set_whole_and_checked():
    design = Design()
    old, changes = dops.set_meta_list(design, "goals", ["p99 under 80 ms", "Recall@100 above 0.6"])
    assert old == [] and changes[0].what == "meta_changed"
    assert design.meta.goals == ["p99 under 80 ms", "Recall@100 above 0.6"]
    with pytest.raises(DesignError, match="item 2 is empty"):
        dops.set_meta_list(design, "goals", ["a", "  "])
    with pytest.raises(TypeError):
        dops.set_meta_list(design, "assumptions", ["a", 3])
    with pytest.raises(ValueError, match="not an editable meta list"):
        dops.set_meta_list(design, "title", ["x"])
    assert design.meta.goals == ["p99 under 80 ms", "Recall@100 above 0.6"]


def test_concerning_lists_decisions_of_one_component():
    design = Design()
    dops.add_decision(design, _design_decision(components=["ranker"]))
    dops.add_decision(design, Decision(id="d2", rule="R4", components=["ranker", "store"], rationale="ok"))
    dops.add_decision(design, _design_decision("d3", components=["store"]))
    assert [d.id for d in dops.concerning(design, "ranker")] == ["d1", "d2"]
    assert [d.label for d in design.decisions] == ["Retrieval", "Accept R4", "Retrieval"]


def test_a_decision_cannot_supersede_itself_through_a_chain():
    design = Design()
    dops.add_decision(design, _design_decision("d1"))
    dops.add_decision(design, _design_decision("d2", supersedes="d1"))
    dops.add_decision(design, _design_decision("d3", supersedes="d2"))
    before = design_to_bytes(design)
    with pytest.raises(DecisionError, match="circle \\('d1' -> 'd3' -> 'd2' -> 'd1'\\)"):
        dops.update_decision(design, _design_decision("d1", supersedes="d3"))
    assert design_to_bytes(design) == before
    assert dops.supersede_cycle({"a": "b", "b": "c", "c": ""}) is None
    assert dops.supersede_cycle({"x": "a", "a": "b", "b": "a"}) == ["a", "b"]


def test_alternatives_note_of_two_options_named_alike_but_for_spaces():
    """'Kafka' and 'Kafka ' are two options to the loader (names are unique as written): the
    note counts them as `Decision.weighs_alternatives` does instead of failing on an empty list
    of unargued names (which broke the Markdown, the report and the Decisions dock)."""
    both = Decision(
        id="bus",
        title="Event bus",
        options=[DecisionOption(name="Kafka", pros=["runs"]), DecisionOption(name="Kafka ", cons=["new"])],
        consequences="One more cluster.",
    )
    assert decision_problem(both, ["bus"]) is None
    assert both.weighs_alternatives and alternatives_note(both) == ""
    both.options[1].cons = []
    assert alternatives_note(both) == 'Listed, not weighed: no pro or con is recorded for "Kafka".'
