"""The report's layout passes, with the glossary set tighter while the last page is near-empty.

The glossary is the story's last section. When the last page holds less than LAST_PAGE_MIN
points, the document is built again with the glossary set smaller (GLOSSARY_TIGHTNESS), up
to the tightest. Each build is reportlab's multiBuild: a draft pass collecting page numbers
for the contents and "Page N of M", then a pass that draws (more when the numbers moved).

Drawing a build only to find its last page near-empty is wasted work, so the decision is
taken after the draft pass and that build is abandoned before drawing. That is only sound
when the draft pass ends as its drawing pass would have, which holds when the next build
confirms it: everything before the glossary is the same flowables, so when the next build's
draft reaches the glossary in the same layout state (page, frame, position: a LayoutMark in
front of the glossary records it) with the same contents entries, the abandoned build's
drawing pass would have laid the glossary out exactly as its draft did. Otherwise the report
is built the plain way, every build drawn, from the contents' first state: the PDF is the
same either way (tests/export/test_report_passes.py compares them byte for byte).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

from reportlab.lib.units import cm
from reportlab.platypus import Flowable
from reportlab.platypus.tableofcontents import TableOfContents

from app.export.report.template import LayoutMark, ReportDocTemplate

SECTION_ROOM = 3.5 * cm  # the glossary starts on the current page when this much room is left
LAST_PAGE_MIN = 80.0  # points: a last page holding less is near-empty; the glossary tightens then
GLOSSARY_TIGHTNESS = (1.0, 0.92, 0.85)

NewDoc = Callable[[io.BytesIO], ReportDocTemplate]
Glossary = Callable[[float], list[Flowable]]


class End(Flowable):
    """The story's last flowable: records the room left on the last page (`left`, points)."""

    def __init__(self) -> None:
        super().__init__()
        self.left = 0.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.left = avail_height
        return 0, 0

    def draw(self) -> None:
        pass


class _Unconfirmed(Exception):
    """A build abandoned after its draft was not confirmed by the next one."""


def _near_empty(doc: ReportDocTemplate, end: End) -> bool:
    return doc.page > 3 and doc.frame.height - end.left < LAST_PAGE_MIN


def _contents(body: Sequence[Flowable]) -> list[Any]:
    """The story's tables of contents (their entries are reportlab's private state)."""
    return [f for f in body if isinstance(f, TableOfContents)]


def build_pdf(
    body: list[Flowable], glossary: Glossary, new_doc: NewDoc, *, skip_drafts: bool = True
) -> bytes:
    """The PDF of `body` followed by the glossary (glossary(tightness) -> its flowables, [] for
    none) at the loosest tightness that leaves the last page not near-empty (or the tightest).
    `new_doc(buffer)` makes the document template writing into buffer. skip_drafts=False
    draws every build (the plain way; the same PDF)."""
    contents = _contents(body)
    first_state = [(toc._entries[:], toc._lastEntries[:]) for toc in contents]
    if skip_drafts:
        try:
            return _Builds(body, glossary, new_doc, skip_drafts=True).run()
        except _Unconfirmed:
            for toc, (entries, last) in zip(contents, first_state, strict=True):
                toc._entries, toc._lastEntries = entries, last
    return _Builds(body, glossary, new_doc, skip_drafts=False).run()


class _Builds:
    """The builds of one report, tighter glossary after tighter glossary."""

    def __init__(self, body: list[Flowable], glossary: Glossary, new_doc: NewDoc, *, skip_drafts: bool):
        self.body, self.glossary, self.new_doc, self.skip_drafts = body, glossary, new_doc, skip_drafts
        self.unconfirmed: tuple[Any, ...] | None = None  # an abandoned build's (mark state, contents)

    def run(self) -> bytes:
        pdf = b""
        for number, tightness in enumerate(GLOSSARY_TIGHTNESS):
            tightest = number == len(GLOSSARY_TIGHTNESS) - 1
            entries = self.glossary(tightness)
            end, mark = End(), LayoutMark(SECTION_ROOM)
            buffer = io.BytesIO()
            doc = self.new_doc(buffer)
            if not entries:
                doc.multiBuild([*self.body, end])
                return buffer.getvalue()

            def after_pass(passes: int, doc: ReportDocTemplate = doc, end: End = end,
                           mark: LayoutMark = mark, tightest: bool = tightest) -> bool:  # fmt: skip
                return passes != 1 or self._after_draft(doc, end, mark, tightest)

            if not doc.multiBuild([*self.body, mark, *entries, end], after_pass=after_pass):
                continue  # abandoned after its draft: the next build confirms it
            pdf = buffer.getvalue()
            if tightest or not _near_empty(doc, end):
                break
        return pdf

    def _after_draft(self, doc: ReportDocTemplate, end: End, mark: LayoutMark, tightest: bool) -> bool:
        """After a build's draft pass: check it confirms the draft abandoned before it, and
        whether to go on drawing (False: abandon it, its last page is near-empty)."""
        state = doc.marks.get(id(mark))
        if self.unconfirmed is not None and (state is None or state != self.unconfirmed):
            raise _Unconfirmed
        self.unconfirmed = None
        if self.skip_drafts and not tightest and state is not None and _near_empty(doc, end):
            self.unconfirmed = state
            return False
        return True
