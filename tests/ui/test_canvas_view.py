"""Zoom, fit, minimap and image export of the canvas view."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QNativeGestureEvent, QPointingDevice, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.ui.canvas import ComponentItem
from app.ui.canvas.view import FIT_MAX_ZOOM, MAX_ZOOM, MIN_ZOOM
from tests.factories import large_design
from tests.ui.canvas_support import make_view, two_cards

HOSTILE = "<b>bold</b> & <img src=x>"


def _wheel(view, delta: int, modifiers=Qt.KeyboardModifier.NoModifier, pos: QPoint | None = None) -> None:
    viewport = view.viewport()
    pos = pos or QPoint(300, 200)
    event = QWheelEvent(
        QPointF(pos),
        QPointF(viewport.mapToGlobal(pos)),
        QPoint(),
        QPoint(0, delta),
        Qt.MouseButton.NoButton,
        modifiers,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(viewport, event)


def test_ctrl_wheel_zooms_under_the_mouse_within_limits(qtbot):
    doc, view = make_view(qtbot)
    two_cards(doc)
    anchor = QPoint(300, 200)
    fixed = view.mapToScene(anchor)
    _wheel(view, 120, Qt.KeyboardModifier.ControlModifier, anchor)
    assert view.zoom_factor() == pytest.approx(1.0015**120)
    moved = view.mapToScene(anchor)
    assert abs(moved.x() - fixed.x()) < 2 and abs(moved.y() - fixed.y()) < 2
    for _ in range(40):
        _wheel(view, 120, Qt.KeyboardModifier.ControlModifier)
    assert view.zoom_factor() == MAX_ZOOM
    for _ in range(80):
        view.zoom_out()
    assert view.zoom_factor() == MIN_ZOOM
    view.reset_zoom()
    assert view.zoom_factor() == 1.0
    view.zoom_in()
    assert view.zoom_factor() == pytest.approx(1.25)


def test_plain_wheel_scrolls_instead_of_zooming(qtbot):
    doc, view = make_view(qtbot)
    two_cards(doc)
    top = view.visible_scene_rect().top()
    _wheel(view, -120)
    assert view.zoom_factor() == 1.0
    assert view.visible_scene_rect().top() > top


def test_pinch_gesture_zooms(qtbot):
    doc, view = make_view(qtbot)
    pos = QPointF(200, 200)
    event = QNativeGestureEvent(
        Qt.NativeGestureType.ZoomNativeGesture,
        QPointingDevice.primaryPointingDevice(),
        2,
        pos,
        pos,
        QPointF(view.viewport().mapToGlobal(pos.toPoint())),
        0.5,
        QPointF(),
    )
    QApplication.sendEvent(view.viewport(), event)
    assert view.zoom_factor() == pytest.approx(1.5)


def test_fit_to_view_shows_everything_and_caps_the_zoom(qtbot, builder):
    builder.add("data_source")
    doc, view = make_view(qtbot, builder.design)
    view.fit_to_view()
    assert view.zoom_factor() == FIT_MAX_ZOOM
    assert view.visible_scene_rect().contains(view.design_scene.itemsBoundingRect())
    doc.add_component("model", 5000, 3000)
    view.fit_to_view()
    assert view.zoom_factor() < 0.3
    assert view.visible_scene_rect().contains(view.design_scene.itemsBoundingRect())


def test_center_on_components_selects_and_zooms_out_if_needed(qtbot):
    doc, view = make_view(qtbot)
    a, b = two_cards(doc)
    far = doc.add_component("model", 4000, 2000)
    view.center_on_components([far])
    assert view.selected_component_ids() == [far]
    assert view.zoom_factor() == 1.0
    assert view.visible_scene_rect().contains(view.design_scene.components_rect([far]))
    view.center_on_components([a, far])
    assert view.zoom_factor() < 1.0
    assert view.visible_scene_rect().contains(view.design_scene.components_rect([a, far]))


def test_minimap_appears_for_big_designs_and_click_moves_the_view(qtbot, catalog):
    doc, view = make_view(qtbot)
    two_cards(doc)
    assert not view.minimap_visible()  # everything fits: no need
    view.set_minimap_visible(False)
    doc.reset(large_design(catalog, 60, 60))
    assert not view.minimap_visible()  # turned off by the user
    view.set_minimap_visible(True)
    qtbot.waitUntil(view.minimap_visible, timeout=2000)
    minimap = view.minimap
    minimap.refresh()
    assert minimap.geometry().right() <= view.viewport().geometry().right()
    target = minimap.to_minimap(QPointF(3000, 100)).toPoint()
    QTest.mouseClick(minimap, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, target)
    centre = view.visible_scene_rect().center()
    assert abs(centre.x() - 3000) < 60 and abs(centre.y() - 100) < 60
    assert not minimap.grab().toImage().isNull()
    view.set_minimap_visible(False)
    assert not view.minimap_visible()


def test_png_export_has_the_scene_aspect_ratio_at_double_scale(qtbot, tmp_path):
    doc, view = make_view(qtbot)
    a, b = two_cards(doc)
    doc.connect(a, b)
    view.select_components([a])
    path = tmp_path / "canvas.png"
    rect = view.render_to_image(path, "png")
    image = QImage(str(path))
    assert not image.isNull()
    assert image.width() == round(rect.width() * 2) and image.height() == round(rect.height() * 2)
    assert image.width() / image.height() == pytest.approx(rect.width() / rect.height(), rel=0.01)
    assert view.selected_component_ids() == [a]  # selection kept, just not drawn


def test_svg_export_is_vector_and_holds_the_names_as_text(qtbot, tmp_path):
    doc, view = make_view(qtbot)
    a, b = two_cards(doc)
    doc.set_component_field(a, "name", HOSTILE)
    doc.connect(a, b)
    path = tmp_path / "canvas.svg"
    view.render_to_image(path, "svg")
    root = ET.parse(path).getroot()
    texts = " ".join("".join(el.itertext()) for el in root.iter() if el.tag.endswith("text"))
    assert "Features" in texts and "<b>bold</b> & <img" in texts  # elided on the card, but literal
    assert not [el for el in root.iter() if el.tag.endswith("image")]


def test_export_rejects_unknown_formats(qtbot, tmp_path):
    doc, view = make_view(qtbot)
    with pytest.raises(ValueError):
        view.render_to_image(tmp_path / "x.gif", "gif")


def _pixel(view, x: float, y: float):
    image = view.viewport().grab().toImage()
    point = view.mapFromScene(QPointF(x, y))
    return image.pixelColor(point.x(), point.y()).name()


def test_zoomed_out_view_paints_plain_stage_coloured_cards_and_stays_interactive(qtbot, catalog):
    doc, view = make_view(qtbot)
    a, b = two_cards(doc)
    color = QColor(catalog.stage("data").color).name()
    view.centerOn(400, 150)
    assert _pixel(view, 200, 150) != color  # white card body with text at 1:1
    view.set_zoom(0.25)  # cards 50 px wide: blocks
    scene = view.design_scene
    assert scene.overview_active
    assert scene.component_item(a).flags() & ComponentItem.GraphicsItemFlag.ItemHasNoContents
    assert _pixel(view, 200, 150) == color  # a plain card in the stage colour
    doc.move_components({a: (100, 400)})  # edits show up in the batched painting
    assert _pixel(view, 200, 450) == color and _pixel(view, 200, 150) != color
    point = view.mapFromScene(QPointF(200, 450))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    assert view.selected_component_ids() == [a]
    view.reset_zoom()
    assert not scene.overview_active
    assert not scene.component_item(a).flags() & ComponentItem.GraphicsItemFlag.ItemHasNoContents
