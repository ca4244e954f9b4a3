import gc

import pytest

from app.domain.errors import InvalidLinkError, PropertyValueError
from app.persistence import design_to_bytes
from app.ui.commands import DocCommand
from app.ui.document import DesignDocument


@pytest.fixture
def doc(qtbot):
    return DesignDocument()


def test_each_edit_is_one_undo_step_and_signals_the_views(doc, qtbot):
    added = []
    doc.component_added.connect(added.append)
    empty = design_to_bytes(doc.design)
    a = doc.add_component("data_source", 0, 0, "Events")
    b = doc.add_component("model", 300, 0)
    link = doc.connect(a, b)
    doc.set_property(b, "family", "gbdt")
    doc.move_components({a: (10, 20), b: (310, 20)})
    assert added == [a, b]
    assert doc.undo_stack.count() == 5
    assert doc.design.link_by_id()[link].flow == "data"
    for _ in range(5):
        doc.undo_stack.undo()
    assert design_to_bytes(doc.design) == empty
    for _ in range(5):
        doc.undo_stack.redo()
    assert doc.component(b).properties["family"] == "gbdt"
    assert doc.component(a).position.x == 10


def test_invalid_edits_are_refused_before_touching_the_stack(doc):
    a = doc.add_component("data_source", 0, 0)
    with pytest.raises(InvalidLinkError):
        doc.connect(a, a)
    with pytest.raises(PropertyValueError):
        doc.set_property(a, "freshness", "weekly-ish")
    assert doc.undo_stack.count() == 1


def test_removing_a_component_restores_its_links_on_undo(doc):
    a, b, c = (doc.add_component(k, 0, 0) for k in ("data_source", "feature_pipeline", "model"))
    doc.connect(a, b)
    doc.connect(b, c)
    before = design_to_bytes(doc.design)
    doc.remove_items([b])
    assert doc.design.links == []
    doc.undo_stack.undo()
    assert design_to_bytes(doc.design) == before
    assert set(doc.engine.mirror.graph.edges) == {(a, b), (b, c)}


def test_paste_gives_fresh_ids_and_keeps_internal_links(doc):
    a = doc.add_component("data_source", 0, 0)
    b = doc.add_component("model", 200, 0)
    doc.connect(a, b)
    comps = [doc.component(a), doc.component(b)]
    new_ids, new_links = doc.add_items(comps, list(doc.design.links))
    assert len(set(new_ids) | {a, b}) == 4
    assert len(new_links) == 1
    link = doc.design.link_by_id()[new_links[0]]
    assert (link.source, link.target) == tuple(new_ids)


def test_accept_finding_records_an_undoable_decision_and_clean_state_follows(doc):
    doc.mark_saved()
    decision = doc.accept_finding("R30", ["endpoint_1"], "Batch only")
    assert doc.is_modified()
    assert doc.design.decisions[0].id == decision
    doc.undo_stack.undo()
    assert doc.design.decisions == [] and not doc.is_modified()


def test_a_dropped_document_with_a_history_is_not_left_for_the_cyclic_collector_to_break(qtbot):
    """Its commands refer to it, so it lives in a reference cycle. Left to the collector, the
    cycle's objects were freed in no set order, and the stack's destructor then deleted
    commands whose Python side had gone (a segmentation fault in QUndoStack::clear)."""
    doc = DesignDocument()
    a = doc.add_component("data_source", 0, 0, "Events")
    doc.connect(a, doc.add_component("model", 300, 0))
    doc.undo_stack.undo()
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector would free is kept in gc.garbage instead
    try:
        del doc
        gc.collect()
        broken = sorted({type(o).__name__ for o in gc.garbage if isinstance(o, (DesignDocument, DocCommand))})
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert broken == []
