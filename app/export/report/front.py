"""Front matter of the report: cover, table of contents and the summary."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepInFrame, Spacer, Table, TableStyle
from reportlab.platypus.tableofcontents import TableOfContents

from app import __version__
from app.domain.catalog import Catalog
from app.domain.long_names import quoting_names
from app.domain.model import Design
from app.domain.text import isolate
from app.export.design_doc import DesignDoc, checks_line, decisions_line, plural
from app.export.dot import tint
from app.export.places import places_of
from app.export.report.fonts import markup
from app.export.report.paragraph import Paragraph
from app.export.report.rtl import is_rtl, user_text
from app.export.report.spans import quote, said
from app.export.report.styles import (
    ACCENT,
    ACCENT_LIGHT,
    GRID,
    MARGIN,
    MUTED,
    OK_GREEN,
    PORTRAIT,
    SEVERITY_COLORS,
    Styles,
    heading,
    hex_of,
    rich,
    text,
)
from app.export.report.tables import ReportTable
from app.rules.engine import CheckResult


@dataclass(frozen=True)
class ReportInfo:
    """What the cover states about the document itself."""

    title: str
    author: str
    date: str
    design_hash: str
    version: str = __version__


def design_hash(data: bytes) -> str:
    """Short fingerprint of the design file: the first 12 hex digits of its SHA-256."""
    return hashlib.sha256(data).hexdigest()[:12]


def cover(
    design: Design, result: CheckResult, catalog: Catalog, info: ReportInfo, styles: Styles, width: float
) -> list[Flowable]:
    meta = design.meta
    story: list[Flowable] = []
    story.append(
        rich(
            f'<font color="{hex_of(MUTED)}">ML SYSTEM DESIGN DOCUMENT</font>',
            styles.small.clone("kicker", fontSize=9, leading=12, spaceAfter=8),
        )
    )
    shown = info.title or "Untitled design"
    # Long titles get smaller type so that the cover stays one page.
    size = 28 if len(shown) <= 70 else 20 if len(shown) <= 160 else 14
    style = styles.title.clone("cover_title", fontSize=size, leading=size * 1.2)
    story.append(heading(shown, styles, 0, toc=False, style=style))
    if info.author:
        story.append(rich("by " + quote(info.author, styles.fonts), styles.subtitle))
    else:
        story.append(Spacer(1, 8))
    problem = meta.problem.strip() or "No problem statement was written for this design."
    box = ReportTable(
        [[rich("<b>Problem statement</b>", styles.cell_head)], [text(problem, styles.box)]], colWidths=[width]
    )
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), ACCENT_LIGHT),
                ("LINEBEFORE", (0, 0), (0, -1), 3, ACCENT),
                ("LEFTPADDING", (0, 0), (-1, -1), 12),
                ("RIGHTPADDING", (0, 0), (-1, -1), 12),
                ("TOPPADDING", (0, 0), (-1, 0), 10),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 12),
            ]
        )
    )
    story += [box, Spacer(1, 12 * mm), _stage_strip(result, catalog, styles, width)]
    counts = result.summary()
    story.append(
        rich(
            f'<font color="{hex_of(MUTED)}">Open findings: </font>'
            + " · ".join(
                f'<font color="{hex_of(SEVERITY_COLORS[key][0])}"><b>{plural(counts[key], noun)}</b></font>'
                for key, noun in (("error", "error"), ("warning", "warning"), ("info", "note"))
            )
            + f'<font color="{hex_of(MUTED)}"> · {plural(counts["accepted"], "accepted trade-off")}</font>',
            styles.small.clone("cover_counts", spaceBefore=8, fontSize=9, leading=12),
        )
    )
    story.append(Spacer(1, 14 * mm))
    covered = sum(1 for c in result.coverage.values() if c.covered)
    facts = [
        ("Author", info.author or "not stated"),
        ("Report date", info.date),
        ("Design created", meta.created[:10]),
        ("Design last saved", meta.modified[:10]),
        (
            "Size",
            f"{plural(len(design.components), 'component')}, {plural(len(design.links), 'link')}, "
            f"{covered} of {len(result.coverage)} stages covered",
        ),
        ("Rules checked", f"{len(result.rules_checked)}"),
        ("Tool", f"MLSD Studio {info.version}"),
        ("Design fingerprint", f"sha256 {info.design_hash}"),
    ]
    rows = [
        [rich(f'<font color="{hex_of(MUTED)}">{label}</font>', styles.cell), text(value, styles.cell)]
        for label, value in facts
    ]
    table = ReportTable(rows, colWidths=[width * 0.28, width * 0.72], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, GRID),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    story.append(table)
    return _fit_on_one_page(story, width)


def _fit_on_one_page(story: list[Flowable], width: float) -> list[Flowable]:
    """Lower the cover's content by what the page has to spare; shrink it if it has none."""
    height = PORTRAIT[1] - 2 * MARGIN - 6 * mm
    used = sum(f.wrap(width, height)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in story)
    top = max(4 * mm, min(40 * mm, height - used - 8 * mm))
    story = [Spacer(1, top), *story]
    if used + top > height - 4 * mm:
        return [KeepInFrame(width, height - 4 * mm, story, mode="shrink")]
    return story


def _stage_strip(result: CheckResult, catalog: Catalog, styles: Styles, width: float) -> Table:
    """Six tiles, one per stage: number, label, and how many components cover it."""
    cells = []
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 7),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    tile = styles.cell.clone("stage_tile", fontSize=8, leading=10.5)
    for col, stage in enumerate(catalog.stages):
        cov = result.coverage.get(stage.id)
        count = len(cov.components) if cov else 0
        status = (
            f'<font color="{hex_of(OK_GREEN)}">{plural(count, "component")}</font>'
            if count
            else f'<font color="{hex_of(SEVERITY_COLORS["error"][0])}"><b>missing</b></font>'
        )
        cells.append(
            rich(
                f'<font size="15" color="{stage.color}"><b>{stage.number}</b></font><br/>'
                f"<b>{markup(stage.label, styles.fonts)}</b><br/>{status}",
                tile,
            )
        )
        commands.append(("LINEABOVE", (col, 0), (col, 0), 3, colors.HexColor(stage.color)))
        commands.append(("BACKGROUND", (col, 0), (col, 0), colors.HexColor(tint(stage.color, 0.12))))
    commands.append(("LINEAFTER", (0, 0), (-2, 0), 3, colors.white))
    table = ReportTable([cells], colWidths=[width / len(cells)] * len(cells), hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    return table


PADDINGS = ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING")


def contents(styles: Styles) -> list[Flowable]:
    # reportlab sets each entry, and its spaceBefore as a spacer, in a table row padded 3 points
    # above and below: 32 points an entry for the style's 20, half the summary's page for 11.
    unpadded = TableStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("FONT", (0, 0), (-1, -1), styles.fonts.regular),  # as tables.ReportTable
            *((side, (0, 0), (-1, -1), 0) for side in PADDINGS),
        ]
    )
    toc = TableOfContents(levelStyles=list(styles.toc), dotsMinLevel=0, tableStyle=unpadded)
    return [heading("Contents", styles, 0, toc=False), toc]


def _coverage_line(design: Design, result: CheckResult, catalog: Catalog, styles: Styles) -> Paragraph:
    """One line per the six stages: its number, label and components (or "missing")."""
    parts = []
    for stage in catalog.stages:
        cov = result.coverage.get(stage.id)
        count = len(cov.components) if cov else 0
        status = (
            f'<font color="{hex_of(OK_GREEN)}">{count:,}</font>'
            if count
            else f'<font color="{hex_of(SEVERITY_COLORS["error"][0])}"><b>missing</b></font>'
        )
        swatch = f'<font color="{stage.color}">■</font>'
        parts.append(f"{swatch} {stage.number}. {markup(stage.label, styles.fonts)}: {status}")
    covered = sum(1 for c in result.coverage.values() if c.covered)
    lead = (
        f"<b>Coverage.</b> {plural(len(design.components), 'component')} and "
        f"{plural(len(design.links), 'link')} cover {covered} of the {len(result.coverage)} stages "
        "(components per stage): "
    )
    return rich(lead + " · ".join(parts) + ".", styles.body)


def summary(doc: DesignDoc, styles: Styles, width: float) -> list[Flowable]:
    """Problem, approach, coverage, findings by severity and the top risks (distinct rules),
    then one line for each section left out for having nothing to say."""
    design, result = doc.design, doc.result
    fonts = styles.fonts
    story: list[Flowable] = [heading("Summary", styles, 0)]
    problem = " ".join(design.meta.problem.split())
    first = problem.split(". ")[0].rstrip(".") + "." if problem else ""
    more = " <i>(In full under Context and scope.)</i>" if first and len(first) < len(problem) else ""
    if first and is_rtl(first):  # the label on its own line, the text right-aligned under it
        story += [rich("<b>Problem.</b>" + more, styles.kind_line), text(first, styles.body, fonts)]
    elif first:
        story.append(user_text(first, styles.body, fonts, prefix="<b>Problem.</b>", suffix=more))
    else:
        story.append(rich("<b>Problem.</b> No problem statement is written yet.", styles.body))
    names = (" ".join(c.name.split()) for c in design.components)  # the approach quotes them
    approach = quoting_names(names, isolate)(doc.approach)
    story.append(user_text(approach, styles.body, fonts, prefix="<b>Approach.</b>"))
    story.append(_coverage_line(design, result, doc.catalog, styles))
    story.append(
        rich(
            f"<b>Checks.</b> {checks_line(result, sum(1 for r in doc.rules if r.status == 'passed'))}",
            styles.body,
        )
    )
    if doc.decisions or doc.acceptances:
        story.append(rich(f"<b>Decisions.</b> {markup(decisions_line(doc))}", styles.body))
    story.append(heading("Top risks", styles, 1))
    if not doc.top_risks:
        story.append(rich("No open error or warning.", styles.body))
    for number, group in enumerate(doc.top_risks, start=1):
        strong = SEVERITY_COLORS[group.severity][0]
        where = said(places_of(group.open, design, quote=isolate), fonts, newlines=False)
        story.append(
            rich(
                f'<font color="{hex_of(strong)}"><b>{markup(group.rule)} · {group.severity}</b></font> '
                f"<b>{markup(group.title, fonts)}</b> "
                f'<font color="{hex_of(MUTED)}">({plural(len(group.open), "finding")} about {where})</font>',
                styles.bullet,
                f"{number}.",
            )
        )
    notes = doc.empty_notes()
    if notes:
        story.append(rich("<b>Not in this document.</b> " + " ".join(markup(n) for n in notes), styles.body))
    return story
