"""The PDF design document (reportlab platypus).

Order: cover, contents, summary, [sections after the summary, e.g. changes since an earlier
version], context and scope, goals/non-goals/assumptions, architecture (figures), design by
stage, capacity and cost (estimates), decisions, risks (findings grouped by rule), open
questions, any extra sections (e.g. the interview rubric), appendix A (every rule's result)
and appendix B (glossary). What the document says comes from app.export.design_doc (shared
with the Markdown export); a section with nothing to say is one line in the summary instead of
a page. Modules: fonts (Unicode and CJK text), styles, template (pages, footer, outline),
front (cover, contents, summary), architecture and diagram (figures), sections (design by
stage), capacity (estimates), docsections (the rest), tables.

Inside a job (app.progress: the window builds the report on a worker thread) the build
reports its progress, stops at the next flowable once cancelled, and writes nothing then.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from reportlab.lib.units import cm
from reportlab.platypus import Flowable, KeepTogether, NextPageTemplate, PageBreak, Spacer

from app import __version__, progress
from app.domain.catalog import Catalog, default_catalog
from app.domain.model import Design
from app.domain.text import balance_bidi
from app.export.design_doc import DesignDoc, build_doc
from app.export.report import docsections, front, glossary, passes, sections
from app.export.report.architecture import architecture_story
from app.export.report.capacity import capacity_section
from app.export.report.flow import SectionBreak
from app.export.report.sections import ExtraSection
from app.export.report.styles import MARGIN, PORTRAIT, Styles, make_styles
from app.export.report.template import ReportDocTemplate
from app.export.shown import ShownDesign, shown_design
from app.persistence import design_to_bytes
from app.persistence.atomic import atomic_write_bytes
from app.rules.engine import CheckResult

__all__ = ["ExtraSection", "build_report", "report_bytes"]

SECTION_ROOM = 3.5 * cm  # a section starts on the current page when this much room is left


def report_bytes(
    design: Design,
    result: CheckResult | None = None,
    catalog: Catalog | None = None,
    extra_sections: Sequence[ExtraSection] | None = None,
    design_bytes: bytes | None = None,
    *,
    report_date: str | None = None,
    diagram_error: str | None = None,
    after_summary: Sequence[ExtraSection] | None = None,
    shown: ShownDesign | None = None,
) -> bytes:
    """The report as PDF bytes; see build_report() for the arguments. `after_summary`:
    (heading, flowables) sections placed right after the summary (e.g. the changes since an
    earlier version, report.changes.since_section). `shown`: the design as documents show it
    (app.export.shown), when the caller made it for another document too."""
    catalog = catalog or default_catalog()
    data = design_bytes if design_bytes is not None else design_to_bytes(design)
    # Names past NAME_LIMIT characters shortened wherever the report quotes them: laid out whole
    # in cells and headings, ten names of 3,000-9,300 letters took 8.6 s to export.
    if shown is None:
        shown = shown_design(design, catalog, result)
    styles = make_styles()
    width = PORTRAIT[0] - 2 * MARGIN
    # One line each, no bidi control left open: the PDF's title, author and subject are shown
    # beside other text (a viewer's title bar), like the footer's title.
    title = balance_bidi(" ".join(design.meta.title.split())) or "Untitled design"
    info = front.ReportInfo(
        title=title,
        author=balance_bidi(" ".join(design.meta.author.split())),
        date=report_date or date.today().isoformat(),
        design_hash=front.design_hash(data),
    )
    progress.checkpoint(0.0, "Preparing the report")
    doc_content = build_doc(shown.design, shown.result, catalog)
    doc_content.full_names = shown.full_names
    problem = " ".join(design.meta.problem.split())
    subject = "ML system design report"
    if problem:
        subject = balance_bidi("ML system design: " + _clip(problem, 200))
    # Built once: flowables are laid out afresh by every pass (multiBuild reuses them the same
    # way), so only the glossary is rebuilt for a tighter pass (report.passes), not the figures'
    # layouts; the contents keep the entries of the pass before, so the next pass starts from them.
    body = _story(doc_content, info, styles, width, extra_sections, after_summary, diagram_error)

    def new_doc(buffer: io.BytesIO) -> ReportDocTemplate:
        return _watch(
            ReportDocTemplate(
                buffer,
                styles,
                title=title,
                author=info.author,
                subject=subject,
                creator=f"MLSD Studio {__version__}",
                keywords=["ML system design", "MLSD Studio"],
            )
        )

    return passes.build_pdf(
        body, lambda tightness: glossary.glossary_section(doc_content, styles, width, tightness), new_doc
    )


def _clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters at a word's end, with an ellipsis when cut (a PDF
    viewer shows the subject as it is: "... of each authorization reque")."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:.") + "\u2026"


PREPARE_SHARE = 0.25  # of a job's progress bar: the contents and figures before the page passes
FIGURES_SHARE = (0.05, 0.2)  # of the bar: drawing the figures (each one's layout reports in it)
EXPECTED_PASSES = 2  # page passes a report usually takes (the contents need the page numbers)


def _watch(doc: ReportDocTemplate) -> ReportDocTemplate:
    """Inside a job, every flowable the build lays out is a checkpoint (progress, Cancel)."""
    if progress.current() is not None:
        doc.setProgressCallBack(_PassProgress())
    return doc


class _PassProgress:
    """reportlab's progress callback: each laid-out flowable is a checkpoint of the job."""

    def __init__(self) -> None:
        self.passes = 1
        self.size = 1

    def __call__(self, kind: str, value: int) -> None:
        if kind == "PASS":
            self.passes = value
        elif kind == "SIZE_EST":
            self.size = max(1, value)
        elif kind == "PROGRESS":
            done = (self.passes - 1 + min(1.0, value / self.size)) / EXPECTED_PASSES
            progress.checkpoint(
                PREPARE_SHARE + (1 - PREPARE_SHARE) * min(done, 0.99),
                f"Laying out pages (pass {self.passes})",
            )


def _story(
    doc_content: DesignDoc,
    info: front.ReportInfo,
    styles: Styles,
    width: float,
    extra_sections: Sequence[ExtraSection] | None,
    after_summary: Sequence[ExtraSection] | None,
    diagram_error: str | None,
) -> list[Flowable]:
    """The document's flowables, in order, up to the glossary (report_bytes adds it)."""
    design, result, catalog = doc_content.design, doc_content.result, doc_content.catalog
    story: list[Flowable] = [NextPageTemplate("portrait")]
    story += front.cover(design, result, catalog, info, styles, width)
    story += [PageBreak(), *front.contents(styles), Spacer(1, 14)]
    story += front.summary(doc_content, styles, width)
    if after_summary:
        story += sections.extra_sections(after_summary, styles)
    context = [
        *docsections.context_section(doc_content, styles, width),
        *docsections.goals_section(doc_content, styles),
    ]
    # Before the landscape architecture page: on this page (whole when short), or together on the next.
    story += [SectionBreak(SECTION_ROOM, context), KeepTogether(context)]
    with progress.phase(*FIGURES_SHARE, "Drawing the figures"):
        story += architecture_story(design, catalog, result, styles, width, error=diagram_error)
    progress.checkpoint(PREPARE_SHARE, "Writing the sections")
    # Later sections start on the current page when there is room for a good start, or for all of one.
    for part in (
        sections.stage_sections(doc_content, styles, width),
        capacity_section(design, catalog, styles, width),
        docsections.decisions_section(doc_content, styles, width),
        docsections.risks_section(doc_content, styles, width),
        docsections.questions_section(doc_content, styles, sections.asked_elsewhere(extra_sections or ())),
        sections.extra_sections(extra_sections or (), styles),
        docsections.appendix(doc_content, styles, width),
    ):
        if part:
            story += [SectionBreak(SECTION_ROOM, part), *part]
    return story


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
    after_summary: Sequence[ExtraSection] | None = None,
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
        after_summary: (heading, flowables) sections placed right after the summary (e.g.
            the changes since an earlier version of the design).

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
        after_summary=after_summary,
    )
    with progress.committing():  # a job cancelled by now writes nothing
        atomic_write_bytes(out_path, pdf)
    return Path(out_path)
