"""A refused edit raises a ValueError naming the field and the problem, and leaves the design,
the undo stack and the modified flag as they were; text is cleaned at the document's door."""

from __future__ import annotations

import math

import pytest

from app.domain import ops
from app.domain.errors import DesignError, InvalidFieldError
from app.domain.model import Component
from app.persistence import design_to_bytes, load_design_bytes
from app.ui.document import DesignDocument


@pytest.fixture
def doc(qtbot):
    document = DesignDocument()
    a = document.add_component("data_source", 0, 0, "Events")
    b = document.add_component("model", 300, 0, "Ranker")
    document.connect(a, b)
    document.accept_finding("R30", [b], "Batch only")
    document.mark_saved()
    return document


def _ids(doc):
    (a, b), (link,) = [c.id for c in doc.design.components], [lk.id for lk in doc.design.links]
    return a, b, link


REFUSED = {
    "link feedback not a bool": (lambda d, a, b, lk: d.set_link_fields(lk, feedback="yes"), "feedback"),
    "link flow unknown": (lambda d, a, b, lk: d.set_link_fields(lk, flow="teleport"), "teleport"),
    "link phase unknown": (lambda d, a, b, lk: d.set_link_fields(lk, phase="later"), "later"),
    "link field unknown": (lambda d, a, b, lk: d.set_link_fields(lk, colour="red"), "colour"),
    "link label not text": (lambda d, a, b, lk: d.set_link_fields(lk, label=3), "label"),
    "link unknown": (lambda d, a, b, lk: d.set_link_fields("l99", label="x"), "l99"),
    "decision unknown": (lambda d, a, b, lk: d.remove_decision("nope"), "nope"),
    "component field unknown": (lambda d, a, b, lk: d.set_component_field(a, "colour", "red"), "colour"),
    "component field not editable": (lambda d, a, b, lk: d.set_component_field(a, "kind", "model"), "kind"),
    "component name not text": (lambda d, a, b, lk: d.set_component_field(a, "name", 5), "name"),
    "component name blank": (lambda d, a, b, lk: d.set_component_field(a, "name", " \t "), "name"),
    "component unknown": (lambda d, a, b, lk: d.set_component_field("ghost", "name", "x"), "ghost"),
    "meta field unknown": (lambda d, a, b, lk: d.set_meta_field("colour", "red"), "colour"),
    "meta field not editable": (lambda d, a, b, lk: d.set_meta_field("created", "today"), "created"),
    "meta value not text": (lambda d, a, b, lk: d.set_meta_field("title", None), "title"),
    "property unknown": (lambda d, a, b, lk: d.set_property(b, "colour", "red"), "colour"),
    "property value bad": (lambda d, a, b, lk: d.set_property(a, "freshness", "weekly-ish"), "freshness"),
    "override level unknown": (lambda d, a, b, lk: d.set_rule_override("R1", "loud"), "loud"),
    "rationale empty": (lambda d, a, b, lk: d.accept_finding("R1", [a], "   "), "rationale"),
    "position not finite": (lambda d, a, b, lk: d.move_components({a: (math.inf, 0)}), "position"),
    "position not a number": (lambda d, a, b, lk: d.move_components({a: ("left", 0)}), "position"),
    "pinned not a bool": (lambda d, a, b, lk: d.set_pinned([a], "yes"), "pinned"),
    "self link": (lambda d, a, b, lk: d.connect(a, a), "itself"),
    "duplicate link": (lambda d, a, b, lk: d.connect(a, b), "already links"),
    "kind unknown": (lambda d, a, b, lk: d.add_component("teleporter", 0, 0), "teleporter"),
    "paste with a bad property": (
        lambda d, a, b, lk: d.add_items(
            [Component(id="x", kind="metric"), Component(id="y", kind="model", properties={"family": "q"})],
            [],
        ),
        "family",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_refused_edit_raises_a_value_error_and_leaves_no_trace(doc, case):
    edit, named = REFUSED[case]
    a, b, link = _ids(doc)
    before = design_to_bytes(doc.design)
    count = doc.undo_stack.count()
    signals: list[str] = []
    doc.changed.connect(lambda: signals.append("changed"))
    with pytest.raises(ValueError, match=named) as info:
        edit(doc, a, b, link)
    assert isinstance(info.value, DesignError) or type(info.value).__module__.startswith("pydantic")
    assert design_to_bytes(doc.design) == before
    assert doc.undo_stack.count() == count
    assert not doc.is_modified() and doc.undo_stack.isClean()
    assert signals == []
    doc.undo_stack.undo()  # the last good edit (the decision) undoes; nothing stale is on top
    assert doc.design.decisions == []
    doc.undo_stack.redo()
    assert design_to_bytes(doc.design) == before and not doc.is_modified()


def test_a_refused_edit_inside_a_macro_leaves_the_rest_of_the_step(doc):
    a, b, _ = _ids(doc)
    count = doc.undo_stack.count()
    doc.begin_macro("Two edits")
    doc.set_component_field(a, "notes", "kept")
    with pytest.raises(InvalidFieldError, match="colour"):
        doc.set_component_field(a, "colour", "red")
    doc.end_macro()
    assert doc.undo_stack.count() == count + 1
    doc.undo_stack.undo()
    assert doc.component(a).notes == ""


def test_an_edit_that_changes_nothing_pushes_nothing(doc):
    a, b, link = _ids(doc)
    count = doc.undo_stack.count()
    doc.set_component_field(a, "name", "Events")
    doc.set_link_fields(link, flow="data")
    doc.set_meta_field("title", doc.design.meta.title)
    doc.set_property(a, "freshness", None)
    doc.set_rule_override("R1", None)
    doc.move_components({a: (0, 0)})
    assert doc.undo_stack.count() == count and not doc.is_modified()


def test_a_property_edit_stores_and_undoes_the_canonical_value(doc):
    _, b, _ = _ids(doc)
    doc.set_property(b, "params_millions", 12)
    value = doc.component(b).properties["params_millions"]
    assert value == 12.0 and isinstance(value, float)
    doc.set_property(b, "params_millions", 12.0)  # the same canonical value: no second step
    assert doc.undo_stack.count() == 5
    doc.undo_stack.undo()
    assert "params_millions" not in doc.component(b).properties


def test_removing_a_decision_undoes_back_to_its_place(doc):
    _, b, _ = _ids(doc)
    first = doc.design.decisions[0].id
    second = doc.accept_finding("R31", [b], "Also fine")
    doc.remove_decision(first)
    assert [d.id for d in doc.design.decisions] == [second]
    doc.undo_stack.undo()
    assert [d.id for d in doc.design.decisions] == [first, second]


# ---- text at the document's door -----------------------------------------------------------


def test_text_from_the_window_is_cleaned_so_the_design_can_always_be_saved_and_loaded(doc):
    a, b, link = _ids(doc)
    doc.set_component_field(a, "name", "Ev\ud800ents")
    doc.set_component_field(b, "notes", "line one\nline two\tand a tab\x1b[2J\x00")
    doc.set_meta_field("title", "T\udfff\x07")
    doc.set_link_fields(link, label="lab\ud83del")  # a lone high surrogate, not a pair
    doc.set_property(b, "family", "gbdt")
    cid = doc.add_component("metric", 0, 0, "M\x1b")
    doc.accept_finding("R1", [a], "why\ud800")
    assert doc.component(a).name == "Ev\ufffdents"
    assert doc.component(b).notes == "line one\nline two\tand a tab[2J"
    assert doc.design.meta.title == "T\ufffd"
    assert doc.link(link).label == "lab\ufffdel"
    assert doc.component(cid).name == "M"
    assert doc.design.decisions[-1].rationale == "why\ufffd"
    again = load_design_bytes(design_to_bytes(doc.design)).design
    assert design_to_bytes(again) == design_to_bytes(doc.design)


def test_pasted_items_are_cleaned_too(doc):
    pasted = Component(id="c", kind="metric", name="P\ud800", technology="\x1bT", properties={})
    (new_id,), _ = doc.add_items([pasted], [])
    assert doc.component(new_id).name == "P\ufffd" and doc.component(new_id).technology == "T"
    design_to_bytes(doc.design)


def test_the_domain_ops_refuse_invalid_text_naming_the_field(doc):
    a, _, link = _ids(doc)
    with pytest.raises(InvalidFieldError, match="name: holds a lone surrogate U\\+D800"):
        ops.set_component_field(doc.design, a, "name", "\ud800")
    with pytest.raises(ValueError, match="label: holds the control character U\\+001B \\(ESC\\)"):
        ops.set_link_fields(doc.design, link, label="\x1b")
    with pytest.raises(InvalidFieldError, match="title"):
        ops.set_meta_field(doc.design, "title", "\x00")
    assert doc.component(a).name == "Events"


def test_a_refused_or_empty_edit_keeps_the_redo_history_and_the_saved_state(doc):
    a, _, _ = _ids(doc)
    doc.set_component_field(a, "notes", "saved here")
    doc.mark_saved()
    doc.undo_stack.undo()
    count = doc.undo_stack.count()
    with pytest.raises(ValueError, match="nope"):
        doc.remove_decision("nope")
    doc.set_component_field(a, "name", "Events")  # changes nothing
    assert doc.undo_stack.count() == count and doc.undo_stack.canRedo()
    doc.undo_stack.redo()
    assert doc.component(a).notes == "saved here" and not doc.is_modified()
