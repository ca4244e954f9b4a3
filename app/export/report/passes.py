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

Laying the whole story out again only to learn how a tighter glossary ends is wasted work too:
the glossary's layout depends only on the state it starts in, so after the first draft the
glossary alone is laid out from that state (a Trial: a document resumed there, report.template
.Resume) at each tightness until one leaves the last page well filled. The trials are trusted
only when one of the draft's own glossary reproduces the draft exactly (same last page, same
room left); the chosen build is then drawn at once with the trial's page count, and it must
reach the glossary in the draft's state and end as its trial did, or the report is built the
plain way. Its contents are the draft's, so a drawing pass that finds other page numbers is
followed by another, as any build's would be.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any, cast

from reportlab.lib.units import cm
from reportlab.platypus import Flowable, KeepTogether
from reportlab.platypus.doctemplate import IndexingFlowable
from reportlab.platypus.tableofcontents import TableOfContents

from app import progress
from app.export.report.styles import Heading
from app.export.report.template import LayoutMark, ReportDocTemplate, Resume

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


def expected_contents(flowables: Sequence[Flowable]) -> list[tuple[Any, ...]]:
    """The entries the contents will list, in order (the headings they are made from), their
    page numbers not known yet (0)."""
    found: list[tuple[Any, ...]] = []
    for flowable in flowables:
        if isinstance(flowable, Heading):
            if flowable.toc_markup is not None:
                found.append((flowable.outline_level, flowable.toc_markup, 0, flowable.bookmark))
        elif isinstance(flowable, KeepTogether):
            found += expected_contents(cast(Any, flowable)._content)
    return found


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


class _Entries(IndexingFlowable):
    """Collects the contents entries of a trial (what a table of contents would list)."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[tuple[Any, ...]] = []

    def notify(self, kind: str, stuff: Any) -> None:
        if kind == "TOCEntry":
            self.entries.append(tuple(stuff))

    def isSatisfied(self) -> bool:  # noqa: N802 (reportlab API)
        return True

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass


class Trial:
    """How the glossary ends when laid out alone from a recorded layout state, and the
    contents entries it makes."""

    def __init__(self, page: int, left: float, frame_height: float, entries: list[tuple[Any, ...]]):
        self.page, self.left, self.frame_height, self.entries = page, left, frame_height, entries

    @property
    def near_empty(self) -> bool:
        return self.page > 3 and self.frame_height - self.left < LAST_PAGE_MIN

    def ended(self, doc: ReportDocTemplate, end: End) -> bool:
        """Whether a build ended as this trial did."""
        return (doc.page, end.left, doc.frame.height) == (self.page, self.left, self.frame_height)


class _Plan:
    """A build decided from trials: its tightness index, the draft state it must reach the
    glossary in, and the trial it must end as."""

    def __init__(self, number: int, state: tuple[Any, ...], trial: Trial):
        self.number, self.state, self.trial = number, state, trial


class _Builds:
    """The builds of one report, tighter glossary after tighter glossary."""

    def __init__(self, body: list[Flowable], glossary: Glossary, new_doc: NewDoc, *, skip_drafts: bool):
        self.body, self.glossary, self.new_doc, self.skip_drafts = body, glossary, new_doc, skip_drafts
        self.unconfirmed: tuple[Any, ...] | None = None  # an abandoned build's (mark state, contents)
        self.plan: _Plan | None = None
        self.entries: dict[int, list[Flowable]] = {}  # the glossary's flowables, by tightness index

    def _entries(self, number: int) -> list[Flowable]:
        if number not in self.entries:
            self.entries[number] = self.glossary(GLOSSARY_TIGHTNESS[number])
        return self.entries[number]

    def run(self) -> bytes:
        # The contents' lines are known before any pass, only not their page numbers: set
        # from the start, the first pass lays the pages out as the last one will.
        for toc in _contents(self.body):
            if not toc._entries and not toc._lastEntries:
                toc._entries = expected_contents([*self.body, *self._entries(0)])
        pdf = b""
        number = 0
        while number < len(GLOSSARY_TIGHTNESS):
            tightest = number == len(GLOSSARY_TIGHTNESS) - 1
            entries = self._entries(number)
            end, mark = End(), LayoutMark(SECTION_ROOM)
            buffer = io.BytesIO()
            doc = self.new_doc(buffer)
            if not entries:
                doc.multiBuild([*self.body, end])
                return buffer.getvalue()
            story = [*self.body, mark, *entries, end]
            plan = self.plan
            if plan is not None and plan.number == number:
                # the contents as this build's draft would find them: the draft's up to the
                # glossary, then the trial's
                indexing = [f for f in self.body if f.isIndexing()]
                for toc, before in zip(indexing, plan.state[1][1:], strict=True):
                    if isinstance(toc, TableOfContents):
                        cast(Any, toc)._entries = [*before, *plan.trial.entries]
                doc.multiBuild(story, page_total=plan.trial.page)
                if doc.marks.get(id(mark)) != plan.state or not plan.trial.ended(doc, end):
                    raise _Unconfirmed
                return buffer.getvalue()  # the trials chose this build: the last one

            def after_pass(passes: int, doc: ReportDocTemplate = doc, end: End = end, mark: LayoutMark = mark,
                           number: int = number, tightest: bool = tightest) -> bool:  # fmt: skip
                return passes != 1 or self._after_draft(doc, end, mark, number, tightest)

            if not doc.multiBuild(story, after_pass=after_pass):
                number = self.plan.number if self.plan is not None else number + 1
                continue  # abandoned after its draft: the next build (or the planned one) confirms it
            pdf = buffer.getvalue()
            if tightest or not _near_empty(doc, end):
                break
            number += 1
        return pdf

    def _after_draft(
        self, doc: ReportDocTemplate, end: End, mark: LayoutMark, number: int, tightest: bool
    ) -> bool:
        """After a build's draft pass: check it confirms the draft abandoned before it, and
        whether to go on drawing (False: abandon it, its last page is near-empty)."""
        state = doc.marks.get(id(mark))
        if self.unconfirmed is not None and (state is None or state != self.unconfirmed):
            raise _Unconfirmed
        self.unconfirmed = None
        if self.skip_drafts and not tightest and state is not None and _near_empty(doc, end):
            self.plan = self._plan(doc, end, state, number)
            if self.plan is None:
                self.unconfirmed = state
            return False
        return True

    def _plan(self, doc: ReportDocTemplate, end: End, state: tuple[Any, ...], number: int) -> _Plan | None:
        """The build to draw after a near-empty draft, chosen by laying out the tighter
        glossaries alone from the draft's state; None when a trial of the draft's own glossary
        does not end as the draft did (or trials cannot start there)."""
        check = self.trial(state[0], self._entries(number))
        if check is None or not check.ended(doc, end):
            return None
        for later in range(number + 1, len(GLOSSARY_TIGHTNESS)):
            trial = self.trial(state[0], self._entries(later))
            if trial is None:
                return None
            if later == len(GLOSSARY_TIGHTNESS) - 1 or not trial.near_empty:
                return _Plan(later, state, trial)
        return None

    def trial(self, layout_state: tuple[Any, ...], entries: list[Flowable]) -> Trial | None:
        """How `entries` end when laid out from `layout_state` (a draft pass of them alone),
        or None when the document cannot resume there exactly (or the trial fails: the
        builds then show whether the report can be laid out, as they did without trials)."""
        doc = self.new_doc(io.BytesIO())
        doc.setProgressCallBack(None)  # not a pass of the report's build
        end, contents = End(), _Entries()
        story = [contents, Resume(layout_state), LayoutMark(SECTION_ROOM), *entries, end]
        try:
            doc.multiBuild(story, after_pass=_abandon)
        except progress.Cancelled:
            raise
        except Exception:  # e.g. reportlab's LayoutError
            return None
        if not doc.resumed:
            return None
        return Trial(doc.page, end.left, doc.frame.height, contents.entries)


def _abandon(_passes: int) -> bool:
    return False
