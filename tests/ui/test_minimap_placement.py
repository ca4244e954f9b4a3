"""The minimap gets out of the way of the selection, can be hidden, and is remembered."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize

from app.ui.canvas.minimap import clear_corner
from app.ui.main_window import MainWindow
from app.ui.settings import Settings
from tests.factories import large_design
from tests.ui.canvas_support import make_view

AREA = QRect(0, 0, 1000, 700)
SIZE = QSize(220, 150)


def test_clear_corner_is_bottom_right_unless_the_selection_is_there():
    assert clear_corner(AREA, SIZE, 12, []) == QPoint(1000 - 12 - 220, 700 - 12 - 150)
    under = [QRect(900, 600, 50, 40)]
    assert clear_corner(AREA, SIZE, 12, under) == QPoint(12, 700 - 12 - 150)  # bottom-left
    bottom = [QRect(0, 600, 1000, 60)]
    assert clear_corner(AREA, SIZE, 12, bottom) == QPoint(1000 - 12 - 220, 12)  # top-right


def test_clear_corner_covers_the_least_when_every_corner_is_taken():
    everywhere = [QRect(0, 0, 1000, 700), QRect(0, 0, 300, 200)]  # the top-left covered twice
    corner = clear_corner(AREA, SIZE, 12, everywhere)
    assert corner != QPoint(12, 12)


def test_the_minimap_moves_off_a_selected_card(qtbot, catalog):
    doc, view = make_view(qtbot, large_design(catalog, 80, 60))
    view.set_minimap_visible(True)
    qtbot.waitUntil(view.minimap_visible, timeout=2000)
    minimap = view.minimap
    home = minimap.geometry()
    # the card nearest the minimap's corner, brought right under it
    item = view.design_scene.component_items()[0]
    card = item.card_rect()
    target = view.mapToScene(home.center())
    view.document.move_components({item.component_id: (target.x() - card.width() / 2, target.y() - 20)})
    view.select_components([item.component_id])
    card_in_view = view.mapFromScene(item.card_rect()).boundingRect()
    assert view.minimap_visible()
    assert not minimap.geometry().intersects(card_in_view), (minimap.geometry(), card_in_view)
    assert minimap.geometry() != home
    view.design_scene.clearSelection()
    assert minimap.geometry() == home  # back to its corner once nothing needs the room


def test_hiding_the_minimap_is_remembered_for_new_windows(qtbot, windows):
    window = windows()
    assert window.actions.minimap.isChecked()
    window.actions.minimap.trigger()
    assert not window.canvas._minimap_enabled and not window.canvas.minimap_visible()
    assert Settings().minimap_visible() is False
    other = windows()
    assert not other.actions.minimap.isChecked() and not other.canvas._minimap_enabled
    other.actions.minimap.trigger()
    assert Settings().minimap_visible() is True
    assert isinstance(other, MainWindow)
