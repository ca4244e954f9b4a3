"""The diagrams in the report: Graphviz SVG drawn as vector graphics through svglib.

Two kinds of diagram:

* the system diagram, one overview of the whole design in the orientation that reads best
  on a page (stages left to right or top to bottom), shown whole on one page, landscape when
  it is wide; past OVERVIEW_LABEL_LIMIT links its links are drawn without flow labels;
* one diagram per stage, at the start of that stage's section: the stage's components and,
  greyed, the components of other stages linked to them (dot.build_stage_graph). It is laid
  out left to right unless top to bottom shows it clearly larger, scaled to the text width,
  shrunk to fit the page down to MIN_STAGE_SCALE, and given a page of its own (landscape
  when that shows it larger) when it is still too big. A stage whose diagram would show more
  than STAGE_DIAGRAM_LIMIT components gets a note instead.

If Graphviz is missing or fails, the report gets a note instead of the diagram.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Group, String
from reportlab.pdfbase.pdfdoc import PDFResourceDictionary
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, NextPageTemplate, PageBreak, Paragraph
from svglib.svglib import svg2rlg

from app.domain.catalog import Catalog
from app.domain.model import Design
from app.export.dot import build_stage_graph, stage_view, to_dot
from app.export.renderer import RenderError, render
from app.export.report.fonts import FontSet, drawing_font, markup
from app.export.report.styles import LANDSCAPE, MARGIN, PORTRAIT, Styles, heading, rich

BOTH_ORIENTATIONS_UP_TO = 80  # components; bigger designs are only rendered left to right
OVERVIEW_LABEL_LIMIT = 40  # links; a bigger overview leaves flows to the stage diagrams and text
MIN_STAGE_SCALE = 0.55  # below this a stage diagram gets a page of its own
STAGE_DIAGRAM_LIMIT = 60  # components shown (the stage's own and linked ones); more: a note
TB_PREFERENCE = 1.15  # top to bottom is used when it shows a stage diagram this much larger
STAGE_HEAD_ROOM = 80.0  # heading and intro above a stage diagram on its page
_HEADING_SPACE = 48.0


def frame_for(pagesize: tuple[float, float], head: float = _HEADING_SPACE) -> tuple[float, float]:
    """Width and height a diagram has on a page of `pagesize` below `head` points of text."""
    width, height = pagesize
    return width - 2 * MARGIN, height - 2 * MARGIN - 17 - head


def best_fit(width: float, height: float, head: float = _HEADING_SPACE) -> tuple[str, float]:
    """The page template ("portrait"/"landscape") showing a width x height box largest, and
    the scale (capped at 1)."""
    fits = []
    for name, size in (("portrait", PORTRAIT), ("landscape", LANDSCAPE)):
        fw, fh = frame_for(size, head)
        fits.append((min(fw / width, fh / height, 1.0), name == "portrait", name))
    scale, _prefer_portrait, name = max(fits)
    return name, scale


def _svg_size(svg: bytes) -> tuple[float, float]:
    match = re.search(rb'<svg[^>]*?width="([\d.]+)pt"[^>]*?height="([\d.]+)pt"', svg)
    if not match:
        raise ValueError("the SVG has no size")
    return float(match.group(1)), float(match.group(2))


def overview_labelled(design: Design) -> bool:
    """Whether the system diagram labels its links with their flows."""
    return len(design.links) <= OVERVIEW_LABEL_LIMIT


def render_batch(sources: list[str], timeout: float | None) -> list[bytes]:
    """Several graphs drawn as SVG in one Graphviz run, one SVG each: starting the renderer
    costs more than laying out a small graph (about 20 ms per `dot` run)."""
    out = render("\n".join(sources), "svg", timeout=timeout)
    svgs = [part for part in re.split(rb"(?=<\?xml )", out) if part.strip()]
    if len(svgs) != len(sources):
        raise RenderError(f"the renderer returned {len(svgs)} drawings for {len(sources)} graphs")
    return svgs


def _size_or_none(svg: bytes) -> tuple[float, float] | None:
    try:
        return _svg_size(svg)
    except ValueError:
        return None


def render_diagram(
    design: Design, catalog: Catalog, result: object, timeout: float | None
) -> tuple[bytes | None, str | None]:
    """Render the system diagram in the orientation with the larger on-page scale: (svg, error)."""
    orientations = ("TB", "LR") if len(design.components) <= BOTH_ORIENTATIONS_UP_TO else ("LR",)
    labels = overview_labelled(design)
    sources = [to_dot(design, catalog, result, rankdir=r, flow_labels=labels) for r in orientations]
    try:
        svgs = render_batch(sources, timeout)
    except RenderError as exc:
        return None, str(exc)
    scored = [(best_fit(*size)[1] if (size := _size_or_none(svg)) else 0.0, svg) for svg in svgs]
    return max(scored, key=lambda pair: pair[0])[1], None


@dataclass(frozen=True)
class Placement:
    """Where a stage diagram goes: after its section's intro (page None), or on a page of its
    own with that template; and the scale it is shown at on a fresh page."""

    page: str | None
    scale: float


def stage_placement(width: float, height: float) -> Placement:
    """In the text when it reads at MIN_STAGE_SCALE or more on a portrait page, else on the
    page of its own (portrait or landscape) that shows it largest."""
    fw, fh = frame_for(PORTRAIT, STAGE_HEAD_ROOM)
    inline = min(1.0, fw / width, fh / height)
    if inline >= MIN_STAGE_SCALE:
        return Placement(None, inline)
    page, scale = best_fit(width, height, STAGE_HEAD_ROOM)
    return Placement(page, scale)


@dataclass(frozen=True)
class StageDiagram:
    """A stage's diagram as rendered, or why there is none."""

    stage_id: str
    svg: bytes | None = None
    rankdir: str = "LR"
    error: str | None = None  # Graphviz failed
    too_big: tuple[int, int] | None = None  # (own, linked) components when over the limit


def render_stage_diagrams(
    design: Design, catalog: Catalog, result: object, stage_ids: list[str], timeout: float | None = None
) -> dict[str, StageDiagram]:
    """Render the diagrams of some stages, all in one Graphviz run, each left to right unless
    top to bottom shows it clearly larger (TB_PREFERENCE)."""
    drawn = {}
    for stage_id in stage_ids:
        view = stage_view(design, catalog, stage_id)
        if len(view.members) + len(view.context) > STAGE_DIAGRAM_LIMIT:
            drawn[stage_id] = StageDiagram(stage_id, too_big=(len(view.members), len(view.context)))
    todo = [stage_id for stage_id in stage_ids if stage_id not in drawn]
    sources = [
        build_stage_graph(design, catalog, result, s, rankdir=r).source for s in todo for r in ("LR", "TB")
    ]
    try:
        svgs = render_batch(sources, timeout) if sources else []
    except RenderError as exc:
        return {**drawn, **{stage_id: StageDiagram(stage_id, error=str(exc)) for stage_id in todo}}
    for stage_id, pair in zip(todo, zip(svgs[0::2], svgs[1::2], strict=True), strict=True):
        ranked = []
        for rankdir, svg in zip(("LR", "TB"), pair, strict=True):
            if (size := _size_or_none(svg)) is not None:
                placement = stage_placement(*size)  # in the text first, then the larger
                ranked.append(
                    (
                        (placement.page is None, placement.scale * (TB_PREFERENCE if rankdir == "LR" else 1)),
                        rankdir,
                        svg,
                    )
                )
        if ranked:
            _rank, rankdir, svg = max(ranked, key=lambda item: item[0])
            drawn[stage_id] = StageDiagram(stage_id, svg=svg, rankdir=rankdir)
        else:
            drawn[stage_id] = StageDiagram(stage_id, error="the renderer returned no usable SVG")
    return drawn


def svg_to_drawing(svg: bytes, fonts: FontSet) -> Drawing:
    """Parse Graphviz SVG into a reportlab Drawing and give its strings printable fonts."""
    drawing = svg2rlg(io.BytesIO(svg))
    if drawing is None:
        raise ValueError("the SVG could not be read")
    _fix_strings(drawing, fonts)
    return drawing


def _fix_strings(node: object, fonts: FontSet) -> None:
    for child in getattr(node, "contents", ()):
        if isinstance(child, String):
            new_font = drawing_font(child.text, child.fontName, fonts)
            if new_font != child.fontName:
                # Graphviz placed the text start for Helvetica metrics: keep its centre instead.
                if child.textAnchor == "start":
                    child.x += stringWidth(child.text, child.fontName, child.fontSize) / 2
                    child.textAnchor = "middle"
                child.fontName = new_font
        elif isinstance(child, Group):
            _fix_strings(child, fonts)


def _form_resources(canv: object) -> dict[str, object]:
    """Resources for a form XObject, including the graphics states (opacity) it uses:
    reportlab's own form resources leave ExtGState out."""
    try:
        state = canv._extgstate.getState()  # type: ignore[attr-defined]
    except AttributeError:
        return {}
    resources = PDFResourceDictionary()
    resources.basicFonts()
    resources.allProcs()
    if state:
        resources.ExtGState = state
    return {"Resources": resources}


class DiagramFlowable(Flowable):
    """A drawing scaled to the available width, at most `max_scale`.

    Without `min_scale` it is also scaled down to the available height (a diagram that has a
    page to itself). With it, a drawing too tall for the rest of the page shrinks to fit it
    down to `min_scale`, and moves to the next page when it would have to shrink more (where
    it is shrunk to fit whatever the page holds: it is never cropped).

    The drawing goes into the PDF once, as a form XObject. Layout passes before the last one
    (the document template's `draft` flag) skip drawing it: only its size matters there.
    """

    def __init__(self, drawing: Drawing, *, max_scale: float = 1.0, min_scale: float | None = None):
        super().__init__()
        self.drawing = drawing
        self.max_scale = max_scale
        self.min_scale = min_scale
        self.scale = 1.0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        width, height = float(self.drawing.width), float(self.drawing.height)
        across = min(self.max_scale, avail_width / width)
        if self.min_scale is None or getattr(self, "_postponed", False):
            self.scale = min(across, avail_height / height)
        elif height * across <= avail_height or avail_height / height < self.min_scale:
            self.scale = across  # fits; or too tall for this page: the frame moves it on
        else:
            self.scale = avail_height / height
        return width * self.scale, height * self.scale

    def draw(self) -> None:
        canv = self.canv
        doc = getattr(canv, "_doctemplate", None)
        if getattr(doc, "draft", False):
            return
        form = f"mlsd-diagram-{id(self.drawing):x}"
        defined: set[str] = canv.__dict__.setdefault("_mlsd_forms", set())
        if form not in defined:
            canv.beginForm(form, 0, 0, float(self.drawing.width), float(self.drawing.height))
            renderPDF.draw(self.drawing, canv, 0, 0)
            canv.endForm(**_form_resources(canv))
            defined.add(form)
        canv.saveState()
        canv.scale(self.scale, self.scale)
        canv.doForm(form)
        canv.restoreState()


def _failure(error: str, styles: Styles) -> list[Flowable]:
    return [
        NextPageTemplate("portrait"),
        PageBreak(),
        heading("System diagram", styles, 0),
        Paragraph(
            "<b>The diagram could not be drawn:</b> " + markup(error, styles.fonts) + ". The rest of the "
            "report is complete; install Graphviz (the <i>dot</i> command) or the <i>graphviz-pure</i> "
            "package to include it.",
            styles.body,
        ),
    ]


def diagram_story(
    svg: bytes | None, error: str | None, styles: Styles, *, labelled: bool = True, stages: bool = True
) -> list[Flowable]:
    """The system diagram section: it starts on a new page and ends with a break back to
    portrait. `stages` says whether the stage sections have diagrams of their own."""
    if svg is None or error is not None:
        return [*_failure(error or "no diagram was rendered", styles), PageBreak()]
    try:
        drawing = svg_to_drawing(svg, styles.fonts)
    except Exception as exc:  # a broken SVG must not sink the whole report
        return [
            *_failure(f"the diagram could not be converted ({type(exc).__name__}: {exc})", styles),
            PageBreak(),
        ]
    template, _fit = best_fit(float(drawing.width), float(drawing.height))
    legend = (
        "Components with open findings are outlined and filled in the colour of their most severe "
        "finding; dashed purple links are intended feedback loops."
    )
    if not labelled:
        legend += f" Links are not labelled in a system diagram of more than {OVERVIEW_LABEL_LIMIT} links: "
        if stages:
            legend += "each stage's diagram labels the links within the stage, and "
        legend += "each component's section lists all its links and their flows."
    if stages:
        legend += " Each stage's section opens with a diagram of that stage and its links to the others."
    return [
        NextPageTemplate(template),
        PageBreak(),
        heading("System diagram", styles, 0),
        Paragraph(legend, styles.small),
        DiagramFlowable(drawing),
        NextPageTemplate("portrait"),
        PageBreak(),
    ]


@dataclass(frozen=True)
class StageFigure:
    """What a stage section shows before its components: a diagram or a note about it.

    `page` is the template of a page of its own ("portrait"/"landscape"), None when it follows
    the section's intro in the text; `room` is the height it needs there at least.
    """

    flowables: list[Flowable] = field(default_factory=list)
    page: str | None = None
    room: float = 0.0


def stage_figure(diagram: StageDiagram, styles: Styles) -> StageFigure | None:
    """The figure of a stage section from its rendered diagram (None when there is nothing)."""
    if diagram.too_big is not None:
        own, linked = diagram.too_big
        note = (
            f"<i>No diagram of this stage: it would show {own + linked} components ({own} of its own, "
            f"{linked} linked from other stages), more than {STAGE_DIAGRAM_LIMIT} can show legibly on a "
            "page. The system diagram shows the stage whole; each component below lists its links.</i>"
        )
        return StageFigure([rich(note, styles.small)])
    if diagram.error is not None:
        note = f"<i>The diagram of this stage could not be drawn: {markup(diagram.error, styles.fonts)}.</i>"
        return StageFigure([rich(note, styles.small)])
    if diagram.svg is None:
        return None
    try:
        drawing = svg_to_drawing(diagram.svg, styles.fonts)
    except Exception as exc:  # a broken SVG must not sink the whole report
        note = f"The diagram of this stage could not be converted ({type(exc).__name__}: {exc})."
        return StageFigure([rich(f"<i>{markup(note, styles.fonts)}</i>", styles.small)])
    width, height = float(drawing.width), float(drawing.height)
    placement = stage_placement(width, height)
    if placement.page is not None:
        return StageFigure([DiagramFlowable(drawing)], page=placement.page)
    room = height * min(placement.scale, MIN_STAGE_SCALE)
    return StageFigure([DiagramFlowable(drawing, min_scale=MIN_STAGE_SCALE)], room=room)
