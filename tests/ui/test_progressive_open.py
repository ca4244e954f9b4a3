"""Opening progressively: the check on a worker thread, the scene built in slices.

The checks here are about results, never about time: the worker's result equals the
synchronous check's, a result made for an older version of the document is never applied,
and a scene built in slices (with edits in the middle of it) equals one built in one go.
"""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QPointF

from app.domain.catalog import default_catalog
from app.rules.model import Hit, RuleSpec
from app.templates import design_from_template_file, list_templates
from app.ui import gc_pause
from app.ui.canvas import CanvasView
from app.ui.canvas.scene import DesignScene
from app.ui.document import DesignDocument
from tests.factories import large_design


def _templates_design():
    """Copies of every template side by side: real findings, decisions and overrides."""
    designs = [design_from_template_file(t.path) for t in list_templates()]
    merged = designs[0].model_copy(deep=True)
    for n, other in enumerate(designs[1:], start=1):
        prefix = f"t{n}_"
        for component in other.components:
            copy = component.model_copy(deep=True)
            copy.id = prefix + copy.id
            copy.position.x += 4000 * n
            merged.components.append(copy)
        for link in other.links:
            merged.links.append(
                link.model_copy(update={"id": prefix + link.id, "source": prefix + link.source,
                                        "target": prefix + link.target})
            )
    merged.invalidate_indexes()
    return merged


def _window(windows, design):
    window = windows(document=DesignDocument(), restore_layout=False)
    window.persist_settings = False
    window.load_design(design, None)
    return window


# ---- the check on a worker ----------------------------------------------------------------


def test_the_worker_result_equals_the_synchronous_check(windows):
    window = _window(windows, _templates_design())
    assert window.checker.wait()
    threaded = window.checker.result
    synchronous = window.document.engine.check()
    assert threaded is not None and threaded.findings  # the templates do have findings
    assert threaded.findings == synchronous.findings
    assert threaded.coverage == synchronous.coverage
    assert threaded.overrides_applied == synchronous.overrides_applied
    assert [r.id for r in threaded.rules_checked] == [r.id for r in synchronous.rules_checked]


def test_an_edit_is_checked_off_the_window_thread_and_its_findings_shown(windows, builder):
    seen_on: list[str] = []

    def names(context):
        seen_on.append(threading.current_thread().name)
        for component in context.design.components:
            yield Hit(f"{component.name} is here", components=(component.id,))

    builder.add("model", "Ranker", id="ranker")
    window = _window(windows, builder.design)
    window.document.engine.rules = [_spec(names)]
    window.checker.check_now()
    seen_on.clear()
    window.document.set_component_field("ranker", "name", "Re-ranker")
    assert window.checker.pending()
    assert window.checker.wait()
    assert seen_on and threading.main_thread().name not in seen_on
    assert [f.message for f in window.checker.result.findings] == ["Re-ranker is here"]
    panel_text = [
        window.findings.tree.topLevelItem(i).child(j).text(0)
        for i in range(window.findings.tree.topLevelItemCount())
        for j in range(window.findings.tree.topLevelItem(i).childCount())
    ]
    assert any("Re-ranker is here" in text for text in panel_text)


def _spec(check) -> RuleSpec:
    return RuleSpec(
        id="T90", title="Test rule", stage="serving", severity="warning", rationale="A test rule.",
        suggestion="None.", sources=("Test source",), check=check,
    )


def test_a_result_for_an_older_version_is_dropped_and_the_design_checked_again(windows, builder, qtbot):
    gate = threading.Event()
    entered = threading.Event()

    def count(context):
        if not gate.is_set():  # the first check waits, so that an edit lands while it runs
            entered.set()
            gate.wait(10)
        yield Hit(f"{len(context.design.components)} components")

    builder.add("model", "Ranker", id="ranker")
    window = _window(windows, builder.design)
    checker = window.checker
    assert checker.wait()  # the check of the opened design
    window.document.engine.rules = [_spec(count)]
    applied: list[list[str]] = []
    checker.result_ready.connect(lambda result: applied.append([f.message for f in result.findings]))
    window.document.add_component("data_source", 0, 0, "Events")  # version 1 of the edits
    checker.check_soon()
    assert entered.wait(10)
    stale_version = checker.version()
    window.document.add_component("data_source", 0, 300, "Clicks")  # while the worker runs
    assert checker.version() == stale_version + 1
    gate.set()
    qtbot.waitUntil(lambda: not checker.busy() or checker.result is not None, timeout=10000)
    assert checker.wait()
    assert "2 components" not in [m for messages in applied for m in messages]  # never applied
    assert checker.result.findings[0].message == "3 components"
    assert not checker.pending()


def test_check_now_stays_synchronous_and_a_late_worker_result_is_not_applied_twice(windows, builder, qtbot):
    builder.add("model", "Ranker", id="ranker")
    window = _window(windows, builder.design)
    checker = window.checker
    checker.wait()
    emitted: list[object] = []
    checker.result_ready.connect(emitted.append)
    window.document.set_component_field("ranker", "name", "Scorer")
    checker.check_soon()  # a worker starts for this version...
    result = checker.check_now()  # ...and the caller needs the result at once
    assert result is checker.result and not checker.pending()
    assert emitted == [result]
    qtbot.waitUntil(lambda: not checker.busy(), timeout=10000)
    assert emitted == [result]  # the worker's result for the same version is not published again


# ---- the scene built in slices ----------------------------------------------------------------


def _scene_state(scene: DesignScene) -> dict[str, object]:
    cards = {
        item.component_id: (item.pos().x(), item.pos().y(), item.zValue(), item.badge())
        for item in scene.component_items()
    }
    links = {}
    for link in scene.link_items():
        path = link.scene_path()
        points = (path.elementAt(i) for i in range(path.elementCount()))
        elements = [(round(p.x, 6), round(p.y, 6)) for p in points]
        links[link.link_id] = (
            link.source.component_id, link.target.component_id, link.src_side, link.tgt_side,
            link.src_port, link.tgt_port, elements, link._label_visible,
            (link._label_rect.x(), link._label_rect.y()) if link._label_visible else None,
        )
    return {
        "cards": cards,
        "card_order": [item.component_id for item in scene.component_items()],
        "links": links,
        "link_order": [link.link_id for link in scene.link_items()],
        "rect": scene.sceneRect().getRect(),
    }


def _views(qtbot, design, streamed: bool):
    document = DesignDocument(catalog=default_catalog())
    view = CanvasView(document)
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    view.design_scene.builder.threshold = 1 if streamed else 10**9
    document.reset(design.model_copy(deep=True))
    return document, view


@pytest.fixture
def big_design(catalog):
    return large_design(catalog, 700, 1000)


def test_a_scene_built_in_slices_equals_one_built_at_once(qtbot, big_design):
    _, whole = _views(qtbot, big_design, streamed=False)
    _, sliced = _views(qtbot, big_design, streamed=True)
    scene = sliced.design_scene
    assert scene.is_building()
    first = len(scene.component_items())
    assert first < len(big_design.components)  # nothing built before the event loop runs
    with qtbot.waitSignal(scene.builder.finished, timeout=60000):
        pass
    assert not scene.is_building()
    state, expected = _scene_state(scene), _scene_state(whole.design_scene)
    assert len(state["cards"]) == 700 and len(state["links"]) == 1000
    for key in expected:
        assert state[key] == expected[key], key


def test_cards_in_view_are_built_first(qtbot, big_design):
    _, view = _views(qtbot, big_design, streamed=True)
    view.centerOn(QPointF(12000, 450))  # the middle of the design, at 1:1
    scene = view.design_scene
    with qtbot.waitSignal(scene.builder.visible_ready, timeout=60000):
        pass
    visible = view.visible_scene_rect()
    in_view = [c.id for c in big_design.components if visible.contains(QPointF(c.position.x, c.position.y))]
    assert in_view
    assert all(scene.component_item(cid) is not None for cid in in_view)
    assert len(scene.component_items()) < len(big_design.components)  # the rest is still to come


def test_edits_while_the_scene_streams_in_are_safe(qtbot, big_design):
    document, view = _views(qtbot, big_design, streamed=True)
    scene = view.design_scene
    qtbot.waitUntil(lambda: scene.builder.visible_done, timeout=60000)
    assert scene.is_building()
    unbuilt = [c.id for c in document.design.components if scene.component_item(c.id) is None]
    linked = {lk.source for lk in document.design.links} | {lk.target for lk in document.design.links}
    gone, moved = [cid for cid in unbuilt if cid in linked][:2]
    built = next(item.component_id for item in scene.component_items())
    document.move_components({moved: (-900.0, -900.0)})  # a card not built yet moves
    document.remove_items([gone])  # a card not built yet, and its links
    assert scene.component_item(gone) is None
    document.remove_items([built])  # a card already there
    assert scene.component_item(built) is None
    document.undo_stack.undo()  # the built card and its links come back
    document.undo_stack.undo()  # and the card deleted before it was built, with its links
    assert scene.component_item(gone) is not None and scene.is_building()
    with qtbot.waitSignal(scene.builder.finished, timeout=60000):
        pass
    assert scene.component_item(moved).pos() == QPointF(-900.0, -900.0)
    final = document.design.model_copy(deep=True)
    _, whole = _views(qtbot, final, streamed=False)
    state, expected = _scene_state(scene), _scene_state(whole.design_scene)
    assert set(state["cards"]) == {c.id for c in final.components}
    assert set(state["links"]) == {lk.id for lk in final.links}
    for cid, (x, y, _z, badge) in expected["cards"].items():  # restored cards are raised: z differs
        assert state["cards"][cid][:2] == (x, y) and state["cards"][cid][3] == badge
    for lid, geometry in expected["links"].items():
        assert state["links"][lid] == geometry, lid  # ends, sides, ports, route and label
    assert state["card_order"] == expected["card_order"] and state["link_order"] == expected["link_order"]


def test_opening_a_new_design_while_the_last_one_streams_in_starts_over(qtbot, big_design, catalog):
    document, view = _views(qtbot, big_design, streamed=True)
    scene = view.design_scene
    other = large_design(catalog, 450, 500, seed=3)
    document.reset(other.model_copy(deep=True))
    with qtbot.waitSignal(scene.builder.finished, timeout=60000):
        pass
    _, whole = _views(qtbot, other, streamed=False)
    assert _scene_state(scene) == _scene_state(whole.design_scene)


def test_the_window_waits_for_the_whole_scene_and_the_findings(windows, monkeypatch):
    monkeypatch.setattr("app.ui.canvas.progressive.STREAM_MIN", 1)
    design = _templates_design()
    window = windows(document=DesignDocument(), restore_layout=False)
    window.persist_settings = False
    assert window.canvas.design_scene.builder.threshold == 1
    window.load_design(design, None)
    assert window.is_opening()
    assert window.finish_opening()
    assert not window.is_opening()
    scene = window.canvas.design_scene
    assert {item.component_id for item in scene.component_items()} == {c.id for c in design.components}
    assert window.checker.result.findings == window.document.engine.check().findings
    expected = {cid for f in window.checker.result.findings if not f.accepted for cid in f.components}
    assert set(scene.badges()) == expected  # the badges of the findings are on the cards


def test_select_all_and_export_while_streaming_take_every_card(qtbot, big_design):
    from app.ui.canvas.image_export import export_rect

    document, view = _views(qtbot, big_design, streamed=True)
    scene = view.design_scene
    assert scene.is_building()
    view.select_all()  # finishes the build first: nothing is left out
    assert not scene.is_building()
    assert set(view.selected_component_ids()) == {c.id for c in big_design.components}
    _, view2 = _views(qtbot, big_design, streamed=True)
    rect = export_rect(view2.design_scene)  # what a PNG or SVG export of the canvas shows
    assert not view2.design_scene.is_building()
    _, whole = _views(qtbot, big_design, streamed=False)
    assert rect == whole.design_scene.itemsBoundingRect().adjusted(-40, -40, 40, 40)


def test_a_hidden_estimates_tab_is_brought_up_to_date_when_shown(windows, qtbot):
    window = windows(document=DesignDocument(), restore_layout=False)
    window.persist_settings = False
    window.findings_dock.raise_()  # the Estimates tab is behind Findings, as at start
    qtbot.waitUntil(lambda: window.estimates.visibleRegion().isEmpty())
    design = _templates_design()
    window.load_design(design, None)
    panel = window.estimates
    qtbot.wait(400)  # past the panel's debounce
    assert panel.pending() and panel.estimate.totals.get("monthly_cost", 0) == 0  # not computed yet
    window.estimates_dock.raise_()
    qtbot.waitUntil(lambda: not panel.pending())
    assert panel.estimate.totals["monthly_cost"] > 0


def test_collections_resume_when_a_view_is_destroyed_mid_build(qtbot, big_design):
    from PySide6.QtCore import QCoreApplication, QEvent

    assert gc_pause.collecting()
    view = CanvasView(DesignDocument())  # not handed to qtbot: this test deletes it
    view.design_scene.builder.threshold = 1
    view.document.reset(big_design.model_copy(deep=True))
    assert view.design_scene.is_building() and not gc_pause.collecting()  # paused while building
    view.close()
    view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert gc_pause.collecting()


def test_a_large_design_is_checked_once_built_and_a_small_one_opened_meanwhile_at_once(windows, monkeypatch):
    monkeypatch.setattr("app.ui.canvas.progressive.STREAM_MIN", 50)
    window = windows(document=DesignDocument(), restore_layout=False)
    window.persist_settings = False
    window.load_design(_templates_design(), None)
    assert window.canvas.design_scene.is_building() and not window.checker.busy()  # not yet
    small = design_from_template_file(list_templates()[0].path)
    assert len(small.components) < 50
    window.load_design(small, None)  # the large build stops: nothing holds the check back
    assert not window.canvas.design_scene.is_building()
    assert window.checker.busy()
    assert window.checker.wait()
    assert window.checker.result.findings == window.document.engine.check().findings
