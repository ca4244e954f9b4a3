"""The document template: portrait and landscape pages, footer, outline and TOC hooks."""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable
from typing import Any, Literal, cast

from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, CondPageBreak, Frame, PageTemplate, Paragraph
from reportlab.platypus.doctemplate import ActionFlowable, IndexingFlowable
from reportlab.platypus.flowables import Flowable

from app.export.report.fonts import markup
from app.export.report.styles import (
    ACCENT,
    FOOTER_GAP,
    GRID,
    LANDSCAPE,
    MARGIN,
    MUTED,
    PORTRAIT,
    Heading,
    Styles,
)

FOOTER_SIZE = 7.5
FOOTER_TITLE_WIDTH = PORTRAIT[0] - 2 * MARGIN - 110


def _footer_title(title: str, font: str) -> str:
    """The title on one footer line: shortened with an ellipsis when it is too wide."""
    flat = " ".join(title.split())
    if stringWidth(flat, font, FOOTER_SIZE) <= FOOTER_TITLE_WIDTH:
        return flat
    low, high = 0, len(flat)
    while low < high:  # longest prefix that fits with the ellipsis
        mid = (low + high + 1) // 2
        if stringWidth(flat[:mid] + "…", font, FOOTER_SIZE) <= FOOTER_TITLE_WIDTH:
            low = mid
        else:
            high = mid - 1
    return flat[:low].rstrip() + "…"


class PageCounter(IndexingFlowable):
    """Invisible flowable that keeps multiBuild going until the page total is stable, so
    the footer can print "Page N of M" (M comes from the previous pass)."""

    def __init__(self, doc: ReportDocTemplate):
        super().__init__()
        self.doc = doc
        self.count: int | None = None
        self.previous: int | None = None

    def beforeBuild(self) -> None:  # noqa: N802 (reportlab API)
        self.previous, self.count = self.count, None
        self.doc.page_total = self.previous

    def notify(self, kind: str, stuff: Any) -> None:
        if kind == "PageCount":
            self.count = stuff

    def isSatisfied(self) -> bool:  # noqa: N802 (reportlab API)
        return self.count is not None and self.count == self.previous

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        pass


class LayoutMark(CondPageBreak):
    """A CondPageBreak whose document records, in each pass, the layout state and the contents
    entries collected just before it (ReportDocTemplate.marks): whatever follows is laid out
    alike after equal states."""


class Resume(ActionFlowable):
    """Put first in a story, it moves the document to a layout state recorded by
    ReportDocTemplate.layout_state() in another build (a portrait page, no switch pending),
    so that what follows is laid out as it was there. The document's `resumed` says whether
    it got there exactly."""

    def __init__(self, state: tuple[Any, ...]):
        super().__init__()
        self.state = state

    def apply(self, doc: Any) -> None:
        doc.resume(self.state)


def _skip_drawing(*_args: Any, **_kwargs: Any) -> None:
    return None


class DraftFrame(Frame):
    """A frame that, during a draft pass of its document, lays flowables out without drawing
    them: multiBuild's first pass only needs positions and page numbers."""

    def __init__(self, doc: ReportDocTemplate, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._doc = weakref.ref(doc)  # frames get deep-copied (KeepTogether): no strong link

    def add(self, flowable: Flowable, canv: Canvas, trySplit: int = 0) -> Literal[0, 1]:  # noqa: N803
        doc = self._doc()
        if doc is None or not doc.draft:
            return super().add(flowable, canv, trySplit)
        flowable.drawOn = _skip_drawing  # type: ignore[method-assign]
        try:
            return super().add(flowable, canv, trySplit)
        finally:
            del flowable.drawOn

    _add = add  # reportlab calls both names


class ReportDocTemplate(BaseDocTemplate):
    """Portrait pages by default, landscape ones for wide diagrams.

    Every Heading flowable gets a bookmark and an outline entry; headings at levels 0-1 also
    feed the table of contents (via the TOCEntry notification used by multiBuild).
    """

    def __init__(self, filename: Any, styles: Styles, **kwargs: Any):
        super().__init__(
            filename,
            pagesize=PORTRAIT,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=MARGIN,
            bottomMargin=MARGIN + 6 * mm,
            initialFontName=styles.fonts.regular,  # set at each page's start; Helvetica unless told
            **kwargs,
        )
        self.styles = styles
        self.page_total: int | None = None
        self.draft = False
        self._edit_sink: Callable[[tuple[Any, ...]], None] | None = None
        self._pass_edits: list[tuple[Any, ...]] = []
        # id(LayoutMark) -> (layout_state(), entries of the indexing flowables) just before it
        self.marks: dict[int, tuple[Any, ...]] = {}
        self.resumed = False
        self._footer_style = styles.small.clone(
            "footer", fontSize=FOOTER_SIZE, leading=9, textColor=MUTED, spaceBefore=0
        )
        self._footer_right = self._footer_style.clone("footer_right", alignment=2)
        self._footer_titles: dict[float, Paragraph] = {}
        self._footer_title = markup(
            _footer_title(kwargs.get("title", ""), styles.fonts.regular), styles.fonts, newlines=False
        )
        self.addPageTemplates(
            [
                PageTemplate(
                    id="cover",
                    frames=[self._frame(PORTRAIT, "cover")],
                    pagesize=PORTRAIT,
                    onPage=self._cover_band,
                ),
                PageTemplate(
                    id="portrait",
                    frames=[self._frame(PORTRAIT, "p")],
                    pagesize=PORTRAIT,
                    onPageEnd=self._footer,
                ),
                PageTemplate(
                    id="landscape",
                    frames=[self._frame(LANDSCAPE, "l")],
                    pagesize=LANDSCAPE,
                    onPageEnd=self._footer,
                ),
            ]
        )

    def multiBuild(  # noqa: N802 (reportlab API)
        self,
        story: list[Flowable],
        maxPasses: int = 10,  # noqa: N803
        after_pass: Callable[[int], bool] | None = None,
        page_total: int | None = None,
        **buildKwds: Any,  # noqa: N803
    ) -> int:
        """reportlab's multiBuild (passes until every indexing flowable is satisfied, then the
        PDF is saved), leaving the story's flowables as it found them: reportlab undoes its
        edits to them (postponed marks, keepWithNext) between passes but not after the last,
        and a flowable still marked postponed cannot be laid out again by another build.

        `after_pass(passes)` is called after each pass that leaves the build unfinished; when
        it returns False the build is abandoned there, nothing saved, and 0 returned.
        `page_total`: the page count expected, known from another build: the first pass then
        draws with it instead of being a draft (another pass follows if the count differs)."""
        counter = PageCounter(self)
        counter.count = page_total
        story = [counter, *story]
        indexing_flowables: list[Any] = [f for f in story if f.isIndexing()]
        self._indexingFlowables = indexing_flowables
        me = cast(Any, self)  # reportlab's private parts, not in its type stubs
        self._doSave = 0
        undo: list[tuple[Any, ...]] = []
        self._multiBuildEdits = undo.append
        passes = 0
        try:
            while True:
                passes += 1
                if me._onProgress:  # a first pass that draws stands for a draft's next pass
                    me._onProgress("PASS", passes + (page_total is not None))
                for indexing in indexing_flowables:
                    indexing.beforeBuild()
                self.build(story[:], **buildKwds)
                for indexing in indexing_flowables:
                    indexing.afterBuild()
                if me._allSatisfied():
                    self._doSave = 0
                    self.canv.save()
                    return passes
                if after_pass is not None and not after_pass(passes):
                    return 0
                if passes > maxPasses:
                    raise IndexError(f"Index entries not resolved after {maxPasses} passes")
                while undo:
                    edit = undo.pop(0)
                    edit[0](*edit[1:])
        finally:
            del self._multiBuildEdits
            for edit in reversed(self._pass_edits):
                with contextlib.suppress(AttributeError):
                    edit[0](*edit[1:])
            self._pass_edits = []

    # multiBuild records an undo for each edit through this attribute: keep the last pass's too.
    @property
    def _multiBuildEdits(self) -> Callable[[tuple[Any, ...]], None] | None:  # noqa: N802
        return self._record_edit if self._edit_sink is not None else None

    @_multiBuildEdits.setter
    def _multiBuildEdits(self, sink: Callable[[tuple[Any, ...]], None]) -> None:  # noqa: N802
        self._edit_sink = sink

    @_multiBuildEdits.deleter
    def _multiBuildEdits(self) -> None:  # noqa: N802
        self._edit_sink = None

    def _record_edit(self, edit: tuple[Any, ...]) -> None:
        self._pass_edits.append(edit)
        if self._edit_sink is not None:
            self._edit_sink(edit)

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        frame = getattr(self, "frame", None)  # none before the first page begins
        if self.draft and type(frame) is Frame:
            # A frame made during the build (balanced columns make one per column): it lays
            # out without drawing in a draft pass too. (Frame.__setattr__ would keep a
            # __class__ in the frame's dict.)
            object.__setattr__(frame, "__class__", DraftFrame)
            cast(Any, frame)._doc = weakref.ref(self)
        first = flowables[0] if flowables else None
        if isinstance(first, LayoutMark) and id(first) not in self.marks:
            contents = [list(getattr(f, "_entries", ())) for f in self._indexingFlowables]
            self.marks[id(first)] = (self.layout_state(), contents)
        super().handle_flowable(flowables)

    def resume(self, state: tuple[Any, ...]) -> None:
        """Move to `state` (a layout_state() of another build) on the current page: its page
        number, page template, frame and position in it. Only a portrait page with no template
        or frame switch pending is resumed; `resumed` tells whether the state is now exactly
        `state` (else what follows is laid out from wherever the document is)."""
        page, template_id, frame_id, x, y, at_top, left, right, before, after, generated = state[:11]
        self.resumed = False
        if (
            template_id != "portrait"
            or generated
            or any(v is not None and v is not False for v in state[11:])
        ):
            return
        chosen = next(t for t in self.pageTemplates if t.id == template_id)
        frame: Any = chosen.frames[0]
        if frame.id != frame_id:
            return
        self.pageTemplate = chosen
        frame._reset()
        self.frame = frame
        self.page = page
        frame._x, frame._y, frame._atTop, frame._prevASpace = x, y, at_top, before
        frame._leftExtraIndent = self._leftExtraIndent = left
        frame._rightExtraIndent = self._rightExtraIndent = right
        if after is not None:
            frame._oASpace = after
        cast(Any, self)._curPageFlowableCount = 0 if at_top else 1
        self.resumed = self.layout_state() == state

    def layout_state(self) -> tuple[Any, ...]:
        """Where the next flowable would go, everything its layout and the rest's depend on:
        page, template, frame and position in it, the space carried over, pending switches."""
        frame = cast(Any, self.frame)  # its private layout state, not in reportlab's type stubs
        return (
            self.page,
            self.pageTemplate.id,
            frame.id,
            frame._x,
            frame._y,
            frame._atTop,
            getattr(frame, "_leftExtraIndent", 0),
            getattr(frame, "_rightExtraIndent", 0),
            getattr(frame, "_prevASpace", None),
            getattr(frame, "_oASpace", None),
            bool(getattr(frame, "_generated_content", None)),
            getattr(self, "_nextPageTemplateIndex", None),
            getattr(self, "_nextPageTemplateCycle", None) is not None,
            getattr(self, "_nextFrameIndex", None),
        )

    def build(self, flowables: list[Flowable], *args: Any, **kwargs: Any) -> None:
        self._pass_edits = []  # multiBuild has undone the edits of the pass before
        self.marks = {}
        # multiBuild's first pass only collects page numbers (for the TOC and "of M"); it is
        # never the last pass, so costly drawings may skip it.
        self.draft = self.page_total is None
        # Streams are zlib-compressed either way; the extra ASCII85 layer only costs time
        # (pure Python without reportlab's accelerator) and a quarter more bytes.
        previous = rl_config.useA85
        rl_config.useA85 = 0
        try:
            super().build(flowables, *args, **kwargs)
        finally:
            rl_config.useA85 = previous
        self.notify("PageCount", self.page)

    def _footer(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        if self.draft:  # a draft pass is never saved, and the footer takes no room from the frame
            return
        width, _height = cast(Any, canv)._pagesize  # the page's own size (portrait or landscape)
        y = FOOTER_GAP
        canv.saveState()
        canv.setStrokeColor(GRID)
        canv.setLineWidth(0.5)
        canv.line(MARGIN, y + 11, width - MARGIN, y + 11)
        label = f"Page {doc.page} of {self.page_total}" if self.page_total else f"Page {doc.page}"
        number = Paragraph(label, self._footer_right)
        number.wrapOn(canv, 90, 20)
        number.drawOn(canv, width - MARGIN - 90, y)
        title = self._footer_titles.get(width)  # the same on every page: parsed once per page width
        if title is None:
            title = self._footer_titles[width] = Paragraph(self._footer_title, self._footer_style)
        title.wrapOn(canv, width - 2 * MARGIN - 100, 20)
        title.drawOn(canv, MARGIN, y)
        canv.restoreState()

    def _frame(self, pagesize: tuple[float, float], frame_id: str) -> Frame:
        width, height = pagesize
        return DraftFrame(
            self,
            MARGIN,
            MARGIN + 6 * mm,
            width - 2 * MARGIN,
            height - 2 * MARGIN - 6 * mm,
            id=frame_id,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )

    @staticmethod
    def _cover_band(canv: Canvas, doc: BaseDocTemplate) -> None:
        width, height = PORTRAIT
        canv.saveState()
        canv.setFillColor(ACCENT)
        canv.rect(0, height - 14 * mm, width, 14 * mm, stroke=0, fill=1)
        canv.rect(0, 0, width, 5 * mm, stroke=0, fill=1)
        canv.restoreState()

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 (reportlab API)
        if not isinstance(flowable, Heading) or flowable.bookmark is None:  # not a split's rest
            return
        key = flowable.bookmark
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(
            flowable.outline_text, key, level=flowable.outline_level, closed=flowable.outline_level > 0
        )
        if flowable.toc_markup is not None:
            self.notify("TOCEntry", (flowable.outline_level, flowable.toc_markup, self.page, key))
