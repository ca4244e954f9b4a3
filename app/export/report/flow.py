"""Where a section starts: on the current page when there is room for a good start of it, or
when it fits there whole (a short section is not left alone on a page it could share); and
the headings before a section's first kept-together block kept with it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer, Table


def _fits_whole(flowables: Sequence[Flowable], width: float, height: float, canv: Any = None) -> bool:
    """Whether `flowables` laid one after the other take at most `height` points. Only plain
    text, tables and spacers are measured (and at most until `height` is passed): anything
    else (page breaks, figures, template switches) counts as not fitting."""
    used = 0.0
    for number, flowable in enumerate(flowables):
        if isinstance(flowable, KeepTogether):
            content: Any = cast(Any, flowable)._content
            if not _fits_whole(content, width, height - used, canv):
                return False
            flowable.wrapOn(canv, width, height - used)  # KeepTogether.wrap needs its canvas
            used += float(getattr(flowable, "_H", 0.0))
            continue
        if not isinstance(flowable, Paragraph | Table) and type(flowable) is not Spacer:
            return False
        _w, h = flowable.wrap(width, height - used)
        used += h + flowable.getSpaceAfter() + (flowable.getSpaceBefore() if number else 0.0)
        if used > height:
            return False
    return True


class SectionBreak(CondPageBreak):
    """A CondPageBreak of `height` that does not break when the section after it, `section`,
    fits whole in the room left."""

    def __init__(self, height: float, section: Sequence[Flowable]):
        super().__init__(height)
        self.section = list(section)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        canv = getattr(self, "canv", None)  # set by wrapOn, as the frame wraps it
        if availHeight < self.height and _fits_whole(self.section, availWidth, availHeight, canv):
            return 0, 0
        result: tuple[float, float] = super().wrap(availWidth, availHeight)
        return result


def lead_kept(story: list[Flowable]) -> list[Flowable]:
    """The flowables before the story's first KeepTogether moved into it: reportlab keeps a
    heading with the next flowable (keepWithNext) only when that is no KeepTogether, so a
    section's heading stayed alone at the foot of a page while its first block moved on."""
    for index, flowable in enumerate(story):
        if isinstance(flowable, KeepTogether):
            first = KeepTogether([*story[:index], *cast(Any, flowable)._content])
            return [first, *story[index + 1 :]]
    return story
