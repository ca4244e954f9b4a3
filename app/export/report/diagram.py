"""The design diagram in the report: Graphviz SVG drawn as vector graphics through svglib.

The diagram is rendered in the orientation that reads best on a page (stages left to right
or top to bottom) and shown whole on one page, landscape when it is wide. When that makes it
too small to read, detail pages follow: one per stage cluster, cropped from the same drawing
(and cut into parts when a stage is itself too big). If Graphviz is missing or fails, the
report gets a note instead of the diagram.
"""

from __future__ import annotations

import io
import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing, Group, String
from reportlab.pdfbase.pdfdoc import PDFResourceDictionary
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, NextPageTemplate, PageBreak, Paragraph
from svglib.svglib import svg2rlg

from app.domain.catalog import Catalog
from app.domain.model import Design
from app.export.dot import INLINE_LABEL_LIMIT, to_svg
from app.export.renderer import RenderError
from app.export.report.fonts import FontSet, drawing_font, markup
from app.export.report.styles import LANDSCAPE, MARGIN, PORTRAIT, Styles, heading

READABLE_SCALE = 0.6  # below this the overview gets per-stage detail pages
MIN_DETAIL_SCALE = 0.42  # below this a stage is cut into parts
MAX_PARTS_PER_STAGE = 6
DETAIL_MAX_SCALE = 0.8
BOTH_ORIENTATIONS_UP_TO = 80  # components; bigger designs are only rendered left to right
_HEADING_SPACE = 48.0
_CROP_MARGIN = 6.0
_SVG_NS = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class Region:
    """A rectangle of the drawing (reportlab coordinates, y up) with a caption."""

    label: str
    x: float
    y: float
    width: float
    height: float


def frame_for(pagesize: tuple[float, float]) -> tuple[float, float]:
    width, height = pagesize
    return width - 2 * MARGIN, height - 2 * MARGIN - 17 - _HEADING_SPACE


def best_fit(width: float, height: float) -> tuple[str, float]:
    """The page template ("portrait"/"landscape") showing a width x height box largest, and
    the scale (capped at 1)."""
    fits = []
    for name, size in (("portrait", PORTRAIT), ("landscape", LANDSCAPE)):
        fw, fh = frame_for(size)
        fits.append((min(fw / width, fh / height, 1.0), name == "portrait", name))
    scale, _prefer_portrait, name = max(fits)
    return name, scale


def _svg_size(svg: bytes) -> tuple[float, float]:
    match = re.search(rb'<svg[^>]*?width="([\d.]+)pt"[^>]*?height="([\d.]+)pt"', svg)
    if not match:
        raise ValueError("the SVG has no size")
    return float(match.group(1)), float(match.group(2))


def render_diagram(
    design: Design, catalog: Catalog, result: object, timeout: float | None
) -> tuple[bytes | None, str | None]:
    """Render the diagram in the orientation with the larger on-page scale: (svg, error)."""
    orientations = ("TB", "LR") if len(design.components) <= BOTH_ORIENTATIONS_UP_TO else ("LR",)
    # Past the inline-label limit, flows are listed in the stage sections rather than drawn.
    labels = len(design.links) <= INLINE_LABEL_LIMIT
    best: tuple[float, bytes] | None = None
    for rankdir in orientations:
        try:
            svg = to_svg(design, catalog, result, timeout=timeout, rankdir=rankdir, flow_labels=labels)
            scale = best_fit(*_svg_size(svg))[1]
        except RenderError as exc:
            return None, str(exc)
        except ValueError:
            scale = 0.0
        if best is None or scale > best[0]:
            best = (scale, svg)
    return (best[1] if best else None), None


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


def cluster_regions(svg: bytes, drawing: Drawing) -> list[Region]:
    """The stage clusters of a Graphviz SVG as drawing regions, in document order."""
    root = ET.fromstring(svg)
    view = [float(v) for v in (root.get("viewBox") or "0 0 0 0").replace(",", " ").split()]
    factor = float(drawing.width) / view[2] if len(view) == 4 and view[2] else 1.0
    graph = root.find(f"{_SVG_NS}g")
    tx = ty = 0.0
    if graph is not None:
        match = re.search(r"translate\(\s*([-\d.]+)[ ,]+([-\d.]+)\s*\)", graph.get("transform", ""))
        if match:
            tx, ty = float(match.group(1)), float(match.group(2))
    regions = []
    for group in root.iter(f"{_SVG_NS}g"):
        if group.get("class") != "cluster":
            continue
        shape = group.find(f"{_SVG_NS}polygon")
        if shape is None:
            shape = group.find(f"{_SVG_NS}path")
        numbers = [
            float(v)
            for v in re.findall(
                r"-?\d+(?:\.\d+)?", (shape.get("points") or shape.get("d") or "") if shape is not None else ""
            )
        ]
        if len(numbers) < 4:
            continue
        xs = [(v + tx) * factor for v in numbers[0::2]]
        ys = [float(drawing.height) - (v + ty) * factor for v in numbers[1::2]]
        texts = ["".join(t.itertext()) for t in group.findall(f"{_SVG_NS}text")]
        label = texts[0] if texts else "Stage"
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        regions.append(
            Region(
                label,
                x0 - _CROP_MARGIN,
                y0 - _CROP_MARGIN,
                x1 - x0 + 2 * _CROP_MARGIN,
                y1 - y0 + 2 * _CROP_MARGIN,
            )
        )
    return regions


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
    """A drawing, or a region of it, scaled to the available space (at most `max_scale`) or
    drawn at a fixed scale; a region is clipped to its rectangle.

    The drawing goes into the PDF once, as a form XObject that every page showing (part of)
    it reuses. Layout passes before the last one (the document template's `draft` flag)
    skip drawing it: only its size matters there.
    """

    def __init__(
        self,
        drawing: Drawing,
        *,
        region: Region | None = None,
        scale: float | None = None,
        max_scale: float = 1.0,
    ):
        super().__init__()
        self.drawing = drawing
        self.region = region
        self.fixed_scale = scale
        self.max_scale = max_scale
        self.scale = 1.0

    def _size(self) -> tuple[float, float]:
        if self.region:
            return self.region.width, self.region.height
        return float(self.drawing.width), float(self.drawing.height)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        width, height = self._size()
        if self.fixed_scale is not None:  # sized for a whole frame: moves on if the rest is short
            self.scale = min(self.fixed_scale, avail_width / width)
        else:
            self.scale = min(avail_width / width, avail_height / height, self.max_scale)
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
        if self.region:
            path = canv.beginPath()
            path.rect(0, 0, self.region.width, self.region.height)
            canv.clipPath(path, stroke=0, fill=0)
            canv.translate(-self.region.x, -self.region.y)
        canv.doForm(form)
        canv.restoreState()


def detail_template(regions: list[Region]) -> str:
    """One orientation for all detail pages: the one whose worst stage is shown largest."""
    best = ("portrait", -1.0)
    for name, size in (("portrait", PORTRAIT), ("landscape", LANDSCAPE)):
        fw, fh = frame_for(size)
        worst = min(min(fw / r.width, fh / r.height, DETAIL_MAX_SCALE) for r in regions)
        if worst > best[1] + 1e-6:
            best = (name, worst)
    return best[0]


def split_region(region: Region, template: str) -> tuple[float, list[Region]]:
    """Scale and the part(s) a region is shown in on pages of `template`."""
    fw, fh = frame_for(PORTRAIT if template == "portrait" else LANDSCAPE)
    scale = min(fw / region.width, fh / region.height, DETAIL_MAX_SCALE)
    if scale >= MIN_DETAIL_SCALE:
        return scale, [region]
    scale = READABLE_SCALE
    while True:
        cols, rows = math.ceil(region.width * scale / fw), math.ceil(region.height * scale / fh)
        if cols * rows <= MAX_PARTS_PER_STAGE or scale <= 0.15:
            break
        scale *= 0.9
    part_w, part_h = region.width / cols, region.height / rows
    parts = [
        Region(
            f"{region.label}, part {row * cols + col + 1} of {cols * rows}",
            region.x + col * part_w,
            region.y + region.height - (row + 1) * part_h,
            part_w,
            part_h,
        )
        for row in range(rows)
        for col in range(cols)
    ]
    return scale, parts


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
    svg: bytes | None, error: str | None, styles: Styles, *, labelled: bool = True
) -> list[Flowable]:
    """The diagram section: it starts on a new page and ends with a break back to portrait."""
    if svg is None or error is not None:
        return [*_failure(error or "no diagram was rendered", styles), PageBreak()]
    try:
        drawing = svg_to_drawing(svg, styles.fonts)
        regions = cluster_regions(svg, drawing)
    except Exception as exc:  # a broken SVG must not sink the whole report
        return [
            *_failure(f"the diagram could not be converted ({type(exc).__name__}: {exc})", styles),
            PageBreak(),
        ]
    width, height = float(drawing.width), float(drawing.height)
    template, fit = best_fit(width, height)
    legend = (
        "Components with open findings are outlined and filled in the colour of their most severe "
        "finding; dashed purple links are intended feedback loops."
    )
    if not labelled:
        legend += (
            f" Links are not labelled in diagrams of more than {INLINE_LABEL_LIMIT} links: each "
            "component's section lists its links and their flows."
        )
    if fit < READABLE_SCALE and regions:
        legend += f" The whole diagram is shown at {fit:.0%}; the pages that follow show each stage larger."
    story: list[Flowable] = [
        NextPageTemplate(template),
        PageBreak(),
        heading("System diagram", styles, 0),
        Paragraph(legend, styles.small),
        DiagramFlowable(drawing),
    ]
    if fit < READABLE_SCALE and regions:
        template = detail_template(regions)
        story += [NextPageTemplate(template), PageBreak()]
        for region in regions:
            scale, parts = split_region(region, template)
            for part in parts:
                story += [
                    heading(f"Diagram: {part.label}", styles, 1, toc=False),
                    DiagramFlowable(drawing, region=part, scale=scale),
                ]
    story += [NextPageTemplate("portrait"), PageBreak()]
    return story
