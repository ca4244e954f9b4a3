"""Appendix B of the report: the glossary of the properties the design sets."""

from __future__ import annotations

from reportlab.platypus import Flowable
from reportlab.platypus.flowables import BalancedColumns

from app.export.design_doc import DesignDoc
from app.export.report.fonts import markup
from app.export.report.paragraph import Paragraph
from app.export.report.styles import GRID, MUTED, Styles, heading, hex_of, rich

GLOSSARY_COLUMNS = 3
GLOSSARY_MIN_PT = 7.5  # tightened for a fuller last page, never below this


def glossary_section(doc: DesignDoc, styles: Styles, width: float, tightness: float = 1.0) -> list[Flowable]:
    """What each property set in the design means, alphabetical down three balanced columns
    (entries flow like a newspaper's, so a long meaning does not stretch a row of short ones;
    `tightness` below 1 sets them smaller, to spare a near-empty last page)."""
    if not doc.glossary:
        return []
    story: list[Flowable] = [heading("Appendix B. Glossary of properties", styles, 0)]
    story.append(
        rich("What each property set in this design means, as the catalog defines it.", styles.muted)
    )
    repeated = {e.label for e in doc.glossary if sum(1 for o in doc.glossary if o.label == e.label) > 1}
    small = styles.cell.clone(
        "glossary",
        fontSize=max(GLOSSARY_MIN_PT, 8.0 * tightness),
        leading=max(GLOSSARY_MIN_PT * 1.12, 9.8 * tightness),
        spaceAfter=3 * tightness,
    )
    entries: list[Flowable] = []
    for entry in doc.glossary:
        label = f"<b>{markup(entry.label)}</b>"
        if entry.label in repeated:
            label += f' <font color="{hex_of(MUTED)}">({markup(", ".join(entry.kinds))})</font>'
        entries.append(Paragraph(f"{label}: {markup(entry.meaning)}", small))
    story.append(
        BalancedColumns(
            entries,
            nCols=GLOSSARY_COLUMNS,
            needed=40,
            spaceBefore=2,
            endSlack=0,  # else the last column may take 10% more and be drawn shrunk to fit
            innerPadding=8,
            vLinesStrokeColor=GRID,
            vLinesStrokeWidth=0.4,
        )
    )
    return story
