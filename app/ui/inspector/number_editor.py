"""The editor of an int or float property: a spin box whose lowest value means 'unspecified',
with the unit as suffix and a clear button. It commits once per edit, as the other editors do."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QLocale, QRect, QSize, Qt, Signal
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QStyle, QStyleOptionSpinBox, QToolButton, QWidget

from app.domain.catalog import PropertySpec
from app.ui.inspector.field_keys import cancel_on_escape
from app.ui.inspector.property_text import UNSPECIFIED, humanize
from app.ui.range_feedback import FeedbackDoubleSpinBox, FeedbackSpinBox

_INT_LIMIT = 2_147_483_647
_FLOAT_LIMIT = 1e12  # the templates' event streams exceed a billion a day
# The narrowest a field gets still shows a value this wide with its unit ('0.0012 USD per 1k
# tokens', '250000 events/day'); the range's extremes would make every field far too wide.
_SAMPLE_VALUE = "888888"
_TEXT_MARGINS = 6  # the line edit's own margins and its cursor
# QFormLayout's WrapLongRows keeps a field beside its label when label and field fit without the
# spacing between them (10 px in the inspector), and then squeezes the field by that much.
_FORM_SPACING = 10


class _NullableSpinMixin:
    """The lowest value of the range (one step below the property's minimum) means 'unspecified'."""

    _floor: float

    def _setup(self, spec: PropertySpec, step: float, limit: float) -> None:
        low = spec.minimum if spec.minimum is not None else -limit
        high = spec.maximum if spec.maximum is not None else limit
        self._floor = low
        self.setRange(low - step, high)  # type: ignore[attr-defined]
        self.setSingleStep(step)  # type: ignore[attr-defined]
        self.setSpecialValueText(UNSPECIFIED)  # type: ignore[attr-defined]
        if spec.unit:
            self.setSuffix(f" {spec.unit}")  # type: ignore[attr-defined]
        self.setKeyboardTracking(False)  # type: ignore[attr-defined]
        self.setLocale(QLocale.c())  # type: ignore[attr-defined]
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # type: ignore[attr-defined]
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)  # type: ignore[attr-defined]

    def minimumSizeHint(self) -> QSize:
        metrics = self.fontMetrics()  # type: ignore[attr-defined]
        text = max(UNSPECIFIED, _SAMPLE_VALUE + self.suffix(), key=metrics.horizontalAdvance)  # type: ignore[attr-defined]
        height = super().minimumSizeHint().height()  # type: ignore[misc]
        option = QStyleOptionSpinBox()
        self.initStyleOption(option)  # type: ignore[attr-defined]
        option.rect = QRect(0, 0, 400, height)
        edit = self.style().subControlRect(  # type: ignore[attr-defined]
            QStyle.ComplexControl.CC_SpinBox, option, QStyle.SubControl.SC_SpinBoxEditField, self
        )
        chrome = option.rect.width() - edit.width()  # frame and arrows
        return QSize(metrics.horizontalAdvance(text) + _TEXT_MARGINS + chrome + _FORM_SPACING, height)

    def is_unset(self) -> bool:
        return self.value() == self.minimum()  # type: ignore[attr-defined]

    def _low(self) -> float:
        """The least value a user may type (the one below it is the 'unspecified' marker)."""
        return self._floor

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():  # type: ignore[attr-defined]
            super().wheelEvent(event)  # type: ignore[misc]
        else:
            event.ignore()

    def _step_from_unset(self) -> bool:
        if self.is_unset():
            start = self._floor if self._floor > -_FLOAT_LIMIT else 0
            self.setValue(start)  # type: ignore[attr-defined]
            return True
        return False


class NullableIntSpin(_NullableSpinMixin, FeedbackSpinBox):
    def __init__(self, spec: PropertySpec, parent: QWidget | None = None):
        super().__init__(parent)
        self._setup(spec, 1, _INT_LIMIT - 1)

    def stepBy(self, steps: int) -> None:
        if not self._step_from_unset():
            super().stepBy(steps)


class NullableFloatSpin(_NullableSpinMixin, FeedbackDoubleSpinBox):
    def __init__(self, spec: PropertySpec, parent: QWidget | None = None):
        super().__init__(parent)
        fraction = spec.maximum is not None and spec.maximum <= 1
        self.setDecimals(4 if fraction else 6)  # a token price of 0.0012 USD, a Brier score of 0.0017
        self._setup(spec, 0.01 if fraction else 1.0, _FLOAT_LIMIT)

    def textFromValue(self, value: float) -> str:
        text = f"{value:.{self.decimals()}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text

    def stepBy(self, steps: int) -> None:
        if not self._step_from_unset():
            super().stepBy(steps)


class NumberEditor(QWidget):
    """An int or float property: a spin box with the unit as suffix and a clear button;
    `refused(str)` says why a typed number out of the property's range was not taken."""

    committed = Signal(object)
    refused = Signal(str)

    def __init__(self, spec: PropertySpec, parent: QWidget | None = None):
        super().__init__(parent)
        self.spec = spec
        self.spin: NullableIntSpin | NullableFloatSpin = (
            NullableIntSpin(spec, self) if spec.type == "int" else NullableFloatSpin(spec, self)
        )
        self.clear_button = QToolButton(self)
        self.clear_button.setText("✕")
        self.clear_button.setAutoRaise(True)
        self.clear_button.setToolTip("Clear (unspecified)")
        self.clear_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.spin, 1)
        layout.addWidget(self.clear_button)
        self._shown: Any = None
        self.spin.setValue(self.spin.minimum())
        self._touched = False  # set_value blocks the spin's signals: these two come from the user
        self.spin.lineEdit().textEdited.connect(self._touch)
        self.spin.valueChanged.connect(self._touch)
        self.spin.editingFinished.connect(self.commit_pending)
        self.spin.refused.connect(lambda text: self.refused.emit(f"{humanize(spec.name, spec.unit)}: {text}"))
        self.clear_button.clicked.connect(self.clear)
        self.setFocusProxy(self.spin)
        self.setFocusPolicy(self.spin.focusPolicy())  # Qt moves a NoFocus widget in no tab order

    def current(self) -> int | float | None:
        if self.spin.is_unset():
            return None
        value = self.spin.value()
        return int(value) if self.spec.type == "int" else float(value)

    def is_editing(self) -> bool:
        return self.spin.hasFocus() and self._touched

    def _touch(self, *_: object) -> None:
        self._touched = True

    def set_value(self, value: int | float | None) -> None:
        if self.is_editing():
            return
        self._shown = value
        self.spin.blockSignals(True)
        self.spin.setValue(self.spin.minimum() if value is None else value)
        self.spin.blockSignals(False)
        self._touched = False
        self.clear_button.setEnabled(value is not None)

    def event(self, event: QEvent) -> bool:
        # Esc pressed in the spin box comes on to its editor, unaccepted
        if cancel_on_escape(event, self.cancel_edit):
            return False
        return super().event(event)

    def cancel_edit(self) -> None:
        """Back to the design's value, whatever was typed or stepped to since."""
        if self._touched:
            self._touched = False  # set_value leaves a field being edited alone
            self.set_value(self._shown)

    def commit_pending(self) -> None:
        if not self._touched:  # the design's value stands, even one shown rounded or clamped
            return
        self._touched = False
        value = self.current()
        if value != self._shown:
            self._shown = value
            self.clear_button.setEnabled(value is not None)
            self.committed.emit(value)

    def clear(self) -> None:
        self.spin.setValue(self.spin.minimum())
        self._touched = True  # a value below the range shows as 'unspecified' already
        self.commit_pending()
