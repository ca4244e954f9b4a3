"""The findings badges of a scene's cards: each card's count of open findings and their worst
severity, given to the cards at once after a small check and in slices after a large one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from app.rules.model import SEVERITY_RANK

if TYPE_CHECKING:
    from app.rules.engine import CheckResult
    from app.ui.canvas.scene import DesignScene

BADGE_SLICE = 300  # cards given their badge per turn of the event loop after a check

Badge = tuple[int, str]  # open findings and the worst severity


def badges_of(result: CheckResult | None) -> dict[str, Badge]:
    """Each component's open (unaccepted) findings of `result`: count and worst severity."""
    badges: dict[str, Badge] = {}
    if result is None:
        return badges
    for finding in result.findings:
        if finding.accepted:
            continue
        for cid in set(finding.components):
            count, worst = badges.get(cid, (0, finding.severity))
            if SEVERITY_RANK[finding.severity] > SEVERITY_RANK[worst]:
                worst = finding.severity
            badges[cid] = (count + 1, worst)
    return badges


class CardBadges(QObject):
    """The badges of the last check shown on the scene's cards (a card built later gets its
    own from of() when it is added)."""

    def __init__(self, scene: DesignScene) -> None:
        super().__init__(scene)
        self._scene = scene
        self._badges: dict[str, Badge] = {}
        self._queue: list[str] = []  # cards still to get their badge from _badges
        self._slicing = False  # a turn of _slice is due

    def show(self, result: CheckResult | None) -> None:
        """The cards whose badge may have changed get the new one: at once when a few hundred
        at most, else BADGE_SLICE cards per turn of the event loop (a check of thousands of
        components badges thousands of cards; each re-lays out its text)."""
        old, self._badges = self._badges, badges_of(result)
        scene = self._scene
        self._queue = [cid for cid in set(self._badges) | set(old) if scene.component_item(cid) is not None]
        if len(self._queue) <= BADGE_SLICE:
            self._slice(at_once=True)
        elif not self._slicing:
            self._slicing = True
            self._slice()

    def _slice(self, at_once: bool = False) -> None:
        queue = self._queue
        count = len(queue) if at_once else BADGE_SLICE
        for cid in queue[-count:]:
            item = self._scene.component_item(cid)
            if item is not None:  # a card removed meanwhile has no badge to show
                number, severity = self._badges.get(cid, (0, ""))
                item.set_badge(number, severity or None)
        del queue[-count:]
        if queue:
            QTimer.singleShot(0, self, self._slice)
        else:
            self._slicing = False

    def finish(self) -> None:
        """Give every card still waiting its badge now (a caller that needs them all)."""
        if self._queue:
            self._slice(at_once=True)

    def pending(self) -> bool:
        """True while cards still wait for the badges of the last check."""
        return bool(self._queue)

    def current(self) -> dict[str, Badge]:
        return dict(self._badges)

    def of(self, component_id: str) -> Badge | None:
        return self._badges.get(component_id)
