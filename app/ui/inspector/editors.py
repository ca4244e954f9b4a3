"""Editors generated from property specs, plus line/text editors that commit once per edit.

Every editor emits `committed(value)` when the user finishes an edit (Enter, focus out, a
combo choice, a checkbox click), never per keystroke, so each edit is one undo step.
`set_value` shows a value from the document without clobbering an edit in progress.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QLocale, QSize, Qt, Signal
from PySide6.QtGui import QFocusEvent, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from app.domain.catalog import PropertySpec
from app.ui.range_feedback import FeedbackDoubleSpinBox, FeedbackSpinBox
from app.ui.theme import tooltip_html

UNSPECIFIED = "unspecified"
_INT_LIMIT = 2_147_483_647
_FLOAT_LIMIT = 1e12  # the templates' event streams exceed a billion a day
# Abbreviations written in capitals in labels ("latency_slo_ms" -> "Latency SLO").
_WORDS = {
    w: w.upper()
    for w in ("slo", "qps", "pii", "ttl", "hpo", "cv", "ct", "cd", "kpi", "sla", "ml", "id", "cpu", "gpu")
} | {"gflops": "GFLOPs"}
_UNIT_TAILS = {"ms", "s", "hours", "days", "pct", "millions"}


def humanize(name: str, unit: str | None = None) -> str:
    """'latency_slo_ms' -> 'Latency SLO' (the unit is shown by the editor)."""
    words = name.split("_")
    if unit and len(words) > 1 and words[-1] in _UNIT_TAILS:
        words = words[:-1]
    text = " ".join(_WORDS.get(w, w) for w in words)
    return text[:1].upper() + text[1:]


def value_label(value: str) -> str:
    return value.replace("_", " ")


def property_tooltip(spec: PropertySpec) -> str:
    detail = (
        f"{spec.description}\n\nType: {spec.describe_type()}" if spec.description else spec.describe_type()
    )
    return tooltip_html(detail, spec.name)


class CommitLineEdit(QLineEdit):
    """A line edit that reports its text once per edit (Enter or focus out)."""

    committed = Signal(object)

    def __init__(self, parent: QWidget | None = None, empty_is_none: bool = False):
        super().__init__(parent)
        self._shown = ""
        self._empty_is_none = empty_is_none
        self.editingFinished.connect(self._finish)

    def is_editing(self) -> bool:
        return self.hasFocus() and self.text() != self._shown

    def set_value(self, value: str | None) -> None:
        if self.is_editing():
            return
        self._shown = value or ""
        if self.text() != self._shown:
            self.setText(self._shown)
            self.setCursorPosition(0)

    def _finish(self) -> None:
        if self.text() == self._shown:
            return
        self._shown = self.text()
        self.committed.emit(self.parsed())

    def parsed(self) -> Any:
        text = self.text()
        return None if self._empty_is_none and not text.strip() else text

    def commit_pending(self) -> None:
        self._finish()

    def set_suggestions(self, words: list[str]) -> None:
        completer = QCompleter(words, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setMaxVisibleItems(12)
        completer.activated.connect(lambda _text: self._finish())
        self.setCompleter(completer)


class ListLineEdit(CommitLineEdit):
    """A list of short texts typed as comma-separated items."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, empty_is_none=True)
        self.setPlaceholderText("comma-separated items")

    def set_value(self, value: list[str] | None) -> None:  # type: ignore[override]
        super().set_value(", ".join(value or []))

    def parsed(self) -> list[str] | None:
        items = [part.strip() for part in self.text().split(",")]
        items = [item for item in items if item]
        return items or None


class CommitTextEdit(QPlainTextEdit):
    """Multi-line text committed when focus leaves (one undo step per visit)."""

    committed = Signal(object)

    def __init__(self, parent: QWidget | None = None, lines: int = 4):
        super().__init__(parent)
        self._shown = ""
        self.setTabChangesFocus(True)
        height = self.fontMetrics().lineSpacing() * lines + 14
        self.setFixedHeight(height)

    def is_editing(self) -> bool:
        return self.hasFocus() and self.toPlainText() != self._shown

    def set_value(self, value: str | None) -> None:
        if self.is_editing():
            return
        self._shown = value or ""
        if self.toPlainText() != self._shown:
            self.setPlainText(self._shown)

    def commit_pending(self) -> None:
        if self.toPlainText() != self._shown:
            self._shown = self.toPlainText()
            self.committed.emit(self._shown)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.commit_pending()


class ChoiceCombo(QComboBox):
    """Enum or tri-state bool: 'unspecified' first, then the choices; commits on activation."""

    committed = Signal(object)

    def __init__(self, choices: list[tuple[str, Any]], parent: QWidget | None = None):
        super().__init__(parent)
        self.addItem(UNSPECIFIED, None)
        for label, data in choices:
            self.addItem(label, data)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(8)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.activated.connect(lambda _i: self.committed.emit(self.currentData()))

    def wheelEvent(self, event: QWheelEvent) -> None:
        # Scrolling the inspector must not change values under the pointer.
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()

    def is_editing(self) -> bool:
        return False

    def set_value(self, value: Any) -> None:
        index = self.findData(value) if value is not None else 0
        self.setCurrentIndex(max(index, 0))

    def commit_pending(self) -> None:
        pass


class CheckList(QListWidget):
    """A set property: one checkbox per allowed value; each click is one edit."""

    committed = Signal(object)

    def __init__(self, values: tuple[str, ...], parent: QWidget | None = None):
        super().__init__(parent)
        self._loading = False
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for value in values:
            item = QListWidgetItem(value_label(value), self)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        rows = max(self.count(), 1)
        self.setFixedHeight(self.sizeHintForRow(0) * rows + 2 * self.frameWidth() + 2)
        self.itemChanged.connect(self._changed)

    def is_editing(self) -> bool:
        return False

    def checked(self) -> list[str]:
        return [
            self.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.count())
            if self.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_value(self, value: list[str] | None) -> None:
        chosen = set(value or [])
        self._loading = True
        try:
            for i in range(self.count()):
                item = self.item(i)
                on = item.data(Qt.ItemDataRole.UserRole) in chosen
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        finally:
            self._loading = False

    def set_checked(self, value: str, on: bool) -> None:
        """Tick or untick one value as a user click would (used by keyboard and tests)."""
        for i in range(self.count()):
            if self.item(i).data(Qt.ItemDataRole.UserRole) == value:
                self.item(i).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def _changed(self, _item: QListWidgetItem) -> None:
        if not self._loading:
            self.committed.emit(self.checked() or None)

    def commit_pending(self) -> None:
        pass


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

    def minimumSizeHint(self) -> QSize:
        return QSize(70, super().minimumSizeHint().height())


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

    def minimumSizeHint(self) -> QSize:
        return QSize(70, super().minimumSizeHint().height())


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


PropertyWidget = ChoiceCombo | CheckList | NumberEditor | CommitLineEdit


def make_property_editor(spec: PropertySpec, parent: QWidget | None = None) -> PropertyWidget:
    """The editor for one property, chosen by its type."""
    editor: PropertyWidget
    if spec.type == "enum":
        editor = ChoiceCombo([(value_label(v), v) for v in spec.values], parent)
    elif spec.type == "bool":
        editor = ChoiceCombo([("yes", True), ("no", False)], parent)
    elif spec.type == "set":
        editor = CheckList(spec.values, parent)
    elif spec.type in ("int", "float"):
        editor = NumberEditor(spec, parent)
    elif spec.type == "list":
        editor = ListLineEdit(parent)
    else:
        editor = CommitLineEdit(parent, empty_is_none=True)
    editor.setToolTip(property_tooltip(spec))
    editor.setObjectName(f"prop_{spec.name}")
    return editor
