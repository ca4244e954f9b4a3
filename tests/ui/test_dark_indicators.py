"""Check boxes stay visible on the dark palette (Fusion draws their rim near-black on near-black)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QCheckBox, QRadioButton, QStyle, QStyleOptionButton

from app.ui.theme import ThemeManager


@pytest.fixture
def themed(qapp):
    manager = ThemeManager.instance()
    yield manager
    manager.set_mode("light")


def rim_contrast(button: QCheckBox | QRadioButton) -> int:
    """How far the pixel of the indicator that stands out most is from the base behind it."""
    button.resize(160, 30)
    image = button.grab().toImage()
    option = QStyleOptionButton()
    button.initStyleOption(option)
    element = (
        QStyle.SubElement.SE_RadioButtonIndicator
        if isinstance(button, QRadioButton)
        else QStyle.SubElement.SE_CheckBoxIndicator
    )
    rect = button.style().subElementRect(element, option, button)
    base = button.palette().color(QPalette.ColorRole.Base).lightness()
    return max(
        abs(QColor(image.pixel(x, y)).lightness() - base)
        for x in range(rect.left(), rect.right() + 1)
        for y in range(rect.top(), rect.bottom() + 1)
    )


@pytest.mark.parametrize("kind", [QCheckBox, QRadioButton])
def test_unchecked_indicator_has_a_visible_rim_on_dark(themed, qtbot, kind):
    themed.set_mode("dark")
    button = kind("Show moves")
    qtbot.addWidget(button)
    assert rim_contrast(button) >= 80


def test_light_theme_keeps_fusion_look(themed, qtbot):
    themed.set_mode("light")
    assert themed.app.style().name() == "fusion"
    button = QCheckBox("Pinned")
    qtbot.addWidget(button)
    assert rim_contrast(button) >= 40  # Fusion's own grey rim on the white base
