"""Spin boxes that say why a typed number was not taken, instead of dropping it in silence.

A QSpinBox refuses a number outside its range without a word: a key that would go above the
maximum does nothing, and a value below the minimum (typed "1" where 5 is the least) is put
back to the previous value when the field loses focus. These classes emit `refused(text)` with
the reason, and clamp to the nearest bound so what was kept is what the message says.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox, QWidget

from app.domain.units import figure


def out_of_range_message(typed: float, low: float, high: float, suffix: str, kept: float) -> str:
    """'1 min is below the minimum of 5 min: set to 5 min.' (numbers as the app writes them:
    '2,000,000,000,000', not '2e+12')"""
    unit = suffix.strip()
    def show(v: float) -> str:
        return f"{figure(v)} {unit}".strip()
    side = "below the minimum" if typed < low else "above the maximum"
    bound = low if typed < low else high
    return f"{show(typed)} is {side} of {show(bound)}: set to {show(kept)}."


def _number(text: str, prefix: str, suffix: str) -> float | None:
    body = text.strip()
    if prefix and body.startswith(prefix):
        body = body[len(prefix):]
    if suffix.strip() and body.endswith(suffix.strip()):
        body = body[: -len(suffix.strip())]
    try:
        return float(body.strip().replace(",", ""))
    except ValueError:
        return None


_NUMBER_THEN_LETTER = re.compile(r"^[+-]?[\d.,\s]*\d[\d.,\s]*([^\W\d_])")


def _typed_letter(text: str, prefix: str, suffix: str) -> str:
    """The letter typed after a number ("20k", "1.5m"; the prefix and the unit aside), or ""
    (a digit typed into the middle of "unspecified" is no such case)."""
    body = text.strip()
    if prefix and body.startswith(prefix):
        body = body[len(prefix):]
    if suffix.strip() and body.endswith(suffix.strip()):
        body = body[: -len(suffix.strip())]
    found = _NUMBER_THEN_LETTER.match(body.strip())
    return found.group(1) if found else ""


class _RangeFeedback:
    """Shared logic; `_low()` is the least value the user may type (a special value aside)."""

    def _refuse(self, text: str) -> None:
        self.refused.emit(text)  # type: ignore[attr-defined]  # each spin box class declares it

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        result = super().validate(text, pos)  # type: ignore[misc]  # the Qt spin box after us
        self._validate_typed(text, result[0] if isinstance(result, tuple) else result)
        return result  # type: ignore[no-any-return]

    def _low(self) -> float:
        return float(self.minimum())  # type: ignore[attr-defined]

    def _check_typed(self, text: str) -> float | None:
        """The bound to clamp to when `text` is a number outside the range, else None."""
        typed = _number(text, self.prefix(), self.suffix())  # type: ignore[attr-defined]
        if typed is None:
            return None
        low, high = self._low(), float(self.maximum())  # type: ignore[attr-defined]
        if low <= typed <= high:
            return None
        kept = low if typed < low else high
        self._refuse(out_of_range_message(typed, low, high, self.suffix(), kept))  # type: ignore[attr-defined]
        return kept

    def _validate_typed(self, text: str, state: QValidator.State) -> None:
        if state != QValidator.State.Invalid:
            return
        # a keystroke that makes the number impossible (past the maximum, under a negative
        # minimum): Qt drops the key, the message says why
        typed = _number(text, self.prefix(), self.suffix())  # type: ignore[attr-defined]
        low = self._low()
        if typed is None and low >= 0 and text.strip().startswith("-"):
            # "-5" became 5 without a word: Qt drops the minus where no negative is allowed
            unit = self.suffix()  # type: ignore[attr-defined]
            self._refuse(f"“-” is not taken: the minimum is {figure(low)}{unit}.")
            return
        if typed is None:
            letter = _typed_letter(text, self.prefix(), self.suffix())  # type: ignore[attr-defined]
            special = self.specialValueText()  # type: ignore[attr-defined]
            # "20k": Qt drops the "k" and 20 is kept, a thousand times less than meant
            if letter and not (special and special in text):
                self._refuse(f"“{letter}” is not taken: type the number in digits (20000, not 20k).")
            return
        high = float(self.maximum())  # type: ignore[attr-defined]
        unit = self.suffix()  # type: ignore[attr-defined]
        if typed > high:
            self._refuse(f"{figure(typed)} is above the maximum of {figure(high)}{unit}: not taken.")
        elif typed < low:
            self._refuse(f"{figure(typed)} is below the minimum of {figure(low)}{unit}: not taken.")


class FeedbackSpinBox(_RangeFeedback, QSpinBox):
    """A QSpinBox emitting `refused(str)` when a typed number is out of range (then clamped)."""

    refused = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)

    def fixup(self, text: str) -> str:
        kept = self._check_typed(text)
        if kept is not None:
            return self.textFromValue(int(kept)) if not self.suffix() else (
                self.prefix() + self.textFromValue(int(kept)) + self.suffix()
            )
        return super().fixup(text)


class FeedbackDoubleSpinBox(_RangeFeedback, QDoubleSpinBox):
    """A QDoubleSpinBox emitting `refused(str)` when a typed number is out of range."""

    refused = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)

    def fixup(self, text: str) -> str:
        kept = self._check_typed(text)
        if kept is not None:
            return self.prefix() + self.textFromValue(kept) + self.suffix()
        return super().fixup(text)
