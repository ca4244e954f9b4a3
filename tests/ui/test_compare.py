"""Compare mode: the overlay marks what changed, the list steps and selects, the document
is never touched, and leaving compare mode restores the scene exactly."""

from __future__ import annotations

import warnings

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication

from app.domain import ops
from app.domain.model import Design, Position
from app.persistence import design_to_bytes, save_design
from app.ui.canvas import ComponentItem
from app.ui.compare import overlay, source_dialog
from app.ui.compare.revisions import Revision
from app.ui.document import DesignDocument


def versions(builder, catalog) -> tuple[Design, Design]:
    """OLD and NEW: NEW adds a cache (and a link to it), removes the monitor (and its link),
    changes the ranker's latency and the flow of the events -> features link."""
    events = builder.add("data_source", "Events", id="events")
    features = builder.add("feature_pipeline", "Features", id="features")
    ranker = builder.add("model", "Ranker", id="ranker", p99_latency_ms=50)
    monitor = builder.add("monitor", "Monitor", id="monitor")
    builder.link(events, features)
    builder.link(features, ranker)
    builder.link(ranker, monitor)
    old = builder.design.model_copy(deep=True)
    new = builder.design
    ops.remove_component(new, monitor)
    ops.set_property(new, catalog, ranker, "p99_latency_ms", 80)
    first = ops.find_link(new, events, features)
    assert first is not None
    ops.set_link_fields(new, first.id, label="clicks")
    cache = ops.make_component(new, catalog, "cache", 0, 0, "Cache")
    cache.id = "cache"
    cache.position = Position(x=660.0, y=200.0)
    ops.add_component(new, catalog, cache)
    cache_link = ops.make_link(new, catalog, ranker, "cache")
    cache_link.id = "to_cache"  # not the removed link's id, which would make it a retarget
    ops.add_link(new, cache_link)
    return old, new


def activate(window) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        QApplication.setActiveWindow(window)
    assert window.isActiveWindow()


def link_id(design: Design, source: str, target: str) -> str:
    link = ops.find_link(design, source, target)
    assert link is not None
    return link.id


def scene_state(window) -> list[tuple]:
    """Everything the scene holds, by type, position, effect and children."""
    state = []
    for item in window.canvas.design_scene.items():
        effect = item.graphicsEffect() if hasattr(item, "graphicsEffect") else None
        state.append(
            (
                type(item).__name__,
                round(item.pos().x(), 1),
                round(item.pos().y(), 1),
                effect is not None,
                len(item.childItems()),
            )
        )
    return sorted(state)


def pixels_near_middle(scene, link: str, wanted) -> bool:
    """Whether a 16x16 render around the middle of a link (away from cards) has such a pixel."""
    middle = scene.link_item(link).scene_path().pointAtPercent(0.5)
    image = QImage(16, 16, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    scene.render(painter, source=QRectF(middle.x() - 8, middle.y() - 8, 16, 16))
    painter.end()
    return any(wanted(QColor(image.pixel(x, y))) for x in range(16) for y in range(16))


def open_compare(windows, builder, catalog):
    old, new = versions(builder, catalog)
    window = windows(document=DesignDocument(new))
    window.canvas.design_scene.flush_link_updates()
    before = scene_state(window)
    saved = design_to_bytes(window.document.design)
    window.compare.start(old, "old.mlsd")
    return window, old, new, before, saved


def test_overlay_marks_added_removed_and_changed_items(windows, builder, catalog):
    window, old, new, _before, _saved = open_compare(windows, builder, catalog)
    marks = window.compare.marks()
    scene = window.canvas.design_scene

    cache_mark = marks[("component", "cache")]
    assert isinstance(cache_mark, overlay.CardMark) and cache_mark.action == "added"
    assert cache_mark.parentItem() is scene.component_item("cache")
    ranker_mark = marks[("component", "ranker")]
    assert isinstance(ranker_mark, overlay.CardMark) and ranker_mark.action == "changed"
    ghost = marks[("component", "monitor")]
    assert isinstance(ghost, overlay.GhostCard) and ghost.scene() is scene
    monitor = old.component_by_id()["monitor"]
    assert (ghost.pos().x(), ghost.pos().y()) == (monitor.position.x, monitor.position.y)
    assert scene.component_item("monitor") is None  # a ghost, not a card of the document
    assert not any(isinstance(i, ComponentItem) and i.component_id == "monitor" for i in scene.items())

    added_link = link_id(new, "ranker", "cache")
    changed_link = link_id(new, "events", "features")
    removed_link = link_id(old, "ranker", "monitor")
    assert marks[("link", added_link)].action == "added"
    assert scene.link_item(added_link).graphicsEffect() is marks[("link", added_link)]
    assert marks[("link", changed_link)].action == "changed"
    assert isinstance(marks[("link", removed_link)], overlay.GhostLink)
    unchanged = [
        ("component", "events"),
        ("component", "features"),
        ("link", link_id(new, "features", "ranker")),
    ]
    assert not any(key in marks for key in unchanged)

    # the ghosts are drawn: red pixels where the removed card was, in a render of the scene
    rect = ghost.card_rect()
    image = QImage(int(rect.width()) + 20, int(rect.height()) + 20, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    scene.render(painter, source=rect.adjusted(-10, -10, 10, 10))
    painter.end()
    edge = [QColor(image.pixel(10, y)) for y in range(10, int(rect.height()) + 10)]  # left border
    assert sum(c.red() > 150 and c.green() < 110 for c in edge) > rect.height() / 3

    # a changed link has an amber halo along it (its LinkMark effect)
    assert pixels_near_middle(
        scene, changed_link, lambda c: c.red() > 180 and 60 < c.green() < 200 and c.blue() < 120
    )

    # zoomed out the scene batches links (their effects are not drawn): the halos still show
    window.canvas.set_zoom(0.2)
    assert scene.overview_active
    assert pixels_near_middle(
        scene, added_link, lambda c: c.green() > c.red() + 40 and c.green() > c.blue() + 40
    )


def test_change_list_steps_selects_and_centres(windows, builder, catalog):
    window, old, new, _before, _saved = open_compare(windows, builder, catalog)
    panel = window.compare.panel
    entries = panel.entries()
    texts = [e.display for e in entries]
    assert any("Cache" in t and t.startswith("+") for t in texts), texts
    assert any("Monitor" in t and t.startswith("−") for t in texts), texts
    assert any("80" in t and t.startswith("~") for t in texts), texts
    assert panel.list.count() == len(entries)

    rows = {(e.target, e.id): n for n, e in enumerate(entries)}
    panel.list.setCurrentRow(rows[("component", "cache")])
    assert window.canvas.selected_component_ids() == ["cache"]
    centre = window.compare.current_point()
    assert window.canvas.design_scene.component_item("cache").sceneBoundingRect().contains(centre)
    assert window.compare.marks()[("component", "cache")].current

    # Next walks the list in order and wraps around; each step selects its item
    seen = []
    for _ in range(len(entries)):
        window.compare.actions["next"].trigger()
        seen.append(panel.current_row())
    assert sorted(seen) == list(range(len(entries)))
    window.compare.actions["previous"].trigger()
    assert panel.current_row() == (seen[-1] - 1) % len(entries)

    changed_link = link_id(new, "events", "features")
    panel.list.setCurrentRow(rows[("link", changed_link)])
    assert window.canvas.selected_link_ids() == [changed_link]
    assert window.canvas.selected_component_ids() == []

    panel.list.setCurrentRow(rows[("component", "monitor")])
    ghost = window.compare.marks()[("component", "monitor")]
    assert ghost.current and not window.compare.marks()[("component", "cache")].current
    assert window.canvas.selected_component_ids() == []
    assert ghost.card_rect().contains(window.compare.current_point())

    # a finding's row selects the cards it names; one about the removed card centres its ghost
    panel.list.setCurrentRow(rows[("link", changed_link)])
    about_monitor = next(
        n for n, e in enumerate(entries) if e.target == "finding" and "monitor" in e.components
    )
    assert entries[about_monitor].action == "resolved"
    panel.list.setCurrentRow(about_monitor)
    assert window.canvas.selected_component_ids() == []
    assert ghost.card_rect().contains(window.compare.current_point())
    assert window.statusBar().currentMessage() == entries[about_monitor].text


def test_compare_never_modifies_the_document_and_leaving_restores_the_scene(windows, builder, catalog, qtbot):
    window, old, new, before, saved = open_compare(windows, builder, catalog)
    doc = window.document
    assert window.compare.is_active()
    assert scene_state(window) != before  # marks and ghosts are shown
    window.compare.actions["next"].trigger()
    window.compare.set_positions(True)
    assert doc.undo_stack.count() == 0 and not doc.is_modified() and not window.isWindowModified()
    assert design_to_bytes(doc.design) == saved

    activate(window)  # window shortcuts need the active window (offscreen has none by itself)
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)  # Esc leaves compare mode
    assert not window.compare.is_active()
    assert window.compare.marks() == {}
    assert window.compare.dock.isHidden()
    assert scene_state(window) == before
    assert not any(
        isinstance(i, (overlay.GhostCard, overlay.GhostLink)) for i in window.canvas.design_scene.items()
    )
    assert all(i.graphicsEffect() is None for i in window.canvas.design_scene.link_items())
    assert doc.undo_stack.count() == 0 and not doc.is_modified()
    assert design_to_bytes(doc.design) == saved
    assert not window.compare.actions["leave"].isEnabled()  # Esc reaches the canvas again

    window.compare.start(old, "old.mlsd")  # the Close button leaves too
    window.compare.panel.close_button.click()
    assert not window.compare.is_active() and scene_state(window) == before

    window.compare.start(old, "old.mlsd")  # so does closing the Changes panel
    window.compare.dock.close()
    assert not window.compare.is_active() and scene_state(window) == before
    window.compare.start(old, "old.mlsd")  # switching to the Findings tab does not
    window.findings_dock.raise_()
    assert window.compare.is_active() and window.compare.marks()


def test_edits_while_comparing_are_followed_and_opening_another_design_leaves(
    windows, builder, catalog, qtbot
):
    window, old, new, before, saved = open_compare(windows, builder, catalog)
    panel = window.compare.panel
    panel.list.setCurrentRow(next(n for n, e in enumerate(panel.entries()) if e.id == "ranker"))
    window.document.set_component_field("events", "name", "Click events")
    qtbot.waitUntil(lambda: ("component", "events") in window.compare.marks(), timeout=2000)
    assert window.compare.marks()[("component", "events")].action == "changed"
    assert panel.entries()[panel.current_row()].id == "ranker"  # still the change looked at
    assert window.compare.marks()[("component", "ranker")].current
    assert window.document.undo_stack.count() == 1  # the user's edit; the comparison adds none
    window.document.remove_items(["cache"])
    qtbot.waitUntil(lambda: ("component", "cache") not in window.compare.marks(), timeout=2000)

    window.load_design(old.model_copy(deep=True), None)  # another design in this window
    assert not window.compare.is_active() and window.compare.marks() == {}


def test_marks_follow_the_theme(windows, builder, catalog, qtbot):
    from app.ui.theme import ThemeManager

    window, *_ = open_compare(windows, builder, catalog)
    panel = window.compare.panel
    added_row = next(n for n, e in enumerate(panel.entries()) if e.action == "added")
    try:
        for mode, expected in (("dark", overlay.DARK), ("light", overlay.LIGHT)):
            window.actions.theme[mode].trigger()
            qtbot.waitUntil(
                lambda e=expected: overlay.colors_for(window.canvas.design_scene) is e, timeout=2000
            )
            assert panel.list.item(added_row).foreground().color() == expected.added
    finally:
        ThemeManager.instance().set_mode("system")


def test_compare_with_a_file_from_the_menu(windows, builder, catalog, tmp_path, monkeypatch, fake_dialogs):
    old, new = versions(builder, catalog)
    old_path = tmp_path / "old.mlsd"
    save_design(old, old_path)
    window = windows(document=DesignDocument(new))
    asked = []

    def answer(parent, revisions, note, directory):
        asked.append((list(revisions), note))
        return ("file", str(old_path))

    monkeypatch.setattr(source_dialog, "ask_compare_source", answer)
    window.compare.actions["compare"].trigger()
    assert asked and asked[0][0] == [] and "Save the design" in asked[0][1]
    assert window.compare.is_active() and "old.mlsd" in window.compare.panel.title.text()

    bad = tmp_path / "bad.mlsd"
    bad.write_text("{ not json", encoding="utf-8")
    assert not window.compare.compare_file(bad)
    assert fake_dialogs.names()[-1] == "show_error" and "bad.mlsd" in fake_dialogs.args("show_error")[2]


def test_source_dialog_lists_revisions_and_returns_the_choice(qtbot):
    revisions = [
        Revision("a" * 40, "aaaaaaa", "2026-12-01", "Ann", "Raise SLO"),
        Revision("b" * 40, "bbbbbbb", "2026-11-30", "Bo", "First <b>version</b>"),
    ]
    dialog = source_dialog.CompareSourceDialog(revisions, "", "")
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 2 and "First <b>version</b>" in dialog.list.item(1).text()
    dialog.list.setCurrentRow(1)
    dialog.compare_button.click()
    assert dialog.choice == ("revision", "b" * 40)
    empty = source_dialog.CompareSourceDialog([], "design.mlsd is not inside a git repository", "")
    qtbot.addWidget(empty)
    assert not empty.compare_button.isVisibleTo(empty) and not empty.list.isVisibleTo(empty)


def test_esc_in_the_palette_search_clears_it_while_comparing(windows, builder, catalog, qtbot):
    """Seen under X: in compare mode Esc in the search (Ctrl+F) left compare mode and kept the
    text; the search takes Esc while it has text to clear, then Esc leaves compare mode."""
    window, *_rest = open_compare(windows, builder, catalog)
    activate(window)
    search = window.palette_panel.search
    window.actions.find.trigger()
    qtbot.waitUntil(search.hasFocus)
    qtbot.keyClicks(search, "feat")
    qtbot.keyClick(search, Qt.Key.Key_Escape)
    assert search.text() == "" and window.compare.is_active()
    qtbot.keyClick(search, Qt.Key.Key_Escape)
    assert not window.compare.is_active()
