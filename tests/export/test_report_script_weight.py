"""User text in another script keeps the weight of the paragraph it is set in: a Hebrew or
Arabic name in a bold heading or a chosen option's cell is drawn in that script's bold face,
and the same text in a body paragraph in its regular face (read back with pypdf: the font
of every piece of text drawn)."""

from __future__ import annotations

import io
import unicodedata

import pypdf

from app.domain.catalog import default_catalog
from app.domain.model import Decision, DecisionOption, Design, Meta
from app.export import report_bytes
from app.export.report.fonts import markup, report_fonts
from app.export.report.paragraph import Paragraph
from app.export.report.styles import make_styles

HEBREW_TITLE = "אחזור מועמדים"
HEBREW_OPTION = "מודל דו-מגדלי"
ARABIC_OPTION = "تحليل المصفوفات"


def _fonts_of(data: bytes) -> dict[str, set[str]]:
    """Each piece of text drawn (stripped) -> the base font names it is drawn in."""
    drawn: dict[str, set[str]] = {}
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:

        def visit(text: str, _cm: object, _tm: object, font: dict | None, _size: float) -> None:
            if text.strip() and font is not None:
                drawn.setdefault(text.strip(), set()).add(str(font.get("/BaseFont", "")))

        page.extract_text(visitor_text=visit)
    return drawn


def _faces(drawn: dict[str, set[str]], letters: str) -> set[str]:
    """The faces of the pieces holding these letters (Arabic's joined forms read as letters,
    in either order: the PDF's text maps may give the visual order)."""
    found = set()
    for text, faces in drawn.items():
        plain = unicodedata.normalize("NFKC", text)
        if letters in plain or letters[::-1] in plain:
            found |= {face.split("+")[-1] for face in faces}
    return found


def test_a_paragraph_sets_another_scripts_run_in_its_own_weight() -> None:
    from reportlab.platypus import SimpleDocTemplate

    styles = make_styles()
    fonts = report_fonts()
    out = io.BytesIO()
    option = markup(HEBREW_OPTION, fonts)
    story = [
        Paragraph(markup(f"Heading {HEBREW_TITLE}", fonts), styles.h2),
        Paragraph(f"<b>Bold {option}</b>", styles.body),
        Paragraph(f"Plain {markup(ARABIC_OPTION, fonts)}", styles.body),
        Paragraph(f"<i>Slanted {option}</i> and {option}", styles.body),
        Paragraph(f"<b>A bullet: {markup('ביקורת', fonts)}</b>", styles.bullet, bulletText="•"),
    ]
    SimpleDocTemplate(out).build(story)
    drawn = _fonts_of(out.getvalue())
    assert _faces(drawn, "אחזור") == {"NotoSansHebrew-Bold"}
    assert _faces(drawn, "المصفوفات") == {"NotoSansArabic-Regular"}
    assert _faces(drawn, "מגדלי") == {"NotoSansHebrew-Bold", "NotoSansHebrew-Regular"}
    assert _faces(drawn, "ביקורת") == {"NotoSansHebrew-Bold"}


def test_the_report_sets_a_hebrew_decision_title_and_chosen_option_in_bold() -> None:
    decision = Decision(
        id="retrieval",
        title=HEBREW_TITLE,
        context="Retrieval must narrow the catalogue to 500 candidates in 30 ms.",
        options=[
            DecisionOption(name=HEBREW_OPTION, pros=["Fresh uploads are retrievable at once"]),
            DecisionOption(name=ARABIC_OPTION, cons=["New videos have no vector"]),
        ],
        chosen=HEBREW_OPTION,
        consequences="The index is rebuilt hourly.",
    )
    design = Design(meta=Meta(title="Scripts", problem="שלום עולם"), decisions=[decision])
    drawn = _fonts_of(report_bytes(design, catalog=default_catalog(), report_date="2026-01-01"))
    assert "NotoSansHebrew-Bold" in _faces(drawn, "מועמדים")  # the decision's heading
    assert "NotoSansHebrew-Bold" in _faces(drawn, "מגדלי")  # the chosen option's cell
    assert _faces(drawn, "עולם") == {"NotoSansHebrew-Regular"}  # body text stays regular
