"""Right-to-left items in the report's lists and the options table, read back with
`pdftotext -bbox`: a bulleted goal or assumption has its bullet on the right and its text
against it; an option's name, pros and cons are set against their cell's right edge, the
sign of a pro or con on the right."""

from __future__ import annotations

import re
import shutil

import pytest

from app.domain.catalog import default_catalog
from app.domain.model import Component, Decision, DecisionOption, Design, Meta
from app.export import report_bytes
from app.export.report.styles import MARGIN, PORTRAIT
from tests.export.test_report_rtl import _words

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler) is not installed")

GOAL = "להגדיל את השימור לשבעה ימים בלי לפגוע בזמן התגובה"
ASSUMPTION = "يصل حجم الطلبات إلى خمسة آلاف طلب في الثانية"
RIGHT = PORTRAIT[0] - MARGIN
WIDTH = PORTRAIT[0] - 2 * MARGIN


@pytest.fixture(scope="module")
def words(tmp_path_factory):
    design = Design(
        meta=Meta(title="RTL lists", goals=["Raise 7-day retention", GOAL], assumptions=[ASSUMPTION]),
        components=[
            Component(id="a", kind="data_source", name="Events"),
            Component(id="f", kind="feature_pipeline", name="צינור תכונות"),  # asked about in English
        ],
        decisions=[
            Decision(
                id="d1",
                title="Retrieval model",
                options=[
                    DecisionOption(name="מודל מגדלים", pros=["אחזור מהיר מאוד"], cons=["דיוק נמוך יותר"]),
                    DecisionOption(name="Cross encoder", pros=["High precision"], cons=["Slow"]),
                    DecisionOption(name="דירוג מלא", pros=["הכי מדויק"]),
                ],
                chosen="מודל מגדלים",
            )
        ],
    )
    data = report_bytes(design, catalog=default_catalog(), report_date="2026-01-01")
    return _words(data, tmp_path_factory.mktemp("rtl_lists"))


def _line_of(words, word: str, which: int = -1) -> list[tuple[float, float, str]]:
    """The words (x min, x max, text) on the line of the last (or `which`) `word` drawn, left
    to right."""
    page, _x0, y, _x1, _text = [w for w in words if w[4] == word][which]
    return sorted((w[1], w[3], w[4]) for w in words if w[0] == page and abs(w[2] - y) < 4)


def test_an_rtl_bullet_item_has_its_bullet_on_the_right(words):
    for first in ("להגדיל"[::-1], "ﻞﺼﻳ"):  # the goal's first word, the assumption's (as drawn)
        line = _line_of(words, first)
        bullet = line[-1]
        assert bullet[2] == "•", line
        assert abs(bullet[1] - (RIGHT - 3)) < 1.5  # at the bullet indent from the right edge
        assert abs(line[-2][1] - (RIGHT - 14)) < 1.5  # the text ends at the text indent
        assert all(x1 < bullet[0] for _x0, x1, _t in line[:-1])
    ltr = _line_of(words, "Raise")
    assert ltr[0][2] == "•" and abs(ltr[0][0] - (MARGIN + 3)) < 1.5  # left to right unchanged


def test_rtl_option_names_pros_and_cons_are_set_against_their_cells_right_edge(words):
    name_end = MARGIN + WIDTH * 0.24 - 4  # the option column's right edge, inside its padding
    pros_end = MARGIN + WIDTH * 0.62 - 4
    cons_end = RIGHT - 4
    chosen = _line_of(words, "מגדלים"[::-1], 0)  # in the table (the last is the choice's)
    assert abs(max(x1 for x0, x1, _t in chosen if x0 < name_end) - name_end) < 1.5
    page, _x0, y, _x1, _t = [w for w in words if w[4] == "מגדלים"[::-1]][0]
    mark = [w for w in words if w[0] == page and w[4] == "chosen" and 0 < w[2] - y < 20]
    assert len(mark) == 1 and abs(mark[0][3] - name_end) < 1.5  # under the name, as it is aligned
    other = _line_of(words, "מלא"[::-1])
    assert abs(max(x1 for x0, x1, _t in other if x0 < name_end) - name_end) < 1.5
    for sign, first, end in (("+", "רוזחא", pros_end), ("−", "קויד", cons_end)):
        line = [w for w in _line_of(words, first) if end - WIDTH * 0.38 < w[0] < end]
        assert line[-1][2] == sign, line  # the sign on the right of right-to-left text
        assert abs(line[-1][1] - end) < 1.5
    ltr = _line_of(words, "High")
    assert [t for _x0, _x1, t in ltr if t in ("+", "High")] == ["+", "High"]


def test_a_question_quoting_an_rtl_name_still_reads_left_to_right(words):
    does = [w for w in words if w[4] == "does"]
    name = "תכונות"[::-1]
    lines = [_line_of(words, "does", n) for n in range(len(does))]
    line = next(line for line in lines if name in [t for _x0, _x1, t in line])
    texts = [t for _x0, _x1, t in line]
    assert re.fullmatch(r"\d+\.", texts[0]) and abs(line[0][0] - MARGIN) < 20  # the number on the left
    assert texts.index(name) < texts.index("does") < texts.index("not")  # the name first, then English
