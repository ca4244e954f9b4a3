"""The "Interview rubric" section of the report, passed to build_report() as an extra section.

A table of the three dimensions (score 0-5 and the reasons), then the follow-up questions.
Reasons and questions quote user text (component names, KPIs), so every string is escaped
(markup() escapes &, < and > and keeps CJK text in the CJK font).
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Flowable, Spacer

from app.export.report.fonts import markup
from app.export.report.rtl import sentence
from app.export.report.sections import AskingSection
from app.export.report.spans import said
from app.export.report.styles import (
    ACCENT,
    GRID,
    MARGIN,
    PORTRAIT,
    Styles,
    heading,
    hex_of,
    make_styles,
    rich,
    text,
)
from app.export.report.tables import data_table, head_row
from app.rules.rubric import Rubric

RUBRIC_HEADING = "Interview rubric"
_FULL, _EMPTY = "●", "○"


def _pips(score: int) -> str:
    score = max(0, min(5, score))
    return (
        f'<font color="{hex_of(ACCENT)}">{_FULL * score}</font>'
        f'<font color="{hex_of(GRID)}">{_EMPTY * (5 - score)}</font>'
    )


def rubric_flowables(
    rubric: Rubric,
    styles: Styles,
    width: float,
    context: Sequence[tuple[str, str]] = (),
) -> list[Flowable]:
    """The section body: intro, optional context rows (problem, time), the table, questions."""
    rubric = rubric.shown()
    fonts = styles.fonts
    story: list[Flowable] = [
        rich(
            "How an interviewer would score the design on the three dimensions of ML system "
            "design, 0 to 5 each, with the reasons behind every point, and the follow-up "
            "questions an interviewer would ask: the most important flaws, unknowns and gaps, "
            "and the standard probes for the kind of task (at most five per dimension, most "
            "important first).",
            styles.muted,
        )
    ]
    if context:
        context_rows = [
            [rich(f"<b>{markup(key, fonts)}</b>", styles.cell), text(value, styles.cell, fonts)]
            for key, value in context
        ]
        story.append(data_table(context_rows, [width * 0.18, width * 0.82], header=False))
        story.append(Spacer(1, 6))
    maximum = 5 * len(rubric.dimensions)
    story.append(rich(f"<b>Total: {rubric.total} of {maximum}</b>", styles.body))
    rows: list[list[Flowable]] = [head_row(styles, "Dimension", "Score", "Reasons")]
    for dim in rubric.dimensions:
        reasons = "<br/>".join(said(r, fonts, newlines=False) for r in dim.reasons) or "—"
        rows.append(
            [
                rich(f"<b>{markup(dim.name, fonts)}</b>", styles.cell),
                rich(f"<b>{dim.score} / 5</b><br/>{_pips(dim.score)}", styles.cell),
                rich(reasons, styles.cell),
            ]
        )
    story.append(data_table(rows, [width * 0.2, width * 0.12, width * 0.68]))
    story.append(heading("Follow-up questions", styles, 1))
    if rubric.questions:
        story.extend(sentence(q, styles.bullet, f"{i}.") for i, q in enumerate(rubric.questions, 1))
    else:
        story.append(rich("The design leaves no follow-up question open.", styles.muted))
    return story


def rubric_section(
    rubric: Rubric,
    context: Sequence[tuple[str, str]] = (),
    styles: Styles | None = None,
    width: float | None = None,
) -> AskingSection:
    """("Interview rubric", flowables) for build_report(extra_sections=[...]). The follow-up
    questions it prints are left out of the report's "Open questions" (never printed twice).

    Args:
        rubric: the scores and questions from app.rules.rubric.score_design().
        context: (label, value) rows printed above the table, e.g. ("Problem", "...").
        styles: the report styles (built with make_styles() when not given).
        width: the text width in points (the portrait page's by default).
    """
    styles = styles or make_styles()
    width = width or PORTRAIT[0] - 2 * MARGIN
    rubric = rubric.shown()  # names past NAME_LIMIT characters shortened, as the report shows them
    return AskingSection(RUBRIC_HEADING, rubric_flowables(rubric, styles, width, context), rubric.questions)
