"""What the first frames after a zoom change reuse or skip, drawing the same: the block view draws
only the cells of the scene in view (exactly what drawing every cell draws); link labels share
their laid-out text; faint links of large designs are stroked aliased; a card repaints from its
last paint at that zoom until it changes; crossing the block zoom flags only what comes into view
and reuses the query of a view seen before until an item moves."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter, QTransform

from app.ui.canvas import link_item
from app.ui.canvas import overview_cells as oc
from app.ui.canvas.content_flags import NO_CONTENTS
from app.ui.canvas.link_item import label_text
from tests.factories import large_design
from tests.ui.canvas_support import make_view


def _block_view(qtbot, catalog):
    doc, view = make_view(qtbot, large_design(catalog, 900, 1000))
    view.design_scene.builder.finish_now()  # large designs are built in slices
    view.set_zoom(0.25)
    view.viewport().grab()
    return doc, view


def test_every_card_and_link_is_in_exactly_one_cell_whose_bounds_hold_it(qtbot, catalog):
    doc, view = _block_view(qtbot, catalog)
    scene = view.design_scene
    cells = scene.overview.cells()
    rects = [r for cell in cells.cells.values() for rs in cell.cards.values() for r in rs]
    corners = sorted((r.x(), r.y()) for r in rects)
    assert corners == sorted((item.pos().x(), item.pos().y()) for item in scene.component_items())
    for cell in cells.cells.values():
        for card_rects in cell.cards.values():
            assert all(cell.bounds.united(r) == cell.bounds for r in card_rects)
        for path in cell.links.values():
            assert cell.bounds.united(path.boundingRect()) == cell.bounds
    subpaths = sum(len(path.toSubpathPolygons()) for c in cells.cells.values() for path in c.links.values())
    assert subpaths == len(scene.link_items())
    assert len(cells.cells) > 4  # the design spans several cells: a view shows only some of them


def _paint(view, exposed: QRectF, visible: QRectF, zoom: float) -> QImage:
    image = QImage(800, 500, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(0xFFFFFFFF)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setWorldTransform(QTransform.fromScale(zoom, zoom).translate(-visible.left(), -visible.top()))
    view.design_scene.overview.paint(painter, exposed, zoom)
    painter.end()
    return image


def test_the_block_view_drawn_from_the_cells_in_view_equals_every_cell_drawn(qtbot, catalog):
    doc, view = _block_view(qtbot, catalog)
    scene = view.design_scene
    zoom = 0.25
    visible = QRectF(6000.0, -300.0, 800 / zoom, 500 / zoom)
    cells = scene.overview.cells()
    shown = cells.exposed(visible)
    assert 0 < len(shown) < len(cells.cells)
    culled = _paint(view, visible, visible, zoom)
    with pytest.MonkeyPatch.context() as patch:  # every cell drawn, one by one
        patch.setattr(oc.OverviewCells, "exposed", lambda self, rect: list(self.cells.values()))
        everything = _paint(view, visible, visible, zoom)
    assert culled == everything
    whole = cells.exposed(scene.itemsBoundingRect())  # all shown: merged into one set of batches
    assert len(whole) == 1
    assert sum(len(rects) for rects in whole[0].cards.values()) == sum(
        len(rects) for cell in cells.cells.values() for rects in cell.cards.values()
    )
    merged_links = sum(len(path.toSubpathPolygons()) for path in whole[0].links.values())
    assert merged_links == len(scene.link_items())
    blank = QImage(800, 500, QImage.Format.Format_ARGB32_Premultiplied)
    blank.fill(0xFFFFFFFF)
    assert culled != blank  # cards and links were drawn


def test_an_edit_cuts_the_cells_again(qtbot, catalog):
    doc, view = _block_view(qtbot, catalog)
    scene = view.design_scene
    before = scene.overview.cells()
    item = scene.component_items()[0]
    doc.move_components({item.component_id: (50000.0, 50000.0)})
    qtbot.waitUntil(lambda: scene.overview.dirty, timeout=2000)
    after = scene.overview.cells()
    assert after is not before
    assert any(
        r.x() == 50000.0 for cell in after.cells.values() for rs in cell.cards.values() for r in rs
    )
    assert after.exposed(QRectF(49990.0, 49990.0, 400.0, 300.0))


def test_links_with_the_same_label_share_one_laid_out_text(qtbot, catalog):
    doc, view = make_view(qtbot, large_design(catalog, 60, 80))
    view.design_scene.builder.finish_now()
    links = view.design_scene.link_items()
    by_text: dict[str, list] = {}
    for link in links:
        by_text.setdefault(link.text, []).append(link)
    shared = [group for group in by_text.values() if len(group) > 1]
    assert shared
    for group in shared:
        assert len({id(link._label_text) for link in group}) == 1
        assert group[0]._label_text.text() == group[0].text
    assert label_text("a <b>tag</b>") is label_text("a <b>tag</b>")
    assert label_text("a <b>tag</b>").textFormat().name == "PlainText"
    assert oc.CELL > 0


def test_zooming_out_before_the_idle_slices_flags_every_item_coming_into_view(qtbot, catalog):
    doc, view = make_view(qtbot, large_design(catalog, 600, 400))
    view.design_scene.builder.finish_now()
    scene = view.design_scene
    flags = scene.content_flags
    view.reset_zoom()
    view.centerOn(3000, 300)
    view.viewport().grab()
    view.set_zoom(0.26)  # into the block view: the items in view now, the others in idle slices
    for zoom in (0.22, 0.18, 0.15, 0.12):
        flags._timer.stop()
        view.set_zoom(zoom)
        assert flags.pending()  # no slice ran: only what came into view was flagged
        shown = scene.items(view.visible_scene_rect())
        assert shown and all(item.flags() & NO_CONTENTS for item in shown)
    view.set_zoom(1.0)  # back to cards: the same, the other way
    for zoom in (0.8, 0.6, 0.45):
        flags._timer.stop()
        view.set_zoom(zoom)
        shown = scene.items(view.visible_scene_rect())
        assert shown and not any(item.flags() & NO_CONTENTS for item in shown)


@pytest.mark.parametrize("limit", (0, 1000))  # a large design (faint links aliased), a small one
def test_a_faint_link_is_drawn_and_leaves_the_painter_antialiased(qtbot, catalog, monkeypatch, limit):
    monkeypatch.setattr(link_item, "ALIASED_FAINT_LINKS", limit)
    doc, view = make_view(qtbot)
    a = doc.add_component("data_source", 0, 0, "Events")
    b = doc.add_component("feature_pipeline", 600, 0, "Features")
    link_id = doc.connect(a, b)
    scene = view.design_scene
    link = next(item for item in scene.link_items() if item.link_id == link_id)
    for zoom in (0.5, 1.0):  # faint (stroked aliased), then the full pen
        image = QImage(400, 200, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(0xFFFFFFFF)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        bounds = link.boundingRect()
        painter.setWorldTransform(QTransform.fromScale(zoom, zoom).translate(-bounds.left(), -bounds.top()))
        link.paint(painter, None)
        assert painter.testRenderHint(QPainter.RenderHint.Antialiasing)  # for the items drawn next
        painter.end()
        colors = {image.pixel(x, y) for x in range(image.width()) for y in range(image.height())}
        assert len(colors) > 1, zoom  # the link is there


def _paint_card(item, zoom: float) -> None:
    image = QImage(300, 200, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    painter.setWorldTransform(QTransform.fromScale(zoom, zoom).translate(12, 12))
    item.paint(painter, None)
    painter.end()


def test_a_card_painted_again_at_its_zoom_reuses_its_paint_until_its_text_or_look_changes(qtbot):
    doc, view = make_view(qtbot)
    cid = doc.add_component("model", 0, 0, "Ranker")
    item = view.design_scene.component_item(cid)
    _paint_card(item, 0.7)
    first = item._painted
    assert first is not None and math.isclose(first.lod, 0.7)
    _paint_card(item, 0.7)
    assert item._painted is first  # a hover or a scroll repaints from what was worked out
    doc.set_component_field(cid, "name", "Candidate ranker v2")
    _paint_card(item, 0.7)
    renamed = item._painted
    assert renamed is not first
    assert " ".join(text.text() for _, text in renamed.lines).startswith("Candidate")
    item.set_badge(3, "error")
    _paint_card(item, 0.7)
    assert item._painted.chrome_key != renamed.chrome_key  # the badge is part of the card's look
    _paint_card(item, 0.5)
    assert math.isclose(item._painted.lod, 0.5)


def test_crossing_back_and_forth_reuses_the_view_query_until_an_item_moves(qtbot, catalog, monkeypatch):
    doc, view = make_view(qtbot, large_design(catalog, 600, 400))
    view.design_scene.builder.finish_now()
    scene = view.design_scene
    flags = scene.content_flags
    view.set_zoom(0.33)
    view.centerOn(3000, 300)
    view.viewport().grab()
    queries: list[QRectF] = []
    real_items = type(scene).items

    def counting(self, *args):
        if args and isinstance(args[0], QRectF):
            queries.append(args[0])
        return real_items(self, *args)

    monkeypatch.setattr(type(scene), "items", counting)
    for zoom in (0.27, 0.33, 0.27, 0.33):
        view.set_zoom(zoom)
        flags._timer.stop()
    assert len(queries) == 2  # the two views, each queried once
    far = max(scene.component_items(), key=lambda item: item.pos().x())
    centre = view.mapToScene(view.viewport().rect().center())
    far.setPos(centre)  # a drag: the scene hears of it at once (the document only once it settles)
    view.set_zoom(0.27)
    flags._timer.stop()
    assert len(queries) == 3
    assert far.flags() & NO_CONTENTS  # in view now: flagged with the others
    view.set_zoom(0.33)
    assert not far.flags() & NO_CONTENTS


def test_links_are_grouped_by_place_and_size_into_few_groups(qtbot, catalog):
    assert oc._key(10.0, 10.0, 300.0, 200.0) == (0, 0, 0)  # a short link: the cell of its corner
    assert oc._key(4000.0, 10.0, 4300.0, 200.0) == (0, 1, 0)
    level, col, row = oc._key(100.0, 100.0, 9000.0, 300.0)  # across five cells: a larger level
    size = oc.CELL * 2**level
    assert level >= 2 and 100.0 >= col * size and 9000.0 < (col + 2) * size
    doc, view = _block_view(qtbot, catalog)
    cells = view.design_scene.overview.cells().cells
    level0 = sum(1 for key in cells if key[0] == 0)
    assert len(cells) <= 2 * level0  # a frame showing the whole design draws few batches
