"""The F2 rename box is legible where the card is small on screen: its text never smaller than
the window's own, the whole name typed in sight (wrapped onto more lines, the box growing
downward), over the card's name and inside the view; where cards are blocks it takes the place
of the name label, above or below the block as the label goes (see test_canvas_rename.py for the
rest of renaming)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontInfo, QFontMetrics
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QGraphicsSceneHoverEvent

from app.ui.canvas.labels import LabelPlacer
from app.ui.canvas.overview import free_label_box
from app.ui.canvas.rename import MIN_WIDTH, TYPING_WIDTH, NameEditor
from tests.ui.test_canvas_rename import _activate, _name_point, _open_with_f2, _type

NAMES = ("Watch time per DAU", "NDCG@20 (ranker)")


@pytest.fixture
def named(windows):
    """A window with two model cards named as in the recommendations template, nothing to undo."""
    window = windows()
    doc = window.document
    ids = [doc.add_component("model", 400 * n, 0, name) for n, name in enumerate(NAMES)]
    doc.undo_stack.clear()
    doc.mark_saved()
    _activate(window)
    return window, ids


def _lines(editor: NameEditor) -> list[str]:
    """The lines the box shows, as it wrapped them."""
    lines, block = [], editor.document().firstBlock()
    while block.isValid():
        layout, text = block.layout(), block.text()
        for n in range(layout.lineCount()):
            line = layout.lineAt(n)
            lines.append(text[line.textStart() : line.textStart() + line.textLength()])
        block = block.next()
    return lines


def _whole_text_shown(editor: NameEditor) -> bool:
    """Whether the box shows all its lines, none scrolled out of sight, each no wider than the box
    and its words whole (a line ends at a space, a hyphen or the end)."""
    metrics = QFontMetrics(editor.font())
    lines = _lines(editor)
    return (
        editor.verticalScrollBar().maximum() == 0
        and editor.horizontalScrollBar().maximum() == 0
        and all(metrics.horizontalAdvance(line.rstrip()) <= editor.viewport().width() for line in lines)
        and all(line.endswith((" ", "-")) for line in lines[:-1])
        and "".join(lines) == editor.text()
    )


@pytest.mark.parametrize("zoom", [1.0, 0.9, 0.75, 0.6, 0.5, 0.4, 0.33, 0.3])
def test_the_box_is_as_legible_as_the_windows_text_and_shows_the_whole_name(named, zoom):
    """Zoomed out the box took the card's name font as drawn (11 px at 0.3 and 0.6 for these
    names, under the window's 12) and the card's width on screen (101 px at 0.5, where these
    names need about 130): the name typed scrolled out of sight."""
    window, ids = named
    canvas = window.canvas
    canvas.set_zoom(zoom)
    legible = QFontInfo(canvas.font()).pixelSize()
    for cid, name in zip(ids, NAMES, strict=True):
        item = canvas.design_scene.component_item(cid)
        canvas.centerOn(item.card_rect().center())
        assert item.text_layout(zoom) is not None  # the card shows its name
        editor = _open_with_f2(window, cid)
        box = editor.geometry()
        assert QFontInfo(editor.font()).pixelSize() >= legible, (zoom, name)
        assert box.contains(_name_point(window, cid)), (zoom, name)
        assert canvas.viewport().rect().contains(box)
        assert _whole_text_shown(editor), (zoom, name, box.width())
        QTest.keyClick(editor, Qt.Key.Key_Escape)


def test_a_long_name_wraps_and_the_box_grows_downward_not_over_the_cards_beside(named):
    """The box widened with the name up to MIN_WIDTH (186 px) and then scrolled it sideways: at 0.5
    the name typed went out of sight at the left, and the box stood 42 px past each side of the
    101-pixel card, over its neighbours. Now it keeps the card's width and wraps, and grows
    downward line by line from the name's place."""
    window, ids = named
    canvas = window.canvas
    canvas.set_zoom(0.5)
    item = canvas.design_scene.component_item(ids[0])
    canvas.centerOn(item.card_rect().center())
    card = canvas.mapFromScene(item.card_rect()).boundingRect()
    editor = _open_with_f2(window, ids[0])
    before = editor.geometry()
    editor.end(False)
    _type(editor, " (7-day) and a much longer explanation of it than any card shows")
    box = editor.geometry()
    assert box.width() == before.width() and card.left() <= box.left() and box.right() <= card.right()
    assert box.top() == before.top() and box.height() > 2 * before.height()
    assert len(_lines(editor)) >= 4 and _whole_text_shown(editor)
    assert box.contains(_name_point(window, ids[0]))
    QTest.keyClick(editor, Qt.Key.Key_Escape)
    assert window.document.undo_stack.count() == 0


def test_the_box_is_wider_than_the_card_only_for_a_word_that_would_not_fit(named):
    window, ids = named
    canvas = window.canvas
    canvas.set_zoom(0.35)
    item = canvas.design_scene.component_item(ids[0])
    canvas.centerOn(item.card_rect().center())
    card = canvas.mapFromScene(item.card_rect()).boundingRect()
    editor = _open_with_f2(window, ids[0])
    assert editor.width() <= max(card.width(), TYPING_WIDTH)
    editor.end(False)
    _type(editor, " Supercalifragilistic")
    assert card.width() < editor.width() <= MIN_WIDTH and _whole_text_shown(editor)
    assert abs(editor.geometry().center().x() - card.center().x()) <= 1  # centred on the card
    _type(editor, "expialidocious" * 3)  # wider than the name's room at 1:1: broken, not scrolled
    assert editor.width() == MIN_WIDTH
    assert editor.verticalScrollBar().maximum() == 0 and editor.horizontalScrollBar().maximum() == 0
    QTest.keyClick(editor, Qt.Key.Key_Escape)


def test_at_zoom_0_3_the_cards_show_their_names_not_blocks(named, qtbot):
    """At 0.3, the zoom cards become blocks below, the view drew no zoomed-out overview but each
    card drew itself as a block (Qt's level of detail of its painter was 0.29999999999999893):
    no name anywhere, not even the selected card's label, while F2 placed its box over a name
    that was not drawn."""
    window, ids = named
    canvas = window.canvas
    canvas.set_zoom(0.3)
    item = canvas.design_scene.component_item(ids[0])
    canvas.centerOn(item.card_rect().center())
    qtbot.wait(50)
    image = canvas.viewport().grab().toImage()
    card = canvas.mapFromScene(item.card_rect()).boundingRect()
    stage = item._stage_brush.color()
    body = [
        QColor(image.pixel(x, y))
        for x in range(card.left() + 4, card.right() - 3)
        for y in range(card.center().y(), card.bottom() - 3)
    ]
    assert sum(colour != stage for colour in body) > len(body) // 2  # the card's body, its name


def _labels_shown(canvas, qtbot) -> dict[str, QRectF]:
    """The labels of the zoomed-out view as its next paint places them, by name."""
    overview = canvas.design_scene.overview

    def painted() -> bool:
        canvas.viewport().repaint()
        return not overview.dirty and not overview.marks_dirty

    qtbot.waitUntil(painted)
    placed = overview.placed_labels(canvas.viewportTransform(), QRectF(canvas.viewport().rect()))
    return {text: box for box, text in placed}


def _column_of_cards(window, rows: int = 30) -> list[str]:
    doc = window.document
    return [doc.add_component("data_source", 0, 300 * n, f"Source {n}") for n in range(rows)]


def test_at_block_zoom_the_box_is_below_a_block_at_the_top_of_the_view_as_its_label(windows, qtbot):
    """Scrolled (the box follows its card) until the block is at the top of the view, there is
    no room above it: its label went above the view, out of sight, and the box, pushed back into
    the view, covered the block being renamed."""
    window = windows()
    canvas = window.canvas
    ids = _column_of_cards(window)
    _activate(window)
    canvas.set_zoom(0.2)
    item = canvas.design_scene.component_item(ids[10])
    canvas.centerOn(item.card_rect().center())
    editor = _open_with_f2(window, ids[10])
    block = canvas.mapFromScene(item.card_rect()).boundingRect()
    assert 0 < block.top() - editor.geometry().bottom() <= 3  # room above: over its label
    bar = canvas.verticalScrollBar()
    bar.setValue(bar.value() + block.top() - 4)
    block = canvas.mapFromScene(item.card_rect()).boundingRect()
    assert block.top() == 4
    box = editor.geometry()
    assert canvas.viewport().rect().contains(box)
    assert not box.intersects(block) and 0 < box.top() - block.bottom() <= 3
    assert box.left() < block.center().x() < box.right()
    assert _labels_shown(canvas, qtbot)["Source 10"].top() > block.bottom()  # the label too


def test_a_label_with_no_room_above_in_the_view_goes_below_its_block():
    top, bottom = QPointF(100, 5), QPointF(100, 25)
    box = free_label_box(top, bottom, 80, 18, LabelPlacer(), view_top=0)
    assert box is not None and box.top() > bottom.y()
    roomy = free_label_box(QPointF(100, 50), QPointF(100, 70), 80, 18, LabelPlacer(), view_top=0)
    assert roomy is not None and roomy.bottom() < 50
    taken = LabelPlacer([(60.0, 28.0, 80.0, 18.0)])  # below is taken: above, out of view, as before
    assert free_label_box(top, bottom, 80, 18, taken, view_top=0) == QRectF(60, 5 - 18 - 3, 80, 18)


def test_the_selected_cards_label_keeps_its_place_above_the_block_over_a_hovered_ones(windows, qtbot):
    """The hovered card's label, placed first when it came earlier in the scene, took the place
    above the selected block, whose label went below it: the rename box, above the block, then
    covered the hovered card's name."""
    window = windows()
    doc, canvas = window.document, window.canvas
    hovered = doc.add_component("data_source", 0, 0, "Clickstream events")
    selected = doc.add_component("data_source", 250, 0, "Search queries")
    _activate(window)
    canvas.set_zoom(0.2)
    canvas.centerOn(QPointF(225, 45))
    scene = canvas.design_scene
    canvas.select_components([selected])
    scene.component_item(hovered).hoverEnterEvent(QGraphicsSceneHoverEvent())  # offscreen: no hover
    placed = _labels_shown(canvas, qtbot)
    block = canvas.mapFromScene(scene.component_item(selected).card_rect()).boundingRect()
    assert placed["Search queries"].bottom() < block.top()  # above: where the rename box goes
    assert "Clickstream events" in placed
    editor = _open_with_f2(window, selected)
    assert editor.geometry().intersects(placed["Search queries"].toRect())
    assert not editor.geometry().intersects(placed["Clickstream events"].toRect())
