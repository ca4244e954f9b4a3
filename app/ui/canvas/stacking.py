"""Stacking order of the cards: the most recently added or moved card is drawn on top.

Cards share one band of z values between the links (0) and the connection line being drawn
(10). Qt draws and hit-tests in the same order (z, then insertion), so a press always picks
the card that is visibly on top; the zoomed-out overview paints overlapping cards in this
order too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from PySide6.QtWidgets import QGraphicsItem

Card = TypeVar("Card", bound=QGraphicsItem)

CARD_Z = 1.0
Z_STEP = 1e-4
Z_SPAN = 8.0  # cards stay below the connection line (z 10)


class CardStack:
    """Hands out increasing z values; renumbers the cards when the band runs out."""

    def __init__(self) -> None:
        self.top = 0

    def raise_card(self, item: QGraphicsItem, cards: Iterable[QGraphicsItem]) -> None:
        """Put `item` above every card in `cards`."""
        self.top += 1
        if self.top * Z_STEP > Z_SPAN:
            others = sorted((c for c in cards if c is not item), key=lambda c: c.zValue())  # stable
            for n, card in enumerate(others):
                card.setZValue(CARD_Z + n * Z_STEP)
            self.top = len(others)
        item.setZValue(CARD_Z + self.top * Z_STEP)


def in_stacking_order(cards: Iterable[Card]) -> list[Card]:
    """Bottom first, as Qt draws them (z, then insertion order for equal z)."""
    return sorted(cards, key=lambda c: c.zValue())
