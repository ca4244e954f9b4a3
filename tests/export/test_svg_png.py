"""SVG and PNG output: they parse, and name every component."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET

from app.domain.long_names import NAME_LIMIT, shortened
from app.export import to_png, to_svg
from app.export.dot import CARD_TECH_WIDTH, CARD_TEXT_WIDTH, card_name_lines
from app.export.text import _units, measure_in_points, wrap_lines
from tests.export.svgtext import all_texts


def test_svg_parses_and_names_every_component(recommender, recommender_check, catalog, renderer):
    svg = to_svg(recommender, catalog, recommender_check)
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    texts = all_texts(svg)
    for component in recommender.components:
        assert component.name in texts, component.name
    assert "Video feed recommender" in texts
    assert "watch time" in texts and "prediction" in texts
    assert b"#C0392B" in svg.upper() or b"#c0392b" in svg


def test_hostile_svg_keeps_names(hostile, catalog, renderer):
    texts = all_texts(to_svg(hostile, catalog))
    for component in hostile.components:
        for line in card_name_lines(component.name):  # in our layout's cards
            assert line in texts, line
    texts = all_texts(to_svg(hostile, catalog, layout="graphviz"))  # its nodes grow to fit
    for component in hostile.components:  # up to NAME_LIMIT characters, as the report shows them
        name = shortened(component.name) if len(component.name) > NAME_LIMIT else component.name
        for line in wrap_lines(name):
            assert line in texts, line


def test_cards_of_our_layout_hold_long_names(catalog, renderer):
    """The cards of our layout have a fixed size: a long name (or technology, link label,
    title) was drawn in full, over the cards and lanes around it; a wide CJK or emoji name
    overflowed the card's sides. Names that fit keep their line."""
    from tests.export.svgtext import node_texts
    from tests.factories import DesignBuilder

    b = DesignBuilder(catalog, title="A title " * 40)
    b.add("data_source", "word " * 100, id="a", technology="Kafka " * 20)
    b.add("dataset", "推荐系统召回模型" * 8, id="b")
    b.add("model", "🚀" * 40, id="c")
    b.add("model", "Human relevance judgments", id="d")
    b.link("a", "b", label="label " * 50)
    b.link("b", "c")
    svg = to_svg(b.design, catalog)
    texts = node_texts(svg)
    bold, italic = measure_in_points("Helvetica-Bold", 12), measure_in_points("Helvetica-Oblique", 10)
    for node, kind in (("n0", "Data source"), ("n1", "Dataset"), ("n2", "Model")):
        name = texts[node][:2]
        assert texts[node][2] == kind
        assert name[1].endswith("\u2026"), name
        assert all(bold(line) <= CARD_TEXT_WIDTH for line in name), name
    assert texts["n0"][0].startswith("word word word word") and "Kafka Kafka" in texts["n0"][3]
    assert all(italic(line) <= CARD_TECH_WIDTH for line in texts["n0"][3:]) and len(texts["n0"]) == 5
    assert texts["n1"][0].startswith("推荐系统召回模型") and texts["n2"][0].startswith("🚀🚀")
    assert texts["n3"] == ["Human relevance judgments", "Model"]
    (title,) = texts["title"]
    assert title.startswith("A title A title") and title.endswith("\u2026")
    label = [t for t in all_texts(svg) if t.startswith("label")]
    assert len(label) == 2 and label[1].endswith("\u2026")


def test_png_is_a_real_image(recommender, catalog, renderer):
    png = to_png(recommender, catalog)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert width > 500 and height > 100


def test_top_to_bottom_variant_of_the_graphviz_layout(recommender, catalog, renderer):
    wide = ET.fromstring(to_svg(recommender, catalog, layout="graphviz"))
    tall = ET.fromstring(to_svg(recommender, catalog, layout="graphviz", rankdir="TB"))

    def aspect(root: ET.Element) -> float:
        return float(root.get("width", "0pt")[:-2]) / float(root.get("height", "1pt")[:-2])

    assert aspect(wide) > 1.5 > aspect(tall)


def test_svg_from_our_layout_places_every_card_where_the_layout_says(recommender, catalog, renderer):
    from app.export.placed import placed_graph
    from tests.export.svgtext import node_texts

    svg = to_svg(recommender, catalog)
    texts = node_texts(svg)
    for index, component in enumerate(recommender.components):
        assert texts[f"n{index}"][: len(wrap_lines(component.name))] == wrap_lines(component.name)
    lanes = [name for name in texts if name.startswith("lane")]
    assert len(lanes) == 6 and texts["lane0"] == ["1. Business problem"]
    source = placed_graph(recommender, catalog).graph.source
    assert source.count(' pos="e,') == len(recommender.links)  # every link routed by our layout
    assert b'class="edge"' in svg and svg.count(b'class="edge"') == len(recommender.links)


def test_png_scale_sets_the_resolution(recommender, catalog, renderer):
    small = to_png(recommender, catalog, scale=0.5)
    large = to_png(recommender, catalog, scale=1.0)
    (w1, h1), (w2, h2) = (struct.unpack(">II", png[16:24]) for png in (small, large))
    assert abs(w2 - 2 * w1) <= 2 and abs(h2 - 2 * h1) <= 2


def _card_overflows(svg: bytes) -> list[str]:
    """Text lines of our layout's cards that Graphviz started left of the card's border: it
    centres each line by the width its font gives, so a line measured wider than the card
    starts outside it (and ends outside the other side)."""
    import re

    from tests.export.svgtext import SVG

    overflows = []
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        title = group.find(f"{SVG}title")
        path = group.find(f"{SVG}path")
        if group.get("class") != "node" or title is None or path is None:
            continue
        if not (title.text or "").startswith("n"):  # a card, not a lane
            continue
        left = min(float(x) for x in re.findall(r"(-?[\d.]+),-?[\d.]+", path.get("d", "")))
        for text in group.iter(f"{SVG}text"):
            if text.get("text-anchor") == "start" and float(text.get("x", "0")) < left:
                overflows.append("".join(text.itertext()))
    return overflows


def test_card_names_stay_inside_their_cards(catalog, renderer):
    """The system dot (2.43 here) resolved fontname=Helvetica through its PostScript alias table
    to DejaVu Sans, 15-20% wider than the Helvetica metrics names are wrapped with, so in the
    fraud template's SVG and PNG 'Score authorizations for fraud' ran out of both sides of its
    card. Arimo (shipped, Helvetica's metrics) is what both renderers lay out with now, and the
    SVG names generic fallbacks for viewers without it."""
    from app.templates import design_from_template

    design = design_from_template("fraud_detection")
    svg = to_svg(design, catalog)
    assert _card_overflows(svg) == []
    families = {t.get("font-family") for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")}
    assert families and all(f and f.endswith("sans-serif") for f in families), families


def test_card_names_break_after_a_slash_or_hyphen_as_in_the_report(catalog, renderer):
    """A name with no space where a line could end was cut with an ellipsis; it breaks after
    its slash or hyphen (the report's figures break there too) and reads whole."""
    from tests.export.svgtext import node_texts
    from tests.factories import DesignBuilder

    b = DesignBuilder(catalog)
    b.add("data_source", "Streaming supply/demand-forecasting pipeline", id="a")
    b.add("model", "Near-real-time/batch-reconciliation ranker", id="b")
    b.link("a", "b")
    texts = node_texts(to_svg(b.design, catalog))
    bold = measure_in_points("Helvetica-Bold", 12)
    for node, name, kind in (
        ("n0", "Streaming supply/demand-forecasting pipeline", "Data source"),
        ("n1", "Near-real-time/batch-reconciliation ranker", "Model"),
    ):
        lines = texts[node][:-1]
        assert texts[node][-1] == kind and len(lines) == 2
        assert not any("\u2026" in line for line in lines)
        assert "".join(lines).replace(" ", "") == name.replace(" ", "")
        assert all(bold(line) <= CARD_TEXT_WIDTH for line in lines)
        assert lines[0][-1] in "/-" or name[len(lines[0])] == " "  # broken at a space, slash or hyphen
    assert card_name_lines("Streaming supply/demand-forecasting pipeline")[0].endswith(("/", "-"))


def test_a_long_name_is_measured_from_each_character_s_width_looked_up_once(monkeypatch):
    # `export --svg` of 43 cards named with thousands of letters took 16 s, 26 of them in
    # reportlab's stringWidth: 6.9 million calls, one per letter per measurement
    import reportlab.pdfbase.pdfmetrics as pdfmetrics

    calls: list[str] = []
    real = pdfmetrics.stringWidth

    def counted(text: str, font: str, size: float) -> float:
        calls.append(text)
        return real(text, font, size)

    monkeypatch.setattr(pdfmetrics, "stringWidth", counted)
    measure = measure_in_points.__wrapped__("Helvetica", 9)  # a fresh one, not the cached
    name = "Feature-store lookups " * 500 + "推荐 مخزن"

    def per_letter(ch: str) -> float:
        return _units(ch) * 9 / 2 if _units(ch) != 1 else real(ch, "Helvetica", 9)

    assert measure(name) == sum(map(per_letter, name))  # the same figures as ever
    assert len(calls) == len(set(calls)) == len({ch for ch in name if _units(ch) == 1})
