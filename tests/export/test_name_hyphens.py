"""A word too long for a card's line is cut in the figures as on the canvas: with a hyphen in
Latin, Greek and Cyrillic, without one in CJK, and the name still reads whole."""

from __future__ import annotations

import pytest

from app.export import report_bytes, to_svg
from app.rules.engine import check_design
from tests.export.pdfread import reader
from tests.export.svgtext import node_texts
from tests.factories import DesignBuilder

LATIN = "Betrugserkennungsmodellüberwachung"
CYRILLIC = "Мониторингмоделеймошенничества"
CJK = "推荐系统的特征存储与在线服务管道以及离线训练数据"
NAMES = (LATIN, CYRILLIC, CJK, "Personalization consent (GDPR)", "Ranker")


@pytest.fixture
def design(catalog):
    b = DesignBuilder(catalog, title="Long words")
    for index, (kind, name) in enumerate(
        zip(("data_source", "dataset", "feature_pipeline", "model", "endpoint"), NAMES, strict=True)
    ):
        b.add(kind, name, id=f"c{index}")
    for index in range(len(NAMES) - 1):
        b.link(f"c{index}", f"c{index + 1}")
    return b.design


def _read_back(lines: list[str], name: str) -> list[str]:
    """The lines that spell `name`, from the one its first letters start: a line ending in a
    hyphen the name does not have there continues the word on the next line."""
    start = next(i for i, line in enumerate(lines) if line and name.startswith(line[:4]))
    read, used = "", []
    for line in lines[start:]:
        if read == name:
            break
        if name[len(read) : len(read) + 1] == " ":  # the line before ended at a space
            read += " "
        used.append(line)
        cut = line.endswith("-") and not name.startswith(read + line)
        read += line[:-1] if cut else line
    assert read == name, (name, used)
    return used


def _check_cuts(lines: list[str]) -> None:
    for name in (LATIN, CYRILLIC):
        used = _read_back(lines, name)
        assert len(used) >= 2 and all(line.endswith("-") and line[-2].isalpha() for line in used[:-1]), used
    used = _read_back(lines, CJK)
    assert len(used) >= 2 and not any(line.endswith("-") for line in used), used


def _figure_lines(pdf: bytes) -> list[str]:
    """The text lines of every figure (form XObject) in the report, in drawing order."""
    document = reader(pdf)
    lines = []
    for page in document.pages:
        for ref in page.get("/Resources", {}).get("/XObject", {}).values():
            form = ref.get_object()
            if form.get("/Subtype") == "/Form":
                lines += [line.strip() for line in page.extract_xform_text(form).split("\n")]
    return lines


def test_report_figure_cuts_a_long_word_with_a_hyphen_in_latin_and_cyrillic_not_in_cjk(design, catalog):
    pdf = report_bytes(design, check_design(design, catalog), catalog, report_date="2024-05-02")
    lines = _figure_lines(pdf)
    _check_cuts(lines)
    for name in NAMES:
        _read_back(lines, name)  # every name whole


def test_svg_cards_cut_a_long_word_with_a_hyphen_in_latin_and_cyrillic_not_in_cjk(design, catalog, renderer):
    texts = node_texts(to_svg(design, catalog))
    names = [texts[f"n{index}"][:-1] for index in range(len(NAMES))]  # the kind is the last line
    _check_cuts([line for lines in names for line in lines])
    for name, lines in zip(NAMES, names, strict=True):
        assert _read_back(lines, name) == lines


def test_compounds_stay_whole_and_a_too_long_one_breaks_after_its_own_hyphen(catalog, renderer):
    b = DesignBuilder(catalog, title="Compounds")
    b.add("endpoint", "Ranker", id="c0", technology="LightGBM lambdarank, served in-process (Java)")
    b.add("dataset", "Conversation log (PII-redacted)", id="c1")
    b.add("feature_pipeline", "Retrieval-augmented-generation-feature-pipeline", id="c2")
    texts = node_texts(to_svg(b.design, catalog))
    assert texts["n0"][2:4] == ["LightGBM lambdarank, served", "in-process (Java)"]  # name, kind, tech
    assert texts["n1"][:2] == ["Conversation log", "(PII-redacted)"]
    assert texts["n2"][:2] == ["Retrieval-augmented-", "generation-feature-pipeline"]
