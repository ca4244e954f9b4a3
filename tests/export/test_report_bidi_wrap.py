"""Mixed-direction paragraphs that wrap inside a run of the other direction, read back from the
PDF with `pdftotext -bbox`: the bidi algorithm (UAX #9) breaks the logical text into lines
first and reorders each line on its own (rules L1-L2), so the words of a right-to-left run in
an English paragraph read right to left on each line, its first words on the first line (and
the same for an English run in a right-to-left paragraph). In body paragraphs, run-in labelled
paragraphs (notes, problem statement) and table cells (the rationale of an accepted finding); and
in the report's own sentences that quote a right-to-left name: each line of the name read in its
own direction, between the sentence's words, the name's first words on the first line."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from app.domain.catalog import default_catalog
from app.domain.model import Component, Decision, Design, Link, Meta
from app.export import report_bytes
from app.export.report.shaping import base_direction
from app.export.units import humanise_text
from app.rules.engine import check_design

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler) is not installed")

HE = "אחד שניים שלושה ארבעה חמישה שישה שבעה שמונה תשעה עשרה כלב חתול סוס פרה כבש עז תרנגול ברווז"
HE2 = "הסיכון מקובל כי המודל מאומן מחדש כל לילה ונבדק מול קבוצת ביקורת לפני שהוא עולה לייצור"
AR = "واحد اثنان ثلاثة أربعة خمسة ستة سبعة ثمانية تسعة عشرة قطة كلب حصان بقرة خروف ماعز ديك بطة"
AR2 = "يرتب النظام مقاطع الفيديو في الصفحة الرئيسية لكل مستخدم"
AR3 = "ثم يكتب النتائج في مخزن الميزات كل ليلة"
# An English paragraph with a Hebrew run, one with an Arabic run, an Arabic paragraph with an
# English run, and an English table cell with a Hebrew run: each run long enough to wrap.
EN_HE = f"The ranking service stores every request with the label {HE} and then writes the results nightly"
EN_AR = f"We accepted this because the team agreed on {AR} before the launch of the new model"
AR_EN = f"{AR2} using the two tower retrieval model with hard negatives and a nightly refresh job {AR3}"
CELL = f"Accepted since the owners said {HE2} within the quarter"
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
Word = tuple[int, float, float, str, float]  # page, x min, y middle (from the top), logical text, height


def _logical(drawn: str) -> str:
    """A word as pdftotext reads it (glyphs in drawn order, Arabic in presentation forms) in
    logical order with its letters plain."""
    if base_direction(drawn) == "R":
        return unicodedata.normalize("NFKC", drawn[::-1])
    return drawn


def _read_words(design: Design, folder: Path) -> tuple[list[Word], set[int]]:
    """The report's words, and the pages whose heading is "Architecture" (the figures)."""
    data = report_bytes(design, catalog=default_catalog(), report_date="2026-01-01")
    pdf = folder / "report.pdf"
    pdf.write_bytes(data)
    command = ["pdftotext", "-bbox", str(pdf), "-"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    found: list[Word] = []
    figures: set[int] = set()
    page = 0
    for line in out.splitlines():
        if "<page " in line:
            page += 1
        elif match := WORD.search(line):
            x0, y0, _x1, y1, text = match.groups()
            text = html.unescape(text)
            found.append(
                (page, float(x0), (float(y0) + float(y1)) / 2, _logical(text), float(y1) - float(y0))
            )
            if text == "Architecture" and float(y1) - float(y0) > 12:
                figures.add(page)
    return found, figures


@pytest.fixture(scope="module")
def words(tmp_path_factory) -> list[Word]:
    design = Design(
        meta=Meta(title="Mixed directions", problem=EN_AR, notes=AR_EN),
        components=[Component(id="a", kind="data_source", name="Ranker store", notes=EN_HE)],
        decisions=[Decision(id="d1", rule="R1", components=["a"], rationale=CELL)],
    )
    return _read_words(design, tmp_path_factory.mktemp("bidi"))[0]


Place = tuple[int, float, float]  # a page and the x range of a table column on it


def _occurrences(words: list[Word], paragraph: str, within: Place | None = None) -> list[list[list[Word]]]:
    """Every place the paragraph is drawn, as its lines (top to bottom, each its words left to
    right): from its first logical word down to its last, only the paragraph's own words (and
    only those in the column `within`)."""
    if within is not None:
        words = [w for w in words if w[0] == within[0] and within[1] <= w[1] <= within[2]]
    tokens = paragraph.split()
    vocabulary = set(tokens)
    places = []
    for start in (w for w in words if w[3] == tokens[0]):
        page, top = start[0], start[2]
        if not any(w[0] == page and w[3] == tokens[1] and abs(w[2] - top) < 3 for w in words):
            continue  # the word, but not the paragraph's beginning (a heading, say)
        ends = [w for w in words if w[0] == page and w[3] == tokens[-1] and w[2] >= top - 3]
        if not ends:
            continue
        bottom = min(w[2] for w in ends)
        block = [w for w in words if w[0] == page and w[3] in vocabulary and top - 3 <= w[2] <= bottom + 3]
        rows: list[list[Word]] = []
        for word in sorted(block, key=lambda w: w[2]):
            if rows and word[2] - rows[-1][0][2] < 4:
                rows[-1].append(word)
            else:
                rows.append([word])
        places.append([sorted(row, key=lambda w: w[1]) for row in rows])
    return places


def _reading(line: list[Word], base: str, quoted: frozenset[str] = frozenset()) -> list[str]:
    """A line's words in reading order under the bidi algorithm's rule L2 for these texts
    (letters only): in a left-to-right line, each run of right-to-left words read right to
    left; in a right-to-left line, the line read right to left, each left-to-right run in it
    left to right. In a left-to-right line, adjacent words of `quoted` (a right-to-left name,
    isolated) are read as a right-to-left line of their own."""
    if quoted:
        groups: list[list[Word]] = []
        for word in line:
            if groups and (word[3] in quoted) == (groups[-1][0][3] in quoted):
                groups[-1].append(word)
            else:
                groups.append([word])
        return [t for g in groups for t in _reading(g, "R" if g[0][3] in quoted else base)]
    texts = [w[3] for w in line] if base == "L" else [w[3] for w in reversed(line)]
    out: list[str] = []
    run: list[str] = []
    for text in texts:
        if (base_direction(text) or base) != base:
            run.append(text)
            continue
        out += run[::-1] + [text]
        run = []
    return out + run[::-1]


def _check(
    words: list[Word],
    paragraph: str,
    base: str,
    places: int = 1,
    *,
    quoted: str = "",
    within: Place | None = None,
) -> list[list[list[Word]]]:
    """The paragraph's occurrences, each wrapped, its lines read in logical order (a quoted
    right-to-left name read in its own direction)."""
    found = _occurrences(words, paragraph, within)
    assert len(found) >= places, f"{paragraph[:30]}...: drawn {len(found)} times"
    for lines in found:
        assert len(lines) >= 2, "the paragraph should wrap"
        read = [text for line in lines for text in _reading(line, base, frozenset(quoted.split()))]
        assert read == paragraph.split(), [[w[3] for w in line] for line in lines]
    return found


def test_hebrew_run_in_english_notes_wraps_in_reading_order(words):
    (lines,) = _check(words, EN_HE, "L")
    first = [w[3] for w in lines[0]]
    assert "אחד" in first  # the run's first word on the first line, next to "label"
    assert "ברווז" not in first  # and its last one not


def test_arabic_run_in_english_problem_statement_wraps_in_reading_order(words):
    # the front page's box, the summary, the context section: three paragraphs
    _check(words, EN_AR, "L", places=3)


def test_english_run_in_arabic_notes_wraps_in_reading_order(words):
    _check(words, AR_EN, "R")


def test_hebrew_run_in_an_english_table_cell_wraps_in_reading_order(words):
    (lines,) = _check(words, CELL, "L")
    assert len(lines) >= 3  # a narrow column: the run spans lines


# Names of figure cards that wrap: the second line of the first starts with its Hebrew run (an
# English name), the second line of the second with its English run (a Hebrew name).
CARD_EN = "Clicks from the mobile app מקור הנתונים הראשי Kafka 2"
CARD_HE = "מודל הדירוג של הקבוצה Two tower ranker גרסה שתיים"


@pytest.fixture(scope="module")
def figure_words(tmp_path_factory) -> list[Word]:
    design = Design(
        meta=Meta(title="Figure labels"),
        components=[
            Component(id="a", kind="data_source", name=CARD_EN),
            Component(id="b", kind="model", name=CARD_HE),
        ],
        links=[Link(id="l1", source="a", target="b", flow="data")],
    )
    found, figures = _read_words(design, tmp_path_factory.mktemp("figure"))
    assert figures, "no Architecture page"
    return [w for w in found if w[0] in figures]


@pytest.mark.parametrize(("name", "base"), [(CARD_EN, "L"), (CARD_HE, "R")])
def test_a_wrapped_card_name_reads_in_order_on_each_line(figure_words, name, base):
    """Each line of a card's name is reordered in the direction of the whole name, not its
    own: "מקור הנתונים הראשי Kafka 2" on the second line of an English name reads the Hebrew
    first (on the left), then "Kafka 2" to its right."""
    (lines,) = _check(figure_words, name, base)
    assert 2 <= len(lines) <= 3
    second = [w[3] for w in lines[1]]
    assert (base_direction(second[0]) or base) != (base_direction(second[-1]) or base)  # mixed


def test_a_long_name_in_the_summary_approach_wraps_in_reading_order(tmp_path):
    """The summary's approach quotes the component names: a Hebrew name that wraps reads in
    order on each line, after the run-in label."""
    name = f"Clicks {HE} Kafka"
    design = Design(meta=Meta(title="Names"), components=[Component(id="a", kind="data_source", name=name)])
    found, _figures = _read_words(design, tmp_path)
    (lines,) = _check(found, f"Approach. Data: {name}.", "L")
    assert [w[3] for w in lines[0]][:3] == ["Approach.", "Data:", "Clicks"]


# Names quoted in the report's own sentences, each longer than a line where it is quoted: an
# English name with an Arabic phrase (and markup characters, printed as typed), a Hebrew name
# ending in an English run (read to the left of the Hebrew on its last line).
STORE = f"Feature store <b>&amp; {AR} nightly"
MODEL = f"מודל הדירוג {HE} Two tower"
TITLE = f"Use {HE2} for ranking"  # a decision's title: HE2 shares no word with HE
QUOTING = Design(
    meta=Meta(title="Quoted names"),
    components=[
        Component(id="a", kind="data_source", name="Clicks source"),
        Component(id="b", kind="feature_store", name=STORE),
        Component(id="c", kind="model", name=MODEL),
    ],
    links=[
        Link(id="l1", source="a", target="c", flow="data"),
        Link(id="l2", source="b", target="c", flow="data"),
    ],
    decisions=[Decision(id="d1", title=TITLE, components=["b", "c"])],
)


@pytest.fixture(scope="module")
def quoting_words(tmp_path_factory) -> list[Word]:
    found, figures = _read_words(QUOTING, tmp_path_factory.mktemp("quoting"))
    return [w for w in found if w[0] not in figures]


def test_a_long_name_in_sends_to_lines_wraps_in_reading_order(quoting_words):
    """ "Sends to" under the source and under the feature store: the Hebrew name's first words
    on the first line, "Two tower" left of its last Hebrew words on the last."""
    for lines in _check(quoting_words, f"Sends to {MODEL} (data)", "L", places=2, quoted=MODEL):
        assert "מודל" in [w[3] for w in lines[0]]
        assert "Two" not in [w[3] for w in lines[0]]


def test_names_in_a_decision_s_facts_wrap_in_reading_order(quoting_words):
    (lines,) = _check(quoting_words, f"concerns {STORE}; {MODEL}", "L", quoted=MODEL)
    assert [w[3] for w in lines[0]][:4] == ["concerns", "Feature", "store", "<b>&amp;"]


def test_names_in_a_finding_s_cells_wrap_in_reading_order(quoting_words):
    """The R12 finding's message quotes the model's name; its Concerns cell lists the names
    of the components it concerns."""
    result = check_design(QUOTING, default_catalog())
    finding = next(f for f in result.findings if f.rule == "R12")
    message = humanise_text(finding.message)
    assert MODEL in message
    start = next(w for w in quoting_words if w[3] == message.split()[0])
    (lines,) = _check(quoting_words, message, "L", quoted=MODEL, within=(start[0], start[1] - 1, 1e6))
    assert len(lines) >= 3  # a table column: the name spans lines
    names = {c.id: c.name for c in QUOTING.components}
    concerns = "; ".join(names[c] for c in finding.components)
    assert MODEL in concerns
    (lines,) = _check(quoting_words, concerns, "L", quoted=MODEL, within=(start[0], 0, start[1] - 2))
    assert len(lines) >= 4


def _size(word: Word) -> float:
    """A word's type size: pdftotext's box spans the font's ascent and descent, the size for
    DejaVu Sans, 1.36 times it for Noto Sans Hebrew."""
    return word[4] / 1.36 if base_direction(word[3]) == "R" else word[4]


def test_names_in_headings_wrap_in_reading_order(quoting_words):
    """The model's heading (its kind, smaller, left out) and the decision's title: in the
    heading and where the components' entries list the decisions that concern them."""
    headings = [w for w in quoting_words if _size(w) > 10.4]  # 10.5 pt and larger type
    (lines,) = _check(headings, MODEL, "R")
    assert lines[0][-1][3] == "מודל"  # the name's first word at the right end of the first line
    assert [w[3] for w in lines[-1]][:2] == ["Two", "tower"]
    titles = _check(quoting_words, TITLE, "L", places=2)
    assert any(all(_size(w) > 10.4 for line in lines for w in line) for lines in titles)  # the heading


def test_no_bidi_control_reaches_the_page(quoting_words):
    """Spans are reordered and their controls dropped; markup characters print as typed."""
    controls = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
    assert not [w for w in quoting_words if controls.search(w[3])]
    assert "<b>&amp;" in {w[3] for w in quoting_words}
