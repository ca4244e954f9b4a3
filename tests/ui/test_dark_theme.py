"""The dark theme reaches every widget: palette list, check boxes (widgets and menus), interview bar.

Colours are read from grabbed pixels, not only from palette roles, so a widget painting its own
light colours or a style drawing invisible outlines fails here.
"""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QCheckBox, QMenu, QStyle, QStyleOptionButton

from app.ui.interview.timer_bar import InterviewBar
from app.ui.theme import ThemeManager, contrast_ratio

TEXT_CONTRAST = 4.5  # WCAG AA for text
INDICATOR_CONTRAST = 3.0  # WCAG AA for the outline of a control


@pytest.fixture
def dark(qapp):
    manager = ThemeManager.instance()
    manager.set_mode("dark")
    qapp.processEvents()
    yield manager
    manager.set_mode("system")


def _pixels(image: QImage, rect: QRect | None = None) -> list[QColor]:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    area = (rect or image.rect()).intersected(image.rect())
    return [
        image.pixelColor(x, y)
        for y in range(area.top(), area.bottom() + 1)
        for x in range(area.left(), area.right() + 1)
    ]


def _scaled(rect: QRect, image: QImage) -> QRect:
    """A widget rectangle in the grabbed image's device pixels."""
    dpr = image.devicePixelRatio()
    return QRect(int(rect.x() * dpr), int(rect.y() * dpr), int(rect.width() * dpr), int(rect.height() * dpr))


def _background(pixels: list[QColor]) -> QColor:
    return QColor(Counter(c.rgb() for c in pixels).most_common(1)[0][0])


def _best_contrast(pixels: list[QColor], against: QColor) -> float:
    return max(contrast_ratio(c, against) for c in pixels)


def test_palette_list_is_dark_with_legible_text(qtbot, windows, dark):
    _assert_palette_list_dark(windows())


def test_palette_list_turns_dark_when_the_theme_is_switched_with_the_window_open(qtbot, qapp, windows):
    """View > Theme > Dark with the window open: the list kept the light theme's white (its
    style sheet held the palette it was first polished with), under the dark theme's light text."""
    window = windows()
    manager = ThemeManager.instance()
    manager.set_mode("light")
    qapp.processEvents()
    try:
        manager.set_mode("dark")
        qapp.processEvents()
        _assert_palette_list_dark(window)
    finally:
        manager.set_mode("system")


def _assert_palette_list_dark(window) -> None:
    tree = window.palette_panel.tree
    viewport = tree.viewport()
    image = viewport.grab().toImage()
    assert image.width() > 50
    pixels = _pixels(image)
    background = _background(pixels)
    assert background.lightness() < 70, background.name()  # not the white list of the bug
    index = window.palette_panel.index_of_kind("model")
    row = tree.visualRect(index).adjusted(0, 2, 0, -2)  # a kind's icon and label
    text_pixels = _pixels(image, _scaled(row, image))
    row_background = _background(text_pixels)
    assert _best_contrast(text_pixels, row_background) >= TEXT_CONTRAST
    icon_rect = tree.visualRect(index)
    icon_rect.setWidth(28)
    icon_pixels = _pixels(image, _scaled(icon_rect, image))
    # the icon's strokes: light ink on the dark list, not washed out
    assert _best_contrast(icon_pixels, row_background) >= INDICATOR_CONTRAST


def test_unchecked_check_boxes_are_visible_in_widgets_and_menus(qtbot, windows, dark):
    window = windows()
    box = QCheckBox("Watches", window.inspector)
    box.setChecked(False)
    box.adjustSize()
    image = box.grab().toImage()
    option = QStyleOptionButton()
    option.initFrom(box)
    indicator = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
    area = _scaled(indicator, image)
    background = window.palette().color(window.backgroundRole())
    assert background.lightness() < 70
    assert _best_contrast(_pixels(image, area), background) >= INDICATOR_CONTRAST
    text = box.palette().color(box.foregroundRole())
    assert contrast_ratio(text, background) >= TEXT_CONTRAST

    menu = QMenu(window)
    action = menu.addAction("Minimap")
    action.setCheckable(True)
    action.setChecked(False)
    menu.adjustSize()
    menu_image = menu.grab().toImage()
    row = menu.actionGeometry(action)
    menu_background = _background(_pixels(menu_image))
    assert menu_background.lightness() < 70
    row.setWidth(26)  # the check box column
    check_pixels = _pixels(menu_image, _scaled(row, menu_image))
    assert _best_contrast(check_pixels, menu_background) >= INDICATOR_CONTRAST


def _shown_interview_bar(qtbot) -> InterviewBar:
    bar = InterviewBar()
    qtbot.addWidget(bar)
    bar.title.setText("Design a feed ranker")
    bar.resize(900, 44)
    bar.show()
    qtbot.waitExposed(bar)
    return bar


def test_interview_bar_follows_the_dark_palette(qtbot, dark):
    bar = _shown_interview_bar(qtbot)
    bar.repaint_clock()
    image = bar.grab().toImage()
    pixels = _pixels(image)
    background = _background(pixels)
    assert background.lightness() < 70, background.name()
    title = bar.title.geometry()
    assert _best_contrast(_pixels(image, _scaled(title, image)), background) >= TEXT_CONTRAST
    clock = bar.clock.grab().toImage()
    assert _background(_pixels(clock)).lightness() < 70  # the clock's own colours are the dark ones


def test_an_interview_bar_shown_before_switching_to_dark_turns_dark(qtbot, qapp):
    manager = ThemeManager.instance()
    manager.set_mode("light")
    qapp.processEvents()
    bar = _shown_interview_bar(qtbot)
    try:
        manager.set_mode("dark")  # View > Theme > Dark during an interview
        qapp.processEvents()
        bar.repaint_clock()
        image = bar.grab().toImage()
        background = _background(_pixels(image))
        assert background.lightness() < 70, background.name()
        title = bar.title.geometry()
        assert _best_contrast(_pixels(image, _scaled(title, image)), background) >= TEXT_CONTRAST
    finally:
        manager.set_mode("system")


def test_the_link_drop_menus_kind_icons_have_light_ink(qtbot, dark):
    """A link released on empty canvas offers kinds with their icons: on the dark theme drawn in
    light ink, as in the palette (their dark ink was all but invisible on the dark menu)."""
    from PySide6.QtCore import QPointF

    from app.ui.canvas.link_menu import build_link_menu
    from app.ui.document import DesignDocument

    doc = DesignDocument()
    source = doc.add_component("data_source", 0, 0, "Events")
    menu = build_link_menu(doc, source, QPointF(0, 300), lambda *_: None, lambda _text: None)
    qtbot.addWidget(menu)
    actions = [a for a in menu.actions() if a.data()]
    for sub in (a.menu() for a in menu.actions() if a.menu() is not None):
        actions += [a for a in sub.actions() if a.data()]
    assert len(actions) >= 30
    for action in actions:
        image = action.icon().pixmap(32, 32).toImage()
        pixels = (image.pixelColor(x, y) for x in range(image.width()) for y in range(image.height()))
        ink = [c for c in pixels if c.alpha() > 200]
        assert ink and max(c.lightness() for c in ink) > 150, action.text()


def test_the_start_pages_thumbnails_follow_a_theme_switch(qtbot, qapp, windows):
    """View > Theme > Dark with the start page built: its template thumbnails stayed light
    (drawn once, at construction) while the template dialog redrew its own dark."""
    from app.ui.start_page import StartPage

    manager = ThemeManager.instance()
    manager.set_mode("light")
    qapp.processEvents()
    try:
        page = StartPage(windows())
        qtbot.addWidget(page)

        def thumbnail_background() -> QColor:
            item = page.template_list.item(0)
            image = item.icon().pixmap(page.template_list.iconSize()).toImage()
            return _background(_pixels(image))

        assert thumbnail_background().lightness() > 160
        manager.set_mode("dark")
        qapp.processEvents()
        assert thumbnail_background().lightness() < 96
    finally:
        manager.set_mode("system")
