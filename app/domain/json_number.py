"""JSON numbers a float cannot hold, kept as written.

A file may hold, in a field this version does not know, a number beyond a float's range
(`1e400`) or with more digits than a float keeps (`0.10000000000000000001`). Read as a float it
would be written back as `null` or as another number: the loader reads such a literal as an
`ExactNumber` instead, a float (its nearest value, for arithmetic) that remembers its text, and
every writer of design JSON writes that text back. Typed fields (positions, properties) still
take floats: the loader refuses an infinite one there and pydantic makes the others plain floats.
"""

from __future__ import annotations

import json
import math
import uuid
from decimal import Decimal
from typing import Any


class ExactNumber(float):
    """A float read from a JSON literal it does not equal; `text` is that literal."""

    text: str

    def __new__(cls, text: str) -> ExactNumber:
        number = super().__new__(cls, text)
        number.text = text
        return number

    def __reduce__(self) -> tuple[Any, ...]:  # copies and pickles keep the text
        return (ExactNumber, (self.text,))

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ExactNumber):
            return Decimal(self.text) == Decimal(other.text)
        if isinstance(other, int | float) and not isinstance(other, bool):
            return Decimal(self.text) == Decimal(other)
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(Decimal(self.text))


def parse_float(text: str) -> float:
    """json's `parse_float`: a float, or an ExactNumber when the float would change the value."""
    number = float(text)
    if len(text) < 16 and "e" not in text and "E" not in text:
        return number  # at most 15 significant digits and no exponent: the float's repr equals it
    if math.isfinite(number) and Decimal(repr(number)) == Decimal(text):
        return number
    return ExactNumber(text)


def dumps(value: Any, **options: Any) -> str:
    """`json.dumps(value, **options)`, each ExactNumber written as its text."""
    texts: list[str] = []
    nonce = uuid.uuid4().hex
    swapped = _swap(value, texts, nonce)
    out = json.dumps(swapped, **options)
    for index, text in enumerate(texts):
        out = out.replace(json.dumps(f"{nonce}:{index}"), text, 1)
    return out


def has_exact(value: Any) -> bool:
    if type(value) is ExactNumber:
        return True
    if isinstance(value, dict):
        return any(has_exact(v) for v in value.values())
    if isinstance(value, list):
        return any(has_exact(v) for v in value)
    return False


def _swap(value: Any, texts: list[str], nonce: str) -> Any:
    if type(value) is ExactNumber:
        texts.append(value.text)
        return f"{nonce}:{len(texts) - 1}"
    if isinstance(value, dict):
        return {k: _swap(v, texts, nonce) for k, v in value.items()}
    if isinstance(value, list):
        return [_swap(v, texts, nonce) for v in value]
    return value
