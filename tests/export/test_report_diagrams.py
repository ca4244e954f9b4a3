"""The report's figures, drawn natively from our layout: the system figure (or the stage
overview of a big design) and the figures opening each stage's section."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from pypdf.generic import ContentStream

from app.domain.model import Component, Design, Link
from app.export import report_bytes
from app.export.report import diagram
from app.export.report.figure import MIN_TEXT_PT
from app.rules.engine import CheckResult, check_design, stage_coverage
from tests.export.designs import staged_design
from tests.export.pdfread import flat, multiply, outline, reader, text_of


def _forms(page) -> list:
    """The form XObjects (figures) a page shows."""
    objects = page.get("/Resources", {}).get("/XObject", {})
    return [o.get_object() for o in objects.values() if o.get_object().get("/Subtype") == "/Form"]


def _drawn_forms(pdf, page) -> list[tuple[str, tuple[float, float, float, float], float]]:
    """(name, box on the page, scale) of every form the page's content draws."""
    forms = page.get("/Resources", {}).get("/XObject", {})
    stack, ctm, drawn = [], [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], []
    for operands, operator in ContentStream(page.get_contents(), pdf).operations:
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop()
        elif operator == b"cm":
            ctm = multiply([float(v) for v in operands], ctm)
        elif operator == b"Do" and str(operands[0]) in forms:
            x0, y0, x1, y1 = (float(v) for v in forms[str(operands[0])].get_object()["/BBox"])
            xs = [x * ctm[0] + y * ctm[2] + ctm[4] for x in (x0, x1) for y in (y0, y1)]
            ys = [x * ctm[1] + y * ctm[3] + ctm[5] for x in (x0, x1) for y in (y0, y1)]
            drawn.append((str(operands[0]), (min(xs), min(ys), max(xs), max(ys)), abs(ctm[3])))
    return drawn


def _text_sizes(pdf, form) -> list[float]:
    """The size in points of every piece of text a form sets (the Tf size in force when it is
    shown times the text matrix's vertical scale; the forms are drawn unscaled, which
    _drawn_forms checks)."""
    sizes, size, scale = [], 0.0, 1.0
    for operands, operator in ContentStream(form, pdf).operations:
        if operator == b"Tf":
            size = float(operands[1])
        elif operator == b"Tm":
            scale = abs(float(operands[3]))
        elif operator == b"BT":
            scale = 1.0
        elif operator in (b"Tj", b"TJ"):
            sizes.append(size * scale)
    return sizes


def _figure_pages(data: bytes) -> list[tuple[int, str]]:
    """(page number from 1, the text of its figures) of every page with a figure."""
    pdf = reader(data)
    return [
        (number, " ".join(flat(page.extract_xform_text(form)) for form in _forms(page)))
        for number, page in enumerate(pdf.pages, 1)
        if _forms(page)
    ]


@pytest.fixture
def recommender_report(recommender, recommender_check, catalog) -> bytes:
    return report_bytes(recommender, recommender_check, catalog, report_date="2024-05-02")


@pytest.fixture(scope="module")
def big_report() -> tuple[Design, bytes]:
    from app.domain.catalog import default_catalog

    catalog = default_catalog()
    design = staged_design(catalog, 150)
    return design, report_bytes(design, check_design(design, catalog), catalog, report_date="2024-05-02")


def test_system_figure_has_a_landscape_page_of_its_own(recommender_report, recommender):
    pdf = reader(recommender_report)
    pages = {title: number for _level, title, number in outline(recommender_report)}
    page = pdf.pages[pages["Architecture"] - 1]
    assert float(page.mediabox.width) > float(page.mediabox.height)
    (form,) = _forms(page)
    drawn = flat(page.extract_xform_text(form))
    for component in recommender.components:
        assert flat(component.name) in drawn, component.name
    (_name, (x0, y0, x1, y1), scale), = _drawn_forms(pdf, page)  # fmt: skip
    assert scale == 1.0 and x1 - x0 > 600  # spans the landscape page's text width


def test_a_design_shown_whole_gets_no_stage_figures(recommender_report):
    # every component is on the system figure's page: no stage figure repeats them
    assert [number for number, _text in _figure_pages(recommender_report)] == [
        {t: p for _l, t, p in outline(recommender_report)}["Architecture"]
    ]


def test_figures_are_never_cropped_and_drawn_unscaled(recommender_report):
    pdf = reader(recommender_report)
    seen = 0
    for page in pdf.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        for _name, (x0, y0, x1, y1), scale in _drawn_forms(pdf, page):
            seen += 1
            assert scale == 1.0  # text is set at its final size
            assert x0 >= 0 and y0 >= 0 and x1 <= width + 0.5 and y1 <= height + 0.5, (x0, y0, x1, y1)
            assert x1 - x0 >= 100 and y1 - y0 >= 30  # not a thumbnail either
    assert seen == 1  # the system figure, drawn once


def test_figure_text_is_at_least_7_pt(recommender_report, big_report):
    for data in (recommender_report, big_report[1]):
        pdf = reader(data)
        sizes = [size for page in pdf.pages for form in _forms(page) for size in _text_sizes(pdf, form)]
        assert len(sizes) > 50
        assert min(sizes) >= MIN_TEXT_PT, min(sizes)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is not installed")
def test_figure_text_height_by_pdftotext(recommender_report, tmp_path):
    """Cross-check with an independent reader: words on the landscape system figure page are
    at least 7 pt tall (pdftotext's boxes span ascent to descent, about 1.16 em)."""
    path = tmp_path / "report.pdf"
    path.write_bytes(recommender_report)
    page = {title: number for _level, title, number in outline(recommender_report)}["Architecture"]
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    heights = [
        float(line.split('yMax="')[1].split('"')[0]) - float(line.split('yMin="')[1].split('"')[0])
        for line in out.splitlines()
        if "<word " in line
    ]
    assert len(heights) > 50 and min(heights) >= MIN_TEXT_PT, min(heights)


def test_big_design_gets_the_stage_overview_and_every_stage_figure(big_report, catalog):
    design, data = big_report
    pdf = reader(data)
    pages = {title: number for _level, title, number in outline(data)}
    system = pdf.pages[pages["Architecture"] - 1]
    assert float(system.mediabox.width) > float(system.mediabox.height)
    assert "The design has 150 components" in flat(system.extract_text())
    figures = _figure_pages(data)
    overview = [text for number, text in figures if number == pages["Architecture"]]
    assert not overview  # the overview is drawn on the page itself, not a figure of cards
    assert "37 components" in flat(system.extract_text())  # the data stage's box
    drawn = " ".join(text for _number, text in figures)
    for component in design.components:
        assert component.name in drawn, component.name  # every component, in some stage figure
    starts = sorted(pages[f"Stage {s.number}. {s.label}"] for s in catalog.stages)
    for start, end in zip(starts, [*starts[1:], pages["Design by stage"]], strict=True):
        assert any(start <= number < end for number, _text in figures), start
    assert not any(number >= pages["Design by stage"] for number, _text in figures)


def test_a_stage_too_big_for_a_page_is_split_and_nothing_is_left_out(catalog):
    # names wider than a card, whole on two lines at 7 pt (one breaks after its slash) or only
    # on three (its row of cards made taller); numbers of three digits: no name is the start
    # of another
    long_names = ("Streaming supply/demand pipeline", "Clickstream events from the mobile apps")
    sources = [
        Component(id=f"d{i}", kind="data_source", name=f"{long_names[i % 2]} {100 + i}") for i in range(140)
    ]
    design = Design(components=[*sources, Component(id="m", kind="model", name="Ranker")])
    # all linked: one connected part too big for a page, so the figures go stage by stage
    design.links = [Link(id=f"l{i}", source=f"d{i}", target="m", flow="data") for i in range(140)]
    result = CheckResult(findings=[], coverage=stage_coverage(design, catalog))
    data = report_bytes(design, result, catalog)
    figures = _figure_pages(data)
    pdf = reader(data)
    pages = {title: number for _level, title, number in outline(data)}
    parts = [n for n, _text in figures if pages["Stage 2. Data"] <= n < pages["Stage 4. Model design"]]
    assert all(float(pdf.pages[n - 1].mediabox.width) > 600 for n in parts)  # landscape
    text = " ".join(flat(pdf.pages[n - 1].extract_text()) for n in parts)
    captions = re.findall(r"Part (\d+) of (\d+) of this stage's figure", text)
    assert len(parts) == len(captions) >= 2
    assert [int(k) for k, _n in captions] == list(range(1, len(parts) + 1))
    assert {int(n) for _k, n in captions} == {len(parts)}
    # every name whole (lines joined, spaces dropped) in the stage's parts and in the Ranker's
    # stage, whose one component is linked to more than a page shows: split the same way
    stages = ("Stage 2. Data", "Stage 4. Model design", "Design by stage")
    for first, end in zip(stages, stages[1:], strict=False):
        texts = [text for n, text in figures if pages[first] <= n < pages[end]]
        assert not [text for text in texts if "…" in text]  # no name cut in any part
        drawn = "".join("".join(text.split()) for text in texts)
        for component in design.components:
            assert "".join(component.name.split()) in drawn, component.name


def test_a_failing_layout_becomes_a_note(recommender, recommender_check, catalog, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("layout exploded")

    monkeypatch.setattr("app.export.scene.layout_design", broken)
    data = report_bytes(recommender, recommender_check, catalog)
    text = text_of(data)
    assert "The diagram could not be drawn" in text and "layout exploded" in text
    assert "The figure of this stage could not be drawn" not in text  # no stage figures after that
    assert not any(_forms(page) for page in reader(data).pages)


def test_no_figures_when_they_are_skipped(recommender, recommender_check, catalog):
    pdf = report_bytes(recommender, recommender_check, catalog, diagram_error="skipped")
    assert not any(_forms(page) for page in reader(pdf).pages)
    assert "Each stage opens with its diagram" not in text_of(pdf)


def test_system_figure_limit_switches_to_the_overview(catalog):
    def design_of(n: int) -> Design:
        kinds = ["data_source", "dataset", "feature_pipeline", "model", "endpoint", "monitor"]
        components = [Component(id=f"c{i}", kind=kinds[i % 6], name=f"Part {i}") for i in range(n)]
        return Design(components=components)

    for n, overview in ((diagram.SYSTEM_FIGURE_LIMIT, False), (diagram.SYSTEM_FIGURE_LIMIT + 1, True)):
        design = design_of(n)
        result = CheckResult(findings=[], coverage=stage_coverage(design, catalog))
        data = report_bytes(design, result, catalog)
        page = reader(data).pages[{t: p for _l, t, p in outline(data)}["Architecture"] - 1]
        assert (not _forms(page)) == overview, n


def test_the_stage_overview_boxes_say_their_counts_in_full(big_report, catalog):
    """Each overview box cut its last line to its width: 'warning (21 flagg…' hid what the
    number counts. The lines wrap now and say what they count."""
    from app.export.dot import worst_severities
    from app.export.report.overview import stage_summary

    design, data = big_report
    pages = {title: number for _level, title, number in outline(data)}
    text = flat(reader(data).pages[pages["Architecture"] - 1].extract_text())
    assert "\u2026" not in text
    boxes, _arrows = stage_summary(design, catalog, check_design(design, catalog))
    assert worst_severities(check_design(design, catalog)) and all(box.worst for box in boxes)
    for box in boxes:
        assert f"{box.components} components {box.within} links within" in text
        assert f"worst open finding: {box.worst} {box.flagged} components flagged" in text


def test_a_card_name_is_set_smaller_before_it_is_cut(catalog):
    from app.export.report.figtext import fit_lines
    from app.export.report.figure import NAME_MAX_PT, card_name
    from app.export.report.fonts import report_fonts

    fonts = report_fonts()
    name = "Offline gate on prompt & model swaps"
    size, lines = card_name(name, 110.0, 40.0, fonts, bold=True)  # 10 pt by the card's height
    assert MIN_TEXT_PT <= size < NAME_MAX_PT and " ".join(lines) == name
    assert fit_lines("Streaming supply/demand pipeline", 90.0, 7.0, fonts, 2, bold=True) == [
        "Streaming supply/",
        "demand pipeline",
    ]


def test_a_short_context_section_ends_the_summary_page_before_the_architecture_page(big_report):
    """The 150-component report's 'Context and scope' (two lines) had a page of its own before
    the landscape Architecture page: it started a new page whenever less than a good start's
    room was left, although it fitted whole on the summary's page."""
    _design, data = big_report
    pages = {title: number for _level, title, number in outline(data)}
    assert pages["Context and scope"] == pages["Summary"]
    assert pages["Architecture"] == pages["Summary"] + 1


def test_a_card_name_takes_a_third_line_before_it_is_cut(catalog):
    from app.export.report.figure import LEADING, card_name
    from app.export.report.fonts import report_fonts

    fonts = report_fonts()
    name = "Clickstream events from the mobile apps 111"
    room = 3 * MIN_TEXT_PT * LEADING + 0.5
    size, lines = card_name(name, 86.0, room, fonts, bold=True)  # a card at the legible floor
    assert size == MIN_TEXT_PT and len(lines) == 3 and " ".join(lines) == name
    assert card_name("Streaming supply/demand pipeline", 86.0, room, fonts, bold=True)[1] == [
        "Streaming supply/",
        "demand pipeline",
    ]  # two lines when two hold it


def test_rows_of_cards_whose_names_need_a_third_line_are_made_taller(catalog):
    from app.export.report.figure import LEADING, MIN_CARD, PAD, SceneFigure, card_name
    from app.export.report.fonts import report_fonts
    from app.export.scene import build_scene, layout_for

    fonts = report_fonts()
    names = ["Clickstream events from the mobile apps 111", "Events", "Feature store", "Another long name"]
    design = Design(
        components=[
            *(Component(id=f"d{i}", kind="data_source", name=name) for i, name in enumerate(names)),
            Component(id="m", kind="model", name="Ranker"),
        ],
        links=[Link(id=f"l{i}", source=f"d{i}", target="m", flow="data") for i in range(len(names))],
    )
    card = (260.0, 64.0)  # the report's flat card: two lines at 7 pt at its legible floor
    layout = layout_for(design, catalog, 3.0, card_size=card)
    scene = build_scene(design, catalog, None, layout, card_size=card)
    figure = SceneFigure(scene, fonts)
    floor = figure.floor
    assert floor == pytest.approx(max(MIN_CARD[0] / card[0], MIN_CARD[1] / card[1]))
    figure.scale = floor
    cards = {c.component_id: c for c in figure.scene.cards}
    tall = cards["d0"]
    assert tall.height * floor - 2 * PAD >= 3 * MIN_TEXT_PT * LEADING
    for c in figure.scene.cards:  # every name whole at the floor, none cut
        inner, room = c.width * floor - 2 * PAD, c.height * floor - 2 * PAD
        size, lines = card_name(c.name, inner, room, fonts, bold=not c.muted)
        assert size >= MIN_TEXT_PT and "".join(lines).replace(" ", "") == c.name.replace(" ", "")
    boxes = [(c.x, c.y, c.x + c.width, c.y + c.height) for c in figure.scene.cards]
    for i, a in enumerate(boxes):  # no overlaps
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
    for wire in figure.scene.wires:  # routes still orthogonal and still end on a card's border
        pts = wire.points
        assert all(p[0] == q[0] or p[1] == q[1] for p, q in zip(pts, pts[1:], strict=False))
        end = cards["m"]
        assert end.y <= pts[-1][1] <= end.y + end.height
    assert figure.scene.height > scene.height


def test_a_name_too_long_for_three_lines_is_cut_with_a_note(catalog):
    long_name = "An extremely long component name that no card of a figure could hold on three lines " * 2
    design = Design(
        components=[
            Component(id="a", kind="data_source", name=long_name),
            Component(id="b", kind="model", name="Ranker"),
        ],
        links=[Link(id="l", source="a", target="b", flow="data")],
    )
    data = report_bytes(design, catalog=catalog)
    pages = {title: number for _level, title, number in outline(data)}
    page = reader(data).pages[pages["Architecture"] - 1]
    text = flat(page.extract_text())
    assert "…" in "".join(text for number, text in _figure_pages(data) if number == pages["Architecture"])
    assert "whole in its component's entry under “Design by stage”" in text
    assert long_name.strip() in flat(text_of(data))  # whole in the text


def test_taller_rows_are_worked_out_at_the_scale_the_figure_is_drawn_at(catalog):
    """The merged templates' report went from 39 to 56 pages: rows were made taller for the
    legible floor's narrow cards even where the figure is drawn bigger and the name holds on
    two lines, so a connected part no longer fitted and every stage's figure was drawn."""
    from app.export.report.figure import PAD, SceneFigure, card_name
    from app.export.report.fonts import report_fonts
    from app.export.scene import build_scene, layout_for

    fonts = report_fonts()
    name = "Clickstream events from the mobile apps 111"
    design = Design(
        components=[
            Component(id="d", kind="data_source", name=name),
            Component(id="m", kind="model", name="R"),
        ],
        links=[Link(id="l", source="d", target="m", flow="data")],
    )
    card = (260.0, 64.0)
    scene = build_scene(
        design, catalog, None, layout_for(design, catalog, 3.0, card_size=card), card_size=card
    )
    figure = SceneFigure(scene, fonts)
    assert figure.scene_at(figure.floor).height > scene.height  # three lines at the floor
    drawn = figure.fit(2000.0, 2000.0)  # a roomy frame: drawn at max_scale
    assert drawn == figure.max_scale > figure.floor
    assert figure.scene_at(drawn) is scene  # two lines hold it there: no taller row
    c = scene.cards[0]
    size, lines = card_name(c.name, c.width * drawn - 2 * PAD, c.height * drawn - 2 * PAD, fonts, bold=True)
    assert size >= MIN_TEXT_PT and " ".join(lines) == name
    # a frame that only the floor's taller scene fits in: fit() finds a scale whose scene fits
    height = figure.scene_at(figure.floor).height * figure.floor + diagram.HEADER_ROOM + 1
    scale = figure.fit(2000.0, height)
    assert scale >= figure.floor
    assert figure.scene_at(scale).height * scale + diagram.HEADER_ROOM <= height + 1e-6


def test_staggered_cards_in_one_band_each_get_their_third_line(catalog):
    from app.export.report.figure import LEADING, PAD
    from app.export.report.fonts import report_fonts
    from app.export.report.tallrows import CardText, taller_rows
    from app.export.scene import Card, Scene

    long_name = "Clickstream events from the mobile apps 111"
    cards = [  # overlapping rows in three lanes: one band of 144 layout points
        Card(
            f"c{i}",
            300.0 * i,
            y,
            260.0,
            64.0,
            long_name if i == 1 else "Short",
            "Source",
            "#fff",
            "#000",
            1.0,
            "#000",
        )
        for i, y in enumerate((0.0, 40.0, 80.0))
    ]
    scene = Scene(tuple(cards), (), (), 900.0, 144.0)
    floor = 0.359
    tall = taller_rows(scene, report_fonts(), floor, CardText(MIN_TEXT_PT, LEADING, PAD))
    middle = tall.cards[1]
    assert middle.height * floor - 2 * PAD >= 3 * MIN_TEXT_PT * LEADING
