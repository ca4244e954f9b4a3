"""The PDF design report (reportlab platypus).

Order: cover, contents, summary, system diagram, one section per stage (each opening with the
stage's own diagram), findings, decisions and overrides, open questions, any extra sections
(e.g. the interview rubric), and the appendix of rules checked. Modules: fonts (Unicode and
CJK text), styles, template (pages, footer, outline), front (cover, contents, summary),
diagram, sections, tables.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from pathlib import Path

from reportlab.lib.units import cm
from reportlab.platypus import CondPageBreak, Flowable, NextPageTemplate, PageBreak

from app import __version__
from app.domain.catalog import Catalog, default_catalog
from app.domain.model import Design
from app.export.dot import stage_groups, stage_view
from app.export.questions import open_questions
from app.export.renderer import RenderError, find_renderer
from app.export.report import front, sections
from app.export.report.diagram import (
    STAGE_DIAGRAM_LIMIT,
    StageDiagram,
    StageFigure,
    diagram_story,
    overview_labelled,
    render_diagram,
    render_stage_diagrams,
    stage_figure,
)
from app.export.report.sections import ExtraSection
from app.export.report.styles import LANDSCAPE, MARGIN, PORTRAIT, Styles, make_styles
from app.export.report.template import ReportDocTemplate
from app.persistence import design_to_bytes
from app.persistence.atomic import atomic_write_bytes
from app.rules.engine import CheckResult, check_design

__all__ = ["ExtraSection", "build_report", "report_bytes"]

SECTION_ROOM = 9 * cm


class DiagramJobs:
    """The report's Graphviz runs, started at once in worker threads (each run is a renderer
    process of its own) so that they proceed while the report's text is built: the system
    diagram, and the stage diagrams all in one run. It is the `figures` of stage_sections().
    """

    def __init__(
        self,
        design: Design,
        catalog: Catalog,
        result: object,
        styles: Styles,
        timeout: float | None,
        *,
        overview: bool = True,
        stages: bool = True,
    ):
        self.styles = styles
        self._overview: Future[tuple[bytes | None, str | None]] | None = None
        self._stages: Future[dict[str, StageDiagram]] | None = None
        self._stage_ids = [stage_id for (stage_id, _label, _color), _members in stage_groups(design, catalog)]
        self._drawable = 0
        if stages:
            try:
                find_renderer()
            except RenderError:
                stages = False  # the system diagram's note says why; no note per stage
        self._pool: ThreadPoolExecutor | None = None
        if overview or stages:
            self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="mlsd-render")
        if overview and self._pool is not None:
            self._overview = self._pool.submit(render_diagram, design, catalog, result, timeout)
        if stages and self._pool is not None and self._stage_ids:
            views = [stage_view(design, catalog, stage_id) for stage_id in self._stage_ids]
            self._drawable = sum(len(v.members) + len(v.context) <= STAGE_DIAGRAM_LIMIT for v in views)
            self._stages = self._pool.submit(
                render_stage_diagrams, design, catalog, result, self._stage_ids, timeout
            )

    def any_diagram(self) -> bool:
        """Whether some stage gets a diagram (rather than a note)."""
        return self._stages is not None and self._drawable > 0

    def overview(self) -> tuple[bytes | None, str | None] | None:
        """The system diagram (svg, error), or None when it was not asked for."""
        return self._overview.result() if self._overview is not None else None

    def figure(self, stage_id: str) -> StageFigure | None:
        """The figure a stage section opens with (None when the stage has no diagram)."""
        diagram = self._stages.result().get(stage_id) if self._stages is not None else None
        return stage_figure(diagram, self.styles) if diagram is not None else None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


def report_bytes(
    design: Design,
    result: CheckResult | None = None,
    catalog: Catalog | None = None,
    extra_sections: Sequence[ExtraSection] | None = None,
    design_bytes: bytes | None = None,
    *,
    report_date: str | None = None,
    render_timeout: float | None = None,
    diagram_svg: bytes | None = None,
    diagram_error: str | None = None,
) -> bytes:
    """The report as PDF bytes; see build_report() for the arguments."""
    catalog = catalog or default_catalog()
    result = result if result is not None else check_design(design, catalog)
    data = design_bytes if design_bytes is not None else design_to_bytes(design)
    styles = make_styles()
    width = PORTRAIT[0] - 2 * MARGIN
    title = " ".join(design.meta.title.split()) or "Untitled design"
    info = front.ReportInfo(
        title=title,
        author=" ".join(design.meta.author.split()),
        date=report_date or date.today().isoformat(),
        design_hash=front.design_hash(data),
    )
    # Graphviz runs in processes of its own: let it work while the text sections are built.
    jobs = DiagramJobs(
        design,
        catalog,
        result,
        styles,
        render_timeout,
        overview=diagram_svg is None and diagram_error is None,
        stages=diagram_error is None,
    )
    try:
        head: list[Flowable] = [NextPageTemplate("portrait")]
        head += front.cover(design, result, catalog, info, styles, width)
        head += [PageBreak(), *front.contents(styles), PageBreak()]
        head += front.summary(design, result, catalog, styles, width)
        story = sections.stage_sections(design, result, catalog, styles, width, jobs)
        svg, render_error = jobs.overview() or (diagram_svg, diagram_error)
    finally:
        jobs.close()
    overview = diagram_story(
        svg, render_error, styles, labelled=overview_labelled(design), stages=jobs.any_diagram()
    )
    story = [*head, *overview, *story]
    # The findings table has five columns of prose: it gets landscape pages.
    wide = LANDSCAPE[0] - 2 * MARGIN
    story += [NextPageTemplate("landscape"), PageBreak()]
    story += [*sections.findings_section(design, result, styles, wide), NextPageTemplate("portrait")]
    # Short closing sections share pages when there is room for a good start.
    story += [PageBreak(), *sections.decisions_section(design, result, styles, width)]
    questions = open_questions(design, result, catalog)
    story += [CondPageBreak(SECTION_ROOM), *sections.questions_section(questions, styles)]
    if extra_sections:
        story += [PageBreak(), *sections.extra_sections(extra_sections, styles)]
    story += [CondPageBreak(SECTION_ROOM), *sections.appendix(result, styles, width)]

    buffer = io.BytesIO()
    problem = " ".join(design.meta.problem.split())
    doc = ReportDocTemplate(
        buffer,
        styles,
        title=title,
        author=info.author,
        subject=("ML system design: " + problem[:200]) if problem else "ML system design report",
        creator=f"MLSD Studio {__version__}",
        keywords=["ML system design", "MLSD Studio"],
    )
    doc.multiBuild(story)
    return buffer.getvalue()


def build_report(
    design: Design,
    out_path: str | Path,
    result: CheckResult | None = None,
    catalog: Catalog | None = None,
    extra_sections: Sequence[ExtraSection] | None = None,
    design_bytes: bytes | None = None,
    *,
    report_date: str | None = None,
    render_timeout: float | None = None,
    diagram_svg: bytes | None = None,
    diagram_error: str | None = None,
) -> Path:
    """Write the PDF design report atomically to `out_path` and return the path.

    Args:
        design: the design to document.
        out_path: where to write the PDF.
        result: its check result (computed with check_design() when not given).
        catalog: kinds and stages (the shipped catalog by default).
        extra_sections: (heading, flowables) pairs added before the appendix, e.g. the
            interview rubric.
        design_bytes: the design file's bytes, for the fingerprint on the cover (by default
            the canonical serialisation of `design`).
        report_date: the date printed on the cover (today by default).
        render_timeout: seconds allowed for each Graphviz run.
        diagram_svg: an already rendered system diagram to use instead of calling Graphviz
            for it (the stage diagrams are still rendered).
        diagram_error: why the system diagram could not be rendered (the caller tried
            already); the report prints it in place of the diagram and has no stage diagrams.

    A diagram that cannot be drawn becomes a note in the report; the report is still built.
    """
    pdf = report_bytes(
        design,
        result,
        catalog,
        extra_sections,
        design_bytes,
        report_date=report_date,
        render_timeout=render_timeout,
        diagram_svg=diagram_svg,
        diagram_error=diagram_error,
    )
    atomic_write_bytes(out_path, pdf)
    return Path(out_path)
