"""Right-to-left paragraphs in the report, read back from the PDF with `pdftotext -bbox`: set
against the right edge, wrapped in logical order (first words on top), numbers and Latin
words where the bidi algorithm puts them; in body paragraphs and in table cells."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from app.domain.catalog import default_catalog
from app.domain.model import Component, Decision, Design, Meta
from app.export import report_bytes
from app.export.report.rtl import user_text
from app.export.report.shaping import base_direction
from app.export.report.styles import MARGIN, PORTRAIT, make_styles

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler) is not installed")

HEBREW = (
    "המערכת מדרגת את הסרטונים בפיד הבית של כל משתמש כדי להגדיל את השימור לשבעה ימים, עם תקציב "
    "השהיה של 100 מילישניות ב-5000 בקשות לשנייה, ובעזרת מודל Two-tower לאחזור מועמדים ומודל דירוג "
    "רב-משימתי סופי"
)
ARABIC = (
    "يرتب النظام مقاطع الفيديو في الصفحة الرئيسية لكل مستخدم لزيادة الاحتفاظ لمدة سبعة أيام باستخدام Kafka"
)
RATIONALE = "הסיכון מקובל כי המודל מאומן מחדש כל לילה ונבדק מול קבוצת ביקורת לפני שהוא עולה לייצור המלא"
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def _words(data: bytes, tmp_path: Path) -> list[tuple[int, float, float, float, str]]:
    """(page, x min, y of its middle (from the top), x max, text) of every word, glyphs as drawn."""
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(data)
    command = ["pdftotext", "-bbox", str(pdf), "-"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    words, page = [], 0
    for line in out.splitlines():
        if "<page " in line:
            page += 1
        elif match := WORD.search(line):
            x0, y0, x1, y1, text = match.groups()
            words.append((page, float(x0), (float(y0) + float(y1)) / 2, float(x1), text))
    return words


def _lines_of(words, paragraph: str, last: bool = False) -> list[list[tuple[float, float, str]]]:
    """The lines (top to bottom, each its words left to right) of the paragraph's first (or
    last) occurrence: the words drawn from its text (each right-to-left word reversed as
    drawn, the Latin and number runs as they are), from its first word down to its last."""
    tokens = {w[::-1] for w in paragraph.split()} | {"100", "5000-ב", "Two-tower", "Kafka"}
    first, final = paragraph.split()[0][::-1], paragraph.split()[-1][::-1]
    starts = [i for i, w in enumerate(words) if w[4] == first]
    start = starts[-1 if last else 0]
    page, top = words[start][0], words[start][2]
    block = [w for w in words if w[0] == page and w[4] in tokens and w[2] >= top - 4]
    bottom = next(w[2] for w in block if w[4] == final)
    rows: list[tuple[float, list[tuple[float, float, str]]]] = []
    for _page, x0, y, x1, text in sorted(block, key=lambda w: w[2]):
        if top - 4 <= y <= bottom + 4:
            if rows and y - rows[-1][0] < 4:
                rows[-1][1].append((x0, x1, text))
            else:
                rows.append((y, [(x0, x1, text)]))
    return [sorted(row) for _y, row in rows]


@pytest.fixture(scope="module")
def rtl_words(tmp_path_factory):
    catalog = default_catalog()
    design = Design(
        meta=Meta(title="RTL", problem=HEBREW, notes=ARABIC),
        components=[Component(id="a", kind="data_source", name="מקור נתונים")],
        decisions=[Decision(id="d1", rule="R1", components=["a"], rationale=RATIONALE)],
    )
    data = report_bytes(design, catalog=catalog, report_date="2026-01-01")
    return _words(data, tmp_path_factory.mktemp("rtl"))


def test_direction_is_that_of_the_first_strong_letter():
    assert base_direction("2024: " + HEBREW) == "R"
    assert base_direction("Kafka " + HEBREW) == "L"
    assert base_direction("\u2066Kafka\u2069 " + HEBREW) == "R"  # an isolate does not count
    assert base_direction("42 – 7") is None


def test_a_wrapped_rtl_paragraph_is_right_aligned_and_reads_from_the_top(rtl_words):
    lines = _lines_of(rtl_words, HEBREW, last=True)
    assert len(lines) >= 2
    right = PORTRAIT[0] - MARGIN
    for line in lines:
        assert abs(line[-1][1] - right) < 1.5, line  # every line ends at the right margin
    assert lines[0][-1][2] == "המערכת"[::-1]  # the first logical word: top line, rightmost
    assert lines[-1][0][2] == "סופי"[::-1]  # the last: bottom line, leftmost
    first_x = lines[0][0][0]
    assert first_x > MARGIN + 20  # the first line is not pushed against the left margin either


def test_numbers_and_latin_words_keep_their_order_in_rtl_lines(rtl_words):
    words = [w for line in _lines_of(rtl_words, HEBREW, last=True) for w in line]
    texts = [w[2] for w in words]
    assert "Two-tower" in texts  # a Latin word is not reversed
    assert any(t in ("100", "5000-ב", "ב-5000") or "5000" in t for t in texts)
    # "של 100": the number follows the word, so it is drawn to its left
    position = {t: x0 for x0, _x1, t in words}
    assert position["100"] < position["לש"]


def test_an_arabic_paragraph_is_right_aligned(rtl_words):
    kafka = [w for w in rtl_words if w[4].strip(".") == "Kafka"][-1]
    line = [w for w in rtl_words if w[0] == kafka[0] and abs(w[2] - kafka[2]) < 4]
    assert abs(max(w[3] for w in line) - (PORTRAIT[0] - MARGIN)) < 1.5


def test_an_rtl_table_cell_is_right_aligned_and_reads_from_the_top(rtl_words):
    lines = _lines_of(rtl_words, RATIONALE, last=True)
    assert len(lines) >= 2  # it wraps in its column
    ends = {round(line[-1][1]) for line in lines}
    assert max(ends) - min(ends) <= 1  # every line ends at the cell's right edge
    assert lines[0][-1][2] == "הסיכון"[::-1]
    assert lines[-1][0][2] == "המלא"[::-1]


def test_a_left_to_right_paragraph_is_a_plain_paragraph():
    styles = make_styles()
    assert type(user_text("Plain text & <b>", styles.body)).__name__ == "Paragraph"
    quoting = user_text("Plain text with שלום inside", styles.body)  # wrapped in logical order
    assert type(quoting).__name__ == "BidiParagraph"
    assert quoting.style is styles.body  # not right-aligned
    assert type(user_text(HEBREW, styles.body)).__name__ == "BidiParagraph"
