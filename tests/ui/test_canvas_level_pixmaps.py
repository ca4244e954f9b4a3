"""Cards painted at a zoom level are kept for that level (level_pixmaps.py): a frame drawn from
the kept pixmaps must equal a frame drawn afresh, and a card whose contents, state or theme
changed must be painted again. Zoomed-out links draw their arrow as a path: the same pixels as
the polygon."""

from __future__ import annotations

import os

from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath, QPixmap, QPolygonF, QTransform
from PySide6.QtWidgets import QStyleOptionGraphicsItem

from app.ui.canvas import component_item
from app.ui.canvas.component_item import ComponentItem
from app.ui.canvas.level_pixmaps import LevelPixmaps, device_key, device_placement, where
from app.ui.canvas.style import CARD_BOUNDS
from app.ui.canvas.zoom_warmup import WHEEL_FACTOR
from tests.ui.canvas_support import dark_palette, frame, fresh_frame, grid_view, make_view

ZOOMS = (1.0, 0.9, 0.752, 0.44, 0.306, 1.7)


def _grid_view(qtbot, n: int = 600):
    doc, view = grid_view(qtbot, n)
    view.zoom_warmup.enabled = False  # frames come only from the view's own paints
    return doc, view


def _again(view, zoom: float) -> tuple[QImage, int]:
    """The frame at `zoom` after another level: drawn from the kept pixmaps; and how many."""
    kept = view.design_scene.level_pixmaps
    view.set_zoom(zoom)
    frame(view)
    view.set_zoom(zoom * 1.3)
    frame(view)
    hits = kept.hits
    view.set_zoom(zoom)
    return frame(view), kept.hits - hits


def test_a_frame_drawn_from_kept_cards_equals_a_frame_drawn_afresh_at_every_level(qtbot):
    doc, view = _grid_view(qtbot)
    view.select_components(["c104", "c205"])
    for zoom in ZOOMS:
        again, hits = _again(view, zoom)
        assert hits >= 4, zoom  # the cards in view came from the kept pixmaps
        assert again == fresh_frame(view, zoom), zoom


def test_an_edited_card_is_painted_again_at_a_level_seen_before(qtbot):
    doc, view = _grid_view(qtbot)
    zoom = 0.752
    before, _ = _again(view, zoom)
    item = view.design_scene.component_item("c105")
    doc.set_component_field("c105", "name", "Renamed card")
    assert item.name == "Renamed card"
    after, _ = _again(view, zoom)
    assert after != before  # the new name shows, not the kept pixels of the old one
    assert after == fresh_frame(view, zoom)


def test_selection_and_hover_are_part_of_what_is_kept(qtbot):
    doc, view = _grid_view(qtbot)
    zoom = 0.9
    plain, _ = _again(view, zoom)
    view.select_components(["c105"])
    selected, _ = _again(view, zoom)
    assert selected != plain
    assert selected == fresh_frame(view, zoom)
    view.select_components([])
    item = view.design_scene.component_item("c105")
    item.hoverEnterEvent(None)  # type: ignore[arg-type]
    hovered, _ = _again(view, zoom)
    assert hovered != plain and hovered == fresh_frame(view, zoom)
    item.hoverLeaveEvent(None)  # type: ignore[arg-type]
    assert _again(view, zoom)[0] == plain


def test_a_palette_change_paints_every_card_again(qtbot):
    doc, view = make_view(qtbot, size=(600, 400))
    doc.add_component("model", 0, 0, "Ranker")
    view.zoom_warmup.enabled = False
    view.centerOn(100, 60)
    zoom = 0.9
    light, _ = _again(view, zoom)
    body = view.mapFromScene(QPointF(150, 80))  # inside the card, below its text
    assert light.pixelColor(body).lightness() > 150
    with dark_palette(qtbot, view):
        dark, _ = _again(view, zoom)
        assert dark.pixelColor(body).lightness() < 100  # the dark theme's card, not the kept light one
        assert dark == fresh_frame(view, zoom)


def test_the_kept_pixmaps_are_bounded_by_their_budget(qtbot):
    doc, view = _grid_view(qtbot)
    kept = view.design_scene.level_pixmaps
    kept.budget = 400_000
    for k in range(12):
        view.set_zoom(0.32 + 0.05 * k)
        frame(view)
    assert 0 < kept.bytes <= kept.budget
    assert kept.kept > len(kept)  # some were dropped to stay within the budget


def test_only_a_whole_card_in_its_own_device_pixmap_is_kept(qtbot):
    doc, view = make_view(qtbot)
    item = view.design_scene.component_item(doc.add_component("model", 0, 0, "Ranker"))
    option = QStyleOptionGraphicsItem()
    scale = QTransform.fromScale(0.8, 0.8).translate(-CARD_BOUNDS.left(), -CARD_BOUNDS.top())
    image = QImage(200, 100, QImage.Format.Format_ARGB32_Premultiplied)
    pixmap = QPixmap(200, 100)
    for device, clip, transform, keeps in (
        (pixmap, False, scale, True),
        (image, False, scale, False),  # an image (an export, a thumbnail): painted, not kept
        (pixmap, True, scale, False),  # part of a card
        (pixmap, False, QTransform(scale).rotate(30), False),
    ):
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(device)
        if clip:
            painter.setClipRect(QRect(0, 0, 50, 50))
        painter.setWorldTransform(transform)
        assert (device_key(painter, transform) is not None) == keeps
        before = view.design_scene.level_pixmaps.kept
        item.paint(painter, option, None)
        painter.end()
        assert view.design_scene.level_pixmaps.kept - before == (1 if keeps else 0)


def test_a_kept_pixmap_is_not_changed_by_later_paints_on_the_same_device(qtbot):
    kept = LevelPixmaps()
    device = QPixmap(20, 20)
    device.fill(Qt.GlobalColor.transparent)
    painter = QPainter(device)
    painter.fillRect(QRectF(0, 0, 10, 10), QColor("red"))
    kept.keep(painter, "k")
    painter.end()
    device.fill(Qt.GlobalColor.transparent)  # Qt clears its pixmap before the next paint
    painter = QPainter(device)
    painter.fillRect(QRectF(0, 0, 20, 20), QColor("blue"))
    painter.end()
    target = QPixmap(20, 20)
    target.fill(Qt.GlobalColor.transparent)
    painter = QPainter(target)
    assert kept.draw(painter, "k", QTransform())
    painter.end()
    image = target.toImage()
    assert image.pixelColor(5, 5) == QColor("red")
    assert image.pixelColor(15, 15).alpha() == 0


def test_an_arrow_filled_as_a_path_has_the_polygon_s_pixels():
    arrow = QPolygonF([QPointF(40.3, 20.7), QPointF(30.1, 16.2), QPointF(30.9, 25.4)])
    path = QPainterPath()
    path.addPolygon(arrow)
    path.closeSubpath()
    images = []
    for shape in (arrow, path):
        image = QImage(80, 50, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(QColor("white"))
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setWorldTransform(QTransform.fromScale(1.37, 1.37))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(QColor("#6a7b8c")))
        if isinstance(shape, QPolygonF):
            painter.drawPolygon(shape)
        else:
            painter.drawPath(shape)
        painter.end()
        images.append(image)
    assert images[0] == images[1]


def test_the_placement_predicted_for_a_card_is_the_one_qt_paints_it_with(qtbot):
    doc, view = _grid_view(qtbot)
    seen: dict[str, object] = {}
    real_paint = component_item.ComponentItem.paint

    def paint(item, painter, option, widget=None):
        seen.setdefault(item.component_id, device_key(painter, painter.worldTransform()))
        real_paint(item, painter, option, widget)

    component_item.ComponentItem.paint = paint  # type: ignore[method-assign]
    try:
        for zoom in (0.6131, 0.44, 0.9, 1.0, 1.37):
            seen.clear()
            view.set_zoom(zoom)
            frame(view)
            assert len(seen) > 4
            for cid, actual in seen.items():
                pos = view.design_scene.component_item(cid).pos()
                transform, width, height = device_placement(pos.x(), pos.y(), zoom, CARD_BOUNDS)
                assert where(transform, width, height, 1.0, view.renderHints()) == actual, (zoom, cid)
    finally:
        component_item.ComponentItem.paint = real_paint  # type: ignore[method-assign]


def test_a_wheel_notch_prepared_while_idle_is_drawn_from_kept_cards_equal_to_a_fresh_frame(qtbot):
    doc, view = _grid_view(qtbot)
    view.zoom_warmup.enabled = True
    kept = view.design_scene.level_pixmaps
    view.set_zoom(0.752)
    frame(view)
    warmup = view.zoom_warmup
    warmup._timer.stop()
    warmup.run_slice()
    while warmup.pending():
        warmup.run_slice()
    hits, painted = kept.hits, kept.kept
    centre = QPointF(view.viewport().rect().center())
    view.set_zoom(view.zoom_factor() / WHEEL_FACTOR, centre)
    notch = frame(view)
    cards = [i for i in view.design_scene.items(view.visible_scene_rect()) if isinstance(i, ComponentItem)]
    assert len(cards) > 20
    assert kept.hits - hits >= len(cards)  # every card in view was painted ahead
    assert kept.kept == painted  # and none had to be painted in the frame
    warmup.enabled = False
    assert notch == fresh_frame(view, view.zoom_factor())


def test_the_application_paints_on_its_own_thread(qtbot, monkeypatch):
    from app.ui import main

    monkeypatch.delenv(main.NO_GUI_THREADPOOL, raising=False)
    monkeypatch.setattr(main.sys, "setswitchinterval", lambda _: None)  # the session's own stays
    main.make_application()
    assert os.environ[main.NO_GUI_THREADPOOL] == "1"  # Qt's raster engine hands nothing to a pool


def test_a_new_design_or_palette_drops_every_kept_card(qtbot):
    doc, view = _grid_view(qtbot)
    kept = view.design_scene.level_pixmaps
    _again(view, 0.752)
    assert len(kept) > 0
    doc.reset(doc.design.model_copy(deep=True))
    assert len(kept) == 0 and kept.bytes == 0
    view.design_scene.builder.finish_now()
    _again(view, 0.752)
    light = set(kept._pixmaps)
    assert light
    with dark_palette(qtbot, view):
        assert not light & set(kept._pixmaps)  # the light cards are gone (the view repainted since)
