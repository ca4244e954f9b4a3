"""Front matter of the report: cover, table of contents and executive summary."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepInFrame, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.tableofcontents import TableOfContents

from app import __version__
from app.domain.catalog import Catalog
from app.domain.model import Design
from app.export.dot import tint
from app.export.report.fonts import markup
from app.export.report.styles import (
    ACCENT,
    ACCENT_LIGHT,
    GRID,
    MARGIN,
    MUTED,
    OK_GREEN,
    OK_GREEN_LIGHT,
    PORTRAIT,
    SEVERITY_COLORS,
    Styles,
    heading,
    hex_of,
    rich,
    text,
)
from app.export.report.tables import component_names, count_table, data_table, head_row
from app.rules.engine import CheckResult

TOP_RISKS = 5


@dataclass(frozen=True)
class ReportInfo:
    """What the cover states about the document itself."""

    title: str
    author: str
    date: str
    design_hash: str
    version: str = __version__


def plural(count: int, noun: str) -> str:
    """ "1 error", "2 errors"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


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
        story.append(rich("by " + markup(info.author, styles.fonts, newlines=False), styles.subtitle))
    else:
        story.append(Spacer(1, 8))
    problem = meta.problem.strip() or "No problem statement was written for this design."
    box = Table(
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
    table = Table(rows, colWidths=[width * 0.28, width * 0.72], hAlign="LEFT")
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
    commands: list[tuple] = [
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
    table = Table([cells], colWidths=[width / len(cells)] * len(cells), hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    return table


def contents(styles: Styles) -> list[Flowable]:
    toc = TableOfContents(levelStyles=list(styles.toc), dotsMinLevel=0)
    return [heading("Contents", styles, 0, toc=False), toc]


def _coverage_table(
    design: Design, result: CheckResult, catalog: Catalog, styles: Styles, width: float
) -> Table:
    rows: list[list[Flowable]] = [head_row(styles, "Stage", "Status", "Components")]
    extra: list[tuple] = []
    for row, stage in enumerate(catalog.stages, start=1):
        cov = result.coverage.get(stage.id)
        ids = cov.components if cov else []
        if ids:
            names = component_names(design, ids)
            shown = "; ".join(markup(n, styles.fonts, newlines=False) for n in names[:8])
            if len(names) > 8:
                shown += f" and {len(names) - 8} more"
            status, fill, ink = f"covered ({len(ids)})", OK_GREEN_LIGHT, OK_GREEN
        else:
            kinds = [k.label for k in catalog.kinds_in_stage(stage.id)]
            shown = (
                f'<font color="{hex_of(MUTED)}">Nothing yet; would be filled by: '
                f"{markup(', '.join(kinds), styles.fonts)}</font>"
            )
            status, fill, ink = "missing", SEVERITY_COLORS["error"][1], SEVERITY_COLORS["error"][0]
        swatch = f'<font color="{stage.color}">■</font> '
        rows.append(
            [
                rich(f"{swatch}<b>{stage.number}. {markup(stage.label, styles.fonts)}</b>", styles.cell),
                rich(f'<font color="{hex_of(ink)}"><b>{status}</b></font>', styles.cell),
                rich(shown, styles.cell),
            ]
        )
        extra.append(("BACKGROUND", (1, row), (1, row), fill))
    return data_table(rows, [width * 0.3, width * 0.16, width * 0.54], extra=extra)


def summary(
    design: Design, result: CheckResult, catalog: Catalog, styles: Styles, width: float
) -> list[Flowable]:
    story: list[Flowable] = [heading("Summary", styles, 0)]
    covered = [c for c in result.coverage.values() if c.covered]
    counts = result.summary()
    accepted = counts["accepted"]
    verdict = (
        f"The design has {plural(len(design.components), 'component')} and "
        f"{plural(len(design.links), 'link')} and covers {len(covered)} of the {len(result.coverage)} "
        f"stages of the framework. The rule engine checked {plural(len(result.rules_checked), 'rule')} and "
        f"reports {plural(counts['error'], 'error')}, {plural(counts['warning'], 'warning')} and "
        f"{plural(counts['info'], 'note')} still open; "
        + (
            f"{plural(accepted, 'finding')} {'was' if accepted == 1 else 'were'} accepted as "
            f"{'a deliberate trade-off' if accepted == 1 else 'deliberate trade-offs'}."
            if accepted
            else "no finding has been accepted as a trade-off."
        )
    )
    story.append(rich(verdict, styles.body))
    story += [heading("Stage coverage", styles, 1), _coverage_table(design, result, catalog, styles, width)]
    story += [heading("Findings by severity", styles, 1), count_table(counts, styles, width)]
    risks = [f for f in result.open_findings() if f.severity in ("error", "warning")][:TOP_RISKS]
    story.append(heading("Top risks", styles, 1))
    if not risks:
        story.append(rich("No open errors or warnings.", styles.muted))
    for number, finding in enumerate(risks, start=1):
        strong = SEVERITY_COLORS[finding.severity][0]
        names = component_names(design, finding.components)
        concerns = (
            " <i>(" + "; ".join(markup(n, styles.fonts, newlines=False) for n in names) + ")</i>"
            if names
            else ""
        )
        story.append(
            Paragraph(
                f'<font color="{hex_of(strong)}"><b>{markup(finding.rule)} · {finding.severity}</b></font> '
                f"<b>{markup(finding.title, styles.fonts)}</b>: "
                f"{markup(finding.message, styles.fonts)}{concerns}",
                styles.bullet,
                bulletText=f"{number}.",
            )
        )
    story.append(Spacer(1, 4))
    story.append(
        rich(
            f'<font color="{hex_of(MUTED)}">Severity colours: </font>'
            + " ".join(
                f'<font color="{hex_of(SEVERITY_COLORS[s][0])}"><b>{s}</b></font>'
                for s in ("error", "warning", "info", "accepted")
            ),
            styles.small,
        )
    )
    return story
