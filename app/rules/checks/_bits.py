"""Bit masks over a list (bit i stands for the list's item i): the items a mask selects
(`pick`), a mask as one byte per item (`bit_row`), and the columns of a matrix of masks
(`transpose`), each made in C rather than bit by bit."""

from __future__ import annotations

from itertools import compress
from typing import TypeVar

T = TypeVar("T")
_BIT_BYTES = bytes.maketrans(b"01", b"\0\1")
_DIGITS = bytes.maketrans(b"\0\1", b"01")


def pick(seq: list[T], mask: int) -> list[T]:
    """The items of `seq` whose bits are set in `mask` (bit i stands for seq[i])."""
    if not mask:
        return []
    digits = bin(mask)[:1:-1]  # digits[i] is bit i
    if mask.bit_count() * 16 > len(digits):  # dense: select in C rather than find each bit
        return list(compress(seq, digits.encode().translate(_BIT_BYTES)))
    found = []
    i = digits.find("1")
    while i >= 0:
        found.append(seq[i])
        i = digits.find("1", i + 1)
    return found


def bit_row(mask: int, count: int) -> bytes:
    """`count` bytes, byte i one when bit i of `mask` is set and zero otherwise."""
    return bin(mask)[:1:-1].encode().translate(_BIT_BYTES)[:count].ljust(count, b"\0")


def transpose(rows: list[int], count: int) -> list[int]:
    """The columns of a matrix of bits given by its rows: for each of `count` columns k, the
    mask of the rows (bit i for rows[i]) whose bit k is set; made in C, not bit by bit."""
    if not rows:
        return [0] * count
    columns = zip(*(bit_row(row, count) for row in rows), strict=True)
    return [int(bytes(column)[::-1].translate(_DIGITS), 2) for column in columns]
