"""Links drawn in batches (link_batches.py): a design's settled links are drawn by the view in
a few calls, not one paint per link. What the view shows must be what the links would paint
themselves, at every zoom, and any change (a move, an undo, a selection, a removal, a new link,
the theme) must show in the very next frame: a link taken out of the batches paints itself
and the area the batches drew it in is drawn again."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QGraphicsItem

from app.domain.catalog import default_catalog
from app.domain.model import Position
from app.ui.canvas import style as st
from app.ui.canvas.image_export import paint_image
from tests.factories import DesignBuilder
from tests.ui.canvas_support import dark_palette, frame, make_view

NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents
ZOOMS = (1.5, 1.0, 0.9, 0.7, 0.5, 0.35, 0.25)


def _design():
    """Four cards, two long parallel links (labels shown, nothing crossing) and a third link
    far away: in batches or each painting itself, the same pixels."""
    builder = DesignBuilder(default_catalog())
    kinds = list(builder.catalog.kinds)
    ids = [builder.add(kind, f"Card {n}") for n, kind in enumerate(kinds[:6])]
    places = [(0, 0), (700, 0), (0, 400), (700, 400), (2400, 0), (3000, 0)]
    by_id = {component.id: component for component in builder.design.components}
    for cid, (x, y) in zip(ids, places, strict=True):
        by_id[cid].position = Position(x=x, y=y)
    builder.link(ids[0], ids[1])
    builder.link(ids[2], ids[3], feedback=True)
    builder.link(ids[4], ids[5])
    return builder.design, ids


def _view(qtbot):
    design, ids = _design()
    doc, view = make_view(qtbot, design, size=(1000, 700))
    view.zoom_warmup.enabled = False
    batches = view.design_scene.link_batches
    batches.min_links = 0  # a design this small is never batched otherwise
    batches.absorb()
    view.centerOn(500, 250)
    return doc, view, ids


def _items_frame(view) -> QImage:
    """The view's frame with every link painting itself (the batches off meanwhile)."""
    batches = view.design_scene.link_batches
    batches.enabled = False
    batches.release_all()
    view.resetCachedContent()
    picture = frame(view)
    batches.enabled = True
    batches.absorb()
    view.resetCachedContent()
    return picture


def _batched(view) -> int:
    scene = view.design_scene
    links = scene.link_items()
    flagged = [link for link in links if link.flags() & NO_CONTENTS]
    assert len(flagged) == scene.link_batches.count()  # batched links, and only they, paint nothing
    return len(flagged)


def test_batched_links_look_as_when_painting_themselves(qtbot):
    doc, view, _ = _view(qtbot)
    assert _batched(view) == 3
    for zoom in ZOOMS:
        view.set_zoom(zoom)
        view.centerOn(500, 250)
        view.resetCachedContent()
        batched = frame(view)
        assert _batched(view) == 3
        assert batched == _items_frame(view), zoom


def test_a_moved_card_shows_its_links_at_once(qtbot):
    doc, view, ids = _view(qtbot)
    before = frame(view)
    doc.move_components({ids[1]: (700.0, 150.0)})
    view.design_scene.flush_link_updates()
    moved = frame(view)  # the next frame: no event loop turn in between
    assert moved != before
    assert _batched(view) == 2  # the moved link paints itself until the scene is idle
    assert moved == _items_frame(view)  # no trace left where the batches drew it
    assert _batched(view) == 3  # joined again
    assert frame(view) == moved
    doc.undo_stack.undo()
    view.design_scene.flush_link_updates()
    assert frame(view) == before


def test_dragging_a_card_shows_its_links_in_each_frame(qtbot):
    doc, view, ids = _view(qtbot)
    card = view.design_scene.component_item(ids[3])
    for dy in (30.0, 60.0, 90.0):
        card.setPos(700.0, 400.0 + dy)  # as a mouse drag moves it
        view.design_scene.flush_link_updates()
        assert frame(view) == _items_frame(view)


@pytest.mark.parametrize("how", ["item", "select_components"])
def test_a_selected_link_is_drawn_selected(qtbot, how):
    """Also when the selection is set with the scene's signals blocked (select_components,
    Select All)."""
    doc, view, _ = _view(qtbot)
    scene = view.design_scene
    link = scene.link_items()[0]

    def select(on: bool) -> None:
        if how == "item":
            link.setSelected(on)
        else:
            view.select_components([], [link.link_id] if on else [])

    plain = frame(view)
    select(True)
    selected = frame(view)
    assert selected != plain and selected == _items_frame(view)
    assert not link.flags() & NO_CONTENTS
    scene.link_batches.absorb()
    assert not link.flags() & NO_CONTENTS  # selected links always paint themselves
    assert frame(view) == selected
    select(False)
    assert frame(view) == plain
    scene.link_batches.absorb()
    assert _batched(view) == 3
    assert frame(view) == plain


def test_removed_and_added_links_show_at_once(qtbot):
    doc, view, ids = _view(qtbot)
    scene = view.design_scene
    with_link = frame(view)
    link_id = scene.link_items()[0].link_id
    doc.remove_items([], [link_id])
    without = frame(view)
    assert without != with_link
    assert without == _items_frame(view)
    doc.undo_stack.undo()  # the link comes back as a new item: it paints itself at first
    assert view.selected_link_ids() == [link_id]  # what an undone delete brings back is selected
    view.select_components([])
    assert scene.link_batches.count() == 2
    assert frame(view) == with_link
    new_id = doc.connect(ids[0], ids[3])
    assert scene.link_item(new_id) is not None
    assert frame(view) != with_link


def test_theme_change_redraws_the_batches(qtbot):
    doc, view, _ = _view(qtbot)
    light = frame(view)
    with dark_palette(qtbot, view):
        dark = frame(view)
        assert dark != light
        assert _batched(view) == 3
        assert dark == _items_frame(view)


def test_zoomed_out_overview_and_back(qtbot):
    doc, view, _ = _view(qtbot)
    view.set_zoom(st.LOD_THRESHOLD * 0.8)
    scene = view.design_scene
    assert scene.overview_active
    scene.content_flags.run_slice()
    assert _batched(view) == 3  # the overview's flags leave batched links alone
    view.set_zoom(1.0)
    view.centerOn(500, 250)
    while scene.content_flags.pending():
        scene.content_flags.run_slice()
    assert _batched(view) == 3
    assert frame(view) == _items_frame(view)  # drawn once: by the batches only


def test_exports_draw_every_link(qtbot):
    doc, view, _ = _view(qtbot)
    scene = view.design_scene
    batched, _rect = paint_image(scene, "png")
    assert _batched(view) == 3  # as before the export
    scene.link_batches.enabled = False
    scene.link_batches.release_all()
    plain, _rect = paint_image(scene, "png")
    assert batched == plain
    blank = QImage(plain.size(), plain.format())
    blank.fill(QColor(plain.pixel(1, 1)))
    assert plain != blank


def test_small_designs_are_not_batched(qtbot):
    design, _ = _design()
    doc, view = make_view(qtbot, design)
    batches = view.design_scene.link_batches
    batches.absorb()
    assert batches.count() == 0
    assert not any(link.flags() & NO_CONTENTS for link in view.design_scene.link_items())


def test_too_few_links_left_paint_themselves(qtbot):
    doc, view, ids = _view(qtbot)
    scene = view.design_scene
    scene.link_batches.min_links = 2
    doc.remove_items([], [scene.link_items()[0].link_id])
    assert scene.link_batches.count() == 0
    assert not any(link.flags() & NO_CONTENTS for link in scene.link_items())
    assert frame(view) == _items_frame(view)


def test_a_marked_link_paints_itself(qtbot):
    from PySide6.QtWidgets import QGraphicsOpacityEffect

    doc, view, _ = _view(qtbot)
    scene = view.design_scene
    link = scene.link_items()[0]
    link.setGraphicsEffect(QGraphicsOpacityEffect())
    scene.link_batches.changed(link)  # as the compare view does when it marks a link
    scene.link_batches.absorb()
    assert not link.flags() & NO_CONTENTS
    assert scene.link_batches.count() == 2
    assert frame(view) == _items_frame(view)  # drawn through its effect, not by the batches


def test_a_scene_no_view_shows_keeps_every_link_painting_itself(qtbot):
    from app.ui.canvas.scene import DesignScene
    from app.ui.document import DesignDocument

    design, _ = _design()
    scene = DesignScene(DesignDocument(design))
    scene.link_batches.min_links = 0
    scene.link_batches.absorb()
    assert scene.link_batches.count() == 0
    assert not any(link.flags() & NO_CONTENTS for link in scene.link_items())


def test_links_joining_a_made_cell_are_appended_as_if_it_were_made_again(qtbot):
    """Joining appends to a cell's batches (a slice's cost is the links joining, not the cell's)."""
    from app.ui.canvas.link_batches import _Cell, _Parts

    doc, view, _ = _view(qtbot)
    links = view.design_scene.link_items()
    parts = [_Parts.of(link, link.pos().x(), link.pos().y(), link.rect()) for link in links]
    appended, whole = _Cell(), _Cell()
    appended.add(links[0], parts[0])
    appended.make()
    for link, part in zip(links[1:], parts[1:], strict=True):
        appended.add(link, part)
    for link, part in zip(links, parts, strict=True):
        whole.add(link, part)
    whole.make()
    assert appended.made and appended.bounds == whole.bounds
    assert appended.lines.keys() == whole.lines.keys() and appended.arrows.keys() == whole.arrows.keys()
    for key, path in whole.lines.items():
        assert appended.lines[key] == path
    for key, path in whole.arrows.items():
        assert appended.arrows[key] == path
    assert appended.labels == whole.labels


def test_links_wait_to_join_until_the_design_is_built(qtbot, monkeypatch):
    """While a large design is built in slices its links are routed again and again: they join
    the batches once the build is done."""
    doc, view, _ = _view(qtbot)
    scene = view.design_scene
    batches = scene.link_batches
    batches.release_all()
    assert _batched(view) == 0
    monkeypatch.setattr(scene.builder, "active", True)
    qtbot.wait(3 * 200)
    assert _batched(view) == 0
    monkeypatch.setattr(scene.builder, "active", False)
    qtbot.waitUntil(lambda: _batched(view) == 3, timeout=2000)
