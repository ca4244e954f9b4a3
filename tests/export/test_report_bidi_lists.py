"""Right-to-left names in the report's lists, read back from `mlsd export --pdf --rubric` with
`pdftotext -bbox` (as tests/export/test_report_bidi_wrap.py does):

- a Concerns cell (the risk register's, the accepted trade-offs') that quotes only a
  right-to-left name reads right to left: right-aligned in its column, as the Rationale cell
  beside it is;
- the Alternatives note's option names and a rubric reason's decision titles are each isolated:
  two right-to-left names with only '", "' between them were one right-to-left phrase, drawn
  in swapped order in the English sentence.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess

import pytest

from app.cli import main
from app.domain.model import Component, Decision, DecisionOption, Design, Meta
from app.domain.text import FSI, PDI
from app.persistence import save_design
from tests.test_cli_long_names import three_metrics

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler) is not installed")

NAME = "שרת"  # a component's name (one word: the whole Concerns cell)
OPTIONS = ("אלפא", "בטא", "גמא")  # a decision's options, none argued
TITLES = ("כותרת", "נושא")  # two decisions' titles, listed by a rubric reason
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
Word = tuple[int, float, float, float, str]  # page, x min, x max, y middle, text in logical order


def _logical(drawn: str) -> str:
    """A word as pdftotext reads it (glyphs in drawn order): its Hebrew letters, if any, in
    logical order without the punctuation around them ('"אפלא",' is the name אלפא)."""
    hebrew = "".join(re.findall(r"[\u0590-\u05ff]+", drawn))
    return hebrew[::-1] if hebrew else drawn


def _design() -> Design:
    metric = Component(
        id="m",
        kind="metric",
        name="Recall",
        properties={"name": "recall", "role": "optimizing", "threshold": 0.8},
    )
    served = {"mode": "online", "latency_slo_ms": 50, "qps": 100, "autoscale": True, "fallback": "cached"}
    server = Component(id="s", kind="endpoint", name=NAME, properties=served)
    options = [DecisionOption(name=o) for o in OPTIONS]
    decisions = [
        Decision(id="d1", title="Which index", status="accepted", options=options),
        *(Decision(id=f"t{i}", title=title, status="accepted") for i, title in enumerate(TITLES)),
        Decision(id="d2", rule="R5", components=["s"], rationale="Not linked yet on purpose"),
    ]
    return Design(meta=Meta(title="Lists"), components=[metric, server], decisions=decisions)


@pytest.fixture(scope="module")
def words(tmp_path_factory) -> list[Word]:
    folder = tmp_path_factory.mktemp("lists")
    path, pdf = folder / "lists.mlsd", folder / "lists.pdf"
    save_design(_design(), path)
    assert main(["export", str(path), "--pdf", str(pdf), "--rubric"]) == 0
    return _words_of(pdf)


def _line_of(words: list[Word], word: Word) -> list[Word]:
    return sorted((w for w in words if w[0] == word[0] and abs(w[3] - word[3]) < 3), key=lambda w: w[1])


def test_a_concerns_cell_quoting_a_right_to_left_name_is_right_aligned(words):
    tables = 0  # the tables quoting the name
    for header in (w for w in words if w[4] == "Concerns"):
        line = _line_of(words, header)
        after = [w for w in line if w[1] > header[2]]
        if not after or after[0][4] not in ("Finding", "Rationale"):
            continue  # the word, not a table's header
        left, right = header[1], after[0][1]
        below = sorted((w for w in words if w[0] == header[0] and w[3] > header[3] + 3), key=lambda w: w[3])
        end = next((w[3] for w in below if w[1] < left - 2), float("inf"))  # the first line outside the table
        cells = [w for w in below if w[3] < end and w[4] == NAME and left - 2 <= w[1] < right]
        tables += bool(cells)
        for cell in cells:
            room_left, room_right = cell[1] - left, right - cell[2]
            assert room_left > room_right, f"{NAME} is not right-aligned in its Concerns cell: {cell}"
    assert tables >= 2  # the risk register's and the accepted trade-offs'


def _order(words: list[Word], anchor: str, names: tuple[str, ...]) -> list[list[str]]:
    """Every line holding `anchor`: the `names` on it, left to right."""
    lines = [_line_of(words, w) for w in words if w[4] == anchor]
    return [[w[4] for w in line if w[4] in names] for line in lines]


def test_the_alternatives_note_keeps_the_options_in_order(words):
    lines = [line for line in _order(words, "Alternatives.", OPTIONS) if line]
    assert lines == [list(OPTIONS)], lines  # an English sentence: the first option on the left


def test_a_rubric_reason_keeps_the_decision_titles_in_order(words):
    lines = [line for line in _order(words, TITLES[0], TITLES) if len(line) > 1]  # not the headings
    assert lines and all(line == list(TITLES) for line in lines), lines


def test_the_cli_rubric_isolates_the_names_it_quotes(tmp_path, capsys):
    path = tmp_path / "lists.mlsd"
    save_design(_design(), path)
    capsys.readouterr()
    main(["check", "--rubric", "--format", "json", str(path)])
    reasons = [r for d in json.loads(capsys.readouterr().out)["rubric"]["dimensions"] for r in d["reasons"]]
    titles = f'("Which index", "{FSI}{TITLES[0]}{PDI}", "{FSI}{TITLES[1]}{PDI}")'
    assert any(titles in reason for reason in reasons), reasons


def _words_of(pdf) -> list[Word]:
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    found: list[Word] = []
    page = 0
    for line in out.splitlines():
        if "<page " in line:
            page += 1
        elif match := WORD.search(line):
            x0, y0, x1, y1, text = match.groups()
            found.append(
                (page, float(x0), float(x1), (float(y0) + float(y1)) / 2, _logical(html.unescape(text)))
            )
    return found


def test_a_rubric_reason_keeps_the_names_its_finding_quotes_in_order(tmp_path):
    """A rubric reason quotes a finding's message ("-2 R1 ...: A, B and C are not tied to
    Revenue"): its names were not isolated, so the first two, with only ", " between them,
    were drawn as one right-to-left phrase, B before A."""
    path, pdf = tmp_path / "metrics.mlsd", tmp_path / "metrics.pdf"
    save_design(three_metrics(*OPTIONS), path)
    assert main(["export", str(path), "--pdf", str(pdf), "--rubric"]) == 0
    words = _words_of(pdf)
    lines = [  # the names after "objective:": the risk register's message, the rubric's reason
        [w[4] for w in _line_of(words, anchor) if w[4] in OPTIONS and w[1] > anchor[1]]
        for anchor in words
        if anchor[4] == "objective:"
    ]
    assert any(len(line) == len(OPTIONS) for line in lines), lines
    assert all(line == list(OPTIONS[: len(line)]) for line in lines), lines
