"""Opening a large design without long pauses: what was done in one go is done in slices, or
on another thread, and ends in the same state as before.

- the overview (zoomed-out batches) is rebuilt in slices after a large build, and equals the
  batches built at once; any edit meanwhile cancels it (the next paint rebuilds at once);
- the minimap's timed refresh gathers its geometry in slices and paints the same picture as
  a refresh at once;
- collections: none while the live check runs on its worker; a full one waits a moment after
  a pause ends, and for the heap to have grown by a quarter since the last full one.
"""

from __future__ import annotations

import gc
import threading

import pytest
from PySide6.QtCore import QPointF, QTimer

from app.ui import gc_pause
from app.ui.canvas import CanvasView
from app.ui.canvas.overview import Overview
from app.ui.document import DesignDocument
from tests.factories import large_design
from tests.ui.canvas_support import streamed_view


@pytest.fixture
def big_design(catalog):
    return large_design(catalog, 700, 1000)


def _streamed(qtbot, design) -> CanvasView:
    return streamed_view(qtbot, design)


def _batches(overview: Overview) -> tuple[object, ...]:
    cards = {color: sorted(r.getRect() for r in rects) for color, rects in overview._cards.items()}
    cells = overview._cells.cells
    links = {(at, key): path.elementCount() for at, cell in cells.items() for key, path in cell.links.items()}
    arrows = {(at, key): p.elementCount() for at, cell in cells.items() for key, p in cell.arrows.items()}
    cells_cards = {
        at: {c: sorted(r.getRect() for r in rs) for c, rs in cell.cards.items()} for at, cell in cells.items()
    }
    bounds = {at: cell.bounds.getRect() for at, cell in cells.items()}
    stacked = [(r.getRect(), color) for r, color in overview._stacked]
    return cards, links, arrows, cells_cards, bounds, stacked, overview._link_count


def test_the_overview_is_rebuilt_in_slices_after_a_large_build_as_at_once(qtbot, big_design):
    view = _streamed(qtbot, big_design)
    scene = view.design_scene
    overview = scene.overview
    with qtbot.waitSignal(scene.builder.finished, timeout=60000):
        pass
    assert overview.slicing() and overview.dirty  # not rebuilt in the builder's last slice
    qtbot.waitUntil(lambda: not overview.slicing(), timeout=10000)
    assert not overview.dirty
    sliced = _batches(overview)
    assert sum(len(rects) for rects in sliced[0].values()) + len(sliced[5]) == 700
    overview._build()
    assert _batches(overview) == sliced


def test_an_edit_cancels_the_overview_slices_and_the_next_paint_rebuilds_at_once(qtbot, big_design):
    view = _streamed(qtbot, big_design)
    scene = view.design_scene
    with qtbot.waitSignal(scene.builder.finished, timeout=60000):
        pass
    assert scene.overview.slicing()
    first = big_design.components[0].id
    scene.component_item(first).setPos(QPointF(-5000, -5000))  # dragged
    assert not scene.overview.slicing() and scene.overview.dirty
    view.set_zoom(0.05)  # zoomed out: the overview paints, rebuilt at once
    view.viewport().grab()
    assert not scene.overview.dirty
    cards = [r.getRect() for rects in scene.overview._cards.values() for r in rects]
    cards += [r.getRect() for r, _ in scene.overview._stacked]
    assert any(x == -5000 and y == -5000 for x, y, _w, _h in cards)


def test_the_minimaps_refresh_in_slices_paints_what_a_refresh_at_once_paints(qtbot, big_design):
    view = _streamed(qtbot, big_design)
    scene = view.design_scene
    scene.builder.finish_now()
    minimap = view.minimap
    minimap.show()
    minimap.refresh()
    at_once = minimap._pixmap.toImage()
    scene.component_item(big_design.components[0].id).setPos(QPointF(-3000, 2000))
    minimap.refresh()
    moved = minimap._pixmap.toImage()
    assert moved != at_once  # the picture follows the cards
    minimap.schedule_refresh()
    qtbot.waitUntil(lambda: minimap._steps is None and not minimap._dirty, timeout=10000)
    assert minimap._pixmap.toImage() == moved


def test_no_collection_runs_while_the_live_check_runs_on_its_worker(windows, builder, monkeypatch):
    from app.rules.engine import RuleEngine

    go_on = threading.Event()

    class HeldEngine(RuleEngine):
        def check(self):  # type: ignore[no-untyped-def]
            go_on.wait(10)
            return super().check()

    monkeypatch.setattr("app.ui.live_check.RuleEngine", HeldEngine)
    builder.add("model", "Ranker", id="ranker")
    window = windows(document=DesignDocument(), restore_layout=False)
    window.persist_settings = False
    window.load_design(builder.design, None)
    assert window.checker.busy()
    assert not gc_pause.collecting()  # the worker is checking
    go_on.set()
    assert window.checker.wait()
    assert gc_pause.collecting()  # the pause ended with the check
    assert window.checker.result.findings == window.document.engine.check().findings


def test_a_full_collection_waits_after_a_pause_and_for_the_heap_to_grow(monkeypatch):
    collector = gc_pause._collector
    assert collector is not None
    with gc_pause.paused():
        pass
    assert not collector._full_due()  # a pause has just ended
    monkeypatch.setattr(gc_pause, "_released_at", float("-inf"))
    blocks = 1_000_000
    monkeypatch.setattr(collector, "_blocks_after_full", blocks)
    monkeypatch.setattr(gc_pause.sys, "getallocatedblocks", lambda: blocks + blocks // 8)
    assert not collector._full_due()  # grown by an eighth only
    for _ in range(gc.get_threshold()[2] + 1):
        gc.collect(1)  # generation 2's count over its threshold
    junk = [[n] for n in range(2 * gc.get_threshold()[0])]
    assert gc.get_count()[2] > gc.get_threshold()[2]
    assert collector.collect_if_due() == 1  # a younger collection instead
    monkeypatch.setattr(gc_pause.sys, "getallocatedblocks", lambda: blocks + blocks // 3)
    assert collector._full_due()
    junk += [[n] for n in range(2 * gc.get_threshold()[0])]
    assert collector.collect_if_due() == 2
    del junk


def test_a_large_designs_decisions_are_listed_a_turn_later(windows, qtbot, monkeypatch):
    from app.templates import design_from_template_file, list_templates

    monkeypatch.setattr("app.ui.decisions_panel.DEFER_MIN", 10)
    window = windows(document=DesignDocument(), restore_layout=False)
    window.persist_settings = False
    design = design_from_template_file(list_templates()[0].path)
    assert len(design.components) >= 10 and design.decisions
    window.load_design(design, None)
    panel = window.decisions
    assert panel.tree.topLevelItemCount() == 0  # not in the turn that opened it
    qtbot.waitUntil(lambda: panel.tree.topLevelItemCount() > 0, timeout=5000)
    listed = panel.tree.topLevelItemCount()
    monkeypatch.setattr("app.ui.decisions_panel.DEFER_MIN", 10**6)
    window.load_design(design.model_copy(deep=True), None)
    assert panel.tree.topLevelItemCount() == listed  # at once


def test_a_large_result_is_listed_a_turn_after_the_badges(windows, qtbot, monkeypatch):
    from tests.ui.test_screenshot_open import _copies

    window = windows(document=DesignDocument(), restore_layout=False)
    window.persist_settings = False
    window.load_design(_copies(4), None)
    assert window.checker.wait()
    panel = window.findings
    listed = len(panel.finding_items())
    assert listed == len(window.checker.result.findings) > 2
    monkeypatch.setattr("app.ui.findings_panel.DEFER_FINDINGS", 2)
    window.document.set_component_field(window.document.design.components[0].id, "name", "Renamed")
    result = window.checker.check_now()
    assert window.canvas.design_scene.badges()  # the badges in this turn
    assert panel.result is not result  # the list on the next
    qtbot.waitUntil(lambda: panel.result is result, timeout=5000)
    assert len(panel.finding_items()) == len(result.findings)
    monkeypatch.setattr("app.ui.findings_panel.DEFER_FINDINGS", 10**6)
    result = window.checker.check_now()
    assert panel.result is result  # at once


def test_badges_of_a_large_check_reach_the_cards_in_slices(qtbot, monkeypatch):
    from app.rules.engine import RuleEngine
    from tests.ui.test_screenshot_open import _copies

    monkeypatch.setattr("app.ui.canvas.badges.BADGE_SLICE", 8)
    design = _copies(4)
    view = _streamed(qtbot, design)
    scene = view.design_scene
    scene.builder.finish_now()
    result = RuleEngine(scene.document.design, scene.document.catalog).check()
    scene.set_check_result(result)
    expected = scene.badges()
    assert len(expected) > 16  # more than two slices' worth
    shown = {item.component_id: item.badge() for item in scene.component_items() if item.badge()}
    assert 0 < len(shown) <= 8 and scene.badges_pending()  # the first slice only
    qtbot.waitUntil(lambda: not scene.badges_pending(), timeout=5000)
    assert {item.component_id: item.badge() for item in scene.component_items() if item.badge()} == expected
    scene.set_check_result(None)  # every badge goes, in slices too
    scene.finish_badges()  # or at once, for a caller that needs them
    assert not scene.badges_pending()
    assert not any(item.badge() for item in scene.component_items())


def test_a_large_design_is_checked_once_its_overview_and_minimap_are_gathered(windows, qtbot, big_design):
    """The worker's check of a large design starts after the build and the overview's and the
    minimap's slices (the worker would slow them: each call into Qt lets go of the interpreter),
    and its findings are then shown as usual."""
    window = windows(document=DesignDocument(), restore_layout=False)
    window.persist_settings = False
    window.canvas.set_minimap_visible(True)
    seen: list[tuple[bool, bool]] = []  # (checking, settling) at every turn of the event loop
    ticker = QTimer(window)
    ticker.setInterval(0)
    ticker.timeout.connect(lambda: seen.append((window.checker.busy(), window._settling())))
    ticker.start()
    window.load_design(big_design, None)
    assert window.canvas.design_scene.is_building()
    qtbot.waitUntil(lambda: not window.checker.pending(), timeout=60000)
    ticker.stop()
    assert (True, True) not in seen  # never checking while the design is still being drawn
    assert (False, True) in seen and (True, False) in seen  # it was drawn, then checked
    assert window.checker.result is not None
    qtbot.waitUntil(lambda: window.findings.result is window.checker.result, timeout=5000)


def test_a_large_file_given_at_start_is_read_once_the_window_has_painted(
    windows, qtbot, tmp_path, monkeypatch
):
    """`mlsd big.mlsd`: the window paints its first frame before the worker starts reading the
    file (both would share the interpreter); it counts as loading from the start. A small file
    opens at once."""
    from app.persistence import save_design
    from app.ui import file_actions
    from tests.ui.test_screenshot_open import _copies

    path = tmp_path / "big.mlsd"
    save_design(_copies(2), path)
    monkeypatch.setattr(file_actions, "LARGE_FILE_BYTES", path.stat().st_size - 1)
    window = windows(document=DesignDocument(), restore_layout=False)
    window.persist_settings = False
    started: list[bool] = []
    monkeypatch.setattr(window.files, "_open_in_background", lambda p, size: started.append(True))
    window.files.open_after_first_frame(path)
    assert window.files.is_loading() and not started  # loading, not reading yet
    window.canvas.viewport().repaint()
    qtbot.waitUntil(lambda: bool(started), timeout=5000)  # read right after the frame
    small = tmp_path / "small.mlsd"
    save_design(_copies(1), small)
    other = windows(document=DesignDocument(), restore_layout=False)
    other.persist_settings = False
    other.files.open_after_first_frame(small)
    assert not other.files.is_loading() and other.document.path == small  # at once
