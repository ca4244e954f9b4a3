"""Pixmaps by key within a budget of bytes, the least recently used dropped first: the base of
the card chromes shared per look (card_chrome.ChromeCache) and the cards kept per zoom level
(level_pixmaps.LevelPixmaps)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

from PySide6.QtGui import QPixmap


def pixmap_bytes(pixmap: QPixmap) -> int:
    return pixmap.width() * pixmap.height() * max(1, pixmap.depth() // 8)


class PixmapLru:
    """At most `budget` bytes of pixmaps (`bytes` of them now); a subclass hears of each one the
    budget drops (`_dropped`)."""

    def __init__(self, budget: int):
        self.budget = budget
        self.bytes = 0
        self._pixmaps: OrderedDict[Hashable, QPixmap] = OrderedDict()

    def __len__(self) -> int:
        return len(self._pixmaps)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._pixmaps

    def clear(self) -> None:
        self._pixmaps.clear()
        self.bytes = 0

    def _get(self, key: Hashable) -> QPixmap | None:
        """The pixmap of `key`, now the most recently used; None if there is none."""
        found = self._pixmaps.get(key)
        if found is not None:
            self._pixmaps.move_to_end(key)
        return found

    def _pop(self, key: Hashable) -> None:
        found = self._pixmaps.pop(key, None)
        if found is not None:
            self.bytes -= pixmap_bytes(found)

    def _put(self, key: Hashable, pixmap: QPixmap) -> None:
        """Keep `pixmap` as `key`, replacing any (`_trim` then keeps the budget)."""
        self._pop(key)
        self._pixmaps[key] = pixmap
        self.bytes += pixmap_bytes(pixmap)

    def _trim(self) -> None:
        while self.bytes > self.budget and len(self._pixmaps) > 1:
            key, dropped = self._pixmaps.popitem(last=False)
            self.bytes -= pixmap_bytes(dropped)
            self._dropped(key)

    def _dropped(self, key: Hashable) -> None:
        """`key` was dropped to stay within the budget."""
