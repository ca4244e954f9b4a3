"""Random edits through the document and canvas API: undo-all and redo-all are exact."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QCoreApplication, QEvent

from app.domain import decision_ops, ops
from app.domain.catalog import PropertySpec, default_catalog
from app.domain.errors import DesignError, InvalidLinkError
from app.domain.model import DECISION_STATUSES, Decision, DecisionOption
from app.domain.safe_text import clean_text
from app.persistence import design_to_bytes
from app.ui.canvas import CanvasView
from app.ui.document import DesignDocument
from tests.factories import large_design

STEPS = 200
CATALOG = default_catalog()
KINDS = sorted(CATALOG.kinds)
ACTIONS = (
    "add",
    "add",
    "connect",
    "connect",
    "move",
    "nudge",
    "align",
    "delete",
    "paste",
    "duplicate",
    "property",
    "field",
    "link_field",
    "accept",
    "decide",
    "edit_decision",
    "supersede",
    "delete_decision",
    "meta_list",
)
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


def _value(data, spec: PropertySpec):
    if data.draw(st.integers(0, 5), label="unset") == 0:
        return None
    low = spec.minimum if spec.minimum is not None else -1e6
    high = spec.maximum if spec.maximum is not None else 1e6
    if spec.type == "enum":
        return data.draw(st.sampled_from(spec.values))
    if spec.type == "set":
        return data.draw(st.lists(st.sampled_from(spec.values), unique=True, max_size=3))
    if spec.type == "bool":
        return data.draw(st.booleans())
    if spec.type == "int":
        return data.draw(st.integers(int(low), int(min(high, 10**6))))
    if spec.type == "float":
        return data.draw(st.floats(low, high, allow_nan=False, allow_infinity=False))
    if spec.type == "list":
        return data.draw(st.lists(TEXT, max_size=3))
    return data.draw(TEXT)


def _some(data, ids: list[str], max_size: int = 4) -> list[str]:
    if not ids:
        return []
    return data.draw(st.lists(st.sampled_from(ids), unique=True, min_size=1, max_size=max_size))


def _edit(data, doc: DesignDocument, view: CanvasView) -> None:
    ids = [c.id for c in doc.design.components]
    link_ids = [lk.id for lk in doc.design.links]
    action = data.draw(st.sampled_from(ACTIONS), label="action")
    coord = st.integers(-2000, 4000)
    if action == "add" or not ids:
        doc.add_component(data.draw(st.sampled_from(KINDS)), data.draw(coord), data.draw(coord))
    elif action == "connect" and len(ids) >= 2:
        source, target = data.draw(st.sampled_from(ids)), data.draw(st.sampled_from(ids))
        try:
            doc.connect(source, target)
        except InvalidLinkError:
            pass
    elif action == "move":
        doc.move_components({cid: (data.draw(coord), data.draw(coord)) for cid in _some(data, ids)})
    elif action == "nudge":
        view.select_components(_some(data, ids))
        view.nudge_selection(data.draw(st.integers(-40, 40)), data.draw(st.integers(-40, 40)))
    elif action == "align":
        view.select_components(_some(data, ids))
        if data.draw(st.booleans()):
            view.align(data.draw(st.sampled_from(("left", "right", "top", "bottom", "hcenter", "vcenter"))))
        else:
            view.distribute(data.draw(st.sampled_from(("horizontal", "vertical"))))
    elif action == "delete":
        view.select_components(_some(data, ids, 2), _some(data, link_ids, 2))
        view.delete_selection()
    elif action == "paste":
        view.select_components(_some(data, ids))
        if view.copy_selection():
            view.paste()
    elif action == "duplicate":
        view.select_components(_some(data, ids))
        view.duplicate_selection()
    elif action == "property":
        cid = data.draw(st.sampled_from(ids))
        spec = CATALOG.kind(doc.component(cid).kind)
        if spec.properties:
            prop = data.draw(st.sampled_from(spec.properties))
            doc.set_property(cid, prop.name, _value(data, prop))
    elif action == "field":
        field = data.draw(st.sampled_from(("name", "technology", "notes")))
        before = doc.undo_stack.count()
        try:
            doc.set_component_field(data.draw(st.sampled_from(ids)), field, data.draw(TEXT))
        except DesignError:  # a blank name is refused
            assert field == "name" and doc.undo_stack.count() == before
    elif action == "link_field" and link_ids:
        doc.set_link_fields(
            data.draw(st.sampled_from(link_ids)),
            flow=data.draw(st.sampled_from(("data", "label", "feature", "prediction", "watch"))),
            feedback=data.draw(st.booleans()),
            label=data.draw(TEXT),
        )
    elif action in ("decide", "edit_decision", "supersede", "delete_decision", "meta_list"):
        _edit_decisions(data, doc, action, ids)
    elif action == "accept":
        rule = f"R{data.draw(st.integers(1, 45))}"
        rationale = data.draw(TEXT)  # the document drops control characters (app/domain/safe_text.py)
        doc.accept_finding(rule, _some(data, ids, 2), rationale if clean_text(rationale).strip() else "ok")


def _decision(data, doc: DesignDocument, ids: list[str], supersedes: str = "") -> Decision:
    """A design decision with options, or a refused one now and then (no title, unknown choice)."""
    names = data.draw(st.lists(TEXT.filter(str.strip), unique=True, max_size=3), label="options")
    options = [DecisionOption(name=n, pros=data.draw(st.lists(TEXT, max_size=2)), cons=[]) for n in names]
    return Decision(
        id=ops.new_decision_id(doc.design),
        title=data.draw(TEXT),
        status=data.draw(st.sampled_from(DECISION_STATUSES)),
        options=options,
        chosen=data.draw(st.sampled_from(["", "no such option", *names])),
        consequences=data.draw(TEXT),
        components=_some(data, ids, 2),
        supersedes=supersedes,
        date="2026-12-06",
    )


def _edit_decisions(data, doc: DesignDocument, action: str, ids: list[str]) -> None:
    """Decision records through the document; a refused edit must leave no undo step."""
    decision_ids = [d.id for d in doc.design.decisions]
    before = doc.undo_stack.count()
    try:
        if action == "decide":
            later = data.draw(st.sampled_from(["", *decision_ids]), label="supersedes")
            doc.add_decision(_decision(data, doc, ids, later))
        elif action == "edit_decision" and decision_ids:
            current = decision_ops.get_decision(doc.design, data.draw(st.sampled_from(decision_ids)))
            names = [o.name for o in current.options]
            doc.update_decision(
                current.model_copy(
                    update={
                        "status": data.draw(st.sampled_from(DECISION_STATUSES)),
                        "chosen": data.draw(st.sampled_from(["", *names])),
                        "components": _some(data, ids, 2),
                    },
                    deep=True,
                )
            )
        elif action == "supersede" and decision_ids:
            old = data.draw(st.sampled_from(decision_ids))
            doc.supersede_decision(old, _decision(data, doc, ids, old))
        elif action == "delete_decision" and decision_ids:
            doc.remove_decision(data.draw(st.sampled_from(decision_ids)))
        elif action == "meta_list":
            field = data.draw(st.sampled_from(("goals", "non_goals", "assumptions")))
            doc.set_meta_list(field, data.draw(st.lists(TEXT, max_size=3)))
    except DesignError:
        assert doc.undo_stack.count() == before


def _assert_scene_mirrors(doc: DesignDocument, view: CanvasView) -> None:
    scene = view.design_scene
    scene.flush_link_updates()
    assert {i.component_id for i in scene.component_items()} == {c.id for c in doc.design.components}
    assert {i.link_id for i in scene.link_items()} == {lk.id for lk in doc.design.links}
    for component in doc.design.components:
        pos = scene.component_item(component.id).pos()
        assert (pos.x(), pos.y()) == (component.position.x, component.position.y)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(data=st.data(), size=st.integers(0, 6))
def test_undo_all_restores_the_original_and_redo_all_the_final_design(qapp, data, size):
    design = large_design(CATALOG, size, max(0, size - 1)) if size >= 2 else None
    doc = DesignDocument(design)
    view = CanvasView(doc)
    view.resize(800, 600)
    try:
        original = design_to_bytes(doc.design)
        for _ in range(STEPS):
            _edit(data, doc, view)
        final = design_to_bytes(doc.design)
        _assert_scene_mirrors(doc, view)
        while doc.undo_stack.canUndo():
            doc.undo_stack.undo()
        assert design_to_bytes(doc.design) == original
        _assert_scene_mirrors(doc, view)
        while doc.undo_stack.canRedo():
            doc.undo_stack.redo()
        assert design_to_bytes(doc.design) == final
        _assert_scene_mirrors(doc, view)
    finally:
        view.close()
        view.deleteLater()
        doc.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
