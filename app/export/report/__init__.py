"""The PDF design report (reportlab platypus).

Order: cover, contents, summary, system diagram, one section per stage (each opening with the
stage's own diagram), capacity and cost, findings, decisions and overrides, open questions, any
extra sections (e.g. the interview rubric), and the appendix of rules checked. Modules: fonts
(Unicode and CJK text), styles, template (pages, footer, outline), front (cover, contents,
summary), diagram, sections, capacity (estimates), tables.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from reportlab.lib.units import cm
from reportlab.platypus import CondPageBreak, Flowable, NextPageTemplate, PageBreak

from app import __version__
from app.domain.catalog import Catalog, default_catalog
from app.domain.model import Design
from app.export.report import front, sections
from app.export.report.capacity import capacity_section
from app.export.report.diagram import StageFigures, system_story
from app.export.report.sections import ExtraSection
from app.export.report.styles import LANDSCAPE, MARGIN, PORTRAIT, make_styles
from app.export.report.template import ReportDocTemplate
from app.persistence import design_to_bytes
from app.persistence.atomic import atomic_write_bytes
from app.rules.engine import CheckResult, check_design
from app.rules.questions import open_questions

__all__ = ["ExtraSection", "build_report", "report_bytes"]

SECTION_ROOM = 9 * cm


def report_bytes(
    design: Design,
    result: CheckResult | None = None,
    catalog: Catalog | None = None,
    extra_sections: Sequence[ExtraSection] | None = None,
    design_bytes: bytes | None = None,
    *,
    report_date: str | None = None,
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
    figures = StageFigures(design, catalog, result, styles) if diagram_error is None else None
    head: list[Flowable] = [NextPageTemplate("portrait")]
    head += front.cover(design, result, catalog, info, styles, width)
    head += [PageBreak(), *front.contents(styles), PageBreak()]
    head += front.summary(design, result, catalog, styles, width)
    overview = system_story(design, catalog, result, styles, error=diagram_error)
    story = sections.stage_sections(design, result, catalog, styles, width, figures)
    story = [*head, *overview, *story]
    story += [CondPageBreak(SECTION_ROOM), *capacity_section(design, catalog, styles, width)]
    # The findings table has five columns of prose: it gets landscape pages.
    wide = LANDSCAPE[0] - 2 * MARGIN
    story += [NextPageTemplate("landscape"), PageBreak()]
    story += [*sections.findings_section(design, result, styles, wide), NextPageTemplate("portrait")]
    # Short closing sections share pages when there is room for a good start.
    story += [PageBreak(), *sections.decisions_section(design, result, styles, width)]
    questions = open_questions(design, result, catalog)
    elsewhere = sections.asked_elsewhere(extra_sections or ())
    story += [CondPageBreak(SECTION_ROOM), *sections.questions_section(questions, styles, elsewhere)]
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
        diagram_error: a reason to leave the figures out (e.g. the caller has no use for
            them); the report prints it in place of the system diagram and has no stage
            figures.

    A figure that cannot be drawn becomes a note in the report; the report is still built.
    """
    pdf = report_bytes(
        design,
        result,
        catalog,
        extra_sections,
        design_bytes,
        report_date=report_date,
        diagram_error=diagram_error,
    )
    atomic_write_bytes(out_path, pdf)
    return Path(out_path)
